/*
 * stats.c - descriptive statistics.  Percentiles are R type 7 (numpy's
 * default) everywhere in benchpipe; change them here or nowhere.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "special.h"
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

/* Doubles as unsigned keys in the same order: flip the sign bit of
 * positives and every bit of negatives. */
static uint64_t
key_of(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static double
double_of(uint64_t k)
{
	double d;

	k = k >> 63 ? k & ~((uint64_t)1 << 63) : ~k;
	memcpy(&d, &k, sizeof d);
	return d;
}

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 6		/* ceil(64 / 11) */

/*
 * LSD radix sort on the keys, 11 bits a pass, skipping the passes in which
 * every key has the same digit (the exponent bits of values of one scale).
 * The keys live in x's own storage between passes (by memcpy, so no
 * aliasing rule is bent); tmp is one more array of n.
 */
static void
radix_sort(double *x, size_t n)
{
	size_t (*count)[RADIX_SIZE], i, sum, c;
	uint64_t *tmp, *src, *dst, k;
	int pass, shift, inx = 1;

	count = calloc(RADIX_PASSES, sizeof *count);
	tmp = malloc(n * sizeof *tmp);
	if (!count || !tmp) {
		free(count);
		free(tmp);
		qsort(x, n, sizeof *x, cmpd);
		return;
	}
	for (i = 0; i < n; i++) {
		k = key_of(x[i]);
		memcpy(&x[i], &k, sizeof k);
		for (pass = 0; pass < RADIX_PASSES; pass++)
			count[pass][(k >> (pass * RADIX_BITS)) &
			    (RADIX_SIZE - 1)]++;
	}
	src = (uint64_t *)(void *)x;
	dst = tmp;
	for (pass = 0; pass < RADIX_PASSES; pass++) {
		shift = pass * RADIX_BITS;
		memcpy(&k, &x[0], sizeof k);
		if (inx == 0)
			k = tmp[0];
		if (count[pass][(k >> shift) & (RADIX_SIZE - 1)] == n)
			continue;
		for (sum = 0, i = 0; i < RADIX_SIZE; i++) {
			c = count[pass][i];
			count[pass][i] = sum;
			sum += c;
		}
		src = inx ? (uint64_t *)(void *)x : tmp;
		dst = inx ? tmp : (uint64_t *)(void *)x;
		for (i = 0; i < n; i++) {
			uint64_t v;

			memcpy(&v, &src[i], sizeof v);
			memcpy(&dst[count[pass][(v >> shift) &
			    (RADIX_SIZE - 1)]++], &v, sizeof v);
		}
		inx = !inx;
	}
	for (i = 0; i < n; i++) {
		if (inx)
			memcpy(&k, &x[i], sizeof k);
		else
			k = tmp[i];
		x[i] = double_of(k);
	}
	free(tmp);
	free(count);
}

void
bp_stats_sort(double *x, size_t n)
{
	if (n < 2)	/* also keeps NULL, 0 away from qsort */
		return;
	if (n < 2048)
		qsort(x, n, sizeof *x, cmpd);
	else
		radix_sort(x, n);
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

/* The two passes of bp_stats_meanvar on x scaled by 2^-scale: a power
 * of two, so nothing rounds differently unless it would overflow. */
static void
meanvar_scaled(const double *x, size_t n, int scale, double *mean,
    double *var)
{
	double s = 0, m, d, ss = 0, corr = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += ldexp(x[i], -scale);
	m = s / n;
	/* second pass with the compensation term of Chan, Golub, LeVeque */
	for (i = 0; i < n; i++) {
		d = ldexp(x[i], -scale) - m;
		ss += d * d;
		corr += d;
	}
	*mean = ldexp(m + corr / n, scale);
	*var = (ss - corr * corr / n) / (n - 1);
}

void
bp_stats_meanvar(const double *x, size_t n, double *mean, double *stddev)
{
	double s = 0, m, d, ss = 0, corr = 0, var;
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
	var = n < 2 ? NAN : (ss - corr * corr / n) / (n - 1);
	if (!isfinite(s)) {
		/* sums near DBL_MAX: the same passes on x / 2^600 */
		meanvar_scaled(x, n, 600, mean, &var);
		*stddev = n < 2 ? NAN : ldexp(sqrt(var), 600);
		return;
	}
	if (n >= 2 && !isfinite(ss)) {
		/* only the squares overflow: scale them, not the mean */
		meanvar_scaled(x, n, 600, &m, &var);
		*stddev = ldexp(sqrt(var), 600);
		return;
	}
	*stddev = n < 2 ? NAN : sqrt(var);
}

double
bp_stats_cv(double mean, double stddev)
{
	if (!isfinite(mean) || !isfinite(stddev) || mean == 0)
		return NAN;
	return stddev / fabs(mean);
}

void
bp_stats_mean_ci(double mean, double stddev, size_t n, double level,
    double *lo, double *hi)
{
	double t, h;

	if (n < 2 || !isfinite(stddev) || !(level > 0 && level < 1)) {
		*lo = *hi = NAN;
		return;
	}
	t = bp_t_quantile((1 + level) / 2, (double)(n - 1));
	h = t * stddev / sqrt((double)n);
	*lo = mean - h;
	*hi = mean + h;
}

int
bp_stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi)
{
	double alpha2 = (1 - level) / 2;
	size_t a = 0, b = (n + 1) / 2, k;

	if (!(level > 0 && level < 1))
		return -1;
	/* the largest k in [0, (n + 1) / 2] with P(B <= k - 1) <= alpha2 */
	while (a < b) {
		k = a + (b - a + 1) / 2;
		if (bp_binom_cdf((double)k - 1, (double)n, 0.5) <= alpha2)
			a = k;
		else
			b = k - 1;
	}
	if (a == 0)
		return -1;
	*lo = a - 1;
	*hi = n - a;
	return 0;
}

/* How many of sorted x lie strictly below v, and strictly above w. */
static size_t
count_below(const double *x, size_t n, double v)
{
	size_t a = 0, b = n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (x[m] < v)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

static size_t
count_above(const double *x, size_t n, double w)
{
	size_t a = 0, b = n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (x[m] <= w)
			a = m + 1;
		else
			b = m;
	}
	return n - a;
}

void
bp_stats_outliers(const double *sorted, size_t n, size_t *mild,
    size_t *severe)
{
	double q1, q3, iqr;
	size_t beyond15;

	*mild = *severe = 0;
	if (n < 2)
		return;
	q1 = bp_stats_quantile(sorted, n, 0.25);
	q3 = bp_stats_quantile(sorted, n, 0.75);
	iqr = q3 - q1;
	beyond15 = count_below(sorted, n, q1 - 1.5 * iqr) +
	    count_above(sorted, n, q3 + 1.5 * iqr);
	*severe = count_below(sorted, n, q1 - 3 * iqr) +
	    count_above(sorted, n, q3 + 3 * iqr);
	*mild = beyond15 - *severe;
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
