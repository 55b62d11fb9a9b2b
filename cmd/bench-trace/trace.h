/*
 * trace.h - bench-trace's shared declarations: the events kept from a
 * PyTorch profiler trace, the call tree TraceLens builds over them, and
 * one entry point per table.
 *
 * Invariants: events are kept in file order (uid increases); ev.end is
 * computed as ts + dur in double precision, exactly as TraceLens does, so
 * interval sums agree with its reports to the last bit.
 */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* Event categories (the kineto "cat" field) that bench-trace keeps. */
enum {
	C_NONE,
	C_CPU_OP,
	C_RUNTIME,	/* cuda_runtime */
	C_DRIVER,	/* cuda_driver */
	C_KERNEL,
	C_MEMCPY,	/* gpu_memcpy */
	C_MEMSET,	/* gpu_memset */
	C_USER_ANN,	/* user_annotation */
};

/* ev.flags */
enum {
	EV_CORR = 1 << 0,	/* args.correlation present */
	EV_EXTID = 1 << 1,	/* args."External id" present */
	EV_STREAM = 1 << 2,
	EV_SEQ = 1 << 3,	/* args."Sequence number" */
	EV_TREE = 1 << 4,	/* GPU event linked to a launch (TraceLens "tree") */
	EV_INWIN = 1 << 5,	/* inside --from/--to/--step and --filter */
	EV_COMM = 1 << 6,	/* a collective kernel (is_comm_name) */
};

struct ev {
	double ts, dur, end;
	int64_t pid, tid;
	int64_t corr, extid, stream, seq;
	uint32_t uid;		/* index in traceEvents */
	uint32_t name;		/* string id */
	uint32_t dims, types, strides, concrete;	/* canonical JSON ids */
	int32_t parent;		/* index in trace.ev, -1 for none */
	uint8_t cat;
	uint8_t flags;
};

/* Interned strings: id 0 is the empty string. */
struct strtab {
	char *arena;
	size_t len, cap;
	uint32_t *off;		/* start of string id in arena */
	uint32_t n, ncap;
	uint32_t *slot;		/* hash slots: id + 1, 0 empty */
	uint32_t nslot;
};

uint32_t str_intern(struct strtab *t, const char *s, size_t len);
static inline const char *
str_get(const struct strtab *t, uint32_t id)
{
	return t->arena + t->off[id];
}
void str_free(struct strtab *t);

/* A hash map from up to three 64-bit integers to a 64-bit value; a slot
 * is one half of a cache line. */
struct islot {
	int64_t k[3];		/* k[0] == INT64_MIN: empty */
	int64_t v;
};

struct imap {
	struct islot *slot;
	size_t n, cap;
};

int64_t *imap_get(const struct imap *m, int64_t a, int64_t b, int64_t c);
/* Inserts or replaces. */
void imap_put(struct imap *m, int64_t a, int64_t b, int64_t c, int64_t v);
void imap_free(struct imap *m);

/* A record_param_comms op or collective kernel's metadata. */
struct collarg {
	int32_t ev;		/* index in trace.ev */
	uint32_t coll;		/* "Collective name" */
	uint32_t pg;		/* "Process Group Name" */
	uint32_t dtype;
	int64_t in_nelems, out_nelems, group_size;
};

struct trace {
	const char *path;	/* as given */
	int rank;		/* distributedInfo.rank, file name, or order */
	int rank_src;		/* 0 order, 1 file name, 2 distributedInfo */
	int world_size;		/* -1 unknown */
	int legacy;		/* autograd.profiler export */
	int lenient_stop;	/* reading stopped early at an error */
	char device[128];	/* deviceProperties[0].name */
	struct strtab s;

	struct ev *ev;
	size_t nev, evcap;
	uint64_t nevents;	/* elements of traceEvents */
	uint64_t ncat[8];
	uint64_t nflow, nmeta, npython, nunknown, nother;
	uint64_t bytes;		/* JSON bytes read */
	double read_s;

	/* ac2g flows: id -> FLOW_START | index of the end's (pid, tid) in
	 * flow_end (or FLOW_NOEND) */
	struct imap flow;
	int64_t *flow_end;	/* pid, tid pairs */
	size_t nflow_end, flow_endcap;
	struct imap pname;	/* pid -> process_name string id */
	struct imap plabel;	/* pid -> process_labels string id */
	struct imap tname;	/* pid, tid -> thread_name string id */

	struct collarg *coll;
	size_t ncoll, collcap;

	/* Built by tree_build(). */
	int link_extid;		/* linking key is "External id" */
	int32_t *kid, *kid0;	/* children in CSR form: kid[kid0[i]..kid0[i+1]) */
	int has_gpu;		/* any kernel, memcpy or memset */
	int has_flows;
	uint64_t nlinked;	/* GPU events linked to a launch */

	/* Kernel launchers (TraceLens get_kernel_launchers). */
	struct launcher *lau;
	size_t nlau;
	int32_t *lau_of;	/* per event: launcher index or -1 */

	/* GPU timeline totals (us), from timeline_compute(). */
	double total_us;
	int timeline_ok;
};

struct launcher {
	int32_t ev;		/* the cpu_op, or the runtime event */
	int32_t *k;		/* direct kernels, sorted by ts */
	size_t nk;
	double direct_us, subtree_us;
	uint32_t cat;		/* op category string id */
};

#define FLOW_START ((int64_t)1 << 62)
#define FLOW_NOEND (((int64_t)1 << 62) - 1)

