/*
 * html.c - the report as one self-contained HTML file: the stylesheet and
 * the small table script from share/benchpipe/html/ inlined, charts drawn
 * by gnuplot and inlined as SVG, nothing fetched from anywhere.
 *
 * Every string from the records is written through h_text() or h_attr(),
 * which escape all five HTML metacharacters; SVG from gnuplot is entered
 * only after its own escaping of text, and the Content-Security-Policy
 * allows exactly one script, by hash, so even a mistake here could not
 * run an injected one.  Without scripts every table is still complete;
 * with them, headers sort and a bar filters rows by model, backend, host.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "die.h"
#include "fmt.h"
#include "show.h"

struct drawn {
	const struct block *b;
	char *svg;		/* ready to inline, or NULL */
	char *title;
	char err[512];
};

struct hw {
	FILE *f;
	const struct report *r;
	const struct opts *o;
	struct drawn *charts;
	size_t ncharts, next;
	int gnuplot_missing;
	char missing_why[512];
	int in_section, in_sub;
};

/* Text as HTML: the five metacharacters escaped, control characters and
 * ANSI colour sequences dropped (newlines and tabs kept when pre). */
static void
h_text(FILE *f, const char *s, int pre)
{
	for (; s && *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\x1b':
			if (s[1] == '[') {
				s += 2;
				while (*s && !(*s >= 0x40 && *s <= 0x7e))
					s++;
				if (!*s)
					return;
			}
			break;
		default:
			if ((c == '\n' || c == '\t') && pre)
				fputc(c, f);
			else if (c < 0x20 || c == 0x7f)
				fputc(' ', f);
			else
				fputc(c, f);
		}
	}
}

static void
h_attr(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s=\"", name);
	h_text(f, value, 0);
	fputc('"', f);
}

static const char *
tone_class(enum tone t)
{
	static const char *const names[] = {
		[TONE_NONE] = NULL, [TONE_GOOD] = "t-good",
		[TONE_WARN] = "t-warn", [TONE_BAD] = "t-bad",
		[TONE_INFO] = "t-info", [TONE_MUTED] = "t-muted",
		[TONE_BEST] = "t-best",
	};

	return names[t];
}

static void
h_spans(FILE *f, const struct text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct span *sp = &t->v[i];
		const char *tc = tone_class(sp->tone);

		switch (sp->type) {
		case SPAN_TEXT:
			if (tc)
				fprintf(f, "<span class=\"%s\">", tc);
			h_text(f, sp->s, 0);
			if (tc)
				fputs("</span>", f);
			break;
		case SPAN_STRONG:
			fputs("<strong>", f);
			h_text(f, sp->s, 0);
			fputs("</strong>", f);
			break;
		case SPAN_CODE:
			fputs("<code>", f);
			h_text(f, sp->s, 0);
			fputs("</code>", f);
			break;
		case SPAN_BADGE:
			fprintf(f, "<span class=\"badge%s%s\">", tc ? " " : "",
			    tc ? tc : "");
			h_text(f, sp->s, 0);
			fputs("</span>", f);
			break;
		case SPAN_LINK:
			if (sp->ref) {
				fputs("<a", f);
				fputs(" href=\"#", f);
				h_text(f, sp->ref, 0);
				fputs("\">", f);
			}
			h_text(f, sp->s, 0);
			if (sp->ref)
				fputs("</a>", f);
			break;
		}
	}
}

/* ---- charts: drawn before the page is written, so the page can say
 * at the top whether it has them ---- */

static void
collect(struct hw *h, const struct doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].type == BLK_DETAILS)
			collect(h, d->v[i].body);
		if (d->v[i].type != BLK_CHART)
			continue;
		h->charts = bp_xrealloc(h->charts,
		    (h->ncharts + 1) * sizeof *h->charts);
		memset(&h->charts[h->ncharts], 0, sizeof *h->charts);
		h->charts[h->ncharts++].b = &d->v[i];
	}
}

