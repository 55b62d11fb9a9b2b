/* stats.h - descriptive statistics shared by bench-run, bench-agg and
 * bench-diff, so that a p50 means the same thing in every record. */
#ifndef BP_STATS_H
#define BP_STATS_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A growable array of observations. */
struct bp_vec {
	double *v;
	size_t n;
	size_t cap;
};

void bp_vec_push(struct bp_vec *x, double v);
void bp_vec_free(struct bp_vec *x);

/* Sorts ascending (NaN never enters: callers filter non-finite values).
 * Large arrays go by radix, so ten million values sort in a blink. */
void bp_stats_sort(double *x, size_t n);
/*
 * The q-quantile (0 <= q <= 1) of sorted x by linear interpolation between
 * order statistics: R type 7, numpy's default.  NaN when n == 0.
 */
double bp_stats_quantile(const double *sorted, size_t n, double q);
/* Mean and sample standard deviation (n - 1) by two passes, so 1e9 plus
 * tiny noise keeps its digits, and rescaled where the sums would overflow
 * (values near DBL_MAX).  stddev is NaN when n < 2. */
void bp_stats_meanvar(const double *x, size_t n, double *mean, double *stddev);
/* The coefficient of variation stddev / |mean|; NaN when either is
 * undefined or the mean is 0. */
double bp_stats_cv(double mean, double stddev);
/*
 * The Student t interval of the mean at level (0 < level < 1):
 * mean -+ t((1 + level) / 2, n - 1) stddev / sqrt(n).  NaN when n < 2.
 */
void bp_stats_mean_ci(double mean, double stddev, size_t n, double level,
    double *lo, double *hi);
/*
 * The distribution-free interval of the median at level, from order
 * statistics: with B ~ Binomial(n, 1/2), k is the largest integer such
 * that P(B <= k - 1) <= (1 - level) / 2, and the interval is the k-th
 * smallest to the k-th largest value, covering the median with
 * probability 1 - 2 P(B <= k - 1) >= level.  Sets the 0-based ranks k - 1
 * and n - k and returns 0, or returns -1 when n is too small for the
 * level (k = 0: n < 6 at 95%).
 */
int bp_stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi);
/*
 * Tukey's fences on sorted x, quartiles by R type 7: *severe counts the
 * values more than 3 IQR below the first or above the third quartile,
 * *mild those beyond 1.5 IQR but not severe.
 */
void bp_stats_outliers(const double *sorted, size_t n, size_t *mild,
    size_t *severe);

struct bp_summary {
	size_t n;
	double mean, stddev, min, max;
	double p50, p90, p95, p99, p999;
};

/* Summarizes x (sorting it in place).  n == 0 gives n 0 and NaN fields. */
void bp_stats_summary(double *x, size_t n, struct bp_summary *s);
/* Adds {"n","mean","stddev","min","p50","p90","p99","max"} to obj: the
 * summary a result record carries for each metric.  Undefined values
 * (stddev of one observation) are written as null. */
void bp_summary_json(cJSON *obj, const struct bp_summary *s);

#endif
