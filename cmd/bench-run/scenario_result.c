/*
 * scenario_result.c - a finished scenario run as records: the result
 * with its "scenario" object (statistics, throughput with LoadGen's
 * denominators, validity, early stopping, goodput) and, on request, one
 * "query" record per sample.  Field names are documented in
 * bench-records(5); change them there too.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cli.h"
#include "die.h"
#include "id.h"
#include "json.h"
#include "scenario_int.h"
#include "stats.h"
#include "timeutil.h"

/* What a run measured, gathered once from the samples. */
struct measured {
	struct i64vec lat, qlat, ttft, tpot, delay;
	uint64_t tokens;
	size_t completed, errors, incomplete, issued;
	size_t ok_slo;
	int token_mode;
	const char *err_type;		/* of the first failed sample */
	const char *err_msg;
	uint64_t err_id;
	struct {
		const char *type;
		size_t n;
	} by_type[8];
	int ntypes;
	struct bp_loadgen_run run;
};

static void
count_error(struct measured *m, const struct sample *x, uint64_t id)
{
	int k;

	m->errors++;
	if (!m->err_type) {
		m->err_type = x->err_type;
		m->err_msg = x->err_msg;
		m->err_id = id;
	}
	for (k = 0; k < m->ntypes; k++)
		if (strcmp(m->by_type[k].type, x->err_type) == 0)
			break;
	if (k == m->ntypes && m->ntypes < 8) {
		m->by_type[k].type = x->err_type;
		m->by_type[k].n = 0;
		m->ntypes++;
	}
	if (k < m->ntypes)
		m->by_type[k].n++;
}

static void
sample_error(struct sample *x, const char *type, const char *fmt, long n)
{
	char msg[160];

	snprintf(msg, sizeof msg, fmt, n);
	x->state = S_ERROR;
	x->err_type = type;
	free(x->err_msg);
	x->err_msg = bp_xstrdup(msg);
}

/* Token mode: TTFT from the first token, TPOT as LoadGen defines it; a
 * sample that cannot have them is an error, never a negative TPOT. */
static int
token_checks(struct sample *x, int64_t lat, int64_t *ttft, int64_t *tpot)
{
	if (x->first < 0) {
		sample_error(x, "parse_error", "done without a first token "
		    "(%ld tokens)", x->n_tokens);
		return -1;
	}
	*ttft = x->first - x->sched;
	if (bp_loadgen_tpot(lat, *ttft, x->n_tokens, tpot)) {
		sample_error(x, "wrong_result", "%ld tokens: TPOT needs at "
		    "least 2", x->n_tokens);
		return -1;
	}
	return 0;
}

static int
meets_slo(const struct engine *e, const struct measured *m, int64_t lat,
    int64_t ttft, int64_t tpot)
{
	const struct scen_opts *o = e->o;

	if (m->token_mode)
		return ttft <= (int64_t)(o->ttft_limit_ms * 1e6) &&
		    tpot <= (int64_t)(o->tpot_limit_ms * 1e6);
	return lat <= (int64_t)(o->target_latency_ms * 1e6);
}

