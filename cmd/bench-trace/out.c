/*
 * out.c - every record bench-trace writes starts here: the envelope
 * (kind, schema, ts, trace, rank, labels) and one write per record.
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "die.h"
#include "ndjson.h"
#include "timeutil.h"
#include "trace.h"

static struct bp_out out;
static char stamp[BP_TS_LEN];

void
out_open(const char *path)
{
	struct timespec ts = { bp_report_time(), 0 };

	if (bp_out_open(&out, path) < 0)
		bp_die_errno("%s", path);
	bp_ts_format(stamp, &ts);
}

void
out_close(void)
{
	if (bp_out_close(&out) < 0)
		bp_die_errno("%s", out.name);
}

cJSON *
rec_new(const struct trace *t, const char *kind, const struct opts *o)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "kind", kind);
	cJSON_AddNumberToObject(r, "schema", BP_SCHEMA);
	cJSON_AddStringToObject(r, "ts", stamp);
	if (t) {
		cJSON_AddStringToObject(r, "trace", t->path);
		cJSON_AddNumberToObject(r, "rank", t->rank);
	}
	cJSON_AddItemToObject(r, "labels", o && o->labels ?
	    cJSON_Duplicate(o->labels, 1) : cJSON_CreateObject());
	return r;
}

void
rec_emit(cJSON *rec)
{
	if (bp_out_rec(&out, rec) < 0)
		bp_die_errno("%s", out.name);
	cJSON_Delete(rec);
}

/* Numbers that JSON cannot hold (a rate over zero time) become null. */
void
rec_num(cJSON *rec, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(rec, key, v);
	else
		cJSON_AddNullToObject(rec, key);
}

/* Adds the JSON text kept under id (shapes, types) as a value. */
void
rec_raw(cJSON *rec, const char *key, const struct strtab *s, uint32_t id)
{
	cJSON *v = id ? cJSON_Parse(str_get(s, id)) : NULL;

	cJSON_AddItemToObject(rec, key, v ? v : cJSON_CreateNull());
}
