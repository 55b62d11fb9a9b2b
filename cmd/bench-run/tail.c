/*
 * tail.c - the last 4 KiB of what a command wrote to stderr, kept for the
 * error record.  Memory is bounded whatever the command writes; the text
 * handed out is valid UTF-8 starting at a character boundary, so a cut
 * through a character never makes a record invalid JSON.
 */
#include <string.h>

#include "bench-run.h"

void
tail_add(struct tail *t, const char *p, size_t n)
{
	size_t keep;

	if (n >= TAIL_MAX) {
		memcpy(t->buf, p + n - TAIL_MAX, TAIL_MAX);
		t->len = TAIL_MAX;
		return;
	}
	if (t->len + n > sizeof t->buf) {
		keep = TAIL_MAX - n;
		memmove(t->buf, t->buf + t->len - keep, keep);
		t->len = keep;
	}
	memcpy(t->buf + t->len, p, n);
	t->len += n;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

char *
tail_text(const struct tail *t)
{
	const unsigned char *s = (const unsigned char *)t->buf;
	size_t i = t->len > TAIL_MAX ? t->len - TAIL_MAX : 0, n;
	struct bp_buf b = { 0 };

	/* the cut may have split a character: start at the next one */
	while (i < t->len && (s[i] & 0xc0) == 0x80)
		i++;
	bp_buf_adds(&b, "");
	while (i < t->len) {
		n = utf8_len(s + i, t->len - i);
		if (n == 0) {
			bp_buf_addc(&b, '?');
			i++;
			continue;
		}
		bp_buf_add(&b, s + i, n);
		i += n;
	}
	return bp_buf_detach(&b);
}
