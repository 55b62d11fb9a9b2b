/*
 * sec_summary.c - the executive summary: what ran where, how it went, the
 * regressions by severity and each model's headline number, so that the
 * first screen answers "is it good or bad".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

/* Distinct values of a group field, counted. */
static size_t
count_distinct(const struct report *r, const char *(*get)(const struct group *))
{
	size_t i, j, n = 0;

	for (i = 0; i < r->ngroups; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(get(r->groups[i]), get(r->groups[j])) == 0)
				break;
		n += j == i;
	}
	return n;
}

static const char *
get_backend(const struct group *g)
{
	return g->backend;
}

static size_t
hosts_used(const struct report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nhosts; i++)
		n += r->hosts[i]->used || r->hosts[i]->rec;
	return n;
}

static void
cards(const struct report *r, struct doc *d)
{
	struct block *c = doc_cards(d);
	size_t nreg = r->nsev[0] + r->nsev[1] + r->nsev[2] + r->nsev[3];
	size_t runs = r->nstatus[ST_OK] + r->nstatus[ST_FAILED] +
	    r->nstatus[ST_SKIPPED] + r->nstatus[ST_INTERRUPTED];
	size_t other = r->nstatus[ST_SKIPPED] + r->nstatus[ST_INTERRUPTED];
	const char *sub;

	card_add(d, c, "Configurations", doc_strf(d, "%zu", r->ngroups),
	    doc_strf(d, "%zu model%s, %zu backend%s, %zu host%s", r->nmodels,
	    r->nmodels == 1 ? "" : "s", count_distinct(r, get_backend),
	    count_distinct(r, get_backend) == 1 ? "" : "s", hosts_used(r),
	    hosts_used(r) == 1 ? "" : "s"), TONE_INFO);
	if (runs) {
		card_add(d, c, "Passed", doc_strf(d, "%zu",
		    r->nstatus[ST_OK]), doc_strf(d, "of %zu run%s", runs,
		    runs == 1 ? "" : "s"), r->nstatus[ST_OK] == runs ?
		    TONE_GOOD : TONE_NONE);
		sub = other ? doc_strf(d, "%zu skipped, %zu interrupted",
		    r->nstatus[ST_SKIPPED], r->nstatus[ST_INTERRUPTED]) :
		    "none skipped";
		card_add(d, c, "Failed", doc_strf(d, "%zu",
		    r->nstatus[ST_FAILED]), sub, r->nstatus[ST_FAILED] ?
		    TONE_BAD : TONE_GOOD);
	}
	if (r->ndiffs) {
		sub = doc_strf(d, "%zu critical, %zu major, %zu minor",
		    r->nsev[0], r->nsev[1], r->nsev[2] + r->nsev[3]);
		card_add(d, c, "Regressions", doc_strf(d, "%zu", nreg), sub,
		    r->nsev[0] || r->nsev[1] ? TONE_BAD : nreg ? TONE_WARN :
		    TONE_GOOD);
	}
	if (r->nsamples)
		card_add(d, c, "Samples", sec_int(d, (double)r->nsamples),
		    r->nwarmups ? doc_strf(d, "%zu warmups not counted",
		    r->nwarmups) : "measured iterations", TONE_NONE);
}

/* "gemm, mlp and resnet50" with at most six names. */
static void
names(struct doc *d, struct text *t, const char **v, size_t n)
{
	size_t i, shown = n > 6 ? 5 : n;

	for (i = 0; i < shown; i++) {
		if (i)
			text_add(d, t, SPAN_TEXT, TONE_NONE,
			    i + 1 == n ? " and " : ", ");
		text_add(d, t, SPAN_CODE, TONE_NONE, v[i]);
	}
	if (shown < n)
		text_addf(d, t, SPAN_TEXT, TONE_NONE, " and %zu more",
		    n - shown);
}

static void
what_ran(const struct report *r, struct doc *d)
{
	struct text *t = doc_para(d);
	const char **v = bp_xmalloc((r->nmodels + r->nhosts + 1) * sizeof *v);
	size_t i, n;

	for (i = 0; i < r->nmodels; i++)
		v[i] = r->models[i].name;
	text_addf(d, t, SPAN_TEXT, TONE_NONE, "%zu model%s (", r->nmodels,
	    r->nmodels == 1 ? "" : "s");
	names(d, t, v, r->nmodels);
	text_add(d, t, SPAN_TEXT, TONE_NONE, ") ran on ");
	for (i = n = 0; i < r->nhosts; i++)
		if (r->hosts[i]->used)
			v[n++] = r->hosts[i]->name;
	text_addf(d, t, SPAN_TEXT, TONE_NONE, "%zu host%s (", n,
	    n == 1 ? "" : "s");
	names(d, t, v, n);
	text_addf(d, t, SPAN_TEXT, TONE_NONE,
	    ") in %zu configurations of backend and parameters",
	    r->ngroups);
	if (!isnan(r->first_ts)) {
		char a[SHOW_LEN], b[SHOW_LEN];

		if (r->last_ts - r->first_ts < 60)
			text_addf(d, t, SPAN_TEXT, TONE_NONE, ", at %s",
			    show_time(a, r->first_ts));
		else
			text_addf(d, t, SPAN_TEXT, TONE_NONE,
			    ", between %s and %s", show_time(a, r->first_ts),
			    show_time(b, r->last_ts));
	}
	text_add(d, t, SPAN_TEXT, TONE_NONE, ".");
	free(v);
}

