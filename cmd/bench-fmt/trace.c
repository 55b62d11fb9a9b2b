/*
 * trace.c - the trace model (trace.h): claims the trace_* records, sorts
 * them into traces, the job and the diffs, and finishes the model once:
 * every list in its order, every chart panel numbered.
 *
 * A record of one trace is found by its trace and rank fields; the
 * job-wide kinds and trace_diff have their own places, so a record
 * without a trace field never makes up a trace.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "trace.h"

extern const struct section sec_trace;

static void
list_push(struct tlist *l, const cJSON *x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = bp_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = x;
}

static int
same_rank(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static struct trace *
trace_get(struct traces *s, const cJSON *rec)
{
	const char *file = bp_json_str(rec, "trace");
	double rank = rec_num(rec, "rank");
	struct trace *t;
	size_t i;

	if (!file)
		file = "";
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0 &&
		    same_rank(s->v[i].rank, rank))
			return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = bp_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	t = memset(&s->v[s->n++], 0, sizeof *t);
	t->file = file;
	t->rank = rank;
	return t;
}

static struct tdiff *
diff_get(struct traces *s, const cJSON *rec)
{
	const char *base = bp_json_str(rec, "base");
	const char *cur = bp_json_str(rec, "current");
	struct tdiff *d;
	size_t i;

	base = base ? base : "";
	cur = cur ? cur : "";
	for (i = 0; i < s->ndiffs; i++)
		if (strcmp(s->diffs[i].base, base) == 0 &&
		    strcmp(s->diffs[i].current, cur) == 0)
			return &s->diffs[i];
	if (s->ndiffs == s->capdiffs) {
		s->capdiffs = s->capdiffs ? s->capdiffs * 2 : 2;
		s->diffs = bp_xrealloc(s->diffs,
		    s->capdiffs * sizeof *s->diffs);
	}
	d = memset(&s->diffs[s->ndiffs++], 0, sizeof *d);
	d->base = base;
	d->current = cur;
	return d;
}

static void
take_diff(struct traces *s, const cJSON *rec)
{
	struct tdiff *d = diff_get(s, rec);
	const char *table = bp_json_str(rec, "table");

	if (table && strcmp(table, "timeline") == 0)
		list_push(&d->timeline, rec);
	else if (table && strcmp(table, "category") == 0)
		list_push(&d->cats, rec);
	else if (table && strcmp(table, "op") == 0)
		list_push(&d->ops, rec);
	else
		list_push(&d->other, rec);
}

/* The list of trace t a kind goes to; NULL for the single records. */
static struct tlist *
list_of(struct trace *t, const char *kind)
{
	static const struct {
		const char *kind;
		size_t off;
	} lists[] = {
		{ "trace_category", offsetof(struct trace, cats) },
		{ "trace_op", offsetof(struct trace, ops) },
		{ "trace_kernel", offsetof(struct trace, kernels) },
		{ "trace_perf", offsetof(struct trace, perf) },
		{ "trace_unified", offsetof(struct trace, unified) },
		{ "trace_short_kernel", offsetof(struct trace, shorts) },
		{ "trace_short_hist", offsetof(struct trace, hist) },
		{ "trace_step", offsetof(struct trace, steps) },
		{ "trace_phase", offsetof(struct trace, phases) },
		{ "trace_phase_category", offsetof(struct trace, phasecats) },
		{ "trace_collective", offsetof(struct trace, colls) },
	};
	size_t i;

	for (i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (strcmp(kind, lists[i].kind) == 0)
			return (struct tlist *)((char *)t + lists[i].off);
	return NULL;
}

int
trace_accept(void **state, cJSON *rec)
{
	static const char *const job[] = { "trace_rank", "trace_straggler",
	    "trace_straggler_step", "trace_collective_sync" };
	static const char *const own[] = { "trace_info", "trace_timeline",
	    "trace_category", "trace_op", "trace_kernel",
	    "trace_short_kernel", "trace_short_hist", "trace_perf",
	    "trace_unified",
	    "trace_step", "trace_phase", "trace_phase_category",
	    "trace_collective" };
	const char *kind = bp_json_str(rec, "kind");
	struct traces *s = *state;
	struct trace *t;
	size_t i, j = SIZE_MAX, o = SIZE_MAX;

	if (!kind || strncmp(kind, "trace_", 6) != 0)
		return 0;
	for (i = 0; i < sizeof job / sizeof job[0]; i++)
		if (strcmp(kind, job[i]) == 0)
			j = i;
	for (i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(kind, own[i]) == 0)
			o = i;
	if (j == SIZE_MAX && o == SIZE_MAX && strcmp(kind, "trace_diff") != 0)
		return 0;
	if (!s)
		*state = s = memset(bp_xmalloc(sizeof *s), 0, sizeof *s);
	list_push(&s->keep, rec);
	if (j != SIZE_MAX) {
		struct tlist *l[] = { &s->ranks, &s->stragglers,
		    &s->straggler_steps, &s->syncs };

		list_push(l[j], rec);
		return 1;
	}
	if (o == SIZE_MAX) {
		take_diff(s, rec);
		return 1;
	}
	t = trace_get(s, rec);
	if (strcmp(kind, "trace_info") == 0)
		t->info = rec;
	else if (strcmp(kind, "trace_timeline") == 0)
		t->timeline = rec;
	else
		list_push(list_of(t, kind), rec);
	return 1;
}

void
trace_free(void *state)
{
	struct traces *s = state;
	size_t i;

	for (i = 0; i < s->keep.n; i++)
		cJSON_Delete((cJSON *)s->keep.v[i]);
	for (i = 0; i < s->n; i++) {
		struct trace *t = &s->v[i];

		free(t->cats.v);
		free(t->ops.v);
		free(t->kernels.v);
		free(t->perf.v);
		free(t->unified.v);
		free(t->shorts.v);
		free(t->hist.v);
		free(t->steps.v);
		free(t->phases.v);
		free(t->phasecats.v);
		free(t->colls.v);
	}
	for (i = 0; i < s->ndiffs; i++) {
		free(s->diffs[i].timeline.v);
		free(s->diffs[i].cats.v);
		free(s->diffs[i].ops.v);
		free(s->diffs[i].other.v);
	}
	free(s->diffs);
	free(s->ranks.v);
	free(s->stragglers.v);
	free(s->straggler_steps.v);
	free(s->syncs.v);
	free(s->keep.v);
	free(s->v);
	free(s);
}

double
trace_time_ms(const cJSON *x)
{
	double v;

	if (bp_json_num(x, "kernel_time_ms", &v) == 1)
		return v;
	if (bp_json_num(x, "cpu_self_ms", &v) == 1)
		return v;
	if (bp_json_num(x, "total_us", &v) == 1)
		return v / 1000;
	return NAN;
}

/* ---- sorting: a numeric key (NaN last), then a name, so that the order
 * is the same on every run ---- */

static struct {
	const char *num, *name;
	int asc, absval;
} key;

static int
by_num(double x, double y)
{
	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (x == y || isnan(x))
		return 0;
	return (x < y) == key.asc ? -1 : 1;
}

static int
by_name(const cJSON *x, const cJSON *y, const char *name)
{
	const char *nx = bp_json_str(x, name), *ny = bp_json_str(y, name);

	return strcmp(nx ? nx : "", ny ? ny : "");
}

static int
by_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	double vx = key.num ? rec_num(x, key.num) : trace_time_ms(x);
	double vy = key.num ? rec_num(y, key.num) : trace_time_ms(y);
	int c;

	if (key.absval) {
		vx = fabs(vx);
		vy = fabs(vy);
	}
	c = by_num(vx, vy);
	return c ? c : by_name(x, y, key.name);
}

