/*
 * stats.c - descriptive statistics.  Percentiles are R type 7 (numpy's
 * default) everywhere in benchpipe; change them here or nowhere.
 */
#include <math.h>
#include <stdlib.h>

#include "buf.h"
#include "stats.h"

void
bp_vec_push(struct bp_vec *x, double v)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = bp_xrealloc(x->v, x->cap * sizeof *x->v);
	}
	x->v[x->n++] = v;
}

void
bp_vec_free(struct bp_vec *x)
{
	free(x->v);
	x->v = NULL;
	x->n = x->cap = 0;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
bp_stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof *x, cmpd);
}

double
bp_stats_quantile(const double *sorted, size_t n, double q)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	h = (n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

void
bp_stats_meanvar(const double *x, size_t n, double *mean, double *stddev)
{
	double s = 0, m, d, ss = 0, corr = 0;
	size_t i;

	if (n == 0) {
		*mean = *stddev = NAN;
		return;
	}
	for (i = 0; i < n; i++)
		s += x[i];
	m = s / n;
	/* second pass with the compensation term of Chan, Golub, LeVeque */
	for (i = 0; i < n; i++) {
		d = x[i] - m;
		ss += d * d;
		corr += d;
	}
	*mean = m + corr / n;
	*stddev = n < 2 ? NAN : sqrt((ss - corr * corr / n) / (n - 1));
}

void
bp_stats_summary(double *x, size_t n, struct bp_summary *s)
{
	s->n = n;
	bp_stats_meanvar(x, n, &s->mean, &s->stddev);
	bp_stats_sort(x, n);
	s->min = n ? x[0] : NAN;
	s->max = n ? x[n - 1] : NAN;
	s->p50 = bp_stats_quantile(x, n, 0.50);
	s->p90 = bp_stats_quantile(x, n, 0.90);
	s->p95 = bp_stats_quantile(x, n, 0.95);
	s->p99 = bp_stats_quantile(x, n, 0.99);
	s->p999 = bp_stats_quantile(x, n, 0.999);
}

static void
num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

void
bp_summary_json(cJSON *obj, const struct bp_summary *s)
{
	cJSON_AddNumberToObject(obj, "n", (double)s->n);
	num(obj, "mean", s->mean);
	num(obj, "stddev", s->stddev);
	num(obj, "min", s->min);
	num(obj, "p50", s->p50);
	num(obj, "p90", s->p90);
	num(obj, "p99", s->p99);
	num(obj, "max", s->max);
}
