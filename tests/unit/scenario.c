/*
 * scenario.c - the scenario engine of bench-run (cmd/bench-run/scenario*.c
 * and its SUTs), built here on its own so that it is tested whether or
 * not bench-run's main.c wires it in.
 *
 * Without arguments: TAP unit tests against in-process SUTs (the instant
 * one, tinylm, and two broken ones defined below).  With arguments it is
 * a stand-in for `bench-run --scenario ...` that tests/bench-run-
 * scenarios.bats and tests/bench/scenario.sh use while bench-run lacks
 * --scenario: -m, -b, -p KEY=VALUE, -o FILE, --threads N, the scenario
 * options, and -- COMMAND.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The engine picks "pipe" through sut_test_ops, which is the real pipe
 * SUT unless a test swaps in a broken one. */
#define sut_pipe_ops sut_test_ops
#include "../../cmd/bench-run/scenario.c"
#undef sut_pipe_ops
#include "../../cmd/bench-run/model_tinylm.c"
#include "../../cmd/bench-run/scenario_opts.c"
#include "../../cmd/bench-run/scenario_result.c"
#include "../../cmd/bench-run/sut_null.c"
#include "../../cmd/bench-run/sut_openai.c"
#include "../../cmd/bench-run/sut_pipe.c"
#include "die.h"
#include "test.h"

/* ---- SUTs that misbehave ---- */

enum { REAL, HANG, DUP };
static int test_mode = REAL;

static int
hang_start(struct sut *s, const struct sut_config *c, struct sut_exit *x)
{
	(void)s;
	(void)c;
	(void)x;
	return 0;
}

static int
hang_issue(struct sut *s, const struct sut_query *q)
{
	(void)s;
	(void)q;
	return 0;
}

static void
hang_stop(struct sut *s, struct sut_exit *x)
{
	(void)s;
	(void)x;
}

/* answers each sample twice, and an id never issued */
static int
dup_issue(struct sut *s, const struct sut_query *q)
{
	uint64_t t = bp_mono_ns();

	s->ev->done(s->ev->ctx, q->id, t, 1);
	s->ev->done(s->ev->ctx, q->id, t, 1);
	s->ev->done(s->ev->ctx, q->id + 1000000, t, 1);
	s->ev->protocol(s->ev->ctx, "garbage 'x'");
	return 0;
}

static int
t_start(struct sut *s, const struct sut_config *c, struct sut_exit *x)
{
	return test_mode == REAL ? sut_pipe_ops.start(s, c, x) :
	    hang_start(s, c, x);
}

static int
t_issue(struct sut *s, const struct sut_query *q)
{
	return test_mode == REAL ? sut_pipe_ops.issue(s, q) :
	    test_mode == HANG ? hang_issue(s, q) : dup_issue(s, q);
}

static void
t_stop(struct sut *s, struct sut_exit *x)
{
	if (test_mode == REAL)
		sut_pipe_ops.stop(s, x);
	else
		hang_stop(s, x);
}

const struct sut_ops sut_test_ops = {
	.name = "pipe",
	.start = t_start,
	.issue = t_issue,
	.stop = t_stop,
};

/* ---- helpers ---- */

static struct bp_out out;

static cJSON *
run(struct scen_opts *o, const struct scen_ctx *c)
{
	struct dataset d = { 0 };
	int status, valid;
	cJSON *rec;

	scen_opts_finish(o);
	if (o->input_len > 0)
		make_prompts(&d, o->input_len, o->seed);
	d.size = d.n ? d.n : 1024;
	rec = run_once(o, c, &d, o->target_qps, &out, &status, &valid);
	dataset_free(&d);
	return rec;
}

static double
jnum(const cJSON *r, const char *path)
{
	double v = NAN;

	bp_json_num(r, path, &v);
	return v;
}

static int
jtrue(const cJSON *r, const char *path)
{
	return cJSON_IsTrue(bp_json_path(r, path));
}

static const char *
jstr(const cJSON *r, const char *path)
{
	const char *s = bp_json_str(r, path);

	return s ? s : "(none)";
}

