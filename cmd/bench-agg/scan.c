/*
 * scan.c - the fast path: a validating scanner for the strict subset of
 * JSON that sample records are written in, and no tree.
 *
 * Anything outside the subset (escapes, non-ASCII bytes, whitespace other
 * than space and tab, deep nesting, numbers longer than cJSON's 63
 * characters) makes scan_record() return 0, and the caller hands the line
 * to cJSON, which either accepts it or says precisely what is wrong.  So
 * the scanner never accepts a line cJSON would refuse, and never reads a
 * value differently: numbers go through Clinger's exact fast path (at most
 * 19 digits, a mantissa below 2^53 and a power of ten below 10^23 are one
 * correctly rounded IEEE operation) or strtod, cJSON's own converter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"

#define MAX_DEPTH 32

static const double pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The closing quote of a string whose first byte is p, or NULL if the
 * string has an escape, a control or non-ASCII byte, or no end. */
static const char *
string_end(const char *p, const char *e)
{
	uint64_t w, q, b, m;

	while (e - p >= 8) {
		memcpy(&w, p, 8);
		q = w ^ (ONES * '"');
		b = w ^ (ONES * '\\');
		/*
		 * The high bit of each byte that is '"', '\\', < 0x20 or
		 * >= 0x80.  The zero-byte tricks can flag a byte above a true
		 * hit, never below one, so the lowest flag is exact.
		 */
		m = (((q - ONES) & ~q) | ((b - ONES) & ~b) |
		    ((w - ONES * 0x20) & ~w) | w) & HIGHS;
		if (m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			p += __builtin_ctzll(m) / 8;
			return *p == '"' ? p : NULL;
#else
			break;
#endif
		}
		p += 8;
	}
	for (; p < e; p++) {
		unsigned char c = *p;

		if (c == '"')
			return p;
		if (c == '\\' || c < 0x20 || c >= 0x80)
			return NULL;
	}
	return NULL;
}

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A JSON number at p: its end, and its value in *out; NULL if invalid. */
static const char *
number(const char *p, const char *e, double *out)
{
	const char *s = p;
	uint64_t mant = 0;
	int nd = 0, exp10 = 0, neg = 0, inexact = 0, eneg = 0, ev = 0;
	double d;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	if (p >= e || !digit(*p))
		return NULL;
	if (*p == '0') {
		p++;
	} else {
		for (; p < e && digit(*p); p++) {
			if (nd < 19) {
				mant = mant * 10 + (*p - '0');
				nd++;
			} else {
				exp10++;
				inexact |= *p != '0';
			}
		}
	}
	if (p < e && *p == '.') {
		if (++p >= e || !digit(*p))
			return NULL;
		for (; p < e && digit(*p); p++) {
			if (mant == 0 && *p == '0') {
				exp10--;
			} else if (nd < 19) {
				mant = mant * 10 + (*p - '0');
				nd++;
				exp10--;
			} else {
				inexact |= *p != '0';
			}
		}
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p >= e || !digit(*p))
			return NULL;
		for (; p < e && digit(*p); p++)
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
		exp10 += eneg ? -ev : ev;
	}
	if (p - s > 63)
		return NULL;	/* cJSON reads 63 characters at most */
	if (mant == 0) {
		d = 0;
	} else if (!inexact && mant <= (1ULL << 53) && exp10 >= -22 &&
	    exp10 <= 22) {
		d = (double)mant;
		d = exp10 < 0 ? d / pow10[-exp10] : d * pow10[exp10];
	} else {
		d = strtod(neg ? s + 1 : s, NULL);
	}
	*out = neg ? -d : d;
	return p;
}

static const char *value(const char *p, const char *e, int depth,
    uint16_t *type, double *num);

