/*
 * emit.c - the stat records, at the end of the input: each metric's
 * figures (exact, from the sorted values, or from the sketch), the
 * noise warnings, and the record, group by group in order of appearance.
 * The sorting, the costly part, runs on every thread; what reaches the
 * output does not depend on how many there are.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "buf.h"
#include "cli.h"
#include "die.h"
#include "json.h"

/* A number, or null where it is undefined. */
static void
num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static void
pair(cJSON *o, const char *k, double lo, double hi)
{
	cJSON *arr = cJSON_AddArrayToObject(o, k);

	cJSON_AddItemToArray(arr, isfinite(lo) ? cJSON_CreateNumber(lo) :
	    cJSON_CreateNull());
	cJSON_AddItemToArray(arr, isfinite(hi) ? cJSON_CreateNumber(hi) :
	    cJSON_CreateNull());
}

/* The figures of one metric, whichever mode computed them. */
struct figures {
	size_t n;
	double mean, stddev, min, max, cilo, cihi, medlo, medhi;
	double *q;
	size_t mild, severe;
};

/* The costly half of the exact figures: the moments, in input order (the
 * order they are summed in), then the sort. */
static void
prepare(struct macc *m)
{
	bp_stats_meanvar(m->v.v, m->v.n, &m->vmean, &m->vsd);
	bp_stats_sort(m->v.v, m->v.n);
	m->sorted = 1;
}

struct prep_queue {
	struct macc **jobs;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *
prep_worker(void *arg)
{
	struct prep_queue *q = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		i = q->next++;
		pthread_mutex_unlock(&q->lock);
		if (i >= q->n)
			return NULL;
		prepare(q->jobs[i]);
	}
}

static int
larger_first(const void *a, const void *b)
{
	size_t x = (*(struct macc *const *)a)->v.n;
	size_t y = (*(struct macc *const *)b)->v.n;

	return (x < y) - (x > y);
}

/*
 * Sorts every metric of every group on all threads, largest first; each
 * array is one thread's, and its figures do not depend on which.
 */
