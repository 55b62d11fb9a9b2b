/*
 * membw.cu - the membw model on the device: STREAM copy and triad as
 * 16-byte-vector kernels, and host-device transfers with cudaMemcpyAsync
 * from pinned memory.  Sources hold small integers (i % 1021 + 1 and
 * i % 7 + 1, as on the cpu), so a correct destination is exact.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cudacheck.h"

#define MEMBW_SCALAR 3.0

struct membw_h {
	int op;
	size_t n;		/* doubles per array, even */
	double *a, *b, *c;	/* device: a the destination */
	double *host;		/* pinned: h2d source, d2h destination */
	unsigned *worst;	/* device: the verify kernel's result */
	cudaStream_t stream;
	cudaEvent_t e0, e1;
};

static __host__ __device__ inline double
membw_b(size_t i)
{
	return (double)(i % 1021 + 1);
}

static __host__ __device__ inline double
membw_c(size_t i)
{
	return (double)(i % 7 + 1);
}

#define GRID_STRIDE(i, n) \
	for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; \
	    i < (n); i += (size_t)gridDim.x * blockDim.x)

static __global__ void
membw_init(double *b, double *c, size_t n)
{
	GRID_STRIDE(i, n) {
		b[i] = membw_b(i);
		if (c)
			c[i] = membw_c(i);
	}
}

/*
 * Each thread loads UNROLL 16-byte vectors, blockDim apart so that a warp
 * stays coalesced, before it stores any: more bytes in flight per thread.
 */
#define UNROLL 4

static __global__ void
membw_copy(double2 *__restrict__ a, const double2 *__restrict__ b, size_t n2)
{
	size_t base = (size_t)blockIdx.x * blockDim.x * UNROLL + threadIdx.x;
	size_t stride = (size_t)gridDim.x * blockDim.x * UNROLL, i;
	double2 v[UNROLL];
	int u;

	for (; base < n2; base += stride) {
#pragma unroll
		for (u = 0; u < UNROLL; u++) {
			i = base + (size_t)u * blockDim.x;
			if (i < n2)
				v[u] = b[i];
		}
#pragma unroll
		for (u = 0; u < UNROLL; u++) {
			i = base + (size_t)u * blockDim.x;
			if (i < n2)
				a[i] = v[u];
		}
	}
}

static __global__ void
membw_triad(double2 *__restrict__ a, const double2 *__restrict__ b,
    const double2 *__restrict__ c, size_t n2)
{
	size_t base = (size_t)blockIdx.x * blockDim.x * UNROLL + threadIdx.x;
	size_t stride = (size_t)gridDim.x * blockDim.x * UNROLL, i;
	double2 x[UNROLL], y[UNROLL];
	int u;

	for (; base < n2; base += stride) {
#pragma unroll
		for (u = 0; u < UNROLL; u++) {
			i = base + (size_t)u * blockDim.x;
			if (i < n2) {
				x[u] = b[i];
				y[u] = c[i];
			}
		}
#pragma unroll
		for (u = 0; u < UNROLL; u++) {
			i = base + (size_t)u * blockDim.x;
			if (i < n2)
				a[i] = make_double2(x[u].x + MEMBW_SCALAR * y[u].x,
				    x[u].y + MEMBW_SCALAR * y[u].y);
		}
	}
}

/* The largest relative error, as float bits (monotonic when >= 0). */
static __global__ void
membw_verify(const double *a, size_t n, int triad, unsigned *worst)
{
	GRID_STRIDE(i, n) {
		double want = triad ? membw_b(i) + MEMBW_SCALAR * membw_c(i) :
		    membw_b(i);
		double e = fabs(a[i] - want) / want;

		if (!(e <= 0))
			atomicMax(worst, __float_as_uint(isnan(e) ? INFINITY :
			    fmaxf((float)e, 1e-30f)));
	}
}

static void
membw_free(void *h)
{
	struct membw_h *w = (struct membw_h *)h;

	if (!w)
		return;
	if (w->e0)
		cudaEventDestroy(w->e0);
	if (w->e1)
		cudaEventDestroy(w->e1);
	if (w->stream)
		cudaStreamDestroy(w->stream);
	cudaFree(w->a);
	cudaFree(w->b);
	cudaFree(w->c);
	cudaFree(w->worst);
	cudaFreeHost(w->host);
	free(w);
}

