/*
 * plot.c - runs gnuplot on a script and collects the SVG it writes, with
 * a deadline: a gnuplot that hangs costs the report one chart, not the
 * report.  $BENCHPIPE_GNUPLOT names another program (tests use it).
 *
 * Script in, SVG and messages out go through pipes served by one poll
 * loop, so neither side can block the other however large each gets.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fmt.h"
#include "timeutil.h"

static void
close_pair(int p[2])
{
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	p[0] = p[1] = -1;
}

static noreturn void
child(const char *prog, int in[2], int out[2], int err[2], int fail[2])
{
	char *argv[] = { (char *)prog, NULL };
	int e;

	dup2(in[0], STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	dup2(err[1], STDERR_FILENO);
	/* nothing else of ours: a gnuplot that lingers must not hold a
	 * pipe someone waits on; the exec-failure pipe closes on exec */
	dup2(fail[1], 3);
	fcntl(3, F_SETFD, FD_CLOEXEC);
	closefrom(4);
	execvp(prog, argv);
	e = errno;
	if (write(3, &e, sizeof e) < 0)
		_exit(127);
	_exit(127);
}

/* Serves the pipes until gnuplot closes its outputs or time runs out;
 * closes in either way. */
static int
pump(const char *script, size_t len, int in, int out, int errfd,
    double timeout_s, struct bp_buf *svg, struct bp_buf *msg)
{
	uint64_t deadline = bp_mono_ns() + (uint64_t)(timeout_s * 1e9);
	size_t off = 0;
	char chunk[65536];
	int open_out = 1, open_err = 1, rc = 0;

	fcntl(in, F_SETFL, O_NONBLOCK);
	if (len == 0) {
		close(in);
		in = -1;
	}
	while (open_out || open_err) {
		struct pollfd p[3] = {
			{ .fd = in, .events = POLLOUT },
			{ .fd = open_out ? out : -1, .events = POLLIN },
			{ .fd = open_err ? errfd : -1, .events = POLLIN },
		};
		uint64_t now = bp_mono_ns();
		ssize_t n;

		if (now >= deadline) {
			rc = -1;
			break;
		}
		if (poll(p, 3, (int)((deadline - now) / 1000000 + 1)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		if (in >= 0 && p[0].revents) {
			n = write(in, script + off, len - off);
			if (n > 0)
				off += n;
			if ((n < 0 && errno != EAGAIN) || off == len) {
				close(in);
				in = -1;
			}
		}
		if (p[1].revents) {
			n = read(out, chunk, sizeof chunk);
			if (n > 0)
				bp_buf_add(svg, chunk, n);
			else if (n == 0 || errno != EINTR)
				open_out = 0;
		}
		if (p[2].revents) {
			n = read(errfd, chunk, sizeof chunk);
			if (n > 0 && msg->len < 65536)
				bp_buf_add(msg, chunk, n);
			else if (n <= 0 && (n == 0 || errno != EINTR))
				open_err = 0;
		}
	}
	if (in >= 0)
		close(in);
	return rc;
}

/* The first line of gnuplot's messages that says something. */
static void
first_line(const struct bp_buf *msg, char *err, size_t errlen)
{
	const char *p = msg->p ? msg->p : "", *nl;

	while (*p == '\n' || *p == ' ' || *p == '^')
		p += strspn(p, "\n ^");
	nl = strchr(p, '\n');
	snprintf(err, errlen, "gnuplot failed: %.*s", nl ? (int)(nl - p) :
	    (int)strlen(p), *p ? p : "no message");
}

int
plot_run(const char *script, size_t len, double timeout_s,
    struct bp_buf *svg, char *err, size_t errlen)
{
	const char *prog = getenv("BENCHPIPE_GNUPLOT");
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, ep[2] = { -1, -1 };
	int fail[2] = { -1, -1 }, status = 0, e = 0, rc = -1, pumped;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct bp_buf msg = { 0 };
	pid_t pid;

	if (!prog || !*prog)
		prog = "gnuplot";
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) ||
	    pipe2(ep, O_CLOEXEC) || pipe2(fail, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child(prog, in, out, ep, fail);
	close(in[0]);
	close(out[1]);
	close(ep[1]);
	close(fail[1]);
	in[0] = out[1] = ep[1] = fail[1] = -1;
	sigaction(SIGPIPE, &ign, &old);
	pumped = pump(script, len, in[1], out[0], ep[0], timeout_s, svg, &msg);
	in[1] = -1;	/* pump closed it */
	sigaction(SIGPIPE, &old, NULL);
	if (pumped != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		continue;
	if (read(fail[0], &e, sizeof e) == (ssize_t)sizeof e) {
		snprintf(err, errlen, "%s: %s", prog, strerror(e));
		rc = e == ENOENT ? -2 : -1;
	} else if (pumped != 0) {
		snprintf(err, errlen, "gnuplot did not finish within %g s",
		    timeout_s);
	} else if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "gnuplot was killed by signal %d",
		    WTERMSIG(status));
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !svg->len) {
		first_line(&msg, err, errlen);
	} else {
		rc = 0;
	}
out:
	close_pair(in);
	close_pair(out);
	close_pair(ep);
	close_pair(fail);
	bp_buf_free(&msg);
	return rc;
}
