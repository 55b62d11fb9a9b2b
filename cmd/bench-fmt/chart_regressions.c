/*
 * chart_regressions.c - the change of every regression and improvement
 * as a horizontal bar, worst first, each labelled with its change and
 * verdict so that the colour only repeats what the words say.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "json.h"
#include "show.h"

#define MAX_BARS 20

static int
charted(const cJSON *d)
{
	int rank = diff_rank(d);
	double v;

	return (rank <= 3 || rank == 9) &&
	    bp_json_num(d, "change_pct", &v) == 1 && isfinite(v);
}

static size_t
bars(const struct report *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->ndiffs; i++)
		n += charted(r->diffs[i]);
	return n < MAX_BARS ? n : MAX_BARS;
}

static size_t
panels(const struct report *r)
{
	return bars(r) > 0;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	(void)r;
	(void)i;
	bp_buf_adds(b, "Change from baseline to current, worst first");
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	(void)i;
	*w = 860;
	*h = 110 + 30 * (int)bars(r);
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const char *names[MAX_BARS], *labels[MAX_BARS];
	size_t i, n = 0;
	struct bp_buf t = { 0 };
	char pct[SHOW_LEN];
	double lo = 0, hi = 0;

	(void)panel;
	bp_buf_adds(b, "# row change-pct colour(0xRRGGBB)\n$data << EOD\n");
	for (i = 0; i < r->ndiffs && n < MAX_BARS; i++) {
		const cJSON *d = r->diffs[i];
		const char *sev = bp_json_str(d, "severity");
		const char *model = bp_json_str(d, "model");
		const char *backend = bp_json_str(d, "backend");
		const char *metric = bp_json_str(d, "metric");
		const char *id = bp_json_str(d, "host_id");
		const struct host *h = report_host(r, id);
		const char *hn = h ? h->name : id;
		int rank = diff_rank(d);
		double v;

		if (!charted(d))
			continue;
		bp_json_num(d, "change_pct", &v);
		lo = fmin(lo, v);
		hi = fmax(hi, v);
		bp_buf_addf(b, "%zu ", n);
		gp_num(b, v);
		bp_buf_addf(b, " %d\n", rank == 9 ? 0x228833 : rank <= 1 ?
		    0xcc3311 : 0xee7733);
		bp_buf_reset(&t);
		bp_buf_addf(&t, "%s \xc2\xb7 %s%s%s", model ? model : "?",
		    backend ? backend : "?", hn ? " @ " : "", hn ? hn : "");
		if (cJSON_GetArraySize(cJSON_GetObjectItem(d, "params"))) {
			bp_buf_adds(&t, " \xc2\xb7 ");
			show_params(&t, cJSON_GetObjectItem(d, "params"));
		}
		bp_buf_addf(&t, " \xc2\xb7 %s", metric ? metric : "?");
		names[n] = gp_trunc(t.p, 64);
		bp_buf_reset(&t);
		bp_buf_addf(&t, "%s %s", show_pct(pct, v), rank == 9 ?
		    "improvement" : sev ? sev : "regression");
		labels[n++] = bp_xstrdup(t.p);
	}
	bp_buf_adds(b, "EOD\n");
	/* room beside the bars for their labels */
	bp_buf_addf(b, "xlo = %g\nxhi = %g\n", lo < 0 ? lo - 0.5 * (hi - lo) :
	    -0.08 * hi, hi > 0 ? hi + 0.45 * (hi - lo) : 0.08 * -lo);
	gp_array(b, "names", names, n);
	gp_array(b, "labels", labels, n);
	for (i = 0; i < n; i++) {
		free((char *)names[i]);
		free((char *)labels[i]);
	}
	bp_buf_free(&t);
}

const struct chart_kind chart_regressions = {
	"regressions", "regressions.gp", panels, title, size, data,
};
