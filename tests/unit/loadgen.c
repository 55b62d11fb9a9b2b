/* loadgen.c - LoadGen's schedule, early stopping and validity against
 * the golden vectors of issue 11 (taken from LoadGen runs). */
#include <math.h>
#include <stdlib.h>

#include "loadgen.h"
#include "test.h"

static void
test_mt19937(void)
{
	struct bp_mt19937 m;
	uint32_t x = 0;
	int i;

	/* the C++ standard's check: the 10000th output of the default seed */
	bp_mt19937_seed(&m, 5489);
	for (i = 0; i < 10000; i++)
		x = bp_mt19937_next(&m);
	ok(x == 4123659995u, "mt19937 10000th output is 4123659995 (%u)", x);
	bp_mt19937_seed(&m, 0);
	ok(bp_mt19937_next(&m) == 2357136044u, "mt19937 seed 0 starts "
	    "with 2357136044");
	for (i = 0; i < 100000; i++) {
		double u = bp_mt19937_canonical(&m);

		if (!(u >= 0 && u < 1))
			break;
	}
	ok(i == 100000, "canonical stays in [0, 1)");
}

static void
test_schedule(void)
{
	static const struct {
		uint64_t seed;
		double qps, secs;
		uint64_t minq;
		size_t n;
		int64_t last, next;
	} g[] = {
		{ 0, 200, 10, 100, 1982, 10000100902LL, 10000459374LL },
		{ 0, 50, 10, 100, 498, 10043620578LL, 10044137138LL },
		{ 16159082839903944936ull, 123.5, 3, 700, 700, 5591728192LL,
		    5593559660LL },
	};
	struct bp_schedule s;
	size_t i, k;
	int mono, rc;

	for (i = 0; i < sizeof g / sizeof g[0]; i++) {
		ok(bp_schedule_make(&s, BP_SCHEDULE_LOADGEN, g[i].seed, g[i].qps,
		    (int64_t)(g[i].secs * 1e9), g[i].minq) == 0,
		    "loadgen schedule %zu generated", i);
		ok(s.n == g[i].n, "seed %llu %g qps %g s: %zu queries (%zu)",
		    (unsigned long long)g[i].seed, g[i].qps, g[i].secs, g[i].n,
		    s.n);
		ok(s.n && s.t[s.n - 1] == g[i].last, "last query at %lld ns "
		    "(%lld)", (long long)g[i].last,
		    (long long)(s.n ? s.t[s.n - 1] : -1));
		ok(s.next == g[i].next, "generated_query_duration %lld ns "
		    "(%lld)", (long long)g[i].next, (long long)s.next);
		ok(s.t[0] == 0, "first query at 0");
		bp_schedule_free(&s);
	}
	ok(bp_schedule_make(&s, BP_SCHEDULE_CONSTANT, 0, 1000, 1000000000,
	    10) == 0 && s.n == 1001 && s.t[1000] == 1000000000,
	    "constant schedule: 1001 queries 1 ms apart");
	bp_schedule_free(&s);
	rc = bp_schedule_make(&s, BP_SCHEDULE_POISSON, 7, 1000, 1000000000,
	    10);
	ok(rc == 0 && s.n > 900 && s.n < 1100, "poisson schedule: about "
	    "1000 queries in 1 s (%zu)", s.n);
	for (mono = 1, k = 1; k < s.n; k++)
		mono &= s.t[k] >= s.t[k - 1];
	ok(mono, "poisson schedule never goes back");
	bp_schedule_free(&s);
	ok(bp_schedule_make(&s, BP_SCHEDULE_LOADGEN, 0, 0, 1000, 1) == -1,
	    "zero qps is refused");
	ok(bp_schedule_make(&s, BP_SCHEDULE_LOADGEN, 0, 5, 0, 3) == 0 &&
	    s.n == 3, "min queries beyond the duration");
	bp_schedule_free(&s);
}

