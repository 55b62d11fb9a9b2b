/*
 * progress.c - what a person watching sees on stderr: one updating line
 * when stderr is a terminal and the records go elsewhere (never in a pipe
 * or a log file), or with -v
 * one line per finished job; failures and skips are named unless
 * --quiet.  The line is redrawn at most ten times a second.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench-run.h"
#include "cli.h"
#include "die.h"
#include "timeutil.h"

static int tty = -1, shown, jobs_done;
static const char *last_status;
static uint64_t t0, last;

static int
on_tty(void)
{
	if (tty < 0) {
		/* records on the same terminal are progress enough */
		tty = !opt.quiet && !opt.verbose && bp_stderr_is_tty() &&
		    (opt.outpath || !isatty(STDOUT_FILENO));
		t0 = bp_mono_ns();
	}
	return tty;
}

static void
clock_text(char *buf, size_t len, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* "gemm m=512 (run 2/3)": which job, in words. */
static void
job_name(char *buf, size_t len, const struct job *j)
{
	int n = snprintf(buf, len, "%s%s%s", opt.model,
	    j->combo->desc[0] ? " " : "", j->combo->desc);

	if (opt.runs > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, " (run %d/%d)", j->run + 1, opt.runs);
}

static void
draw(const struct job *j)
{
	struct winsize ws;
	char name[256], el[32], left[32], line[512];
	int total = j->ncombos * opt.runs, cols = 80;
	int want = opt.warmup + opt.iterations;
	double frac, elapsed = (bp_mono_ns() - t0) / 1e9;
	size_t n;

	frac = want > 0 ? (double)(j->nwarmup + j->nmeasured) / want : 0;
	if (frac > 1)
		frac = 1;
	frac = (jobs_done + frac) / total;
	job_name(name, sizeof name, j);
	clock_text(el, sizeof el, elapsed);
	if (frac > 0.01)
		clock_text(left, sizeof left, elapsed / frac - elapsed);
	else
		snprintf(left, sizeof left, "?");
	snprintf(line, sizeof line, "[%d/%d] %s: iteration %d/%d, %s elapsed, "
	    "~%s left%s%s", jobs_done + 1, total, name, j->nmeasured,
	    opt.iterations, el, left, last_status ? ", last: " : "",
	    last_status ? last_status : "");
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		cols = ws.ws_col;
	n = strlen(line);
	if (n > (size_t)cols - 1)
		n = cols - 1;
	fprintf(stderr, "\r%.*s\033[K", (int)n, line);
	fflush(stderr);
	shown = 1;
}

void
progress_job(const struct job *j)
{
	if (!on_tty())
		return;
	last = bp_mono_ns();
	draw(j);
}

void
progress_iter(const struct job *j)
{
	uint64_t now;

	if (!on_tty())
		return;
	now = bp_mono_ns();
	if (now - last < 100000000u)
		return;
	last = now;
	draw(j);
}

void
progress_clear(void)
{
	if (shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		shown = 0;
	}
}

void
progress_end(const struct job *j)
{
	char name[256];
	double sum = 0;
	size_t i;
	int k;

	on_tty();
	progress_clear();
	jobs_done++;
	last_status = j->status == ST_OK ? "ok" : j->status == ST_FAILED ?
	    "failed" : j->status == ST_SKIPPED ? "skipped" : "interrupted";
	job_name(name, sizeof name, j);
	if (j->status == ST_FAILED && !opt.quiet)
		bp_warn("%s: %s: %s%s", name, j->err.type, j->err.msg,
		    j->retried ? " (trying again)" : "");
	else if (j->status == ST_SKIPPED && !opt.quiet)
		bp_warn("%s: skipped: %s", name, j->err.msg);
	else if (j->status == ST_INTERRUPTED && !opt.quiet)
		bp_warn("%s: interrupted after %d iterations", name,
		    j->nmeasured);
	if (!opt.verbose || j->status != ST_OK)
		return;
	for (k = 0; k < j->nmetric; k++)
		if (!strcmp(j->metric[k].name, "latency_ms"))
			break;
	if (k < j->nmetric && j->metric[k].v.n) {
		for (i = 0; i < j->metric[k].v.n; i++)
			sum += j->metric[k].v.v[i];
		bp_warn("[%d/%d] %s: ok, %d iterations, latency_ms mean %.4g",
		    jobs_done, j->ncombos * opt.runs, name, j->nmeasured,
		    sum / j->metric[k].v.n);
	} else {
		bp_warn("[%d/%d] %s: ok, %d iterations", jobs_done,
		    j->ncombos * opt.runs, name, j->nmeasured);
	}
}
