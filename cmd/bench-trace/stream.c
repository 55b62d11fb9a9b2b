/*
 * stream.c - the JSON layer of the reader (see stream.h): the window over
 * the text, read through zlib (which passes plain files through), the
 * structural scan, and a strict RFC 8259 parser.  Numbers take Clinger's
 * fast path where it is exact and strtod otherwise, so each equals what
 * Python makes of the same text; an error at the end of the window while
 * more may come is "starved", for the caller to refill and parse again.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream.h"

int
src_fail(struct src *s, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->failed)
		return -1;
	n = snprintf(s->err, s->errlen, "offset %llu: ",
	    (unsigned long long)off);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < s->errlen)
		vsnprintf(s->err + n, s->errlen - n, fmt, ap);
	va_end(ap);
	s->failed = 1;
	return -1;
}

/*
 * Reads more text, keeping buf[keep..] (moved to the front).  Returns how
 * far the kept bytes moved, or -1 with the error set; s->eof at the end.
 */
/* zlib names the stream "<fd:3>: "; the caller names the file. */
static const char *
gzmsg(gzFile gz, int *errnum)
{
	const char *m = gzerror(gz, errnum), *c;

	if (m && m[0] == '<' && (c = strstr(m, ">: ")) != NULL)
		return c + 3;
	return m;
}

long
src_fill(struct src *s, size_t keep)
{
	size_t shift = keep;
	int n, errnum;
	const char *msg;

	if (keep > 0) {
		memmove(s->buf, s->buf + keep, s->len - keep);
		s->len -= keep;
		s->pos -= keep;
		s->base += keep;
	}
	if (s->len == s->cap) {
		s->cap *= 2;
		s->buf = bp_xrealloc(s->buf, s->cap + 1);
	}
	if (s->eof)
		return (long)shift;
	n = gzread(s->gz, s->buf + s->len,
	    (unsigned)(s->cap - s->len > (1u << 30) ? (1u << 30) :
	    s->cap - s->len));
	if (n < 0) {
		msg = gzmsg(s->gz, &errnum);
		if (errnum == Z_ERRNO)
			msg = strerror(errno);
		return src_fail(s, s->base + s->len, "%s%s",
		    errnum == Z_ERRNO ? "read error: " : "gzip: ", msg);
	}
	if (n == 0) {
		msg = gzmsg(s->gz, &errnum);
		if (errnum != Z_OK && errnum != Z_STREAM_END)
			return src_fail(s, s->base + s->len, "gzip: %s%s", msg,
			    errnum == Z_BUF_ERROR ? " (truncated file?)" : "");
		s->eof = 1;
	}
	s->len += n;
	s->buf[s->len] = '\0';
	return (long)shift;
}

const char *
show(int c)
{
	static char b[16];

	if (c < 0)
		return "end of input";
	if (c >= 0x20 && c < 0x7f)
		snprintf(b, sizeof b, "'%c'", c);
	else
		snprintf(b, sizeof b, "byte 0x%02x", c & 0xff);
	return b;
}

/* The next non-blank byte at s->pos (not consumed), -1 at the end, -2 on
 * error. */
int
src_peek(struct src *s)
{
	for (;;) {
		while (s->pos < s->len) {
			unsigned char c = s->buf[s->pos];

			if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
				return c;
			s->pos++;
		}
		if (s->eof)
			return -1;
		if (src_fill(s, s->pos) < 0)
			return -2;
	}
}

/* Class of each byte for the structural scan: 1 string quote, 2 open,
 * 3 close, 4 backslash, 0 nothing. */
static unsigned char cls[256];
/* Bytes that end the fast scan through a string. */
static unsigned char strstop[256];

void
stream_init(void)
{
	for (int c = 0; c < 0x20; c++)
		strstop[c] = 1;
	strstop['"'] = strstop['\\'] = 1;
	cls['"'] = 1;
	cls['{'] = cls['['] = 2;
	cls['}'] = cls[']'] = 3;
	cls['\\'] = 4;
}

/*
 * Finds the end of the value starting at s->pos without judging it: just
 * brackets and strings.  The strict parse that follows does the judging.
 * On success the whole value lies in buf[s->pos, *end).
 */
