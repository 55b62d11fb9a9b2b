#!/usr/bin/env bats
# examples.bats - every example under examples/ runs, shortened by its
# variables (tiny gemm and membw sizes, a few iterations), and does what
# its comments promise: outputs, exit codes, the regression gates.
# examples/slurm has its own file (tests/slurm/, make check-slurm).
load helper

# The suite, shortened: 3 result files (gemm b1 b2, membw b1), 5 runs each
# (the fewest with which bench-diff can call a change significant).
suite_env() {
	export MODELS='gemm membw' BATCHES='1 2' RUNS=5 ITER=3 WARMUP=1 \
		PARAMS_gemm='-p m=32 -p n=32 -p k=32' PARAMS_membw='-p size=64K'
	unset LABELS DIFFFLAGS DIFFFILE RUNFLAGS TITLE SERIAL RESULTS BASELINE \
		STATS BINDIR HISTORY_FLAGS NIGHTLY_KEEP NIGHTLY_WAIT SUITE BENCH_DIR
	# the default, bench-detect --backends, has its own test
	export BACKENDS=cpu
}

suite() {
	make --no-print-directory -f "$BP_SRC/examples/suite/Makefile" "$@"
}

# faster_baseline IN OUT: IN with every gemm sample twice as fast, so that
# the current results compare as a 100% regression of gemm.
faster_baseline() {
	jq -c 'if .kind == "sample" and .model == "gemm"
		then .latency_ms *= 0.5 | .tflops *= 2 else . end' "$1" >"$2"
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	suite_env
}

# ---- examples/suite ------------------------------------------------------

