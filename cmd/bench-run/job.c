/*
 * job.c - one job: one combination of params, one run, one attempt.
 *
 * --protocol process spawns the command once per iteration and times it
 * from posix_spawn to the moment its exit is seen; --protocol ndjson and
 * the built-in models (a fresh bench-run worker process) run once and
 * report their own iterations on BENCH_FD.  Either way each iteration is
 * a sample record the moment it is known and the job ends in one result
 * record; failure.c names what went wrong.  Memory grows with the
 * measured iterations only: 8 bytes per metric.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-run.h"
#include "cli.h"
#include "die.h"
#include "json.h"
#include "timeutil.h"

extern char **environ;

int
job_metric(struct job *j, const char *name, size_t len)
{
	int k;

	for (k = 0; k < j->nmetric; k++)
		if (!strncmp(j->metric[k].name, name, len) &&
		    j->metric[k].name[len] == '\0')
			return k;
	if (j->nmetric == MAX_METRICS)
		return -1;
	j->metric[k].name = strndup(name, len);
	if (!j->metric[k].name)
		bp_die("out of memory");
	return j->nmetric++;
}

static void
add_metric(struct job *j, const char *name, size_t len, double v)
{
	int k = job_metric(j, name, len);

	if (k >= 0)
		bp_vec_push(&j->metric[k].v, v);
	if (len == 5 && !memcmp(name, "items", 5)) {
		j->items += v;
		j->have_items = 1;
	} else if (len == 6 && !memcmp(name, "tokens", 6)) {
		j->tokens += v;
		j->have_tokens = 1;
	}
}

static void
push_env(char ***env, int *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
push_env(char ***env, int *n, const char *fmt, ...)
{
	struct bp_buf b = { 0 };
	va_list ap;
	char buf[4096];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	bp_buf_adds(&b, buf);
	*env = bp_xrealloc(*env, (*n + 2) * sizeof **env);
	(*env)[(*n)++] = bp_buf_detach(&b);
	(*env)[*n] = NULL;
}

/* Variables bench-run sets; inherited values of them are dropped. */
static int
ours(const char *e)
{
	static const char *const v[] = {
		"BENCH_FD=", "BENCH_RUN_ID=", "BENCH_WARMUP=", "BENCH_ITERATIONS=",
		"BENCH_MIN_TIME=", "BENCH_MAX_TIME=", "BENCH_THREADS=",
		"BENCH_DATA=", WORKER_ENV "=", "BENCH_PARAM_", NULL,
	};
	int i;

	for (i = 0; v[i]; i++)
		if (!strncmp(e, v[i], strlen(v[i])))
			return 1;
	return 0;
}

static char **
make_env(struct job *j, int reports)
{
	char **env = NULL, **e;
	int n = 0, i;

	for (e = environ; *e; e++)
		if (!ours(*e)) {
			env = bp_xrealloc(env, (n + 2) * sizeof *env);
			env[n++] = bp_xstrdup(*e);
			env[n] = NULL;
		}
	for (i = 0; i < nparams; i++)
		push_env(&env, &n, "%s=%s", params[i].env, j->combo->vals[i]);
	push_env(&env, &n, "BENCH_RUN_ID=%s", j->run_id);
	if (opt.threads > 0)
		push_env(&env, &n, "BENCH_THREADS=%d", opt.threads);
	if (opt.data)
		push_env(&env, &n, "BENCH_DATA=%s", opt.data);
	if (!getenv("BENCHPIPE_DATADIR"))
		push_env(&env, &n, "BENCHPIPE_DATADIR=%s", bp_datadir());
	if (reports) {
		push_env(&env, &n, "BENCH_FD=%d", opt.bench_fd);
		push_env(&env, &n, "BENCH_WARMUP=%d", opt.warmup);
		push_env(&env, &n, "BENCH_ITERATIONS=%d", opt.iterations);
		if (opt.min_time > 0)
			push_env(&env, &n, "BENCH_MIN_TIME=%g", opt.min_time);
		if (opt.max_time > 0)
			push_env(&env, &n, "BENCH_MAX_TIME=%g", opt.max_time);
	}
	if (opt.builtin) {
		char *w = worker_job(j);

		push_env(&env, &n, "%s=%s", WORKER_ENV, w);
		free(w);
	}
	if (!env) {
		env = bp_xmalloc(sizeof *env);
		env[0] = NULL;
	}
	return env;
}