static void
gather(struct engine *e, struct measured *m)
{
	const struct scen_opts *o = e->o;
	struct bp_loadgen_run *r = &m->run;
	int64_t lat, ttft = 0, tpot = 0;
	struct sample *x;
	struct query *q;
	size_t i;

	memset(m, 0, sizeof *m);
	m->token_mode = o->token_mode || e->token_seen;
	for (i = 0; i < e->ns; i++) {
		x = &e->s[i];
		if (x->state == S_PENDING)
			continue;
		m->issued++;
		i64_push(&m->delay, x->issued - x->sched);
		if (x->state == S_ISSUED) {
			m->incomplete++;
			continue;
		}
		lat = x->done - x->sched;
		if (x->state == S_DONE && m->token_mode &&
		    token_checks(x, lat, &ttft, &tpot) == 0) {
			i64_push(&m->ttft, ttft);
			i64_push(&m->tpot, tpot);
		}
		if (x->state == S_ERROR) {
			count_error(m, x, i);
			e->q[x->query].failed = 1;
			continue;
		}
		m->completed++;
		if (x->n_tokens > 0)
			m->tokens += (uint64_t)x->n_tokens;
		i64_push(&m->lat, lat);
		if (lat > r->max_latency_ns)
			r->max_latency_ns = lat;
		m->ok_slo += meets_slo(e, m, lat, ttft, tpot);
	}
	for (i = 0; i < e->nq; i++) {
		q = &e->q[i];
		if (q->issued < 0)
			continue;
		r->queries_issued++;
		r->final_scheduled_ns = q->sched;
		r->final_issued_ns = q->issued;
		r->final_done_ns = q->left == 0 && !q->failed ? q->done : -1;
		if (q->left == 0 && !q->failed)
			i64_push(&m->qlat, q->done - q->sched);
	}
	r->scenario = (enum bp_scenario_kind)o->scenario;
	r->target_percentile = o->scenario == BP_SCENARIO_SINGLE_STREAM ?
	    0.90 : 0.99;
	r->target_latency_ns = (int64_t)(o->target_latency_ms * 1e6);
	r->token_mode = m->token_mode;
	r->ttft_limit_ns = (int64_t)(o->ttft_limit_ms * 1e6);
	r->tpot_limit_ns = (int64_t)(o->tpot_limit_ms * 1e6);
	r->min_duration_ns = (int64_t)(o->min_duration_s * 1e9);
	r->min_query_count = o->scenario == BP_SCENARIO_OFFLINE ? 1 :
	    (uint64_t)o->min_queries;
	r->min_sample_count = o->scenario == BP_SCENARIO_OFFLINE ?
	    (e->nq ? e->q[0].n : 0) :
	    r->min_query_count * (uint64_t)o->samples_per_query;
	r->method = o->method;
	r->latency = m->lat.v;
	r->n_latency = m->lat.n;
	r->query_latency = m->qlat.v;
	r->n_query_latency = m->qlat.n;
	r->ttft = m->ttft.v;
	r->n_ttft = m->ttft.n;
	r->tpot = m->tpot.v;
	r->n_tpot = m->tpot.n;
}

static void
measured_free(struct measured *m)
{
	free(m->lat.v);
	free(m->qlat.v);
	free(m->ttft.v);
	free(m->tpot.v);
	free(m->delay.v);
}

static void
num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

/* {n, mean, stddev, min, max, p50 ... p999} in ms of sorted ns values. */
static void
add_stats(cJSON *parent, const char *name, int64_t *x, size_t n,
    enum bp_percentile_method method)
{
	static const struct {
		const char *k;
		double p;
	} pct[] = {
		{ "p50", 0.50 }, { "p90", 0.90 }, { "p95", 0.95 },
		{ "p97", 0.97 }, { "p99", 0.99 }, { "p999", 0.999 },
	};
	double *d, mean, sd;
	cJSON *o;
	size_t i;

	if (n == 0)
		return;
	bp_loadgen_sort(x, n);
	d = bp_xmalloc(n * sizeof *d);
	for (i = 0; i < n; i++)
		d[i] = (double)x[i] / 1e6;
	bp_stats_meanvar(d, n, &mean, &sd);
	o = cJSON_AddObjectToObject(parent, name);
	cJSON_AddNumberToObject(o, "n", (double)n);
	num(o, "mean", mean);
	num(o, "stddev", sd);
	num(o, "min", d[0]);
	num(o, "max", d[n - 1]);
	for (i = 0; i < sizeof pct / sizeof pct[0]; i++)
		num(o, pct[i].k, bp_loadgen_percentile(x, n, pct[i].p,
		    method) / 1e6);
	free(d);
}

/* LoadGen's denominators: server from the completion of the last issued
 * query, offline from the last completion, single-stream from the issue
 * of the last query; multi-stream (LoadGen reports none) from the
 * completion of the last query. */
static double
throughput_seconds(const struct engine *e, const struct measured *m)
{
	const struct bp_loadgen_run *r = &m->run;

	switch (e->o->scenario) {
	case BP_SCENARIO_SERVER:
	case BP_SCENARIO_MULTI_STREAM:
		return r->final_done_ns > 0 ? r->final_done_ns / 1e9 : NAN;
	case BP_SCENARIO_OFFLINE:
		return r->max_latency_ns > 0 ? r->max_latency_ns / 1e9 : NAN;
	default:
		return r->final_issued_ns > 0 ? r->final_issued_ns / 1e9 : NAN;
	}
}

