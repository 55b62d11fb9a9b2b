/* json.h - field access by dotted path, and the one JSON writer. */
#ifndef BP_JSON_H
#define BP_JSON_H

#include <cjson/cJSON.h>

#include "buf.h"

/* The item at a dotted path ("params.batch"), or NULL. */
cJSON *bp_json_path(const cJSON *obj, const char *path);
/* 1 and *out set when the path holds a number, 0 when absent or null,
 * -1 when it holds something else. */
int bp_json_num(const cJSON *obj, const char *path, double *out);
/* The string at path, or NULL when absent or not a string. */
const char *bp_json_str(const cJSON *obj, const char *path);
/* Like bp_json_path, but creates the objects on the way ("a.b" makes
 * "a"); replaces what the last component held.  Takes ownership of item.
 * Returns 0, or -1 when a component on the way is not an object. */
int bp_json_set(cJSON *obj, const char *path, cJSON *item);

enum {
	BP_JSON_SORTED = 1,	/* object keys in byte order: a canonical form */
};

/*
 * Appends item as compact JSON.  Numbers are written in the shortest form
 * that reads back bit-identically; NaN and infinities, which JSON cannot
 * hold, are written as null.  Returns how many numbers were replaced so,
 * and names the first in *where (a static dotted path) when where != NULL.
 */
int bp_json_write(struct bp_buf *b, const cJSON *item, int flags,
    const char **where);
/* Appends a double the same way ("null" when not finite). */
void bp_json_write_num(struct bp_buf *b, double d);
/* Appends s as a JSON string, quotes included. */
void bp_json_write_str(struct bp_buf *b, const char *s, size_t len);

/* Appends compact JSON s re-indented by two spaces (for --pretty). */
void bp_json_indent(struct bp_buf *b, const char *s, size_t len);

#endif
