/*
 * gpu.c - GPUs and the backends they make available.  NVIDIA GPUs come
 * from NVML, with the SM count from the CUDA driver (NVML does not tell
 * it); other accelerators from what /sys/class/drm says.  A missing
 * driver is a note, never an error.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "cuda.h"
#include "detect.h"
#include "nvml.h"
#include "sysfile.h"

static void
num_or_null(cJSON *o, const char *k, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, k);
	else
		cJSON_AddNumberToObject(o, k, v);
}

static void
version_string(char *buf, size_t len, int v)
{
	/* CUDA encodes 12.4 as 12040 */
	if (v > 0)
		snprintf(buf, len, "%d.%d", v / 1000, v % 1000 / 10);
	else
		snprintf(buf, len, "unknown");
}

void
detect_gpus(cJSON *host, cJSON *notes, struct facts *f)
{
	cJSON *gpus = cJSON_AddArrayToObject(host, "gpus");
	char why[256], cwhy[256], drv[80], cudav[16], note[400];
	struct bp_cuda_dev cd;
	struct bp_gpu g;
	int i, n, have_cuda;

	if (bp_nvml_open(why, sizeof why) < 0) {
		snprintf(note, sizeof note, "gpus: %s", why);
		cJSON_AddItemToArray(notes, cJSON_CreateString(note));
		snprintf(f->cuda_why, sizeof f->cuda_why, "%s", why);
		return;
	}
	have_cuda = bp_cuda_open(cwhy, sizeof cwhy) == 0;
	if (!have_cuda) {
		snprintf(note, sizeof note, "gpus: SM counts unknown: %s", cwhy);
		cJSON_AddItemToArray(notes, cJSON_CreateString(note));
		snprintf(f->cuda_why, sizeof f->cuda_why, "%s", cwhy);
	}
	bp_nvml_driver_version(drv, sizeof drv);
	version_string(cudav, sizeof cudav, bp_nvml_cuda_driver_version());
	n = bp_nvml_count();
	f->gpu_count = n;
	for (i = 0; i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		char cc[16];

		if (bp_nvml_gpu(i, &g) < 0) {
			cJSON_Delete(o);
			continue;
		}
		cJSON_AddNumberToObject(o, "index", i);
		cJSON_AddStringToObject(o, "vendor", "nvidia");
		cJSON_AddStringToObject(o, "name", g.name);
		cJSON_AddStringToObject(o, "uuid", g.uuid);
		cJSON_AddStringToObject(o, "pci_bus_id", g.pci_bus_id);
		num_or_null(o, "memory_total_mib", g.memory_total_mib);
		if (g.cc_major >= 0) {
			snprintf(cc, sizeof cc, "%d.%d", g.cc_major, g.cc_minor);
			cJSON_AddStringToObject(o, "compute_capability", cc);
		} else {
			cJSON_AddNullToObject(o, "compute_capability");
		}
		/* NVML and CUDA both number devices by PCI order by default;
		 * CUDA_VISIBLE_DEVICES would break that, so match by name */
		if (have_cuda && bp_cuda_dev(i, &cd) == 0 &&
		    strcmp(cd.name, g.name) == 0)
			num_or_null(o, "sm_count", cd.sm_count);
		else
			cJSON_AddNullToObject(o, "sm_count");
		cJSON_AddStringToObject(o, "driver_version", drv);
		cJSON_AddStringToObject(o, "cuda_driver_version", cudav);
		num_or_null(o, "power_limit_w", g.power_limit_w);
		num_or_null(o, "max_sm_clock_mhz", g.max_sm_clock_mhz);
		num_or_null(o, "max_mem_clock_mhz", g.max_mem_clock_mhz);
		if (g.mig_mode < 0)
			cJSON_AddNullToObject(o, "mig_mode");
		else
			cJSON_AddBoolToObject(o, "mig_mode", g.mig_mode == 1);
		if (g.persistence_mode < 0)
			cJSON_AddNullToObject(o, "persistence_mode");
		else
			cJSON_AddBoolToObject(o, "persistence_mode",
			    g.persistence_mode == 1);
		cJSON_AddItemToArray(gpus, o);
	}
	if (n == 0 && !f->cuda_why[0])
		snprintf(f->cuda_why, sizeof f->cuda_why,
		    "the NVIDIA driver sees no GPU");
}