void
job_argv(struct job *j)
{
	struct bp_buf b = { 0 };
	int i;

	if (opt.builtin) {
		j->argv = NULL;
	} else if (opt.shell) {
		for (i = 0; i < opt.cmdc; i++) {
			char *s = params_subst(opt.cmd[i], j->combo);

			bp_buf_addf(&b, "%s%s", i ? " " : "", s);
			free(s);
		}
		j->argv = bp_xmalloc(4 * sizeof *j->argv);
		j->argv[0] = bp_xstrdup("sh");
		j->argv[1] = bp_xstrdup("-c");
		j->argv[2] = bp_buf_detach(&b);
		j->argv[3] = NULL;
	} else {
		j->argv = bp_xmalloc((opt.cmdc + 1) * sizeof *j->argv);
		for (i = 0; i < opt.cmdc; i++)
			j->argv[i] = params_subst(opt.cmd[i], j->combo);
		j->argv[opt.cmdc] = NULL;
	}
	if (opt.prepare) {
		j->prepare = params_subst(opt.prepare, j->combo);
		j->prep_argv[0] = "sh";
		j->prep_argv[1] = "-c";
		j->prep_argv[2] = j->prepare;
		j->prep_argv[3] = NULL;
	}
}

static int
run_prepare(struct job *j)
{
	struct spawn s = { "/bin/sh", j->prep_argv, j->envp, -1 };
	struct proc p;

	sup_tail_reset();
	if (proc_start(&p, &s) < 0) {
		job_spawn_failed(j, j->prep_argv, "/bin/sh", p.spawn_errno);
		return -1;
	}
	proc_wait(&p, NULL);
	return job_classify(j, &p, j->prep_argv, "prepare command: ");
}

static int
emit(struct bp_buf *b)
{
	int rc = out_write(b->p, b->len);

	bp_buf_reset(b);
	return rc;
}

/* --protocol process: one process per iteration. */
static void
run_each(struct job *j)
{
	struct spawn s = { NULL, j->argv, j->envp, -1 };
	struct bp_buf b = { 0 };
	struct proc p;
	uint64_t now;
	double lat, rss;
	int warm;

	s.path = opt.shell ? "/bin/sh" : sup_which(j->argv[0]);
	if (!s.path) {
		job_spawn_failed(j, j->argv, j->argv[0], errno);
		return;
	}
	for (;;) {
		warm = j->nwarmup < opt.warmup;
		now = bp_mono_ns();
		if (!warm) {
			double el;

			if (!j->t_measure)
				j->t_measure = now;
			el = (now - j->t_measure) / 1e9;
			if (j->nmeasured >= opt.iterations && el >= opt.min_time)
				break;
			if (opt.max_time > 0 && j->nmeasured > 0 &&
			    el >= opt.max_time)
				break;
		}
		if (interrupted) {
			j->status = ST_INTERRUPTED;
			break;
		}
		if (sup_expired()) {
			job_fail(j, "timeout", "timed out: the combination ran "
			    "longer than --timeout %g s", opt.timeout);
			j->err.command = j->argv;
			j->err.tail = bp_xstrdup("");
			break;
		}
		if (j->prepare && run_prepare(j) < 0)
			break;
		sup_tail_reset();
		if (proc_start(&p, &s) < 0) {
			job_spawn_failed(j, j->argv, j->argv[0], p.spawn_errno);
			break;
		}
		proc_wait(&p, NULL);
		if (job_classify(j, &p, j->argv, "") < 0)
			break;
		lat = (p.t_exit - p.t_start) / 1e6;
		rss = p.ru.ru_maxrss / 1024.0;
		if (rss > j->peak_rss_mb)
			j->peak_rss_mb = rss;
		if (!warm) {
			add_metric(j, "latency_ms", 10, lat);
			add_metric(j, "user_ms", 7, p.ru.ru_utime.tv_sec * 1e3 +
			    p.ru.ru_utime.tv_usec / 1e3);
			add_metric(j, "sys_ms", 6, p.ru.ru_stime.tv_sec * 1e3 +
			    p.ru.ru_stime.tv_usec / 1e3);
			add_metric(j, "max_rss_mb", 10, rss);
		}
		if (!opt.summary_only && (!warm || opt.keep_warmup)) {
			sample_begin(&b, j, warm ? j->nwarmup : j->nmeasured, warm);
			sample_num(&b, "latency_ms", lat);
			sample_num(&b, "user_ms", p.ru.ru_utime.tv_sec * 1e3 +
			    p.ru.ru_utime.tv_usec / 1e3);
			sample_num(&b, "sys_ms", p.ru.ru_stime.tv_sec * 1e3 +
			    p.ru.ru_stime.tv_usec / 1e3);
			sample_num(&b, "max_rss_mb", rss);
			sample_end(&b);
			if (emit(&b) < 0)
				break;
		}
		if (warm)
			j->nwarmup++;
		else
			j->nmeasured++;
		progress_iter(j);
	}
	bp_buf_free(&b);
	if (!opt.shell)
		free((char *)s.path);
}

