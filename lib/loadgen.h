/*
 * loadgen.h - MLPerf LoadGen's arithmetic, reproduced so that a
 * benchpipe scenario run means what a LoadGen run means: the Server
 * arrival schedule (to the nanosecond), early stopping, the percentile
 * rule, token latencies and the validity of a run.
 */
#ifndef BP_LOADGEN_H
#define BP_LOADGEN_H

#include <stddef.h>
#include <stdint.h>

/* std::mt19937, the generator LoadGen draws its schedule from. */
struct bp_mt19937 {
	uint32_t s[624];
	unsigned i;
};

void bp_mt19937_seed(struct bp_mt19937 *m, uint32_t seed);
uint32_t bp_mt19937_next(struct bp_mt19937 *m);
/* libstdc++'s generate_canonical<double, 53>: (x1 + x2 * 2^32) / 2^64 from
 * two outputs, the sum rounded to a double, clamped below 1. */
double bp_mt19937_canonical(struct bp_mt19937 *m);

enum bp_schedule_kind {
	BP_SCHEDULE_POISSON,	/* Poisson arrivals, splitmix64, ns rounded */
	BP_SCHEDULE_LOADGEN,	/* LoadGen's Server schedule, bit for bit */
	BP_SCHEDULE_CONSTANT,	/* one query every 1/qps, truncated to ns */
};

/* Query arrival times in ns from the start of a run. */
struct bp_schedule {
	int64_t *t;
	size_t n;
	/* the arrival drawn after the last query: LoadGen's
	 * generated_query_duration */
	int64_t next;
};

/*
 * Generates arrivals at qps from time 0 while the last one is before
 * duration_ns or fewer than min_queries exist (LoadGen's GenerateQueries).
 * With BP_SCHEDULE_LOADGEN the seed's low 32 bits seed MT19937 and each
 * gap is -ln(1 - U) / qps seconds truncated to whole ns.  0, or -1 when
 * qps is not positive or the schedule would not fit in memory.
 */
int bp_schedule_make(struct bp_schedule *s, enum bp_schedule_kind kind,
    uint64_t seed, double qps, int64_t duration_ns, uint64_t min_queries);
void bp_schedule_free(struct bp_schedule *s);

/*
 * Early stopping: the regularized incomplete beta function and the
 * binomial tail LoadGen uses (confidence 0.99, tolerance 0 in a run).
 */
double bp_loadgen_beta_regularized(double x, int64_t a, int64_t b);

/* LoadGen's MinPassingQueriesFinder, with its memo: the first h such
 * that h + t queries with t over the limit pass at percentile p.  The
 * memo narrows the search the way LoadGen's does, so results match it
 * even where the bounds it guesses are off. */
#define BP_LOADGEN_FINDER_KEYS 4
struct bp_loadgen_finder {
	struct {
		double p, d, c;
		size_t n, cap;
		int64_t *t, *h;
	} key[BP_LOADGEN_FINDER_KEYS];
	int nkeys;
};

void bp_loadgen_finder_init(struct bp_loadgen_finder *f);
int64_t bp_loadgen_min_passing(struct bp_loadgen_finder *f, int64_t t,
    double p, double d, double c);
void bp_loadgen_finder_free(struct bp_loadgen_finder *f);

enum bp_percentile_method {
	BP_PERCENTILE_INTERP,	/* R type 7, as everywhere in benchpipe */
	BP_PERCENTILE_LOADGEN,	/* sorted[floor(n * p)], no interpolation */
};

/* The p-quantile of sorted ns values by method; NaN when n is 0. */
double bp_loadgen_percentile(const int64_t *sorted, size_t n, double p,
    enum bp_percentile_method method);
void bp_loadgen_sort(int64_t *x, size_t n);

/*
 * Time per output token: (latency - ttft) / (n_tokens - 1) in integer ns,
 * as LoadGen records it.  -1 when n_tokens <= 1, where LoadGen would
 * record a negative or undefined value: the sample is an error instead.
 */
int bp_loadgen_tpot(int64_t latency_ns, int64_t ttft_ns, long n_tokens,
    int64_t *tpot_ns);

enum bp_scenario_kind {
	BP_SCENARIO_SINGLE_STREAM,
	BP_SCENARIO_MULTI_STREAM,
	BP_SCENARIO_SERVER,
	BP_SCENARIO_OFFLINE,
};

/* A finished run, as LoadGen's PerformanceResult plus the settings its
 * validity depends on.  Times are ns from the start of the run.  The
 * arrays are sorted in place by bp_loadgen_validity. */
struct bp_loadgen_run {
	enum bp_scenario_kind scenario;
	double target_percentile;	/* 0.90 single-stream, else 0.99 */
	int64_t target_latency_ns;	/* Server without tokens */
	int token_mode;
	int64_t ttft_limit_ns, tpot_limit_ns;
	int64_t min_duration_ns;
	uint64_t min_query_count;	/* Offline: 1 */
	uint64_t min_sample_count;	/* min_query_count * samples/query */
	enum bp_percentile_method method;

	uint64_t queries_issued;
	int64_t *latency;		/* one per completed sample */
	size_t n_latency;
	int64_t *query_latency;		/* MultiStream: one per query */
	size_t n_query_latency;
	int64_t *ttft, *tpot;		/* token mode */
	size_t n_ttft, n_tpot;
	int64_t max_latency_ns;		/* Offline: the last completion */
	int64_t final_scheduled_ns;	/* of the last issued query */
	int64_t final_issued_ns;
	int64_t final_done_ns;
};

/* What early stopping concluded about one latency array. */
struct bp_loadgen_es {
	int met;
	int64_t overlatency;	/* t: queries over the limit (Server) */
	int64_t needed;		/* queries it takes to pass */
	int64_t estimate_ns;	/* Single/MultiStream estimate, or -1 */
	int64_t estimate99_ns;	/* SingleStream's 99th estimate, or -1 */
};

#define BP_LOADGEN_REASONS 6
#define BP_LOADGEN_REASON_LEN 256

struct bp_loadgen_validity {
	int valid;
	int min_duration_met;
	int min_queries_met;
	int constraints_met;
	int early_stopping_met;
	int nreasons;
	char reasons[BP_LOADGEN_REASONS][BP_LOADGEN_REASON_LEN];
	/* latency (not token mode), or TTFT and TPOT (token mode) */
	struct bp_loadgen_es es, es_ttft, es_tpot;
};

/*
 * LoadGen's EarlyStopping for one array: Server counts latencies over
 * limit_ns; Single/MultiStream estimate the percentile (sorted must be
 * sorted).  Offline always passes.
 */
void bp_loadgen_early_stopping(struct bp_loadgen_finder *f,
    enum bp_scenario_kind scenario, double percentile, uint64_t queries,
    const int64_t *sorted, size_t n, int64_t limit_ns,
    struct bp_loadgen_es *es);

/* Each part of a run's validity, with a reason for each that fails. */
void bp_loadgen_validity(struct bp_loadgen_run *r,
    struct bp_loadgen_validity *v);

#endif
