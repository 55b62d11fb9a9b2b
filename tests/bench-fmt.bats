#!/usr/bin/env bats
# bench-fmt: every format byte for byte on one fixture set (hosts with and
# without GPUs, every error type, every verdict, single-sample groups, and
# names full of HTML, Markdown and Unicode), the failure paths, the files
# --output-dir writes, and the HTML in a real browser.

load helper

IN="$BP_GOLDEN/bench-fmt/report.in"
EMPTY="$BP_GOLDEN/bench-fmt/empty.in"

# A report with charts, deterministic: the same every run.
html_with_charts() {
	SOURCE_DATE_EPOCH=1795000000 bench-fmt -f html "$@" "$IN"
}

need_gnuplot() {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian: gnuplot-nox)"
}

@test "bench-fmt -f md matches its golden file" {
	GOLDEN=bench-fmt/report-md golden bench-fmt -T "$IN"
}

@test "bench-fmt -f html without charts matches its golden file" {
	GOLDEN=bench-fmt/report-html golden bench-fmt -T -f html --no-charts "$IN"
}

@test "bench-fmt -f csv matches its golden file" {
	GOLDEN=bench-fmt/report-csv golden bench-fmt -f csv "$IN"
}

@test "bench-fmt -f tsv -k result matches its golden file" {
	GOLDEN=bench-fmt/report-tsv golden bench-fmt -f tsv -k result "$IN"
}

@test "bench-fmt -f json matches its golden file" {
	GOLDEN=bench-fmt/report-json golden bench-fmt -T -f json "$IN"
}

@test "bench-fmt -f text matches its golden file" {
	GOLDEN=bench-fmt/report-text golden bench-fmt -T -f text "$IN"
}

@test "bench-fmt -f gnuplot matches its golden file for every chart" {
	for c in heatmap scaling latency trend regressions; do
		GOLDEN=bench-fmt/report-gnuplot-$c golden bench-fmt -f gnuplot -c "$c" "$IN"
	done
}

@test "bench-fmt on empty input writes a report that says there is nothing" {
	for f in md html text json; do
		GOLDEN=bench-fmt/empty-$f golden bench-fmt -T -f "$f" --no-charts "$EMPTY"
	done
	run -0 bench-fmt -T "$EMPTY"
	[[ "$output" == *"Nothing to report: the input holds no records."* ]]
	run -0 bench-fmt -f csv "$EMPTY"
	[ -z "$output" ]
	run -0 bench-fmt -f gnuplot -c heatmap "$EMPTY"
	[[ "$output" == *"Nothing to plot"* ]]
}

@test "bench-fmt reads standard input and several files in order" {
	head -3 "$IN" >a.ndjson
	tail -n +4 "$IN" >b.ndjson
	bench-fmt -T a.ndjson b.ndjson >two.md
	bench-fmt -T <"$IN" >stdin.md
	cmp two.md "$BP_GOLDEN/bench-fmt/report-md.out"
	cmp stdin.md two.md
}

@test "bench-fmt output is byte-identical across runs, charts included" {
	need_gnuplot
	html_with_charts >a.html
	html_with_charts >b.html
	cmp a.html b.html
	grep -q 'Generated 2026-11-18 11:06 UTC by bench-fmt' a.html
	for f in md json text; do
		SOURCE_DATE_EPOCH=1795000000 bench-fmt -f $f "$IN" >a.$f
		SOURCE_DATE_EPOCH=1795000000 bench-fmt -f $f "$IN" >b.$f
		cmp a.$f b.$f
	done
	grep -q '"generated_at": "2026-11-18T11:06:40.000Z"' a.json
}

@test "bench-fmt -T leaves the time out and SOURCE_DATE_EPOCH sets it" {
	run -0 bench-fmt -T "$IN"
	[[ "$output" != *Generated* ]]
	SOURCE_DATE_EPOCH=0 run -0 bench-fmt "$IN"
	[[ "$output" == *"Generated 1970-01-01 00:00 UTC by bench-fmt"* ]]
}

@test "bench-fmt -f html draws every chart with gnuplot as inline SVG" {
	need_gnuplot
	html_with_charts >r.html
	[ "$(grep -c '<figure class="chart">' r.html)" -eq 8 ]
	[ "$(grep -c '<svg ' r.html)" -eq 8 ]
	! grep -q 'Chart not drawn' r.html
	# self-contained: nothing to fetch
	! grep -Eq '(src|href)="(https?:)?//' r.html
	# every id once, although eight charts came from one gnuplot
	[ -z "$(grep -o ' id=.[^"'"'"']*' r.html | sort | uniq -d)" ]
}

@test "bench-fmt -f html without gnuplot says so and keeps its tables" {
	BENCHPIPE_GNUPLOT=/nonexistent/gnuplot run -0 bench-fmt -T -f html "$IN"
	[[ "$output" == *"Charts are not shown: gnuplot could not be run"* ]]
	[[ "$output" != *"<svg "* ]]
	[ "$(grep -c '<table' <<<"$output")" -ge 10 ]
}

@test "bench-fmt gives up on a gnuplot that hangs and says which chart" {
	printf '#!/bin/sh\nsleep 30\n' >hang
	chmod +x hang
	BENCHPIPE_GNUPLOT=./hang run -0 bench-fmt -T -f html --chart-timeout 0.2 "$IN"
	[[ "$output" == *"Chart not drawn:</strong> gnuplot did not finish within 0.2 s"* ]]
}

