/*
 * buf.c - growable byte buffers and allocation that cannot fail.
 * Invariant: once anything was added, p[len] == '\0', so a buffer can be
 * handed to string functions without copying.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"

void *
bp_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		bp_die("out of memory (%zu bytes)", n);
	return p;
}

void *
bp_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		bp_die("out of memory (%zu bytes)", n);
	return q;
}

char *
bp_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(bp_xmalloc(n), s, n);
}

void
bp_buf_grow(struct bp_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (need < b->len)
		bp_die("out of memory (buffer overflow)");
	b->cap = b->cap ? b->cap : 256;
	while (b->cap < need)
		b->cap = b->cap * 2 > b->cap ? b->cap * 2 : need;
	b->p = bp_xrealloc(b->p, b->cap);
}

void
bp_buf_add(struct bp_buf *b, const void *data, size_t len)
{
	bp_buf_grow(b, len);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void
bp_buf_adds(struct bp_buf *b, const char *s)
{
	bp_buf_add(b, s, strlen(s));
}

void
bp_buf_addc(struct bp_buf *b, char c)
{
	bp_buf_grow(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
bp_buf_addf(struct bp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	bp_buf_grow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void
bp_buf_reset(struct bp_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
bp_buf_free(struct bp_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

char *
bp_buf_detach(struct bp_buf *b)
{
	char *p = b->p ? b->p : bp_xstrdup("");

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}
