/*
 * sec_system.c - the machines from the host records, side by side, and
 * the noise checks that failed on them (those make numbers suspect).  A
 * host that results name but no host record describes gets a column too,
 * from the short summary its results carry.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

typedef const char *(*attr_fn)(struct doc *, const cJSON *);

static const char *
cat_str(struct doc *d, const cJSON *rec, const char *a, const char *b,
    const char *fmt)
{
	const char *x = bp_json_str(rec, a), *y = bp_json_str(rec, b);

	if (x && y)
		return doc_strf(d, fmt, x, y);
	return x ? x : y;
}

static const char *
a_id(struct doc *d, const cJSON *h)
{
	(void)d;
	return bp_json_str(h, "host_id");
}

static const char *
a_os(struct doc *d, const cJSON *h)
{
	return cat_str(d, h, "os.name", "os.version", "%s %s");
}

static const char *
a_kernel(struct doc *d, const cJSON *h)
{
	return cat_str(d, h, "os.kernel", "os.arch", "%s (%s)");
}

static const char *
a_cpu(struct doc *d, const cJSON *h)
{
	(void)d;
	return bp_json_str(h, "cpu.model");
}

static const char *
a_topology(struct doc *d, const cJSON *h)
{
	double p, c, t, numa;
	struct bp_buf b = { 0 };
	const char *s;

	if (bp_json_num(h, "cpu.cores", &c) != 1)
		return NULL;
	if (bp_json_num(h, "cpu.packages", &p) == 1)
		bp_buf_addf(&b, "%g socket%s, ", p, p == 1 ? "" : "s");
	bp_buf_addf(&b, "%g cores", c);
	if (bp_json_num(h, "cpu.threads", &t) == 1)
		bp_buf_addf(&b, ", %g threads", t);
	if (bp_json_num(h, "cpu.numa_nodes", &numa) == 1 && numa > 1)
		bp_buf_addf(&b, ", %g NUMA nodes", numa);
	s = doc_str(d, b.p);
	bp_buf_free(&b);
	return s;
}

static const char *
a_clock(struct doc *d, const cJSON *h)
{
	double base, max;
	const char *gov = bp_json_str(h, "cpu.governor");
	struct bp_buf b = { 0 };
	const char *s;

	if (bp_json_num(h, "cpu.base_mhz", &base) == 1)
		bp_buf_addf(&b, "base %g MHz", base);
	if (bp_json_num(h, "cpu.max_mhz", &max) == 1)
		bp_buf_addf(&b, "%smax %g MHz", b.len ? ", " : "", max);
	if (gov)
		bp_buf_addf(&b, "%sgovernor %s", b.len ? ", " : "", gov);
	s = b.len ? doc_str(d, b.p) : NULL;
	bp_buf_free(&b);
	return s;
}

static const char *
a_peak(struct doc *d, const cJSON *h)
{
	double f32, f64;

	if (bp_json_num(h, "cpu.peak_gflops.fp32", &f32) != 1)
		return NULL;
	if (bp_json_num(h, "cpu.peak_gflops.fp64", &f64) == 1)
		return doc_strf(d, "%s GFLOP/s fp32, %s fp64 (theoretical)",
		    sec_num(d, f32), sec_num(d, f64));
	return doc_strf(d, "%s GFLOP/s fp32 (theoretical)", sec_num(d, f32));
}

static const char *
a_memory(struct doc *d, const cJSON *h)
{
	double t, s;
	char a[SHOW_LEN], b[SHOW_LEN];

	if (bp_json_num(h, "memory.total_mib", &t) != 1)
		return NULL;
	if (bp_json_num(h, "memory.swap_mib", &s) == 1 && s > 0)
		return doc_strf(d, "%s (swap %s)", show_mib(a, t),
		    show_mib(b, s));
	return doc_str(d, show_mib(a, t));
}

static const char *
a_gpus(struct doc *d, const cJSON *h)
{
	const cJSON *gpus = bp_json_path(h, "gpus"), *g;
	int n = cJSON_GetArraySize(gpus), same = 1;
	const char *name, *first = NULL;
	double mem;
	char m[SHOW_LEN];

	if (!cJSON_IsArray(gpus))
		return NULL;
	if (n == 0)
		return "none";
	cJSON_ArrayForEach(g, gpus) {
		name = bp_json_str(g, "name");
		if (!first)
			first = name ? name : "?";
		else if (!name || strcmp(name, first) != 0)
			same = 0;
	}
	g = cJSON_GetArrayItem(gpus, 0);
	if (bp_json_num(g, "memory_total_mib", &mem) != 1)
		mem = NAN;
	if (!same)
		return doc_strf(d, "%d GPUs, first: %s", n, first);
	return doc_strf(d, "%d \xc3\x97 %s (%s%s%s)", n, first, show_mib(m, mem),
	    bp_json_str(g, "compute_capability") ? ", compute " : "",
	    bp_json_str(g, "compute_capability") ?
	    bp_json_str(g, "compute_capability") : "");
}

/* 12040 -> "12.4" */
static const char *
cuda_ver(struct doc *d, double v)
{
	return doc_strf(d, "%d.%d", (int)v / 1000, (int)v % 1000 / 10);
}

