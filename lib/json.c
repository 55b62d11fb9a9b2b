/*
 * json.c - dotted-path access into cJSON trees and the JSON writer.
 *
 * cJSON's own printer is not used for output: it accepts a 15-digit form
 * of a number when it is merely close to the value, so numbers would not
 * read back bit-identically, and it gives no word about NaN.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static cJSON *
child(const cJSON *obj, const char *name, size_t len)
{
	cJSON *c;

	if (!cJSON_IsObject(obj))
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (c->string && strlen(c->string) == len &&
		    memcmp(c->string, name, len) == 0)
			return c;
	return NULL;
}

cJSON *
bp_json_path(const cJSON *obj, const char *path)
{
	const char *dot;
	const cJSON *cur = obj;

	for (;;) {
		dot = strchr(path, '.');
		cur = child(cur, path, dot ? (size_t)(dot - path) : strlen(path));
		if (!cur || !dot)
			return (cJSON *)cur;
		path = dot + 1;
	}
}

int
bp_json_num(const cJSON *obj, const char *path, double *out)
{
	const cJSON *it = bp_json_path(obj, path);

	if (!it || cJSON_IsNull(it))
		return 0;
	if (!cJSON_IsNumber(it))
		return -1;
	*out = it->valuedouble;
	return 1;
}

const char *
bp_json_str(const cJSON *obj, const char *path)
{
	const cJSON *it = bp_json_path(obj, path);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

int
bp_json_set(cJSON *obj, const char *path, cJSON *item)
{
	const char *dot;
	cJSON *next;
	char *name;

	while ((dot = strchr(path, '.'))) {
		next = child(obj, path, dot - path);
		if (!next) {
			name = strndup(path, dot - path);
			next = cJSON_AddObjectToObject(obj, name);
			free(name);
		}
		if (!cJSON_IsObject(next)) {
			cJSON_Delete(item);
			return -1;
		}
		obj = next;
		path = dot + 1;
	}
	if (!cJSON_IsObject(obj)) {
		cJSON_Delete(item);
		return -1;
	}
	if (child(obj, path, strlen(path)))
		cJSON_ReplaceItemInObjectCaseSensitive(obj, path, item);
	else
		cJSON_AddItemToObject(obj, path, item);
	return 0;
}

void
bp_json_write_num(struct bp_buf *b, double d)
{
	char s[40];
	int prec;

	if (!isfinite(d)) {
		bp_buf_add(b, "null", 4);
		return;
	}
	if (d == floor(d) && fabs(d) < 9007199254740992.0) {
		bp_buf_addf(b, "%.0f", d);	/* -0.0 gives "-0": exact too */
		return;
	}
	for (prec = 15; prec < 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(s, sizeof s, "%.17g", d);
	bp_buf_adds(b, s);
}

void
bp_json_write_str(struct bp_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, run = 0;

	bp_buf_grow(b, len + 2);
	bp_buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = u[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		bp_buf_add(b, s + run, i - run);
		run = i + 1;
		bp_buf_addc(b, '\\');
		switch (c) {
		case '"': bp_buf_addc(b, '"'); break;
		case '\\': bp_buf_addc(b, '\\'); break;
		case '\n': bp_buf_addc(b, 'n'); break;
		case '\r': bp_buf_addc(b, 'r'); break;
		case '\t': bp_buf_addc(b, 't'); break;
		case '\b': bp_buf_addc(b, 'b'); break;
		case '\f': bp_buf_addc(b, 'f'); break;
		default:
			bp_buf_add(b, "u00", 3);
			bp_buf_addc(b, hex[c >> 4]);
			bp_buf_addc(b, hex[c & 15]);
		}
	}
	bp_buf_add(b, s + run, len - run);
	bp_buf_addc(b, '"');
}

