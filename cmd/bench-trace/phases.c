/*
 * phases.c - LLM inference phases: trace_step (one per iteration) and, per
 * phase (prefill, decode, mixed), trace_phase (a GPU timeline of the
 * phase's steps) and trace_phase_category (its op categories).
 *
 * Iterations are found as TraceLens finds them: user annotations matching
 * the engines' detailed labels (vLLM execute_N_context_C(...)_generation_G
 * (...), SGLang step[...sqsq=...], ATOM prefill[...]/decode[...]), else
 * their plain labels, else ProfilerStep#N.  The phase comes from the
 * label: context requests only is prefill, generation only is decode, both
 * is mixed.  A ProfilerStep of an inference trace (no autograd backward)
 * takes its phase from the attention ops inside it: a query length of 1
 * is decode.  A GPU event belongs to the step during which it was
 * launched.
 */
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

enum { PH_PREFILL, PH_DECODE, PH_MIXED, PH_UNKNOWN, PH_N };

static const char *const phase_name[PH_N] = {
	"prefill", "decode", "mixed", "unknown",
};

struct step {
	int32_t ev;
	int phase;
	long requests, tokens;	/* -1 unknown */
};

static const char *const detailed[] = {
	"^execute_[0-9]+_context_[0-9]+\\(sq[0-9]+sk[0-9]+sqsq[0-9]+sqsk[0-9]+"
	    "\\)_generation_[0-9]+\\(sq[0-9]+sk[0-9]+sqsq[0-9]+sqsk[0-9]+\\)",
	"^(prefill|decode)\\[.*sqsq=[0-9]+.*\\]",
	"^step\\[(EXTEND|DECODE|MIXED)[^]a-zA-Z0-9_][^]]*sqsq=[0-9]+[^]]*\\]",
	NULL,
	"^execute_context_[0-9]+\\([0-9]+\\)_generation_[0-9]+\\([0-9]+\\)",
	"^step\\[(EXTEND|DECODE|MIXED)([^]a-zA-Z0-9_].*)?\\]",
	"^(prefill|decode)\\[(.*)\\]",
	"^execute_diffusion_([0-9]+)_([0-9]+x[0-9]+)",
	NULL,
};

