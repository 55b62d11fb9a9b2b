/*
 * bench-run - run one benchmark, an external command or a built-in model,
 * for every combination of its swept params, and write a sample record
 * per measured iteration and a result record per combination and run.
 *
 * main() reads the options, makes the jobs (combinations x runs, in
 * order or interleaved), runs each through job.c and exits 1 when one
 * failed.  Nothing but records reaches stdout.
 */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "bench-run.h"
#include "cli.h"
#include "die.h"
#include "json.h"
#include "ndjson.h"
#include "scenario.h"

struct opts opt;

static const char usage[] =
"usage: bench-run [-qv] [-b BACKEND] [-m MODEL] [-n N] [-o FILE] "
"[-p KEY=V1,V2,...] [-t SEC] [-w N] [--protocol process|ndjson] [--shell] "
"-- COMMAND [ARG...]\n"
"       bench-run [-qv] [-b BACKEND] -m MODEL [-n N] [-o FILE] "
"[-p KEY=V1,V2,...] [-t SEC] [-w N] [--data DIR] [--threads N]\n";

static const char usage_end[] =
"       bench-run --list-models\n";

static const char help[] =
"\n"
"Run one benchmark for every combination of its params; write a sample\n"
"record per iteration and a result record per combination (NDJSON).\n"
"\n"
"  -b, --backend NAME          cpu (default) or cuda: a built-in's backend;\n"
"                              for a COMMAND a label (cuda skips without GPU)\n"
"  -m, --model NAME            the built-in model to run, or COMMAND's name\n"
"  -p, --param KEY=V1,V2,...   sweep a param (repeatable: all combinations);\n"
"                              {KEY} in COMMAND is replaced and\n"
"                              BENCH_PARAM_KEY exported\n"
"  -w, --warmup N              unmeasured iterations first (default 1)\n"
"  -n, --iterations N          measured iterations (default 10)\n"
"      --min-time SEC          measure on until SEC seconds have passed\n"
"      --max-time SEC          stop measuring after SEC seconds\n"
"  -t, --timeout SEC           limit of a whole combination (default 600,\n"
"                              0: none); then SIGTERM, SIGKILL after\n"
"      --kill-after SEC        the grace before SIGKILL (default 5)\n"
"      --retries N             re-run a combination that failed by timeout,\n"
"                              crash, oom or exit status (default 0)\n"
"      --runs R                repeat each combination as R runs (default 1)\n"
"      --interleave            with --runs: take the combinations in turn\n"
"      --protocol process|ndjson\n"
"                              process: time each run of COMMAND (default);\n"
"                              ndjson: COMMAND reports its iterations as\n"
"                              JSON lines on fd 3 (BENCH_FD)\n"
"      --shell                 run COMMAND with sh -c\n"
"      --prepare CMD           shell command before each iteration, untimed\n"
"      --label KEY=VALUE       add a label to every record (repeatable)\n"
"      --cpu-bind CPUSET       bind the benchmark to CPUs, e.g. 0-3,8\n"
"      --threads N             threads of a built-in model (BENCH_THREADS)\n"
"      --data DIR              data of a built-in model (BENCH_DATA)\n"
"      --monitor-interval MS   sample memory, CPU, GPU, energy every MS\n"
"                              milliseconds (default 100, 0: off)\n"
"      --monitor-records       write the samples as monitor records too\n"
"  -o, --output FILE           append records to FILE instead of stdout\n"
"      --summary-only          write result records only\n"
"      --keep-warmup           write the warmup iterations' samples too\n"
"      --list-models           list the built-in models and their params\n"
"  -q, --quiet                 no progress line, no warnings\n"
"  -v, --verbose               a line per finished combination on stderr\n"
"  -h, --help                  show this help and exit\n"
"      --version               show the version and exit\n"
"\n";

static const char help_end[] =
"\n"
"Exit status: 0 all ok or skipped, 1 a combination failed, 2 usage or\n"
"system error, 130 or 143 interrupted by SIGINT or SIGTERM.\n";

enum {
	OPT_CPU_BIND = 0x100, OPT_DATA, OPT_INTERLEAVE, OPT_KEEP_WARMUP,
	OPT_KILL_AFTER, OPT_LABEL, OPT_LIST_MODELS, OPT_MAX_TIME, OPT_MIN_TIME,
	OPT_MONITOR_INTERVAL, OPT_MONITOR_RECORDS, OPT_PREPARE, OPT_PROTOCOL,
	OPT_RETRIES, OPT_RUNS, OPT_SHELL, OPT_SUMMARY_ONLY, OPT_THREADS,
	OPT_VERSION,
};

