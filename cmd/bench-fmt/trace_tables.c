/*
 * trace_tables.c - the per-trace tables of the Traces section beyond the
 * timeline, categories, ops and kernels: the roofline (trace_perf), short
 * kernels (trace_short_kernel, trace_short_hist), inference phases
 * (trace_phase, trace_phase_category), steps (trace_step) and the
 * collectives of one rank (trace_collective).
 *
 * A field that is absent, null or of the wrong type shows as a dash; no
 * table reads a field without checking its type.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"
#include "trace.h"

#define SHAPEMAX 60	/* characters of a shape or parameter list */

static int
any_num(const struct tlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!isnan(rec_num(l->v[i], key)))
			return 1;
	return 0;
}

static int
any_positive(const struct tlist *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (rec_num(l->v[i], key) > 0)
			return 1;
	return 0;
}

/* Whether some phase is one an engine named (not "unknown"). */
static int
has_phases(const struct tlist *l)
{
	size_t i;
	const char *p;

	for (i = 0; i < l->n; i++) {
		p = bp_json_str(l->v[i], "phase");
		if (p && strcmp(p, "unknown") != 0)
			return 1;
	}
	return 0;
}

/* "16×559×64" */
static void
dims(struct bp_buf *b, const cJSON *a)
{
	const cJSON *x;
	int first = 1;

	cJSON_ArrayForEach(x, a) {
		if (!first)
			bp_buf_adds(b, "\xc3\x97");
		first = 0;
		if (cJSON_IsNumber(x))
			bp_buf_addf(b, "%g", x->valuedouble);
		else
			bp_buf_addc(b, '?');
	}
}

static int
num_array(const cJSON *a)
{
	const cJSON *x;

	if (!cJSON_IsArray(a) || !cJSON_GetArraySize(a))
		return 0;
	cJSON_ArrayForEach(x, a)
		if (!cJSON_IsNumber(x))
			return 0;
	return 1;
}

/* A trace_perf's params in a few words: "M=8944, N=2816, K=1024,
 * BFloat16"; strides left out, shapes as 16×559×64, a dtype once. */
static const char *
params_short(struct doc *d, const cJSON *params)
{
	const cJSON *x, *y;
	struct bp_buf b = { 0 };
	const char *s, *k;
	char *cut;
	int dtype = 0;

	cJSON_ArrayForEach(x, params) {
		k = x->string ? x->string : "";
		if (strncmp(k, "stride", 6) == 0)
			continue;
		if (strncmp(k, "dtype", 5) == 0) {
			if (dtype)
				continue;
			y = cJSON_IsArray(x) ? x->child : x;
			while (y && !cJSON_IsString(y))
				y = y->next;
			if (!y)
				continue;
			dtype = 1;
			s = strncmp(y->valuestring, "c10::", 5) == 0 ?
			    y->valuestring + 5 : y->valuestring;
			bp_buf_addf(&b, "%s%s", b.len ? ", " : "", s);
			continue;
		}
		if (strncmp(k, "shape_", 6) == 0)
			k += 6;
		if (strcmp(k, "op_shape") == 0 && num_array(x)) {
			if (b.len)
				bp_buf_adds(&b, ", ");
			dims(&b, x);
			continue;
		}
		if (cJSON_IsNumber(x)) {
			bp_buf_addf(&b, "%s%s=", b.len ? ", " : "", k);
			show_scalar(&b, x);
		} else if (cJSON_IsTrue(x)) {
			bp_buf_addf(&b, "%s%s", b.len ? ", " : "", k);
		} else if (cJSON_IsString(x)) {
			bp_buf_addf(&b, "%s%s=%s", b.len ? ", " : "", k,
			    x->valuestring);
		} else if (num_array(x)) {
			bp_buf_addf(&b, "%s%s=", b.len ? ", " : "", k);
			dims(&b, x);
		}
	}
	cut = gp_trunc(b.p ? b.p : "", SHAPEMAX);
	s = doc_str(d, cut);
	free(cut);
	bp_buf_free(&b);
	return s;
}

