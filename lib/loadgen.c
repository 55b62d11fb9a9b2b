/*
 * loadgen.c - MLPerf LoadGen's arithmetic (see loadgen.h).  Written from
 * LoadGen's documented behaviour (loadgen.cc GenerateQueries,
 * early_stopping.cc, results.cc); the floating-point expressions keep
 * LoadGen's order of operations on purpose, because the golden vectors
 * in tests/unit/loadgen.c depend on every rounding: do not "simplify"
 * them.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "loadgen.h"
#include "stats.h"

void
bp_mt19937_seed(struct bp_mt19937 *m, uint32_t seed)
{
	unsigned i;

	m->s[0] = seed;
	for (i = 1; i < 624; i++)
		m->s[i] = 1812433253u * (m->s[i - 1] ^ (m->s[i - 1] >> 30)) + i;
	m->i = 624;
}

static void
mt_twist(struct bp_mt19937 *m)
{
	unsigned k;
	uint32_t y;

	for (k = 0; k < 624; k++) {
		y = (m->s[k] & 0x80000000u) | (m->s[(k + 1) % 624] & 0x7fffffffu);
		m->s[k] = m->s[(k + 397) % 624] ^ (y >> 1) ^
		    (y & 1 ? 0x9908b0dfu : 0);
	}
	m->i = 0;
}

uint32_t
bp_mt19937_next(struct bp_mt19937 *m)
{
	uint32_t y;

	if (m->i >= 624)
		mt_twist(m);
	y = m->s[m->i++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680u;
	y ^= (y << 15) & 0xefc60000u;
	y ^= y >> 18;
	return y;
}

double
bp_mt19937_canonical(struct bp_mt19937 *m)
{
	double sum = 0, scale = 1, r;
	int k;

	for (k = 0; k < 2; k++) {
		sum += (double)bp_mt19937_next(m) * scale;
		scale *= 4294967296.0;
	}
	r = sum / scale;
	if (r >= 1)
		r = nextafter(1.0, 0.0);
	return r;
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The next gap in ns.  LoadGen: exponential_distribution<double>(qps),
 * then duration_cast<nanoseconds>, which truncates. */
static int64_t
schedule_gap(enum bp_schedule_kind kind, struct bp_mt19937 *mt,
    uint64_t *sm, double qps)
{
	double u, secs;

	switch (kind) {
	case BP_SCHEDULE_LOADGEN:
		u = bp_mt19937_canonical(mt);
		secs = -log(1.0 - u) / qps;
		return (int64_t)(secs * 1e9);
	case BP_SCHEDULE_CONSTANT:
		return (int64_t)(1.0 / qps * 1e9);
	case BP_SCHEDULE_POISSON:
		break;
	}
	u = (double)(splitmix64(sm) >> 11) * 0x1p-53;
	return llround(-log1p(-u) / qps * 1e9);
}

int
bp_schedule_make(struct bp_schedule *s, enum bp_schedule_kind kind,
    uint64_t seed, double qps, int64_t duration_ns, uint64_t min_queries)
{
	struct bp_mt19937 mt;
	uint64_t sm = seed;
	int64_t ts = 0, prev = 0;
	size_t cap;
	double expect;

	memset(s, 0, sizeof *s);
	if (!(qps > 0) || !isfinite(qps) || duration_ns < 0)
		return -1;
	expect = (double)duration_ns / 1e9 * qps;
	if (expect > 1e9 || min_queries > 1000000000ull)
		return -1;
	bp_mt19937_seed(&mt, (uint32_t)seed);
	cap = (size_t)(expect * 1.1) + 16;
	if (cap < min_queries + 1)
		cap = min_queries + 1;
	s->t = bp_xmalloc(cap * sizeof *s->t);
	while (prev < duration_ns || s->n < min_queries) {
		if (s->n == cap) {
			cap *= 2;
			s->t = bp_xrealloc(s->t, cap * sizeof *s->t);
		}
		s->t[s->n++] = ts;
		prev = ts;
		ts += schedule_gap(kind, &mt, &sm, qps);
	}
	s->next = ts;
	return 0;
}

void
bp_schedule_free(struct bp_schedule *s)
{
	free(s->t);
	memset(s, 0, sizeof *s);
}

static double
lbeta(int64_t x, int64_t y)
{
	return lgamma((double)x) + lgamma((double)y) - lgamma((double)(x + y));
}

/* Gauss's 2F1(1, b; c; x), the series of DLMF 15.2.1; with b <= 0 an
 * integer it ends after 1 - b terms. */
