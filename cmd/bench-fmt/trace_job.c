/*
 * trace_job.c - the parts of the Traces section that span traces: the job
 * of a multi-rank run (trace_rank side by side, the collectives of all
 * its ranks, trace_straggler, trace_straggler_step and
 * trace_collective_sync) and the comparisons of bench-trace --diff
 * (trace_diff: timeline, categories and ops).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"
#include "trace.h"

static const char *
rank_name(struct doc *d, const cJSON *rec)
{
	struct bp_buf b = { 0 };
	const char *s;

	trace_rank_name(&b, rec);
	s = doc_str(d, b.p);
	bp_buf_free(&b);
	return s;
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path;
}

static void
signed_cell(struct doc *d, struct trow *row, int col, double v)
{
	char buf[SHOW_LEN];

	cell_num(d, row, col, v, isnan(v) ? SHOW_NONE : v > 0 ?
	    doc_strf(d, "+%s", show_num(buf, v)) : sec_num(d, v));
}

static void
pct_change_cell(struct doc *d, struct trow *row, int col, double v)
{
	char buf[SHOW_LEN];

	cell_num(d, row, col, v, doc_str(d, show_pct(buf, v)));
}

static void
ranks(struct doc *d, const struct tlist *l)
{
	struct table *t;
	struct trow *row;
	const cJSON *slow = NULL;
	char pct[SHOW_LEN];
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Ranks");
	static const struct tcol cols[] = {
		{ "Rank", 0 },
		{ "Computation (ms)", CELL_NUM },
		{ "Communication (ms)", CELL_NUM },
		{ "Exposed comm (ms)", CELL_NUM },
		{ "Busy (ms)", CELL_NUM },
		{ "Idle (ms)", CELL_NUM },
		{ "Total (ms)", CELL_NUM },
		{ "Exposed comm", CELL_NUM },
		{ "Busy vs mean", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n; i++) {
		const cJSON *x = l->v[i];
		const char *file = base_name(bp_json_str(x, "trace"));

		row = table_row(d, t);
		cell_set(d, row, 0, rank_name(d, x));
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x,
		    "slowest"))) {
			text_add(d, cell_text(row, 0), SPAN_BADGE, TONE_WARN,
			    "slowest");
			if (!slow)
				slow = x;
		}
		row->cells[0].flags |= CELL_ROWHEAD;
		if (file)
			cell_hint(d, row, 0, file);
		tcell_num(d, row, 1, x, "computation_ms");
		tcell_num(d, row, 2, x, "comm_ms");
		tcell_num(d, row, 3, x, "exposed_comm_ms");
		tcell_num(d, row, 4, x, "busy_ms");
		tcell_num(d, row, 5, x, "idle_ms");
		tcell_num(d, row, 6, x, "total_ms");
		tcell_pct(d, row, 7, x, "exposed_comm_pct");
		pct_change_cell(d, row, 8, rec_num(x, "busy_vs_mean_pct"));
	}
	if (slow && isfinite(rec_num(slow, "busy_ms")) &&
	    isfinite(rec_num(slow, "busy_vs_mean_pct")))
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
		    "The slowest is %s: busy %s ms, %s against the ranks' "
		    "mean.", rank_name(d, slow),
		    sec_num(d, rec_num(slow, "busy_ms")),
		    doc_str(d, show_pct(pct,
		    rec_num(slow, "busy_vs_mean_pct"))));
}

/* One collective over the ranks of the job. */
struct coll {
	const char *name, *type;
	size_t ranks;
	double count, time, exposed, max;
	const cJSON *slowest;	/* the rank record with the most time */
};

