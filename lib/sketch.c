/*
 * sketch.c - DDSketch-style quantile sketch (see sketch.h for the method).
 *
 * Index function: for |v| = 2^e (1 + f), 0 <= f < 1, the bucket is
 * floor((e + f) * mult).  Within an octave a bucket spans a value ratio of
 * at most 1 + 1 / mult (at f = 0), and no more where it straddles two
 * octaves, so mult = 1 / (gamma - 1) with gamma = (1 + alpha) / (1 - alpha)
 * bounds every bucket's ratio by gamma; the representative 2 lo hi /
 * (lo + hi) is then within alpha of anything in [lo, hi].
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sketch.h"

void
bp_sketch_init(struct bp_sketch *s, double alpha)
{
	double gamma = (1 + alpha) / (1 - alpha);

	memset(s, 0, sizeof *s);
	s->alpha = alpha;
	/* a hair more buckets than the bound needs: rounding stays inside */
	s->mult = 1.0001 / (gamma - 1);
	s->min = INFINITY;
	s->max = -INFINITY;
}

void
bp_sketch_free(struct bp_sketch *s)
{
	free(s->pos.c);
	free(s->neg.c);
	s->pos.c = s->neg.c = NULL;
	s->pos.len = s->neg.len = 0;
}

/* The bucket of a > 0, a normal double. */
static int32_t
index_of(const struct bp_sketch *s, double a)
{
	int e;
	double m = frexp(a, &e);	/* a = m 2^e, 0.5 <= m < 1 */

	return (int32_t)floor(((e - 1) + (2 * m - 1)) * s->mult);
}

/* The inverse of the index function at F. */
static double
value_at(double F)
{
	double e = floor(F);

	return ldexp(1 + (F - e), (int)e);
}

static double
representative(const struct bp_sketch *s, int32_t i)
{
	double lo = value_at(i / s->mult), hi = value_at((i + 1) / s->mult);

	return 2 * lo * (hi / (lo + hi));
}

/* Moves st to cover [lo, hi]; counts below lo go to bucket lo. */
static void
store_reshape(struct bp_sketch_store *st, int32_t lo, int32_t hi)
{
	int32_t len = hi - lo + 1, k, at;
	uint64_t *c = bp_xmalloc(len * sizeof *c);

	memset(c, 0, len * sizeof *c);
	for (k = 0; k < st->len; k++) {
		at = st->lo + k - lo;
		c[at < 0 ? 0 : at] += st->c[k];
	}
	free(st->c);
	st->c = c;
	st->lo = lo;
	st->len = len;
}

/* Counts at index i, growing the store; past BP_SKETCH_MAX_BUCKETS the
 * lowest buckets are merged, as DDSketch's collapsing store does. */
static void
store_add(struct bp_sketch_store *st, int32_t i, uint64_t count)
{
	int32_t lo, hi;

	if (st->len == 0) {
		st->lo = i - 16;
		st->len = 0;
		store_reshape(st, i - 16, i + 47);
	} else if (i < st->lo || i >= st->lo + st->len) {
		lo = i < st->lo ? i - 32 : st->lo;
		hi = i >= st->lo + st->len ? i + 32 : st->lo + st->len - 1;
		if (hi - lo + 1 > BP_SKETCH_MAX_BUCKETS)
			lo = hi - BP_SKETCH_MAX_BUCKETS + 1;
		if (lo != st->lo || hi != st->lo + st->len - 1)
			store_reshape(st, lo, hi);
	}
	if (i < st->lo)
		i = st->lo;
	st->c[i - st->lo] += count;
}

void
bp_sketch_add(struct bp_sketch *s, double v)
{
	double a = fabs(v);

	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	s->n++;
	if (a < DBL_MIN)
		s->zero++;
	else if (v > 0)
		store_add(&s->pos, index_of(s, a), 1);
	else
		store_add(&s->neg, index_of(s, a), 1);
}

int
bp_sketch_merge(struct bp_sketch *dst, const struct bp_sketch *src)
{
	int32_t k;

	if (dst->alpha != src->alpha)
		return -1;
	for (k = 0; k < src->pos.len; k++)
		if (src->pos.c[k])
			store_add(&dst->pos, src->pos.lo + k, src->pos.c[k]);
	for (k = 0; k < src->neg.len; k++)
		if (src->neg.c[k])
			store_add(&dst->neg, src->neg.lo + k, src->neg.c[k]);
	dst->zero += src->zero;
	dst->n += src->n;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

/*
 * Walks the buckets in ascending order of value: the negative store from
 * its highest index, the zeros, the positive store from its lowest.  Calls
 * fn with each non-empty bucket's representative and count until it
 * returns non-zero.
 */
static void
walk(const struct bp_sketch *s, int (*fn)(double v, uint64_t c, void *arg),
    void *arg)
{
	int32_t k;

	for (k = s->neg.len - 1; k >= 0; k--)
		if (s->neg.c[k] && fn(-representative(s, s->neg.lo + k),
		    s->neg.c[k], arg))
			return;
	if (s->zero && fn(0, s->zero, arg))
		return;
	for (k = 0; k < s->pos.len; k++)
		if (s->pos.c[k] && fn(representative(s, s->pos.lo + k),
		    s->pos.c[k], arg))
			return;
}

struct rank_arg {
	uint64_t r, seen;
	double v;
};

static int
at_rank(double v, uint64_t c, void *arg)
{
	struct rank_arg *a = arg;

	a->seen += c;
	if (a->seen > a->r) {
		a->v = v;
		return 1;
	}
	return 0;
}

double
bp_sketch_rank(const struct bp_sketch *s, uint64_t r)
{
	struct rank_arg a = { .r = r, .v = NAN };

	if (s->n == 0)
		return NAN;
	if (r == 0)
		return s->min;
	if (r >= s->n - 1)
		return s->max;
	walk(s, at_rank, &a);
	return fmin(fmax(a.v, s->min), s->max);
}

double
bp_sketch_quantile(const struct bp_sketch *s, double q)
{
	double h, lo, a, b;
	uint64_t i;

	if (s->n == 0)
		return NAN;
	if (q <= 0)
		return s->min;
	if (q >= 1)
		return s->max;
	h = (double)(s->n - 1) * q;
	lo = floor(h);
	i = (uint64_t)lo;
	a = bp_sketch_rank(s, i);
	if (h == lo || i + 1 >= s->n)
		return a;
	b = bp_sketch_rank(s, i + 1);
	return a + (h - lo) * (b - a);
}

struct count_arg {
	double v;
	uint64_t n;
};

static int
below(double v, uint64_t c, void *arg)
{
	struct count_arg *a = arg;

	if (v >= a->v)
		return 1;
	a->n += c;
	return 0;
}

static int
above(double v, uint64_t c, void *arg)
{
	struct count_arg *a = arg;

	if (v > a->v)
		a->n += c;
	return 0;
}

uint64_t
bp_sketch_count_below(const struct bp_sketch *s, double v)
{
	struct count_arg a = { .v = v };

	walk(s, below, &a);
	return a.n;
}

uint64_t
bp_sketch_count_above(const struct bp_sketch *s, double w)
{
	struct count_arg a = { .v = w };

	walk(s, above, &a);
	return a.n;
}

size_t
bp_sketch_bytes(const struct bp_sketch *s)
{
	return ((size_t)s->pos.len + (size_t)s->neg.len) * sizeof(uint64_t);
}
