/*
 * sec_scenario.c - the results of bench-run --scenario, one subsection
 * each: validity first (a run that is not valid has no number worth
 * quoting), then the scenario's headline metric, then the latency
 * percentiles, TTFT and TPOT when measured.
 *
 * The results stay in the report model like any other (they have a
 * group and a row); this section only reads their scenario objects.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

/* The distributions shown, in order, when the result has them. */
static const struct {
	const char *key, *label;
} dists[] = {
	{ "latency_ms", "Latency (ms)" },
	{ "query_latency_ms", "Query latency (ms)" },
	{ "ttft_ms", "TTFT (ms)" },
	{ "tpot_ms", "TPOT (ms)" },
	{ "itl_ms", "Inter-token latency (ms)" },
	{ "issue_delay_ms", "Issue delay (ms)" },
};

static const char *const pcts[] = {
	"n", "mean", "p50", "p90", "p95", "p99", "p999", "max",
};

static const char *const pct_heads[] = {
	"n", "Mean", "p50", "p90", "p95", "p99", "p99.9", "Max",
};

const cJSON *
scenario_of(const cJSON *rec)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(rec, "scenario");

	return cJSON_IsObject(sc) ? sc : NULL;
}

int
scenario_headline(const cJSON *sc, const char **label, double *v)
{
	const char *name = bp_json_str(sc, "name");
	const char *path = NULL;

	*label = "Headline";
	if (!name)
		name = "";
	if (strcmp(name, "server") == 0) {
		*label = "Completed samples/s";
		path = "throughput.samples_per_s";
	} else if (strcmp(name, "offline") == 0) {
		*label = "Samples/s";
		path = "throughput.samples_per_s";
	} else if (strcmp(name, "single-stream") == 0) {
		*label = "p90 latency (ms)";
		path = "latency_ms.p90";
	} else if (strcmp(name, "multi-stream") == 0) {
		*label = "p99 query latency (ms)";
		path = "query_latency_ms.p99";
	}
	if (path && bp_json_num(sc, path, v) == 1)
		return 1;
	if (bp_json_num(sc, "headline.value", v) == 1) {
		if (!path && bp_json_str(sc, "headline.metric"))
			*label = bp_json_str(sc, "headline.metric");
		return 1;
	}
	*v = NAN;
	return 0;
}

int
scenario_valid(const cJSON *sc)
{
	const cJSON *v = bp_json_path(sc, "validity.valid");

	return cJSON_IsTrue(v) ? 1 : cJSON_IsFalse(v) ? 0 : -1;
}

static const char *
title(struct doc *d, const cJSON *rec, const cJSON *sc)
{
	const char *name = bp_json_str(sc, "name");
	const char *model = bp_json_str(rec, "model");
	const char *backend = bp_json_str(rec, "backend");
	const char *p = sec_params(d, cJSON_GetObjectItem(rec, "params"));

	return doc_strf(d, "%s: %s on %s%s%s%s", name ? name : "?",
	    model ? model : "?", backend ? backend : "?",
	    *p ? " (" : "", p, *p ? ")" : "");
}

static void
overview(const struct report *r, struct doc *d)
{
	struct table *t = doc_table(d, 6, TABLE_SORT | TABLE_FILTER);
	const char *label;
	double v, n;
	size_t i;

	table_head(d, t, 0, "Scenario", 0);
	table_head(d, t, 1, "Model", 0);
	table_head(d, t, 2, "Backend", 0);
	table_head(d, t, 3, "Validity", 0);
	table_head(d, t, 4, "Headline", 0);
	table_head(d, t, 5, "Samples", CELL_NUM);
	for (i = 0; i < r->nresults; i++) {
		const cJSON *rec = r->results[i], *sc = scenario_of(rec);
		struct trow *row;
		int valid;

		if (!sc)
			continue;
		valid = scenario_valid(sc);
		row = table_row(d, t);
		row->tone = valid == 1 ? TONE_NONE : TONE_BAD;
		row->facet[FACET_MODEL] = bp_json_str(rec, "model");
		row->facet[FACET_BACKEND] = bp_json_str(rec, "backend");
		cell_set(d, row, 0, bp_json_str(sc, "name"));
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, bp_json_str(rec, "model"));
		cell_set(d, row, 2, bp_json_str(rec, "backend"));
		text_add(d, cell_text(row, 3), SPAN_BADGE, valid == 1 ?
		    TONE_GOOD : TONE_BAD, valid == 1 ? "VALID" : "INVALID");
		scenario_headline(sc, &label, &v);
		cell_num(d, row, 4, v, doc_strf(d, "%s %s", sec_num(d, v),
		    label));
		if (bp_json_num(sc, "samples", &n) != 1)
			n = NAN;
		cell_num(d, row, 5, n, sec_int(d, n));
	}
}

