# trace-category.gp - a trace's time by op category, one horizontal bar
# each, largest at the top, labelled with its share.  Reads: $data (row
# milliseconds), names, labels, chart_title, xlabel, xhi.
n = |names|
set title chart_title
set yrange [n - 0.5:-0.6]
set ytics () scale 0
do for [i=1:n] { set ytics add (names[i] i - 1) }
set xlabel xlabel
set xrange [0:xhi]
unset grid
set grid xtics lc rgb '#e5e5e5'
set border 1
lab(i) = labels[i]
plot $data using ($2 / 2):1:($2 / 2):(0.34) with boxxyerror \
	fillstyle solid 0.85 noborder lc rgb '#4477aa' notitle, \
     $data using 2:1:(lab(int($0) + 1)) with labels left offset 0.6,0 \
	font ',10' notitle
