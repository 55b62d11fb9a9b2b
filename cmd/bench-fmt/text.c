/*
 * text.c - what a person reads in a terminal or a cron mail: one aligned
 * table of every configuration, then the failed benchmarks with their
 * errors, then the regressions, then a line per profiler trace.
 *
 * Columns are aligned by display width (a CJK character takes two cells,
 * a combining accent none), and control characters from the records are
 * shown as '?', so a model name cannot move the cursor or recolour the
 * terminal.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"
#include "trace.h"

#define MAXW 36		/* widest a text column gets */

/* Code point at s (advancing *len), or -1 for a broken sequence. */
static long
utf8_cp(const unsigned char *s, size_t *len)
{
	long cp;
	size_t n, i;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (!n) {
		*len = 1;
		return -1;
	}
	cp = s[0] & (0x3f >> (n - 1));
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*len = i;
			return -1;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*len = n;
	return cp;
}

static int
cp_width(long cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;	/* shown as '?' */
	if ((cp >= 0x300 && cp <= 0x36f) || cp == 0x200b)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Writes s safely, at most max columns wide (no limit for 0), and returns
 * the width written; f NULL only measures. */
static int
put(FILE *f, const char *s, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0, cw;
	size_t n;
	long cp;

	while (*p) {
		if (p[0] == 0x1b && p[1] == '[') {
			/* an ANSI colour sequence: drop it whole */
			for (p += 2; *p && !(*p >= 0x40 && *p <= 0x7e); p++)
				continue;
			p += *p != 0;
			continue;
		}
		cp = utf8_cp(p, &n);
		cw = cp < 0 ? 1 : cp_width(cp);
		if (max > 0 && w + cw > max - 1 && p[n]) {
			/* one column left: the ellipsis, if more follows */
			if (f)
				fputs("\xe2\x80\xa6", f);
			return w + 1;
		}
		if (f && (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)))
			fputc('?', f);
		else if (f)
			fwrite(p, 1, n, f);
		w += cw;
		p += n;
	}
	return w;
}

static int
width(const char *s, int max)
{
	return put(NULL, s, max);
}

enum { T_MODEL, T_WHERE, T_PARAMS, T_P50, T_P99, T_TPUT, T_RSS, T_STATUS,
	T_NCOLS };

static const char *const heads[T_NCOLS] = {
	"MODEL", "BACKEND @ HOST", "PARAMS", "P50 MS", "P99 MS", "ITEMS/S",
	"RSS MB", "STATUS",
};

struct cellv {
	char *s[T_NCOLS];
};

static char *
dup_num(double v)
{
	char b[SHOW_LEN];

	return bp_xstrdup(show_num(b, v));
}

static void
fill(const struct group *g, struct cellv *c)
{
	struct bp_buf b = { 0 };
	const char *type = NULL;
	enum status s;
	size_t i;

	c->s[T_MODEL] = bp_xstrdup(g->model);
	bp_buf_addf(&b, "%s @ %s", g->backend, g->host->name);
	c->s[T_WHERE] = bp_buf_detach(&b);
	show_params(&b, g->params);
	c->s[T_PARAMS] = b.p ? bp_buf_detach(&b) : bp_xstrdup("");
	c->s[T_P50] = dup_num(g->row.p50);
	c->s[T_P99] = dup_num(g->row.p99);
	c->s[T_TPUT] = dup_num(g->row.tput);
	c->s[T_RSS] = dup_num(g->row.rss_mb);
	for (i = 0; i < g->nresults && !type; i++)
		if (status_of(g->results[i]) != ST_OK)
			type = bp_json_str(g->results[i], "error.type");
	s = group_status(g);
	if (s == ST_OK)
		bp_buf_adds(&b, g->row.best ? "ok, best" : "ok");
	else if (s == ST_FAILED)
		bp_buf_addf(&b, "FAILED%s%s", type ? ": " : "", type ? type : "");
	else if (s == ST_INTERRUPTED)
		bp_buf_adds(&b, "interrupted");
	else
		bp_buf_addf(&b, "skipped%s%s", type ? ": " : "",
		    type ? type : "");
	c->s[T_STATUS] = bp_buf_detach(&b);
}

