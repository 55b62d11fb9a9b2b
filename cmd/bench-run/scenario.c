/*
 * scenario.c - driving a scenario run: one issuing thread sends samples
 * to the SUT on schedule (server: absolute CLOCK_MONOTONIC sleeps to a
 * schedule made in advance; single/multi-stream: the next query when the
 * last completed; offline: everything at once), the SUT's threads report
 * events, and the calling thread enforces the per-sample timeout and
 * waits for the end.  scenario_result.c turns the run into records.
 *
 * Latency always counts from the scheduled time, as in LoadGen: a late
 * issue is latency.  Unlike LoadGen, a sample never waits for ever.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "buf.h"
#include "die.h"
#include "id.h"
#include "ndjson.h"
#include "scenario_int.h"
#include "timeutil.h"

#define SLICE_NS 50000000LL	/* how often sleepers look at stop flags */

void
i64_push(struct i64vec *v, int64_t x)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 1024;
		v->v = bp_xrealloc(v->v, v->cap * sizeof *v->v);
	}
	v->v[v->n++] = x;
}

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- events from the SUT (any thread) ---- */

static struct sample *
lookup(struct engine *e, uint64_t id)
{
	if (id >= e->ns || e->s[id].state == S_PENDING) {
		e->unknown++;
		return NULL;
	}
	return &e->s[id];
}

/* A sample reached its end; mu is held. */
static void
resolve(struct engine *e, struct sample *x, int64_t t)
{
	struct query *q = &e->q[x->query];

	e->outstanding--;
	if (x->state == S_ERROR)
		q->failed = 1;
	if (--q->left == 0)
		q->done = t;
	if (e->issuer_waiting)
		pthread_cond_signal(&e->cv_issue);
	if (e->outstanding == 0 && e->issuing_done)
		pthread_cond_signal(&e->cv_main);
}

static void
fail_sample(struct engine *e, struct sample *x, int64_t t, const char *type,
    const char *msg)
{
	x->state = S_ERROR;
	x->done = t;
	x->err_type = type;
	free(x->err_msg);
	x->err_msg = msg ? bp_xstrdup(msg) : NULL;
	resolve(e, x, t);
}

/* An answer for a sample that already ended. */
static void
answered_again(struct engine *e, struct sample *x)
{
	if (x->state == S_ERROR && x->err_type &&
	    strcmp(x->err_type, "timeout") == 0)
		e->late++;
	else
		e->duplicate++;
}

static void
ev_token(void *ctx, uint64_t id, uint64_t t)
{
	struct engine *e = ctx;
	struct sample *x;
	int64_t rel;

	pthread_mutex_lock(&e->mu);
	rel = (int64_t)(t - e->t0);
	x = lookup(e, id);
	if (x && x->state != S_ISSUED) {
		answered_again(e, x);
	} else if (x && x->first < 0) {
		x->first = x->last_token = rel;
		e->token_seen = 1;
	} else if (x) {
		i64_push(&e->itl, rel - x->last_token);
		x->last_token = rel;
	}
	pthread_mutex_unlock(&e->mu);
}

static void
ev_first_token(void *ctx, uint64_t id, uint64_t t)
{
	struct engine *e = ctx;
	struct sample *x;

	pthread_mutex_lock(&e->mu);
	x = lookup(e, id);
	if (x && (x->state != S_ISSUED || x->first >= 0)) {
		answered_again(e, x);
		x = NULL;
	}
	pthread_mutex_unlock(&e->mu);
	if (x)
		ev_token(ctx, id, t);
}

static void
ev_done(void *ctx, uint64_t id, uint64_t t, long n_tokens)
{
	struct engine *e = ctx;
	struct sample *x;

	pthread_mutex_lock(&e->mu);
	x = lookup(e, id);
	if (x && x->state != S_ISSUED) {
		answered_again(e, x);
	} else if (x) {
		x->state = S_DONE;
		x->done = (int64_t)(t - e->t0);
		x->n_tokens = n_tokens;
		resolve(e, x, x->done);
	}
	pthread_mutex_unlock(&e->mu);
}

static void
ev_error(void *ctx, uint64_t id, uint64_t t, const char *type,
    const char *msg)
{
	struct engine *e = ctx;
	struct sample *x;

	pthread_mutex_lock(&e->mu);
	x = lookup(e, id);
	if (x && x->state != S_ISSUED)
		answered_again(e, x);
	else if (x)
		fail_sample(e, x, (int64_t)(t - e->t0), type, msg);
	pthread_mutex_unlock(&e->mu);
}

