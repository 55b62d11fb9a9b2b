/*
 * protocol.c - one line of the ndjson protocol: a JSON object whose
 * numbers are metrics ("latency_ms" required), with an optional
 * "phase": "warmup", or an event ({"event": "result" | "error", ...}).
 *
 * The fast path reads a flat object of scalars without building a tree
 * and keeps each value's JSON text, to be copied into the sample record
 * as it is: that is what lets bench-run take a million lines a second.
 * Anything else (nested values, escaped keys, events, errors) goes the
 * slow way through cJSON, which also words the error messages.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-run.h"
#include "json.h"

/* Fields a sample record sets itself: a program's values are dropped. */
static const char *const reserved[] = {
	"kind", "schema", "ts", "run_id", "host_id", "model", "backend",
	"params", "labels", "iter", NULL,
};

static int
is_reserved(const char *name, size_t len)
{
	int i;

	for (i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == len && !memcmp(reserved[i], name, len))
			return 1;
	return 0;
}

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* The end of a string starting after its opening quote, or NULL.  *esc
 * tells whether it held an escape. */
static const char *
scan_string(const char *p, int *esc)
{
	*esc = 0;
	for (;; p++) {
		unsigned char c = *p;

		if (c == '"')
			return p;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			*esc = 1;
			p++;
			if (*p == 'u') {
				if (!isxdigit((unsigned char)p[1]) ||
				    !isxdigit((unsigned char)p[2]) ||
				    !isxdigit((unsigned char)p[3]) ||
				    !isxdigit((unsigned char)p[4]))
					return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
}

static const char *
scan_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return NULL;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return p;
}

/* 0 parsed, 1 needs the slow path. */
static int
fast(struct pline *pl, const char *line, size_t len)
{
	const char *name, *end, *v;
	struct pfield *f;
	size_t nlen;
	const char *p = line;
	int esc;

	p = skip_ws(p);
	if (*p++ != '{')
		return 1;
	p = skip_ws(p);
	if (*p == '}')
		goto close;
	for (;;) {
		if (*p++ != '"')
			return 1;
		name = p;
		if (!(end = scan_string(p, &esc)) || esc)
			return 1;
		nlen = end - name;
		p = skip_ws(end + 1);
		if (*p++ != ':')
			return 1;
		v = p = skip_ws(p);
		if (nlen == 5 && !memcmp(name, "event", 5))
			return 1;
		if (*p == '"') {
			if (!(end = scan_string(p + 1, &esc)))
				return 1;
			p = end + 1;
		} else if (*p == '-' || isdigit((unsigned char)*p)) {
			if (!(p = scan_number(p)))
				return 1;
		} else if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) {
			p += 4;
		} else if (!strncmp(p, "false", 5)) {
			p += 5;
		} else {
			return 1;	/* nested, or not JSON */
		}
		if (nlen == 5 && !memcmp(name, "phase", 5)) {
			if (p - v == 8 && !memcmp(v, "\"warmup\"", 8))
				pl->warmup = 1;
			else if (p - v != 9 || memcmp(v, "\"measure\"", 9))
				return 1;
		} else if (!is_reserved(name, nlen)) {
			if (pl->nf == PROTO_MAX_FIELDS)
				return 1;
			f = &pl->f[pl->nf];
			f->name = name;
			f->namelen = nlen;
			f->raw = v;
			f->rawlen = p - v;
			f->isnum = *v == '-' || isdigit((unsigned char)*v);
			if (f->isnum) {
				f->num = strtod(v, NULL);
				if (!isfinite(f->num))
					return 1;
			}
			if (nlen == 10 && !memcmp(name, "latency_ms", 10))
				pl->latency = pl->nf;
			pl->nf++;
		}
		p = skip_ws(p);
		if (*p == '}')
			break;
		if (*p++ != ',')
			return 1;
		p = skip_ws(p);
	}
close:
	p = skip_ws(p + 1);
	return p != line + len;
}

static int
slow(struct pline *pl, const char *line, size_t len, char *err,
    size_t errlen)
{
	const char *end = NULL, *s;
	struct pfield *f;
	size_t off[PROTO_MAX_FIELDS], olen[PROTO_MAX_FIELDS];
	cJSON *j, *it;
	int i;

	j = cJSON_ParseWithLengthOpts(line, len, &end, 0);
	if (!j) {
		s = cJSON_GetErrorPtr();
		if (s && s >= line && s <= line + len)
			snprintf(err, errlen, "invalid JSON near '%.20s'", s);
		else
			snprintf(err, errlen, "invalid JSON");
		return -1;
	}
	pl->json = j;
	end = end ? end + strspn(end, " \t\r") : NULL;
	if (end && end < line + len) {
		snprintf(err, errlen, "text after the JSON value: '%.20s'", end);
		return -1;
	}
	if (!cJSON_IsObject(j)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "event")) {
		pl->event = j;
		return 0;
	}
	pl->nf = 0;
	pl->warmup = 0;
	pl->latency = -1;
	cJSON_ArrayForEach(it, j) {
		if (!strcmp(it->string, "phase")) {
			if (cJSON_IsString(it) && !strcmp(it->valuestring, "warmup"))
				pl->warmup = 1;
			else if (!cJSON_IsString(it) ||
			    strcmp(it->valuestring, "measure")) {
				snprintf(err, errlen, "\"phase\" is neither "
				    "\"warmup\" nor \"measure\"");
				return -1;
			}
			continue;
		}
		if (is_reserved(it->string, strlen(it->string)))
			continue;
		if (pl->nf == PROTO_MAX_FIELDS) {
			snprintf(err, errlen, "more than %d fields",
			    PROTO_MAX_FIELDS);
			return -1;
		}
		f = &pl->f[pl->nf];
		f->name = it->string;
		f->namelen = strlen(it->string);
		f->isnum = cJSON_IsNumber(it);
		f->num = it->valuedouble;
		if (f->isnum && !isfinite(f->num)) {
			snprintf(err, errlen, "\"%s\" is out of range",
			    it->string);
			return -1;
		}
		off[pl->nf] = pl->scratch.len;
		bp_json_write(&pl->scratch, it, 0, NULL);
		olen[pl->nf] = pl->scratch.len - off[pl->nf];
		if (!strcmp(it->string, "latency_ms"))
			pl->latency = pl->nf;
		pl->nf++;
	}
	/* the scratch buffer moved while it grew: point into it now */
	for (i = 0; i < pl->nf; i++) {
		pl->f[i].raw = pl->scratch.p + off[i];
		pl->f[i].rawlen = olen[i];
	}
	return 0;
}

int
proto_parse(struct pline *pl, char *line, size_t len, char *err,
    size_t errlen)
{
	struct pfield *lat;

	pl->nf = 0;
	pl->warmup = 0;
	pl->latency = -1;
	pl->event = NULL;
	if (pl->json) {
		cJSON_Delete(pl->json);
		pl->json = NULL;
	}
	if (fast(pl, line, len) != 0) {
		bp_buf_reset(&pl->scratch);
		if (slow(pl, line, len, err, errlen) < 0)
			return -1;
		if (pl->event)
			return 0;
	}
	if (pl->latency < 0) {
		snprintf(err, errlen, "no \"latency_ms\"");
		return -1;
	}
	lat = &pl->f[pl->latency];
	if (!lat->isnum || lat->num < 0) {
		snprintf(err, errlen, "\"latency_ms\" is not a number >= 0");
		return -1;
	}
	return 0;
}

void
proto_free(struct pline *pl)
{
	cJSON_Delete(pl->json);
	pl->json = NULL;
	bp_buf_free(&pl->scratch);
}
