/*
 * compare.c - one diff record per group and metric.  The test is the best
 * the data allows: Mann-Whitney U on per-run medians (several runs per
 * side), on the samples of one run (basis "samples", warned), Welch's t on
 * summaries, or a bare threshold for single observations.  All p-values of
 * the call are adjusted together (Benjamini-Hochberg) before any verdict.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "diff.h"
#include "htest.h"
#include "special.h"

const char *const bp_diff_verdicts[] = {
	"regression", "improvement", "unchanged", "inconclusive", "new",
	"missing", "broken", "fixed",
};
const char *const bp_diff_severities[] = { "minor", "major", "critical" };

struct cmp {
	struct group *g;
	struct metric *m;	/* NULL for broken and fixed */
	int verdict, severity;
	const char *test, *basis;
	int has[2];
	double n[2], runs[2], median[2], mean[2];
	double change, lo, hi, thr, stat, df, p, q;
	int pseudo;		/* observations are samples, not runs */
	int floored;		/* a --noise floor is known for the group */
	cJSON *warn;
};

void
add_num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

void
add_side(cJSON *rec, const char *name, double n, double runs, double median,
    double mean)
{
	cJSON *s = cJSON_AddObjectToObject(rec, name);

	add_num(s, "n", n);
	add_num(s, "runs", runs);
	add_num(s, "median", median);
	add_num(s, "mean", mean);
}

void
emit_rec(struct bp_out *out, const cJSON *rec)
{
	if (bp_out_rec(out, rec) < 0)
		bp_die_errno("%s", strcmp(out->name, "-") ? out->name : "stdout");
}

void
add_keys(cJSON *rec, const struct group *g)
{
	const cJSON *k;

	cJSON_ArrayForEach(k, g->keyobj)
		cJSON_AddItemToObject(rec, k->string, cJSON_Duplicate(k, 1));
}

static void __attribute__((format(printf, 2, 3)))
warnf(struct cmp *c, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON_AddItemToArray(c->warn, cJSON_CreateString(msg));
}

static double
rel(double base, double v)
{
	if (!isfinite(base) || !isfinite(v))
		return NAN;
	if (base == 0)
		return v == 0 ? 0 : NAN;
	return 100 * (v - base) / fabs(base);
}

static double
mean_of(const double *v, size_t n)
{
	double m, sd;

	bp_stats_meanvar(v, n, &m, &sd);
	return m;
}

static double
median_of(double *v, size_t n)
{
	bp_stats_sort(v, n);
	return bp_stats_quantile(v, n, 0.5);
}

int
severity_of(const struct opts *o, double bad)
{
	if (bad >= o->sev[SEV_CRITICAL])
		return SEV_CRITICAL;
	if (bad >= o->sev[SEV_MAJOR])
		return SEV_MAJOR;
	return SEV_MINOR;
}

/* Smallest two-sided p an exact U test can reach with these sizes. */
static double
min_exact_p(size_t n1, size_t n2)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= n1; i++)
		c = c * (n2 + i) / i;
	return 2 / c;
}

static void
mwu(struct cmp *c, double *x, size_t nx, double *y, size_t ny, double alpha)
{
	struct bp_mwu r;
	double lo, hi;

	c->test = "mannwhitneyu";
	c->n[BASE] = nx;
	c->n[CUR] = ny;
	c->mean[BASE] = mean_of(x, nx);
	c->mean[CUR] = mean_of(y, ny);
	c->median[BASE] = median_of(x, nx);
	c->median[CUR] = median_of(y, ny);
	c->change = rel(c->median[BASE], c->median[CUR]);
	bp_htest_mwu(x, nx, y, ny, &r);
	c->stat = r.u1;
	c->p = r.p;
	if (bp_htest_hl_ci(x, nx, y, ny, 0.95, r.exact, &lo, &hi) == 0 &&
	    c->median[BASE] != 0) {
		c->lo = 100 * lo / fabs(c->median[BASE]);
		c->hi = 100 * hi / fabs(c->median[BASE]);
	} else if (c->median[BASE] != 0) {
		warnf(c, "too few observations for a 95%% interval");
	}
	if (r.exact && min_exact_p(nx, ny) >= alpha)
		warnf(c, "with %zu and %zu observations no change can be "
		    "significant at %g", nx, ny, alpha);
}

