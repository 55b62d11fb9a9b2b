/*
 * mlp.cu - the mlp model on the device: the same network, update rule
 * and order of examples as the cpu backend (model_mlp.c), with cuBLAS
 * SGEMMs (plain fp32, no TF32) and small kernels.  The training and test
 * sets live on the device; the host sends each epoch's permutation.
 *
 * Every reduction runs in a fixed order (the bias gradients loop over the
 * rows, the loss is summed on the host), so a run is repeatable on one
 * GPU.  Matrices are row-major; rm_gemm maps them onto column-major
 * cuBLAS by swapping the operands.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cudacheck.h"

#define MLP_MAX_LAYERS 16
#define MLP_EVAL_ROWS 1000

struct mlp_h {
	int nl, batch, ntrain, ntest, classes;
	int dims[MLP_MAX_LAYERS + 2];
	float lr;
	float *train_x, *test_x;		/* device */
	unsigned char *train_y, *test_y, *yb;
	float *w[MLP_MAX_LAYERS + 1], *b[MLP_MAX_LAYERS + 1];
	float *act[MLP_MAX_LAYERS + 2];		/* act[0]: the batch */
	float *grad[2];
	float *row_loss;			/* ntrain, per example */
	float *host_loss;			/* pinned copy of it */
	int *perm, *correct;
	cublasHandle_t blas;
	cudaStream_t stream;
	cudaEvent_t e0, e1;
};

#define GRID_STRIDE(i, n) \
	for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; \
	    i < (n); i += (size_t)gridDim.x * blockDim.x)

/* xb = the rows perm[0..rows) of x; yb their labels. */
static __global__ void
mlp_gather(float *xb, unsigned char *yb, const float *x,
    const unsigned char *y, const int *perm, int rows, int dim)
{
	GRID_STRIDE(i, (size_t)rows * dim) {
		size_t r = i / dim, j = i % dim;

		xb[i] = x[(size_t)perm[r] * dim + j];
		if (j == 0)
			yb[r] = y[perm[r]];
	}
}

static __global__ void
mlp_bias_act(float *out, const float *b, int rows, int cols, int relu)
{
	GRID_STRIDE(i, (size_t)rows * cols) {
		float v = out[i] + b[i % cols];

		out[i] = relu && v < 0 ? 0 : v;
	}
}

/* Softmax cross-entropy per row: logits -> (p - onehot) / rows. */
static __global__ void
mlp_softmax_grad(float *z, const unsigned char *y, float *loss, int rows,
    int classes)
{
	GRID_STRIDE(i, (size_t)rows) {
		float *r = z + i * classes, max = r[0], sum = 0;
		int j;

		for (j = 1; j < classes; j++)
			max = fmaxf(max, r[j]);
		for (j = 0; j < classes; j++) {
			r[j] = expf(r[j] - max);
			sum += r[j];
		}
		loss[i] = -logf(r[y[i]] / sum);
		for (j = 0; j < classes; j++)
			r[j] = (r[j] / sum - (j == y[i])) / rows;
	}
}

static __global__ void
mlp_relu_mask(float *d, const float *act, size_t n)
{
	GRID_STRIDE(i, n)
		if (act[i] <= 0)
			d[i] = 0;
}

/* b[j] -= lr * sum over rows of dz[r][j], rows in order. */
static __global__ void
mlp_bias_step(float *b, const float *dz, int rows, int cols, float lr)
{
	GRID_STRIDE(j, (size_t)cols) {
		float s = 0;
		int r;

		for (r = 0; r < rows; r++)
			s += dz[(size_t)r * cols + j];
		b[j] -= lr * s;
	}
}

static __global__ void
mlp_count(const float *z, const unsigned char *y, int rows, int classes,
    int *correct)
{
	GRID_STRIDE(i, (size_t)rows) {
		const float *r = z + i * classes;
		int j, best = 0;

		for (j = 1; j < classes; j++)
			if (r[j] > r[best])
				best = j;
		if (best == y[i])
			atomicAdd(correct, 1);
	}
}

