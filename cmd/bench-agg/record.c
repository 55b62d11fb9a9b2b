/*
 * record.c - each input line passed through, aggregated or refused.
 *
 * In two steps, so that a second thread can take the first: analysis
 * (analyze_chunk) splits a chunk into lines and runs the fast scanner,
 * finds kind, phase, run id, the throughput fields and the group key's
 * text, touching nothing shared; applying (rec_chunk) then, in input
 * order, finds the group and adds the values.  Lines the scanner does not
 * know, and result records, are parsed by cJSON when applied.  Both paths
 * check every metric's type before adding anything, so a refused line
 * leaves no trace even with --lenient.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "buf.h"
#include "die.h"
#include "json.h"
#include "ndjson.h"

/* ---- analysis ---- */

enum {
	R_KIND = 1, R_PHASE = 2, R_RUN = 4, R_ITEMS = 8, R_TOKENS = 16,
	R_LAT = 32, R_REQ = 64,
};

/* What a field name means. */
struct prole {
	uint32_t role;
	uint64_t keys;		/* bit i: the top of key path i */
};

/* A key path split at its dots, once. */
struct kpath {
	int n;
	const char *comp[AGG_MAX_PATH];
	size_t len[AGG_MAX_PATH];
};

struct analyzer {
	const struct opts *o;
	/* by position: the name seen there last and what it means */
	struct hint hints[SCAN_MAX_FIELDS];
	struct prole pc[SCAN_MAX_FIELDS];
	struct prole uncached;	/* for names too long to cache */
	struct kpath *kp;
	struct scan sc;
};

struct analyzer *
analyzer_new(const struct opts *o)
{
	struct analyzer *z = bp_xmalloc(sizeof *z);
	const char *p, *dot;
	int i;

	memset(z, 0, sizeof *z);
	z->o = o;
	z->kp = bp_xmalloc((o->nkeys + 1) * sizeof *z->kp);
	for (i = 0; i < o->nkeys; i++) {
		z->kp[i].n = 0;
		for (p = o->keys[i]; p; p = dot ? dot + 1 : NULL) {
			dot = strchr(p, '.');
			z->kp[i].comp[z->kp[i].n] = p;
			z->kp[i].len[z->kp[i].n++] = dot ? (size_t)(dot - p) :
			    strlen(p);
		}
	}
	return z;
}

void
analyzer_free(struct analyzer *z)
{
	free(z->kp);
	free(z);
}

static int
is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

/* Whether a non-number under this name makes the line invalid: the -m
 * names, or latency_ms, which every sample has. */
static int
required(const struct opts *o, const char *name, size_t len)
{
	int i;

	if (!o->metrics)
		return is(name, len, "latency_ms");
	for (i = 0; i < o->nmetrics; i++)
		if (is(name, len, o->metrics[i]))
			return 1;
	return 0;
}

static void
role_of(const struct analyzer *z, struct prole *p, const char *name,
    size_t len)
{
	const struct opts *o = z->o;
	int i;

	p->role = 0;
	p->keys = 0;
	if (is(name, len, "kind"))
		p->role |= R_KIND;
	if (is(name, len, "phase"))
		p->role |= R_PHASE;
	if (is(name, len, "run_id"))
		p->role |= R_RUN;
	if (is(name, len, "items"))
		p->role |= R_ITEMS;
	if (is(name, len, "tokens"))
		p->role |= R_TOKENS;
	if (is(name, len, "latency_ms"))
		p->role |= R_LAT;
	if (required(o, name, len))
		p->role |= R_REQ;
	for (i = 0; i < o->nkeys; i++)
		if (z->kp[i].len[0] == len &&
		    memcmp(z->kp[i].comp[0], name, len) == 0)
			p->keys |= (uint64_t)1 << i;
}

/* What field i means: known when its name was the hint. */
static const struct prole *
role(struct analyzer *z, int i, const struct field *f)
{
	struct hint *h = &z->hints[i];

	if (f->hinted)
		return &z->pc[i];
	if (f->klen >= sizeof h->name) {
		role_of(z, &z->uncached, f->key, f->klen);
		return &z->uncached;
	}
	role_of(z, &z->pc[i], f->key, f->klen);
	memcpy(h->name, f->key, f->klen);
	h->len = f->klen;
	return &z->pc[i];
}

/* Whether f is the string s of length n. */
static int
str_is(const struct field *f, const char *s, size_t n)
{
	return f && f->type == F_STR && f->vlen == n + 2 &&
	    memcmp(f->val + 1, s, n) == 0;
}

/* Appends a key path's value text (or its absence) to the chunk's blobs;
 * f is the field holding the path's first component. */
