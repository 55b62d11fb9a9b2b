/*
 * scenario_int.h - what scenario.c (driving a run) and scenario_result.c
 * (turning it into records) share.  Not for the rest of bench-run.
 *
 * Invariant: every field of struct engine that a SUT event touches is
 * read and written with mu held; the issuing thread and the SUT threads
 * are joined before scenario_result.c looks at anything.
 */
#ifndef BENCH_RUN_SCENARIO_INT_H
#define BENCH_RUN_SCENARIO_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "loadgen.h"
#include "scenario.h"
#include "sut.h"

enum { S_PENDING, S_ISSUED, S_DONE, S_ERROR };

/* Times are ns from the start of the run, -1 while unknown. */
struct sample {
	int64_t sched, issued, first, last_token, done;
	long n_tokens;
	uint32_t query, index;		/* query number, data set index */
	int state;
	const char *err_type;		/* static string */
	char *err_msg;
};

struct query {
	int64_t sched, issued, done;
	size_t first, n, left;
	int failed;
};

struct i64vec {
	int64_t *v;
	size_t n, cap;
};

/* The prompts: from --prompts, or generated with --input-len. */
struct prompt {
	char *text;
	int32_t *tokens;
	int n_tokens;
	int max_tokens;
};

struct dataset {
	struct prompt *p;
	size_t n;
	size_t size;			/* indices drawn from [0, size) */
};

struct engine {
	const struct scen_opts *o;
	const struct scen_ctx *c;
	const struct dataset *data;
	double qps;			/* this trial's target */
	const char *sut_name;
	struct sut sut;
	struct sut_events ev;
	struct sut_exit start_err;	/* when the SUT did not start */
	struct sut_exit exit;		/* how it ended */

	pthread_mutex_t mu;
	pthread_cond_t cv_main, cv_issue;
	uint64_t t0;			/* bp_mono_ns at the start */
	int64_t wall_ns;		/* start to the end of the run */
	struct sample *s;
	size_t ns, cap;
	struct query *q;
	size_t nq, qcap;
	size_t outstanding, oldest;
	int issuer_waiting, issuing_done;
	atomic_int stop_issue;
	int interrupted, token_seen;
	int failed;			/* the SUT failed as a whole */
	struct sut_exit fail;
	unsigned long unknown, duplicate, late, invalid;
	char protocol_msg[256];
	struct i64vec itl;
	struct bp_schedule sched;
	uint64_t rng;
};

/* Builds the result record of a finished run (scenario_result.c); sets
 * *status to 0 ok, 1 failed, 2 interrupted, 3 skipped and *valid. */
cJSON *scen_result(struct engine *e, int *status, int *valid);
/* Writes one "query" record per sample (--query-records). */
void scen_query_records(struct engine *e, struct bp_out *out);
/* A record with the envelope of ctx (base, or made here). */
cJSON *scen_record(const struct scen_ctx *c, const char *kind);
void scen_emit(struct bp_out *out, const cJSON *rec);

void i64_push(struct i64vec *v, int64_t x);

#endif
