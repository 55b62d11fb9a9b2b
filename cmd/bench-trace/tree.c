/*
 * tree.c - the call tree TraceLens builds over a trace, rebuilt step for
 * step so that every derived number means what it means there:
 *
 *  1. CPU ops and CUDA runtime/driver calls, sorted by start (stably), nest
 *     on a stack per (pid, tid); an event that starts inside the stack top
 *     but ends after it is attached to the top's parent when the overlap is
 *     under 1 us, and left out of the tree otherwise.
 *  2. Each runtime call finds its GPU event through the ac2g flow events:
 *     the flow start and end with the call's linking id, then the event on
 *     the end's (pid, tid) carrying that id.  The linking id is
 *     args.correlation when the first launch call has one, else
 *     args."External id".  Graph launches take every GPU event with their
 *     id.  Traces without flow events (Holistic Trace Analysis samples)
 *     link by correlation id directly; TraceLens links nothing there.
 *  3. A kernel's launcher is the nearest cpu_op above its runtime call
 *     (skipping the pass-through "execute"), else the runtime call itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "trace.h"

int
is_gpu_cat(int cat)
{
	return cat == C_KERNEL || cat == C_MEMCPY || cat == C_MEMSET;
}

/* NCCL, RCCL, and the custom all-reduce TraceLens knows, anywhere in the
 * name, ignoring case. */
int
is_comm_name(const char *name)
{
	return strcasestr(name, "nccl") || strcasestr(name, "rccl") ||
	    strcasestr(name, "cross_device_reduce");
}

static const struct trace *sort_t;

/* Stable order by start: ties keep file order. */
static int
by_ts(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	double tx = sort_t->ev[x].ts, ty = sort_t->ev[y].ts;

	if (tx < ty)
		return -1;
	if (tx > ty)
		return 1;
	return (x > y) - (x < y);
}

void
sort_by_ts(const struct trace *t, int32_t *idx, size_t n)
{
	sort_t = t;
	if (n > 1)
		qsort(idx, n, sizeof *idx, by_ts);
}

struct stack {
	int32_t *v;
	size_t n, cap;
};

static void
push(struct stack *s, int32_t x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = bp_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = x;
}

/* Children are recorded in the order TraceLens appends them. */
struct attach {
	int32_t *child;
	size_t n, cap;
};

static void
attach(struct trace *t, struct attach *a, int32_t parent, int32_t child)
{
	t->ev[child].parent = parent;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->child = bp_xrealloc(a->child, a->cap * sizeof *a->child);
	}
	a->child[a->n++] = child;
}

static void
build_stacks(struct trace *t, struct attach *a)
{
	int32_t *idx = bp_xmalloc((t->nev + 1) * sizeof *idx);
	size_t n = 0, nstack = 0;
	struct stack *st = NULL;
	struct imap which = { 0 };

	for (size_t i = 0; i < t->nev; i++) {
		int c = t->ev[i].cat;

		if (c == C_CPU_OP || c == C_RUNTIME || c == C_DRIVER)
			idx[n++] = (int32_t)i;
	}
	sort_by_ts(t, idx, n);
	for (size_t i = 0; i < n; i++) {
		struct ev *e = &t->ev[idx[i]];
		int64_t *w = imap_get(&which, e->pid, e->tid, 0);
		struct stack *s;

		if (!w) {
			st = bp_xrealloc(st, (nstack + 1) * sizeof *st);
			memset(&st[nstack], 0, sizeof *st);
			imap_put(&which, e->pid, e->tid, 0, (int64_t)nstack);
			s = &st[nstack++];
		} else {
			s = &st[*w];
		}
		while (s->n && e->ts >= t->ev[s->v[s->n - 1]].end)
			s->n--;
		if (s->n && e->end > t->ev[s->v[s->n - 1]].end) {
			double overlap = t->ev[s->v[s->n - 1]].end - e->ts;

			if (overlap < 1.0 && s->n >= 2)
				s->n--;
			else
				continue;
		}
		if (s->n)
			attach(t, a, s->v[s->n - 1], idx[i]);
		push(s, idx[i]);
	}
	for (size_t i = 0; i < nstack; i++)
		free(st[i].v);
	free(st);
	imap_free(&which);
	free(idx);
}