static void
blob_key(struct chunk *c, const struct kpath *kp, const struct field *f)
{
	const char *v = f ? f->val : NULL;
	size_t vlen = f ? f->vlen : 0;
	int i;

	for (i = 1; v && i < kp->n; i++)
		v = scan_member(v, vlen, kp->comp[i], kp->len[i], &vlen);
	if (v)
		blob_value(&c->blobs, &c->nblob, &c->blobcap, v, vlen);
	else
		blob_absent(&c->blobs, &c->nblob, &c->blobcap);
}

/* Whether field i is the first of its name. */
static int
first_of_name(const struct scan *sc, int i)
{
	const struct field *f = &sc->f[i];
	int j;

	for (j = 0; j < i; j++)
		if (sc->f[j].klen == f->klen &&
		    memcmp(sc->f[j].key, f->key, f->klen) == 0)
			return 0;
	return 1;
}

static void
analyze_line(struct analyzer *z, struct chunk *c, struct pline *pl)
{
	const struct opts *o = z->o;
	const struct field *kind = NULL, *phase = NULL, *run = NULL;
	const struct field *items = NULL, *tokens = NULL, *lat = NULL;
	const struct field *key[AGG_MAX_KEYS] = { 0 };
	const struct prole *r;
	const struct field *f;
	uint64_t keys;
	int i, k;

	pl->what = L_TREE;
	/* scanned straight into the chunk: kept if the line is a sample */
	if (c->nf + SCAN_MAX_FIELDS > c->fcap) {
		c->fcap = 2 * (c->nf + SCAN_MAX_FIELDS);
		c->f = bp_xrealloc(c->f, c->fcap * sizeof *c->f);
	}
	z->sc.f = c->f + c->nf;
	if (!scan_record(pl->line, pl->len, &z->sc, z->hints))
		return;
	pl->bad = 0;
	for (i = 0; i < z->sc.nf; i++) {
		f = &z->sc.f[i];
		r = role(z, i, f);
		if (r->role & R_KIND && !kind)
			kind = f;
		if (r->role & R_PHASE && !phase)
			phase = f;
		if (r->role & R_RUN && !run)
			run = f;
		if (r->role & R_ITEMS && !items)
			items = f;
		if (r->role & R_TOKENS && !tokens)
			tokens = f;
		if (r->role & R_LAT && !lat)
			lat = f;
		if (r->role & R_REQ && f->type != F_NUM && f->type != F_NULL &&
		    !pl->bad && first_of_name(&z->sc, i))
			pl->bad = i + 1;
		for (keys = r->keys; keys; keys &= keys - 1) {
			k = __builtin_ctzll(keys);
			if (!key[k])
				key[k] = f;
		}
	}
	/* a missing or odd kind: cJSON says what is wrong */
	if (!kind || kind->type != F_STR || kind->vlen == 2)
		return;
	if (!(o->results ? str_is(kind, "result", 6) :
	    str_is(kind, "sample", 6)) ||
	    (!o->results && str_is(phase, "warmup", 6))) {
		pl->what = L_PASS;
		return;
	}
	if (o->results)
		return;
	pl->what = L_SAMPLE;
	pl->f0 = c->nf;
	pl->nf = z->sc.nf;
	c->nf += z->sc.nf;
	pl->blob = c->nblob;
	for (i = 0; i < o->nkeys; i++)
		blob_key(c, &z->kp[i], key[i]);
	pl->bloblen = c->nblob - pl->blob;
	pl->run = run && run->type == F_STR ? run->val + 1 : NULL;
	pl->runlen = pl->run ? run->vlen - 2 : 0;
	pl->items = items && items->type == F_NUM ? items->num : NAN;
	pl->tokens = tokens && tokens->type == F_NUM ? tokens->num : NAN;
	pl->lat = lat && lat->type == F_NUM ? lat->num : NAN;
}

/* Only spaces: isspace in the C locale. */
static int
blank(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' ||
	    (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		n--;
	return n == 0;
}

void
analyze_chunk(struct analyzer *z, struct chunk *c)
{
	char *p = c->buf, *end = c->buf + c->len, *nl;
	struct pline *pl;
	size_t n;
	uint32_t rel = 0;

	c->npl = c->nf = c->nblob = 0;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		n = (nl ? nl : end) - p;
		rel++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		p[n] = '\0';	/* the \n, the \r, or the spare byte */
		if (!blank(p, n)) {
			if (c->npl == c->plcap) {
				c->plcap = c->plcap ? 2 * c->plcap : 1024;
				c->pl = bp_xrealloc(c->pl,
				    c->plcap * sizeof *c->pl);
			}
			pl = &c->pl[c->npl++];
			pl->line = p;
			pl->len = n;
			pl->rel = rel;
			analyze_line(z, c, pl);
		}
		p = nl ? nl + 1 : end;
	}
	c->nlines = rel;
}

