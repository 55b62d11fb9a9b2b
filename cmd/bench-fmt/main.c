/*
 * bench-fmt - render benchmark records as a report: Markdown, one
 * self-contained HTML file with charts, CSV or TSV, one JSON document, a
 * console table, or a gnuplot script.
 *
 * Output is a function of the input: the same records give the same bytes,
 * except the generation time, which --no-timestamp leaves out and
 * SOURCE_DATE_EPOCH fixes.  Reports written to files are written whole or
 * not at all (a temp file renamed into place).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "die.h"
#include "fmt.h"
#include "json.h"
#include "ndjson.h"
#include "report.h"
#include "timeutil.h"

static const char usage[] =
"usage: bench-fmt [-Tl] [-f FORMAT] [-o FILE | -d DIR [-n TEMPLATE]] [FILE ...]\n"
"       bench-fmt -f csv|tsv [-k KIND] [FILE ...]\n"
"       bench-fmt -f gnuplot -c CHART [-t TERMINAL] [FILE ...]\n";

static const char help[] =
"\n"
"Render benchmark records (host, sample, result, stat, diff) as a report.\n"
"\n"
"  -c, --chart CHART        gnuplot: heatmap, scaling, latency, trend,\n"
"                           regressions, trace-timeline, trace-category or\n"
"                           roofline\n"
"  -d, --output-dir DIR     write the report into DIR under --name, point\n"
"                           DIR/latest.EXT at it, print its path on stderr\n"
"  -f, --format FORMAT      md (default), html, csv, tsv, json, text,\n"
"                           gnuplot or xlsx; default from the -o file's\n"
"                           extension\n"
"  -k, --kind KIND          csv, tsv: a row per record of KIND (default stat,\n"
"                           else result)\n"
"  -l, --lenient            skip invalid lines instead of stopping\n"
"  -n, --name TEMPLATE      the file name under --output-dir, with {model}\n"
"                           {backend} {device} {scenario} {samples}\n"
"                           {timestamp} {date} {ext} (default\n"
"                           {model}_{device}_{samples}_samples_{timestamp}.{ext})\n"
"  -o, --output FILE        write the report to FILE instead of stdout\n"
"  -t, --terminal TERMINAL  gnuplot: svg (default), png or pdfcairo\n"
"  -T, --no-timestamp       leave the generation time out\n"
"      --chart-timeout SEC  html: give up on a chart after SEC seconds\n"
"                           (default 20)\n"
"      --no-charts          html: tables only, without gnuplot\n"
"      --title TEXT         the report's title (default \"Benchmark report\")\n"
"  -h, --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Exit status: 0 success, 2 usage, input or system error.\n";

#define DEFAULT_NAME "{model}_{device}_{samples}_samples_{timestamp}.{ext}"
#define SCENARIO_NAME \
	"MLPerf_{scenario}_{device}_{samples}_samples_{timestamp}.{ext}"

enum {
	OPT_CHART_TIMEOUT = 256,
	OPT_NO_CHARTS,
	OPT_TITLE,
	OPT_VERSION,
};

/* The format -o FILE's extension names, or NULL. */
static const struct format *
format_of_path(const char *path)
{
	static const struct {
		const char *ext, *format;
	} exts[] = {
		{ "md", "md" }, { "markdown", "md" }, { "html", "html" },
		{ "htm", "html" }, { "csv", "csv" }, { "tsv", "tsv" },
		{ "json", "json" }, { "txt", "text" }, { "gp", "gnuplot" },
		{ "gnuplot", "gnuplot" }, { "xlsx", "xlsx" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	if (!dot || strchr(dot, '/'))
		return NULL;
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
		if (strcmp(dot + 1, exts[i].ext) == 0)
			return format_find(exts[i].format);
	return NULL;
}

/* "heatmap, scaling, ...": the charts, for a usage error. */
static const char *
chart_names(void)
{
	static char buf[512];
	size_t i, len = 0;

	for (i = 0; chart_kinds[i] && len < sizeof buf; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    i ? ", " : "", chart_kinds[i]->name);
	return buf;
}

/* A value made safe for a file name: [A-Za-z0-9._+-], runs of anything
 * else become one '-'. */
static void
add_safe(struct bp_buf *b, const char *s)
{
	size_t start = b->len;
	int dash = 0;

	for (; *s; s++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._+-", *s)) {
			if (dash && b->len > start)
				bp_buf_addc(b, '-');
			dash = 0;
			bp_buf_addc(b, *s == '.' && b->len == start ? '_' : *s);
		} else {
			dash = 1;
		}
	}
	if (b->len == start)
		bp_buf_adds(b, "none");
}

/* The one value of field over groups, "multi" for several. */
static const char *
one_of(const struct report *r, const char *(*get)(const struct group *))
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < r->ngroups; i++) {
		const char *x = get(r->groups[i]);

		if (!v)
			v = x;
		else if (strcmp(v, x) != 0)
			return "multi";
	}
	return v ? v : "none";
}

