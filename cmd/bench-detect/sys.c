/*
 * sys.c - the operating system, the software benchpipe was built with, the
 * host id, and pyperf-style noise checks: each says whether this machine
 * is in a state where timings can be trusted, and why not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#include <hwloc.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "cli.h"
#include "detect.h"
#include "hostid.h"
#include "json.h"
#include "nvml.h"
#include "sysfile.h"

/* The value of KEY= in /etc/os-release, unquoted. */
static int
os_release(const char *key, char *buf, size_t len)
{
	FILE *fp = fopen("/etc/os-release", "re");
	char line[512];
	size_t klen = strlen(key), n;
	int rc = -1;

	if (!fp)
		fp = fopen("/usr/lib/os-release", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp)) {
		char *v;

		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		v = line + klen + 1;
		n = strcspn(v, "\n");
		v[n] = '\0';
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v[n - 1] = '\0';
			v++;
		}
		snprintf(buf, len, "%s", v);
		rc = 0;
		break;
	}
	fclose(fp);
	return rc;
}

void
detect_os(cJSON *host)
{
	cJSON *os = cJSON_AddObjectToObject(host, "os");
	struct utsname u;
	char buf[256];

	if (os_release("NAME", buf, sizeof buf) == 0)
		cJSON_AddStringToObject(os, "name", buf);
	if (os_release("VERSION", buf, sizeof buf) == 0 ||
	    os_release("VERSION_ID", buf, sizeof buf) == 0)
		cJSON_AddStringToObject(os, "version", buf);
	if (os_release("ID", buf, sizeof buf) == 0)
		cJSON_AddStringToObject(os, "id", buf);
	if (uname(&u) == 0) {
		cJSON_AddStringToObject(os, "kernel", u.release);
		cJSON_AddStringToObject(os, "arch", u.machine);
		cJSON_AddStringToObject(host, "hostname", u.nodename);
	}
}

void
detect_software(cJSON *host)
{
	cJSON *sw = cJSON_AddObjectToObject(host, "software");
	unsigned hv = hwloc_get_api_version();
	char buf[64];

	cJSON_AddStringToObject(sw, "benchpipe", bp_version);
	cJSON_AddStringToObject(sw, "commit", bp_commit);
#if defined(__clang__)
	snprintf(buf, sizeof buf, "clang %s", __clang_version__);
#elif defined(__GNUC__)
	snprintf(buf, sizeof buf, "gcc %s", __VERSION__);
#else
	snprintf(buf, sizeof buf, "unknown");
#endif
	cJSON_AddStringToObject(sw, "compiler", buf);
	snprintf(buf, sizeof buf, "glibc %s", gnu_get_libc_version());
	cJSON_AddStringToObject(sw, "libc", buf);
	snprintf(buf, sizeof buf, "%u.%u.%u", hv >> 16, hv >> 8 & 0xff, hv & 0xff);
	cJSON_AddStringToObject(sw, "hwloc", buf);
	cJSON_AddStringToObject(sw, "cjson", cJSON_Version());
}

void
detect_host_id(cJSON *host)
{
	char id[BP_HOST_ID_LEN];

	/* lib/hostid.c: bench-run computes the same id for its records */
	bp_host_id(id, bp_json_str(host, "hostname"),
	    bp_json_str(host, "cpu.model"));
	cJSON_SetValuestring(cJSON_GetObjectItem(host, "host_id"), id);
}

