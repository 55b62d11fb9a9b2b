/*
 * record.c - the output and the records written to it.  Every record is
 * built in a buffer and written with one write(2) the moment it exists;
 * the monitor thread writes too, so writes take a lock.  A sample record
 * is a fixed prefix per job plus the iteration's fields, built without a
 * JSON tree: the ndjson protocol path writes a million of them a second.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench-run.h"
#include "cli.h"
#include "die.h"
#include "json.h"
#include "ndjson.h"
#include "nvml.h"
#include "timeutil.h"

struct host host;

static struct {
	int fd;
	const char *name;
	int owned;
	int err;
	pthread_mutex_t mu;
} out = { .fd = -1, .mu = PTHREAD_MUTEX_INITIALIZER };

void
out_init(const char *path)
{
	if (!path || strcmp(path, "-") == 0) {
		out.fd = STDOUT_FILENO;
		out.name = "stdout";
		return;
	}
	out.fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (out.fd < 0)
		bp_die_errno("%s", path);
	out.name = path;
	out.owned = 1;
}

int
out_write(const char *p, size_t n)
{
	int rc = 0;

	pthread_mutex_lock(&out.mu);
	if (out.err)
		rc = -1;
	else if (bp_write_all(out.fd, p, n) < 0) {
		out.err = errno;
		rc = -1;
	}
	pthread_mutex_unlock(&out.mu);
	return rc;
}

int
out_error(void)
{
	int e;

	pthread_mutex_lock(&out.mu);
	e = out.err;
	pthread_mutex_unlock(&out.mu);
	return e;
}

void
out_close(void)
{
	if (out_error()) {
		errno = out_error();
		bp_die_errno("%s", out.name);
	}
	if (out.owned && close(out.fd) != 0)
		bp_die_errno("%s", out.name);
	if (fflush(stdout) != 0 || ferror(stdout))
		bp_die_errno("stdout");
}

void
host_init(void)
{
	struct utsname u;
	struct bp_gpu g;
	char why[256];
	int have_cpu, have_name;

	have_cpu = bp_host_cpu_model(host.cpu, sizeof host.cpu) == 0;
	have_name = uname(&u) == 0;
	bp_host_id(host.id, have_name ? u.nodename : NULL,
	    have_cpu ? host.cpu : NULL);
	if (!have_cpu)
		host.cpu[0] = '\0';
	if (bp_nvml_open(why, sizeof why) == 0) {
		host.ngpu = bp_nvml_count();
		if (host.ngpu > 0 && bp_nvml_gpu(0, &g) == 0)
			snprintf(host.gpu, sizeof host.gpu, "%s", g.name);
	}
}

const char *
ts_now(void)
{
	static _Thread_local char buf[BP_TS_LEN];
	static _Thread_local long long last = -1;
	struct timespec t;
	long long ms;

	clock_gettime(CLOCK_REALTIME, &t);
	ms = (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	if (ms != last) {
		bp_ts_format(buf, &t);
		last = ms;
	}
	return buf;
}

static void
add_uint(struct bp_buf *b, unsigned long v)
{
	char d[24];
	int n = sizeof d;

	do
		d[--n] = '0' + v % 10;
	while ((v /= 10));
	bp_buf_add(b, d + n, sizeof d - n);
}

static void
add_json(struct bp_buf *b, const cJSON *item)
{
	bp_json_write(b, item, 0, NULL);
}

void
sample_prefix(struct job *j)
{
	struct bp_buf *b = &j->sample_pre;

	bp_buf_reset(b);
	bp_buf_addf(b, "\",\"run_id\":\"%s\",\"host_id\":\"%s\",\"model\":",
	    j->run_id, host.id);
	bp_json_write_str(b, opt.model, strlen(opt.model));
	bp_buf_adds(b, ",\"backend\":");
	bp_json_write_str(b, opt.backend, strlen(opt.backend));
	bp_buf_adds(b, ",\"params\":");
	add_json(b, j->combo->params);
	bp_buf_adds(b, ",\"labels\":");
	add_json(b, opt.labels);
	bp_buf_adds(b, ",\"iter\":");
}

void
sample_begin(struct bp_buf *b, struct job *j, int iter, int warmup)
{
	static const char head[] = "{\"kind\":\"sample\",\"schema\":1,\"ts\":\"";

	bp_buf_add(b, head, sizeof head - 1);
	bp_buf_adds(b, ts_now());
	bp_buf_add(b, j->sample_pre.p, j->sample_pre.len);
	add_uint(b, iter);
	if (warmup)
		bp_buf_adds(b, ",\"phase\":\"warmup\"");
	else
		bp_buf_adds(b, ",\"phase\":\"measure\"");
}

void
sample_num(struct bp_buf *b, const char *name, double v)
{
	bp_buf_addc(b, ',');
	bp_json_write_str(b, name, strlen(name));
	bp_buf_addc(b, ':');
	bp_json_write_num(b, v);
}

void
sample_end(struct bp_buf *b)
{
	bp_buf_add(b, "}\n", 2);
}

static const char *const status_name[] = {
	[ST_OK] = "ok", [ST_FAILED] = "failed", [ST_SKIPPED] = "skipped",
	[ST_INTERRUPTED] = "interrupted",
};

static void
add_num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
strings(char **v)
{
	cJSON *a = cJSON_CreateArray();

	for (; v && *v; v++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*v));
	return a;
}

static void
add_metrics(cJSON *r, struct job *j)
{
	cJSON *m = cJSON_AddObjectToObject(r, "metrics"), *o, *t;
	struct bp_summary s;
	double lat_s = 0;
	size_t i;
	int k;

	for (k = 0; k < j->nmetric; k++) {
		struct bp_vec *v = &j->metric[k].v;

		if (v->n == 0)
			continue;
		if (!strcmp(j->metric[k].name, "latency_ms"))
			for (i = 0; i < v->n; i++)
				lat_s += v->v[i] / 1000;
		bp_stats_summary(v->v, v->n, &s);
		o = cJSON_AddObjectToObject(m, j->metric[k].name);
		bp_summary_json(o, &s);
	}
	if ((j->have_items || j->have_tokens) && lat_s > 0) {
		t = cJSON_AddObjectToObject(r, "throughput");
		if (j->have_items)
			add_num(t, "items_per_s", j->items / lat_s);
		if (j->have_tokens)
			add_num(t, "tokens_per_s", j->tokens / lat_s);
	}
}

static void
add_monitor(cJSON *r, struct job *j, const struct monitor_sum *ms)
{
	cJSON *g;
	double peak = j->peak_rss_mb;

	if (ms && ms->rss_peak_mb > peak)
		peak = ms->rss_peak_mb;
	if (peak > 0)
		add_num(r, "peak_rss_mb", peak);
	if (ms && ms->have_gpu) {
		g = cJSON_AddObjectToObject(r, "gpu");
		add_num(g, "mem_peak_mib", ms->gpu_mem_peak_mib);
		if (ms->gpu_util_mean_pct >= 0)
			add_num(g, "util_mean_pct", ms->gpu_util_mean_pct);
		if (ms->gpu_power_mean_w >= 0)
			add_num(g, "power_mean_w", ms->gpu_power_mean_w);
		if (ms->gpu_energy_j >= 0) {
			add_num(g, "energy_j", ms->gpu_energy_j);
			if (j->have_items && ms->gpu_energy_j > 0)
				add_num(g, "items_per_joule",
				    j->items / ms->gpu_energy_j);
		}
	}
	if (ms && ms->cpu_energy_j >= 0)
		add_num(r, "cpu_energy_j", ms->cpu_energy_j);
}

/* Fields of the harness's own that a program's result event may not set. */
static int
protected(const char *k)
{
	static const char *const p[] = {
		"kind", "schema", "ts", "run_id", "host_id", "host", "model",
		"backend", "params", "labels", "command", "protocol", "status",
		"iterations", "warmups", "duration_s", "metrics", "error", NULL,
	};
	int i;

	for (i = 0; p[i]; i++)
		if (!strcmp(p[i], k))
			return 1;
	return 0;
}