static long
num_after(const char *s, const char *key)
{
	const char *p = strstr(s, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* The phase an engine's label names. */
static int
label_phase(const char *n, struct step *st)
{
	long c, g;

	st->requests = st->tokens = -1;
	if (strncmp(n, "execute_context_", 16) == 0) {
		/* execute_context_C(T)_generation_G(T) */
		c = strtol(n + 16, NULL, 10);
		g = num_after(n, "_generation_");
		st->requests = c + g;
		st->tokens = num_after(n, "(") + num_after(strstr(n,
		    "_generation_"), "(");
	} else if (strncmp(n, "execute_", 8) == 0 && strstr(n, "_context_")) {
		c = num_after(n, "_context_");
		g = num_after(n, "_generation_");
		st->requests = c + g;
		st->tokens = strtol(n + 8, NULL, 10);
	} else if (strncmp(n, "step[", 5) == 0) {
		st->requests = num_after(n, "bs=");
		st->tokens = num_after(n, "toks=");
		if (strncmp(n + 5, "DECODE", 6) == 0)
			return PH_DECODE;
		return strncmp(n + 5, "MIXED", 5) == 0 ? PH_MIXED : PH_PREFILL;
	} else if (strncmp(n, "prefill[", 8) == 0 ||
	    strncmp(n, "decode[", 7) == 0) {
		st->requests = num_after(n, "bs=");
		st->tokens = num_after(n, "tok=");
		return n[0] == 'p' ? PH_PREFILL : PH_DECODE;
	} else {
		return PH_UNKNOWN;
	}
	if (c > 0 && g > 0)
		return PH_MIXED;
	return c > 0 ? PH_PREFILL : g > 0 ? PH_DECODE : PH_UNKNOWN;
}

/* Query length of an attention op, -1 when not one. */
static long
query_len(const struct trace *t, const struct ev *e)
{
	const char *n = str_get(&t->s, e->name);
	cJSON *d;
	const cJSON *q;
	long len = -1;
	int aten = strncmp(n, "aten::_scaled_dot_product", 25) == 0;

	if (!aten && strcmp(n, "FlashAttnFunc") != 0 &&
	    strncmp(n, "flash_attn::_flash_attn_forward", 31) != 0 &&
	    strcmp(n, "aten::_flash_attention_forward") != 0 &&
	    strcmp(n, "aten::_efficient_attention_forward") != 0)
		return -1;
	if (!e->dims || !(d = cJSON_Parse(str_get(&t->s, e->dims))))
		return -1;
	q = cJSON_GetArrayItem(d, 0);
	if (cJSON_GetArraySize(q) == 4)
		len = (long)cJSON_GetArrayItem(q, aten ? 2 : 1)->valuedouble;
	cJSON_Delete(d);
	return len;
}

/*
 * The phase the attention shapes inside each unlabelled step suggest, in
 * one pass over the CPU ops: a step with autograd is training (unknown).
 */
static void
shape_phases(const struct trace *t, struct step *st, size_t ns)
{
	int32_t *ev = bp_xmalloc((ns + 1) * sizeof *ev);
	unsigned *seen = calloc(ns + 1, sizeof *seen);	/* 1 dec, 2 pre, 4 bwd */
	struct spans sp;

	if (!seen)
		bp_xmalloc((size_t)-1);
	for (size_t s = 0; s < ns; s++)
		ev[s] = st[s].ev;
	spans_init(&sp, t, ev, ns);
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		long s, q;

		if (e->cat != C_CPU_OP || (s = spans_find(&sp, e->ts)) < 0)
			continue;
		if (strstr(str_get(&t->s, e->name), "autograd::engine"))
			seen[s] |= 4;
		q = query_len(t, e);
		if (q == 1)
			seen[s] |= 1;
		else if (q > 1)
			seen[s] |= 2;
	}
	for (size_t s = 0; s < ns; s++)
		if (st[s].phase == PH_UNKNOWN && !(seen[s] & 4))
			st[s].phase = (seen[s] & 3) == 3 ? PH_MIXED :
			    seen[s] & 1 ? PH_DECODE : seen[s] & 2 ? PH_PREFILL :
			    PH_UNKNOWN;
	spans_free(&sp);
	free(seen);
	free(ev);
}

static const struct trace *qs_t;

static int
by_step_ts(const void *a, const void *b)
{
	const struct step *x = a, *y = b;
	double tx = qs_t->ev[x->ev].ts, ty = qs_t->ev[y->ev].ts;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return (x->ev > y->ev) - (x->ev < y->ev);
}

static void
qsort_steps(const struct trace *t, struct step *v, size_t n)
{
	qs_t = t;
	if (n)
		qsort(v, n, sizeof *v, by_step_ts);
}

static struct step *
find_steps(const struct trace *t, size_t *n)
{
	struct step *v = NULL;
	regex_t re;
	int profiler = 0;

	*n = 0;
	for (int tier = 0; tier < 2 && *n == 0; tier++) {
		for (const char *const *p = detailed + tier * 4; *p; p++) {
			if (regcomp(&re, *p, REG_EXTENDED | REG_NOSUB) != 0)
				continue;
			for (size_t i = 0; i < t->nev; i++) {
				const struct ev *e = &t->ev[i];

				if (e->cat != C_USER_ANN || regexec(&re,
				    str_get(&t->s, e->name), 0, NULL, 0) != 0)
					continue;
				v = bp_xrealloc(v, (*n + 1) * sizeof *v);
				v[*n].ev = (int32_t)i;
				v[*n].phase = label_phase(str_get(&t->s,
				    e->name), &v[*n]);
				(*n)++;
			}
			regfree(&re);
		}
	}
	if (*n == 0) {
		for (size_t i = 0; i < t->nev; i++) {
			const struct ev *e = &t->ev[i];

			if (e->cat != C_USER_ANN && e->cat != C_CPU_OP)
				continue;
			if (strncmp(str_get(&t->s, e->name), "ProfilerStep#",
			    13) != 0)
				continue;
			v = bp_xrealloc(v, (*n + 1) * sizeof *v);
			v[*n].ev = (int32_t)i;
			v[*n].phase = PH_UNKNOWN;
			v[*n].requests = v[*n].tokens = -1;
			(*n)++;
			profiler = 1;
		}
	}
	/* by start, as TraceLens sorts its roots */
	qsort_steps(t, v, *n);
	if (profiler)
		shape_phases(t, v, *n);
	return v;
}

/* When a GPU event was launched: its launch call's start, else its own. */
static double
launch_time(const struct trace *t, const struct ev *e)
{
	return e->parent >= 0 ? t->ev[e->parent].ts : e->ts;
}

/* Which step (index) each GPU event belongs to, -1 none. */
static int32_t *
assign(const struct trace *t, const struct step *st, size_t ns)
{
	int32_t *of = bp_xmalloc((t->nev + 1) * sizeof *of);
	int32_t *ev = bp_xmalloc((ns + 1) * sizeof *ev);
	struct spans sp;

	for (size_t s = 0; s < ns; s++)
		ev[s] = st[s].ev;
	spans_init(&sp, t, ev, ns);
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];

		of[i] = -1;
		if (is_gpu_cat(e->cat) && (e->flags & EV_INWIN))
			of[i] = (int32_t)spans_find(&sp, launch_time(t, e));
	}
	spans_free(&sp);
	free(ev);
	return of;
}

