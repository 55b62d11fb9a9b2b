/*
 * sec_results.c - one table per model: where and with which params it
 * ran, latency p50 (with its confidence interval) and p99, throughput,
 * the model's own metrics, memory, GPU power and energy, the accuracy
 * check and the status, with the model's best entry marked.  A column
 * appears only when some row of the table has a value for it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "show.h"

enum col {
	C_BACKEND, C_HOST, C_PARAMS, C_LABELS, C_N, C_RUNS, C_P50, C_CI,
	C_P99, C_CV, C_TPUT, C_EXTRA, C_RSS, C_GMEM, C_POWER, C_EPI,
	C_ACC, C_CHECK, C_STATUS, NCOLS
};

struct layout {
	int show[NCOLS];
	int at[NCOLS];		/* first table column of each */
	int ncols;
	int labels_differ;
	int ci;
};

static int
any(const struct model *m, double (*get)(const struct row *))
{
	size_t i;

	for (i = 0; i < m->ngroups; i++)
		if (!isnan(get(&m->groups[i]->row)))
			return 1;
	return 0;
}

#define GETTER(name, expr) \
	static double name(const struct row *w) { return expr; }
GETTER(g_ci, w->p50_lo)
GETTER(g_p99, w->p99)
GETTER(g_tput, w->tput)
GETTER(g_rss, w->rss_mb)
GETTER(g_gmem, w->gpu_mem_mib)
GETTER(g_power, w->gpu_power_w)
GETTER(g_epi, w->items_per_j)
GETTER(g_acc, w->accuracy)

static void
plan(const struct model *m, struct layout *l)
{
	size_t i;
	int c, at = 0;

	memset(l, 0, sizeof *l);
	for (i = 1; i < m->ngroups; i++)
		if (!cJSON_Compare(m->groups[i]->labels, m->groups[0]->labels,
		    1))
			l->labels_differ = 1;
	l->show[C_BACKEND] = l->show[C_N] = 1;
	l->show[C_P50] = l->show[C_STATUS] = 1;
	l->show[C_PARAMS] = m->npkeys > 0;
	l->show[C_LABELS] = l->labels_differ;
	l->show[C_RUNS] = 0;	/* shown inside the samples cell */
	l->show[C_CI] = 0;	/* shown inside the p50 cell */
	l->ci = any(m, g_ci);
	l->show[C_P99] = any(m, g_p99);
	l->show[C_CV] = 0;	/* in the JSON and CSV: too little for a column */
	l->show[C_TPUT] = any(m, g_tput);
	l->show[C_EXTRA] = m->nextra > 0;
	l->show[C_RSS] = any(m, g_rss);
	l->show[C_GMEM] = any(m, g_gmem);
	l->show[C_POWER] = any(m, g_power);
	l->show[C_EPI] = any(m, g_epi);
	l->show[C_ACC] = any(m, g_acc);
	for (i = 0; i < m->ngroups; i++)
		l->show[C_CHECK] |= m->groups[i]->row.check >= 0;
	for (c = 0; c < NCOLS; c++) {
		l->at[c] = at;
		if (!l->show[c])
			continue;
		at += c == C_PARAMS ? (int)m->npkeys :
		    c == C_EXTRA ? (int)m->nextra : 1;
	}
	l->ncols = at;
}

static void
heads(struct doc *d, struct table *t, const struct model *m,
    const struct layout *l)
{
	static const char *const names[NCOLS] = {
		[C_BACKEND] = "Backend @ host", [C_HOST] = "Host",
		[C_LABELS] = "Labels", [C_N] = "Samples", [C_RUNS] = "Runs",
		[C_P50] = "p50 (ms)", [C_CI] = "",
		[C_P99] = "p99 (ms)", [C_CV] = "CV (%)",
		[C_TPUT] = "Throughput (items/s)",
		[C_RSS] = "Peak RSS (MB)", [C_GMEM] = "GPU memory",
		[C_POWER] = "GPU power (W)", [C_EPI] = "Energy/item (J)",
		[C_ACC] = "Accuracy", [C_CHECK] = "Check",
		[C_STATUS] = "Status",
	};
	static const int numeric[NCOLS] = {
		[C_N] = 1, [C_RUNS] = 1, [C_P50] = 1, [C_P99] = 1, [C_CV] = 1,
		[C_TPUT] = 1, [C_RSS] = 1, [C_GMEM] = 1, [C_POWER] = 1,
		[C_EPI] = 1, [C_ACC] = 1,
	};
	size_t i;
	int c;

	for (c = 0; c < NCOLS; c++) {
		if (!l->show[c])
			continue;
		if (c == C_PARAMS) {
			for (i = 0; i < m->npkeys; i++)
				table_head(d, t, l->at[c] + (int)i,
				    m->pkeys[i], CELL_NUM);
		} else if (c == C_EXTRA) {
			for (i = 0; i < m->nextra; i++)
				table_head(d, t, l->at[c] + (int)i,
				    doc_strf(d, "%s p50",
				    sec_metric(d, m->extra[i])), CELL_NUM);
		} else {
			table_head(d, t, l->at[c], c == C_P50 && l->ci ?
			    "p50 ms (95% CI)" : names[c],
			    numeric[c] ? CELL_NUM : 0);
		}
	}
}

