/* sketch.c - the quantile sketch: its relative-error bound against exact
 * quantiles, signs and zeros, merging, bounded memory. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sketch.h"
#include "stats.h"
#include "test.h"

static double
rnd(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return ((double)(*s >> 11) + 0.5) / 9007199254740992.0;
}

/* Lognormal, by Box and Muller. */
static double
lognormal(unsigned long long *s, double mu, double sigma)
{
	double u = rnd(s), v = rnd(s);

	return exp(mu + sigma * sqrt(-2 * log(u)) * cos(2 * M_PI * v));
}

/* The worst relative error of the sketch over a range of quantiles. */
static double
worst(const struct bp_sketch *s, double *sorted, size_t n)
{
	static const double q[] = { 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95,
	    0.99, 0.999 };
	double w = 0, exact, est;
	size_t i;

	for (i = 0; i < sizeof q / sizeof *q; i++) {
		exact = bp_stats_quantile(sorted, n, q[i]);
		est = bp_sketch_quantile(s, q[i]);
		w = fmax(w, fabs(est - exact) / fabs(exact));
	}
	return w;
}

static void
test_accuracy(void)
{
	static const struct { const char *what; double mu, sigma; } d[] = {
		{ "lognormal(0, 1)", 0, 1 },
		{ "lognormal around 1e-300", -690, 2 },
		{ "lognormal around 1e300", 690, 2 },
		{ "a narrow peak at 1e9", 20.72326583694641, 1e-6 },	/* ln 1e9 */
	};
	size_t n = 50000, i, k;
	unsigned long long seed = 3;
	struct bp_sketch s;
	double *x = malloc(n * sizeof *x), w;

	for (k = 0; k < sizeof d / sizeof *d; k++) {
		bp_sketch_init(&s, 0.005);
		for (i = 0; i < n; i++) {
			x[i] = lognormal(&seed, d[k].mu, d[k].sigma);
			bp_sketch_add(&s, x[i]);
		}
		bp_stats_sort(x, n);
		w = worst(&s, x, n);
		ok(w <= 0.005, "%s: quantiles within 0.5%% (worst %.2e)",
		    d[k].what, w);
		ok(s.n == n && s.min == x[0] && s.max == x[n - 1],
		    "%s: n, min and max exact", d[k].what);
		ok(bp_sketch_bytes(&s) < 100000, "%s: %zu bytes of buckets",
		    d[k].what, bp_sketch_bytes(&s));
		bp_sketch_free(&s);
	}
	free(x);
}

static void
test_signs(void)
{
	struct bp_sketch s;
	double x[2001], est;
	size_t i, n = 0;
	int good = 1;

	bp_sketch_init(&s, 0.005);
	for (i = 0; i <= 2000; i++) {
		x[n] = ((double)i - 1000) / 7;	/* -142.9 .. 142.9, one 0 */
		bp_sketch_add(&s, x[n++]);
	}
	for (i = 0; i < n; i++) {
		est = bp_sketch_rank(&s, i);
		if (x[i] == 0 ? est != 0 : fabs(est - x[i]) > 0.005 * fabs(x[i]))
			good = 0;
	}
	ok(good, "every rank of mixed signs and a zero within 0.5%%");
	ok(bp_sketch_count_below(&s, 0) == 1000 &&
	    bp_sketch_count_above(&s, 0) == 1000,
	    "1000 below zero and 1000 above");
	bp_sketch_free(&s);
	bp_sketch_init(&s, 0.005);
	ok(isnan(bp_sketch_quantile(&s, 0.5)) && isnan(bp_sketch_rank(&s, 0)),
	    "an empty sketch has no quantiles");
	bp_sketch_add(&s, DBL_MIN / 4);
	ok(bp_sketch_quantile(&s, 0.5) == DBL_MIN / 4,
	    "one value is every quantile, even a subnormal one");
	bp_sketch_free(&s);
}

static void
test_merge(void)
{
	struct bp_sketch a, b, all, other;
	unsigned long long seed = 11;
	size_t i;
	int same = 1;
	double v;

	bp_sketch_init(&a, 0.005);
	bp_sketch_init(&b, 0.005);
	bp_sketch_init(&all, 0.005);
	for (i = 0; i < 20000; i++) {
		v = lognormal(&seed, i % 2 ? 0 : 3, 0.5);
		bp_sketch_add(i % 2 ? &a : &b, v);
		bp_sketch_add(&all, v);
	}
	ok(bp_sketch_merge(&a, &b) == 0, "sketches of one accuracy merge");
	for (i = 0; i < all.n; i += 97)
		same &= bp_sketch_rank(&a, i) == bp_sketch_rank(&all, i);
	ok(same && a.n == all.n && a.min == all.min && a.max == all.max,
	    "a merged sketch answers as one fed everything");
	bp_sketch_init(&other, 0.01);
	ok(bp_sketch_merge(&a, &other) == -1, "different accuracies refuse");
	bp_sketch_free(&a);
	bp_sketch_free(&b);
	bp_sketch_free(&all);
	bp_sketch_free(&other);
}

static void
test_bounded(void)
{
	struct bp_sketch s;
	size_t i;

	bp_sketch_init(&s, 0.005);
	/* 1e-300 .. 1e300: far more buckets than the limit */
	for (i = 0; i <= 600; i++)
		bp_sketch_add(&s, pow(10, (double)i - 300));
	ok(s.pos.len <= BP_SKETCH_MAX_BUCKETS,
	    "a store never exceeds %d buckets (%d)", BP_SKETCH_MAX_BUCKETS,
	    (int)s.pos.len);
	ok(fabs(bp_sketch_quantile(&s, 0.99) / pow(10, 294) - 1) <= 0.005,
	    "the high quantiles keep their accuracy after collapsing");
	bp_sketch_free(&s);
}

int
main(void)
{
	test_accuracy();
	test_signs();
	test_merge();
	test_bounded();
	return done();
}