int
scan_value(struct src *s, size_t *end)
{
	size_t i = s->pos;
	int depth = 0, instr = 0;
	unsigned char c = s->buf[i];

	if (c != '{' && c != '[' && c != '"') {
		/* A scalar: up to the next delimiter. */
		for (;;) {
			while (i < s->len) {
				c = s->buf[i];
				if (c == ',' || c == '}' || c == ']' || c == ' ' ||
				    c == '\n' || c == '\r' || c == '\t')
					break;
				i++;
			}
			if (i < s->len || s->eof)
				break;
			long sh = src_fill(s, s->pos);
			if (sh < 0)
				return -1;
			i -= sh;
		}
		*end = i;
		return 0;
	}
	for (;;) {
		const unsigned char *b = (const unsigned char *)s->buf;
		size_t n = s->len;

		while (i < n) {
			if (instr) {
				while (i < n && b[i] != '"' && b[i] != '\\')
					i++;
				if (i >= n)
					break;
				if (b[i] == '\\') {
					if (i + 1 >= n)
						break;
					i += 2;
					continue;
				}
				instr = 0;
				i++;
				if (depth == 0) {
					*end = i;
					return 0;
				}
				continue;
			}
			while (i < n && cls[b[i]] == 0)
				i++;
			if (i >= n)
				break;
			switch (cls[b[i]]) {
			case 1:
				instr = 1;
				break;
			case 2:
				depth++;
				break;
			case 3:
				if (--depth <= 0) {
					*end = i + 1;
					return 0;
				}
				break;
			}
			i++;
		}
		if (s->eof)
			return src_fail(s, s->base + s->len,
			    "unexpected end of input inside %s that starts at "
			    "offset %llu (truncated trace?)",
			    instr && depth == 0 ? "a string" :
			    s->buf[s->pos] == '{' ? "an object" : "an array",
			    (unsigned long long)(s->base + s->pos));
		long sh = src_fill(s, s->pos);
		if (sh < 0)
			return -1;
		i -= sh;
	}
}

/* ---- the strict parser over one value ---- */

/*
 * An error at the end of the window only means the value goes on past it
 * while more text may come: the caller refills and parses again.  At the
 * end of the input it is a truncated trace.
 */
int
jp_fail(struct jp *j, const char *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (at >= j->e && j->starve_ok) {
		j->starved = 1;
		return -1;
	}
	if (at >= j->e && j->event)
		return src_fail(j->s, j->off0 + (j->e - j->start),
		    "unexpected end of input inside the event that starts at "
		    "offset %llu (truncated trace?)",
		    (unsigned long long)j->off0);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return src_fail(j->s, j->off0 + (at - j->start), "%s", msg);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string at j->p (the quote); validates escapes and control bytes. */
int
jp_string(struct jp *j, struct jstr *out)
{
	const char *p = j->p + 1;

	out->esc = 0;
	for (;;) {
		const char *q = p;

		while (q < j->e && !strstop[(unsigned char)*q])
			q++;
		if (q >= j->e)
			return jp_fail(j, q, "unterminated string");
		if (*q == '"') {
			out->p = j->p + 1;
			out->len = q - out->p;
			j->p = q + 1;
			return 0;
		}
		if (*q != '\\')
			return jp_fail(j, q, "control character (byte 0x%02x) "
			    "in a string", (unsigned char)*q);
		out->esc = 1;
		if (q + 1 >= j->e)
			return jp_fail(j, j->e, "unterminated string");
		switch (q[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n':
		case 'r': case 't':
			p = q + 2;
			break;
		case 'u':
			for (int k = 2; k < 6; k++)
				if (q + k >= j->e)
					return jp_fail(j, j->e, "bad \\u escape");
				else if (hexval(q[k]) < 0)
					return jp_fail(j, q, "bad \\u escape");
			p = q + 6;
			break;
		default:
			return jp_fail(j, q, "bad escape '\\%c' in a string",
			    q[1]);
		}
	}
}

static void
put_utf8(struct bp_buf *b, unsigned cp)
{
	char u[4];

	if (cp < 0x80) {
		bp_buf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		bp_buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		bp_buf_add(b, u, 3);
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		bp_buf_add(b, u, 4);
	}
}

/* Interns a validated string, decoding its escapes. */
uint32_t
intern_jstr(struct strtab *t, const struct jstr *s, struct bp_buf *tmp)
{
	if (!s->esc)
		return str_intern(t, s->p, s->len);
	bp_buf_reset(tmp);
	for (size_t i = 0; i < s->len; i++) {
		char c = s->p[i];
		unsigned cp;

		if (c != '\\') {
			bp_buf_addc(tmp, c);
			continue;
		}
		c = s->p[++i];
		switch (c) {
		case 'b': bp_buf_addc(tmp, '\b'); break;
		case 'f': bp_buf_addc(tmp, '\f'); break;
		case 'n': bp_buf_addc(tmp, '\n'); break;
		case 'r': bp_buf_addc(tmp, '\r'); break;
		case 't': bp_buf_addc(tmp, '\t'); break;
		case 'u':
			cp = 0;
			for (int k = 1; k <= 4; k++)
				cp = cp * 16 + hexval(s->p[i + k]);
			i += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < s->len + 1 &&
			    s->p[i + 1] == '\\' && s->p[i + 2] == 'u') {
				unsigned lo = 0;

				for (int k = 3; k <= 6; k++)
					lo = lo * 16 + hexval(s->p[i + k]);
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 6;
				}
			}
			put_utf8(tmp, cp);
			break;
		default: bp_buf_addc(tmp, c); break;
		}
	}
	return str_intern(t, tmp->p ? tmp->p : "", tmp->len);
}

