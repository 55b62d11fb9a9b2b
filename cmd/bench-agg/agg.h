/*
 * agg.h - the parts of bench-agg: reading lines (input.c), the fast
 * scanner for flat records (scan.c), each line's fate (record.c), the
 * threads (pipeline.c), string maps (map.c), groups (group.c), their stat
 * records (emit.c), and main.c tying them together.
 *
 * Invariant: a line is aggregated from either the fast scanner's fields
 * or cJSON's tree, and both yield the same numbers, the same first
 * occurrence of a repeated key and the same group, so which path a line
 * took never shows in the output.
 */
#ifndef AGG_H
#define AGG_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "sketch.h"
#include "stats.h"

/* ---- options ---- */

#define AGG_MAX_KEYS 64		/* group key paths */
#define AGG_MAX_PATH 8		/* components of one path */

struct opts {
	char **keys;		/* group key paths */
	int nkeys;
	char **metrics;		/* -m names; NULL: every numeric field */
	int nmetrics;
	double *pcts;		/* percentiles, in percent, ascending */
	char **pctnames;	/* "p50", "p999" */
	int npcts;
	double level;		/* of the intervals, 0.95 */
	char ciname[24];	/* "ci95" */
	char p50ciname[32];	/* "p50_ci95" */
	int approx;
	int lenient;
	int quiet;
	int results;		/* --kind result */
	int threads;
};

/* ---- string maps (map.c) ---- */

struct map_ent {
	uint64_t h;
	char *k;
	size_t klen;
	void *v;
};

struct map {
	struct map_ent *e;
	size_t cap;	/* a power of two, or 0 */
	size_t n;
};

uint64_t agg_hash(const void *p, size_t n);
struct map_ent *map_find(const struct map *m, const char *k, size_t klen,
    uint64_t h);
void *map_get(const struct map *m, const char *k, size_t klen, uint64_t h);
/* Adds k -> v; k must not be there yet.  Returns the map's copy of k,
 * which lives until map_clear. */
const char *map_put(struct map *m, const char *k, size_t klen, uint64_t h,
    void *v);
void map_clear(struct map *m, void (*freev)(void *));

/* ---- output (input.c) ---- */

struct wbuf {
	int fd;
	const char *name;	/* for messages: "stdout" or the file */
	int owned;
	char *p;
	size_t len, cap;
};

void wbuf_open(struct wbuf *w, const char *path);
void wbuf_line(struct wbuf *w, const char *s, size_t len);
void wbuf_flush(struct wbuf *w);
void wbuf_close(struct wbuf *w);

/* ---- input (input.c) ---- */

enum { L_PASS, L_TREE, L_SAMPLE };

/* One line as analysed without shared state (record.c). */
struct pline {
	const char *line;	/* NUL-terminated, no newline */
	uint32_t len;
	uint32_t rel;		/* line number within the chunk, from 1 */
	int what;		/* L_PASS, L_TREE (cJSON decides), L_SAMPLE */
	/* L_SAMPLE: */
	uint32_t f0, nf;	/* its fields in the chunk's array */
	uint32_t blob, bloblen;	/* its key blob in the chunk's arena */
	const char *run;	/* run id, without quotes; NULL absent */
	uint32_t runlen;
	int bad;		/* 1 + the field that should be a number */
	double items, tokens, lat;	/* NaN where absent */
};

/* Whole lines of one file, and what the analysis made of them. */
struct chunk {
	char *buf;
	size_t len, cap;
	const char *file;	/* as shown in messages */
	int first;		/* the first chunk of its file */
	int last;		/* nothing follows */
	char *err;		/* an I/O error to report here */
	unsigned long nlines;	/* lines in buf, blank ones included */
	struct pline *pl;
	size_t npl, plcap;
	struct field *f;
	size_t nf, fcap;
	char *blobs;
	size_t nblob, blobcap;
};

/* The input files, read in chunks of whole lines. */
struct source {
	char **names;
	int nnames;
	int idx;
	int fd;
	const char *name;
	int eof;
	char *tail;		/* a partial line carried to the next chunk */
	size_t tlen, tcap;
};

void source_init(struct source *s, char **names, int n);
/* Fills c with the next lines of one file.  At the end of the input, or
 * at an I/O error (c->err), sets c->last. */
void source_fill(struct source *s, struct chunk *c);
void source_free(struct source *s);
void chunk_free(struct chunk *c);

/* ---- the fast scanner (scan.c) ---- */

enum {
	F_STR = 1, F_NUM, F_OBJ, F_ARR, F_TRUE, F_FALSE, F_NULL,
};

struct field {
	const char *key;	/* not NUL-terminated */
	uint32_t klen;
	uint16_t type;
	uint16_t hinted;	/* the key was the hint for its position */
	const char *val;	/* raw JSON text of the value */
	uint32_t vlen;
	double num;		/* F_NUM: exactly what cJSON reads */
};

#define SCAN_MAX_FIELDS 64