static int
by_time(const void *a, const void *b)
{
	const struct coll *x = a, *y = b;

	if (x->time != y->time)
		return x->time > y->time ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void
collectives(struct doc *d, const struct traces *s)
{
	struct coll *v = NULL;
	size_t n = 0, i, j, k;
	struct table *t;
	struct trow *row;

	for (i = 0; i < s->n; i++) {
		if (!s->v[i].in_job)
			continue;
		for (j = 0; j < s->v[i].colls.n; j++) {
			const cJSON *x = s->v[i].colls.v[j];
			const char *name = bp_json_str(x, "collective");
			double ms = rec_num(x, "time_ms");

			if (!name)
				continue;
			for (k = 0; k < n && strcmp(v[k].name, name); k++)
				continue;
			if (k == n) {
				v = bp_xrealloc(v, ++n * sizeof *v);
				memset(&v[k], 0, sizeof *v);
				v[k].name = name;
				v[k].max = -INFINITY;
			}
			if (!v[k].type)
				v[k].type = bp_json_str(x, "type");
			v[k].ranks++;
			if (!isnan(rec_num(x, "count")))
				v[k].count += rec_num(x, "count");
			if (isfinite(ms)) {
				v[k].time += ms;
				if (ms > v[k].max) {
					v[k].max = ms;
					v[k].slowest = x;
				}
			}
			if (isfinite(rec_num(x, "exposed_ms")))
				v[k].exposed += rec_num(x, "exposed_ms");
		}
	}
	if (!n)
		return;
	qsort(v, n, sizeof *v, by_time);
	doc_heading(d, 4, NULL, "Collectives");
	text_add(d, doc_para(d), SPAN_TEXT, TONE_NONE, "Each collective over "
	    "the ranks that ran it; exposed is the share of its time not "
	    "under computation.");
	trace_top_note(d, n, "time");
	static const struct tcol cols[] = {
		{ "Collective", 0 },
		{ "Type", 0 },
		{ "Ranks", CELL_NUM },
		{ "Calls", CELL_NUM },
		{ "Mean per rank (ms)", CELL_NUM },
		{ "Most (ms)", CELL_NUM },
		{ "On", 0 },
		{ "Exposed", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < n && i < TRACE_TOP; i++) {
		double mean = v[i].time / (double)v[i].ranks;
		double exp = v[i].time > 0 ? 100 * v[i].exposed / v[i].time :
		    NAN;

		row = table_row(d, t);
		tcell_code(d, row, 0, v[i].name, TRACE_NAMEMAX);
		row->cells[0].flags |= CELL_ROWHEAD;
		cell_set(d, row, 1, v[i].type);
		cell_num(d, row, 2, (double)v[i].ranks,
		    sec_int(d, (double)v[i].ranks));
		cell_num(d, row, 3, v[i].count, sec_int(d, v[i].count));
		cell_num(d, row, 4, mean, sec_num(d, mean));
		cell_num(d, row, 5, v[i].slowest ? v[i].max : NAN,
		    sec_num(d, v[i].slowest ? v[i].max : NAN));
		cell_set(d, row, 6, v[i].slowest ? rank_name(d, v[i].slowest) :
		    SHOW_NONE);
		cell_num(d, row, 7, exp, isnan(exp) ? SHOW_NONE :
		    doc_strf(d, "%.1f%%", exp));
	}
	free(v);
}

static void
stragglers(struct doc *d, const struct tlist *l)
{
	const cJSON *worst = NULL;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Stragglers");
	static const struct tcol cols[] = {
		{ "Rank", 0 },
		{ "Collectives", CELL_NUM },
		{ "Arrived last", CELL_NUM },
		{ "Arrived first", CELL_NUM },
		{ "% arrived last", CELL_NUM },
		{ "Total wait (\xc2\xb5s)", CELL_NUM },
		{ "Mean wait (\xc2\xb5s)", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n; i++) {
		const cJSON *x = l->v[i];
		double last = rec_num(x, "times_arrived_last");

		if (last > 0 && (!worst ||
		    last > rec_num(worst, "times_arrived_last") ||
		    (last == rec_num(worst, "times_arrived_last") &&
		    rec_num(x, "total_wait_us") <
		    rec_num(worst, "total_wait_us"))))
			worst = x;
		row = table_row(d, t);
		cell_set(d, row, 0, rank_name(d, x));
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_int(d, row, 1, x, "num_collectives");
		tcell_int(d, row, 2, x, "times_arrived_last");
		tcell_int(d, row, 3, x, "times_arrived_first");
		tcell_pct(d, row, 4, x, "pct_arrived_last");
		tcell_num(d, row, 5, x, "total_wait_us");
		tcell_num(d, row, 6, x, "mean_wait_us");
	}
	if (worst)
		text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
		    "The straggler is %s: it arrived last at %s of %s "
		    "collectives, and the others waited for it.",
		    rank_name(d, worst),
		    sec_int(d, rec_num(worst, "times_arrived_last")),
		    sec_int(d, rec_num(worst, "num_collectives")));
}

static void
steps(struct doc *d, const struct tlist *l)
{
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	doc_heading(d, 4, NULL, "Slowest rank per step");
	trace_top_note(d, l->n, "spread");
	static const struct tcol cols[] = {
		{ "Step", 0 },
		{ "Ranks", CELL_NUM },
		{ "Slowest rank", CELL_NUM },
		{ "Slowest (ms)", CELL_NUM },
		{ "Median (ms)", CELL_NUM },
		{ "Fastest (ms)", CELL_NUM },
		{ "Spread", CELL_NUM },
	};
	t = DOC_TABLE(d, cols, TABLE_SORT);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];
		const cJSON *step = cJSON_GetObjectItemCaseSensitive(x,
		    "step");
		struct bp_buf b = { 0 };

		row = table_row(d, t);
		if (cJSON_IsString(step) || cJSON_IsNumber(step))
			show_scalar(&b, step);
		tcell_code(d, row, 0, b.p, 60);
		bp_buf_free(&b);
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_int(d, row, 1, x, "ranks_with_step");
		tcell_int(d, row, 2, x, "slowest_rank");
		tcell_num(d, row, 3, x, "slowest_ms");
		tcell_num(d, row, 4, x, "median_ms");
		tcell_num(d, row, 5, x, "fastest_ms");
		tcell_pct(d, row, 6, x, "spread_pct");
	}
}

