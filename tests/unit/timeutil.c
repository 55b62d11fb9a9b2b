/* timeutil.c - RFC 3339 timestamps and the clocks. */
#include <math.h>
#include <stdlib.h>

#include "test.h"
#include "timeutil.h"

int
main(void)
{
	static const struct {
		const char *s;
		int ok;
		double epoch;
	} cases[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "2026-11-28T17:40:00.123Z", 0, 1795887600.123 },
		{ "2026-11-28T18:40:00+01:00", 0, 1795887600 },
		{ "2026-11-28 17:40:00z", 0, 1795887600 },
		{ "2024-02-29T12:00:00-05:30", 0, 1709227800 },
		{ "2026-11-28T17:40:00", -1, 0 },
		{ "2026-13-01T00:00:00Z", -1, 0 },
		{ "2026-11-28T17:40:00.Z", -1, 0 },
		{ "2026-11-28T17:40:00Zjunk", -1, 0 },
		{ "", -1, 0 },
		{ "yesterday", -1, 0 },
	};
	struct timespec t = { 1795887600, 123999999 };
	char buf[BP_TS_LEN];
	double e;
	uint64_t a, b;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = bp_ts_parse(cases[i].s, &e);

		ok(rc == cases[i].ok && (rc || fabs(e - cases[i].epoch) < 1e-6),
		    "parse '%s'", cases[i].s);
	}
	bp_ts_format(buf, &t);
	is_str(buf, "2026-11-28T17:40:00.123Z", "format truncates to milliseconds, UTC");
	ok(bp_ts_parse(buf, &e) == 0 && fabs(e - 1795887600.123) < 1e-6,
	    "a formatted timestamp parses back");
	bp_ts_now(buf);
	ok(bp_ts_parse(buf, &e) == 0 && e > 1.7e9, "now is a parseable timestamp");
	a = bp_mono_ns();
	b = bp_mono_ns();
	ok(b >= a, "the monotonic clock does not go back");
	setenv("SOURCE_DATE_EPOCH", "1234567890", 1);
	ok(bp_report_time() == 1234567890, "SOURCE_DATE_EPOCH fixes report time");
	setenv("SOURCE_DATE_EPOCH", "12x", 1);
	ok(bp_report_time() > 1700000000, "an invalid SOURCE_DATE_EPOCH is ignored");
	setenv("SOURCE_DATE_EPOCH", "99999999999999999", 1);
	ok(bp_report_time() > 1700000000 && bp_report_time() < 253402300800,
	    "a SOURCE_DATE_EPOCH past year 9999 is ignored");
	t.tv_sec = (time_t)99999999999999999LL;
	t.tv_nsec = 0;
	bp_ts_format(buf, &t);
	is_str(buf, "1970-01-01T00:00:00.000Z",
	    "a time gmtime cannot convert formats as the epoch, not garbage");
	return done();
}
