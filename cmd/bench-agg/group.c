/*
 * group.c - groups and the values they gather (emit.c turns them into
 * stat records).
 *
 * A group is found by its key blob (the key fields' JSON as the line had
 * it) through a cache; on a miss the blob is parsed and written in
 * canonical form (sorted keys, exact numbers), which is the group's
 * identity, so {"a":1,"b":2} and {"b":2, "a":1.0} are one group.  Exact
 * mode keeps every value (8 bytes each); --approx keeps a sketch and
 * Welford's running moments, a few kilobytes whatever the stream's length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "buf.h"
#include "die.h"
#include "json.h"

#define SKETCH_ALPHA 0.005
#define CACHE_MAX 65536		/* blobs remembered before starting over */

struct agg *
agg_new(const struct opts *o)
{
	struct agg *a = bp_xmalloc(sizeof *a);
	int i;

	memset(a, 0, sizeof *a);
	a->o = o;
	a->tail = &a->first;
	/* -m names get the first ids, so their order is the given one */
	for (i = 0; i < o->nmetrics; i++)
		agg_metric(a, o->metrics[i], strlen(o->metrics[i]));
	return a;
}

static int
excluded(const struct opts *o, const char *name, size_t len)
{
	int i;
	size_t n;

	if (o->metrics) {
		for (i = 0; i < o->nmetrics; i++)
			if (strlen(o->metrics[i]) == len &&
			    memcmp(o->metrics[i], name, len) == 0)
				return 0;
		return 1;
	}
	if ((len == 4 && memcmp(name, "iter", 4) == 0) ||
	    (len == 6 && memcmp(name, "schema", 6) == 0))
		return 1;
	for (i = 0; i < o->nkeys; i++) {
		n = strcspn(o->keys[i], ".");
		if (n == len && memcmp(o->keys[i], name, len) == 0)
			return 1;
	}
	return 0;
}

int
agg_metric(struct agg *a, const char *name, size_t len)
{
	uint64_t h = agg_hash(name, len);
	void *v = map_get(&a->metmap, name, len, h);
	struct metric *m;
	int id;

	if (v)
		id = (int)((intptr_t)v - 1);
	else {
		if (a->nmet == a->metcap) {
			a->metcap = a->metcap ? 2 * a->metcap : 16;
			a->met = bp_xrealloc(a->met,
			    a->metcap * sizeof *a->met);
		}
		id = a->nmet++;
		m = &a->met[id];
		m->name = bp_xmalloc(len + 1);
		memcpy(m->name, name, len);
		m->name[len] = '\0';
		m->excluded = excluded(a->o, name, len);
		m->stamp = 0;
		map_put(&a->metmap, name, len, h, (void *)(intptr_t)(id + 1));
	}
	return a->met[id].excluded ? -1 : id;
}

void
agg_line(struct agg *a)
{
	a->stamp++;
}

int
agg_first(struct agg *a, int id)
{
	if (a->met[id].stamp == a->stamp)
		return 0;
	a->met[id].stamp = a->stamp;
	return 1;
}

/* Parses the key blob into values and writes the canonical identity. */
static cJSON **
blob_parse(const struct agg *a, const char *blob, size_t len,
    struct bp_buf *ident)
{
	cJSON **vals = bp_xmalloc((a->o->nkeys + 1) * sizeof *vals);
	cJSON *id = cJSON_CreateObject();
	const char *p = blob, *e = blob + len, *z;
	int i;

	for (i = 0; i < a->o->nkeys; i++) {
		vals[i] = NULL;
		if (p < e && *p == 0x02) {
			z = memchr(p + 1, 0, e - (p + 1));
			vals[i] = cJSON_ParseWithLength(p + 1, z - (p + 1));
			if (!vals[i])
				bp_die("internal error: key blob '%.*s'",
				    (int)(z - (p + 1)), p + 1);
			cJSON_AddItemToObject(id, a->o->keys[i],
			    cJSON_Duplicate(vals[i], 1));
			p = z + 1;
		} else {
			p++;
		}
	}
	bp_buf_reset(ident);
	bp_json_write(ident, id, BP_JSON_SORTED, NULL);
	cJSON_Delete(id);
	return vals;
}