/* n, mean, stddev, median and runs of one side, from what it holds. */
static void
summary_of(const struct side *s, double *n, double *mean, double *sd,
    double *median, double *runs)
{
	double *v, m2 = 0;
	size_t i, k;

	if (s->nstat) {
		*n = s->st_n;
		*mean = s->st_mean;
		*sd = s->st_n > 1 ? sqrt(s->st_m2 / (s->st_n - 1)) : NAN;
		*median = s->st_p50;
		*runs = s->st_runs;
	} else if (s->nruns) {
		k = pooled_samples(s, &v);
		*n = k;
		bp_stats_meanvar(v, k, mean, sd);
		*median = median_of(v, k);
		*runs = s->nruns;
		free(v);
	} else {
		/* results: pool the run summaries */
		*n = 0;
		*mean = 0;
		v = bp_xmalloc(s->nres * sizeof *v);
		for (i = 0; i < s->nres; i++) {
			const struct rsum *r = &s->res[i];
			double rn = isfinite(r->n) && r->n >= 1 ? r->n : 1;
			double rm = isfinite(r->mean) ? r->mean : r->p50;
			double rs = isfinite(r->sd) ? r->sd : 0, d = rm - *mean;

			m2 += rs * rs * (rn - 1) + d * d * *n * rn / (*n + rn);
			*mean += d * rn / (*n + rn);
			*n += rn;
			v[i] = r->p50;
		}
		*sd = *n > 1 ? sqrt(m2 / (*n - 1)) : NAN;
		if (s->nres == 1 && !isfinite(s->res[0].sd))
			*sd = NAN;
		*median = median_of(v, s->nres);
		*runs = s->nres;
		free(v);
	}
}

static void
summary_test(struct cmp *c, const struct metric *m)
{
	double sd[2], t;
	struct bp_ttest r;
	int i;

	for (i = BASE; i <= CUR; i++)
		summary_of(&m->s[i], &c->n[i], &c->mean[i], &sd[i],
		    &c->median[i], &c->runs[i]);
	c->basis = "summary";
	if (bp_htest_welch(c->n[BASE], c->mean[BASE], sd[BASE], c->n[CUR],
	    c->mean[CUR], sd[CUR], &r) == 0) {
		c->test = "welch";
		c->stat = r.t;
		c->df = r.df;
		c->p = r.p;
		c->change = rel(c->mean[BASE], c->mean[CUR]);
		t = isfinite(r.df) ? bp_t_quantile(0.975, r.df) : NAN;
		if (c->mean[BASE] != 0 && r.se > 0) {
			c->lo = 100 * (r.diff - t * r.se) / fabs(c->mean[BASE]);
			c->hi = 100 * (r.diff + t * r.se) / fabs(c->mean[BASE]);
		}
		/* n above runs: the summary pools the samples of its runs */
		c->pseudo = c->n[BASE] > c->runs[BASE] ||
		    c->n[CUR] > c->runs[CUR];
		if (c->runs[BASE] <= 1 && c->runs[CUR] <= 1)
			warnf(c, "summaries of one run per side: run-to-run "
			    "noise not measured");
		else if (c->pseudo)
			warnf(c, "summaries pool the samples of several runs: "
			    "their n is not the number of runs");
		return;
	}
	c->test = "threshold";
	c->change = isfinite(c->median[BASE]) && isfinite(c->median[CUR]) ?
	    rel(c->median[BASE], c->median[CUR]) :
	    rel(c->mean[BASE], c->mean[CUR]);
	warnf(c, "too few observations for a test: threshold only");
}

