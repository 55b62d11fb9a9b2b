/*
 * bench-agg - aggregate sample records into one stat record per group:
 * n, mean, stddev, cv, percentiles, confidence intervals of the mean and
 * the median, Tukey outlier counts and throughput; every other record
 * passes through unchanged and in order, and the stat records follow at
 * the end of the input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg.h"
#include "buf.h"
#include "cli.h"
#include "die.h"

static const char usage[] =
"usage: bench-agg [-alq] [-c LEVEL] [-g FIELDS] [-k KIND] [-m NAMES] "
    "[-o FILE] [-p LIST] [-t N] [FILE ...]\n";

static const char help[] =
"\n"
"Aggregate sample records into one stat record per group.\n"
"\n"
"  -a, --approx            keep a quantile sketch (0.5% relative error),\n"
"                          not every value: memory bounded per group\n"
"  -c, --ci LEVEL          confidence level in percent (default 95)\n"
"  -g, --by FIELDS         group key: dotted paths, comma-separated\n"
"                          (default model,backend,params,labels,host_id)\n"
"  -k, --kind KIND         aggregate sample (default) or result records\n"
"  -l, --lenient           skip invalid lines instead of stopping\n"
"  -m, --metric NAMES      metrics, comma-separated (default every\n"
"                          numeric field but the keys, iter and schema)\n"
"  -o, --output FILE       append to FILE instead of standard output\n"
"  -p, --percentiles LIST  percentiles (default 50,90,95,99,99.9)\n"
"  -q, --quiet             no noise warnings on standard error\n"
"  -t, --threads N         parse with N threads (default 2, or 1 on one CPU)\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Exit status: 0 success, 2 usage or input error.\n";

/* Splits a comma-separated list; empty items are a usage error. */
static char **
split(const char *arg, const char *what, int *n)
{
	char **v, *s = bp_xstrdup(arg), *p, *comma;
	int cap = 4;

	*n = 0;
	v = bp_xmalloc(cap * sizeof *v);
	if (!*s) {
		free(s);
		return v;
	}
	for (p = s;; p = comma + 1) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p)
			bp_usage_error("empty name in %s '%s'", what, arg);
		if (*n == cap)
			v = bp_xrealloc(v, (cap *= 2) * sizeof *v);
		v[(*n)++] = bp_xstrdup(p);
		if (!comma)
			break;
	}
	free(s);
	return v;
}