static void
num(struct doc *d, struct trow *row, int col, double v)
{
	cell_num(d, row, col, v, sec_num(d, v));
}

static void
param_cells(struct doc *d, struct trow *row, const struct model *m,
    const struct group *g, int at)
{
	const cJSON *v;
	struct bp_buf b = { 0 };
	size_t i;

	for (i = 0; i < m->npkeys; i++) {
		v = cJSON_GetObjectItemCaseSensitive(g->params, m->pkeys[i]);
		bp_buf_reset(&b);
		if (v)
			show_scalar(&b, v);
		cell_num(d, row, at + (int)i, cJSON_IsNumber(v) ?
		    v->valuedouble : NAN, v ? b.p : SHOW_NONE);
		if (!cJSON_IsNumber(v))
			row->cells[at + i].flags &= ~CELL_NUM;
	}
	bp_buf_free(&b);
}

static void
check_cell(struct doc *d, struct trow *row, int col, const struct row *w)
{
	struct text *t = cell_text(row, col);
	char e[SHOW_LEN];

	if (w->check < 0)
		return;
	text_add(d, t, SPAN_BADGE, w->check ? TONE_GOOD : TONE_BAD,
	    w->check ? "ok" : "wrong");
	if (!isnan(w->rel_err))
		cell_hint(d, row, col, doc_strf(d, "relative error %s",
		    show_num(e, w->rel_err)));
}

static void
add_row(struct doc *d, struct table *t, const struct model *m,
    const struct group *g, const struct layout *l)
{
	struct trow *row = table_row(d, t);
	const struct row *w = &g->row;
	size_t i;

	row->facet[FACET_MODEL] = g->model;
	row->facet[FACET_BACKEND] = g->backend;
	row->facet[FACET_HOST] = g->host->name;
	if (w->best)
		row->tone = TONE_BEST;
	cell_set(d, row, l->at[C_BACKEND], sec_where(d, g));
	row->cells[l->at[C_BACKEND]].flags |= CELL_ROWHEAD;
	if (l->show[C_PARAMS])
		param_cells(d, row, m, g, l->at[C_PARAMS]);
	if (l->show[C_LABELS])
		cell_set(d, row, l->at[C_LABELS], sec_params(d, g->labels));
	cell_num(d, row, l->at[C_N], w->n, sec_int(d, w->n));
	if (w->runs > 1)
		text_addf(d, cell_text(row, l->at[C_N]), SPAN_TEXT, TONE_MUTED,
		    " (%s runs)", sec_int(d, w->runs));
	num(d, row, l->at[C_P50], w->p50);
	if (l->ci && !isnan(w->p50_lo))
		text_addf(d, cell_text(row, l->at[C_P50]), SPAN_TEXT,
		    TONE_MUTED, " (%s\xe2\x80\x93%s)", sec_num(d, w->p50_lo),
		    sec_num(d, w->p50_hi));
	if (l->show[C_P99])
		num(d, row, l->at[C_P99], w->p99);
	if (l->show[C_CV])
		num(d, row, l->at[C_CV], w->cv * 100);
	if (l->show[C_TPUT])
		num(d, row, l->at[C_TPUT], w->tput);
	for (i = 0; l->show[C_EXTRA] && i < m->nextra; i++)
		num(d, row, l->at[C_EXTRA] + (int)i,
		    row_metric(w, m->extra[i], "p50"));
	if (l->show[C_RSS])
		num(d, row, l->at[C_RSS], w->rss_mb);
	if (l->show[C_GMEM]) {
		char b[SHOW_LEN];

		cell_num(d, row, l->at[C_GMEM], w->gpu_mem_mib,
		    show_mib(b, w->gpu_mem_mib));
	}
	if (l->show[C_POWER])
		num(d, row, l->at[C_POWER], w->gpu_power_w);
	if (l->show[C_EPI])
		num(d, row, l->at[C_EPI], 1 / w->items_per_j);
	if (l->show[C_ACC])
		num(d, row, l->at[C_ACC], w->accuracy);
	if (l->show[C_CHECK])
		check_cell(d, row, l->at[C_CHECK], w);
	sec_status(d, cell_text(row, l->at[C_STATUS]), g);
	if (w->best)
		text_add(d, cell_text(row, l->at[C_STATUS]), SPAN_BADGE,
		    TONE_BEST, "\xe2\x98\x85 best");
}

