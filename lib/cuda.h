/* cuda.h - the CUDA driver and the CUDA module, reached with dlopen. */
#ifndef BP_CUDA_H
#define BP_CUDA_H

#include <stddef.h>

#include "bp_cuda_module.h"

struct bp_cuda_dev {
	char name[128];
	int cc_major, cc_minor;
	int sm_count;
	double memory_total_mib;
};

/* Loads libcuda.so.1 and calls cuInit.  0, or -1 with the reason. */
int bp_cuda_open(char *why, size_t whylen);
/* Driver API version (e.g. 12040), -1 when not open. */
int bp_cuda_driver_version(void);
int bp_cuda_count(void);
int bp_cuda_dev(int ordinal, struct bp_cuda_dev *d);
/* Loads bench-cuda.so from bp_libdir().  NULL with the reason in why. */
const struct bp_cuda_module *bp_cuda_module(char *why, size_t whylen);

#endif
