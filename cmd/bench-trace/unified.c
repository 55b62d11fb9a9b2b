/*
 * unified.c - trace_unified: every op that does GPU work, once, at the
 * finest level that still means something (TraceLens's
 * unified_perf_summary).
 *
 * From each root CPU op down the call tree, an op with GPU work below it
 * is taken when it has a perf model (its whole subtree, then no deeper),
 * passed through when some CPU op below it has a model, taken when it
 * launches kernels itself (unless a child with a model does), and passed
 * through otherwise.  GPU events no taken op covers (collectives aside)
 * become synthetic ops "launcher->kernel (Synthetic Op)", one per
 * kernel.  Calls are grouped by name, category, process, thread and
 * arguments; each group gets its CPU duration, its kernel (busy) time
 * and, with a model, FLOPs, bytes and rates as in trace_perf.  Groups are
 * ordered by kernel time, with their share of the table's kernel time.
 *
 * Not done here: TraceLens also takes a backward op whose forward op
 * has a model (1:1 linking through autograd); such ops count as ops
 * without a model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

/* One taken op: a real CPU op, or a synthetic one for one kernel. */
struct take {
	int32_t ev;		/* the op, or the synthetic op's launcher */
	int32_t kernel;		/* the synthetic op's kernel, else -1 */
	uint32_t name;		/* string id */
	uint32_t uid;
};

struct ugroup {
	uint32_t key[9];
	int32_t *mem;		/* indexes into the takes */
	size_t n, cap;
	double sum;		/* kernel time, us */
	uint32_t uid;
};

struct state {
	struct trace *t;
	uint8_t *gpu;		/* kept GPU events below the event */
	int8_t *own;		/* has a model: 1, none: 0, not known: -1 */
	uint8_t *below;		/* a CPU op below has a model and GPU work */
	struct take *tk;
	size_t ntk, captk;
	struct imap memo;	/* name, dims, types, strides, concrete */
};

static int
has_model(struct state *s, int32_t i)
{
	const struct ev *e = &s->t->ev[i];
	struct perf_model m;
	int64_t *hit;
	int ok;

	if (e->cat != C_CPU_OP)
		return 0;
	if (s->own[i] >= 0)
		return s->own[i];
	ok = 0;
	if (perf_sheet(str_get(&s->t->s, e->name))) {
		hit = imap_get(&s->memo, e->name | (int64_t)e->dims << 32,
		    e->types | (int64_t)e->strides << 32, e->concrete);
		if (hit) {
			ok = (int)*hit;
		} else {
			ok = perf_model(s->t, e, &m) == 0;
			if (ok)
				cJSON_Delete(m.params);
			imap_put(&s->memo, e->name | (int64_t)e->dims << 32,
			    e->types | (int64_t)e->strides << 32, e->concrete,
			    ok);
		}
	}
	s->own[i] = (int8_t)ok;
	return ok;
}

static void
take(struct state *s, int32_t ev, int32_t kernel, uint32_t name,
    uint32_t uid)
{
	if (s->ntk == s->captk) {
		s->captk = s->captk ? s->captk * 2 : 256;
		s->tk = bp_xrealloc(s->tk, s->captk * sizeof *s->tk);
	}
	s->tk[s->ntk++] = (struct take){ ev, kernel, name, uid };
}

/* A CPU op that launches kernels itself: a kernel below it through CUDA
 * runtime calls only (TraceLens _is_leaf_cpu_op). */
static int
launches(const struct trace *t, int32_t i, int depth)
{
	if (depth <= 0)
		return 0;
	for (int32_t k = t->kid0[i]; k < t->kid0[i + 1]; k++) {
		int32_t c = t->kid[k];

		if (is_gpu_cat(t->ev[c].cat))
			return 1;
		if (t->ev[c].cat == C_RUNTIME && launches(t, c, depth - 1))
			return 1;
	}
	return 0;
}

static int
has_comm(const struct trace *t, int32_t i, int32_t **sub, size_t *nsub,
    size_t *cap)
{
	subtree_gpu(t, i, sub, nsub, cap);
	for (size_t k = 0; k < *nsub; k++)
		if (t->ev[(*sub)[k]].flags & EV_COMM)
			return 1;
	return 0;
}

/* The walk down from the roots, in TraceLens's order (depth first,
 * children in the order they were attached). */
