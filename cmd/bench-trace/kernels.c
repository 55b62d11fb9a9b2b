/*
 * kernels.c - trace_kernel (TraceLens kernel_summary): every GPU kernel
 * grouped by parent op category, parent op, name and stream; and the
 * launch-bound signature, short kernels (TraceLens short_kernels_summary)
 * with their duration histogram (short_kernel_histogram).
 *
 * Unlike the launcher tables these count every kernel, linked or not; a
 * kernel without a CPU op is filed under its launch call ("runtime", or
 * "graph" for a graph launch), one without a launch call under null.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "trace.h"

struct krow {
	uint32_t cat, op, name;		/* 0 when unknown */
	int64_t stream;
	int has_stream;
	size_t n;
	double sum, min, max;
	uint32_t dims, strides, concrete;
	size_t first;
};

struct krows {
	struct krow *r;
	size_t n, cap;
	struct imap at;
};

static struct krow *
krow_of(struct krows *k, const struct krow *key, int64_t h2)
{
	int64_t h = (int64_t)key->cat * 1000003 + key->op;
	int64_t *hit;

	for (int64_t probe = 0;; probe++) {
		struct krow *r;

		hit = imap_get(&k->at, h, h2, probe);
		if (!hit)
			break;
		r = &k->r[*hit];
		if (r->cat == key->cat && r->op == key->op &&
		    r->name == key->name && r->stream == key->stream &&
		    r->has_stream == key->has_stream && r->dims == key->dims &&
		    r->strides == key->strides && r->concrete == key->concrete)
			return r;
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->r = bp_xrealloc(k->r, k->cap * sizeof *k->r);
	}
	{
		int64_t probe = 0;

		while (imap_get(&k->at, h, h2, probe))
			probe++;
		imap_put(&k->at, h, h2, probe, (int64_t)k->n);
	}
	k->r[k->n] = *key;
	k->r[k->n].first = k->n;
	return &k->r[k->n++];
}

static void
krow_add(struct krow *r, double d)
{
	if (r->n == 0 || d < r->min)
		r->min = d;
	if (r->n == 0 || d > r->max)
		r->max = d;
	r->sum += d;
	r->n++;
}

static int
by_sum_desc(const void *a, const void *b)
{
	const struct krow *x = a, *y = b;

	if (x->sum != y->sum)
		return x->sum < y->sum ? 1 : -1;
	return (x->first > y->first) - (x->first < y->first);
}

/* The short-kernel order: sum down, then count, mean, share up. */
static int
by_short(const void *a, const void *b)
{
	const struct krow *x = a, *y = b;
	double mx = x->sum / x->n, my = y->sum / y->n;

	if (x->sum != y->sum)
		return x->sum < y->sum ? 1 : -1;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	if (mx != my)
		return mx < my ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static const char *
sname(const struct trace *t, uint32_t id)
{
	return id ? str_get(&t->s, id - 1) : NULL;
}

static void
add_str(cJSON *r, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(r, k, v);
	else
		cJSON_AddNullToObject(r, k);
}

/* Parent op category and name of a kernel, as 1 + string id (0: none). */
static void
kernel_parent(struct trace *t, int32_t i, uint32_t *cat, uint32_t *op)
{
	int32_t cpu = cpu_op_of(t, i), rt = t->ev[i].parent;
	const char *c;

	*cat = *op = 0;
	if (cpu >= 0) {
		*op = t->ev[cpu].name + 1;
		if (t->lau_of && t->lau_of[cpu] >= 0) {
			*cat = t->lau[t->lau_of[cpu]].cat + 1;
			return;
		}
		c = op_category(t, cpu, NULL, 0);
		*cat = str_intern(&t->s, c, strlen(c)) + 1;
	} else if (rt >= 0) {
		const char *ln = str_get(&t->s, t->ev[rt].name);

		*op = t->ev[rt].name + 1;
		c = strcasestr(ln, "cudagraph") || strcasestr(ln, "graphlaunch") ?
		    "graph" : "runtime";
		*cat = str_intern(&t->s, c, strlen(c)) + 1;
	}
}

void
table_kernel(struct trace *t, const struct opts *o)
{
	struct krows k = { 0 };
	double total = 0;

	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		struct krow key = { 0 };

		if (e->cat != C_KERNEL || !(e->flags & EV_INWIN))
			continue;
		kernel_parent(t, (int32_t)i, &key.cat, &key.op);
		key.name = e->name;
		key.has_stream = (e->flags & EV_STREAM) != 0;
		key.stream = key.has_stream ? e->stream : 0;
		krow_add(krow_of(&k, &key, e->name), e->dur);
		total += e->dur;
	}
	if (k.n)
		qsort(k.r, k.n, sizeof *k.r, by_sum_desc);
	for (size_t i = 0; i < k.n && (o->top <= 0 || (int)i < o->top); i++) {
		const struct krow *r = &k.r[i];
		cJSON *rec = rec_new(t, "trace_kernel", o);

		cJSON_AddStringToObject(rec, "kernel", str_get(&t->s, r->name));
		add_str(rec, "parent_op", sname(t, r->op));
		add_str(rec, "category", sname(t, r->cat));
		if (r->has_stream)
			cJSON_AddNumberToObject(rec, "stream", (double)r->stream);
		else
			cJSON_AddNullToObject(rec, "stream");
		cJSON_AddNumberToObject(rec, "count", (double)r->n);
		rec_num(rec, "total_us", r->sum);
		rec_num(rec, "mean_us", r->sum / r->n);
		rec_num(rec, "min_us", r->min);
		rec_num(rec, "max_us", r->max);
		rec_num(rec, "pct_kernel_time", total > 0 ?
		    r->sum / total * 100 : NAN);
		rec_num(rec, "pct_total_time", t->timeline_ok ?
		    r->sum / t->total_us * 100 : NAN);
		rec_emit(rec);
	}
	free(k.r);
	imap_free(&k.at);
}

