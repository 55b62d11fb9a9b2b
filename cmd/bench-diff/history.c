/*
 * history.c - change points in an append-only series of result records:
 * e-divisive means (Matteson and James) with the modifications of Hunter
 * (Fleming et al., 2023) as Apache Otava applies them:
 *
 *   split  sliding windows of --window runs (step half a window); in each,
 *          hierarchical bisection at the point that maximises the energy
 *          statistic Q-hat over every (tau, kappa), each candidate kept
 *          while Student's t-test (pooled, population stddevs, as Otava
 *          calls scipy) between its neighbouring segments gives p <= a
 *          first-pass threshold (10 x alpha below 0.05);
 *   merge  the union of these "weak" change points is pruned: the one with
 *          the largest p-value (all significant: the smallest magnitude)
 *          goes while it fails alpha or --threshold, and its neighbours'
 *          tests are redone on the merged segments.
 *
 * Unlike Otava, which after a removal recomputes the right neighbour and
 * the one after it, both neighbours whose segments changed are redone.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "diff.h"
#include "htest.h"
#include "special.h"
#include "json.h"
#include "timeutil.h"

struct hrun {
	char *run_id, *commit, *ts;
	double t;
	size_t seq;
	int ok;
};

struct hmetric {
	size_t *run;
	double *val;
	size_t n, cap;
};

struct hist {
	struct hrun *runs;
	size_t nruns, rcap;
	struct hmetric *m;	/* parallel to group->m */
	size_t nm;
};

struct cp {
	size_t idx;
	double p, mag;
	struct bp_ttest t;
	double mean[2];
};

struct cplist {
	struct cp *v;
	size_t n, cap;
};

static void
cp_insert(struct cplist *l, const struct cp *c)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].idx == c->idx)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = bp_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	for (i = l->n; i > 0 && l->v[i - 1].idx > c->idx; i--)
		l->v[i] = l->v[i - 1];
	l->v[i] = *c;
	l->n++;
}

/* Mean and population standard deviation (numpy's default ddof 0). */
static void
seg_stats(const double *z, size_t a, size_t b, double *mean, double *sd)
{
	double s;

	bp_stats_meanvar(z + a, b - a, mean, &s);
	*sd = b - a > 1 ? s * sqrt((b - a - 1.0) / (b - a)) : 0;
}

static double
rel_change(double from, double to)
{
	return from != 0 ? to / from - 1 : 0;
}

/* The t-test of z[lo, idx) against z[idx, hi). */
static void
cp_test(const double *z, size_t lo, size_t idx, size_t hi, struct cp *c)
{
	double sl, sr;

	c->idx = idx;
	seg_stats(z, lo, idx, &c->mean[0], &sl);
	seg_stats(z, idx, hi, &c->mean[1], &sr);
	if (bp_htest_student(idx - lo, c->mean[0], sl, hi - idx, c->mean[1],
	    sr, &c->t) == 0 && !isnan(c->t.p))
		c->p = c->t.p;
	else
		c->p = 1;
	c->mag = fmax(fabs(rel_change(c->mean[0], c->mean[1])),
	    fabs(rel_change(c->mean[1], c->mean[0])));
}

/*
 * The (tau, kappa) with s < tau < kappa <= e maximising
 * Q = 2/(n+m) sum|X-Y| - 2m/((n+m)(n-1)) sum|X-X'| - 2n/((n+m)(m-1)) sum|Y-Y'|
 * for X = z[s, tau), Y = z[tau, kappa): O((e-s)^2) with column sums.
 * The first maximum in (tau, kappa) order wins, as numpy's argmax.
 */
