/*
 * bp_cuda_module.h - the interface between the commands and the CUDA
 * module (bench-cuda.so, built from lib/cuda/ only where nvcc exists and
 * loaded with dlopen).  Bump BP_CUDA_ABI when a member changes meaning;
 * add members only at the end.
 */
#ifndef BP_CUDA_MODULE_H
#define BP_CUDA_MODULE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BP_CUDA_ABI 1

/*
 * Every entry point below returns BP_CUDA_OK or one of these, with the
 * CUDA or cuBLAS error string in why (whylen bytes).  A handle is freed
 * with its *_free on every path once *_setup succeeded; *_setup frees what
 * it allocated when it fails.
 */
enum {
	BP_CUDA_OK = 0,
	BP_CUDA_EUNSUPPORTED = 1,	/* no device, or it lacks the feature */
	BP_CUDA_EEXEC = 2,		/* a CUDA or cuBLAS call failed */
	BP_CUDA_EOOM = 3,		/* out of device or pinned memory */
};

enum bp_cuda_dtype {
	BP_CUDA_FP32, BP_CUDA_TF32, BP_CUDA_FP16, BP_CUDA_BF16,
};

/* C = A.B, row-major, batch times; inputs random in [-1, 1). */
struct bp_cuda_gemm_args {
	int m, n, k, batch;
	int dtype;		/* enum bp_cuda_dtype */
	int cold;		/* flush L2 before each iteration, untimed */
	unsigned long long seed;
};

enum bp_cuda_membw_op {
	BP_CUDA_COPY, BP_CUDA_TRIAD, BP_CUDA_H2D, BP_CUDA_D2H,
};

struct bp_cuda_membw_args {
	int op;			/* enum bp_cuda_membw_op */
	size_t bytes;		/* per array (per buffer for h2d, d2h) */
};

/*
 * An MLP of `layers` hidden ReLU layers of `hidden` units and a softmax
 * output, trained with mini-batch SGD.  The caller's arrays (row-major
 * float images, byte labels, initial weights w[l] of dims[l] x dims[l+1]
 * and biases) are copied at setup and may be freed afterwards.
 */
struct bp_cuda_mlp_args {
	int inputs, classes, hidden, layers, batch;
	float lr;
	int ntrain, ntest;
	const float *train_x, *test_x;
	const unsigned char *train_y, *test_y;
	const float *const *w, *const *b;	/* layers + 1 of each */
};

struct bp_cuda_module {
	int abi;
	/* CUDA runtime and cuBLAS versions (e.g. 13000), -1 when unknown */
	int (*runtime_version)(void);
	int (*cublas_version)(void);

	/* Selects device 0; BP_CUDA_EUNSUPPORTED with the reason when
	 * there is none.  name receives the device name. */
	int (*device)(char *name, size_t namelen, char *why, size_t whylen);

	int (*gemm_setup)(const struct bp_cuda_gemm_args *a, void **h,
	    char *why, size_t whylen);
	/* One timed GEMM (all batches), CUDA events around it. */
	int (*gemm_run)(void *h, double *ms, char *why, size_t whylen);
	/* Sampled entries of the last C against a float64 reference:
	 * max |c - ref| / sum |a||b| over the samples. */
	int (*gemm_check)(void *h, double *rel_err, char *why, size_t whylen);
	void (*gemm_free)(void *h);

	int (*membw_setup)(const struct bp_cuda_membw_args *a, void **h,
	    char *why, size_t whylen);
	int (*membw_run)(void *h, double *ms, char *why, size_t whylen);
	/* Verifies the whole destination: the largest relative error of an
	 * element (0 when all are exact). */
	int (*membw_check)(void *h, double *rel_err, char *why, size_t whylen);
	void (*membw_free)(void *h);

	int (*mlp_setup)(const struct bp_cuda_mlp_args *a, void **h,
	    char *why, size_t whylen);
	/* One epoch over the training set in the order perm (ntrain
	 * indices): its time and mean loss. */
	int (*mlp_epoch)(void *h, const int *perm, double *ms, double *loss,
	    char *why, size_t whylen);
	/* Correct predictions on the test set. */
	int (*mlp_eval)(void *h, int *correct, char *why, size_t whylen);
	/* Logits of the first n test images (n x classes), and the weights
	 * and biases now, into the caller's arrays shaped as at setup. */
	int (*mlp_fetch)(void *h, int n, float *logits, float *const *w,
	    float *const *b, char *why, size_t whylen);
	void (*mlp_free)(void *h);
};

/* The one symbol the module exports. */
const struct bp_cuda_module *bp_cuda_module_get(void);

#ifdef __cplusplus
}
#endif

#endif