@test "suite: make measures one file per model, backend and batch" {
	run -0 suite
	[ "$(ls results | sort | tr '\n' ' ')" = \
		"gemm-cpu-b1.ndjson gemm-cpu-b2.ndjson host.ndjson membw-cpu-b1.ndjson " ]
	[ "$(jq -r .kind results/host.ndjson)" = host ]
	for f in results/*-cpu-b*.ndjson; do
		jq -e . "$f" >/dev/null
		[ "$(jq -c 'select(.kind == "result") | .status' "$f" |
			sort -u)" = '"ok"' ]
		# five runs, each its own run_id
		[ "$(jq -r 'select(.kind == "result") | .run_id' "$f" |
			sort -u | wc -l)" -eq 5 ]
	done
	[ "$(jq -c 'select(.kind == "result") | .params.batch' \
		results/gemm-cpu-b2.ndjson | sort -u)" = 2 ]
	[ "$(jq -c 'select(.kind == "result") | .params | has("batch")' \
		results/membw-cpu-b1.ndjson | sort -u)" = false ]
}

@test "suite: the backends are bench-detect's by default" {
	local b want=
	for b in $(bench-detect --backends); do
		want="$want gemm-$b-b1 gemm-$b-b2 membw-$b-b1"
	done
	run -0 env -u BACKENDS make --no-print-directory \
		-f "$BP_SRC/examples/suite/Makefile" list
	[ "$(awk '{print $NF}' <<<"$output" | sed 's|results/||; s|\.ndjson||' |
		tr '\n' ' ')" = "${want# } " ]
}

@test "suite: a re-run measures only what is missing" {
	run -0 suite
	touch -d '1 minute ago' results/*.ndjson
	touch marker
	run -0 suite
	[[ $output != *bench-run* ]]
	rm results/gemm-cpu-b2.ndjson
	run -0 suite list
	[[ $output == *"to do     results/gemm-cpu-b2.ndjson"* ]]
	[[ $output == *"measured  results/gemm-cpu-b1.ndjson"* ]]
	run -0 suite
	[ "$(grep -c '^bench-run' <<<"$output")" -eq 1 ]
	[ "$(find results -name '*.ndjson' -newer marker)" = \
		results/gemm-cpu-b2.ndjson ]
}

@test "suite: make -j measures every file once and leaves no temporary" {
	run -0 suite -j4 MODELS='gemm membw' BATCHES='1 2 4'
	[ "$(ls results | wc -l)" -eq 5 ]
	[ -z "$(find results -name '*.tmp')" ]
	for f in results/*.ndjson; do jq -e . "$f" >/dev/null; done
	[ "$(cat results/gemm-cpu-b*.ndjson | jq -r 'select(.kind ==
		"result") | .params.batch' | sort | uniq -c |
		awk '{print $1}' | sort -u)" = 5 ]
}

@test "suite: a failed benchmark keeps its record and does not stop make" {
	run -0 suite MODELS=mlp BATCHES_mlp=32 RUNS=1 \
		PARAMS_mlp='-p data=synthetic -p samples=64 -p epochs=1 -p min_acc=100'
	[[ $output == *"suite: mlp-cpu-b32: a benchmark failed"* ]]
	[ "$(jq -r 'select(.kind == "result") | .error.type' \
		results/mlp-cpu-b32.ndjson)" = wrong_result ]
}

@test "suite: a model of your own is a command with {batch} in it" {
	run -0 suite MODELS=nap BATCHES_nap='1 2' RUNS=1 ITER=2 \
		CMD_nap='sh -c "exit 0" {batch}' RUNFLAGS_nap='--label kind=shell'
	[[ $output == *"bench-run -m nap -b cpu -p batch=2 --runs 1 -w 1 -n 2 --label kind=shell -- sh -c"* ]]
	[ "$(jq -c 'select(.kind == "result") | [.params.batch, .status,
		.command[-1], .labels.kind]' results/nap-cpu-b2.ndjson)" = \
		'[2,"ok","2","shell"]' ]
}

@test "suite: make report writes statistics, HTML and Markdown" {
	run -0 suite report TITLE='Suite test'
	[ "$(jq -r .kind stats.ndjson | sort | uniq -c | awk '{print $2 $1}' |
		tr '\n' ' ')" = "host1 result15 stat3 " ]
	grep -q '<html' report.html
	grep -q '^# Suite test' report.md
	[[ $output == *"gemm "*"membw "* ]]
}

@test "suite: make regress without a baseline fails and says what to do" {
	run -2 suite regress
	[[ $output == *"suite: no baseline.ndjson: run 'make baseline'"* ]]
}

@test "suite: make regress passes against the baseline it froze" {
	run -0 suite baseline
	[ "$(jq -r .kind baseline.ndjson | sort -u | tr '\n' ' ')" = \
		"host result sample " ]
	run -0 suite regress
	[[ $output == *"0 regressions"* ]]
	[ "$(jq -r .verdict diff.ndjson | sort -u)" = unchanged ]
}

@test "suite: make regress fails on a regression and the report shows it" {
	run -0 suite baseline
	faster_baseline baseline.ndjson fast.ndjson
	mv fast.ndjson baseline.ndjson
	run -2 suite regress
	[[ $output == *"suite: regression (critical): gemm on cpu batch=1"*"latency_ms +100%"* ]]
	[ "$(jq -r 'select(.verdict == "regression") | .model' diff.ndjson |
		sort -u)" = gemm ]
	[ "$(jq -r 'select(.model == "membw") | .verdict' diff.ndjson |
		sort -u)" = unchanged ]
	# the diff is fresh, so the report carries it ...
	run -0 suite report
	grep -q 'critical regression' report.md
	# ... and drops it once the results are newer than the comparison
	touch -d '1 minute ago' diff.ndjson
	run -0 suite report
	! grep -q 'critical regression' report.md
	# DIFFFLAGS reach bench-diff: a gate on critical changes above 200%
	run -0 suite regress DIFFFLAGS='--threshold 200'
}

# ---- examples/nightly ----------------------------------------------------

nightly() {
	"$BP_SRC/examples/nightly/nightly.sh" "$@"
}

@test "nightly: appends to the history, writes a dated and a latest report" {
	# a noisy night may be a change point: not what this test is about
	export MODELS=gemm BATCHES=1 RUNS=2 HISTORY_FLAGS='--fail-on never'
	run -0 nightly night
	[[ ${lines[0]} == "benchpipe nightly on "*": 2 results, 2 ok, 0 failed, 0 skipped" ]]
	[[ $output == *"report: $PWD/night/reports/nightly_"*".html"* ]]
	[ "$(jq -r .kind night/history.ndjson | tr '\n' ' ')" = \
		"host result result " ]
	[ -L night/reports/latest.html ]
	grep -q '<html' night/reports/latest.html
	cp night/history.ndjson first.ndjson
	run -0 nightly night
	[[ $output == *"history: 4 results since "* ]]
	# append-only: the first night's lines are still the first lines
	[ "$(head -n 3 night/history.ndjson)" = "$(cat first.ndjson)" ]
	[ "$(wc -l <night/history.ndjson)" -eq 6 ]
	[ "$(ls night/runs | wc -l)" -eq 2 ]
	[ "$(ls night/runs/*/changes.ndjson | wc -l)" -eq 2 ]
	grep -q 'over time' night/reports/latest.html
	# NIGHTLY_KEEP prunes old nights' samples, never the history
	NIGHTLY_KEEP=1 run -0 nightly night
	[ "$(ls night/runs | wc -l)" -eq 1 ]
	[ "$(wc -l <night/history.ndjson)" -eq 9 ]
}

