/*
 * chart_trend.c - median latency over time, from the ok results of
 * configurations that ran at two times or more: one panel per model, one
 * line per configuration.
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

#define MAX_SERIES 8

static const struct model *
nth_model(const struct report *r, size_t i)
{
	size_t k;

	for (k = 0; k < r->nmodels; k++)
		if (r->models[k].has_trend && i-- == 0)
			return &r->models[k];
	return NULL;
}

static size_t
panels(const struct report *r)
{
	size_t k, n = 0;

	for (k = 0; k < r->nmodels; k++)
		n += r->models[k].has_trend;
	return n;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	bp_buf_addf(b, "%s: median latency over time", nth_model(r, i)->name);
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	(void)r;
	(void)i;
	*w = 760;
	*h = 380;
}

struct point {
	double t, y;
};

static int
cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return (x->t > y->t) - (x->t < y->t);
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct model *m = nth_model(r, panel);
	const char *names[MAX_SERIES];
	size_t i, j, k, n = 0;
	struct bp_buf t = { 0 };

	bp_buf_adds(b, "# one block per configuration: epoch seconds, p50 ms\n"
	    "$data << EOD\n");
	for (i = 0; i < m->ngroups && n < MAX_SERIES; i++) {
		const struct group *g = m->groups[i];
		struct point *p;

		if (g->nstatus[ST_OK] < 2 || !(g->first_ts < g->last_ts))
			continue;
		p = bp_xmalloc(g->nresults * sizeof *p);
		for (j = k = 0; j < g->nresults; j++) {
			const cJSON *x = g->results[j];

			if (status_of(x) != ST_OK)
				continue;
			p[k].t = show_ts_of(x, "ts");
			if (bp_json_num(x, "metrics.latency_ms.p50", &p[k].y)
			    != 1 || isnan(p[k].t))
				continue;
			k++;
		}
		qsort(p, k, sizeof *p, cmp_point);
		if (n)
			bp_buf_adds(b, "\n\n");
		for (j = 0; j < k; j++) {
			bp_buf_addf(b, "%.3f ", p[j].t);
			gp_num(b, p[j].y);
			bp_buf_addc(b, '\n');
		}
		free(p);
		bp_buf_reset(&t);
		bp_buf_addf(&t, "%s @ %s", g->backend, g->host->name);
		if (m->npkeys) {
			bp_buf_adds(&t, ", ");
			model_params(&t, m, g->params);
		}
		names[n++] = gp_trunc(t.p, 48);
	}
	bp_buf_adds(b, "EOD\n");
	gp_array(b, "names", names, n);
	{
		double span = 0;

		for (i = 0; i < m->ngroups; i++)
			if (m->groups[i]->last_ts - m->groups[i]->first_ts > span)
				span = m->groups[i]->last_ts -
				    m->groups[i]->first_ts;
		/* about six tics: hours, days or weeks */
		bp_buf_addf(b, "xstep = %d\n", span <= 2 * 86400 ?
		    (span <= 12 * 3600 ? 3600 : 6 * 3600) : span <= 14 * 86400 ?
		    86400 : 7 * 86400);
	}
	for (i = 0; i < n; i++)
		free((char *)names[i]);
	bp_buf_free(&t);
}

const struct chart_kind chart_trend = {
	"trend", "trend.gp", panels, title, size, data,
};