static int
cmpkey(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

struct wstate {
	int flags;
	int nonfinite;
	const char **where;
	char path[256];
};

static void write_item(struct bp_buf *b, const cJSON *it, struct wstate *w,
    size_t plen);

static void
write_object(struct bp_buf *b, const cJSON *obj, struct wstate *w, size_t plen)
{
	const cJSON *c, *stackv[32], **v = stackv;
	size_t n = 0, i, klen;

	for (c = obj->child; c; c = c->next)
		n++;
	if (n > 32)
		v = bp_xmalloc(n * sizeof *v);
	for (i = 0, c = obj->child; c; c = c->next)
		v[i++] = c;
	if (w->flags & BP_JSON_SORTED)
		qsort(v, n, sizeof *v, cmpkey);
	bp_buf_addc(b, '{');
	for (i = 0; i < n; i++) {
		const char *k = v[i]->string ? v[i]->string : "";

		if (i)
			bp_buf_addc(b, ',');
		klen = strlen(k);
		bp_json_write_str(b, k, klen);
		bp_buf_addc(b, ':');
		/* remember the path for the NaN warning while it fits */
		if (plen + klen + 2 < sizeof w->path) {
			size_t at = plen;

			if (plen)
				w->path[at++] = '.';
			memcpy(w->path + at, k, klen + 1);
			write_item(b, v[i], w, at + klen);
			w->path[plen] = '\0';
		} else {
			write_item(b, v[i], w, plen);
		}
	}
	bp_buf_addc(b, '}');
	if (v != stackv)
		free(v);
}

static void
write_item(struct bp_buf *b, const cJSON *it, struct wstate *w, size_t plen)
{
	const cJSON *c;

	switch (it->type & 0xff) {
	case cJSON_False: bp_buf_add(b, "false", 5); break;
	case cJSON_True: bp_buf_add(b, "true", 4); break;
	case cJSON_NULL: bp_buf_add(b, "null", 4); break;
	case cJSON_Number:
		if (!isfinite(it->valuedouble) && w->nonfinite++ == 0 &&
		    w->where) {
			static char first[256];

			snprintf(first, sizeof first, "%s", w->path);
			*w->where = first;
		}
		bp_json_write_num(b, it->valuedouble);
		break;
	case cJSON_String:
		bp_json_write_str(b, it->valuestring, strlen(it->valuestring));
		break;
	case cJSON_Raw:
		bp_buf_adds(b, it->valuestring);
		break;
	case cJSON_Array:
		bp_buf_addc(b, '[');
		for (c = it->child; c; c = c->next) {
			if (c != it->child)
				bp_buf_addc(b, ',');
			write_item(b, c, w, plen);
		}
		bp_buf_addc(b, ']');
		break;
	case cJSON_Object:
		write_object(b, it, w, plen);
		break;
	default:
		bp_buf_add(b, "null", 4);
	}
}

int
bp_json_write(struct bp_buf *b, const cJSON *item, int flags,
    const char **where)
{
	struct wstate w = { .flags = flags, .where = where };

	w.path[0] = '\0';
	write_item(b, item, &w, 0);
	return w.nonfinite;
}

static void
newline(struct bp_buf *b, int depth)
{
	bp_buf_addc(b, '\n');
	while (depth-- > 0)
		bp_buf_add(b, "  ", 2);
}

void
bp_json_indent(struct bp_buf *b, const char *s, size_t len)
{
	int depth = 0, instr = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (instr) {
			bp_buf_addc(b, c);
			if (c == '\\' && i + 1 < len)
				bp_buf_addc(b, s[++i]);
			else if (c == '"')
				instr = 0;
			continue;
		}
		switch (c) {
		case '"':
			instr = 1;
			bp_buf_addc(b, c);
			break;
		case '{': case '[':
			bp_buf_addc(b, c);
			if (i + 1 < len && (s[i + 1] == '}' || s[i + 1] == ']')) {
				bp_buf_addc(b, s[++i]);
				break;
			}
			newline(b, ++depth);
			break;
		case '}': case ']':
			newline(b, --depth);
			bp_buf_addc(b, c);
			break;
		case ',':
			bp_buf_addc(b, c);
			newline(b, depth);
			break;
		case ':':
			bp_buf_add(b, ": ", 2);
			break;
		default:
			bp_buf_addc(b, c);
		}
	}
}
