/* buf.h - a growable byte buffer; every output record is built in one. */
#ifndef BP_BUF_H
#define BP_BUF_H

#include <stddef.h>

struct bp_buf {
	char *p;	/* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

void bp_buf_grow(struct bp_buf *b, size_t more);
void bp_buf_add(struct bp_buf *b, const void *data, size_t len);
void bp_buf_adds(struct bp_buf *b, const char *s);
void bp_buf_addc(struct bp_buf *b, char c);
void bp_buf_addf(struct bp_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void bp_buf_reset(struct bp_buf *b);
void bp_buf_free(struct bp_buf *b);
/* Hands the string over to the caller and leaves b empty. */
char *bp_buf_detach(struct bp_buf *b);

/* Allocation that never returns NULL: out of memory ends the command. */
void *bp_xmalloc(size_t n);
void *bp_xrealloc(void *p, size_t n);
char *bp_xstrdup(const char *s);

#endif
