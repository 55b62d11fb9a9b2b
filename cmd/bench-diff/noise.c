/*
 * noise.c - the noise floor of each group, measured on an A/A input
 * (--calibrate writes "noise" records), and read back with --noise so
 * that a flaky group needs a larger change before it fails a build.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "diff.h"
#include "htest.h"
#include "special.h"
#include "json.h"

#define POWER 0.8

struct floor {
	char *key, *metric;
	double pct;
};

static struct floor *floors;
static size_t nfloors, cfloors;

void
noise_load(const char *path, const struct opts *o)
{
	struct bp_in in;
	char *name[1] = { (char *)path };
	const char *metric;
	cJSON *rec;
	double pct;

	bp_in_init(&in, name, 1, o->lenient);
	while ((rec = bp_in_rec(&in))) {
		if (strcmp(bp_json_str(rec, "kind"), "noise") != 0) {
			cJSON_Delete(rec);
			continue;
		}
		metric = bp_json_str(rec, "metric");
		if (!metric || bp_json_num(rec, "min_detectable_pct", &pct) < 0) {
			cJSON_Delete(rec);
			bp_die("%s:%lu: a noise record needs a string \"metric\" "
			    "and a number \"min_detectable_pct\"", in.name,
			    in.lineno);
		}
		if (bp_json_num(rec, "min_detectable_pct", &pct) == 1) {
			if (nfloors == cfloors) {
				cfloors = cfloors ? 2 * cfloors : 16;
				floors = bp_xrealloc(floors,
				    cfloors * sizeof *floors);
			}
			floors[nfloors].key = group_key(rec, o);
			floors[nfloors].metric = bp_xstrdup(metric);
			floors[nfloors++].pct = pct;
		}
		cJSON_Delete(rec);
	}
	bp_in_close(&in);
}

double
noise_floor(const struct group *g, const char *metric)
{
	size_t i;

	for (i = 0; i < nfloors; i++)
		if (strcmp(floors[i].metric, metric) == 0 &&
		    strcmp(floors[i].key, g->key) == 0)
			return floors[i].pct;
	return NAN;
}

void
noise_free(void)
{
	size_t i;

	for (i = 0; i < nfloors; i++) {
		free(floors[i].key);
		free(floors[i].metric);
	}
	free(floors);
	floors = NULL;
	nfloors = cfloors = 0;
}

static double
variance(const double *v, size_t n)
{
	double m, sd;

	bp_stats_meanvar(v, n, &m, &sd);
	return n > 1 ? sd * sd : 0;
}

static double
median(const double *v, size_t n)
{
	double *c = bp_xmalloc((n ? n : 1) * sizeof *c), r;

	memcpy(c, v, n * sizeof *c);
	bp_stats_sort(c, n);
	r = bp_stats_quantile(c, n, 0.5);
	free(c);
	return r;
}

static void
noise_side(cJSON *rec, const char *name, size_t n, const struct side *s,
    const double *v)
{
	cJSON *o = cJSON_AddObjectToObject(rec, name);

	cJSON_AddNumberToObject(o, "n", (double)n);
	cJSON_AddNumberToObject(o, "runs", (double)(s->nruns ? s->nruns :
	    s->nres));
	add_num(o, "median", n ? median(v, n) : NAN);
}

static void
warn_rec(cJSON *w, const char *s)
{
	cJSON_AddItemToArray(w, cJSON_CreateString(s));
}

/*
 * One noise record: the spread of the per-run values within each side
 * (pooled), relative to their median, and the smallest change a test at
 * alpha would find with power 0.8 at these sizes:
 * (t(1 - alpha/2, df) + t(0.8, df)) * spread * sqrt(1/n1 + 1/n2).
 */