static void
add_throughput(cJSON *rec, cJSON *sc, const struct engine *e,
    const struct measured *m, double *samples_ps, double *tokens_ps)
{
	double secs = throughput_seconds(e, m), n = (double)m->completed;
	cJSON *t;

	/* server and single-stream: [begin, end) holds N - 1 intervals */
	if (e->o->scenario == BP_SCENARIO_SERVER ||
	    e->o->scenario == BP_SCENARIO_SINGLE_STREAM)
		n -= 1;
	*samples_ps = m->completed ? n / secs : NAN;
	*tokens_ps = m->tokens ? (double)m->tokens / secs : NAN;
	t = cJSON_AddObjectToObject(sc, "throughput");
	num(t, "samples_per_s", *samples_ps);
	if (m->tokens)
		num(t, "tokens_per_s", *tokens_ps);
	t = cJSON_AddObjectToObject(rec, "throughput");
	num(t, "items_per_s", *samples_ps);
	if (m->tokens)
		num(t, "tokens_per_s", *tokens_ps);
}

static void
add_headline(cJSON *sc, const struct engine *e, const struct measured *m,
    double samples_ps, double tokens_ps)
{
	cJSON *h = cJSON_AddObjectToObject(sc, "headline");
	const struct bp_loadgen_run *r = &m->run;
	double p = r->target_percentile;

	switch (e->o->scenario) {
	case BP_SCENARIO_SINGLE_STREAM:
		cJSON_AddStringToObject(h, "metric", "p90_latency_ms");
		num(h, "value", bp_loadgen_percentile(r->latency, r->n_latency,
		    p, r->method) / 1e6);
		break;
	case BP_SCENARIO_MULTI_STREAM:
		cJSON_AddStringToObject(h, "metric", "p99_query_latency_ms");
		num(h, "value", bp_loadgen_percentile(r->query_latency,
		    r->n_query_latency, p, r->method) / 1e6);
		break;
	default:
		if (m->token_mode) {
			cJSON_AddStringToObject(h, "metric", "tokens_per_s");
			num(h, "value", tokens_ps);
		} else {
			cJSON_AddStringToObject(h, "metric", "samples_per_s");
			num(h, "value", samples_ps);
		}
		break;
	}
}

static void
add_es(cJSON *parent, const char *name, const struct bp_loadgen_es *es)
{
	cJSON *o = cJSON_AddObjectToObject(parent, name);

	cJSON_AddBoolToObject(o, "met", es->met);
	cJSON_AddNumberToObject(o, "queries_needed", (double)es->needed);
	cJSON_AddNumberToObject(o, "overlatency", (double)es->overlatency);
	if (es->estimate_ns >= 0)
		num(o, "estimate_ms", es->estimate_ns / 1e6);
	if (es->estimate99_ns >= 0)
		num(o, "estimate_p99_ms", es->estimate99_ns / 1e6);
}

static void
add_validity(cJSON *sc, struct measured *m, int *valid)
{
	struct bp_loadgen_validity v;
	cJSON *o, *a, *es;
	int i;

	bp_loadgen_validity(&m->run, &v);
	*valid = v.valid;
	o = cJSON_AddObjectToObject(sc, "validity");
	cJSON_AddBoolToObject(o, "valid", v.valid);
	cJSON_AddBoolToObject(o, "min_duration_met", v.min_duration_met);
	cJSON_AddBoolToObject(o, "min_queries_met", v.min_queries_met);
	cJSON_AddBoolToObject(o, "constraints_met", v.constraints_met);
	cJSON_AddBoolToObject(o, "early_stopping_met", v.early_stopping_met);
	a = cJSON_AddArrayToObject(o, "reasons");
	for (i = 0; i < v.nreasons; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v.reasons[i]));
	es = cJSON_AddObjectToObject(sc, "early_stopping");
	if (m->token_mode) {
		add_es(es, "ttft", &v.es_ttft);
		add_es(es, "tpot", &v.es_tpot);
	} else {
		add_es(es, "latency", &v.es);
	}
}