static void
validity(struct doc *d, const cJSON *sc)
{
	const cJSON *reasons = bp_json_path(sc, "validity.reasons"), *x;
	int valid = scenario_valid(sc);
	struct block *l = NULL;
	struct text *t = doc_para(d);

	text_add(d, t, SPAN_BADGE, valid == 1 ? TONE_GOOD : TONE_BAD,
	    valid == 1 ? "VALID" : "INVALID");
	if (valid == -1)
		text_add(d, t, SPAN_TEXT, TONE_MUTED, " (no validity given)");
	cJSON_ArrayForEach(x, reasons) {
		if (!cJSON_IsString(x))
			continue;
		if (!l)
			l = doc_list(d);
		text_add(d, list_item(d, l), SPAN_TEXT, TONE_NONE,
		    x->valuestring);
	}
}

static void
headline(struct doc *d, const cJSON *sc)
{
	const char *label;
	double v, tok, dur;
	struct text *t = doc_para(d);

	scenario_headline(sc, &label, &v);
	text_addf(d, t, SPAN_TEXT, TONE_NONE, "%s: ", label);
	text_add(d, t, SPAN_STRONG, TONE_NONE, sec_num(d, v));
	if (bp_json_num(sc, "throughput.tokens_per_s", &tok) == 1)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, "; %s tokens/s",
		    sec_num(d, tok));
	if (bp_json_num(sc, "duration_s", &dur) == 1)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, "; %s samples in %s s",
		    sec_int(d, rec_num(sc, "samples")), sec_num(d, dur));
	text_add(d, t, SPAN_TEXT, TONE_NONE, ".");
}

static void
percentiles(struct doc *d, const cJSON *sc)
{
	struct table *t = NULL;
	size_t i, j;
	double v;

	for (i = 0; i < sizeof dists / sizeof dists[0]; i++) {
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(sc,
		    dists[i].key);
		struct trow *row;

		if (!cJSON_IsObject(x))
			continue;
		if (!t) {
			t = doc_table(d, 9, 0);
			table_head(d, t, 0, "Distribution", 0);
			for (j = 0; j < sizeof pcts / sizeof pcts[0]; j++)
				table_head(d, t, (int)j + 1, pct_heads[j],
				    CELL_NUM);
		}
		row = table_row(d, t);
		cell_set(d, row, 0, dists[i].label);
		row->cells[0].flags |= CELL_ROWHEAD;
		for (j = 0; j < sizeof pcts / sizeof pcts[0]; j++) {
			if (bp_json_num(x, pcts[j], &v) != 1)
				v = NAN;
			cell_num(d, row, (int)j + 1, v, j == 0 ?
			    sec_int(d, v) : sec_num(d, v));
		}
	}
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	size_t i, n = 0, nvalid = 0;

	(void)state;
	(void)o;
	for (i = 0; i < r->nresults; i++) {
		if (!scenario_of(r->results[i]))
			continue;
		n++;
		nvalid += scenario_valid(scenario_of(r->results[i])) == 1;
	}
	if (!n)
		return;
	doc_heading(d, 2, "scenarios", "Scenarios");
	text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
	    "%zu scenario run%s: %zu valid, %zu invalid.", n, n == 1 ? "" : "s",
	    nvalid, n - nvalid);
	overview(r, d);
	for (i = n = 0; i < r->nresults; i++) {
		const cJSON *rec = r->results[i], *sc = scenario_of(rec);

		if (!sc)
			continue;
		doc_heading(d, 3, doc_strf(d, "scenario-%zu", ++n),
		    title(d, rec, sc));
		validity(d, sc);
		headline(d, sc);
		percentiles(d, sc);
	}
}

const struct section sec_scenario = { "scenario", NULL, build, NULL };