static const double pow10tab[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A number per the JSON grammar.  Small decimals take Clinger's exact
 * fast path (an integer below 2^53 times or over an exact power of ten is
 * correctly rounded); the rest go to strtod, which rounds correctly too,
 * so every value equals what Python's float() makes of the same text.
 */
int
jp_number(struct jp *j, double *out, int64_t *iout, int *isint)
{
	const char *p = j->p, *start = p;
	uint64_t m = 0;
	int nd = 0, frac = 0, neg = 0, expo = 0, big = 0;

	if (p < j->e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= j->e)
		return jp_fail(j, p, "invalid value: %s", show(-1));
	if (*p < '0' || *p > '9')
		return jp_fail(j, start, "invalid value: %s", show(jp_cur(j)));
	if (*p == '0') {
		p++;
		if (p < j->e && *p >= '0' && *p <= '9')
			return jp_fail(j, start, "number with a leading zero");
	} else {
		while (p < j->e && *p >= '0' && *p <= '9') {
			if (nd < 19)
				m = m * 10 + (*p - '0');
			else
				big = 1;
			nd++;
			p++;
		}
	}
	*isint = 1;
	if (p < j->e && *p == '.') {
		p++;
		*isint = 0;
		if (p >= j->e || *p < '0' || *p > '9')
			return jp_fail(j, p, "digit expected after '.'");
		while (p < j->e && *p >= '0' && *p <= '9') {
			if (nd < 19) {
				m = m * 10 + (*p - '0');
				frac++;
			} else {
				big = 1;
			}
			if (m || nd)
				nd++;
			p++;
		}
	}
	if (p < j->e && (*p == 'e' || *p == 'E')) {
		int es = 1, ev = 0;

		p++;
		*isint = 0;
		if (p < j->e && (*p == '+' || *p == '-'))
			es = *p++ == '-' ? -1 : 1;
		if (p >= j->e || *p < '0' || *p > '9')
			return jp_fail(j, p, "digit expected in an exponent");
		while (p < j->e && *p >= '0' && *p <= '9') {
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
			p++;
		}
		expo = es * ev;
	}
	j->p = p;
	expo -= frac;
	if (!big && m < (1ULL << 53) && expo >= -22 && expo <= 22) {
		double d = (double)m;

		d = expo < 0 ? d / pow10tab[-expo] : d * pow10tab[expo];
		*out = neg ? -d : d;
	} else {
		char tmp[64];
		size_t len = p - start;

		if (len < sizeof tmp) {
			memcpy(tmp, start, len);
			tmp[len] = '\0';
			*out = strtod(tmp, NULL);
		} else {
			char *t = bp_xmalloc(len + 1);

			memcpy(t, start, len);
			t[len] = '\0';
			*out = strtod(t, NULL);
			free(t);
		}
	}
	if (!iout)
		return 0;
	/*
	 * Converting a double out of int64_t's range is undefined: such an
	 * id becomes INT64_MIN, which the id maps (util.c) never store.
	 */
	if (*isint && !big && m <= (uint64_t)INT64_MAX)
		*iout = neg ? -(int64_t)m : (int64_t)m;
	else if (*out >= -9223372036854775808.0 &&
	    *out < 9223372036854775808.0)
		*iout = (int64_t)*out;
	else
		*iout = INT64_MIN;
	return 0;
}

int
jp_literal(struct jp *j)
{
	static const char *const lit[] = { "true", "false", "null" };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(lit[i]), have = j->e - j->p;

		if (have >= n && memcmp(j->p, lit[i], n) == 0) {
			j->p += n;
			return i;
		}
		if (have < n && memcmp(j->p, lit[i], have) == 0)
			return jp_fail(j, j->e, "truncated literal");
	}
	return jp_fail(j, j->p, "invalid value: %s", show(jp_cur(j)));
}

/*
 * Validates any value; with b != NULL also appends it as compact JSON
 * (strings and numbers as written), the form shapes are grouped by.
 */
