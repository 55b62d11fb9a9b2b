# regressions.gp - one horizontal bar per regression or improvement, worst
# at the top.  Reads: $data (row change-pct colour), names, labels,
# chart_title, xlo, xhi.
n = |names|
set title chart_title
set yrange [n - 0.5:-0.6]
set ytics () scale 0
do for [i=1:n] { set ytics add (names[i] i - 1) }
set xlabel 'change from baseline (%)'
unset grid
set grid xtics lc rgb '#e5e5e5'
set border 1
set yzeroaxis lt -1 lw 1
set xrange [xlo:xhi]
lab(i) = labels[i]
plot $data using ($2 / 2):1:(abs($2) / 2):(0.34):3 \
	with boxxyerror fillstyle solid 0.85 noborder fillcolor rgb variable, \
     $data using ($2 >= 0 ? $2 : NaN):1:(lab(int($0) + 1)) \
	with labels left offset 0.6,0 font ',10', \
     $data using ($2 < 0 ? $2 : NaN):1:(lab(int($0) + 1)) \
	with labels right offset -0.6,0 font ',10'