static void
table(const struct report *r, FILE *f)
{
	struct cellv *cv = bp_xmalloc((r->ngroups + 1) * sizeof *cv);
	int w[T_NCOLS], c, x;
	size_t i;

	for (c = 0; c < T_NCOLS; c++)
		w[c] = width(heads[c], 0);
	for (i = 0; i < r->ngroups; i++) {
		fill(r->groups[i], &cv[i]);
		for (c = 0; c < T_NCOLS; c++) {
			x = width(cv[i].s[c], MAXW);
			if (x > w[c])
				w[c] = x;
		}
	}
	for (c = 0; c < T_NCOLS; c++) {
		int right = c >= T_P50 && c <= T_RSS;

		if (right)
			fprintf(f, "%*s", w[c] - width(heads[c], 0), "");
		x = put(f, heads[c], 0);
		if (c + 1 < T_NCOLS)
			fprintf(f, "%*s", right ? 2 : w[c] - x + 2, "");
	}
	fputc('\n', f);
	for (i = 0; i < r->ngroups; i++) {
		for (c = 0; c < T_NCOLS; c++) {
			int right = c >= T_P50 && c <= T_RSS;

			if (right)
				fprintf(f, "%*s", w[c] - width(cv[i].s[c],
				    MAXW), "");
			x = put(f, cv[i].s[c], c + 1 < T_NCOLS ? MAXW : 0);
			if (c + 1 < T_NCOLS)
				fprintf(f, "%*s", right ? 2 : w[c] - x + 2, "");
			free(cv[i].s[c]);
		}
		fputc('\n', f);
	}
	free(cv);
}

/* The last few lines of a stderr tail, indented. */
static void
tail_lines(FILE *f, const char *s, int keep)
{
	const char *p = s + strlen(s), *start;
	int lines = 0;

	while (p > s && p[-1] == '\n')
		p--;
	start = p;
	while (start > s && lines < keep) {
		start--;
		if (*start == '\n' && ++lines == keep) {
			start++;
			break;
		}
	}
	while (start < p) {
		const char *nl = memchr(start, '\n', p - start);
		char *line = strndup(start, nl ? (size_t)(nl - start) :
		    (size_t)(p - start));

		fputs("      | ", f);
		put(f, line ? line : "", 0);
		fputc('\n', f);
		free(line);
		start = nl ? nl + 1 : p;
	}
}

static void
failures(const struct report *r, FILE *f)
{
	size_t i;

	if (!r->nfails)
		return;
	fprintf(f, "\nFailed benchmarks (%zu)\n", r->nfails);
	for (i = 0; i < r->nfails; i++) {
		const cJSON *x = r->fails[i];
		struct group *g = report_group_of(r, x);
		const char *type = bp_json_str(x, "error.type");
		const char *msg = bp_json_str(x, "error.message");
		const char *tail = bp_json_str(x, "error.stderr_tail");
		const cJSON *err = cJSON_GetObjectItem(x, "error");
		struct bp_buf b = { 0 };
		double code;

		bp_buf_addf(&b, "  %s  %s on %s @ %s", status_name(status_of(x)),
		    g ? g->model : "?", g ? g->backend : "?",
		    g ? g->host->name : "?");
		if (g && cJSON_GetArraySize(g->params)) {
			bp_buf_adds(&b, " (");
			show_params(&b, g->params);
			bp_buf_adds(&b, ")");
		}
		put(f, b.p, 0);
		fputc('\n', f);
		bp_buf_reset(&b);
		if (type || msg) {
			bp_buf_addf(&b, "    %s%s%s", type ? type : "",
			    type && msg ? ": " : "", msg ? msg : "");
			if (cJSON_IsNumber(cJSON_GetObjectItem(err, "signal"))) {
				bp_buf_adds(&b, " [signal ");
				show_signal(&b, cJSON_GetObjectItem(err,
				    "signal"));
				bp_buf_adds(&b, "]");
			} else if (bp_json_num(err, "exit_code", &code) == 1) {
				bp_buf_addf(&b, " [exit %g]", code);
			}
			put(f, b.p, 0);
			fputc('\n', f);
		}
		if (tail && *tail)
			tail_lines(f, tail, 3);
		bp_buf_free(&b);
	}
}

