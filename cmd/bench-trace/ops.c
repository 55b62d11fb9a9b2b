/*
 * ops.c - trace_op: time per CPU op name (TraceLens ops_summary), or with
 * --by-shape per name and input shapes, types, strides and concrete
 * inputs (TraceLens ops_unique_args).  The ops are TraceLens's kernel
 * launchers; an op's kernel time is the busy time of the kernels it
 * launched directly, its subtree time that of every kernel below it.
 * A trace without GPU events is summarised by CPU time instead.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "stats.h"
#include "trace.h"

/* Self time of every CPU op: its duration less its children's. */
double *
cpu_self_us(const struct trace *t)
{
	double *self = bp_xmalloc((t->nev + 1) * sizeof *self);

	for (size_t i = 0; i < t->nev; i++) {
		self[i] = t->ev[i].dur;
		for (int32_t k = t->kid0[i]; k < t->kid0[i + 1]; k++)
			if (!is_gpu_cat(t->ev[t->kid[k]].cat))
				self[i] -= t->ev[t->kid[k]].dur;
	}
	return self;
}

struct group {
	uint32_t key[9];
	int32_t *mem;		/* launcher indices (or event indices) */
	size_t n, cap;
	double sum, sum2;
	int32_t first;
};

struct groups {
	struct group *g;
	size_t n, cap;
	struct imap at;		/* (key hash, probe) -> group index */
};

static uint64_t
key_hash(const uint32_t *k, int nk)
{
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < nk; i++) {
		h ^= k[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* Finds or adds the group with key k (nk ids). */
static struct group *
group_of(struct groups *gs, const uint32_t *k, int nk, int32_t first)
{
	uint64_t h = key_hash(k, nk);
	int64_t *hit;

	for (int64_t probe = 0;; probe++) {
		hit = imap_get(&gs->at, (int64_t)h, probe, 0);
		if (!hit)
			break;
		if (memcmp(gs->g[*hit].key, k, nk * sizeof *k) == 0)
			return &gs->g[*hit];
	}
	if (gs->n == gs->cap) {
		gs->cap = gs->cap ? gs->cap * 2 : 64;
		gs->g = bp_xrealloc(gs->g, gs->cap * sizeof *gs->g);
	}
	{
		int64_t probe = 0;

		while (imap_get(&gs->at, (int64_t)h, probe, 0))
			probe++;
		imap_put(&gs->at, (int64_t)h, probe, 0, (int64_t)gs->n);
	}
	memset(&gs->g[gs->n], 0, sizeof gs->g[gs->n]);
	memcpy(gs->g[gs->n].key, k, nk * sizeof *k);
	gs->g[gs->n].first = first;
	return &gs->g[gs->n++];
}

static void
group_add(struct group *g, int32_t m, double v)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 8;
		g->mem = bp_xrealloc(g->mem, g->cap * sizeof *g->mem);
	}
	g->mem[g->n++] = m;
	g->sum += v;
}

static void
groups_free(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		free(gs->g[i].mem);
	free(gs->g);
	imap_free(&gs->at);
}

static int
by_sum_desc(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->sum != y->sum)
		return x->sum < y->sum ? 1 : -1;
	return (x->first > y->first) - (x->first < y->first);
}

/* mean, median, std (n - 1), min, max, sum of v (sorted in place). */
void
stats6(double *v, size_t n, double out[6])
{
	double sum = 0;

	bp_stats_sort(v, n);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	bp_stats_meanvar(v, n, &out[0], &out[2]);
	out[1] = bp_stats_quantile(v, n, 0.5);
	out[3] = n ? v[0] : NAN;
	out[4] = n ? v[n - 1] : NAN;
	out[5] = sum;
}

static void
add_stats(cJSON *r, const char *prefix, double *v, size_t n)
{
	static const char *const suf[6] = {
		"mean", "median", "std", "min", "max", "sum",
	};
	double s[6];
	char key[96];

	stats6(v, n, s);
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof key, "%s_%s_us", prefix, suf[i]);
		rec_num(r, key, s[i]);
	}
}

