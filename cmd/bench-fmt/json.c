/*
 * json.c - the report as one JSON document for tools that want a single
 * object: {generated_at, benchpipe, hosts, summary, configurations,
 * results, stats, diffs, failures}, and trace when the input has
 * bench-trace records.  Records appear as they came; the configurations
 * are the rows the other formats show, with the numbers chosen the same
 * way (stat, else samples, else the latest result); the trace tables are
 * whole, in the order the report shows them.
 */
#include <math.h>
#include <stdlib.h>

#include "cli.h"
#include "fmt.h"
#include "json.h"
#include "timeutil.h"
#include "trace.h"

static cJSON *
num(double v)
{
	return isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static cJSON *
records(const cJSON *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_Duplicate(v[i], 1));
	return a;
}

static cJSON *
tlist(const struct tlist *l)
{
	return records(l->v, l->n);
}

static cJSON *
one(const cJSON *rec)
{
	return rec ? cJSON_Duplicate(rec, 1) : cJSON_CreateNull();
}

/* {traces: [{trace, rank, info, timeline, categories, ...}], job, diffs} */
static cJSON *
traces(const struct traces *s)
{
	cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray(), *x;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct trace *t = &s->v[i];

		x = cJSON_CreateObject();
		cJSON_AddItemToObject(x, "trace", *t->file ?
		    cJSON_CreateString(t->file) : cJSON_CreateNull());
		cJSON_AddItemToObject(x, "rank", num(t->rank));
		cJSON_AddItemToObject(x, "info", one(t->info));
		cJSON_AddItemToObject(x, "timeline", one(t->timeline));
		cJSON_AddItemToObject(x, "categories", tlist(&t->cats));
		cJSON_AddItemToObject(x, "ops", tlist(&t->ops));
		cJSON_AddItemToObject(x, "kernels", tlist(&t->kernels));
		cJSON_AddItemToObject(x, "perf", tlist(&t->perf));
		cJSON_AddItemToObject(x, "unified", tlist(&t->unified));
		cJSON_AddItemToObject(x, "short_kernels", tlist(&t->shorts));
		cJSON_AddItemToObject(x, "short_hist", tlist(&t->hist));
		cJSON_AddItemToObject(x, "steps", tlist(&t->steps));
		cJSON_AddItemToObject(x, "phases", tlist(&t->phases));
		cJSON_AddItemToObject(x, "phase_categories",
		    tlist(&t->phasecats));
		cJSON_AddItemToObject(x, "collectives", tlist(&t->colls));
		cJSON_AddItemToArray(a, x);
	}
	cJSON_AddItemToObject(o, "traces", a);
	if (s->ranks.n || s->stragglers.n || s->straggler_steps.n ||
	    s->syncs.n) {
		x = cJSON_CreateObject();
		cJSON_AddItemToObject(x, "ranks", tlist(&s->ranks));
		cJSON_AddItemToObject(x, "stragglers", tlist(&s->stragglers));
		cJSON_AddItemToObject(x, "straggler_steps",
		    tlist(&s->straggler_steps));
		cJSON_AddItemToObject(x, "collective_sync", tlist(&s->syncs));
	} else {
		x = cJSON_CreateNull();
	}
	cJSON_AddItemToObject(o, "job", x);
	a = cJSON_CreateArray();
	for (i = 0; i < s->ndiffs; i++) {
		const struct tdiff *d = &s->diffs[i];

		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "base", d->base);
		cJSON_AddStringToObject(x, "current", d->current);
		cJSON_AddItemToObject(x, "timeline", tlist(&d->timeline));
		cJSON_AddItemToObject(x, "categories", tlist(&d->cats));
		cJSON_AddItemToObject(x, "ops", tlist(&d->ops));
		cJSON_AddItemToObject(x, "other", tlist(&d->other));
		cJSON_AddItemToArray(a, x);
	}
	cJSON_AddItemToObject(o, "diffs", a);
	return o;
}

