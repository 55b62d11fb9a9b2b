# latency.gp - latency distribution per configuration, each divided by
# its own median so that spread and tails compare across sizes: box p25 to
# p75, whiskers p1 to p99, a bar at the median (1) and a point at the mean.
# Reads: $data (x p1 p25 p50 p75 p99 mean), names and subs (two lines of
# each box's label), chart_title, logy, rotate.
n = |names|
set title chart_title
set ylabel 'latency / median'
set xrange [0.4:n + 0.6]
set xtics () scale 0
do for [i=1:n] { set xtics add (names[i] . "\n" . subs[i] i) }
if (rotate) { set xtics rotate by 30 right } else { set bmargin 4 }
if (logy) { set logscale y 10 }
set boxwidth 0.5
set key top center horizontal outside
set offsets 0, 0, graph 0.05, graph 0.05
plot $data using 1:3:2:6:5 with candlesticks whiskerbars 0.5 \
	linestyle 1 fillstyle solid 0.3 border lc rgb '#4477aa' \
	title 'p25 to p75, whiskers p1 to p99', \
     $data using 1:4:4:4:4 with candlesticks lw 2.5 dt 1 lc rgb '#222222' \
	title 'median', \
     $data using 1:7 with points pt 2 ps 1.2 lc rgb '#cc3311' title 'mean'
