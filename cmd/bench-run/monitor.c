/*
 * monitor.c - a thread that samples, every --monitor-interval, the
 * benchmark's process tree (resident memory and CPU use from /proc), each
 * GPU through NVML and the CPU packages' energy counters (RAPL), for the
 * peak and mean figures of the result and, with --monitor-records, a
 * time series.  Energy comes from counters read when the job starts and
 * ends (NVML's total energy, RAPL's energy_uj) wherever the hardware has
 * them; sampled power is only the fallback.  What could not be read is
 * absent from the records, never zero.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-run.h"
#include "json.h"
#include "nvml.h"
#include "sysfile.h"
#include "timeutil.h"

#define MAX_GPUS 64
#define MAX_RAPL 16

static struct {
	pthread_t th;
	int running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int active;
	struct job *job;
	uint64_t t0;
	double rss_peak;
	/* CPU use: clock ticks of the tree at the last sample */
	pid_t last_root;
	unsigned long long last_ticks;
	uint64_t last_t;
	/* GPUs watched: CUDA_VISIBLE_DEVICES, else all */
	int ngpu, gidx[MAX_GPUS];
	long gn, gutil_n, gpower_n;
	double gmem_peak, gutil_sum, gpower_sum, gjoules;
	double genergy0[MAX_GPUS];
	int genergy_ok;
	uint64_t glast_t;
	/* RAPL package domains */
	int nrapl;
	char *rapl[MAX_RAPL];
	double rapl_max[MAX_RAPL], rapl_last[MAX_RAPL], rapl_acc;
	int rapl_ok;
} mon = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
};

static _Atomic pid_t mon_pid;

void
monitor_pid(pid_t pid)
{
	atomic_store_explicit(&mon_pid, pid, memory_order_relaxed);
}

/* Resident pages and CPU clock ticks of pid and its descendants. */
static void
tree(pid_t pid, long long *pages, unsigned long long *ticks, int depth)
{
	char path[64], buf[1024], *p, *end;
	unsigned long long v[4];
	long long res;
	DIR *d;
	struct dirent *e;
	int i;

	snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	if (bp_sysfile_read(path, buf, sizeof buf) > 0 &&
	    sscanf(buf, "%*s %lld", &res) == 1)
		*pages += res;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (bp_sysfile_read(path, buf, sizeof buf) > 0 &&
	    (p = strrchr(buf, ')'))) {
		/* after the name: state is field 3, utime..cstime 14..17 */
		for (i = 0; i < 11 && p; i++)
			p = strchr(p + 1, ' ');
		for (i = 0; i < 4 && p; i++) {
			v[i] = strtoull(p + 1, &end, 10);
			p = end;
		}
		if (i == 4)
			*ticks += v[0] + v[1] + v[2] + v[3];
	}
	if (depth > 32)
		return;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		char cpath[320];

		if (e->d_name[0] == '.')
			continue;
		snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children",
		    (int)pid, e->d_name);
		if (bp_sysfile_read(cpath, buf, sizeof buf) <= 0)
			continue;
		for (p = buf; *p;) {
			long c = strtol(p, &end, 10);

			if (end == p)
				break;
			if (c > 0)
				tree((pid_t)c, pages, ticks, depth + 1);
			p = end;
		}
	}
	closedir(d);
}

static double
rapl_read(int i)
{
	char path[600];
	long long uj;

	snprintf(path, sizeof path, "%s/energy_uj", mon.rapl[i]);
	if (bp_sysfile_long(path, &uj) < 0)
		return -1;
	return (double)uj;
}

/* Adds what the RAPL counters moved since the last reading. */
static void
rapl_step(void)
{
	double now, d;
	int i;

	for (i = 0; i < mon.nrapl && mon.rapl_ok; i++) {
		if ((now = rapl_read(i)) < 0) {
			mon.rapl_ok = 0;
			break;
		}
		d = now - mon.rapl_last[i];
		if (d < 0)	/* the counter wrapped */
			d += mon.rapl_max[i];
		mon.rapl_acc += d / 1e6;
		mon.rapl_last[i] = now;
	}
}

static void
find_rapl(void)
{
	const char *dir = getenv("BENCHPIPE_POWERCAP");
	char path[600];
	struct dirent *e;
	long long max;
	DIR *d;

	if (!dir || !*dir)
		dir = "/sys/class/powercap";
	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d)) && mon.nrapl < MAX_RAPL) {
		const char *colon = strchr(e->d_name, ':');

		/* packages only: intel-rapl:0, not the subzone intel-rapl:0:0 */
		if (strncmp(e->d_name, "intel-rapl:", 11) || strchr(colon + 1, ':'))
			continue;
		snprintf(path, sizeof path, "%s/%s/max_energy_range_uj", dir,
		    e->d_name);
		if (bp_sysfile_long(path, &max) < 0)
			max = 0;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		mon.rapl[mon.nrapl] = bp_xstrdup(path);
		mon.rapl_max[mon.nrapl] = (double)max;
		if (rapl_read(mon.nrapl) < 0) {
			free(mon.rapl[mon.nrapl]);
			continue;
		}
		mon.nrapl++;
	}
	closedir(d);
}