@test "bench-fmt reports gnuplot's own error under the chart" {
	printf '#!/bin/sh\ncat >/dev/null\necho "line 3: undefined variable: <x>" >&2\nexit 1\n' >bad
	chmod +x bad
	BENCHPIPE_GNUPLOT=./bad run -0 bench-fmt -T -f html "$IN"
	[[ "$output" == *"gnuplot failed: line 3: undefined variable: &lt;x&gt;"* ]]
}

@test "bench-fmt escapes names and stderr in HTML: nothing injected" {
	run -0 bench-fmt -T -f html --no-charts "$IN"
	[ "$(grep -c '<script' <<<"$output")" -eq 1 ]
	[[ "$output" != *"<b>x</b>"* ]]
	[[ "$output" != *"</details><script>"* ]]
	[[ "$output" == *"bert&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;|ü模型"* ]]
	# the ANSI colours of a stderr tail are dropped, not passed on
	[[ "$output" != *$'\e'* ]]
}

@test "bench-fmt escapes names in Markdown: tables keep their columns" {
	run -0 bench-fmt -T "$IN"
	[[ "$output" == *'| bert\<script\>alert("x")\</script\>\|ü模型 |'* ]]
	# outside fenced code, no tag survives unescaped
	! awk '/^```/ { fence = !fence; next } !fence' <<<"$output" | grep -q '[^\\]<script>'
	# every row of a table has as many unescaped pipes as its header
	awk '/^\| / { line = $0; gsub(/\\\|/, "", line); n = gsub(/\|/, "", line)
		if (!inside) { want = n; inside = 1 } else if (n != want) { print NR": "$0; bad = 1 } next }
		{ inside = 0 } END { exit bad }' <<<"$output"
}

@test "bench-fmt never runs a command found in a name (gnuplot backquotes)" {
	need_gnuplot
	sed 's/"model":"gemm"/"model":"`touch pwned` $(touch pwned2)"/' "$IN" >evil.ndjson
	run -0 bench-fmt -T -f html evil.ndjson
	[ ! -e pwned ] && [ ! -e pwned2 ]
	bench-fmt -f gnuplot -c scaling evil.ndjson | gnuplot >/dev/null
	[ ! -e pwned ] && [ ! -e pwned2 ]
}

@test "bench-fmt HTML allows only its own script, by hash" {
	run -0 bench-fmt -T -f html --no-charts "$IN"
	want=$(sed -n "s/.*script-src 'sha256-\([^']*\)'.*/\1/p" <<<"$output")
	got=$(awk '/^<script>/ { s = 1; sub(/^<script>/, "") } s { print } /<\/script>$/ { s = 0 }' \
		<<<"$output" | sed 's,</script>$,,' | head -c -1 | sha256sum | cut -d' ' -f1 |
		xxd -r -p | base64)
	[ -n "$want" ] && [ "$want" = "$got" ]
}

@test "bench-fmt -f text shows control characters as ? and aligns columns" {
	run -0 bench-fmt -T -f text "$IN"
	[[ "$output" != *$'\e'* ]]
	[[ "$output" == *"FAILED: oom"* ]]
	header=$(sed -n 3p <<<"$output")
	[[ "$header" == "MODEL"*"STATUS" ]]
}

@test "bench-fmt -f csv reads back with the same columns on every row" {
	bench-fmt -f csv -k result "$IN" >r.csv
	"$BP_PY" - r.csv <<-'EOF'
	import csv, sys
	rows = list(csv.reader(open(sys.argv[1], newline="")))
	assert len(rows) == 31, len(rows)
	assert all(len(r) == len(rows[0]) for r in rows)
	head = rows[0]
	assert head[:3] == ["kind", "schema", "ts"], head[:3]
	model = head.index("model")
	assert 'bert<script>alert("x")</script>|ü模型' in [r[model] for r in rows]
	EOF
	head -1 r.csv | grep -q $'\r$'
	tail -1 r.csv | grep -q $'\r$'
}

@test "bench-fmt -f csv guards cells a spreadsheet would run as formulas" {
	echo '{"kind":"result","model":"=HYPERLINK(\"x\")","backend":"-cpu","params":{"n":-1}}' >f.ndjson
	run -0 bench-fmt -f csv f.ndjson
	[[ "${lines[1]}" == *"\"'=HYPERLINK(\"\"x\"\")\""* ]]
	[[ "${lines[1]}" == *"'-cpu"* ]]
	[[ "${lines[1]}" == *",-1"* ]]
}

@test "bench-fmt -f csv -k sample writes a row per sample" {
	run -0 bench-fmt -f csv -k sample "$IN"
	[ "${#lines[@]}" -eq 204 ]
	run -0 bench-fmt -f csv -k nothing "$IN"
	[ "$output" = "bench-fmt: no nothing records in the input" ]
}

@test "bench-fmt -f gnuplot scripts draw with gnuplot on every terminal" {
	need_gnuplot
	for c in heatmap scaling latency trend regressions; do
		bench-fmt -f gnuplot -c $c "$IN" | gnuplot >$c.svg
		grep -q '<svg' $c.svg
	done
	bench-fmt -f gnuplot -c scaling -t png "$IN" | gnuplot >s.png
	[ "$(head -c 4 s.png | tail -c 3)" = PNG ]
	bench-fmt -f gnuplot -c heatmap -t pdfcairo "$IN" | gnuplot >h.pdf
	[ "$(head -c 4 h.pdf)" = %PDF ]
}