static const char *
get_model(const struct group *g)
{
	return g->model;
}

static const char *
get_backend(const struct group *g)
{
	return g->backend;
}

/* The device a group ran on: its host's first GPU for a GPU backend,
 * else its CPU. */
static const char *
get_device(const struct group *g)
{
	const cJSON *h = g->host->rec;
	const char *gpu = bp_json_str(cJSON_GetArrayItem(bp_json_path(h,
	    "gpus"), 0), "name");
	const char *cpu = bp_json_str(h, "cpu.model");

	if (!h) {
		gpu = bp_json_str(g->host->summary, "gpu");
		cpu = bp_json_str(g->host->summary, "cpu");
	}
	if (gpu && strcmp(g->backend, "cpu") != 0)
		return gpu;
	return cpu ? cpu : g->host->name;
}

static const char *
get_scenario(const struct group *g)
{
	const char *s = g->nresults ? bp_json_str(g->results[0],
	    "scenario.name") : NULL;

	return s ? s : "none";
}

static size_t
count_samples(const struct report *r)
{
	size_t i, n = 0;

	if (r->nsamples)
		return r->nsamples;
	for (i = 0; i < r->ngroups; i++)
		if (r->groups[i]->row.n > 0)
			n += (size_t)r->groups[i]->row.n;
	return n;
}

/* Expands the --name template; dies on an unknown placeholder. */
static char *
expand_name(const char *tmpl, const struct report *r, const char *ext,
    time_t now)
{
	struct bp_buf b = { 0 };
	struct tm tm;
	char t[32];
	const char *p, *end;

	gmtime_r(&now, &tm);
	for (p = tmpl; *p; p++) {
		if (*p != '{') {
			bp_buf_addc(&b, *p);
			continue;
		}
		end = strchr(p, '}');
		if (!end)
			bp_usage_error("--name: '{' without '}' in '%s'", tmpl);
#define IS(s) ((size_t)(end - p - 1) == strlen(s) && \
		strncmp(p + 1, s, strlen(s)) == 0)
		if (IS("model")) {
			add_safe(&b, one_of(r, get_model));
		} else if (IS("backend")) {
			add_safe(&b, one_of(r, get_backend));
		} else if (IS("device")) {
			add_safe(&b, one_of(r, get_device));
		} else if (IS("scenario")) {
			add_safe(&b, one_of(r, get_scenario));
		} else if (IS("samples")) {
			bp_buf_addf(&b, "%zu", count_samples(r));
		} else if (IS("timestamp")) {
			strftime(t, sizeof t, "%Y%m%d_%H%M%S", &tm);
			bp_buf_adds(&b, t);
		} else if (IS("date")) {
			strftime(t, sizeof t, "%Y-%m-%d", &tm);
			bp_buf_adds(&b, t);
		} else if (IS("ext")) {
			bp_buf_adds(&b, ext);
		} else {
			bp_usage_error("--name: unknown placeholder '%.*s'",
			    (int)(end - p + 1), p);
		}
#undef IS
		p = end;
	}
	return bp_buf_detach(&b);
}

