/*
 * cpu.c - CPU topology and memory: hwloc for the shape (packages, cores,
 * threads, caches, NUMA), /proc/cpuinfo for names and ISA flags, cpufreq
 * for clocks.  hwloc's I/O discovery stays off: it is slow and bench-detect
 * must answer in milliseconds.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "detect.h"
#include "sysfile.h"

/* The flags that decide which ML kernels a CPU can run. */
static const char *const ml_flags[] = {
	"sse4_2", "avx", "avx2", "fma", "f16c", "avx_vnni", "avx512f",
	"avx512dq", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16",
	"avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16",
	"asimd", "asimdhp", "asimddp", "sve", "sve2", "bf16", "i8mm",
};

static int
has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	const char *p = flags;

	while ((p = strstr(p, f))) {
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

static void
add_caches(cJSON *cpu, hwloc_topology_t topo)
{
	static const struct {
		hwloc_obj_type_t type;
		int level;
		const char *kind;
	} cache[] = {
		{ HWLOC_OBJ_L1CACHE, 1, "data" },
		{ HWLOC_OBJ_L1ICACHE, 1, "instruction" },
		{ HWLOC_OBJ_L2CACHE, 2, "unified" },
		{ HWLOC_OBJ_L3CACHE, 3, "unified" },
		{ HWLOC_OBJ_L4CACHE, 4, "unified" },
	};
	cJSON *arr = cJSON_AddArrayToObject(cpu, "caches");
	size_t i;

	for (i = 0; i < sizeof cache / sizeof cache[0]; i++) {
		int n = hwloc_get_nbobjs_by_type(topo, cache[i].type);
		hwloc_obj_t o;
		cJSON *c;

		if (n <= 0)
			continue;
		o = hwloc_get_obj_by_type(topo, cache[i].type, 0);
		c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "level", cache[i].level);
		cJSON_AddStringToObject(c, "type", cache[i].kind);
		cJSON_AddNumberToObject(c, "size_kib",
		    (double)o->attr->cache.size / 1024);
		cJSON_AddNumberToObject(c, "line_bytes", o->attr->cache.linesize);
		cJSON_AddNumberToObject(c, "count", n);
		cJSON_AddItemToArray(arr, c);
	}
}

static void
add_freq(cJSON *cpu)
{
	const char *base = "/sys/devices/system/cpu/cpu0/cpufreq/";
	char path[128], buf[64];
	long long khz;

	snprintf(path, sizeof path, "%sbase_frequency", base);
	if (bp_sysfile_long(path, &khz) == 0)
		cJSON_AddNumberToObject(cpu, "base_mhz", khz / 1000.0);
	snprintf(path, sizeof path, "%scpuinfo_max_freq", base);
	if (bp_sysfile_long(path, &khz) == 0)
		cJSON_AddNumberToObject(cpu, "max_mhz", khz / 1000.0);
	snprintf(path, sizeof path, "%sscaling_governor", base);
	if (bp_sysfile_read(path, buf, sizeof buf) > 0)
		cJSON_AddStringToObject(cpu, "governor", buf);
	else
		cJSON_AddNullToObject(cpu, "governor");
	snprintf(path, sizeof path, "%sscaling_driver", base);
	if (bp_sysfile_read(path, buf, sizeof buf) > 0)
		cJSON_AddStringToObject(cpu, "freq_driver", buf);
	if (bp_sysfile_field("/proc/cpuinfo", "cpu MHz", buf, sizeof buf) == 0)
		cJSON_AddNumberToObject(cpu, "current_mhz", atof(buf));
}

/*
 * The theoretical peak: cores x FMA units x vector lanes x 2 x clock.
 * How many FMA units a core has is not visible to software, so it is
 * assumed to be 2 (every server core since Haswell and Zen 2 but a few
 * AVX-512 parts) and the record says so.
 */
static void
add_peak(cJSON *cpu, const char *flags, int cores)
{
	double mhz = 0, lanes32;
	const cJSON *m;
	char basis[256];
	cJSON *peak;

	if ((m = cJSON_GetObjectItem(cpu, "max_mhz")))
		mhz = m->valuedouble;
	else if ((m = cJSON_GetObjectItem(cpu, "current_mhz")))
		mhz = m->valuedouble;
	if (mhz <= 0 || cores <= 0)
		return;
	lanes32 = has_flag(flags, "avx512f") ? 16 :
	    has_flag(flags, "avx2") || has_flag(flags, "avx") ? 8 : 4;
	peak = cJSON_AddObjectToObject(cpu, "peak_gflops");
	/* an estimate: a tenth of a GFLOP/s is all the precision it has */
	cJSON_AddNumberToObject(peak, "fp32",
	    round(cores * 2 * lanes32 * 2 * mhz / 1e2) / 10);
	cJSON_AddNumberToObject(peak, "fp64",
	    round(cores * 2 * lanes32 * mhz / 1e2) / 10);
	snprintf(basis, sizeof basis,
	    "%d cores x 2 FMA units (assumed) x %g fp32 lanes x 2 flops x %g MHz (%s)",
	    cores, lanes32, mhz, cJSON_GetObjectItem(cpu, "max_mhz") ?
	    "max clock" : "current clock");
	cJSON_AddStringToObject(peak, "basis", basis);
}