/* ---- applying ---- */

struct rec_ctx {
	struct agg *a;
	const struct opts *o;
	struct wbuf *out;
	struct hint pc[SCAN_MAX_FIELDS];	/* by position: name -> id */
	int pcid[SCAN_MAX_FIELDS];
	char *blob;		/* for the cJSON path */
	size_t bloblen, blobcap;
	char *lastblob;		/* the last line's key blob and group */
	size_t lastlen, lastcap;
	struct group *lastg;
	struct bp_buf tmp;
	unsigned long lineno;	/* of the chunk's line 0 */
	unsigned long skipped;
};

struct rec_ctx *
rec_new(struct agg *a, const struct opts *o, struct wbuf *out)
{
	struct rec_ctx *c = bp_xmalloc(sizeof *c);

	memset(c, 0, sizeof *c);
	c->a = a;
	c->o = o;
	c->out = out;
	return c;
}

unsigned long
rec_free(struct rec_ctx *c)
{
	unsigned long skipped = c->skipped;

	free(c->blob);
	free(c->lastblob);
	bp_buf_free(&c->tmp);
	free(c);
	return skipped;
}

/* An invalid line: the end, or with --lenient one more skipped. */
static void
refuse(struct rec_ctx *c, const struct where *w, const char *why)
{
	if (!c->o->lenient) {
		wbuf_flush(c->out);	/* what came before is passed on */
		bp_die("%s:%lu: %s", w->file, w->line, why);
	}
	c->skipped++;
}

/* The group of a key blob; consecutive lines mostly share one. */
static struct group *
group_of(struct rec_ctx *c, const char *blob, size_t len)
{
	if (c->lastg && len == c->lastlen && same(blob, c->lastblob, len))
		return c->lastg;
	c->lastg = agg_group(c->a, blob, len);
	if (len > c->lastcap) {
		c->lastcap = 2 * len;
		c->lastblob = bp_xrealloc(c->lastblob, c->lastcap);
	}
	if (len)
		memcpy(c->lastblob, blob, len);
	c->lastlen = len;
	return c->lastg;
}

static int
metric_id(struct rec_ctx *c, int i, const struct field *f)
{
	struct hint *p = &c->pc[i];

	if (p->len == f->klen && same(p->name, f->key, f->klen))
		return c->pcid[i];
	c->pcid[i] = agg_metric(c->a, f->key, f->klen);
	p->len = f->klen < sizeof p->name ? f->klen : 0;
	memcpy(p->name, f->key, p->len);
	return c->pcid[i];
}

static void
apply_sample(struct rec_ctx *c, const struct chunk *k, const struct pline *pl,
    const struct where *w)
{
	const struct field *f = k->f + pl->f0;
	struct group *g;
	char why[128];
	uint32_t i;
	int id;

	if (pl->bad) {
		snprintf(why, sizeof why, "expected number for \"%.*s\"",
		    (int)f[pl->bad - 1].klen, f[pl->bad - 1].key);
		refuse(c, w, why);
		return;
	}
	g = group_of(c, k->blobs + pl->blob, pl->bloblen);
	agg_count(g);
	agg_line(c->a);
	if (pl->run)
		agg_run(g, pl->run, pl->runlen);
	for (i = 0; i < pl->nf; i++) {
		if (f[i].type != F_NUM || (id = metric_id(c, i, &f[i])) < 0)
			continue;
		if (agg_first(c->a, id))
			agg_value(c->a, g, id, f[i].num, w);
	}
	agg_tput(g, pl->items, pl->tokens, pl->lat);
}

/* ---- the cJSON path ---- */

static void
tree_blob(struct rec_ctx *c, const cJSON *rec)
{
	const cJSON *v;
	int i;

	c->bloblen = 0;
	for (i = 0; i < c->o->nkeys; i++) {
		v = bp_json_path(rec, c->o->keys[i]);
		if (!v) {
			blob_absent(&c->blob, &c->bloblen, &c->blobcap);
			continue;
		}
		bp_buf_reset(&c->tmp);
		bp_json_write(&c->tmp, v, 0, NULL);
		blob_value(&c->blob, &c->bloblen, &c->blobcap, c->tmp.p,
		    c->tmp.len);
	}
}

static double
tree_num(const cJSON *rec, const char *name)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(rec, name);

	return cJSON_IsNumber(it) ? it->valuedouble : NAN;
}

