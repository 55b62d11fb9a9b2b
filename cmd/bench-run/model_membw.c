/*
 * model_membw.c - the membw model: memory bandwidth of STREAM's copy
 * (a = b) and triad (a = b + s.c) over arrays of doubles, on the cpu with
 * one pthread per core streaming its own slice, on cuda with a device
 * kernel, plus host-device transfers (h2d, d2h) with cudaMemcpy.
 *
 * gbps counts the bytes read plus the bytes written, as STREAM does (the
 * cache's write-allocate reads are not counted); for h2d and d2h each
 * byte crosses the bus once and is counted once.  The destination is
 * verified after the last iteration: the sources hold small integers, so
 * every correct element is exact.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "modelutil.h"
#include "team.h"
#include "timeutil.h"

enum { MEMBW_COPY, MEMBW_TRIAD, MEMBW_H2D, MEMBW_D2H };
#define MEMBW_OPS "copy|triad|h2d|d2h"
#define MEMBW_SCALAR 3.0

static const struct model_param membw_params[] = {
	{ "op", "copy", "copy (a = b), triad (a = b + 3c); cuda also h2d, "
	    "d2h" },
	{ "size", "auto", "bytes per array (K, M, G suffixes); auto: 4 x "
	    "the last-level caches on cpu, 1G on cuda" },
	{ NULL, NULL, NULL },
};

struct membw {
	int op;
	size_t n;		/* doubles per array */
	double bytes;		/* moved per iteration */
	/* cpu */
	double *a, *b, *c;
	int nthreads;
	struct team *team;
	int job;		/* what the team does in membw_work */
	/* cuda */
	const struct bp_cuda_module *cuda;
	void *h;
};

enum { MEMBW_JOB_INIT, MEMBW_JOB_RUN };

extern const struct model model_membw;

static double
membw_src_b(size_t i)
{
	return (double)(i % 1021 + 1);
}

static double
membw_src_c(size_t i)
{
	return (double)(i % 7 + 1);
}

/* Slice of worker id: whole cache lines, the rest to the last one. */
static void
membw_slice(const struct membw *w, int id, size_t *lo, size_t *hi)
{
	size_t per = w->n / w->nthreads / 8 * 8;

	*lo = per * id;
	*hi = id == w->nthreads - 1 ? w->n : *lo + per;
}

/* First touch by the thread that streams the slice: its NUMA node. */
static void
membw_init_slice(struct membw *w, size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i < hi; i++) {
		w->a[i] = 0;
		w->b[i] = membw_src_b(i);
		if (w->c)
			w->c[i] = membw_src_c(i);
	}
}

/*
 * The streams.  Non-temporal stores where SSE2 has them: the destination
 * is not read back, so it need not pass through the cache (STREAM built
 * with streaming stores does the same).
 */
static void
membw_copy(double *restrict a, const double *restrict b, size_t lo,
    size_t hi)
{
	size_t i = lo;

#ifdef __SSE2__
	for (; i + 8 <= hi; i += 8) {
		_mm_stream_pd(a + i, _mm_load_pd(b + i));
		_mm_stream_pd(a + i + 2, _mm_load_pd(b + i + 2));
		_mm_stream_pd(a + i + 4, _mm_load_pd(b + i + 4));
		_mm_stream_pd(a + i + 6, _mm_load_pd(b + i + 6));
	}
	_mm_sfence();
#endif
	for (; i < hi; i++)
		a[i] = b[i];
}

static void
membw_triad(double *restrict a, const double *restrict b,
    const double *restrict c, size_t lo, size_t hi)
{
	size_t i = lo;

#ifdef __SSE2__
	const __m128d s = _mm_set1_pd(MEMBW_SCALAR);

	for (; i + 4 <= hi; i += 4) {
		_mm_stream_pd(a + i, _mm_add_pd(_mm_load_pd(b + i),
		    _mm_mul_pd(s, _mm_load_pd(c + i))));
		_mm_stream_pd(a + i + 2, _mm_add_pd(_mm_load_pd(b + i + 2),
		    _mm_mul_pd(s, _mm_load_pd(c + i + 2))));
	}
	_mm_sfence();
#endif
	for (; i < hi; i++)
		a[i] = b[i] + MEMBW_SCALAR * c[i];
}

static void
membw_work(void *arg, int id)
{
	struct membw *w = arg;
	size_t lo, hi;

	membw_slice(w, id, &lo, &hi);
	if (w->job == MEMBW_JOB_INIT)
		membw_init_slice(w, lo, hi);
	else if (w->op == MEMBW_COPY)
		membw_copy(w->a, w->b, lo, hi);
	else
		membw_triad(w->a, w->b, w->c, lo, hi);
}

static void
membw_teardown(void *state)
{
	struct membw *w = state;

	if (!w)
		return;
	if (w->cuda && w->h)
		w->cuda->membw_free(w->h);
	team_stop(w->team);
	free(w->a);
	free(w->b);
	free(w->c);
	free(w);
}