static cJSON *
hosts(const struct report *r)
{
	cJSON *a = cJSON_CreateArray(), *h;
	size_t i;

	for (i = 0; i < r->nhosts; i++) {
		const struct host *x = r->hosts[i];

		if (x->rec) {
			cJSON_AddItemToArray(a, cJSON_Duplicate(x->rec, 1));
			continue;
		}
		if (!x->used)
			continue;
		h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "host_id", x->id);
		cJSON_AddItemToObject(h, "summary", x->summary ?
		    cJSON_Duplicate(x->summary, 1) : cJSON_CreateNull());
		cJSON_AddItemToArray(a, h);
	}
	return a;
}

static const char *const sources[] = {
	[SRC_NONE] = "none", [SRC_STAT] = "stat", [SRC_SAMPLES] = "samples",
	[SRC_RESULT] = "result",
};

static cJSON *
configuration(const struct group *g)
{
	const struct row *w = &g->row;
	cJSON *c = cJSON_CreateObject(), *ci;

	cJSON_AddStringToObject(c, "model", g->model);
	cJSON_AddStringToObject(c, "backend", g->backend);
	cJSON_AddStringToObject(c, "host_id", g->host->id);
	cJSON_AddStringToObject(c, "host", g->host->name);
	cJSON_AddItemToObject(c, "params", cJSON_Duplicate(g->params, 1));
	cJSON_AddItemToObject(c, "labels", cJSON_Duplicate(g->labels, 1));
	cJSON_AddStringToObject(c, "source", sources[w->source]);
	cJSON_AddStringToObject(c, "status", status_name(group_status(g)));
	cJSON_AddItemToObject(c, "n", num(w->n));
	cJSON_AddItemToObject(c, "runs", num(w->runs));
	cJSON_AddItemToObject(c, "p50_ms", num(w->p50));
	if (!isnan(w->p50_lo)) {
		ci = cJSON_CreateArray();
		cJSON_AddItemToArray(ci, num(w->p50_lo));
		cJSON_AddItemToArray(ci, num(w->p50_hi));
		cJSON_AddItemToObject(c, "p50_ci95_ms", ci);
	} else {
		cJSON_AddNullToObject(c, "p50_ci95_ms");
	}
	cJSON_AddItemToObject(c, "p90_ms", num(w->p90));
	cJSON_AddItemToObject(c, "p99_ms", num(w->p99));
	cJSON_AddItemToObject(c, "mean_ms", num(w->mean));
	cJSON_AddItemToObject(c, "stddev_ms", num(w->stddev));
	cJSON_AddItemToObject(c, "cv", num(w->cv));
	cJSON_AddItemToObject(c, "items_per_s", num(w->tput));
	cJSON_AddItemToObject(c, "peak_rss_mb", num(w->rss_mb));
	cJSON_AddItemToObject(c, "gpu_power_w", num(w->gpu_power_w));
	cJSON_AddItemToObject(c, "items_per_joule", num(w->items_per_j));
	cJSON_AddItemToObject(c, "check", w->check < 0 ? cJSON_CreateNull() :
	    cJSON_CreateBool(w->check));
	cJSON_AddBoolToObject(c, "best", w->best);
	return c;
}