/* Row-major C(M x N) = alpha op(A) op(B) + beta C. */
static cublasStatus_t
rm_gemm(cublasHandle_t h, int ta, int tb, int m, int n, int k, float alpha,
    const float *a, int lda, const float *b, int ldb, float beta, float *c,
    int ldc)
{
	return cublasSgemm(h, tb ? CUBLAS_OP_T : CUBLAS_OP_N,
	    ta ? CUBLAS_OP_T : CUBLAS_OP_N, n, m, k, &alpha, b, ldb, a, lda,
	    &beta, c, ldc);
}

static void
mlp_free(void *h)
{
	struct mlp_h *g = (struct mlp_h *)h;
	int l;

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
	cudaFree(g->train_x);
	cudaFree(g->test_x);
	cudaFree(g->train_y);
	cudaFree(g->test_y);
	cudaFree(g->yb);
	for (l = 0; l <= MLP_MAX_LAYERS; l++) {
		cudaFree(g->w[l]);
		cudaFree(g->b[l]);
	}
	for (l = 0; l < MLP_MAX_LAYERS + 2; l++)
		cudaFree(g->act[l]);
	cudaFree(g->grad[0]);
	cudaFree(g->grad[1]);
	cudaFree(g->row_loss);
	cudaFreeHost(g->host_loss);
	cudaFree(g->perm);
	cudaFree(g->correct);
	free(g);
}

extern "C" int
bp_cu_mlp_setup(const struct bp_cuda_mlp_args *a, void **h, char *why,
    size_t whylen)
{
	struct mlp_h *g;
	size_t rows;
	int l, widest = 0, rc = BP_CUDA_OK;

	*h = NULL;
	if (a->layers < 1 || a->layers > MLP_MAX_LAYERS) {
		snprintf(why, whylen, "mlp: %d hidden layers (1 to %d)",
		    a->layers, MLP_MAX_LAYERS);
		return BP_CUDA_EUNSUPPORTED;
	}
	g = (struct mlp_h *)calloc(1, sizeof *g);
	if (!g) {
		snprintf(why, whylen, "mlp: out of host memory");
		return BP_CUDA_EOOM;
	}
	g->nl = a->layers + 1;
	g->batch = a->batch;
	g->ntrain = a->ntrain;
	g->ntest = a->ntest;
	g->classes = a->classes;
	g->lr = a->lr;
	g->dims[0] = a->inputs;
	for (l = 1; l <= a->layers; l++)
		g->dims[l] = a->hidden;
	g->dims[g->nl] = a->classes;
	rows = a->batch > MLP_EVAL_ROWS ? a->batch : MLP_EVAL_ROWS;
	CU(cudaStreamCreateWithFlags(&g->stream, cudaStreamNonBlocking));
	CU(cudaEventCreate(&g->e0));
	CU(cudaEventCreate(&g->e1));
	CB(cublasCreate(&g->blas));
	CB(cublasSetStream(g->blas, g->stream));
	/* plain fp32 like the cpu backend: no TF32 behind our back */
	CB(cublasSetMathMode(g->blas, CUBLAS_PEDANTIC_MATH));
	CU(cudaMalloc(&g->train_x, (size_t)a->ntrain * a->inputs *
	    sizeof(float)));
	CU(cudaMalloc(&g->test_x, (size_t)a->ntest * a->inputs *
	    sizeof(float)));
	CU(cudaMalloc(&g->train_y, a->ntrain));
	CU(cudaMalloc(&g->test_y, a->ntest));
	CU(cudaMemcpy(g->train_x, a->train_x, (size_t)a->ntrain * a->inputs *
	    sizeof(float), cudaMemcpyHostToDevice));
	CU(cudaMemcpy(g->test_x, a->test_x, (size_t)a->ntest * a->inputs *
	    sizeof(float), cudaMemcpyHostToDevice));
	CU(cudaMemcpy(g->train_y, a->train_y, a->ntrain,
	    cudaMemcpyHostToDevice));
	CU(cudaMemcpy(g->test_y, a->test_y, a->ntest, cudaMemcpyHostToDevice));
	for (l = 0; l < g->nl; l++) {
		size_t nw = (size_t)g->dims[l] * g->dims[l + 1];

		CU(cudaMalloc(&g->w[l], nw * sizeof(float)));
		CU(cudaMalloc(&g->b[l], g->dims[l + 1] * sizeof(float)));
		CU(cudaMemcpy(g->w[l], a->w[l], nw * sizeof(float),
		    cudaMemcpyHostToDevice));
		CU(cudaMemcpy(g->b[l], a->b[l], g->dims[l + 1] *
		    sizeof(float), cudaMemcpyHostToDevice));
	}
	for (l = 0; l <= g->nl; l++) {
		CU(cudaMalloc(&g->act[l], rows * g->dims[l] * sizeof(float)));
		if (g->dims[l] > widest)
			widest = g->dims[l];
	}
	CU(cudaMalloc(&g->grad[0], (size_t)a->batch * widest * sizeof(float)));
	CU(cudaMalloc(&g->grad[1], (size_t)a->batch * widest * sizeof(float)));
	CU(cudaMalloc(&g->yb, rows));
	CU(cudaMalloc(&g->row_loss, (size_t)a->ntrain * sizeof(float)));
	CU(cudaMallocHost(&g->host_loss, (size_t)a->ntrain * sizeof(float)));
	CU(cudaMalloc(&g->perm, (size_t)a->ntrain * sizeof(int)));
	CU(cudaMalloc(&g->correct, sizeof(int)));
out:
	if (rc != BP_CUDA_OK) {
		mlp_free(g);
		return rc;
	}
	*h = g;
	return BP_CUDA_OK;
}

