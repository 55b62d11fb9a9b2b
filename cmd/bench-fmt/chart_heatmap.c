/*
 * chart_heatmap.c - latency at a glance: models down, backend @ host
 * across, each cell the median latency, coloured by how many times slower
 * it is than the fastest cell of its row, and labelled with both numbers.
 *
 * Cells of a row must be comparable, so each model is shown at one set of
 * params: the set that ran on the most backends and hosts (ties: the first
 * in the report's order, the smallest batch).  Without a row of two cells
 * there is nothing to compare, and no chart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "show.h"

struct heat {
	char **cols;
	size_t ncols;
	struct hrow {
		const struct model *m;
		char *label;
		const struct group **cell;	/* per column, or NULL */
		size_t ok;		/* cells with a median */
	} *rows;
	size_t nrows, ok;
	int compares;		/* some row has two cells with a median */
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t
col_of(const struct heat *h, const struct group *g)
{
	char w[1024];
	size_t i;

	group_where(g, w, sizeof w);
	for (i = 0; i < h->ncols; i++)
		if (strcmp(h->cols[i], w) == 0)
			return i;
	return (size_t)-1;
}

static const char *
params_key(const struct group *g)
{
	const char *p = strstr(g->key, "\"params\":");

	return p ? p : "";
}

/* The params key shared by the most columns of model m. */
static const char *
pick_params(const struct heat *h, const struct model *m)
{
	const char *best = NULL;
	size_t i, j, c, bestn = 0, n;
	char *seen = calloc(h->ncols + 1, 1);

	for (i = 0; i < m->ngroups; i++) {
		const char *k = params_key(m->groups[i]);

		memset(seen, 0, h->ncols + 1);
		for (j = n = 0; j < m->ngroups; j++) {
			if (strcmp(params_key(m->groups[j]), k) != 0 ||
			    m->groups[j]->row.source == SRC_NONE)
				continue;
			c = col_of(h, m->groups[j]);
			if (c < h->ncols && !seen[c]++)
				n++;
		}
		if (n > bestn) {
			bestn = n;
			best = k;
		}
	}
	free(seen);
	return best;
}

static void
heat_build(const struct report *r, struct heat *h)
{
	size_t i, j;
	char w[1024];

	memset(h, 0, sizeof *h);
	for (i = 0; i < r->ngroups; i++) {
		group_where(r->groups[i], w, sizeof w);
		for (j = 0; j < h->ncols; j++)
			if (strcmp(h->cols[j], w) == 0)
				break;
		if (j < h->ncols)
			continue;
		h->cols = bp_xrealloc(h->cols, (h->ncols + 1) * sizeof *h->cols);
		h->cols[h->ncols++] = bp_xstrdup(w);
	}
	if (h->ncols > 1)
		qsort(h->cols, h->ncols, sizeof *h->cols, cmp_str);
	h->rows = bp_xmalloc((r->nmodels + 1) * sizeof *h->rows);
	for (i = 0; i < r->nmodels; i++) {
		const struct model *m = &r->models[i];
		const char *pk = pick_params(h, m);
		struct hrow *row = &h->rows[h->nrows];
		struct bp_buf lb = { 0 };
		const struct group *g = NULL;

		if (!pk)
			continue;
		row->m = m;
		row->cell = calloc(h->ncols, sizeof *row->cell);
		for (j = 0; j < m->ngroups; j++) {
			size_t c;

			g = m->groups[j];
			if (strcmp(params_key(g), pk) != 0)
				continue;
			c = col_of(h, g);
			if (c < h->ncols && !row->cell[c]) {
				row->cell[c] = g;
				row->ok += g->row.source != SRC_NONE &&
				    !isnan(g->row.p50);
			}
		}
		for (j = 0; j < m->ngroups; j++)
			if (strcmp(params_key(m->groups[j]), pk) == 0)
				g = m->groups[j];
		bp_buf_adds(&lb, m->name);
		if (g && m->npkeys) {
			bp_buf_adds(&lb, " (");
			model_params(&lb, m, g->params);
			bp_buf_adds(&lb, ")");
		}
		row->label = gp_trunc(lb.p, 40);
		h->ok += row->ok;
		h->compares |= row->ok >= 2;
		bp_buf_free(&lb);
		h->nrows++;
	}
}

