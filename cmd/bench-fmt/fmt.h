/*
 * fmt.h - bench-fmt's parts and the tables that register them.
 *
 *   formats.c   formats[]      one file per output format (md.c, html.c...)
 *   sections.c  sections[]     one file per report section (sec_*.c)
 *   chart.c     chart_kinds[]  one file per chart (chart_*.c)
 *
 * Adding a format, a section or a chart is one new file and one line in
 * its table.  A section may also claim records of a kind the report model
 * does not know (accept), which is how new record kinds get a section.
 */
#ifndef BENCH_FMT_FMT_H
#define BENCH_FMT_FMT_H

#include <stdio.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "doc.h"
#include "ndjson.h"
#include "report.h"

struct opts {
	const char *title;
	time_t now;		/* the report's time */
	int stamp;		/* show it (0 with --no-timestamp) */
	int charts;		/* html: draw charts (0 with --no-charts) */
	double chart_timeout;	/* seconds per gnuplot run */
	const char *kind;	/* csv, tsv: the kind of record of a row */
	int chart;		/* gnuplot: index into chart_kinds[] */
	const char *terminal;	/* gnuplot: svg, png, pdfcairo */
};

struct format {
	const char *name;
	const char *ext;	/* of the files --output-dir names */
	void (*write)(const struct report *r, FILE *out, const struct opts *o);
	int keep_lines;		/* needs every input line (report.lines) */
};

extern const struct format *const formats[];	/* NULL-terminated */
const struct format *format_find(const char *name);

struct section {
	const char *name;
	/* Optional: keeps rec (returning 1) when it is of a kind this
	 * section shows; *state starts NULL. */
	int (*accept)(void **state, cJSON *rec);
	void (*build)(const struct report *r, void *state, struct doc *d,
	    const struct opts *o);
	void (*free)(void *state);
};

extern const struct section *const sections[];	/* NULL-terminated */
/* The whole report as a document: every section in table order. */
void report_doc(const struct report *r, struct doc *d, const struct opts *o);

struct chart_kind {
	const char *name;	/* --chart NAME */
	const char *tmpl;	/* template file in DATADIR/gnuplot/ */
	/* How many panels the report gives this chart (0: none). */
	size_t (*panels)(const struct report *r);
	/* Panel i's title, and its size in pixels. */
	void (*title)(const struct report *r, size_t i, struct bp_buf *b);
	void (*size)(const struct report *r, size_t i, int *w, int *h);
	/* Panel i's data: data blocks and variables, as gnuplot commands
	 * the template reads. */
	void (*data)(const struct report *r, size_t i, struct bp_buf *b);
};

extern const struct chart_kind *const chart_kinds[];	/* NULL-terminated */
int chart_find(const char *name);
/*
 * A complete gnuplot script drawing panel i of chart kind k (all panels,
 * laid out with multiplot, when i is CHART_ALL) on terminal ("svg",
 * "png", "pdfcairo"), with its title drawn in when titled (the HTML
 * report has captions instead).  0, or -1 with the reason in err (a
 * template that cannot be read).
 */
#define CHART_ALL ((size_t)-1)
int chart_script(const struct report *r, int k, size_t i, const char *term,
    int titled, struct bp_buf *out, char *err, size_t errlen);
/* A string as a single-quoted gnuplot literal: single quotes stop
 * gnuplot from running `backquoted` commands found in a model name. */
void gp_str(struct bp_buf *b, const char *s);
/* "array NAME[n] = ['a', 'b']" and a newline (n >= 1). */
void gp_array(struct bp_buf *b, const char *name, const char *const *v,
    size_t n);
/* "NAME = 'value'" and a newline. */
void gp_var(struct bp_buf *b, const char *name, const char *value);
/* A number exactly, "NaN" when not finite. */
void gp_num(struct bp_buf *b, double v);
/* s cut to at most max characters (not bytes), with an ellipsis. */
char *gp_trunc(const char *s, size_t max);

/* Runs gnuplot on script; its stdout into svg.  0, or -1 with the reason
 * in err (not installed, timed out, failed with its first error line). */
int plot_run(const char *script, size_t len, double timeout_s,
    struct bp_buf *svg, char *err, size_t errlen);

/* gnuplot's SVG as chart n of a page: XML prologue, size, title and
 * description gone, a role and a label added, every id prefixed "cN-".
 * NULL when there is no <svg> in it. */
char *svg_inline(const struct bp_buf *svg, size_t n);

/* SHA-256 of data, and base64 of len bytes into out (4 * ceil(len / 3)
 * + 1 bytes). */
void sha256(const void *data, size_t len, unsigned char out[32]);
void base64(const unsigned char *in, size_t len, char *out);

/* Helpers the sections share (sections.c): text in the doc's arena. */
const char *sec_num(struct doc *d, double v);
const char *sec_int(struct doc *d, double v);
const char *sec_where(struct doc *d, const struct group *g);
const char *sec_params(struct doc *d, const cJSON *params);
const char *sec_metric(struct doc *d, const char *name);
/* "model-3": the anchor of a model's heading. */
const char *sec_model_id(struct doc *d, const struct report *r,
    const char *model);
/* The status of a group as a badge: "ok", "failed: oom", ... */
void sec_status(struct doc *d, struct text *t, const struct group *g);
enum tone sec_status_tone(enum status s);
/* A result's scenario object (bench-run --scenario), NULL when none;
 * its headline number and what it is ("Completed samples/s"), 0 when it
 * has none; whether it is valid (1, 0, -1 when not said). */
const cJSON *scenario_of(const cJSON *rec);
int scenario_headline(const cJSON *sc, const char **label, double *v);
int scenario_valid(const cJSON *sc);

#endif