static void
test_min_passing(void)
{
	static const struct {
		double p;
		int64_t t, n;
	} g[] = {
		{ 0.90, 0, 44 }, { 0.90, 1, 64 }, { 0.90, 2, 81 },
		{ 0.90, 3, 97 }, { 0.90, 5, 127 }, { 0.90, 10, 197 },
		{ 0.90, 100, 1246 },
		{ 0.99, 0, 459 }, { 0.99, 1, 662 }, { 0.99, 2, 838 },
		{ 0.99, 10, 2010 }, { 0.99, 100, 12571 },
		{ 0.999, 0, 4603 }, { 0.999, 1, 6636 },
	};
	struct bp_loadgen_finder f, seq;
	size_t i;
	int64_t h;

	bp_loadgen_finder_init(&seq);
	for (i = 0; i < sizeof g / sizeof g[0]; i++) {
		bp_loadgen_finder_init(&f);
		h = bp_loadgen_min_passing(&f, g[i].t, g[i].p, 0, 0.99);
		ok(h + g[i].t == g[i].n, "p %g t %lld: n_min %lld (%lld)",
		    g[i].p, (long long)g[i].t, (long long)g[i].n,
		    (long long)(h + g[i].t));
		bp_loadgen_finder_free(&f);
		/* the same through one memo, as a run asks in turn */
		h = bp_loadgen_min_passing(&seq, g[i].t, g[i].p, 0, 0.99);
		ok(h + g[i].t == g[i].n, "memoized p %g t %lld: n_min %lld",
		    g[i].p, (long long)g[i].t, (long long)g[i].n);
	}
	bp_loadgen_finder_free(&seq);
	ok(fabs(bp_loadgen_beta_regularized(0.9, 44, 1) - pow(0.9, 44)) <
	    1e-15, "I_0.9(44, 1) = 0.9^44");
}