/* Options shared by the tables. */
struct opts {
	double short_us;
	int bins;
	int by_shape;
	int top;
	double peak_tflops, peak_tbps;	/* 0 unknown */
	double from_ms, to_ms;		/* < 0 when not given */
	long step;			/* -1 when not given */
	regex_t *filter;
	size_t nfilter;
	cJSON *labels;
	unsigned tables;		/* TB_ bits */
};

enum {
	TB_INFO = 1 << 0,
	TB_TIMELINE = 1 << 1,
	TB_CATEGORY = 1 << 2,
	TB_OP = 1 << 3,
	TB_KERNEL = 1 << 4,
	TB_SHORT = 1 << 5,
	TB_PERF = 1 << 6,
	TB_PHASE = 1 << 7,
	TB_COLL = 1 << 8,
	TB_UNIFIED = 1 << 9,
	TB_ALL = (1 << 10) - 1,
};

/* reader.c: 0, or -1 when --lenient kept what came before an error in
 * the events, or -2 with err set ("offset N: what") */
int trace_read(struct trace *t, const char *path, int lenient,
    char *err, size_t errlen);
void trace_free(struct trace *t);

/* tree.c */
void tree_build(struct trace *t);
void tree_launchers(struct trace *t, const struct opts *o);
double busy_us(const struct trace *t, const int32_t *ev, size_t n);
void sort_by_ts(const struct trace *t, int32_t *idx, size_t n);
void subtree_gpu(const struct trace *t, int32_t root, int32_t **out,
    size_t *n, size_t *cap);
int is_comm_name(const char *name);
int is_gpu_cat(int cat);
int32_t cpu_op_of(const struct trace *t, int32_t kernel);
void window_apply(struct trace *t, const struct opts *o);

/* Time spans (steps, annotations) to look times up in. */
struct spans {
	const struct trace *t;
	const int32_t *ev;	/* sorted by start */
	double *maxend;		/* running maximum of the ends */
	size_t n;
};
void spans_init(struct spans *sp, const struct trace *t, const int32_t *ev,
    size_t n);
long spans_find(const struct spans *sp, double when);
void spans_free(struct spans *sp);

/* ops.c */
double *cpu_self_us(const struct trace *t);
void stats6(double *v, size_t n, double out[6]);
cJSON *kernel_summary(const struct trace *t, const struct launcher *const *l,
    size_t n);

/* category.c */
const char *op_category(const struct trace *t, int32_t ev, const int32_t *k,
    size_t nk);
/* The same for an op named name (a synthetic op's name). */
const char *op_category_of(const struct trace *t, const char *name,
    const int32_t *k, size_t nk);
const char *perf_sheet(const char *opname);

/* out.c: records */
cJSON *rec_new(const struct trace *t, const char *kind,
    const struct opts *o);
void rec_emit(cJSON *rec);
void rec_num(cJSON *rec, const char *key, double v);
void rec_raw(cJSON *rec, const char *key, const struct strtab *s,
    uint32_t id);
void out_open(const char *path);
void out_close(void);

/* The tables. */
void table_info(struct trace *t, const struct opts *o);
void table_timeline(struct trace *t, const struct opts *o);
int32_t *timeline_events(const struct trace *t, size_t *n);
void exposed_us(const struct trace *t, const int32_t *ev, size_t n,
    double *out);
int timeline_compute(const struct trace *t, const int32_t *gpu, size_t n,
    double out[8]);
void table_category(struct trace *t, const struct opts *o);
void table_op(struct trace *t, const struct opts *o);
void table_kernel(struct trace *t, const struct opts *o);
void table_short(struct trace *t, const struct opts *o);
void table_perf(struct trace *t, const struct opts *o);
void table_unified(struct trace *t, const struct opts *o);
void table_phase(struct trace *t, const struct opts *o);

/* multirank.c: per-rank summaries kept after a trace is freed */
struct rank_sum;
void table_collective(struct trace *t, const struct opts *o);
struct rank_sum *rank_summary(struct trace *t, const struct opts *o);
void rank_sum_free(struct rank_sum *r);
void multirank(struct rank_sum **r, int n, const struct opts *o);

/* perf.c: TraceLens's perf models */
struct perf_model {
	const char *sheet;	/* "GEMM", "SDPA_fwd", ... */
	cJSON *params;		/* the model's parameters (owned) */
	double flops;
	double bytes;		/* NaN when a dtype is unknown */
	char spec[32];		/* "matrix_bf16", or "" */
};
void peaks_init(const char *hostpath, int stdin_busy);
/* 0 with m filled, or -1 when the op has no model for its shapes. */
int perf_model(const struct trace *t, const struct ev *e,
    struct perf_model *m);
/* mean, median, std, min, max of the finite values: fmt has one %s. */
void perf_stats(cJSON *r, const char *fmt, const double *v, size_t n);
/* gflops ... tbps_* for calls of kernel (busy) times busy[n], us. */
void perf_rates(cJSON *r, const struct perf_model *m, const double *busy,
    size_t n);
/* peak_*, pct_peak_*, roofline_* where the peaks are known. */
void perf_peaks(cJSON *r, const struct trace *t, const struct perf_model *m,
    const double *busy, size_t n, const struct opts *o);

/* diff.c */
void trace_diff(struct trace *base, struct trace *cur, const struct opts *o);

/* Timeline slots in timeline_compute()'s out[]. */
enum {
	TL_COMP, TL_EXP_COMM, TL_EXP_MEMCPY, TL_BUSY, TL_IDLE, TL_TOTAL,
	TL_COMM, TL_MEMCPY,
};

#endif
