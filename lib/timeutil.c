/* timeutil.c - clocks and RFC 3339 UTC timestamps. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

uint64_t
bp_mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + t.tv_nsec;
}

void
bp_ts_format(char buf[BP_TS_LEN], const struct timespec *t)
{
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t->tv_sec, &tm)) {
		/* a year past int: the epoch rather than garbage */
		memset(&tm, 0, sizeof tm);
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	n = strftime(buf, BP_TS_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, BP_TS_LEN - n, ".%03dZ",
	    (int)(t->tv_nsec / 1000000 % 1000));
}

void
bp_ts_now(char buf[BP_TS_LEN])
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	bp_ts_format(buf, &t);
}

static int
digits(const char **s, int n, int *out)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**s))
			return -1;
		v = v * 10 + (*(*s)++ - '0');
	}
	*out = v;
	return 0;
}

int
bp_ts_parse(const char *s, double *epoch)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh, om, sign;
	double frac = 0, scale = 0.1;
	time_t t;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d))
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return -1;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) ||
	    *s++ != ':' || digits(&s, 2, &sec))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s)) {
			frac += (*s++ - '0') * scale;
			scale /= 10;
		}
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om))
			return -1;
		t -= sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*s)
		return -1;
	*epoch = (double)t + frac;
	return 0;
}

time_t
bp_report_time(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (e && *e) {
		v = strtoll(e, &end, 10);
		/* up to 9999-12-31T23:59:59Z: what a timestamp can spell */
		if (!*end && v >= 0 && v <= 253402300799LL)
			return (time_t)v;
	}
	return time(NULL);
}
