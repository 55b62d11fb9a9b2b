/*
 * model_tinylm.c - tinylm, a small decoder-only transformer with seeded
 * random weights (nothing to download), served as a SUT for the
 * scenarios: prefill and greedy decode with a KV cache, a pool of
 * workers, each batching its sequences continuously (a new request joins
 * the running batch at the next step; prefill rows and decode rows share
 * one forward pass).  Token events: the first generated token is
 * first_token, each later one token, then done with the count.
 *
 * The model: learned positions, pre-norm blocks (RMSNorm, multi-head
 * attention, ReLU MLP), output tied to the embedding.  Params (-p):
 * vocab, d_model, heads, layers, ff, ctx, batch, workers, seed.  Only the
 * cpu backend exists; cuda reports "unsupported".
 *
 * It is also a plain built-in model (model.h, -m tinylm without
 * --scenario): each iteration generates output_len tokens after a prompt
 * of input_len, one sequence at a time; the check is that every
 * iteration generates the same tokens.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "sut.h"
#include "timeutil.h"

struct tlm_layer {
	float *ln1, *wqkv, *wo, *ln2, *w1, *w2;
};

struct tlm_cfg {
	long vocab, d, heads, layers, ff, ctx, batch, workers, seed;
};

struct tlm_seq {
	uint64_t id;
	int32_t *prompt;
	int n_prompt, max_tokens;
	int pos;			/* tokens in the cache */
	int generated;
	int32_t last;
	float *k, *v;			/* layers x cap x d */
	int cap;
	struct tlm_seq *next;
};

struct tlm {
	struct tlm_cfg c;
	float *emb, *pos, *lnf;
	struct tlm_layer *layer;
	const struct sut_events *ev;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct tlm_seq *head, *tail;	/* waiting requests */
	int stop;
	pthread_t *th;
	long nth;
};

