# trace-timeline.gp - where the GPU time of a trace, or of each rank of a
# job, went: one horizontal bar of 100% per row.  Reads: $data (row, then
# computation, exposed communication, exposed memcpy and idle in % of the
# total), names, chart_title.
n = |names|
set title chart_title
set yrange [n - 0.5:-0.5]
set ytics () scale 0
do for [i=1:n] { set ytics add (names[i] i - 1) }
set xrange [0:100]
# of the time from the first GPU event to the last
set format x '%g%%'
unset grid
set grid xtics lc rgb '#e5e5e5'
set border 1
set key below center horizontal Left reverse maxrows 1
set style fill solid 0.9 noborder
h = 0.34
# a segment wide enough carries its share in words, not only in colour
pct(w) = w >= 7 ? sprintf('%.0f%%', w) : ''
plot $data using ($2 / 2):1:($2 / 2):(h) with boxxyerror \
	lc rgb '#4477aa' title 'computation', \
     $data using ($2 + $3 / 2):1:($3 / 2):(h) with boxxyerror \
	lc rgb '#ee6677' title 'exposed communication', \
     $data using ($2 + $3 + $4 / 2):1:($4 / 2):(h) with boxxyerror \
	lc rgb '#ccbb44' title 'exposed memcpy', \
     $data using ($2 + $3 + $4 + $5 / 2):1:($5 / 2):(h) with boxxyerror \
	lc rgb '#dddddd' title 'idle', \
     $data using ($2 / 2):1:(pct($2)) with labels tc rgb 'white' \
	font ',10' notitle, \
     $data using ($2 + $3 / 2):1:(pct($3)) with labels tc rgb 'white' \
	font ',10' notitle, \
     $data using ($2 + $3 + $4 / 2):1:(pct($4)) with labels font ',10' \
	notitle, \
     $data using ($2 + $3 + $4 + $5 / 2):1:(pct($5)) with labels \
	font ',10' notitle
