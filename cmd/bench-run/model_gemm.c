/*
 * model_gemm.c - the gemm model: C = A.B, row-major, `batch` independent
 * products per iteration, with OpenBLAS on the cpu backend and cuBLAS on
 * cuda.  Inputs are random in (-1, 1), never zero, so a kernel that skips
 * work cannot pass the check; the check compares sampled entries with a
 * float64 reference and, on the cpu, every entry through a Freivalds
 * product (C.x against A.(B.x)).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "modelutil.h"
#include "timeutil.h"

enum { GEMM_FP32, GEMM_FP64, GEMM_TF32, GEMM_FP16, GEMM_BF16 };
#define GEMM_DTYPES "fp32|fp64|tf32|fp16|bf16"
#define GEMM_SAMPLES 64

/* Largest error accepted, relative to sum |a||b| of the entry. */
static const double gemm_tol[] = { 1e-5, 1e-12, 1e-3, 1e-2, 1e-2 };
static const char *const gemm_dtype_name[] = {
	"fp32", "fp64", "tf32", "fp16", "bf16",
};

static const struct model_param gemm_params[] = {
	{ "m", "4096", "rows of A and C" },
	{ "n", "4096", "columns of B and C" },
	{ "k", "4096", "columns of A and rows of B" },
	{ "dtype", "fp32", "cpu: fp32, fp64; cuda: fp32, tf32, fp16, bf16" },
	{ "batch", "1", "independent products per iteration" },
	{ "cache", "warm", "warm, or cold: flush the caches before each "
	    "iteration (untimed)" },
	{ NULL, NULL, NULL },
};

struct gemm {
	long m, n, k, batch;
	int dtype, cold;
	double flops;		/* per iteration */
	/* cpu */
	size_t esize;
	void *a, *b, *c;
	char *flush;
	size_t flushlen;
	int saved_threads;
	/* cuda */
	const struct bp_cuda_module *cuda;
	void *h;
};

extern const struct model model_gemm;

static void
gemm_teardown(void *state)
{
	struct gemm *g = state;

	if (!g)
		return;
	if (g->cuda && g->h)
		g->cuda->gemm_free(g->h);
	free(g->a);
	free(g->b);
	free(g->c);
	free(g->flush);
	if (g->saved_threads > 0)
		openblas_set_num_threads(g->saved_threads);
	free(g);
}

static void
gemm_fill(void *p, size_t n, int dtype, uint64_t *rng)
{
	size_t i;

	if (dtype == GEMM_FP64)
		for (i = 0; i < n; i++)
			((double *)p)[i] = model_rand_sym(rng);
	else
		for (i = 0; i < n; i++)
			((float *)p)[i] = model_rand_sym(rng);
}

static int
gemm_setup_cpu(struct gemm *g, const struct model_env *env,
    struct model_err *err)
{
	size_t na = g->m * g->k, nb = g->k * g->n, nc = g->m * g->n;
	uint64_t rng = 42;

	if (g->dtype != GEMM_FP32 && g->dtype != GEMM_FP64)
		return model_fail(err, "unsupported",
		    "gemm: dtype %s is not supported on the cpu backend "
		    "(fp32, fp64)", gemm_dtype_name[g->dtype]);
	g->esize = g->dtype == GEMM_FP64 ? sizeof(double) : sizeof(float);
	if ((double)(na + nb + nc) * g->batch * g->esize > 0x1p46)
		return model_fail(err, "oom", "gemm: %.3g bytes requested",
		    (double)(na + nb + nc) * g->batch * g->esize);
	g->a = model_alloc(na * g->batch * g->esize);
	g->b = model_alloc(nb * g->batch * g->esize);
	g->c = model_alloc(nc * g->batch * g->esize);
	if (!g->a || !g->b || !g->c)
		return model_fail(err, "oom", "gemm: cannot allocate %.0f MiB "
		    "for A, B and C", (na + nb + nc) * g->batch * g->esize /
		    1048576.0);
	gemm_fill(g->a, na * g->batch, g->dtype, &rng);
	gemm_fill(g->b, nb * g->batch, g->dtype, &rng);
	/* touch C now, so that no iteration pays for its page faults */
	memset(g->c, 0, nc * g->batch * g->esize);
	if (g->cold) {
		g->flushlen = 2 * model_llc_bytes();
		if (g->flushlen == 0)
			g->flushlen = 64u << 20;
		g->flush = model_alloc(g->flushlen);
		if (!g->flush)
			return model_fail(err, "oom", "gemm: cannot allocate "
			    "the cache flush buffer");
	}
	g->saved_threads = openblas_get_num_threads();
	openblas_set_num_threads(model_cpu_threads(env));
	return 0;
}

