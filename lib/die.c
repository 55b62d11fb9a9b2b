/*
 * die.c - diagnostics: "prog: message" on stderr, lower-case, no full stop.
 * The whole message is formatted first and written with one write(2), so
 * lines from parallel commands sharing a terminal never interleave.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"

const char *bp_progname = "benchpipe";

void
bp_setprogname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	bp_progname = slash ? slash + 1 : argv0;
}

static size_t
clamp(int n, size_t len)
{
	/* leave room for the newline */
	return n < 0 ? 0 : (size_t)n >= len - 1 ? len - 2 : (size_t)n;
}

static void
vreport(int errnum, const char *fmt, va_list ap)
{
	char buf[4096];
	size_t n;

	n = clamp(snprintf(buf, sizeof buf, "%s: ", bp_progname), sizeof buf);
	n += clamp(vsnprintf(buf + n, sizeof buf - n, fmt, ap), sizeof buf - n);
	if (errnum)
		n += clamp(snprintf(buf + n, sizeof buf - n, ": %s",
		    strerror(errnum)), sizeof buf - n);
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nowhere left to report it */
	}
}

void
bp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
}

void
bp_warn_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(e, fmt, ap);
	va_end(ap);
}

void
bp_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	exit(BP_EXIT_USAGE);
}

void
bp_die_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(e, fmt, ap);
	va_end(ap);
	exit(BP_EXIT_USAGE);
}

void
bp_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", bp_progname);
	exit(BP_EXIT_USAGE);
}
