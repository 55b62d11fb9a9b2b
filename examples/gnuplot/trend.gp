# trend.gp - a metric's median per run over time, one line per
# configuration, from a nightly history.ndjson; each point is labelled
# with its commit.  The data comes from jq (trend.jq, next to this file).
#
#   gnuplot -c examples/gnuplot/trend.gp history.ndjson [METRIC] > trend.svg
#
# METRIC is latency_ms by default (any metric of the result records:
# tflops, gbps, epoch_time_ms ...).  Edit freely: it is plain gnuplot.
history = ARGC >= 1 ? ARG1 : 'history.ndjson'
metric = ARGC >= 2 ? ARG2 : 'latency_ms'
here = system('dirname ' . ARG0)
data = sprintf("< jq -rs --arg metric '%s' -f '%s/trend.jq' '%s'", \
	metric, here, history)

# How many series: stats counts the blocks (before `set xdata time`).
stats data using 2 nooutput

set terminal svg size 800,420 dynamic noenhanced font 'sans-serif,11' \
	background rgb 'white'
set title sprintf('%s over time (median of each run)', metric)
set xdata time
set timefmt '%s'
set format x '%m-%d'
set xlabel 'run (UTC date)'
set ylabel metric
set grid ytics lc rgb '#e5e5e5'
set key below left
set offsets graph 0.02, graph 0.02, graph 0.1, graph 0.1

plot for [i = 0:STATS_blocks - 1] data index i using 1:2 \
	with linespoints lw 2 pt 7 title columnheader(1), \
     for [i = 0:STATS_blocks - 1] data index i using 1:2:3 \
	with labels offset 0,1 font ',8' notitle
