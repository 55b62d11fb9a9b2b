/*
 * models.c - what the groups of one model say together: the param keys
 * that vary and those fixed for all, the extra metrics, the headline the
 * best entry is judged by, and the sweeps along each numeric param.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "report.h"
#include "show.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds s to a sorted set of strings. */
static void
set_add(char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = bp_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = bp_xstrdup(s);
	qsort(*v, *n, sizeof **v, cmp_str);
}

/* Metrics a results table shows elsewhere or that say nothing alone. */
static int
plain_metric(const char *name)
{
	static const char *const names[] = { "latency_ms", "items", "tokens",
	    "user_ms", "sys_ms", "max_rss_mb", "accuracy" };
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

double
model_headline(const struct model *m, const struct group *g)
{
	switch (m->hl) {
	case HL_TPUT:
		return g->row.tput;
	case HL_METRIC:
		return row_metric(&g->row, m->hl_metric, "p50");
	case HL_LATENCY:
		break;
	}
	return g->row.p50;
}

static void
pick_best(struct model *m)
{
	size_t i, cand = 0;
	struct group *best = NULL;
	double v, bv = NAN;

	for (i = 0; i < m->ngroups; i++) {
		struct group *g = m->groups[i];

		if (g->row.source == SRC_NONE || group_status(g) != ST_OK)
			continue;
		v = model_headline(m, g);
		if (isnan(v))
			continue;
		cand++;
		if (!best || (m->hl == HL_LATENCY ? v < bv : v > bv)) {
			best = g;
			bv = v;
		}
	}
	m->best = best;
	if (best && cand > 1)
		best->row.best = 1;
}

/* Moves the param keys whose value is the same in every group to fixed. */
static void
split_fixed(struct model *m)
{
	size_t i, j, k = 0;

	m->fixed = cJSON_CreateObject();
	for (i = 0; i < m->npkeys; i++) {
		const cJSON *first = cJSON_GetObjectItemCaseSensitive(
		    m->groups[0]->params, m->pkeys[i]);
		int same = first != NULL;

		for (j = 1; same && j < m->ngroups; j++)
			same = cJSON_Compare(first, cJSON_GetObjectItemCaseSensitive(
			    m->groups[j]->params, m->pkeys[i]), 1);
		if (same) {
			cJSON_AddItemToObject(m->fixed, m->pkeys[i],
			    cJSON_Duplicate(first, 1));
			free(m->pkeys[i]);
		} else {
			m->pkeys[k++] = m->pkeys[i];
		}
	}
	m->npkeys = k;
}

void
model_params(struct bp_buf *b, const struct model *m, const cJSON *params)
{
	const cJSON *p;
	int first = 1;

	cJSON_ArrayForEach(p, params) {
		if (m && cJSON_GetObjectItemCaseSensitive(m->fixed, p->string))
			continue;
		if (!first)
			bp_buf_adds(b, ", ");
		first = 0;
		bp_buf_addf(b, "%s=", p->string);
		show_scalar(b, p);
	}
}

static void
build_model(struct model *m)
{
	size_t i, t = 0;
	int tflops = 0, gbps = 0;
	const cJSON *p, *mt;

	for (i = 0; i < m->ngroups; i++) {
		struct group *g = m->groups[i];

		cJSON_ArrayForEach(p, g->params)
			set_add(&m->pkeys, &m->npkeys, p->string);
		cJSON_ArrayForEach(mt, g->row.metrics) {
			if (!plain_metric(mt->string))
				set_add(&m->extra, &m->nextra, mt->string);
			tflops |= strcmp(mt->string, "tflops") == 0;
			gbps |= strcmp(mt->string, "gbps") == 0;
		}
		if (g->row.source != SRC_NONE && !isnan(g->row.tput))
			t++;
		if (g->row.source != SRC_NONE)
			m->has_data = 1;
		if (g->lat.n >= 2)
			m->has_samples = 1;
		if (g->nstatus[ST_OK] >= 2 && g->first_ts < g->last_ts)
			m->has_trend = 1;
	}
	split_fixed(m);
	m->hl = t ? HL_TPUT : tflops ? HL_METRIC : gbps ? HL_METRIC :
	    HL_LATENCY;
	m->hl_metric = tflops ? "tflops" : gbps ? "gbps" : NULL;
	if (m->hl != HL_METRIC)
		m->hl_metric = NULL;
	pick_best(m);
}

static void
build_models(struct report *r)
{
	size_t i, start = 0;

	for (i = 1; i <= r->ngroups; i++) {
		struct model *m;

		if (i < r->ngroups && strcmp(r->groups[i]->model,
		    r->groups[start]->model) == 0)
			continue;
		r->models = bp_xrealloc(r->models,
		    (r->nmodels + 1) * sizeof *r->models);
		m = &r->models[r->nmodels++];
		memset(m, 0, sizeof *m);
		m->name = r->groups[start]->model;
		m->groups = &r->groups[start];
		m->ngroups = i - start;
		build_model(m);
		start = i;
	}
}

void
group_where(const struct group *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s @ %s", *g->backend ? g->backend : "?",
	    g->host->name);
}

