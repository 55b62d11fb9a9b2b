/*
 * modelutil.h - what the built-in models share: reading their params,
 * the CPU's cores and last-level cache, a seeded random generator, big
 * allocations that fail softly, the "check" object, and the way to the
 * CUDA module.
 */
#ifndef BENCH_RUN_MODELUTIL_H
#define BENCH_RUN_MODELUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "bp_cuda_module.h"
#include "model.h"

/* Fills err; always returns -1, so that `return model_fail(...)` reads. */
int model_fail(struct model_err *err, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Refuses a param the model does not declare, and a backend it does not
 * list (type "unsupported").  0, or -1 with err.
 */
int model_check_env(const struct model *m, const struct model_env *env,
    struct model_err *err);

/* The param as text: given (numbers formatted back), else the declared
 * default, else NULL.  buf holds a formatted number. */
const char *model_param_str(const struct model *m,
    const struct model_env *env, const char *key, char *buf, size_t len);

/*
 * Typed params: the value given in env->params (a string, or a number
 * where the harness parsed one), else the model's declared default.
 * Out-of-range or malformed values fail with a message naming the param.
 */
int model_param_long(const struct model *m, const struct model_env *env,
    const char *key, long min, long max, long *out, struct model_err *err);
int model_param_double(const struct model *m, const struct model_env *env,
    const char *key, double min, double max, double *out,
    struct model_err *err);
/* A byte count with an optional K, M, G or T suffix (powers of 1024;
 * "KiB" and "KB" mean the same); "auto" gives 0. */
int model_param_size(const struct model *m, const struct model_env *env,
    const char *key, unsigned long long *out, struct model_err *err);
/* One of the comma-free words in choices ("fp32|fp64"): its index. */
int model_param_choice(const struct model *m, const struct model_env *env,
    const char *key, const char *choices, int *out, struct model_err *err);

/* Worker threads for a CPU model: env->threads, else the cores of the
 * process's CPU binding (hwloc), else the CPUs it may run on. */
int model_cpu_threads(const struct model_env *env);
/* Bytes of last-level cache in the machine, all instances together
 * (hwloc; else sysfs, one instance), or 0. */
unsigned long long model_llc_bytes(void);

/* splitmix64: small, fast, and the same numbers on every machine. */
uint64_t model_rand(uint64_t *state);
/* Uniform in [-1, 1) with 24 random bits, never exactly 0. */
float model_rand_sym(uint64_t *state);

/* 64-byte aligned, huge-page advised memory; NULL when out of memory
 * (models report "oom" instead of ending the program); free() it. */
void *model_alloc(size_t bytes);

/* Peak resident set of this process in MB (getrusage), or -1. */
double model_peak_rss_mb(void);

/* Sets result.check = {ok, rel_err} and result.NAME = value. */
void model_set_check(cJSON *result, int ok, double rel_err);
void model_set_num(cJSON *result, const char *name, double value);

/*
 * The CUDA module with at least one usable device, or NULL with err set
 * to "unsupported" and the reason (no driver, no module, no device).
 */
const struct bp_cuda_module *model_cuda(struct model_err *err);
/* Turns a module return code and message into err; returns -1. */
int model_cuda_fail(int rc, const char *why, struct model_err *err);

#endif
