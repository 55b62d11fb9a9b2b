/*
 * rows.c - the numbers of a group's row: from its stat record, else from
 * its measured samples, else from the summary of its latest ok result;
 * memory, GPU and the check from its results either way.
 */
#include <math.h>

#include "json.h"
#include "report.h"
#include "show.h"
#include "stats.h"

double
rec_num(const cJSON *o, const char *path)
{
	double v;

	return bp_json_num(o, path, &v) == 1 ? v : NAN;
}

static void
summary_row(struct row *w, const cJSON *m)
{
	const cJSON *ci;

	w->n = rec_num(m, "n");
	w->mean = rec_num(m, "mean");
	w->stddev = rec_num(m, "stddev");
	w->cv = rec_num(m, "cv");
	w->min = rec_num(m, "min");
	w->p50 = rec_num(m, "p50");
	w->p90 = rec_num(m, "p90");
	w->p99 = rec_num(m, "p99");
	w->max = rec_num(m, "max");
	ci = cJSON_GetObjectItemCaseSensitive(m, "p50_ci95");
	if (cJSON_GetArraySize(ci) == 2 &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 0)) &&
	    cJSON_IsNumber(cJSON_GetArrayItem(ci, 1))) {
		w->p50_lo = cJSON_GetArrayItem(ci, 0)->valuedouble;
		w->p50_hi = cJSON_GetArrayItem(ci, 1)->valuedouble;
	}
	if (isnan(w->cv) && w->mean > 0 && !isnan(w->stddev))
		w->cv = w->stddev / w->mean;
}

/*
 * The median's 95% confidence interval from order statistics: the ranks
 * n/2 -+ 1.96 sqrt(n)/2 (the normal approximation to the binomial), which
 * needs no assumption about the distribution.
 */
static void
median_ci(const double *x, size_t n, double *lo, double *hi)
{
	double h = 1.96 * sqrt((double)n) / 2;
	long j = (long)floor(n / 2.0 - h), k = (long)ceil(n / 2.0 + h);

	if (n < 6)
		return;
	if (j < 0)
		j = 0;
	if (k > (long)n - 1)
		k = (long)n - 1;
	*lo = x[j];
	*hi = x[k];
}

static void
samples_row(struct group *g, struct row *w)
{
	struct bp_summary s;

	bp_stats_summary(g->lat.v, g->lat.n, &s);	/* sorts in place */
	w->n = s.n;
	w->mean = s.mean;
	w->stddev = s.stddev;
	w->min = s.min;
	w->max = s.max;
	w->p50 = s.p50;
	w->p90 = s.p90;
	w->p99 = s.p99;
	w->cv = s.n > 1 && s.mean > 0 ? s.stddev / s.mean : NAN;
	median_ci(g->lat.v, g->lat.n, &w->p50_lo, &w->p50_hi);
	if (g->lat_s > 0)
		w->tput = g->items / g->lat_s;
}

/* The latest ok result of g (by ts, ties to the later in the input). */
static const cJSON *
latest_ok(const struct group *g)
{
	const cJSON *best = NULL;
	double bt = -INFINITY, t;
	size_t i;

	for (i = 0; i < g->nresults; i++) {
		if (status_of(g->results[i]) != ST_OK)
			continue;
		t = show_ts_of(g->results[i], "ts");
		if (isnan(t))
			t = -INFINITY;
		if (!best || t >= bt) {
			best = g->results[i];
			bt = t;
		}
	}
	return best;
}

void
row_finish(struct group *g)
{
	struct row *w = &g->row;
	const cJSON *res = latest_ok(g), *chk;
	double v;
	size_t i;

	w->n = w->runs = w->p50 = w->p50_lo = w->p50_hi = w->p90 = NAN;
	w->p99 = w->mean = w->stddev = w->cv = w->min = w->max = NAN;
	w->tput = w->rss_mb = w->gpu_mem_mib = w->gpu_util_pct = NAN;
	w->gpu_power_w = w->gpu_energy_j = w->items_per_j = NAN;
	w->accuracy = w->rel_err = NAN;
	w->check = -1;
	/* sorted once here: the latency chart reads quantiles off it */
	if (g->lat.n > 1)
		bp_stats_sort(g->lat.v, g->lat.n);
	if (g->stat) {
		w->source = SRC_STAT;
		summary_row(w, bp_json_path(g->stat, "stats.latency_ms"));
		w->runs = rec_num(g->stat, "runs");
		w->tput = rec_num(g->stat, "throughput.items_per_s");
		w->metrics = cJSON_GetObjectItemCaseSensitive(g->stat, "stats");
	} else if (g->lat.n) {
		w->source = SRC_SAMPLES;
		samples_row(g, w);
	} else if (res) {
		w->source = SRC_RESULT;
		summary_row(w, bp_json_path(res, "metrics.latency_ms"));
		w->tput = rec_num(res, "throughput.items_per_s");
		w->metrics = cJSON_GetObjectItemCaseSensitive(res, "metrics");
	}
	if (w->source != SRC_STAT && w->source != SRC_NONE)
		w->runs = g->nstatus[ST_OK] ? g->nstatus[ST_OK] : 1;
	for (i = 0; i < g->nresults; i++) {
		if (status_of(g->results[i]) != ST_OK)
			continue;
		v = rec_num(g->results[i], "peak_rss_mb");
		if (!isnan(v) && (isnan(w->rss_mb) || v > w->rss_mb))
			w->rss_mb = v;
	}
	if (isnan(w->rss_mb) && g->sample_rss > 0)
		w->rss_mb = g->sample_rss;
	if (!res && g->nresults)
		res = g->results[g->nresults - 1];
	if (res) {
		w->gpu_mem_mib = rec_num(res, "gpu.mem_peak_mib");
		w->gpu_util_pct = rec_num(res, "gpu.util_mean_pct");
		w->gpu_power_w = rec_num(res, "gpu.power_mean_w");
		w->gpu_energy_j = rec_num(res, "gpu.energy_j");
		w->items_per_j = rec_num(res, "gpu.items_per_joule");
		chk = cJSON_GetObjectItemCaseSensitive(res, "check");
		if (cJSON_IsObject(chk)) {
			w->check = cJSON_IsTrue(cJSON_GetObjectItem(chk, "ok"));
			w->rel_err = rec_num(chk, "rel_err");
			w->accuracy = rec_num(chk, "accuracy");
		}
		if (isnan(w->accuracy))
			w->accuracy = rec_num(w->metrics, "accuracy.p50");
	}
}

double
row_metric(const struct row *w, const char *name, const char *q)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(w->metrics, name);

	return rec_num(m, q);
}