static int
is_graph_launch(const char *name)
{
	return strcmp(name, "cudaGraphLaunch") == 0 ||
	    strcmp(name, "hipGraphLaunch") == 0;
}

static int64_t
link_of(const struct trace *t, const struct ev *e, int *ok)
{
	if (t->link_extid) {
		*ok = (e->flags & EV_EXTID) != 0;
		return e->extid;
	}
	*ok = (e->flags & EV_CORR) != 0;
	return e->corr;
}

static void
link_gpu(struct trace *t, struct attach *a)
{
	struct imap ptl = { 0 }, bylink = { 0 }, first = { 0 };
	int32_t *next = bp_xmalloc((t->nev + 1) * sizeof *next);
	int ok;

	/* (pid, tid, link id) -> the last event carrying them; link id ->
	 * its GPU events in file order (a chain through next[]). */
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		int64_t id = link_of(t, e, &ok);

		next[i] = -1;
		if (!ok)
			continue;
		imap_put(&ptl, e->pid, e->tid, id, (int64_t)i);
		if (is_gpu_cat(e->cat)) {
			int64_t *last = imap_get(&bylink, id, 0, 0);

			if (last)
				next[*last] = (int32_t)i;
			else
				imap_put(&first, id, 0, 0, (int64_t)i);
			imap_put(&bylink, id, 0, 0, (int64_t)i);
		}
	}
	for (size_t i = 0; i < t->nev; i++) {
		struct ev *r = &t->ev[i];
		int64_t id, *hit;
		int32_t g;

		if (r->cat != C_RUNTIME && r->cat != C_DRIVER)
			continue;
		id = link_of(t, r, &ok);
		if (!ok)
			continue;
		if (is_graph_launch(str_get(&t->s, r->name))) {
			hit = imap_get(&first, id, 0, 0);
			g = hit ? (int32_t)*hit : -1;
		} else if (t->has_flows) {
			int64_t *f = imap_get(&t->flow, id, 0, 0), end;

			/* both ends of the flow; the end names the GPU queue */
			if (!f || !(*f & FLOW_START))
				continue;
			end = *f & ~FLOW_START;
			if (end == FLOW_NOEND)
				continue;
			hit = imap_get(&ptl, t->flow_end[2 * end],
			    t->flow_end[2 * end + 1], id);
			if (!hit || !is_gpu_cat(t->ev[*hit].cat))
				continue;
			g = (int32_t)*hit;
		} else {
			/* No flow events: the last GPU event with this id. */
			hit = imap_get(&bylink, id, 0, 0);
			if (!hit)
				continue;
			g = (int32_t)*hit;
		}
		for (int graph = is_graph_launch(str_get(&t->s, r->name)); g >= 0;
		    g = graph ? next[g] : -1) {
			attach(t, a, (int32_t)i, g);
			if (!(t->ev[g].flags & EV_TREE))
				t->nlinked++;
			t->ev[g].flags |= EV_TREE;
		}
	}
	imap_free(&ptl);
	imap_free(&bylink);
	imap_free(&first);
	free(next);
}

