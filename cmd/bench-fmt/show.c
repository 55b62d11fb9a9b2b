/*
 * show.c - values as a person reads them (see show.h).  Nothing here
 * escapes: the writers do that for their own language.
 */
#include <math.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "show.h"
#include "timeutil.h"

/* Inserts a comma every three digits of the integer part of s. */
static void
group_thousands(char *s, size_t len)
{
	char tmp[SHOW_LEN];
	size_t i, o = 0, start = (s[0] == '-'), digits;
	char *dot = strchr(s, '.');

	digits = (dot ? (size_t)(dot - s) : strlen(s)) - start;
	if (digits <= 3)
		return;
	for (i = 0; s[i] && o + 1 < sizeof tmp; i++) {
		if (i > start && i - start < digits &&
		    (digits - (i - start)) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = s[i];
	}
	tmp[o] = '\0';
	snprintf(s, len, "%s", tmp);
}

const char *
show_num(char buf[SHOW_LEN], double v)
{
	double a = fabs(v);
	int dec;

	if (isnan(v))
		return strcpy(buf, SHOW_NONE);
	if (isinf(v))
		return strcpy(buf, v > 0 ? "inf" : "-inf");
	if (a == 0)
		return strcpy(buf, "0");
	if (a >= 1000) {
		snprintf(buf, SHOW_LEN, "%.0f", v);
		group_thousands(buf, SHOW_LEN);
		return buf;
	}
	if (a < 0.001) {
		snprintf(buf, SHOW_LEN, "%.3g", v);
		return buf;
	}
	dec = 3 - (int)floor(log10(a));
	snprintf(buf, SHOW_LEN, "%.*f", dec, v);
	/* 999.96 rounds up to "1000.0": show it as the integer it became */
	if (fabs(strtod(buf, NULL)) >= 1000) {
		snprintf(buf, SHOW_LEN, "%.0f", v);
		group_thousands(buf, SHOW_LEN);
	}
	return buf;
}

const char *
show_pct(char buf[SHOW_LEN], double v)
{
	if (isnan(v))
		return strcpy(buf, SHOW_NONE);
	if (fabs(v) >= 1000)
		snprintf(buf, SHOW_LEN, "%+.0f%%", v);
	else
		snprintf(buf, SHOW_LEN, "%+.1f%%", v);
	return buf;
}

const char *
show_p(char buf[SHOW_LEN], double p)
{
	if (isnan(p))
		return strcpy(buf, SHOW_NONE);
	if (p < 0.0001)
		return strcpy(buf, "<0.0001");
	snprintf(buf, SHOW_LEN, "%.2g", p);
	return buf;
}

const char *
show_time(char buf[SHOW_LEN], double epoch)
{
	time_t t = (time_t)floor(epoch);
	struct tm tm;

	if (isnan(epoch) || !gmtime_r(&t, &tm))
		return strcpy(buf, SHOW_NONE);
	strftime(buf, SHOW_LEN, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

const char *
show_int(char buf[SHOW_LEN], double v)
{
	if (isnan(v))
		return strcpy(buf, SHOW_NONE);
	snprintf(buf, SHOW_LEN, "%.0f", v);
	group_thousands(buf, SHOW_LEN);
	return buf;
}

/* Three significant digits: a size is never known better. */
static const char *
three(char buf[SHOW_LEN], double v)
{
	if (v >= 100)
		snprintf(buf, SHOW_LEN, "%.0f", v);
	else if (v >= 10)
		snprintf(buf, SHOW_LEN, "%.1f", v);
	else
		snprintf(buf, SHOW_LEN, "%.2f", v);
	return buf;
}

const char *
show_mib(char buf[SHOW_LEN], double mib)
{
	char n[SHOW_LEN];

	if (isnan(mib))
		return strcpy(buf, SHOW_NONE);
	if (mib >= 1024 * 1024)
		snprintf(buf, SHOW_LEN, "%s TiB", three(n, mib / 1048576));
	else if (mib >= 1024)
		snprintf(buf, SHOW_LEN, "%s GiB", three(n, mib / 1024));
	else
		snprintf(buf, SHOW_LEN, "%s MiB", three(n, mib));
	return buf;
}

void
show_scalar(struct bp_buf *b, const cJSON *v)
{
	if (cJSON_IsString(v))
		bp_buf_adds(b, v->valuestring);
	else if (cJSON_IsNumber(v))
		bp_json_write_num(b, v->valuedouble);
	else if (cJSON_IsBool(v))
		bp_buf_adds(b, cJSON_IsTrue(v) ? "true" : "false");
	else if (!v || cJSON_IsNull(v))
		bp_buf_adds(b, "null");
	else
		bp_json_write(b, v, BP_JSON_SORTED, NULL);
}

void
show_params(struct bp_buf *b, const cJSON *params)
{
	const cJSON *p;
	int first = 1;

	cJSON_ArrayForEach(p, params) {
		if (!first)
			bp_buf_adds(b, ", ");
		first = 0;
		bp_buf_adds(b, p->string);
		bp_buf_addc(b, '=');
		show_scalar(b, p);
	}
}

static const struct {
	const char *suffix, *unit;
} units[] = {
	{ "_per_s", "/s" }, { "_ms", "ms" }, { "_us", "\xc2\xb5s" },
	{ "_ns", "ns" }, { "_s", "s" }, { "_mib", "MiB" }, { "_mb", "MB" },
	{ "_gib", "GiB" }, { "_kib", "KiB" }, { "_pct", "%" },
	{ "_j", "J" }, { "_w", "W" }, { "_mhz", "MHz" }, { "_c", "\xc2\xb0" "C" },
};

void
show_metric(struct bp_buf *b, const char *name)
{
	size_t n = strlen(name), sl, i, j;

	if (strcmp(name, "tflops") == 0) {
		bp_buf_adds(b, "TFLOP/s");
		return;
	}
	if (strcmp(name, "gbps") == 0) {
		bp_buf_adds(b, "GB/s");
		return;
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		sl = strlen(units[i].suffix);
		if (n > sl && strcmp(name + n - sl, units[i].suffix) == 0)
			break;
	}
	sl = i < sizeof units / sizeof units[0] ? strlen(units[i].suffix) : 0;
	for (j = 0; j < n - sl; j++)
		bp_buf_addc(b, name[j] == '_' ? ' ' : name[j]);
	if (sl && strcmp(units[i].suffix, "_per_s") == 0)
		bp_buf_adds(b, "/s");
	else if (sl)
		bp_buf_addf(b, " (%s)", units[i].unit);
}

void
show_signal(struct bp_buf *b, const cJSON *sig)
{
	const char *abbrev;

	if (cJSON_IsNumber(sig)) {
		abbrev = sigabbrev_np((int)sig->valuedouble);
		if (abbrev)
			bp_buf_addf(b, "SIG%s (%d)", abbrev,
			    (int)sig->valuedouble);
		else
			bp_buf_addf(b, "%d", (int)sig->valuedouble);
	} else if (cJSON_IsString(sig)) {
		bp_buf_adds(b, sig->valuestring);
	}
}

/* Quotes s for a POSIX shell when it needs it. */
static void
shell_word(struct bp_buf *b, const char *s)
{
	const char *p;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_./=:,+@%") == strlen(s)) {
		bp_buf_adds(b, s);
		return;
	}
	bp_buf_addc(b, '\'');
	for (p = s; *p; p++) {
		if (*p == '\'')
			bp_buf_adds(b, "'\\''");
		else
			bp_buf_addc(b, *p);
	}
	bp_buf_addc(b, '\'');
}

void
show_command(struct bp_buf *b, const cJSON *argv)
{
	const cJSON *a;
	int first = 1;

	if (cJSON_IsString(argv)) {
		bp_buf_adds(b, argv->valuestring);
		return;
	}
	cJSON_ArrayForEach(a, argv) {
		if (!first)
			bp_buf_addc(b, ' ');
		first = 0;
		if (cJSON_IsString(a))
			shell_word(b, a->valuestring);
		else
			show_scalar(b, a);
	}
}

double
show_ts_of(const cJSON *rec, const char *field)
{
	const char *s = bp_json_str(rec, field);
	double t;

	if (!s || bp_ts_parse(s, &t) < 0)
		return NAN;
	return t;
}
