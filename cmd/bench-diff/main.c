/*
 * bench-diff - compare benchmark records between a baseline and a current
 * run, group by group and metric, and say with a test and an exit status
 * which changes are regressions.  Both inputs are loaded whole: every
 * p-value of the call is adjusted together before any verdict.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "diff.h"

static const char usage[] =
"usage: bench-diff [OPTIONS] BASELINE [CURRENT]\n"
"       bench-diff [OPTIONS] --split FIELD=A,B [FILE...]\n"
"       bench-diff [OPTIONS] --history FILE\n";

static const char help[] =
"\n"
"Compare benchmark records and say which changes are regressions.\n"
"CURRENT is standard input when not given.\n"
"\n"
"  -a, --alpha P              significance level (default 0.05;\n"
"                             0.001 with --history)\n"
"  -b, --by FIELDS            group key, comma-separated dotted paths\n"
"                             (default model,backend,params,labels)\n"
"  -c, --calibrate            write noise records from an A/A input\n"
"  -f, --fail-on LEVEL        exit 1 on a regression of LEVEL or worse:\n"
"                             minor, major, critical, never (default minor)\n"
"      --higher-is-better METRICS  these metrics are better when higher\n"
"      --history FILE         find change points in a series of results\n"
"      --lenient              skip invalid lines instead of stopping\n"
"      --lower-is-better METRICS   these metrics are better when lower\n"
"  -m, --metric METRICS       compare only these metrics\n"
"      --no-fdr               decide on p-values, not on Benjamini-Hochberg\n"
"                             q-values\n"
"      --noise FILE           raise each group's threshold to its noise floor\n"
"  -s, --split FIELD=A,B      compare FIELD=A (baseline) with FIELD=B\n"
"      --severity MINOR,MAJOR,CRITICAL  severity levels in percent\n"
"                             (default 5,10,25)\n"
"  -t, --threshold PCT        smallest change that counts (default 5)\n"
"  -w, --window N             --history window in runs (default 50)\n"
"  -h, --help                 show this help and exit\n"
"      --version              show the version and exit\n"
"\n"
"Exit status: 0 no regression, 1 a regression at or above --fail-on,\n"
"2 usage, input or system error.\n";

static const char *const default_by[] = {
	"model", "backend", "params", "labels",
};

/* Appends the comma-separated items of arg to *list. */
static void
add_list(char ***list, int *n, const char *arg, const char *what)
{
	char *copy = bp_xstrdup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		*list = bp_xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = bp_xstrdup(tok);
	}
	free(copy);
	if (!*n)
		bp_usage_error("%s: empty list", what);
}

static void
free_list(char **list, int n)
{
	while (n-- > 0)
		free(list[n]);
	free(list);
}

static double
number(const char *arg, const char *what, double lo, double hi)
{
	double d;

	if (bp_parse_double(arg, &d) < 0 || !(d >= lo && d <= hi))
		bp_usage_error("%s: '%s' is not a number from %g to %g", what,
		    arg, lo, hi);
	return d;
}

static int
fail_level(const char *arg)
{
	static const char *const names[] = {
		"minor", "major", "critical", "never",
	};
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	bp_usage_error("--fail-on: '%s' is not minor, major, critical or never",
	    arg);
}

static void
severities(struct opts *o, const char *arg)
{
	char *copy = bp_xstrdup(arg), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok;
	    tok = strtok_r(NULL, ",", &save)) {
		if (n == 3)
			bp_usage_error("--severity: '%s' is not three numbers",
			    arg);
		o->sev[n++] = number(tok, "--severity", 0, 1e9);
	}
	free(copy);
	if (n != 3 || !(o->sev[0] <= o->sev[1] && o->sev[1] <= o->sev[2]))
		bp_usage_error("--severity: '%s' is not three ascending numbers",
		    arg);
}

static void
split_arg(struct opts *o, const char *arg)
{
	char *eq, *comma;

	free(o->split);
	o->split = bp_xstrdup(arg);
	eq = strchr(o->split, '=');
	comma = eq ? strchr(eq + 1, ',') : NULL;
	if (!eq || eq == o->split || !comma || comma == eq + 1 || !comma[1])
		bp_usage_error("--split: '%s' is not FIELD=A,B", arg);
	*eq = *comma = '\0';
	o->split_a = eq + 1;
	o->split_b = comma + 1;
	if (strcmp(o->split_a, o->split_b) == 0)
		bp_usage_error("--split: A and B are the same");
}

static void
load_side(struct table *t, const struct opts *o, char **names, int n,
    int side)
{
	struct bp_in in;

	bp_in_init(&in, names, n, o->lenient);
	table_load(t, &in, side, o);
}

static void
need_records(const struct table *t, const struct opts *o, char **argv,
    int argc)
{
	int s;

	for (s = BASE; s <= CUR; s++) {
		if (t->records[s])
			continue;
		if (o->split)
			bp_die("no sample, stat or result records with %s=%s",
			    o->split, s == BASE ? o->split_a : o->split_b);
		bp_die("%s: no sample, stat or result records",
		    s < argc ? argv[s] : "-");
	}
}