/* What the protocol reader keeps between lines. */
struct rctx {
	struct job *j;
	struct pline pl;
	struct bp_buf out;
	unsigned long lineno;
	const char *ev_type;
	char ev_msg[512];
};

static int
bad_line(struct rctx *c, const char *why, const char *line)
{
	job_fail(c->j, "parse_error", "fd %d line %lu: %s: %.200s%s",
	    opt.bench_fd, c->lineno, why, line,
	    strlen(line) > 200 ? "..." : "");
	return -1;
}

static int
on_event(struct rctx *c, const cJSON *ev)
{
	const char *name = bp_json_str(ev, "event"), *t;
	const cJSON *it;

	if (name && !strcmp(name, "result")) {
		if (!c->j->extra)
			c->j->extra = cJSON_CreateObject();
		cJSON_ArrayForEach(it, ev) {
			if (!strcmp(it->string, "event"))
				continue;
			cJSON_DeleteItemFromObjectCaseSensitive(c->j->extra,
			    it->string);
			cJSON_AddItemToObject(c->j->extra, it->string,
			    cJSON_Duplicate(it, 1));
		}
		return 0;
	}
	if (name && !strcmp(name, "error")) {
		if (!(t = job_error_type(bp_json_str(ev, "type"))))
			return bad_line(c, "an error event needs a \"type\" "
			    "of the error types", "");
		c->ev_type = t;
		snprintf(c->ev_msg, sizeof c->ev_msg, "%s",
		    bp_json_str(ev, "message") ? bp_json_str(ev, "message") :
		    "(no message)");
		return 0;
	}
	return bad_line(c, "unknown event (\"result\" and \"error\" are "
	    "known)", name ? name : "");
}

static int
on_line(void *arg, char *line, size_t len)
{
	struct rctx *c = arg;
	struct job *j = c->j;
	struct pline *pl = &c->pl;
	char why[256];
	int i, iter;

	c->lineno++;
	if (!line)
		return bad_line(c, "line longer than 1 MiB", "");
	if (len == 0 || strspn(line, " \t\r") == len)
		return 0;
	if (proto_parse(pl, line, len, why, sizeof why) < 0)
		return bad_line(c, why, line);
	if (pl->event)
		return on_event(c, pl->event);
	if (!pl->warmup)
		for (i = 0; i < pl->nf; i++)
			if (pl->f[i].isnum)
				add_metric(j, pl->f[i].name, pl->f[i].namelen,
				    pl->f[i].num);
	iter = pl->warmup ? j->nwarmup++ : j->nmeasured++;
	if (opt.summary_only || (pl->warmup && !opt.keep_warmup))
		return 0;
	sample_begin(&c->out, j, iter, pl->warmup);
	for (i = 0; i < pl->nf; i++) {
		bp_buf_addc(&c->out, ',');
		bp_json_write_str(&c->out, pl->f[i].name, pl->f[i].namelen);
		bp_buf_addc(&c->out, ':');
		bp_buf_add(&c->out, pl->f[i].raw, pl->f[i].rawlen);
	}
	sample_end(&c->out);
	if (c->out.len >= 1 << 18)
		return emit(&c->out);
	return 0;
}

static int
on_flush(void *arg)
{
	struct rctx *c = arg;

	if (c->out.len && emit(&c->out) < 0)
		return -1;
	progress_iter(c->j);
	return out_error() ? -1 : 0;
}

