/*
 * sec_failures.c - every result that did not succeed: failed, interrupted
 * or skipped, with its error type, message, exit code or signal, then per
 * failure the command and the tail of its stderr (collapsed in HTML).
 */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

static const char *
exit_text(struct doc *d, const cJSON *err)
{
	const cJSON *sig = cJSON_GetObjectItem(err, "signal");
	double code;
	struct bp_buf b = { 0 };
	const char *s;

	if (cJSON_IsNumber(sig) || cJSON_IsString(sig)) {
		bp_buf_adds(&b, "signal ");
		show_signal(&b, sig);
	} else if (bp_json_num(err, "exit_code", &code) == 1) {
		bp_buf_addf(&b, "exit %g", code);
	}
	s = b.len ? doc_str(d, b.p) : SHOW_NONE;
	bp_buf_free(&b);
	return s;
}

static const char *
where(const struct report *r, struct doc *d, const cJSON *x)
{
	struct group *g = report_group_of(r, x);

	return g ? sec_where(d, g) : "?";
}

static void
overview(const struct report *r, struct doc *d)
{
	struct table *t = doc_table(d, 7, TABLE_SORT | TABLE_FILTER);
	size_t i;

	table_head(d, t, 0, "Status", 0);
	table_head(d, t, 1, "Model", 0);
	table_head(d, t, 2, "Backend @ host", 0);
	table_head(d, t, 3, "Params", 0);
	table_head(d, t, 4, "Error", 0);
	table_head(d, t, 5, "Message", 0);
	table_head(d, t, 6, "Exit", 0);
	for (i = 0; i < r->nfails; i++) {
		const cJSON *x = r->fails[i];
		const cJSON *err = cJSON_GetObjectItem(x, "error");
		struct group *g = report_group_of(r, x);
		struct trow *row = table_row(d, t);
		enum status s = status_of(x);
		const char *type = bp_json_str(err, "type");
		const char *msg = bp_json_str(err, "message");

		row->tone = sec_status_tone(s);
		if (g) {
			row->facet[FACET_MODEL] = g->model;
			row->facet[FACET_BACKEND] = g->backend;
			row->facet[FACET_HOST] = g->host->name;
		}
		text_add(d, cell_text(row, 0), SPAN_BADGE, sec_status_tone(s),
		    status_name(s));
		if (g)
			text_link(d, cell_text(row, 1), g->model,
			    sec_model_id(d, r, g->model));
		row->cells[1].flags |= CELL_ROWHEAD;
		cell_set(d, row, 2, where(r, d, x));
		cell_set(d, row, 3, sec_params(d, cJSON_GetObjectItem(x,
		    "params")));
		if (type)
			text_add(d, cell_text(row, 4), SPAN_CODE, TONE_NONE,
			    type);
		cell_set(d, row, 5, msg ? msg : SHOW_NONE);
		cell_set(d, row, 6, err ? exit_text(d, err) : SHOW_NONE);
	}
}

/* The command and stderr of one failure, when it has either. */
static void
detail(const struct report *r, struct doc *d, const cJSON *x)
{
	const cJSON *err = cJSON_GetObjectItem(x, "error");
	const cJSON *cmd = cJSON_GetObjectItem(err, "command");
	const char *tail = bp_json_str(err, "stderr_tail");
	const char *type = bp_json_str(err, "type");
	const char *model = bp_json_str(x, "model");
	const char *p = sec_params(d, cJSON_GetObjectItem(x, "params"));
	struct bp_buf b = { 0 };
	struct block *det, *l;

	if (!cJSON_IsArray(cmd) && !cJSON_IsString(cmd))
		cmd = cJSON_GetObjectItem(x, "command");
	if ((!tail || !*tail) && !cJSON_IsArray(cmd) && !cJSON_IsString(cmd))
		return;
	det = doc_details(d);
	text_add(d, &det->text, SPAN_STRONG, TONE_NONE, model ? model : "?");
	text_addf(d, &det->text, SPAN_TEXT, TONE_NONE, " on %s%s%s%s: %s",
	    where(r, d, x), *p ? " (" : "", p, *p ? ")" : "",
	    type ? type : status_name(status_of(x)));
	if (cJSON_IsArray(cmd) || cJSON_IsString(cmd)) {
		l = doc_list(det->body);
		show_command(&b, cmd);
		text_add(d, list_item(det->body, l), SPAN_TEXT, TONE_NONE,
		    "Command: ");
		text_add(d, &l->items[0], SPAN_CODE, TONE_NONE, b.p);
	}
	if (tail && *tail) {
		text_add(d, doc_para(det->body), SPAN_TEXT, TONE_NONE,
		    "Last lines of stderr:");
		doc_pre(det->body, tail);
	}
	bp_buf_free(&b);
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	size_t i;

	(void)state;
	(void)o;
	if (!r->nfails)
		return;
	doc_heading(d, 2, "failures", "Failures");
	text_addf(d, doc_para(d), SPAN_TEXT, TONE_NONE,
	    "%zu failed, %zu interrupted, %zu skipped.",
	    r->nstatus[ST_FAILED], r->nstatus[ST_INTERRUPTED],
	    r->nstatus[ST_SKIPPED]);
	overview(r, d);
	for (i = 0; i < r->nfails; i++)
		detail(r, d, r->fails[i]);
}

const struct section sec_failures = { "failures", NULL, build, NULL };