static cJSON *
summary(const struct report *r)
{
	cJSON *s = cJSON_CreateObject(), *o, *a, *b;
	size_t i;
	int st;

	cJSON_AddNumberToObject(s, "configurations", (double)r->ngroups);
	a = cJSON_CreateArray();
	for (i = 0; i < r->nmodels; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->models[i].name));
	cJSON_AddItemToObject(s, "models", a);
	o = cJSON_CreateObject();
	for (st = ST_OK; st < ST_NSTATUS; st++)
		cJSON_AddNumberToObject(o, status_name(st),
		    (double)r->nstatus[st]);
	cJSON_AddItemToObject(s, "runs", o);
	cJSON_AddNumberToObject(s, "samples", (double)r->nsamples);
	cJSON_AddNumberToObject(s, "warmups", (double)r->nwarmups);
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "critical", (double)r->nsev[0]);
	cJSON_AddNumberToObject(o, "major", (double)r->nsev[1]);
	cJSON_AddNumberToObject(o, "minor", (double)r->nsev[2]);
	cJSON_AddNumberToObject(o, "unrated", (double)r->nsev[3]);
	cJSON_AddItemToObject(s, "regressions", o);
	cJSON_AddNumberToObject(s, "improvements", (double)r->nimproved);
	cJSON_AddNumberToObject(s, "unchanged", (double)r->nunchanged);
	a = cJSON_CreateArray();
	for (i = 0; i < r->nmodels; i++) {
		const struct model *m = &r->models[i];

		if (!m->best)
			continue;
		b = cJSON_CreateObject();
		cJSON_AddStringToObject(b, "model", m->name);
		cJSON_AddStringToObject(b, "backend", m->best->backend);
		cJSON_AddStringToObject(b, "host", m->best->host->name);
		cJSON_AddItemToObject(b, "params",
		    cJSON_Duplicate(m->best->params, 1));
		cJSON_AddStringToObject(b, "by", m->hl == HL_TPUT ?
		    "items_per_s" : m->hl == HL_METRIC ? m->hl_metric :
		    "p50_ms");
		cJSON_AddItemToObject(b, "value", num(model_headline(m,
		    m->best)));
		cJSON_AddItemToArray(a, b);
	}
	cJSON_AddItemToObject(s, "best", a);
	o = cJSON_CreateObject();
	for (i = 0; i < r->nother; i++)
		cJSON_AddNumberToObject(o, r->other[i].kind,
		    (double)r->other[i].n);
	cJSON_AddItemToObject(s, "not_shown", o);
	return s;
}

static cJSON *
failures(const struct report *r)
{
	cJSON *a = cJSON_CreateArray(), *f, *v;
	static const char *const keep[] = { "ts", "run_id", "host_id",
	    "model", "backend", "params", "labels", "status", "command",
	    "error" };
	size_t i, k;

	for (i = 0; i < r->nfails; i++) {
		f = cJSON_CreateObject();
		for (k = 0; k < sizeof keep / sizeof keep[0]; k++) {
			v = cJSON_GetObjectItemCaseSensitive(r->fails[i],
			    keep[k]);
			if (v)
				cJSON_AddItemToObject(f, keep[k],
				    cJSON_Duplicate(v, 1));
		}
		cJSON_AddItemToArray(a, f);
	}
	return a;
}

static void
json_report(const struct report *r, FILE *f, const struct opts *o)
{
	cJSON *doc = cJSON_CreateObject(), *a;
	struct bp_buf compact = { 0 }, pretty = { 0 };
	char ts[BP_TS_LEN];
	struct timespec t = { .tv_sec = o->now };
	size_t i;

	bp_ts_format(ts, &t);
	cJSON_AddItemToObject(doc, "generated_at", o->stamp ?
	    cJSON_CreateString(ts) : cJSON_CreateNull());
	cJSON_AddStringToObject(doc, "benchpipe", bp_version);
	cJSON_AddStringToObject(doc, "title", o->title);
	cJSON_AddItemToObject(doc, "hosts", hosts(r));
	cJSON_AddItemToObject(doc, "summary", summary(r));
	a = cJSON_CreateArray();
	for (i = 0; i < r->ngroups; i++)
		cJSON_AddItemToArray(a, configuration(r->groups[i]));
	cJSON_AddItemToObject(doc, "configurations", a);
	cJSON_AddItemToObject(doc, "results", records(r->results, r->nresults));
	cJSON_AddItemToObject(doc, "stats", records(r->stats, r->nstats));
	cJSON_AddItemToObject(doc, "diffs", records(r->diffs, r->ndiffs));
	cJSON_AddItemToObject(doc, "failures", failures(r));
	if (trace_model(r))
		cJSON_AddItemToObject(doc, "trace", traces(trace_model(r)));
	bp_json_write(&compact, doc, 0, NULL);
	bp_json_indent(&pretty, compact.p, compact.len);
	bp_buf_addc(&pretty, '\n');
	fwrite(pretty.p, 1, pretty.len, f);
	bp_buf_free(&compact);
	bp_buf_free(&pretty);
	cJSON_Delete(doc);
}

const struct format fmt_json = { "json", "json", json_report, 0 };