static int
membw_setup_cpu(struct membw *w, const struct model_env *env,
    unsigned long long size, struct model_err *err)
{
	size_t bytes;

	if (w->op != MEMBW_COPY && w->op != MEMBW_TRIAD)
		return model_fail(err, "unsupported", "membw: op %s needs "
		    "the cuda backend", w->op == MEMBW_H2D ? "h2d" : "d2h");
	if (size == 0)
		size = 4 * model_llc_bytes();
	if (size == 0)
		size = 256u << 20;
	w->nthreads = model_cpu_threads(env);
	w->n = size / sizeof(double);
	if (w->n < (size_t)w->nthreads * 8)
		return model_fail(err, "execution_error", "membw: size %llu "
		    "is too small for %d threads", size, w->nthreads);
	bytes = w->n * sizeof(double);
	w->a = model_alloc(bytes);
	w->b = model_alloc(bytes);
	if (w->op == MEMBW_TRIAD)
		w->c = model_alloc(bytes);
	if (!w->a || !w->b || (w->op == MEMBW_TRIAD && !w->c))
		return model_fail(err, "oom", "membw: cannot allocate %d "
		    "arrays of %zu bytes", w->op == MEMBW_TRIAD ? 3 : 2, bytes);
	w->bytes = (w->op == MEMBW_TRIAD ? 3.0 : 2.0) * bytes;
	w->team = team_start(w->nthreads);
	if (!w->team)
		return model_fail(err, "execution_error", "membw: cannot "
		    "start %d threads", w->nthreads);
	w->job = MEMBW_JOB_INIT;
	team_run(w->team, membw_work, w);
	w->job = MEMBW_JOB_RUN;
	return 0;
}

static int
membw_setup_cuda(struct membw *w, unsigned long long size,
    struct model_err *err)
{
	static const int ops[] = {
		[MEMBW_COPY] = BP_CUDA_COPY, [MEMBW_TRIAD] = BP_CUDA_TRIAD,
		[MEMBW_H2D] = BP_CUDA_H2D, [MEMBW_D2H] = BP_CUDA_D2H,
	};
	struct bp_cuda_membw_args a;
	char why[512];
	int rc;

	w->cuda = model_cuda(err);
	if (!w->cuda)
		return -1;
	if (size == 0)
		size = 1u << 30;
	memset(&a, 0, sizeof a);
	a.op = ops[w->op];
	w->n = size / sizeof(double);
	a.bytes = w->n * sizeof(double);
	w->bytes = (w->op == MEMBW_TRIAD ? 3.0 : w->op == MEMBW_COPY ? 2.0 :
	    1.0) * a.bytes;
	rc = w->cuda->membw_setup(&a, &w->h, why, sizeof why);
	if (rc != BP_CUDA_OK) {
		w->h = NULL;
		return model_cuda_fail(rc, why, err);
	}
	return 0;
}

static int
membw_setup(const struct model_env *env, void **state,
    struct model_plan *plan, struct model_err *err)
{
	const struct model *m = &model_membw;
	unsigned long long size;
	struct membw *w;
	int rc;

	(void)plan;
	*state = NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		return model_fail(err, "oom", "membw: out of memory");
	if (model_check_env(m, env, err) != 0 ||
	    model_param_choice(m, env, "op", MEMBW_OPS, &w->op, err) != 0 ||
	    model_param_size(m, env, "size", &size, err) != 0)
		goto fail;
	if (size != 0 && size < 1024) {
		model_fail(err, "execution_error",
		    "param size: %llu bytes is below the minimum of 1K", size);
		goto fail;
	}
	if (strcmp(env->backend, "cuda") == 0)
		rc = membw_setup_cuda(w, size, err);
	else
		rc = membw_setup_cpu(w, env, size, err);
	if (rc != 0)
		goto fail;
	*state = w;
	return 0;
fail:
	membw_teardown(w);
	return -1;
}

static int
membw_run(void *state, int iter, int warmup, double *latency_ms,
    struct model_metrics *mm, struct model_err *err)
{
	struct membw *w = state;
	char why[512];
	uint64_t t0;
	int rc;

	(void)iter;
	(void)warmup;
	if (w->cuda) {
		rc = w->cuda->membw_run(w->h, latency_ms, why, sizeof why);
		if (rc != BP_CUDA_OK)
			return model_cuda_fail(rc, why, err);
	} else {
		t0 = bp_mono_ns();
		team_run(w->team, membw_work, w);
		*latency_ms = (bp_mono_ns() - t0) / 1e6;
	}
	mm->name[mm->n] = "gbps";
	mm->value[mm->n++] = *latency_ms > 0 ?
	    w->bytes / (*latency_ms * 1e6) : NAN;
	return 0;
}

/* The largest relative error of the destination; 0 when all is exact. */
static double
membw_verify_cpu(const struct membw *w)
{
	double worst = 0, want, e;
	size_t i;

	for (i = 0; i < w->n; i++) {
		want = w->op == MEMBW_COPY ? membw_src_b(i) :
		    membw_src_b(i) + MEMBW_SCALAR * membw_src_c(i);
		e = fabs(w->a[i] - want) / want;
		if (!(e <= worst))
			worst = isnan(e) ? INFINITY : e;
	}
	return worst;
}

static int
membw_finish(void *state, cJSON *result, struct model_err *err)
{
	struct membw *w = state;
	double rel_err;
	char why[512];
	int rc;

	if (w->cuda) {
		rc = w->cuda->membw_check(w->h, &rel_err, why, sizeof why);
		if (rc != BP_CUDA_OK)
			return model_cuda_fail(rc, why, err);
	} else {
		rel_err = membw_verify_cpu(w);
	}
	model_set_check(result, rel_err == 0, rel_err);
	if (rel_err != 0)
		return model_fail(err, "wrong_result", "membw: the destination "
		    "differs from the source: rel_err %.3g", rel_err);
	return 0;
}

const struct model model_membw = {
	"membw",
	"memory bandwidth: STREAM copy and triad, host-device transfers; "
	    "metric gbps",
	"cpu,cuda",
	membw_params,
	membw_setup,
	membw_run,
	membw_finish,
	membw_teardown,
};
