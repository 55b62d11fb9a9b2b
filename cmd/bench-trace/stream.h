/*
 * stream.h - the JSON underneath bench-trace's reader: a window sliding
 * over the (decompressed) text, a structural scan that finds where a value
 * ends (for top-level members), and a strict parser over a value in the
 * window.  Errors are reported once, as "offset N: what", in the buffer
 * the caller gave the window.
 */
#ifndef BENCH_TRACE_STREAM_H
#define BENCH_TRACE_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "buf.h"
#include "trace.h"

#define MAX_DEPTH 256

/* The sliding window over the decompressed text. */
struct src {
	gzFile gz;
	char *buf;
	size_t len, pos, cap;
	uint64_t base;		/* offset of buf[0] in the text */
	int eof;
	char *err;
	size_t errlen;
	int failed;
};

/* A string value in the window (escapes still in it when esc). */
struct jstr {
	const char *p;
	size_t len;
	int esc;
};

/* The strict parser over one contiguous value. */
struct jp {
	const char *p, *e, *start;
	uint64_t off0;
	struct src *s;
	struct bp_buf *scratch;
	struct strtab *strs;
	int starve_ok;		/* e is the window's end and more may come */
	int starved;		/* the value ran past e: refill and retry */
	int event;		/* reading an event in place */
};

static inline void
jp_ws(struct jp *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\n' ||
	    *j->p == '\r' || *j->p == '\t'))
		j->p++;
}

static inline int
jp_cur(const struct jp *j)
{
	return j->p < j->e ? (unsigned char)*j->p : -1;
}

static inline int
key_is(const struct jstr *k, const char *s)
{
	size_t n = strlen(s);

	return k->len == n && memcmp(k->p, s, n) == 0;
}

void stream_init(void);
int src_fail(struct src *s, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
long src_fill(struct src *s, size_t keep);
int src_peek(struct src *s);
const char *show(int c);
int scan_value(struct src *s, size_t *end);

int jp_fail(struct jp *j, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int jp_string(struct jp *j, struct jstr *out);
uint32_t intern_jstr(struct strtab *t, const struct jstr *s,
    struct bp_buf *tmp);
int jp_number(struct jp *j, double *out, int64_t *iout, int *isint);
int jp_literal(struct jp *j);
int jp_value(struct jp *j, struct bp_buf *b, int depth);
int jp_id(struct jp *j, int64_t *out, int *isstr, struct jstr *str);
int jp_num(struct jp *j, double *out, int *ok);
int jp_int(struct jp *j, int64_t *out, int *ok);
int jp_canon_arg(struct jp *j, size_t span[2]);

#endif
