/*
 * chart.c - the table of charts, and the gnuplot scripts that draw them.
 *
 * A script is: a header naming the terminal, share/gnuplot/style.gp, then
 * per panel the data (inline data blocks and variables written by the
 * chart's file) and the chart's template from share/gnuplot/.  The same
 * script goes to `bench-fmt -f gnuplot` and, with the svg terminal, to
 * the gnuplot that draws the HTML report's charts, so what a reader edits
 * is what the report shows.
 *
 * Text from the records only ever enters a script as a single-quoted
 * literal (gp_str): gnuplot runs `backquoted` commands inside double
 * quotes, and a model name must not run anything.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "json.h"

extern const struct chart_kind chart_heatmap, chart_scaling, chart_latency,
    chart_trend, chart_regressions, chart_trace_timeline,
    chart_trace_category, chart_roofline;

const struct chart_kind *const chart_kinds[] = {
	&chart_heatmap,
	&chart_scaling,
	&chart_latency,
	&chart_trend,
	&chart_regressions,
	&chart_trace_timeline,
	&chart_trace_category,
	&chart_roofline,
	NULL,
};

int
chart_find(const char *name)
{
	int i;

	for (i = 0; chart_kinds[i]; i++)
		if (strcmp(chart_kinds[i]->name, name) == 0)
			return i;
	return -1;
}

void
gp_str(struct bp_buf *b, const char *s)
{
	bp_buf_addc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			bp_buf_adds(b, "''");
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			bp_buf_addc(b, ' ');
		else
			bp_buf_addc(b, *s);
	}
	bp_buf_addc(b, '\'');
}

void
gp_array(struct bp_buf *b, const char *name, const char *const *v, size_t n)
{
	size_t i;

	bp_buf_addf(b, "array %s[%zu] = [", name, n ? n : 1);
	for (i = 0; i < n; i++) {
		if (i)
			bp_buf_adds(b, ", ");
		gp_str(b, v[i]);
	}
	if (!n)
		bp_buf_adds(b, "''");
	bp_buf_adds(b, "]\n");
}

void
gp_var(struct bp_buf *b, const char *name, const char *value)
{
	bp_buf_addf(b, "%s = ", name);
	gp_str(b, value);
	bp_buf_addc(b, '\n');
}

void
gp_num(struct bp_buf *b, double v)
{
	if (isfinite(v))
		bp_json_write_num(b, v);
	else
		bp_buf_adds(b, "NaN");
}

char *
gp_trunc(const char *s, size_t max)
{
	struct bp_buf b = { 0 };
	size_t chars = 0;
	const char *p;

	for (p = s; *p; p++)
		chars += ((unsigned char)*p & 0xc0) != 0x80;
	if (chars <= max)
		return bp_xstrdup(s);
	for (p = s, chars = 0; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++chars == max)
			break;
		bp_buf_addc(&b, *p);
	}
	bp_buf_adds(&b, "\xe2\x80\xa6");
	return bp_buf_detach(&b);
}

static int
read_template(const char *name, struct bp_buf *b, char *err, size_t errlen)
{
	struct bp_buf path = { 0 };
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = 0;

	bp_buf_addf(&path, "%s/gnuplot/%s", bp_datadir(), name);
	f = fopen(path.p, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path.p, strerror(errno));
		bp_buf_free(&path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		bp_buf_add(b, chunk, n);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path.p, strerror(errno));
		rc = -1;
	}
	fclose(f);
	bp_buf_free(&path);
	return rc;
}

static void
terminal(struct bp_buf *b, const char *term, int w, int h)
{
	if (strcmp(term, "png") == 0)
		bp_buf_addf(b, "set terminal pngcairo size %d,%d noenhanced "
		    "font 'sans,10' background rgb 'white'\n", w, h);
	else if (strcmp(term, "pdfcairo") == 0)
		bp_buf_addf(b, "set terminal pdfcairo size %.2fin,%.2fin "
		    "noenhanced font 'sans,9'\n", w / 96.0, h / 96.0);
	else
		bp_buf_addf(b, "set terminal svg size %d,%d noenhanced "
		    "font 'sans-serif,11' background rgb 'white'\n", w, h);
}

/* chart_title: the panel's title, or '' when the page captions it. */
static void
title_var(struct bp_buf *out, const struct report *r,
    const struct chart_kind *k, size_t i, int titled)
{
	struct bp_buf t = { 0 };

	if (titled)
		k->title(r, i, &t);
	gp_var(out, "chart_title", t.p ? t.p : "");
	bp_buf_free(&t);
}

static void
nothing(struct bp_buf *b, const struct chart_kind *k)
{
	bp_buf_addf(b, "set label 'Nothing to plot: the input has no data "
	    "for a %s chart' at screen 0.5,0.5 center\n"
	    "unset border\nunset tics\nunset key\n"
	    "plot [0:1][0:1] NaN notitle\n", k->name);
}

int
chart_script(const struct report *r, int kind, size_t panel,
    const char *term, int titled, struct bp_buf *out, char *err,
    size_t errlen)
{
	const struct chart_kind *k = chart_kinds[kind];
	struct bp_buf style = { 0 }, tmpl = { 0 };
	size_t n = k->panels(r), i, from, to, cols, rows;
	int w = 640, h = 360, pw, ph, rc = -1;

	if (read_template("style.gp", &style, err, errlen) != 0 ||
	    read_template(k->tmpl, &tmpl, err, errlen) != 0)
		goto out;
	from = panel == CHART_ALL ? 0 : panel;
	to = panel == CHART_ALL ? n : panel + 1;
	cols = to - from > 1 ? 2 : 1;
	rows = (to - from + cols - 1) / cols;
	for (i = from; i < to && i < n; i++) {
		k->size(r, i, &pw, &ph);
		if (i == from || pw > w)
			w = pw;
		if (i == from || ph > h)
			h = ph;
	}
	bp_buf_addf(out, "# bench-fmt: %s chart.  The data is inline; edit "
	    "freely, then:\n#   gnuplot THIS-FILE > chart.%s\n", k->name,
	    strcmp(term, "pdfcairo") == 0 ? "pdf" : term);
	terminal(out, term, w * (int)cols, h * (int)(rows ? rows : 1));
	if (to > n || from >= to) {
		bp_buf_add(out, style.p, style.len);
		nothing(out, k);
		rc = 0;
		goto out;
	}
	if (to - from > 1)
		bp_buf_addf(out, "set multiplot layout %zu,%zu\n", rows, cols);
	for (i = from; i < to; i++) {
		if (i > from)
			bp_buf_adds(out, "reset\n");
		bp_buf_add(out, style.p, style.len);
		bp_buf_addf(out, "\n# ---- panel %zu: data ----\n", i + 1);
		title_var(out, r, k, i, titled);
		k->data(r, i, out);
		bp_buf_addf(out, "\n# ---- panel %zu: %s ----\n", i + 1,
		    k->tmpl);
		bp_buf_add(out, tmpl.p, tmpl.len);
	}
	if (to - from > 1)
		bp_buf_adds(out, "unset multiplot\n");
	rc = 0;
out:
	bp_buf_free(&style);
	bp_buf_free(&tmpl);
	return rc;
}