static double
hypergeometric_2f1_a1(int64_t b, int64_t c, double x)
{
	const double tolerance = 1.0 / (double)(1LL << 33);
	double term = 1.0, result = 1.0;
	int64_t i;

	for (i = 0; fabs(term) > tolerance; ++i) {
		term *= (double)(b + i) * x / (double)(c + i);
		result += term;
	}
	return result;
}

double
bp_loadgen_beta_regularized(double x, int64_t a, int64_t b)
{
	return exp((double)a * log(x) + (double)(b - 1) * log(1 - x) -
	    lbeta(a, b)) / (double)a *
	    hypergeometric_2f1_a1(1 - b, 1 + a, x / (x - 1));
}

/* The odds of t or fewer queries over the limit among h + t. */
static double
odds(int64_t h, int64_t t, double p, double d)
{
	return bp_loadgen_beta_regularized(p - d, h, 1 + t);
}

static int64_t
find_min_passing(int64_t min_h, int64_t max_h, int64_t t, double p,
    double d, double c)
{
	int64_t count = max_h - min_h, step, h;

	while (count > 0) {
		step = count / 2;
		h = min_h + step;
		if (odds(h, t, p, d) < 1 - c) {
			count = step;
		} else {
			min_h = h + 1;
			count -= step + 1;
		}
	}
	return min_h;
}

void
bp_loadgen_finder_init(struct bp_loadgen_finder *f)
{
	memset(f, 0, sizeof *f);
}

void
bp_loadgen_finder_free(struct bp_loadgen_finder *f)
{
	int k;

	for (k = 0; k < f->nkeys; k++) {
		free(f->key[k].t);
		free(f->key[k].h);
	}
	memset(f, 0, sizeof *f);
}

/* The memo of (p, d, c); the last slot is reused when all are taken. */
static int
finder_key(struct bp_loadgen_finder *f, double p, double d, double c)
{
	int k;

	for (k = 0; k < f->nkeys; k++)
		if (f->key[k].p == p && f->key[k].d == d && f->key[k].c == c)
			return k;
	if (f->nkeys == BP_LOADGEN_FINDER_KEYS) {
		k = f->nkeys - 1;
		f->key[k].n = 0;
	} else {
		k = f->nkeys++;
	}
	f->key[k].p = p;
	f->key[k].d = d;
	f->key[k].c = c;
	return k;
}

int64_t
bp_loadgen_min_passing(struct bp_loadgen_finder *f, int64_t t, double p,
    double d, double c)
{
	int k = finder_key(f, p, d, c);
	size_t lb, n = f->key[k].n;
	int64_t *ct = f->key[k].t, *ch = f->key[k].h;
	int64_t x0 = -1, y0 = 0, x1 = 0, min_h, max_h, h;
	int64_t y1 = (int64_t)ceil(log(1 - c) / log(p - d));
	double min_slope, max_slope;

	/* std::map::lower_bound: the first key >= t */
	for (lb = 0; lb < n && ct[lb] < t; lb++)
		;
	if (lb < n && ct[lb] == t)
		return ch[lb];
	if (lb > 0) {
		x1 = ct[lb - 1];
		y1 = ch[lb - 1];
	}
	if (lb > 1) {
		x0 = ct[lb - 2];
		y0 = ch[lb - 2];
	}
	min_slope = (p - d) / (1 - p + d);
	/* LoadGen multiplies here; a generous bound, kept as it is */
	max_slope = (double)((y1 - y0) * (x1 - x0));
	min_h = (int64_t)((double)(t - x1) * min_slope + (double)y1);
	max_h = (int64_t)((double)(t - x1) * max_slope + (double)y1 + 1);
	h = find_min_passing(min_h, max_h, t, p, d, c);

	if (f->key[k].n == f->key[k].cap) {
		f->key[k].cap = f->key[k].cap ? 2 * f->key[k].cap : 64;
		f->key[k].t = bp_xrealloc(f->key[k].t,
		    f->key[k].cap * sizeof *f->key[k].t);
		f->key[k].h = bp_xrealloc(f->key[k].h,
		    f->key[k].cap * sizeof *f->key[k].h);
	}
	ct = f->key[k].t;
	ch = f->key[k].h;
	memmove(ct + lb + 1, ct + lb, (n - lb) * sizeof *ct);
	memmove(ch + lb + 1, ch + lb, (n - lb) * sizeof *ch);
	ct[lb] = t;
	ch[lb] = h;
	f->key[k].n++;
	return h;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

void
bp_loadgen_sort(int64_t *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof *x, cmp_i64);
}