int
main(int argc, char **argv)
{
	enum {
		OPT_HIGHER = 256, OPT_HISTORY, OPT_LENIENT, OPT_LOWER,
		OPT_NOFDR, OPT_NOISE, OPT_SEVERITY, OPT_VERSION,
	};
	static const struct option longopts[] = {
		{ "alpha", required_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'b' },
		{ "calibrate", no_argument, NULL, 'c' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "higher-is-better", required_argument, NULL, OPT_HIGHER },
		{ "history", required_argument, NULL, OPT_HISTORY },
		{ "lenient", no_argument, NULL, OPT_LENIENT },
		{ "lower-is-better", required_argument, NULL, OPT_LOWER },
		{ "metric", required_argument, NULL, 'm' },
		{ "no-fdr", no_argument, NULL, OPT_NOFDR },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "split", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "window", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.alpha = 0.05, .threshold = 5, .sev = { 5, 10, 25 },
		.fail_on = SEV_MINOR, .fdr = 1, .window = 50,
	};
	struct table t = { 0 };
	struct bp_out out;
	char *dash[1] = { "-" };
	int c, rc, nargs;
	size_t i;

	bp_setprogname(argv[0]);
	while ((c = getopt_long(argc, argv, "a:b:cf:hm:s:t:w:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a':
			o.alpha = number(optarg, "--alpha", 1e-300, 1);
			o.alpha_set = 1;
			if (o.alpha >= 1)
				bp_usage_error("--alpha: must be below 1");
			break;
		case 'b':
			add_list(&o.by, &o.nby, optarg, "--by");
			break;
		case 'c':
			o.calibrate = 1;
			break;
		case 'f':
			o.fail_on = fail_level(optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			return bp_stdout_status();
		case 'm':
			add_list(&o.metrics, &o.nmetrics, optarg, "--metric");
			break;
		case 's':
			split_arg(&o, optarg);
			break;
		case 't':
			o.threshold = number(optarg, "--threshold", 0, 1e9);
			break;
		case 'w':
			o.window = (long)number(optarg, "--window", 2, 1e6);
			if (o.window != number(optarg, "--window", 2, 1e6))
				bp_usage_error("--window: '%s' is not a whole "
				    "number", optarg);
			break;
		case OPT_HIGHER:
			add_list(&o.higher, &o.nhigher, optarg,
			    "--higher-is-better");
			break;
		case OPT_HISTORY:
			o.history = optarg;
			break;
		case OPT_LENIENT:
			o.lenient = 1;
			break;
		case OPT_LOWER:
			add_list(&o.lower, &o.nlower, optarg,
			    "--lower-is-better");
			break;
		case OPT_NOFDR:
			o.fdr = 0;
			break;
		case OPT_NOISE:
			o.noise = optarg;
			break;
		case OPT_SEVERITY:
			severities(&o, optarg);
			break;
		case OPT_VERSION:
			bp_print_version();
			return bp_stdout_status();
		default:
			fputs(usage, stderr);
			return BP_EXIT_USAGE;
		}
	}
	nargs = argc - optind;
	if (!o.nby)
		for (i = 0; i < sizeof default_by / sizeof *default_by; i++)
			add_list(&o.by, &o.nby, default_by[i], "--by");
	if (o.history && (o.split || o.calibrate))
		bp_usage_error("--history excludes --split and --calibrate");
	if (o.history && nargs > 0)
		bp_usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.history && !o.split && nargs < 1)
		bp_usage_error("no BASELINE given");
	if (!o.history && !o.split && nargs > 2)
		bp_usage_error("unexpected argument '%s'", argv[optind + 2]);
	if (!o.split && nargs >= 1 && strcmp(argv[optind], "-") == 0 &&
	    (nargs == 1 || strcmp(argv[optind + 1], "-") == 0))
		bp_usage_error("BASELINE and CURRENT cannot both be stdin");
	if (o.history && !o.alpha_set)
		o.alpha = 0.001;

	if (bp_out_open(&out, NULL) < 0)
		bp_die_errno("stdout");
	if (o.noise)
		noise_load(o.noise, &o);
	if (o.history) {
		rc = history_run(&o, &out);
	} else {
		if (o.split) {
			load_side(&t, &o, argv + optind, nargs, BASE);
		} else {
			load_side(&t, &o, argv + optind, 1, BASE);
			load_side(&t, &o, nargs > 1 ? argv + optind + 1 : dash,
			    1, CUR);
		}
		need_records(&t, &o, argv + optind, nargs);
		rc = o.calibrate ? calibrate_all(&t, &o, &out) :
		    compare_all(&t, &o, &out);
	}
	if (bp_out_close(&out) < 0)
		bp_die_errno("stdout");
	table_free(&t);
	noise_free();
	free_list(o.by, o.nby);
	free_list(o.metrics, o.nmetrics);
	free_list(o.higher, o.nhigher);
	free_list(o.lower, o.nlower);
	free(o.split);
	return rc;
}
