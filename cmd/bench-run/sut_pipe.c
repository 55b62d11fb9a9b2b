/*
 * sut_pipe.c - a SUT program on the pipe protocol: one query per line on
 * its stdin ({"id":N,"sample":S,"input":...,"max_tokens":M}), events per
 * line on the descriptor BENCH_FD (3): {"id":N,"event":"first_token"},
 * {"id":N,"event":"token"}, {"id":N,"event":"done","n_tokens":K} and
 * {"id":N,"event":"error","message":"..."}.  Events are timestamped when
 * they are read.  With --wait-ready the run starts when the program sends
 * {"event":"ready"} (a model loaded); the event is ignored otherwise.
 * Its stdout goes to /dev/null, the tail of its stderr is kept for the
 * error record.
 *
 * The program runs in its own process group; stop() closes its stdin,
 * waits a grace period, then ends the group with SIGTERM and SIGKILL.  A
 * program that stops reading its stdin cannot block the issuing thread:
 * writes are non-blocking and give up at the sample timeout or abort.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "json.h"
#include "sut.h"
#include "timeutil.h"

extern char **environ;

#define GRACE_NS 2000000000ull	/* after stdin closes, before SIGTERM */

struct pipe_sut {
	pid_t pid;
	int in_fd, ev_fd, err_fd;
	int wake[2];
	pthread_t reader;
	int reader_started;
	pthread_mutex_t mu;		/* reaped, status, ru, tail, ready */
	pthread_cond_t cv;		/* ready or ev_eof */
	int reaped, status;
	int ready, ev_eof;
	struct rusage ru;
	atomic_int stopping;
	const struct sut_events *ev;
	const atomic_int *abort;
	double timeout_s;
	struct bp_buf out;		/* the line being issued */
	struct bp_buf in;		/* event bytes not yet a line */
	char tail[4096];
	char name[256];
	char buf[65536];		/* the reader's */
};

void
sut_tail_add(char *tail, size_t len, const char *data, size_t n)
{
	size_t have = strlen(tail), keep;

	if (n >= len - 1) {
		memcpy(tail, data + n - (len - 1), len - 1);
		tail[len - 1] = '\0';
		return;
	}
	keep = have + n > len - 1 ? len - 1 - n : have;
	memmove(tail, tail + have - keep, keep);
	memcpy(tail + keep, data, n);
	tail[keep + n] = '\0';
}

/* A descriptor above the ones the child gets (0 to 3), close-on-exec. */
static int
high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);

	close(fd);
	return h;
}

static int
make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC))
		return -1;
	p[0] = high_fd(p[0]);
	p[1] = high_fd(p[1]);
	return p[0] < 0 || p[1] < 0 ? -1 : 0;
}

static char **
child_env(void)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = bp_xmalloc((n + 2) * sizeof *env);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "BENCH_FD=", 9))
			env[k++] = environ[i];
	env[k++] = "BENCH_FD=3";
	env[k] = NULL;
	return env;
}

/* Reaps the SUT if it has exited; 1 when it has.  Any thread. */
static int
reap(struct pipe_sut *p, int block)
{
	int st;
	pid_t r;

	pthread_mutex_lock(&p->mu);
	if (!p->reaped) {
		do
			r = wait4(p->pid, &st, block ? 0 : WNOHANG, &p->ru);
		while (r < 0 && errno == EINTR);
		if (r == p->pid) {
			p->reaped = 1;
			p->status = st;
		}
	}
	st = p->reaped;
	pthread_mutex_unlock(&p->mu);
	return st;
}

/* Waits up to ns for the SUT to exit. */
static int
reap_within(struct pipe_sut *p, uint64_t ns)
{
	uint64_t end = bp_mono_ns() + ns;
	struct timespec ts = { 0, 2000000 };

	while (!reap(p, 0)) {
		if (bp_mono_ns() >= end)
			return 0;
		nanosleep(&ts, NULL);
	}
	return 1;
}

static int
oom_tail(const char *tail)
{
	return strstr(tail, "out of memory") || strstr(tail, "MemoryError") ||
	    strstr(tail, "Out of memory") || strstr(tail, "std::bad_alloc");
}

