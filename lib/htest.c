/*
 * htest.c - two-sample tests (Mann-Whitney U, Welch and Student t), the
 * Hodges-Lehmann interval and Benjamini-Hochberg q-values, on the normal
 * and t distributions of special.c.
 *
 * The tests reproduce scipy.stats (1.10) figure for figure, including its
 * choice of the exact U distribution: exact when there are no ties and one
 * side has at most 8 values (scipy's code; its documentation says "less
 * than 8").  tests/oracle/bench-diff.py holds us to 1e-6 of scipy.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "htest.h"
#include "special.h"

/* Largest n1 * n2 whose exact U distribution we tabulate; beyond it the
 * normal approximation is indistinguishable and the table too big. */
#define MWU_EXACT_MAX 2000000

/*
 * Null distribution of U: the number of arrangements with U = u is the
 * coefficient of q^u in the Gaussian binomial [m + n choose m], built as
 * the product over i of (1 - q^(n+i)) / (1 - q^i).  After each factor the
 * polynomial is again a Gaussian binomial with whole coefficients, so the
 * counts stay exact to the precision of long double.  Returns the CDF,
 * m * n + 1 entries.
 */
static double *
mwu_cdf_table(size_t n1, size_t n2)
{
	size_t m = n1 < n2 ? n1 : n2, n = n1 < n2 ? n2 : n1;
	size_t len = m * n + 1, cap = m * n + m + 1, i, k;
	long double *c = bp_xmalloc(cap * sizeof *c), total = 0, run = 0;
	double *cdf = bp_xmalloc(len * sizeof *cdf);

	memset(c, 0, cap * sizeof *c);
	c[0] = 1;
	for (i = 1; i <= m; i++) {
		size_t deg = (i - 1) * n, shift = n + i;

		for (k = deg + shift; k >= shift; k--)
			c[k] -= c[k - shift];
		for (k = i; k <= i * n; k++)
			c[k] += c[k - i];
		for (k = i * n + 1; k <= deg + shift; k++)
			c[k] = 0;
	}
	for (k = 0; k < len; k++)
		total += c[k];
	for (k = 0; k < len; k++) {
		run += c[k];
		cdf[k] = (double)(run / total);
	}
	free(c);
	return cdf;
}

double
bp_htest_mwu_cdf(size_t n1, size_t n2, double u)
{
	double *cdf, r;
	size_t k;

	if (u < 0)
		return 0;
	if (u >= (double)n1 * n2)
		return 1;
	cdf = mwu_cdf_table(n1, n2);
	k = (size_t)floor(u);
	r = cdf[k];
	free(cdf);
	return r;
}

struct tagged {
	double v;
	int side;
};

