/*
 * order.c - the order of everything in a report, so that the same records
 * give the same report whatever order they came in: groups by model,
 * backend, host and params (numbers by value: batch 2 before 16), diffs
 * worst first, failures in group order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "report.h"

/* Numbers before strings, numbers by value, strings bytewise. */
int
scalar_cmp(const cJSON *a, const cJSON *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
		return (a->valuedouble > b->valuedouble) -
		    (a->valuedouble < b->valuedouble);
	if (cJSON_IsNumber(a) != cJSON_IsNumber(b))
		return cJSON_IsNumber(a) ? -1 : 1;
	if (cJSON_IsString(a) && cJSON_IsString(b))
		return strcmp(a->valuestring, b->valuestring);
	return cJSON_IsString(a) ? 1 : cJSON_IsString(b) ? -1 : 0;
}

/* Params compared key by key in the order of the first. */
static int
cmp_params(const cJSON *a, const cJSON *b)
{
	const cJSON *p;
	int c;

	cJSON_ArrayForEach(p, a) {
		c = scalar_cmp(p, cJSON_GetObjectItemCaseSensitive(b, p->string));
		if (c)
			return c;
	}
	return cJSON_GetArraySize(a) - cJSON_GetArraySize(b);
}

int
group_cmp(const struct group *a, const struct group *b)
{
	int c = strcmp(a->model, b->model);

	if (!c)
		c = strcmp(a->backend, b->backend);
	if (!c)
		c = strcmp(a->host->name, b->host->name);
	if (!c)
		c = cmp_params(a->params, b->params);
	if (!c)
		c = strcmp(a->key, b->key);
	return c;
}

static int
cmp_groupp(const void *a, const void *b)
{
	return group_cmp(*(struct group *const *)a, *(struct group *const *)b);
}

static int
cmp_hostp(const void *a, const void *b)
{
	const struct host *x = *(struct host *const *)a;
	const struct host *y = *(struct host *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->id, y->id);
}

static void
name_hosts(struct report *r)
{
	size_t i, j;

	for (i = 0; i < r->nhosts; i++) {
		struct host *h = r->hosts[i];
		const char *n = bp_json_str(h->rec, "hostname");

		h->name = bp_xstrdup(n && *n ? n : *h->id ? h->id : "unknown");
	}
	/* two machines with one name: tell them apart by id */
	for (i = 0; i < r->nhosts; i++) {
		for (j = 0; j < r->nhosts; j++) {
			struct host *a = r->hosts[i], *b = r->hosts[j];
			struct bp_buf nb = { 0 };

			if (i == j || strcmp(a->name, b->name) != 0 ||
			    strcmp(a->name, a->id) == 0 || !a->rec)
				continue;
			bp_buf_addf(&nb, "%s (%s)", a->name, a->id);
			free(a->name);
			a->name = bp_buf_detach(&nb);
		}
	}
	if (r->nhosts > 1)
		qsort(r->hosts, r->nhosts, sizeof *r->hosts, cmp_hostp);
}

static int
cmp_diffp(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a;
	const cJSON *y = *(const cJSON *const *)b;
	double cx = fabs(rec_num(x, "change_pct"));
	double cy = fabs(rec_num(y, "change_pct"));
	int c = diff_rank(x) - diff_rank(y);
	const char *mx, *my;

	if (c)
		return c;
	if (isnan(cx) != isnan(cy))
		return isnan(cx) ? 1 : -1;
	if (cx != cy && !isnan(cx))
		return cx > cy ? -1 : 1;
	mx = bp_json_str(x, "model");
	my = bp_json_str(y, "model");
	c = strcmp(mx ? mx : "", my ? my : "");
	if (c)
		return c;
	c = strcmp(bp_json_str(x, "backend") ? bp_json_str(x, "backend") : "",
	    bp_json_str(y, "backend") ? bp_json_str(y, "backend") : "");
	if (c)
		return c;
	c = cmp_params(cJSON_GetObjectItem(x, "params"),
	    cJSON_GetObjectItem(y, "params"));
	if (c)
		return c;
	mx = bp_json_str(x, "metric");
	my = bp_json_str(y, "metric");
	return strcmp(mx ? mx : "", my ? my : "");
}

struct failsort {
	const cJSON *rec;
	struct group *g;
	size_t pos;
};

static int
cmp_failp(const void *a, const void *b)
{
	const struct failsort *x = a, *y = b;
	int c = group_cmp(x->g, y->g);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static void
sort_fails(struct report *r)
{
	struct failsort *f = bp_xmalloc((r->nfails + 1) * sizeof *f);
	size_t i;

	for (i = 0; i < r->nfails; i++) {
		f[i].rec = r->fails[i];
		f[i].g = report_group_of(r, r->fails[i]);
		f[i].pos = i;
	}
	qsort(f, r->nfails, sizeof *f, cmp_failp);
	for (i = 0; i < r->nfails; i++)
		r->fails[i] = f[i].rec;
	free(f);
}

/* Names the hosts, then puts groups, diffs and failures in report order. */
void
report_order(struct report *r)
{
	name_hosts(r);
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof *r->groups, cmp_groupp);
	if (r->ndiffs > 1)
		qsort(r->diffs, r->ndiffs, sizeof *r->diffs, cmp_diffp);
	sort_fails(r);
}