/* How the SUT ended, as an error (type NULL: exit status 0). */
static void
describe_exit(struct pipe_sut *p, struct sut_exit *x, const char *when)
{
	pthread_mutex_lock(&p->mu);
	snprintf(x->stderr_tail, sizeof x->stderr_tail, "%s", p->tail);
	if (!p->reaped) {
		pthread_mutex_unlock(&p->mu);
		return;
	}
	x->peak_rss_mb = p->ru.ru_maxrss / 1024.0;
	if (WIFSIGNALED(p->status)) {
		x->signal = WTERMSIG(p->status);
		x->type = x->signal == SIGKILL && oom_tail(p->tail) ? "oom" :
		    "crash";
		snprintf(x->message, sizeof x->message, "%s: killed by signal "
		    "%d (%s) %s", p->name, x->signal, strsignal(x->signal),
		    when);
	} else if (WIFEXITED(p->status)) {
		x->exit_code = WEXITSTATUS(p->status);
		if (x->exit_code)
			x->type = oom_tail(p->tail) ? "oom" : "execution_error";
		snprintf(x->message, sizeof x->message, "%s: exited with "
		    "status %d %s", p->name, x->exit_code, when);
	}
	pthread_mutex_unlock(&p->mu);
}

/* The SUT closed BENCH_FD while samples may be outstanding. */
static void
gone(struct pipe_sut *p)
{
	struct sut_exit x = { .exit_code = -1, .peak_rss_mb = -1 };
	char buf[4096];
	struct pollfd pf;
	ssize_t n;

	if (!reap_within(p, 1000000000ull)) {
		x.type = "execution_error";
		snprintf(x.message, sizeof x.message, "%s: closed BENCH_FD "
		    "before the run ended", p->name);
		p->ev->failed(p->ev->ctx, &x);
		return;
	}
	/* the rest of its stderr, for the tail */
	pf.fd = p->err_fd;
	pf.events = POLLIN;
	while (p->err_fd >= 0 && poll(&pf, 1, 100) > 0 &&
	    (n = read(p->err_fd, buf, sizeof buf)) > 0) {
		pthread_mutex_lock(&p->mu);
		sut_tail_add(p->tail, sizeof p->tail, buf, (size_t)n);
		pthread_mutex_unlock(&p->mu);
	}
	describe_exit(p, &x, "before the run ended");
	if (!x.type)
		x.type = "execution_error";
	p->ev->failed(p->ev->ctx, &x);
}

static void
protocol(struct pipe_sut *p, const char *why, const char *line, size_t len)
{
	char msg[256];

	snprintf(msg, sizeof msg, "%s: '%.*s%s'", why,
	    (int)(len > 120 ? 120 : len), line, len > 120 ? "..." : "");
	p->ev->protocol(p->ev->ctx, msg);
}

static void
event(struct pipe_sut *p, const char *line, size_t len, uint64_t t)
{
	const cJSON *id, *ev, *n, *m;
	const char *msg;
	cJSON *rec;
	double d;

	rec = cJSON_ParseWithLength(line, len);
	if (!rec || !cJSON_IsObject(rec)) {
		protocol(p, "not a JSON object", line, len);
		goto out;
	}
	id = cJSON_GetObjectItemCaseSensitive(rec, "id");
	ev = cJSON_GetObjectItemCaseSensitive(rec, "event");
	if (cJSON_IsString(ev) && strcmp(ev->valuestring, "ready") == 0) {
		pthread_mutex_lock(&p->mu);
		p->ready = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		goto out;
	}
	d = cJSON_IsNumber(id) ? id->valuedouble : -1;
	if (!(d >= 0 && d < 9007199254740992.0 && d == (double)(uint64_t)d) ||
	    !cJSON_IsString(ev)) {
		protocol(p, "expected a non-negative integer \"id\" and an "
		    "\"event\"", line, len);
		goto out;
	}
	if (strcmp(ev->valuestring, "done") == 0) {
		n = cJSON_GetObjectItemCaseSensitive(rec, "n_tokens");
		p->ev->done(p->ev->ctx, (uint64_t)d, t,
		    cJSON_IsNumber(n) ? (long)n->valuedouble : 0);
	} else if (strcmp(ev->valuestring, "first_token") == 0) {
		p->ev->first_token(p->ev->ctx, (uint64_t)d, t);
	} else if (strcmp(ev->valuestring, "token") == 0) {
		p->ev->token(p->ev->ctx, (uint64_t)d, t);
	} else if (strcmp(ev->valuestring, "error") == 0) {
		m = cJSON_GetObjectItemCaseSensitive(rec, "message");
		msg = cJSON_IsString(m) ? m->valuestring : "the SUT reported "
		    "an error";
		p->ev->error(p->ev->ctx, (uint64_t)d, t, "execution_error",
		    msg);
	} else {
		protocol(p, "unknown event", line, len);
	}
out:
	cJSON_Delete(rec);
}

/* Splits what arrived into lines; every line of one read shares its
 * arrival time. */
static void
events(struct pipe_sut *p, const char *buf, size_t n, uint64_t t)
{
	const char *s, *nl;
	size_t start = 0;

	bp_buf_add(&p->in, buf, n);
	s = p->in.p;
	while ((nl = memchr(s + start, '\n', p->in.len - start))) {
		size_t len = (size_t)(nl - (s + start));

		if (len && s[start + len - 1] == '\r')
			len--;
		if (len)
			event(p, s + start, len, t);
		start = (size_t)(nl - s) + 1;
	}
	memmove(p->in.p, s + start, p->in.len - start);
	p->in.len -= start;
	p->in.p[p->in.len] = '\0';
}

