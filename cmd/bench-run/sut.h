/*
 * sut.h - the interface between the scenario engine (scenario.c) and a
 * system under test: a program on the pipe protocol (sut_pipe.c), an
 * OpenAI-compatible HTTP server (sut_openai.c), the built-in tiny language
 * model (model_tinylm.c) or the instant SUT (sut_null.c).
 *
 * The engine calls start once, issue for each sample from its one issuing
 * thread, and stop once after start succeeded.  The SUT reports what
 * happens through the events, from any thread of its own, with the time
 * it saw the event (bp_mono_ns).  It may report a sample before issue
 * returns.  Ids it reports need not be valid: the engine checks them.
 */
#ifndef BENCH_RUN_SUT_H
#define BENCH_RUN_SUT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* One sample as the SUT receives it. */
struct sut_query {
	uint64_t id;
	uint32_t sample;		/* index in the data set */
	const char *prompt;		/* text, or NULL */
	const int32_t *tokens;		/* or the prompt as token ids */
	int n_tokens;
	int max_tokens;		/* tokens to generate, 0: the SUT's */
};

/* How a SUT ended, or why it failed; type NULL when all went as asked. */
struct sut_exit {
	const char *type;	/* crash, execution_error, spawn_error, ... */
	int exit_code;		/* -1 when unknown */
	int signal;		/* 0 when none */
	double peak_rss_mb;	/* -1 when unknown */
	char message[512];
	char stderr_tail[4096];
};

struct sut_events {
	void *ctx;
	void (*first_token)(void *ctx, uint64_t id, uint64_t t);
	void (*token)(void *ctx, uint64_t id, uint64_t t);
	void (*done)(void *ctx, uint64_t id, uint64_t t, long n_tokens);
	/* One sample failed (type as in result records). */
	void (*error)(void *ctx, uint64_t id, uint64_t t, const char *type,
	    const char *msg);
	/* A line or message that breaks the protocol; the run goes on. */
	void (*protocol)(void *ctx, const char *msg);
	/* The SUT as a whole is gone: every outstanding sample fails. */
	void (*failed)(void *ctx, const struct sut_exit *x);
};

struct sut_config {
	char *const *argv;		/* pipe: the command */
	const char *url;		/* openai: the endpoint */
	const char *model_name;		/* openai: "model" of requests */
	const cJSON *params;		/* tinylm: its params */
	const char *backend;		/* "cpu", "cuda" */
	int threads;			/* 0: the SUT's default */
	int token_mode;		/* null: report first tokens too */
	double timeout_s;		/* the per-sample timeout */
	int wait_ready;		/* pipe: wait for {"event":"ready"} */
	/* set by the engine when the run ends early: a SUT blocked in
	 * issue() gives up */
	const atomic_int *abort;
};

struct sut {
	const struct sut_ops *ops;
	const struct sut_events *ev;
	void *p;			/* the implementation's state */
};

struct sut_ops {
	const char *name;
	/* 0, or -1 with x->type and x->message (spawn_error, unsupported,
	 * execution_error). */
	int (*start)(struct sut *s, const struct sut_config *c,
	    struct sut_exit *x);
	/* 0, or -1 when the SUT can take no more samples. */
	int (*issue)(struct sut *s, const struct sut_query *q);
	/* Ends the SUT (waiting for nothing outstanding) and frees it. */
	void (*stop)(struct sut *s, struct sut_exit *x);
};

extern const struct sut_ops sut_pipe_ops;
extern const struct sut_ops sut_openai_ops;
extern const struct sut_ops sut_tinylm_ops;
extern const struct sut_ops sut_null_ops;

/* Copies the last len - 1 bytes of data into a tail buffer of size len
 * (NUL-terminated), keeping what fits of the old tail. */
void sut_tail_add(char *tail, size_t len, const char *data, size_t n);

#endif
