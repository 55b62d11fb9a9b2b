/*
 * sec_trace.c - what bench-trace found in a profiler trace, per trace
 * and rank: the GPU timeline (busy, idle, computation, communication,
 * memcpy), the time by category, and the ops and kernels that took the
 * most time (the first TOP of each).
 *
 * The records are of kinds the report model does not know, so this
 * section keeps them (accept) and frees them (free); the other trace_*
 * kinds are counted with the kinds no section shows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

#define TOP 10		/* ops and kernels shown per trace */
#define NAMEMAX 100	/* characters of a kernel name shown */

struct list {
	const cJSON **v;
	size_t n, cap;
};

/* One trace file and rank. */
struct trace {
	const char *file;	/* "" when the records say none */
	double rank;		/* NaN when none */
	const cJSON *info, *timeline;
	struct list cats, ops, kernels;
};

struct state {
	struct trace *v;
	size_t n, cap;
	struct list keep;	/* every record kept, freed at the end */
};

static void
list_push(struct list *l, const cJSON *x)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = bp_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = x;
}

static struct trace *
trace_of(struct state *s, const cJSON *rec)
{
	const char *file = bp_json_str(rec, "trace");
	double rank = rec_num(rec, "rank");
	size_t i;

	if (!file)
		file = "";
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0 &&
		    (s->v[i].rank == rank ||
		    (isnan(s->v[i].rank) && isnan(rank))))
			return &s->v[i];
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4;
		s->v = bp_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	memset(&s->v[s->n], 0, sizeof s->v[s->n]);
	s->v[s->n].file = file;
	s->v[s->n].rank = rank;
	return &s->v[s->n++];
}

static int
accept(void **state, cJSON *rec)
{
	const char *kind = bp_json_str(rec, "kind");
	struct state *s = *state;
	struct trace *t;

	if (!kind || (strcmp(kind, "trace_info") != 0 &&
	    strcmp(kind, "trace_timeline") != 0 &&
	    strcmp(kind, "trace_category") != 0 &&
	    strcmp(kind, "trace_op") != 0 && strcmp(kind, "trace_kernel") != 0))
		return 0;
	if (!s)
		*state = s = memset(bp_xmalloc(sizeof *s), 0, sizeof *s);
	list_push(&s->keep, rec);
	t = trace_of(s, rec);
	if (strcmp(kind, "trace_info") == 0)
		t->info = rec;
	else if (strcmp(kind, "trace_timeline") == 0)
		t->timeline = rec;
	else if (strcmp(kind, "trace_category") == 0)
		list_push(&t->cats, rec);
	else if (strcmp(kind, "trace_op") == 0)
		list_push(&t->ops, rec);
	else
		list_push(&t->kernels, rec);
	return 1;
}

static void
state_free(void *state)
{
	struct state *s = state;
	size_t i;

	for (i = 0; i < s->keep.n; i++)
		cJSON_Delete((cJSON *)s->keep.v[i]);
	for (i = 0; i < s->n; i++) {
		free(s->v[i].cats.v);
		free(s->v[i].ops.v);
		free(s->v[i].kernels.v);
	}
	free(s->keep.v);
	free(s->v);
	free(s);
}

/* Milliseconds of an op or category: GPU kernel time, else CPU self. */
static double
time_ms(const cJSON *x)
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

/* Largest time first; equal times by name, so the order is the same on
 * every run. */
static int
by_time(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	double tx = time_ms(x), ty = time_ms(y);
	const char *nx, *ny;

	if (isnan(tx) != isnan(ty))
		return isnan(tx) ? 1 : -1;
	if (tx != ty && !isnan(tx))
		return tx > ty ? -1 : 1;
	nx = bp_json_str(x, "name") ? bp_json_str(x, "name") :
	    bp_json_str(x, "kernel");
	ny = bp_json_str(y, "name") ? bp_json_str(y, "name") :
	    bp_json_str(y, "kernel");
	return strcmp(nx ? nx : "", ny ? ny : "");
}

/* "name.json.gz, rank 0" */
static const char *
trace_title(struct doc *d, const struct trace *t)
{
	const char *base = strrchr(t->file, '/');

	base = base ? base + 1 : t->file;
	if (isnan(t->rank))
		return *base ? base : "trace";
	return doc_strf(d, "%s, rank %g", *base ? base : "trace", t->rank);
}