static void
test_percentile(void)
{
	int64_t x[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

	ok(bp_loadgen_percentile(x, 10, 0.9, BP_PERCENTILE_LOADGEN) == 10,
	    "loadgen p90 of 1..10 is sorted[9] = 10");
	ok(bp_loadgen_percentile(x, 10, 0.5, BP_PERCENTILE_LOADGEN) == 6,
	    "loadgen p50 of 1..10 is sorted[5] = 6");
	ok(fabs(bp_loadgen_percentile(x, 10, 0.9, BP_PERCENTILE_INTERP) -
	    9.1) < 1e-12, "interpolated p90 of 1..10 is 9.1");
	ok(bp_loadgen_percentile(x, 10, 0.999, BP_PERCENTILE_LOADGEN) == 10,
	    "loadgen p99.9 of 10 values is the last");
	ok(isnan(bp_loadgen_percentile(x, 0, 0.5, BP_PERCENTILE_LOADGEN)),
	    "no values: NaN");
}

static void
test_tpot(void)
{
	int64_t t = 0;

	ok(bp_loadgen_tpot(1000, 100, 10, &t) == 0 && t == 100,
	    "tpot (1000 - 100) / 9 = 100");
	ok(bp_loadgen_tpot(1000, 100, 4, &t) == 0 && t == 300,
	    "tpot truncates like LoadGen");
	ok(bp_loadgen_tpot(1000, 100, 1, &t) == -1, "one token: no tpot");
	ok(bp_loadgen_tpot(1000, 100, 0, &t) == -1, "no tokens: no tpot");
}

static int64_t *
ramp(size_t n, int64_t step)
{
	int64_t *x = malloc(n * sizeof *x);
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = (int64_t)(n - i) * step;	/* unsorted on purpose */
	return x;
}

static void
test_early_stopping(void)
{
	struct bp_loadgen_finder f;
	struct bp_loadgen_es es;
	int64_t *x = ramp(1000, 1000);

	bp_loadgen_sort(x, 1000);
	bp_loadgen_finder_init(&f);
	/* 1000 queries at p90: t is the last i with 1000 >= h(i) + i */
	bp_loadgen_early_stopping(&f, BP_SCENARIO_SINGLE_STREAM, 0.9, 1000, x,
	    1000, 0, &es);
	ok(es.met && es.needed == 64, "single-stream: 64 queries needed");
	ok(es.estimate_ns > 900000 && es.estimate_ns <= 1000000,
	    "single-stream estimate above p90 (%lld)",
	    (long long)es.estimate_ns);
	ok(es.estimate99_ns > es.estimate_ns, "single-stream 99th estimate "
	    "above the 90th (%lld)", (long long)es.estimate99_ns);
	bp_loadgen_early_stopping(&f, BP_SCENARIO_SINGLE_STREAM, 0.9, 63, x,
	    63, 0, &es);
	ok(!es.met && es.needed == 64 && es.estimate_ns == -1,
	    "single-stream: 63 queries are too few");
	bp_loadgen_finder_free(&f);

	bp_loadgen_finder_init(&f);
	bp_loadgen_early_stopping(&f, BP_SCENARIO_SERVER, 0.99, 1000, x, 1000,
	    1000000, &es);
	ok(es.met && es.overlatency == 0 && es.needed == 459,
	    "server: none over the limit, 459 needed, 1000 are enough");
	bp_loadgen_early_stopping(&f, BP_SCENARIO_SERVER, 0.99, 1000, x, 1000,
	    990000, &es);
	ok(!es.met && es.overlatency == 10 && es.needed == 2010,
	    "server: 10 over the limit need 2010 queries");
	bp_loadgen_finder_free(&f);
	free(x);
}

static void
test_validity(void)
{
	struct bp_loadgen_run r = { 0 };
	struct bp_loadgen_validity v;
	int64_t *lat = ramp(500, 10000);	/* 10 us .. 5 ms */
	int64_t *ttft = ramp(500, 1000), *tpot = ramp(500, 100);

	r.scenario = BP_SCENARIO_SERVER;
	r.target_percentile = 0.99;
	r.target_latency_ns = 100000000;
	r.min_duration_ns = 1000000000;
	r.min_query_count = 100;
	r.min_sample_count = 100;
	r.method = BP_PERCENTILE_LOADGEN;
	r.queries_issued = 500;
	r.latency = lat;
	r.n_latency = 500;
	r.final_scheduled_ns = 1200000000;
	bp_loadgen_validity(&r, &v);
	ok(v.valid && v.nreasons == 0, "server run of 500 fast queries is "
	    "valid");
	r.final_scheduled_ns = 900000000;
	r.target_latency_ns = 4000000;
	bp_loadgen_validity(&r, &v);
	ok(!v.valid && !v.min_duration_met && !v.constraints_met &&
	    !v.early_stopping_met && v.min_queries_met && v.nreasons == 3,
	    "short, slow server run fails three ways with three reasons");
	is_str(v.reasons[0], "min duration not met: the last query was "
	    "scheduled at 0.900 s, before 1.000 s; increase --target-qps or "
	    "--min-queries", "min duration reason");
	r.queries_issued = 50;
	bp_loadgen_validity(&r, &v);
	ok(!v.min_queries_met, "50 queries < min 100");

	r.token_mode = 1;
	r.queries_issued = 500;
	r.final_scheduled_ns = 1200000000;
	r.ttft = ttft;
	r.n_ttft = 500;
	r.tpot = tpot;
	r.n_tpot = 500;
	r.ttft_limit_ns = 1000000;
	r.tpot_limit_ns = 100000;
	bp_loadgen_validity(&r, &v);
	ok(v.valid, "token mode: TTFT and TPOT within limits");
	r.tpot_limit_ns = 40000;
	bp_loadgen_validity(&r, &v);
	ok(!v.valid && !v.constraints_met && !v.early_stopping_met &&
	    v.es_ttft.met && !v.es_tpot.met, "token mode: TPOT over its "
	    "limit fails the constraint and early stopping");

	memset(&r, 0, sizeof r);
	r.scenario = BP_SCENARIO_OFFLINE;
	r.target_percentile = 0.99;
	r.min_duration_ns = 1000000000;
	r.min_query_count = 1;
	r.min_sample_count = 500;
	r.queries_issued = 1;
	r.latency = lat;
	r.n_latency = 500;
	r.max_latency_ns = 5000000;
	bp_loadgen_validity(&r, &v);
	ok(!v.valid && !v.min_duration_met && v.early_stopping_met &&
	    v.constraints_met, "offline: a 5 ms run misses min duration only");
	free(lat);
	free(ttft);
	free(tpot);
}

int
main(void)
{
	test_mt19937();
	test_schedule();
	test_min_passing();
	test_percentile();
	test_tpot();
	test_early_stopping();
	test_validity();
	return done();
}