static void
base(struct scen_opts *o, int scenario, const char *sut)
{
	scen_opts_init(o);
	o->scenario = scenario;
	o->sut = sut;
	o->min_duration_s = 0;
	o->min_queries = 50;
}

static void
test_opts(void)
{
	struct scen_opts o;

	scen_opts_init(&o);
	ok(scen_opts_parse(&o, SCEN_OPT_SCENARIO, "multi-stream") == 1 &&
	    o.scenario == BP_SCENARIO_MULTI_STREAM, "--scenario multi-stream");
	ok(scen_opts_parse(&o, 'x', NULL) == 0, "other options are not ours");
	scen_opts_parse(&o, SCEN_OPT_PRESET, "llama2-70b-interactive");
	scen_opts_parse(&o, SCEN_OPT_SEED, "16159082839903944936");
	scen_opts_finish(&o);
	ok(o.samples_per_query == 8 && o.min_queries == 100 &&
	    o.min_duration_s == 10 && o.sample_timeout_s == 60,
	    "LoadGen's defaults: 8 samples per query, 100 queries, 10 s");
	ok(o.token_mode && o.ttft_limit_ms == 450 && o.tpot_limit_ms == 40,
	    "preset llama2-70b-interactive: 450/40 ms, token mode");
	ok(o.seed == 16159082839903944936ull, "64-bit seed");
	scen_opts_init(&o);
	scen_opts_parse(&o, SCEN_OPT_SCENARIO, "server");
	scen_opts_parse(&o, SCEN_OPT_TARGET_QPS, "10");
	scen_opts_parse(&o, SCEN_OPT_OFFICIAL, NULL);
	scen_opts_finish(&o);
	ok(o.min_duration_s == 600 && o.schedule == BP_SCHEDULE_LOADGEN &&
	    o.method == BP_PERCENTILE_LOADGEN && !o.token_mode,
	    "--official: 600 s, LoadGen's schedule and percentiles");
}

static void
test_server(const struct scen_ctx *c)
{
	struct scen_opts o;
	cJSON *r;

	base(&o, BP_SCENARIO_SERVER, "null");
	o.target_qps = 2000;
	o.min_duration_s = 0.1;
	o.schedule = BP_SCHEDULE_LOADGEN;
	r = run(&o, c);
	is_str(jstr(r, "status"), "ok", "server/null: status ok");
	ok(jnum(r, "scenario.queries") == jnum(r, "scenario.scheduled_queries")
	    && jnum(r, "scenario.samples") >= 100, "server/null: every "
	    "scheduled query answered (%g)", jnum(r, "scenario.samples"));
	ok(jnum(r, "scenario.latency_ms.p50") < 50, "server/null: fast");
	ok(jtrue(r, "scenario.validity.min_duration_met") &&
	    jtrue(r, "scenario.validity.min_queries_met"),
	    "server/null: min duration and queries met");
	ok(jnum(r, "scenario.throughput.samples_per_s") > 500,
	    "server/null: throughput near the target (%g)",
	    jnum(r, "scenario.throughput.samples_per_s"));
	is_str(jstr(r, "scenario.headline.metric"), "samples_per_s",
	    "server headline: samples per second");
	is_str(jstr(r, "scenario.schedule"), "loadgen", "schedule named");
	ok(jnum(r, "scenario.issue_delay_ms.n") == jnum(r, "scenario.queries"),
	    "one issue delay per query");
	cJSON_Delete(r);
}