/* num NULL: trace_time_ms. */
static void
sort_by(struct tlist *l, const char *num, const char *name, int asc)
{
	key.num = num;
	key.name = name;
	key.asc = asc;
	key.absval = 0;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, by_key);
}

void
trace_sorted(const struct tlist *l, const char *num, const char *name,
    int asc, struct tlist *out)
{
	out->n = out->cap = l->n;
	out->v = bp_xmalloc((l->n ? l->n : 1) * sizeof *out->v);
	if (l->n)
		memcpy(out->v, l->v, l->n * sizeof *l->v);
	sort_by(out, num, name, asc);
}

static int
phase_rank(const cJSON *x)
{
	static const char *const order[] = { "prefill", "decode", "mixed" };
	const char *p = bp_json_str(x, "phase");
	int i;

	for (i = 0; i < 3; i++)
		if (p && strcmp(p, order[i]) == 0)
			return i;
	return p && strcmp(p, "unknown") == 0 ? 4 : 3;
}

static int
by_phase(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	int c = phase_rank(x) - phase_rank(y);

	if (!c)
		c = by_name(x, y, "phase");
	return c ? c : by_key(a, b);
}

static void
sort_phases(struct tlist *l, const char *name)
{
	key.num = NULL;
	key.name = name;
	key.asc = 0;
	key.absval = 0;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, by_phase);
}

static int
same_trace(const cJSON *rec, const struct trace *t)
{
	const char *file = bp_json_str(rec, "trace");

	return strcmp(file ? file : "", t->file) == 0 &&
	    same_rank(rec_num(rec, "rank"), t->rank);
}

static int
has_positive(const struct tlist *l, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		double x = a ? rec_num(l->v[i], a) : trace_time_ms(l->v[i]);
		double y = b ? rec_num(l->v[i], b) : 1;

		if (isfinite(x) && x > 0 && isfinite(y) && y > 0)
			return 1;
	}
	return 0;
}

