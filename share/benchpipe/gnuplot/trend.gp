# trend.gp - median latency over time, one line per configuration.
# Reads: $data (one block per configuration: epoch seconds, p50 ms),
# names, chart_title, xstep (seconds between tics).
set title chart_title
set ylabel 'p50 latency (ms)'
set xdata time
set timefmt '%s'
set format x (xstep < 86400 ? "%m-%d\n%H:%M" : "%Y-%m-%d")
set xtics xstep
set xlabel 'time (UTC)'
set key below left Left reverse
set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1
plot for [i=1:|names|] $data index i - 1 using 1:2 with linespoints \
	linestyle i title names[i]