@test "bench-fmt names an invalid line by file and line and exits 2" {
	{ head -2 "$IN"; echo '{"kind":"result",'; } >bad.ndjson
	run -2 bench-fmt bad.ndjson
	[[ "$output" == "bench-fmt: bad.ndjson:3: invalid JSON: "* ]]
	echo '{"kind":"sample","latency_ms":"fast"}' >s.ndjson
	run -2 bench-fmt s.ndjson
	[ "$output" = 'bench-fmt: s.ndjson:1: sample: "latency_ms" is not a number' ]
	echo '{"kind":"result","status":3}' >r.ndjson
	run -2 bench-fmt r.ndjson
	[ "$output" = 'bench-fmt: r.ndjson:1: result: "status" is not a string' ]
}

@test "bench-fmt --lenient skips invalid lines and counts them" {
	{ echo 'not json'; cat "$IN"; } >bad.ndjson
	run -0 --separate-stderr bench-fmt -T --lenient bad.ndjson
	[ "$stderr" = "bench-fmt: skipped 1 invalid line" ]
	[ "$output" = "$(cat "$BP_GOLDEN/bench-fmt/report-md.out")" ]
}

@test "bench-fmt reports a missing input file and exits 2" {
	run -2 bench-fmt nosuch.ndjson
	[ "$output" = "bench-fmt: nosuch.ndjson: No such file or directory" ]
}

@test "bench-fmt rejects unknown formats, charts and misplaced options" {
	run -2 bench-fmt -f pdf "$IN"
	[ "${lines[0]}" = "bench-fmt: unknown format 'pdf' (md, html, csv, tsv, json, text, gnuplot, xlsx)" ]
	[ "${lines[1]}" = "Try 'bench-fmt --help'." ] || [[ "${lines[1]}" == *help* ]]
	run -2 bench-fmt -f gnuplot "$IN"
	[[ "${lines[0]}" == "bench-fmt: -f gnuplot needs --chart"* ]]
	run -2 bench-fmt -f gnuplot -c pie "$IN"
	[[ "${lines[0]}" == "bench-fmt: unknown chart 'pie'"* ]]
	run -2 bench-fmt -f gnuplot -c trend -t jpeg "$IN"
	[[ "${lines[0]}" == "bench-fmt: unknown terminal 'jpeg'"* ]]
	run -2 bench-fmt -k stat "$IN"
	[ "${lines[0]}" = "bench-fmt: --kind is for -f csv and -f tsv" ]
	run -2 bench-fmt -c heatmap "$IN"
	[ "${lines[0]}" = "bench-fmt: --chart and --terminal are for -f gnuplot" ]
	run -2 bench-fmt -o a.md -d dir "$IN"
	[ "${lines[0]}" = "bench-fmt: --output and --output-dir exclude each other" ]
	run -2 bench-fmt -n x.md "$IN"
	[ "${lines[0]}" = "bench-fmt: --name needs --output-dir" ]
	run -2 bench-fmt --chart-timeout soon -f html "$IN"
	[[ "${lines[0]}" == "bench-fmt: --chart-timeout 'soon' is not a number of seconds" ]]
	run -2 bench-fmt --bogus
	[[ "$output" == *"usage: bench-fmt"* ]]
}

@test "bench-fmt reports a full disk and exits 2" {
	run -2 sh -c 'bench-fmt -T "$1" >/dev/full' sh "$IN"
	[ "$output" = "bench-fmt: stdout: No space left on device" ]
}

@test "bench-fmt reports an output directory it cannot create" {
	touch file
	run -2 bench-fmt -d file/reports "$IN"
	[ "$output" = "bench-fmt: file/reports: Not a directory" ]
	run -2 bench-fmt -o nodir/report.md "$IN"
	[ "$output" = "bench-fmt: nodir/report.md: No such file or directory" ]
	if [ "$(id -u)" -ne 0 ]; then
		mkdir ro && chmod 555 ro
		run -2 bench-fmt -d ro/reports "$IN"
		[ "$output" = "bench-fmt: ro/reports: Permission denied" ]
	fi
}

@test "bench-fmt -o writes the report whole and picks the format from the extension" {
	bench-fmt -T -o report.html --no-charts "$IN"
	cmp report.html "$BP_GOLDEN/bench-fmt/report-html.out"
	bench-fmt -T -o report.md "$IN"
	cmp report.md "$BP_GOLDEN/bench-fmt/report-md.out"
	[ "$(ls -A | wc -l)" -eq 2 ]
}

@test "bench-fmt --output-dir names the file, links latest and prints the path" {
	SOURCE_DATE_EPOCH=1795000000 run -0 --separate-stderr bench-fmt -d out "$IN"
	[ -z "$output" ]
	[ "$stderr" = out/multi_multi_201_samples_20261118_110640.md ]
	[ -f "$stderr" ]
	[ "$(readlink out/latest.md)" = "$(basename "$stderr")" ]
	SOURCE_DATE_EPOCH=1795000000 run -0 --separate-stderr \
		bench-fmt -f html --no-charts -d out -n '{model}-{backend}-{date}.{ext}' "$IN"
	[ "$stderr" = "out/multi-multi-2026-11-18.html" ]
	[ "$(readlink out/latest.html)" = multi-multi-2026-11-18.html ]
	# no temporary files left behind
	[ "$(ls -A out | wc -l)" -eq 4 ]
}

