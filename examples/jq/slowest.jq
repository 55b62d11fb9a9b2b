# slowest.jq - the slowest configurations: the five highest median
# latencies among the stat records, as a table.
#
# run: bench-agg -q examples/data/node1.ndjson | jq -rs -f examples/jq/slowest.jq
#
# -s reads every record into one array; stats.latency_ms.p50 is the median
# latency of a group (bench-agg), in milliseconds.
def params: .params // {} | to_entries | map("\(.key)=\(.value)") | join(",");
def sig: . * 1e4 | round / 1e4;

map(select(.kind == "stat" and .stats.latency_ms))
| sort_by(-.stats.latency_ms.p50)
| .[:5]
| (["p50_ms", "p99_ms", "model", "backend", "params"] | @tsv),
  (.[] | [(.stats.latency_ms.p50 | sig), (.stats.latency_ms.p99 | sig),
          .model, .backend, params] | @tsv)