static void
compare_metric(struct cmp *c, const struct opts *o)
{
	struct metric *m = c->m;
	struct side *sb = &m->s[BASE], *sc = &m->s[CUR];
	double *x, *y;
	size_t nx = run_values(sb, &x), ny = run_values(sc, &y);

	c->runs[BASE] = nx;
	c->runs[CUR] = ny;
	if (nx >= 2 && ny >= 2) {
		c->basis = "runs";
		mwu(c, x, nx, y, ny, o->alpha);
	} else if (sb->nruns && sc->nruns) {
		free(x);
		free(y);
		nx = pooled_samples(sb, &x);
		ny = pooled_samples(sc, &y);
		c->basis = "samples";
		if (nx == 1 && ny == 1) {
			c->test = "threshold";
			c->n[BASE] = c->n[CUR] = 1;
			c->median[BASE] = c->mean[BASE] = x[0];
			c->median[CUR] = c->mean[CUR] = y[0];
			c->change = rel(x[0], y[0]);
			warnf(c, "one observation per side: threshold only");
		} else {
			mwu(c, x, nx, y, ny, o->alpha);
			c->pseudo = 1;
			if (c->runs[BASE] <= 1 && c->runs[CUR] <= 1)
				warnf(c, "one run per side: run-to-run noise not "
				    "measured");
			else
				warnf(c, "%.0f and %.0f runs: run-to-run noise "
				    "not measured on both sides",
				    c->runs[BASE], c->runs[CUR]);
		}
	} else {
		summary_test(c, m);
	}
	free(x);
	free(y);
	c->thr = o->threshold;
	if (o->noise) {
		double floor = noise_floor(c->g, m->name);

		c->floored = isfinite(floor);
		if (floor > c->thr) {
			c->thr = floor;
			warnf(c, "threshold raised to %.3g%% by the noise floor",
			    floor);
		}
	}
	if (m->dir_assumed)
		warnf(c, "direction unknown: lower is better assumed");
	if (c->g->failed[CUR])
		warnf(c, "current: %d of %d runs failed", c->g->failed[CUR],
		    c->g->failed[CUR] + c->g->ok[CUR]);
	if (c->g->failed[BASE])
		warnf(c, "baseline: %d of %d runs failed", c->g->failed[BASE],
		    c->g->failed[BASE] + c->g->ok[BASE]);
}

/* Regression, improvement, unchanged or inconclusive, from the decision
 * p-value, the change in the bad direction and its interval. */
static void
decide(struct cmp *c, const struct opts *o)
{
	int lower = c->m->dir == DIR_LOWER;
	double d = o->fdr ? c->q : c->p;
	double bad = lower ? c->change : -c->change;
	double blo = lower ? c->lo : -c->hi, bhi = lower ? c->hi : -c->lo;
	int sig = d < o->alpha, hasci = isfinite(blo) && isfinite(bhi);

	c->verdict = V_UNCHANGED;
	if (!isfinite(c->change)) {
		if (sig)
			c->verdict = V_INCONCLUSIVE;
		warnf(c, "baseline is 0: relative change undefined");
	} else if (strcmp(c->test, "threshold") == 0) {
		if (bad > 0 && bad >= c->thr)
			c->verdict = V_REGRESSION;
		else if (bad < 0 && -bad >= c->thr)
			c->verdict = V_IMPROVEMENT;
	} else if (sig && bad != 0) {
		int worse = bad > 0;
		double lo = worse ? blo : -bhi, hi = worse ? bhi : -blo;
		double size = worse ? bad : -bad;

		if (hasci ? lo >= c->thr : size >= c->thr)
			c->verdict = worse ? V_REGRESSION : V_IMPROVEMENT;
		else if (hasci && hi >= c->thr) {
			c->verdict = V_INCONCLUSIVE;
			warnf(c, "significant, but the 95%% interval straddles "
			    "the %.3g%% threshold", c->thr);
		}
	} else if (!sig && fabs(bad) >= c->thr) {
		c->verdict = V_INCONCLUSIVE;
		warnf(c, "a change of %.3g%% that is not significant",
		    c->change);
	}
	if (c->pseudo && !c->floored && (c->verdict == V_REGRESSION ||
	    c->verdict == V_IMPROVEMENT)) {
		c->verdict = V_INCONCLUSIVE;
		warnf(c, "a difference between the samples of single runs is no "
		    "proof of one between runs: inconclusive without a --noise "
		    "floor");
	}
	if (c->verdict == V_REGRESSION)
		c->severity = severity_of(o, bad);
}