/* "p" or "ci" and the percentage without its point: 99.9 -> "p999". */
static void
pct_name(char *out, size_t len, const char *prefix, double pct)
{
	char num[32], *o;
	const char *p;

	snprintf(num, sizeof num, "%g", pct);
	if (strchr(num, 'e'))
		bp_usage_error("percentage %s has too many digits", num);
	snprintf(out, len, "%s", prefix);
	o = out + strlen(out);
	for (p = num; *p && o < out + len - 1; p++)
		if (*p != '.')
			*o++ = *p;
	*o = '\0';
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
set_percentiles(struct opts *o, const char *arg)
{
	char **items = split(arg, "percentiles", &o->npcts);
	char name[32];
	int i, j, k = 0;

	if (o->npcts == 0)
		bp_usage_error("no percentiles in ''");
	o->pcts = bp_xmalloc(o->npcts * sizeof *o->pcts);
	for (i = 0; i < o->npcts; i++) {
		if (bp_parse_double(items[i], &o->pcts[i]) < 0 ||
		    !(o->pcts[i] >= 0 && o->pcts[i] <= 100))
			bp_usage_error("percentile '%s' is not a number from 0 to 100",
			    items[i]);
		free(items[i]);
	}
	free(items);
	qsort(o->pcts, o->npcts, sizeof *o->pcts, cmp_double);
	o->pctnames = bp_xmalloc(o->npcts * sizeof *o->pctnames);
	for (i = 0; i < o->npcts; i++) {
		if (k > 0 && o->pcts[i] == o->pcts[k - 1])
			continue;
		pct_name(name, sizeof name, "p", o->pcts[i]);
		for (j = 0; j < k; j++)
			if (strcmp(o->pctnames[j], name) == 0)
				bp_usage_error("percentiles %g and %g would both be "
				    "named %s", o->pcts[j], o->pcts[i], name);
		o->pcts[k] = o->pcts[i];
		o->pctnames[k++] = bp_xstrdup(name);
	}
	o->npcts = k;
}

static void
set_level(struct opts *o, const char *arg)
{
	double pct;

	if (bp_parse_double(arg, &pct) < 0 || !(pct > 0 && pct < 100))
		bp_usage_error("confidence level '%s' is not a percentage "
		    "between 0 and 100", arg);
	o->level = pct / 100;
	pct_name(o->ciname, sizeof o->ciname, "ci", pct);
	snprintf(o->p50ciname, sizeof o->p50ciname, "p50_%s", o->ciname);
}

static void
check_keys(const struct opts *o)
{
	const char *p;
	int i, n;

	if (o->nkeys > AGG_MAX_KEYS)
		bp_usage_error("more than %d group keys", AGG_MAX_KEYS);
	for (i = 0; i < o->nkeys; i++) {
		for (n = 1, p = o->keys[i]; *p; p++)
			n += *p == '.';
		p = o->keys[i];
		if (n > AGG_MAX_PATH)
			bp_usage_error("group key '%s' is deeper than %d levels",
			    p, AGG_MAX_PATH);
		if (*p == '.' || p[strlen(p) - 1] == '.' || strstr(p, ".."))
			bp_usage_error("group key '%s' has an empty component", p);
	}
}

static void
free_opts(struct opts *o)
{
	int i;

	for (i = 0; i < o->nkeys; i++)
		free(o->keys[i]);
	free(o->keys);
	for (i = 0; i < o->nmetrics; i++)
		free(o->metrics[i]);
	free(o->metrics);
	for (i = 0; i < o->npcts; i++)
		free(o->pctnames[i]);
	free(o->pctnames);
	free(o->pcts);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "approx", no_argument, NULL, 'a' },
		{ "by", required_argument, NULL, 'g' },
		{ "ci", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "kind", required_argument, NULL, 'k' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "metric", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "percentiles", required_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "threads", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	const char *outpath = NULL, *by = "model,backend,params,labels,host_id";
	struct wbuf out;
	long threads = -1;
	int c;

	bp_setprogname(argv[0]);
	set_level(&o, "95");
	while ((c = getopt_long(argc, argv, "ac:g:hk:lm:o:p:qt:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'a':
			o.approx = 1;
			break;
		case 'c':
			set_level(&o, optarg);
			break;
		case 'g':
			by = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			return bp_stdout_status();
		case 'k':
			if (strcmp(optarg, "result") != 0 &&
			    strcmp(optarg, "sample") != 0)
				bp_usage_error("kind '%s' is not sample or result",
				    optarg);
			o.results = strcmp(optarg, "result") == 0;
			break;
		case 'l':
			o.lenient = 1;
			break;
		case 'm':
			if (o.metrics)
				bp_usage_error("--metric given twice");
			o.metrics = split(optarg, "metrics", &o.nmetrics);
			if (o.nmetrics == 0)
				bp_usage_error("no metrics in ''");
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'p':
			if (o.pcts)
				bp_usage_error("--percentiles given twice");
			set_percentiles(&o, optarg);
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 't':
			if (bp_parse_long(optarg, &threads) < 0 ||
			    threads < 1 || threads > 64)
				bp_usage_error("threads '%s' is not a number from 1 to 64",
				    optarg);
			break;
		case 'V':
			bp_print_version();
			return bp_stdout_status();
		default:
			fputs(usage, stderr);
			return BP_EXIT_USAGE;
		}
	}
	o.keys = split(by, "group keys", &o.nkeys);
	check_keys(&o);
	if (!o.pcts)
		set_percentiles(&o, "50,90,95,99,99.9");
	o.threads = threads > 0 ? (int)threads :
	    sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
	wbuf_open(&out, outpath);
	agg_run_input(&o, argv + optind, argc - optind, &out);
	wbuf_close(&out);
	free_opts(&o);
	return BP_EXIT_OK;
}