static void
ev_protocol(void *ctx, const char *msg)
{
	struct engine *e = ctx;

	pthread_mutex_lock(&e->mu);
	if (e->invalid++ == 0)
		snprintf(e->protocol_msg, sizeof e->protocol_msg, "%s", msg);
	pthread_mutex_unlock(&e->mu);
}

/* The SUT is gone: fail what is outstanding, issue nothing more. */
static void
ev_failed(void *ctx, const struct sut_exit *x)
{
	struct engine *e = ctx;
	int64_t t;
	size_t i;

	pthread_mutex_lock(&e->mu);
	t = (int64_t)(bp_mono_ns() - e->t0);
	if (!e->failed) {
		e->failed = 1;
		e->fail = *x;
	}
	atomic_store(&e->stop_issue, 1);
	for (i = e->oldest; i < e->ns; i++)
		if (e->s[i].state == S_ISSUED)
			fail_sample(e, &e->s[i], t, x->type, x->message);
	pthread_cond_broadcast(&e->cv_issue);
	pthread_cond_broadcast(&e->cv_main);
	pthread_mutex_unlock(&e->mu);
}

/* ---- the issuing thread ---- */

static int
stopping(struct engine *e)
{
	return atomic_load(&e->stop_issue);
}

/* Sleeps to the absolute monotonic time t (ns), in slices so that a stop
 * is seen.  The last slice ends exactly at t. */
