/*
 * chart_latency.c - the distribution of latency per configuration of a
 * model, from its samples: a box from the 25th to the 75th percentile,
 * whiskers to the 1st and 99th, the median and the mean.  Five numbers per
 * box, however many samples: the chart stays small on a million.
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "show.h"
#include "stats.h"

#define MAX_BOXES 16

static const struct model *
nth_model(const struct report *r, size_t i)
{
	size_t k;

	for (k = 0; k < r->nmodels; k++)
		if (r->models[k].has_samples && i-- == 0)
			return &r->models[k];
	return NULL;
}

static size_t
panels(const struct report *r)
{
	size_t k, n = 0;

	for (k = 0; k < r->nmodels; k++)
		n += r->models[k].has_samples;
	return n;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	bp_buf_addf(b, "%s: latency distribution per configuration, relative "
	    "to its median", nth_model(r, i)->name);
}

static size_t
boxes(const struct model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->ngroups; i++)
		n += m->groups[i]->lat.n >= 2;
	return n < MAX_BOXES ? n : MAX_BOXES;
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	size_t n = boxes(nth_model(r, i));

	*w = 160 + 150 * (int)n;
	if (*w < 640)
		*w = 640;
	if (*w > 1180)
		*w = 1180;
	*h = 440;
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct model *m = nth_model(r, panel);
	const char *names[MAX_BOXES], *subs[MAX_BOXES];
	size_t i, n = 0;
	double lo = INFINITY, hi = 0;
	char num[SHOW_LEN];

	bp_buf_adds(b, "# x p1 p25 p50 p75 p99 mean, each divided by p50\n"
	    "$data << EOD\n");
	for (i = 0; i < m->ngroups && n < MAX_BOXES; i++) {
		const struct group *g = m->groups[i];
		const double *x = g->lat.v;
		size_t k = g->lat.n;
		double q[5], mean, sd;
		struct bp_buf nb = { 0 };
		int j;
		static const double at[5] = { .01, .25, .5, .75, .99 };

		if (k < 2)
			continue;
		for (j = 0; j < 5; j++)
			q[j] = bp_stats_quantile(x, k, at[j]);
		bp_stats_meanvar(x, k, &mean, &sd);
		if (!(q[2] > 0))
			continue;
		bp_buf_addf(b, "%zu", n + 1);
		for (j = 0; j < 5; j++) {
			bp_buf_addc(b, ' ');
			gp_num(b, q[j] / q[2]);
		}
		bp_buf_addc(b, ' ');
		gp_num(b, mean / q[2]);
		bp_buf_addc(b, '\n');
		lo = fmin(lo, q[0] / q[2]);
		hi = fmax(hi, q[4] / q[2]);
		bp_buf_addf(&nb, "%s @ %s", g->backend, g->host->name);
		names[n] = gp_trunc(nb.p, 24);
		bp_buf_reset(&nb);
		model_params(&nb, m, g->params);
		bp_buf_addf(&nb, "%sp50 %s ms", nb.len ? ", " : "",
		    show_num(num, q[2]));
		subs[n++] = gp_trunc(nb.p, 24);
		bp_buf_free(&nb);
	}
	bp_buf_adds(b, "EOD\n");
	gp_array(b, "names", names, n);
	gp_array(b, "subs", subs, n);
	bp_buf_addf(b, "logy = %d\nrotate = %d\n", lo > 0 && hi / lo >= 20,
	    n > 7);
	for (i = 0; i < n; i++) {
		free((char *)names[i]);
		free((char *)subs[i]);
	}
}

const struct chart_kind chart_latency = {
	"latency", "latency.gp", panels, title, size, data,
};