static double
best_split(const double *z, size_t s, size_t e, size_t *best)
{
	size_t len = e - s, tau, k, kappa;
	double *full = bp_xmalloc(len * sizeof *full);
	double *col = bp_xmalloc(len * sizeof *col);
	double wx = 0, cross, wy, q, bestq = -INFINITY;

	/* full[k]: sum over s <= i < k of |z_i - z_k| */
	for (k = s; k < e; k++) {
		full[k - s] = 0;
		for (tau = s; tau < k; tau++)
			full[k - s] += fabs(z[tau] - z[k]);
		col[k - s] = 0;
	}
	*best = s + 1;
	for (tau = s + 1; tau < e; tau++) {
		double n = tau - s;

		/* col[k]: sum over s <= i < tau of |z_i - z_k| */
		for (k = tau; k < e; k++)
			col[k - s] += fabs(z[tau - 1] - z[k]);
		if (tau > s + 1)
			wx += full[tau - 1 - s];
		cross = wy = 0;
		for (kappa = tau + 1; kappa <= e; kappa++) {
			double m = kappa - tau;

			cross += col[kappa - 1 - s];
			if (kappa - 1 > tau)
				wy += full[kappa - 1 - s] - col[kappa - 1 - s];
			q = 2 / (n + m) * cross;
			if (n > 1)
				q -= 2 * m / ((n + m) * (n - 1)) * wx;
			if (m > 1)
				q -= 2 * n / ((n + m) * (m - 1)) * wy;
			if (q > bestq) {
				bestq = q;
				*best = tau;
			}
		}
	}
	free(full);
	free(col);
	return bestq;
}

/* Hierarchical e-divisive inside z[ws, we); found points go into out. */
static void
detect(const double *z, size_t ws, size_t we, double pmax, struct cplist *out,
    size_t *last)
{
	struct cplist w = { 0 };
	size_t i, lo, hi, idx, bidx = 0, blo = 0, bhi = 0;
	double q, bq;
	struct cp c;

	*last = 0;
	for (;;) {
		bq = -INFINITY;
		for (i = 0; i <= w.n; i++) {
			lo = i ? w.v[i - 1].idx : ws;
			hi = i < w.n ? w.v[i].idx : we;
			if (hi - lo < 2)
				continue;
			q = best_split(z, lo, hi, &idx);
			if (q > bq) {
				bq = q;
				bidx = idx;
				blo = lo;
				bhi = hi;
			}
		}
		if (bq == -INFINITY)
			break;
		cp_test(z, blo, bidx, bhi, &c);
		if (!(c.p <= pmax))
			break;
		cp_insert(&w, &c);
	}
	for (i = 0; i < w.n; i++) {
		cp_insert(out, &w.v[i]);
		*last = w.v[i].idx;
	}
	free(w.v);
}

static void
retest(const double *z, size_t n, struct cplist *l, size_t i)
{
	size_t lo = i ? l->v[i - 1].idx : 0;
	size_t hi = i + 1 < l->n ? l->v[i + 1].idx : n;

	cp_test(z, lo, l->v[i].idx, hi, &l->v[i]);
}

static void
edivisive(const double *z, size_t n, const struct opts *o, double minmag,
    struct cplist *cps)
{
	double a = o->alpha, first = a < 0.05 ? 10 * a : a < 0.5 ? 2 * a : a;
	size_t start = 0, step = o->window / 2, end, last, i, weak;

	while (start < n) {
		end = start + o->window < n ? start + o->window : n;
		detect(z, start, end, first, cps, &last);
		start = last > start + step ? last : start + step;
	}
	for (i = 0; i < cps->n; i++)
		retest(z, n, cps, i);
	while (cps->n) {
		weak = 0;
		for (i = 1; i < cps->n; i++)
			if (cps->v[i].p > cps->v[weak].p)
				weak = i;
		if (cps->v[weak].p < a) {
			weak = 0;
			for (i = 1; i < cps->n; i++)
				if (cps->v[i].mag < cps->v[weak].mag)
					weak = i;
			if (cps->v[weak].mag > minmag)
				break;
		}
		memmove(&cps->v[weak], &cps->v[weak + 1],
		    (cps->n - weak - 1) * sizeof *cps->v);
		cps->n--;
		if (weak > 0)
			retest(z, n, cps, weak - 1);
		if (weak < cps->n)
			retest(z, n, cps, weak);
	}
}

static struct hist *
hist_of(struct group *g)
{
	if (!g->hist) {
		g->hist = bp_xmalloc(sizeof(struct hist));
		memset(g->hist, 0, sizeof(struct hist));
	}
	return g->hist;
}

struct load_ctx {
	struct group *g;
	size_t run;
};