static void
tree_sample(struct rec_ctx *c, const cJSON *rec, const struct where *w)
{
	const cJSON *it;
	struct group *g;
	const char *run;
	char why[128];
	int id;

	cJSON_ArrayForEach(it, rec) {
		if (!cJSON_IsNumber(it) && !cJSON_IsNull(it) &&
		    required(c->o, it->string, strlen(it->string)) &&
		    cJSON_GetObjectItemCaseSensitive(rec, it->string) == it) {
			snprintf(why, sizeof why, "expected number for \"%s\"",
			    it->string);
			refuse(c, w, why);
			return;
		}
	}
	tree_blob(c, rec);
	g = group_of(c, c->blob, c->bloblen);
	agg_count(g);
	agg_line(c->a);
	run = bp_json_str(rec, "run_id");
	if (run)
		agg_run(g, run, strlen(run));
	cJSON_ArrayForEach(it, rec) {
		if (!cJSON_IsNumber(it) ||
		    (id = agg_metric(c->a, it->string, strlen(it->string))) < 0)
			continue;
		if (agg_first(c->a, id))
			agg_value(c->a, g, id, it->valuedouble, w);
	}
	agg_tput(g, tree_num(rec, "items"), tree_num(rec, "tokens"),
	    tree_num(rec, "latency_ms"));
}

/* --kind result: each metric's p50 is one observation of the run. */
static void
tree_result(struct rec_ctx *c, const cJSON *rec, const struct where *w)
{
	const cJSON *metrics, *it, *p50;
	struct group *g;
	const char *run;
	char why[160];
	double d;
	int id;

	metrics = cJSON_GetObjectItemCaseSensitive(rec, "metrics");
	if (!cJSON_IsObject(metrics))
		metrics = NULL;
	cJSON_ArrayForEach(it, metrics) {
		p50 = cJSON_GetObjectItemCaseSensitive(it, "p50");
		if (p50 && !cJSON_IsNumber(p50) && !cJSON_IsNull(p50) &&
		    required(c->o, it->string, strlen(it->string)) &&
		    cJSON_GetObjectItemCaseSensitive(metrics, it->string) ==
		    it) {
			snprintf(why, sizeof why,
			    "expected number for \"metrics.%s.p50\"", it->string);
			refuse(c, w, why);
			return;
		}
	}
	tree_blob(c, rec);
	g = group_of(c, c->blob, c->bloblen);
	agg_count(g);
	agg_line(c->a);
	run = bp_json_str(rec, "run_id");
	if (run)
		agg_run(g, run, strlen(run));
	cJSON_ArrayForEach(it, metrics) {
		p50 = cJSON_GetObjectItemCaseSensitive(it, "p50");
		if (!cJSON_IsNumber(p50) ||
		    (id = agg_metric(c->a, it->string, strlen(it->string))) < 0)
			continue;
		if (agg_first(c->a, id))
			agg_value(c->a, g, id, p50->valuedouble, w);
	}
	if (bp_json_num(rec, "throughput.items_per_s", &d) == 1 &&
	    (id = agg_metric(c->a, "items_per_s", 11)) >= 0 &&
	    agg_first(c->a, id))
		agg_value(c->a, g, id, d, w);
}

/* Whether a parsed record is aggregated (its kind, phase, status). */
static int
wanted(const struct opts *o, const cJSON *rec)
{
	const char *kind = bp_json_str(rec, "kind"), *s;

	if (o->results) {
		s = bp_json_str(rec, "status");
		return strcmp(kind, "result") == 0 && (!s || !strcmp(s, "ok"));
	}
	s = bp_json_str(rec, "phase");
	return strcmp(kind, "sample") == 0 && !(s && !strcmp(s, "warmup"));
}

static void
apply_tree(struct rec_ctx *c, const struct pline *pl, const struct where *w)
{
	char why[400];
	cJSON *rec = bp_rec_parse(pl->line, pl->len, why, sizeof why);

	if (!rec) {
		refuse(c, w, why);
		return;
	}
	if (!wanted(c->o, rec))
		wbuf_line(c->out, pl->line, pl->len);
	else if (c->o->results)
		tree_result(c, rec, w);
	else
		tree_sample(c, rec, w);
	cJSON_Delete(rec);
}

void
rec_chunk(struct rec_ctx *c, const struct chunk *k)
{
	const struct pline *pl;
	struct where w;
	size_t i;

	if (k->err) {
		wbuf_flush(c->out);
		bp_die("%s", k->err);
	}
	if (k->first)
		c->lineno = 0;
	w.file = k->file;
	for (i = 0; i < k->npl; i++) {
		pl = &k->pl[i];
		w.line = c->lineno + pl->rel;
		switch (pl->what) {
		case L_PASS:
			wbuf_line(c->out, pl->line, pl->len);
			break;
		case L_SAMPLE:
			apply_sample(c, k, pl, &w);
			break;
		default:
			apply_tree(c, pl, &w);
		}
	}
	c->lineno += k->nlines;
	wbuf_flush(c->out);	/* a chunk is all a pipe had: pass it on */
}
