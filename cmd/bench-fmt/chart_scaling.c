/*
 * chart_scaling.c - throughput (or the model's headline metric, or
 * latency) against a swept numeric parameter: one panel per model and
 * parameter, one line per series (backend @ host and the other params).
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "show.h"

#define MAX_SERIES 8

static size_t
panels(const struct report *r)
{
	return r->nsweeps;
}

/* What the y axis shows: 0 throughput, 1 the headline metric, 2 p50. */
static int
measure(const struct sweep *s)
{
	size_t i, j;

	for (i = 0; i < s->nseries; i++)
		for (j = 0; j < s->series[i].n; j++)
			if (!isnan(s->series[i].pts[j]->row.tput))
				return 0;
	return s->model->hl == HL_METRIC ? 1 : 2;
}

static double
y_of(const struct sweep *s, const struct group *g, int what)
{
	if (what == 0)
		return g->row.tput;
	if (what == 1)
		return row_metric(&g->row, s->model->hl_metric, "p50");
	return g->row.p50;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	const struct sweep *s = &r->sweeps[i];
	int what = measure(s);

	bp_buf_addf(b, "%s: ", s->model->name);
	if (what == 1)
		show_metric(b, s->model->hl_metric);
	else
		bp_buf_adds(b, what == 0 ? "throughput" : "median latency");
	bp_buf_addf(b, " by %s", s->param);
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	(void)r;
	(void)i;
	*w = 760;
	*h = 400;
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct sweep *s = &r->sweeps[panel];
	const char *names[MAX_SERIES];
	char *cut[MAX_SERIES];
	int what = measure(s), logx = 1;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = 0;
	size_t i, j, n = s->nseries < MAX_SERIES ? s->nseries : MAX_SERIES;
	struct bp_buf t = { 0 };

	bp_buf_adds(b, "# one block per series: param value, then y\n"
	    "$data << EOD\n");
	for (i = 0; i < n; i++) {
		const struct series *se = &s->series[i];

		if (i)
			bp_buf_adds(b, "\n\n");
		for (j = 0; j < se->n; j++) {
			const struct group *g = se->pts[j];
			double x = cJSON_GetObjectItem(g->params,
			    s->param)->valuedouble, y = y_of(s, g, what);

			gp_num(b, x);
			bp_buf_addc(b, ' ');
			gp_num(b, y);
			bp_buf_addc(b, '\n');
			logx &= x > 0;
			xmin = fmin(xmin, x);
			xmax = fmax(xmax, x);
			if (y > 0) {
				ymin = fmin(ymin, y);
				ymax = fmax(ymax, y);
			}
		}
		cut[i] = gp_trunc(se->label, 48);
		names[i] = cut[i];
	}
	bp_buf_adds(b, "EOD\n");
	gp_array(b, "names", names, n);
	gp_var(b, "xlabel", s->param);
	bp_buf_reset(&t);
	if (what == 0)
		bp_buf_adds(&t, "throughput (items/s)");
	else if (what == 1)
		show_metric(&t, s->model->hl_metric);
	else
		bp_buf_adds(&t, "p50 latency (ms)");
	gp_var(b, "ylabel", t.p);
	bp_buf_addf(b, "logx = %d\nlogy = %d\n", logx && xmax / xmin >= 8,
	    ymax / ymin >= 30);
	for (i = 0; i < n; i++)
		free(cut[i]);
	bp_buf_free(&t);
}

const struct chart_kind chart_scaling = {
	"scaling", "scaling.gp", panels, title, size, data,
};
