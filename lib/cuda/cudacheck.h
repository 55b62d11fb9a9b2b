/*
 * cudacheck.h - shared by the CUDA module's sources: every CUDA and
 * cuBLAS call goes through CU() or CB(), which turn a failure into a
 * module return code and a message in why, then jump to the function's
 * `out:` label, where everything allocated so far is released.  A
 * function using them declares `int rc = BP_CUDA_OK` and has `why` and
 * `whylen` in scope.
 */
#ifndef BP_CUDA_CHECK_H
#define BP_CUDA_CHECK_H

#include <stdio.h>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "bp_cuda_module.h"

static inline int
bp_cu_fail(cudaError_t e, const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s (%s)", what, cudaGetErrorString(e),
	    cudaGetErrorName(e));
	/* clear a non-sticky error so the next call does not report it */
	cudaGetLastError();
	if (e == cudaErrorMemoryAllocation)
		return BP_CUDA_EOOM;
	if (e == cudaErrorNoDevice || e == cudaErrorInsufficientDriver ||
	    e == cudaErrorNoKernelImageForDevice)
		return BP_CUDA_EUNSUPPORTED;
	return BP_CUDA_EEXEC;
}

static inline int
bp_cublas_fail(cublasStatus_t s, const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s", what, cublasGetStatusString(s));
	if (s == CUBLAS_STATUS_ALLOC_FAILED)
		return BP_CUDA_EOOM;
	if (s == CUBLAS_STATUS_NOT_SUPPORTED ||
	    s == CUBLAS_STATUS_ARCH_MISMATCH)
		return BP_CUDA_EUNSUPPORTED;
	return BP_CUDA_EEXEC;
}

#define CU(call) do { \
	cudaError_t e_ = (call); \
	if (e_ != cudaSuccess) { \
		rc = bp_cu_fail(e_, #call, why, whylen); \
		goto out; \
	} \
} while (0)

#define CB(call) do { \
	cublasStatus_t s_ = (call); \
	if (s_ != CUBLAS_STATUS_SUCCESS) { \
		rc = bp_cublas_fail(s_, #call, why, whylen); \
		goto out; \
	} \
} while (0)

/* A kernel launch: configuration errors now, execution errors at the
 * next synchronising call. */
#define CK(launch) do { \
	launch; \
	CU(cudaGetLastError()); \
} while (0)

/* Blocks for n items at threads per block, capped for grid-stride loops. */
static inline unsigned
bp_cu_blocks(size_t n, unsigned threads)
{
	size_t b = (n + threads - 1) / threads;

	return b == 0 ? 1 : b > 65535u * 16 ? 65535u * 16 : (unsigned)b;
}

/*
 * The inputs of the gemm model: a counter-based generator, so that the
 * device fills A and B in parallel and the host recomputes any entry for
 * the reference.  Odd multiples of 2^-24 in (-1, 1): never zero.
 */
static __host__ __device__ inline float
bp_cu_rand_sym(unsigned long long seed, unsigned long long i)
{
	unsigned long long z = seed + (i + 1) * 0x9e3779b97f4a7c15ULL;
	int r;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	r = (int)(z >> 40) - (1 << 23);
	return (float)(2 * r + 1) / (float)(1 << 24);
}

#endif
