/*
 * scenario.h - bench-run --scenario: MLPerf LoadGen's four inference
 * scenarios (single-stream, multi-stream, server, offline) driven against
 * a system under test (sut.h), each run ending in one result record with
 * a "scenario" object.
 *
 * main.c wires it in three places: SCEN_LONGOPTS in its option table,
 * scen_opts_parse() in the default branch of its getopt switch, and
 * scen_run() instead of its measuring loop when opts.scenario is set.
 */
#ifndef BENCH_RUN_SCENARIO_H
#define BENCH_RUN_SCENARIO_H

#include <getopt.h>
#include <signal.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "loadgen.h"
#include "ndjson.h"

/* Option codes above any short option. */
enum {
	SCEN_OPT_FIND_PEAK = 0x1100,
	SCEN_OPT_INPUT_LEN,
	SCEN_OPT_MAX_ASYNC,
	SCEN_OPT_MIN_DURATION,
	SCEN_OPT_MIN_QUERIES,
	SCEN_OPT_MODEL_NAME,
	SCEN_OPT_OFFICIAL,
	SCEN_OPT_OUTPUT_LEN,
	SCEN_OPT_PERCENTILE_METHOD,
	SCEN_OPT_PRESET,
	SCEN_OPT_PROMPTS,
	SCEN_OPT_QPS_PRECISION,
	SCEN_OPT_QUERY_RECORDS,
	SCEN_OPT_SAMPLE_TIMEOUT,
	SCEN_OPT_SAMPLES_PER_QUERY,
	SCEN_OPT_SCENARIO,
	SCEN_OPT_SCHEDULE,
	SCEN_OPT_SEED,
	SCEN_OPT_SUT,
	SCEN_OPT_TARGET_LATENCY,
	SCEN_OPT_TARGET_QPS,
	SCEN_OPT_TPOT_LIMIT,
	SCEN_OPT_TTFT_LIMIT,
	SCEN_OPT_WAIT_READY,
};

/* The entries for main.c's struct option table, sorted by name. */
#define SCEN_LONGOPTS \
	{ "find-peak", no_argument, NULL, SCEN_OPT_FIND_PEAK }, \
	{ "input-len", required_argument, NULL, SCEN_OPT_INPUT_LEN }, \
	{ "max-async", required_argument, NULL, SCEN_OPT_MAX_ASYNC }, \
	{ "min-duration", required_argument, NULL, SCEN_OPT_MIN_DURATION }, \
	{ "min-queries", required_argument, NULL, SCEN_OPT_MIN_QUERIES }, \
	{ "model-name", required_argument, NULL, SCEN_OPT_MODEL_NAME }, \
	{ "official", no_argument, NULL, SCEN_OPT_OFFICIAL }, \
	{ "output-len", required_argument, NULL, SCEN_OPT_OUTPUT_LEN }, \
	{ "percentile-method", required_argument, NULL, \
	    SCEN_OPT_PERCENTILE_METHOD }, \
	{ "preset", required_argument, NULL, SCEN_OPT_PRESET }, \
	{ "prompts", required_argument, NULL, SCEN_OPT_PROMPTS }, \
	{ "qps-precision", required_argument, NULL, SCEN_OPT_QPS_PRECISION }, \
	{ "query-records", no_argument, NULL, SCEN_OPT_QUERY_RECORDS }, \
	{ "sample-timeout", required_argument, NULL, \
	    SCEN_OPT_SAMPLE_TIMEOUT }, \
	{ "samples-per-query", required_argument, NULL, \
	    SCEN_OPT_SAMPLES_PER_QUERY }, \
	{ "scenario", required_argument, NULL, SCEN_OPT_SCENARIO }, \
	{ "schedule", required_argument, NULL, SCEN_OPT_SCHEDULE }, \
	{ "seed", required_argument, NULL, SCEN_OPT_SEED }, \
	{ "sut", required_argument, NULL, SCEN_OPT_SUT }, \
	{ "target-latency", required_argument, NULL, \
	    SCEN_OPT_TARGET_LATENCY }, \
	{ "target-qps", required_argument, NULL, SCEN_OPT_TARGET_QPS }, \
	{ "tpot-limit", required_argument, NULL, SCEN_OPT_TPOT_LIMIT }, \
	{ "ttft-limit", required_argument, NULL, SCEN_OPT_TTFT_LIMIT }, \
	{ "wait-ready", no_argument, NULL, SCEN_OPT_WAIT_READY }

/* What the scenario options asked for; scen_opts_finish fills the
 * defaults.  A negative number means "not given". */
struct scen_opts {
	int scenario;			/* enum bp_scenario_kind, -1: none */
	double target_qps;
	double target_latency_ms;	/* Server: default 100 */
	double ttft_limit_ms, tpot_limit_ms;
	const char *preset;
	long min_queries;		/* default 100 */
	double min_duration_s;		/* default 10, --official 600 */
	int official;
	long max_async;			/* 0: no cap */
	long samples_per_query;		/* multi-stream: default 8 */
	enum bp_schedule_kind schedule;
	uint64_t seed;
	enum bp_percentile_method method;
	int find_peak;
	double qps_precision;		/* default 1 */
	int query_records;
	const char *sut;		/* pipe, null, tinylm, openai:URL */
	const char *model_name;
	long input_len, output_len;
	const char *prompts;
	double sample_timeout_s;	/* default 60 */
	int wait_ready;
	int token_mode;		/* a limit or preset asked for it */
	int schedule_set, method_set;
};

/* What main.c knows about the run; any pointer may be NULL. */
struct scen_ctx {
	const char *model;		/* -m */
	const char *backend;		/* -b, default "cpu" */
	char *const *argv;		/* COMMAND, {KEY} already replaced */
	const cJSON *params;		/* this combination's params */
	const cJSON *labels;
	/* result template: envelope, host, model, backend, params, labels,
	 * command; scen_run copies it and adds the rest */
	const cJSON *base;
	const char *run_id;		/* used when base has none */
	const char *host_id;
	int threads;			/* --threads */
	volatile sig_atomic_t *stop;	/* set by main's SIGINT handler */
	int verbose;
};

void scen_opts_init(struct scen_opts *o);
/* Handles one option of SCEN_LONGOPTS: 1 when it was one (a bad value
 * ends the program with status 2), 0 when it is not a scenario option. */
int scen_opts_parse(struct scen_opts *o, int opt, const char *arg);
/* After all options: presets, defaults and the checks between options
 * (usage errors end the program with status 2). */
void scen_opts_finish(struct scen_opts *o);
/* The usage lines and option help for main.c's --help. */
extern const char scen_usage[];
extern const char scen_help[];

/*
 * Runs the scenario (with --find-peak, the whole search) and writes its
 * records to out.  Returns 0 when every run finished with status ok
 * (valid or not), 1 when one failed or was interrupted.  A write error on
 * out ends the program with status 2.
 */
int scen_run(const struct scen_opts *o, const struct scen_ctx *c,
    struct bp_out *out);

const char *scen_name(int scenario);

#endif
