/*
 * chart_roofline.c - the roofline of a trace: each op and shape of
 * trace_perf as a point at its arithmetic intensity (FLOP per byte) and
 * mean achieved TFLOP/s, log-log, one colour and point type per kind of
 * op (GEMM, SDPA_fwd, ...), the ops that took the most time named, and
 * the roof drawn when the records carry the device's peaks.  One panel
 * per trace.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "trace.h"

#define MAX_SHEETS 7	/* line styles 1-7; the rest share "other" */
#define MAX_LABELS 4

static size_t
panels(const struct report *r)
{
	const struct traces *s = trace_model(r);

	return s ? s->nroofline : 0;
}

static const struct trace *
trace_at(const struct report *r, size_t panel)
{
	const struct traces *s = trace_model(r);
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].roofline_panel == panel)
			return &s->v[i];
	return NULL;
}

static int
point(const cJSON *x, double *ai, double *tf)
{
	*ai = rec_num(x, "flops_per_byte");
	*tf = rec_num(x, "tflops_mean");
	return isfinite(*ai) && *ai > 0 && isfinite(*tf) && *tf > 0;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	trace_title(b, trace_at(r, i));
	bp_buf_adds(b, ": roofline");
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	(void)r;
	(void)i;
	*w = 760;
	*h = 480;
}

/* The kinds of op in the order of their first (largest) point. */
static size_t
sheets(const struct tlist *l, const char **v)
{
	size_t i, j, n = 0;
	double ai, tf;

	for (i = 0; i < l->n; i++) {
		const char *s = bp_json_str(l->v[i], "sheet");

		if (!point(l->v[i], &ai, &tf))
			continue;
		s = s ? s : "other";
		for (j = 0; j < n && strcmp(v[j], s) != 0; j++)
			continue;
		if (j == n && n < MAX_SHEETS)
			v[n++] = s;
		else if (j == n)
			v[MAX_SHEETS] = "other";
	}
	return n;
}

static size_t
sheet_of(const cJSON *x, const char **v, size_t n)
{
	const char *s = bp_json_str(x, "sheet");
	size_t j;

	s = s ? s : "other";
	for (j = 0; j < n; j++)
		if (strcmp(v[j], s) == 0)
			return j;
	return n;
}

static void
num_array(struct bp_buf *b, const char *name, const double *v, size_t n)
{
	size_t i;

	bp_buf_addf(b, "array %s[%zu] = [", name, n ? n : 1);
	for (i = 0; i < n; i++) {
		if (i)
			bp_buf_adds(b, ", ");
		gp_num(b, v[i]);
	}
	if (!n)
		bp_buf_adds(b, "0");
	bp_buf_adds(b, "]\n");
}

/* Whether an op before i with a point has this name. */
static int
named(const struct tlist *l, size_t i, const char *name)
{
	double ai, tf;
	size_t j;

	for (j = 0; j < i; j++)
		if (point(l->v[j], &ai, &tf) && bp_json_str(l->v[j], "name") &&
		    strcmp(bp_json_str(l->v[j], "name"), name) == 0)
			return 1;
	return 0;
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct tlist *l = &trace_at(r, panel)->perf;
	const char *names[MAX_SHEETS + 1] = { NULL }, *lab[MAX_LABELS];
	double lx[MAX_LABELS], ly[MAX_LABELS], ai, tf, v;
	double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
	double peak_tf = 0, peak_tb = 0;
	size_t n = sheets(l, names), nb = n + (names[MAX_SHEETS] != NULL);
	size_t i, j, nl = 0;

	if (names[MAX_SHEETS])
		names[n] = "other";
	bp_buf_adds(b, "# one block per kind of op: FLOP/byte, TFLOP/s\n"
	    "$data << EOD\n");
	for (j = 0; j < nb; j++) {
		if (j)
			bp_buf_adds(b, "\n\n");
		for (i = 0; i < l->n; i++) {
			if (!point(l->v[i], &ai, &tf) ||
			    sheet_of(l->v[i], names, n) != j)
				continue;
			gp_num(b, ai);
			bp_buf_addc(b, ' ');
			gp_num(b, tf);
			bp_buf_addc(b, '\n');
			xlo = fmin(xlo, ai);
			xhi = fmax(xhi, ai);
			ylo = fmin(ylo, tf);
			yhi = fmax(yhi, tf);
		}
	}
	bp_buf_adds(b, "EOD\n");
	/* the list is largest kernel time first: name the first few, each
	 * name once */
	for (i = 0; i < l->n && nl < MAX_LABELS; i++) {
		const char *name = bp_json_str(l->v[i], "name");

		if (!name || !point(l->v[i], &ai, &tf) || named(l, i, name))
			continue;
		lab[nl] = gp_trunc(name, 28);
		lx[nl] = ai;
		ly[nl++] = tf;
	}
	for (i = 0; i < l->n; i++) {
		if (bp_json_num(l->v[i], "peak_tflops", &v) == 1 &&
		    isfinite(v) && v > 0 && !peak_tf)
			peak_tf = v;
		if (bp_json_num(l->v[i], "peak_tbps", &v) == 1 &&
		    isfinite(v) && v > 0 && !peak_tb)
			peak_tb = v;
	}
	if (peak_tf) {
		yhi = fmax(yhi, peak_tf);
		if (peak_tb) {
			xlo = fmin(xlo, peak_tf / peak_tb);
			xhi = fmax(xhi, peak_tf / peak_tb);
		}
	}
	gp_array(b, "names", names, nb);
	gp_array(b, "lnames", lab, nl);
	num_array(b, "lx", lx, nl);
	num_array(b, "ly", ly, nl);
	bp_buf_addf(b, "nlabels = %zu\n", nl);
	bp_buf_adds(b, "peak_tflops = ");
	gp_num(b, peak_tf);
	bp_buf_adds(b, "\npeak_tbps = ");
	gp_num(b, peak_tb);
	/* half a decade of room around the points and the ridge */
	bp_buf_adds(b, "\nxlo = ");
	gp_num(b, xlo / 3);
	bp_buf_adds(b, "\nxhi = ");
	gp_num(b, xhi * 3);
	bp_buf_adds(b, "\nylo = ");
	gp_num(b, ylo / 3);
	bp_buf_adds(b, "\nyhi = ");
	gp_num(b, yhi * 3);
	bp_buf_addc(b, '\n');
	for (i = 0; i < nl; i++)
		free((char *)lab[i]);
}

const struct chart_kind chart_roofline = {
	"roofline", "roofline.gp", panels, title, size, data,
};
