/*
 * sec_scaling.c - how latency and throughput change along each swept
 * numeric parameter (batch size, matrix size): one table per model and
 * parameter, one row per point of each series, and its chart in HTML.
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "show.h"

static int
has_tput(const struct sweep *s)
{
	size_t i, j;

	for (i = 0; i < s->nseries; i++)
		for (j = 0; j < s->series[i].n; j++)
			if (!isnan(s->series[i].pts[j]->row.tput))
				return 1;
	return 0;
}

static void
sweep_table(struct doc *d, const struct sweep *s)
{
	int tput = has_tput(s), metric = s->model->hl == HL_METRIC;
	int ncols = 3 + (tput || metric) + 1, c;
	struct table *t = doc_table(d, ncols, TABLE_SORT | TABLE_FILTER);
	size_t i, j;

	table_head(d, t, 0, "Series", 0);
	table_head(d, t, 1, s->param, CELL_NUM);
	table_head(d, t, 2, "p50 (ms)", CELL_NUM);
	c = 3;
	if (tput)
		table_head(d, t, c++, "Throughput (items/s)", CELL_NUM);
	else if (metric)
		table_head(d, t, c++, doc_strf(d, "%s p50",
		    sec_metric(d, s->model->hl_metric)), CELL_NUM);
	table_head(d, t, c, tput || metric ? "vs first" : "latency vs first",
	    CELL_NUM);
	for (i = 0; i < s->nseries; i++) {
		const struct series *se = &s->series[i];
		double first = NAN, v;

		for (j = 0; j < se->n; j++) {
			const struct group *g = se->pts[j];
			struct trow *row = table_row(d, t);
			const cJSON *x = cJSON_GetObjectItem(g->params,
			    s->param);
			struct bp_buf b = { 0 };

			row->facet[FACET_MODEL] = g->model;
			row->facet[FACET_BACKEND] = g->backend;
			row->facet[FACET_HOST] = g->host->name;
			cell_set(d, row, 0, se->label);
			row->cells[0].flags |= CELL_ROWHEAD;
			show_scalar(&b, x);
			cell_num(d, row, 1, x->valuedouble, b.p);
			bp_buf_free(&b);
			cell_num(d, row, 2, g->row.p50, sec_num(d, g->row.p50));
			c = 3;
			v = tput ? g->row.tput : metric ? row_metric(&g->row,
			    s->model->hl_metric, "p50") : g->row.p50;
			if (tput || metric)
				cell_num(d, row, c++, v, sec_num(d, v));
			if (j == 0)
				first = v;
			cell_num(d, row, c, v / first, isnan(v / first) ?
			    SHOW_NONE : doc_strf(d, "%.2f\xc3\x97", v / first));
		}
	}
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	int chart = chart_find("scaling");
	size_t i;

	(void)state;
	(void)o;
	if (!r->nsweeps)
		return;
	doc_heading(d, 2, "scaling", "Scaling");
	text_add(d, doc_para(d), SPAN_TEXT, TONE_NONE,
	    "Each series holds everything but one parameter fixed; "
	    "\xe2\x80\x9cvs first\xe2\x80\x9d compares each point with the "
	    "series' smallest value of the parameter.");
	for (i = 0; i < r->nsweeps; i++) {
		const struct sweep *s = &r->sweeps[i];

		doc_heading(d, 3, doc_strf(d, "scaling-%zu", i + 1),
		    doc_strf(d, "%s by %s", s->model->name, s->param));
		if (chart >= 0)
			doc_chart(d, chart, i);
		sweep_table(d, s);
	}
}

const struct section sec_scaling = { "scaling", NULL, build, NULL };
