/*
 * gemm.cu - the gemm model on cuBLAS: cublasGemmEx (or its strided
 * batched form) with the compute type of the dtype, as torch.matmul calls
 * it: fp32 in fp32, tf32 as fp32 with TF32 tensor cores, fp16 and bf16
 * with fp32 accumulation.  Row-major C = A.B is column-major
 * C^T = B^T.A^T, so B comes first.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "cudacheck.h"

#define GEMM_SAMPLES 64
#define GEMM_WORKSPACE (32u << 20)	/* what cuBLAS asks for on Hopper */

struct gemm_h {
	struct bp_cuda_gemm_args a;
	size_t esize;
	cudaDataType_t type;
	cublasComputeType_t compute;
	void *A, *B, *C, *ws, *flush;
	size_t flushlen;
	unsigned long long seed_a, seed_b;
	cublasHandle_t blas;
	cudaStream_t stream;
	cudaEvent_t e0, e1;
};

template <typename T> static __host__ __device__ inline T
gemm_conv(float v);

template <> __host__ __device__ inline float
gemm_conv<float>(float v)
{
	return v;
}

template <> __host__ __device__ inline __half
gemm_conv<__half>(float v)
{
	return __float2half_rn(v);
}

template <> __host__ __device__ inline __nv_bfloat16
gemm_conv<__nv_bfloat16>(float v)
{
	return __float2bfloat16_rn(v);
}

template <typename T> static __global__ void
gemm_fill(T *p, size_t n, unsigned long long seed)
{
	size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;

	for (; i < n; i += (size_t)gridDim.x * blockDim.x)
		p[i] = gemm_conv<T>(bp_cu_rand_sym(seed, i));
}

/* Element i of A or B as the device holds it, in double. */
static double
gemm_input(const struct gemm_h *g, unsigned long long seed, size_t i)
{
	float v = bp_cu_rand_sym(seed, i);

	switch (g->a.dtype) {
	case BP_CUDA_FP16:
		return __half2float(__float2half_rn(v));
	case BP_CUDA_BF16:
		return __bfloat162float(__float2bfloat16_rn(v));
	default:
		return v;
	}
}

static double
gemm_output(const struct gemm_h *g, const unsigned char *p)
{
	switch (g->a.dtype) {
	case BP_CUDA_FP16:
		return __half2float(*(const __half *)p);
	case BP_CUDA_BF16:
		return __bfloat162float(*(const __nv_bfloat16 *)p);
	default:
		return *(const float *)p;
	}
}

static void
gemm_free(void *h)
{
	struct gemm_h *g = (struct gemm_h *)h;

	if (!g)
		return;
	if (g->blas)
		cublasDestroy(g->blas);
	if (g->e0)
		cudaEventDestroy(g->e0);
	if (g->e1)
		cudaEventDestroy(g->e1);
	if (g->stream)
		cudaStreamDestroy(g->stream);
	cudaFree(g->A);
	cudaFree(g->B);
	cudaFree(g->C);
	cudaFree(g->ws);
	cudaFree(g->flush);
	free(g);
}

static int
gemm_fill_all(struct gemm_h *g, size_t na, size_t nb, char *why,
    size_t whylen)
{
	int rc = BP_CUDA_OK;

	switch (g->a.dtype) {
	case BP_CUDA_FP16:
		CK((gemm_fill<__half><<<bp_cu_blocks(na, 256), 256, 0,
		    g->stream>>>((__half *)g->A, na, g->seed_a)));
		CK((gemm_fill<__half><<<bp_cu_blocks(nb, 256), 256, 0,
		    g->stream>>>((__half *)g->B, nb, g->seed_b)));
		break;
	case BP_CUDA_BF16:
		CK((gemm_fill<__nv_bfloat16><<<bp_cu_blocks(na, 256), 256, 0,
		    g->stream>>>((__nv_bfloat16 *)g->A, na, g->seed_a)));
		CK((gemm_fill<__nv_bfloat16><<<bp_cu_blocks(nb, 256), 256, 0,
		    g->stream>>>((__nv_bfloat16 *)g->B, nb, g->seed_b)));
		break;
	default:
		CK((gemm_fill<float><<<bp_cu_blocks(na, 256), 256, 0,
		    g->stream>>>((float *)g->A, na, g->seed_a)));
		CK((gemm_fill<float><<<bp_cu_blocks(nb, 256), 256, 0,
		    g->stream>>>((float *)g->B, nb, g->seed_b)));
		break;
	}
	CU(cudaStreamSynchronize(g->stream));
out:
	return rc;
}

