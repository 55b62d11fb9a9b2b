# merge-hosts.jq - the same benchmarks on several hosts side by side: the
# median of each configuration's per-run p50 latency, per hostname, and
# how many times faster the last host is than the first.
#
# run: jq -nr -f examples/jq/merge-hosts.jq examples/data/node1.ndjson examples/data/node2.ndjson
#
# Each host wrote its own file (one bench-detect host record, then its
# results); the host_id in every record joins them to the host's name.
def params: .params // {} | to_entries | map("\(.key)=\(.value)") | join(",");
def median: sort | if length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def sig: . * 1e4 | round / 1e4;

[inputs] as $all
| ($all | map(select(.kind == "host") | {(.host_id): .hostname}) | add) as $name
| ($all | map(select(.kind == "host") | .hostname) | unique) as $hosts
| (["model", "backend", "params"] + $hosts + ["speedup"] | @tsv),
  ($all
   | map(select(.kind == "result" and .status == "ok" and .metrics.latency_ms))
   | group_by([.model, .backend, params])
   | .[]
   | (map({host: $name[.host_id], p50: .metrics.latency_ms.p50})
      | group_by(.host) | map({(.[0].host): (map(.p50) | median)}) | add) as $by
   | [.[0].model, .[0].backend, (.[0] | params)]
     + ($hosts | map($by[.] // "" | if type == "number" then sig else . end))
     + [if $by[$hosts[0]] and $by[$hosts[-1]]
        then $by[$hosts[0]] / $by[$hosts[-1]] | . * 100 | round / 100
        else "" end]
   | @tsv)