static uint64_t
rnd(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static float *
weights(size_t n, float scale, uint64_t *r)
{
	float *w = malloc(n * sizeof *w);
	size_t i;

	if (!w)
		return NULL;
	for (i = 0; i < n; i++)
		w[i] = scale * ((float)(rnd(r) >> 40) / 8388608.0f - 1.0f);
	return w;
}

static float *
ones(size_t n)
{
	float *w = malloc(n * sizeof *w);
	size_t i;

	for (i = 0; w && i < n; i++)
		w[i] = 1.0f;
	return w;
}

/* c[b][n] (+)= a[b][k] w[k][n], the inner loop contiguous. */
static void
matmul(float *c, const float *a, const float *w, int rows, int k, int n,
    int add)
{
	int b, i, j;

	for (b = 0; b < rows; b++) {
		float *cb = c + (size_t)b * n;

		if (!add)
			memset(cb, 0, (size_t)n * sizeof *cb);
		for (i = 0; i < k; i++) {
			const float ai = a[(size_t)b * k + i];
			const float *wi = w + (size_t)i * n;

			for (j = 0; j < n; j++)
				cb[j] += ai * wi[j];
		}
	}
}

static void
rmsnorm(float *out, const float *x, const float *g, int rows, int d)
{
	int b, i;

	for (b = 0; b < rows; b++) {
		const float *xb = x + (size_t)b * d;
		float ss = 0;

		for (i = 0; i < d; i++)
			ss += xb[i] * xb[i];
		ss = 1.0f / sqrtf(ss / d + 1e-5f);
		for (i = 0; i < d; i++)
			out[(size_t)b * d + i] = xb[i] * ss * g[i];
	}
}

/* One row of a batch: a token of a sequence at a position. */
struct row {
	struct tlm_seq *s;
	int pos;
	int32_t tok;
	int logits;		/* the sequence's next token comes from it */
};

struct scratch {
	float *x, *h, *qkv, *att, *f, *score, *logit;
	int rows;
};

static int
scratch_fit(struct scratch *s, const struct tlm_cfg *c, int rows)
{
	size_t d = (size_t)c->d;

	if (rows <= s->rows)
		return 0;
	free(s->x);
	free(s->h);
	free(s->qkv);
	free(s->att);
	free(s->f);
	free(s->score);
	free(s->logit);
	s->x = malloc(rows * d * sizeof(float));
	s->h = malloc(rows * d * sizeof(float));
	s->qkv = malloc(rows * 3 * d * sizeof(float));
	s->att = malloc(rows * d * sizeof(float));
	s->f = malloc((size_t)rows * (size_t)c->ff * sizeof(float));
	s->score = malloc((size_t)c->ctx * sizeof(float));
	s->logit = malloc((size_t)c->vocab * sizeof(float));
	s->rows = rows;
	return s->x && s->h && s->qkv && s->att && s->f && s->score &&
	    s->logit ? 0 : -1;
}

static void
scratch_free(struct scratch *s)
{
	free(s->x);
	free(s->h);
	free(s->qkv);
	free(s->att);
	free(s->f);
	free(s->score);
	free(s->logit);
}

/* Causal attention of one row over its sequence's cache, layer l. */
static void
attend(const struct tlm *m, const struct row *r, int l, const float *q,
    float *out, float *score)
{
	int d = (int)m->c.d, hd = d / (int)m->c.heads, h, t, i;
	const float *k = r->s->k + (size_t)l * r->s->cap * d;
	const float *v = r->s->v + (size_t)l * r->s->cap * d;
	float scale = 1.0f / sqrtf((float)hd), mx, sum;

	memset(out, 0, (size_t)d * sizeof *out);
	for (h = 0; h < m->c.heads; h++) {
		mx = -INFINITY;
		for (t = 0; t <= r->pos; t++) {
			float dot = 0;

			for (i = 0; i < hd; i++)
				dot += q[h * hd + i] *
				    k[(size_t)t * d + h * hd + i];
			score[t] = dot * scale;
			if (score[t] > mx)
				mx = score[t];
		}
		sum = 0;
		for (t = 0; t <= r->pos; t++) {
			score[t] = expf(score[t] - mx);
			sum += score[t];
		}
		for (t = 0; t <= r->pos; t++) {
			float wgt = score[t] / sum;

			for (i = 0; i < hd; i++)
				out[h * hd + i] += wgt *
				    v[(size_t)t * d + h * hd + i];
		}
	}
}

/* One forward pass over the rows; rows with logits get their argmax in
 * tok.  The KV cache of every row is written before any row attends, so
 * prefill rows of one sequence see each other causally. */
static void
forward(const struct tlm *m, struct row *rw, int n, struct scratch *s)
{
	int d = (int)m->c.d, ff = (int)m->c.ff, b, l, i;
	float *x = s->x, *h = s->h;

	for (b = 0; b < n; b++)
		for (i = 0; i < d; i++)
			x[(size_t)b * d + i] = m->emb[(size_t)rw[b].tok * d + i] +
			    m->pos[(size_t)rw[b].pos * d + i];
	for (l = 0; l < m->c.layers; l++) {
		const struct tlm_layer *L = &m->layer[l];

		rmsnorm(h, x, L->ln1, n, d);
		matmul(s->qkv, h, L->wqkv, n, d, 3 * d, 0);
		for (b = 0; b < n; b++) {
			struct tlm_seq *q = rw[b].s;
			size_t at = ((size_t)l * q->cap + rw[b].pos) * d;

			memcpy(q->k + at, s->qkv + (size_t)b * 3 * d + d,
			    (size_t)d * sizeof(float));
			memcpy(q->v + at, s->qkv + (size_t)b * 3 * d + 2 * d,
			    (size_t)d * sizeof(float));
		}
		for (b = 0; b < n; b++)
			attend(m, &rw[b], l, s->qkv + (size_t)b * 3 * d,
			    s->att + (size_t)b * d, s->score);
		matmul(x, s->att, L->wo, n, d, d, 1);
		rmsnorm(h, x, L->ln2, n, d);
		matmul(s->f, h, L->w1, n, d, ff, 0);
		for (i = 0; i < n * ff; i++)
			if (s->f[i] < 0)
				s->f[i] = 0;
		matmul(x, s->f, L->w2, n, ff, d, 1);
	}
	for (b = 0; b < n; b++) {
		int best = 0, t;
		float bv = -INFINITY;

		if (!rw[b].logits)
			continue;
		rmsnorm(h, x + (size_t)b * d, m->lnf, 1, d);
		for (t = 0; t < m->c.vocab; t++) {
			float dot = 0;

			for (i = 0; i < d; i++)
				dot += h[i] * m->emb[(size_t)t * d + i];
			if (dot > bv) {
				bv = dot;
				best = t;
			}
		}
		rw[b].tok = best;
	}
}

static void
seq_free(struct tlm_seq *s)
{
	free(s->prompt);
	free(s->k);
	free(s->v);
	free(s);
}

/* Takes waiting requests into a batch of at most c.batch. */
static int
admit(struct tlm *m, struct tlm_seq **active, int n)
{
	struct tlm_seq *s;

	while (n < m->c.batch && m->head) {
		s = m->head;
		m->head = s->next;
		if (!m->head)
			m->tail = NULL;
		s->next = NULL;
		active[n++] = s;
	}
	return n;
}

static void *
worker(void *arg)
{
	struct tlm *m = arg;
	struct tlm_seq **act = calloc((size_t)m->c.batch, sizeof *act);
	struct scratch s = { 0 };
	struct row *rw = NULL;
	int n = 0, nr, cap = 0, i, k, keep;
	uint64_t t;

	for (;;) {
		pthread_mutex_lock(&m->mu);
		while (!m->stop && n == 0 && !m->head)
			pthread_cond_wait(&m->cv, &m->mu);
		if (m->stop) {
			pthread_mutex_unlock(&m->mu);
			break;
		}
		n = admit(m, act, n);
		pthread_mutex_unlock(&m->mu);

		for (nr = 0, i = 0; i < n; i++)
			nr += act[i]->pos == 0 ? act[i]->n_prompt : 1;
		if (nr > cap) {
			cap = nr;
			rw = realloc(rw, (size_t)cap * sizeof *rw);
		}
		if (!act || !rw || scratch_fit(&s, &m->c, nr))
			break;
		for (nr = 0, i = 0; i < n; i++) {
			struct tlm_seq *q = act[i];

			if (q->pos == 0) {
				for (k = 0; k < q->n_prompt; k++)
					rw[nr++] = (struct row){ q, k,
					    q->prompt[k], k == q->n_prompt - 1 };
			} else {
				rw[nr++] = (struct row){ q, q->pos, q->last, 1 };
			}
		}
		forward(m, rw, nr, &s);
		t = bp_mono_ns();
		for (i = 0; i < nr; i++) {
			struct tlm_seq *q = rw[i].s;

			q->pos = rw[i].pos + 1;
			if (!rw[i].logits)
				continue;
			q->last = rw[i].tok;
			if (q->generated++ == 0)
				m->ev->first_token(m->ev->ctx, q->id, t);
			else
				m->ev->token(m->ev->ctx, q->id, t);
		}
		for (keep = 0, i = 0; i < n; i++) {
			if (act[i]->generated < act[i]->max_tokens) {
				act[keep++] = act[i];
				continue;
			}
			m->ev->done(m->ev->ctx, act[i]->id, t,
			    act[i]->generated);
			seq_free(act[i]);
		}
		n = keep;
	}
	for (i = 0; i < n; i++)
		seq_free(act[i]);
	free(act);
	free(rw);
	scratch_free(&s);
	return NULL;
}

static int
param(const cJSON *params, const char *key, long def, long min, long max,
    long *out, struct sut_exit *x)
{
	const cJSON *v = params ? cJSON_GetObjectItemCaseSensitive(params,
	    key) : NULL;
	double d;

	*out = def;
	if (!v)
		return 0;
	/* "workers=cores", the listed default, means the computed default */
	if (cJSON_IsString(v) && !strcmp(key, "workers") &&
	    !strcmp(v->valuestring, "cores"))
		return 0;
	if (cJSON_IsNumber(v))
		d = v->valuedouble;
	else if (!cJSON_IsString(v) || bp_parse_double(v->valuestring, &d))
		d = NAN;
	if (!(d >= min && d <= max) || d != floor(d)) {
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "tinylm: param %s: "
		    "expected an integer from %ld to %ld", key, min, max);
		return -1;
	}
	*out = (long)d;
	return 0;
}