static void
emit_steps(struct trace *t, const struct opts *o, const struct step *st,
    size_t ns, const int32_t *of)
{
	size_t *first = calloc(ns + 2, sizeof *first), *fill;
	int32_t *gpu = bp_xmalloc((t->nev + 1) * sizeof *gpu);

	if (!first)
		bp_xmalloc((size_t)-1);
	/* the linked GPU events of each step, bucketed in one pass */
	for (size_t i = 0; i < t->nev; i++)
		if (of[i] >= 0 && (t->ev[i].flags & EV_TREE))
			first[of[i] + 1]++;
	for (size_t s = 0; s < ns; s++)
		first[s + 1] += first[s];
	fill = bp_xmalloc((ns + 1) * sizeof *fill);
	memcpy(fill, first, ns * sizeof *fill);
	for (size_t i = 0; i < t->nev; i++)
		if (of[i] >= 0 && (t->ev[i].flags & EV_TREE))
			gpu[fill[of[i]]++] = (int32_t)i;
	for (size_t s = 0; s < ns; s++) {
		const struct ev *e = &t->ev[st[s].ev];
		cJSON *r = rec_new(t, "trace_step", o);
		size_t n = first[s + 1] - first[s];
		double v[8];

		timeline_compute(t, gpu + first[s], n, v);
		cJSON_AddNumberToObject(r, "step", (double)s);
		cJSON_AddStringToObject(r, "name", str_get(&t->s, e->name));
		cJSON_AddStringToObject(r, "phase", phase_name[st[s].phase]);
		if (st[s].requests >= 0)
			cJSON_AddNumberToObject(r, "requests",
			    (double)st[s].requests);
		if (st[s].tokens >= 0)
			cJSON_AddNumberToObject(r, "tokens", (double)st[s].tokens);
		rec_num(r, "duration_ms", e->dur / 1e3);
		cJSON_AddNumberToObject(r, "gpu_events", (double)n);
		rec_num(r, "gpu_busy_ms", v[TL_BUSY] / 1e3);
		rec_num(r, "gpu_computation_ms", v[TL_COMP] / 1e3);
		rec_num(r, "gpu_exposed_comm_ms", v[TL_EXP_COMM] / 1e3);
		rec_emit(r);
	}
	free(first);
	free(fill);
	free(gpu);
}

struct pcat {
	uint32_t cat;
	size_t count;
	double us;
};

static int
by_us(const void *a, const void *b)
{
	const struct pcat *x = a, *y = b;

	return (x->us < y->us) - (x->us > y->us);
}

