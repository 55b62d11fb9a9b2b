# failures.jq - failed and skipped benchmarks counted by error type, with
# the models that failed that way and the first error message.
#
# run: jq -rs -f examples/jq/failures.jq examples/data/node1.ndjson
#
# Every result record has a status; a failed or skipped one carries
# error {type, message, exit_code, signal, stderr_tail, command}.
map(select(.kind == "result" and .status != "ok"))
| group_by(.error.type)
| sort_by(-length, .[0].error.type)
| .[]
| "\(.[0].error.type)\t\(length)\t\(map(.model) | unique | join(","))\t\(.[0].error.message)"