static void
side_only(struct cmp *c, int side)
{
	struct side *s = &c->m->s[side];
	double *v, sd;
	size_t n;

	n = run_values(s, &v);
	c->has[side] = 1;
	if (n >= 2 || (n == 1 && !s->nruns && !s->nstat)) {
		c->n[side] = c->runs[side] = n;
		c->mean[side] = mean_of(v, n);
		c->median[side] = median_of(v, n);
	} else {
		summary_of(s, &c->n[side], &c->mean[side], &sd,
		    &c->median[side], &c->runs[side]);
	}
	free(v);
}

static int
side_has(const struct side *s)
{
	return s->nruns || s->nres || s->nstat;
}

static struct cmp *
new_cmp(struct cmp **list, size_t *n, size_t *cap, struct group *g,
    struct metric *m)
{
	struct cmp *c;

	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*list = bp_xrealloc(*list, *cap * sizeof **list);
	}
	c = &(*list)[(*n)++];
	memset(c, 0, sizeof *c);
	c->g = g;
	c->m = m;
	c->severity = SEV_NONE;
	c->n[0] = c->n[1] = c->runs[0] = c->runs[1] = NAN;
	c->median[0] = c->median[1] = c->mean[0] = c->mean[1] = NAN;
	c->change = c->lo = c->hi = c->thr = c->stat = c->df = NAN;
	c->p = c->q = NAN;
	c->warn = cJSON_CreateArray();
	return c;
}

static cJSON *
cmp_record(const struct cmp *c)
{
	cJSON *rec = cJSON_CreateObject(), *ci;
	int i;

	cJSON_AddStringToObject(rec, "kind", "diff");
	cJSON_AddNumberToObject(rec, "schema", BP_SCHEMA);
	add_keys(rec, c->g);
	if (c->m) {
		cJSON_AddStringToObject(rec, "metric", c->m->name);
		cJSON_AddStringToObject(rec, "direction",
		    c->m->dir == DIR_HIGHER ? "higher" : "lower");
	} else {
		cJSON_AddNullToObject(rec, "metric");
		cJSON_AddNullToObject(rec, "direction");
	}
	cJSON_AddStringToObject(rec, "verdict", bp_diff_verdicts[c->verdict]);
	if (c->severity >= 0)
		cJSON_AddStringToObject(rec, "severity",
		    bp_diff_severities[c->severity]);
	else
		cJSON_AddNullToObject(rec, "severity");
	add_num(rec, "change_pct", c->change);
	if (isfinite(c->lo) && isfinite(c->hi)) {
		ci = cJSON_AddArrayToObject(rec, "change_ci95");
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(c->lo));
		cJSON_AddItemToArray(ci, cJSON_CreateNumber(c->hi));
	} else {
		cJSON_AddNullToObject(rec, "change_ci95");
	}
	add_num(rec, "threshold_pct", c->thr);
	if (c->test)
		cJSON_AddStringToObject(rec, "test", c->test);
	else
		cJSON_AddNullToObject(rec, "test");
	if (c->basis)
		cJSON_AddStringToObject(rec, "basis", c->basis);
	else
		cJSON_AddNullToObject(rec, "basis");
	add_num(rec, "statistic", c->stat);
	add_num(rec, "df", c->df);
	add_num(rec, "p_value", c->p);
	add_num(rec, "q_value", c->q);
	for (i = BASE; i <= CUR; i++) {
		const char *name = i == BASE ? "baseline" : "current";

		if (c->has[i])
			add_side(rec, name, c->n[i], c->runs[i], c->median[i],
			    c->mean[i]);
		else
			cJSON_AddNullToObject(rec, name);
	}
	if (!c->m && c->g->error[CUR] && c->verdict == V_BROKEN)
		cJSON_AddItemToObject(rec, "error",
		    cJSON_Duplicate(c->g->error[CUR], 1));
	cJSON_AddItemToObject(rec, "warnings", cJSON_Duplicate(c->warn, 1));
	return rec;
}

