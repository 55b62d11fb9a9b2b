/*
 * module.cu - the entry point of bench-cuda.so: a table of functions the
 * commands call after dlopen.  Everything CUDA lives behind it.
 */
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "bp_cuda_module.h"

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

static const struct bp_cuda_module module = {
	BP_CUDA_ABI,
	runtime_version,
	cublas_version,
};

extern "C" const struct bp_cuda_module *
bp_cuda_module_get(void)
{
	return &module;
}