static void
find_gpus(void)
{
	const char *cvd = getenv("CUDA_VISIBLE_DEVICES"), *p;
	char *end;
	long i;

	if (host.ngpu <= 0)
		return;
	if (cvd) {
		/* indices only; UUIDs and MIG names fall back to all GPUs */
		for (p = cvd; *p; p = *end ? end + 1 : end) {
			i = strtol(p, &end, 10);
			if (end == p || (*end && *end != ',') || i < 0 ||
			    i >= host.ngpu || mon.ngpu == MAX_GPUS) {
				mon.ngpu = 0;
				cvd = NULL;
				break;
			}
			mon.gidx[mon.ngpu++] = (int)i;
		}
		if (cvd)
			return;
	}
	for (i = 0; i < host.ngpu && i < MAX_GPUS; i++)
		mon.gidx[mon.ngpu++] = (int)i;
}

/* One sample of every watched GPU into the sums; gpus gets the
 * monitor record's array when not NULL. */
static void
gpu_sample(cJSON *gpus, uint64_t now)
{
	struct bp_gpu_sample s;
	double mem = 0, util = 0, power = 0;
	int i, nutil = 0, npower = 0;
	cJSON *o;

	for (i = 0; i < mon.ngpu; i++) {
		if (bp_nvml_sample(mon.gidx[i], &s) < 0)
			continue;
		if (s.memory_used_mib >= 0)
			mem += s.memory_used_mib;
		if (s.util_pct >= 0) {
			util += s.util_pct;
			nutil++;
		}
		if (s.power_w >= 0) {
			power += s.power_w;
			npower++;
		}
		if (!gpus)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "index", mon.gidx[i]);
		if (s.memory_used_mib >= 0)
			cJSON_AddNumberToObject(o, "mem_used_mib", s.memory_used_mib);
		if (s.util_pct >= 0)
			cJSON_AddNumberToObject(o, "util_pct", s.util_pct);
		if (s.power_w >= 0)
			cJSON_AddNumberToObject(o, "power_w", s.power_w);
		if (s.temp_c >= 0)
			cJSON_AddNumberToObject(o, "temp_c", s.temp_c);
		if (s.sm_clock_mhz >= 0)
			cJSON_AddNumberToObject(o, "sm_clock_mhz", s.sm_clock_mhz);
		cJSON_AddItemToArray(gpus, o);
	}
	if (mem > mon.gmem_peak)
		mon.gmem_peak = mem;
	if (nutil) {
		mon.gutil_sum += util / nutil;
		mon.gutil_n++;
	}
	if (npower) {
		mon.gpower_sum += power;
		mon.gpower_n++;
		if (mon.glast_t)
			mon.gjoules += power * (now - mon.glast_t) / 1e9;
		mon.glast_t = now;
	}
	mon.gn++;
}

static double
gpu_energy(int i)
{
	struct bp_gpu_sample s;

	if (bp_nvml_sample(mon.gidx[i], &s) < 0 || s.energy_mj < 0)
		return -1;
	return s.energy_mj;
}

/* One tick: the process tree, GPUs, RAPL; a monitor record if asked. */
static void
tick(void)
{
	struct bp_buf b = { 0 };
	long long pages = 0;
	unsigned long long ticks = 0;
	uint64_t now = bp_mono_ns();
	pid_t pid = atomic_load_explicit(&mon_pid, memory_order_relaxed);
	double rss = -1, cpu = -1;
	cJSON *r = NULL, *gpus = NULL;

	if (pid > 0) {
		tree(pid, &pages, &ticks, 0);
		/* 0 pages: a zombie, about to be reaped */
		if (pages > 0)
			rss = pages * (double)sysconf(_SC_PAGESIZE) / (1 << 20);
		if (rss > mon.rss_peak)
			mon.rss_peak = rss;
		if (pid == mon.last_root && mon.last_t && ticks >= mon.last_ticks)
			cpu = (ticks - mon.last_ticks) /
			    (double)sysconf(_SC_CLK_TCK) /
			    ((now - mon.last_t) / 1e9) * 100;
		mon.last_root = pid;
		mon.last_ticks = ticks;
		mon.last_t = now;
	}
	if (opt.monitor_records) {
		r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "kind", "monitor");
		cJSON_AddNumberToObject(r, "schema", 1);
		cJSON_AddStringToObject(r, "ts", ts_now());
		cJSON_AddStringToObject(r, "run_id", mon.job->run_id);
		cJSON_AddStringToObject(r, "host_id", host.id);
		cJSON_AddStringToObject(r, "model", opt.model);
		cJSON_AddStringToObject(r, "backend", opt.backend);
		cJSON_AddItemToObject(r, "params",
		    cJSON_Duplicate(mon.job->combo->params, 1));
		cJSON_AddItemToObject(r, "labels", cJSON_Duplicate(opt.labels, 1));
		cJSON_AddNumberToObject(r, "t_s", (now - mon.t0) / 1e9);
		if (rss >= 0)
			cJSON_AddNumberToObject(r, "rss_mb", rss);
		if (cpu >= 0)
			cJSON_AddNumberToObject(r, "cpu_pct", cpu);
		if (mon.ngpu)
			gpus = cJSON_AddArrayToObject(r, "gpus");
	}
	if (mon.ngpu)
		gpu_sample(gpus, now);
	if (mon.nrapl) {
		rapl_step();
		if (r && mon.rapl_ok)
			cJSON_AddNumberToObject(r, "cpu_energy_j", mon.rapl_acc);
	}
	if (r) {
		bp_json_write(&b, r, 0, NULL);
		bp_buf_addc(&b, '\n');
		/* a failed write is kept by out_write; main sees it */
		out_write(b.p, b.len);
		bp_buf_free(&b);
		cJSON_Delete(r);
	}
}

