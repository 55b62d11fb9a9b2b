/* htest.c - the tests against figures from scipy 1.10 (mannwhitneyu,
 * ttest_ind_from_stats); the distributions are special.c's own tests. */
#include <math.h>
#include <stdlib.h>

#include "htest.h"
#include "test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
near(double got, double want, double tol)
{
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= tol * fmax(1, fabs(want));
}

/* relative: for tail probabilities far below 1e-6 */
static int
near_rel(double got, double want, double tol)
{
	return want == 0 ? got == 0 : fabs(got - want) <= tol * fabs(want);
}

static void
test_mwu(void)
{
	static const double x1[] = { 1, 2, 3 }, y1[] = { 4, 5, 6, 7 };
	static const double x2[] = { 3.1, 1.2, 5.5, 2.2, 9.0 };
	static const double y2[] = { 4.4, 6.1, 7.7, 8.8, 0.5 };
	static const double x3[] = { 1, 2, 2, 3, 4 }, y3[] = { 2, 3, 3, 5, 6, 7 };
	static const double x4[] = { 1, 1, 1 }, y4[] = { 1, 1 };
	static const double x5[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const double y5[] = { 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5,
	    11.5, 12.5, 13.5, 14.5 };
	static const struct {
		const double *x, *y;
		size_t n1, n2;
		double u, p;
		int exact;
	} c[] = {
		{ x1, y1, 3, 4, 0, 0.057142857142857141, 1 },
		{ x2, y2, 5, 5, 10, 0.69047619047619047, 1 },
		{ x3, y3, 5, 6, 6, 0.11390314458853068, 0 },
		{ x4, y4, 3, 2, 3, 1, 0 },
		{ x5, y5, 10, 12, 21, 0.011129227614007952, 0 },
	};
	struct bp_mwu r;
	size_t i;

	for (i = 0; i < N(c); i++) {
		ok(bp_htest_mwu(c[i].x, c[i].n1, c[i].y, c[i].n2, &r) == 0 &&
		    r.u1 == c[i].u && near(r.p, c[i].p, 1e-12) &&
		    r.exact == c[i].exact, "mannwhitneyu case %zu: U %g p %.15g",
		    i, r.u1, r.p);
	}
	ok(bp_htest_mwu(x1, 0, y1, 4, &r) == -1, "an empty side is refused");
	/* P(U <= 2) for 5 and 5 is 4/252 */
	ok(near(bp_htest_mwu_cdf(5, 5, 2), 4.0 / 252, 1e-15),
	    "exact U distribution: P(U <= 2 | 5, 5) = 4/252");
	ok(bp_htest_mwu_cdf(5, 5, 25) == 1 && bp_htest_mwu_cdf(5, 5, -1) == 0,
	    "the U distribution's ends");
	ok(near(bp_htest_mwu_cdf(3, 1000, 1500), 0.5 + 0.5 *
	    (bp_htest_mwu_cdf(3, 1000, 1500) - bp_htest_mwu_cdf(3, 1000, 1499)),
	    1e-12), "the U distribution is symmetric (3, 1000)");
}

static void
test_welch(void)
{
	static const struct {
		double n1, m1, s1, n2, m2, s2, tw, pw, ts, ps;
	} c[] = {
		{ 10, 5, 1, 12, 6, 2, -1.5191090506254998, 0.14738714851296231,
		  -1.4346842995764313, 0.16683021998132247 },
		{ 2, 1, 0.5, 3, 1.2, 0.1, -0.55829052623908237,
		  0.67197870780370561, -0.73029674334022132,
		  0.51807092115275266 },
		{ 100, 10, 3, 5, 12, 0.5, -5.3452248382484875,
		  1.112148212274588e-05, -1.4830525278430502,
		  0.14111388500757596 },
	};
	struct bp_ttest r;
	size_t i;

	for (i = 0; i < N(c); i++) {
		ok(bp_htest_welch(c[i].n1, c[i].m1, c[i].s1, c[i].n2, c[i].m2,
		    c[i].s2, &r) == 0 && near(r.t, c[i].tw, 1e-12) &&
		    near_rel(r.p, c[i].pw, 1e-9),
		    "welch case %zu: t %.15g p %.15g", i, r.t, r.p);
		ok(bp_htest_student(c[i].n1, c[i].m1, c[i].s1, c[i].n2, c[i].m2,
		    c[i].s2, &r) == 0 && near(r.t, c[i].ts, 1e-12) &&
		    near_rel(r.p, c[i].ps, 1e-9), "student case %zu: t %.15g "
		    "p %.15g", i, r.t, r.p);
	}
	ok(bp_htest_welch(1, 1, NAN, 5, 2, 1, &r) == -1,
	    "welch needs two observations per side");
	ok(bp_htest_welch(5, 1, 0, 5, 1, 0, &r) == 0 && r.p == 1,
	    "no spread and equal means: p 1");
	ok(bp_htest_welch(5, 1, 0, 5, 2, 0, &r) == 0 && r.p == 0,
	    "no spread and different means: p 0");
}

static void
test_bh(void)
{
	/* q = min over j >= i of m p(j) / j, as statsmodels' fdr_bh */
	static const double p[] = { 0.01, 0.04, NAN, 0.03, 0.2, 0.001 };
	static const double want[] = { 0.025, 0.05, NAN, 0.05, 0.2, 0.005 };
	double q[N(p)];
	size_t i;
	int allok = 1;

	bp_htest_bh(p, N(p), q);
	for (i = 0; i < N(p); i++)
		allok &= isnan(want[i]) ? isnan(q[i]) :
		    near(q[i], want[i], 1e-15);
	ok(allok, "Benjamini-Hochberg q-values, NaN left out");
	bp_htest_bh(p, 0, q);
	ok(1, "no p-values at all");
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
test_hodges_lehmann(void)
{
	double x[37], y[23], d[37 * 23], lo, hi;
	size_t i, j, k;
	int allok = 1;

	srand(7);
	for (i = 0; i < 37; i++)
		x[i] = rand() % 50 / 3.0;
	for (j = 0; j < 23; j++)
		y[j] = rand() % 60 / 3.0 - 1e-3 * (j % 3);
	qsort(x, 37, sizeof *x, cmp);
	qsort(y, 23, sizeof *y, cmp);
	for (i = k = 0; i < 37; i++)
		for (j = 0; j < 23; j++)
			d[k++] = y[j] - x[i];
	qsort(d, k, sizeof *d, cmp);
	for (i = 1; i <= k; i++)
		allok &= bp_htest_kth_diff(x, 37, y, 23, i) == d[i - 1];
	ok(allok, "k-th pairwise difference equals the sorted differences");
	/* 5 and 5, exact: P(U <= 2) = 0.0159 <= 0.025 < P(U <= 3), k = 3 */
	{
		static const double a[] = { 1, 2, 3, 4, 5 };
		static const double b[] = { 1.5, 3.5, 6, 7, 10 };

		ok(bp_htest_hl_ci(a, 5, b, 5, 0.95, 1, &lo, &hi) == 0 &&
		    lo == -1.5 && hi == 7, "exact 95%% interval of 5 and 5 "
		    "[%g, %g]", lo, hi);
		ok(bp_htest_hl_ci(a, 3, b, 3, 0.95, 1, &lo, &hi) == -1,
		    "3 and 3 have no 95%% interval");
	}
}

int
main(void)
{
	test_mwu();
	test_welch();
	test_bh();
	test_hodges_lehmann();
	return done();
}