static void
add_error(cJSON *r, const struct jerr *e)
{
	cJSON *o = cJSON_AddObjectToObject(r, "error");

	cJSON_AddStringToObject(o, "type", e->type);
	cJSON_AddStringToObject(o, "message", e->msg);
	if (e->exit_code >= 0)
		cJSON_AddNumberToObject(o, "exit_code", e->exit_code);
	else
		cJSON_AddNullToObject(o, "exit_code");
	if (e->sig > 0)
		cJSON_AddNumberToObject(o, "signal", e->sig);
	else
		cJSON_AddNullToObject(o, "signal");
	cJSON_AddStringToObject(o, "stderr_tail", e->tail ? e->tail : "");
	if (e->command)
		cJSON_AddItemToObject(o, "command", strings(e->command));
}

cJSON *
result_base(const struct job *j)
{
	cJSON *r = cJSON_CreateObject(), *h;
	char ts[BP_TS_LEN];

	bp_ts_now(ts);
	cJSON_AddStringToObject(r, "kind", "result");
	cJSON_AddNumberToObject(r, "schema", BP_SCHEMA);
	cJSON_AddStringToObject(r, "ts", ts);
	cJSON_AddStringToObject(r, "run_id", j->run_id);
	cJSON_AddStringToObject(r, "host_id", host.id);
	h = cJSON_AddObjectToObject(r, "host");
	if (host.cpu[0])
		cJSON_AddStringToObject(h, "cpu", host.cpu);
	else
		cJSON_AddNullToObject(h, "cpu");
	if (host.gpu[0])
		cJSON_AddStringToObject(h, "gpu", host.gpu);
	else
		cJSON_AddNullToObject(h, "gpu");
	cJSON_AddStringToObject(r, "model", opt.model);
	cJSON_AddStringToObject(r, "backend", opt.backend);
	cJSON_AddItemToObject(r, "params",
	    cJSON_Duplicate(j->combo->params, 1));
	cJSON_AddItemToObject(r, "labels", cJSON_Duplicate(opt.labels, 1));
	if (j->argv)
		cJSON_AddItemToObject(r, "command", strings(j->argv));
	return r;
}

