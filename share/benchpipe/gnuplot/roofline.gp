# roofline.gp - achieved TFLOP/s against arithmetic intensity, log-log,
# one point per op and shape, one block (colour, point type) per kind of
# op, the roof where the device's peaks are known.  Reads: $data (one
# block per kind: FLOP/byte TFLOP/s), names, lnames, lx, ly, nlabels,
# peak_tflops and peak_tbps (0: unknown), xlo, xhi, ylo, yhi, chart_title.
set title chart_title
set logscale xy 10
set xrange [xlo:xhi]
set yrange [ylo:yhi]
set format x '%g'
set format y '%g'
set xlabel 'arithmetic intensity (FLOP/byte)'
set ylabel 'achieved TFLOP/s (mean per call)'
set grid xtics ytics lc rgb '#e5e5e5'
set key outside right top vertical Left reverse
set samples 500
do for [i=1:nlabels] {
	set label i lnames[i] at lx[i], ly[i] offset 0.8,0.6 font ',9' \
		tc rgb '#333333'
}
roof(x) = peak_tflops > 0 ? (peak_tbps > 0 && x * peak_tbps < peak_tflops \
	? x * peak_tbps : peak_tflops) : x * peak_tbps
if (peak_tflops > 0 || peak_tbps > 0) {
	plot for [i=1:|names|] $data index i - 1 using 1:2 with points \
		linestyle i title names[i], \
	     roof(x) with lines lw 2 lc rgb '#000000' dt 2 title 'roofline'
} else {
	plot for [i=1:|names|] $data index i - 1 using 1:2 with points \
		linestyle i title names[i]
}