/* Children in CSR form, in the order they were attached. */
static void
build_children(struct trace *t, const struct attach *a)
{
	size_t n = t->nev;
	int32_t *fill;

	t->kid0 = calloc(n + 2, sizeof *t->kid0);
	t->kid = bp_xmalloc((a->n + 1) * sizeof *t->kid);
	if (!t->kid0)
		bp_xmalloc((size_t)-1);
	/* An event linked twice keeps its last parent, as in TraceLens;
	 * count children by the parent each attachment named. */
	for (size_t i = 0; i < a->n; i++)
		t->kid0[t->ev[a->child[i]].parent + 1]++;
	for (size_t i = 0; i < n; i++)
		t->kid0[i + 1] += t->kid0[i];
	fill = bp_xmalloc((n + 1) * sizeof *fill);
	memcpy(fill, t->kid0, n * sizeof *fill);
	for (size_t i = 0; i < a->n; i++) {
		int32_t c = a->child[i];

		t->kid[fill[t->ev[c].parent]++] = c;
	}
	free(fill);
}

/* Flags the collective kernels, testing each distinct name once. */
static void
mark_comm(struct trace *t)
{
	uint8_t *seen = calloc(t->s.n + 1, 1);

	if (!seen)
		bp_xmalloc((size_t)-1);
	for (size_t i = 0; i < t->nev; i++) {
		struct ev *e = &t->ev[i];

		if (!is_gpu_cat(e->cat))
			continue;
		if (!seen[e->name])
			seen[e->name] = 1 + is_comm_name(str_get(&t->s, e->name));
		if (seen[e->name] == 2)
			e->flags |= EV_COMM;
	}
	free(seen);
}

void
tree_build(struct trace *t)
{
	struct attach a = { 0 };

	t->link_extid = 1;
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];

		if ((e->cat == C_RUNTIME || e->cat == C_DRIVER) &&
		    strcasestr(str_get(&t->s, e->name), "launch")) {
			t->link_extid = !(e->flags & EV_CORR);
			break;
		}
	}
	t->has_flows = t->nflow > 0;
	mark_comm(t);
	for (size_t i = 0; i < t->nev; i++) {
		t->ev[i].flags |= EV_INWIN;
		if (is_gpu_cat(t->ev[i].cat))
			t->has_gpu = 1;
	}
	build_stacks(t, &a);
	link_gpu(t, &a);
	build_children(t, &a);
	free(a.child);
}

/*
 * Busy time of a set of GPU events: the length of their union, summed
 * interval by interval in start order the way TraceLens sums it.
 */
double
busy_us(const struct trace *t, const int32_t *ev, size_t n)
{
	int32_t *idx;
	double sum = 0, s, e;

	if (n == 0)
		return 0;
	idx = bp_xmalloc(n * sizeof *idx);
	memcpy(idx, ev, n * sizeof *idx);
	sort_by_ts(t, idx, n);
	s = t->ev[idx[0]].ts;
	e = t->ev[idx[0]].end;
	for (size_t i = 1; i < n; i++) {
		const struct ev *x = &t->ev[idx[i]];

		if (x->ts <= e) {
			if (x->end > e)
				e = x->end;
		} else {
			sum += e - s;
			s = x->ts;
			e = x->end;
		}
	}
	sum += e - s;
	free(idx);
	return sum;
}

/* All GPU events below root (its gpu_events in TraceLens). */
void
subtree_gpu(const struct trace *t, int32_t root, int32_t **out, size_t *n,
    size_t *cap)
{
	int32_t *stack = NULL;
	size_t ns = 0, cs = 0;

	*n = 0;
	stack = bp_xrealloc(stack, (cs = 64) * sizeof *stack);
	stack[ns++] = root;
	while (ns) {
		int32_t x = stack[--ns];

		for (int32_t k = t->kid0[x]; k < t->kid0[x + 1]; k++) {
			int32_t c = t->kid[k];

			if (is_gpu_cat(t->ev[c].cat)) {
				if (!(t->ev[c].flags & EV_INWIN))
					continue;
				if (*n == *cap) {
					*cap = *cap ? *cap * 2 : 64;
					*out = bp_xrealloc(*out,
					    *cap * sizeof **out);
				}
				(*out)[(*n)++] = c;
				continue;
			}
			if (ns == cs)
				stack = bp_xrealloc(stack,
				    (cs *= 2) * sizeof *stack);
			stack[ns++] = c;
		}
	}
	free(stack);
}

