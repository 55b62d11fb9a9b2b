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

/* Sorts ascending (NaN never enters: callers filter non-finite values). */
void bp_stats_sort(double *x, size_t n);
/*
 * The q-quantile (0 <= q <= 1) of sorted x by linear interpolation between
 * order statistics: R type 7, numpy's default.  NaN when n == 0.
 */
double bp_stats_quantile(const double *sorted, size_t n, double q);
/* Mean and sample standard deviation (n - 1) by two passes, so 1e9 plus
 * tiny noise keeps its digits.  stddev is NaN when n < 2. */
void bp_stats_meanvar(const double *x, size_t n, double *mean, double *stddev);

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
