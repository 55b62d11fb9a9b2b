/*
 * modelutil.c - the parts the built-in models share.  Nothing here may
 * end the program: a model reports every failure through struct model_err
 * and the harness turns it into a result record.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <hwloc.h>

#include "cli.h"
#include "cuda.h"
#include "json.h"
#include "modelutil.h"
#include "sysfile.h"

int
model_fail(struct model_err *err, const char *type, const char *fmt, ...)
{
	va_list ap;

	err->type = type;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static const struct model_param *
model_param_decl(const struct model *m, const char *key)
{
	const struct model_param *p;

	for (p = m->params; p->name; p++)
		if (strcmp(p->name, key) == 0)
			return p;
	return NULL;
}

static int
model_has_backend(const struct model *m, const char *backend)
{
	size_t len = strlen(backend);
	const char *s = m->backends;

	while (*s) {
		if (strncmp(s, backend, len) == 0 && (s[len] == ',' ||
		    s[len] == '\0'))
			return 1;
		s = strchr(s, ',');
		if (!s)
			break;
		s++;
	}
	return 0;
}

int
model_check_env(const struct model *m, const struct model_env *env,
    struct model_err *err)
{
	const struct model_param *p;
	const cJSON *it;
	char known[256] = "";
	size_t len = 0;

	if (!env->backend || !model_has_backend(m, env->backend))
		return model_fail(err, "unsupported",
		    "model %s runs on %s, not on backend %s", m->name,
		    m->backends, env->backend ? env->backend : "(none)");
	cJSON_ArrayForEach(it, env->params) {
		if (model_param_decl(m, it->string))
			continue;
		for (p = m->params; p->name && len < sizeof known; p++)
			len += snprintf(known + len, sizeof known - len, "%s%s",
			    p == m->params ? "" : ", ", p->name);
		return model_fail(err, "execution_error",
		    "model %s has no param '%s' (it has: %s)", m->name,
		    it->string, known);
	}
	return 0;
}

const char *
model_param_str(const struct model *m, const struct model_env *env,
    const char *key, char *buf, size_t len)
{
	const struct model_param *p = model_param_decl(m, key);
	const cJSON *v = env->params ?
	    cJSON_GetObjectItemCaseSensitive(env->params, key) : NULL;

	if (cJSON_IsString(v))
		return v->valuestring;
	if (cJSON_IsNumber(v)) {
		snprintf(buf, len, "%.17g", v->valuedouble);
		return buf;
	}
	return p ? p->def : NULL;
}

int
model_param_long(const struct model *m, const struct model_env *env,
    const char *key, long min, long max, long *out, struct model_err *err)
{
	char buf[64];
	const char *s = model_param_str(m, env, key, buf, sizeof buf);

	if (!s || bp_parse_long(s, out) != 0)
		return model_fail(err, "execution_error",
		    "param %s: expected an integer, got '%s'", key,
		    s ? s : "");
	if (*out < min || *out > max)
		return model_fail(err, "execution_error",
		    "param %s: %ld is out of range [%ld, %ld]", key, *out,
		    min, max);
	return 0;
}

int
model_param_double(const struct model *m, const struct model_env *env,
    const char *key, double min, double max, double *out,
    struct model_err *err)
{
	char buf[64];
	const char *s = model_param_str(m, env, key, buf, sizeof buf);

	if (!s || bp_parse_double(s, out) != 0 || !isfinite(*out))
		return model_fail(err, "execution_error",
		    "param %s: expected a number, got '%s'", key, s ? s : "");
	if (*out < min || *out > max)
		return model_fail(err, "execution_error",
		    "param %s: %g is out of range [%g, %g]", key, *out, min,
		    max);
	return 0;
}

int
model_param_size(const struct model *m, const struct model_env *env,
    const char *key, unsigned long long *out, struct model_err *err)
{
	static const char units[] = "KMGT";
	char buf[64], num[64];
	const char *s = model_param_str(m, env, key, buf, sizeof buf), *u;
	size_t n;
	double v, scale = 1;

	if (s && strcmp(s, "auto") == 0) {
		*out = 0;
		return 0;
	}
	for (n = 0; s && s[n] && (isdigit((unsigned char)s[n]) ||
	    s[n] == '.' || s[n] == 'e' || s[n] == '+'); n++)
		;
	if (!s || n == 0 || n >= sizeof num)
		goto bad;
	memcpy(num, s, n);
	num[n] = '\0';
	if (bp_parse_double(num, &v) != 0)
		goto bad;
	if (s[n]) {
		u = strchr(units, toupper((unsigned char)s[n]));
		if (!u || (s[n + 1] && strcmp(s + n + 1, "iB") != 0 &&
		    strcmp(s + n + 1, "B") != 0 && strcmp(s + n + 1, "b") != 0))
			goto bad;
		scale = pow(1024, u - units + 1);
	}
	v *= scale;
	if (!(v >= 1 && v < 1e18))
		goto bad;
	*out = (unsigned long long)v;
	return 0;
bad:
	return model_fail(err, "execution_error",
	    "param %s: expected a size in bytes (e.g. 64M, 1G), got '%s'",
	    key, s ? s : "");
}

int
model_param_choice(const struct model *m, const struct model_env *env,
    const char *key, const char *choices, int *out, struct model_err *err)
{
	char buf[64];
	const char *s = model_param_str(m, env, key, buf, sizeof buf);
	const char *c = choices;
	size_t len = s ? strlen(s) : 0;
	int i;

	for (i = 0; s && c; i++) {
		if (strncmp(c, s, len) == 0 && (c[len] == '|' || !c[len])) {
			*out = i;
			return 0;
		}
		c = strchr(c, '|');
		if (c)
			c++;
	}
	return model_fail(err, "execution_error",
	    "param %s: expected one of %s, got '%s'", key, choices,
	    s ? s : "");
}

static hwloc_topology_t
model_topology(void)
{
	static hwloc_topology_t topo;
	static int tried;

	if (!tried) {
		tried = 1;
		if (hwloc_topology_init(&topo) != 0)
			return NULL;
		if (hwloc_topology_load(topo) != 0) {
			hwloc_topology_destroy(topo);
			topo = NULL;
		}
	}
	return topo;
}

int
model_cpu_threads(const struct model_env *env)
{
	hwloc_topology_t topo = model_topology();
	hwloc_bitmap_t set;
	cpu_set_t cs;
	int n = 0;

	if (env->threads > 0)
		return env->threads;
	if (topo && (set = hwloc_bitmap_alloc())) {
		if (hwloc_get_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) == 0)
			n = hwloc_get_nbobjs_inside_cpuset_by_type(topo, set,
			    HWLOC_OBJ_CORE);
		hwloc_bitmap_free(set);
	}
	if (n <= 0 && sched_getaffinity(0, sizeof cs, &cs) == 0)
		n = CPU_COUNT(&cs);
	return n > 0 ? n : 1;
}

unsigned long long
model_llc_bytes(void)
{
	static const hwloc_obj_type_t levels[] = {
		HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
	};
	hwloc_topology_t topo = model_topology();
	unsigned long long size = 0;
	char path[128], buf[64];
	long long level, best = 0;
	size_t i;
	int idx;

	/* all of them: on chiplet CPUs each CCX has an L3 of its own */
	for (i = 0; topo && i < sizeof levels / sizeof levels[0]; i++) {
		int j, n = hwloc_get_nbobjs_by_type(topo, levels[i]);

		for (j = 0; j < n; j++)
			size += hwloc_get_obj_by_type(topo, levels[i], j)->attr->
			    cache.size;
		if (size > 0)
			return size;
	}
	for (idx = 0; idx < 16; idx++) {
		snprintf(path, sizeof path,
		    "/sys/devices/system/cpu/cpu0/cache/index%d/level", idx);
		if (bp_sysfile_long(path, &level) != 0)
			break;
		snprintf(path, sizeof path,
		    "/sys/devices/system/cpu/cpu0/cache/index%d/size", idx);
		if (level >= best && bp_sysfile_read(path, buf,
		    sizeof buf) > 0) {
			best = level;
			size = strtoull(buf, NULL, 10) *
			    (strchr(buf, 'M') ? 1048576 : 1024);
		}
	}
	return size;
}

