/* detect.h - the parts of the host record, each filled by its own file. */
#ifndef DETECT_H
#define DETECT_H

#include <cjson/cJSON.h>

/* Facts one part finds and another needs. */
struct facts {
	int threads;		/* logical CPUs (PUs) */
	int cores;
	int gpu_count;		/* NVIDIA GPUs seen by NVML */
	char cuda_why[256];	/* why the cuda backend is unavailable */
	char hypervisor[64];	/* "" on bare metal */
};

void detect_os(cJSON *host);
void detect_cpu(cJSON *host, cJSON *notes, struct facts *f);
void detect_gpus(cJSON *host, cJSON *notes, struct facts *f);
void detect_accelerators(cJSON *host);
void detect_backends(cJSON *host, struct facts *f);
void detect_software(cJSON *host);
void detect_checks(cJSON *host, struct facts *f);
/* The stable id: a hash of what identifies this machine. */
void detect_host_id(cJSON *host);

#endif
