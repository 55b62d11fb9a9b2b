/*
 * sut_null.c - the instant SUT (--sut null): answers every sample inside
 * issue(), so that a run measures bench-run itself (make bench: the
 * highest server QPS it can drive, its scheduling error).
 */
#include "sut.h"
#include "timeutil.h"

static int
null_start(struct sut *s, const struct sut_config *c, struct sut_exit *x)
{
	(void)x;
	s->p = c->token_mode ? (void *)1 : NULL;
	return 0;
}

static int
null_issue(struct sut *s, const struct sut_query *q)
{
	uint64_t t = bp_mono_ns();
	long n = q->max_tokens > 0 ? q->max_tokens : 0;

	if (s->p) {
		s->ev->first_token(s->ev->ctx, q->id, t);
		if (n < 2)
			n = 2;
	}
	s->ev->done(s->ev->ctx, q->id, t, n);
	return 0;
}

static void
null_stop(struct sut *s, struct sut_exit *x)
{
	(void)s;
	(void)x;
}

const struct sut_ops sut_null_ops = {
	.name = "null",
	.start = null_start,
	.issue = null_issue,
	.stop = null_stop,
};
