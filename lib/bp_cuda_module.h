/*
 * bp_cuda_module.h - the interface between the commands and the CUDA
 * module (bench-cuda.so, built from lib/cuda/ only where nvcc exists and
 * loaded with dlopen).  Bump BP_CUDA_ABI when a member changes meaning;
 * add members only at the end.
 */
#ifndef BP_CUDA_MODULE_H
#define BP_CUDA_MODULE_H

#ifdef __cplusplus
extern "C" {
#endif

#define BP_CUDA_ABI 1

struct bp_cuda_module {
	int abi;
	/* CUDA runtime and cuBLAS versions (e.g. 13000), -1 when unknown */
	int (*runtime_version)(void);
	int (*cublas_version)(void);
};

/* The one symbol the module exports. */
const struct bp_cuda_module *bp_cuda_module_get(void);

#ifdef __cplusplus
}
#endif

#endif