struct scan {
	struct field *f;	/* SCAN_MAX_FIELDS of them, the caller's */
	int nf;
};

/* A key name expected at a position (the previous line's): checking it
 * costs one comparison instead of a scan. */
struct hint {
	char name[48];
	uint32_t len;		/* 0: none */
};

/*
 * Scans a line that is a flat-enough JSON object in the strict subset
 * the scanner knows (ASCII strings without escapes, no nesting deeper
 * than 32, at most SCAN_MAX_FIELDS top-level members).  1 with the
 * members in sc, or 0: not known to be valid, ask cJSON.  hints, when
 * not NULL, has SCAN_MAX_FIELDS entries.
 */
int scan_record(const char *line, size_t len, struct scan *sc,
    const struct hint *hints);
/* Whether n bytes at a and b are equal (short strings, inline). */
static inline int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	for (; n >= 8; a += 8, b += 8, n -= 8) {
		__builtin_memcpy(&x, a, 8);
		__builtin_memcpy(&y, b, 8);
		if (x != y)
			return 0;
	}
	for (; n > 0; n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}
/* The member name of the object text obj (already scanned), or NULL. */
const char *scan_member(const char *obj, size_t len, const char *name,
    size_t nlen, size_t *vlen);

/* ---- groups (group.c) and stat records (emit.c) ---- */

#define NONFINITE_SHOWN 10	/* warnings before they are only counted */

/* One metric of one group. */
struct macc {
	struct bp_vec v;	/* exact: every value in input order */
	double vmean, vsd;	/* exact: its moments, once sorted */
	int sorted;
	struct bp_sketch sk;	/* --approx */
	double mean, m2;	/* --approx: Welford's running moments */
	int used;
};

struct group {
	char *ident;		/* canonical key JSON */
	cJSON **keyvals;	/* per key path, as first seen; NULL absent */
	struct macc *m;		/* indexed by metric id */
	int mcap;
	int *order;		/* metric ids in order of first value */
	int norder, ordcap;
	unsigned long nrec;
	struct map runs;
	const char *lastrun;	/* the run id of the last record */
	size_t lastrunlen;
	double items, items_ms, tokens, tokens_ms;
	int has_items, has_tokens;
	struct group *next;	/* in order of first appearance */
};

struct metric {
	char *name;
	int excluded;
	unsigned long stamp;	/* the line that gave it a value */
};

struct agg {
	const struct opts *o;
	struct map groups;	/* ident -> group */
	struct map cache;	/* key blob -> group */
	struct group *first, **tail;
	struct metric *met;
	int nmet, metcap;
	struct map metmap;	/* name -> id + 1 */
	unsigned long stamp;
	unsigned long nonfinite;
	struct bp_buf tmp;
};

/* Where a value came from, for warnings. */
struct where {
	const char *file;
	unsigned long line;
};

struct agg *agg_new(const struct opts *o);
void agg_free(struct agg *a);
/* Metric ids: interned names; -1 when the name is not a metric. */
int agg_metric(struct agg *a, const char *name, size_t len);

/* One record being added: begin, then key/run/values, then end. */
struct group *agg_group(struct agg *a, const char *blob, size_t len);
void agg_run(struct group *g, const char *id, size_t len);
void agg_value(struct agg *a, struct group *g, int id, double v,
    const struct where *w);
void agg_tput(struct group *g, double items, double tokens, double ms);
void agg_count(struct group *g);
/* Starts a new line for the first-occurrence rule of repeated keys;
 * agg_first() is 1 the first time metric id is seen in the line. */
void agg_line(struct agg *a);
int agg_first(struct agg *a, int id);

/* Writes the stat records in order of the groups' first appearance. */
void agg_emit(struct agg *a, struct wbuf *w);

/* Key blob: one entry per key path, 0x01 if absent, else 0x02, the value's
 * compact JSON and a 0x00. */
void blob_absent(char **b, size_t *len, size_t *cap);
void blob_value(char **b, size_t *len, size_t *cap, const char *json,
    size_t n);

/* ---- one line (record.c) ---- */

/* Analysis: per thread, touching nothing shared. */
struct analyzer;

struct analyzer *analyzer_new(const struct opts *o);
void analyzer_free(struct analyzer *z);
/* Splits c into lines and analyses each into c->pl. */
void analyze_chunk(struct analyzer *z, struct chunk *c);

/* Applying: the main thread, in input order. */
struct rec_ctx;

struct rec_ctx *rec_new(struct agg *a, const struct opts *o,
    struct wbuf *out);
/* Passes each line through, aggregates it, or refuses it (the end, or
 * with --lenient a skipped line); reports the chunk's I/O error. */
void rec_chunk(struct rec_ctx *c, const struct chunk *k);
/* Frees c; returns how many lines were skipped. */
unsigned long rec_free(struct rec_ctx *c);

/* ---- the whole input (pipeline.c) ---- */

/* Reads every file, writes pass-through lines and then the stat records
 * to out. */
void agg_run_input(const struct opts *o, char **files, int n,
    struct wbuf *out);

#endif
