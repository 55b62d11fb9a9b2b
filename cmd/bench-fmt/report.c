/*
 * report.c - reads the records and builds the report model (report.h).
 *
 * Samples are the only kind that can come by the million: each is reduced
 * to a latency in its group's vector and forgotten.  Their group is found
 * by run_id after the first sample of a run, so the canonical key is built
 * once per run, not once per sample.  Every other record is small and few,
 * and is kept whole for the sections to read.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"
#include "fmt.h"
#include "json.h"
#include "map.h"
#include "report.h"
#include "show.h"

struct index {
	struct map hosts, groups, runs, kinds, names;
	size_t capgroups, caphosts, capresults, capstats, capdiffs, capfails;
	size_t capother;
	const char *file;	/* where the current record came from */
	unsigned long line;
};

/* Appends p to a growing array of pointers. */
static void
push(void *arrayp, size_t *n, size_t *cap, const void *p)
{
	const void ***a = arrayp;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*a = bp_xrealloc(*a, *cap * sizeof **a);
	}
	(*a)[(*n)++] = p;
}

static void
keep(struct report *r, cJSON *rec)
{
	push(&r->keep, &r->nkeep, &r->capkeep, rec);
}

const char *
status_name(enum status s)
{
	static const char *const names[] = { "ok", "failed", "skipped",
	    "interrupted" };

	return names[s];
}

enum status
status_of(const cJSON *result)
{
	const char *s = bp_json_str(result, "status");

	if (!s || strcmp(s, "ok") == 0)
		return ST_OK;
	if (strcmp(s, "skipped") == 0)
		return ST_SKIPPED;
	if (strcmp(s, "interrupted") == 0)
		return ST_INTERRUPTED;
	return ST_FAILED;
}

/* The status a group's row shows: ok when any run of it succeeded, or
 * when it has figures but no result records at all (stats or samples
 * alone); figures from samples of a failed run do not make it ok. */
enum status
group_status(const struct group *g)
{
	if (g->nstatus[ST_OK] || (!g->nresults && g->row.source != SRC_NONE))
		return ST_OK;
	if (g->nstatus[ST_FAILED])
		return ST_FAILED;
	if (g->nstatus[ST_INTERRUPTED])
		return ST_INTERRUPTED;
	return ST_SKIPPED;
}

int
diff_rank(const cJSON *d)
{
	static const char *const order[] = { "broken", "missing",
	    "inconclusive", "new", "fixed", "improvement", "unchanged" };
	const char *v = bp_json_str(d, "verdict"), *sev;
	size_t i;

	if (!v)
		return 6;
	if (strcmp(v, "regression") == 0) {
		sev = bp_json_str(d, "severity");
		if (sev && strcmp(sev, "critical") == 0)
			return 0;
		if (sev && strcmp(sev, "major") == 0)
			return 1;
		if (sev && strcmp(sev, "minor") == 0)
			return 2;
		return 3;
	}
	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (strcmp(v, order[i]) == 0)
			return 4 + (int)i;
	return 6;
}

/* {backend, host_id, labels, model, params} of rec, absent objects as {}. */
static cJSON *
keyrec_of(const cJSON *rec)
{
	static const char *const strs[] = { "backend", "host_id", "model" };
	cJSON *k = cJSON_CreateObject();
	const cJSON *v;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = cJSON_GetObjectItemCaseSensitive(rec, strs[i]);
		cJSON_AddItemToObject(k, strs[i], cJSON_IsString(v) ?
		    cJSON_CreateString(v->valuestring) : cJSON_CreateNull());
	}
	v = cJSON_GetObjectItemCaseSensitive(rec, "labels");
	cJSON_AddItemToObject(k, "labels", cJSON_IsObject(v) ?
	    cJSON_Duplicate(v, 1) : cJSON_CreateObject());
	v = cJSON_GetObjectItemCaseSensitive(rec, "params");
	cJSON_AddItemToObject(k, "params", cJSON_IsObject(v) ?
	    cJSON_Duplicate(v, 1) : cJSON_CreateObject());
	return k;
}