static void
syncs(struct doc *d, const struct tlist *l)
{
	int bw = 0;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	for (i = 0; i < l->n; i++)
		bw |= !isnan(rec_num(l->v[i], "bus_bw_gbps"));
	doc_heading(d, 4, NULL, "Collective skew");
	text_add(d, doc_para(d), SPAN_TEXT, TONE_NONE, "Each collective "
	    "matched across the ranks: how far apart the ranks started it, "
	    "and which arrived last.");
	trace_top_note(d, l->n, "start skew");
	t = doc_table(d, 8 + bw, TABLE_SORT);
	table_head(d, t, 0, "Id", 0);
	table_head(d, t, 1, "Collective", 0);
	table_head(d, t, 2, "Ranks", CELL_NUM);
	table_head(d, t, 3, "Latency (\xc2\xb5s)", CELL_NUM);
	table_head(d, t, 4, "Start skew (\xc2\xb5s)", CELL_NUM);
	table_head(d, t, 5, "End skew (\xc2\xb5s)", CELL_NUM);
	table_head(d, t, 6, "Last rank", CELL_NUM);
	table_head(d, t, 7, "Mean wait (\xc2\xb5s)", CELL_NUM);
	if (bw)
		table_head(d, t, 8, "Bus BW (GB/s)", CELL_NUM);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];
		const char *id = bp_json_str(x, "collective_id");

		row = table_row(d, t);
		cell_set(d, row, 0, id ? id : SHOW_NONE);
		row->cells[0].flags |= CELL_ROWHEAD;
		tcell_code(d, row, 1, bp_json_str(x, "collective"),
		    TRACE_NAMEMAX);
		tcell_int(d, row, 2, x, "ranks_matched");
		tcell_num(d, row, 3, x, "comm_latency_us");
		tcell_num(d, row, 4, x, "skew_start_us");
		tcell_num(d, row, 5, x, "skew_end_us");
		tcell_int(d, row, 6, x, "last_rank");
		tcell_num(d, row, 7, x, "avg_wait_us");
		if (bw)
			tcell_num(d, row, 8, x, "bus_bw_gbps");
	}
}

static double
job_ranks(const struct traces *s)
{
	const struct tlist *l[] = { &s->ranks, &s->stragglers,
	    &s->straggler_steps, &s->syncs };
	size_t i, j;
	double v;

	for (i = 0; i < 4; i++)
		for (j = 0; j < l[i]->n; j++)
			if (bp_json_num(l[i]->v[j], "ranks", &v) == 1)
				return v;
	return s->ranks.n ? (double)s->ranks.n : NAN;
}

void
trace_doc_job(struct doc *d, const struct traces *s, int chart)
{
	double n;

	if (!s->ranks.n && !s->stragglers.n && !s->straggler_steps.n &&
	    !s->syncs.n)
		return;
	n = job_ranks(s);
	doc_heading(d, 3, "trace-job", isnan(n) ? "Multi-rank job" :
	    doc_strf(d, "Multi-rank job, %s ranks", sec_int(d, n)));
	if (chart >= 0 && s->job_panel != TRACE_NOPANEL)
		doc_chart(d, chart, s->job_panel);
	ranks(d, &s->ranks);
	collectives(d, s);
	stragglers(d, &s->stragglers);
	steps(d, &s->straggler_steps);
	syncs(d, &s->syncs);
}

