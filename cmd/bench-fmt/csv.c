/*
 * csv.c - one row per record of a kind (--kind; default stat, else
 * result), for spreadsheets: CSV quoted as RFC 4180 says (CRLF line ends),
 * or TSV with backslash escapes for tab, newline and backslash.
 *
 * Columns are the records' flattened dotted paths ("stats.latency_ms.p50",
 * "params.batch"): the identity fields first, then params and labels, then
 * everything else in byte order, so a column stays put from one report
 * to the next.  An array of numbers spreads over PATH.0, PATH.1, ...; any
 * other array is one cell of JSON.  Two passes over the kept lines: the
 * first collects the columns, the second writes the rows.
 *
 * A text cell that starts with = + - @ gets a leading ' so that no
 * spreadsheet takes a model name for a formula.
 */
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "fmt.h"
#include "json.h"

static const char *const lead[] = { "kind", "schema", "ts", "run_id",
    "host_id", "model", "backend" };

struct cols {
	char **v;
	size_t n, cap;
};

static long
find(const struct cols *c, const char *path)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int k = strcmp(c->v[mid], path);

		if (!k)
			return (long)mid;
		if (k < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1 - (long)lo;
}

static void
add_col(struct cols *c, const char *path)
{
	long at = find(c, path);

	if (at >= 0)
		return;
	at = -1 - at;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = bp_xrealloc(c->v, c->cap * sizeof *c->v);
	}
	memmove(c->v + at + 1, c->v + at, (c->n - at) * sizeof *c->v);
	c->v[at] = bp_xstrdup(path);
	c->n++;
}

static int
numbers_only(const cJSON *a)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, a)
		if (!cJSON_IsNumber(x))
			return 0;
	return cJSON_GetArraySize(a) > 0;
}

/* Calls fn for each leaf of item under path. */
static void
flatten(const cJSON *item, struct bp_buf *path,
    void (*fn)(const char *, const cJSON *, void *), void *arg)
{
	size_t len = path->len;
	const cJSON *x;
	int i = 0;

	if (cJSON_IsObject(item) || (cJSON_IsArray(item) && numbers_only(item))) {
		cJSON_ArrayForEach(x, item) {
			if (len)
				bp_buf_addc(path, '.');
			if (cJSON_IsObject(item))
				bp_buf_adds(path, x->string);
			else
				bp_buf_addf(path, "%d", i++);
			flatten(x, path, fn, arg);
			path->len = len;
			path->p[len] = '\0';
		}
		return;
	}
	fn(path->p ? path->p : "", item, arg);
}

/* A null is an empty cell: it makes no column of its own. */
static void
collect(const char *path, const cJSON *v, void *arg)
{
	if (!cJSON_IsNull(v))
		add_col(arg, path);
}

struct rowv {
	const struct cols *c;
	const cJSON **v;
};

static void
place(const char *path, const cJSON *v, void *arg)
{
	struct rowv *r = arg;
	long at = find(r->c, path);

	if (at >= 0)
		r->v[at] = v;
}

/* Rank of a column: identity first, then params, labels, the rest. */
static int
rank(const char *path, size_t *sub)
{
	size_t i;

	for (i = 0; i < sizeof lead / sizeof lead[0]; i++)
		if (strcmp(path, lead[i]) == 0) {
			*sub = i;
			return 0;
		}
	*sub = 0;
	if (strncmp(path, "params.", 7) == 0)
		return 1;
	if (strncmp(path, "labels.", 7) == 0)
		return 2;
	return 3;
}

static int
cmp_col(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t sx, sy;
	int rx = rank(x, &sx), ry = rank(y, &sy);

	if (rx != ry)
		return rx - ry;
	if (sx != sy)
		return sx < sy ? -1 : 1;
	return strcmp(x, y);
}

