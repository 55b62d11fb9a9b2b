#!/bin/sh
# fmt.sh - bench-fmt on a million sample records (with a host, results,
# stat and diff records around them): seconds and peak memory for the
# Markdown, HTML (with charts, when gnuplot is here) and text reports, the
# HTML's size, and CSV of every sample.
#
#   BENCH_FMT_LINES    sample lines (default 1000000, about 230 MB)
#   BENCH_FMT_DIR      where the files go (default a temporary folder)
set -u
lines=${BENCH_FMT_LINES:-1000000}
dir=$(mktemp -d "${BENCH_FMT_DIR:-${TMPDIR:-/tmp}}/bench-fmt.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT INT TERM
data=$dir/records.ndjson
golden=$(dirname "$0")/../golden/bench-fmt/report.in

if [ ! -x /usr/bin/time ]; then
	echo "fmt: /usr/bin/time is needed for peak memory (apt-get install time)"
	exit 2
fi

# 40 configurations (5 models x 8 batch sizes), runs of 1000 iterations,
# lognormal-ish latencies; then the fixture's hosts, results, stats, diffs.
awk -v n="$lines" 'BEGIN {
	srand(1)
	for (i = 0; i < n; i++) {
		g = int(i / 1000) % 40
		m = g % 5; b = 2 ^ (g % 8)
		lat = (1 + m) * b * exp(0.1 * (rand() + rand() + rand() - 1.5))
		printf "{\"kind\":\"sample\",\"schema\":1,\"run_id\":\"%016x\"," \
		    "\"host_id\":\"3f2a9c1e7b40\",\"model\":\"model%d\"," \
		    "\"backend\":\"cpu\",\"params\":{\"batch\":%d},\"labels\":{}," \
		    "\"iter\":%d,\"phase\":\"measure\",\"latency_ms\":%.4f," \
		    "\"items\":%d}\n", int(i / 1000), m, b, i % 1000, lat, b
	}
}' >"$data"
grep -v '"kind":"sample"' "$golden" >>"$data"
mb=$(($(wc -c <"$data") / 1000000))
echo "input: $lines samples, $mb MB"

# run FORMAT OUT [OPTION...]: seconds and peak MB of one report
run() {
	f=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$dir/time" \
		bench-fmt -T -f "$f" "$@" "$data" >"$out" || return 1
	read -r s kb <"$dir/time"
	printf '%-6s %6.2f s  %5d MB peak  %8d bytes\n' "$f" "$s" \
		$((kb / 1024)) "$(wc -c <"$out")"
}

run md "$dir/r.md"
run text "$dir/r.txt"
if command -v gnuplot >/dev/null; then
	run html "$dir/r.html"
	echo "html: $(grep -c '<svg ' "$dir/r.html") charts inline"
else
	echo "html: gnuplot not installed, tables only"
	run html "$dir/r.html" --no-charts
fi
run csv "$dir/r.csv" -k sample
