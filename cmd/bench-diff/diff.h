/*
 * diff.h - the parts of bench-diff: options, the group table both sides
 * are loaded into (load.c), the comparison and its records (compare.c),
 * noise calibration (noise.c) and change points in a history (history.c).
 */
#ifndef BENCH_DIFF_H
#define BENCH_DIFF_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ndjson.h"
#include "stats.h"

enum { BASE, CUR };
enum { DIR_UNKNOWN, DIR_LOWER, DIR_HIGHER };
enum { SEV_NONE = -1, SEV_MINOR, SEV_MAJOR, SEV_CRITICAL, SEV_NEVER };
enum {
	V_REGRESSION, V_IMPROVEMENT, V_UNCHANGED, V_INCONCLUSIVE, V_NEW,
	V_MISSING, V_BROKEN, V_FIXED, V_COUNT
};

struct opts {
	char **by;		/* key paths */
	int nby;
	char **metrics;		/* -m: only these */
	int nmetrics;
	char **higher, **lower;	/* direction overrides */
	int nhigher, nlower;
	char *split;		/* --split FIELD=A,B, taken apart */
	const char *split_a, *split_b;
	double alpha, threshold, sev[3];
	int alpha_set;
	int fail_on;
	int fdr, lenient, calibrate;
	long window;
	const char *noise, *history;
};

/* The observations of one run (one run_id) of a metric. */
struct run {
	char *id;
	struct bp_vec v;
};

/* A result record's summary of one metric: one observation per run. */
struct rsum {
	double p50, n, mean, sd;
};

/* What one side holds for one metric of one group. */
struct side {
	struct run *runs;	/* from sample records */
	size_t nruns, rcap;
	struct rsum *res;	/* from result records */
	size_t nres, scap;
	/* from stat records, pooled when there are several */
	int nstat;
	double st_n, st_mean, st_m2, st_p50;
	long st_runs;
};

struct metric {
	char *name;
	int dir;
	int dir_assumed;	/* named with -m, direction unknown: lower */
	struct side s[2];
};

struct group {
	char *key;		/* canonical JSON of keyobj */
	cJSON *keyobj;		/* the key fields, nested as in records */
	struct metric *m;
	size_t nm, mcap;
	size_t order;
	int ok[2], failed[2];
	cJSON *error[2];	/* "error" of the last failed result */
	void *hist;		/* history.c's series */
};

struct table {
	struct group **slot;	/* open addressing on the key */
	size_t cap, n;
	struct group **list;	/* in order of first appearance */
	size_t nlist, lcap;
	long records[2];	/* records of a kind we compare, per side */
};

/* load.c */
extern const char *const bp_diff_volatile_labels[];
char *group_key(const cJSON *rec, const struct opts *o);
struct group *table_group(struct table *t, const cJSON *rec,
    const struct opts *o);
struct metric *group_metric(struct group *g, const char *name, int dir,
    int assumed);
int metric_direction(const struct opts *o, const char *name, int *assumed);
void table_load(struct table *t, struct bp_in *in, int side,
    const struct opts *o);
void table_free(struct table *t);
int split_side(const cJSON *rec, const struct opts *o);
/* Calls fn for each metric a result record holds: its name and value
 * (p50 of metrics.NAME, or a plain number). */
void result_metrics(const cJSON *rec, const struct opts *o,
    struct bp_in *in, void (*fn)(void *, const char *, int, int,
    const struct rsum *), void *arg);
size_t run_values(const struct side *s, double **out);
size_t pooled_samples(const struct side *s, double **out);

/* compare.c */
extern const char *const bp_diff_verdicts[];
extern const char *const bp_diff_severities[];
int compare_all(struct table *t, const struct opts *o, struct bp_out *out);
int severity_of(const struct opts *o, double badness);
void add_side(cJSON *rec, const char *name, double n, double runs,
    double median, double mean);
void add_num(cJSON *o, const char *k, double v);
void add_keys(cJSON *rec, const struct group *g);
void emit_rec(struct bp_out *out, const cJSON *rec);
void print_summary(const long *count, long critical);

/* noise.c */
void noise_load(const char *path, const struct opts *o);
double noise_floor(const struct group *g, const char *metric);
void noise_free(void);
int calibrate_all(struct table *t, const struct opts *o, struct bp_out *out);

/* history.c */
int history_run(const struct opts *o, struct bp_out *out);

#endif
