/*
 * cuda.c - the CUDA driver API (libcuda.so.1) and benchpipe's own CUDA
 * module, both opened at run time: callers get "unavailable" and a reason,
 * never a link error, on hosts without a GPU.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cuda.h"

enum {
	CU_ATTR_SM_COUNT = 16,
	CU_ATTR_CC_MAJOR = 75,
	CU_ATTR_CC_MINOR = 76,
};

static struct {
	void *dl;
	int (*init)(unsigned);
	int (*version)(int *);
	int (*count)(int *);
	int (*get)(int *, int);
	int (*name)(char *, int, int);
	int (*attr)(int *, int, int);
	int (*mem)(size_t *, int);
	int (*errstr)(int, const char **);
} cu;

#define SYM(field, name) (*(void **)&cu.field = dlsym(cu.dl, name))

int
bp_cuda_open(char *why, size_t whylen)
{
	const char *msg = NULL;
	int rc;

	if (cu.dl)
		return 0;
	cu.dl = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!cu.dl) {
		snprintf(why, whylen, "no NVIDIA driver (libcuda.so.1 not found)");
		return -1;
	}
	if (!SYM(init, "cuInit") || !SYM(version, "cuDriverGetVersion") ||
	    !SYM(count, "cuDeviceGetCount") || !SYM(get, "cuDeviceGet") ||
	    !SYM(name, "cuDeviceGetName") ||
	    !SYM(attr, "cuDeviceGetAttribute") ||
	    !SYM(mem, "cuDeviceTotalMem_v2")) {
		snprintf(why, whylen, "libcuda.so.1 lacks the driver API");
		goto fail;
	}
	SYM(errstr, "cuGetErrorString");
	rc = cu.init(0);
	if (rc != 0) {
		if (cu.errstr)
			cu.errstr(rc, &msg);
		snprintf(why, whylen, "cuInit failed: %s (%d)",
		    msg ? msg : "error", rc);
		goto fail;
	}
	return 0;
fail:
	dlclose(cu.dl);
	memset(&cu, 0, sizeof cu);
	return -1;
}

int
bp_cuda_driver_version(void)
{
	int v;

	return cu.dl && cu.version(&v) == 0 ? v : -1;
}

int
bp_cuda_count(void)
{
	int n;

	return cu.dl && cu.count(&n) == 0 ? n : 0;
}

int
bp_cuda_dev(int ordinal, struct bp_cuda_dev *d)
{
	size_t bytes = 0;
	int dev;

	memset(d, 0, sizeof *d);
	d->cc_major = d->cc_minor = d->sm_count = -1;
	d->memory_total_mib = -1;
	if (!cu.dl || cu.get(&dev, ordinal) != 0)
		return -1;
	cu.name(d->name, sizeof d->name, dev);
	cu.attr(&d->sm_count, CU_ATTR_SM_COUNT, dev);
	cu.attr(&d->cc_major, CU_ATTR_CC_MAJOR, dev);
	cu.attr(&d->cc_minor, CU_ATTR_CC_MINOR, dev);
	if (cu.mem(&bytes, dev) == 0)
		d->memory_total_mib = bytes / 1048576.0;
	return 0;
}

const struct bp_cuda_module *
bp_cuda_module(char *why, size_t whylen)
{
	static const struct bp_cuda_module *mod;
	const struct bp_cuda_module *(*get)(void);
	char path[4096];
	void *dl;

	if (mod)
		return mod;
	snprintf(path, sizeof path, "%s/bench-cuda.so", bp_libdir());
	dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		snprintf(why, whylen, "CUDA module not loadable: %s", dlerror());
		return NULL;
	}
	*(void **)&get = dlsym(dl, "bp_cuda_module_get");
	if (!get || !get() || get()->abi != BP_CUDA_ABI) {
		snprintf(why, whylen, "%s: not a benchpipe CUDA module of ABI %d",
		    path, BP_CUDA_ABI);
		dlclose(dl);
		return NULL;
	}
	mod = get();
	return mod;
}
