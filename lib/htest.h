/* htest.h - hypothesis tests for comparing two sets of measurements.
 * Checked against scipy.stats; the distributions are in special.h. */
#ifndef BP_HTEST_H
#define BP_HTEST_H

#include <stddef.h>

/* Mann-Whitney U, two-sided, as scipy.stats.mannwhitneyu(x, y) with
 * method='auto' and use_continuity=True. */
struct bp_mwu {
	double u1;	/* U of x: scipy's statistic */
	double p;	/* two-sided p-value */
	int exact;	/* exact null distribution (no ties, a side <= 8) */
	int ties;	/* the pooled values hold ties */
};

/* 0, or -1 when a side is empty.  Values must be finite. */
int bp_htest_mwu(const double *x, size_t n1, const double *y, size_t n2,
    struct bp_mwu *r);

/*
 * Confidence interval of the Hodges-Lehmann shift y - x: order statistics
 * of the n1 * n2 pairwise differences, ranked by the exact U distribution
 * when exact is set, else by its normal approximation with the tie
 * correction of the test.  0, or -1 when no interval of that level exists
 * (too few observations).
 */
int bp_htest_hl_ci(const double *x, size_t n1, const double *y, size_t n2,
    double level, int exact, double *lo, double *hi);
/* The k-th smallest (1-based) of the differences y[j] - x[i] of sorted x
 * and y, without forming them: O((n1 + n2) * 64). */
double bp_htest_kth_diff(const double *xs, size_t n1, const double *ys,
    size_t n2, size_t k);

/* Welch's t-test from summaries, as scipy.stats.ttest_ind(x, y,
 * equal_var=False): t of mean1 - mean2 with the Welch-Satterthwaite df. */
struct bp_ttest {
	double t, df, p;
	double diff, se;	/* mean2 - mean1 and its standard error */
};
/* 0, or -1 when a side has fewer than 2 observations or a stddev is not
 * finite.  Zero spread on both sides gives p 1 for equal means, else 0. */
int bp_htest_welch(double n1, double mean1, double sd1, double n2,
    double mean2, double sd2, struct bp_ttest *r);
/* Student's pooled t-test (equal variances) from summaries, as
 * scipy.stats.ttest_ind_from_stats(..., equal_var=True). */
int bp_htest_student(double n1, double mean1, double sd1, double n2,
    double mean2, double sd2, struct bp_ttest *r);

/* Benjamini-Hochberg adjusted p-values (q-values) of the n p-values;
 * NaN entries are left out of the count and come back NaN. */
void bp_htest_bh(const double *p, size_t n, double *q);

/* P(U <= u) under the null for sample sizes n1, n2 (no ties). */
double bp_htest_mwu_cdf(size_t n1, size_t n2, double u);

#endif