/* The series key and label of g in a sweep of param: everything but it. */
static char *
series_key(const struct model *m, const struct group *g, const char *param,
    struct bp_buf *label)
{
	cJSON *k = cJSON_Duplicate(g->keyrec, 1), *params;
	struct bp_buf b = { 0 }, p = { 0 };
	char where[512];

	params = cJSON_GetObjectItemCaseSensitive(k, "params");
	cJSON_DeleteItemFromObjectCaseSensitive(params, param);
	bp_json_write(&b, k, BP_JSON_SORTED, NULL);
	group_where(g, where, sizeof where);
	bp_buf_adds(label, where);
	model_params(&p, m, params);
	if (p.len)
		bp_buf_addf(label, ", %s", p.p);
	bp_buf_free(&p);
	cJSON_Delete(k);
	return bp_buf_detach(&b);
}

static void
build_sweep(struct report *r, struct model *m, const char *param)
{
	struct sweep sw = { .model = m, .param = param };
	char **keys = NULL;
	size_t i, j, k, npts = 0;

	for (i = 0; i < m->ngroups; i++) {
		struct group *g = m->groups[i];
		struct bp_buf label = { 0 };
		char *key;

		if (g->row.source == SRC_NONE ||
		    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(g->params,
		    param)))
			continue;
		key = series_key(m, g, param, &label);
		for (j = 0; j < sw.nseries; j++)
			if (strcmp(keys[j], key) == 0)
				break;
		if (j == sw.nseries) {
			keys = bp_xrealloc(keys, (j + 1) * sizeof *keys);
			sw.series = bp_xrealloc(sw.series,
			    (j + 1) * sizeof *sw.series);
			keys[j] = key;
			sw.series[j].label = bp_buf_detach(&label);
			sw.series[j].pts = NULL;
			sw.series[j].n = 0;
			sw.nseries++;
		} else {
			free(key);
		}
		bp_buf_free(&label);
		sw.series[j].pts = bp_xrealloc(sw.series[j].pts,
		    (sw.series[j].n + 1) * sizeof *sw.series[j].pts);
		sw.series[j].pts[sw.series[j].n++] = g;
	}
	/* a series of one point shows no scaling: drop it */
	for (i = k = 0; i < sw.nseries; i++) {
		free(keys[i]);
		if (sw.series[i].n < 2) {
			free(sw.series[i].label);
			free(sw.series[i].pts);
			continue;
		}
		npts += sw.series[i].n;
		sw.series[k++] = sw.series[i];
	}
	free(keys);
	sw.nseries = k;
	if (!k) {
		free(sw.series);
		return;
	}
	/* groups are sorted by params, so points are too, but only when
	 * the swept param is the first key: sort each series by it */
	for (i = 0; i < k; i++) {
		struct series *s = &sw.series[i];
		size_t a, b;

		for (a = 1; a < s->n; a++)
			for (b = a; b > 0 && scalar_cmp(
			    cJSON_GetObjectItem(s->pts[b - 1]->params, param),
			    cJSON_GetObjectItem(s->pts[b]->params, param)) > 0;
			    b--) {
				struct group *t = s->pts[b];

				s->pts[b] = s->pts[b - 1];
				s->pts[b - 1] = t;
			}
	}
	(void)npts;
	r->sweeps = bp_xrealloc(r->sweeps, (r->nsweeps + 1) * sizeof *r->sweeps);
	r->sweeps[r->nsweeps++] = sw;
}

static void
count_diffs(struct report *r)
{
	size_t i;
	int rank;

	for (i = 0; i < r->ndiffs; i++) {
		rank = diff_rank(r->diffs[i]);
		if (rank <= 3)
			r->nsev[rank]++;
		else if (rank == 9)
			r->nimproved++;
		else if (rank == 10)
			r->nunchanged++;
	}
}

void
report_finish(struct report *r)
{
	size_t i, j;

	for (i = 0; i < r->ngroups; i++)
		row_finish(r->groups[i]);
	report_order(r);
	build_models(r);
	for (i = 0; i < r->nmodels; i++)
		for (j = 0; j < r->models[i].npkeys; j++)
			build_sweep(r, &r->models[i], r->models[i].pkeys[j]);
	count_diffs(r);
}