static const char *
a_driver(struct doc *d, const cJSON *h)
{
	const cJSON *g = cJSON_GetArrayItem(bp_json_path(h, "gpus"), 0);
	const char *drv = bp_json_str(g, "driver_version");
	double cu;

	if (!drv)
		return NULL;
	if (bp_json_num(g, "cuda_driver_version", &cu) == 1)
		return doc_strf(d, "%s (CUDA %s)", drv, cuda_ver(d, cu));
	return drv;
}

static const char *
a_cuda(struct doc *d, const cJSON *h)
{
	double rt, bl;

	if (bp_json_num(h, "backends.cuda.runtime", &rt) != 1)
		return NULL;
	if (bp_json_num(h, "backends.cuda.cublas", &bl) == 1)
		return doc_strf(d, "CUDA %s, cuBLAS %d.%d.%d", cuda_ver(d, rt),
		    (int)bl / 10000, (int)bl / 100 % 100, (int)bl % 100);
	return doc_strf(d, "CUDA %s", cuda_ver(d, rt));
}

static const char *
a_blas(struct doc *d, const cJSON *h)
{
	(void)d;
	return bp_json_str(h, "backends.cpu.blas");
}

static const char *
a_backends(struct doc *d, const cJSON *h)
{
	const cJSON *b;
	struct bp_buf buf = { 0 };
	const char *s;

	cJSON_ArrayForEach(b, bp_json_path(h, "backends")) {
		if (!cJSON_IsTrue(cJSON_GetObjectItem(b, "available")))
			continue;
		bp_buf_addf(&buf, "%s%s", buf.len ? ", " : "", b->string);
	}
	s = buf.len ? doc_str(d, buf.p) : NULL;
	bp_buf_free(&buf);
	return s;
}

static const char *
a_software(struct doc *d, const cJSON *h)
{
	const char *bp = bp_json_str(h, "software.benchpipe");
	const char *commit = bp_json_str(h, "software.commit");
	const char *cc = bp_json_str(h, "software.compiler");

	if (!bp)
		return NULL;
	return doc_strf(d, "benchpipe %s%s%s%s%s%s", bp,
	    commit ? " (" : "", commit ? commit : "", commit ? ")" : "",
	    cc ? ", " : "", cc ? cc : "");
}

static const char *
a_libc(struct doc *d, const cJSON *h)
{
	(void)d;
	return bp_json_str(h, "software.libc");
}

static const struct {
	const char *label;
	attr_fn get;
} attrs[] = {
	{ "Host ID", a_id },
	{ "OS", a_os },
	{ "Kernel", a_kernel },
	{ "CPU", a_cpu },
	{ "Topology", a_topology },
	{ "Clock", a_clock },
	{ "CPU peak", a_peak },
	{ "Memory", a_memory },
	{ "GPUs", a_gpus },
	{ "GPU driver", a_driver },
	{ "CUDA", a_cuda },
	{ "BLAS", a_blas },
	{ "Backends", a_backends },
	{ "Built with", a_software },
	{ "C library", a_libc },
};

/* The checks cell: "5 of 7 passed". */
static void
checks_cell(struct doc *d, struct trow *row, int col, const cJSON *h)
{
	const cJSON *c;
	int n = 0, ok = 0;

	cJSON_ArrayForEach(c, bp_json_path(h, "checks")) {
		n++;
		ok += cJSON_IsTrue(cJSON_GetObjectItem(c, "ok"));
	}
	if (!n)
		return;
	text_addf(d, cell_text(row, col), SPAN_BADGE, ok == n ? TONE_GOOD :
	    TONE_WARN, "%d of %d passed", ok, n);
}

