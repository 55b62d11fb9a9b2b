/*
 * doc.h - the document the sections build and md.c and html.c write: a
 * list of blocks (headings, paragraphs, tables, cards, details, charts)
 * holding rich text made of spans.  Text is stored as it should read;
 * each writer escapes it for its own language, so a section never quotes
 * anything and no writer can forget to.
 *
 * Everything in a doc lives in its arena and goes with doc_free().
 */
#ifndef BENCH_FMT_DOC_H
#define BENCH_FMT_DOC_H

#include <stddef.h>

/* Meaning that a writer may show with colour; the words always carry it
 * too, so colour is never the only signal. */
enum tone {
	TONE_NONE, TONE_GOOD, TONE_WARN, TONE_BAD, TONE_INFO, TONE_MUTED,
	TONE_BEST,
};

enum span_type {
	SPAN_TEXT,
	SPAN_STRONG,
	SPAN_CODE,	/* a command, a path, an identifier */
	SPAN_BADGE,	/* a short status word: "critical", "failed" */
	SPAN_LINK,	/* a reference to a heading in the document: s is the
			   text, ref the heading's id */
};

struct span {
	enum span_type type;
	enum tone tone;
	const char *s;
	const char *ref;
};

struct text {
	struct span *v;
	size_t n, cap;
};

enum {
	CELL_NUM = 1,		/* a number: right-aligned, sorted by key */
	CELL_ROWHEAD = 2,	/* the row's header cell */
};

struct cell {
	struct text t;
	double key;		/* sort key of a CELL_NUM cell, NaN: none */
	unsigned flags;
	const char *hint;	/* longer explanation (a tooltip in HTML) */
};

enum facet { FACET_MODEL, FACET_BACKEND, FACET_HOST, NFACETS };

struct trow {
	struct cell *cells;
	const char *facet[NFACETS];	/* what the HTML filter matches */
	enum tone tone;
};

enum {
	TABLE_SORT = 1,		/* the HTML may sort it by any column */
	TABLE_FILTER = 2,	/* the HTML filter bar applies to its rows */
};

struct table {
	const char *caption;
	int ncols;
	struct cell *head;
	struct trow *rows;
	size_t nrows, cap;
	unsigned flags;
};

struct card {
	const char *label, *value, *sub;
	enum tone tone;
};

enum blk_type {
	BLK_HEADING,	/* level 1-4; level 2 opens a section */
	BLK_PARA,
	BLK_NOTE,	/* a paragraph that stands out (a warning, a caveat) */
	BLK_LIST,
	BLK_TABLE,
	BLK_CARDS,	/* the summary's big numbers */
	BLK_DETAILS,	/* collapsed in HTML: summary text, then body */
	BLK_PRE,	/* preformatted text (a stderr tail) */
	BLK_CHART,	/* chart kind and panel, drawn by the HTML writer */
};

struct doc;

struct block {
	enum blk_type type;
	int level;
	const char *id;
	enum tone tone;
	struct text text;
	struct text *items;
	size_t nitems, capitems;
	struct card *cards;
	size_t ncards, capcards;
	struct table *table;
	const char *pre;
	struct doc *body;
	int chart;		/* index into chart_kinds[] */
	size_t panel;
};

struct arena;

struct doc {
	struct block *v;
	size_t n, cap;
	struct arena *arena;
	const char *title;
};

void doc_init(struct doc *d, const char *title);
void doc_free(struct doc *d);

/* Strings copied into the doc's arena. */
const char *doc_str(struct doc *d, const char *s);
const char *doc_strf(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct block *doc_heading(struct doc *d, int level, const char *id,
    const char *title);
struct text *doc_para(struct doc *d);
struct text *doc_note(struct doc *d, enum tone tone);
struct block *doc_list(struct doc *d);
struct text *list_item(struct doc *d, struct block *list);
struct block *doc_cards(struct doc *d);
void card_add(struct doc *d, struct block *cards, const char *label,
    const char *value, const char *sub, enum tone tone);
/* The body is a doc of its own sharing d's arena. */
struct block *doc_details(struct doc *d);
void doc_pre(struct doc *d, const char *s);
void doc_chart(struct doc *d, int chart, size_t panel);

struct table *doc_table(struct doc *d, int ncols, unsigned flags);
/* A table with its column heads from a list: DOC_TABLE(d, cols, flags). */
struct tcol {
	const char *label;
	unsigned flags;		/* CELL_NUM, ... */
};
struct table *doc_table_cols(struct doc *d, const struct tcol *cols,
    int ncols, unsigned flags);
#define DOC_TABLE(d, cols, flags) \
	doc_table_cols((d), (cols), (int)(sizeof (cols) / sizeof (cols)[0]), \
	    (flags))
void table_head(struct doc *d, struct table *t, int col, const char *label,
    unsigned flags);
/* Appends an empty row and returns it. */
struct trow *table_row(struct doc *d, struct table *t);
struct text *cell_text(struct trow *r, int col);
void cell_set(struct doc *d, struct trow *r, int col, const char *s);
/* A number shown as s, sorted by v (NaN: shown as s, sorted last). */
void cell_num(struct doc *d, struct trow *r, int col, double v,
    const char *s);
void cell_hint(struct doc *d, struct trow *r, int col, const char *hint);

void text_add(struct doc *d, struct text *t, enum span_type type,
    enum tone tone, const char *s);
void text_addf(struct doc *d, struct text *t, enum span_type type,
    enum tone tone, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void text_link(struct doc *d, struct text *t, const char *s,
    const char *ref);
/* The text's spans joined without markup (for plain-text writers). */
const char *text_plain(struct doc *d, const struct text *t);

#endif