static void
emit_phase(struct trace *t, const struct opts *o, int ph,
    const struct step *st, size_t ns, const int32_t *of)
{
	static const char *const key[8] = {
		"computation", "exposed_comm", "exposed_memcpy", "busy",
		"idle", "total", "comm", "memcpy",
	};
	int32_t *gpu = bp_xmalloc((t->nev + 1) * sizeof *gpu);
	size_t n = 0, nsteps = 0, npc = 0;
	double v[8], dur = 0, total = 0, cum = 0;
	long tokens = 0, requests = 0;
	int ok;
	struct pcat *pc = NULL;
	char k[64];
	cJSON *r;

	for (size_t s = 0; s < ns; s++)
		if (st[s].phase == ph) {
			nsteps++;
			dur += t->ev[st[s].ev].dur;
			tokens += st[s].tokens > 0 ? st[s].tokens : 0;
			requests += st[s].requests > 0 ? st[s].requests : 0;
		}
	if (nsteps == 0) {
		free(gpu);
		return;
	}
	for (size_t i = 0; i < t->nev; i++)
		if (of[i] >= 0 && st[of[i]].phase == ph &&
		    (t->ev[i].flags & EV_TREE))
			gpu[n++] = (int32_t)i;
	ok = timeline_compute(t, gpu, n, v) == 0;
	r = rec_new(t, "trace_phase", o);
	cJSON_AddStringToObject(r, "phase", phase_name[ph]);
	cJSON_AddNumberToObject(r, "steps", (double)nsteps);
	cJSON_AddNumberToObject(r, "requests", (double)requests);
	cJSON_AddNumberToObject(r, "tokens", (double)tokens);
	rec_num(r, "duration_ms", dur / 1e3);
	cJSON_AddNumberToObject(r, "gpu_events", (double)n);
	for (int i = 0; i < 8; i++) {
		snprintf(k, sizeof k, "%s_ms", key[i]);
		rec_num(r, k, v[i] / 1e3);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(k, sizeof k, "%s_pct", key[i]);
		rec_num(r, k, ok ? v[i] / v[TL_TOTAL] * 100 : NAN);
	}
	rec_emit(r);

	/* categories: the launchers' direct time, kernel by kernel */
	for (size_t l = 0; l < t->nlau; l++) {
		const struct launcher *L = &t->lau[l];
		int32_t *in = bp_xmalloc((L->nk + 1) * sizeof *in);
		size_t m = 0, j;

		for (size_t q = 0; q < L->nk; q++)
			if (of[L->k[q]] >= 0 && st[of[L->k[q]]].phase == ph)
				in[m++] = L->k[q];
		if (m) {
			for (j = 0; j < npc && pc[j].cat != L->cat; j++)
				;
			if (j == npc) {
				pc = bp_xrealloc(pc, (npc + 1) * sizeof *pc);
				pc[npc++] = (struct pcat){ L->cat, 0, 0 };
			}
			pc[j].count++;
			pc[j].us += m == L->nk ? L->direct_us : busy_us(t, in, m);
		}
		free(in);
	}
	if (npc)
		qsort(pc, npc, sizeof *pc, by_us);
	for (size_t j = 0; j < npc; j++)
		total += pc[j].us / 1000;
	for (size_t j = 0; j < npc; j++) {
		double pct = pc[j].us / 1000 / total * 100;

		cum += pct;
		r = rec_new(t, "trace_phase_category", o);
		cJSON_AddStringToObject(r, "phase", phase_name[ph]);
		cJSON_AddStringToObject(r, "category", str_get(&t->s, pc[j].cat));
		cJSON_AddNumberToObject(r, "count", (double)pc[j].count);
		rec_num(r, "kernel_time_ms", pc[j].us / 1000);
		rec_num(r, "pct", pct);
		rec_num(r, "cumulative_pct", cum);
		rec_emit(r);
	}
	free(pc);
	free(gpu);
}

void
table_phase(struct trace *t, const struct opts *o)
{
	size_t ns;
	struct step *st = find_steps(t, &ns);
	int32_t *of;

	if (ns == 0) {
		free(st);
		return;
	}
	of = assign(t, st, ns);
	emit_steps(t, o, st, ns, of);
	for (int ph = 0; ph < PH_N; ph++)
		emit_phase(t, o, ph, st, ns, of);
	free(of);
	free(st);
}
