#!/bin/sh
# generate.sh - how the sample records in this folder were made, so the
# recipes (examples/jq, gnuplot, duckdb) have data to run on.  Timings
# differ on every run: the files here are one such run, kept as they came.
#
#   node1.ndjson    one host's suite: host, sample and result records of
#                   gemm and membw, and failed benchmarks of each kind
#   node2.ndjson    node1's records as if from a second, faster host: a
#                   different host_id and hostname, latencies x0.6 (made up,
#                   to show a two-host comparison on one machine)
#   history.ndjson  node1's host record, then ten nights of result records (made up dates, commits
#                   c01..c10): gemm m=128 got 30% slower from c08 on;
#                   and a failed benchmark on nights 3, 5, 7 and 9
#
# Run it from anywhere with the bench-* commands on PATH; then refresh what
# the tests expect of the recipes: UPDATE=1 bats -f jq tests/examples.bats.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n1=$tmp/node1.ndjson
bench-detect >"$n1"
bench-run -q -m gemm -p m=64,128 -p n=64 -p k=64 -p batch=1,4 \
    --runs 3 -w 1 -n 5 >>"$n1"
bench-run -q -m membw -p op=copy,triad -p size=256K --runs 3 -w 1 -n 5 >>"$n1"
bench-run -q -m resnet -p batch=8 -n 2 -- sh -c \
    'echo "RuntimeError: shape mismatch in layer4" >&2; exit 3' >>"$n1" || :
bench-run -q -m crasher -n 2 -- sh -c 'kill -SEGV $$' >>"$n1" || :
bench-run -q -m slowpoke -n 2 -t 0.3 --kill-after 0.1 -- sleep 5 >>"$n1" || :
bench-run -q -m missing -n 2 -- ./no-such-model >>"$n1" || :
bench-run -q -m gemm -b cuda -p m=128 -p n=64 -p k=64 -n 2 >>"$n1" || :

# The second host: same records, another identity, 0.6 x the latency.
jq -c '.host_id = "a1b2c3d4e5f6" |
    if .kind == "host" then .hostname = "node2"
    elif .kind == "sample" then .latency_ms *= 0.6 |
        if .tflops then .tflops /= 0.6 else . end |
        if .gbps then .gbps /= 0.6 else . end
    elif .kind == "result" and .metrics.latency_ms then
        .metrics.latency_ms |= with_entries(
            if .key == "n" then . else .value *= 0.6 end)
    else . end' "$n1" >"$tmp/node2.ndjson"
jq -c 'if .kind == "host" then .hostname = "node1" else . end' "$n1" \
    >"$tmp/node1b.ndjson"

# Ten nights: the results of node1's gemm m=128, one run a night.
jq -c 'select(.kind == "result" and .model == "gemm" and .status == "ok"
    and .params.m == 128 and .params.batch == 1)' "$n1" | head -n 1 \
    >"$tmp/night.ndjson"
jq -c 'select(.kind == "host") | .ts = "2026-11-01T02:29:00.000Z"' \
    "$tmp/node1b.ndjson" >"$tmp/history.ndjson"
for i in 01 02 03 04 05 06 07 08 09 10; do
	jq -c --arg i "$i" '
	    ($i | tonumber) as $n |
	    (if $n >= 8 then 1.3 else 1 end) as $slow |
	    (1 + (($n * 7) % 5 - 2) / 100) as $noise |
	    .ts = "2026-11-\($i)T02:30:00.000Z" |
	    .run_id = "00000000000000\($i)" |
	    .labels = {commit: "c\($i)"} |
	    .metrics.latency_ms |= with_entries(
	        if .key == "n" then . else .value *= $slow * $noise end) |
	    .metrics.tflops |= with_entries(
	        if .key == "n" then . else .value /= $slow * $noise end)' \
	    "$tmp/night.ndjson" >>"$tmp/history.ndjson"
done

# And the failures of node1, one on each of four nights; then all in
# time order, as the nightly job appends them.
jq -c --slurp '[.[] | select(.kind == "result" and .status == "failed")]
    | to_entries[] | .key as $k | .value
    | .ts = "2026-11-0\(2 * $k + 3)T02:31:00.000Z"
    | .labels = {commit: "c0\(2 * $k + 3)"}' "$n1" >>"$tmp/history.ndjson"

mv "$tmp/node1b.ndjson" node1.ndjson
mv "$tmp/node2.ndjson" node2.ndjson
jq -cs 'sort_by(.ts)[]' "$tmp/history.ndjson" >history.ndjson