/* The nearest cpu_op above a GPU event (TraceLens get_kernel_details). */
int32_t
cpu_op_of(const struct trace *t, int32_t k)
{
	int32_t e = t->ev[k].parent;

	while (e >= 0) {
		if (t->ev[e].cat == C_CPU_OP)
			return e;
		e = t->ev[e].parent;
	}
	return -1;
}

static int32_t
launcher_of(const struct trace *t, int32_t k)
{
	int32_t rt = t->ev[k].parent, cur;

	if (rt < 0)
		return -1;
	cur = t->ev[rt].parent;
	while (cur >= 0 && t->ev[cur].cat == C_CPU_OP) {
		if (strcmp(str_get(&t->s, t->ev[cur].name), "execute") != 0)
			return cur;
		cur = t->ev[cur].parent;
	}
	return rt;
}

static const struct trace *lsort_t;

/* By start; ties in order of first appearance, which is the order of
 * each launcher's first kernel in the file (k[0] before sorting). */
static int
by_launcher_ts(const void *a, const void *b)
{
	const struct launcher *x = a, *y = b;
	double tx = lsort_t->ev[x->ev].ts, ty = lsort_t->ev[y->ev].ts;

	if (tx < ty)
		return -1;
	if (tx > ty)
		return 1;
	return (x->k[0] > y->k[0]) - (x->k[0] < y->k[0]);
}

/*
 * TraceLens's kernel launchers: every linked, non-collective GPU event
 * grouped under its launcher; launchers in order of start, each with the
 * busy time of its direct kernels and of its whole subtree.
 */
void
tree_launchers(struct trace *t, const struct opts *o)
{
	struct launcher *l = NULL;
	size_t n = 0, cap = 0;
	int32_t *sub = NULL;
	size_t nsub = 0, capsub = 0;
	int32_t *slot = bp_xmalloc((t->nev + 1) * sizeof *slot);

	(void)o;
	for (size_t i = 0; i < t->nev; i++)
		slot[i] = -1;
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		int32_t who;
		struct launcher *L;

		if (!is_gpu_cat(e->cat) || !(e->flags & EV_INWIN))
			continue;
		if (e->flags & EV_COMM)
			continue;
		who = launcher_of(t, (int32_t)i);
		if (who < 0)
			continue;
		if (slot[who] < 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				l = bp_xrealloc(l, cap * sizeof *l);
			}
			memset(&l[n], 0, sizeof l[n]);
			l[n].ev = who;
			slot[who] = (int32_t)n++;
		}
		L = &l[slot[who]];
		if ((L->nk & (L->nk - 1)) == 0 && L->nk >= 4)
			L->k = bp_xrealloc(L->k, 2 * L->nk * sizeof *L->k);
		else if (L->nk == 0)
			L->k = bp_xmalloc(4 * sizeof *L->k);
		L->k[L->nk++] = (int32_t)i;
	}
	lsort_t = t;
	if (n)
		qsort(l, n, sizeof *l, by_launcher_ts);
	for (size_t i = 0; i < t->nev; i++)
		slot[i] = -1;
	for (size_t i = 0; i < n; i++) {
		struct launcher *L = &l[i];
		const char *cat;

		slot[L->ev] = (int32_t)i;
		sort_by_ts(t, L->k, L->nk);
		L->direct_us = busy_us(t, L->k, L->nk);
		subtree_gpu(t, L->ev, &sub, &nsub, &capsub);
		L->subtree_us = busy_us(t, sub, nsub);
		cat = op_category(t, L->ev, L->k, L->nk);
		L->cat = str_intern(&t->s, cat, strlen(cat));
	}
	free(sub);
	t->lau = l;
	t->nlau = n;
	t->lau_of = slot;
}