static const char *
meta_name(const struct trace *t, const struct imap *m, int64_t pid,
    int64_t tid)
{
	int64_t *id = imap_get(m, pid, tid, 0);

	return id ? str_get(&t->s, (uint32_t)*id) : "Unknown";
}

struct kord {
	double total;
	const char *name;
	size_t p;
};

struct kstat {
	int64_t stream;
	int has_stream;
	double *d;
	size_t n;
};

/*
 * The kernels launched by a group of launchers, position by position, as
 * TraceLens summarises them: the first launcher's kernel list is the
 * template; launchers with a different number of kernels are skipped.
 */
cJSON *
kernel_summary(const struct trace *t, const struct launcher *const *l,
    size_t n)
{
	const struct launcher *tp = n ? l[0] : NULL;
	struct kstat *ks;
	cJSON *arr = cJSON_CreateArray();

	if (!tp || tp->nk == 0)
		return arr;
	ks = calloc(tp->nk, sizeof *ks);
	if (!ks)
		bp_xmalloc((size_t)-1);
	for (size_t p = 0; p < tp->nk; p++) {
		const struct ev *k = &t->ev[tp->k[p]];

		ks[p].stream = k->stream;
		ks[p].has_stream = (k->flags & EV_STREAM) != 0;
		ks[p].d = bp_xmalloc(n * sizeof *ks[p].d);
	}
	for (size_t i = 0; i < n; i++) {
		if (l[i]->nk != tp->nk)
			continue;
		for (size_t p = 0; p < tp->nk; p++)
			ks[p].d[ks[p].n++] = t->ev[l[i]->k[p]].dur;
	}
	/* sorted by (total, name), as TraceLens lists them */
	{
		struct kord *ord = bp_xmalloc(tp->nk * sizeof *ord);

		for (size_t p = 0; p < tp->nk; p++) {
			ord[p].total = 0;
			for (size_t i = 0; i < ks[p].n; i++)
				ord[p].total += ks[p].d[i];
			ord[p].name = str_get(&t->s, t->ev[tp->k[p]].name);
			ord[p].p = p;
		}
		/* insertion sort: lists are short; stable like Python's */
		for (size_t i = 1; i < tp->nk; i++)
			for (size_t j = i; j > 0; j--) {
				int gt = ord[j - 1].total > ord[j].total ||
				    (ord[j - 1].total == ord[j].total &&
				    strcmp(ord[j - 1].name, ord[j].name) > 0);

				if (!gt)
					break;
				struct kord x = ord[j];

				ord[j] = ord[j - 1];
				ord[j - 1] = x;
			}
		for (size_t q = 0; q < tp->nk; q++) {
			size_t p = ord[q].p;
			cJSON *o = cJSON_CreateObject();
			double s[6], mean, var = 0;

			cJSON_AddStringToObject(o, "name", ord[q].name);
			if (ks[p].has_stream)
				cJSON_AddNumberToObject(o, "stream",
				    (double)ks[p].stream);
			else
				cJSON_AddNullToObject(o, "stream");
			cJSON_AddNumberToObject(o, "count", (double)ks[p].n);
			rec_num(o, "total_us", ord[q].total);
			stats6(ks[p].d, ks[p].n, s);
			mean = s[0];
			for (size_t i = 0; i < ks[p].n; i++)
				var += (ks[p].d[i] - mean) * (ks[p].d[i] - mean);
			rec_num(o, "mean_us", mean);
			rec_num(o, "median_us", s[1]);
			/* numpy's std: population (n) */
			rec_num(o, "std_us", ks[p].n ? sqrt(var / ks[p].n) : NAN);
			rec_num(o, "min_us", s[3]);
			rec_num(o, "max_us", s[4]);
			cJSON_AddItemToArray(arr, o);
		}
		free(ord);
	}
	for (size_t p = 0; p < tp->nk; p++)
		free(ks[p].d);
	free(ks);
	return arr;
}