/* The first positive, finite value of key in the list, NaN if none. */
static double
first_positive(const struct tlist *l, const char *key)
{
	size_t i;
	double v;

	for (i = 0; i < l->n; i++) {
		v = rec_num(l->v[i], key);
		if (isfinite(v) && v > 0)
			return v;
	}
	return NAN;
}

static void
peaks(struct doc *d, const struct tlist *l)
{
	double f = first_positive(l, "peak_tflops");
	double m = first_positive(l, "peak_tbps");
	struct text *p;

	if (isnan(f) && isnan(m))
		return;
	p = doc_para(d);
	if (!isnan(f) && !isnan(m))
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "Against peaks of %s "
		    "TFLOP/s and %s TB/s", sec_num(d, f), sec_num(d, m));
	else if (!isnan(f))
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "Against a peak of %s "
		    "TFLOP/s", sec_num(d, f));
	else
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "Against a peak of %s "
		    "TB/s", sec_num(d, m));
	text_add(d, p, SPAN_TEXT, TONE_NONE, "; \xe2\x80\x9c% of roofline"
	    "\xe2\x80\x9d is the time the roofline allows over the time the "
	    "kernels took.");
}

void
trace_doc_perf(struct doc *d, const struct trace *tr, int chart)
{
	const struct tlist *l = &tr->perf;
	int roof = any_num(l, "pct_roofline_mean");
	int bound = 0, ncols, c;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	for (i = 0; i < l->n; i++)
		bound |= bp_json_str(l->v[i], "roofline_bound") != NULL;
	doc_heading(d, 4, NULL, "Roofline");
	if (chart >= 0 && tr->roofline_panel != TRACE_NOPANEL)
		doc_chart(d, chart, tr->roofline_panel);
	peaks(d, l);
	trace_top_note(d, l->n, "kernel time");
	ncols = 9 + roof + bound;
	t = doc_table(d, ncols, TABLE_SORT);
	table_head(d, t, 0, "Op", 0);
	table_head(d, t, 1, "Kind", 0);
	table_head(d, t, 2, "Shape", 0);
	table_head(d, t, 3, "Count", CELL_NUM);
	table_head(d, t, 4, "Kernel time (ms)", CELL_NUM);
	table_head(d, t, 5, "GFLOP per call", CELL_NUM);
	table_head(d, t, 6, "FLOP/byte", CELL_NUM);
	table_head(d, t, 7, "TFLOP/s", CELL_NUM);
	table_head(d, t, 8, "TB/s", CELL_NUM);
	c = 9;
	if (roof)
		table_head(d, t, c++, "% of roofline", CELL_NUM);
	if (bound)
		table_head(d, t, c, "Bound", 0);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];
		double ms = rec_num(x, "kernel_time_sum_us") / 1000;

		row = table_row(d, t);
		tcell_code(d, row, 0, bp_json_str(x, "name"), TRACE_NAMEMAX);
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(x, "sheet"));
		cell_set(d, row, 2, params_short(d,
		    cJSON_GetObjectItemCaseSensitive(x, "params")));
		tcell_int(d, row, 3, x, "count");
		cell_num(d, row, 4, ms, sec_num(d, ms));
		tcell_num(d, row, 5, x, "gflops");
		tcell_num(d, row, 6, x, "flops_per_byte");
		tcell_num(d, row, 7, x, "tflops_mean");
		tcell_num(d, row, 8, x, "tbps_mean");
		c = 9;
		if (roof)
			tcell_pct(d, row, c++, x, "pct_roofline_mean");
		if (bound)
			cell_set(d, row, c, bp_json_str(x, "roofline_bound"));
	}
}

/* "16×559×1, 1024" from an array of dims arrays. */
static const char *
input_dims(struct doc *d, const cJSON *a)
{
	struct bp_buf b = { 0 };
	const cJSON *x;
	const char *s;
	char *cut;

	cJSON_ArrayForEach(x, a) {
		if (!num_array(x))
			continue;
		if (b.len)
			bp_buf_adds(&b, ", ");
		dims(&b, x);
	}
	cut = gp_trunc(b.p ? b.p : "", SHAPEMAX);
	s = doc_str(d, cut);
	free(cut);
	bp_buf_free(&b);
	return s;
}

