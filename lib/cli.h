/* cli.h - what every command's main() shares: version, numbers, tty. */
#ifndef BP_CLI_H
#define BP_CLI_H

#include <stdio.h>

/* Record schema version; changes only when a field changes meaning. */
#define BP_SCHEMA 1

extern const char bp_version[];	/* "0.1.0" */
extern const char bp_commit[];	/* short git commit or "unknown" */

/* "bench-agg (benchpipe) 0.1.0 (commit abc123)" on stdout. */
void bp_print_version(void);
/* Flushes stdout before a command exits: BP_EXIT_OK, or BP_EXIT_USAGE after
 * "PROG: stdout: reason" (a full disk must not look like success). */
int bp_stdout_status(void);
/* Strict number parsing: the whole string must be the number.
 * 0 on success, -1 otherwise. */
int bp_parse_double(const char *s, double *out);
int bp_parse_long(const char *s, long *out);
/* Progress and colour only for a person: stderr a terminal, NO_COLOR
 * unset or empty. */
int bp_stderr_is_tty(void);
/* Where share/ files live: $BENCHPIPE_DATADIR, the source tree next to the
 * binary (build/bin/../../share/benchpipe), or the installed datadir. */
const char *bp_datadir(void);
/* Where run-time modules live (the CUDA module), found the same way. */
const char *bp_libdir(void);

/* Writes a report atomically: a temp file beside path, renamed at commit. */
struct bp_atomic {
	char *path;
	char *tmp;
	FILE *fp;
};
int bp_atomic_open(struct bp_atomic *a, const char *path);
/* Flushes, syncs, renames: 0, or -1 with errno (the temp file removed). */
int bp_atomic_commit(struct bp_atomic *a);
void bp_atomic_abort(struct bp_atomic *a);

#endif