static int
cmp_tagged(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Rank sum of side 0 with average ranks for ties, and the tie term
 * sum(t^3 - t) over groups of tied values. */
static void
rank_sums(const double *x, size_t n1, const double *y, size_t n2,
    double *r1, double *tieterm)
{
	size_t n = n1 + n2, i, j, k;
	struct tagged *a = bp_xmalloc(n * sizeof *a);

	for (i = 0; i < n1; i++)
		a[i] = (struct tagged){ x[i], 0 };
	for (i = 0; i < n2; i++)
		a[n1 + i] = (struct tagged){ y[i], 1 };
	qsort(a, n, sizeof *a, cmp_tagged);
	*r1 = 0;
	*tieterm = 0;
	for (i = 0; i < n; i = j) {
		double rank, t;

		for (j = i + 1; j < n && a[j].v == a[i].v; j++)
			;
		rank = (i + 1 + j) / 2.0;	/* mean of ranks i+1 .. j */
		t = (double)(j - i);
		*tieterm += t * t * t - t;
		for (k = i; k < j; k++)
			if (a[k].side == 0)
				*r1 += rank;
	}
	free(a);
}

static double
mwu_sigma(size_t n1, size_t n2, double tieterm)
{
	double n = (double)n1 + n2, v;

	v = (double)n1 * n2 / 12 * ((n + 1) - tieterm / (n * (n - 1)));
	return v > 0 ? sqrt(v) : 0;
}

static int
use_exact(size_t n1, size_t n2, int ties)
{
	return !ties && (n1 <= 8 || n2 <= 8) && (double)n1 * n2 <= MWU_EXACT_MAX;
}

int
bp_htest_mwu(const double *x, size_t n1, const double *y, size_t n2,
    struct bp_mwu *r)
{
	double r1, tie, mn, u, s, p;

	memset(r, 0, sizeof *r);
	if (n1 == 0 || n2 == 0)
		return -1;
	rank_sums(x, n1, y, n2, &r1, &tie);
	mn = (double)n1 * n2;
	r->u1 = r1 - n1 * (n1 + 1.0) / 2;
	r->ties = tie > 0;
	u = fmax(r->u1, mn - r->u1);
	if (use_exact(n1, n2, r->ties)) {
		r->exact = 1;
		/* P(U >= u) = P(U <= mn - u) by symmetry */
		p = 2 * bp_htest_mwu_cdf(n1, n2, mn - u);
	} else {
		s = mwu_sigma(n1, n2, tie);
		p = s > 0 ? 2 * bp_norm_cdf(-(u - mn / 2 - 0.5) / s) : 1;
	}
	r->p = p > 1 ? 1 : p < 0 ? 0 : p;
	return 0;
}

/* Doubles mapped to unsigned integers of the same order. */
static uint64_t
dkey(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u >> 63 ? ~u : u | (1ull << 63);
}

static double
dval(uint64_t k)
{
	uint64_t u = k >> 63 ? k & ~(1ull << 63) : ~k;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

/* How many differences ys[j] - xs[i] are <= t (both sorted ascending). */
static size_t
count_le(const double *xs, size_t n1, const double *ys, size_t n2, double t)
{
	size_t i = 0, j, c = 0;

	for (j = 0; j < n2; j++) {
		while (i < n1 && ys[j] - xs[i] > t)
			i++;
		c += n1 - i;
	}
	return c;
}

double
bp_htest_kth_diff(const double *xs, size_t n1, const double *ys, size_t n2,
    size_t k)
{
	uint64_t lo, hi, mid;

	if (n1 == 0 || n2 == 0 || k < 1 || k > n1 * n2)
		return NAN;
	/* the smallest double t with count(<= t) >= k is a difference */
	lo = dkey(ys[0] - xs[n1 - 1]);
	hi = dkey(ys[n2 - 1] - xs[0]);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (count_le(xs, n1, ys, n2, dval(mid)) >= k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return dval(lo);
}

int
bp_htest_hl_ci(const double *x, size_t n1, const double *y, size_t n2,
    double level, int exact, double *lo, double *hi)
{
	double *xs, *ys, r1, tie, a = (1 - level) / 2, nn = (double)n1 * n2;
	size_t k = 0;
	int rc = -1;

	*lo = *hi = NAN;
	if (n1 == 0 || n2 == 0)
		return -1;
	xs = bp_xmalloc(n1 * sizeof *xs);
	ys = bp_xmalloc(n2 * sizeof *ys);
	memcpy(xs, x, n1 * sizeof *xs);
	memcpy(ys, y, n2 * sizeof *ys);
	qsort(xs, n1, sizeof *xs, cmp_double);
	qsort(ys, n2, sizeof *ys, cmp_double);
	if (exact && nn <= MWU_EXACT_MAX) {
		/* k - 1 is the largest c with P(U <= c) <= a */
		double *cdf = mwu_cdf_table(n1, n2);

		while (k < (size_t)nn && cdf[k] <= a + 1e-12)
			k++;
		free(cdf);
	} else {
		double c;

		rank_sums(x, n1, y, n2, &r1, &tie);
		c = floor(nn / 2 - bp_norm_quantile(1 - a) *
		    mwu_sigma(n1, n2, tie));
		k = c >= 1 ? (size_t)c : 0;
	}
	if (k >= 1 && 2 * k <= (size_t)nn) {
		*lo = bp_htest_kth_diff(xs, n1, ys, n2, k);
		*hi = bp_htest_kth_diff(xs, n1, ys, n2, (size_t)nn + 1 - k);
		rc = 0;
	}
	free(xs);
	free(ys);
	return rc;
}

static void
finish_t(struct bp_ttest *r)
{
	if (r->se > 0) {
		r->t = -r->diff / r->se;	/* scipy's sign: mean1 - mean2 */
		r->p = 2 * bp_t_cdf(-fabs(r->t), r->df);
	} else if (r->diff == 0) {
		r->t = 0;
		r->p = 1;
	} else {
		r->t = r->diff < 0 ? INFINITY : -INFINITY;
		r->p = 0;
	}
	if (r->p > 1)
		r->p = 1;
}

int
bp_htest_welch(double n1, double mean1, double sd1, double n2,
    double mean2, double sd2, struct bp_ttest *r)
{
	double a, b;

	memset(r, 0, sizeof *r);
	if (!(n1 >= 2 && n2 >= 2) || !isfinite(sd1) || !isfinite(sd2) ||
	    !isfinite(mean1) || !isfinite(mean2))
		return -1;
	a = sd1 * sd1 / n1;
	b = sd2 * sd2 / n2;
	r->diff = mean2 - mean1;
	r->se = sqrt(a + b);
	r->df = a + b > 0 ? (a + b) * (a + b) /
	    (a * a / (n1 - 1) + b * b / (n2 - 1)) : n1 + n2 - 2;
	finish_t(r);
	return 0;
}

int
bp_htest_student(double n1, double mean1, double sd1, double n2,
    double mean2, double sd2, struct bp_ttest *r)
{
	double sp2;

	memset(r, 0, sizeof *r);
	if (!(n1 >= 1 && n2 >= 1 && n1 + n2 > 2) || !isfinite(sd1) ||
	    !isfinite(sd2) || !isfinite(mean1) || !isfinite(mean2))
		return -1;
	r->df = n1 + n2 - 2;
	sp2 = ((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / r->df;
	r->diff = mean2 - mean1;
	r->se = sqrt(sp2 * (1 / n1 + 1 / n2));
	finish_t(r);
	return 0;
}

struct ranked {
	double p;
	size_t i;
};

static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->p != y->p)
		return (x->p > y->p) - (x->p < y->p);
	return (x->i > y->i) - (x->i < y->i);
}

void
bp_htest_bh(const double *p, size_t n, double *q)
{
	struct ranked *r = bp_xmalloc((n ? n : 1) * sizeof *r);
	size_t m = 0, i;
	double run = 1, v;

	for (i = 0; i < n; i++) {
		q[i] = NAN;
		if (!isnan(p[i]))
			r[m++] = (struct ranked){ p[i], i };
	}
	qsort(r, m, sizeof *r, cmp_ranked);
	for (i = m; i > 0; i--) {
		v = r[i - 1].p * m / i;
		if (v < run)
			run = v;
		q[r[i - 1].i] = run;
	}
	free(r);
}