static void
add_value(void *arg, const char *name, int dir, int assumed,
    const struct rsum *r)
{
	struct load_ctx *c = arg;
	struct hist *h = hist_of(c->g);
	struct metric *m = group_metric(c->g, name, dir, assumed);
	size_t j = m - c->g->m;
	struct hmetric *hm;

	if (j >= h->nm) {
		h->m = bp_xrealloc(h->m, c->g->mcap * sizeof *h->m);
		memset(h->m + h->nm, 0, (c->g->mcap - h->nm) * sizeof *h->m);
		h->nm = c->g->mcap;
	}
	hm = &h->m[j];
	if (hm->n == hm->cap) {
		hm->cap = hm->cap ? 2 * hm->cap : 16;
		hm->run = bp_xrealloc(hm->run, hm->cap * sizeof *hm->run);
		hm->val = bp_xrealloc(hm->val, hm->cap * sizeof *hm->val);
	}
	hm->run[hm->n] = c->run;
	hm->val[hm->n++] = r->p50;
}

static char *
dup_or_null(const char *s)
{
	return s ? bp_xstrdup(s) : NULL;
}

/* The record being loaded, reachable should a bad field end the command. */
static cJSON *loading;

static void
load_history(struct table *t, const struct opts *o)
{
	char *names[1] = { (char *)o->history };
	struct bp_in in;
	struct load_ctx c;
	struct hist *h;
	struct hrun *r;
	const char *status;
	cJSON *rec;

	bp_in_init(&in, names, 1, o->lenient);
	while ((rec = bp_in_rec(&in))) {
		loading = rec;
		if (strcmp(bp_json_str(rec, "kind"), "result") != 0) {
			cJSON_Delete(rec);
			continue;
		}
		t->records[BASE]++;
		c.g = table_group(t, rec, o);
		h = hist_of(c.g);
		if (h->nruns == h->rcap) {
			h->rcap = h->rcap ? 2 * h->rcap : 16;
			h->runs = bp_xrealloc(h->runs, h->rcap * sizeof *h->runs);
		}
		c.run = h->nruns;
		r = &h->runs[h->nruns++];
		r->run_id = dup_or_null(bp_json_str(rec, "run_id"));
		r->commit = dup_or_null(bp_json_str(rec, "labels.commit"));
		r->ts = dup_or_null(bp_json_str(rec, "ts"));
		if (!r->ts || bp_ts_parse(r->ts, &r->t) < 0)
			r->t = NAN;
		r->seq = t->records[BASE];
		status = bp_json_str(rec, "status");
		r->ok = !status || strcmp(status, "ok") == 0;
		if (r->ok)
			result_metrics(rec, o, &in, add_value, &c);
		else if (status && strcmp(status, "failed") == 0)
			r->ok = -1;
		cJSON_Delete(rec);
		loading = NULL;
	}
	bp_in_close(&in);
}

static const struct hist *cmp_hist;