static int
matches(const struct opts *o, const char *s)
{
	for (size_t i = 0; i < o->nfilter; i++)
		if (regexec(&o->filter[i], s, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

/*
 * --from/--to/--step and --filter: GPU events outside are dropped from
 * every table (CPU ops too from the CPU-time tables of CPU-only traces).  A GPU event's time is its launch call's start when it has
 * one (so a step's kernels belong to the step that launched them), else
 * its own.  Times are relative to the trace's first kept event.
 */
void
window_apply(struct trace *t, const struct opts *o)
{
	double t0 = 0, lo = -1e300, hi = 1e300;
	int have = 0;

	if (o->step < 0 && o->from_ms < 0 && o->to_ms < 0 && !o->nfilter)
		return;
	for (size_t i = 0; i < t->nev; i++)
		if (!have || t->ev[i].ts < t0) {
			t0 = t->ev[i].ts;
			have = 1;
		}
	if (o->from_ms >= 0)
		lo = t0 + o->from_ms * 1e3;
	if (o->to_ms >= 0)
		hi = t0 + o->to_ms * 1e3;
	if (o->step >= 0) {
		char want[64];
		int found = 0;

		snprintf(want, sizeof want, "ProfilerStep#%ld", o->step);
		for (size_t i = 0; i < t->nev; i++)
			if (strcmp(str_get(&t->s, t->ev[i].name), want) == 0) {
				lo = t->ev[i].ts > lo ? t->ev[i].ts : lo;
				hi = t->ev[i].end < hi ? t->ev[i].end : hi;
				found = 1;
				break;
			}
		if (!found)
			lo = hi = 0, lo = 1;	/* empty window */
	}
	for (size_t i = 0; i < t->nev; i++) {
		struct ev *e = &t->ev[i];
		double when = e->ts;
		int keep;

		if (is_gpu_cat(e->cat) && e->parent >= 0)
			when = t->ev[e->parent].ts;
		keep = when >= lo && when <= hi;
		if (keep && o->nfilter && e->cat == C_CPU_OP)
			keep = matches(o, str_get(&t->s, e->name)) ||
			    matches(o, op_category(t, (int32_t)i, NULL, 0));
		if (keep && o->nfilter && is_gpu_cat(e->cat)) {
			int32_t op = cpu_op_of(t, (int32_t)i);

			keep = matches(o, str_get(&t->s, e->name)) ||
			    (op >= 0 && matches(o, str_get(&t->s,
			    t->ev[op].name)));
			if (!keep && op >= 0) {
				/* the op's category: computed without kernels,
				 * enough for registry names */
				keep = matches(o, op_category(t, op, NULL, 0));
			}
		}
		if (keep)
			e->flags |= EV_INWIN;
		else
			e->flags &= ~EV_INWIN;
	}
}

/*
 * Which of a set of time spans (events sorted by start) holds a time: a
 * binary search for the last span starting at or before it, then back
 * while an earlier span may still reach it.  The earliest holder wins.
 */
void
spans_init(struct spans *sp, const struct trace *t, const int32_t *ev,
    size_t n)
{
	sp->t = t;
	sp->ev = ev;
	sp->n = n;
	sp->maxend = bp_xmalloc((n + 1) * sizeof *sp->maxend);
	for (size_t i = 0; i < n; i++) {
		double e = t->ev[ev[i]].end;

		sp->maxend[i] = i && sp->maxend[i - 1] > e ? sp->maxend[i - 1] : e;
	}
}

long
spans_find(const struct spans *sp, double when)
{
	size_t lo = 0, hi = sp->n;
	long found = -1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sp->t->ev[sp->ev[mid]].ts <= when)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k-- > 0 && sp->maxend[k] >= when;)
		if (sp->t->ev[sp->ev[k]].end >= when)
			found = (long)k;
	return found;
}

void
spans_free(struct spans *sp)
{
	free(sp->maxend);
	sp->maxend = NULL;
}