static long
count(const char *name, const char *s, long min)
{
	long v;

	if (bp_parse_long(s, &v) < 0 || v < min || v > INT_MAX)
		bp_usage_error("%s '%s' is not a whole number >= %ld", name, s,
		    min);
	return v;
}

static double
seconds(const char *name, const char *s)
{
	double v;

	if (bp_parse_double(s, &v) < 0 || v < 0 || v > 1e9)
		bp_usage_error("%s '%s' is not a number of seconds >= 0", name, s);
	return v;
}

static void
add_label(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		bp_usage_error("label '%s' is not KEY=VALUE", arg);
	key = strndup(arg, eq - arg);
	cJSON_DeleteItemFromObjectCaseSensitive(opt.labels, key);
	cJSON_AddStringToObject(opt.labels, key, eq + 1);
	free(key);
}

static void
list_models(void)
{
	const struct model_param *p;
	int i;

	for (i = 0; models[i]; i++) {
		printf("%s\t%s\t%s\n", models[i]->name, models[i]->backends,
		    models[i]->summary ? models[i]->summary : "");
		for (p = models[i]->params; p && p->name; p++)
			printf("\t-p %s=%s\t%s\n", p->name, p->def ? p->def : "",
			    p->help ? p->help : "");
	}
}

static void
unknown_model(const char *name)
{
	struct bp_buf b = { 0 };
	int i;

	for (i = 0; models[i]; i++)
		bp_buf_addf(&b, "%s%s", i ? ", " : "", models[i]->name);
	bp_usage_error("no built-in model '%s' (built-in models: %s); to "
	    "benchmark a command give it after --", name,
	    b.len ? b.p : "none");
}

/* The name of COMMAND's model when -m does not give one: its basename. */
static const char *
command_name(void)
{
	static char name[256];
	const char *s = opt.cmd[0], *slash;
	size_t n;

	if (opt.shell)
		s += strspn(s, " \t");
	n = opt.shell ? strcspn(s, " \t;|&") : strlen(s);
	snprintf(name, sizeof name, "%.*s", (int)n, s);
	slash = strrchr(name, '/');
	return slash && slash[1] ? slash + 1 : name;
}

static void
bind_cpus(const char *set)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	char *allowed = NULL;

	if (hwloc_bitmap_list_sscanf(b, set) < 0 || hwloc_bitmap_iszero(b) ||
	    hwloc_bitmap_weight(b) < 0)
		bp_usage_error("--cpu-bind '%s' is not a list of CPUs such as "
		    "0-3,8", set);
	if (hwloc_topology_init(&topo) != 0 || hwloc_topology_load(topo) != 0)
		bp_die("--cpu-bind: hwloc could not load the topology");
	if (!hwloc_bitmap_isincluded(b,
	    hwloc_topology_get_allowed_cpuset(topo))) {
		hwloc_bitmap_list_asprintf(&allowed,
		    hwloc_topology_get_allowed_cpuset(topo));
		bp_usage_error("--cpu-bind %s: not among the CPUs this process "
		    "may use (%s)", set, allowed ? allowed : "?");
	}
	/* this thread only: the commands it starts inherit the binding,
	 * the monitor thread keeps running elsewhere */
	if (hwloc_set_cpubind(topo, b, HWLOC_CPUBIND_THREAD) < 0)
		bp_die_errno("--cpu-bind %s", set);
	hwloc_bitmap_free(b);
	hwloc_topology_destroy(topo);
}

static int
run_jobs(struct combo *c, int ncombos)
{
	int outer, inner, k, r, attempt, again, failed = 0;

	outer = opt.interleave ? opt.runs : ncombos;
	inner = opt.interleave ? ncombos : opt.runs;
	for (int a = 0; a < outer && !interrupted; a++)
		for (int b = 0; b < inner && !interrupted; b++) {
			k = opt.interleave ? b : a;
			r = opt.interleave ? a : b;
			for (attempt = 0;; attempt++) {
				struct job j = { 0 };

				if (interrupted)
					break;
				j.combo = &c[k];
				j.combo_no = k;
				j.ncombos = ncombos;
				j.run = r;
				j.attempt = attempt;
				job_run(&j);
				if (out_error()) {
					job_free(&j);
					out_close();	/* says why and exits 2 */
				}
				failed |= j.status == ST_FAILED && !j.retried;
				again = j.retried;
				job_free(&j);
				if (!again)
					break;
			}
		}
	return failed;
}

