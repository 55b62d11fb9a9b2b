/*
 * info.c - trace_info: what was read from a trace (format, size, event
 * counts by category, how many GPU events are linked to a launch) and how
 * fast, so a surprising table can be traced back to its input.
 */
#include <math.h>

#include "trace.h"

void
table_info(struct trace *t, const struct opts *o)
{
	static const char *const catname[] = {
		"other", "cpu_op", "cuda_runtime", "cuda_driver", "kernel",
		"gpu_memcpy", "gpu_memset", "user_annotation",
	};
	cJSON *r = rec_new(t, "trace_info", o), *c = cJSON_CreateObject();
	uint64_t gpu = t->ncat[C_KERNEL] + t->ncat[C_MEMCPY] +
	    t->ncat[C_MEMSET];

	cJSON_AddStringToObject(r, "format", t->legacy ? "legacy" : "kineto");
	cJSON_AddStringToObject(r, "rank_source", t->rank_src == 2 ?
	    "distributedInfo" : t->rank_src == 1 ? "file name" : "order");
	if (t->world_size >= 0)
		cJSON_AddNumberToObject(r, "world_size", t->world_size);
	else
		cJSON_AddNullToObject(r, "world_size");
	if (t->device[0])
		cJSON_AddStringToObject(r, "device", t->device);
	else
		cJSON_AddNullToObject(r, "device");
	cJSON_AddNumberToObject(r, "json_bytes", (double)t->bytes);
	cJSON_AddNumberToObject(r, "events", (double)t->nevents);
	cJSON_AddNumberToObject(r, "kept", (double)t->nev);
	for (int i = 1; i < 8; i++)
		cJSON_AddNumberToObject(c, catname[i], (double)t->ncat[i]);
	cJSON_AddNumberToObject(c, "ac2g", (double)t->nflow);
	cJSON_AddNumberToObject(c, "metadata", (double)t->nmeta);
	cJSON_AddNumberToObject(c, "python_function", (double)t->npython);
	cJSON_AddNumberToObject(c, "ignored", (double)t->nother);
	cJSON_AddItemToObject(r, "by_category", c);
	cJSON_AddNumberToObject(r, "unknown", (double)t->nunknown);
	cJSON_AddNumberToObject(r, "gpu_events", (double)gpu);
	cJSON_AddNumberToObject(r, "gpu_linked", (double)t->nlinked);
	cJSON_AddNumberToObject(r, "gpu_unlinked", (double)(gpu - t->nlinked));
	cJSON_AddNumberToObject(r, "launchers", (double)t->nlau);
	cJSON_AddBoolToObject(r, "complete", !t->lenient_stop);
	rec_num(r, "read_s", t->read_s);
	rec_num(r, "mb_per_s", t->read_s > 0 ? t->bytes / 1e6 / t->read_s :
	    NAN);
	rec_emit(r);
}