static void
add_settings(cJSON *sc, const struct engine *e, const struct measured *m)
{
	const struct scen_opts *o = e->o;
	cJSON *s = cJSON_AddObjectToObject(sc, "settings");

	cJSON_AddNumberToObject(s, "min_queries", (double)o->min_queries);
	cJSON_AddNumberToObject(s, "min_duration_s", o->min_duration_s);
	cJSON_AddNumberToObject(s, "target_percentile",
	    m->run.target_percentile);
	if (o->scenario == BP_SCENARIO_SERVER && !m->token_mode)
		cJSON_AddNumberToObject(s, "target_latency_ms",
		    o->target_latency_ms);
	if (m->token_mode) {
		cJSON_AddNumberToObject(s, "ttft_limit_ms", o->ttft_limit_ms);
		cJSON_AddNumberToObject(s, "tpot_limit_ms", o->tpot_limit_ms);
	}
	if (o->preset)
		cJSON_AddStringToObject(s, "preset", o->preset);
	cJSON_AddNumberToObject(s, "max_async", (double)o->max_async);
	cJSON_AddNumberToObject(s, "sample_timeout_s", o->sample_timeout_s);
	cJSON_AddBoolToObject(s, "official", o->official);
	if (o->input_len > 0)
		cJSON_AddNumberToObject(s, "input_len", (double)o->input_len);
	if (o->output_len > 0)
		cJSON_AddNumberToObject(s, "output_len",
		    (double)o->output_len);
}

/* Requests meeting every SLO, per second: the throughput's share of
 * them, so that goodput and throughput share a denominator. */
static void
add_goodput(cJSON *sc, const struct engine *e, const struct measured *m,
    double samples_ps)
{
	const struct scen_opts *o = e->o;
	cJSON *g, *slo;

	if (o->scenario == BP_SCENARIO_OFFLINE && !m->token_mode)
		return;
	g = cJSON_AddObjectToObject(sc, "goodput");
	cJSON_AddNumberToObject(g, "requests", (double)m->ok_slo);
	num(g, "requests_per_s", m->completed ? samples_ps *
	    (double)m->ok_slo / (double)m->completed : NAN);
	slo = cJSON_AddObjectToObject(g, "slo");
	if (m->token_mode) {
		cJSON_AddNumberToObject(slo, "ttft_ms", o->ttft_limit_ms);
		cJSON_AddNumberToObject(slo, "tpot_ms", o->tpot_limit_ms);
	} else {
		cJSON_AddNumberToObject(slo, "latency_ms", o->target_latency_ms);
	}
}

static void
add_problems(cJSON *rec, cJSON *sc, const struct engine *e,
    const struct measured *m)
{
	cJSON *w = cJSON_CreateArray(), *o;
	char buf[512];
	int k;

	if (m->errors) {
		o = cJSON_AddObjectToObject(sc, "errors");
		for (k = 0; k < m->ntypes; k++)
			cJSON_AddNumberToObject(o, m->by_type[k].type,
			    (double)m->by_type[k].n);
	}
	if (e->unknown || e->duplicate || e->late || e->invalid) {
		o = cJSON_AddObjectToObject(sc, "protocol");
		cJSON_AddNumberToObject(o, "unknown_ids", (double)e->unknown);
		cJSON_AddNumberToObject(o, "duplicates", (double)e->duplicate);
		cJSON_AddNumberToObject(o, "late", (double)e->late);
		cJSON_AddNumberToObject(o, "invalid_lines", (double)e->invalid);
	}
#define WARN(...) do { snprintf(buf, sizeof buf, __VA_ARGS__); \
	cJSON_AddItemToArray(w, cJSON_CreateString(buf)); } while (0)
	if (e->unknown)
		WARN("%lu answers for ids never issued", e->unknown);
	if (e->duplicate)
		WARN("%lu answers for samples already answered", e->duplicate);
	if (e->late)
		WARN("%lu answers after the sample timed out", e->late);
	if (e->invalid)
		WARN("%lu invalid protocol lines; the first: %s", e->invalid,
		    e->protocol_msg);
	if (e->exit.message[0] && !e->exit.type)
		WARN("%s", e->exit.message);