static cJSON *
noise_record(struct group *g, struct metric *m, const struct opts *o,
    double *mde)
{
	cJSON *rec = cJSON_CreateObject(), *w = cJSON_CreateArray();
	double *x, *y, *all, df, s, mid, mx, spread;
	size_t nx, ny;
	struct bp_mwu r;
	const char *basis = "runs";

	nx = run_values(&m->s[BASE], &x);
	ny = run_values(&m->s[CUR], &y);
	if (nx < 2 || ny < 2) {
		free(x);
		free(y);
		nx = pooled_samples(&m->s[BASE], &x);
		ny = pooled_samples(&m->s[CUR], &y);
		basis = "samples";
		warn_rec(w, "fewer than 2 runs per side: the spread is that of "
		    "samples inside a run, not from run to run");
	}
	cJSON_AddStringToObject(rec, "kind", "noise");
	cJSON_AddNumberToObject(rec, "schema", BP_SCHEMA);
	add_keys(rec, g);
	cJSON_AddStringToObject(rec, "metric", m->name);
	cJSON_AddStringToObject(rec, "direction",
	    m->dir == DIR_HIGHER ? "higher" : "lower");
	cJSON_AddStringToObject(rec, "basis", basis);
	*mde = NAN;
	if (nx >= 1 && ny >= 1 && nx + ny > 2) {
		all = bp_xmalloc((nx + ny) * sizeof *all);
		memcpy(all, x, nx * sizeof *x);
		memcpy(all + nx, y, ny * sizeof *y);
		mid = median(all, nx + ny);
		free(all);
		df = (double)nx + ny - 2;
		s = sqrt(((nx - 1) * variance(x, nx) +
		    (ny - 1) * variance(y, ny)) / df);
		spread = mid != 0 ? 100 * s / fabs(mid) : NAN;
		*mde = (bp_t_quantile(1 - o->alpha / 2, df) +
		    bp_t_quantile(POWER, df)) * spread *
		    sqrt(1.0 / nx + 1.0 / ny);
		add_num(rec, "spread_pct", spread);
		add_num(rec, "min_detectable_pct", *mde);
		bp_htest_mwu(x, nx, y, ny, &r);
		mx = median(x, nx);
		add_num(rec, "aa_change_pct", mx != 0 ?
		    100 * (median(y, ny) - mx) / fabs(mx) : NAN);
		add_num(rec, "aa_p_value", r.p);
		if (r.p < o->alpha)
			warn_rec(w, "the two sides differ significantly: is this "
			    "an A/A input?");
	} else {
		cJSON_AddNullToObject(rec, "spread_pct");
		cJSON_AddNullToObject(rec, "min_detectable_pct");
		cJSON_AddNullToObject(rec, "aa_change_pct");
		cJSON_AddNullToObject(rec, "aa_p_value");
		warn_rec(w, "too few observations to measure a spread");
	}
	add_num(rec, "alpha", o->alpha);
	add_num(rec, "power", POWER);
	noise_side(rec, "baseline", nx, &m->s[BASE], x);
	noise_side(rec, "current", ny, &m->s[CUR], y);
	cJSON_AddItemToObject(rec, "warnings", w);
	free(x);
	free(y);
	return rec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
calibrate_all(struct table *t, const struct opts *o, struct bp_out *out)
{
	struct bp_vec mdes = { 0 };
	size_t i, j;
	cJSON *rec;
	double mde;

	for (i = 0; i < t->nlist; i++) {
		struct group *g = t->list[i];

		for (j = 0; j < g->nm; j++) {
			struct metric *m = &g->m[j];

			if (!(m->s[BASE].nruns || m->s[BASE].nres) ||
			    !(m->s[CUR].nruns || m->s[CUR].nres))
				continue;
			rec = noise_record(g, m, o, &mde);
			emit_rec(out, rec);
			cJSON_Delete(rec);
			if (isfinite(mde))
				bp_vec_push(&mdes, mde);
		}
	}
	if (mdes.n) {
		qsort(mdes.v, mdes.n, sizeof *mdes.v, cmp_double);
		bp_warn("noise floor of %zu metric%s: smallest detectable change "
		    "%.3g%% (median), %.3g%% (largest)", mdes.n,
		    mdes.n == 1 ? "" : "s", bp_stats_quantile(mdes.v, mdes.n,
		    0.5), mdes.v[mdes.n - 1]);
	} else {
		bp_warn("no metric with observations on both sides to calibrate");
	}
	bp_vec_free(&mdes);
	return BP_EXIT_OK;
}
