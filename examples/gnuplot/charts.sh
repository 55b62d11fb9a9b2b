#!/bin/sh
# charts.sh DIR FILE... - every chart bench-fmt draws, as gnuplot scripts to
# edit and the pictures they make: DIR/CHART.gp and DIR/CHART.svg for
# heatmap, scaling, latency, trend and regressions, and for bench-trace's
# records trace-timeline, trace-category and roofline.
#
#   examples/gnuplot/charts.sh charts results/*.ndjson diff.ndjson
#   $EDITOR charts/scaling.gp && gnuplot charts/scaling.gp >charts/scaling.svg
#
# The records are any bench-fmt reads: samples (the latency box plots need
# them; stat records alone have none), results, stats, diffs (the
# regression bars), bench-trace's tables.  A chart without data says so in
# its picture.
#
# Each script is its terminal and bench-fmt's shared style, then its data
# inline (<< EOD blocks), then the plot: change the colours, the size, the
# titles or the terminal (TERMINAL=png or pdfcairo here, or the `set
# terminal` line there) and run it again; no benchpipe needed from then on.
set -eu
[ $# -ge 2 ] || { echo "usage: charts.sh DIR FILE..." >&2; exit 2; }
dir=$1
shift
term=${TERMINAL:-svg}
case $term in pdfcairo) ext=pdf ;; *) ext=$term ;; esac
mkdir -p "$dir"
rc=0
for chart in heatmap scaling latency trend regressions trace-timeline \
    trace-category roofline; do
	bench-fmt -f gnuplot -c "$chart" -t "$term" "$@" >"$dir/$chart.gp"
	if gnuplot "$dir/$chart.gp" >"$dir/$chart.$ext"; then
		echo "$dir/$chart.gp -> $dir/$chart.$ext"
	else
		echo "charts.sh: gnuplot failed on $dir/$chart.gp" >&2
		rm -f "$dir/$chart.$ext"
		rc=1
	fi
done
exit $rc