static void
regressions(const struct report *r, FILE *f)
{
	size_t i, n = r->nsev[0] + r->nsev[1] + r->nsev[2] + r->nsev[3];
	char a[SHOW_LEN], b[SHOW_LEN], c[SHOW_LEN];

	if (!n)
		return;
	fprintf(f, "\nRegressions (%zu)\n", n);
	for (i = 0; i < r->ndiffs && diff_rank(r->diffs[i]) <= 3; i++) {
		const cJSON *d = r->diffs[i];
		const char *sev = bp_json_str(d, "severity");
		const char *id = bp_json_str(d, "host_id");
		const struct host *h = report_host(r, id);
		const char *hn = h ? h->name : id;
		struct bp_buf line = { 0 };
		double pct = NAN, base = NAN, cur = NAN;

		bp_json_num(d, "change_pct", &pct);
		bp_json_num(d, "baseline.median", &base);
		bp_json_num(d, "current.median", &cur);
		bp_buf_addf(&line, "  %-8s  %s on %s%s%s", sev ? sev : "-",
		    bp_json_str(d, "model") ? bp_json_str(d, "model") : "?",
		    bp_json_str(d, "backend") ? bp_json_str(d, "backend") : "?",
		    hn ? " @ " : "", hn ? hn : "");
		if (cJSON_GetArraySize(cJSON_GetObjectItem(d, "params"))) {
			bp_buf_adds(&line, " (");
			show_params(&line, cJSON_GetObjectItem(d, "params"));
			bp_buf_adds(&line, ")");
		}
		bp_buf_addf(&line, ": %s %s (%s -> %s)",
		    bp_json_str(d, "metric") ? bp_json_str(d, "metric") : "?",
		    show_pct(a, pct), show_num(b, base), show_num(c, cur));
		put(f, line.p, 0);
		fputc('\n', f);
		bp_buf_free(&line);
	}
}

/* b as one line (safely), then empty it. */
static void
put_line(FILE *f, struct bp_buf *b)
{
	put(f, b->p ? b->p : "", 0);
	fputc('\n', f);
	bp_buf_reset(b);
}

/* One block per scenario result: validity and its reasons, headline,
 * latency and TTFT/TPOT percentiles. */
static void
scenario_text(FILE *f, const cJSON *rec, const cJSON *sc)
{
	static const char *const keys[] = {
		"latency_ms", "query_latency_ms", "ttft_ms", "tpot_ms",
	};
	char a[SHOW_LEN], b[SHOW_LEN], c[SHOW_LEN];
	struct bp_buf line = { 0 };
	const char *label, *name = bp_json_str(sc, "name");
	const char *model = bp_json_str(rec, "model");
	const char *backend = bp_json_str(rec, "backend");
	const cJSON *x;
	double v;
	size_t k;

	scenario_headline(sc, &label, &v);
	bp_buf_addf(&line, "  %-7s  %s: %s on %s: %s %s",
	    scenario_valid(sc) == 1 ? "VALID" : "INVALID", name ? name : "?",
	    model ? model : "?", backend ? backend : "?", label,
	    show_num(a, v));
	put_line(f, &line);
	cJSON_ArrayForEach(x, bp_json_path(sc, "validity.reasons")) {
		if (!cJSON_IsString(x))
			continue;
		bp_buf_addf(&line, "    %s", x->valuestring);
		put_line(f, &line);
	}
	for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		x = cJSON_GetObjectItemCaseSensitive(sc, keys[k]);
		if (!cJSON_IsObject(x))
			continue;
		bp_buf_addf(&line, "    %-16s p50 %s  p90 %s  p99 %s", keys[k],
		    show_num(a, rec_num(x, "p50")),
		    show_num(b, rec_num(x, "p90")),
		    show_num(c, rec_num(x, "p99")));
		put_line(f, &line);
	}
	bp_buf_free(&line);
}

static void
scenarios(const struct report *r, FILE *f)
{
	size_t i, n = 0;

	for (i = 0; i < r->nresults; i++)
		n += scenario_of(r->results[i]) != NULL;
	if (!n)
		return;
	fprintf(f, "\nScenarios (%zu)\n", n);
	for (i = 0; i < r->nresults; i++)
		if (scenario_of(r->results[i]))
			scenario_text(f, r->results[i],
			    scenario_of(r->results[i]));
}