/* --protocol ndjson and the built-in models: one process, its lines. */
static void
run_once(struct job *j)
{
	struct spawn s = { NULL, j->argv, j->envp, -1 };
	struct rctx c = { .j = j };
	struct reader r = { .online = on_line, .flush = on_flush, .arg = &c };
	static char *self[] = { "bench-run", NULL };
	struct proc p;
	int pfd[2], fd;

	if (opt.builtin) {
		s.path = "/proc/self/exe";
		s.argv = self;
	} else {
		s.path = opt.shell ? "/bin/sh" : sup_which(j->argv[0]);
		if (!s.path) {
			job_spawn_failed(j, j->argv, j->argv[0], errno);
			return;
		}
	}
	if (j->prepare && run_prepare(j) < 0)
		goto out;
	if (pipe2(pfd, O_CLOEXEC) != 0)
		bp_die_errno("pipe");
	/* above the child's fds, so that dup2 to BENCH_FD never hits them */
	for (fd = 0; fd < 2; fd++) {
		int h = fcntl(pfd[fd], F_DUPFD_CLOEXEC, 10);

		if (h < 0)
			bp_die_errno("fcntl");
		close(pfd[fd]);
		pfd[fd] = h;
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	fcntl(pfd[0], F_SETPIPE_SZ, 1 << 20);
	s.protofd = pfd[1];
	sup_tail_reset();
	j->t_measure = bp_mono_ns();
	if (proc_start(&p, &s) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		job_spawn_failed(j, j->argv ? j->argv : self, s.path, p.spawn_errno);
		goto out;
	}
	close(pfd[1]);
	r.fd = pfd[0];
	proc_wait(&p, &r);
	close(pfd[0]);
	bp_buf_free(&r.line);
	if (job_classify(j, &p, j->argv, "") == 0 || (c.ev_type &&
	    !p.timed_out && !p.interrupted && !p.stopped)) {
		if (c.ev_type) {
			job_fail(j, c.ev_type, "%s", c.ev_msg);
			j->err.exit_code = -1;
			j->err.sig = 0;
			j->err.command = j->argv;
			free(j->err.tail);
			j->err.tail = job_tail();
		} else if (j->nmeasured == 0) {
			job_fail(j, "parse_error", "the command reported no "
			    "measured iteration on fd %d (BENCH_FD)",
			    opt.bench_fd);
			j->err.command = j->argv;
			j->err.tail = job_tail();
		}
	}
	if (j->peak_rss_mb < p.ru.ru_maxrss / 1024.0)
		j->peak_rss_mb = p.ru.ru_maxrss / 1024.0;
out:
	proto_free(&c.pl);
	bp_buf_free(&c.out);
	if (!opt.builtin && !opt.shell)
		free((char *)s.path);
}

void
job_run(struct job *j)
{
	struct monitor_sum ms = { .rss_peak_mb = -1, .gpu_energy_j = -1,
	    .cpu_energy_j = -1 };
	const char *why;
	uint64_t deadline;

	j->t_start = bp_mono_ns();
	j->err.exit_code = -1;
	j->status = ST_OK;
	bp_run_id(j->run_id);
	sample_prefix(j);
	job_argv(j);
	deadline = opt.timeout > 0 ? j->t_start + (uint64_t)(opt.timeout * 1e9) : 0;
	sup_job(deadline, &j->tail);
	progress_job(j);
	if ((why = job_unsupported())) {
		job_fail(j, "unsupported", "%s", why);
		j->err.command = j->argv;
	} else {
		j->envp = make_env(j, opt.builtin || opt.protocol == PROTO_NDJSON);
		job_oom_baseline();
		monitor_begin(j);
		if (opt.builtin || opt.protocol == PROTO_NDJSON)
			run_once(j);
		else
			run_each(j);
		monitor_end(&ms);
	}
	sup_job(0, NULL);
	if (interrupted && j->status == ST_OK)
		j->status = ST_INTERRUPTED;
	j->retried = j->status == ST_FAILED && j->attempt < opt.retries &&
	    job_transient(j);
	j->t_end = bp_mono_ns();
	if (result_write(j, &ms) == 0)
		progress_end(j);
}

static void
free_strv(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

void
job_free(struct job *j)
{
	int k;

	for (k = 0; k < j->nmetric; k++) {
		free(j->metric[k].name);
		bp_vec_free(&j->metric[k].v);
	}
	free_strv(j->argv);
	free_strv(j->envp);
	free(j->prepare);
	free(j->err.tail);
	cJSON_Delete(j->extra);
	bp_buf_free(&j->sample_pre);
	memset(j, 0, sizeof *j);
}