static void
add_memory(cJSON *host, cJSON *notes, hwloc_topology_t topo)
{
	cJSON *mem = cJSON_AddObjectToObject(host, "memory"), *numa;
	char buf[64], note[256];
	double total = 0, avail = 0, swap = 0, nodes_mib = 0;
	int i, n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);

	if (bp_sysfile_field("/proc/meminfo", "MemTotal", buf, sizeof buf) == 0)
		total = atof(buf) / 1024;
	if (bp_sysfile_field("/proc/meminfo", "MemAvailable", buf,
	    sizeof buf) == 0)
		avail = atof(buf) / 1024;
	if (bp_sysfile_field("/proc/meminfo", "SwapTotal", buf, sizeof buf) == 0)
		swap = atof(buf) / 1024;
	cJSON_AddNumberToObject(mem, "total_mib", total);
	cJSON_AddNumberToObject(mem, "available_mib", avail);
	cJSON_AddNumberToObject(mem, "swap_mib", swap);
	cJSON_AddStringToObject(mem, "total_source", "/proc/meminfo MemTotal");
	numa = cJSON_AddArrayToObject(mem, "numa");
	for (i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, i);
		double mib = o->attr->numanode.local_memory / 1048576.0;
		cJSON *node = cJSON_CreateObject();

		cJSON_AddNumberToObject(node, "node", o->os_index);
		cJSON_AddNumberToObject(node, "total_mib", mib);
		cJSON_AddItemToArray(numa, node);
		nodes_mib += mib;
	}
	cJSON_AddNumberToObject(mem, "numa_total_mib", nodes_mib);
	cJSON_AddStringToObject(mem, "numa_source", "hwloc NUMA node local memory");
	/* The two counts answer different questions; never hide a gap. */
	if (total > 0 && nodes_mib > 0 && (nodes_mib - total > total * 0.01 ||
	    total - nodes_mib > total * 0.01)) {
		snprintf(note, sizeof note,
		    "memory: the OS reports %.0f MiB usable (MemTotal) while "
		    "hwloc's NUMA nodes (/sys/devices/system/node) hold %.0f MiB; the difference is memory "
		    "the kernel reserved or a limit hwloc saw", total, nodes_mib);
		cJSON_AddItemToArray(notes, cJSON_CreateString(note));
	}
}

void
detect_cpu(cJSON *host, cJSON *notes, struct facts *f)
{
	hwloc_topology_t topo;
	hwloc_obj_t pkg;
	cJSON *cpu = cJSON_AddObjectToObject(host, "cpu"), *fl;
	char *flags = NULL, buf[256];
	const char *s;
	size_t i, cap = 0;
	FILE *fp;

	if (hwloc_topology_init(&topo) != 0)
		topo = NULL;
	if (!topo || hwloc_topology_load(topo) != 0) {
		/* a failed load leaves an initialised topology to free */
		if (topo)
			hwloc_topology_destroy(topo);
		cJSON_AddItemToArray(notes,
		    cJSON_CreateString("cpu: hwloc could not load the topology"));
		return;
	}
	pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
	if (bp_sysfile_field("/proc/cpuinfo", "vendor_id", buf, sizeof buf) == 0)
		cJSON_AddStringToObject(cpu, "vendor", buf);
	else if (pkg && (s = hwloc_obj_get_info_by_name(pkg, "CPUVendor")))
		cJSON_AddStringToObject(cpu, "vendor", s);
	if (bp_sysfile_field("/proc/cpuinfo", "model name", buf, sizeof buf) == 0)
		cJSON_AddStringToObject(cpu, "model", buf);
	else if (pkg && (s = hwloc_obj_get_info_by_name(pkg, "CPUModel")))
		cJSON_AddStringToObject(cpu, "model", s);
	f->cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	f->threads = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	cJSON_AddNumberToObject(cpu, "packages",
	    hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE));
	cJSON_AddNumberToObject(cpu, "cores", f->cores);
	cJSON_AddNumberToObject(cpu, "threads", f->threads);
	cJSON_AddNumberToObject(cpu, "numa_nodes",
	    hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
	add_caches(cpu, topo);

	/* the flags line can be long: read it whole */
	fp = fopen("/proc/cpuinfo", "re");
	if (fp) {
		while (getline(&flags, &cap, fp) > 0)
			if (!strncmp(flags, "flags", 5) ||
			    !strncmp(flags, "Features", 8))
				break;
		if (feof(fp) && flags)
			flags[0] = '\0';
		fclose(fp);
	}
	fl = cJSON_AddArrayToObject(cpu, "flags");
	if (flags && (s = strchr(flags, ':'))) {
		char *nl = strchr(s, '\n');

		if (nl)
			*nl = '\0';
		for (i = 0; i < sizeof ml_flags / sizeof ml_flags[0]; i++)
			if (has_flag(s + 1, ml_flags[i]))
				cJSON_AddItemToArray(fl,
				    cJSON_CreateString(ml_flags[i]));
		if (has_flag(s + 1, "hypervisor") && !f->hypervisor[0])
			snprintf(f->hypervisor, sizeof f->hypervisor, "unknown");
	}
	add_freq(cpu);
	add_peak(cpu, flags && (s = strchr(flags, ':')) ? s : "", f->cores);
	free(flags);
	add_memory(host, notes, topo);
	hwloc_topology_destroy(topo);
}