static void
cell_str(FILE *f, const char *s, int tsv, int text)
{
	int guard = text && *s && strchr("=+-@", *s);
	int quote = !tsv && strpbrk(s, ",\"\r\n");
	const char *p;

	if (quote)
		fputc('"', f);
	if (guard)
		fputc('\'', f);
	for (p = s; *p; p++) {
		if (tsv && (*p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\\'))
			fprintf(f, "\\%c", *p == '\t' ? 't' : *p == '\n' ? 'n' :
			    *p == '\r' ? 'r' : '\\');
		else if (quote && *p == '"')
			fputs("\"\"", f);
		else
			fputc(*p, f);
	}
	if (quote)
		fputc('"', f);
}

static void
cell(FILE *f, const cJSON *v, int tsv)
{
	struct bp_buf b = { 0 };

	if (!v || cJSON_IsNull(v))
		return;
	if (cJSON_IsString(v)) {
		cell_str(f, v->valuestring, tsv, 1);
		return;
	}
	if (cJSON_IsNumber(v))
		bp_json_write_num(&b, v->valuedouble);
	else if (cJSON_IsBool(v))
		bp_buf_adds(&b, cJSON_IsTrue(v) ? "true" : "false");
	else
		bp_json_write(&b, v, 0, NULL);
	cell_str(f, b.p ? b.p : "", tsv, 0);
	bp_buf_free(&b);
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
write_table(const struct report *r, FILE *f, const struct opts *o, int tsv)
{
	const char *want = o->kind ? o->kind : report_kind(r, "stat") ?
	    "stat" : "result";
	const char *kind = report_kind(r, want);
	const char *sep = tsv ? "\t" : ",", *eol = tsv ? "\n" : "\r\n";
	struct cols c = { 0 }, sorted;
	struct bp_buf path = { 0 };
	struct rowv row;
	size_t i, j;
	cJSON *rec;

	if (!kind) {
		if (o->kind)
			bp_warn("no %s records in the input", want);
		return;
	}
	for (i = 0; i < r->nlines; i++) {
		if (r->lines[i].kind != kind)
			continue;
		rec = parse(r, &r->lines[i]);
		flatten(rec, &path, collect, &c);
		cJSON_Delete(rec);
	}
	/* c stays sorted bytewise for lookups; the header order is another */
	sorted.v = bp_xmalloc((c.n + 1) * sizeof *sorted.v);
	if (c.n)
		memcpy(sorted.v, c.v, c.n * sizeof *c.v);
	sorted.n = c.n;
	qsort(sorted.v, sorted.n, sizeof *sorted.v, cmp_col);
	for (j = 0; j < sorted.n; j++) {
		fputs(j ? sep : "", f);
		cell_str(f, sorted.v[j], tsv, 0);
	}
	fputs(eol, f);
	row.c = &c;
	row.v = bp_xmalloc((c.n + 1) * sizeof *row.v);
	for (i = 0; i < r->nlines; i++) {
		if (r->lines[i].kind != kind)
			continue;
		rec = parse(r, &r->lines[i]);
		memset(row.v, 0, c.n * sizeof *row.v);
		flatten(rec, &path, place, &row);
		for (j = 0; j < sorted.n; j++) {
			fputs(j ? sep : "", f);
			cell(f, row.v[find(&c, sorted.v[j])], tsv);
		}
		fputs(eol, f);
		cJSON_Delete(rec);
	}
	for (j = 0; j < c.n; j++)
		free(c.v[j]);
	free(c.v);
	free(sorted.v);
	free(row.v);
	bp_buf_free(&path);
}

static void
csv_report(const struct report *r, FILE *f, const struct opts *o)
{
	write_table(r, f, o, 0);
}

static void
tsv_report(const struct report *r, FILE *f, const struct opts *o)
{
	write_table(r, f, o, 1);
}

const struct format fmt_csv = { "csv", "csv", csv_report, 1 };
const struct format fmt_tsv = { "tsv", "tsv", tsv_report, 1 };
