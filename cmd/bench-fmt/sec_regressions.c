/*
 * sec_regressions.c - the diff records of bench-diff, worst first:
 * critical, major and minor regressions, then broken, missing,
 * inconclusive, new, fixed and improved; the unchanged ones collapsed at
 * the end.  Every verdict is spelled out, colour only repeats it.
 */
#include <math.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

static const char *
verdict_text(struct doc *d, const cJSON *x, enum tone *tone)
{
	const char *v = bp_json_str(x, "verdict");
	const char *sev = bp_json_str(x, "severity");
	int rank = diff_rank(x);

	*tone = rank <= 1 || rank == 4 ? TONE_BAD : rank <= 3 || rank == 5 ?
	    TONE_WARN : rank == 8 || rank == 9 ? TONE_GOOD : rank == 10 ?
	    TONE_MUTED : TONE_INFO;
	if (!v)
		return "unknown";
	if (strcmp(v, "regression") == 0 && sev)
		return doc_strf(d, "%s regression", sev);
	return v;
}

static const char *
test_name(const char *t)
{
	if (strcmp(t, "mannwhitneyu") == 0)
		return "Mann\xe2\x80\x93Whitney U";
	if (strcmp(t, "welch") == 0)
		return "Welch t";
	return t;
}

static const char *
host_name(const struct report *r, const cJSON *x)
{
	const char *id = bp_json_str(x, "host_id");
	const struct host *h = report_host(r, id);

	return h && h->name ? h->name : id;
}

static const char *
side(struct doc *d, const cJSON *x, const char *which)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(x, which);
	double v;

	if (!cJSON_IsObject(s))
		return SHOW_NONE;
	if (bp_json_num(s, "median", &v) != 1 &&
	    bp_json_num(s, "mean", &v) != 1)
		return SHOW_NONE;
	return sec_num(d, v);
}

enum { D_VERDICT, D_MODEL, D_METRIC, D_CHANGE_FROM, D_PCT, D_P, D_TEST,
	D_NOTES, D_NCOLS };

static struct table *
diff_table(struct doc *d)
{
	struct table *t = doc_table(d, D_NCOLS, TABLE_SORT | TABLE_FILTER);

	table_head(d, t, D_VERDICT, "Verdict", 0);
	table_head(d, t, D_MODEL, "Configuration", 0);
	table_head(d, t, D_METRIC, "Metric", 0);
	table_head(d, t, D_CHANGE_FROM, "Median: baseline \xe2\x86\x92 "
	    "current", CELL_NUM);
	table_head(d, t, D_PCT, "Change", CELL_NUM);
	table_head(d, t, D_P, "p (q)", CELL_NUM);
	table_head(d, t, D_TEST, "Test", 0);
	table_head(d, t, D_NOTES, "Notes", 0);
	return t;
}