static int
gemm_setup_cuda(struct gemm *g, struct model_err *err)
{
	static const int dt[] = {
		[GEMM_FP32] = BP_CUDA_FP32, [GEMM_TF32] = BP_CUDA_TF32,
		[GEMM_FP16] = BP_CUDA_FP16, [GEMM_BF16] = BP_CUDA_BF16,
	};
	struct bp_cuda_gemm_args a;
	char why[512];
	int rc;

	if (g->dtype == GEMM_FP64)
		return model_fail(err, "unsupported", "gemm: dtype fp64 is "
		    "not supported on the cuda backend (fp32, tf32, fp16, "
		    "bf16)");
	g->cuda = model_cuda(err);
	if (!g->cuda)
		return -1;
	memset(&a, 0, sizeof a);
	a.m = g->m;
	a.n = g->n;
	a.k = g->k;
	a.batch = g->batch;
	a.dtype = dt[g->dtype];
	a.cold = g->cold;
	a.seed = 42;
	rc = g->cuda->gemm_setup(&a, &g->h, why, sizeof why);
	if (rc != BP_CUDA_OK) {
		g->h = NULL;
		return model_cuda_fail(rc, why, err);
	}
	return 0;
}

static int
gemm_setup(const struct model_env *env, void **state,
    struct model_plan *plan, struct model_err *err)
{
	const struct model *m = &model_gemm;
	struct gemm *g;
	int cache = 0, rc;

	(void)plan;
	*state = NULL;
	g = calloc(1, sizeof *g);
	if (!g)
		return model_fail(err, "oom", "gemm: out of memory");
	if (model_check_env(m, env, err) != 0 ||
	    model_param_long(m, env, "m", 1, 1 << 20, &g->m, err) != 0 ||
	    model_param_long(m, env, "n", 1, 1 << 20, &g->n, err) != 0 ||
	    model_param_long(m, env, "k", 1, 1 << 20, &g->k, err) != 0 ||
	    model_param_long(m, env, "batch", 1, 1 << 20, &g->batch,
	    err) != 0 ||
	    model_param_choice(m, env, "dtype", GEMM_DTYPES, &g->dtype,
	    err) != 0 ||
	    model_param_choice(m, env, "cache", "warm|cold", &cache,
	    err) != 0)
		goto fail;
	g->cold = cache == 1;
	g->flops = 2.0 * g->m * g->n * g->k * g->batch;
	if (strcmp(env->backend, "cuda") == 0)
		rc = gemm_setup_cuda(g, err);
	else
		rc = gemm_setup_cpu(g, env, err);
	if (rc != 0)
		goto fail;
	*state = g;
	return 0;
fail:
	gemm_teardown(g);
	return -1;
}

/* Writing a buffer twice the last-level cache evicts A, B and C. */
static void
gemm_flush(struct gemm *g)
{
	memset(g->flush, (unsigned char)(g->flush[0] + 1), g->flushlen);
}

static void
gemm_cpu(struct gemm *g)
{
	size_t sa = g->m * g->k, sb = g->k * g->n, sc = g->m * g->n;
	long i;

	for (i = 0; i < g->batch; i++) {
		if (g->dtype == GEMM_FP64)
			cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
			    g->m, g->n, g->k, 1.0, (double *)g->a + i * sa,
			    g->k, (double *)g->b + i * sb, g->n, 0.0,
			    (double *)g->c + i * sc, g->n);
		else
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
			    g->m, g->n, g->k, 1.0f, (float *)g->a + i * sa,
			    g->k, (float *)g->b + i * sb, g->n, 0.0f,
			    (float *)g->c + i * sc, g->n);
	}
}

static int
gemm_run(void *state, int iter, int warmup, double *latency_ms,
    struct model_metrics *mm, struct model_err *err)
{
	struct gemm *g = state;
	char why[512];
	uint64_t t0;
	int rc;

	(void)iter;
	(void)warmup;
	if (g->cuda) {
		rc = g->cuda->gemm_run(g->h, latency_ms, why, sizeof why);
		if (rc != BP_CUDA_OK)
			return model_cuda_fail(rc, why, err);
	} else {
		if (g->cold)
			gemm_flush(g);
		t0 = bp_mono_ns();
		gemm_cpu(g);
		*latency_ms = (bp_mono_ns() - t0) / 1e6;
	}
	mm->name[mm->n] = "tflops";
	mm->value[mm->n++] = *latency_ms > 0 ?
	    g->flops / (*latency_ms * 1e9) : NAN;
	return 0;
}

static double
gemm_at(const struct gemm *g, const void *p, size_t i)
{
	return g->dtype == GEMM_FP64 ? ((const double *)p)[i] :
	    ((const float *)p)[i];
}

