/*
 * md.c - the report as GitHub-flavoured Markdown, for a pull request
 * comment or a README: tables, GitHub alerts for notes, <details> for
 * what is long.  Charts need HTML; this writer leaves them out.
 *
 * Every piece of text from the records goes through md_text() or
 * md_code(): Markdown punctuation is backslash-escaped, "|" too inside
 * tables, and "<" and "&" never reach the page as markup, so a model named
 * "<script>" or "a|b" reads as written and breaks nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"
#include "show.h"

/* Where text goes: a line of its own, a table cell, an HTML block. */
enum ctx { IN_BLOCK, IN_CELL, IN_HTML };

/* Control characters and ANSI colour sequences in stderr tails. */
static size_t
skip_control(const char *s)
{
	size_t i = 1;

	if (s[0] == '\x1b' && s[1] == '[') {
		for (i = 2; s[i] && !(s[i] >= 0x40 && s[i] <= 0x7e); i++)
			continue;
		return s[i] ? i + 1 : i;
	}
	return 1;
}

/* "1." or "12)" at the start of a line would open an ordered list. */
static const char *
list_number(FILE *f, const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 9 || (s[n] != '.' && s[n] != ')'))
		return s;
	fprintf(f, "%.*s\\%c", (int)n, s, s[n]);
	return s + n + 1;
}

static void
md_text(FILE *f, const char *s, enum ctx ctx, int *linestart)
{
	unsigned char c;

	if (*linestart && ctx != IN_HTML) {
		const char *rest = list_number(f, s);

		if (rest != s) {
			*linestart = 0;
			s = rest;
		}
	}
	for (; *s; s++) {
		c = *s;
		if (ctx == IN_HTML) {
			if (c == '<')
				fputs("&lt;", f);
			else if (c == '>')
				fputs("&gt;", f);
			else if (c == '&')
				fputs("&amp;", f);
			else if (c == '"')
				fputs("&quot;", f);
			else if (c < 0x20 || c == 0x7f)
				fputc(' ', f);
			else
				fputc(c, f);
			continue;
		}
		if (c == '\n' || c == '\r' || c == '\t') {
			fputc(' ', f);
		} else if (c < 0x20 || c == 0x7f) {
			s += skip_control(s) - 1;
		} else if (strchr("\\`*_[]<>|~&#!", c) ||
		    (*linestart && strchr("+-=", c))) {
			fputc('\\', f);
			fputc(c, f);
		} else {
			fputc(c, f);
		}
		*linestart = 0;
	}
}

/* The longest run of backticks in s. */
static size_t
ticks(const char *s)
{
	size_t run = 0, max = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	return max;
}

static void
md_code(FILE *f, const char *s, enum ctx ctx)
{
	size_t n = ticks(s) + 1, i;
	int pad = s[0] == '`' || (*s && s[strlen(s) - 1] == '`');

	if (ctx == IN_HTML) {
		int ls = 0;

		fputs("<code>", f);
		md_text(f, s, IN_HTML, &ls);
		fputs("</code>", f);
		return;
	}
	for (i = 0; i < n; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (; *s; s++) {
		if (*s == '|' && ctx == IN_CELL)
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', f);
		else if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			fputc(*s, f);
	}
	if (pad)
		fputc(' ', f);
	for (i = 0; i < n; i++)
		fputc('`', f);
}

static const char *
tone_mark(enum tone t)
{
	switch (t) {
	case TONE_GOOD:
		return "\xe2\x9c\x85 ";		/* white heavy check mark */
	case TONE_BAD:
		return "\xe2\x9d\x8c ";		/* cross mark */
	case TONE_WARN:
		return "\xe2\x9a\xa0\xef\xb8\x8f ";	/* warning sign */
	case TONE_NONE:
	case TONE_INFO:
	case TONE_MUTED:
	case TONE_BEST:
		break;
	}
	return "";
}

static void
md_spans(FILE *f, const struct text *t, enum ctx ctx, int linestart)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct span *sp = &t->v[i];

		switch (sp->type) {
		case SPAN_TEXT:
		case SPAN_LINK:
			md_text(f, sp->s, ctx, &linestart);
			break;
		case SPAN_STRONG:
			fputs(ctx == IN_HTML ? "<b>" : "**", f);
			md_text(f, sp->s, ctx, &linestart);
			fputs(ctx == IN_HTML ? "</b>" : "**", f);
			break;
		case SPAN_CODE:
			md_code(f, sp->s, ctx);
			linestart = 0;
			break;
		case SPAN_BADGE:
			if (i)
				fputc(' ', f);
			fputs(tone_mark(sp->tone), f);
			md_text(f, sp->s, ctx, &linestart);
			break;
		}
	}
}