int
jp_value(struct jp *j, struct bp_buf *b, int depth)
{
	int c = jp_cur(j), first = 1;
	const char *p0 = j->p;
	struct jstr s;
	double d;
	int isint;

	if (depth > MAX_DEPTH)
		return jp_fail(j, j->p, "nesting deeper than %d", MAX_DEPTH);
	switch (c) {
	case '"':
		if (jp_string(j, &s) < 0)
			return -1;
		if (b)
			bp_buf_add(b, p0, j->p - p0);
		return 0;
	case '{':
	case '[':
		j->p++;
		if (b)
			bp_buf_addc(b, (char)c);
		for (;;) {
			jp_ws(j);
			if (jp_cur(j) == (c == '{' ? '}' : ']') && first) {
				j->p++;
				break;
			}
			if (!first) {
				if (jp_cur(j) == (c == '{' ? '}' : ']')) {
					j->p++;
					break;
				}
				if (jp_cur(j) != ',')
					return jp_fail(j, j->p, "expected ',' or "
					    "'%c' in %s, found %s",
					    c == '{' ? '}' : ']', c == '{' ?
					    "an object" : "an array",
					    show(jp_cur(j)));
				j->p++;
				if (b)
					bp_buf_addc(b, ',');
				jp_ws(j);
			}
			first = 0;
			if (c == '{') {
				if (jp_cur(j) != '"')
					return jp_fail(j, j->p, "expected a key "
					    "string, found %s", show(jp_cur(j)));
				p0 = j->p;
				if (jp_string(j, &s) < 0)
					return -1;
				if (b) {
					bp_buf_add(b, p0, j->p - p0);
					bp_buf_addc(b, ':');
				}
				jp_ws(j);
				if (jp_cur(j) != ':')
					return jp_fail(j, j->p, "expected ':' "
					    "after a key, found %s",
					    show(jp_cur(j)));
				j->p++;
				jp_ws(j);
			}
			if (jp_value(j, b, depth + 1) < 0)
				return -1;
		}
		if (b)
			bp_buf_addc(b, (char)(c == '{' ? '}' : ']'));
		return 0;
	case 't':
	case 'f':
	case 'n':
		if (jp_literal(j) < 0)
			return -1;
		if (b)
			bp_buf_add(b, p0, j->p - p0);
		return 0;
	default:
		if (jp_number(j, &d, NULL, &isint) < 0)
			return -1;
		if (b)
			bp_buf_add(b, p0, j->p - p0);
		return 0;
	}
}

/* A number, or a string standing for an id (pid "CPU functions"). */
int
jp_id(struct jp *j, int64_t *out, int *isstr, struct jstr *str)
{
	double d;
	int isint;

	*isstr = 0;
	if (jp_cur(j) == '"') {
		*isstr = 1;
		return jp_string(j, str);
	}
	if (jp_cur(j) == 'n' || jp_cur(j) == 't' || jp_cur(j) == 'f') {
		*isstr = 2;	/* null etc.: as if absent */
		return jp_literal(j) < 0 ? -1 : 0;
	}
	return jp_number(j, &d, out, &isint);
}

int
jp_num(struct jp *j, double *out, int *ok)
{
	int64_t iv;
	int isint;

	*ok = 0;
	if (jp_cur(j) == 'n' || jp_cur(j) == 't' || jp_cur(j) == 'f' ||
	    jp_cur(j) == '"' || jp_cur(j) == '[' || jp_cur(j) == '{')
		return jp_value(j, NULL, 1);
	*ok = 1;
	return jp_number(j, out, &iv, &isint);
}

int
jp_int(struct jp *j, int64_t *out, int *ok)
{
	double d;
	int isint;

	*ok = 0;
	if (jp_cur(j) == 'n' || jp_cur(j) == 't' || jp_cur(j) == 'f' ||
	    jp_cur(j) == '[' || jp_cur(j) == '{')
		return jp_value(j, NULL, 1);
	if (jp_cur(j) == '"') {
		/* Some exporters write ids as strings: keep the digits. */
		struct jstr s;
		char tmp[32];

		if (jp_string(j, &s) < 0)
			return -1;
		if (s.len > 0 && s.len < sizeof tmp && !s.esc) {
			char *end;

			memcpy(tmp, s.p, s.len);
			tmp[s.len] = '\0';
			*out = strtoll(tmp, &end, 0);
			*ok = *end == '\0';
		}
		return 0;
	}
	*ok = 1;
	return jp_number(j, &d, out, &isint);
}

int
jp_canon_arg(struct jp *j, size_t span[2])
{
	span[0] = j->scratch->len;
	if (jp_value(j, j->scratch, 1) < 0)
		return -1;
	span[1] = j->scratch->len;
	return 0;
}