static void
walk(struct state *s, const int32_t *roots, size_t nroots)
{
	const struct trace *t = s->t;
	int32_t *st = NULL, *sub = NULL;
	size_t ns = 0, cap = 0, nsub = 0, capsub = 0;

#define PUSH(x) do { \
	if (ns == cap) { \
		cap = cap ? cap * 2 : 256; \
		st = bp_xrealloc(st, cap * sizeof *st); \
	} \
	st[ns++] = (x); \
} while (0)
	for (size_t r = nroots; r-- > 0;)
		PUSH(roots[r]);
	while (ns) {
		int32_t i = st[--ns];
		const struct ev *e = &t->ev[i];
		size_t mark;

		if (e->cat != C_CPU_OP || !s->gpu[i])
			continue;
		if (has_model(s, i)) {
			take(s, i, -1, e->name, e->uid);
			continue;
		}
		mark = ns;
		if (!s->below[i] && launches(t, i, 10)) {
			for (int32_t k = t->kid0[i]; k < t->kid0[i + 1]; k++) {
				int32_t c = t->kid[k];

				if (has_model(s, c) && s->gpu[c])
					PUSH(c);
			}
			if (ns == mark && !has_comm(t, i, &sub, &nsub, &capsub))
				take(s, i, -1, e->name, e->uid);
		} else {
			for (int32_t k = t->kid0[i]; k < t->kid0[i + 1]; k++)
				PUSH(t->kid[k]);
		}
		/* the children were pushed first to last: pop them in order */
		for (size_t a = mark, b = ns; a + 1 < b; a++, b--) {
			int32_t x = st[a];

			st[a] = st[b - 1];
			st[b - 1] = x;
		}
	}
#undef PUSH
	free(st);
	free(sub);
}

/* Marks, for every event, kept GPU events below it and CPU ops below it
 * with a model and GPU work. */
static void
mark_below(struct state *s)
{
	const struct trace *t = s->t;

	for (size_t i = 0; i < t->nev; i++) {
		if (!is_gpu_cat(t->ev[i].cat) || !(t->ev[i].flags & EV_INWIN))
			continue;
		for (int32_t p = t->ev[i].parent; p >= 0 && !s->gpu[p];
		    p = t->ev[p].parent)
			s->gpu[p] = 1;
	}
	for (size_t i = 0; i < t->nev; i++) {
		if (!s->gpu[i] || !has_model(s, (int32_t)i))
			continue;
		for (int32_t p = t->ev[i].parent; p >= 0 &&
		    t->ev[p].cat == C_CPU_OP && !s->below[p];
		    p = t->ev[p].parent)
			s->below[p] = 1;
	}
}

static uint32_t
synthetic_name(struct trace *t, int32_t op, int32_t k)
{
	struct bp_buf b = { 0 };
	uint32_t id;

	bp_buf_addf(&b, "%s->%s (Synthetic Op)", str_get(&t->s,
	    t->ev[op].name), str_get(&t->s, t->ev[k].name));
	id = str_intern(&t->s, b.p, b.len);
	bp_buf_free(&b);
	return id;
}

/*
 * GPU events no taken op covers: under a CPU op, a synthetic op of that
 * op; else a synthetic op of the runtime call that launched them,
 * grouped by the call and taken before the others.  Unlinked events and
 * collectives are left out.
 */
static void
orphans(struct state *s)
{
	struct trace *t = s->t;
	uint8_t *covered = calloc(t->nev + 1, 1);
	int32_t *sub = NULL, *byrt, *last, *rts, *next;
	size_t nsub = 0, capsub = 0, nrt = 0;
	uint32_t uid = (uint32_t)t->nevents;

	byrt = bp_xmalloc((t->nev + 1) * sizeof *byrt);
	last = bp_xmalloc((t->nev + 1) * sizeof *last);
	rts = bp_xmalloc((t->nev + 1) * sizeof *rts);
	next = bp_xmalloc((t->nev + 1) * sizeof *next);
	if (!covered)
		bp_xmalloc((size_t)-1);
	for (size_t i = 0; i < s->ntk; i++) {
		subtree_gpu(t, s->tk[i].ev, &sub, &nsub, &capsub);
		for (size_t k = 0; k < nsub; k++)
			covered[sub[k]] = 1;
	}
	for (size_t i = 0; i < t->nev; i++)
		byrt[i] = next[i] = -1;
	/* events without a CPU op above: by launcher, in order of its
	 * first event; chained through next[] */
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		int32_t p = e->parent;

		if (!is_gpu_cat(e->cat) || !(e->flags & EV_INWIN) ||
		    covered[i] || (e->flags & EV_COMM) || p < 0 ||
		    cpu_op_of(t, (int32_t)i) >= 0)
			continue;
		if (byrt[p] < 0) {
			rts[nrt++] = p;
			byrt[p] = (int32_t)i;
		} else {
			next[last[p]] = (int32_t)i;
		}
		last[p] = (int32_t)i;
	}
	for (size_t r = 0; r < nrt; r++)
		for (int32_t k = byrt[rts[r]]; k >= 0; k = next[k])
			take(s, rts[r], k, synthetic_name(t, rts[r], k), uid++);
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		int32_t op;

		if (!is_gpu_cat(e->cat) || !(e->flags & EV_INWIN) ||
		    covered[i] || (e->flags & EV_COMM))
			continue;
		if ((op = cpu_op_of(t, (int32_t)i)) >= 0)
			take(s, op, (int32_t)i, synthetic_name(t, op,
			    (int32_t)i), uid++);
	}
	free(covered);
	free(sub);
	free(byrt);
	free(last);
	free(rts);
	free(next);
}