static void
heat_free(struct heat *h)
{
	size_t i;

	for (i = 0; i < h->ncols; i++)
		free(h->cols[i]);
	for (i = 0; i < h->nrows; i++) {
		free(h->rows[i].label);
		free(h->rows[i].cell);
	}
	free(h->cols);
	free(h->rows);
}

static size_t
panels(const struct report *r)
{
	struct heat h;
	size_t n;

	heat_build(r, &h);
	n = h.compares;
	heat_free(&h);
	return n;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	(void)r;
	(void)i;
	bp_buf_adds(b, "Median latency by model and backend @ host, "
	    "relative to the fastest of each model");
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	struct heat ht;

	(void)i;
	heat_build(r, &ht);
	*w = 300 + 118 * (int)ht.ncols;
	*h = 230 + 42 * (int)ht.nrows;
	if (*w < 560)
		*w = 560;
	heat_free(&ht);
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	struct heat h;
	const char **vals = NULL, **ratios = NULL, **names;
	size_t i, j, n = 0, nf = 0;
	char num[SHOW_LEN];

	(void)panel;
	heat_build(r, &h);
	bp_buf_adds(b, "# column row: every cell\n$grid << EOD\n");
	for (i = 0; i < h.nrows; i++)
		for (j = 0; j < h.ncols; j++)
			bp_buf_addf(b, "%zu %zu\n", j, i);
	bp_buf_adds(b, "EOD\n# column row ratio-to-fastest p50-ms\n"
	    "$cells << EOD\n");
	for (i = 0; i < h.nrows; i++) {
		double best = INFINITY;

		for (j = 0; j < h.ncols; j++)
			if (h.rows[i].cell[j] &&
			    h.rows[i].cell[j]->row.p50 < best)
				best = h.rows[i].cell[j]->row.p50;
		for (j = 0; j < h.ncols; j++) {
			const struct group *g = h.rows[i].cell[j];
			double p50 = g ? g->row.p50 : NAN;
			struct bp_buf x = { 0 };

			if (!g || isnan(p50))
				continue;
			bp_buf_addf(b, "%zu %zu ", j, i);
			gp_num(b, p50 / best);
			bp_buf_addc(b, ' ');
			gp_num(b, p50);
			bp_buf_addc(b, '\n');
			vals = bp_xrealloc(vals, (n + 1) * sizeof *vals);
			ratios = bp_xrealloc(ratios, (n + 1) * sizeof *ratios);
			bp_buf_addf(&x, "%s ms", show_num(num, p50));
			vals[n] = bp_buf_detach(&x);
			if (p50 / best >= 1.005)
				bp_buf_addf(&x, "\xc3\x97%.1f", p50 / best);
			else
				bp_buf_adds(&x, "fastest");
			ratios[n++] = bp_buf_detach(&x);
		}
	}
	bp_buf_adds(b, "EOD\n# column row: configurations that did not "
	    "succeed\n$failed << EOD\n");
	for (i = 0; i < h.nrows; i++)
		for (j = 0; j < h.ncols; j++)
			if (h.rows[i].cell[j] &&
			    isnan(h.rows[i].cell[j]->row.p50)) {
				bp_buf_addf(b, "%zu %zu\n", j, i);
				nf++;
			}
	/* none: a cell off the chart, since gnuplot 5.4 crashes on labels
	 * whose every point is NaN */
	if (!nf)
		bp_buf_adds(b, "-9 -9\n");
	bp_buf_adds(b, "EOD\n");
	gp_array(b, "vals", vals, n);
	gp_array(b, "ratios", ratios, n);
	names = bp_xmalloc((h.ncols + h.nrows + 1) * sizeof *names);
	for (i = 0; i < h.ncols; i++)
		names[i] = gp_trunc(h.cols[i], 30);
	gp_array(b, "xnames", names, h.ncols);
	for (i = 0; i < h.ncols; i++)
		free((char *)names[i]);
	for (i = 0; i < h.nrows; i++)
		names[i] = h.rows[i].label;
	gp_array(b, "ynames", names, h.nrows);
	free(names);
	for (i = 0; i < n; i++) {
		free((char *)vals[i]);
		free((char *)ratios[i]);
	}
	free(vals);
	free(ratios);
	heat_free(&h);
}

const struct chart_kind chart_heatmap = {
	"heatmap", "heatmap.gp", panels, title, size, data,
};