static const char *
container(const char *p, const char *e, int depth, int obj)
{
	uint16_t t;
	double d;

	if (depth > MAX_DEPTH)
		return NULL;
	p = skip_ws(p + 1, e);
	if (p < e && *p == (obj ? '}' : ']'))
		return p + 1;
	for (;;) {
		if (obj) {
			if (p >= e || *p != '"' || !(p = string_end(p + 1, e)))
				return NULL;
			p = skip_ws(p + 1, e);
			if (p >= e || *p != ':')
				return NULL;
			p = skip_ws(p + 1, e);
		}
		if (!(p = value(p, e, depth + 1, &t, &d)))
			return NULL;
		p = skip_ws(p, e);
		if (p >= e)
			return NULL;
		if (*p == (obj ? '}' : ']'))
			return p + 1;
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1, e);
	}
}

static const char *
value(const char *p, const char *e, int depth, uint16_t *type, double *num)
{
	if (p >= e)
		return NULL;
	switch (*p) {
	case '"':
		*type = F_STR;
		p = string_end(p + 1, e);
		return p ? p + 1 : NULL;
	case '{':
		*type = F_OBJ;
		return container(p, e, depth, 1);
	case '[':
		*type = F_ARR;
		return container(p, e, depth, 0);
	case 't':
		*type = F_TRUE;
		return e - p >= 4 && memcmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		*type = F_FALSE;
		return e - p >= 5 && memcmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		*type = F_NULL;
		return e - p >= 4 && memcmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		*type = F_NUM;
		return number(p, e, num);
	}
}

int
scan_record(const char *line, size_t len, struct scan *sc,
    const struct hint *hints)
{
	const char *p = line, *e = line + len, *q;
	struct field *f;

	sc->nf = 0;
	p = skip_ws(p, e);
	if (p >= e || *p != '{')
		return 0;
	p = skip_ws(p + 1, e);
	for (;;) {
		if (sc->nf == SCAN_MAX_FIELDS || p >= e || *p != '"')
			return 0;
		f = &sc->f[sc->nf];
		f->hinted = 0;
		if (hints && hints[sc->nf].len &&
		    (size_t)(e - p) > hints[sc->nf].len + 1 &&
		    p[1 + hints[sc->nf].len] == '"' &&
		    same(p + 1, hints[sc->nf].name, hints[sc->nf].len)) {
			/* the hint holds no quote or escape: a valid key */
			q = p + 1 + hints[sc->nf].len;
			f->hinted = 1;
		} else if (!(q = string_end(p + 1, e))) {
			return 0;
		}
		sc->nf++;
		f->key = p + 1;
		f->klen = q - (p + 1);
		p = skip_ws(q + 1, e);
		if (p >= e || *p != ':')
			return 0;
		p = skip_ws(p + 1, e);
		f->val = p;
		if (!(p = value(p, e, 1, &f->type, &f->num)))
			return 0;
		f->vlen = p - f->val;
		p = skip_ws(p, e);
		if (p >= e)
			return 0;
		if (*p == '}')
			break;
		if (*p != ',')
			return 0;
		p = skip_ws(p + 1, e);
	}
	return skip_ws(p + 1, e) == e;
}

const char *
scan_member(const char *obj, size_t len, const char *name, size_t nlen,
    size_t *vlen)
{
	const char *p = obj, *e = obj + len, *k, *q, *v;
	uint16_t t;
	double d;

	if (p >= e || *p != '{')
		return NULL;
	p = skip_ws(p + 1, e);
	while (p < e && *p == '"') {
		k = p + 1;
		q = string_end(k, e);
		if (!q)
			return NULL;
		p = skip_ws(q + 1, e);
		p = skip_ws(p + 1, e);	/* the ':' */
		v = p;
		p = value(p, e, 1, &t, &d);
		if (!p)
			return NULL;
		if ((size_t)(q - k) == nlen && memcmp(k, name, nlen) == 0) {
			*vlen = p - v;
			return v;
		}
		p = skip_ws(p, e);
		if (p < e && *p == ',')
			p = skip_ws(p + 1, e);
	}
	return NULL;
}
