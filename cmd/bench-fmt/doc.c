/*
 * doc.c - building the document: blocks, tables and text in one arena.
 *
 * Arrays grow by copying into fresh arena memory; the old copy stays until
 * doc_free, which at most doubles what a document holds and keeps freeing
 * to one call.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "die.h"
#include "doc.h"

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

/* Shared by a doc and the bodies of its details blocks. */
struct arena {
	struct chunk *head;
};

static void *
arena_alloc(struct doc *d, size_t n)
{
	struct chunk *a = d->arena->head;
	size_t align = sizeof(max_align_t);
	void *p;

	n = (n + align - 1) / align * align;
	if (!a || a->cap - a->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		a = bp_xmalloc(sizeof *a + cap);
		a->next = d->arena->head;
		a->used = 0;
		a->cap = cap;
		d->arena->head = a;
	}
	p = (char *)a->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

/* Grows an array of n elements of size sz to hold one more. */
static void *
grow(struct doc *d, void *v, size_t n, size_t *cap, size_t sz)
{
	void *nv;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	nv = arena_alloc(d, *cap * sz);
	if (n)
		memcpy(nv, v, n * sz);
	return nv;
}

void
doc_init(struct doc *d, const char *title)
{
	memset(d, 0, sizeof *d);
	d->arena = bp_xmalloc(sizeof *d->arena);
	d->arena->head = NULL;
	d->title = doc_str(d, title);
}

void
doc_free(struct doc *d)
{
	struct chunk *a, *next;

	if (!d->arena)
		return;
	for (a = d->arena->head; a; a = next) {
		next = a->next;
		free(a);
	}
	free(d->arena);
	memset(d, 0, sizeof *d);
}

const char *
doc_str(struct doc *d, const char *s)
{
	size_t n = strlen(s ? s : "");
	char *p = arena_alloc(d, n + 1);

	memcpy(p, s ? s : "", n);
	return p;
}

const char *
doc_strf(struct doc *d, const char *fmt, ...)
{
	const char *s;
	va_list ap;
	char *tmp;

	va_start(ap, fmt);
	if (vasprintf(&tmp, fmt, ap) < 0)
		tmp = NULL;
	va_end(ap);
	if (!tmp)
		bp_die("out of memory");
	s = doc_str(d, tmp);
	free(tmp);
	return s;
}

static struct block *
add(struct doc *d, enum blk_type type)
{
	struct block *b;

	d->v = grow(d, d->v, d->n, &d->cap, sizeof *d->v);
	b = &d->v[d->n++];
	memset(b, 0, sizeof *b);
	b->type = type;
	return b;
}

struct block *
doc_heading(struct doc *d, int level, const char *id, const char *title)
{
	struct block *b = add(d, BLK_HEADING);

	b->level = level;
	b->id = id ? doc_str(d, id) : NULL;
	text_add(d, &b->text, SPAN_TEXT, TONE_NONE, title);
	return b;
}

struct text *
doc_para(struct doc *d)
{
	return &add(d, BLK_PARA)->text;
}

struct text *
doc_note(struct doc *d, enum tone tone)
{
	struct block *b = add(d, BLK_NOTE);

	b->tone = tone;
	return &b->text;
}

struct block *
doc_list(struct doc *d)
{
	return add(d, BLK_LIST);
}

struct text *
list_item(struct doc *d, struct block *list)
{
	struct text *t;

	list->items = grow(d, list->items, list->nitems, &list->capitems,
	    sizeof *list->items);
	t = &list->items[list->nitems++];
	memset(t, 0, sizeof *t);
	return t;
}

struct block *
doc_cards(struct doc *d)
{
	return add(d, BLK_CARDS);
}

void
card_add(struct doc *d, struct block *b, const char *label,
    const char *value, const char *sub, enum tone tone)
{
	struct card *c;

	b->cards = grow(d, b->cards, b->ncards, &b->capcards, sizeof *b->cards);
	c = &b->cards[b->ncards++];
	c->label = doc_str(d, label);
	c->value = doc_str(d, value);
	c->sub = sub ? doc_str(d, sub) : NULL;
	c->tone = tone;
}

struct block *
doc_details(struct doc *d)
{
	struct block *b = add(d, BLK_DETAILS);

	b->body = arena_alloc(d, sizeof *b->body);
	b->body->arena = d->arena;	/* doc_free of the parent frees it */
	b->body->title = d->title;
	return b;
}

void
doc_pre(struct doc *d, const char *s)
{
	add(d, BLK_PRE)->pre = doc_str(d, s);
}

void
doc_chart(struct doc *d, int chart, size_t panel)
{
	struct block *b = add(d, BLK_CHART);

	b->chart = chart;
	b->panel = panel;
}

struct table *
doc_table(struct doc *d, int ncols, unsigned flags)
{
	struct block *b = add(d, BLK_TABLE);
	struct table *t = arena_alloc(d, sizeof *t);
	int i;

	t->ncols = ncols;
	t->flags = flags;
	t->head = arena_alloc(d, ncols * sizeof *t->head);
	for (i = 0; i < ncols; i++)
		t->head[i].key = NAN;
	b->table = t;
	return t;
}

void
table_head(struct doc *d, struct table *t, int col, const char *label,
    unsigned flags)
{
	text_add(d, &t->head[col].t, SPAN_TEXT, TONE_NONE, label);
	t->head[col].flags = flags;
}

struct table *
doc_table_cols(struct doc *d, const struct tcol *cols, int ncols,
    unsigned flags)
{
	struct table *t = doc_table(d, ncols, flags);
	int i;

	for (i = 0; i < ncols; i++)
		table_head(d, t, i, cols[i].label, cols[i].flags);
	return t;
}

struct trow *
table_row(struct doc *d, struct table *t)
{
	struct trow *r;
	int i;

	t->rows = grow(d, t->rows, t->nrows, &t->cap, sizeof *t->rows);
	r = &t->rows[t->nrows++];
	memset(r, 0, sizeof *r);
	r->cells = arena_alloc(d, t->ncols * sizeof *r->cells);
	for (i = 0; i < t->ncols; i++)
		r->cells[i].key = NAN;
	return r;
}

struct text *
cell_text(struct trow *r, int col)
{
	return &r->cells[col].t;
}

void
cell_set(struct doc *d, struct trow *r, int col, const char *s)
{
	text_add(d, &r->cells[col].t, SPAN_TEXT, TONE_NONE, s);
}

void
cell_num(struct doc *d, struct trow *r, int col, double v, const char *s)
{
	struct cell *c = &r->cells[col];

	text_add(d, &c->t, SPAN_TEXT, TONE_NONE, s);
	c->key = v;
	c->flags |= CELL_NUM;
}

void
cell_hint(struct doc *d, struct trow *r, int col, const char *hint)
{
	r->cells[col].hint = doc_str(d, hint);
}

void
text_add(struct doc *d, struct text *t, enum span_type type, enum tone tone,
    const char *s)
{
	struct span *sp;

	if (!s || !*s)
		return;
	t->v = grow(d, t->v, t->n, &t->cap, sizeof *t->v);
	sp = &t->v[t->n++];
	sp->type = type;
	sp->tone = tone;
	sp->s = doc_str(d, s);
	sp->ref = NULL;
}

void
text_addf(struct doc *d, struct text *t, enum span_type type, enum tone tone,
    const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		bp_die("out of memory");
	text_add(d, t, type, tone, s);
	free(s);
}

void
text_link(struct doc *d, struct text *t, const char *s, const char *ref)
{
	text_add(d, t, SPAN_LINK, TONE_NONE, s);
	if (t->n && t->v[t->n - 1].type == SPAN_LINK)
		t->v[t->n - 1].ref = doc_str(d, ref);
}

const char *
text_plain(struct doc *d, const struct text *t)
{
	struct bp_buf b = { 0 };
	const char *s;
	size_t i;

	for (i = 0; i < t->n; i++)
		bp_buf_adds(&b, t->v[i].s);
	s = doc_str(d, b.p ? b.p : "");
	bp_buf_free(&b);
	return s;
}