@test "bench-fmt --name fills placeholders from the records, safely" {
	grep '"model":"gemm"' "$IN" >gemm.ndjson
	grep '"kind":"host"' "$IN" >>gemm.ndjson
	SOURCE_DATE_EPOCH=0 run -0 --separate-stderr bench-fmt -d o \
		-n '{model}_{device}_{backend}_{scenario}_{samples}_{timestamp}.{ext}' gemm.ndjson
	[ "$stderr" = "o/gemm_multi_multi_none_48_19700101_000000.md" ]
	grep '"backend":"cuda"' gemm.ndjson >cuda.ndjson
	grep '"kind":"host"' "$IN" >>cuda.ndjson
	SOURCE_DATE_EPOCH=0 run -0 --separate-stderr bench-fmt -d o -n '{device}.{ext}' cuda.ndjson
	[ "$stderr" = "o/NVIDIA-H100-80GB-HBM3.md" ]
	run -2 bench-fmt -d o -n '{colour}.md' "$IN"
	[ "${lines[0]}" = "bench-fmt: --name: unknown placeholder '{colour}'" ]
	run -2 bench-fmt -d o -n 'a/b.md' "$IN"
	[ "${lines[0]}" = "bench-fmt: --name 'a/b.md' is not a file name" ]
}

@test "bench-fmt names scenario reports as MLPerf does" {
	echo '{"kind":"result","model":"tinylm","backend":"cpu","status":"ok","scenario":{"name":"server"},"metrics":{"latency_ms":{"n":100,"p50":2}}}' >s.ndjson
	SOURCE_DATE_EPOCH=0 run -0 --separate-stderr bench-fmt -d o s.ndjson
	[ "$stderr" = "o/MLPerf_server_unknown_100_samples_19700101_000000.md" ]
}

@test "bench-fmt prefers stat records, then samples, then result summaries" {
	run -0 bench-fmt -T -f json "$IN"
	jq -e '[.configurations[] | select(.model == "resnet50" and .backend == "cuda" and .params.batch == 32)][0] | .source == "stat" and .runs == 3 and .n == 36' <<<"$output"
	jq -e '[.configurations[] | select(.model == "tokenizer")][0] | .source == "samples" and .n == 30' <<<"$output"
	jq -e '[.configurations[] | select(.model == "gemm" and .host_id == "c0ffee000001")] | all(.source == "result")' <<<"$output"
	jq -e '.diffs[0].severity == "critical" and .diffs[1].severity == "major" and .diffs[-1].verdict == "unchanged"' <<<"$output"
	jq -e '.summary.runs == {"ok": 21, "failed": 7, "skipped": 1, "interrupted": 1}' <<<"$output"
	jq -e '[.failures[] | .error.type // "none"] | sort == ["crash","execution_error","none","oom","parse_error","spawn_error","timeout","unsupported","wrong_result"]' <<<"$output"
}

@test "bench-fmt renders the HTML report in a real browser" {
	command -v chromium >/dev/null || skip "chromium is not installed (Debian: chromium)"
	need_gnuplot
	html_with_charts >report.html
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
		--disable-background-networking --disable-component-update --disable-sync
		--user-data-dir="$BATS_TEST_TMPDIR/chromium" --enable-logging=stderr --v=0
		--hide-scrollbars --window-size=1280,2400)
	# 3>&-: chromium's helpers outlive it and must not hold bats's fd 3
	timeout 120 chromium "${flags[@]}" --dump-dom "file://$PWD/report.html" \
		>dom.html 2>console.log 3>&-
	timeout 120 chromium "${flags[@]}" --screenshot="$PWD/report.png" \
		"file://$PWD/report.html" >/dev/null 2>>console.log 3>&-
	# no console message at all: no error, no CSP violation, no exception
	! grep 'CONSOLE' console.log
	# the script ran: sort buttons and the filter bar are in the DOM
	[ "$(grep -o 'class="sort"' dom.html | wc -l)" -ge 60 ]
	grep -q 'class="filters"' dom.html
	[ "$(grep -c '<svg ' dom.html)" -eq 8 ]
	# a screenshot of a page with something on it, not a blank one
	[ "$(stat -c %s report.png)" -gt 100000 ]
}

@test "bench-fmt summarises many samples into a small report" {
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "{\"kind\":\"sample\",\"run_id\":\"r%d\",\"model\":\"m%d\",\"backend\":\"cpu\",\"params\":{\"batch\":%d},\"latency_ms\":%d.5,\"items\":4}\n", i % 20, i % 4, 2 ^ (i % 5), 1 + i % 97 }' >many.ndjson
	run -0 bench-fmt -T -f html many.ndjson
	[[ "$output" == *"200,000"* ]]
	[ "${#output}" -lt 400000 ]
}

@test "bench-fmt man page examples run" {
	need_gnuplot
	cp "$IN" results.ndjson
	cp "$BP_SHARED/traces/tracelens-h100/gaunernst_bert-small-uncased__1016001.json.gz" \
		trace.json.gz 2>/dev/null || true
	sed -n '/^\.Bd -literal/,/^\.Ed/p' "$BP_SRC/share/man/man1/bench-fmt.1" |
		grep -v '^\.' >examples.sh
	while read -r line; do
		case $line in
		bench-run*)
			command -v bench-run >/dev/null && command -v bench-agg >/dev/null ||
				continue ;;
		bench-trace*)
			[ -f trace.json.gz ] || continue ;;
		esac
		sh -ec "$line" </dev/null >/dev/null || { echo "failed: $line"; false; }
	done <examples.sh
	[ -s report.html ] && [ -L reports/latest.md ] && [ -s scaling.svg ]
	[ ! -f trace.json.gz ] || grep -q roofline roofline.svg
	[ "$(wc -l <samples.csv)" -eq 204 ]
}

