/* id.h - short identifiers: hashes of what identifies a thing. */
#ifndef BP_ID_H
#define BP_ID_H

#include <stddef.h>
#include <stdint.h>

#define BP_ID_LEN 17	/* 16 hex digits and the NUL */

/* 64-bit FNV-1a, continued from h (start with BP_HASH_INIT). */
#define BP_HASH_INIT 0xcbf29ce484222325ull
uint64_t bp_hash(uint64_t h, const void *data, size_t len);
uint64_t bp_hash_str(uint64_t h, const char *s);
/* 16 lower-case hex digits of h, finalized so that close inputs differ. */
void bp_id_format(char out[BP_ID_LEN], uint64_t h);
/* A fresh run id: time, pid and kernel randomness, hashed. */
void bp_run_id(char out[BP_ID_LEN]);

#endif