/* What the histogram and the groups say about all short kernels. */
static void
shorts_sentence(struct doc *d, const struct trace *tr)
{
	const struct tlist *h = &tr->hist, *l = &tr->shorts;
	double n = 0, lo = NAN, hi = NAN, listed = 0, us = 0, pct = 0, v;
	size_t i;
	struct text *p;

	for (i = 0; i < h->n; i++) {
		if (bp_json_num(h->v[i], "count", &v) == 1 && v > 0) {
			n += v;
			if (isnan(lo))
				lo = rec_num(h->v[i], "lo_us");
			hi = rec_num(h->v[i], "hi_us");
		}
	}
	for (i = 0; i < l->n; i++) {
		if (bp_json_num(l->v[i], "count", &v) == 1)
			listed += v;
		if (bp_json_num(l->v[i], "total_us", &v) == 1)
			us += v;
		if (bp_json_num(l->v[i], "pct_total_time", &v) == 1)
			pct += v;
	}
	if (!h->n && !l->n)
		return;
	p = doc_para(d);
	if (h->n && n == 0)
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "No kernel is short.%s",
		    l->n ? " " : "");
	else if (h->n && !isnan(lo) && !isnan(hi))
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "%s kernels are short, "
		    "from %s to %s \xc2\xb5s: launch overhead, more than the "
		    "GPU, sets their pace.%s", sec_int(d, n), sec_num(d, lo),
		    sec_num(d, hi), l->n ? " " : "");
	else if (h->n)
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "%s kernels are short: "
		    "launch overhead, more than the GPU, sets their pace.%s",
		    sec_int(d, n), l->n ? " " : "");
	if (l->n && h->n && listed >= n)
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "Together they take "
		    "%s ms, %.1f%% of the total time.", sec_num(d, us / 1000),
		    pct);
	else if (l->n)
		text_addf(d, p, SPAN_TEXT, TONE_NONE, "The %zu groups bench-trace "
		    "listed take %s ms, %.1f%% of the total time.", l->n,
		    sec_num(d, us / 1000), pct);
}

void
trace_doc_shorts(struct doc *d, const struct trace *tr)
{
	const struct tlist *l = &tr->shorts;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n && !tr->hist.n)
		return;
	doc_heading(d, 4, NULL, "Short kernels");
	shorts_sentence(d, tr);
	if (!l->n)
		return;
	trace_top_note(d, l->n, "time");
	static const struct tcol cols[] = {
		{ "Kernel", 0 },
		{ "Op", 0 },
		{ "Input shapes", 0 },
		{ "Count", CELL_NUM },
		{ "Total (\xc2\xb5s)", CELL_NUM },
		{ "Mean (\xc2\xb5s)", CELL_NUM },
		{ "% of total time", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];

		row = table_row(d, t);
		tcell_code(d, row, 0, bp_json_str(x, "kernel"),
		    TRACE_NAMEMAX);
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(x, "parent_op"));
		cell_set(d, row, 2, input_dims(d,
		    cJSON_GetObjectItemCaseSensitive(x, "input_dims")));
		tcell_int(d, row, 3, x, "count");
		tcell_num(d, row, 4, x, "total_us");
		tcell_num(d, row, 5, x, "mean_us");
		tcell_pct(d, row, 6, x, "pct_total_time");
	}
}

/* "elementwise 54%, GEMM 28%, other 15%": the phase's top three. */
static const char *
phase_cats(struct doc *d, const struct trace *tr, const char *phase)
{
	struct bp_buf b = { 0 };
	const char *s;
	size_t i, n = 0;

	for (i = 0; i < tr->phasecats.n && n < 3; i++) {
		const cJSON *x = tr->phasecats.v[i];
		const char *p = bp_json_str(x, "phase");
		const char *c = bp_json_str(x, "category");
		double pct = rec_num(x, "pct");

		if (!p || !c || strcmp(p, phase) != 0 || isnan(pct))
			continue;
		bp_buf_addf(&b, "%s%s %.0f%%", n ? ", " : "", c, pct);
		n++;
	}
	s = doc_str(d, b.p ? b.p : SHOW_NONE);
	bp_buf_free(&b);
	return s;
}