static struct host *
host_get(struct report *r, const char *id)
{
	struct index *ix = r->index;
	struct host *h = map_get(&ix->hosts, id);

	if (h)
		return h;
	h = calloc(1, sizeof *h);
	if (!h)
		bp_die("out of memory");
	h->id = bp_xstrdup(id);
	map_put(&ix->hosts, id, h);
	push(&r->hosts, &r->nhosts, &ix->caphosts, h);
	return h;
}

struct host *
report_host(const struct report *r, const char *id)
{
	struct index *ix = r->index;

	return id ? map_get(&ix->hosts, id) : NULL;
}

static struct group *
group_get(struct report *r, const cJSON *rec)
{
	struct index *ix = r->index;
	struct bp_buf b = { 0 };
	cJSON *k = keyrec_of(rec);
	struct group *g;
	const char *hid;

	bp_json_write(&b, k, BP_JSON_SORTED, NULL);
	g = map_get(&ix->groups, b.p);
	if (g) {
		cJSON_Delete(k);
		bp_buf_free(&b);
		return g;
	}
	g = calloc(1, sizeof *g);
	if (!g)
		bp_die("out of memory");
	g->key = bp_buf_detach(&b);
	g->keyrec = k;
	g->model = bp_json_str(k, "model");
	g->backend = bp_json_str(k, "backend");
	g->model = g->model ? g->model : "";
	g->backend = g->backend ? g->backend : "";
	g->params = cJSON_GetObjectItemCaseSensitive(k, "params");
	g->labels = cJSON_GetObjectItemCaseSensitive(k, "labels");
	hid = bp_json_str(k, "host_id");
	g->host = host_get(r, hid ? hid : "");
	g->host->used = 1;
	g->first_ts = g->last_ts = NAN;
	map_put(&ix->groups, g->key, g);
	push(&r->groups, &r->ngroups, &ix->capgroups, g);
	return g;
}

struct group *
report_group_of(const struct report *r, const cJSON *rec)
{
	struct index *ix = r->index;
	struct bp_buf b = { 0 };
	cJSON *k = keyrec_of(rec);
	struct group *g;

	bp_json_write(&b, k, BP_JSON_SORTED, NULL);
	g = map_get(&ix->groups, b.p);
	cJSON_Delete(k);
	bp_buf_free(&b);
	return g;
}

static noreturn void
bad(struct report *r, const char *kind, const char *what)
{
	struct index *ix = r->index;

	bp_die("%s:%lu: %s: %s", ix->file, ix->line, kind, what);
}

/* A number field that must be a number when present. */
static int
num_field(struct report *r, const cJSON *rec, const char *kind,
    const char *field, double *v)
{
	int rc = bp_json_num(rec, field, v);

	if (rc < 0) {
		char what[128];

		snprintf(what, sizeof what, "\"%s\" is not a number", field);
		bad(r, kind, what);
	}
	return rc;
}

static void
take_sample(struct report *r, const cJSON *rec)
{
	struct index *ix = r->index;
	const char *run = bp_json_str(rec, "run_id");
	const char *phase = bp_json_str(rec, "phase");
	struct group *g = run ? map_get(&ix->runs, run) : NULL;
	double lat, items, rss;

	if (phase && strcmp(phase, "warmup") == 0) {
		r->nwarmups++;
		return;
	}
	if (num_field(r, rec, "sample", "latency_ms", &lat) != 1)
		bad(r, "sample", "no \"latency_ms\"");
	if (!g) {
		g = group_get(r, rec);
		if (run)
			map_put(&ix->runs, run, g);
	}
	r->nsamples++;
	if (!isfinite(lat))
		return;
	bp_vec_push(&g->lat, lat);
	if (num_field(r, rec, "sample", "items", &items) == 1 && items > 0) {
		g->items += items;
		g->lat_s += lat / 1000;
	}
	if (num_field(r, rec, "sample", "max_rss_mb", &rss) == 1 &&
	    rss > g->sample_rss)
		g->sample_rss = rss;
}