@test "nightly: exits 1 and names the regression when a series got slower" {
	export MODELS=gemm BATCHES=1 RUNS=1 ITER=10
	run -0 nightly first
	# Eight earlier nights 3x faster, then three like the first one, with
	# 2% of noise; -t 100 lets no run-to-run drift of tonight's run count.
	jq -c 'select(.kind == "result")' first/history.ndjson >night.ndjson
	mkdir hist
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		jq -c --arg i "$i" '($i | tonumber) as $n |
			((if $n <= 8 then 1 / 3 else 1 end) *
			 (1 + ($n * 7 % 5 - 2) / 100)) as $f |
			.ts = "2026-01-\($n + 10)T02:30:00.000Z" |
			.run_id = "00000000000000\($n + 10)" |
			.labels = {commit: "c\($n + 10)"} |
			.metrics.latency_ms |= with_entries(
				if .key == "n" then . else .value *= $f end)' \
			night.ndjson >>hist/history.ndjson
	done
	HISTORY_FLAGS='-t 100' run -1 nightly hist
	[[ $output == *"regression (critical): gemm on cpu batch=1 "*": latency_ms +"* ]]
	# (tonight's run, a new process, may drift by itself; the step at c19
	# is found whatever it does)
	[ "$(jq -r 'select(.change_point.commit == "c19" and
		.metric == "latency_ms") | .verdict' \
		hist/runs/*/changes.ndjson)" = regression ]
	[ -f hist/reports/latest.html ]
}

@test "nightly: overlapping runs take turns and both reach the history" {
	export MODELS=gemm BATCHES=1 RUNS=1 HISTORY_FLAGS='--fail-on never'
	nightly night >a.out 2>&1 &
	a=$!
	nightly night >b.out 2>&1 &
	b=$!
	wait $a
	wait $b
	[ "$(jq -r .kind night/history.ndjson | sort | uniq -c |
		awk '{print $2 $1}' | tr '\n' ' ')" = "host2 result2 " ]
	[ "$(ls night/runs | wc -l)" -eq 2 ]
}

@test "nightly: gives up with exit 2 when another run holds the lock" {
	export MODELS=gemm BATCHES=1 RUNS=1
	mkdir night
	(exec 9>night/nightly.lock && flock 9 && touch held && exec sleep 30) 3>&- &
	holder=$!
	while [ ! -f held ]; do sleep 0.05; done
	NIGHTLY_WAIT=0 run -2 nightly night
	kill "$holder"
	[[ $output == *"another run still holds"* ]]
	[ ! -f night/history.ndjson ]
}

@test "nightly: exits 2 with the suite's log when the suite fails" {
	MODELS=nosuchmodel run -2 nightly night
	[[ $output == *"the suite failed"* ]]
	[[ $output == *"nosuchmodel"* ]]
}

# ---- examples/ci ---------------------------------------------------------

# steps EVENT: the run lines of the workflow's steps that call
# examples/ci/ and whose `if` lets EVENT through, in order.
steps() {
	"$BP_PY" - "$BP_SRC/examples/ci/benchmarks.yml" "$1" <<-'PY'
	import sys, yaml
	wf = yaml.safe_load(open(sys.argv[1]))
	for step in wf["jobs"]["bench"]["steps"]:
	    run, cond = step.get("run", ""), step.get("if", "")
	    if run.startswith("examples/ci/") and (
	            not cond or "'%s'" % sys.argv[2] in cond):
	        print(run)
	PY
}

# A checkout of the repository (its examples/) in DIR, with a fake gh that
# hands out FAKE_BASELINE as main's artifact.
ci_checkout() {
	mkdir -p "$1" fakebin
	ln -s "$BP_SRC/examples" "$1/examples"
	cat >fakebin/gh <<-'SH'
	#!/bin/sh
	echo "gh $*" >>"$GH_LOG"
	case "$1 $2" in
	"run list") [ -z "${FAKE_BASELINE:-}" ] || echo 4242 ;;
	"run download")
		[ -n "${FAKE_BASELINE:-}" ] || exit 1
		while [ $# -gt 1 ] && [ "$1" != --dir ]; do shift; done
		cp "$FAKE_BASELINE" "$2/baseline.ndjson" ;;
	esac
	SH
	chmod +x fakebin/gh
	export PATH="$PWD/fakebin:$PATH" GH_LOG=$PWD/gh.log GH_TOKEN=x
}

