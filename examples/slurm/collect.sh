#!/bin/sh
# collect.sh SHARED - the multi-host comparison of a job array's files:
# cat -> bench-agg -> bench-fmt.  Writes SHARED/report/stats.ndjson,
# report.html and report.md, and prints the table.
#
# Every file is one node's host record and results; statistics are per
# host (host_id is part of each group), so the report shows the machines
# side by side.  The same files, from any number of hosts, can also be
# queried where they lie, e.g. with DuckDB:
#   SELECT hostname ... FROM read_json_auto('SHARED/*.ndjson')
set -u
shared=${1:?usage: collect.sh SHARED}
out=$shared/report
set -- "$shared"/*.ndjson
if [ ! -f "$1" ]; then
	echo "collect: no result files in $shared" >&2
	exit 2
fi
mkdir -p "$out" || exit 2
hosts=$(cat "$@" | jq -r 'select(.kind == "host") | .host_id' | sort -u |
    wc -l)
echo "collect: $# files from $hosts hosts" >&2

cat "$@" | bench-agg -q >"$out/stats.ndjson.tmp" &&
    mv "$out/stats.ndjson.tmp" "$out/stats.ndjson" || exit 2
bench-fmt -f html --title "Benchmarks on $hosts hosts" -o "$out/report.html" \
    "$out/stats.ndjson" || exit 2
bench-fmt -f md --title "Benchmarks on $hosts hosts" -o "$out/report.md" \
    "$out/stats.ndjson" || exit 2
bench-fmt -f text --title "Benchmarks on $hosts hosts" "$out/stats.ndjson"
echo "collect: $out/report.html and report.md" >&2