/* What a host without a record is known by: its results' summary. */
static const char *
summary_attr(struct doc *d, const struct host *h, size_t a)
{
	const char *s = NULL;

	if (attrs[a].get == a_id)
		s = h->id;
	else if (attrs[a].get == a_cpu)
		s = bp_json_str(h->summary, "cpu");
	else if (attrs[a].get == a_gpus)
		s = bp_json_str(h->summary, "gpu");
	return s ? doc_str(d, s) : NULL;
}

static void
hosts_table(const struct report *r, struct doc *d, struct host **hs,
    size_t n)
{
	struct table *t = doc_table(d, (int)n + 1, 0);
	struct trow *row;
	size_t a, i;
	const char *v;
	int any;

	table_head(d, t, 0, "", 0);
	for (i = 0; i < n; i++)
		table_head(d, t, (int)i + 1, hs[i]->name, 0);
	for (a = 0; a < sizeof attrs / sizeof attrs[0]; a++) {
		for (i = any = 0; i < n; i++)
			any |= (hs[i]->rec ? attrs[a].get(d, hs[i]->rec) :
			    summary_attr(d, hs[i], a)) != NULL;
		if (!any)
			continue;
		row = table_row(d, t);
		cell_set(d, row, 0, attrs[a].label);
		row->cells[0].flags |= CELL_ROWHEAD;
		for (i = 0; i < n; i++) {
			v = hs[i]->rec ? attrs[a].get(d, hs[i]->rec) :
			    summary_attr(d, hs[i], a);
			cell_set(d, row, (int)i + 1, v ? v : SHOW_NONE);
		}
	}
	row = table_row(d, t);
	cell_set(d, row, 0, "Noise checks");
	row->cells[0].flags |= CELL_ROWHEAD;
	for (i = 0; i < n; i++) {
		if (hs[i]->rec)
			checks_cell(d, row, (int)i + 1, hs[i]->rec);
		else
			text_add(d, cell_text(row, (int)i + 1), SPAN_TEXT,
			    TONE_MUTED, "no host record");
	}
	(void)r;
}

static void
failed_checks(struct doc *d, struct host **hs, size_t n)
{
	struct table *t = NULL;
	const cJSON *c;
	struct trow *row;
	size_t i;

	for (i = 0; i < n; i++) {
		cJSON_ArrayForEach(c, bp_json_path(hs[i]->rec, "checks")) {
			if (!cJSON_IsFalse(cJSON_GetObjectItem(c, "ok")))
				continue;
			if (!t) {
				doc_heading(d, 3, "noise", "Noise checks that failed");
				text_add(d, doc_para(d), SPAN_TEXT, TONE_NONE,
				    "A failed check does not make a number "
				    "wrong, but noisier: compare with care.");
				static const struct tcol cols[] = {
					{ "Host", 0 },
					{ "Check", 0 },
					{ "Detail", 0 },
				};
				t = DOC_TABLE(d, cols, TABLE_SORT);
			}
			row = table_row(d, t);
			row->tone = TONE_WARN;
			row->facet[FACET_HOST] = hs[i]->name;
			cell_set(d, row, 0, hs[i]->name);
			text_add(d, cell_text(row, 1), SPAN_CODE, TONE_NONE,
			    bp_json_str(c, "name"));
			cell_set(d, row, 2, bp_json_str(c, "detail"));
		}
	}
}

static void
build(const struct report *r, void *state, struct doc *d,
    const struct opts *o)
{
	struct host **hs = bp_xmalloc((r->nhosts + 1) * sizeof *hs);
	size_t i, n = 0;

	(void)state;
	(void)o;
	for (i = 0; i < r->nhosts; i++)
		if (r->hosts[i]->rec || r->hosts[i]->used)
			hs[n++] = r->hosts[i];
	if (n) {
		doc_heading(d, 2, "system", "System configuration");
		hosts_table(r, d, hs, n);
		failed_checks(d, hs, n);
	}
	free(hs);
}

const struct section sec_system = { "system", NULL, build, NULL };