static void
sleep_until(struct engine *e, uint64_t t)
{
	struct timespec ts;
	uint64_t now, next;

	while (!stopping(e) && (now = bp_mono_ns()) < t) {
		next = t - now > SLICE_NS ? now + SLICE_NS : t;
		ts.tv_sec = (time_t)(next / 1000000000ull);
		ts.tv_nsec = (long)(next % 1000000000ull);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

/* New query and its samples, all PENDING; mu is held. */
static size_t
new_query(struct engine *e, int64_t sched, size_t n)
{
	struct query *q;
	struct sample *x;
	size_t i;

	if (e->nq == e->qcap) {
		e->qcap = e->qcap ? 2 * e->qcap : 1024;
		e->q = bp_xrealloc(e->q, e->qcap * sizeof *e->q);
	}
	if (e->ns + n > e->cap) {
		while (e->ns + n > e->cap)
			e->cap = e->cap ? 2 * e->cap : 1024;
		e->s = bp_xrealloc(e->s, e->cap * sizeof *e->s);
	}
	q = &e->q[e->nq];
	q->sched = sched;
	q->issued = q->done = -1;
	q->first = e->ns;
	q->n = q->left = n;
	q->failed = 0;
	for (i = 0; i < n; i++) {
		x = &e->s[e->ns++];
		memset(x, 0, sizeof *x);
		x->sched = sched;
		x->issued = x->first = x->last_token = x->done = -1;
		x->query = (uint32_t)e->nq;
		x->index = (uint32_t)(splitmix(&e->rng) % e->data->size);
		x->state = S_PENDING;
	}
	return e->nq++;
}

static void
issue_sample(struct engine *e, size_t id)
{
	const struct prompt *p = NULL;
	struct sut_query sq = { 0 };
	struct sample *x;
	int64_t t;

	pthread_mutex_lock(&e->mu);
	if (stopping(e)) {
		pthread_mutex_unlock(&e->mu);
		return;
	}
	x = &e->s[id];
	t = (int64_t)(bp_mono_ns() - e->t0);
	x->issued = t;
	x->state = S_ISSUED;
	if (e->q[x->query].issued < 0)
		e->q[x->query].issued = t;
	e->outstanding++;
	sq.id = id;
	sq.sample = x->index;
	pthread_mutex_unlock(&e->mu);

	if (e->data->n)
		p = &e->data->p[sq.sample % e->data->n];
	sq.max_tokens = e->o->output_len > 0 ? (int)e->o->output_len : 0;
	if (p) {
		sq.prompt = p->text;
		sq.tokens = p->tokens;
		sq.n_tokens = p->n_tokens;
		if (p->max_tokens > 0)
			sq.max_tokens = p->max_tokens;
	}
	if (e->sut.ops->issue(&e->sut, &sq) == 0)
		return;
	pthread_mutex_lock(&e->mu);
	x = &e->s[id];
	if (x->state == S_ISSUED)
		fail_sample(e, x, (int64_t)(bp_mono_ns() - e->t0),
		    e->failed ? e->fail.type : "execution_error",
		    e->failed ? e->fail.message :
		    "the SUT took no more samples");
	atomic_store(&e->stop_issue, 1);
	pthread_cond_broadcast(&e->cv_main);
	pthread_mutex_unlock(&e->mu);
}

static void
issue_server(struct engine *e)
{
	size_t i, qi, n = e->sched.n;
	long cap = e->o->max_async;

	for (i = 0; i < n && !stopping(e); i++) {
		sleep_until(e, e->t0 + (uint64_t)e->sched.t[i]);
		pthread_mutex_lock(&e->mu);
		/* a cap waits; the wait counts as latency */
		while (cap > 0 && e->outstanding >= (size_t)cap &&
		    !stopping(e)) {
			e->issuer_waiting = 1;
			pthread_cond_wait(&e->cv_issue, &e->mu);
			e->issuer_waiting = 0;
		}
		qi = new_query(e, e->sched.t[i], 1);
		pthread_mutex_unlock(&e->mu);
		if (stopping(e))
			break;
		issue_sample(e, e->q[qi].first);
	}
}

/* Single- and multi-stream: the next query when the last completed,
 * until both the query count and the duration are reached. */
static void
issue_stream(struct engine *e)
{
	size_t qi, k, spq = (size_t)e->o->samples_per_query;
	int64_t t, min_ns = (int64_t)(e->o->min_duration_s * 1e9);
	struct query *q;

	while (!stopping(e)) {
		t = (int64_t)(bp_mono_ns() - e->t0);
		pthread_mutex_lock(&e->mu);
		qi = new_query(e, t, spq);
		pthread_mutex_unlock(&e->mu);
		for (k = 0; k < spq; k++)
			issue_sample(e, e->q[qi].first + k);
		pthread_mutex_lock(&e->mu);
		q = &e->q[qi];
		while (q->left > 0 && !stopping(e)) {
			e->issuer_waiting = 1;
			pthread_cond_wait(&e->cv_issue, &e->mu);
			e->issuer_waiting = 0;
			q = &e->q[qi];
		}
		pthread_mutex_unlock(&e->mu);
		if (e->nq >= (size_t)e->o->min_queries && t >= min_ns)
			break;
	}
}

/* Offline: every sample in one query at the start (LoadGen makes the
 * query 1.1 x min duration x expected QPS samples, or min queries). */
static void
issue_offline(struct engine *e)
{
	double want = 1.1 * e->o->min_duration_s * e->qps;
	size_t n = (size_t)e->o->min_queries, qi, k;

	if (e->qps > 0 && want > (double)n)
		n = (size_t)want;
	pthread_mutex_lock(&e->mu);
	qi = new_query(e, 0, n);
	pthread_mutex_unlock(&e->mu);
	for (k = 0; k < n && !stopping(e); k++)
		issue_sample(e, e->q[qi].first + k);
}

static void *
issuer(void *arg)
{
	struct engine *e = arg;
	sigset_t set;

	/* a SUT that goes away must not kill us with SIGPIPE: the write
	 * fails with EPIPE, and the signal, pending on this thread, dies
	 * with it */
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	/* wake on time, not up to 50 us late */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	switch (e->o->scenario) {
	case BP_SCENARIO_SERVER:
		issue_server(e);
		break;
	case BP_SCENARIO_OFFLINE:
		issue_offline(e);
		break;
	default:
		issue_stream(e);
		break;
	}
	pthread_mutex_lock(&e->mu);
	e->issuing_done = 1;
	pthread_cond_broadcast(&e->cv_main);
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* ---- the calling thread: timeouts and the end ---- */

static void
abs_time(struct timespec *ts, uint64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000ull);
	ts->tv_nsec = (long)(ns % 1000000000ull);
}

/* Fails the oldest outstanding samples past their deadline; returns the
 * next deadline (absolute ns), or 0.  mu is held. */
static uint64_t
expire(struct engine *e, uint64_t now)
{
	int64_t limit = (int64_t)(e->o->sample_timeout_s * 1e9);
	char msg[128];
	struct sample *x;

	while (e->oldest < e->ns) {
		x = &e->s[e->oldest];
		if (x->state == S_DONE || x->state == S_ERROR) {
			e->oldest++;
			continue;
		}
		if (x->state == S_PENDING)
			return 0;
		if ((int64_t)(now - e->t0) < x->issued + limit)
			return e->t0 + (uint64_t)(x->issued + limit);
		snprintf(msg, sizeof msg, "no answer within %g s",
		    e->o->sample_timeout_s);
		fail_sample(e, x, (int64_t)(now - e->t0), "timeout", msg);
		/* the SUT is stuck: issue nothing more, let the rest expire */
		atomic_store(&e->stop_issue, 1);
		pthread_cond_broadcast(&e->cv_issue);
	}
	return 0;
}

static void
wait_for_end(struct engine *e)
{
	struct timespec ts;
	uint64_t now, next;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		if (e->c->stop && *e->c->stop) {
			e->interrupted = 1;
			atomic_store(&e->stop_issue, 1);
			pthread_cond_broadcast(&e->cv_issue);
			break;
		}
		if (e->issuing_done && e->outstanding == 0)
			break;
		now = bp_mono_ns();
		next = expire(e, now);
		if (next == 0 || next > now + SLICE_NS)
			next = now + SLICE_NS;
		abs_time(&ts, next);
		pthread_cond_timedwait(&e->cv_main, &e->mu, &ts);
	}
	pthread_mutex_unlock(&e->mu);
}

static const struct sut_ops *
pick_sut(const struct scen_opts *o, const struct scen_ctx *c,
    struct sut_config *cfg)
{
	const char *s = o->sut;

	if (s && strncmp(s, "openai:", 7) == 0) {
		cfg->url = s + 7;
		return &sut_openai_ops;
	}
	if ((s && strcmp(s, "null") == 0) ||
	    (!s && !c->argv && c->model && strcmp(c->model, "null") == 0))
		return &sut_null_ops;
	if ((s && strcmp(s, "tinylm") == 0) ||
	    (!s && !c->argv && c->model && strcmp(c->model, "tinylm") == 0))
		return &sut_tinylm_ops;
	if (c->argv && c->argv[0])
		return &sut_pipe_ops;
	bp_usage_error("--scenario needs a COMMAND, --sut openai:URL, "
	    "--sut null or -m tinylm");
}

static void
engine_free(struct engine *e)
{
	size_t i;

	for (i = 0; i < e->ns; i++)
		free(e->s[i].err_msg);
	free(e->s);
	free(e->q);
	free(e->itl.v);
	bp_schedule_free(&e->sched);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv_main);
	pthread_cond_destroy(&e->cv_issue);
}

