/*
 * timeline.c - trace_timeline: where the GPU's time went (TraceLens
 * gpu_timeline).  GPU events split into computation (kernels and memsets),
 * communication (NCCL/RCCL kernels) and memcpy; each set is merged into a
 * union of intervals.  Exposed communication is communication not under
 * computation; exposed memcpy is memcpy under neither.  Total runs from
 * the first GPU event's start to the last one's end; idle is total minus
 * busy (the union of everything).  Only GPU events linked to a launch
 * count, as in TraceLens.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

struct ivl {
	double s, e;
};

static int
by_start(const void *a, const void *b)
{
	const struct ivl *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* Sorts and merges in place; returns the new count.  Ties in start merge
 * whatever their order, so an unstable sort gives the same union. */
static size_t
merge(struct ivl *v, size_t n)
{
	size_t m = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, by_start);
	for (size_t i = 1; i < n; i++) {
		if (v[i].s <= v[m].e) {
			if (v[i].e > v[m].e)
				v[m].e = v[i].e;
		} else {
			v[++m] = v[i];
		}
	}
	return m + 1;
}

static double
length(const struct ivl *v, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i].e - v[i].s;
	return sum;
}

/* B minus A, both merged and sorted (TraceLens's subtract_intervalsA_from_B,
 * step for step, so the float sums agree). */
static size_t
subtract(const struct ivl *a, size_t na, const struct ivl *b, size_t nb,
    struct ivl *out)
{
	size_t ai = 0, n = 0;

	for (size_t i = 0; i < nb; i++) {
		double cur = b[i].s;

		while (ai < na && a[ai].e <= b[i].s)
			ai++;
		for (size_t k = ai; k < na && a[k].s < b[i].e; k++) {
			if (a[k].s > cur)
				out[n++] = (struct ivl){ cur,
				    b[i].e < a[k].s ? b[i].e : a[k].s };
			if (a[k].e > cur)
				cur = a[k].e;
			if (cur >= b[i].e)
				break;
		}
		if (cur < b[i].e)
			out[n++] = (struct ivl){ cur, b[i].e };
	}
	return n;
}

/* ROCm 7.1 names copies as kernels; TraceLens counts them as memcpy. */
static int
rocm_copy_kernel(const char *n)
{
	static const char *const pre[] = {
		"MEMORY_COPY_HOST_TO_DEVICE", "MEMORY_COPY_DEVICE_TO_HOST",
		"MEMORY_COPY_DEVICE_TO_DEVICE", "__amd_rocclr_copyBufferRectAligned",
		"__amd_rocclr_copyBufferRect", "__amd_rocclr_copyBufferAligned",
		"__amd_rocclr_copyBuffer",
	};

	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
		size_t l = strlen(pre[i]);

		if (strncmp(n, pre[i], l) == 0 && (n[l] == '\0' ||
		    strcmp(n + l, ".kd") == 0))
			return 1;
	}
	return 0;
}

int
timeline_compute(const struct trace *t, const int32_t *gpu, size_t n,
    double out[8])
{
	struct ivl *all, *comp, *comm, *mem, *tmp, *tmp2;
	size_t na = 0, nc = 0, nm = 0, nx = 0, nt, nt2;

	memset(out, 0, 8 * sizeof *out);
	if (n == 0)
		return -1;
	all = bp_xmalloc(n * sizeof *all);
	comp = bp_xmalloc(n * sizeof *comp);
	comm = bp_xmalloc(n * sizeof *comm);
	mem = bp_xmalloc(n * sizeof *mem);
	for (size_t i = 0; i < n; i++) {
		const struct ev *e = &t->ev[gpu[i]];
		struct ivl v = { e->ts, e->end };
		const char *name = str_get(&t->s, e->name);

		all[na++] = v;
		if (e->cat == C_MEMCPY ||
		    (e->cat == C_KERNEL && rocm_copy_kernel(name)))
			mem[nm++] = v;
		else if (e->flags & EV_COMM)
			comm[nx++] = v;
		else
			comp[nc++] = v;
	}
	na = merge(all, na);
	nc = merge(comp, nc);
	nx = merge(comm, nx);
	nm = merge(mem, nm);
	tmp = bp_xmalloc((nx + nm + nc + 2) * 2 * sizeof *tmp);
	tmp2 = bp_xmalloc((nx + nm + nc + 2) * 2 * sizeof *tmp2);
	out[TL_TOTAL] = all[na - 1].e - all[0].s;
	out[TL_COMP] = length(comp, nc);
	out[TL_COMM] = length(comm, nx);
	nt = subtract(comp, nc, comm, nx, tmp);
	out[TL_EXP_COMM] = length(tmp, nt);
	out[TL_MEMCPY] = length(mem, nm);
	nt = subtract(comp, nc, mem, nm, tmp);
	nt2 = subtract(comm, nx, tmp, nt, tmp2);
	out[TL_EXP_MEMCPY] = length(tmp2, nt2);
	out[TL_BUSY] = length(all, na);
	out[TL_IDLE] = out[TL_TOTAL] - out[TL_BUSY];
	free(all);
	free(comp);
	free(comm);
	free(mem);
	free(tmp);
	free(tmp2);
	return 0;
}