#undef WARN
	if (cJSON_GetArraySize(w))
		cJSON_AddItemToObject(rec, "warnings", w);
	else
		cJSON_Delete(w);
}

static void
add_error(cJSON *rec, const struct engine *e, const struct measured *m,
    const struct sut_exit *x)
{
	cJSON *err = cJSON_AddObjectToObject(rec, "error"), *cmd;
	char msg[768];
	int i;

	if (x) {
		cJSON_AddStringToObject(err, "type", x->type);
		snprintf(msg, sizeof msg, "%s", x->message);
	} else {
		cJSON_AddStringToObject(err, "type", m->err_type);
		snprintf(msg, sizeof msg, "%zu of %zu samples failed; sample "
		    "%llu: %s", m->errors, m->issued,
		    (unsigned long long)m->err_id,
		    m->err_msg ? m->err_msg : m->err_type);
		x = e->exit.type ? &e->exit : NULL;
	}
	cJSON_AddStringToObject(err, "message", msg);
	if (x && x->exit_code >= 0)
		cJSON_AddNumberToObject(err, "exit_code", x->exit_code);
	else
		cJSON_AddNullToObject(err, "exit_code");
	if (x && x->signal > 0)
		cJSON_AddNumberToObject(err, "signal", x->signal);
	else
		cJSON_AddNullToObject(err, "signal");
	cJSON_AddStringToObject(err, "stderr_tail", x && x->stderr_tail[0] ?
	    x->stderr_tail : e->exit.stderr_tail);
	if (e->c->argv) {
		cmd = cJSON_AddArrayToObject(err, "command");
		for (i = 0; e->c->argv[i]; i++)
			cJSON_AddItemToArray(cmd,
			    cJSON_CreateString(e->c->argv[i]));
	}
}

/* 0 ok, 1 failed, 2 interrupted, 3 skipped; the error, if any. */
static int
outcome(cJSON *rec, const struct engine *e, const struct measured *m)
{
	static const char *const names[] = {
		"ok", "failed", "interrupted", "skipped"
	};
	int st = 0;

	if (e->start_err.type) {
		st = strcmp(e->start_err.type, "unsupported") ? 1 : 3;
		add_error(rec, e, m, &e->start_err);
	} else if (e->failed) {
		st = 1;
		add_error(rec, e, m, &e->fail);
	} else if (m->errors) {
		st = 1;
		add_error(rec, e, m, NULL);
	} else if (e->exit.type) {
		st = 1;
		add_error(rec, e, m, &e->exit);
	}
	if (e->interrupted)
		st = 2;
	cJSON_AddStringToObject(rec, "status", names[st]);
	return st;
}

static void
add_metrics(cJSON *rec, const struct measured *m)
{
	cJSON *mt = cJSON_AddObjectToObject(rec, "metrics");
	const struct i64vec *v[] = { &m->lat, &m->ttft, &m->tpot };
	const char *name[] = { "latency_ms", "ttft_ms", "tpot_ms" };
	struct bp_summary s;
	double *d;
	size_t i, k;

	for (k = 0; k < 3; k++) {
		if (v[k]->n == 0)
			continue;
		d = bp_xmalloc(v[k]->n * sizeof *d);
		for (i = 0; i < v[k]->n; i++)
			d[i] = (double)v[k]->v[i] / 1e6;
		bp_stats_summary(d, v[k]->n, &s);
		bp_summary_json(cJSON_AddObjectToObject(mt, name[k]), &s);
		free(d);
	}
}

static double
peak_rss(const struct engine *e)
{
	struct rusage ru;

	if (e->exit.peak_rss_mb >= 0)
		return e->exit.peak_rss_mb;
	if (strcmp(e->sut_name, "pipe") == 0 ||
	    getrusage(RUSAGE_SELF, &ru))
		return -1;
	return ru.ru_maxrss / 1024.0;
}

