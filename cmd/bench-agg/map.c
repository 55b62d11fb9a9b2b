/*
 * map.c - string-keyed hash maps for groups, key blobs and run ids: open
 * addressing, linear probing, a power-of-two table kept under 3/4 full.
 */
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "buf.h"

/* A word-at-a-time multiply-mix hash: key blobs are hashed per line. */
uint64_t
agg_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	if (n)
		memcpy(&w, s, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

struct map_ent *
map_find(const struct map *m, const char *k, size_t klen, uint64_t h)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1); m->e[i].k; i = (i + 1) & (m->cap - 1))
		if (m->e[i].h == h && m->e[i].klen == klen &&
		    memcmp(m->e[i].k, k, klen) == 0)
			return &m->e[i];
	return NULL;
}

void *
map_get(const struct map *m, const char *k, size_t klen, uint64_t h)
{
	struct map_ent *e = map_find(m, k, klen, h);

	return e ? e->v : NULL;
}

static void
insert(struct map_ent *e, size_t cap, const struct map_ent *x)
{
	size_t i;

	for (i = x->h & (cap - 1); e[i].k; i = (i + 1) & (cap - 1))
		;
	e[i] = *x;
}

const char *
map_put(struct map *m, const char *k, size_t klen, uint64_t h, void *v)
{
	struct map_ent x, *old = m->e;
	size_t i, oldcap = m->cap;

	if ((m->n + 1) * 4 > m->cap * 3) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->e = bp_xmalloc(m->cap * sizeof *m->e);
		memset(m->e, 0, m->cap * sizeof *m->e);
		for (i = 0; i < oldcap; i++)
			if (old[i].k)
				insert(m->e, m->cap, &old[i]);
		free(old);
	}
	x.h = h;
	x.klen = klen;
	x.k = bp_xmalloc(klen + 1);
	memcpy(x.k, k, klen);
	x.k[klen] = '\0';
	x.v = v;
	insert(m->e, m->cap, &x);
	m->n++;
	return x.k;
}

void
map_clear(struct map *m, void (*freev)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (!m->e[i].k)
			continue;
		free(m->e[i].k);
		if (freev)
			freev(m->e[i].v);
	}
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}