static void
engine_init(struct engine *e, const struct scen_opts *o,
    const struct scen_ctx *c, const struct dataset *d, double qps)
{
	pthread_condattr_t ca;

	memset(e, 0, sizeof *e);
	e->o = o;
	e->c = c;
	e->data = d;
	e->qps = qps;
	e->rng = o->seed ^ 0x5a4d504c45ull;
	pthread_mutex_init(&e->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cv_main, &ca);
	pthread_cond_init(&e->cv_issue, &ca);
	pthread_condattr_destroy(&ca);
	e->ev.ctx = e;
	e->ev.first_token = ev_first_token;
	e->ev.token = ev_token;
	e->ev.done = ev_done;
	e->ev.error = ev_error;
	e->ev.protocol = ev_protocol;
	e->ev.failed = ev_failed;
	e->exit.exit_code = -1;
	e->exit.peak_rss_mb = -1;
}

/* One run at one QPS: its records written, its outcome returned. */
static cJSON *
run_once(const struct scen_opts *o, const struct scen_ctx *c,
    const struct dataset *d, double qps, struct bp_out *out, int *status,
    int *valid)
{
	struct sut_config cfg = { 0 };
	const struct sut_ops *ops;
	struct engine e;
	pthread_t th;
	cJSON *rec;
	uint64_t end;

	engine_init(&e, o, c, d, qps);
	ops = pick_sut(o, c, &cfg);
	e.sut_name = ops->name;
	cfg.argv = c->argv;
	cfg.model_name = o->model_name;
	cfg.params = c->params;
	cfg.backend = c->backend ? c->backend : "cpu";
	cfg.threads = c->threads;
	cfg.token_mode = o->token_mode;
	cfg.timeout_s = o->sample_timeout_s;
	cfg.wait_ready = o->wait_ready;
	cfg.abort = &e.stop_issue;
	if (o->scenario == BP_SCENARIO_SERVER &&
	    bp_schedule_make(&e.sched, o->schedule, o->seed, qps,
	    (int64_t)(o->min_duration_s * 1e9), (uint64_t)o->min_queries))
		bp_die("--target-qps %g: no schedule fits in memory", qps);
	e.sut.ops = ops;
	e.sut.ev = &e.ev;
	e.start_err.exit_code = -1;
	if (ops->start(&e.sut, &cfg, &e.start_err) == 0) {
		/* the SUT's threads run already: they read t0 under mu */
		pthread_mutex_lock(&e.mu);
		e.t0 = bp_mono_ns();
		pthread_mutex_unlock(&e.mu);
		if (pthread_create(&th, NULL, issuer, &e))
			bp_die_errno("pthread_create");
		wait_for_end(&e);
		pthread_join(th, NULL);
		end = bp_mono_ns();
		ops->stop(&e.sut, &e.exit);
		e.wall_ns = (int64_t)(end - e.t0);
	} else if (!e.start_err.type) {
		e.start_err.type = "execution_error";
	}
	rec = scen_result(&e, status, valid);
	if (o->query_records)
		scen_query_records(&e, out);
	engine_free(&e);
	return rec;
}

