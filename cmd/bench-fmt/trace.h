/*
 * trace.h - the bench-trace records of a report, sorted into traces (one
 * file and rank), the job they form (the job-wide multi-rank records) and
 * the comparisons of --diff.  sec_trace.c claims the records and shows
 * them, the chart_trace_*.c files draw them and json.c writes them.
 *
 * The model is finished (sorted, its chart panels numbered) on first use
 * by trace_model(), so every reader sees the same order and panel
 * numbers whether or not the document was built first.
 */
#ifndef BENCH_FMT_TRACE_H
#define BENCH_FMT_TRACE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "report.h"

#define TRACE_NOPANEL ((size_t)-1)

struct tlist {
	const cJSON **v;
	size_t n, cap;
};

/* One trace file and rank. */
struct trace {
	const char *file;	/* "" when the records say none */
	double rank;		/* NaN when none */
	const cJSON *info, *timeline;
	struct tlist cats, ops, kernels;	/* largest time first */
	struct tlist perf;	/* by kernel_time_sum_us, largest first */
	struct tlist unified;	/* as they came: by kernel time */
	struct tlist shorts;	/* short kernels, by total_us */
	struct tlist hist;	/* short-kernel histogram, by bin */
	struct tlist steps;	/* by step */
	struct tlist phases;	/* prefill, decode, mixed, then others */
	struct tlist phasecats;	/* by phase, then time */
	struct tlist colls;	/* collectives, by time */
	int in_job;		/* a trace_rank record names it */
	size_t timeline_panel, category_panel, roofline_panel;
};

/* The two traces of a --diff, and its records by table. */
struct tdiff {
	const char *base, *current;
	struct tlist timeline;	/* as they came */
	struct tlist cats, ops;	/* largest change first */
	struct tlist other;	/* tables this version does not know */
};

struct traces {
	struct trace *v;	/* in the order they first appear */
	size_t n, cap;
	/* the job-wide records of a multi-rank run */
	struct tlist ranks;	/* trace_rank, by rank */
	struct tlist stragglers;	/* trace_straggler, by rank */
	struct tlist straggler_steps;	/* by spread, largest first */
	struct tlist syncs;	/* trace_collective_sync, by start skew */
	struct tdiff *diffs;
	size_t ndiffs, capdiffs;
	size_t job_panel;	/* the job's timeline panel */
	size_t ntimeline, ncategory, nroofline;	/* panels of each chart */
	struct tlist keep;	/* every record, freed at the end */
	int done;
};

/* The traces of the report, finished; NULL when it holds none. */
const struct traces *trace_model(const struct report *r);
/* Claims rec when it is a trace_* kind the model knows (1), else 0. */
int trace_accept(void **state, cJSON *rec);
void trace_free(void *state);

/* "name.json.gz, rank 0" */
void trace_title(struct bp_buf *b, const struct trace *t);
/* "rank 3", or the file's base name when it has no rank. */
void trace_rank_name(struct bp_buf *b, const cJSON *rec);
/* Milliseconds of an op or category: GPU kernel time, else CPU self. */
double trace_time_ms(const cJSON *x);
/* Whether the timeline record has GPU events (an absent count: yes). */
int trace_has_gpu(const cJSON *timeline);
/* Slots of the timeline bar: computation, exposed communication,
 * exposed memcpy and idle, in percent of total; from a trace_timeline
 * or a trace_rank.  0 when the record lacks a positive total. */
int trace_parts(const cJSON *rec, double pct[4], double *total_ms);

/* The list sorted by a number field (NaN last), ties by a string
 * field, into out (a copy; free out->v). */
void trace_sorted(const struct tlist *l, const char *num, const char *name,
    int asc, struct tlist *out);

/* ---- the parts of the Traces section (sec_trace.c, trace_tables.c,
 * trace_job.c) ---- */
struct doc;
struct trow;

#define TRACE_TOP 10	/* rows of a long table */
#define TRACE_NAMEMAX 100	/* characters of a kernel name shown */

/* A cell of the record's number (or percent, or count) at key. */
void tcell_num(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key);
void tcell_pct(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key);
void tcell_int(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key);
/* A name as code, cut to max characters, whole in the hint. */
void tcell_code(struct doc *d, struct trow *row, int col, const char *s,
    size_t max);
/* "The first 10 of 12, by time." when n > TRACE_TOP. */
void trace_top_note(struct doc *d, size_t n, const char *by);

void trace_doc_perf(struct doc *d, const struct trace *t, int chart);
void trace_doc_shorts(struct doc *d, const struct trace *t);
void trace_doc_phases(struct doc *d, const struct trace *t);
void trace_doc_steps(struct doc *d, const struct trace *t);
void trace_doc_colls(struct doc *d, const struct trace *t);
void trace_doc_job(struct doc *d, const struct traces *s, int chart);
void trace_doc_diff(struct doc *d, const struct tdiff *x, size_t i);

#endif
