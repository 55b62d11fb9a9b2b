/*
 * id.c - ids are hashes.  host_id hashes the machine's identifying fields,
 * so it is stable across runs; run_id hashes the moment and randomness,
 * so two runs never share one.
 */
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "id.h"
#include "timeutil.h"

uint64_t
bp_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t
bp_hash_str(uint64_t h, const char *s)
{
	/* the NUL separates fields: ("ab","c") differs from ("a","bc") */
	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return bp_hash(h, "", 1);
}

void
bp_id_format(char out[BP_ID_LEN], uint64_t h)
{
	/* murmur3's finalizer spreads FNV's weak high bits */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	snprintf(out, BP_ID_LEN, "%016llx", (unsigned long long)h);
}

void
bp_run_id(char out[BP_ID_LEN])
{
	static unsigned counter;
	uint64_t h = BP_HASH_INIT, r = 0, now = bp_mono_ns();
	struct timespec t;
	pid_t pid = getpid();

	clock_gettime(CLOCK_REALTIME, &t);
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = 0;
	h = bp_hash(h, &t, sizeof t);
	h = bp_hash(h, &now, sizeof now);
	h = bp_hash(h, &pid, sizeof pid);
	h = bp_hash(h, &counter, sizeof counter);
	h = bp_hash(h, &r, sizeof r);
	counter++;
	bp_id_format(out, h);
}