/* act[nl] = logits of the rows of x (act[0] when x is the batch). */
static int
mlp_forward(struct mlp_h *g, const float *x, int rows, char *why,
    size_t whylen)
{
	const float *in = x;
	size_t n;
	int l, rc = BP_CUDA_OK;

	for (l = 0; l < g->nl; l++) {
		n = (size_t)rows * g->dims[l + 1];
		CB(rm_gemm(g->blas, 0, 0, rows, g->dims[l + 1], g->dims[l], 1,
		    in, g->dims[l], g->w[l], g->dims[l + 1], 0, g->act[l + 1],
		    g->dims[l + 1]));
		CK((mlp_bias_act<<<bp_cu_blocks(n, 256), 256, 0, g->stream>>>(
		    g->act[l + 1], g->b[l], rows, g->dims[l + 1],
		    l < g->nl - 1)));
		in = g->act[l + 1];
	}
out:
	return rc;
}

static int
mlp_backward(struct mlp_h *g, int rows, char *why, size_t whylen)
{
	float *dz = g->act[g->nl], *dprev;
	int l, din, dout, rc = BP_CUDA_OK;

	for (l = g->nl - 1; l >= 0; l--) {
		din = g->dims[l];
		dout = g->dims[l + 1];
		dprev = NULL;
		/* the gradient below uses the weights before their step */
		if (l > 0) {
			dprev = dz == g->grad[0] ? g->grad[1] : g->grad[0];
			CB(rm_gemm(g->blas, 0, 1, rows, din, dout, 1, dz, dout,
			    g->w[l], dout, 0, dprev, din));
			CK((mlp_relu_mask<<<bp_cu_blocks((size_t)rows * din,
			    256), 256, 0, g->stream>>>(dprev, g->act[l],
			    (size_t)rows * din)));
		}
		CB(rm_gemm(g->blas, 1, 0, din, dout, rows, -g->lr, g->act[l],
		    din, dz, dout, 1, g->w[l], dout));
		CK((mlp_bias_step<<<bp_cu_blocks(dout, 128), 128, 0,
		    g->stream>>>(g->b[l], dz, rows, dout, g->lr)));
		dz = dprev;
	}
out:
	return rc;
}

