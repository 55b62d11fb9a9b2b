# csv.jq - one CSV row per result record, with a header: for a spreadsheet.
#
# run: jq -nr -f examples/jq/csv.jq examples/data/node1.ndjson
#
# -n with `inputs` streams the records (no -s: any size of input), so the
# header is written once, before the first record.  (bench-fmt -f csv -k
# result writes every field; this picks a few and names them.)
def params: .params // {} | to_entries | map("\(.key)=\(.value)") | join(" ");

["host_id", "model", "backend", "params", "status", "ts", "iterations",
 "p50_ms", "p99_ms", "tflops", "gbps", "peak_rss_mb", "error"],
(inputs
 | select(.kind == "result")
 | [.host_id, .model, .backend, params, .status, .ts, .iterations,
    .metrics.latency_ms.p50, .metrics.latency_ms.p99,
    .metrics.tflops.p50, .metrics.gbps.p50, .peak_rss_mb, .error.type])
| @csv
