/*
 * worker.c - the built-in models' side of the ndjson protocol.
 *
 * bench-run runs each job of a built-in model in a fresh bench-run
 * process (this code, chosen by BENCH_RUN_WORKER in its environment), so
 * that every run starts from a clean process as --runs promises, and so
 * that timeouts, crashes, the monitor and the records are the harness's
 * one way for built-ins and commands alike.  The worker calls the model
 * (setup, each warmup and measured iteration, finish, teardown) and
 * writes a line per iteration to BENCH_FD, then the result's fields and
 * the error, if any, as events.  Lines are buffered for a few
 * milliseconds, so that the loop around a short iteration stays cheap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-run.h"
#include "cli.h"
#include "die.h"
#include "json.h"
#include "ndjson.h"
#include "timeutil.h"

static struct bp_buf wb;
static int wfd = 3;
static uint64_t wlast;

static void
wflush(int force)
{
	uint64_t now = bp_mono_ns();

	if (!wb.len || (!force && wb.len < 4096 && now - wlast < 5000000u))
		return;
	/* the harness is gone when this fails: nothing left to tell */
	if (bp_write_all(wfd, wb.p, wb.len) < 0)
		exit(BP_EXIT_USAGE);
	bp_buf_reset(&wb);
	wlast = now;
}

static void
send_error(const char *type, const char *msg)
{
	bp_buf_adds(&wb, "{\"event\":\"error\",\"type\":");
	bp_json_write_str(&wb, type, strlen(type));
	bp_buf_adds(&wb, ",\"message\":");
	bp_json_write_str(&wb, msg, strlen(msg));
	bp_buf_adds(&wb, "}\n");
	wflush(1);
}

static void
send_iteration(int warmup, double latency_ms, const struct model_metrics *m)
{
	int i;

	bp_buf_adds(&wb, warmup ? "{\"phase\":\"warmup\",\"latency_ms\":" :
	    "{\"latency_ms\":");
	bp_json_write_num(&wb, latency_ms);
	for (i = 0; i < m->n && i < MODEL_MAX_METRICS; i++) {
		bp_buf_addc(&wb, ',');
		bp_json_write_str(&wb, m->name[i], strlen(m->name[i]));
		bp_buf_addc(&wb, ':');
		bp_json_write_num(&wb, m->value[i]);
	}
	bp_buf_adds(&wb, "}\n");
	wflush(0);
}

static void
send_result(cJSON *fields)
{
	if (!cJSON_GetArraySize(fields))
		return;
	cJSON_AddStringToObject(fields, "event", "result");
	bp_json_write(&wb, fields, 0, NULL);
	bp_buf_addc(&wb, '\n');
	wflush(1);
}

static double
env_num(const char *name, double def)
{
	const char *s = getenv(name);
	double d;

	return s && bp_parse_double(s, &d) == 0 ? d : def;
}

char *
worker_job(const struct job *j)
{
	cJSON *w = cJSON_CreateObject();
	struct bp_buf b = { 0 };

	cJSON_AddStringToObject(w, "model", opt.builtin->name);
	cJSON_AddStringToObject(w, "backend", opt.backend);
	cJSON_AddItemToObject(w, "params", cJSON_Duplicate(j->combo->mparams, 1));
	cJSON_AddNumberToObject(w, "threads", opt.threads);
	if (opt.data)
		cJSON_AddStringToObject(w, "data", opt.data);
	bp_json_write(&b, w, 0, NULL);
	cJSON_Delete(w);
	return bp_buf_detach(&b);
}

/* Runs the measured iterations; -1 with err when one failed. */
static int
measure(const struct model *m, void *state, int n, int fixed,
    struct model_err *err)
{
	double min_time = fixed ? 0 : env_num("BENCH_MIN_TIME", 0);
	double max_time = fixed ? 0 : env_num("BENCH_MAX_TIME", 0);
	struct model_metrics mm;
	uint64_t t0 = bp_mono_ns();
	double lat, el;
	int i;

	for (i = 0;; i++) {
		el = (bp_mono_ns() - t0) / 1e9;
		if (i >= n && el >= min_time)
			break;
		if (max_time > 0 && i > 0 && el >= max_time)
			break;
		mm.n = 0;
		if (m->run(state, i, 0, &lat, &mm, err) < 0)
			return -1;
		send_iteration(0, lat, &mm);
	}
	return 0;
}

int
worker_main(const char *jobtext)
{
	struct model_env env = { 0 };
	struct model_plan plan = { -1, -1 };
	struct model_err err = { 0 };
	struct model_metrics mm;
	const struct model *m;
	cJSON *job, *fields;
	void *state = NULL;
	double lat, d;
	int i, warmup, n, rc;

	job = cJSON_Parse(jobtext);
	unsetenv(WORKER_ENV);
	wfd = (int)env_num("BENCH_FD", 3);
	if (!job || !bp_json_str(job, "model"))
		bp_die("%s is not a job description", WORKER_ENV);
	if (!(m = model_find(bp_json_str(job, "model")))) {
		send_error("unsupported", "no such built-in model");
		cJSON_Delete(job);
		return 0;
	}
	env.params = cJSON_GetObjectItem(job, "params");
	env.backend = bp_json_str(job, "backend");
	env.threads = bp_json_num(job, "threads", &d) == 1 ? (int)d : 0;
	env.data_dir = bp_json_str(job, "data");
	warmup = (int)env_num("BENCH_WARMUP", 1);
	n = (int)env_num("BENCH_ITERATIONS", 10);
	if (m->setup(&env, &state, &plan, &err) < 0) {
		send_error(err.type ? err.type : "execution_error", err.msg);
		cJSON_Delete(job);
		return 0;
	}
	if (plan.warmup >= 0)
		warmup = plan.warmup;
	rc = 0;
	for (i = 0; i < warmup && rc == 0; i++) {
		mm.n = 0;
		if ((rc = m->run(state, i, 1, &lat, &mm, &err)) == 0)
			send_iteration(1, lat, &mm);
	}
	if (rc == 0)
		rc = measure(m, state, plan.iterations >= 0 ? plan.iterations : n,
		    plan.iterations >= 0, &err);
	if (rc == 0) {
		fields = cJSON_CreateObject();
		rc = m->finish(state, fields, &err);
		wflush(1);
		send_result(fields);
		cJSON_Delete(fields);
	}
	if (rc < 0)
		send_error(err.type ? err.type : "execution_error", err.msg);
	m->teardown(state);
	wflush(1);
	bp_buf_free(&wb);
	cJSON_Delete(job);
	return 0;
}