extern "C" int
bp_cu_mlp_epoch(void *h, const int *perm, double *ms, double *loss,
    char *why, size_t whylen)
{
	struct mlp_h *g = (struct mlp_h *)h;
	double sum = 0;
	float t = 0;
	int s, i, rows, rc = BP_CUDA_OK;

	CU(cudaEventRecord(g->e0, g->stream));
	CU(cudaMemcpyAsync(g->perm, perm, (size_t)g->ntrain * sizeof(int),
	    cudaMemcpyHostToDevice, g->stream));
	for (s = 0; s < g->ntrain; s += rows) {
		rows = g->ntrain - s < g->batch ? g->ntrain - s : g->batch;
		CK((mlp_gather<<<bp_cu_blocks((size_t)rows * g->dims[0], 256),
		    256, 0, g->stream>>>(g->act[0], g->yb, g->train_x,
		    g->train_y, g->perm + s, rows, g->dims[0])));
		rc = mlp_forward(g, g->act[0], rows, why, whylen);
		if (rc != BP_CUDA_OK)
			goto out;
		CK((mlp_softmax_grad<<<bp_cu_blocks(rows, 128), 128, 0,
		    g->stream>>>(g->act[g->nl], g->yb, g->row_loss + s, rows,
		    g->classes)));
		rc = mlp_backward(g, rows, why, whylen);
		if (rc != BP_CUDA_OK)
			goto out;
	}
	CU(cudaEventRecord(g->e1, g->stream));
	CU(cudaEventSynchronize(g->e1));
	CU(cudaEventElapsedTime(&t, g->e0, g->e1));
	*ms = t;
	CU(cudaMemcpy(g->host_loss, g->row_loss, (size_t)g->ntrain *
	    sizeof(float), cudaMemcpyDeviceToHost));
	for (i = 0; i < g->ntrain; i++)
		sum += g->host_loss[i];
	*loss = sum / g->ntrain;
out:
	return rc;
}

extern "C" int
bp_cu_mlp_eval(void *h, int *correct, char *why, size_t whylen)
{
	struct mlp_h *g = (struct mlp_h *)h;
	int s, rows, rc = BP_CUDA_OK;

	CU(cudaMemsetAsync(g->correct, 0, sizeof(int), g->stream));
	for (s = 0; s < g->ntest; s += rows) {
		rows = g->ntest - s < MLP_EVAL_ROWS ? g->ntest - s :
		    MLP_EVAL_ROWS;
		rc = mlp_forward(g, g->test_x + (size_t)s * g->dims[0], rows,
		    why, whylen);
		if (rc != BP_CUDA_OK)
			goto out;
		CK((mlp_count<<<bp_cu_blocks(rows, 128), 128, 0,
		    g->stream>>>(g->act[g->nl], g->test_y + s, rows,
		    g->classes, g->correct)));
	}
	CU(cudaMemcpyAsync(correct, g->correct, sizeof(int),
	    cudaMemcpyDeviceToHost, g->stream));
	CU(cudaStreamSynchronize(g->stream));
out:
	return rc;
}

extern "C" int
bp_cu_mlp_fetch(void *h, int n, float *logits, float *const *w,
    float *const *b, char *why, size_t whylen)
{
	struct mlp_h *g = (struct mlp_h *)h;
	int l, rc = BP_CUDA_OK;

	if (n > MLP_EVAL_ROWS || n > g->ntest) {
		snprintf(why, whylen, "mlp: %d rows asked, at most %d", n,
		    g->ntest < MLP_EVAL_ROWS ? g->ntest : MLP_EVAL_ROWS);
		return BP_CUDA_EEXEC;
	}
	rc = mlp_forward(g, g->test_x, n, why, whylen);
	if (rc != BP_CUDA_OK)
		goto out;
	CU(cudaStreamSynchronize(g->stream));
	CU(cudaMemcpy(logits, g->act[g->nl], (size_t)n * g->classes *
	    sizeof(float), cudaMemcpyDeviceToHost));
	for (l = 0; l < g->nl; l++) {
		CU(cudaMemcpy(w[l], g->w[l], (size_t)g->dims[l] *
		    g->dims[l + 1] * sizeof(float), cudaMemcpyDeviceToHost));
		CU(cudaMemcpy(b[l], g->b[l], g->dims[l + 1] * sizeof(float),
		    cudaMemcpyDeviceToHost));
	}
out:
	return rc;
}

extern "C" void
bp_cu_mlp_free(void *h)
{
	mlp_free(h);
}
