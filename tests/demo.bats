#!/usr/bin/env bats
# make demo's pipeline (share/benchpipe/demo.sh): detect -> run -> agg -> fmt
# ends with an HTML and a Markdown report of real measurements, on both
# builds: the whole pipeline under the sanitizers too.

load helper

@test "the demo pipeline writes an HTML and a Markdown report of its runs" {
	run -0 sh "$BP_SRC/share/benchpipe/demo.sh" "$BP_BUILD"
	[[ "$output" == *"demo: done: $BATS_TEST_TMPDIR/demo/report.html"* ]]
	[ -s demo/report.html ] && [ -s demo/report.md ]
	jq -e -s '[.[] | select(.kind == "result")] |
		(map(.model) | unique) == ["gemm", "membw", "mlp", "tinylm"] and
		all(.status == "ok" or .status == "skipped")' demo/stats.ndjson
	grep -q 'VALID' demo/report.md
	grep -q '<svg' demo/report.html
}
