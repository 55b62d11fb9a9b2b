/*
 * gnuplot.c - one chart as a complete gnuplot script with its data inline,
 * for `bench-fmt -f gnuplot -c scaling | gnuplot > scaling.svg` and for
 * anyone who wants to restyle a chart by hand.
 */
#include "die.h"
#include "fmt.h"

static void
gp_report(const struct report *r, FILE *f, const struct opts *o)
{
	struct bp_buf b = { 0 };
	char err[512];

	if (chart_script(r, o->chart, CHART_ALL, o->terminal, 1, &b, err,
	    sizeof err) != 0)
		bp_die("%s", err);
	fwrite(b.p, 1, b.len, f);
	bp_buf_free(&b);
}

const struct format fmt_gnuplot = { "gnuplot", "gp", gp_report, 0 };