/* Where the numbers come from, when not all from stat records. */
static void
sources(struct doc *d, const struct model *m)
{
	static const char *const what[] = {
		[SRC_STAT] = "bench-agg stat records",
		[SRC_SAMPLES] = "the samples",
		[SRC_RESULT] = "the summary of the latest run",
	};
	size_t i, n[4] = { 0 }, parts = 0;
	struct text *t;
	int s;

	for (i = 0; i < m->ngroups; i++)
		n[m->groups[i]->row.source]++;
	if (!n[SRC_SAMPLES] && !n[SRC_RESULT])
		return;
	t = doc_para(d);
	text_add(d, t, SPAN_TEXT, TONE_MUTED, "Figures from");
	for (s = SRC_STAT; s <= SRC_RESULT; s++) {
		if (!n[s])
			continue;
		text_addf(d, t, SPAN_TEXT, TONE_MUTED, "%s %s (%zu row%s)",
		    parts++ ? "," : "", what[s], n[s], n[s] == 1 ? "" : "s");
	}
	text_add(d, t, SPAN_TEXT, TONE_MUTED, ".");
}

/* Models with no result at all: named once, their errors in Failures. */
static void
no_results(const struct report *r, struct doc *d)
{
	struct text *t = NULL;
	size_t i, n = 0;

	for (i = 0; i < r->nmodels; i++) {
		const struct model *m = &r->models[i];

		if (m->has_data)
			continue;
		if (!t) {
			doc_heading(d, 3, "no-results", "Without results");
			t = doc_para(d);
		}
		if (n++)
			text_add(d, t, SPAN_TEXT, TONE_NONE, ", ");
		text_add(d, t, SPAN_STRONG, TONE_NONE, m->name);
		text_add(d, t, SPAN_TEXT, TONE_NONE, " (");
		sec_status(d, t, m->groups[0]);
		if (m->ngroups > 1)
			text_addf(d, t, SPAN_TEXT, TONE_NONE, " and %zu more",
			    m->ngroups - 1);
		text_add(d, t, SPAN_TEXT, TONE_NONE, ")");
	}
	if (t) {
		text_add(d, t, SPAN_TEXT, TONE_NONE, ": every run failed or "
		    "was skipped; see ");
		text_link(d, t, "Failures", "failures");
		text_add(d, t, SPAN_TEXT, TONE_NONE, ".");
	}
}

static void
intro(struct doc *d)
{
	struct text *t = doc_para(d);

	text_add(d, t, SPAN_TEXT, TONE_NONE,
	    "Latency in milliseconds: p50 is the median, with the 95% "
	    "confidence interval of the median in brackets, p99 the 99th "
	    "percentile, Samples the measured iterations (over several runs "
	    "where it says so).  Throughput counts items per second.  ");
	text_add(d, t, SPAN_STRONG, TONE_NONE, "\xe2\x98\x85 best");
	text_add(d, t, SPAN_TEXT, TONE_NONE,
	    " marks each model's best entry: the highest throughput "
	    "(else TFLOP/s or GB/s), or the lowest latency.");
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	int latency = chart_find("latency"), trend = chart_find("trend");
	int heat = chart_find("heatmap");
	size_t i, j, lp = 0, tp = 0;
	struct layout l;

	(void)state;
	(void)o;
	if (!r->nmodels)
		return;
	doc_heading(d, 2, "results", "Results");
	intro(d);
	if (heat >= 0 && chart_kinds[heat]->panels(r))
		doc_chart(d, heat, 0);
	for (i = 0; i < r->nmodels; i++) {
		const struct model *m = &r->models[i];
		struct table *t;

		if (!m->has_data)
			continue;
		doc_heading(d, 3, sec_model_id(d, r, m->name), m->name);
		plan(m, &l);
		t = doc_table(d, l.ncols, TABLE_SORT | TABLE_FILTER);
		heads(d, t, m, &l);
		for (j = 0; j < m->ngroups; j++)
			add_row(d, t, m, m->groups[j], &l);
		if (cJSON_GetArraySize(m->fixed))
			text_addf(d, doc_para(d), SPAN_TEXT, TONE_MUTED, "%s: %s.",
			    m->ngroups > 1 ? "Every row" : "Params",
			    sec_params(d, m->fixed));
		sources(d, m);
		if (m->has_samples && latency >= 0)
			doc_chart(d, latency, lp++);
		if (m->has_trend && trend >= 0)
			doc_chart(d, trend, tp++);
	}
	no_results(r, d);
}

const struct section sec_results = { "results", NULL, build, NULL };