static void *
loop(void *arg)
{
	struct timespec at;
	uint64_t next = bp_mono_ns();

	(void)arg;
	pthread_mutex_lock(&mon.mu);
	while (!mon.stop) {
		next += (uint64_t)opt.monitor_ms * 1000000u;
		at.tv_sec = next / 1000000000u;
		at.tv_nsec = next % 1000000000u;
		while (!mon.stop && pthread_cond_timedwait(&mon.cv, &mon.mu,
		    &at) == 0)
			;
		if (mon.stop)
			break;
		if (next < bp_mono_ns())	/* fell behind: don't catch up */
			next = bp_mono_ns();
		if (mon.active)
			tick();
	}
	pthread_mutex_unlock(&mon.mu);
	return NULL;
}

void
monitor_init(void)
{
	pthread_condattr_t ca;

	find_gpus();
	find_rapl();
	if (opt.monitor_ms <= 0)
		return;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mon.cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&mon.th, NULL, loop, NULL) == 0)
		mon.running = 1;
}

void
monitor_begin(struct job *j)
{
	int i;

	pthread_mutex_lock(&mon.mu);
	mon.job = j;
	mon.t0 = bp_mono_ns();
	mon.rss_peak = -1;
	mon.last_root = 0;
	mon.last_t = 0;
	mon.gn = mon.gutil_n = mon.gpower_n = 0;
	mon.gmem_peak = mon.gutil_sum = mon.gpower_sum = mon.gjoules = 0;
	mon.glast_t = 0;
	mon.genergy_ok = mon.ngpu > 0;
	for (i = 0; i < mon.ngpu; i++)
		if ((mon.genergy0[i] = gpu_energy(i)) < 0)
			mon.genergy_ok = 0;
	mon.rapl_ok = mon.nrapl > 0;
	mon.rapl_acc = 0;
	for (i = 0; i < mon.nrapl; i++)
		if ((mon.rapl_last[i] = rapl_read(i)) < 0)
			mon.rapl_ok = 0;
	mon.active = 1;
	pthread_mutex_unlock(&mon.mu);
}

void
monitor_end(struct monitor_sum *ms)
{
	double e, sum = 0;
	int i;

	pthread_mutex_lock(&mon.mu);
	mon.active = 0;
	memset(ms, 0, sizeof *ms);
	ms->rss_peak_mb = mon.rss_peak;
	ms->gpu_energy_j = -1;
	ms->cpu_energy_j = -1;
	if (mon.ngpu) {
		if (mon.gn == 0)	/* shorter than one interval */
			gpu_sample(NULL, bp_mono_ns());
		for (i = 0; i < mon.ngpu && mon.genergy_ok; i++) {
			if ((e = gpu_energy(i)) < 0)
				mon.genergy_ok = 0;
			sum += (e - mon.genergy0[i]) / 1000;
		}
		ms->have_gpu = mon.gn > 0;
		ms->gpu_mem_peak_mib = mon.gmem_peak;
		ms->gpu_util_mean_pct = mon.gutil_n ?
		    mon.gutil_sum / mon.gutil_n : -1;
		ms->gpu_power_mean_w = mon.gpower_n ?
		    mon.gpower_sum / mon.gpower_n : -1;
		if (mon.genergy_ok)
			ms->gpu_energy_j = sum;
		else if (mon.glast_t)
			ms->gpu_energy_j = mon.gjoules;
	}
	if (mon.nrapl) {
		rapl_step();
		if (mon.rapl_ok)
			ms->cpu_energy_j = mon.rapl_acc;
	}
	mon.job = NULL;
	pthread_mutex_unlock(&mon.mu);
}

void
monitor_stop(void)
{
	int i;

	if (mon.running) {
		pthread_mutex_lock(&mon.mu);
		mon.stop = 1;
		pthread_cond_signal(&mon.cv);
		pthread_mutex_unlock(&mon.mu);
		pthread_join(mon.th, NULL);
		mon.running = 0;
	}
	for (i = 0; i < mon.nrapl; i++)
		free(mon.rapl[i]);
	mon.nrapl = 0;
}