double
bp_loadgen_percentile(const int64_t *sorted, size_t n, double p,
    enum bp_percentile_method method)
{
	double *d, v;
	size_t i;

	if (n == 0)
		return NAN;
	if (method == BP_PERCENTILE_LOADGEN) {
		i = (size_t)((double)n * p);
		return (double)sorted[i < n ? i : n - 1];
	}
	d = bp_xmalloc(n * sizeof *d);
	for (i = 0; i < n; i++)
		d[i] = (double)sorted[i];
	v = bp_stats_quantile(d, n, p);
	free(d);
	return v;
}

int
bp_loadgen_tpot(int64_t latency_ns, int64_t ttft_ns, long n_tokens,
    int64_t *tpot_ns)
{
	if (n_tokens <= 1)
		return -1;
	*tpot_ns = (latency_ns - ttft_ns) / (int64_t)(n_tokens - 1);
	return 0;
}

/* Single/MultiStream: how many of the highest latencies early stopping
 * lets us discard (t), from LoadGen's EarlyStopping. */
static int
stream_estimate(struct bp_loadgen_finder *f, double p, uint64_t queries,
    const int64_t *sorted, size_t n, int64_t *est, int64_t *needed)
{
	int64_t q = (int64_t)queries, t = 1, h, i, h_min, idx;

	h_min = bp_loadgen_min_passing(f, 1, p, 0.0, 0.99);
	*needed = h_min + 1;
	*est = -1;
	if (q < h_min + 1)
		return 0;
	for (i = 2; i < q + 1; ++i) {
		h = bp_loadgen_min_passing(f, i, p, 0.0, 0.99);
		if (q < h + i) {
			t = i - 1;
			break;
		}
	}
	/* LoadGen indexes by queries issued; samples that never completed
	 * are not in the array, so count from its own end */
	idx = (int64_t)n - t;
	if (n > 0)
		*est = sorted[idx < 0 ? 0 : idx];
	return 1;
}

void
bp_loadgen_early_stopping(struct bp_loadgen_finder *f,
    enum bp_scenario_kind scenario, double percentile, uint64_t queries,
    const int64_t *sorted, size_t n, int64_t limit_ns,
    struct bp_loadgen_es *es)
{
	int64_t t = 0, h, dummy;
	size_t i;

	memset(es, 0, sizeof *es);
	es->estimate_ns = es->estimate99_ns = -1;
	switch (scenario) {
	case BP_SCENARIO_SINGLE_STREAM:
		es->met = stream_estimate(f, percentile, queries, sorted, n,
		    &es->estimate_ns, &es->needed);
		if (es->met)
			stream_estimate(f, 0.99, queries, sorted, n,
			    &es->estimate99_ns, &dummy);
		break;
	case BP_SCENARIO_MULTI_STREAM:
		es->met = stream_estimate(f, percentile, queries, sorted, n,
		    &es->estimate_ns, &es->needed);
		break;
	case BP_SCENARIO_SERVER:
		for (i = 0; i < n; i++)
			if (sorted[i] > limit_ns)
				t++;
		h = bp_loadgen_min_passing(f, t, percentile, 0.0, 0.99);
		es->overlatency = t;
		es->needed = h + t;
		es->met = (int64_t)queries >= h + t;
		break;
	case BP_SCENARIO_OFFLINE:
		es->met = 1;
		break;
	}
}

