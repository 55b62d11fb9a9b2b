/*
 * bench-run.h - the parts of bench-run and what they share.
 *
 * main.c reads the command line into `opt` and walks the jobs (one
 * combination of params, one run).  job.c runs a job: it starts processes
 * through supervise.c, reads the ndjson protocol with protocol.c, and
 * hands what it measured to record.c, which writes every record the
 * moment it exists.  monitor.c samples the process tree, the GPUs and the
 * CPU's energy counter beside it in a thread of its own; worker.c is the
 * other side of the protocol for the built-in models (model.h), run in a
 * fresh bench-run process per job.
 */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "hostid.h"
#include "id.h"
#include "model.h"
#include "stats.h"

enum { PROTO_PROCESS, PROTO_NDJSON };
enum { ST_OK, ST_FAILED, ST_SKIPPED, ST_INTERRUPTED };

#define TAIL_MAX 4096		/* bytes of stderr kept for error records */
#define MAX_METRICS 64		/* distinct numeric metrics summarized */
#define LINE_MAX_BYTES (1 << 20)	/* longest protocol line accepted */
#define WORKER_ENV "BENCH_RUN_WORKER"

/* The command line. */
struct opts {
	const char *model;		/* -m */
	const char *backend;		/* -b, or "cpu" */
	const struct model *builtin;	/* -m names a built-in, no COMMAND */
	char **cmd;			/* COMMAND [ARG...], NULL-terminated */
	int cmdc;
	int warmup, iterations;
	double min_time, max_time;	/* seconds; 0: no limit */
	double timeout, kill_after;
	int retries, runs, interleave;
	int protocol;
	int shell;
	const char *prepare;
	cJSON *labels;
	const char *cpu_bind;
	int threads;
	const char *data;
	long monitor_ms;
	int monitor_records;
	const char *outpath;
	int summary_only, keep_warmup;
	int quiet, verbose;
	int bench_fd;			/* the protocol's fd in the child */
};
extern struct opts opt;

/* The machine, found once. */
struct host {
	char id[BP_HOST_ID_LEN];
	char cpu[256];
	char gpu[128];		/* "" without a GPU */
	int ngpu;		/* NVML devices, 0 without NVML */
};
extern struct host host;

/* params.c: -p KEY=V1,V2,... and the combinations they make. */
struct param {
	char *key;
	char *env;		/* BENCH_PARAM_KEY */
	char **vals;
	int nvals;
};
struct combo {
	int index;
	const char **vals;	/* one per param, in -p order */
	cJSON *params;		/* for records: numbers where they are JSON numbers */
	cJSON *mparams;		/* for models: strings, defaults filled in */
	char *desc;		/* "s=0.001 n=2" */
};
extern struct param *params;
extern int nparams;

int params_add(const char *arg, char *err, size_t errlen);
/* The model's declared params must include every -p key.  0 or -1. */
int params_check_model(const struct model *m, char *err, size_t errlen);
struct combo *params_combos(const struct model *m, int *n);
void params_free(struct combo *c, int n);
/* s with every {KEY} of a swept KEY replaced by the combination's value
 * (a new string). */
char *params_subst(const char *s, const struct combo *c);
/* 1 when s is a JSON number as a whole. */
int params_is_number(const char *s);

/* tail.c: a bounded tail of what a process wrote to stderr. */
struct tail {
	char buf[2 * TAIL_MAX];
	size_t len;
};
void tail_add(struct tail *t, const char *p, size_t n);
/* The tail as valid UTF-8, from a character boundary (a new string). */
char *tail_text(const struct tail *t);

/* supervise.c: processes, signals, deadlines. */
struct proc {
	pid_t pid;
	int pidfd;		/* readable once it exited; -1 */
	int status;		/* from wait4 */
	struct rusage ru;
	int spawn_errno;	/* posix_spawn failed */
	int timed_out;		/* killed at the deadline */
	int interrupted;	/* killed because bench-run got this signal */
	int stopped;		/* killed because the reader asked for it */
	int killed;		/* we sent it a signal */
	uint64_t t_start, t_exit;	/* monotonic ns */
};

struct spawn {
	const char *path;	/* absolute, or with a slash */
	char **argv;
	char **envp;
	int protofd;		/* write end handed over as opt.bench_fd, or -1 */
};

/* Reads lines from a protocol pipe while the process runs. */
struct reader {
	int fd;
	struct bp_buf line;
	/* 0 to go on, -1 to stop the process */
	int (*online)(void *arg, char *line, size_t len);
	/* after each read(2): write what the lines made */
	int (*flush)(void *arg);
	void *arg;
};

extern volatile sig_atomic_t interrupted;	/* SIGINT or SIGTERM */

void sup_init(void);
/* A job begins (or ends: 0, NULL): its deadline (0: none) and where its
 * processes' stderr goes. */