static void
draw(struct hw *h, struct drawn *c, size_t n)
{
	const struct chart_kind *k = chart_kinds[c->b->chart];
	struct bp_buf script = { 0 }, svg = { 0 }, t = { 0 };
	int rc;

	k->title(h->r, c->b->panel, &t);
	c->title = bp_buf_detach(&t);
	if (!h->o->charts || h->gnuplot_missing)
		return;
	if (chart_script(h->r, c->b->chart, c->b->panel, "svg", 0, &script,
	    c->err, sizeof c->err) != 0)
		goto out;
	rc = plot_run(script.p, script.len, h->o->chart_timeout, &svg, c->err,
	    sizeof c->err);
	if (rc == -2) {
		h->gnuplot_missing = 1;
		snprintf(h->missing_why, sizeof h->missing_why, "%s", c->err);
	} else if (rc == 0) {
		c->svg = svg_inline(&svg, n + 1);
		if (!c->svg)
			snprintf(c->err, sizeof c->err,
			    "gnuplot wrote no SVG");
	}
out:
	bp_buf_free(&script);
	bp_buf_free(&svg);
}

static void
h_chart(struct hw *h)
{
	struct drawn *c = &h->charts[h->next++];
	size_t n = h->next;

	if (!h->o->charts || h->gnuplot_missing)
		return;
	fprintf(h->f, "<figure class=\"chart\">\n");
	if (c->svg) {
		fputs(c->svg, h->f);
	} else {
		fputs("<p class=\"note t-warn\"><strong class=\"note-label\">"
		    "Chart not drawn:</strong> ", h->f);
		h_text(h->f, c->err, 0);
		fputs("</p>\n", h->f);
	}
	fprintf(h->f, "<figcaption id=\"chart-%zu\">", n);
	h_text(h->f, c->title, 0);
	fputs("</figcaption>\n</figure>\n", h->f);
}

/* ---- blocks ---- */

