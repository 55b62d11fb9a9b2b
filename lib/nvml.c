/*
 * nvml.c - the few NVML calls benchpipe makes, resolved with dlopen so one
 * build runs on hosts with and without an NVIDIA driver.  The types below
 * mirror nvml.h's ABI (stable since NVML 7); only what is used is declared.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "nvml.h"

typedef void *nvmlDevice_t;
typedef struct {
	unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
	char busIdLegacy[16];
	unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
	char busId[32];
} nvmlPciInfo_t;
typedef struct {
	unsigned int gpu, memory;
} nvmlUtilization_t;

enum { NVML_CLOCK_GRAPHICS, NVML_CLOCK_SM, NVML_CLOCK_MEM };

static struct {
	void *dl;
	int (*init)(void);
	int (*shutdown)(void);
	const char *(*error_string)(int);
	int (*count)(unsigned int *);
	int (*handle)(unsigned int, nvmlDevice_t *);
	int (*name)(nvmlDevice_t, char *, unsigned int);
	int (*uuid)(nvmlDevice_t, char *, unsigned int);
	int (*pci)(nvmlDevice_t, nvmlPciInfo_t *);
	int (*memory)(nvmlDevice_t, nvmlMemory_t *);
	int (*cc)(nvmlDevice_t, int *, int *);
	int (*power_limit)(nvmlDevice_t, unsigned int *);
	int (*max_clock)(nvmlDevice_t, int, unsigned int *);
	int (*clock)(nvmlDevice_t, int, unsigned int *);
	int (*mig)(nvmlDevice_t, unsigned int *, unsigned int *);
	int (*persistence)(nvmlDevice_t, int *);
	int (*util)(nvmlDevice_t, nvmlUtilization_t *);
	int (*power)(nvmlDevice_t, unsigned int *);
	int (*temp)(nvmlDevice_t, int, unsigned int *);
	int (*energy)(nvmlDevice_t, unsigned long long *);
	int (*driver)(char *, unsigned int);
	int (*cuda_driver)(int *);
} nv;

#define SYM(field, name) (*(void **)&nv.field = dlsym(nv.dl, name))

int
bp_nvml_open(char *why, size_t whylen)
{
	int rc;

	if (nv.dl)
		return 0;
	nv.dl = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!nv.dl) {
		snprintf(why, whylen, "no NVIDIA driver (libnvidia-ml.so.1 not found)");
		return -1;
	}
	if (!SYM(init, "nvmlInit_v2") || !SYM(count, "nvmlDeviceGetCount_v2") ||
	    !SYM(handle, "nvmlDeviceGetHandleByIndex_v2") ||
	    !SYM(shutdown, "nvmlShutdown")) {
		snprintf(why, whylen, "libnvidia-ml.so.1 lacks nvmlInit_v2");
		dlclose(nv.dl);
		nv.dl = NULL;
		return -1;
	}
	SYM(error_string, "nvmlErrorString");
	SYM(name, "nvmlDeviceGetName");
	SYM(uuid, "nvmlDeviceGetUUID");
	SYM(pci, "nvmlDeviceGetPciInfo_v3");
	SYM(memory, "nvmlDeviceGetMemoryInfo");
	SYM(cc, "nvmlDeviceGetCudaComputeCapability");
	SYM(power_limit, "nvmlDeviceGetPowerManagementLimit");
	SYM(max_clock, "nvmlDeviceGetMaxClockInfo");
	SYM(clock, "nvmlDeviceGetClockInfo");
	SYM(mig, "nvmlDeviceGetMigMode");
	SYM(persistence, "nvmlDeviceGetPersistenceMode");
	SYM(util, "nvmlDeviceGetUtilizationRates");
	SYM(power, "nvmlDeviceGetPowerUsage");
	SYM(temp, "nvmlDeviceGetTemperature");
	SYM(energy, "nvmlDeviceGetTotalEnergyConsumption");
	SYM(driver, "nvmlSystemGetDriverVersion");
	SYM(cuda_driver, "nvmlSystemGetCudaDriverVersion_v2");
	if (!nv.cuda_driver)
		SYM(cuda_driver, "nvmlSystemGetCudaDriverVersion");
	rc = nv.init();
	if (rc != 0) {
		snprintf(why, whylen, "NVML did not initialize: %s",
		    nv.error_string ? nv.error_string(rc) : "error");
		dlclose(nv.dl);
		nv.dl = NULL;
		return -1;
	}
	return 0;
}

void
bp_nvml_close(void)
{
	if (!nv.dl)
		return;
	nv.shutdown();
	dlclose(nv.dl);
	memset(&nv, 0, sizeof nv);
}

int
bp_nvml_count(void)
{
	unsigned int n = 0;

	if (!nv.dl || nv.count(&n) != 0)
		return 0;
	return (int)n;
}

static nvmlDevice_t
device(int index)
{
	nvmlDevice_t d = NULL;

	if (!nv.dl || nv.handle((unsigned)index, &d) != 0)
		return NULL;
	return d;
}

int
bp_nvml_gpu(int index, struct bp_gpu *g)
{
	nvmlDevice_t d = device(index);
	nvmlMemory_t mem;
	nvmlPciInfo_t pci;
	unsigned int u, cur, pend;
	int mode;

	memset(g, 0, sizeof *g);
	g->index = index;
	g->memory_total_mib = g->power_limit_w = -1;
	g->cc_major = g->cc_minor = g->max_sm_clock_mhz = -1;
	g->max_mem_clock_mhz = g->mig_mode = g->persistence_mode = -1;
	g->cur_sm_clock_mhz = -1;
	if (!d)
		return -1;
	if (nv.name)
		nv.name(d, g->name, sizeof g->name);
	if (nv.uuid)
		nv.uuid(d, g->uuid, sizeof g->uuid);
	if (nv.pci && nv.pci(d, &pci) == 0)
		snprintf(g->pci_bus_id, sizeof g->pci_bus_id, "%s", pci.busId);
	if (nv.memory && nv.memory(d, &mem) == 0)
		g->memory_total_mib = mem.total / 1048576.0;
	if (nv.cc)
		nv.cc(d, &g->cc_major, &g->cc_minor);
	if (nv.power_limit && nv.power_limit(d, &u) == 0)
		g->power_limit_w = u / 1000.0;
	if (nv.max_clock && nv.max_clock(d, NVML_CLOCK_SM, &u) == 0)
		g->max_sm_clock_mhz = u;
	if (nv.max_clock && nv.max_clock(d, NVML_CLOCK_MEM, &u) == 0)
		g->max_mem_clock_mhz = u;
	if (nv.clock && nv.clock(d, NVML_CLOCK_SM, &u) == 0)
		g->cur_sm_clock_mhz = u;
	if (nv.mig)
		g->mig_mode = nv.mig(d, &cur, &pend) == 0 ? (int)cur : -1;
	if (nv.persistence && nv.persistence(d, &mode) == 0)
		g->persistence_mode = mode;
	return 0;
}

int
bp_nvml_sample(int index, struct bp_gpu_sample *s)
{
	nvmlDevice_t d = device(index);
	nvmlMemory_t mem;
	nvmlUtilization_t ut;
	unsigned long long e;
	unsigned int u;

	s->memory_used_mib = s->util_pct = s->power_w = s->temp_c = -1;
	s->sm_clock_mhz = s->energy_mj = -1;
	if (!d)
		return -1;
	if (nv.memory && nv.memory(d, &mem) == 0)
		s->memory_used_mib = mem.used / 1048576.0;
	if (nv.util && nv.util(d, &ut) == 0)
		s->util_pct = ut.gpu;
	if (nv.power && nv.power(d, &u) == 0)
		s->power_w = u / 1000.0;
	if (nv.temp && nv.temp(d, 0, &u) == 0)
		s->temp_c = u;
	if (nv.clock && nv.clock(d, NVML_CLOCK_SM, &u) == 0)
		s->sm_clock_mhz = u;
	if (nv.energy && nv.energy(d, &e) == 0)
		s->energy_mj = (double)e;
	return 0;
}

void
bp_nvml_driver_version(char *buf, size_t len)
{
	buf[0] = '\0';
	if (nv.dl && nv.driver && nv.driver(buf, (unsigned)len) != 0)
		buf[0] = '\0';
}

int
bp_nvml_cuda_driver_version(void)
{
	int v;

	if (nv.dl && nv.cuda_driver && nv.cuda_driver(&v) == 0)
		return v;
	return -1;
}
