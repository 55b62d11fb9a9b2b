/*
 * model.h - the interface between bench-run's measuring loop and a
 * built-in model (gemm, membw, mlp, ...).  A model is one file,
 * cmd/bench-run/model_NAME.c, defining one `const struct model`, plus one
 * line in the table in models.c.
 *
 * The loop calls setup once per combination, then run for each warmup and
 * measured iteration, then finish (correctness check, final metrics) and
 * teardown, which is called on every path once setup succeeded.
 */
#ifndef BENCH_RUN_MODEL_H
#define BENCH_RUN_MODEL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#define MODEL_MAX_METRICS 8

/* Extra per-iteration metrics besides latency_ms (e.g. tflops). */
struct model_metrics {
	int n;
	const char *name[MODEL_MAX_METRICS];
	double value[MODEL_MAX_METRICS];
};

/* Why a model failed: type is one of the error types of result records
 * ("unsupported", "execution_error", "wrong_result", "oom"). */
struct model_err {
	const char *type;
	char msg[512];
};

/* What a combination asks of the model. */
struct model_env {
	const cJSON *params;	/* this combination's params: {"m": "512", ...} */
	const char *backend;	/* "cpu", "cuda" */
	int threads;		/* --threads, or 0 for the default */
	const char *data_dir;	/* --data, or NULL */
};

/* A model may fix its own iteration counts (mlp: one per epoch). */
struct model_plan {
	int warmup;		/* -1: the command line decides */
	int iterations;		/* -1: the command line decides */
};

struct model_param {
	const char *name;
	const char *def;	/* default, as text */
	const char *help;
};

struct model {
	const char *name;
	const char *summary;
	const char *backends;			/* "cpu,cuda" */
	const struct model_param *params;	/* ends with { NULL } */
	/* Validates params, allocates; fills plan.  0, or -1 with err. */
	int (*setup)(const struct model_env *env, void **state,
	    struct model_plan *plan, struct model_err *err);
	/* One iteration.  Measures itself (CPU: monotonic clock around the
	 * work; GPU: CUDA events) into *latency_ms.  0 or -1 with err. */
	int (*run)(void *state, int iter, int warmup, double *latency_ms,
	    struct model_metrics *m, struct model_err *err);
	/* Checks the answer, adds "check" and final metrics to result. */
	int (*finish)(void *state, cJSON *result, struct model_err *err);
	void (*teardown)(void *state);
};

/* The registry: NULL-terminated, in models.c. */
extern const struct model *const models[];
const struct model *model_find(const char *name);

#endif