int
result_write(struct job *j, const struct monitor_sum *ms)
{
	cJSON *r = result_base(j), *it;
	struct bp_buf b = { 0 };
	int rc;

	cJSON_AddStringToObject(r, "protocol", opt.builtin ? "builtin" :
	    opt.protocol == PROTO_NDJSON ? "ndjson" : "process");
	cJSON_AddStringToObject(r, "status", status_name[j->status]);
	cJSON_AddNumberToObject(r, "iterations", j->nmeasured);
	cJSON_AddNumberToObject(r, "warmups", j->nwarmup);
	add_num(r, "duration_s", (j->t_end - j->t_start) / 1e9);
	if (opt.runs > 1) {
		cJSON_AddNumberToObject(r, "run_index", j->run);
		cJSON_AddNumberToObject(r, "runs", opt.runs);
	}
	if (opt.retries > 0)
		cJSON_AddNumberToObject(r, "attempt", j->attempt + 1);
	if (j->retried)
		cJSON_AddTrueToObject(r, "retried");
	if (opt.cpu_bind)
		cJSON_AddStringToObject(r, "cpu_bind", opt.cpu_bind);
	add_metrics(r, j);
	add_monitor(r, j, ms);
	cJSON_ArrayForEach(it, j->extra) {
		if (protected(it->string))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(r, it->string);
		cJSON_AddItemToObject(r, it->string, cJSON_Duplicate(it, 1));
	}
	if (j->err.type && j->status != ST_OK)
		add_error(r, &j->err);
	bp_json_write(&b, r, 0, NULL);
	bp_buf_addc(&b, '\n');
	rc = out_write(b.p, b.len);
	bp_buf_free(&b);
	cJSON_Delete(r);
	return rc;
}
