/*
 * module.cu - the entry point of bench-cuda.so: a table of functions the
 * commands call after dlopen.  Everything CUDA lives behind it.
 */
#include "cudacheck.h"

static int
runtime_version(void)
{
	int v = -1;

	if (cudaRuntimeGetVersion(&v) != cudaSuccess)
		return -1;
	return v;
}

static int
cublas_version(void)
{
	int v = -1;

	if (cublasGetProperty(MAJOR_VERSION, &v) != CUBLAS_STATUS_SUCCESS)
		return -1;
	int minor = 0, patch = 0;
	cublasGetProperty(MINOR_VERSION, &minor);
	cublasGetProperty(PATCH_LEVEL, &patch);
	return v * 10000 + minor * 100 + patch;
}

static int
device(char *name, size_t namelen, char *why, size_t whylen)
{
	cudaDeviceProp prop;
	cudaError_t e;
	int n = 0, rc = BP_CUDA_OK;

	/* whatever keeps the runtime from a device means "no GPU" here */
	e = cudaGetDeviceCount(&n);
	if (e != cudaSuccess || n < 1) {
		snprintf(why, whylen, "no GPU: %s", e != cudaSuccess ?
		    cudaGetErrorString(e) : "the CUDA runtime sees no device");
		cudaGetLastError();
		return BP_CUDA_EUNSUPPORTED;
	}
	CU(cudaSetDevice(0));
	CU(cudaGetDeviceProperties(&prop, 0));
	snprintf(name, namelen, "%s", prop.name);
out:
	return rc;
}

extern "C" {
int bp_cu_gemm_setup(const struct bp_cuda_gemm_args *, void **, char *,
    size_t);
int bp_cu_gemm_run(void *, double *, char *, size_t);
int bp_cu_gemm_check(void *, double *, char *, size_t);
void bp_cu_gemm_free(void *);
int bp_cu_membw_setup(const struct bp_cuda_membw_args *, void **, char *,
    size_t);
int bp_cu_membw_run(void *, double *, char *, size_t);
int bp_cu_membw_check(void *, double *, char *, size_t);
void bp_cu_membw_free(void *);
int bp_cu_mlp_setup(const struct bp_cuda_mlp_args *, void **, char *,
    size_t);
int bp_cu_mlp_epoch(void *, const int *, double *, double *, char *,
    size_t);
int bp_cu_mlp_eval(void *, int *, char *, size_t);
int bp_cu_mlp_fetch(void *, int, float *, float *const *, float *const *,
    char *, size_t);
void bp_cu_mlp_free(void *);
}

static const struct bp_cuda_module module = {
	BP_CUDA_ABI,
	runtime_version,
	cublas_version,
	device,
	bp_cu_gemm_setup,
	bp_cu_gemm_run,
	bp_cu_gemm_check,
	bp_cu_gemm_free,
	bp_cu_membw_setup,
	bp_cu_membw_run,
	bp_cu_membw_check,
	bp_cu_membw_free,
	bp_cu_mlp_setup,
	bp_cu_mlp_epoch,
	bp_cu_mlp_eval,
	bp_cu_mlp_fetch,
	bp_cu_mlp_free,
};

extern "C" const struct bp_cuda_module *
bp_cuda_module_get(void)
{
	return &module;
}
