/* gpu.c - NVML and the CUDA driver are optional: without them the answer
 * is a reason, never a crash. */
#include <stdlib.h>
#include <unistd.h>

#include "cuda.h"
#include "nvml.h"
#include "test.h"

int
main(void)
{
	char why[512] = "";
	struct bp_gpu g;
	struct bp_gpu_sample s;
	struct bp_cuda_dev d;
	int have = access("/proc/driver/nvidia/version", F_OK) == 0;

	if (bp_nvml_open(why, sizeof why) < 0) {
		ok(!have, "NVML fails only where no NVIDIA driver is loaded");
		ok(strstr(why, "libnvidia-ml.so.1") != NULL, "and says which library: %s", why);
		ok(bp_nvml_count() == 0, "no GPUs then");
		ok(bp_nvml_gpu(0, &g) == -1 && g.memory_total_mib == -1,
		    "a GPU query answers 'unknown'");
		ok(bp_nvml_sample(0, &s) == -1 && s.power_w < 0,
		    "a sample answers 'absent'");
		ok(bp_nvml_cuda_driver_version() == -1, "no CUDA driver version");
	} else {
		ok(bp_nvml_count() >= 0, "NVML opened: %d GPUs", bp_nvml_count());
		if (bp_nvml_count() > 0) {
			ok(bp_nvml_gpu(0, &g) == 0 && g.name[0], "GPU 0 has a name: %s", g.name);
			ok(bp_nvml_sample(0, &s) == 0 && s.memory_used_mib >= 0,
			    "and a memory reading");
		}
		bp_nvml_close();
	}
	if (bp_cuda_open(why, sizeof why) < 0) {
		ok(strstr(why, "libcuda.so.1") || strstr(why, "cuInit"),
		    "the CUDA driver's absence has a reason: %s", why);
		ok(bp_cuda_count() == 0 && bp_cuda_dev(0, &d) == -1,
		    "no CUDA devices then");
	} else {
		ok(bp_cuda_driver_version() > 0, "CUDA driver version %d",
		    bp_cuda_driver_version());
	}
	setenv("BENCHPIPE_LIBDIR", "/nonexistent", 1);
	ok(bp_cuda_module(why, sizeof why) == NULL && strstr(why, "not loadable"),
	    "a missing CUDA module is a reason: %s", why);
	return done();
}