/* A timeline field as the timeline table names it. */
static const char *
part_label(const char *key)
{
	static const char *const parts[][2] = {
		{ "busy", "Busy" },
		{ "idle", "Idle" },
		{ "computation", "Computation" },
		{ "comm", "Communication" },
		{ "exposed_comm", "Exposed communication" },
		{ "memcpy", "Memcpy" },
		{ "exposed_memcpy", "Exposed memcpy" },
		{ "total", "Total" },
	};
	size_t i;

	for (i = 0; key && i < sizeof parts / sizeof parts[0]; i++)
		if (strcmp(key, parts[i][0]) == 0)
			return parts[i][1];
	return key;
}

/* One table of trace_diff rows; key_head names the key column. */
static void
diff_table(struct doc *d, const struct tlist *l, const char *title,
    const char *key_head, int code, int table_col)
{
	int counts = 0, c;
	struct table *t;
	struct trow *row;
	size_t i;

	if (!l->n)
		return;
	for (i = 0; i < l->n; i++)
		counts |= !isnan(rec_num(l->v[i], "base_count"));
	doc_heading(d, 4, NULL, title);
	trace_top_note(d, l->n, "size of the change");
	t = doc_table(d, 5 + counts + table_col, TABLE_SORT);
	c = 0;
	if (table_col)
		table_head(d, t, c++, "Table", 0);
	table_head(d, t, c++, key_head, 0);
	if (counts)
		table_head(d, t, c++, "Count", 0);
	table_head(d, t, c++, "Base (ms)", CELL_NUM);
	table_head(d, t, c++, "Current (ms)", CELL_NUM);
	table_head(d, t, c++, "Change (ms)", CELL_NUM);
	table_head(d, t, c, "Change", CELL_NUM);
	for (i = 0; i < l->n && i < TRACE_TOP; i++) {
		const cJSON *x = l->v[i];
		const char *k = bp_json_str(x, "key");
		char a[SHOW_LEN], b[SHOW_LEN];

		if (strcmp(key_head, "Part") == 0)
			k = part_label(k);

		row = table_row(d, t);
		c = 0;
		if (table_col)
			cell_set(d, row, c++, bp_json_str(x, "table"));
		if (code)
			tcell_code(d, row, c, k, TRACE_NAMEMAX);
		else
			cell_set(d, row, c, k ? k : SHOW_NONE);
		row->cells[c++].flags |= CELL_ROWHEAD;
		if (counts)
			cell_set(d, row, c++, doc_strf(d, "%s \xe2\x86\x92 %s",
			    show_int(a, rec_num(x, "base_count")),
			    show_int(b, rec_num(x, "current_count"))));
		tcell_num(d, row, c++, x, "base_ms");
		tcell_num(d, row, c++, x, "current_ms");
		signed_cell(d, row, c++, rec_num(x, "delta_ms"));
		pct_change_cell(d, row, c, rec_num(x, "change_pct"));
	}
}

void
trace_doc_diff(struct doc *d, const struct tdiff *x, size_t i)
{
	const char *b = base_name(x->base), *c = base_name(x->current);
	struct text *p;

	doc_heading(d, 3, doc_strf(d, "trace-diff-%zu", i + 1),
	    doc_strf(d, "%s \xe2\x86\x92 %s", *b ? b : "?", *c ? c : "?"));
	p = doc_para(d);
	text_add(d, p, SPAN_TEXT, TONE_NONE, "From ");
	text_add(d, p, SPAN_CODE, TONE_NONE, *x->base ? x->base : "?");
	text_add(d, p, SPAN_TEXT, TONE_NONE, " to ");
	text_add(d, p, SPAN_CODE, TONE_NONE, *x->current ? x->current : "?");
	text_add(d, p, SPAN_TEXT, TONE_NONE, "; a change is current minus "
	    "base, in percent of the base.");
	diff_table(d, &x->timeline, "Timeline change", "Part", 0, 0);
	diff_table(d, &x->cats, "Category change", "Category", 0, 0);
	diff_table(d, &x->ops, "Op change", "Op", 1, 0);
	diff_table(d, &x->other, "Other changes", "Key", 0, 1);
}