/* PCI vendor ids of the accelerators sysfs may show. */
static const char *
vendor_name(const char *id)
{
	if (!strcmp(id, "0x1002"))
		return "amd";
	if (!strcmp(id, "0x8086"))
		return "intel";
	if (!strcmp(id, "0x10de"))
		return "nvidia";
	return id;
}

void
detect_accelerators(cJSON *host)
{
	cJSON *arr = cJSON_AddArrayToObject(host, "accelerators");
	DIR *d = opendir("/sys/class/drm");
	struct dirent *e;
	char path[512], buf[256];
	long long v;

	if (!d)
		return;
	while ((e = readdir(d))) {
		cJSON *o;
		char *slash;

		/* cardN only: renderD and connectors repeat the same device */
		if (strncmp(e->d_name, "card", 4) || strchr(e->d_name, '-'))
			continue;
		snprintf(path, sizeof path, "/sys/class/drm/%s/device/vendor",
		    e->d_name);
		if (bp_sysfile_read(path, buf, sizeof buf) <= 0)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "device", e->d_name);
		cJSON_AddStringToObject(o, "vendor", vendor_name(buf));
		snprintf(path, sizeof path, "/sys/class/drm/%s/device/device",
		    e->d_name);
		if (bp_sysfile_read(path, buf, sizeof buf) > 0)
			cJSON_AddStringToObject(o, "pci_device_id", buf);
		snprintf(path, sizeof path, "/sys/class/drm/%s/device/driver",
		    e->d_name);
		{
			char link[256];
			ssize_t n = readlink(path, link, sizeof link - 1);

			if (n > 0) {
				link[n] = '\0';
				slash = strrchr(link, '/');
				cJSON_AddStringToObject(o, "driver",
				    slash ? slash + 1 : link);
			}
		}
		snprintf(path, sizeof path,
		    "/sys/class/drm/%s/device/mem_info_vram_total", e->d_name);
		if (bp_sysfile_long(path, &v) == 0)
			cJSON_AddNumberToObject(o, "memory_total_mib",
			    v / 1048576.0);
		cJSON_AddItemToArray(arr, o);
	}
	closedir(d);
}

void
detect_backends(cJSON *host, struct facts *f)
{
	cJSON *b = cJSON_AddObjectToObject(host, "backends"), *cpu, *cuda;
	const struct bp_cuda_module *mod;
	char why[512], ver[16];

	cpu = cJSON_AddObjectToObject(b, "cpu");
	cJSON_AddBoolToObject(cpu, "available", 1);
	cJSON_AddStringToObject(cpu, "blas", openblas_get_config());
	cJSON_AddNumberToObject(cpu, "blas_threads", openblas_get_num_threads());
	cJSON_AddStringToObject(cpu, "blas_core", openblas_get_corename());

	cuda = cJSON_AddObjectToObject(b, "cuda");
	if (f->cuda_why[0]) {
		cJSON_AddBoolToObject(cuda, "available", 0);
		cJSON_AddStringToObject(cuda, "reason", f->cuda_why);
		return;
	}
	mod = bp_cuda_module(why, sizeof why);
	if (!mod) {
		cJSON_AddBoolToObject(cuda, "available", 0);
		cJSON_AddStringToObject(cuda, "reason", why);
		return;
	}
	cJSON_AddBoolToObject(cuda, "available", 1);
	version_string(ver, sizeof ver, bp_cuda_driver_version());
	cJSON_AddStringToObject(cuda, "driver_api", ver);
	version_string(ver, sizeof ver, mod->runtime_version());
	cJSON_AddStringToObject(cuda, "runtime", ver);
	if (mod->cublas_version() > 0) {
		int v = mod->cublas_version();

		snprintf(ver, sizeof ver, "%d.%d.%d", v / 10000 % 100,
		    v / 100 % 100, v % 100);
		cJSON_AddStringToObject(cuda, "cublas", ver);
	}
}
