/*
 * scenario_opts.c - the scenario options of bench-run: parsing, presets
 * and defaults.  Defaults are LoadGen's TestSettings defaults, so that a
 * bare --scenario run means what a bare LoadGen run means.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "die.h"
#include "scenario.h"

const char scen_usage[] =
    "bench-run --scenario NAME [SCENARIO OPTIONS] [-m tinylm | "
    "--sut openai:URL | -- COMMAND [ARG...]]\n";

const char scen_help[] =
    "Scenarios (MLPerf LoadGen semantics):\n"
    "      --scenario NAME        single-stream, multi-stream, server, offline\n"
    "      --sut SUT              pipe (COMMAND), openai:URL, tinylm, null\n"
    "      --target-qps QPS       server arrival rate; offline expected rate\n"
    "      --target-latency MS    server latency bound (default 100)\n"
    "      --ttft-limit MS        p99 time to first token bound (token mode)\n"
    "      --tpot-limit MS        p99 time per output token bound\n"
    "      --preset NAME          llama3.1-8b[-interactive], "
    "llama2-70b[-interactive]\n"
    "      --min-queries N        queries at least (default 100)\n"
    "      --min-duration SEC     seconds at least (default 10)\n"
    "      --official             600 s, LoadGen's schedule and percentiles\n"
    "      --max-async N          server: at most N samples outstanding\n"
    "      --samples-per-query N  multi-stream query size (default 8)\n"
    "      --schedule KIND        poisson (default), loadgen, constant\n"
    "      --seed S               schedule and sample seed (default 0)\n"
    "      --percentile-method M  interpolated (default) or loadgen\n"
    "      --find-peak            search the highest valid server QPS\n"
    "      --qps-precision QPS    stop the search this close (default 1)\n"
    "      --query-records        one query record per sample\n"
    "      --sample-timeout SEC   a sample fails after SEC (default 60)\n"
    "      --model-name M         model of OpenAI requests\n"
    "      --prompts FILE         JSONL prompts ({\"prompt\": ...})\n"
    "      --input-len N          generated prompts of N tokens\n"
    "      --output-len N         tokens to generate per sample\n"
    "      --wait-ready           start the clock at the SUT's ready event\n";

static const struct {
	const char *name;
	double ttft_ms, tpot_ms;
} presets[] = {
	{ "llama2-70b", 2000, 200 },
	{ "llama2-70b-interactive", 450, 40 },
	{ "llama3.1-8b", 2000, 100 },
	{ "llama3.1-8b-interactive", 500, 30 },
};

static const char *const scenario_names[] = {
	[BP_SCENARIO_SINGLE_STREAM] = "single-stream",
	[BP_SCENARIO_MULTI_STREAM] = "multi-stream",
	[BP_SCENARIO_SERVER] = "server",
	[BP_SCENARIO_OFFLINE] = "offline",
};

const char *
scen_name(int scenario)
{
	if (scenario < 0 || scenario > BP_SCENARIO_OFFLINE)
		return "none";
	return scenario_names[scenario];
}

void
scen_opts_init(struct scen_opts *o)
{
	memset(o, 0, sizeof *o);
	o->scenario = -1;
	o->target_qps = -1;
	o->target_latency_ms = -1;
	o->ttft_limit_ms = -1;
	o->tpot_limit_ms = -1;
	o->min_queries = -1;
	o->min_duration_s = -1;
	o->samples_per_query = -1;
	o->schedule = BP_SCHEDULE_POISSON;
	o->method = BP_PERCENTILE_INTERP;
	o->qps_precision = -1;
	o->input_len = -1;
	o->output_len = -1;
	o->sample_timeout_s = -1;
}

static double
positive(const char *opt, const char *arg, int zero_ok)
{
	double d;

	if (bp_parse_double(arg, &d) || !(zero_ok ? d >= 0 : d > 0) ||
	    d > 1e12)
		bp_usage_error("--%s: expected a %s number, got '%s'", opt,
		    zero_ok ? "non-negative" : "positive", arg);
	return d;
}

static long
count(const char *opt, const char *arg, long min)
{
	long n;

	if (bp_parse_long(arg, &n) || n < min || n > 1000000000L)
		bp_usage_error("--%s: expected an integer of at least %ld, "
		    "got '%s'", opt, min, arg);
	return n;
}

static int
choice(const char *opt, const char *arg, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(arg, words[i]) == 0)
			return i;
	bp_usage_error("--%s: unknown value '%s'", opt, arg);
}

static uint64_t
seed(const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		bp_usage_error("--seed: expected an unsigned 64-bit integer, "
		    "got '%s'", arg);
	return v;
}

int
scen_opts_parse(struct scen_opts *o, int opt, const char *arg)
{
	static const char *const schedules[] = {
		[BP_SCHEDULE_POISSON] = "poisson",
		[BP_SCHEDULE_LOADGEN] = "loadgen",
		[BP_SCHEDULE_CONSTANT] = "constant",
	};
	static const char *const methods[] = {
		[BP_PERCENTILE_INTERP] = "interpolated",
		[BP_PERCENTILE_LOADGEN] = "loadgen",
	};
	size_t i;

	switch (opt) {
	case SCEN_OPT_FIND_PEAK:
		o->find_peak = 1;
		break;
	case SCEN_OPT_INPUT_LEN:
		o->input_len = count("input-len", arg, 1);
		break;
	case SCEN_OPT_MAX_ASYNC:
		o->max_async = count("max-async", arg, 0);
		break;
	case SCEN_OPT_MIN_DURATION:
		o->min_duration_s = positive("min-duration", arg, 1);
		break;
	case SCEN_OPT_MIN_QUERIES:
		o->min_queries = count("min-queries", arg, 1);
		break;
	case SCEN_OPT_MODEL_NAME:
		o->model_name = arg;
		break;
	case SCEN_OPT_OFFICIAL:
		o->official = 1;
		break;
	case SCEN_OPT_OUTPUT_LEN:
		o->output_len = count("output-len", arg, 1);
		break;
	case SCEN_OPT_PERCENTILE_METHOD:
		o->method = choice("percentile-method", arg, methods, 2);
		o->method_set = 1;
		break;
	case SCEN_OPT_PRESET:
		for (i = 0; i < sizeof presets / sizeof presets[0]; i++)
			if (strcmp(presets[i].name, arg) == 0)
				break;
		if (i == sizeof presets / sizeof presets[0])
			bp_usage_error("--preset: unknown preset '%s'", arg);
		o->preset = presets[i].name;
		break;
	case SCEN_OPT_PROMPTS:
		o->prompts = arg;
		break;
	case SCEN_OPT_QPS_PRECISION:
		o->qps_precision = positive("qps-precision", arg, 0);
		break;
	case SCEN_OPT_QUERY_RECORDS:
		o->query_records = 1;
		break;
	case SCEN_OPT_SAMPLE_TIMEOUT:
		o->sample_timeout_s = positive("sample-timeout", arg, 0);
		break;
	case SCEN_OPT_SAMPLES_PER_QUERY:
		o->samples_per_query = count("samples-per-query", arg, 1);
		break;
	case SCEN_OPT_SCENARIO:
		o->scenario = choice("scenario", arg, scenario_names, 4);
		break;
	case SCEN_OPT_SCHEDULE:
		o->schedule = choice("schedule", arg, schedules, 3);
		o->schedule_set = 1;
		break;
	case SCEN_OPT_SEED:
		o->seed = seed(arg);
		break;
	case SCEN_OPT_SUT:
		if (strcmp(arg, "pipe") && strcmp(arg, "null") &&
		    strcmp(arg, "tinylm") && strncmp(arg, "openai:", 7))
			bp_usage_error("--sut: expected pipe, null, tinylm or "
			    "openai:URL, got '%s'", arg);
		if (strncmp(arg, "openai:", 7) == 0 && !arg[7])
			bp_usage_error("--sut: openai: needs a URL");
		o->sut = arg;
		break;
	case SCEN_OPT_TARGET_LATENCY:
		o->target_latency_ms = positive("target-latency", arg, 0);
		break;
	case SCEN_OPT_TARGET_QPS:
		o->target_qps = positive("target-qps", arg, 0);
		break;
	case SCEN_OPT_TPOT_LIMIT:
		o->tpot_limit_ms = positive("tpot-limit", arg, 0);
		break;
	case SCEN_OPT_TTFT_LIMIT:
		o->ttft_limit_ms = positive("ttft-limit", arg, 0);
		break;
	case SCEN_OPT_WAIT_READY:
		o->wait_ready = 1;
		break;
	default:
		return 0;
	}
	return 1;
}

static void
apply_preset(struct scen_opts *o)
{
	size_t i;

	for (i = 0; i < sizeof presets / sizeof presets[0]; i++) {
		if (strcmp(presets[i].name, o->preset))
			continue;
		if (o->ttft_limit_ms < 0)
			o->ttft_limit_ms = presets[i].ttft_ms;
		if (o->tpot_limit_ms < 0)
			o->tpot_limit_ms = presets[i].tpot_ms;
	}
}

void
scen_opts_finish(struct scen_opts *o)
{
	if (o->scenario < 0) {
		if (o->find_peak || o->official || o->preset || o->sut ||
		    o->target_qps >= 0 || o->query_records || o->wait_ready ||
		    o->prompts || o->input_len > 0 || o->output_len > 0 ||
		    o->min_queries >= 0 || o->min_duration_s >= 0 ||
		    o->max_async || o->samples_per_query >= 0 ||
		    o->target_latency_ms >= 0 || o->ttft_limit_ms >= 0 ||
		    o->tpot_limit_ms >= 0 || o->schedule_set || o->method_set ||
		    o->sample_timeout_s >= 0 || o->model_name)
			bp_usage_error("scenario options need --scenario");
		return;
	}
	if (o->preset)
		apply_preset(o);
	/* LoadGen: token latencies are on where a TTFT/TPOT bound is */
	o->token_mode = o->ttft_limit_ms >= 0 || o->tpot_limit_ms >= 0;
	/* LoadGen's defaults for the bounds it always checks */
	if (o->ttft_limit_ms < 0)
		o->ttft_limit_ms = 100;
	if (o->tpot_limit_ms < 0)
		o->tpot_limit_ms = 100;
	if (o->target_latency_ms < 0)
		o->target_latency_ms = 100;
	if (o->official) {
		if (o->min_duration_s >= 0)
			bp_usage_error("--official and --min-duration "
			    "contradict each other");
		o->min_duration_s = 600;
		if (!o->schedule_set)
			o->schedule = BP_SCHEDULE_LOADGEN;
		if (!o->method_set)
			o->method = BP_PERCENTILE_LOADGEN;
	}
	if (o->min_duration_s < 0)
		o->min_duration_s = 10;
	if (o->min_queries < 0)
		o->min_queries = 100;
	if (o->samples_per_query < 0)
		o->samples_per_query =
		    o->scenario == BP_SCENARIO_MULTI_STREAM ? 8 : 1;
	else if (o->scenario != BP_SCENARIO_MULTI_STREAM)
		bp_usage_error("--samples-per-query is for multi-stream");
	if (o->qps_precision < 0)
		o->qps_precision = 1;
	if (o->sample_timeout_s < 0)
		o->sample_timeout_s = 60;
	if (o->scenario == BP_SCENARIO_SERVER && o->target_qps < 0)
		bp_usage_error("--scenario server needs --target-qps");
	if (o->target_qps == 0)
		bp_usage_error("--target-qps must be positive");
	if (o->find_peak && o->scenario != BP_SCENARIO_SERVER)
		bp_usage_error("--find-peak is for --scenario server");
	if (o->max_async && o->scenario != BP_SCENARIO_SERVER)
		bp_usage_error("--max-async is for --scenario server");
	if (o->prompts && o->input_len > 0)
		bp_usage_error("--prompts and --input-len contradict each "
		    "other");
}
