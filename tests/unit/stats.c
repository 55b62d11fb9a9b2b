/* stats.c - descriptive statistics: quantiles, moments, intervals, fences,
 * and the radix sort against qsort. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "test.h"

static int
near(double got, double want, double rel)
{
	return got == want || fabs(got - want) <= rel * fabs(want);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A reproducible stream (xorshift), so failures repeat. */
static double
rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static void
test_quantile(void)
{
	static const double x[] = { 1, 2, 3, 4, 10 };
	static const struct { double q, want; } t[] = {
		{ 0, 1 }, { 0.25, 2 }, { 0.5, 3 }, { 0.9, 7.6 }, { 0.99, 9.76 },
		{ 1, 10 },
	};
	double one = 42;
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++)
		ok(near(bp_stats_quantile(x, 5, t[i].q), t[i].want, 1e-15),
		    "type 7 quantile %g of 1 2 3 4 10 is %g", t[i].q, t[i].want);
	ok(bp_stats_quantile(&one, 1, 0.3) == 42, "one value is every quantile");
	ok(isnan(bp_stats_quantile(x, 0, 0.5)), "no values: NaN");
}

static void
test_meanvar(void)
{
	double x[1000], m, s, big[4] = { DBL_MAX, DBL_MAX / 2, DBL_MAX, 1 };
	double up = (1e9 + 1e-3) - 1e9, down = (1e9 - 1e-3) - 1e9, dm, want;
	unsigned long long seed = 7;
	size_t i;

	/* the deviations as stored (exact differences), and their moments */
	dm = (up + down) / 2;
	want = sqrt(500 * ((up - dm) * (up - dm) + (down - dm) * (down - dm)) /
	    999);
	for (i = 0; i < 1000; i++)
		x[i] = 1e9 + (i % 2 ? 1e-3 : -1e-3);
	bp_stats_meanvar(x, 1000, &m, &s);
	ok(near(m, 1e9 + dm, 1e-15),
	    "1e9 + tiny noise: the mean keeps its digits");
	ok(near(s, want, 1e-12),
	    "1e9 + tiny noise: the stddev keeps its digits (%.17g, %.17g)", s,
	    want);
	bp_stats_meanvar(big, 4, &m, &s);
	ok(isfinite(m) && near(m, (DBL_MAX * 2.5 + 1) / 4, 1e-15),
	    "sums past DBL_MAX are rescaled, not infinite (%g)", m);
	ok(isfinite(s) && s > 0, "and so is the stddev (%g)", s);
	x[0] = 5;
	bp_stats_meanvar(x, 1, &m, &s);
	ok(m == 5 && isnan(s), "one value: its mean, stddev NaN");
	for (i = 0; i < 100; i++)
		x[i] = rnd(&seed);
	bp_stats_meanvar(x, 100, &m, &s);
	ok(near(bp_stats_cv(m, s), s / m, 1e-15), "cv is stddev / mean");
	ok(near(bp_stats_cv(-2, 1), 0.5, 0), "cv uses |mean|");
	ok(isnan(bp_stats_cv(0, 1)) && isnan(bp_stats_cv(1, NAN)),
	    "cv undefined at mean 0 or without a stddev");
}

static void
test_intervals(void)
{
	static const struct { size_t n; double level; long lo, hi; } r[] = {
		{ 5, 0.95, -1, -1 },	/* too few for 95% */
		{ 6, 0.95, 0, 5 },	/* min and max, 96.9% */
		{ 10, 0.95, 1, 8 },
		{ 20, 0.95, 5, 14 },
		{ 100, 0.95, 39, 60 },
		{ 100, 0.99, 36, 63 },
		{ 1000, 0.95, 468, 531 },
	};
	double lo, hi;
	size_t a, b, i;
	int rc;

	for (i = 0; i < sizeof r / sizeof *r; i++) {
		rc = bp_stats_median_ci_ranks(r[i].n, r[i].level, &a, &b);
		ok(r[i].lo < 0 ? rc == -1 : rc == 0 && (long)a == r[i].lo &&
		    (long)b == r[i].hi,
		    "median interval of %zu at %g: ranks %ld %ld",
		    r[i].n, r[i].level, r[i].lo, r[i].hi);
	}
	/* mean 10, sd 2, n 25: t(0.975, 24) = 2.0638985616280205 */
	bp_stats_mean_ci(10, 2, 25, 0.95, &lo, &hi);
	ok(near(lo, 10 - 2.0638985616280205 * 2 / 5, 1e-14) &&
	    near(hi, 10 + 2.0638985616280205 * 2 / 5, 1e-14),
	    "t interval of the mean (%.17g %.17g)", lo, hi);
	bp_stats_mean_ci(10, NAN, 1, 0.95, &lo, &hi);
	ok(isnan(lo) && isnan(hi), "no interval from one value");
	bp_stats_mean_ci(3, 0, 50, 0.95, &lo, &hi);
	ok(lo == 3 && hi == 3, "a constant group's interval is a point");
}

static void
test_outliers(void)
{
	/* quartiles 2 and 8: fences -7 / 17 (1.5 IQR), -16 / 26 (3 IQR) */
	double x[] = { 30, -10, 2, 2, 3, 4, 5, 6, 8, 8, 20, -20 };
	double edge[] = { -16, -7, 2, 2, 3, 4, 5, 6, 8, 8, 17, 26 };
	size_t mild, severe, n = sizeof x / sizeof *x;
	double q1, q3;

	bp_stats_sort(x, n);
	q1 = bp_stats_quantile(x, n, 0.25);
	q3 = bp_stats_quantile(x, n, 0.75);
	bp_stats_outliers(x, n, &mild, &severe);
	ok(mild == 2 && severe == 2,
	    "Tukey fences (q1 %g q3 %g): 2 mild, 2 severe (got %zu %zu)",
	    q1, q3, mild, severe);
	bp_stats_sort(edge, n);
	bp_stats_outliers(edge, n, &mild, &severe);
	ok(mild == 2 && severe == 0,
	    "a value on a fence is not beyond it (got %zu %zu)", mild, severe);
	bp_stats_outliers(x, 1, &mild, &severe);
	ok(mild == 0 && severe == 0, "no outliers among one value");
}

static void
test_sort(void)
{
	static const size_t sizes[] = { 0, 1, 7, 2047, 2048, 100000 };
	unsigned long long seed = 1;
	double *a, *b;
	size_t i, k, n;
	int same;

	for (k = 0; k < sizeof sizes / sizeof *sizes; k++) {
		n = sizes[k];
		a = malloc((n + 1) * sizeof *a);
		b = malloc((n + 1) * sizeof *b);
		for (i = 0; i < n; i++) {
			double r = rnd(&seed);

			/* mixed signs and scales, ties, zeros, extremes */
			a[i] = i % 11 == 0 ? 0 : i % 13 == 0 ? -DBL_MAX :
			    i % 17 == 0 ? 5e-324 : i % 5 == 0 ? 3.5 :
			    (r - 0.5) * pow(10, (int)(r * 40) - 20);
		}
		memcpy(b, a, n * sizeof *a);
		bp_stats_sort(a, n);
		qsort(b, n, sizeof *b, cmp);
		same = memcmp(a, b, n * sizeof *a) == 0;
		ok(same, "sorting %zu values agrees with qsort", n);
		free(a);
		free(b);
	}
}

int
main(void)
{
	test_quantile();
	test_meanvar();
	test_intervals();
	test_outliers();
	test_sort();
	return done();
}