/* broken: ok in the baseline, nothing ok now; fixed: the reverse. */
static int
group_status(struct cmp **list, size_t *n, size_t *cap, struct group *g)
{
	struct cmp *c;
	const char *type;

	if (g->ok[BASE] && !g->ok[CUR] && g->failed[CUR]) {
		c = new_cmp(list, n, cap, g, NULL);
		c->verdict = V_BROKEN;
		c->severity = SEV_CRITICAL;
		type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		    g->error[CUR], "type"));
		warnf(c, "every current run failed%s%s", type ? ": " : "",
		    type ? type : "");
	} else if (g->failed[BASE] && !g->ok[BASE] && g->ok[CUR]) {
		c = new_cmp(list, n, cap, g, NULL);
		c->verdict = V_FIXED;
	} else {
		return 0;
	}
	c->has[BASE] = c->has[CUR] = 1;
	c->runs[BASE] = g->ok[BASE] + g->failed[BASE];
	c->runs[CUR] = g->ok[CUR] + g->failed[CUR];
	return 1;
}

void
print_summary(const long *count, long critical)
{
	struct bp_buf b = { 0 };

	bp_buf_addf(&b, "%ld regression%s", count[V_REGRESSION],
	    count[V_REGRESSION] == 1 ? "" : "s");
	if (critical)
		bp_buf_addf(&b, " (%ld critical)", critical);
	bp_buf_addf(&b, ", %ld improvement%s", count[V_IMPROVEMENT],
	    count[V_IMPROVEMENT] == 1 ? "" : "s");
	if (count[V_INCONCLUSIVE])
		bp_buf_addf(&b, ", %ld inconclusive", count[V_INCONCLUSIVE]);
	bp_buf_addf(&b, ", %ld unchanged, %ld new, %ld missing",
	    count[V_UNCHANGED], count[V_NEW], count[V_MISSING]);
	if (count[V_BROKEN])
		bp_buf_addf(&b, ", %ld broken", count[V_BROKEN]);
	if (count[V_FIXED])
		bp_buf_addf(&b, ", %ld fixed", count[V_FIXED]);
	bp_warn("%s", b.p);
	bp_buf_free(&b);
}

static void
adjust(struct cmp *list, size_t n)
{
	double *p = bp_xmalloc((n ? n : 1) * sizeof *p);
	double *q = bp_xmalloc((n ? n : 1) * sizeof *q);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = list[i].p;
	bp_htest_bh(p, n, q);
	for (i = 0; i < n; i++)
		list[i].q = q[i];
	free(p);
	free(q);
}

int
compare_all(struct table *t, const struct opts *o, struct bp_out *out)
{
	struct cmp *list = NULL, *c;
	size_t n = 0, cap = 0, i, j;
	long count[V_COUNT] = { 0 }, critical = 0, pseudo = 0, common = 0;
	int rc = BP_EXIT_OK;

	for (i = 0; i < t->nlist; i++) {
		struct group *g = t->list[i];

		if (group_status(&list, &n, &cap, g))
			continue;
		for (j = 0; j < g->nm; j++) {
			struct metric *m = &g->m[j];
			int hb = side_has(&m->s[BASE]), hc = side_has(&m->s[CUR]);

			c = new_cmp(&list, &n, &cap, g, m);
			if (hb && hc) {
				c->has[BASE] = c->has[CUR] = 1;
				compare_metric(c, o);
				common++;
			} else {
				c->verdict = hb ? V_MISSING : V_NEW;
				side_only(c, hb ? BASE : CUR);
			}
		}
	}
	adjust(list, n);
	for (i = 0; i < n; i++) {
		cJSON *rec;

		c = &list[i];
		if (c->m && c->has[BASE] && c->has[CUR])
			decide(c, o);
		count[c->verdict]++;
		pseudo += c->pseudo && !c->floored;
		if (c->verdict == V_REGRESSION && c->severity == SEV_CRITICAL)
			critical++;
		if ((c->verdict == V_REGRESSION || c->verdict == V_BROKEN) &&
		    c->severity >= o->fail_on && o->fail_on != SEV_NEVER)
			rc = BP_EXIT_FOUND;
		rec = cmp_record(c);
		emit_rec(out, rec);
		cJSON_Delete(rec);
		cJSON_Delete(c->warn);
	}
	free(list);
	if (!common && n)
		bp_warn("no metric of any group is in both inputs; check --by "
		    "and --split");
	if (pseudo)
		bp_warn("%ld comparison%s rest%s on samples, not runs: at most "
		    "inconclusive without --noise (bench-run --runs)", pseudo,
		    pseudo == 1 ? "" : "s", pseudo == 1 ? "s" : "");
	print_summary(count, critical);
	return rc;
}
