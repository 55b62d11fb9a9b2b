# hosts.gp - median latency of each configuration on each host, as bars:
# the table of examples/jq/merge-hosts.jq drawn by gnuplot.
#
#   gnuplot -c examples/gnuplot/hosts.gp node1.ndjson node2.ndjson > hosts.svg
#
# Each FILE is one host's records (its host record and its results), as
# bench-detect and bench-run wrote them.  Edit freely: it is plain gnuplot.
here = system('dirname ' . ARG0)
files = ''
do for [i = 1:ARGC] { files = files . " '" . value('ARG' . i) . "'" }
data = sprintf("< jq -nr -f '%s/../jq/merge-hosts.jq'%s", here, files)
# columns: model backend params HOST... speedup
ncol = words(system(data[3:] . ' | head -n 1'))

set terminal svg size 900,480 dynamic noenhanced font 'sans-serif,11' \
	background rgb 'white'
set datafile separator '\t'
set title 'median latency by host (lower is better)'
set ylabel 'latency p50 (ms)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30 font ',8'
set grid ytics lc rgb '#e5e5e5'
set key top left
set yrange [0:*]
plot for [c = 4:ncol - 1] data using c:xtic(stringcolumn(1) . ' ' . \
	stringcolumn(3)) title columnheader(c)
