# scaling.gp - a measure against a swept parameter, one line per series.
# Reads: $data (one block per series: x y), names, chart_title, xlabel,
# ylabel, logx, logy.
set title chart_title
set xlabel xlabel
set ylabel ylabel
if (logx) { set logscale x 2 }
if (logy) { set logscale y 10 }
set key below left Left reverse
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
plot for [i=1:|names|] $data index i - 1 using 1:2 with linespoints \
	linestyle i title names[i]