cJSON *
scen_result(struct engine *e, int *status, int *valid)
{
	const struct scen_opts *o = e->o;
	cJSON *rec = scen_record(e->c, "result"), *sc;
	static const char *const schedules[] = { "poisson", "loadgen",
		"constant" };
	struct measured m;
	double sps, tps, rss;

	gather(e, &m);
	*status = outcome(rec, e, &m);
	cJSON_AddNumberToObject(rec, "iterations", (double)m.completed);
	cJSON_AddNumberToObject(rec, "warmups", 0);
	cJSON_AddNumberToObject(rec, "duration_s", e->wall_ns / 1e9);
	add_metrics(rec, &m);
	rss = peak_rss(e);
	if (rss >= 0)
		cJSON_AddNumberToObject(rec, "peak_rss_mb", rss);

	sc = cJSON_AddObjectToObject(rec, "scenario");
	cJSON_AddStringToObject(sc, "name", scen_name(o->scenario));
	cJSON_AddStringToObject(sc, "sut", e->sut_name);
	if (o->scenario == BP_SCENARIO_SERVER ||
	    (o->scenario == BP_SCENARIO_OFFLINE && e->qps > 0))
		cJSON_AddNumberToObject(sc, "target_qps", e->qps);
	if (o->scenario == BP_SCENARIO_SERVER) {
		cJSON_AddStringToObject(sc, "schedule", schedules[o->schedule]);
		cJSON_AddNumberToObject(sc, "scheduled_queries",
		    (double)e->sched.n);
	}
	/* a 64-bit seed does not fit a double: a string when it would
	 * not read back */
	if (o->seed < (1ull << 53)) {
		cJSON_AddNumberToObject(sc, "seed", (double)o->seed);
	} else {
		char b[24];

		snprintf(b, sizeof b, "%llu", (unsigned long long)o->seed);
		cJSON_AddStringToObject(sc, "seed", b);
	}
	cJSON_AddNumberToObject(sc, "samples_per_query",
	    o->scenario == BP_SCENARIO_OFFLINE && e->nq ? (double)e->q[0].n :
	    (double)o->samples_per_query);
	cJSON_AddNumberToObject(sc, "queries", (double)m.run.queries_issued);
	cJSON_AddNumberToObject(sc, "samples", (double)m.completed);
	cJSON_AddNumberToObject(sc, "samples_issued", (double)m.issued);
	if (m.incomplete)
		cJSON_AddNumberToObject(sc, "samples_incomplete",
		    (double)m.incomplete);
	num(sc, "duration_s", throughput_seconds(e, &m));
	cJSON_AddBoolToObject(sc, "token_mode", m.token_mode);
	if (m.tokens)
		cJSON_AddNumberToObject(sc, "tokens", (double)m.tokens);
	cJSON_AddStringToObject(sc, "percentile_method",
	    o->method == BP_PERCENTILE_LOADGEN ? "loadgen" : "interpolated");

	add_validity(sc, &m, valid);
	add_throughput(rec, sc, e, &m, &sps, &tps);
	add_headline(sc, e, &m, sps, tps);
	add_stats(sc, "latency_ms", m.lat.v, m.lat.n, o->method);
	if (o->scenario == BP_SCENARIO_MULTI_STREAM)
		add_stats(sc, "query_latency_ms", m.qlat.v, m.qlat.n,
		    o->method);
	add_stats(sc, "ttft_ms", m.ttft.v, m.ttft.n, o->method);
	add_stats(sc, "tpot_ms", m.tpot.v, m.tpot.n, o->method);
	add_stats(sc, "itl_ms", e->itl.v, e->itl.n, o->method);
	if (o->scenario == BP_SCENARIO_SERVER)
		add_stats(sc, "issue_delay_ms", m.delay.v, m.delay.n,
		    o->method);
	add_goodput(sc, e, &m, sps);
	add_settings(sc, e, &m);
	add_problems(rec, sc, e, &m);
	measured_free(&m);
	return rec;
}

/* The envelope fields a query record shares with its result. */
static void
copy_field(cJSON *to, const cJSON *from, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, k);

	if (v)
		cJSON_AddItemToObject(to, k, cJSON_Duplicate(v, 1));
}

