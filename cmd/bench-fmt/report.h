/*
 * report.h - the report model: every record bench-fmt reads, sorted into
 * hosts, groups (one per benchmark configuration), models, sweeps, diffs
 * and failures.  Built once by report_load(), read-only afterwards: the
 * sections and formats only look.
 *
 * A group is what bench-agg groups by: model, backend, params, labels and
 * host_id.  Its row (the numbers the tables show) comes from the group's
 * stat record when there is one, else from its measured samples, else from
 * the summaries of its ok results.
 */
#ifndef BENCH_FMT_REPORT_H
#define BENCH_FMT_REPORT_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "ndjson.h"
#include "stats.h"

enum src { SRC_NONE, SRC_STAT, SRC_SAMPLES, SRC_RESULT };

enum status { ST_OK, ST_FAILED, ST_SKIPPED, ST_INTERRUPTED, ST_NSTATUS };

/* What a model's best entry and headline number are judged by. */
enum headline { HL_TPUT, HL_METRIC, HL_LATENCY };

struct host {
	char *id;
	char *name;		/* hostname, else the host_id */
	const cJSON *rec;	/* the last host record, NULL when none came */
	const cJSON *summary;	/* a result's host {cpu, gpu} when no record */
	int used;		/* some group or result ran here */
};

/* The numbers of one row; NaN where unknown. */
struct row {
	enum src source;
	double n, runs;
	double p50, p50_lo, p50_hi, p90, p99, mean, stddev, cv, min, max;
	double tput;		/* items per second */
	double rss_mb;
	double gpu_mem_mib, gpu_util_pct, gpu_power_w, gpu_energy_j;
	double items_per_j;
	int check;		/* 1 ok, 0 wrong, -1 not checked */
	double accuracy, rel_err;
	const cJSON *metrics;	/* {NAME: {p50...}} of stat or result */
	int best;		/* the best entry of its model */
};

struct group {
	char *key;		/* canonical JSON of the key fields */
	cJSON *keyrec;		/* {backend, host_id, labels, model, params} */
	const char *model, *backend;
	const cJSON *params, *labels;	/* objects, maybe empty */
	struct host *host;
	const cJSON *stat;
	const cJSON **results;	/* in input order */
	size_t nresults, capresults;
	int nstatus[ST_NSTATUS];
	struct bp_vec lat;	/* latency_ms of measured samples */
	double items, lat_s;	/* sums over samples that carried items */
	double sample_rss;
	struct row row;
	double first_ts, last_ts;	/* of its results, NaN when none */
};

struct model {
	const char *name;
	struct group **groups;	/* sorted */
	size_t ngroups;
	enum headline hl;
	const char *hl_metric;	/* for HL_METRIC: "tflops", "gbps" */
	struct group *best;
	char **pkeys;		/* param keys that vary, sorted */
	size_t npkeys;
	cJSON *fixed;		/* params equal in all its groups */
	char **extra;		/* other metrics its rows carry, sorted */
	size_t nextra;
	int has_samples;	/* some group has two or more samples */
	int has_trend;		/* some group has results at two times */
	int has_data;		/* some group has numbers (not all failed) */
};

/* One line of a scaling chart: groups that differ only in one param. */
struct series {
	char *label;		/* "cuda @ gpu-node-1", plus other params */
	struct group **pts;	/* ascending in the swept param */
	size_t n;
};

struct sweep {
	struct model *model;
	const char *param;
	struct series *series;
	size_t nseries;
};

struct kindcount {
	char *kind;
	size_t n;
};

/* An input line kept for a writer that shows records as they are. */
struct rawline {
	size_t off, len;	/* in report.text */
	const char *kind;	/* interned: equal kinds, equal pointers */
};

struct report {
	cJSON **keep;		/* every record kept, freed at the end */
	size_t nkeep, capkeep;
	struct host **hosts;	/* sorted by name */
	size_t nhosts;
	struct group **groups;	/* sorted: model, backend, host, params */
	size_t ngroups;
	struct model *models;
	size_t nmodels;
	struct sweep *sweeps;
	size_t nsweeps;
	const cJSON **results, **stats, **diffs, **fails;
	size_t nresults, nstats, ndiffs, nfails;
	size_t nunchanged;	/* diffs with verdict unchanged */
	size_t nsamples, nwarmups, nmonitors;
	size_t nstatus[ST_NSTATUS];	/* over result records */
	size_t nsev[4];		/* critical, major, minor, other regressions */
	size_t nimproved;
	struct kindcount *other;	/* kinds no section shows, sorted */
	size_t nother;
	double first_ts, last_ts;	/* over results, NaN when none */
	void **secstate;	/* one slot per section, for kinds it keeps */
	struct rawline *lines;	/* with keep_lines: every record's line */
	size_t nlines, caplines;
	struct bp_buf text;
	/* internal */
	void *index;
};

/* Reads every record of in (dying on invalid input as bp_in_rec does)
 * and builds the model; keep_lines also keeps every line as it came. */
void report_load(struct report *r, struct bp_in *in, int keep_lines);
/* The interned kind name, or NULL when no line of that kind came. */
const char *report_kind(const struct report *r, const char *kind);
void report_free(struct report *r);

/* Helpers the sections and formats share. */
const char *status_name(enum status s);
enum status status_of(const cJSON *result);
/* The status a group's row shows, the same in every format. */
enum status group_status(const struct group *g);
/* Rank of a diff record: 0 the worst (critical regression), larger is
 * less alarming; unchanged is last. */
int diff_rank(const cJSON *diff);
/* The group a record with key fields belongs to, or NULL. */
struct group *report_group_of(const struct report *r, const cJSON *rec);
/* The host with this id, or NULL. */
struct host *report_host(const struct report *r, const char *id);
/* "cuda @ gpu-node-1" into buf. */
void group_where(const struct group *g, char *buf, size_t len);
/* Label of the value v of the headline of m ("1,234 items/s"). */
double model_headline(const struct model *m, const struct group *g);
/* params without those fixed for the whole model: what tells its rows
 * apart ("batch=32"). */
void model_params(struct bp_buf *b, const struct model *m,
    const cJSON *params);
/* The number at a dotted path, NaN when absent or not a number. */
double rec_num(const cJSON *o, const char *path);
/* The value of metric name's p50 in the row's metrics, NaN if absent. */
double row_metric(const struct row *w, const char *name, const char *q);

/* Building the model: report.c reads the records, then report_finish
 * (models.c) fills each row (rows.c), orders everything (order.c) and
 * groups the rows by model. */
void report_finish(struct report *r);
void row_finish(struct group *g);
void report_order(struct report *r);
int group_cmp(const struct group *a, const struct group *b);
/* Numbers before strings, numbers by value, strings bytewise; absent
 * first. */
int scalar_cmp(const cJSON *a, const cJSON *b);

#endif