static void
panels(struct traces *s)
{
	double pct[4], total;
	size_t i;

	s->job_panel = TRACE_NOPANEL;
	for (i = 0; i < s->ranks.n; i++)
		if (trace_parts(s->ranks.v[i], pct, &total)) {
			s->job_panel = s->ntimeline++;
			break;
		}
	for (i = 0; i < s->n; i++) {
		struct trace *t = &s->v[i];

		t->timeline_panel = t->category_panel = t->roofline_panel =
		    TRACE_NOPANEL;
		if ((!t->in_job || s->job_panel == TRACE_NOPANEL) &&
		    trace_has_gpu(t->timeline) &&
		    trace_parts(t->timeline, pct, &total))
			t->timeline_panel = s->ntimeline++;
		if (has_positive(&t->cats, NULL, NULL))
			t->category_panel = s->ncategory++;
		if (has_positive(&t->perf, "flops_per_byte", "tflops_mean"))
			t->roofline_panel = s->nroofline++;
	}
}

static void
finish(struct traces *s)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		struct trace *t = &s->v[i];

		sort_by(&t->cats, NULL, "category", 0);
		sort_by(&t->ops, NULL, "name", 0);
		sort_by(&t->kernels, NULL, "kernel", 0);
		sort_by(&t->perf, "kernel_time_sum_us", "name", 0);
		sort_by(&t->shorts, "total_us", "kernel", 0);
		sort_by(&t->hist, "bin", "bin", 1);
		sort_by(&t->steps, "step", "name", 1);
		sort_phases(&t->phases, "phase");
		sort_phases(&t->phasecats, "category");
		sort_by(&t->colls, "time_ms", "collective", 0);
		for (j = 0; j < s->ranks.n; j++)
			if (same_trace(s->ranks.v[j], t))
				t->in_job = 1;
	}
	sort_by(&s->ranks, "rank", "trace", 1);
	sort_by(&s->stragglers, "rank", "trace", 1);
	sort_by(&s->straggler_steps, "spread_pct", "step", 0);
	sort_by(&s->syncs, "skew_start_us", "collective_id", 0);
	for (i = 0; i < s->ndiffs; i++) {
		struct tdiff *d = &s->diffs[i];

		key.absval = 1;
		key.num = "delta_ms";
		key.name = "key";
		key.asc = 0;
		if (d->cats.n > 1)
			qsort(d->cats.v, d->cats.n, sizeof *d->cats.v, by_key);
		if (d->ops.n > 1)
			qsort(d->ops.v, d->ops.n, sizeof *d->ops.v, by_key);
		key.name = "table";
		if (d->other.n > 1)
			qsort(d->other.v, d->other.n, sizeof *d->other.v,
			    by_key);
	}
	panels(s);
	s->done = 1;
}

const struct traces *
trace_model(const struct report *r)
{
	struct traces *s = NULL;
	size_t i;

	for (i = 0; sections[i]; i++)
		if (sections[i] == &sec_trace)
			s = r->secstate ? r->secstate[i] : NULL;
	if (s && !s->done)
		finish(s);
	return s;
}

void
trace_title(struct bp_buf *b, const struct trace *t)
{
	const char *base = strrchr(t->file, '/');

	base = base ? base + 1 : t->file;
	bp_buf_adds(b, *base ? base : "trace");
	if (!isnan(t->rank))
		bp_buf_addf(b, ", rank %g", t->rank);
}

void
trace_rank_name(struct bp_buf *b, const cJSON *rec)
{
	double rank = rec_num(rec, "rank");
	const char *file = bp_json_str(rec, "trace"), *base;

	if (!isnan(rank)) {
		bp_buf_addf(b, "rank %g", rank);
		return;
	}
	base = file ? strrchr(file, '/') : NULL;
	base = base ? base + 1 : file;
	bp_buf_adds(b, base && *base ? base : "rank ?");
}

int
trace_has_gpu(const cJSON *timeline)
{
	double n;

	return timeline && (bp_json_num(timeline, "gpu_events", &n) != 1 ||
	    n > 0);
}

static double
clamp_pct(double v, double total)
{
	v = v / total * 100;
	return !isfinite(v) || v < 0 ? 0 : v > 100 ? 100 : v;
}

int
trace_parts(const cJSON *rec, double pct[4], double *total_ms)
{
	double total, comp, comm, mem, busy, idle;

	if (!rec)
		return 0;
	total = rec_num(rec, "total_ms");
	comp = rec_num(rec, "computation_ms");
	comm = rec_num(rec, "exposed_comm_ms");
	mem = rec_num(rec, "exposed_memcpy_ms");
	busy = rec_num(rec, "busy_ms");
	idle = rec_num(rec, "idle_ms");
	if (!isfinite(total) || total <= 0 || !isfinite(comp))
		return 0;
	if (!isfinite(comm))
		comm = 0;
	if (!isfinite(mem))	/* trace_rank: what busy leaves */
		mem = isfinite(busy) ? fmax(busy - comp - comm, 0) : 0;
	if (!isfinite(idle))
		idle = isfinite(busy) ? total - busy : 0;
	pct[0] = clamp_pct(comp, total);
	pct[1] = clamp_pct(comm, total);
	pct[2] = clamp_pct(mem, total);
	pct[3] = clamp_pct(idle, total);
	*total_ms = total;
	return 1;
}