/* Time order; file order where times are equal. */
static int
cmp_runs(const void *a, const void *b)
{
	const struct hrun *x = &cmp_hist->runs[*(const size_t *)a];
	const struct hrun *y = &cmp_hist->runs[*(const size_t *)b];

	if (x->t != y->t && !isnan(x->t) && !isnan(y->t))
		return (x->t > y->t) - (x->t < y->t);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Run indices in time order (file order when a record lacks ts). */
static size_t *
time_order(const struct hist *h)
{
	size_t *ord = bp_xmalloc((h->nruns ? h->nruns : 1) * sizeof *ord), i;
	int timed = 1;

	for (i = 0; i < h->nruns; i++) {
		ord[i] = i;
		timed &= !isnan(h->runs[i].t);
	}
	if (timed) {
		cmp_hist = h;
		qsort(ord, h->nruns, sizeof *ord, cmp_runs);
	}
	return ord;
}

static void
add_str(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static double
seg_median(const double *z, size_t a, size_t b)
{
	double *c = bp_xmalloc((b - a) * sizeof *c), r;

	memcpy(c, z + a, (b - a) * sizeof *c);
	bp_stats_sort(c, b - a);
	r = bp_stats_quantile(c, b - a, 0.5);
	free(c);
	return r;
}

struct tally {
	long count[V_COUNT], critical, series, cps, regressed;
	int rc;
};

static void
cp_record(struct bp_out *out, const struct opts *o, struct group *g,
    struct metric *m, const double *z, size_t n, const struct cplist *l,
    size_t i, const struct hrun *run, struct tally *tl)
{
	const struct cp *c = &l->v[i];
	size_t lo = i ? l->v[i - 1].idx : 0;
	size_t hi = i + 1 < l->n ? l->v[i + 1].idx : n;
	cJSON *rec = cJSON_CreateObject(), *ci, *at, *w = cJSON_CreateArray();
	double change = 100 * rel_change(c->mean[0], c->mean[1]), bad, tq;
	double thr = o->threshold, fl = noise_floor(g, m->name);
	int verdict = V_UNCHANGED, sev = SEV_NONE;

	if (fl > thr)
		thr = fl;
	bad = m->dir == DIR_LOWER ? change : -change;
	if (bad > 0 && bad >= thr) {
		verdict = V_REGRESSION;
		sev = severity_of(o, bad);
	} else if (bad < 0 && -bad >= thr) {
		verdict = V_IMPROVEMENT;
	}
	cJSON_AddStringToObject(rec, "kind", "diff");
	cJSON_AddNumberToObject(rec, "schema", BP_SCHEMA);
	add_keys(rec, g);
	cJSON_AddStringToObject(rec, "metric", m->name);
	cJSON_AddStringToObject(rec, "direction",
	    m->dir == DIR_HIGHER ? "higher" : "lower");
	cJSON_AddStringToObject(rec, "verdict", bp_diff_verdicts[verdict]);
	add_str(rec, "severity", sev >= 0 ? bp_diff_severities[sev] : NULL);
	add_num(rec, "change_pct", change);
	tq = bp_t_quantile(0.975, c->t.df);
	if (c->mean[0] != 0 && c->t.se > 0 && isfinite(tq)) {
		ci = cJSON_AddArrayToObject(rec, "change_ci95");
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(100 *
		    (c->t.diff - tq * c->t.se) / fabs(c->mean[0])));
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(100 *
		    (c->t.diff + tq * c->t.se) / fabs(c->mean[0])));
	} else {
		cJSON_AddNullToObject(rec, "change_ci95");
	}
	add_num(rec, "threshold_pct", thr);
	cJSON_AddStringToObject(rec, "test", "edivisive");
	cJSON_AddStringToObject(rec, "basis", "runs");
	add_num(rec, "statistic", c->t.t);
	add_num(rec, "df", c->t.df);
	add_num(rec, "p_value", c->p);
	cJSON_AddNullToObject(rec, "q_value");
	add_side(rec, "baseline", c->idx - lo, c->idx - lo,
	    seg_median(z, lo, c->idx), c->mean[0]);
	add_side(rec, "current", hi - c->idx, hi - c->idx,
	    seg_median(z, c->idx, hi), c->mean[1]);
	at = cJSON_AddObjectToObject(rec, "change_point");
	cJSON_AddNumberToObject(at, "index", (double)c->idx);
	add_str(at, "run_id", run->run_id);
	add_str(at, "ts", run->ts);
	add_str(at, "commit", run->commit);
	cJSON_AddBoolToObject(at, "latest", i + 1 == l->n);
	if (m->dir_assumed)
		cJSON_AddItemToArray(w, cJSON_CreateString(
		    "direction unknown: lower is better assumed"));
	cJSON_AddItemToObject(rec, "warnings", w);
	emit_rec(out, rec);
	cJSON_Delete(rec);
	tl->count[verdict]++;
	tl->cps++;
	if (verdict == V_REGRESSION && sev == SEV_CRITICAL)
		tl->critical++;
	if (i + 1 == l->n && verdict == V_REGRESSION) {
		tl->regressed++;
		if (o->fail_on != SEV_NEVER && sev >= o->fail_on)
			tl->rc = BP_EXIT_FOUND;
	}
}

static void
broken_record(struct bp_out *out, const struct opts *o, struct group *g,
    const struct hrun *run, struct tally *tl)
{
	cJSON *rec = cJSON_CreateObject(), *at;

	cJSON_AddStringToObject(rec, "kind", "diff");
	cJSON_AddNumberToObject(rec, "schema", BP_SCHEMA);
	add_keys(rec, g);
	cJSON_AddNullToObject(rec, "metric");
	cJSON_AddNullToObject(rec, "direction");
	cJSON_AddStringToObject(rec, "verdict", "broken");
	cJSON_AddStringToObject(rec, "severity", "critical");
	at = cJSON_AddObjectToObject(rec, "change_point");
	add_str(at, "run_id", run->run_id);
	add_str(at, "ts", run->ts);
	add_str(at, "commit", run->commit);
	cJSON_AddBoolToObject(at, "latest", 1);
	cJSON_AddItemToObject(rec, "warnings", cJSON_CreateArray());
	emit_rec(out, rec);
	cJSON_Delete(rec);
	tl->count[V_BROKEN]++;
	if (o->fail_on != SEV_NEVER)
		tl->rc = BP_EXIT_FOUND;
}

