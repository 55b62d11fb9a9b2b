/*
 * input.c - lines in by large read(2)s, lines out by large write(2)s.
 *
 * Input comes in chunks of about a megabyte of whole lines of one file,
 * so that a thread can analyse a chunk while the main thread applies the
 * one before; the rules are bp_in's (files in order, "-" is stdin, the
 * same messages), and record.c splits the lines.  Output lines are
 * gathered into one buffer and written whole, so a record is never split
 * between two writes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "buf.h"
#include "die.h"
#include "ndjson.h"

#define READ_CHUNK (1 << 20)
#define WRITE_CHUNK (1 << 16)

void
source_init(struct source *s, char **names, int n)
{
	static char *dash[] = { "-" };

	memset(s, 0, sizeof *s);
	s->names = n > 0 ? names : dash;
	s->nnames = n > 0 ? n : 1;
	s->idx = -1;
	s->fd = -1;
}

void
source_free(struct source *s)
{
	if (s->fd >= 0 && s->fd != STDIN_FILENO)
		close(s->fd);
	s->fd = -1;
	free(s->tail);
	s->tail = NULL;
}

void
chunk_free(struct chunk *c)
{
	free(c->buf);
	free(c->err);
	free(c->pl);
	free(c->f);
	free(c->blobs);
	free(c);
}

static void
chunk_err(struct chunk *c, const char *name, int err)
{
	struct bp_buf b = { 0 };

	bp_buf_addf(&b, "%s: %s", name, strerror(err));
	c->err = bp_buf_detach(&b);
	c->last = 1;
	c->len = 0;
}

/* Opens the next file: 1, 0 when there is none, -1 on error (in c). */
static int
open_next(struct source *s, struct chunk *c)
{
	const char *path;

	if (s->fd >= 0 && s->fd != STDIN_FILENO)
		close(s->fd);
	s->fd = -1;
	if (++s->idx >= s->nnames)
		return 0;
	path = s->names[s->idx];
	s->eof = 0;
	s->tlen = 0;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
		s->name = "-";
		return 1;
	}
	s->name = path;
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		chunk_err(c, path, errno);
		return -1;
	}
	return 1;
}

/* Reads once into c, growing it; 0 at the end of the file, -1 error. */
static int
read_more(struct source *s, struct chunk *c)
{
	ssize_t n;

	if (c->cap - c->len < READ_CHUNK) {
		c->cap = c->cap ? 2 * c->cap : 2 * READ_CHUNK;
		c->buf = bp_xrealloc(c->buf, c->cap + 1);
	}
	do
		n = read(s->fd, c->buf + c->len, c->cap - c->len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		chunk_err(c, s->name, errno);
		return -1;
	}
	c->len += n;
	return n > 0;
}

void
source_fill(struct source *s, struct chunk *c)
{
	char *nl;
	size_t before;
	int rc;

	c->len = 0;
	c->first = c->last = 0;
	free(c->err);
	c->err = NULL;
	for (;;) {
		if (s->fd < 0) {
			rc = open_next(s, c);
			if (rc <= 0) {
				c->last = 1;
				return;
			}
			c->first = 1;
		}
		c->file = s->name;
		if (s->tlen) {
			if (c->cap < s->tlen + READ_CHUNK) {
				c->cap = s->tlen + 2 * READ_CHUNK;
				c->buf = bp_xrealloc(c->buf, c->cap + 1);
			}
			memcpy(c->buf, s->tail, s->tlen);
			c->len = s->tlen;
			s->tlen = 0;
		}
		/*
		 * One read is enough once it brings a newline: a file gives a
		 * megabyte, a pipe what it has, so a slow writer's records
		 * are passed on as they come.
		 */
		for (nl = NULL; !s->eof && !nl;) {
			before = c->len;
			rc = read_more(s, c);
			if (rc < 0)
				return;
			s->eof = rc == 0;
			nl = memrchr(c->buf + before, '\n', c->len - before);
		}
		if (!nl) {
			/* the rest of the file, a last line without \n too */
			if (s->fd != STDIN_FILENO)
				close(s->fd);
			s->fd = -1;
			if (c->len > 0)
				return;
			continue;	/* an empty file */
		}
		/* whole lines only: carry the partial last one over */
		s->tlen = c->buf + c->len - (nl + 1);
		if (s->tlen > s->tcap) {
			s->tcap = s->tlen;
			s->tail = bp_xrealloc(s->tail, s->tcap);
		}
		if (s->tlen)
			memcpy(s->tail, nl + 1, s->tlen);
		c->len = nl + 1 - c->buf;
		return;
	}
}

void
wbuf_open(struct wbuf *w, const char *path)
{
	memset(w, 0, sizeof *w);
	w->cap = 2 * WRITE_CHUNK;
	w->p = bp_xmalloc(w->cap);
	if (!path || strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
		w->name = "stdout";
		return;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (w->fd < 0)
		bp_die("%s: %s", path, strerror(errno));
	w->name = path;
	w->owned = 1;
}

void
wbuf_flush(struct wbuf *w)
{
	if (w->len && bp_write_all(w->fd, w->p, w->len) < 0)
		bp_die("%s: %s", w->name, strerror(errno));
	w->len = 0;
}

/* Appends a line and its newline; writes when a chunk is full. */
void
wbuf_line(struct wbuf *w, const char *s, size_t len)
{
	if (w->len + len + 1 > w->cap) {
		wbuf_flush(w);
		if (len + 1 > w->cap) {
			w->cap = len + 1;
			w->p = bp_xrealloc(w->p, w->cap);
		}
	}
	memcpy(w->p + w->len, s, len);
	w->len += len;
	w->p[w->len++] = '\n';
	if (w->len >= WRITE_CHUNK)
		wbuf_flush(w);
}

void
wbuf_close(struct wbuf *w)
{
	wbuf_flush(w);
	if (w->owned && close(w->fd) < 0)
		bp_die("%s: %s", w->name, strerror(errno));
	free(w->p);
	w->p = NULL;
}
