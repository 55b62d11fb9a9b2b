/* die.h - the one place diagnostics are printed. */
#ifndef BP_DIE_H
#define BP_DIE_H

#include <stdnoreturn.h>

/* Exit statuses shared by every command. */
enum {
	BP_EXIT_OK = 0,
	BP_EXIT_FOUND = 1,	/* a regression, a failed benchmark */
	BP_EXIT_USAGE = 2,	/* bad usage, bad input, system error */
};

extern const char *bp_progname;

void bp_setprogname(const char *argv0);
void bp_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bp_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void bp_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void bp_die_errno(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Prints "PROG: message" and "Try 'PROG --help'." and exits 2. */
noreturn void bp_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