static int
configure(struct tlm_cfg *c, const cJSON *p, int threads,
    struct sut_exit *x)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (param(p, "vocab", 512, 2, 1 << 20, &c->vocab, x) ||
	    param(p, "d_model", 128, 4, 8192, &c->d, x) ||
	    param(p, "heads", 4, 1, 256, &c->heads, x) ||
	    param(p, "layers", 4, 1, 256, &c->layers, x) ||
	    param(p, "ff", 512, 1, 65536, &c->ff, x) ||
	    param(p, "ctx", 1024, 2, 1 << 20, &c->ctx, x) ||
	    param(p, "batch", 16, 1, 4096, &c->batch, x) ||
	    param(p, "workers", threads > 0 ? threads :
	    (ncpu > 0 ? ncpu : 1), 1, 1024, &c->workers, x) ||
	    param(p, "seed", 1, 0, 1L << 52, &c->seed, x))
		return -1;
	if (c->d % c->heads) {
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "tinylm: d_model %ld "
		    "is not a multiple of heads %ld", c->d, c->heads);
		return -1;
	}
	return 0;
}

static void
tlm_free(struct tlm *m)
{
	long l;

	if (m->layer)
		for (l = 0; l < m->c.layers; l++) {
			free(m->layer[l].ln1);
			free(m->layer[l].wqkv);
			free(m->layer[l].wo);
			free(m->layer[l].ln2);
			free(m->layer[l].w1);
			free(m->layer[l].w2);
		}
	free(m->layer);
	free(m->emb);
	free(m->pos);
	free(m->lnf);
	free(m->th);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
}