/* ---- the data set ---- */

static void
load_prompts(struct dataset *d, const char *path)
{
	struct bp_in in;
	char *names[1] = { (char *)path };
	const cJSON *p, *m, *it;
	cJSON *rec;
	struct prompt *pr;
	size_t cap = 0;
	int k;

	bp_in_init(&in, names, 1, 0);
	while ((k = bp_in_next_line(&in)) == BP_IN_OK) {
		rec = cJSON_ParseWithLength(in.line, in.len);
		if (!rec || !cJSON_IsObject(rec))
			bp_die("%s:%lu: expected a JSON object", path,
			    in.lineno);
		if (d->n == cap) {
			cap = cap ? 2 * cap : 64;
			d->p = bp_xrealloc(d->p, cap * sizeof *d->p);
		}
		pr = &d->p[d->n];
		memset(pr, 0, sizeof *pr);
		p = cJSON_GetObjectItemCaseSensitive(rec, "prompt");
		if (cJSON_IsString(p)) {
			pr->text = bp_xstrdup(p->valuestring);
		} else if (cJSON_IsArray(p) && cJSON_GetArraySize(p) > 0) {
			pr->n_tokens = cJSON_GetArraySize(p);
			pr->tokens = bp_xmalloc((size_t)pr->n_tokens *
			    sizeof *pr->tokens);
			k = 0;
			cJSON_ArrayForEach(it, p) {
				if (!cJSON_IsNumber(it) || it->valuedouble < 0 ||
				    it->valuedouble > 2147483647.0)
					bp_die("%s:%lu: \"prompt\" token ids must "
					    "be non-negative integers", path,
					    in.lineno);
				pr->tokens[k++] = (int32_t)it->valuedouble;
			}
		} else {
			bp_die("%s:%lu: expected \"prompt\": a string or an "
			    "array of token ids", path, in.lineno);
		}
		m = cJSON_GetObjectItemCaseSensitive(rec, "max_tokens");
		if (!m)
			m = cJSON_GetObjectItemCaseSensitive(rec, "output_len");
		if (cJSON_IsNumber(m) && m->valuedouble >= 1 &&
		    m->valuedouble < 1e7)
			pr->max_tokens = (int)m->valuedouble;
		d->n++;
		cJSON_Delete(rec);
	}
	if (k == BP_IN_IOERR)
		bp_die("%s", in.err);
	bp_in_close(&in);
	if (d->n == 0)
		bp_die("%s: no prompts", path);
}

/* Prompts of n token ids, the same for a seed on every machine. */
static void
make_prompts(struct dataset *d, long n, uint64_t seed)
{
	uint64_t r = seed ^ 0x70726f6d7074ull;
	size_t i;
	long k;

	d->n = 256;
	d->p = bp_xmalloc(d->n * sizeof *d->p);
	for (i = 0; i < d->n; i++) {
		memset(&d->p[i], 0, sizeof d->p[i]);
		d->p[i].n_tokens = (int)n;
		d->p[i].tokens = bp_xmalloc((size_t)n * sizeof(int32_t));
		for (k = 0; k < n; k++)
			d->p[i].tokens[k] = (int32_t)(100 + splitmix(&r) %
			    10000);
	}
}