static void
md_table(FILE *f, const struct table *t)
{
	size_t r;
	int c;

	for (c = 0; c < t->ncols; c++) {
		fputs(c ? " | " : "| ", f);
		md_spans(f, &t->head[c].t, IN_CELL, 0);
	}
	fputs(" |\n", f);
	for (c = 0; c < t->ncols; c++)
		fputs(t->head[c].flags & CELL_NUM ? "| ---: " : "| --- ", f);
	fputs("|\n", f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			fputs(c ? " | " : "| ", f);
			md_spans(f, &t->rows[r].cells[c].t, IN_CELL, 0);
		}
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void
md_cards(FILE *f, const struct block *b)
{
	size_t i;
	int ls = 0;

	for (i = 0; i < b->ncards; i++) {
		fputs(i ? " | " : "| ", f);
		md_text(f, b->cards[i].label, IN_CELL, &ls);
	}
	fputs(" |\n", f);
	for (i = 0; i < b->ncards; i++)
		fputs("| :---: ", f);
	fputs("|\n", f);
	for (i = 0; i < b->ncards; i++) {
		fputs(i ? " | " : "| ", f);
		fputs(tone_mark(b->cards[i].tone), f);
		fputs("**", f);
		md_text(f, b->cards[i].value, IN_CELL, &ls);
		fputs("**", f);
		if (b->cards[i].sub) {
			fputs("<br>", f);
			md_text(f, b->cards[i].sub, IN_CELL, &ls);
		}
	}
	fputs(" |\n\n", f);
}

static void
md_pre(FILE *f, const char *s)
{
	size_t n = ticks(s) < 3 ? 3 : ticks(s) + 1, i;
	const char *p;

	for (i = 0; i < n; i++)
		fputc('`', f);
	fputs("text\n", f);
	for (p = s; *p; p++) {
		if (*p == '\n' || *p == '\t' || (unsigned char)*p >= 0x20)
			fputc(*p, f);
		else
			p += skip_control(p) - 1;
	}
	if (p > s && p[-1] != '\n')
		fputc('\n', f);
	for (i = 0; i < n; i++)
		fputc('`', f);
	fputs("\n\n", f);
}

static void md_doc(FILE *f, const struct doc *d);

static void
md_block(FILE *f, const struct block *b)
{
	size_t i;
	int j;

	switch (b->type) {
	case BLK_HEADING:
		for (j = 0; j < b->level; j++)
			fputc('#', f);
		fputc(' ', f);
		md_spans(f, &b->text, IN_BLOCK, 1);
		fputs("\n\n", f);
		break;
	case BLK_PARA:
		md_spans(f, &b->text, IN_BLOCK, 1);
		fputs("\n\n", f);
		break;
	case BLK_NOTE:
		fputs(b->tone == TONE_WARN || b->tone == TONE_BAD ?
		    "> [!WARNING]\n> " : "> [!NOTE]\n> ", f);
		md_spans(f, &b->text, IN_BLOCK, 1);
		fputs("\n\n", f);
		break;
	case BLK_LIST:
		for (i = 0; i < b->nitems; i++) {
			fputs("- ", f);
			md_spans(f, &b->items[i], IN_BLOCK, 1);
			fputc('\n', f);
		}
		fputc('\n', f);
		break;
	case BLK_TABLE:
		md_table(f, b->table);
		break;
	case BLK_CARDS:
		md_cards(f, b);
		break;
	case BLK_DETAILS:
		fputs("<details><summary>", f);
		md_spans(f, &b->text, IN_HTML, 0);
		fputs("</summary>\n\n", f);
		md_doc(f, b->body);
		fputs("</details>\n\n", f);
		break;
	case BLK_PRE:
		md_pre(f, b->pre);
		break;
	case BLK_CHART:
		break;
	}
}

static void
md_doc(FILE *f, const struct doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		md_block(f, &d->v[i]);
}

static void
md_report(const struct report *r, FILE *f, const struct opts *o)
{
	struct doc d;
	char ts[SHOW_LEN];
	int ls = 1;

	doc_init(&d, o->title);
	report_doc(r, &d, o);
	fputs("# ", f);
	md_text(f, o->title, IN_BLOCK, &ls);
	fputs("\n\n", f);
	if (o->stamp)
		fprintf(f, "Generated %s by bench-fmt %s.\n\n",
		    show_time(ts, (double)o->now), bp_version);
	md_doc(f, &d);
	doc_free(&d);
}

const struct format fmt_md = { "md", "md", md_report, 0 };
