/*
 * xlsx.c - the bench-trace tables as an Excel workbook: one sheet per
 * table (timeline, categories, ops, kernels, short kernels, roofline,
 * ranks), a column per field in the order the records first give it,
 * numbers as numbers, the header row frozen and the columns sized.
 *
 * libxlsxwriter writes only to a named file, so the workbook is built in
 * a temporary file and copied to the output, which main.c makes a file
 * (the format is binary: never a terminal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "die.h"
#include "fmt.h"
#include "json.h"
#include "ndjson.h"

#define MINW 8		/* column widths, in characters */
#define MAXW 60
#define MAXSTR 32767	/* the most characters a cell holds */

/* The workbook being built, removed when a write fails. */
static const char *building;

static const struct {
	const char *sheet, *kind;
} sheets[] = {
	{ "timeline", "trace_timeline" },
	{ "categories", "trace_category" },
	{ "ops", "trace_op" },
	{ "kernels", "trace_kernel" },
	{ "short kernels", "trace_short_kernel" },
	{ "roofline", "trace_perf" },
	{ "unified", "trace_unified" },
	{ "ranks", "trace_rank" },
};

/* Fields every record has that say nothing about the table. */
static int
skipped(const char *key)
{
	return strcmp(key, "kind") == 0 || strcmp(key, "schema") == 0 ||
	    strcmp(key, "ts") == 0;
}

struct cols {
	char **name;
	int *width;
	size_t n, cap;
};

static size_t
col_of(struct cols *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], key) == 0)
			return i;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->name = bp_xrealloc(c->name, c->cap * sizeof *c->name);
		c->width = bp_xrealloc(c->width, c->cap * sizeof *c->width);
	}
	c->name[c->n] = bp_xstrdup(key);
	c->width[c->n] = (int)strlen(key) + 2;
	return c->n++;
}

static cJSON *
parse(const struct report *r, const struct rawline *l)
{
	char err[256];
	cJSON *rec = bp_rec_parse(r->text.p + l->off, l->len, err, sizeof err);

	if (!rec)	/* it parsed once already: only memory can fail */
		bp_die("%s", err);
	return rec;
}

static void
check(lxw_error e, const char *what)
{
	if (e == LXW_NO_ERROR)
		return;
	if (building)
		unlink(building);
	bp_die("xlsx: %s: %s", what, lxw_strerror(e));
}

/* Writes v at (row, col) and returns the width it wants. */
static int
put_cell(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const cJSON *v)
{
	char *s;
	size_t len;

	if (cJSON_IsNumber(v)) {
		check(worksheet_write_number(ws, row, col, v->valuedouble,
		    NULL), "a number");
		return 12;
	}
	if (cJSON_IsBool(v)) {
		check(worksheet_write_boolean(ws, row, col, cJSON_IsTrue(v),
		    NULL), "a boolean");
		return 6;
	}
	if (cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v)) {
		s = bp_xstrdup(v->valuestring);
	} else {
		struct bp_buf b = { 0 };

		bp_json_write(&b, v, 0, NULL);
		s = b.p ? bp_buf_detach(&b) : bp_xstrdup("");
	}
	len = strlen(s);
	if (len > MAXSTR) {
		/* cut on a character boundary */
		len = MAXSTR;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		s[len] = '\0';
	}
	/* a string, never a formula, whatever it starts with */
	check(worksheet_write_string(ws, row, col, s, NULL), "a string");
	free(s);
	return (int)len + 2;
}

static void
write_sheet(lxw_workbook *wb, lxw_format *bold, const struct report *r,
    const char *name, const char *kind)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	struct cols c = { 0 };
	lxw_row_t row = 1;
	const cJSON *v;
	size_t i, j;
	cJSON *rec;
	int w;

	if (!ws)
		check(LXW_ERROR_MEMORY_MALLOC_FAILED, name);
	for (i = 0; i < r->nlines; i++) {
		if (r->lines[i].kind != kind)
			continue;
		rec = parse(r, &r->lines[i]);
		cJSON_ArrayForEach(v, rec) {
			if (skipped(v->string))
				continue;
			j = col_of(&c, v->string);
			w = put_cell(ws, row, (lxw_col_t)j, v);
			if (w > c.width[j])
				c.width[j] = w;
		}
		row++;
		cJSON_Delete(rec);
	}
	for (j = 0; j < c.n; j++) {
		check(worksheet_write_string(ws, 0, (lxw_col_t)j, c.name[j],
		    bold), "a header");
		w = c.width[j] < MINW ? MINW : c.width[j] > MAXW ? MAXW :
		    c.width[j];
		check(worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, w,
		    NULL), "a column width");
		free(c.name[j]);
	}
	worksheet_freeze_panes(ws, 1, 0);
	free(c.name);
	free(c.width);
}

/* Copies the file at path to out. */
static void
copy_out(const char *path, FILE *out)
{
	FILE *in = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!in) {
		unlink(path);
		bp_die_errno("%s", path);
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in)) {
		unlink(path);
		bp_die_errno("%s", path);
	}
	fclose(in);
}

static void
xlsx_report(const struct report *r, FILE *out, const struct opts *o)
{
	const char *tmpdir = getenv("TMPDIR");
	lxw_doc_properties props = { 0 };
	struct bp_buf path = { 0 };
	lxw_workbook *wb;
	lxw_format *bold;
	size_t i, n = 0;
	int fd;

	bp_buf_addf(&path, "%s/bench-fmt.XXXXXX", tmpdir && *tmpdir ? tmpdir :
	    "/tmp");
	fd = mkstemp(path.p);
	if (fd < 0)
		bp_die_errno("%s", path.p);
	close(fd);
	building = path.p;
	wb = workbook_new(path.p);
	if (!wb) {
		unlink(path.p);
		bp_die("xlsx: cannot create the workbook in %s", path.p);
	}
	props.title = (char *)o->title;
	/* 0 would be "now": without a timestamp, the zip entries' date */
	props.created = o->stamp ? o->now : 315532800;	/* 1980-01-01 */
	check(workbook_set_properties(wb, &props), "the properties");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
		const char *kind = report_kind(r, sheets[i].kind);

		if (!kind)
			continue;
		write_sheet(wb, bold, r, sheets[i].sheet, kind);
		n++;
	}
	if (!n) {
		lxw_worksheet *ws = workbook_add_worksheet(wb, "traces");

		check(worksheet_write_string(ws, 0, 0,
		    "No bench-trace records in the input.", NULL), "a note");
	}
	if (workbook_close(wb) != LXW_NO_ERROR) {
		unlink(path.p);
		bp_die("xlsx: cannot write the workbook in %s", path.p);
	}
	copy_out(path.p, out);
	unlink(path.p);
	building = NULL;
	bp_buf_free(&path);
}

const struct format fmt_xlsx = { "xlsx", "xlsx", xlsx_report, 1 };