static void
group_history(struct bp_out *out, const struct opts *o, struct group *g,
    struct tally *tl)
{
	struct hist *h = g->hist;
	size_t *ord = time_order(h), *pos, *runat, i, j, n;
	double *z, minmag;
	struct cplist l = { 0 };
	const struct hrun *lastrun = &h->runs[ord[h->nruns - 1]];

	pos = bp_xmalloc(h->nruns * sizeof *pos);
	for (i = 0; i < h->nruns; i++)
		pos[ord[i]] = i;
	if (lastrun->ok < 0)
		for (i = 0; i < h->nruns; i++)
			if (h->runs[i].ok > 0) {
				broken_record(out, o, g, lastrun, tl);
				break;
			}
	for (j = 0; j < g->nm && j < h->nm; j++) {
		struct hmetric *hm = &h->m[j];
		size_t *at = bp_xmalloc((h->nruns + 1) * sizeof *at);

		/* the metric's values in time order; a run gives one value */
		for (i = 0; i < h->nruns; i++)
			at[i] = SIZE_MAX;
		for (i = 0; i < hm->n; i++)
			at[pos[hm->run[i]]] = i;
		z = bp_xmalloc((hm->n + 1) * sizeof *z);
		runat = bp_xmalloc((hm->n + 1) * sizeof *runat);
		for (i = n = 0; i < h->nruns; i++)
			if (at[i] != SIZE_MAX) {
				runat[n] = hm->run[at[i]];
				z[n++] = hm->val[at[i]];
			}
		tl->series++;
		l.n = 0;
		minmag = o->threshold;
		if (noise_floor(g, g->m[j].name) > minmag)
			minmag = noise_floor(g, g->m[j].name);
		edivisive(z, n, o, minmag / 100, &l);
		for (i = 0; i < l.n; i++)
			cp_record(out, o, g, &g->m[j], z, n, &l, i,
			    &h->runs[runat[l.v[i].idx]], tl);
		free(z);
		free(runat);
		free(at);
	}
	free(l.v);
	free(pos);
	free(ord);
}

static void
free_hist(struct group *g)
{
	struct hist *h = g->hist;
	size_t i;

	if (!h)
		return;
	for (i = 0; i < h->nruns; i++) {
		free(h->runs[i].run_id);
		free(h->runs[i].commit);
		free(h->runs[i].ts);
	}
	for (i = 0; i < h->nm; i++) {
		free(h->m[i].run);
		free(h->m[i].val);
	}
	free(h->runs);
	free(h->m);
	free(h);
	g->hist = NULL;
}

int
history_run(const struct opts *o, struct bp_out *out)
{
	struct table t = { 0 };
	struct tally tl = { 0 };
	struct bp_buf b = { 0 };
	size_t i;

	load_history(&t, o);
	if (!t.records[BASE])
		bp_die("%s: no result records", o->history);
	for (i = 0; i < t.nlist; i++) {
		group_history(out, o, t.list[i], &tl);
		free_hist(t.list[i]);
	}
	bp_buf_addf(&b, "%ld series, %ld change point%s: %ld regression%s",
	    tl.series, tl.cps, tl.cps == 1 ? "" : "s", tl.count[V_REGRESSION],
	    tl.count[V_REGRESSION] == 1 ? "" : "s");
	if (tl.critical)
		bp_buf_addf(&b, " (%ld critical)", tl.critical);
	bp_buf_addf(&b, ", %ld improvement%s, %ld unchanged",
	    tl.count[V_IMPROVEMENT], tl.count[V_IMPROVEMENT] == 1 ? "" : "s",
	    tl.count[V_UNCHANGED]);
	if (tl.count[V_BROKEN])
		bp_buf_addf(&b, ", %ld broken", tl.count[V_BROKEN]);
	bp_buf_addf(&b, "; %ld series regressed at the latest change point",
	    tl.regressed);
	bp_warn("%s", b.p);
	bp_buf_free(&b);
	table_free(&t);
	return tl.rc;
}