static void
take_host(struct report *r, cJSON *rec)
{
	const char *id = bp_json_str(rec, "host_id");
	struct host *h = host_get(r, id ? id : "");

	h->rec = rec;
	keep(r, rec);
}

static void
take_result(struct report *r, cJSON *rec)
{
	struct index *ix = r->index;
	struct group *g;
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec, "status");
	enum status s;
	double ts;

	if (st && !cJSON_IsString(st))
		bad(r, "result", "\"status\" is not a string");
	keep(r, rec);
	g = group_get(r, rec);
	s = status_of(rec);
	push(&g->results, &g->nresults, &g->capresults, rec);
	g->nstatus[s]++;
	r->nstatus[s]++;
	if (!g->host->rec && !g->host->summary)
		g->host->summary = cJSON_GetObjectItemCaseSensitive(rec, "host");
	ts = show_ts_of(rec, "ts");
	if (!isnan(ts)) {
		if (isnan(g->first_ts) || ts < g->first_ts)
			g->first_ts = ts;
		if (isnan(g->last_ts) || ts > g->last_ts)
			g->last_ts = ts;
		if (isnan(r->first_ts) || ts < r->first_ts)
			r->first_ts = ts;
		if (isnan(r->last_ts) || ts > r->last_ts)
			r->last_ts = ts;
	}
	push(&r->results, &r->nresults, &ix->capresults, rec);
	if (s != ST_OK)
		push(&r->fails, &r->nfails, &ix->capfails, rec);
}

static void
take_other(struct report *r, cJSON *rec, const char *kind)
{
	struct index *ix = r->index;
	/* the array may move: the map holds index + 1, not pointers */
	uintptr_t at = (uintptr_t)map_get(&ix->kinds, kind);
	size_t i;

	for (i = 0; sections[i]; i++)
		if (sections[i]->accept &&
		    sections[i]->accept(&r->secstate[i], rec))
			return;
	if (!at) {
		if (r->nother == ix->capother) {
			ix->capother = ix->capother ? ix->capother * 2 : 8;
			r->other = bp_xrealloc(r->other,
			    ix->capother * sizeof *r->other);
		}
		r->other[r->nother].kind = bp_xstrdup(kind);
		r->other[r->nother].n = 0;
		at = ++r->nother;
		map_put(&ix->kinds, kind, (void *)at);
	}
	r->other[at - 1].n++;
	cJSON_Delete(rec);
}

static int
cmp_kind(const void *a, const void *b)
{
	return strcmp(((const struct kindcount *)a)->kind,
	    ((const struct kindcount *)b)->kind);
}

const char *
report_kind(const struct report *r, const char *kind)
{
	struct index *ix = r->index;

	return map_get(&ix->names, kind);
}

static void
keep_line(struct report *r, const struct bp_in *in, const char *kind)
{
	struct index *ix = r->index;
	struct rawline *l;
	char *name = map_get(&ix->names, kind);

	if (!name) {
		name = bp_xstrdup(kind);
		map_put(&ix->names, kind, name);
	}
	if (r->nlines == r->caplines) {
		r->caplines = r->caplines ? r->caplines * 2 : 1024;
		r->lines = bp_xrealloc(r->lines, r->caplines * sizeof *r->lines);
	}
	l = &r->lines[r->nlines++];
	l->off = r->text.len;
	l->len = in->len;
	l->kind = name;
	bp_buf_add(&r->text, in->line, in->len);
	bp_buf_addc(&r->text, '\0');	/* the parser wants a string */
}