cJSON *
scen_record(const struct scen_ctx *c, const char *kind)
{
	static const char *const env[] = { "run_id", "host_id", "model",
		"backend", "params", "labels" };
	char ts[BP_TS_LEN], id[BP_ID_LEN];
	cJSON *r;
	size_t i;

	bp_ts_now(ts);
	if (c->base && strcmp(kind, "result") == 0) {
		r = cJSON_Duplicate(c->base, 1);
		cJSON_DeleteItemFromObjectCaseSensitive(r, "kind");
		cJSON_DeleteItemFromObjectCaseSensitive(r, "ts");
		cJSON_AddStringToObject(r, "kind", kind);
		cJSON_AddStringToObject(r, "ts", ts);
		return r;
	}
	r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "kind", kind);
	cJSON_AddNumberToObject(r, "schema", BP_SCHEMA);
	cJSON_AddStringToObject(r, "ts", ts);
	if (c->base) {
		for (i = 0; i < sizeof env / sizeof env[0]; i++)
			copy_field(r, c->base, env[i]);
		return r;
	}
	if (c->run_id) {
		cJSON_AddStringToObject(r, "run_id", c->run_id);
	} else {
		bp_run_id(id);
		cJSON_AddStringToObject(r, "run_id", id);
	}
	if (c->host_id)
		cJSON_AddStringToObject(r, "host_id", c->host_id);
	cJSON_AddStringToObject(r, "model", c->model ? c->model : "scenario");
	cJSON_AddStringToObject(r, "backend", c->backend ? c->backend : "cpu");
	cJSON_AddItemToObject(r, "params", c->params ?
	    cJSON_Duplicate(c->params, 1) : cJSON_CreateObject());
	cJSON_AddItemToObject(r, "labels", c->labels ?
	    cJSON_Duplicate(c->labels, 1) : cJSON_CreateObject());
	return r;
}

void
scen_emit(struct bp_out *out, const cJSON *rec)
{
	if (bp_out_rec(out, rec))
		bp_die_errno("%s", strcmp(out->name, "-") ? out->name :
		    "stdout");
}

static void
ms(cJSON *o, const char *k, int64_t ns)
{
	if (ns >= 0)
		cJSON_AddNumberToObject(o, k, ns / 1e6);
	else
		cJSON_AddNullToObject(o, k);
}

void
scen_query_records(struct engine *e, struct bp_out *out)
{
	struct sample *x;
	cJSON *r, *err;
	int64_t tp;
	size_t i;

	for (i = 0; i < e->ns; i++) {
		x = &e->s[i];
		if (x->state == S_PENDING)
			continue;
		r = scen_record(e->c, "query");
		cJSON_AddStringToObject(r, "scenario", scen_name(e->o->scenario));
		cJSON_AddNumberToObject(r, "query", x->query);
		cJSON_AddNumberToObject(r, "id", (double)i);
		cJSON_AddNumberToObject(r, "sample", x->index);
		ms(r, "scheduled_ms", x->sched);
		ms(r, "issued_ms", x->issued);
		ms(r, "first_token_ms", x->first);
		ms(r, "done_ms", x->state == S_DONE ? x->done : -1);
		ms(r, "latency_ms", x->state == S_DONE ? x->done - x->sched :
		    -1);
		ms(r, "ttft_ms", x->state == S_DONE && x->first >= 0 ?
		    x->first - x->sched : -1);
		if (x->state == S_DONE && x->first >= 0 &&
		    bp_loadgen_tpot(x->done - x->sched, x->first - x->sched,
		    x->n_tokens, &tp) == 0)
			ms(r, "tpot_ms", tp);
		if (x->n_tokens > 0)
			cJSON_AddNumberToObject(r, "n_tokens",
			    (double)x->n_tokens);
		if (x->state == S_ERROR) {
			err = cJSON_AddObjectToObject(r, "error");
			cJSON_AddStringToObject(err, "type", x->err_type);
			cJSON_AddStringToObject(err, "message", x->err_msg ?
			    x->err_msg : x->err_type);
		} else if (x->state == S_ISSUED) {
			cJSON_AddBoolToObject(r, "incomplete", 1);
		}
		scen_emit(out, r);
		cJSON_Delete(r);
	}
}
