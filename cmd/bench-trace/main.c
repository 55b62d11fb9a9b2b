/*
 * bench-trace - PyTorch profiler traces in, NDJSON tables out: where the
 * GPU time went (timeline, op categories, ops, kernels, short kernels,
 * roofline), per serving phase and across the ranks of a job, with every
 * quantity defined as TraceLens defines it.
 *
 * Each trace is read as a stream (reader.c), its call tree rebuilt
 * (tree.c), and each table written as soon as it is known; a multi-rank
 * job keeps only a small summary per rank for the cross-rank tables.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "trace.h"

static const char usage[] =
"usage: bench-trace [OPTIONS] TRACE ...\n"
"       bench-trace [OPTIONS] -b DIR [-p PATTERN]\n"
"       bench-trace [OPTIONS] --diff BASE CURRENT\n";

static const char help[] =
"\n"
"Summarise PyTorch profiler traces (kineto or autograd.profiler JSON,\n"
"plain or .gz) as NDJSON tables, defined as TraceLens defines them.\n"
"\n"
"  -b, --base-dir DIR     analyse the traces in DIR as the ranks of one job\n"
"      --bins N           short-kernel histogram bins (default 100)\n"
"      --by-shape         split trace_op by input shapes and types\n"
"      --diff             compare two traces: trace_diff records\n"
"  -f, --filter REGEX     keep ops and kernels whose name or category\n"
"                         matches (repeatable; extended regex)\n"
"      --from MS          keep what starts MS milliseconds into the trace\n"
"  -H, --host FILE        take the GPU's peaks from a host record in FILE\n"
"  -l, --label KEY=VALUE  add a label to every record (repeatable)\n"
"      --lenient          on a corrupt or truncated trace, report what was\n"
"                         read before the error (with a warning)\n"
"  -n, --top N            at most N rows per op, kernel and short table\n"
"  -o, --output FILE      append the records to FILE instead of stdout\n"
"  -p, --pattern GLOB     with -b: which files are traces\n"
"                         (default '*.json*')\n"
"      --peak-tbps X      memory bandwidth peak for trace_perf, TB/s\n"
"      --peak-tflops X    compute peak for trace_perf, TFLOP/s\n"
"      --short-us US      short-kernel threshold (default 10)\n"
"      --step N           keep only ProfilerStep#N\n"
"  -t, --tables LIST      tables to write, comma-separated: info, timeline,\n"
"                         category, op, kernel, short, perf, unified,\n"
"                         phase, collective, or all (the default)\n"
"      --to MS            keep what starts before MS milliseconds\n"
"  -h, --help             show this help and exit\n"
"      --version          show the version and exit\n"
"\n"
"Exit status: 0 success, 2 usage error or an unreadable trace.\n";

enum {
	OPT_BINS = 256, OPT_BYSHAPE, OPT_DIFF, OPT_FROM, OPT_LENIENT,
	OPT_PEAKTBPS, OPT_PEAKTFLOPS, OPT_SHORT, OPT_STEP, OPT_TO,
	OPT_VERSION,
};

static unsigned
parse_tables(const char *arg)
{
	static const struct {
		const char *name;
		unsigned bit;
	} tab[] = {
		{ "info", TB_INFO }, { "timeline", TB_TIMELINE },
		{ "category", TB_CATEGORY }, { "op", TB_OP },
		{ "kernel", TB_KERNEL }, { "short", TB_SHORT },
		{ "perf", TB_PERF }, { "phase", TB_PHASE },
		{ "collective", TB_COLL }, { "unified", TB_UNIFIED },
		{ "all", TB_ALL },
	};
	char *copy = bp_xstrdup(arg), *tok, *save = NULL;
	unsigned bits = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
			if (strcmp(tok, tab[i].name) == 0)
				break;
		if (i == sizeof tab / sizeof tab[0])
			bp_usage_error("unknown table '%s'", tok);
		bits |= tab[i].bit;
	}
	free(copy);
	if (!bits)
		bp_usage_error("no table named in '%s'", arg);
	return bits;
}

static void
add_label(cJSON *labels, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key;

	if (!eq || eq == arg)
		bp_usage_error("label '%s' is not KEY=VALUE", arg);
	key = strndup(arg, eq - arg);
	cJSON_DeleteItemFromObjectCaseSensitive(labels, key);
	cJSON_AddStringToObject(labels, key, eq + 1);
	free(key);
}

static void
add_filter(struct opts *o, const char *re)
{
	char msg[256];
	int rc;

	o->filter = bp_xrealloc(o->filter, (o->nfilter + 1) * sizeof *o->filter);
	rc = regcomp(&o->filter[o->nfilter], re, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &o->filter[o->nfilter], msg, sizeof msg);
		bp_usage_error("bad --filter '%s': %s", re, msg);
	}
	o->nfilter++;
}

static double
num_arg(const char *opt, const char *arg, double min)
{
	double d;

	if (bp_parse_double(arg, &d) < 0 || !(d >= min))
		bp_usage_error("%s wants a number >= %g, not '%s'", opt, min,
		    arg);
	return d;
}

/* A count: a whole number in [min, max], or exit 2. */
static long
int_arg(const char *opt, const char *arg, long min, long max)
{
	long v;

	if (bp_parse_long(arg, &v) < 0 || v < min || v > max)
		bp_usage_error("%s wants a whole number from %ld to %ld, "
		    "not '%s'", opt, min, max, arg);
	return v;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files in dir matching the glob, sorted by name. */
static char **
list_dir(const char *dir, const char *glob, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d)
		bp_die_errno("%s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len;
		char *p;

		if (de->d_name[0] == '.' || fnmatch(glob, de->d_name, 0) != 0)
			continue;
		len = strlen(dir) + strlen(de->d_name) + 2;
		p = bp_xmalloc(len);
		snprintf(p, len, "%s/%s", dir, de->d_name);
		v = bp_xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = p;
	}
	closedir(d);
	if (*n == 0)
		bp_die("%s: no file matches '%s'", dir, glob);
	qsort(v, *n, sizeof *v, by_str);
	return v;
}