# ci_run EVENT DIR: the workflow's steps for EVENT, in DIR.
ci_run() {
	local rc=0 cmd
	while read -r cmd; do
		(cd "$2" && GITHUB_STEP_SUMMARY=$PWD/summary.md bash -c "$cmd") ||
			{ rc=$?; break; }
	done < <(steps "$1")
	return $rc
}

@test "ci: the workflow is valid YAML that runs on pull requests and main" {
	"$BP_PY" -c 'import yaml' 2>/dev/null ||
		skip "no python3-yaml in $BP_PY"
	run -0 "$BP_PY" - "$BP_SRC/examples/ci/benchmarks.yml" <<-'PY'
	import sys, yaml
	wf = yaml.safe_load(open(sys.argv[1]))
	on = wf[True] if True in wf else wf["on"]   # YAML 1.1 reads on: as true
	assert "pull_request" in on and on["push"]["branches"] == ["main"]
	steps = wf["jobs"]["bench"]["steps"]
	names = [s.get("uses", s.get("run", "")).split()[0] for s in steps]
	print(" ".join(names))
	PY
	[[ $output == *"examples/ci/bench-ci.sh"*"actions/upload-artifact@v4"* ]]
	run -0 steps pull_request
	[ "$output" = "examples/ci/bench-ci.sh fetch-baseline
examples/ci/bench-ci.sh pr" ]
	run -0 steps push
	[ "$output" = "examples/ci/bench-ci.sh main" ]
}

@test "ci: main freezes a baseline, a pull request gates on it" {
	"$BP_PY" -c 'import yaml' 2>/dev/null ||
		skip "no python3-yaml in $BP_PY"
	ci_checkout main
	run -0 ci_run push main
	[ -s main/bench/baseline.ndjson ]
	grep -q '^# Benchmarks on main' main/summary.md

	# The pull request measured the same numbers (its results copied, so
	# the suite measures nothing): it passes.
	ci_checkout pr
	cp -R main/bench/results pr/bench-results
	mkdir -p pr/bench && mv pr/bench-results pr/bench/results
	FAKE_BASELINE=$PWD/main/bench/baseline.ndjson run -0 ci_run pull_request pr
	grep -q 'gh run list --workflow benchmarks.yml --branch main' gh.log
	grep -q 'gh run download 4242 --name bench-baseline --dir bench' gh.log
	grep -q '^# Benchmarks: this pull request against main' pr/summary.md
	grep -q '^## Regressions' pr/summary.md
	! grep -q 'critical regression' pr/summary.md

	# Against a baseline where gemm was twice as fast: the job fails, and
	# the summary says why.
	faster_baseline main/bench/baseline.ndjson fast.ndjson
	rm -f pr/summary.md pr/bench/baseline.ndjson
	FAKE_BASELINE=$PWD/fast.ndjson run -1 ci_run pull_request pr
	grep -q 'critical regression' pr/summary.md
}

@test "ci: a pull request before main has a baseline passes with a note" {
	"$BP_PY" -c 'import yaml' 2>/dev/null ||
		skip "no python3-yaml in $BP_PY"
	export MODELS=gemm BATCHES=1 RUNS=1
	ci_checkout pr
	run -0 ci_run pull_request pr
	[[ $output == *"no successful run on main yet"* ]]
	grep -q 'No baseline from main yet' pr/summary.md
	grep -q '^# Benchmarks of this pull request' pr/summary.md
}

# ---- README --------------------------------------------------------------

@test "README: the tour's commands run and gate as shown" {
	awk '/^## A 60-second tour/ { on = 1 } /^## Benchmark your own/ { on = 0 }
		on && /^\$ / { print substr($0, 3) }
		on && /^      / && prev ~ /\|$/ { print }
		{ prev = $0 }' "$BP_SRC/README.md" >tour.sh
	[ "$(grep -c . tour.sh)" -ge 7 ]
	run -0 bash tour.sh
	[[ $output == *"gemm   cpu @ "*"m=256, n=512, k=512"* ]]
	[[ $output == *'{"model":"gemm","m":256,"iter":0,'* ]]
	[[ $output == *"exit status 1"* ]]
	# fp64 needs twice the memory whatever the load; its latency on a
	# machine busy with other work may overlap, so only its line is asked
	[[ $output == *"peak_rss_mb	regression	"* ]]
	[[ $output == *"latency_ms	"* ]]
}

@test "README: benchmarking your own model works as shown" {
	awk '/^```python/ { on = 1; next } /^```/ { on = 0 } on' \
		"$BP_SRC/README.md" >my_model.py
	grep -q BENCH_FD my_model.py
	cmd=$(grep -m 1 '^\$ bench-run --protocol ndjson' "$BP_SRC/README.md")
	run -0 bash -c "${cmd#\$ }"
	[ "$(jq -c 'select(.kind == "result") | [.params.n, .status,
		.iterations, .warmups]' own.ndjson)" = '[10000,"ok",20,1]
[100000,"ok",20,1]' ]
	run -0 bash -c 'bench-agg -q own.ndjson | bench-fmt -f text -T'
	[[ $output == *"sort   cpu @ "*"n=10000"*"ok"* ]]
}

# ---- examples/jq, gnuplot, duckdb ----------------------------------------

@test "jq: every recipe runs on the sample records as its comment says" {
	local f n=0
	for f in "$BP_SRC"/examples/jq/*.jq; do
		cmd=$(sed -n 's/^# run: //p' "$f")
		[ -n "$cmd" ] || { echo "$f: no '# run:' line"; return 1; }
		GOLDEN=examples/jq-$(basename "$f" .jq) \
			golden bash -c "cd '$BP_SRC' && $cmd"
		n=$((n + 1))
	done
	[ $n -ge 5 ]
}

@test "gnuplot: charts.sh draws every bench-fmt chart, editable" {
	# samples for the box plots, change points for the regression bars
	bench-diff --history "$BP_SRC/examples/data/history.ndjson" \
		>changes.ndjson || :
	run -0 "$BP_SRC/examples/gnuplot/charts.sh" charts \
		"$BP_SRC"/examples/data/node[12].ndjson changes.ndjson
	for c in heatmap scaling latency trend regressions; do
		grep -q '<< EOD' "charts/$c.gp"
		grep -q '</svg>' "charts/$c.svg"
	done
	grep -q 'no data' charts/roofline.svg
	run -0 "$BP_SRC/examples/gnuplot/charts.sh" trace \
		"$BP_GOLDEN/bench-fmt/trace-more.in"
	for c in trace-timeline trace-category roofline; do
		grep -q '</svg>' "trace/$c.svg"
		run -1 grep -q 'no data' "trace/$c.svg"
	done
	bench-agg -q "$BP_SRC"/examples/data/node[12].ndjson >stats.ndjson
	TERMINAL=png run -0 "$BP_SRC/examples/gnuplot/charts.sh" png stats.ndjson
	[ "$(head -c 4 png/scaling.png | tail -c 3)" = PNG ]
}

@test "gnuplot: trend.gp and hosts.gp draw from jq, without warnings" {
	run -0 --separate-stderr gnuplot -c "$BP_SRC/examples/gnuplot/trend.gp" \
		"$BP_SRC/examples/data/history.ndjson"
	[ -z "$stderr" ]
	[[ $output == *"c08"*"latency_ms over time"*"</svg>"* ]]
	run -0 --separate-stderr gnuplot -c "$BP_SRC/examples/gnuplot/trend.gp" \
		"$BP_SRC/examples/data/history.ndjson" tflops
	[ -z "$stderr" ]
	run -0 --separate-stderr gnuplot -c "$BP_SRC/examples/gnuplot/hosts.gp" \
		"$BP_SRC"/examples/data/node[12].ndjson
	[ -z "$stderr" ]
	[[ $output == *"node1"*"node2"*"</svg>"* ]]
}

@test "duckdb: history.sql answers from history.ndjson where it lies" {
	cp "$BP_SRC/examples/data/history.ndjson" .
	local cache=${DUCKDB_NODE:-$HOME/.cache/benchpipe-bench}
	if command -v duckdb >/dev/null; then
		run -0 duckdb -json :memory: <"$BP_SRC/examples/duckdb/history.sql"
	elif command -v node >/dev/null &&
	    [ -d "$cache/node_modules/@duckdb/node-api" ]; then
		DUCKDB_NODE=$cache run -0 node "$BP_SRC/tests/duckdb-run.mjs" \
			"$BP_SRC/examples/duckdb/history.sql"
	else
		skip "no DuckDB here (no duckdb command, no @duckdb/node-api in $cache)"
	fi
	# nights, the series with its change, recent vs before, failures, hosts
	[[ $output == *'"2026-11-03"'*'"2026-11-10"'* ]]
	[[ $output == *'"c08"'* ]]
	[[ $output == *'28.7'* ]]
	[[ $output == *'"crash"'*'"execution_error"'*'"spawn_error"'*'"timeout"'* ]]
	[[ $output == *'"node1"'* ]]
}

@test "examples: every shell script is shellcheck-clean" {
	command -v shellcheck >/dev/null || skip "no shellcheck"
	run -0 shellcheck "$BP_SRC"/examples/*/*.sh \
		"$BP_SRC"/examples/slurm/suite.sbatch
}