static void
test_streams(const struct scen_ctx *c)
{
	struct scen_opts o;
	cJSON *r;

	base(&o, BP_SCENARIO_SINGLE_STREAM, "null");
	o.min_queries = 100;
	r = run(&o, c);
	ok(jnum(r, "scenario.queries") == 100 &&
	    jnum(r, "scenario.samples") == 100, "single-stream: 100 queries");
	is_str(jstr(r, "scenario.headline.metric"), "p90_latency_ms",
	    "single-stream headline: p90 latency");
	ok(jtrue(r, "scenario.early_stopping.latency.met") &&
	    jnum(r, "scenario.early_stopping.latency.estimate_ms") >= 0,
	    "single-stream early stopping estimate");
	cJSON_Delete(r);

	base(&o, BP_SCENARIO_MULTI_STREAM, "null");
	o.min_queries = 30;
	o.samples_per_query = 4;
	r = run(&o, c);
	ok(jnum(r, "scenario.queries") == 30 &&
	    jnum(r, "scenario.samples") == 120, "multi-stream: 30 queries of "
	    "4 samples");
	ok(jnum(r, "scenario.query_latency_ms.n") == 30,
	    "multi-stream: one latency per query");
	ok(!jtrue(r, "scenario.validity.early_stopping_met") &&
	    !jtrue(r, "scenario.validity.valid"), "multi-stream: 30 "
	    "queries are too few for early stopping at p99");
	cJSON_Delete(r);

	base(&o, BP_SCENARIO_OFFLINE, "null");
	o.min_queries = 300;
	r = run(&o, c);
	ok(jnum(r, "scenario.queries") == 1 &&
	    jnum(r, "scenario.samples") == 300, "offline: one query of 300");
	ok(jtrue(r, "scenario.validity.valid"), "offline: valid with "
	    "--min-duration 0");
	cJSON_Delete(r);
}

static void
test_tinylm(const struct scen_ctx *c0)
{
	struct scen_ctx c = *c0;
	struct scen_opts o;
	cJSON *p = cJSON_CreateObject(), *r;

	cJSON_AddStringToObject(p, "d_model", "32");
	cJSON_AddStringToObject(p, "layers", "1");
	cJSON_AddStringToObject(p, "vocab", "64");
	cJSON_AddStringToObject(p, "ff", "64");
	cJSON_AddStringToObject(p, "workers", "2");
	c.params = p;
	base(&o, BP_SCENARIO_OFFLINE, "tinylm");
	o.min_queries = 40;
	o.input_len = 8;
	o.output_len = 6;
	r = run(&o, &c);
	is_str(jstr(r, "status"), "ok", "tinylm offline: ok");
	ok(jtrue(r, "scenario.token_mode") && jnum(r, "scenario.tokens") ==
	    240, "tinylm: 40 x 6 tokens, token mode");
	ok(jnum(r, "scenario.tpot_ms.min") >= 0 &&
	    jnum(r, "scenario.ttft_ms.n") == 40 &&
	    jnum(r, "scenario.itl_ms.n") == 200, "tinylm: TTFT, TPOT, ITL");
	cJSON_Delete(r);
	base(&o, BP_SCENARIO_OFFLINE, "tinylm");
	o.min_queries = 4;
	c.backend = "cuda";
	r = run(&o, &c);
	is_str(jstr(r, "status"), "skipped", "tinylm on cuda: skipped");
	is_str(jstr(r, "error.type"), "unsupported", "... as unsupported");
	cJSON_Delete(r);
	cJSON_Delete(p);
}

static void
test_broken(const struct scen_ctx *c0)
{
	char *argv[] = { "test", NULL };
	struct scen_ctx c = *c0;
	struct scen_opts o;
	cJSON *r;

	c.argv = argv;
	test_mode = HANG;
	base(&o, BP_SCENARIO_SERVER, "pipe");
	o.target_qps = 1000;
	o.sample_timeout_s = 0.05;
	r = run(&o, &c);
	is_str(jstr(r, "status"), "failed", "hanging SUT: failed");
	is_str(jstr(r, "error.type"), "timeout", "... with timeouts");
	ok(jnum(r, "scenario.errors.timeout") >= 1 &&
	    jnum(r, "scenario.samples") == 0, "... counted, nothing completed");
	cJSON_Delete(r);

	test_mode = DUP;
	base(&o, BP_SCENARIO_SINGLE_STREAM, "pipe");
	o.min_queries = 20;
	r = run(&o, &c);
	is_str(jstr(r, "status"), "ok", "double answers: status ok");
	ok(jnum(r, "scenario.samples") == 20 &&
	    jnum(r, "scenario.protocol.duplicates") == 20 &&
	    jnum(r, "scenario.protocol.unknown_ids") == 20 &&
	    jnum(r, "scenario.protocol.invalid_lines") == 20,
	    "double answers and unknown ids counted, not used");
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(r, "warnings")) == 3,
	    "three warnings");
	cJSON_Delete(r);
	test_mode = REAL;
}