extern "C" int
bp_cu_membw_setup(const struct bp_cuda_membw_args *a, void **h, char *why,
    size_t whylen)
{
	struct membw_h *w;
	size_t i, bytes;
	int rc = BP_CUDA_OK;

	*h = NULL;
	w = (struct membw_h *)calloc(1, sizeof *w);
	if (!w) {
		snprintf(why, whylen, "membw: out of host memory");
		return BP_CUDA_EOOM;
	}
	w->op = a->op;
	w->n = a->bytes / sizeof(double) / 2 * 2;
	bytes = w->n * sizeof(double);
	CU(cudaStreamCreateWithFlags(&w->stream, cudaStreamNonBlocking));
	CU(cudaEventCreate(&w->e0));
	CU(cudaEventCreate(&w->e1));
	CU(cudaMalloc(&w->worst, sizeof *w->worst));
	switch (w->op) {
	case BP_CUDA_COPY:
	case BP_CUDA_TRIAD:
		CU(cudaMalloc(&w->a, bytes));
		CU(cudaMalloc(&w->b, bytes));
		if (w->op == BP_CUDA_TRIAD)
			CU(cudaMalloc(&w->c, bytes));
		CK((membw_init<<<bp_cu_blocks(w->n, 256), 256, 0,
		    w->stream>>>(w->b, w->c, w->n)));
		CU(cudaMemsetAsync(w->a, 0, bytes, w->stream));
		break;
	case BP_CUDA_H2D:
		CU(cudaMallocHost(&w->host, bytes));
		CU(cudaMalloc(&w->a, bytes));
		for (i = 0; i < w->n; i++)
			w->host[i] = membw_b(i);
		CU(cudaMemsetAsync(w->a, 0, bytes, w->stream));
		break;
	case BP_CUDA_D2H:
		CU(cudaMallocHost(&w->host, bytes));
		CU(cudaMalloc(&w->b, bytes));
		memset(w->host, 0, bytes);
		CK((membw_init<<<bp_cu_blocks(w->n, 256), 256, 0,
		    w->stream>>>(w->b, NULL, w->n)));
		break;
	default:
		snprintf(why, whylen, "membw: unknown op %d", w->op);
		rc = BP_CUDA_EUNSUPPORTED;
		goto out;
	}
	CU(cudaStreamSynchronize(w->stream));
out:
	if (rc != BP_CUDA_OK) {
		membw_free(w);
		return rc;
	}
	*h = w;
	return BP_CUDA_OK;
}

extern "C" int
bp_cu_membw_run(void *h, double *ms, char *why, size_t whylen)
{
	struct membw_h *w = (struct membw_h *)h;
	size_t n2 = w->n / 2, bytes = w->n * sizeof(double);
	float t = 0;
	int rc = BP_CUDA_OK;

	CU(cudaEventRecord(w->e0, w->stream));
	switch (w->op) {
	case BP_CUDA_COPY:
		CK((membw_copy<<<bp_cu_blocks((n2 + UNROLL - 1) / UNROLL, 256),
		    256, 0, w->stream>>>(
		    (double2 *)w->a, (const double2 *)w->b, n2)));
		break;
	case BP_CUDA_TRIAD:
		CK((membw_triad<<<bp_cu_blocks((n2 + UNROLL - 1) / UNROLL,
		    256), 256, 0, w->stream>>>(
		    (double2 *)w->a, (const double2 *)w->b,
		    (const double2 *)w->c, n2)));
		break;
	case BP_CUDA_H2D:
		CU(cudaMemcpyAsync(w->a, w->host, bytes,
		    cudaMemcpyHostToDevice, w->stream));
		break;
	default:
		CU(cudaMemcpyAsync(w->host, w->b, bytes,
		    cudaMemcpyDeviceToHost, w->stream));
		break;
	}
	CU(cudaEventRecord(w->e1, w->stream));
	CU(cudaEventSynchronize(w->e1));
	CU(cudaEventElapsedTime(&t, w->e0, w->e1));
	*ms = t;
out:
	return rc;
}

extern "C" int
bp_cu_membw_check(void *h, double *rel_err, char *why, size_t whylen)
{
	struct membw_h *w = (struct membw_h *)h;
	unsigned bits = 0;
	double worst = 0, e;
	float f;
	size_t i;
	int rc = BP_CUDA_OK;

	CU(cudaStreamSynchronize(w->stream));
	if (w->op == BP_CUDA_D2H) {
		for (i = 0; i < w->n; i++) {
			e = fabs(w->host[i] - membw_b(i)) / membw_b(i);
			if (!(e <= worst))
				worst = isnan(e) ? INFINITY : e;
		}
		*rel_err = worst;
		goto out;
	}
	CU(cudaMemsetAsync(w->worst, 0, sizeof *w->worst, w->stream));
	CK((membw_verify<<<bp_cu_blocks(w->n, 256), 256, 0, w->stream>>>(
	    w->a, w->n, w->op == BP_CUDA_TRIAD, w->worst)));
	CU(cudaMemcpyAsync(&bits, w->worst, sizeof bits,
	    cudaMemcpyDeviceToHost, w->stream));
	CU(cudaStreamSynchronize(w->stream));
	memcpy(&f, &bits, sizeof f);
	*rel_err = f;
out:
	return rc;
}

extern "C" void
bp_cu_membw_free(void *h)
{
	membw_free(h);
}