struct group *
agg_group(struct agg *a, const char *blob, size_t len)
{
	uint64_t h, ih;
	struct group *g;
	cJSON **vals;
	int i;

	if (!blob)
		blob = "";	/* no keys: one group, and never a NULL */
	h = agg_hash(blob, len);
	g = map_get(&a->cache, blob, len, h);
	if (g)
		return g;
	vals = blob_parse(a, blob, len, &a->tmp);
	ih = agg_hash(a->tmp.p, a->tmp.len);
	g = map_get(&a->groups, a->tmp.p, a->tmp.len, ih);
	if (g) {
		for (i = 0; i < a->o->nkeys; i++)
			cJSON_Delete(vals[i]);
		free(vals);
	} else {
		g = bp_xmalloc(sizeof *g);
		memset(g, 0, sizeof *g);
		g->ident = bp_xstrdup(a->tmp.p);
		g->keyvals = vals;
		map_put(&a->groups, a->tmp.p, a->tmp.len, ih, g);
		*a->tail = g;
		a->tail = &g->next;
	}
	if (a->cache.n >= CACHE_MAX)
		map_clear(&a->cache, NULL);
	map_put(&a->cache, blob, len, h, g);
	return g;
}

void
agg_count(struct group *g)
{
	g->nrec++;
}

void
agg_run(struct group *g, const char *id, size_t len)
{
	struct map_ent *e;
	uint64_t h;

	if (g->lastrun && g->lastrunlen == len &&
	    memcmp(g->lastrun, id, len) == 0)
		return;	/* a run's samples come together */
	h = agg_hash(id, len);
	e = map_find(&g->runs, id, len, h);
	g->lastrun = e ? e->k : map_put(&g->runs, id, len, h, NULL);
	g->lastrunlen = len;
}

void
agg_value(struct agg *a, struct group *g, int id, double v,
    const struct where *w)
{
	struct macc *m;
	double d;
	int n;

	if (!isfinite(v)) {
		if (a->nonfinite++ < NONFINITE_SHOWN)
			bp_warn("%s:%lu: non-finite value for \"%s\" skipped",
			    w->file, w->line, a->met[id].name);
		return;
	}
	if (id >= g->mcap) {
		n = g->mcap;
		g->mcap = id + 8;
		g->m = bp_xrealloc(g->m, g->mcap * sizeof *g->m);
		memset(g->m + n, 0, (g->mcap - n) * sizeof *g->m);
	}
	m = &g->m[id];
	if (!m->used) {
		m->used = 1;
		if (a->o->approx)
			bp_sketch_init(&m->sk, SKETCH_ALPHA);
		if (g->norder == g->ordcap) {
			g->ordcap = g->ordcap ? 2 * g->ordcap : 8;
			g->order = bp_xrealloc(g->order,
			    g->ordcap * sizeof *g->order);
		}
		g->order[g->norder++] = id;
	}
	if (!a->o->approx) {
		bp_vec_push(&m->v, v);
		return;
	}
	bp_sketch_add(&m->sk, v);
	d = v - m->mean;
	m->mean += d / (double)m->sk.n;
	m->m2 += d * (v - m->mean);
}

void
agg_tput(struct group *g, double items, double tokens, double ms)
{
	if (!isfinite(ms))
		return;
	if (isfinite(items)) {
		g->items += items;
		g->items_ms += ms;
		g->has_items = 1;
	}
	if (isfinite(tokens)) {
		g->tokens += tokens;
		g->tokens_ms += ms;
		g->has_tokens = 1;
	}
}

static void
group_free(void *p)
{
	struct group *g = p;
	int i;

	for (i = 0; i < g->mcap; i++) {
		bp_vec_free(&g->m[i].v);
		if (g->m[i].used)
			bp_sketch_free(&g->m[i].sk);
	}
	free(g->m);
	free(g->order);
	map_clear(&g->runs, NULL);
	free(g->ident);
	free(g->keyvals);
	free(g);
}

void
agg_free(struct agg *a)
{
	struct group *g;
	int i;

	for (g = a->first; g; g = g->next) {
		for (i = 0; i < a->o->nkeys; i++)
			cJSON_Delete(g->keyvals[i]);
	}
	map_clear(&a->cache, NULL);
	map_clear(&a->groups, group_free);
	map_clear(&a->metmap, NULL);
	for (i = 0; i < a->nmet; i++)
		free(a->met[i].name);
	free(a->met);
	bp_buf_free(&a->tmp);
	free(a);
}

void
blob_absent(char **b, size_t *len, size_t *cap)
{
	if (*len + 1 > *cap) {
		*cap = *cap ? 2 * *cap + 1 : 256;
		*b = bp_xrealloc(*b, *cap);
	}
	(*b)[(*len)++] = 0x01;
}

void
blob_value(char **b, size_t *len, size_t *cap, const char *json, size_t n)
{
	while (*len + n + 2 > *cap) {
		*cap = *cap ? 2 * *cap : 256;
		*b = bp_xrealloc(*b, *cap);
	}
	(*b)[(*len)++] = 0x02;
	memcpy(*b + *len, json, n);
	*len += n;
	(*b)[(*len)++] = 0x00;
}
