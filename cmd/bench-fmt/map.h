/* map.h - a string-keyed hash map: host ids, group keys, run ids. */
#ifndef BENCH_FMT_MAP_H
#define BENCH_FMT_MAP_H

#include <stddef.h>

/* Open addressing, at most half full; the map owns copies of its keys,
 * never its values.  A zeroed struct is an empty map. */
struct map {
	char **keys;
	void **vals;
	size_t n, cap;
};

void *map_get(struct map *m, const char *key);
void map_put(struct map *m, const char *key, void *val);
void map_free(struct map *m);

#endif