static cJSON *
categories(const struct trace *t, const struct group *g)
{
	const char *c[64];
	size_t n = 0;
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < g->n && n < 64; i++) {
		const char *s = str_get(&t->s, t->lau[g->mem[i]].cat);
		size_t j = 0;

		while (j < n && strcmp(c[j], s) != 0)
			j++;
		if (j == n)
			c[n++] = s;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(c[j - 1], c[j]) > 0; j--) {
			const char *x = c[j];

			c[j] = c[j - 1];
			c[j - 1] = x;
		}
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(c[i]));
	return a;
}

static void
op_by_name(struct trace *t, const struct opts *o)
{
	struct groups gs = { 0 };
	double total = 0, cum = 0;

	for (size_t i = 0; i < t->nlau; i++) {
		uint32_t k = t->ev[t->lau[i].ev].name;
		struct group *g = group_of(&gs, &k, 1, (int32_t)i);

		group_add(g, (int32_t)i, t->lau[i].direct_us);
		g->sum2 += t->lau[i].subtree_us;
	}
	if (gs.n)
		qsort(gs.g, gs.n, sizeof *gs.g, by_sum_desc);
	for (size_t i = 0; i < gs.n; i++)
		total += gs.g[i].sum / 1000;
	for (size_t i = 0; i < gs.n && (o->top <= 0 || (int)i < o->top);
	    i++) {
		const struct group *g = &gs.g[i];
		cJSON *r = rec_new(t, "trace_op", o);
		double pct = g->sum / 1000 / total * 100;

		cum += pct;
		cJSON_AddStringToObject(r, "name", str_get(&t->s, g->key[0]));
		cJSON_AddStringToObject(r, "basis", "gpu");
		cJSON_AddNumberToObject(r, "count", (double)g->n);
		cJSON_AddItemToObject(r, "categories", categories(t, g));
		rec_num(r, "kernel_time_ms", g->sum / 1000);
		rec_num(r, "subtree_kernel_time_ms", g->sum2 / 1000);
		rec_num(r, "pct", pct);
		rec_num(r, "cumulative_pct", cum);
		rec_emit(r);
	}
	groups_free(&gs);
}

static void
op_by_shape(struct trace *t, const struct opts *o)
{
	struct groups gs = { 0 };
	double total = 0, cum = 0, *v = NULL;
	const struct launcher **lv = NULL;

	for (size_t i = 0; i < t->nlau; i++) {
		const struct ev *e = &t->ev[t->lau[i].ev];
		int64_t *pn = imap_get(&t->pname, e->pid, 0, 0);
		int64_t *pl = imap_get(&t->plabel, e->pid, 0, 0);
		int64_t *tn = imap_get(&t->tname, e->pid, e->tid, 0);
		uint32_t k[9] = {
			e->name, t->lau[i].cat, pn ? (uint32_t)*pn + 1 : 0,
			pl ? (uint32_t)*pl + 1 : 0, tn ? (uint32_t)*tn + 1 : 0,
			e->dims, e->types, e->strides, e->concrete,
		};

		group_add(group_of(&gs, k, 9, (int32_t)i), (int32_t)i,
		    t->lau[i].direct_us);
	}
	/* ties in the sum fall back to the first member's uid, which
	 * follows launcher order */
	if (gs.n)
		qsort(gs.g, gs.n, sizeof *gs.g, by_sum_desc);
	for (size_t i = 0; i < gs.n; i++)
		total += gs.g[i].sum;
	for (size_t i = 0; i < gs.n && (o->top <= 0 || (int)i < o->top);
	    i++) {
		const struct group *g = &gs.g[i];
		const struct ev *e = &t->ev[t->lau[g->mem[0]].ev];
		cJSON *r = rec_new(t, "trace_op", o);
		double pct = g->sum / total * 100;

		cum += pct;
		v = bp_xrealloc(v, (g->n + 1) * sizeof *v);
		lv = bp_xrealloc(lv, (g->n + 1) * sizeof *lv);
		cJSON_AddStringToObject(r, "name", str_get(&t->s, g->key[0]));
		cJSON_AddStringToObject(r, "basis", "gpu");
		cJSON_AddStringToObject(r, "category", str_get(&t->s,
		    g->key[1]));
		cJSON_AddStringToObject(r, "process_name",
		    meta_name(t, &t->pname, e->pid, 0));
		cJSON_AddStringToObject(r, "process_label",
		    meta_name(t, &t->plabel, e->pid, 0));
		cJSON_AddStringToObject(r, "thread_name",
		    meta_name(t, &t->tname, e->pid, e->tid));
		rec_raw(r, "input_dims", &t->s, e->dims);
		rec_raw(r, "input_types", &t->s, e->types);
		rec_raw(r, "input_strides", &t->s, e->strides);
		rec_raw(r, "concrete_inputs", &t->s, e->concrete);
		cJSON_AddNumberToObject(r, "count", (double)g->n);
		cJSON_AddNumberToObject(r, "ex_uid", e->uid);
		rec_num(r, "kernel_time_ms", g->sum / 1000);
		for (size_t j = 0; j < g->n; j++)
			v[j] = t->lau[g->mem[j]].direct_us;
		add_stats(r, "kernel_time", v, g->n);
		for (size_t j = 0; j < g->n; j++)
			v[j] = t->lau[g->mem[j]].subtree_us;
		add_stats(r, "subtree_kernel_time", v, g->n);
		for (size_t j = 0; j < g->n; j++)
			lv[j] = &t->lau[g->mem[j]];
		cJSON_AddItemToObject(r, "kernels", kernel_summary(t, lv, g->n));
		rec_num(r, "pct", pct);
		rec_num(r, "cumulative_pct", cum);
		rec_emit(r);
	}
	free(v);
	free(lv);
	groups_free(&gs);
}

