/* timeutil.h - clocks and RFC 3339 timestamps (always UTC). */
#ifndef BP_TIMEUTIL_H
#define BP_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

#define BP_TS_LEN 32

/* Monotonic nanoseconds, for measuring. */
uint64_t bp_mono_ns(void);
/* "2026-11-28T17:40:00.123Z" (milliseconds, UTC). */
void bp_ts_format(char buf[BP_TS_LEN], const struct timespec *t);
void bp_ts_now(char buf[BP_TS_LEN]);
/* Seconds since the epoch, or -1 when s is not RFC 3339 ("Z" or an offset,
 * optional fraction; a space instead of "T" is accepted). */
int bp_ts_parse(const char *s, double *epoch);
/* Now, or SOURCE_DATE_EPOCH when set: for reproducible reports. */
time_t bp_report_time(void);

#endif