static void *
reader(void *arg)
{
	struct pipe_sut *p = arg;
	struct pollfd pf[3];
	char ebuf[4096];
	ssize_t n;
	uint64_t t;
	int ready;

	for (;;) {
		pf[0].fd = p->ev_fd;
		pf[1].fd = p->err_fd;
		pf[2].fd = p->wake[0];
		pf[0].events = pf[1].events = pf[2].events = POLLIN;
		if (p->ev_fd < 0 && p->err_fd < 0)
			break;
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[2].revents)
			break;
		if (pf[0].revents) {
			n = read(p->ev_fd, p->buf, sizeof p->buf);
			t = bp_mono_ns();
			if (n > 0) {
				events(p, p->buf, (size_t)n, t);
			} else if (n == 0 || errno != EINTR) {
				close(p->ev_fd);
				p->ev_fd = -1;
				pthread_mutex_lock(&p->mu);
				p->ev_eof = 1;
				pthread_cond_broadcast(&p->cv);
				ready = p->ready;
				pthread_mutex_unlock(&p->mu);
				if (!atomic_load(&p->stopping) && ready >= 0)
					gone(p);
			}
		}
		if (pf[1].revents && p->err_fd >= 0) {
			n = read(p->err_fd, ebuf, sizeof ebuf);
			if (n > 0) {
				pthread_mutex_lock(&p->mu);
				sut_tail_add(p->tail, sizeof p->tail, ebuf,
				    (size_t)n);
				pthread_mutex_unlock(&p->mu);
			} else if (n == 0 || errno != EINTR) {
				close(p->err_fd);
				p->err_fd = -1;
			}
		}
	}
	return NULL;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
pipe_free(struct pipe_sut *p)
{
	close_fd(&p->in_fd);
	close_fd(&p->ev_fd);
	close_fd(&p->err_fd);
	close_fd(&p->wake[0]);
	close_fd(&p->wake[1]);
	bp_buf_free(&p->out);
	bp_buf_free(&p->in);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

/* Waits for the ready event; 0, or -1 with x filled and the SUT ended. */
static int
await_ready(struct pipe_sut *p, double timeout_s, struct sut_exit *x)
{
	struct timespec ts;
	uint64_t end = bp_mono_ns() + (uint64_t)(timeout_s * 1e9);
	int ready;

	ts.tv_sec = (time_t)(end / 1000000000ull);
	ts.tv_nsec = (long)(end % 1000000000ull);
	pthread_mutex_lock(&p->mu);
	while (!p->ready && !p->ev_eof &&
	    pthread_cond_timedwait(&p->cv, &p->mu, &ts) == 0)
		;
	ready = p->ready;
	/* from here a closed BENCH_FD is this function's to report */
	if (!ready)
		p->ready = -1;
	pthread_mutex_unlock(&p->mu);
	if (ready)
		return 0;
	atomic_store(&p->stopping, 1);
	close_fd(&p->in_fd);
	if (!reap_within(p, 200000000ull))
		kill(-p->pid, SIGKILL);
	reap(p, 1);
	kill(-p->pid, SIGKILL);
	if (write(p->wake[1], "x", 1) < 0)
		(void)0;
	pthread_join(p->reader, NULL);
	describe_exit(p, x, "before it was ready");
	if (!x->type) {
		x->type = "execution_error";
		if (!x->message[0] || x->exit_code == 0)
			snprintf(x->message, sizeof x->message, "%s: no "
			    "{\"event\":\"ready\"} within %g s", p->name,
			    timeout_s);
	}
	return -1;
}

static int
spawn(struct pipe_sut *p, char *const *argv, int in_r, int ev_w, int err_w,
    struct sut_exit *x)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char **env = child_env();
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in_r, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	posix_spawn_file_actions_adddup2(&fa, ev_w, 3);
	/* nothing we inherited reaches it (a test harness's fds, ...) */
	posix_spawn_file_actions_addclosefrom_np(&fa, 4);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&p->pid, argv[0], &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	free(env);
	if (rc) {
		x->type = "spawn_error";
		snprintf(x->message, sizeof x->message, "%s: %s", argv[0],
		    strerror(rc));
		return -1;
	}
	return 0;
}