/* A rank from a file name: the digits after "rank" or "worker". */
static int
rank_from_name(const char *path, int *rank)
{
	const char *base = strrchr(path, '/');
	static const char *const word[] = { "rank", "worker" };

	base = base ? base + 1 : path;
	for (int w = 0; w < 2; w++) {
		const char *p = strstr(base, word[w]);

		if (!p)
			continue;
		p += strlen(word[w]);
		if (*p == '-' || *p == '_')
			p++;
		if (*p >= '0' && *p <= '9') {
			long v;

			/* atoi is undefined past INT_MAX: such a name has no rank */
			errno = 0;
			v = strtol(p, NULL, 10);
			if (errno == ERANGE || v > INT_MAX)
				continue;
			*rank = (int)v;
			return 1;
		}
	}
	return 0;
}

/* Reads, links and tabulates one trace; the caller frees it. */
static void
load(struct trace *t, const char *path, int order, int lenient,
    const struct opts *o)
{
	char err[512];
	int rc;

	memset(t, 0, sizeof *t);
	t->rank = order;
	rc = trace_read(t, path, lenient, err, sizeof err);
	if (rc == -2)
		bp_die("%s: %s", path, err);
	if (rc < 0)
		bp_warn("%s: %s; reporting the %llu events read before it",
		    path, err, (unsigned long long)t->nevents);
	if (t->rank_src == 0 && rank_from_name(path, &t->rank))
		t->rank_src = 1;
	tree_build(t);
	window_apply(t, o);
	tree_launchers(t, o);
}

