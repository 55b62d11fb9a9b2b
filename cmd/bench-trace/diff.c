/*
 * diff.c - trace_diff: what changed between two traces of the same
 * workload (before and after an upgrade): each GPU timeline figure, each
 * op category and the ops whose time moved most.  Times are the kernel
 * times of trace_category and trace_op (CPU self time for CPU-only
 * traces); change_pct is relative to the base.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

struct item {
	const char *key;
	double ms[2];
	size_t n[2];
};

struct items {
	struct item *v;
	size_t n;
};

static struct item *
item_of(struct items *it, const char *key)
{
	for (size_t i = 0; i < it->n; i++)
		if (strcmp(it->v[i].key, key) == 0)
			return &it->v[i];
	it->v = bp_xrealloc(it->v, (it->n + 1) * sizeof *it->v);
	memset(&it->v[it->n], 0, sizeof it->v[it->n]);
	it->v[it->n].key = key;
	return &it->v[it->n++];
}

/* Categories and ops of one trace into slot s. */
static void
collect(struct trace *t, int s, struct items *cat, struct items *op)
{
	if (t->has_gpu) {
		for (size_t i = 0; i < t->nlau; i++) {
			const struct launcher *l = &t->lau[i];
			struct item *c = item_of(cat, str_get(&t->s, l->cat));
			struct item *o = item_of(op, str_get(&t->s,
			    t->ev[l->ev].name));

			c->ms[s] += l->direct_us / 1e3;
			c->n[s]++;
			o->ms[s] += l->direct_us / 1e3;
			o->n[s]++;
		}
		return;
	}
	double *self = cpu_self_us(t);

	for (size_t i = 0; i < t->nev; i++) {
		struct item *c, *o;

		if (t->ev[i].cat != C_CPU_OP || !(t->ev[i].flags & EV_INWIN))
			continue;
		c = item_of(cat, op_category(t, (int32_t)i, NULL, 0));
		o = item_of(op, str_get(&t->s, t->ev[i].name));
		c->ms[s] += self[i] / 1e3;
		c->n[s]++;
		o->ms[s] += self[i] / 1e3;
		o->n[s]++;
	}
	free(self);
}

static int
by_abs_delta(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	double dx = fabs(x->ms[1] - x->ms[0]), dy = fabs(y->ms[1] - y->ms[0]);

	if (dx != dy)
		return dx < dy ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void
emit(struct trace *base, struct trace *cur, const struct opts *o,
    const char *table, const char *key, const double ms[2],
    const size_t *n, double tot0, double tot1)
{
	cJSON *r = rec_new(NULL, "trace_diff", o);

	cJSON_AddStringToObject(r, "base", base->path);
	cJSON_AddStringToObject(r, "current", cur->path);
	cJSON_AddStringToObject(r, "table", table);
	cJSON_AddStringToObject(r, "key", key);
	rec_num(r, "base_ms", ms[0]);
	rec_num(r, "current_ms", ms[1]);
	rec_num(r, "delta_ms", ms[1] - ms[0]);
	rec_num(r, "change_pct", ms[0] != 0 ? (ms[1] / ms[0] - 1) * 100 :
	    NAN);
	if (n) {
		cJSON_AddNumberToObject(r, "base_count", (double)n[0]);
		cJSON_AddNumberToObject(r, "current_count", (double)n[1]);
	}
	if (tot0 > 0 || tot1 > 0) {
		rec_num(r, "base_pct", tot0 > 0 ? ms[0] / tot0 * 100 : NAN);
		rec_num(r, "current_pct", tot1 > 0 ? ms[1] / tot1 * 100 : NAN);
	}
	rec_emit(r);
}

void
trace_diff(struct trace *base, struct trace *cur, const struct opts *o)
{
	static const char *const key[8] = {
		"computation", "exposed_comm", "exposed_memcpy", "busy",
		"idle", "total", "comm", "memcpy",
	};
	struct items cat = { 0 }, op = { 0 };
	double v[2][8], tot[2][2] = { { 0 } };
	struct trace *t[2] = { base, cur };
	int top = o->top > 0 ? o->top : 20;

	for (int s = 0; s < 2; s++) {
		size_t n;
		int32_t *gpu = timeline_events(t[s], &n);

		timeline_compute(t[s], gpu, n, v[s]);
		free(gpu);
		collect(t[s], s, &cat, &op);
	}
	for (int i = 0; i < 8; i++) {
		double ms[2] = { v[0][i] / 1e3, v[1][i] / 1e3 };

		emit(base, cur, o, "timeline", key[i], ms, NULL,
		    v[0][TL_TOTAL] / 1e3, v[1][TL_TOTAL] / 1e3);
	}
	for (size_t i = 0; i < cat.n; i++)
		for (int s = 0; s < 2; s++)
			tot[0][s] += cat.v[i].ms[s];
	if (cat.n)
		qsort(cat.v, cat.n, sizeof *cat.v, by_abs_delta);
	for (size_t i = 0; i < cat.n; i++)
		emit(base, cur, o, "category", cat.v[i].key, cat.v[i].ms,
		    cat.v[i].n, tot[0][0], tot[0][1]);
	for (size_t i = 0; i < op.n; i++)
		for (int s = 0; s < 2; s++)
			tot[1][s] += op.v[i].ms[s];
	if (op.n)
		qsort(op.v, op.n, sizeof *op.v, by_abs_delta);
	for (size_t i = 0; i < op.n && (int)i < top; i++)
		emit(base, cur, o, "op", op.v[i].key, op.v[i].ms, op.v[i].n,
		    tot[1][0], tot[1][1]);
	free(cat.v);
	free(op.v);
}