/* CPU-only traces: every CPU op, by name (and shape), by self time. */
static void
op_cpu(struct trace *t, const struct opts *o)
{
	struct groups gs = { 0 };
	double *self = cpu_self_us(t), total = 0, cum = 0;

	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		uint32_t k[5] = { e->name, 0, 0, 0, 0 };
		struct group *g;

		if (e->cat != C_CPU_OP || !(e->flags & EV_INWIN))
			continue;
		if (o->by_shape) {
			k[1] = e->dims;
			k[2] = e->types;
			k[3] = e->strides;
			k[4] = e->concrete;
		}
		g = group_of(&gs, k, 5, (int32_t)i);
		group_add(g, (int32_t)i, self[i]);
		g->sum2 += e->dur;
	}
	if (gs.n)
		qsort(gs.g, gs.n, sizeof *gs.g, by_sum_desc);
	for (size_t i = 0; i < gs.n; i++)
		total += gs.g[i].sum;
	for (size_t i = 0; i < gs.n && (o->top <= 0 || (int)i < o->top);
	    i++) {
		const struct group *g = &gs.g[i];
		const struct ev *e = &t->ev[g->mem[0]];
		cJSON *r = rec_new(t, "trace_op", o);
		double pct = total > 0 ? g->sum / total * 100 : NAN;

		cum += pct;
		cJSON_AddStringToObject(r, "name", str_get(&t->s, e->name));
		cJSON_AddStringToObject(r, "basis", "cpu");
		cJSON_AddStringToObject(r, "category",
		    op_category(t, g->mem[0], NULL, 0));
		if (o->by_shape) {
			rec_raw(r, "input_dims", &t->s, e->dims);
			rec_raw(r, "input_types", &t->s, e->types);
			rec_raw(r, "input_strides", &t->s, e->strides);
			rec_raw(r, "concrete_inputs", &t->s, e->concrete);
		}
		cJSON_AddNumberToObject(r, "count", (double)g->n);
		rec_num(r, "cpu_self_ms", g->sum / 1000);
		rec_num(r, "cpu_total_ms", g->sum2 / 1000);
		rec_num(r, "pct", pct);
		rec_num(r, "cumulative_pct", cum);
		rec_emit(r);
	}
	groups_free(&gs);
	free(self);
}

void
table_op(struct trace *t, const struct opts *o)
{
	if (!t->has_gpu)
		op_cpu(t, o);
	else if (o->by_shape)
		op_by_shape(t, o);
	else
		op_by_name(t, o);
}