static void
tables(struct trace *t, const struct opts *o)
{
	if (o->tables & TB_INFO)
		table_info(t, o);
	table_timeline(t, o);	/* always: later tables use its total */
	if (o->tables & TB_CATEGORY)
		table_category(t, o);
	if (o->tables & TB_OP)
		table_op(t, o);
	if (o->tables & TB_KERNEL)
		table_kernel(t, o);
	if (o->tables & TB_SHORT)
		table_short(t, o);
	if (o->tables & TB_PERF)
		table_perf(t, o);
	if (o->tables & TB_UNIFIED)
		table_unified(t, o);
	if (o->tables & TB_PHASE)
		table_phase(t, o);
	if (o->tables & TB_COLL)
		table_collective(t, o);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "base-dir", required_argument, NULL, 'b' },
		{ "bins", required_argument, NULL, OPT_BINS },
		{ "by-shape", no_argument, NULL, OPT_BYSHAPE },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "filter", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "help", no_argument, NULL, 'h' },
		{ "host", required_argument, NULL, 'H' },
		{ "label", required_argument, NULL, 'l' },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "output", required_argument, NULL, 'o' },
		{ "pattern", required_argument, NULL, 'p' },
		{ "peak-tbps", required_argument, NULL, OPT_PEAKTBPS },
		{ "peak-tflops", required_argument, NULL, OPT_PEAKTFLOPS },
		{ "short-us", required_argument, NULL, OPT_SHORT },
		{ "step", required_argument, NULL, OPT_STEP },
		{ "tables", required_argument, NULL, 't' },
		{ "to", required_argument, NULL, OPT_TO },
		{ "top", required_argument, NULL, 'n' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.short_us = 10, .bins = 100, .from_ms = -1, .to_ms = -1,
		.step = -1, .tables = TB_ALL,
	};
	const char *outpath = NULL, *dir = NULL, *pattern = "*.json*";
	const char *hostpath = NULL;
	int c, diff = 0, lenient = 0, nfiles, stdin_busy = 0;
	char **files;
	struct trace *tr;
	struct rank_sum **sum;

	bp_setprogname(argv[0]);
	o.labels = cJSON_CreateObject();
	while ((c = getopt_long(argc, argv, "b:f:hH:l:n:o:p:t:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			dir = optarg;
			break;
		case 'f':
			add_filter(&o, optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			cJSON_Delete(o.labels);
			return bp_stdout_status();
		case 'H':
			hostpath = optarg;
			break;
		case 'l':
			add_label(o.labels, optarg);
			break;
		case 'n':
			o.top = (int)int_arg("--top", optarg, 1, INT_MAX);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			pattern = optarg;
			break;
		case 't':
			o.tables = parse_tables(optarg);
			break;
		case OPT_BINS:
			o.bins = (int)int_arg("--bins", optarg, 1, 1000000);
			break;
		case OPT_BYSHAPE:
			o.by_shape = 1;
			break;
		case OPT_DIFF:
			diff = 1;
			break;
		case OPT_FROM:
			o.from_ms = num_arg("--from", optarg, 0);
			break;
		case OPT_LENIENT:
			lenient = 1;
			break;
		case OPT_PEAKTBPS:
			o.peak_tbps = num_arg("--peak-tbps", optarg, 1e-9);
			break;
		case OPT_PEAKTFLOPS:
			o.peak_tflops = num_arg("--peak-tflops", optarg, 1e-9);
			break;
		case OPT_SHORT:
			o.short_us = num_arg("--short-us", optarg, 0);
			break;
		case OPT_STEP:
			o.step = int_arg("--step", optarg, 0, LONG_MAX);
			break;
		case OPT_TO:
			o.to_ms = num_arg("--to", optarg, 0);
			break;
		case OPT_VERSION:
			bp_print_version();
			cJSON_Delete(o.labels);
			return bp_stdout_status();
		default:
			fputs(usage, stderr);
			cJSON_Delete(o.labels);
			return BP_EXIT_USAGE;
		}
	}
	if (dir && optind < argc)
		bp_usage_error("-b and trace files exclude each other");
	if (dir && diff)
		bp_usage_error("-b and --diff exclude each other");
	if (diff && argc - optind != 2)
		bp_usage_error("--diff wants two traces, BASE and CURRENT");
	if (!dir && optind >= argc)
		bp_usage_error("no trace given");
	if (o.from_ms >= 0 && o.to_ms >= 0 && o.to_ms < o.from_ms)
		bp_usage_error("--to is before --from");
	for (int i = optind; i < argc; i++)
		stdin_busy |= strcmp(argv[i], "-") == 0;
	if (hostpath && strcmp(hostpath, "-") == 0 && stdin_busy)
		bp_usage_error("-H - and a trace on stdin exclude each other");
	peaks_init(hostpath, stdin_busy);

	if (dir) {
		files = list_dir(dir, pattern, &nfiles);
	} else {
		files = argv + optind;
		nfiles = argc - optind;
	}
	out_open(outpath);
	tr = bp_xmalloc(sizeof *tr * (diff ? 2 : 1));
	if (diff) {
		load(&tr[0], files[0], 0, lenient, &o);
		load(&tr[1], files[1], 1, lenient, &o);
		trace_diff(&tr[0], &tr[1], &o);
		trace_free(&tr[0]);
		trace_free(&tr[1]);
		nfiles = 0;
	}
	/* with -b the traces are the ranks of one job: each keeps a
	 * summary for the cross-rank tables */
	sum = bp_xmalloc((nfiles + 1) * sizeof *sum);
	for (int i = 0; i < nfiles; i++) {
		load(tr, files[i], i, lenient, &o);
		tables(tr, &o);
		sum[i] = dir ? rank_summary(tr, &o) : NULL;
		trace_free(tr);
	}
	if (dir && nfiles > 1)
		multirank(sum, nfiles, &o);
	for (int i = 0; i < nfiles; i++)
		rank_sum_free(sum[i]);
	free(sum);
	free(tr);
	if (dir) {
		for (int i = 0; i < nfiles; i++)
			free(files[i]);
		free(files);
	}
	out_close();
	for (size_t i = 0; i < o.nfilter; i++)
		regfree(&o.filter[i]);
	free(o.filter);
	cJSON_Delete(o.labels);
	return bp_stdout_status();
}