/*
 * numpy.histogram with equal bins over [min, max]: the last bin holds its
 * right edge; edges are lo + i * step; an index computed from the scaled
 * value is corrected by comparing with the edges, as numpy does.
 */
static void
histogram(const double *v, size_t n, int bins, double *edge, size_t *count)
{
	double lo = v[0], hi = v[0], step;

	for (size_t i = 1; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	if (lo == hi) {
		lo -= 0.5;
		hi += 0.5;
	}
	step = (hi - lo) / bins;
	for (int i = 0; i <= bins; i++)
		edge[i] = lo + i * step;
	edge[bins] = hi;
	memset(count, 0, bins * sizeof *count);
	for (size_t i = 0; i < n; i++) {
		long b = (long)((v[i] - lo) / (hi - lo) * bins);

		if (b == bins)
			b--;
		if (v[i] < edge[b])
			b--;
		else if (b != bins - 1 && v[i] >= edge[b + 1])
			b++;
		count[b]++;
	}
}

void
table_short(struct trace *t, const struct opts *o)
{
	struct krows k = { 0 };
	double *d = NULL, *edge;
	size_t nd = 0, *count;
	int gpu_only = 1;

	for (size_t i = 0; i < t->nev; i++)
		if (t->ev[i].cat == C_CPU_OP)
			gpu_only = 0;
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		struct krow key = { 0 };
		int32_t op;

		if (e->cat != C_KERNEL || !(e->flags & EV_INWIN) ||
		    !(e->dur < o->short_us))
			continue;
		d = bp_xrealloc(d, (nd + 1) * sizeof *d);
		d[nd++] = e->dur;
		key.name = e->name;
		if (!gpu_only) {
			/* rows missing any key are dropped, like pandas */
			op = cpu_op_of(t, (int32_t)i);
			if (op < 0 || !t->ev[op].dims || !t->ev[op].strides ||
			    !t->ev[op].concrete)
				continue;
			key.op = t->ev[op].name + 1;
			key.dims = t->ev[op].dims;
			key.strides = t->ev[op].strides;
			key.concrete = t->ev[op].concrete;
		}
		krow_add(krow_of(&k, &key, e->name), e->dur);
	}
	if (k.n)
		qsort(k.r, k.n, sizeof *k.r, by_short);
	for (size_t i = 0; i < k.n && (o->top <= 0 || (int)i < o->top); i++) {
		const struct krow *r = &k.r[i];
		cJSON *rec = rec_new(t, "trace_short_kernel", o);

		add_str(rec, "parent_op", sname(t, r->op));
		rec_raw(rec, "input_dims", &t->s, r->dims);
		rec_raw(rec, "input_strides", &t->s, r->strides);
		rec_raw(rec, "concrete_inputs", &t->s, r->concrete);
		cJSON_AddStringToObject(rec, "kernel", str_get(&t->s, r->name));
		cJSON_AddNumberToObject(rec, "count", (double)r->n);
		rec_num(rec, "total_us", r->sum);
		rec_num(rec, "mean_us", r->sum / r->n);
		rec_num(rec, "pct_total_time", t->timeline_ok ?
		    r->sum / t->total_us * 100 : NAN);
		rec_emit(rec);
	}
	if (nd > 0 && o->bins > 0) {
		edge = bp_xmalloc((o->bins + 1) * sizeof *edge);
		count = bp_xmalloc(o->bins * sizeof *count);
		histogram(d, nd, o->bins, edge, count);
		for (int b = 0; b < o->bins; b++) {
			cJSON *rec = rec_new(t, "trace_short_hist", o);

			cJSON_AddNumberToObject(rec, "bin", b);
			rec_num(rec, "lo_us", edge[b]);
			rec_num(rec, "hi_us", edge[b + 1]);
			cJSON_AddNumberToObject(rec, "count", (double)count[b]);
			rec_emit(rec);
		}
		free(edge);
		free(count);
	}
	free(d);
	free(k.r);
	imap_free(&k.at);
}
