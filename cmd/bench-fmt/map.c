/*
 * map.c - the string-keyed hash map of map.h.  Probing is linear; the
 * table doubles before it is half full, so a probe is short.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"
#include "id.h"
#include "map.h"

static void **
map_slot(struct map *m, const char *key, int *found)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct map old = *m;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->keys = calloc(m->cap, sizeof *m->keys);
		m->vals = calloc(m->cap, sizeof *m->vals);
		if (!m->keys || !m->vals)
			bp_die("out of memory");
		m->n = 0;
		for (i = 0; i < old.cap; i++) {
			if (old.keys[i]) {
				int f;
				void **v = map_slot(m, old.keys[i], &f);

				*v = old.vals[i];
				m->keys[v - m->vals] = old.keys[i];
				m->n++;
			}
		}
		free(old.keys);
		free(old.vals);
	}
	i = bp_hash_str(BP_HASH_INIT, key) & (m->cap - 1);
	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	*found = m->keys[i] != NULL;
	return &m->vals[i];
}

void *
map_get(struct map *m, const char *key)
{
	int found;
	void **v;

	if (!m->cap)
		return NULL;
	v = map_slot(m, key, &found);
	return found ? *v : NULL;
}

void
map_put(struct map *m, const char *key, void *val)
{
	int found;
	void **v = map_slot(m, key, &found);

	if (!found) {
		m->keys[v - m->vals] = bp_xstrdup(key);
		m->n++;
	}
	*v = val;
}

void
map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}
