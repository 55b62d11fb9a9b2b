/* nvml.h - NVIDIA GPUs through NVML, reached with dlopen (never linked). */
#ifndef BP_NVML_H
#define BP_NVML_H

#include <stdint.h>

/* Static facts of one GPU; a field NVML could not tell is -1 or "". */
struct bp_gpu {
	int index;
	char name[96];
	char uuid[96];
	char pci_bus_id[32];
	double memory_total_mib;
	int cc_major, cc_minor;		/* compute capability */
	double power_limit_w;
	int max_sm_clock_mhz, max_mem_clock_mhz;
	int mig_mode;			/* 1 on, 0 off, -1 unsupported */
	int persistence_mode;		/* 1 on, 0 off, -1 unknown */
	int cur_sm_clock_mhz;
};

/* One reading of a GPU's counters; absent ones are negative. */
struct bp_gpu_sample {
	double memory_used_mib;
	double util_pct;
	double power_w;
	double temp_c;
	double sm_clock_mhz;
	double energy_mj;	/* total energy counter, millijoules */
};

/* Loads libnvidia-ml.so.1 and initializes it.  0, or -1 with the reason
 * (for a notes entry) in why. */
int bp_nvml_open(char *why, size_t whylen);
void bp_nvml_close(void);
int bp_nvml_count(void);
int bp_nvml_gpu(int index, struct bp_gpu *g);
int bp_nvml_sample(int index, struct bp_gpu_sample *s);
/* "550.54.15", or "" when unknown. */
void bp_nvml_driver_version(char *buf, size_t len);
/* The CUDA version the driver supports, e.g. 12040; -1 when unknown. */
int bp_nvml_cuda_driver_version(void);

#endif