void
trace_doc_phases(struct doc *d, const struct trace *tr)
{
	const struct tlist *l = &tr->phases;
	int req = any_positive(l, "requests") || any_positive(l, "tokens"), c;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!has_phases(l))
		return;
	doc_heading(d, 4, NULL, "Phases");
	t = doc_table(d, 7 + 2 * req, 0);
	table_head(d, t, 0, "Phase", 0);
	table_head(d, t, 1, "Steps", CELL_NUM);
	c = 2;
	if (req) {
		table_head(d, t, c++, "Requests", CELL_NUM);
		table_head(d, t, c++, "Tokens", CELL_NUM);
	}
	table_head(d, t, c++, "Duration (ms)", CELL_NUM);
	table_head(d, t, c++, "GPU busy (ms)", CELL_NUM);
	table_head(d, t, c++, "Computation", CELL_NUM);
	table_head(d, t, c++, "Idle", CELL_NUM);
	table_head(d, t, c, "Top categories", 0);
	for (i = 0; i < l->n; i++) {
		const cJSON *x = l->v[i];
		const char *p = bp_json_str(x, "phase");

		row = table_row(d, t);
		cell_set(d, row, 0, p ? p : SHOW_NONE);
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_int(d, row, 1, x, "steps");
		c = 2;
		if (req) {
			tcell_int(d, row, c++, x, "requests");
			tcell_int(d, row, c++, x, "tokens");
		}
		tcell_num(d, row, c++, x, "duration_ms");
		tcell_num(d, row, c++, x, "busy_ms");
		tcell_pct(d, row, c++, x, "computation_pct");
		tcell_pct(d, row, c++, x, "idle_pct");
		cell_set(d, row, c, p ? phase_cats(d, tr, p) : SHOW_NONE);
	}
}

void
trace_doc_steps(struct doc *d, const struct trace *tr)
{
	struct tlist l;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!tr->steps.n)
		return;
	/* all of them in order, or the longest */
	if (tr->steps.n > TRACE_TOP)
		trace_sorted(&tr->steps, "duration_ms", "name", 0, &l);
	else
		trace_sorted(&tr->steps, "step", "name", 1, &l);
	doc_heading(d, 4, NULL, "Steps");
	trace_top_note(d, l.n, "duration");
	static const struct tcol cols[] = {
		{ "Step", CELL_NUM },
		{ "Name", 0 },
		{ "Phase", 0 },
		{ "Duration (ms)", CELL_NUM },
		{ "GPU busy (ms)", CELL_NUM },
		{ "Exposed comm (ms)", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l.n && i < TRACE_TOP; i++) {
		const cJSON *x = l.v[i];

		row = table_row(d, t);
		tcell_int(d, row, 0, x, "step");
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_code(d, row, 1, bp_json_str(x, "name"), 60);
		cell_set(d, row, 2, bp_json_str(x, "phase"));
		tcell_num(d, row, 3, x, "duration_ms");
		tcell_num(d, row, 4, x, "gpu_busy_ms");
		tcell_num(d, row, 5, x, "gpu_exposed_comm_ms");
	}
	free(l.v);
}

void
trace_doc_colls(struct doc *d, const struct trace *tr)
{
	const struct tlist *l = &tr->colls;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Collectives");
	trace_top_note(d, l->n, "time");
	static const struct tcol cols[] = {
		{ "Collective", 0 },
		{ "Type", 0 },
		{ "Count", CELL_NUM },
		{ "Time (ms)", CELL_NUM },
		{ "Mean (\xc2\xb5s)", CELL_NUM },
		{ "Exposed (ms)", CELL_NUM },
		{ "Exposed", CELL_NUM },
		{ "% of comm time", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];

		row = table_row(d, t);
		tcell_code(d, row, 0, bp_json_str(x, "collective"),
		    TRACE_NAMEMAX);
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(x, "type"));
		tcell_int(d, row, 2, x, "count");
		tcell_num(d, row, 3, x, "time_ms");
		tcell_num(d, row, 4, x, "mean_us");
		tcell_num(d, row, 5, x, "exposed_ms");
		tcell_pct(d, row, 6, x, "exposed_pct");
		tcell_pct(d, row, 7, x, "pct_comm_time");
	}
}