static void __attribute__((format(printf, 2, 3)))
reason(struct bp_loadgen_validity *v, const char *fmt, ...)
{
	va_list ap;

	if (v->nreasons == BP_LOADGEN_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(v->reasons[v->nreasons++], BP_LOADGEN_REASON_LEN, fmt, ap);
	va_end(ap);
}

static void
min_duration(struct bp_loadgen_run *r, struct bp_loadgen_validity *v)
{
	double need = (double)r->min_duration_ns / 1e9, got;
	const char *what, *hint;

	switch (r->scenario) {
	case BP_SCENARIO_OFFLINE:
		got = (double)r->max_latency_ns / 1e9;
		what = "the last sample completed";
		hint = "increase --target-qps so the query holds more samples";
		break;
	case BP_SCENARIO_SERVER:
		got = (double)r->final_scheduled_ns / 1e9;
		what = "the last query was scheduled";
		hint = "increase --target-qps or --min-queries";
		break;
	default:
		got = (double)r->final_issued_ns / 1e9;
		what = "the last query was issued";
		hint = "the run ended early";
		break;
	}
	v->min_duration_met = got >= need;
	if (!v->min_duration_met)
		reason(v, "min duration not met: %s at %.3f s, before %.3f s; "
		    "%s", what, got, need, hint);
}

static void
min_queries(struct bp_loadgen_run *r, struct bp_loadgen_validity *v)
{
	v->min_queries_met = r->queries_issued >= r->min_query_count &&
	    r->n_latency >= r->min_sample_count;
	if (!v->min_queries_met)
		reason(v, "min queries not met: %llu of %llu queries issued, "
		    "%zu of %llu samples completed",
		    (unsigned long long)r->queries_issued,
		    (unsigned long long)r->min_query_count, r->n_latency,
		    (unsigned long long)r->min_sample_count);
}

static int
constraint(struct bp_loadgen_run *r, struct bp_loadgen_validity *v,
    const char *what, const int64_t *sorted, size_t n, int64_t limit)
{
	double x = bp_loadgen_percentile(sorted, n, r->target_percentile,
	    r->method);

	if (n == 0) {
		reason(v, "%s constraint not met: no sample completed", what);
		return 0;
	}
	if (x <= (double)limit)
		return 1;
	reason(v, "%s constraint not met: p%g %s %.3f ms > %.3f ms; reduce "
	    "--target-qps", what, r->target_percentile * 100, what, x / 1e6,
	    (double)limit / 1e6);
	return 0;
}

static void
constraints(struct bp_loadgen_run *r, struct bp_loadgen_validity *v)
{
	int ok;

	v->constraints_met = 1;
	if (r->scenario != BP_SCENARIO_SERVER)
		return;
	if (!r->token_mode) {
		v->constraints_met = constraint(r, v, "latency", r->latency,
		    r->n_latency, r->target_latency_ns);
		return;
	}
	ok = constraint(r, v, "TTFT", r->ttft, r->n_ttft, r->ttft_limit_ns);
	ok &= constraint(r, v, "TPOT", r->tpot, r->n_tpot, r->tpot_limit_ns);
	v->constraints_met = ok;
}

static int
early_one(struct bp_loadgen_run *r, struct bp_loadgen_validity *v,
    const char *what, const int64_t *sorted, size_t n, int64_t limit,
    struct bp_loadgen_es *es)
{
	struct bp_loadgen_finder f;

	bp_loadgen_finder_init(&f);
	bp_loadgen_early_stopping(&f, r->scenario, r->target_percentile,
	    r->queries_issued, sorted, n, limit, es);
	bp_loadgen_finder_free(&f);
	if (!es->met)
		reason(v, "early stopping not met for %s: %llu queries "
		    "processed, %lld needed", what,
		    (unsigned long long)r->queries_issued,
		    (long long)es->needed);
	return es->met;
}

static void
early_stopping(struct bp_loadgen_run *r, struct bp_loadgen_validity *v)
{
	const int64_t *lat = r->latency;
	size_t n = r->n_latency;
	int ok;

	if (r->scenario == BP_SCENARIO_MULTI_STREAM) {
		lat = r->query_latency;
		n = r->n_query_latency;
	}
	if (!r->token_mode) {
		v->early_stopping_met = early_one(r, v, "latency", lat, n,
		    r->target_latency_ns, &v->es);
		return;
	}
	/* LoadGen: TPOT first, then TTFT, both must pass */
	ok = early_one(r, v, "TPOT", r->tpot, r->n_tpot, r->tpot_limit_ns,
	    &v->es_tpot);
	ok &= early_one(r, v, "TTFT", r->ttft, r->n_ttft, r->ttft_limit_ns,
	    &v->es_ttft);
	v->early_stopping_met = ok;
}

void
bp_loadgen_validity(struct bp_loadgen_run *r, struct bp_loadgen_validity *v)
{
	memset(v, 0, sizeof *v);
	v->es.estimate_ns = v->es.estimate99_ns = -1;
	v->es_ttft = v->es_tpot = v->es;
	bp_loadgen_sort(r->latency, r->n_latency);
	bp_loadgen_sort(r->query_latency, r->n_query_latency);
	bp_loadgen_sort(r->ttft, r->n_ttft);
	bp_loadgen_sort(r->tpot, r->n_tpot);
	min_duration(r, v);
	min_queries(r, v);
	constraints(r, v);
	early_stopping(r, v);
	v->valid = v->min_duration_met && v->min_queries_met &&
	    v->constraints_met && v->early_stopping_met;
}