static void
dataset_free(struct dataset *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->p[i].text);
		free(d->p[i].tokens);
	}
	free(d->p);
}

/* ---- the runs ---- */

static void
add_peak(cJSON *rec, int trial, double lo, double hi, double peak)
{
	cJSON *sc = cJSON_GetObjectItemCaseSensitive(rec, "scenario");
	cJSON *fp = cJSON_AddObjectToObject(sc, "find_peak");

	cJSON_AddNumberToObject(fp, "trial", trial);
	cJSON_AddNumberToObject(fp, "lower_qps", lo);
	if (isfinite(hi))
		cJSON_AddNumberToObject(fp, "upper_qps", hi);
	else
		cJSON_AddNullToObject(fp, "upper_qps");
	if (peak >= 0) {
		cJSON_AddBoolToObject(fp, "final", 1);
		cJSON_AddNumberToObject(fp, "peak_qps", peak);
	}
}

/*
 * The highest server QPS that stays VALID: double (or halve) from
 * --target-qps until the answer is bracketed, then bisect to
 * --qps-precision.  Every trial is its own result; the last one says
 * which QPS won (0 when none was valid).
 */
static int
find_peak(const struct scen_opts *o, const struct scen_ctx *c,
    const struct dataset *d, struct bp_out *out)
{
	double lo = 0, hi = INFINITY, q = o->target_qps;
	int trial, status = 0, valid, rc = 0, last;
	cJSON *rec;

	for (trial = 0; trial < 40; trial++) {
		rec = run_once(o, c, d, q, out, &status, &valid);
		if (status == 0 && valid)
			lo = q;
		else
			hi = q;
		if (status != 0 && status != 3)
			rc = 1;
		if (isfinite(hi) && lo > 0)
			q = (lo + hi) / 2;
		else if (isfinite(hi))
			q = hi / 2;
		else
			q = 2 * lo;
		/* past a million QPS the schedule alone is the limit */
		last = status != 0 || hi - lo <= o->qps_precision ||
		    (lo == 0 && q < o->qps_precision) || q > 1e6 ||
		    trial == 39 || (c->stop && *c->stop);
		add_peak(rec, trial, lo, hi, last ? lo : -1);
		scen_emit(out, rec);
		cJSON_Delete(rec);
		if (last)
			break;
	}
	return rc;
}

int
scen_run(const struct scen_opts *o, const struct scen_ctx *c,
    struct bp_out *out)
{
	struct dataset d = { 0 };
	struct scen_opts eff = *o;
	struct scen_ctx ctx = *c;
	const char *sut = o->sut ? o->sut : "";
	char id[BP_ID_LEN];
	int status = 0, valid, rc;
	cJSON *rec;

	/* one run id for the records of this call */
	if (!c->base && !c->run_id) {
		bp_run_id(id);
		ctx.run_id = id;
	}
	c = &ctx;
	/* what the LLM SUTs need when nothing was said */
	if (strcmp(sut, "tinylm") == 0 || strncmp(sut, "openai:", 7) == 0 ||
	    (!o->sut && !c->argv && c->model &&
	    strcmp(c->model, "tinylm") == 0)) {
		if (!o->prompts && eff.input_len < 0)
			eff.input_len = sut[0] == 'o' ? 128 : 32;
		if (eff.output_len < 0)
			eff.output_len = sut[0] == 'o' ? 64 : 16;
	}
	if (o->prompts)
		load_prompts(&d, o->prompts);
	else if (eff.input_len > 0)
		make_prompts(&d, eff.input_len, o->seed);
	d.size = d.n ? d.n : 1024;
	if (o->find_peak) {
		rc = find_peak(&eff, c, &d, out);
	} else {
		rec = run_once(&eff, c, &d, eff.target_qps, out, &status,
		    &valid);
		scen_emit(out, rec);
		cJSON_Delete(rec);
		rc = status == 0 || status == 3 ? 0 : 1;
	}
	dataset_free(&d);
	return rc;
}
