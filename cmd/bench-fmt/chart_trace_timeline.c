/*
 * chart_trace_timeline.c - where a trace's GPU time went, as one stacked
 * horizontal bar of 100%: computation, exposed communication, exposed
 * memcpy and idle.  One panel per trace, and one for the job of a
 * multi-rank run with a bar per rank (its traces get no panel of their
 * own).
 */
#include <math.h>
#include <stdlib.h>

#include "fmt.h"
#include "show.h"
#include "trace.h"

#define MAX_BARS 64

static size_t
panels(const struct report *r)
{
	const struct traces *s = trace_model(r);

	return s ? s->ntimeline : 0;
}

static const struct trace *
trace_at(const struct traces *s, size_t panel)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].timeline_panel == panel)
			return &s->v[i];
	return NULL;
}

static size_t
bars(const struct report *r, size_t panel)
{
	const struct traces *s = trace_model(r);
	double pct[4], total;
	size_t i, n = 0;

	if (panel != s->job_panel)
		return 1;
	for (i = 0; i < s->ranks.n && n < MAX_BARS; i++)
		n += trace_parts(s->ranks.v[i], pct, &total);
	return n;
}

static void
title(const struct report *r, size_t i, struct bp_buf *b)
{
	const struct traces *s = trace_model(r);

	if (i == s->job_panel) {
		bp_buf_adds(b, "Multi-rank job: GPU time of each rank");
		return;
	}
	trace_title(b, trace_at(s, i));
	bp_buf_adds(b, ": GPU time");
}

static void
size(const struct report *r, size_t i, int *w, int *h)
{
	*w = 860;
	*h = 130 + 34 * (int)bars(r, i);
}

static void
bar(struct bp_buf *b, size_t row, const double pct[4])
{
	int k;

	bp_buf_addf(b, "%zu", row);
	for (k = 0; k < 4; k++) {
		bp_buf_addc(b, ' ');
		gp_num(b, pct[k]);
	}
	bp_buf_addc(b, '\n');
}

static void
data(const struct report *r, size_t panel, struct bp_buf *b)
{
	const struct traces *s = trace_model(r);
	const char *names[MAX_BARS];
	struct bp_buf t = { 0 };
	double pct[4], total;
	char num[SHOW_LEN];
	size_t i, n = 0;

	bp_buf_adds(b, "# row, then % of total: computation, exposed "
	    "communication, exposed memcpy, idle\n$data << EOD\n");
	if (panel == s->job_panel) {
		for (i = 0; i < s->ranks.n && n < MAX_BARS; i++) {
			if (!trace_parts(s->ranks.v[i], pct, &total))
				continue;
			bar(b, n, pct);
			bp_buf_reset(&t);
			trace_rank_name(&t, s->ranks.v[i]);
			bp_buf_addf(&t, " (%s ms)", show_num(num, total));
			names[n++] = gp_trunc(t.p, 40);
		}
	} else if (trace_parts(trace_at(s, panel)->timeline, pct, &total)) {
		bar(b, 0, pct);
		bp_buf_addf(&t, "%s ms", show_num(num, total));
		names[n++] = gp_trunc(t.p, 40);
	}
	bp_buf_adds(b, "EOD\n");
	gp_array(b, "names", names, n);
	for (i = 0; i < n; i++)
		free((char *)names[i]);
	bp_buf_free(&t);
}

const struct chart_kind chart_trace_timeline = {
	"trace-timeline", "trace-timeline.gp", panels, title, size, data,
};
