# trend.jq - the series trend.gp plots: for each configuration of a history
# of result records, a title line, then "EPOCH-SECONDS VALUE COMMIT" per
# ok run in time order; two blank lines between series (gnuplot's index).
# $metric names the metric (its p50 is plotted).
def params: .params // {} | to_entries | map("\(.key)=\(.value)") | join(",");
def epoch: sub("\\.[0-9]+Z$"; "Z") | fromdate;

map(select(.kind == "result" and .status == "ok" and .metrics[$metric]))
| group_by([.model, .backend, params])
| map(["\"\(.[0].model) \(.[0].backend) \(.[0] | params)\""]
      + (sort_by(.ts) | map("\(.ts | epoch) \(.metrics[$metric].p50) \(.labels.commit // "-")")))
| to_entries[]
| (if .key > 0 then "", "" else empty end), .value[]