static void
diff_row(const struct report *r, struct doc *d, struct table *t,
    const cJSON *x)
{
	struct trow *row = table_row(d, t);
	const char *model = bp_json_str(x, "model");
	const char *backend = bp_json_str(x, "backend");
	const char *metric = bp_json_str(x, "metric");
	const char *dir = bp_json_str(x, "direction");
	const char *test = bp_json_str(x, "test");
	const char *basis = bp_json_str(x, "basis");
	const cJSON *w, *ci;
	enum tone tone;
	const char *vt = verdict_text(d, x, &tone), *p, *host;
	double pct = NAN, pv = NAN, q = NAN, cur;
	char a[SHOW_LEN], b[SHOW_LEN], e[SHOW_LEN];
	struct text *notes;

	bp_json_num(x, "change_pct", &pct);
	bp_json_num(x, "p_value", &pv);
	bp_json_num(x, "q_value", &q);
	row->tone = tone;
	row->facet[FACET_MODEL] = model;
	row->facet[FACET_BACKEND] = backend;
	row->facet[FACET_HOST] = host_name(r, x);
	text_add(d, cell_text(row, D_VERDICT), SPAN_BADGE, tone, vt);
	row->cells[D_VERDICT].key = diff_rank(x);
	cell_set(d, row, D_MODEL, model ? model : "?");
	row->cells[D_MODEL].flags |= CELL_ROWHEAD;
	p = sec_params(d, cJSON_GetObjectItem(x, "params"));
	host = host_name(r, x);
	text_addf(d, cell_text(row, D_MODEL), SPAN_TEXT, TONE_MUTED,
	    " on %s%s%s%s%s", backend ? backend : "?", host ? " @ " : "",
	    host ? host : "", *p ? ", " : "", p);
	if (metric)
		text_add(d, cell_text(row, D_METRIC), SPAN_CODE, TONE_NONE,
		    metric);
	if (dir)
		cell_hint(d, row, D_METRIC, doc_strf(d, "%s is better", dir));
	if (bp_json_num(x, "current.median", &cur) != 1)
		cur = NAN;
	cell_num(d, row, D_CHANGE_FROM, cur, doc_strf(d, "%s \xe2\x86\x92 %s",
	    side(d, x, "baseline"), side(d, x, "current")));
	cell_num(d, row, D_PCT, pct, show_pct(a, pct));
	ci = cJSON_GetObjectItemCaseSensitive(x, "change_ci95");
	if (cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1)))
		cell_hint(d, row, D_PCT, doc_strf(d, "95%% CI %s to %s",
		    show_pct(a, cJSON_GetArrayItem(ci, 0)->valuedouble),
		    show_pct(b, cJSON_GetArrayItem(ci, 1)->valuedouble)));
	cell_num(d, row, D_P, pv, isnan(q) ? show_p(a, pv) : doc_strf(d,
	    "%s (%s)", show_p(a, pv), show_p(e, q)));
	if (test)
		cell_set(d, row, D_TEST, basis ? doc_strf(d, "%s (%s)",
		    test_name(test), basis) : test_name(test));
	notes = cell_text(row, D_NOTES);
	cJSON_ArrayForEach(w, cJSON_GetObjectItem(x, "warnings"))
		if (cJSON_IsString(w))
			text_addf(d, notes, SPAN_TEXT, TONE_NONE, "%s%s",
			    notes->n ? "; " : "", w->valuestring);
}

static void
counts(const struct report *r, struct doc *d)
{
	struct text *t = doc_para(d);
	size_t nreg = r->nsev[0] + r->nsev[1] + r->nsev[2] + r->nsev[3];

	text_addf(d, t, SPAN_TEXT, TONE_NONE, "%zu comparison%s: ", r->ndiffs,
	    r->ndiffs == 1 ? "" : "s");
	text_addf(d, t, SPAN_STRONG, nreg ? TONE_BAD : TONE_GOOD,
	    "%zu regression%s", nreg, nreg == 1 ? "" : "s");
	if (nreg)
		text_addf(d, t, SPAN_TEXT, TONE_NONE,
		    " (%zu critical, %zu major, %zu minor)", r->nsev[0],
		    r->nsev[1], r->nsev[2] + r->nsev[3]);
	text_addf(d, t, SPAN_TEXT, TONE_NONE,
	    ", %zu improvement%s, %zu unchanged, %zu other.", r->nimproved,
	    r->nimproved == 1 ? "" : "s", r->nunchanged,
	    r->ndiffs - nreg - r->nimproved - r->nunchanged);
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	int chart = chart_find("regressions");
	struct table *t = NULL;
	struct block *det;
	size_t i;

	(void)state;
	(void)o;
	if (!r->ndiffs)
		return;
	doc_heading(d, 2, "regressions", "Regressions");
	counts(r, d);
	if (chart >= 0 && chart_kinds[chart]->panels(r))
		doc_chart(d, chart, 0);
	for (i = 0; i < r->ndiffs; i++) {
		if (diff_rank(r->diffs[i]) == 10)
			continue;
		if (!t)
			t = diff_table(d);
		diff_row(r, d, t, r->diffs[i]);
	}
	if (!r->nunchanged)
		return;
	det = doc_details(d);
	text_addf(d, &det->text, SPAN_TEXT, TONE_NONE,
	    "%zu unchanged comparison%s", r->nunchanged,
	    r->nunchanged == 1 ? "" : "s");
	t = diff_table(det->body);
	for (i = 0; i < r->ndiffs; i++)
		if (diff_rank(r->diffs[i]) == 10)
			diff_row(r, det->body, t, r->diffs[i]);
}

const struct section sec_regressions = { "regressions", NULL, build, NULL };
