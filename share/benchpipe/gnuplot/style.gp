# style.gp - the look every bench-fmt chart shares.  bench-fmt copies this
# file, then a chart's data, then the chart's template into one script.
#
# Colours: Paul Tol's "bright" scheme, safe for colour-blind readers; each
# series also has its own point type and dash pattern, so a chart printed
# in grey still tells its lines apart.
set encoding utf8
set border 3 lw 1 lc rgb '#555555'
set tics nomirror out scale 0.6 textcolor rgb '#333333'
set grid ytics lw 1 lc rgb '#e5e5e5' dt 1
set key noautotitle
set style line 1 lc rgb '#4477aa' lw 2 pt 7 ps 0.9 dt 1
set style line 2 lc rgb '#ee6677' lw 2 pt 5 ps 0.9 dt 2
set style line 3 lc rgb '#228833' lw 2 pt 9 ps 1.0 dt 3
set style line 4 lc rgb '#ccbb44' lw 2 pt 11 ps 1.0 dt 4
set style line 5 lc rgb '#66ccee' lw 2 pt 13 ps 1.0 dt 5
set style line 6 lc rgb '#aa3377' lw 2 pt 6 ps 0.9 dt 1
set style line 7 lc rgb '#bbbbbb' lw 2 pt 4 ps 0.9 dt 2
set style line 8 lc rgb '#000000' lw 2 pt 8 ps 0.9 dt 3
set style increment user