extern "C" int
bp_cu_gemm_setup(const struct bp_cuda_gemm_args *a, void **h, char *why,
    size_t whylen)
{
	struct gemm_h *g;
	size_t na, nb, nc;
	int rc = BP_CUDA_OK, dev, l2 = 0;

	*h = NULL;
	g = (struct gemm_h *)calloc(1, sizeof *g);
	if (!g) {
		snprintf(why, whylen, "gemm: out of host memory");
		return BP_CUDA_EOOM;
	}
	g->a = *a;
	g->seed_a = a->seed * 2 + 1;
	g->seed_b = a->seed * 2 + 2;
	switch (a->dtype) {
	case BP_CUDA_FP32:
		g->type = CUDA_R_32F;
		g->compute = CUBLAS_COMPUTE_32F;
		g->esize = 4;
		break;
	case BP_CUDA_TF32:
		g->type = CUDA_R_32F;
		g->compute = CUBLAS_COMPUTE_32F_FAST_TF32;
		g->esize = 4;
		break;
	case BP_CUDA_FP16:
		g->type = CUDA_R_16F;
		g->compute = CUBLAS_COMPUTE_32F;
		g->esize = 2;
		break;
	case BP_CUDA_BF16:
		g->type = CUDA_R_16BF;
		g->compute = CUBLAS_COMPUTE_32F;
		g->esize = 2;
		break;
	default:
		snprintf(why, whylen, "gemm: unknown dtype %d", a->dtype);
		free(g);
		return BP_CUDA_EUNSUPPORTED;
	}
	na = (size_t)a->m * a->k * a->batch;
	nb = (size_t)a->k * a->n * a->batch;
	nc = (size_t)a->m * a->n * a->batch;
	CU(cudaStreamCreateWithFlags(&g->stream, cudaStreamNonBlocking));
	CU(cudaEventCreate(&g->e0));
	CU(cudaEventCreate(&g->e1));
	CU(cudaMalloc(&g->A, na * g->esize));
	CU(cudaMalloc(&g->B, nb * g->esize));
	CU(cudaMalloc(&g->C, nc * g->esize));
	CU(cudaMemsetAsync(g->C, 0, nc * g->esize, g->stream));
	rc = gemm_fill_all(g, na, nb, why, whylen);
	if (rc != BP_CUDA_OK)
		goto out;
	CB(cublasCreate(&g->blas));
	CB(cublasSetStream(g->blas, g->stream));
	CU(cudaMalloc(&g->ws, GEMM_WORKSPACE));
	CB(cublasSetWorkspace(g->blas, g->ws, GEMM_WORKSPACE));
	if (a->cold) {
		CU(cudaGetDevice(&dev));
		CU(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, dev));
		g->flushlen = 2 * (size_t)(l2 > 0 ? l2 : 64 << 20);
		CU(cudaMalloc(&g->flush, g->flushlen));
	}
out:
	if (rc != BP_CUDA_OK) {
		gemm_free(g);
		return rc;
	}
	*h = g;
	return BP_CUDA_OK;
}

static int
gemm_launch(struct gemm_h *g, char *why, size_t whylen)
{
	const struct bp_cuda_gemm_args *a = &g->a;
	const float one = 1, zero = 0;
	int rc = BP_CUDA_OK;

	if (a->batch == 1)
		CB(cublasGemmEx(g->blas, CUBLAS_OP_N, CUBLAS_OP_N, a->n, a->m,
		    a->k, &one, g->B, g->type, a->n, g->A, g->type, a->k,
		    &zero, g->C, g->type, a->n, g->compute,
		    CUBLAS_GEMM_DEFAULT));
	else
		CB(cublasGemmStridedBatchedEx(g->blas, CUBLAS_OP_N,
		    CUBLAS_OP_N, a->n, a->m, a->k, &one, g->B, g->type, a->n,
		    (long long)a->k * a->n, g->A, g->type, a->k,
		    (long long)a->m * a->k, &zero, g->C, g->type, a->n,
		    (long long)a->m * a->n, a->batch, g->compute,
		    CUBLAS_GEMM_DEFAULT));
out:
	return rc;
}

extern "C" int
bp_cu_gemm_run(void *h, double *ms, char *why, size_t whylen)
{
	struct gemm_h *g = (struct gemm_h *)h;
	static unsigned char fill;
	float t = 0;
	int rc = BP_CUDA_OK;

	/* nvbench's cold cache: overwrite a buffer twice L2, untimed */
	if (g->flush)
		CU(cudaMemsetAsync(g->flush, ++fill, g->flushlen, g->stream));
	CU(cudaEventRecord(g->e0, g->stream));
	rc = gemm_launch(g, why, whylen);
	if (rc != BP_CUDA_OK)
		goto out;
	CU(cudaEventRecord(g->e1, g->stream));
	CU(cudaEventSynchronize(g->e1));
	CU(cudaEventElapsedTime(&t, g->e0, g->e1));
	*ms = t;
out:
	return rc;
}

extern "C" int
bp_cu_gemm_check(void *h, double *rel_err, char *why, size_t whylen)
{
	struct gemm_h *g = (struct gemm_h *)h;
	const struct bp_cuda_gemm_args *a = &g->a;
	unsigned long long rng = 1234;
	unsigned char c[8];
	double worst = 0, ref, scale, x, e;
	size_t bi, i, j, p;
	int s, rc = BP_CUDA_OK;

	CU(cudaStreamSynchronize(g->stream));
	for (s = 0; s < GEMM_SAMPLES; s++) {
		/* the corners, then random entries of random products */
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		bi = s < 2 ? s * (a->batch - 1) : (rng >> 33) % a->batch;
		i = s == 0 ? 0 : s == 1 ? a->m - 1 : (rng >> 17) % a->m;
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		j = s == 0 ? 0 : s == 1 ? a->n - 1 : (rng >> 17) % a->n;
		CU(cudaMemcpy(c, (unsigned char *)g->C + ((bi * a->m + i) *
		    a->n + j) * g->esize, g->esize, cudaMemcpyDeviceToHost));
		ref = scale = 0;
		for (p = 0; p < (size_t)a->k; p++) {
			x = gemm_input(g, g->seed_a, (bi * a->m + i) * a->k +
			    p) * gemm_input(g, g->seed_b, (bi * a->k + p) *
			    a->n + j);
			ref += x;
			scale += fabs(x);
		}
		e = fabs(gemm_output(g, c) - ref) / scale;
		if (!(e <= worst))
			worst = isnan(e) ? INFINITY : e;
	}
	*rel_err = worst;
out:
	return rc;
}

extern "C" void
bp_cu_gemm_free(void *h)
{
	gemm_free(h);
}