/* "2,925 items/s" for the headline value v of model m. */
static const char *
headline_value(struct doc *d, const struct model *m, double v)
{
	char n[SHOW_LEN];

	show_num(n, v);
	switch (m->hl) {
	case HL_TPUT:
		return doc_strf(d, "%s items/s", n);
	case HL_METRIC:
		return doc_strf(d, "%s %s", n, sec_metric(d, m->hl_metric));
	case HL_LATENCY:
		break;
	}
	return doc_strf(d, "%s ms p50 latency", n);
}

static const char *
model_params_str(struct doc *d, const struct model *m, const cJSON *params)
{
	struct bp_buf b = { 0 };
	const char *s;

	model_params(&b, m, params);
	s = doc_str(d, b.p ? b.p : "");
	bp_buf_free(&b);
	return s;
}

static void
headlines(const struct report *r, struct doc *d)
{
	struct block *l = NULL;
	size_t i, shown = 0;

	for (i = 0; i < r->nmodels; i++) {
		const struct model *m = &r->models[i];
		const struct group *g = m->best;
		struct text *t;
		const char *p;

		if (!g)
			continue;
		if (!l) {
			doc_heading(d, 3, "headlines", "Headline numbers");
			l = doc_list(d);
		}
		if (++shown > 12) {
			t = list_item(d, l);
			text_link(d, t, "more in Results", "results");
			break;
		}
		t = list_item(d, l);
		text_link(d, t, m->name, sec_model_id(d, r, m->name));
		text_add(d, t, SPAN_TEXT, TONE_NONE, ": ");
		text_add(d, t, SPAN_STRONG, TONE_NONE,
		    headline_value(d, m, model_headline(m, g)));
		text_addf(d, t, SPAN_TEXT, TONE_NONE, " on %s",
		    sec_where(d, g));
		p = model_params_str(d, m, g->params);
		if (*p)
			text_addf(d, t, SPAN_TEXT, TONE_NONE, " (%s)", p);
		if (m->hl != HL_LATENCY && !isnan(g->row.p50))
			text_addf(d, t, SPAN_TEXT, TONE_NONE,
			    ", p50 latency %s ms", sec_num(d, g->row.p50));
	}
}

static void
caveats(const struct report *r, struct doc *d)
{
	size_t i, hosts = 0, single = 0;
	const cJSON *c;

	for (i = 0; i < r->nhosts; i++) {
		cJSON_ArrayForEach(c, bp_json_path(r->hosts[i]->rec, "checks")) {
			if (cJSON_IsFalse(cJSON_GetObjectItem(c, "ok"))) {
				hosts++;
				break;
			}
		}
	}
	if (hosts) {
		struct text *t = doc_note(d, TONE_WARN);

		text_addf(d, t, SPAN_TEXT, TONE_NONE,
		    "Noise checks failed on %zu host%s: their numbers may vary "
		    "more than usual (see ", hosts, hosts == 1 ? "" : "s");
		text_link(d, t, "System configuration", "system");
		text_add(d, t, SPAN_TEXT, TONE_NONE, ").");
	}
	for (i = 0; i < r->ngroups; i++)
		single += r->groups[i]->row.n == 1;
	if (single)
		text_addf(d, doc_note(d, TONE_INFO), SPAN_TEXT, TONE_NONE,
		    "%zu configuration%s measured a single sample: no spread "
		    "and no confidence interval.", single,
		    single == 1 ? "" : "s");
}

/* Whether a section kept records of its own kind (traces...). */
static int
kept_by_section(const struct report *r)
{
	size_t i;

	for (i = 0; sections[i]; i++)
		if (r->secstate[i])
			return 1;
	return 0;
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	(void)state;
	(void)o;
	doc_heading(d, 2, "summary", "Summary");
	if (!r->ngroups && !r->ndiffs) {
		struct text *t = doc_note(d, TONE_MUTED);

		text_add(d, t, SPAN_TEXT, TONE_NONE, kept_by_section(r) ?
		    "The input holds no benchmark results; the sections "
		    "below show its other records." : r->nhosts ?
		    "Nothing to report: the input holds no benchmark results, "
		    "only host descriptions." :
		    "Nothing to report: the input holds no records.");
		return;
	}
	cards(r, d);
	if (r->ngroups)
		what_ran(r, d);
	caveats(r, d);
	headlines(r, d);
}

const struct section sec_summary = { "summary", NULL, build, NULL };