@test "bench-fmt --help and --version" {
	run -0 bench-fmt --help
	[[ "${lines[0]}" == "usage: bench-fmt"* ]]
	[[ "$output" == *"--output-dir"* ]]
	run -0 bench-fmt --version
	[[ "$output" =~ ^bench-fmt\ \(benchpipe\)\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "bench-fmt -f md shows scenario results: validity, headline, percentiles" {
	GOLDEN=bench-fmt/scenario-md golden bench-fmt -T "$BP_GOLDEN/bench-fmt/scenario.in"
}

@test "bench-fmt -f text shows scenario results with their validity" {
	GOLDEN=bench-fmt/scenario-text golden bench-fmt -T -f text "$BP_GOLDEN/bench-fmt/scenario.in"
}

@test "bench-fmt scenario section puts validity before the headline metric" {
	run -0 bench-fmt -T "$BP_GOLDEN/bench-fmt/scenario.in"
	[[ "$output" == *"4 scenario runs: 1 valid, 3 invalid."* ]]
	section=${output#*"### server: tinylm on cpu"}
	section=${section%%"### offline"*}
	[[ "$section" == *"INVALID"*"early stopping not met"*"Completed samples/s: **17.74**"*"TTFT (ms)"*"TPOT (ms)"* ]]
	[[ "$output" == *"p90 latency (ms): **13.25**"* ]]
	[[ "$output" == *"p99 query latency (ms): **106.0**"* ]]
	[[ "$output" == *"Samples/s: **138.5**"* ]]
}

@test "bench-fmt -f html shows the scenario section in the page and its menu" {
	run -0 bench-fmt -T -f html --no-charts "$BP_GOLDEN/bench-fmt/scenario.in"
	[[ "$output" == *'id="scenarios"'* ]]
	[[ "$output" == *"VALID"* && "$output" == *"INVALID"* ]]
	[[ "$output" == *"min duration not met"* ]]
}

@test "bench-fmt leaves the scenario section out when no result has one" {
	run -0 bench-fmt -T "$IN"
	[[ "$output" != *"## Scenarios"* ]]
	run -0 bench-fmt -T -f text "$IN"
	[[ "$output" != *"Scenarios ("* ]]
}

@test "bench-fmt -f md shows bench-trace records: timeline, categories, top ops and kernels" {
	GOLDEN=bench-fmt/trace-md golden bench-fmt -T "$BP_GOLDEN/bench-fmt/trace.in"
}

@test "bench-fmt -f html without charts shows bench-trace records" {
	GOLDEN=bench-fmt/trace-html golden bench-fmt -T -f html --no-charts "$BP_GOLDEN/bench-fmt/trace.in"
}

@test "bench-fmt trace section lists the top kernels by time, largest first" {
	run -0 bench-fmt -T "$BP_GOLDEN/bench-fmt/trace.in"
	[[ "$output" == *"The first 10 of 12, by time."* ]]
	kernels=${output#*"#### Top kernels"}
	kernels=${kernels%%"###"*}
	# the input lists them smallest first
	[ "$(grep -c '^| `' <<<"$kernels")" -eq 10 ]
	[[ "$(grep -m1 '^| `' <<<"$kernels")" == *"| 98.72 |"* ]]
	[[ "$kernels" != *"| 1.760 |"* ]]
	[[ "$output" == *"| Busy | 0.3094 | 7.9% |"* ]]
	[[ "$output" == *"| Idle | 3.598 | 92.1% |"* ]]
	[[ "$output" == *"No GPU events; the CPU ops span 811.5 ms"* ]]
	[[ "$output" == *"| CPU self (ms) |"* ]]
	[[ "$output" != *"Nothing to report"* ]]
}

@test "bench-fmt counts as not shown only the trace kinds no section shows" {
	run -0 bench-fmt -T -f json "$BP_GOLDEN/bench-fmt/trace.in"
	jq -e '.summary.not_shown == {}' <<<"$output"
	for f in trace-more trace-job trace-bad; do
		run -0 bench-fmt -T -f json "$BP_GOLDEN/bench-fmt/$f.in"
		jq -e '.summary.not_shown == {}' <<<"$output"
	done
	# a trace kind this version does not know is still counted
	{ cat "$BP_GOLDEN/bench-fmt/trace.in"; echo '{"kind":"trace_future","trace":"x"}'; } >t.ndjson
	run -0 bench-fmt -T -f json t.ndjson
	jq -e '.summary.not_shown == {"trace_future": 1}' <<<"$output"
}

TRACE_MORE="$BP_GOLDEN/bench-fmt/trace-more.in"
TRACE_JOB="$BP_GOLDEN/bench-fmt/trace-job.in"
TRACE_BAD="$BP_GOLDEN/bench-fmt/trace-bad.in"

@test "bench-fmt -f md shows the roofline, short kernels, phases and steps of a trace" {
	GOLDEN=bench-fmt/trace-more-md golden bench-fmt -T "$TRACE_MORE"
}

@test "bench-fmt -f html without charts shows the roofline, short kernels, phases and steps" {
	GOLDEN=bench-fmt/trace-more-html golden bench-fmt -T -f html --no-charts "$TRACE_MORE"
}

@test "bench-fmt -f md shows a multi-rank job once and the --diff comparisons" {
	GOLDEN=bench-fmt/trace-job-md golden bench-fmt -T "$TRACE_JOB"
}

@test "bench-fmt -f html without charts shows a multi-rank job and the --diff comparisons" {
	GOLDEN=bench-fmt/trace-job-html golden bench-fmt -T -f html --no-charts "$TRACE_JOB"
}

@test "bench-fmt calls the timeline of a trace without GPU events a CPU timeline" {
	run -0 bench-fmt -T "$TRACE_MORE"
	cpu=${output#*"### mlp\_train\_cpu.kineto.json.gz, rank 0"}
	cpu=${cpu%%$'\n### '*}
	[[ "$cpu" == *"#### CPU timeline"* ]]
	[[ "$cpu" != *"GPU timeline"* ]]
	[[ "$output" == *"#### GPU timeline"* ]]
	# a training trace's one "unknown" phase is no table; its steps are
	[[ "$cpu" != *"#### Phases"* ]]
	[[ "$cpu" == *'| 2 | `ProfilerStep#2` | unknown | 160.0 |'* ]]
}

@test "bench-fmt trace tables: roofline by kernel time, peaks, short kernels, phases" {
	run -0 bench-fmt -T "$TRACE_MORE"
	[[ "$output" == *"Against peaks of 989.0 TFLOP/s and 3.350 TB/s"* ]]
	[[ "$output" == *"The first 10 of 12, by kernel time."* ]]
	roof=${output#*"#### Roofline"}
	roof=${roof%%"####"*}
	[ "$(grep -m1 '^| `' <<<"$roof")" = '| `aten::mm` | GEMM | M=8944, N=2816, K=1024, BFloat16, B=1 | 48 | 4.055 | 51.58 | 692.8 | 610.7 | 0.8815 | 61.7% | compute |' ]
	[ "$(grep -c '^| `' <<<"$roof")" -eq 10 ]
	[[ "$output" == *"152 kernels are short, from 1.471 to 4.128 µs"* ]]
	[[ "$output" == *"| prefill | 1 | 15 | 15,360 | 522.7 | 492.8 | 49.9% | 50.1% | GEMM 85%, RMSNorm 5%, InferenceAttention 4% |"* ]]
}

@test "bench-fmt trace job: ranks side by side, the slowest, the straggler, collectives" {
	run -0 bench-fmt -T "$TRACE_JOB"
	[ "$(grep -c '^### Multi-rank job, 8 ranks$' <<<"$output")" -eq 1 ]
	[[ "$output" == *"| rank 1 ⚠️ slowest | 1.043 | 11.34 | 11.06 | 12.12 | 6.349 | 18.47 | 59.9% | +74.6% |"* ]]
	[[ "$output" == *"The slowest is rank 1: busy 12.12 ms, +74.6% against the ranks' mean."* ]]
	[[ "$output" == *"The straggler is rank 7: it arrived last at 5 of 8 collectives"* ]]
	[[ "$output" == *'| `all_to_all` | alltoall | 8 | 40 | 4.742 | 9.506 | rank 1 | 98.2% |'* ]]
	# the collectives of the job's ranks are not repeated per rank
	[ "$(grep -c '^#### Collectives$' <<<"$output")" -eq 1 ]
	[[ "$output" == *"| Exposed communication | 0 | 0 | 0 | — |"* ]]
	[[ "$output" == *"| elementwise | 735 → 16 | 17.36 | 0.02781 | -17.33 | -99.8% |"* ]]
	[[ "$output" == *"The first 10 of 20, by size of the change."* ]]
}

@test "bench-fmt -f json carries the trace tables whole" {
	run -0 bench-fmt -T -f json "$TRACE_MORE"
	jq -e '.trace.traces | length == 3' <<<"$output"
	jq -e '.trace.traces[0] | .perf | length == 12 and .[0].name == "aten::mm" and .[0].count == 48' <<<"$output"
	jq -e '.trace.traces[0] | (.short_kernels | length) == 11 and (.short_hist | length) == 23 and (.categories | length) == 4 and .timeline.kind == "trace_timeline"' <<<"$output"
	jq -e '.trace.traces[1].phases[0].tokens == 15360 and (.trace.traces[1].phase_categories | length) == 7' <<<"$output"
	jq -e '.trace.job == null and .trace.diffs == []' <<<"$output"
	run -0 bench-fmt -T -f json "$TRACE_JOB"
	jq -e '.trace.job | (.ranks | map(.rank)) == [0,1,2,3,4,5,6,7] and (.stragglers | length) == 8 and (.collective_sync | length) == 8 and (.straggler_steps | length) == 1' <<<"$output"
	jq -e '.trace.diffs | length == 1 and (.[0].timeline | length) == 8 and (.[0].categories | length) == 5 and (.[0].ops | length) == 20' <<<"$output"
	jq -e '[.trace.traces[].collectives | length] | add == 16' <<<"$output"
	run -0 bench-fmt -T -f json "$BP_GOLDEN/bench-fmt/trace-xlsx.in"
	jq -e '.trace.traces[0].unified | length == 3 and .[0].kind == "trace_unified" and .[0].has_perf_model' <<<"$output"
	# reports without traces have no trace member
	run -0 bench-fmt -T -f json "$IN"
	jq -e 'has("trace") | not' <<<"$output"
}

@test "bench-fmt -f text lists the traces, not nothing" {
	run -0 bench-fmt -T -f text "$TRACE_MORE"
	[[ "$output" == *"Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz, rank 0: GPU 34.89 ms, busy 91.4%, idle 8.6%; elementwise 54.4%, GEMM 28.2%, other 15.0%"* ]]
	[[ "$output" != *"the input holds no records"* ]]
	run -0 bench-fmt -T -f text "$TRACE_JOB"
	[[ "$output" == *"slowest of the job's ranks: rank 1, busy 12.12 ms, +74.6% against the mean"* ]]
}

@test "bench-fmt -f gnuplot -c roofline draws the ops and the roof in gnuplot" {
	need_gnuplot
	run -0 bench-fmt -f gnuplot -c roofline "$TRACE_MORE"
	[[ "$output" == *"peak_tflops = 989"* ]]
	[[ "$output" == *"peak_tbps = 3.35"* ]]
	[[ "$output" == *"array names[4] = ['GEMM', 'SDPA_fwd', 'UnaryElementwise', 'BinaryElementwise']"* ]]
	bench-fmt -f gnuplot -c roofline "$TRACE_MORE" | gnuplot >r.svg
	grep -q '<svg' r.svg
	grep -q 'roofline' r.svg
	for c in trace-timeline trace-category; do
		bench-fmt -f gnuplot -c $c "$TRACE_MORE" | gnuplot >$c.svg
		grep -q '<svg' $c.svg
	done
	bench-fmt -f gnuplot -c trace-timeline "$TRACE_JOB" | gnuplot >job.svg
	grep -q 'rank 7 (10.97 ms)' job.svg
	# without trace records there is nothing to plot
	run -0 bench-fmt -f gnuplot -c roofline "$IN"
	[[ "$output" == *"Nothing to plot"* ]]
}

@test "bench-fmt -f html inlines the trace charts, only where records exist" {
	need_gnuplot
	run -0 bench-fmt -T -f html "$TRACE_MORE"
	[ "$(grep -c '<svg ' <<<"$output")" -eq 5 ]
	[[ "$output" != *"Chart not drawn"* ]]
	[[ "$output" == *"Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz, rank 0: roofline</figcaption>"* ]]
	[[ "$output" == *"mlp_train_cpu.kineto.json.gz, rank 0: CPU self time by category</figcaption>"* ]]
	run -0 bench-fmt -T -f html "$TRACE_JOB"
	[ "$(grep -c '<svg ' <<<"$output")" -eq 1 ]
	[[ "$output" == *"Multi-rank job: GPU time of each rank</figcaption>"* ]]
	run -0 bench-fmt -T -f html --no-charts "$TRACE_MORE"
	[[ "$output" != *"<svg "* ]]
}

@test "bench-fmt shows trace records with missing and mistyped fields as dashes" {
	for f in md html text json; do
		run -0 --separate-stderr bench-fmt -T -f $f --no-charts "$TRACE_BAD"
		[ -z "$stderr" ]
		# null only as a JSON value, never as shown text
		! sed '/": null,\{0,1\}$/d' <<<"$output" | grep -Eiq '\b(nan|-?inf|null)\b'
	done
	run -0 bench-fmt -T "$TRACE_BAD"
	[[ "$output" == *"| rank ? ⚠️ slowest | — | — | — | — | — | — | — | — |"* ]]
	[[ "$output" != *"The slowest is"* ]]
	[[ "$output" == *'| `aten::sum` | Reduce\_fwd |  | 1 | 0.005000 | — | 0.2500 | 0.01000 | — |'* ]]
	[[ "$output" != *"Against"* ]]
	[[ "$output" == *"4 kernels are short: launch overhead"* ]]
	run -0 bench-fmt -T -f json "$TRACE_BAD"
	jq -e '.trace.job.ranks | length == 3' <<<"$output"
}

@test "bench-fmt never runs a command found in a trace's names (gnuplot backquotes)" {
	need_gnuplot
	run -0 bench-fmt -T -f html "$TRACE_BAD"
	[ "$(grep -c '<svg ' <<<"$output")" -eq 4 ]
	[[ "$output" != *"Chart not drawn"* ]]
	for c in trace-timeline trace-category roofline; do
		bench-fmt -f gnuplot -c $c "$TRACE_BAD" >$c.gp
		gnuplot $c.gp >$c.svg
		grep -q '<svg' $c.svg
	done
	[ ! -e pwned ]
	grep -qF "'GEMM''\`touch pwned\`'" roofline.gp
	grep -qF "'aten::mm\`touch pwned\`''\$(tou…'" roofline.gp
	grep -qF "chart_title = 'evil''\`touch pwned\`\$(touch pwned).json, rank 0: roofline'" roofline.gp
	grep -qF "'\`touch pwned\` ''\$(touch pwned)'''" trace-category.gp
}

need_openpyxl() {
	/usr/bin/python3 -c 'import openpyxl' 2>/dev/null ||
		skip "openpyxl is not installed (Debian: python3-openpyxl)"
}

@test "bench-fmt -f xlsx writes a sheet per trace table with the records' numbers" {
	need_openpyxl
	in="$BP_GOLDEN/bench-fmt/trace-xlsx.in"
	run -0 bench-fmt -f xlsx -o t.xlsx "$in"
	[ -z "$output" ]
	/usr/bin/python3 - t.xlsx "$in" <<'PY'
import json, math, sys
import openpyxl

sheets = {"timeline": "trace_timeline", "categories": "trace_category",
          "ops": "trace_op", "kernels": "trace_kernel",
          "short kernels": "trace_short_kernel", "roofline": "trace_perf",
          "unified": "trace_unified", "ranks": "trace_rank"}
recs = [json.loads(l) for l in open(sys.argv[2])]
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == list(sheets), wb.sheetnames
cells = 0
for name, kind in sheets.items():
    ws = wb[name]
    want = [r for r in recs if r["kind"] == kind]
    assert want, kind
    assert ws.freeze_panes == "A2", (name, ws.freeze_panes)
    head = [c.value for c in ws[1]]
    assert all(ws.column_dimensions[c.column_letter].width >= 8
               for c in ws[1]), name
    assert ws.max_row == len(want) + 1, (name, ws.max_row, len(want))
    for i, r in enumerate(want):
        row = dict(zip(head, [c.value for c in ws[i + 2]]))
        for k, v in r.items():
            if k in ("kind", "schema", "ts"):
                continue
            got = row[k]
            if isinstance(v, bool):
                assert got is v, (name, k, got, v)
            elif isinstance(v, (int, float)):
                assert isinstance(got, (int, float)) and not isinstance(got, bool), (name, k, got)
                # libxlsxwriter writes 16 significant digits
                assert math.isclose(got, v, rel_tol=1e-15), (name, i, k, got, v)
                cells += 1
            elif v is None:
                assert got is None, (name, k, got)
            elif isinstance(v, str):
                assert got == v, (name, k, got, v)
            else:
                assert json.loads(got) == v, (name, k, got, v)
assert cells > 400, cells
PY
}

@test "bench-fmt -f xlsx comes from the -o extension, goes into --output-dir, and -T makes it byte-identical" {
	need_openpyxl
	run -0 bench-fmt -T -o t.xlsx "$BP_GOLDEN/bench-fmt/trace.in"
	/usr/bin/python3 -c 'import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); assert wb.sheetnames[0] == "timeline"' t.xlsx
	sleep 1
	run -0 --separate-stderr bench-fmt -T -f xlsx -d out -n t.{ext} "$BP_GOLDEN/bench-fmt/trace.in"
	[ "$stderr" = out/t.xlsx ] && [ -L out/latest.xlsx ]
	cmp t.xlsx out/t.xlsx
	bench-fmt -f xlsx "$EMPTY" >empty.xlsx
	/usr/bin/python3 -c 'import openpyxl, sys; wb = openpyxl.load_workbook(sys.argv[1]); assert wb.sheetnames == ["traces"]' empty.xlsx
}

@test "bench-fmt -f xlsx refuses to write to a terminal and exits 2" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run -2 script -qec "bench-fmt -f xlsx $BP_GOLDEN/bench-fmt/trace.in" /dev/null
	[[ "$output" == *"-f xlsx writes a binary workbook: give -o FILE or --output-dir"* ]]
}

@test "bench-fmt -f xlsx reports a full disk and exits 2" {
	run -2 sh -c 'bench-fmt -f xlsx "$1" >/dev/full' sh "$BP_GOLDEN/bench-fmt/trace.in"
	[ "$output" = "bench-fmt: stdout: No space left on device" ]
}

@test "bench-fmt status says failed when the only run failed, even with samples" {
	{
		echo '{"kind":"sample","schema":1,"run_id":"r1","host_id":"h1","model":"mlp","backend":"cpu","params":{},"labels":{},"iter":0,"phase":"measure","latency_ms":5}'
		echo '{"kind":"sample","schema":1,"run_id":"r1","host_id":"h1","model":"mlp","backend":"cpu","params":{},"labels":{},"iter":1,"phase":"measure","latency_ms":6}'
		echo '{"kind":"result","schema":1,"ts":"2026-11-28T13:00:00Z","run_id":"r1","host_id":"h1","model":"mlp","backend":"cpu","params":{},"labels":{},"status":"failed","error":{"type":"wrong_result","message":"accuracy too low"}}'
		echo '{"kind":"result","schema":1,"ts":"2026-11-28T13:00:00Z","run_id":"r2","host_id":"h1","model":"mlp","backend":"slow","params":{},"labels":{},"status":"ok","metrics":{"latency_ms":{"n":3,"mean":50,"p50":50,"p90":50,"p99":50,"min":50,"max":50,"stddev":0}}}'
	} >in.ndjson
	run -0 bench-fmt -T -f text in.ndjson
	grep -q '^mlp  *cpu @ .*FAILED: wrong_result$' <<<"$output"
	grep -q '^mlp  *slow @ .* ok$' <<<"$output"
	run -0 bench-fmt -T -f json in.ndjson
	jq -e '[.configurations[] | select(.backend == "cpu")][0] | .status == "failed" and .best == false' <<<"$output"
	jq -e '.summary.best[0].backend == "slow"' <<<"$output"
}

@test "bench-fmt shows no host for a regression whose diff record has none" {
	echo '{"kind":"diff","schema":1,"model":"mlp","backend":"cpu","params":{},"labels":{},"metric":"latency_ms","direction":"lower","baseline":{"n":5,"median":10},"current":{"n":5,"median":20},"change_pct":100,"test":"threshold","basis":"summary","verdict":"regression","severity":"major","warnings":[]}' >in.ndjson
	run -0 bench-fmt -T -f text in.ndjson
	grep -q 'major     mlp on cpu: latency_ms' <<<"$output"
	[[ "$output" != *"@ ?"* ]]
	run -0 bench-fmt -T -f md in.ndjson
	[[ "$output" == *"on cpu"* ]]
	[[ "$output" != *"@ ?"* ]]
	run -0 bench-fmt -T -f html --no-charts in.ndjson
	[[ "$output" != *"@ ?"* ]]
}

@test "bench-fmt --help and --version to a full disk exit 2 with a message" {
	run -2 sh -c 'bench-fmt --help >/dev/full'
	[[ "$output" == "bench-fmt: stdout: No space left on device" ]]
	run -2 sh -c 'bench-fmt --version >/dev/full'
	[[ "$output" == "bench-fmt: stdout: No space left on device" ]]
}