/* Checks a --name template before any input is read. */
static void
check_name(const char *tmpl)
{
	static const char *const known[] = { "{model}", "{backend}",
	    "{device}", "{scenario}", "{samples}", "{timestamp}", "{date}",
	    "{ext}" };
	const char *p = tmpl, *end;
	size_t i;

	if (!*tmpl || strchr(tmpl, '/'))
		bp_usage_error("--name '%s' is not a file name", tmpl);
	while ((p = strchr(p, '{'))) {
		end = strchr(p, '}');
		if (!end)
			bp_usage_error("--name: '{' without '}' in '%s'", tmpl);
		for (i = 0; i < sizeof known / sizeof known[0]; i++)
			if ((size_t)(end - p + 1) == strlen(known[i]) &&
			    strncmp(p, known[i], strlen(known[i])) == 0)
				break;
		if (i == sizeof known / sizeof known[0])
			bp_usage_error("--name: unknown placeholder '%.*s'",
			    (int)(end - p + 1), p);
		p = end;
	}
}

/* mkdir -p */
static void
mkdirs(const char *dir)
{
	char *d = bp_xstrdup(dir), *p;
	struct stat st;
	int last = 0;

	for (p = d + 1; !last; p++) {
		if (*p != '/' && *p)
			continue;
		last = !*p;
		*p = '\0';
		if (mkdir(d, 0777) != 0 && errno != EEXIST)
			bp_die_errno("%s", d);
		*p = last ? '\0' : '/';
	}
	if (stat(dir, &st) != 0)
		bp_die_errno("%s", dir);
	if (!S_ISDIR(st.st_mode))
		bp_die("%s: not a directory", dir);
	free(d);
}

/* DIR/latest.EXT -> name, replaced atomically. */
static void
link_latest(const char *dir, const char *name, const char *ext)
{
	struct bp_buf link = { 0 }, tmp = { 0 };

	bp_buf_addf(&link, "%s/latest.%s", dir, ext);
	if (strcmp(strrchr(link.p, '/') + 1, name) == 0)
		goto out;
	bp_buf_addf(&tmp, "%s/.latest.%s.%ld", dir, ext, (long)getpid());
	unlink(tmp.p);
	if (symlink(name, tmp.p) != 0 || rename(tmp.p, link.p) != 0) {
		bp_warn_errno("%s", link.p);
		unlink(tmp.p);
	}
out:
	bp_buf_free(&link);
	bp_buf_free(&tmp);
}

/* The report being written to a file: removed if the command dies. */
static struct bp_atomic pending;

static void
remove_pending(void)
{
	if (pending.tmp)
		bp_atomic_abort(&pending);
}

static void
write_file(const char *path, const struct report *r,
    const struct format *f, const struct opts *o)
{
	if (bp_atomic_open(&pending, path) != 0)
		bp_die_errno("%s", path);
	f->write(r, pending.fp, o);
	if (bp_atomic_commit(&pending) != 0)
		bp_die_errno("%s", path);
}

