# regressions.jq - what bench-diff found, worst first: regressions and
# broken benchmarks, then improvements; one line each.
#
# run: bench-diff --history examples/data/history.ndjson 2>/dev/null | jq -rs -f examples/jq/regressions.jq
#
# Works on any bench-diff output: a baseline comparison or --history
# (whose records name the run, and commit, where each change started).
def params: .params // {} | to_entries | map("\(.key)=\(.value)") | join(",");
def rank: {broken: 0, regression: 1, improvement: 2}[.verdict];
def level: {critical: 0, major: 1, minor: 2}[.severity // "minor"];

map(select(.kind == "diff" and rank != null))
| sort_by(rank, level, -(.change_pct // 0 | fabs))
| .[]
| "\(.verdict)\t\(.severity // "-")\t\(.model) \(.backend) \(params)\t\(.metric)\t"
  + "\(.change_pct // 0 | . * 10 | round / 10)%"
  + (if .change_point then "\tsince \(.change_point.commit // .change_point.ts)"
     else "" end)
