/*
 * chart_trace_category.c - a trace's time by op category (kernel time, or
 * CPU self time for a trace without GPU events) as horizontal bars,
 * largest at the top, each labelled with its share.  One panel per trace.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "trace.h"

#define MAX_BARS 12

static size_t
panels(const struct report *r)
{
	const struct traces *s = trace_model(r);

	return s ? s->ncategory : 0;
}

static const struct trace *
trace_at(const struct report *r, size_t panel)
{
	const struct traces *s = trace_model(r);
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].category_panel == panel)
			return &s->v[i];
	return NULL;
}

static int
charted(const cJSON *c)
{
	double ms = trace_time_ms(c);

	return isfinite(ms) && ms >= 0;
}

static size_t
bars(const struct trace *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->cats.n; i++)
		n += charted(t->cats.v[i]);
	return n < MAX_BARS ? n : MAX_BARS;
}

static int
cpu_basis(const struct trace *t)
{
	const char *b = bp_json_str(t->cats.v[0], "basis");

	return b && strcmp(b, "cpu") == 0;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	const struct trace *t = trace_at(r, i);

	trace_title(b, t);
	bp_buf_adds(b, cpu_basis(t) ? ": CPU self time by category" :
	    ": kernel time by category");
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	*w = 760;
	*h = 110 + 28 * (int)bars(trace_at(r, i));
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct trace *t = trace_at(r, panel);
	const char *names[MAX_BARS], *labels[MAX_BARS];
	struct bp_buf l = { 0 };
	double hi = 0, pct;
	size_t i, n = 0;

	bp_buf_adds(b, "# row milliseconds\n$data << EOD\n");
	for (i = 0; i < t->cats.n && n < MAX_BARS; i++) {
		const cJSON *c = t->cats.v[i];
		const char *name = bp_json_str(c, "category");
		double ms = trace_time_ms(c);

		if (!charted(c))
			continue;
		bp_buf_addf(b, "%zu ", n);
		gp_num(b, ms);
		bp_buf_addc(b, '\n');
		hi = fmax(hi, ms);
		names[n] = gp_trunc(name ? name : "?", 32);
		pct = rec_num(c, "pct");
		bp_buf_reset(&l);
		if (pct > 0 && pct < 0.1)
			bp_buf_adds(&l, "<0.1%");
		else if (!isnan(pct))
			bp_buf_addf(&l, "%.1f%%", pct);
		labels[n++] = bp_xstrdup(l.p ? l.p : "");
	}
	bp_buf_adds(b, "EOD\n");
	bp_buf_addf(b, "xhi = ");
	gp_num(b, hi > 0 ? hi * 1.2 : 1);
	bp_buf_addc(b, '\n');
	gp_var(b, "xlabel", cpu_basis(t) ? "CPU self time (ms)" :
	    "kernel time (ms)");
	gp_array(b, "names", names, n);
	gp_array(b, "labels", labels, n);
	for (i = 0; i < n; i++) {
		free((char *)names[i]);
		free((char *)labels[i]);
	}
	bp_buf_free(&l);
}

const struct chart_kind chart_trace_category = {
	"trace-category", "trace-category.gp", panels, title, size, data,
};