static void
num_cell(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key)
{
	double v = rec_num(x, key);

	cell_num(d, row, col, v, sec_num(d, v));
}

static void
timeline(struct doc *d, const cJSON *tl)
{
	static const struct {
		const char *key, *label;
	} parts[] = {
		{ "busy", "Busy" },
		{ "idle", "Idle" },
		{ "computation", "Computation" },
		{ "comm", "Communication" },
		{ "exposed_comm", "Exposed communication" },
		{ "memcpy", "Memcpy" },
		{ "exposed_memcpy", "Exposed memcpy" },
		{ "total", "Total" },
	};
	struct table *t;
	struct trow *row;
	size_t i;
	double v;

	if (!tl)
		return;
	doc_heading(d, 4, NULL, "GPU timeline");
	if (rec_num(tl, "gpu_events") == 0) {
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_MUTED,
		    "No GPU events; the CPU ops span %s ms, busy %s ms.",
		    sec_num(d, rec_num(tl, "cpu_span_ms")),
		    sec_num(d, rec_num(tl, "cpu_busy_ms")));
		return;
	}
	t = doc_table(d, 3, 0);
	table_head(d, t, 0, "Part", 0);
	table_head(d, t, 1, "Time (ms)", CELL_NUM);
	table_head(d, t, 2, "% of total", CELL_NUM);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char key[32];

		row = table_row(d, t);
		cell_set(d, row, 0, parts[i].label);
		row->cells[0].flags |= CELL_ROWHEAD;
		snprintf(key, sizeof key, "%s_ms", parts[i].key);
		num_cell(d, row, 1, tl, key);
		snprintf(key, sizeof key, "%s_pct", parts[i].key);
		v = rec_num(tl, key);
		cell_num(d, row, 2, v, isnan(v) ? SHOW_NONE :
		    doc_strf(d, "%.1f%%", v));
	}
	if (bp_json_num(tl, "cpu_span_ms", &v) == 1)
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
		    "CPU ops span %s ms, busy %s ms.", sec_num(d, v),
		    sec_num(d, rec_num(tl, "cpu_busy_ms")));
}

static void
pct_cell(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key)
{
	double v = rec_num(x, key);

	cell_num(d, row, col, v, isnan(v) ? SHOW_NONE :
	    doc_strf(d, "%.1f%%", v));
}

static const char *
time_head(const struct list *l)
{
	return l->n && bp_json_str(l->v[0], "basis") &&
	    strcmp(bp_json_str(l->v[0], "basis"), "cpu") == 0 ?
	    "CPU self (ms)" : "Kernel time (ms)";
}

static void
categories(struct doc *d, struct list *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof *l->v, by_time);
	doc_heading(d, 4, NULL, "Time by category");
	t = doc_table(d, 5, TABLE_SORT);
	table_head(d, t, 0, "Category", 0);
	table_head(d, t, 1, "Count", CELL_NUM);
	table_head(d, t, 2, time_head(l), CELL_NUM);
	table_head(d, t, 3, "%", CELL_NUM);
	table_head(d, t, 4, "Cumulative %", CELL_NUM);
	for (i = 0; i < l->n; i++) {
		row = table_row(d, t);
		cell_set(d, row, 0, bp_json_str(l->v[i], "category"));
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_num(d, row, 1, rec_num(l->v[i], "count"),
		    sec_int(d, rec_num(l->v[i], "count")));
		cell_num(d, row, 2, time_ms(l->v[i]),
		    sec_num(d, time_ms(l->v[i])));
		pct_cell(d, row, 3, l->v[i], "pct");
		pct_cell(d, row, 4, l->v[i], "cumulative_pct");
	}
}

/* "GEMM, other" from an array, or the one category string. */
static const char *
op_categories(struct doc *d, const cJSON *op)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(op, "categories"),
	    *x;
	struct bp_buf b = { 0 };
	const char *s;

	if (!cJSON_IsArray(c))
		return bp_json_str(op, "category");
	cJSON_ArrayForEach(x, c)
		if (cJSON_IsString(x))
			bp_buf_addf(&b, "%s%s", b.len ? ", " : "",
			    x->valuestring);
	s = doc_str(d, b.p ? b.p : "");
	bp_buf_free(&b);
	return s;
}

