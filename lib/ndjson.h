/* ndjson.h - reading and writing records, one JSON object per line. */
#ifndef BP_NDJSON_H
#define BP_NDJSON_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "buf.h"

/* Nesting deeper than this is refused before cJSON sees the line. */
#define BP_JSON_MAX_DEPTH 512

/*
 * A sequence of input files read as one stream of lines ("-" is stdin).
 * Lines may be of any length; CRLF endings are accepted; blank lines are
 * skipped but counted, so line numbers match what an editor shows.
 */
struct bp_in {
	char **names;
	int nnames;
	int idx;		/* index of the file being read */
	FILE *fp;
	const char *name;	/* current file as shown in messages */
	unsigned long lineno;
	char *line;		/* current line, NUL-terminated, no newline */
	size_t len;
	size_t cap;
	int lenient;		/* skip invalid lines instead of stopping */
	unsigned long skipped;
	char err[512];		/* "FILE:LINE: what" for the last failure */
};

enum {
	BP_IN_EOF = 0,
	BP_IN_OK = 1,
	BP_IN_INVALID = -1,	/* the line is not a record; err says why */
	BP_IN_IOERR = -2,	/* a file could not be opened or read */
};

/* names == NULL or n == 0 reads stdin.  Opens nothing yet. */
void bp_in_init(struct bp_in *in, char **names, int n, int lenient);
/* The next non-blank line into in->line / in->len. */
int bp_in_next_line(struct bp_in *in);
/* The next line parsed as a record: an object with a string "kind". */
int bp_in_next(struct bp_in *in, cJSON **rec);
/*
 * The usual policy of a reading command: returns the next record, NULL at
 * the end; an I/O error ends the command with status 2, and so does an
 * invalid line unless the reader is lenient, in which case it is counted
 * and skipped.
 */
cJSON *bp_in_rec(struct bp_in *in);
/* Closes the current file; says "skipped N invalid lines" if any were. */
void bp_in_close(struct bp_in *in);

/*
 * Parses one line as a record.  On failure returns NULL and writes the
 * reason ("invalid JSON: unexpected end of input near '...'") to err.
 */
cJSON *bp_rec_parse(const char *line, size_t len, char *err, size_t errlen);

/* Output: records appended to a file (O_APPEND) or written to stdout. */
struct bp_out {
	int fd;
	const char *name;	/* "-" for stdout */
	int owned;		/* close fd at the end */
	struct bp_buf buf;
	unsigned long nonfinite;
};

/* path NULL or "-" is stdout.  Returns 0, or -1 with errno set. */
int bp_out_open(struct bp_out *out, const char *path);
/* Serializes rec and writes it with its newline in one write(2).  NaN
 * and infinities become null with a warning.  0, or -1 with errno. */
int bp_out_rec(struct bp_out *out, const cJSON *rec);
/* Writes an already-serialized line (newline added).  0 or -1. */
int bp_out_line(struct bp_out *out, const char *line, size_t len);
/* Flushes and closes; 0 or -1 with errno (a full disk shows here). */
int bp_out_close(struct bp_out *out);
/* Writes all of data to fd, retrying short writes and EINTR. */
int bp_write_all(int fd, const void *data, size_t len);

#endif