/* Entry (i, j) of product bi against a float64 dot product. */
static double
gemm_entry_err(const struct gemm *g, long bi, long i, long j)
{
	const size_t a0 = bi * g->m * g->k + i * g->k;
	const size_t b0 = bi * g->k * g->n + j;
	double ref = 0, scale = 0, x;
	long p;

	for (p = 0; p < g->k; p++) {
		x = gemm_at(g, g->a, a0 + p) * gemm_at(g, g->b, b0 + p * g->n);
		ref += x;
		scale += fabs(x);
	}
	x = gemm_at(g, g->c, bi * g->m * g->n + i * g->n + j);
	if (!isfinite(x))
		return INFINITY;
	return fabs(x - ref) / scale;
}

/*
 * Freivalds: (C.x)_i against (A.(B.x))_i for a random x, each row's
 * difference relative to (|A|.(|B|.|x|))_i.  O(mk + kn + mn) per product,
 * and any wrong entry shows in its row.
 */
static double
gemm_freivalds(const struct gemm *g, long bi, double *work)
{
	double *x = work, *bx = x + g->n, *bax = bx + g->k;
	const size_t a0 = bi * g->m * g->k, b0 = bi * g->k * g->n;
	const size_t c0 = bi * g->m * g->n;
	double worst = 0, cx, abx, mag, e;
	uint64_t rng = 7 + bi;
	long i, j, p;

	for (j = 0; j < g->n; j++)
		x[j] = model_rand_sym(&rng);
	for (p = 0; p < g->k; p++) {
		bx[p] = bax[p] = 0;
		for (j = 0; j < g->n; j++) {
			double b = gemm_at(g, g->b, b0 + p * g->n + j);

			bx[p] += b * x[j];
			bax[p] += fabs(b * x[j]);
		}
	}
	for (i = 0; i < g->m; i++) {
		cx = abx = mag = 0;
		for (j = 0; j < g->n; j++)
			cx += gemm_at(g, g->c, c0 + i * g->n + j) * x[j];
		for (p = 0; p < g->k; p++) {
			double a = gemm_at(g, g->a, a0 + i * g->k + p);

			abx += a * bx[p];
			mag += fabs(a) * bax[p];
		}
		e = fabs(cx - abx) / mag;
		if (!(e <= worst))
			worst = isnan(e) ? INFINITY : e;
	}
	return worst;
}

static int
gemm_check_cpu(struct gemm *g, double *rel_err, struct model_err *err)
{
	uint64_t rng = 1234;
	double worst = 0, e, *work;
	long s, bi;

	work = malloc((g->n + 2 * g->k) * sizeof *work);
	if (!work)
		return model_fail(err, "oom", "gemm: out of memory");
	for (s = 0; s < GEMM_SAMPLES; s++) {
		long i = s == 0 ? 0 : s == 1 ? g->m - 1 :
		    (long)(model_rand(&rng) % g->m);
		long j = s == 0 ? 0 : s == 1 ? g->n - 1 :
		    (long)(model_rand(&rng) % g->n);

		bi = s < 2 ? s * (g->batch - 1) :
		    (long)(model_rand(&rng) % g->batch);
		e = gemm_entry_err(g, bi, i, j);
		if (!(e <= worst))
			worst = e;
	}
	for (bi = 0; bi < g->batch; bi++) {
		e = gemm_freivalds(g, bi, work);
		if (!(e <= worst))
			worst = e;
	}
	free(work);
	*rel_err = worst;
	return 0;
}

static int
gemm_finish(void *state, cJSON *result, struct model_err *err)
{
	struct gemm *g = state;
	double rel_err = NAN;
	char why[512];
	int rc, ok;

	if (g->cuda) {
		rc = g->cuda->gemm_check(g->h, &rel_err, why, sizeof why);
		if (rc != BP_CUDA_OK)
			return model_cuda_fail(rc, why, err);
	} else if (gemm_check_cpu(g, &rel_err, err) != 0) {
		return -1;
	}
	ok = rel_err <= gemm_tol[g->dtype];
	model_set_check(result, ok, rel_err);
	if (!ok)
		return model_fail(err, "wrong_result",
		    "gemm: C differs from the float64 reference: rel_err %.3g "
		    "exceeds %g for %s", rel_err, gemm_tol[g->dtype],
		    gemm_dtype_name[g->dtype]);
	return 0;
}

const struct model model_gemm = {
	"gemm",
	"matrix product C = A.B (OpenBLAS, cuBLAS); metric tflops",
	"cpu,cuda",
	gemm_params,
	gemm_setup,
	gemm_run,
	gemm_finish,
	gemm_teardown,
};
