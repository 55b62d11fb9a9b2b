# heatmap.gp - median latency by model (rows) and backend @ host
# (columns).  Reads: $grid (every column row), $cells (column row ratio
# p50_ms), $failed (column row), arrays vals and ratios (cell labels, in $cells order), xnames,
# ynames.
set title chart_title
nx = |xnames|
ny = |ynames|
set xrange [-0.5:nx - 0.5]
set yrange [ny - 0.5:-0.5]
set xtics () scale 0
set ytics () scale 0
do for [i=1:nx] { set xtics add (xnames[i] i - 1) }
do for [i=1:ny] { set ytics add (ynames[i] i - 1) }
unset x2tics
set xtics rotate by 30 right font ',10'
set border 0
unset grid
set logscale cb 2
set cbrange [1:16]
set cbtics ('1' 1, '2' 2, '4' 4, '8' 8, '16+' 16)
set cblabel 'times the fastest of the row'
set palette defined (0 '#f7fcf5', 0.25 '#fff7bc', 0.5 '#fec44f', 0.75 '#fe9929', 1 '#ec7014')
label(k) = vals[k] . "\n" . ratios[k]
plot $grid using 1:2:(0.48):(0.46) \
	with boxxyerror fillstyle solid 1.0 noborder fillcolor rgb '#f3f4f6', \
     $cells using 1:2:(0.48):(0.46):($3 > 16 ? 16 : $3) \
	with boxxyerror fillstyle solid 1.0 noborder fillcolor palette, \
     $failed using 1:2:(0.48):(0.46) \
	with boxxyerror fillstyle pattern 4 border lc rgb '#999999' fillcolor rgb '#bbbbbb', \
     $failed using 1:2:('no result') with labels font ',9' textcolor rgb '#555555', \
     $cells using 1:2:(label(int($0) + 1)) with labels font ',10' textcolor rgb '#111111'
