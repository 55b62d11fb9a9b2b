/*
 * sketch.h - a mergeable quantile sketch with a relative-error guarantee,
 * for streams too long to keep (bench-agg --approx).
 *
 * The method is DDSketch's (Masson, Rim and Lee, VLDB 2019): values are
 * counted in buckets whose bounds grow geometrically, so every value in
 * a bucket is within a relative alpha of the bucket's representative, and
 * a quantile is the representative of the bucket holding its rank.  The
 * bucket index is a piecewise-linear stand-in for the logarithm (the
 * binary exponent plus the mantissa), scaled so that no bucket spans more
 * than a factor (1 + alpha) / (1 - alpha): no log() per value.
 */
#ifndef BP_SKETCH_H
#define BP_SKETCH_H

#include <stddef.h>
#include <stdint.h>

/* Counts for a run of consecutive bucket indexes, grown on demand. */
struct bp_sketch_store {
	uint64_t *c;
	int32_t lo;	/* index of c[0] */
	int32_t len;
};

struct bp_sketch {
	double alpha;		/* relative accuracy, e.g. 0.005 */
	double mult;		/* buckets per unit of the index function */
	struct bp_sketch_store pos, neg;
	uint64_t zero;		/* values below DBL_MIN in magnitude */
	uint64_t n;
	double min, max;
};

/* The most buckets a store keeps; past it the lowest ones are merged. */
#define BP_SKETCH_MAX_BUCKETS 8192

/* 0 < alpha < 1. */
void bp_sketch_init(struct bp_sketch *s, double alpha);
void bp_sketch_free(struct bp_sketch *s);
/* Adds a finite value. */
void bp_sketch_add(struct bp_sketch *s, double v);
/* Adds src's counts to dst; both must have the same alpha (-1 if not). */
int bp_sketch_merge(struct bp_sketch *dst, const struct bp_sketch *src);
/* The value of 0-based rank r (0 <= r < n): within alpha of the exact
 * order statistic, clamped to [min, max].  NaN when empty. */
double bp_sketch_rank(const struct bp_sketch *s, uint64_t r);
/* The q-quantile interpolated between ranks like R type 7, so it is
 * within alpha of the exact type-7 quantile when the two ranks' values
 * have the same sign. */
double bp_sketch_quantile(const struct bp_sketch *s, double q);
/* How many values lie below v, and above w, estimated from the buckets'
 * representatives (for approximate outlier counts). */
uint64_t bp_sketch_count_below(const struct bp_sketch *s, double v);
uint64_t bp_sketch_count_above(const struct bp_sketch *s, double w);
/* Bytes held by the buckets. */
size_t bp_sketch_bytes(const struct bp_sketch *s);

#endif
