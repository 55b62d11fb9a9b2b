/*
 * util.c - the two containers bench-trace's tables share: interned strings
 * (kernel names repeat thousands of times) and a hash map keyed by up to
 * three integers (correlation ids, pid/tid pairs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "trace.h"

/* Eight bytes at a time: kernel names are long. */
static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

/* Length of string id (the arena holds them back to back). */
static size_t
str_len(const struct strtab *t, uint32_t id)
{
	size_t end = id + 1 < t->n ? t->off[id + 1] : t->len;

	return end - t->off[id] - 1;
}

static void
str_rehash(struct strtab *t)
{
	uint32_t nslot = t->nslot ? t->nslot * 2 : 1024;

	free(t->slot);
	t->slot = calloc(nslot, sizeof *t->slot);
	if (!t->slot)
		bp_xmalloc((size_t)-1);
	t->nslot = nslot;
	for (uint32_t id = 0; id < t->n; id++) {
		const char *s = t->arena + t->off[id];
		uint64_t h = hash_bytes(s, str_len(t, id));
		uint32_t i = h & (nslot - 1);

		while (t->slot[i])
			i = (i + 1) & (nslot - 1);
		t->slot[i] = id + 1;
	}
}

static uint32_t
str_add(struct strtab *t, const char *s, size_t len)
{
	if (t->n == t->ncap) {
		t->ncap = t->ncap ? t->ncap * 2 : 1024;
		t->off = bp_xrealloc(t->off, t->ncap * sizeof *t->off);
	}
	if (t->len + len + 1 > t->cap) {
		while (t->len + len + 1 > t->cap)
			t->cap = t->cap ? t->cap * 2 : 65536;
		t->arena = bp_xrealloc(t->arena, t->cap);
	}
	memcpy(t->arena + t->len, s, len);
	t->arena[t->len + len] = '\0';
	t->off[t->n] = t->len;
	t->len += len + 1;
	return t->n++;
}

uint32_t
str_intern(struct strtab *t, const char *s, size_t len)
{
	uint64_t h;
	uint32_t i, id;

	if (t->n == 0)
		str_add(t, "", 0);
	if (len == 0)
		return 0;
	if ((t->n + 1) * 2 > t->nslot)
		str_rehash(t);
	h = hash_bytes(s, len);
	i = h & (t->nslot - 1);
	while (t->slot[i]) {
		uint32_t id = t->slot[i] - 1;

		if (str_len(t, id) == len &&
		    memcmp(t->arena + t->off[id], s, len) == 0)
			return id;
		i = (i + 1) & (t->nslot - 1);
	}
	id = str_add(t, s, len);
	t->slot[i] = id + 1;
	return id;
}

void
str_free(struct strtab *t)
{
	free(t->arena);
	free(t->off);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static uint64_t
hash_key(int64_t a, int64_t b, int64_t c)
{
	uint64_t h = (uint64_t)a * 0x9e3779b97f4a7c15ULL;

	h ^= (uint64_t)b + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
	h ^= (uint64_t)c + 0x94d049bb133111ebULL + (h << 6) + (h >> 2);
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

static size_t
imap_find(const struct imap *m, int64_t a, int64_t b, int64_t c)
{
	size_t i = hash_key(a, b, c) & (m->cap - 1);

	for (;;) {
		const struct islot *s = &m->slot[i];

		if (s->k[0] == INT64_MIN ||
		    (s->k[0] == a && s->k[1] == b && s->k[2] == c))
			return i;
		i = (i + 1) & (m->cap - 1);
	}
}

int64_t *
imap_get(const struct imap *m, int64_t a, int64_t b, int64_t c)
{
	size_t i;

	if (m->cap == 0 || a == INT64_MIN)
		return NULL;
	i = imap_find(m, a, b, c);
	return m->slot[i].k[0] == INT64_MIN ? NULL : &m->slot[i].v;
}

static void
imap_grow(struct imap *m)
{
	struct imap o = *m;

	m->cap = o.cap ? o.cap * 2 : 256;
	m->slot = bp_xmalloc(m->cap * sizeof *m->slot);
	for (size_t i = 0; i < m->cap; i++)
		m->slot[i].k[0] = INT64_MIN;
	m->n = 0;
	for (size_t i = 0; i < o.cap; i++)
		if (o.slot[i].k[0] != INT64_MIN)
			imap_put(m, o.slot[i].k[0], o.slot[i].k[1],
			    o.slot[i].k[2], o.slot[i].v);
	free(o.slot);
}

/* Inserts or replaces; a first key of INT64_MIN is not stored. */
void
imap_put(struct imap *m, int64_t a, int64_t b, int64_t c, int64_t v)
{
	size_t i;

	if (a == INT64_MIN)
		return;
	if ((m->n + 1) * 2 > m->cap)
		imap_grow(m);
	i = imap_find(m, a, b, c);
	if (m->slot[i].k[0] == INT64_MIN) {
		m->slot[i].k[0] = a;
		m->slot[i].k[1] = b;
		m->slot[i].k[2] = c;
		m->n++;
	}
	m->slot[i].v = v;
}

void
imap_free(struct imap *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}