static void
prepare_all(struct agg *a)
{
	struct prep_queue q = { 0 };
	struct group *g;
	pthread_t tid[64];
	size_t cap = 0, total = 0;
	int i, t, started = 0;

	if (a->o->approx || a->o->threads < 2)
		return;
	for (g = a->first; g; g = g->next)
		for (i = 0; i < g->norder; i++) {
			if (q.n == cap) {
				cap = cap ? 2 * cap : 64;
				q.jobs = bp_xrealloc(q.jobs,
				    cap * sizeof *q.jobs);
			}
			q.jobs[q.n++] = &g->m[g->order[i]];
			total += g->m[g->order[i]].v.n;
		}
	if (total < 1000000) {	/* not worth a thread */
		free(q.jobs);
		return;
	}
	qsort(q.jobs, q.n, sizeof *q.jobs, larger_first);
	pthread_mutex_init(&q.lock, NULL);
	for (t = 1; t < a->o->threads && t < 64; t++)
		if (pthread_create(&tid[started], NULL, prep_worker, &q) == 0)
			started++;
	prep_worker(&q);
	for (t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	pthread_mutex_destroy(&q.lock);
	free(q.jobs);
}

static void
exact_figures(const struct opts *o, struct macc *m, struct figures *f)
{
	double *x = m->v.v;
	size_t n = m->v.n, lo, hi;
	int i;

	if (!m->sorted)
		prepare(m);
	f->n = n;
	f->mean = m->vmean;
	f->stddev = m->vsd;
	f->min = x[0];
	f->max = x[n - 1];
	for (i = 0; i < o->npcts; i++)
		f->q[i] = bp_stats_quantile(x, n, o->pcts[i] / 100);
	bp_stats_mean_ci(f->mean, f->stddev, n, o->level, &f->cilo, &f->cihi);
	f->medlo = f->medhi = NAN;
	if (bp_stats_median_ci_ranks(n, o->level, &lo, &hi) == 0) {
		f->medlo = x[lo];
		f->medhi = x[hi];
	}
	bp_stats_outliers(x, n, &f->mild, &f->severe);
}

static void
approx_figures(const struct opts *o, struct macc *m, struct figures *f)
{
	const struct bp_sketch *s = &m->sk;
	size_t lo, hi;
	double q1, q3, iqr, beyond;
	int i;

	f->n = s->n;
	f->mean = m->mean;
	f->stddev = s->n < 2 ? NAN : sqrt(m->m2 / (double)(s->n - 1));
	f->min = s->min;
	f->max = s->max;
	for (i = 0; i < o->npcts; i++)
		f->q[i] = bp_sketch_quantile(s, o->pcts[i] / 100);
	bp_stats_mean_ci(f->mean, f->stddev, f->n, o->level, &f->cilo,
	    &f->cihi);
	f->medlo = f->medhi = NAN;
	if (bp_stats_median_ci_ranks(f->n, o->level, &lo, &hi) == 0) {
		f->medlo = bp_sketch_rank(s, lo);
		f->medhi = bp_sketch_rank(s, hi);
	}
	f->mild = f->severe = 0;
	if (s->n < 2)
		return;
	q1 = bp_sketch_quantile(s, 0.25);
	q3 = bp_sketch_quantile(s, 0.75);
	iqr = q3 - q1;
	beyond = bp_sketch_count_below(s, q1 - 1.5 * iqr) +
	    bp_sketch_count_above(s, q3 + 1.5 * iqr);
	f->severe = bp_sketch_count_below(s, q1 - 3 * iqr) +
	    bp_sketch_count_above(s, q3 + 3 * iqr);
	f->mild = beyond - f->severe;
}

/* Adds the metric's object to stats, and when watch is set its noise
 * warnings to warn. */
static void
metric_json(struct agg *a, cJSON *stats, const char *name,
    const struct figures *f, int watch, struct bp_buf *warn)
{
	const struct opts *o = a->o;
	cJSON *s = cJSON_AddObjectToObject(stats, name), *out;
	double cv = bp_stats_cv(f->mean, f->stddev);
	int i;

	cJSON_AddNumberToObject(s, "n", (double)f->n);
	num(s, "mean", f->mean);
	num(s, "stddev", f->stddev);
	num(s, "cv", cv);
	num(s, "min", f->min);
	for (i = 0; i < o->npcts; i++)
		num(s, o->pctnames[i], f->q[i]);
	num(s, "max", f->max);
	pair(s, o->ciname, f->cilo, f->cihi);
	pair(s, o->p50ciname, f->medlo, f->medhi);
	out = cJSON_AddObjectToObject(s, "outliers");
	cJSON_AddNumberToObject(out, "mild", (double)f->mild);
	cJSON_AddNumberToObject(out, "severe", (double)f->severe);
	if (!watch)
		return;
	if (cv > 0.10)
		bp_buf_addf(warn, "%s%s: cv %.1f%% above 10%%",
		    warn->len ? "\n" : "", name, 100 * cv);
	if (f->severe)
		bp_buf_addf(warn, "%s%s: %zu severe outlier%s",
		    warn->len ? "\n" : "", name, f->severe,
		    f->severe == 1 ? "" : "s");
}

/*
 * The metric whose noise decides whether a group can be trusted: the
 * time, latency_ms, or failing that the first metric of the group.  (With
 * -m every named metric is watched.)  Warning about every metric would
 * flag each group for its sys_ms and teach people to ignore warnings.
 */
static int
watched_metric(const struct agg *a, const struct group *g)
{
	int i;

	for (i = 0; i < g->norder; i++)
		if (strcmp(a->met[g->order[i]].name, "latency_ms") == 0)
			return g->order[i];
	return g->norder ? g->order[0] : -1;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void
emit_group(struct agg *a, struct group *g, struct wbuf *w)
{
	const struct opts *o = a->o;
	cJSON *rec = cJSON_CreateObject(), *stats, *tp, *warr;
	struct bp_buf warn = { 0 }, line = { 0 };
	struct figures f;
	const char *p, *nl;
	int i, id, watched;

	cJSON_AddStringToObject(rec, "kind", "stat");
	cJSON_AddNumberToObject(rec, "schema", BP_SCHEMA);
	for (i = 0; i < o->nkeys; i++)
		if (g->keyvals[i] && bp_json_set(rec, o->keys[i],
		    cJSON_Duplicate(g->keyvals[i], 1)) < 0)
			bp_warn("%s: key \"%s\" clashes with another key",
			    g->ident, o->keys[i]);
	cJSON_AddNumberToObject(rec, "runs", (double)g->runs.n);
	if (g->nrec < 5)
		bp_buf_addf(&warn, "%lu %s, fewer than 5", g->nrec,
		    o->results ? (g->nrec == 1 ? "run" : "runs") :
		    (g->nrec == 1 ? "sample" : "samples"));
	stats = cJSON_AddObjectToObject(rec, "stats");
	f.q = bp_xmalloc((o->npcts + 1) * sizeof *f.q);
	watched = watched_metric(a, g);
	if (o->metrics && g->norder > 1)	/* -m names: ids 0.. in order */
		qsort(g->order, g->norder, sizeof *g->order, cmp_int);
	for (i = 0; i < g->norder; i++) {
		id = g->order[i];
		if (o->approx)
			approx_figures(o, &g->m[id], &f);
		else
			exact_figures(o, &g->m[id], &f);
		metric_json(a, stats, a->met[id].name, &f,
		    o->metrics || id == watched, &warn);
	}
	if (g->has_items || g->has_tokens) {
		tp = cJSON_AddObjectToObject(rec, "throughput");
		if (g->has_items)
			num(tp, "items_per_s", g->items / (g->items_ms / 1000));
		if (g->has_tokens)
			num(tp, "tokens_per_s",
			    g->tokens / (g->tokens_ms / 1000));
	}
	warr = cJSON_AddArrayToObject(rec, "warnings");
	for (p = warn.p; p && *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		bp_buf_reset(&line);
		bp_buf_add(&line, p, nl ? (size_t)(nl - p) : strlen(p));
		cJSON_AddItemToArray(warr, cJSON_CreateString(line.p));
	}
	bp_buf_reset(&line);
	bp_json_write(&line, rec, 0, NULL);
	wbuf_line(w, line.p, line.len);
	if (warn.len && !o->quiet) {
		bp_buf_reset(&line);
		for (p = warn.p; *p; p++)
			if (*p == '\n')
				bp_buf_add(&line, "; ", 2);
			else
				bp_buf_addc(&line, *p);
		bp_warn("%s: %s", g->ident, line.p);
	}
	free(f.q);
	bp_buf_free(&warn);
	bp_buf_free(&line);
	cJSON_Delete(rec);
}

void
agg_emit(struct agg *a, struct wbuf *w)
{
	struct group *g;

	if (a->nonfinite > NONFINITE_SHOWN)
		bp_warn("%lu non-finite values skipped in all",
		    a->nonfinite);
	prepare_all(a);
	for (g = a->first; g; g = g->next)
		emit_group(a, g, w);
}