static void
top_note(struct doc *d, size_t n)
{
	if (n > TOP)
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_MUTED,
		    "The first %d of %zu, by time.", TOP, n);
}

static void
ops(struct doc *d, struct list *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof *l->v, by_time);
	doc_heading(d, 4, NULL, "Top ops");
	top_note(d, l->n);
	t = doc_table(d, 5, TABLE_SORT);
	table_head(d, t, 0, "Op", 0);
	table_head(d, t, 1, "Category", 0);
	table_head(d, t, 2, "Count", CELL_NUM);
	table_head(d, t, 3, time_head(l), CELL_NUM);
	table_head(d, t, 4, "%", CELL_NUM);
	for (i = 0; i < l->n && i < TOP; i++) {
		row = table_row(d, t);
		text_add(d, cell_text(row, 0), SPAN_CODE, TONE_NONE,
		    bp_json_str(l->v[i], "name") ?
		    bp_json_str(l->v[i], "name") : "?");
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, op_categories(d, l->v[i]));
		cell_num(d, row, 2, rec_num(l->v[i], "count"),
		    sec_int(d, rec_num(l->v[i], "count")));
		cell_num(d, row, 3, time_ms(l->v[i]),
		    sec_num(d, time_ms(l->v[i])));
		pct_cell(d, row, 4, l->v[i], "pct");
	}
}

static void
kernel_cell(struct doc *d, struct trow *row, int col, const char *name)
{
	char *cut;

	if (!name)
		name = "?";
	cut = gp_trunc(name, NAMEMAX);
	text_add(d, cell_text(row, col), SPAN_CODE, TONE_NONE, cut);
	if (strcmp(cut, name) != 0)
		cell_hint(d, row, col, name);
	free(cut);
}

static void
kernels(struct doc *d, struct list *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof *l->v, by_time);
	doc_heading(d, 4, NULL, "Top kernels");
	top_note(d, l->n);
	t = doc_table(d, 7, TABLE_SORT);
	table_head(d, t, 0, "Kernel", 0);
	table_head(d, t, 1, "Op", 0);
	table_head(d, t, 2, "Category", 0);
	table_head(d, t, 3, "Count", CELL_NUM);
	table_head(d, t, 4, "Total (\xc2\xb5s)", CELL_NUM);
	table_head(d, t, 5, "Mean (\xc2\xb5s)", CELL_NUM);
	table_head(d, t, 6, "% of kernel time", CELL_NUM);
	for (i = 0; i < l->n && i < TOP; i++) {
		row = table_row(d, t);
		kernel_cell(d, row, 0, bp_json_str(l->v[i], "kernel"));
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(l->v[i], "parent_op"));
		cell_set(d, row, 2, bp_json_str(l->v[i], "category"));
		cell_num(d, row, 3, rec_num(l->v[i], "count"),
		    sec_int(d, rec_num(l->v[i], "count")));
		num_cell(d, row, 4, l->v[i], "total_us");
		num_cell(d, row, 5, l->v[i], "mean_us");
		pct_cell(d, row, 6, l->v[i], "pct_kernel_time");
	}
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	struct state *s = state;
	const char *dev;
	size_t i;

	(void)r;
	(void)o;
	if (!s || !s->n)
		return;
	doc_heading(d, 2, "traces", "Traces");
	for (i = 0; i < s->n; i++) {
		struct trace *t = &s->v[i];

		doc_heading(d, 3, doc_strf(d, "trace-%zu", i + 1),
		    trace_title(d, t));
		dev = bp_json_str(t->info, "device");
		if (*t->file || dev) {
			struct text *p = doc_para(d);

			if (*t->file)
				text_add(d, p, SPAN_CODE, TONE_NONE, t->file);
			if (dev)
				text_addf(d, p, SPAN_TEXT, TONE_NONE, "%son %s",
				    *t->file ? " " : "", dev);
		}
		timeline(d, t->timeline);
		categories(d, &t->cats);
		ops(d, &t->ops);
		kernels(d, &t->kernels);
	}
}

const struct section sec_trace = { "trace", accept, build, state_free };