void sup_job(uint64_t deadline, struct tail *t);
/* The job's deadline has passed. */
int sup_expired(void);
/* The tail starts afresh for the next process. */
void sup_tail_reset(void);
/* A copy of the tail with all that arrived so far. */
void sup_tail_copy(struct tail *dst);
int proc_start(struct proc *p, const struct spawn *s);
/* Waits until p ended and was reaped, reading r (may be NULL) meanwhile. */
void proc_wait(struct proc *p, struct reader *r);
/* Stops p: SIGTERM to its group, SIGKILL after the grace. */
void proc_stop(struct proc *p);
/* Full path of a command found on PATH; NULL with errno. */
char *sup_which(const char *name);
/* Kills whatever process group runs now (for exits on fatal errors). */
void sup_kill_current(void);

/* protocol.c: one line a program wrote to BENCH_FD. */
struct pfield {
	const char *name;	/* not NUL-terminated */
	size_t namelen;
	const char *raw;	/* the value's JSON text */
	size_t rawlen;
	double num;
	int isnum;
};
#define PROTO_MAX_FIELDS 64
struct pline {
	int warmup;
	int latency;		/* index of latency_ms in f */
	int nf;
	struct pfield f[PROTO_MAX_FIELDS];
	cJSON *json;		/* set when the slow path parsed the line */
	struct bp_buf scratch;	/* the slow path's serialized values */
	cJSON *event;		/* {"event": ...} lines */
};
/* 0, or -1 with the reason in err. */
int proto_parse(struct pline *pl, char *line, size_t len, char *err,
    size_t errlen);
void proto_free(struct pline *pl);

/* A job: one combination, one run, one attempt. */
struct metric {
	char *name;
	struct bp_vec v;
};
struct jerr {
	const char *type;	/* NULL: no error */
	char msg[512];
	int exit_code;		/* -1: none */
	int sig;		/* 0: none */
	char **command;		/* the command that failed */
	char *tail;		/* stderr tail */
};
struct job {
	const struct combo *combo;
	int combo_no, ncombos;
	int run, attempt;
	int retried;		/* failed, and another attempt follows */
	char run_id[BP_ID_LEN];
	char **argv;		/* the command after {KEY} substitution */
	char *prepare;
	char *prep_argv[4];	/* sh -c PREPARE */
	char **envp;
	int status;
	struct jerr err;
	int nmeasured, nwarmup;
	struct metric metric[MAX_METRICS];
	int nmetric;
	double items, tokens;
	int have_items, have_tokens;
	double peak_rss_mb;
	uint64_t t_start, t_end, t_measure;
	cJSON *extra;		/* fields a program sent for the result */
	struct tail tail;
	struct bp_buf sample_pre;	/* a sample record up to "iter": */
};

void job_run(struct job *j);
/* The job's command and --prepare with {KEY} replaced. */
void job_argv(struct job *j);
void job_free(struct job *j);
int job_metric(struct job *j, const char *name, size_t len);

/* failure.c */
void job_fail(struct job *j, const char *type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Transient failures are worth --retries. */
int job_transient(const struct job *j);
/* 0 when p ended well; otherwise the job's error and status are set
 * (what prefixes the message: "" or "prepare command: "). */
int job_classify(struct job *j, const struct proc *p, char **cmd,
    const char *what);
void job_spawn_failed(struct job *j, char **cmd, const char *name, int e);
/* The stderr tail as text (a new string). */
char *job_tail(void);
/* The kernel's OOM kills so far, to compare with at a SIGKILL. */
void job_oom_baseline(void);
/* The error type t names, as a static string, or NULL. */
const char *job_error_type(const char *t);
/* Why this host can't run the job's backend, or NULL. */
const char *job_unsupported(void);

struct monitor_sum;

/* record.c: the output and the records. */
void out_init(const char *path);
/* One write of whole records; on failure the output error is kept and
 * -1 returned. */
int out_write(const char *p, size_t n);
/* errno of the first failed write, or 0. */
int out_error(void);
void out_close(void);
void host_init(void);
/* Cached RFC 3339 time, reformatted once per millisecond. */
const char *ts_now(void);
void sample_prefix(struct job *j);
/* Appends a sample record with the given metrics to b. */
void sample_begin(struct bp_buf *b, struct job *j, int iter, int warmup);
void sample_num(struct bp_buf *b, const char *name, double v);
void sample_end(struct bp_buf *b);
/* The result record's envelope: ids, host, model, params, command. */
cJSON *result_base(const struct job *j);
int result_write(struct job *j, const struct monitor_sum *ms);

/* monitor.c */
struct monitor_sum {
	double rss_peak_mb;	/* < 0: not seen */
	int have_gpu;
	double gpu_mem_peak_mib, gpu_util_mean_pct, gpu_power_mean_w;
	double gpu_energy_j;	/* < 0: unknown */
	double cpu_energy_j;	/* < 0: RAPL not readable */
};
void monitor_init(void);
void monitor_begin(struct job *j);
void monitor_pid(pid_t pid);
void monitor_end(struct monitor_sum *ms);
void monitor_stop(void);

/* progress.c */
void progress_job(const struct job *j);
void progress_iter(const struct job *j);
void progress_end(const struct job *j);
void progress_clear(void);

/* worker.c: the built-in model's side, in a process of its own. */
int worker_main(const char *job);
/* The job description the worker reads from WORKER_ENV. */
char *worker_job(const struct job *j);

#endif