/* tinylm as a plain built-in model (model.h) */
static void
test_tinylm_model(void)
{
	cJSON *p = cJSON_CreateObject(), *res = cJSON_CreateObject();
	struct model_env env = { .params = p, .backend = "cpu" };
	struct model_metrics mm;
	struct model_plan plan;
	struct model_err err;
	void *st;
	double ms = -1;
	int i, rc = 0;

	cJSON_AddStringToObject(p, "d_model", "16");
	cJSON_AddNumberToObject(p, "layers", 1);
	cJSON_AddStringToObject(p, "output_len", "5");
	ok(model_tinylm.setup(&env, &st, &plan, &err) == 0, "tinylm model: "
	    "setup");
	for (i = 0; i < 3; i++) {
		memset(&mm, 0, sizeof mm);
		rc |= model_tinylm.run(st, i, 0, &ms, &mm, &err);
	}
	ok(rc == 0 && ms > 0 && mm.n == 3 && mm.value[0] == 5,
	    "tinylm model: 5 tokens per iteration");
	ok(model_tinylm.finish(st, res, &err) == 0 &&
	    jtrue(res, "check.ok"), "tinylm model: same tokens every time");
	model_tinylm.teardown(st);
	cJSON_AddStringToObject(p, "heads", "3");
	ok(model_tinylm.setup(&env, &st, &plan, &err) == -1 && !st &&
	    strstr(err.msg, "heads"), "tinylm model: bad params refused");
	env.backend = "cuda";
	ok(model_tinylm.setup(&env, &st, &plan, &err) == -1 &&
	    strcmp(err.type, "unsupported") == 0, "tinylm model: cuda "
	    "unsupported");
	cJSON_Delete(p);
	cJSON_Delete(res);
}

static int
unit_tests(void)
{
	struct scen_ctx c = { .model = "test", .backend = "cpu" };

	bp_out_open(&out, "/dev/null");
	test_opts();
	test_server(&c);
	test_streams(&c);
	test_tinylm(&c);
	test_broken(&c);
	test_tinylm_model();
	bp_out_close(&out);
	return done();
}

/* ---- the stand-in for bench-run --scenario ---- */

static volatile sig_atomic_t stop_flag;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
add_param(cJSON *params, const char *kv)
{
	const char *eq = strchr(kv, '=');
	char key[128];

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key)
		bp_usage_error("-p: expected KEY=VALUE, got '%s'", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	cJSON_AddStringToObject(params, key, eq + 1);
}

static int
driver_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "threads", required_argument, NULL, 't' },
		SCEN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct scen_ctx c = { .backend = "cpu", .stop = &stop_flag };
	struct scen_opts o;
	cJSON *params = cJSON_CreateObject();
	const char *path = "-";
	struct bp_out o_out;
	struct sigaction sa;
	long n;
	int ch, rc;

	bp_setprogname("bench-run");
	scen_opts_init(&o);
	while ((ch = getopt_long(argc, argv, "+b:m:o:p:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			c.backend = optarg;
			break;
		case 'm':
			c.model = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 'p':
			add_param(params, optarg);
			break;
		case 't':
			if (bp_parse_long(optarg, &n) || n < 1)
				bp_usage_error("--threads: bad number");
			c.threads = (int)n;
			break;
		default:
			if (scen_opts_parse(&o, ch, optarg))
				break;
			bp_usage_error("unknown option");
		}
	}
	scen_opts_finish(&o);
	if (o.scenario < 0)
		bp_usage_error("--scenario is required");
	if (optind < argc)
		c.argv = argv + optind;
	c.params = params;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (bp_out_open(&o_out, path))
		bp_die_errno("%s", path);
	rc = scen_run(&o, &c, &o_out);
	if (bp_out_close(&o_out))
		bp_die_errno("%s", path);
	cJSON_Delete(params);
	return stop_flag ? 130 : rc;
}

int
main(int argc, char **argv)
{
	if (argc > 1)
		return driver_main(argc, argv);
	return unit_tests();
}
