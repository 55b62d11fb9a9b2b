/*
 * sec_repro.c - what it takes to run it again: the labels (commit,
 * dataset), the benchpipe builds that measured, the commands, the count of
 * runs and records, and the record kinds this report does not show.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "json.h"
#include "show.h"

/* Adds s to a small set of strings kept in the doc. */
static int
seen(const char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return 1;
	*v = bp_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
	return 0;
}

static void
labels(const struct report *r, struct doc *d)
{
	const char **keys = NULL, **vals = NULL;
	size_t nk = 0, nv, i, j;
	const cJSON *l;
	struct table *t = NULL;
	struct trow *row;

	for (i = 0; i < r->ngroups; i++)
		cJSON_ArrayForEach(l, r->groups[i]->labels)
			seen(&keys, &nk, l->string);
	for (i = 0; i < nk; i++) {
		struct bp_buf b = { 0 };

		nv = 0;
		for (j = 0; j < r->ngroups; j++) {
			l = cJSON_GetObjectItemCaseSensitive(
			    r->groups[j]->labels, keys[i]);
			bp_buf_reset(&b);
			if (!l)
				continue;
			show_scalar(&b, l);
			seen(&vals, &nv, doc_str(d, b.p));
		}
		bp_buf_free(&b);
		if (!t) {
			doc_heading(d, 3, "labels", "Labels");
			static const struct tcol cols[] = {
				{ "Label", 0 },
				{ "Values", 0 },
			};
			t = DOC_TABLE(d, cols, 0);
		}
		row = table_row(d, t);
		text_add(d, cell_text(row, 0), SPAN_CODE, TONE_NONE, keys[i]);
		row->cells[0].flags |= CELL_ROWHEAD;
		for (j = 0; j < nv; j++) {
			if (j)
				text_add(d, cell_text(row, 1), SPAN_TEXT,
				    TONE_NONE, ", ");
			text_add(d, cell_text(row, 1), SPAN_CODE, TONE_NONE,
			    vals[j]);
		}
	}
	free(keys);
	free(vals);
}

static void
software(const struct report *r, struct doc *d)
{
	struct block *l = doc_list(d);
	struct text *t;
	const char **v = NULL;
	size_t i, n = 0;

	for (i = 0; i < r->nhosts; i++) {
		const char *ver = bp_json_str(r->hosts[i]->rec,
		    "software.benchpipe");
		const char *commit = bp_json_str(r->hosts[i]->rec,
		    "software.commit");

		if (!ver)
			continue;
		if (seen(&v, &n, doc_strf(d, "%s%s%s%s", ver, commit ?
		    " (commit " : "", commit ? commit : "", commit ? ")" : "")))
			continue;
		t = list_item(d, l);
		text_add(d, t, SPAN_TEXT, TONE_NONE, "Measured with benchpipe ");
		text_add(d, t, SPAN_CODE, TONE_NONE, v[n - 1]);
	}
	free(v);
	t = list_item(d, l);
	text_addf(d, t, SPAN_TEXT, TONE_NONE, "Report by bench-fmt %s",
	    bp_version);
	t = list_item(d, l);
	text_addf(d, t, SPAN_TEXT, TONE_NONE, "%zu result%s, %zu stat, "
	    "%zu diff and %zu host record%s",
	    r->nresults, r->nresults == 1 ? "" : "s", r->nstats, r->ndiffs,
	    r->nhosts, r->nhosts == 1 ? "" : "s");
	if (r->nsamples)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, "; %s measured samples",
		    sec_int(d, (double)r->nsamples));
	if (r->nwarmups)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, " (and %zu warmups)",
		    r->nwarmups);
	if (r->nmonitors)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, "; %zu monitor records",
		    r->nmonitors);
	for (i = 0; i < r->nother; i++) {
		if (!i) {
			t = list_item(d, l);
			text_add(d, t, SPAN_TEXT, TONE_NONE,
			    "Not shown (no section for their kind): ");
		}
		text_addf(d, t, SPAN_TEXT, TONE_NONE, "%s%zu ", i ? ", " : "",
		    r->other[i].n);
		text_add(d, t, SPAN_CODE, TONE_NONE, r->other[i].kind);
	}
}

static void
commands(const struct report *r, struct doc *d)
{
	const char **v = NULL;
	size_t i, n = 0;
	struct table *t = NULL;
	struct bp_buf b = { 0 };

	for (i = 0; i < r->ngroups; i++) {
		const struct group *g = r->groups[i];
		size_t j;

		for (j = 0; j < g->nresults; j++) {
			const cJSON *cmd = cJSON_GetObjectItem(g->results[j],
			    "command");
			struct trow *row;

			if (!cJSON_IsArray(cmd) && !cJSON_IsString(cmd))
				continue;
			bp_buf_reset(&b);
			show_command(&b, cmd);
			if (seen(&v, &n, doc_strf(d, "%s\n%s", g->model, b.p)))
				continue;
			if (!t) {
				doc_heading(d, 3, "commands", "Commands");
				static const struct tcol cols[] = {
					{ "Model", 0 },
					{ "Command", 0 },
				};
				t = DOC_TABLE(d, cols, TABLE_FILTER);
			}
			row = table_row(d, t);
			row->facet[FACET_MODEL] = g->model;
			row->facet[FACET_BACKEND] = g->backend;
			row->facet[FACET_HOST] = g->host->name;
			cell_set(d, row, 0, g->model);
			row->cells[0].flags |= CELL_ROWHEAD;
			text_add(d, cell_text(row, 1), SPAN_CODE, TONE_NONE,
			    b.p);
		}
	}
	bp_buf_free(&b);
	free(v);
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	(void)state;
	(void)o;
	if (!r->ngroups && !r->ndiffs && !r->nhosts)
		return;
	doc_heading(d, 2, "reproducibility", "Reproducibility");
	software(r, d);
	labels(r, d);
	commands(r, d);
}

const struct section sec_repro = { "reproducibility", NULL, build, NULL };