static int
pipe_start(struct sut *s, const struct sut_config *c, struct sut_exit *x)
{
	struct pipe_sut *p = calloc(1, sizeof *p);
	int in[2] = { -1, -1 }, ev[2] = { -1, -1 }, er[2] = { -1, -1 };
	pthread_condattr_t ca;
	int rc = -1;

	if (!p) {
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "out of memory");
		return -1;
	}
	p->in_fd = p->ev_fd = p->err_fd = p->wake[0] = p->wake[1] = -1;
	pthread_mutex_init(&p->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	p->ev = s->ev;
	p->abort = c->abort;
	p->timeout_s = c->timeout_s;
	snprintf(p->name, sizeof p->name, "%s", c->argv[0]);
	if (make_pipe(in) || make_pipe(ev) || make_pipe(er) ||
	    make_pipe(p->wake)) {
		x->type = "spawn_error";
		snprintf(x->message, sizeof x->message, "pipe: %s",
		    strerror(errno));
		goto out;
	}
	if (spawn(p, c->argv, in[0], ev[1], er[1], x))
		goto out;
	p->in_fd = in[1];
	p->ev_fd = ev[0];
	p->err_fd = er[0];
	in[1] = ev[0] = er[0] = -1;
	fcntl(p->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(p->in_fd, F_SETPIPE_SZ, 1 << 20);
	if (pthread_create(&p->reader, NULL, reader, p)) {
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "pthread_create "
		    "failed");
		kill(-p->pid, SIGKILL);
		reap(p, 1);
		goto out;
	}
	p->reader_started = 1;
	if (c->wait_ready && await_ready(p, c->timeout_s, x))
		goto out;
	s->p = p;
	rc = 0;
out:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&ev[0]);
	close_fd(&ev[1]);
	close_fd(&er[0]);
	close_fd(&er[1]);
	if (rc)
		pipe_free(p);
	return rc;
}

/* Writes all of the line, waiting at most the sample timeout for the SUT
 * to read; 0 or -1. */
static int
write_line(struct pipe_sut *p, const char *s, size_t len)
{
	uint64_t end = bp_mono_ns() + (uint64_t)(p->timeout_s * 1e9);
	struct pollfd pf = { .fd = p->in_fd, .events = POLLOUT };
	ssize_t n;

	while (len > 0) {
		n = write(p->in_fd, s, len);
		if (n > 0) {
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -1;
		if ((p->abort && atomic_load(p->abort)) ||
		    bp_mono_ns() >= end)
			return -1;
		poll(&pf, 1, 50);
	}
	return 0;
}

static int
pipe_issue(struct sut *s, const struct sut_query *q)
{
	struct pipe_sut *p = s->p;
	struct bp_buf *b = &p->out;
	int i;

	bp_buf_reset(b);
	bp_buf_addf(b, "{\"id\":%llu,\"sample\":%u", (unsigned long long)q->id,
	    q->sample);
	if (q->prompt) {
		bp_buf_adds(b, ",\"input\":");
		bp_json_write_str(b, q->prompt, strlen(q->prompt));
	} else if (q->tokens) {
		bp_buf_adds(b, ",\"input\":[");
		for (i = 0; i < q->n_tokens; i++)
			bp_buf_addf(b, "%s%d", i ? "," : "", q->tokens[i]);
		bp_buf_addc(b, ']');
	}
	if (q->max_tokens > 0)
		bp_buf_addf(b, ",\"max_tokens\":%d", q->max_tokens);
	bp_buf_adds(b, "}\n");
	return write_line(p, b->p, b->len);
}

static void
pipe_stop(struct sut *s, struct sut_exit *x)
{
	struct pipe_sut *p = s->p;
	int killed = 0;

	atomic_store(&p->stopping, 1);
	close_fd(&p->in_fd);
	if (!reap_within(p, GRACE_NS)) {
		killed = 1;
		kill(-p->pid, SIGTERM);
		if (!reap_within(p, 1000000000ull))
			kill(-p->pid, SIGKILL);
		reap(p, 1);
	}
	/* whatever it left behind in its group */
	kill(-p->pid, SIGKILL);
	if (write(p->wake[1], "x", 1) < 0)
		(void)0;
	pthread_join(p->reader, NULL);
	if (killed) {
		pthread_mutex_lock(&p->mu);
		snprintf(x->stderr_tail, sizeof x->stderr_tail, "%s",
		    p->tail);
		x->peak_rss_mb = p->ru.ru_maxrss / 1024.0;
		pthread_mutex_unlock(&p->mu);
		snprintf(x->message, sizeof x->message, "%s: still running "
		    "2 s after its input closed; terminated", p->name);
	} else {
		describe_exit(p, x, "after its input closed");
		if (!x->type)
			x->message[0] = '\0';
	}
	pipe_free(p);
	s->p = NULL;
}

const struct sut_ops sut_pipe_ops = {
	.name = "pipe",
	.start = pipe_start,
	.issue = pipe_issue,
	.stop = pipe_stop,
};