void
report_load(struct report *r, struct bp_in *in, int keep_lines)
{
	struct index *ix;
	cJSON *rec;
	const char *kind;
	size_t nsec;

	memset(r, 0, sizeof *r);
	r->first_ts = r->last_ts = NAN;
	ix = calloc(1, sizeof *ix);
	for (nsec = 0; sections[nsec]; nsec++)
		continue;
	r->secstate = calloc(nsec + 1, sizeof *r->secstate);
	if (!ix || !r->secstate)
		bp_die("out of memory");
	r->index = ix;
	while ((rec = bp_in_rec(in))) {
		ix->file = in->name;
		ix->line = in->lineno;
		kind = bp_json_str(rec, "kind");
		if (keep_lines)
			keep_line(r, in, kind);
		if (strcmp(kind, "sample") == 0) {
			take_sample(r, rec);
			cJSON_Delete(rec);
		} else if (strcmp(kind, "host") == 0) {
			take_host(r, rec);
		} else if (strcmp(kind, "result") == 0) {
			take_result(r, rec);
		} else if (strcmp(kind, "stat") == 0) {
			keep(r, rec);
			group_get(r, rec)->stat = rec;
			push(&r->stats, &r->nstats, &ix->capstats, rec);
		} else if (strcmp(kind, "diff") == 0) {
			keep(r, rec);
			push(&r->diffs, &r->ndiffs, &ix->capdiffs, rec);
		} else if (strcmp(kind, "monitor") == 0) {
			r->nmonitors++;
			cJSON_Delete(rec);
		} else {
			take_other(r, rec, kind);
		}
	}
	bp_in_close(in);
	if (r->nother > 1)
		qsort(r->other, r->nother, sizeof *r->other, cmp_kind);
	report_finish(r);
}

void
report_free(struct report *r)
{
	struct index *ix = r->index;
	size_t i, j;

	for (i = 0; sections[i]; i++)
		if (sections[i]->free && r->secstate[i])
			sections[i]->free(r->secstate[i]);
	free(r->secstate);
	for (i = 0; i < r->ngroups; i++) {
		struct group *g = r->groups[i];

		free(g->key);
		cJSON_Delete(g->keyrec);
		free(g->results);
		bp_vec_free(&g->lat);
		free(g);
	}
	free(r->groups);
	for (i = 0; i < r->nhosts; i++) {
		free(r->hosts[i]->id);
		free(r->hosts[i]->name);
		free(r->hosts[i]);
	}
	free(r->hosts);
	for (i = 0; i < r->nmodels; i++) {
		for (j = 0; j < r->models[i].npkeys; j++)
			free(r->models[i].pkeys[j]);
		for (j = 0; j < r->models[i].nextra; j++)
			free(r->models[i].extra[j]);
		free(r->models[i].pkeys);
		free(r->models[i].extra);
		cJSON_Delete(r->models[i].fixed);
	}
	free(r->models);
	for (i = 0; i < r->nsweeps; i++) {
		for (j = 0; j < r->sweeps[i].nseries; j++) {
			free(r->sweeps[i].series[j].label);
			free(r->sweeps[i].series[j].pts);
		}
		free(r->sweeps[i].series);
	}
	free(r->sweeps);
	for (i = 0; i < r->nother; i++)
		free(r->other[i].kind);
	free(r->other);
	for (i = 0; i < r->nkeep; i++)
		cJSON_Delete(r->keep[i]);
	free(r->keep);
	free(r->results);
	free(r->stats);
	free(r->diffs);
	free(r->fails);
	free(r->lines);
	bp_buf_free(&r->text);
	if (ix) {
		for (i = 0; i < ix->names.cap; i++)
			free(ix->names.vals[i]);
		map_free(&ix->names);
		map_free(&ix->hosts);
		map_free(&ix->groups);
		map_free(&ix->runs);
		map_free(&ix->kinds);
		free(ix);
	}
	memset(r, 0, sizeof *r);
}
