#!/bin/sh
# scenario.sh - how well bench-run's scenario engine drives a SUT:
#  1. the highest server QPS it keeps VALID (p99 latency within 10 ms,
#     early stopping met) against the instant in-process SUT (--sut null)
#     and against an instant pipe SUT (mawk), found with --find-peak;
#  2. the scheduling error at 1000 QPS: actual - scheduled issue time,
#     p50 and p99, from the result's scenario.issue_delay_ms.
# The machine's other load shows in the p99: run it on a quiet machine.
set -u
if bench-run --help 2>/dev/null | grep -q -- --scenario; then
	br=bench-run
elif [ -x "${BP_BUILD:-../../build}/tests/unit/scenario" ]; then
	br="${BP_BUILD:-../../build}/tests/unit/scenario"
else
	echo "scenario: bench-run has no --scenario yet; skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An instant SUT on the pipe protocol: answers each line as it arrives.
cat >"$tmp/instant.sh" <<'EOF'
exec mawk -W interactive '{ if (match($0, /"id":[0-9]+/)) {
	printf "{\"id\":%s,\"event\":\"done\"}\n", substr($0, RSTART + 5, RLENGTH - 5) > "/dev/fd/3"
	fflush("/dev/fd/3") } }'
EOF

peak() {
	name=$1
	shift
	"$br" --scenario server --find-peak --target-latency 10 \
		--min-duration 1 --min-queries 1000 --sample-timeout 10 "$@" \
		>"$tmp/peak.ndjson"
	jq -r '.scenario | "  trial \(.find_peak.trial): \(.target_qps) QPS " +
		(if .validity.valid then "VALID" else "INVALID" end) +
		", completed \(.throughput.samples_per_s | floor)/s, " +
		"issue delay p99 \(.issue_delay_ms.p99 * 1000 | floor) us"' \
		"$tmp/peak.ndjson"
	jq -r --arg n "$name" 'select(.scenario.find_peak.final) |
		"\($n): highest valid server QPS \(.scenario.find_peak.peak_qps)"' \
		"$tmp/peak.ndjson"
}

delay() {
	name=$1
	shift
	"$br" --scenario server --target-qps 1000 --min-duration 5 \
		--schedule constant "$@" |
		jq -r --arg n "$name" '.scenario.issue_delay_ms |
			"\($n): scheduling error at 1000 QPS: p50 " +
			"\(.p50 * 1000 * 10 | round / 10) us, p99 " +
			"\(.p99 * 1000 * 10 | round / 10) us, max " +
			"\(.max * 1000 | round) us"'
}

peak "null SUT" --sut null --target-qps 100000 --qps-precision 25000
command -v mawk >/dev/null &&
	peak "pipe SUT (mawk)" --target-qps 20000 --qps-precision 5000 \
		-- sh "$tmp/instant.sh"
delay "null SUT" --sut null
command -v mawk >/dev/null &&
	delay "pipe SUT (mawk)" -- sh "$tmp/instant.sh"
exit 0
