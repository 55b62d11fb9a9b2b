/*
 * sec_trace.c - what bench-trace found in profiler traces.  First the job
 * of a multi-rank run (its ranks side by side, collectives, stragglers:
 * trace_job.c), then per trace and rank: the timeline (GPU, or CPU for a
 * trace without GPU events), the time by category, the ops and kernels
 * that took the most time, the roofline, short kernels, inference phases,
 * steps and collectives (trace_tables.c); last the --diff comparisons.
 * Long tables show their first TRACE_TOP rows and say so.
 *
 * The records are kept by the trace model (trace.c), which this section
 * registers, so the charts and the JSON writer read the same model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"
#include "trace.h"

void
tcell_num(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key)
{
	double v = rec_num(x, key);

	cell_num(d, row, col, v, sec_num(d, v));
}

void
tcell_pct(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key)
{
	double v = rec_num(x, key);

	cell_num(d, row, col, v, isnan(v) ? SHOW_NONE :
	    doc_strf(d, "%.1f%%", v));
}

void
tcell_int(struct doc *d, struct trow *row, int col, const cJSON *x,
    const char *key)
{
	double v = rec_num(x, key);

	cell_num(d, row, col, v, sec_int(d, v));
}

void
tcell_code(struct doc *d, struct trow *row, int col, const char *s,
    size_t max)
{
	char *cut;

	if (!s) {
		cell_set(d, row, col, SHOW_NONE);
		return;
	}
	cut = gp_trunc(s, max);
	text_add(d, cell_text(row, col), SPAN_CODE, TONE_NONE, cut);
	if (strcmp(cut, s) != 0)
		cell_hint(d, row, col, s);
	free(cut);
}

void
trace_top_note(struct doc *d, size_t n, const char *by)
{
	if (n > TRACE_TOP)
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_MUTED,
		    "The first %d of %zu, by %s.", TRACE_TOP, n, by);
}

static void
timeline(struct doc *d, const struct trace *tr, int chart)
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
	const cJSON *tl = tr->timeline;
	struct table *t;
	struct trow *row;
	size_t i;
	double v;

	if (!tl)
		return;
	if (!trace_has_gpu(tl)) {
		doc_heading(d, 4, NULL, "CPU timeline");
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_MUTED,
		    "No GPU events; the CPU ops span %s ms, busy %s ms.",
		    sec_num(d, rec_num(tl, "cpu_span_ms")),
		    sec_num(d, rec_num(tl, "cpu_busy_ms")));
		return;
	}
	doc_heading(d, 4, NULL, "GPU timeline");
	if (chart >= 0 && tr->timeline_panel != TRACE_NOPANEL)
		doc_chart(d, chart, tr->timeline_panel);
	static const struct tcol cols[] = {
		{ "Part", 0 },
		{ "Time (ms)", CELL_NUM },
		{ "% of total", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, 0);
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		char key[32];

		row = table_row(d, t);
		cell_set(d, row, 0, parts[i].label);
		row->cells[0].flags |= CELL_ROWHEAD;
		snprintf(key, sizeof key, "%s_ms", parts[i].key);
		tcell_num(d, row, 1, tl, key);
		snprintf(key, sizeof key, "%s_pct", parts[i].key);
		tcell_pct(d, row, 2, tl, key);
	}
	if (bp_json_num(tl, "cpu_span_ms", &v) == 1)
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
		    "CPU ops span %s ms, busy %s ms.", sec_num(d, v),
		    sec_num(d, rec_num(tl, "cpu_busy_ms")));
}

static const char *
time_head(const struct tlist *l)
{
	return l->n && bp_json_str(l->v[0], "basis") &&
	    strcmp(bp_json_str(l->v[0], "basis"), "cpu") == 0 ?
	    "CPU self (ms)" : "Kernel time (ms)";
}

static void
categories(struct doc *d, const struct trace *tr, int chart)
{
	const struct tlist *l = &tr->cats;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Time by category");
	if (chart >= 0 && tr->category_panel != TRACE_NOPANEL)
		doc_chart(d, chart, tr->category_panel);
	const struct tcol cols[] = {
		{ "Category", 0 },
		{ "Count", CELL_NUM },
		{ time_head(l), CELL_NUM },
		{ "%", CELL_NUM },
		{ "Cumulative %", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n; i++) {
		const char *c = bp_json_str(l->v[i], "category");

		row = table_row(d, t);
		cell_set(d, row, 0, c ? c : SHOW_NONE);
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_int(d, row, 1, l->v[i], "count");
		cell_num(d, row, 2, trace_time_ms(l->v[i]),
		    sec_num(d, trace_time_ms(l->v[i])));
		tcell_pct(d, row, 3, l->v[i], "pct");
		tcell_pct(d, row, 4, l->v[i], "cumulative_pct");
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
ops(struct doc *d, const struct tlist *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Top ops");
	trace_top_note(d, l->n, "time");
	const struct tcol cols[] = {
		{ "Op", 0 },
		{ "Category", 0 },
		{ "Count", CELL_NUM },
		{ time_head(l), CELL_NUM },
		{ "%", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		row = table_row(d, t);
		text_add(d, cell_text(row, 0), SPAN_CODE, TONE_NONE,
		    bp_json_str(l->v[i], "name") ?
		    bp_json_str(l->v[i], "name") : "?");
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, op_categories(d, l->v[i]));
		tcell_int(d, row, 2, l->v[i], "count");
		cell_num(d, row, 3, trace_time_ms(l->v[i]),
		    sec_num(d, trace_time_ms(l->v[i])));
		tcell_pct(d, row, 4, l->v[i], "pct");
	}
}

static void
kernels(struct doc *d, const struct tlist *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Top kernels");
	trace_top_note(d, l->n, "time");
	static const struct tcol cols[] = {
		{ "Kernel", 0 },
		{ "Op", 0 },
		{ "Category", 0 },
		{ "Count", CELL_NUM },
		{ "Total (\xc2\xb5s)", CELL_NUM },
		{ "Mean (\xc2\xb5s)", CELL_NUM },
		{ "% of kernel time", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const char *k = bp_json_str(l->v[i], "kernel");

		row = table_row(d, t);
		tcell_code(d, row, 0, k ? k : "?", TRACE_NAMEMAX);
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(l->v[i], "parent_op"));
		cell_set(d, row, 2, bp_json_str(l->v[i], "category"));
		tcell_int(d, row, 3, l->v[i], "count");
		tcell_num(d, row, 4, l->v[i], "total_us");
		tcell_num(d, row, 5, l->v[i], "mean_us");
		tcell_pct(d, row, 6, l->v[i], "pct_kernel_time");
	}
}

static void
trace_doc(struct doc *d, const struct trace *t, size_t i)
{
	struct bp_buf b = { 0 };
	const char *dev = bp_json_str(t->info, "device");

	trace_title(&b, t);
	doc_heading(d, 3, doc_strf(d, "trace-%zu", i + 1), doc_str(d, b.p));
	bp_buf_free(&b);
	if (*t->file || dev) {
		struct text *p = doc_para(d);

		if (*t->file)
			text_add(d, p, SPAN_CODE, TONE_NONE, t->file);
		if (dev)
			text_addf(d, p, SPAN_TEXT, TONE_NONE, "%son %s",
			    *t->file ? " " : "", dev);
	}
	timeline(d, t, chart_find("trace-timeline"));
	categories(d, t, chart_find("trace-category"));
	ops(d, &t->ops);
	kernels(d, &t->kernels);
	trace_doc_perf(d, t, chart_find("roofline"));
	trace_doc_shorts(d, t);
	trace_doc_phases(d, t);
	trace_doc_steps(d, t);
	if (!t->in_job)
		trace_doc_colls(d, t);
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	const struct traces *s = trace_model(r);
	size_t i;

	(void)state;
	(void)o;
	if (!s)
		return;
	doc_heading(d, 2, "traces", "Traces");
	trace_doc_job(d, s, chart_find("trace-timeline"));
	for (i = 0; i < s->n; i++)
		trace_doc(d, &s->v[i], i);
	for (i = 0; i < s->ndiffs; i++)
		trace_doc_diff(d, &s->diffs[i], i);
}

const struct section sec_trace = { "trace", trace_accept, build, trace_free };