static uint32_t
meta(const struct imap *m, int64_t a, int64_t b)
{
	int64_t *id = imap_get(m, a, b, 0);

	return id ? (uint32_t)*id + 1 : 0;
}

static const char *
meta_str(const struct trace *t, uint32_t k)
{
	return k ? str_get(&t->s, k - 1) : "Unknown";
}

static int
by_sum(const void *a, const void *b)
{
	const struct ugroup *x = a, *y = b;

	if (x->sum != y->sum)
		return x->sum < y->sum ? 1 : -1;
	return (x->uid > y->uid) - (x->uid < y->uid);
}

static struct ugroup *
group_of(struct ugroup **g, size_t *ng, struct imap *at,
    const uint32_t key[9], uint32_t uid)
{
	uint64_t h = 14695981039346656037ULL;
	int64_t *hit, probe;

	for (int i = 0; i < 9; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	for (probe = 0; (hit = imap_get(at, (int64_t)(h >> 1), probe, 0));
	    probe++)
		if (memcmp((*g)[*hit].key, key, sizeof (*g)->key) == 0)
			return &(*g)[*hit];
	imap_put(at, (int64_t)(h >> 1), probe, 0, (int64_t)*ng);
	*g = bp_xrealloc(*g, (*ng + 1) * sizeof **g);
	memset(&(*g)[*ng], 0, sizeof **g);
	memcpy((*g)[*ng].key, key, sizeof (*g)->key);
	(*g)[*ng].uid = uid;
	return &(*g)[(*ng)++];
}

/* The kernels of a take, by start. */
static void
kernels_of(const struct trace *t, const struct take *tk, struct launcher *l)
{
	int32_t *sub = NULL;
	size_t nsub = 0, cap = 0;

	memset(l, 0, sizeof *l);
	l->ev = tk->ev;
	if (tk->kernel >= 0) {
		sub = bp_xmalloc(sizeof *sub);
		sub[nsub++] = tk->kernel;
	} else {
		subtree_gpu(t, tk->ev, &sub, &nsub, &cap);
	}
	sort_by_ts(t, sub, nsub);
	l->k = sub;
	l->nk = nsub;
	l->direct_us = busy_us(t, sub, nsub);
}

static void
emit(struct state *s, const struct ugroup *g, const struct launcher *kl,
    double total, double *cum, const struct opts *o)
{
	struct trace *t = s->t;
	const struct take *first = &s->tk[g->mem[0]];
	const struct ev *e = &t->ev[first->ev];
	const struct launcher **lv = bp_xmalloc(g->n * sizeof *lv);
	double *kt = bp_xmalloc(g->n * sizeof *kt);
	double *du = bp_xmalloc(g->n * sizeof *du);
	cJSON *r = rec_new(t, "trace_unified", o);
	struct perf_model m;
	int model = first->kernel < 0 && has_model(s, first->ev) &&
	    perf_model(t, e, &m) == 0;
	double pct = total > 0 ? g->sum / total * 100 : NAN;

	for (size_t j = 0; j < g->n; j++) {
		lv[j] = &kl[g->mem[j]];
		kt[j] = kl[g->mem[j]].direct_us;
		du[j] = t->ev[s->tk[g->mem[j]].ev].dur;
	}
	*cum += pct;
	cJSON_AddStringToObject(r, "name", str_get(&t->s, g->key[0]));
	cJSON_AddStringToObject(r, "category", str_get(&t->s, g->key[1]));
	cJSON_AddStringToObject(r, "process_name", meta_str(t, g->key[2]));
	cJSON_AddStringToObject(r, "process_label", meta_str(t, g->key[3]));
	cJSON_AddStringToObject(r, "thread_name", meta_str(t, g->key[4]));
	rec_raw(r, "input_dims", &t->s, e->dims);
	rec_raw(r, "input_types", &t->s, e->types);
	rec_raw(r, "input_strides", &t->s, e->strides);
	rec_raw(r, "concrete_inputs", &t->s, e->concrete);
	cJSON_AddNumberToObject(r, "count", (double)g->n);
	cJSON_AddNumberToObject(r, "ex_uid", g->uid);
	cJSON_AddBoolToObject(r, "has_perf_model", model);
	{
		double st[6];

		stats6(du, g->n, st);
		rec_num(r, "duration_sum_us", st[5]);
		perf_stats(r, "duration_%s_us", du, g->n);
	}
	if (model) {
		cJSON_AddStringToObject(r, "sheet", m.sheet);
		cJSON_AddItemToObject(r, "params", m.params);
		perf_rates(r, &m, kt, g->n);
	}
	perf_stats(r, "kernel_time_%s_us", kt, g->n);
	rec_num(r, "kernel_time_sum_us", g->sum);
	if (model)
		perf_peaks(r, t, &m, kt, g->n, o);
	rec_num(r, "pct", pct);
	rec_num(r, "cumulative_pct", *cum);
	cJSON_AddItemToObject(r, "kernels", kernel_summary(t, lv, g->n));
	rec_emit(r);
	free(lv);
	free(kt);
	free(du);
}

void
table_unified(struct trace *t, const struct opts *o)
{
	struct state s = { .t = t };
	int32_t *roots;
	size_t nroots = 0, ng = 0;
	struct ugroup *g = NULL;
	struct imap at = { 0 };
	struct launcher *kl;
	double total = 0, cum = 0;

	if (!t->has_gpu)
		return;
	s.gpu = calloc(t->nev + 1, 1);
	s.below = calloc(t->nev + 1, 1);
	s.own = bp_xmalloc(t->nev + 1);
	roots = bp_xmalloc((t->nev + 1) * sizeof *roots);
	if (!s.gpu || !s.below)
		bp_xmalloc((size_t)-1);
	memset(s.own, -1, t->nev + 1);
	mark_below(&s);
	/* the roots: CPU ops with no CPU op above them, by start */
	for (size_t i = 0; i < t->nev; i++) {
		int32_t p = t->ev[i].parent;

		if (t->ev[i].cat != C_CPU_OP)
			continue;
		while (p >= 0 && t->ev[p].cat != C_CPU_OP)
			p = t->ev[p].parent;
		if (p < 0)
			roots[nroots++] = (int32_t)i;
	}
	sort_by_ts(t, roots, nroots);
	walk(&s, roots, nroots);
	orphans(&s);

	kl = bp_xmalloc((s.ntk + 1) * sizeof *kl);
	for (size_t i = 0; i < s.ntk; i++) {
		const struct take *tk = &s.tk[i];
		const struct ev *e = &t->ev[tk->ev];
		int32_t li = t->lau_of ? t->lau_of[tk->ev] : -1;
		const char *cat = op_category_of(t, str_get(&t->s, tk->name),
		    li >= 0 ? t->lau[li].k : NULL, li >= 0 ? t->lau[li].nk : 0);
		uint32_t key[9] = {
			tk->name, str_intern(&t->s, cat, strlen(cat)),
			meta(&t->pname, e->pid, 0), meta(&t->plabel, e->pid, 0),
			meta(&t->tname, e->pid, e->tid),
			e->dims, e->types, e->strides, e->concrete,
		};
		struct ugroup *gr = group_of(&g, &ng, &at, key, tk->uid);

		kernels_of(t, tk, &kl[i]);
		if (gr->n == gr->cap) {
			gr->cap = gr->cap ? gr->cap * 2 : 4;
			gr->mem = bp_xrealloc(gr->mem, gr->cap * sizeof *gr->mem);
		}
		gr->mem[gr->n++] = (int32_t)i;
		gr->sum += kl[i].direct_us;
	}
	if (ng)
		qsort(g, ng, sizeof *g, by_sum);
	for (size_t i = 0; i < ng; i++)
		total += g[i].sum;
	for (size_t i = 0; i < ng; i++)
		if (o->top <= 0 || (int)i < o->top)
			emit(&s, &g[i], kl, total, &cum, o);
	for (size_t i = 0; i < ng; i++)
		free(g[i].mem);
	for (size_t i = 0; i < s.ntk; i++)
		free(kl[i].k);
	free(kl);
	free(g);
	free(roots);
	free(s.tk);
	free(s.gpu);
	free(s.below);
	free(s.own);
	imap_free(&at);
	imap_free(&s.memo);
}