static void
h_table(FILE *f, const struct table *t)
{
	size_t r;
	int c;

	fputs("<div class=\"table-wrap\"><table class=\"data", f);
	if (t->flags & TABLE_SORT)
		fputs(" sortable", f);
	if (t->flags & TABLE_FILTER)
		fputs(" filter", f);
	fputs("\">\n", f);
	if (t->caption) {
		fputs("<caption>", f);
		h_text(f, t->caption, 0);
		fputs("</caption>\n", f);
	}
	fputs("<thead><tr>", f);
	for (c = 0; c < t->ncols; c++) {
		const struct cell *h = &t->head[c];

		if (!h->t.n) {
			fputs("<td></td>", f);
			continue;
		}
		fprintf(f, "<th scope=\"col\"%s>", h->flags & CELL_NUM ?
		    " class=\"num\"" : "");
		h_spans(f, &h->t);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (r = 0; r < t->nrows; r++) {
		const struct trow *row = &t->rows[r];

		fputs("<tr", f);
		h_attr(f, "class", tone_class(row->tone));
		h_attr(f, "data-model", row->facet[FACET_MODEL]);
		h_attr(f, "data-backend", row->facet[FACET_BACKEND]);
		h_attr(f, "data-host", row->facet[FACET_HOST]);
		fputs(">", f);
		for (c = 0; c < t->ncols; c++) {
			const struct cell *cl = &row->cells[c];
			const char *tag = cl->flags & CELL_ROWHEAD ? "th" : "td";

			fprintf(f, "<%s", tag);
			if (cl->flags & CELL_ROWHEAD)
				fputs(" scope=\"row\"", f);
			if (cl->flags & CELL_NUM)
				fputs(" class=\"num\"", f);
			if ((cl->flags & CELL_NUM) && !isnan(cl->key)) {
				struct bp_buf k = { 0 };

				gp_num(&k, cl->key);
				fprintf(f, " data-sort=\"%s\"", k.p);
				bp_buf_free(&k);
			}
			h_attr(f, "title", cl->hint);
			fputs(">", f);
			h_spans(f, &cl->t);
			fprintf(f, "</%s>", tag);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table></div>\n", f);
}

static void
h_cards(FILE *f, const struct block *b)
{
	size_t i;

	fputs("<ul class=\"cards\">\n", f);
	for (i = 0; i < b->ncards; i++) {
		const struct card *c = &b->cards[i];
		const char *tc = tone_class(c->tone);

		fprintf(f, "<li class=\"card%s%s\"><span class=\"card-label\">",
		    tc ? " " : "", tc ? tc : "");
		h_text(f, c->label, 0);
		fputs("</span> <strong class=\"card-value\">", f);
		h_text(f, c->value, 0);
		fputs("</strong>", f);
		if (c->sub) {
			fputs(" <span class=\"card-sub\">", f);
			h_text(f, c->sub, 0);
			fputs("</span>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void
close_sub(struct hw *h)
{
	if (h->in_sub)
		fputs("</div>\n", h->f);
	h->in_sub = 0;
}

static void
close_section(struct hw *h)
{
	close_sub(h);
	if (h->in_section)
		fputs("</section>\n", h->f);
	h->in_section = 0;
}

static void h_doc(struct hw *h, const struct doc *d);

static void
h_heading(struct hw *h, const struct block *b)
{
	FILE *f = h->f;

	if (b->level <= 2) {
		close_section(h);
		fputs("<section", f);
		h_attr(f, "id", b->id);
		fputs(">\n", f);
		h->in_section = 1;
	} else if (b->level == 3) {
		close_sub(h);
		fputs("<div class=\"sub\">\n", f);
		h->in_sub = 1;
	}
	fprintf(f, "<h%d", b->level);
	if (b->level > 2)
		h_attr(f, "id", b->id);
	fputs(">", f);
	h_spans(f, &b->text);
	fprintf(f, "</h%d>\n", b->level);
}

static void
h_block(struct hw *h, const struct block *b)
{
	FILE *f = h->f;
	size_t i;

	switch (b->type) {
	case BLK_HEADING:
		h_heading(h, b);
		break;
	case BLK_PARA:
		fputs("<p>", f);
		h_spans(f, &b->text);
		fputs("</p>\n", f);
		break;
	case BLK_NOTE:
		fprintf(f, "<p class=\"note %s\"><strong class=\"note-label\">"
		    "%s</strong> ", tone_class(b->tone) ? tone_class(b->tone) :
		    "t-info", b->tone == TONE_WARN || b->tone == TONE_BAD ?
		    "Warning:" : "Note:");
		h_spans(f, &b->text);
		fputs("</p>\n", f);
		break;
	case BLK_LIST:
		fputs("<ul>\n", f);
		for (i = 0; i < b->nitems; i++) {
			fputs("<li>", f);
			h_spans(f, &b->items[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
		break;
	case BLK_TABLE:
		h_table(f, b->table);
		break;
	case BLK_CARDS:
		h_cards(f, b);
		break;
	case BLK_DETAILS:
		fputs("<details><summary>", f);
		h_spans(f, &b->text);
		fputs("</summary>\n<div class=\"details-body\">\n", f);
		h_doc(h, b->body);
		fputs("</div></details>\n", f);
		break;
	case BLK_PRE:
		fputs("<pre>", f);
		h_text(f, b->pre, 1);
		fputs("</pre>\n", f);
		break;
	case BLK_CHART:
		h_chart(h);
		break;
	}
}

static void
h_doc(struct hw *h, const struct doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		h_block(h, &d->v[i]);
}

/* ---- the page ---- */

static char *
read_asset(const char *name, size_t *len)
{
	struct bp_buf path = { 0 }, b = { 0 };
	char chunk[8192];
	size_t n;
	FILE *f;

	bp_buf_addf(&path, "%s/html/%s", bp_datadir(), name);
	f = fopen(path.p, "r");
	if (!f)
		bp_die_errno("%s", path.p);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		bp_buf_add(&b, chunk, n);
	if (ferror(f))
		bp_die_errno("%s", path.p);
	fclose(f);
	bp_buf_free(&path);
	*len = b.len;
	return b.p ? bp_buf_detach(&b) : bp_xstrdup("");
}

static void
h_nav(FILE *f, const struct doc *d)
{
	size_t i;

	fputs("<nav aria-label=\"Sections\"><ul>\n", f);
	for (i = 0; i < d->n; i++) {
		if (d->v[i].type != BLK_HEADING || d->v[i].level != 2)
			continue;
		fputs("<li><a href=\"#", f);
		h_text(f, d->v[i].id, 0);
		fputs("\">", f);
		h_spans(f, &d->v[i].text);
		fputs("</a></li>\n", f);
	}
	fputs("</ul></nav>\n", f);
}

static void
charts_note(struct hw *h)
{
	if (!h->ncharts)
		return;
	if (!h->o->charts)
		fputs("<p class=\"note t-info\"><strong class=\"note-label\">"
		    "Note:</strong> Charts were left out (--no-charts); every "
		    "number is in the tables.</p>\n", h->f);
	else if (h->gnuplot_missing) {
		fputs("<p class=\"note t-warn\"><strong class=\"note-label\">"
		    "Warning:</strong> Charts are not shown: gnuplot could not "
		    "be run (", h->f);
		h_text(h->f, h->missing_why, 0);
		fputs("). Install gnuplot (Debian: gnuplot-nox) to draw them; "
		    "every number is in the tables.</p>\n", h->f);
	}
}

static void
html_report(const struct report *r, FILE *f, const struct opts *o)
{
	struct hw h = { .f = f, .r = r, .o = o };
	size_t csslen, jslen, i;
	char *css = read_asset("report.css", &csslen);
	char *js = read_asset("report.js", &jslen);
	unsigned char hash[32];
	char b64[48], ts[SHOW_LEN];
	struct doc d;

	doc_init(&d, o->title);
	report_doc(r, &d, o);
	collect(&h, &d);
	for (i = 0; i < h.ncharts; i++)
		draw(&h, &h.charts[i], i);
	sha256(js, jslen, hash);
	base64(hash, sizeof hash, b64);

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"color-scheme\" content=\"light dark\">\n", f);
	fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
	    "script-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n",
	    b64);
	fprintf(f, "<meta name=\"generator\" content=\"bench-fmt %s\">\n",
	    bp_version);
	fputs("<title>", f);
	h_text(f, o->title, 0);
	fputs("</title>\n<style>\n", f);
	fwrite(css, 1, csslen, f);
	fputs("</style>\n</head>\n<body>\n<header class=\"top\">\n"
	    "<div class=\"wrap\">\n<h1>", f);
	h_text(f, o->title, 0);
	fputs("</h1>\n", f);
	if (o->stamp)
		fprintf(f, "<p class=\"meta\">Generated %s by bench-fmt %s</p>\n",
		    show_time(ts, (double)o->now), bp_version);
	h_nav(f, &d);
	fputs("</div>\n</header>\n<main class=\"wrap\">\n", f);
	charts_note(&h);
	h_doc(&h, &d);
	close_section(&h);
	fprintf(f, "</main>\n<footer class=\"wrap\"><p>Made by bench-fmt %s "
	    "(benchpipe) from NDJSON records. Tables sort and filter with "
	    "scripts on; every number is there without them.</p></footer>\n"
	    "<script>", bp_version);
	fwrite(js, 1, jslen, f);
	fputs("</script>\n</body>\n</html>\n", f);

	for (i = 0; i < h.ncharts; i++) {
		free(h.charts[i].svg);
		free(h.charts[i].title);
	}
	free(h.charts);
	free(css);
	free(js);
	doc_free(&d);
}

const struct format fmt_html = { "html", "html", html_report, 0 };