static volatile sig_atomic_t scen_stop;

static void
on_signal(int sig)
{
	if (!scen_stop)
		scen_stop = sig;
}

/* --scenario: the scenario engine (scenario.c) instead of the loop. */
static int
run_scenarios(const struct scen_opts *so, struct combo *c, int ncombos)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct scen_ctx ctx = { 0 };
	struct job j = { 0 };
	struct bp_out out;
	int k, r, rc = 0;
	cJSON *base;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (bp_out_open(&out, opt.outpath) < 0)
		bp_die_errno("%s", opt.outpath);
	for (k = 0; k < ncombos && !scen_stop; k++)
		for (r = 0; r < opt.runs && !scen_stop; r++) {
			j.combo = &c[k];
			bp_run_id(j.run_id);
			if (opt.cmd)
				job_argv(&j);
			base = result_base(&j);
			ctx.model = opt.model;
			ctx.backend = opt.backend;
			ctx.argv = j.argv;
			ctx.params = c[k].params;
			ctx.labels = opt.labels;
			ctx.base = base;
			ctx.run_id = j.run_id;
			ctx.host_id = host.id;
			ctx.threads = opt.threads;
			ctx.stop = &scen_stop;
			ctx.verbose = opt.verbose;
			rc |= scen_run(so, &ctx, &out);
			cJSON_Delete(base);
			job_free(&j);
		}
	if (bp_out_close(&out) < 0)
		bp_die_errno("%s", out.name);
	if (scen_stop)
		return 128 + scen_stop;
	return rc ? BP_EXIT_FOUND : BP_EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "backend", required_argument, NULL, 'b' },
		{ "cpu-bind", required_argument, NULL, OPT_CPU_BIND },
		{ "data", required_argument, NULL, OPT_DATA },
		{ "help", no_argument, NULL, 'h' },
		{ "interleave", no_argument, NULL, OPT_INTERLEAVE },
		{ "iterations", required_argument, NULL, 'n' },
		{ "keep-warmup", no_argument, NULL, OPT_KEEP_WARMUP },
		{ "kill-after", required_argument, NULL, OPT_KILL_AFTER },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "list-models", no_argument, NULL, OPT_LIST_MODELS },
		{ "max-time", required_argument, NULL, OPT_MAX_TIME },
		{ "min-time", required_argument, NULL, OPT_MIN_TIME },
		{ "model", required_argument, NULL, 'm' },
		{ "monitor-interval", required_argument, NULL,
		    OPT_MONITOR_INTERVAL },
		{ "monitor-records", no_argument, NULL, OPT_MONITOR_RECORDS },
		{ "output", required_argument, NULL, 'o' },
		{ "param", required_argument, NULL, 'p' },
		{ "prepare", required_argument, NULL, OPT_PREPARE },
		{ "protocol", required_argument, NULL, OPT_PROTOCOL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retries", required_argument, NULL, OPT_RETRIES },
		{ "runs", required_argument, NULL, OPT_RUNS },
		{ "shell", no_argument, NULL, OPT_SHELL },
		{ "summary-only", no_argument, NULL, OPT_SUMMARY_ONLY },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "warmup", required_argument, NULL, 'w' },
		SCEN_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *worker = getenv(WORKER_ENV);
	struct scen_opts so;
	struct combo *combos;
	char err[512];
	int c, ncombos, lflag = 0, pflag = 0, rc;

	bp_setprogname(argv[0]);
	if (worker)
		return worker_main(worker);
	opt.backend = "cpu";
	opt.warmup = 1;
	opt.iterations = 10;
	opt.timeout = 600;
	opt.kill_after = 5;
	opt.runs = 1;
	opt.monitor_ms = 100;
	opt.bench_fd = 3;
	opt.labels = cJSON_CreateObject();
	scen_opts_init(&so);
	while ((c = getopt_long(argc, argv, "+b:hm:n:o:p:qt:vw:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			opt.backend = optarg;
			break;
		case 'h':
			printf("%s%s%s%s%s%s", usage, "       ", scen_usage,
			    usage_end, help, scen_help);
			fputs(help_end, stdout);
			return bp_stdout_status();
		case 'm':
			opt.model = optarg;
			break;
		case 'n':
			opt.iterations = count("--iterations", optarg, 1);
			break;
		case 'o':
			opt.outpath = optarg;
			break;
		case 'p':
			if (params_add(optarg, err, sizeof err) < 0)
				bp_usage_error("%s", err);
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 't':
			opt.timeout = seconds("--timeout", optarg);
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'w':
			opt.warmup = count("--warmup", optarg, 0);
			break;
		case OPT_CPU_BIND:
			opt.cpu_bind = optarg;
			break;
		case OPT_DATA:
			opt.data = optarg;
			break;
		case OPT_INTERLEAVE:
			opt.interleave = 1;
			break;
		case OPT_KEEP_WARMUP:
			opt.keep_warmup = 1;
			break;
		case OPT_KILL_AFTER:
			opt.kill_after = seconds("--kill-after", optarg);
			break;
		case OPT_LABEL:
			add_label(optarg);
			break;
		case OPT_LIST_MODELS:
			lflag = 1;
			break;
		case OPT_MAX_TIME:
			opt.max_time = seconds("--max-time", optarg);
			break;
		case OPT_MIN_TIME:
			opt.min_time = seconds("--min-time", optarg);
			break;
		case OPT_MONITOR_INTERVAL:
			opt.monitor_ms = count("--monitor-interval", optarg, 0);
			break;
		case OPT_MONITOR_RECORDS:
			opt.monitor_records = 1;
			break;
		case OPT_PREPARE:
			opt.prepare = optarg;
			break;
		case OPT_PROTOCOL:
			if (!strcmp(optarg, "process"))
				opt.protocol = PROTO_PROCESS;
			else if (!strcmp(optarg, "ndjson"))
				opt.protocol = PROTO_NDJSON;
			else
				bp_usage_error("--protocol '%s' is neither process "
				    "nor ndjson", optarg);
			pflag = 1;
			break;
		case OPT_RETRIES:
			opt.retries = count("--retries", optarg, 0);
			break;
		case OPT_RUNS:
			opt.runs = count("--runs", optarg, 1);
			break;
		case OPT_SHELL:
			opt.shell = 1;
			break;
		case OPT_SUMMARY_ONLY:
			opt.summary_only = 1;
			break;
		case OPT_THREADS:
			opt.threads = count("--threads", optarg, 1);
			break;
		case OPT_VERSION:
			bp_print_version();
			return bp_stdout_status();
		default:
			if (scen_opts_parse(&so, c, optarg))
				break;
			fputs(usage, stderr);
			return BP_EXIT_USAGE;
		}
	}
	if (lflag) {
		list_models();
		return bp_stdout_status();
	}
	scen_opts_finish(&so);
	if (optind < argc) {
		opt.cmd = argv + optind;
		opt.cmdc = argc - optind;
		if (!opt.model)
			opt.model = command_name();
	} else if (so.scenario >= 0) {
		if (!opt.model)
			opt.model = so.sut ? so.sut : "null";
	} else if (!opt.model) {
		bp_usage_error("no COMMAND and no built-in model (-m MODEL)");
	} else if (!(opt.builtin = model_find(opt.model))) {
		unknown_model(opt.model);
	}
	if (opt.builtin && (pflag || opt.shell))
		bp_usage_error("--protocol and --shell are for a COMMAND, not a "
		    "built-in model");
	if (opt.builtin && params_check_model(opt.builtin, err, sizeof err) < 0)
		bp_usage_error("%s", err);
	if (opt.max_time > 0 && opt.min_time > opt.max_time)
		bp_usage_error("--min-time %g is longer than --max-time %g",
		    opt.min_time, opt.max_time);
	if (opt.monitor_records && opt.monitor_ms == 0)
		bp_usage_error("--monitor-records needs --monitor-interval > 0");

	combos = params_combos(opt.builtin, &ncombos);
	host_init();
	if (so.scenario >= 0) {
		rc = run_scenarios(&so, combos, ncombos);
		params_free(combos, ncombos);
		cJSON_Delete(opt.labels);
		return rc;
	}
	out_init(opt.outpath);
	sup_init();
	monitor_init();
	if (opt.cpu_bind)
		bind_cpus(opt.cpu_bind);
	rc = run_jobs(combos, ncombos) ? BP_EXIT_FOUND : BP_EXIT_OK;
	progress_clear();
	monitor_stop();
	params_free(combos, ncombos);
	cJSON_Delete(opt.labels);
	out_close();
	if (interrupted)
		return 128 + interrupted;
	return rc;
}
