/*
 * sections.c - the table of report sections and what they share.
 *
 * A section is one file, sec_NAME.c, that adds its heading and blocks to
 * the document, or nothing when the report holds nothing for it.  The
 * order of the table is the order of the report.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

extern const struct section sec_summary, sec_system, sec_results,
    sec_scenario, sec_trace, sec_scaling, sec_regressions, sec_failures,
    sec_repro;

const struct section *const sections[] = {
	&sec_summary,
	&sec_system,
	&sec_results,
	&sec_scenario,
	&sec_trace,
	&sec_scaling,
	&sec_regressions,
	&sec_failures,
	&sec_repro,
	NULL,
};

void
report_doc(const struct report *r, struct doc *d, const struct opts *o)
{
	size_t i;

	for (i = 0; sections[i]; i++)
		sections[i]->build(r, r->secstate[i], d, o);
}

const char *
sec_num(struct doc *d, double v)
{
	char buf[SHOW_LEN];

	return doc_str(d, show_num(buf, v));
}

const char *
sec_int(struct doc *d, double v)
{
	char buf[SHOW_LEN];

	return doc_str(d, show_int(buf, v));
}

const char *
sec_where(struct doc *d, const struct group *g)
{
	char buf[1024];

	group_where(g, buf, sizeof buf);
	return doc_str(d, buf);
}

const char *
sec_params(struct doc *d, const cJSON *params)
{
	struct bp_buf b = { 0 };
	const char *s;

	show_params(&b, params);
	s = doc_str(d, b.p ? b.p : "");
	bp_buf_free(&b);
	return s;
}

const char *
sec_metric(struct doc *d, const char *name)
{
	struct bp_buf b = { 0 };
	const char *s;

	show_metric(&b, name);
	s = doc_str(d, b.p ? b.p : "");
	bp_buf_free(&b);
	return s;
}

const char *
sec_model_id(struct doc *d, const struct report *r, const char *model)
{
	size_t i;

	for (i = 0; i < r->nmodels; i++)
		if (strcmp(r->models[i].name, model) == 0)
			return r->models[i].has_data ?
			    doc_strf(d, "model-%zu", i + 1) : "no-results";
	return NULL;
}

enum tone
sec_status_tone(enum status s)
{
	switch (s) {
	case ST_OK:
		return TONE_GOOD;
	case ST_FAILED:
		return TONE_BAD;
	case ST_SKIPPED:
		return TONE_MUTED;
	case ST_INTERRUPTED:
	case ST_NSTATUS:
		break;
	}
	return TONE_WARN;
}

void
sec_status(struct doc *d, struct text *t, const struct group *g)
{
	enum status s = group_status(g);
	const char *type = NULL;
	size_t i, bad = 0;

	for (i = 0; i < g->nresults; i++) {
		if (status_of(g->results[i]) == ST_OK)
			continue;
		bad++;
		if (!type)
			type = bp_json_str(g->results[i], "error.type");
	}
	text_add(d, t, SPAN_BADGE, sec_status_tone(s), status_name(s));
	if (s != ST_OK && type)
		text_addf(d, t, SPAN_TEXT, TONE_MUTED, " (%s)", type);
	if (s == ST_OK && bad)
		text_addf(d, t, SPAN_TEXT, TONE_WARN, " %zu of %zu runs failed",
		    bad, g->nresults);
}