static int
build(struct tlm *m)
{
	uint64_t r = (uint64_t)m->c.seed;
	size_t d = (size_t)m->c.d, ff = (size_t)m->c.ff;
	float sd = 1.0f / sqrtf((float)d), sf = 1.0f / sqrtf((float)ff);
	long l;
	int ok;

	m->emb = weights((size_t)m->c.vocab * d, 1.0f, &r);
	m->pos = weights((size_t)m->c.ctx * d, 0.5f, &r);
	m->lnf = ones(d);
	m->layer = calloc((size_t)m->c.layers, sizeof *m->layer);
	ok = m->emb && m->pos && m->lnf && m->layer;
	for (l = 0; ok && l < m->c.layers; l++) {
		struct tlm_layer *L = &m->layer[l];

		L->ln1 = ones(d);
		L->ln2 = ones(d);
		L->wqkv = weights(d * 3 * d, sd, &r);
		L->wo = weights(d * d, sd, &r);
		L->w1 = weights(d * ff, sd, &r);
		L->w2 = weights(ff * d, sf, &r);
		ok = L->ln1 && L->ln2 && L->wqkv && L->wo && L->w1 && L->w2;
	}
	return ok ? 0 : -1;
}

static int
tlm_start(struct sut *s, const struct sut_config *sc, struct sut_exit *x)
{
	struct tlm *m;
	long i;

	if (sc->backend && strcmp(sc->backend, "cpu")) {
		x->type = "unsupported";
		snprintf(x->message, sizeof x->message, "tinylm: backend %s "
		    "unsupported: tinylm runs on the cpu backend", sc->backend);
		return -1;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		goto oom;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	if (configure(&m->c, sc->params, sc->threads, x)) {
		tlm_free(m);
		return -1;
	}
	m->ev = s->ev;
	if (build(m)) {
		tlm_free(m);
		goto oom;
	}
	m->th = calloc((size_t)m->c.workers, sizeof *m->th);
	for (i = 0; m->th && i < m->c.workers; i++) {
		if (pthread_create(&m->th[i], NULL, worker, m))
			break;
		m->nth++;
	}
	if (m->nth == 0) {
		tlm_free(m);
		x->type = "execution_error";
		snprintf(x->message, sizeof x->message, "tinylm: no worker "
		    "thread");
		return -1;
	}
	s->p = m;
	return 0;
oom:
	x->type = "oom";
	snprintf(x->message, sizeof x->message, "tinylm: out of memory for "
	    "the weights");
	return -1;
}

static int
tlm_issue(struct sut *s, const struct sut_query *q)
{
	struct tlm *m = s->p;
	struct tlm_seq *t = calloc(1, sizeof *t);
	size_t i, n, kv;
	char msg[160];

	if (!t)
		return -1;
	t->id = q->id;
	n = q->tokens ? (size_t)q->n_tokens : q->prompt ? strlen(q->prompt) :
	    0;
	if (n == 0)
		n = 1;
	t->prompt = malloc(n * sizeof *t->prompt);
	t->n_prompt = (int)n;
	t->max_tokens = q->max_tokens > 0 ? q->max_tokens : 16;
	for (i = 0; t->prompt && i < n; i++)
		t->prompt[i] = q->tokens ? q->tokens[i] % (int32_t)m->c.vocab :
		    q->prompt && q->prompt[0] ?
		    (unsigned char)q->prompt[i] % (int32_t)m->c.vocab : 0;
	t->cap = t->n_prompt + t->max_tokens;
	if (t->cap > m->c.ctx) {
		snprintf(msg, sizeof msg, "tinylm: %d prompt and %d new "
		    "tokens exceed ctx %ld", t->n_prompt, t->max_tokens,
		    m->c.ctx);
		m->ev->error(m->ev->ctx, q->id, bp_mono_ns(), "execution_error",
		    msg);
		seq_free(t);
		return 0;
	}
	kv = (size_t)m->c.layers * (size_t)t->cap * (size_t)m->c.d;
	t->k = malloc(kv * sizeof(float));
	t->v = malloc(kv * sizeof(float));
	if (!t->prompt || !t->k || !t->v) {
		m->ev->error(m->ev->ctx, q->id, bp_mono_ns(), "oom",
		    "tinylm: out of memory for the KV cache");
		seq_free(t);
		return 0;
	}
	pthread_mutex_lock(&m->mu);
	if (m->tail)
		m->tail->next = t;
	else
		m->head = t;
	m->tail = t;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
	return 0;
}

static void
tlm_stop(struct sut *s, struct sut_exit *x)
{
	struct tlm *m = s->p;
	struct tlm_seq *q;
	long i;

	(void)x;
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	for (i = 0; i < m->nth; i++)
		pthread_join(m->th[i], NULL);
	while ((q = m->head)) {
		m->head = q->next;
		seq_free(q);
	}
	tlm_free(m);
	s->p = NULL;
}

const struct sut_ops sut_tinylm_ops = {
	.name = "tinylm",
	.start = tlm_start,
	.issue = tlm_issue,
	.stop = tlm_stop,
};

/* ---- -m tinylm without --scenario: one sequence per iteration ---- */

extern const struct model model_tinylm;

struct tlm_bench {
	struct tlm *m;
	struct scratch s;
	struct tlm_seq seq;
	struct row *rw;
	uint64_t first_hash;
	int runs, same;
};

static const struct model_param tinylm_params[] = {
	{ "vocab", "512", "vocabulary size" },
	{ "d_model", "128", "width of the model" },
	{ "heads", "4", "attention heads (divide d_model)" },
	{ "layers", "4", "transformer blocks" },
	{ "ff", "512", "width of the MLP" },
	{ "ctx", "1024", "longest sequence" },
	{ "batch", "16", "scenarios: sequences per worker" },
	{ "workers", "cores", "scenarios: worker threads" },
	{ "seed", "1", "seed of the weights" },
	{ "input_len", "32", "prompt tokens" },
	{ "output_len", "16", "generated tokens" },
	{ NULL, NULL, NULL },
};

static void
bench_teardown(void *state)
{
	struct tlm_bench *b = state;

	if (!b)
		return;
	if (b->m)
		tlm_free(b->m);
	scratch_free(&b->s);
	free(b->seq.prompt);
	free(b->seq.k);
	free(b->seq.v);
	free(b->rw);
	free(b);
}

static int
bench_fail(struct model_err *err, const char *type, const char *msg)
{
	err->type = type;
	snprintf(err->msg, sizeof err->msg, "%s", msg);
	return -1;
}

static int
bench_make(struct tlm_bench *b, const struct model_env *env,
    struct model_err *err)
{
	struct sut_exit x = { 0 };
	long in, out, i;
	size_t kv;

	if (env->backend && strcmp(env->backend, "cpu"))
		return bench_fail(err, "unsupported", "tinylm: only the cpu "
		    "backend is implemented");
	b->m = calloc(1, sizeof *b->m);
	if (!b->m)
		return bench_fail(err, "oom", "tinylm: out of memory");
	pthread_mutex_init(&b->m->mu, NULL);
	pthread_cond_init(&b->m->cv, NULL);
	if (configure(&b->m->c, env->params, 1, &x) ||
	    param(env->params, "input_len", 32, 1, 1 << 20, &in, &x) ||
	    param(env->params, "output_len", 16, 1, 1 << 20, &out, &x))
		return bench_fail(err, "execution_error", x.message);
	if (in + out > b->m->c.ctx)
		return bench_fail(err, "execution_error", "tinylm: input_len "
		    "+ output_len exceed ctx");
	if (build(b->m))
		return bench_fail(err, "oom", "tinylm: out of memory for the "
		    "weights");
	b->seq.n_prompt = (int)in;
	b->seq.max_tokens = (int)out;
	b->seq.cap = (int)(in + out);
	kv = (size_t)b->m->c.layers * (size_t)b->seq.cap * (size_t)b->m->c.d;
	b->seq.prompt = malloc((size_t)in * sizeof *b->seq.prompt);
	b->seq.k = malloc(kv * sizeof(float));
	b->seq.v = malloc(kv * sizeof(float));
	b->rw = malloc((size_t)in * sizeof *b->rw);
	if (!b->seq.prompt || !b->seq.k || !b->seq.v || !b->rw ||
	    scratch_fit(&b->s, &b->m->c, (int)in))
		return bench_fail(err, "oom", "tinylm: out of memory");
	for (i = 0; i < in; i++)
		b->seq.prompt[i] = (int32_t)((i * 7919 + 13) % b->m->c.vocab);
	return 0;
}

static int
bench_setup(const struct model_env *env, void **state,
    struct model_plan *plan, struct model_err *err)
{
	struct tlm_bench *b = calloc(1, sizeof *b);

	*state = NULL;
	plan->warmup = plan->iterations = -1;
	if (!b)
		return bench_fail(err, "oom", "tinylm: out of memory");
	if (bench_make(b, env, err)) {
		bench_teardown(b);
		return -1;
	}
	*state = b;
	return 0;
}

static int
bench_run(void *state, int iter, int warmup, double *latency_ms,
    struct model_metrics *mm, struct model_err *err)
{
	struct tlm_bench *b = state;
	struct tlm_seq *q = &b->seq;
	uint64_t t0, t1, h = 1469598103934665603ull;
	int k;

	(void)iter;
	(void)warmup;
	(void)err;
	t0 = bp_mono_ns();
	for (k = 0; k < q->n_prompt; k++)
		b->rw[k] = (struct row){ q, k, q->prompt[k],
		    k == q->n_prompt - 1 };
	forward(b->m, b->rw, q->n_prompt, &b->s);
	t1 = bp_mono_ns();
	q->last = b->rw[q->n_prompt - 1].tok;
	for (k = 1; k < q->max_tokens; k++) {
		h = (h ^ (uint64_t)q->last) * 1099511628211ull;
		b->rw[0] = (struct row){ q, q->n_prompt + k - 1, q->last, 1 };
		forward(b->m, b->rw, 1, &b->s);
		q->last = b->rw[0].tok;
	}
	h = (h ^ (uint64_t)q->last) * 1099511628211ull;
	*latency_ms = (double)(bp_mono_ns() - t0) / 1e6;
	if (b->runs++ == 0) {
		b->first_hash = h;
		b->same = 1;
	} else if (h != b->first_hash) {
		b->same = 0;
	}
	mm->n = 3;
	mm->name[0] = "tokens";
	mm->value[0] = q->max_tokens;
	mm->name[1] = "ttft_ms";
	mm->value[1] = (double)(t1 - t0) / 1e6;
	mm->name[2] = "tokens_per_s";
	mm->value[2] = q->max_tokens / (*latency_ms / 1e3);
	return 0;
}

static int
bench_finish(void *state, cJSON *result, struct model_err *err)
{
	struct tlm_bench *b = state;
	cJSON *c = cJSON_CreateObject();

	cJSON_AddBoolToObject(c, "ok", b->same);
	cJSON_AddNumberToObject(c, "rel_err", b->same ? 0 : 1);
	cJSON_DeleteItemFromObjectCaseSensitive(result, "check");
	cJSON_AddItemToObject(result, "check", c);
	if (!b->same)
		return bench_fail(err, "wrong_result", "tinylm: iterations "
		    "generated different tokens from the same prompt");
	return 0;
}

const struct model model_tinylm = {
	"tinylm",
	"decoder-only transformer, seeded weights; generation latency; "
	    "with --scenario a SUT",
	"cpu",
	tinylm_params,
	bench_setup,
	bench_run,
	bench_finish,
	bench_teardown,
};
