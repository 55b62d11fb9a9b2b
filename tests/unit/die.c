/* die.c - the message format every command shares, and exit status 2. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "die.h"
#include "test.h"

/* Runs fn with stderr captured; returns what it printed. */
static const char *
capture(void (*fn)(void), int *status)
{
	static char buf[8192];
	int fds[2], st = 0;
	size_t len;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return "";
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	len = 0;
	while ((n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &st, 0);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return buf;
}

static void warn(void) { bp_warn("%s:%d: expected number for \"%s\"", "r.ndjson", 17, "ns"); }
static void warn_errno(void) { errno = ENOENT; bp_warn_errno("%s", "x.ndjson"); }
static void die(void) { bp_die("bad %s", "input"); }
static void die_errno(void) { errno = ENOSPC; bp_die_errno("stdout"); }
static void usage(void) { bp_usage_error("unknown thing '%s'", "x"); }
static void
longmsg(void)
{
	char big[10000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	bp_warn("%s", big);
}

int
main(void)
{
	const char *out;
	int st;

	bp_setprogname("/usr/bin/bench-agg");
	ok(!strcmp(bp_progname, "bench-agg"), "the program name is the basename");
	out = capture(warn, &st);
	is_str(out, "bench-agg: r.ndjson:17: expected number for \"ns\"\n",
	    "warn: prog: file:line: message");
	ok(st == 0, "warn does not exit");
	out = capture(warn_errno, &st);
	is_str(out, "bench-agg: x.ndjson: No such file or directory\n",
	    "warn_errno appends strerror");
	out = capture(die, &st);
	ok(st == 2 && !strcmp(out, "bench-agg: bad input\n"), "die exits 2");
	out = capture(die_errno, &st);
	ok(st == 2 && !strcmp(out, "bench-agg: stdout: No space left on device\n"),
	    "die_errno exits 2 with strerror");
	out = capture(usage, &st);
	is_str(out, "bench-agg: unknown thing 'x'\n"
	    "Try 'bench-agg --help' for more information.\n",
	    "usage error points to --help");
	ok(st == 2, "and exits 2");
	out = capture(longmsg, &st);
	ok(strlen(out) == 4095 && out[4094] == '\n',
	    "a message too long is cut, still one line");
	return done();
}