uint64_t
model_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

float
model_rand_sym(uint64_t *state)
{
	/* odd multiples of 2^-24 in (-1, 1): exact in float, never 0 */
	int32_t r = (int32_t)(model_rand(state) >> 40) - (1 << 23);

	return (float)(2 * r + 1) / (float)(1 << 24);
}

void *
model_alloc(size_t bytes)
{
	void *p;
	size_t align = bytes >= (4u << 20) ? (2u << 20) : 64;

	if (bytes == 0)
		bytes = 1;
	if (posix_memalign(&p, align, bytes) != 0)
		return NULL;
	/* fewer TLB misses on large arrays; a hint, so no check */
	if (align > 64)
		madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

double
model_peak_rss_mb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_maxrss / 1024.0;
}

void
model_set_num(cJSON *result, const char *name, double value)
{
	bp_json_set(result, name, cJSON_CreateNumber(value));
}

void
model_set_check(cJSON *result, int ok, double rel_err)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddBoolToObject(c, "ok", ok);
	if (isfinite(rel_err))
		cJSON_AddNumberToObject(c, "rel_err", rel_err);
	else
		cJSON_AddNullToObject(c, "rel_err");
	bp_json_set(result, "check", c);
}

const struct bp_cuda_module *
model_cuda(struct model_err *err)
{
	const struct bp_cuda_module *mod;
	char why[400], name[128];
	int rc;

	if (bp_cuda_open(why, sizeof why) != 0) {
		model_fail(err, "unsupported", "no GPU: %s", why);
		return NULL;
	}
	if (bp_cuda_count() <= 0) {
		model_fail(err, "unsupported", "no GPU: the CUDA driver sees "
		    "no device");
		return NULL;
	}
	mod = bp_cuda_module(why, sizeof why);
	if (!mod) {
		model_fail(err, "unsupported", "%s", why);
		return NULL;
	}
	rc = mod->device(name, sizeof name, why, sizeof why);
	if (rc != BP_CUDA_OK) {
		model_cuda_fail(rc, why, err);
		return NULL;
	}
	return mod;
}

int
model_cuda_fail(int rc, const char *why, struct model_err *err)
{
	const char *type = rc == BP_CUDA_EUNSUPPORTED ? "unsupported" :
	    rc == BP_CUDA_EOOM ? "oom" : "execution_error";

	return model_fail(err, type, "%s", why);
}