/* The linked GPU events inside the window. */
int32_t *
timeline_events(const struct trace *t, size_t *n)
{
	int32_t *v = bp_xmalloc((t->nev + 1) * sizeof *v);

	*n = 0;
	for (size_t i = 0; i < t->nev; i++)
		if (is_gpu_cat(t->ev[i].cat) && (t->ev[i].flags & EV_TREE) &&
		    (t->ev[i].flags & EV_INWIN))
			v[(*n)++] = (int32_t)i;
	return v;
}

/* CPU side, for every trace: the span of CPU ops and their busy union. */
static void
cpu_span(const struct trace *t, double *span, double *busy)
{
	struct ivl *v = bp_xmalloc((t->nev + 1) * sizeof *v);
	size_t n = 0;

	for (size_t i = 0; i < t->nev; i++)
		if (t->ev[i].cat == C_CPU_OP)
			v[n++] = (struct ivl){ t->ev[i].ts, t->ev[i].end };
	n = merge(v, n);
	*span = n ? v[n - 1].e - v[0].s : 0;
	*busy = length(v, n);
	free(v);
}

void
table_timeline(struct trace *t, const struct opts *o)
{
	static const char *const key[8] = {
		"computation", "exposed_comm", "exposed_memcpy", "busy",
		"idle", "total", "comm", "memcpy",
	};
	size_t n;
	int32_t *gpu = timeline_events(t, &n);
	double v[8], span, busy;
	char k[64];
	cJSON *r;
	int ok = timeline_compute(t, gpu, n, v) == 0;

	t->timeline_ok = ok;
	t->total_us = ok ? v[TL_TOTAL] : 0;
	free(gpu);
	if (!(o->tables & TB_TIMELINE))
		return;
	r = rec_new(t, "trace_timeline", o);
	cJSON_AddNumberToObject(r, "gpu_events", (double)n);
	for (int i = 0; i < 8; i++) {
		snprintf(k, sizeof k, "%s_ms", key[i]);
		rec_num(r, k, v[i] / 1e3);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(k, sizeof k, "%s_pct", key[i]);
		rec_num(r, k, ok ? v[i] / v[TL_TOTAL] * 100 : NAN);
	}
	cpu_span(t, &span, &busy);
	rec_num(r, "cpu_span_ms", span / 1e3);
	rec_num(r, "cpu_busy_ms", busy / 1e3);
	rec_emit(r);
}

/*
 * How much of each of the n GPU events in ev is not under computation
 * (the linked, non-collective, non-memcpy GPU events): the exposed part
 * of each collective.
 */
void
exposed_us(const struct trace *t, const int32_t *ev, size_t n, double *out)
{
	size_t ng, nc = 0, nt;
	int32_t *gpu = timeline_events(t, &ng);
	struct ivl *comp = bp_xmalloc((ng + 1) * sizeof *comp), *tmp;

	for (size_t i = 0; i < ng; i++) {
		const struct ev *e = &t->ev[gpu[i]];
		const char *name = str_get(&t->s, e->name);

		if (e->cat == C_MEMCPY || (e->cat == C_KERNEL &&
		    rocm_copy_kernel(name)) || (e->flags & EV_COMM))
			continue;
		comp[nc++] = (struct ivl){ e->ts, e->end };
	}
	nc = merge(comp, nc);
	tmp = bp_xmalloc((nc + 2) * sizeof *tmp);
	for (size_t i = 0; i < n; i++) {
		struct ivl k = { t->ev[ev[i]].ts, t->ev[ev[i]].end };
		size_t lo = 0, hi = nc;

		/* merged intervals end in order: skip those ending before */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (comp[mid].e <= k.s)
				lo = mid + 1;
			else
				hi = mid;
		}
		nt = subtract(comp + lo, nc - lo, &k, 1, tmp);
		out[i] = length(tmp, nt);
	}
	free(tmp);
	free(comp);
	free(gpu);
}