static const char *
pct1(char buf[SHOW_LEN], double v)
{
	if (isnan(v))
		return strcpy(buf, SHOW_NONE);
	snprintf(buf, SHOW_LEN, "%.1f%%", v);
	return buf;
}

/* "qwen.json.gz, rank 0: GPU 34.89 ms, busy 91.4%, idle 8.6%; top
 * categories elementwise 54.4%, GEMM 28.2%, other 15.0%" */
static void
trace_line(FILE *f, const struct trace *t)
{
	char a[SHOW_LEN], b[SHOW_LEN], c[SHOW_LEN];
	struct bp_buf line = { 0 };
	const cJSON *tl = t->timeline;
	size_t i;

	bp_buf_adds(&line, "  ");
	trace_title(&line, t);
	bp_buf_adds(&line, ":");
	if (tl && trace_has_gpu(tl))
		bp_buf_addf(&line, " GPU %s ms, busy %s, idle %s;",
		    show_num(a, rec_num(tl, "total_ms")),
		    pct1(b, rec_num(tl, "busy_pct")),
		    pct1(c, rec_num(tl, "idle_pct")));
	else if (tl)
		bp_buf_addf(&line, " no GPU events, CPU ops span %s ms;",
		    show_num(a, rec_num(tl, "cpu_span_ms")));
	for (i = 0; i < t->cats.n && i < 3; i++) {
		const char *cat = bp_json_str(t->cats.v[i], "category");

		bp_buf_addf(&line, "%s %s %s", i ? "," : "", cat ? cat : "?",
		    pct1(a, rec_num(t->cats.v[i], "pct")));
	}
	put_line(f, &line);
	bp_buf_free(&line);
}

static void
traces(const struct report *r, FILE *f)
{
	const struct traces *s = trace_model(r);
	char a[SHOW_LEN], b[SHOW_LEN];
	struct bp_buf line = { 0 };
	size_t i;

	if (!s || (!s->n && !s->ranks.n && !s->ndiffs))
		return;
	fputs("\nTraces\n", f);
	for (i = 0; i < s->ranks.n; i++) {
		const cJSON *x = s->ranks.v[i];

		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x,
		    "slowest")))
			continue;
		bp_buf_adds(&line, "  slowest of the job's ranks: ");
		trace_rank_name(&line, x);
		bp_buf_addf(&line, ", busy %s ms, %s against the mean",
		    show_num(a, rec_num(x, "busy_ms")),
		    show_pct(b, rec_num(x, "busy_vs_mean_pct")));
		put_line(f, &line);
	}
	for (i = 0; i < s->n; i++)
		trace_line(f, &s->v[i]);
	for (i = 0; i < s->ndiffs; i++) {
		const struct tdiff *d = &s->diffs[i];
		size_t j;

		bp_buf_addf(&line, "  %s -> %s:", *d->base ? d->base : "?",
		    *d->current ? d->current : "?");
		for (j = 0; j < d->timeline.n; j++) {
			const char *k = bp_json_str(d->timeline.v[j], "key");

			if (k && strcmp(k, "total") == 0)
				bp_buf_addf(&line, " total %s ms (%s)",
				    show_num(a, rec_num(d->timeline.v[j],
				    "delta_ms")), show_pct(b,
				    rec_num(d->timeline.v[j], "change_pct")));
		}
		put_line(f, &line);
	}
	bp_buf_free(&line);
}

static void
text_report(const struct report *r, FILE *f, const struct opts *o)
{
	char ts[SHOW_LEN];

	put(f, o->title, 0);
	if (o->stamp)
		fprintf(f, ", %s", show_time(ts, (double)o->now));
	fputs("\n\n", f);
	if (!r->ngroups) {
		fputs(r->nhosts || r->ndiffs || trace_model(r) ?
		    "Nothing to report: no "
		    "benchmark results in the input.\n" : "Nothing to report: "
		    "the input holds no records.\n", f);
	} else {
		table(r, f);
	}
	scenarios(r, f);
	failures(r, f);
	regressions(r, f);
	traces(r, f);
}

const struct format fmt_text = { "text", "txt", text_report, 0 };