static double
parse_timeout(const char *s)
{
	double v;

	if (bp_parse_double(s, &v) != 0 || !(v > 0) || v > 86400)
		bp_usage_error("--chart-timeout '%s' is not a number of "
		    "seconds", s);
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chart", required_argument, NULL, 'c' },
		{ "chart-timeout", required_argument, NULL, OPT_CHART_TIMEOUT },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "kind", required_argument, NULL, 'k' },
		{ "lenient", no_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "no-charts", no_argument, NULL, OPT_NO_CHARTS },
		{ "no-timestamp", no_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "output-dir", required_argument, NULL, 'd' },
		{ "terminal", required_argument, NULL, 't' },
		{ "title", required_argument, NULL, OPT_TITLE },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.title = "Benchmark report", .stamp = 1, .charts = 1,
		.chart_timeout = 20, .chart = -1, .terminal = NULL,
	};
	const struct format *f = NULL;
	const char *outpath = NULL, *dir = NULL, *name = NULL, *chart = NULL;
	int lflag = 0, c;
	struct report r;
	struct bp_in in;

	bp_setprogname(argv[0]);
	atexit(remove_pending);
	while ((c = getopt_long(argc, argv, "Tc:d:f:hk:ln:o:t:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'T':
			o.stamp = 0;
			break;
		case 'c':
			chart = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'f':
			f = format_find(optarg);
			if (!f)
				bp_usage_error("unknown format '%s' (md, html, "
				    "csv, tsv, json, text, gnuplot, xlsx)",
				    optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(help, stdout);
			return bp_stdout_status();
		case 'k':
			o.kind = optarg;
			break;
		case 'l':
			lflag = 1;
			break;
		case 'n':
			name = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 't':
			o.terminal = optarg;
			break;
		case OPT_CHART_TIMEOUT:
			o.chart_timeout = parse_timeout(optarg);
			break;
		case OPT_NO_CHARTS:
			o.charts = 0;
			break;
		case OPT_TITLE:
			o.title = optarg;
			break;
		case OPT_VERSION:
			bp_print_version();
			return bp_stdout_status();
		default:
			fputs(usage, stderr);
			return BP_EXIT_USAGE;
		}
	}
	if (outpath && dir)
		bp_usage_error("--output and --output-dir exclude each other");
	if (name && !dir)
		bp_usage_error("--name needs --output-dir");
	if (name)
		check_name(name);
	if (!f && outpath && strcmp(outpath, "-") != 0)
		f = format_of_path(outpath);
	if (!f)
		f = format_find("md");
	if (o.kind && strcmp(f->name, "csv") != 0 && strcmp(f->name, "tsv") != 0)
		bp_usage_error("--kind is for -f csv and -f tsv");
	if ((chart || o.terminal) && strcmp(f->name, "gnuplot") != 0)
		bp_usage_error("--chart and --terminal are for -f gnuplot");
	if (strcmp(f->name, "gnuplot") == 0) {
		if (!chart)
			bp_usage_error("-f gnuplot needs --chart (%s)",
			    chart_names());
		o.chart = chart_find(chart);
		if (o.chart < 0)
			bp_usage_error("unknown chart '%s' (%s)", chart,
			    chart_names());
		if (!o.terminal)
			o.terminal = "svg";
		if (strcmp(o.terminal, "svg") != 0 &&
		    strcmp(o.terminal, "png") != 0 &&
		    strcmp(o.terminal, "pdfcairo") != 0)
			bp_usage_error("unknown terminal '%s' (svg, png, "
			    "pdfcairo)", o.terminal);
	}
	if (strcmp(f->name, "xlsx") == 0 && !dir &&
	    (!outpath || strcmp(outpath, "-") == 0) && isatty(STDOUT_FILENO))
		bp_usage_error("-f xlsx writes a binary workbook: give -o FILE "
		    "or --output-dir");
	o.now = bp_report_time();
	if (dir)
		mkdirs(dir);

	bp_in_init(&in, argv + optind, argc - optind, lflag);
	report_load(&r, &in, f->keep_lines);
	if (dir) {
		char *file = expand_name(name ? name : r.nresults &&
		    strcmp(one_of(&r, get_scenario), "none") != 0 ?
		    SCENARIO_NAME : DEFAULT_NAME, &r, f->ext, o.now);
		struct bp_buf path = { 0 };

		bp_buf_addf(&path, "%s/%s", dir, file);
		write_file(path.p, &r, f, &o);
		link_latest(dir, file, f->ext);
		fprintf(stderr, "%s\n", path.p);
		bp_buf_free(&path);
		free(file);
	} else if (outpath && strcmp(outpath, "-") != 0) {
		write_file(outpath, &r, f, &o);
	} else {
		f->write(&r, stdout, &o);
	}
	report_free(&r);
	return bp_stdout_status();
}