static void
check(cJSON *arr, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
check(cJSON *arr, const char *name, int ok, const char *fmt, ...)
{
	cJSON *c = cJSON_CreateObject();
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddBoolToObject(c, "ok", ok);
	cJSON_AddStringToObject(c, "detail", detail);
	cJSON_AddItemToArray(arr, c);
}

static void
hypervisor_vendor(char *buf, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	char sig[13];

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	if (!strcmp(sig, "KVMKVMKVM"))
		snprintf(buf, len, "kvm");
	else if (!strncmp(sig, "Microsoft Hv", 12))
		snprintf(buf, len, "hyper-v");
	else if (!strcmp(sig, "VMwareVMware"))
		snprintf(buf, len, "vmware");
	else if (!strncmp(sig, "XenVMMXenVMM", 12))
		snprintf(buf, len, "xen");
	else if (!strncmp(sig, "TCGTCGTCGTCG", 12))
		snprintf(buf, len, "qemu");
	else
		snprintf(buf, len, "unknown (%s)", sig);
#else
	char t[64];

	if (bp_sysfile_read("/sys/hypervisor/type", t, sizeof t) > 0)
		snprintf(buf, len, "%s", t);
#endif
}

static void
cpu_checks(cJSON *arr, struct facts *f)
{
	const char *gov = "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor";
	char path[128], buf[64], first[64] = "";
	long long v;
	int i, same = 1, seen = 0;

	for (i = 0; i < f->threads; i++) {
		snprintf(path, sizeof path, gov, i);
		if (bp_sysfile_read(path, buf, sizeof buf) <= 0)
			continue;
		if (!seen++)
			snprintf(first, sizeof first, "%s", buf);
		else if (strcmp(first, buf))
			same = 0;
	}
	if (!seen)
		check(arr, "cpu_governor", 1,
		    "no cpufreq governor exposed (the clock is not scaled by this kernel)");
	else
		check(arr, "cpu_governor", same && !strcmp(first, "performance"),
		    same ? "governor %s on all %d CPUs%s" :
		    "governors differ between CPUs (cpu0: %s, %d CPUs)%s", first,
		    seen, same && !strcmp(first, "performance") ? "" :
		    "; 'performance' keeps clocks steady");

	if (bp_sysfile_long("/sys/devices/system/cpu/intel_pstate/no_turbo", &v) == 0)
		check(arr, "turbo", v == 1, v == 1 ? "turbo off (intel_pstate)" :
		    "turbo on (intel_pstate): clocks vary with load and heat");
	else if (bp_sysfile_long("/sys/devices/system/cpu/cpufreq/boost", &v) == 0)
		check(arr, "turbo", v == 0, v == 0 ? "boost off" :
		    "boost on: clocks vary with load and heat");
	else
		check(arr, "turbo", 1, "no turbo or boost control exposed");

	if (bp_sysfile_long("/proc/sys/kernel/randomize_va_space", &v) == 0)
		check(arr, "aslr", v == 2, v == 2 ? "full randomization" :
		    "randomize_va_space is %lld, not 2 (full)", v);

	if (bp_sysfile_long("/sys/devices/system/cpu/smt/active", &v) == 0)
		check(arr, "smt", v == 0, v == 0 ? "SMT inactive" :
		    "SMT active: sibling threads share a core's units");

	if (bp_sysfile_read("/proc/loadavg", buf, sizeof buf) > 0) {
		double load = atof(buf);
		int n = f->threads > 0 ? f->threads : 1;

		check(arr, "load", load < 0.5 * n,
		    "1-minute load average %.2f on %d CPUs%s", load, n,
		    load < 0.5 * n ? "" : ": other work competes for the CPUs");
	}
}

static void
memory_checks(cJSON *arr)
{
	char t[64], fr[64];
	double total, freekb;

	if (bp_sysfile_field("/proc/meminfo", "SwapTotal", t, sizeof t) ||
	    bp_sysfile_field("/proc/meminfo", "SwapFree", fr, sizeof fr))
		return;
	total = atof(t);
	freekb = atof(fr);
	if (total <= 0)
		check(arr, "swap", 1, "no swap");
	else
		check(arr, "swap", total - freekb < total * 0.01,
		    "%.0f MiB of %.0f MiB swap in use", (total - freekb) / 1024,
		    total / 1024);
}

void
detect_checks(cJSON *host, struct facts *f)
{
	cJSON *arr = cJSON_AddArrayToObject(host, "checks");
	struct bp_gpu g;
	char name[32];
	int i;

	cpu_checks(arr, f);
	memory_checks(arr);
	hypervisor_vendor(f->hypervisor, sizeof f->hypervisor);
	if (f->hypervisor[0])
		check(arr, "hypervisor", 0,
		    "running under a hypervisor (%s): steal time and shared caches add noise",
		    f->hypervisor);
	else
		check(arr, "hypervisor", 1, "bare metal");
	for (i = 0; i < f->gpu_count; i++) {
		if (bp_nvml_gpu(i, &g) < 0)
			continue;
		snprintf(name, sizeof name, "gpu%d_persistence", i);
		if (g.persistence_mode < 0)
			check(arr, name, 1, "persistence mode not reported");
		else
			check(arr, name, g.persistence_mode == 1,
			    g.persistence_mode == 1 ? "persistence mode on" :
			    "persistence mode off: the driver reinitializes between runs");
		snprintf(name, sizeof name, "gpu%d_clocks", i);
		if (g.cur_sm_clock_mhz > 0 && g.max_sm_clock_mhz > 0)
			check(arr, name, 1, "SM clock %d MHz of max %d MHz",
			    g.cur_sm_clock_mhz, g.max_sm_clock_mhz);
	}
}
