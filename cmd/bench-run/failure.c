/*
 * failure.c - naming what went wrong with a job.  A process is judged by
 * how it ended: killed at the deadline (timeout), by a signal (crash),
 * by SIGKILL while the kernel counted an OOM kill, or with an
 * out-of-memory message in its stderr (oom), with a non-zero status
 * (execution_error); a command that could not start is a spawn_error,
 * and a backend this host lacks skips the job (unsupported).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench-run.h"
#include "cuda.h"
#include "sysfile.h"

void
job_fail(struct job *j, const char *type, const char *fmt, ...)
{
	va_list ap;

	j->err.type = type;
	va_start(ap, fmt);
	vsnprintf(j->err.msg, sizeof j->err.msg, fmt, ap);
	va_end(ap);
	j->status = strcmp(type, "unsupported") ? ST_FAILED : ST_SKIPPED;
}

int
job_transient(const struct job *j)
{
	static const char *const t[] = {
		"timeout", "crash", "oom", "execution_error", NULL,
	};
	int i;

	for (i = 0; j->err.type && t[i]; i++)
		if (!strcmp(j->err.type, t[i]))
			return 1;
	return 0;
}

/* The kernel's count of OOM kills (BENCHPIPE_VMSTAT: a file for tests). */
static long long
oom_kills(void)
{
	const char *path = getenv("BENCHPIPE_VMSTAT");
	char buf[32];

	if (!path || !*path)
		path = "/proc/vmstat";
	if (bp_sysfile_field(path, "oom_kill", buf, sizeof buf) < 0) {
		/* /proc/vmstat is "oom_kill N", not "oom_kill: N" */
		FILE *fp = fopen(path, "re");
		long long v = -1;
		char line[128];

		if (!fp)
			return -1;
		while (fgets(line, sizeof line, fp))
			if (sscanf(line, "oom_kill %lld", &v) == 1)
				break;
		fclose(fp);
		return v;
	}
	return atoll(buf);
}

static long long oom_base;

void
job_oom_baseline(void)
{
	oom_base = oom_kills();
}

static int
oom_message(const struct tail *t)
{
	static const char *const pat[] = {
		"out of memory", "outofmemory", "memoryerror", "bad_alloc",
		"cannot allocate memory", NULL,
	};
	char buf[TAIL_MAX + 1];
	size_t n = t->len > TAIL_MAX ? TAIL_MAX : t->len;
	int i;

	memcpy(buf, t->buf + t->len - n, n);
	buf[n] = '\0';
	for (i = 0; i < (int)n; i++)
		if (!buf[i])
			buf[i] = ' ';
	for (i = 0; pat[i]; i++)
		if (strcasestr(buf, pat[i]))
			return 1;
	return 0;
}

int
job_classify(struct job *j, const struct proc *p, char **cmd, const char *what)
{
	int st = p->status, sig, code;
	long long ooms;
	struct tail tail;

	if (p->interrupted) {
		j->status = ST_INTERRUPTED;
		return -1;
	}
	if (!p->killed && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	sup_tail_copy(&tail);
	if (p->stopped && j->err.type)
		goto out;	/* the reader named the error */
	if (p->timed_out) {
		job_fail(j, "timeout", "%stimed out: the combination ran longer "
		    "than --timeout %g s; its process group was killed", what,
		    opt.timeout);
	} else if (WIFSIGNALED(st)) {
		sig = WTERMSIG(st);
		ooms = sig == SIGKILL ? oom_kills() : -1;
		if ((ooms >= 0 && oom_base >= 0 && ooms > oom_base) ||
		    oom_message(&tail))
			job_fail(j, "oom", "%sout of memory: killed by %s%s", what,
			    sigabbrev_np(sig) ? sigabbrev_np(sig) : "a signal",
			    ooms > oom_base && oom_base >= 0 ?
			    " from the kernel's OOM killer" : "");
		else
			job_fail(j, "crash", "%skilled by signal %d (SIG%s)%s",
			    what, sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			    WCOREDUMP(st) ? ", core dumped" : "");
	} else if (WIFEXITED(st) && (code = WEXITSTATUS(st)) != 0) {
		if (oom_message(&tail))
			job_fail(j, "oom", "%sout of memory: exit status %d", what,
			    code);
		else if (opt.shell && !*what && (code == 127 || code == 126))
			job_fail(j, "spawn_error", "the shell could not run the "
			    "command (exit status %d: %s)", code, code == 127 ?
			    "not found" : "not executable");
		else
			job_fail(j, "execution_error", "%sexit status %d", what,
			    code);
	} else {
		return 0;
	}
out:
	j->err.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	j->err.sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	j->err.command = cmd;
	free(j->err.tail);
	j->err.tail = tail_text(&tail);
	return -1;
}

char *
job_tail(void)
{
	struct tail t;

	sup_tail_copy(&t);
	return tail_text(&t);
}

void
job_spawn_failed(struct job *j, char **cmd, const char *name, int e)
{
	job_fail(j, "spawn_error", "cannot run '%s': %s", name, strerror(e));
	j->err.command = cmd;
	j->err.tail = bp_xstrdup("");
}

const char *
job_error_type(const char *t)
{
	static const char *const known[] = {
		"timeout", "execution_error", "crash", "oom", "parse_error",
		"spawn_error", "unsupported", "wrong_result", NULL,
	};
	int i;

	for (i = 0; t && known[i]; i++)
		if (!strcmp(t, known[i]))
			return known[i];
	return NULL;
}

const char *
job_unsupported(void)
{
	static char why[512];
	static int cuda = -1;
	const char *b = opt.builtin ? opt.builtin->backends : NULL;
	size_t n = strlen(opt.backend);

	if (b) {
		const char *p = b;

		while ((p = strstr(p, opt.backend)) && !((p == b ||
		    p[-1] == ',') && (p[n] == ',' || p[n] == '\0')))
			p += n;
		if (!p) {
			snprintf(why, sizeof why, "model %s has no backend '%s' "
			    "(its backends: %s)", opt.builtin->name, opt.backend,
			    b);
			return why;
		}
	}
	/* a built-in model knows best why it can't run: its setup says */
	if (b || strcmp(opt.backend, "cuda"))
		return NULL;
	if (cuda < 0) {
		char w[256];

		cuda = bp_cuda_open(w, sizeof w) == 0;
		if (!cuda)
			snprintf(why, sizeof why, "backend cuda unavailable: %s", w);
		else if (bp_cuda_count() <= 0) {
			cuda = 0;
			snprintf(why, sizeof why, "backend cuda unavailable: "
			    "no CUDA device");
		}
	}
	return cuda ? NULL : why;
}
