#!/usr/bin/env bats
# bench-diff: verdicts checked against scipy, every verdict class, the exit
# status a CI gates on, and every way an input can be wrong.

load helper

G="$BP_GOLDEN/bench-diff"

# mk MODEL RUN VALUE... : one sample record per value
mk() {
	local model=$1 run=$2 v
	shift 2
	for v; do
		printf '{"kind":"sample","schema":1,"run_id":"%s","model":"%s","backend":"cpu","params":{},"labels":{},"latency_ms":%s}\n' \
			"$run" "$model" "$v"
	done
}

# runs MODEL PREFIX SCALE K : K runs of 5 samples around 10 * SCALE
runs() {
	"$BP_PY" - "$@" <<'EOF'
import json, sys, zlib, numpy as np
model, prefix, scale, k = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
rng = np.random.default_rng(zlib.crc32((model + prefix).encode()))
for r in range(k):
    m = 10 * scale * (1 + rng.normal(0, 0.01))
    for v in rng.normal(m, 0.1, 5):
        print(json.dumps({"kind": "sample", "run_id": "%s%d" % (prefix, r),
                          "model": model, "latency_ms": round(float(v), 6)}))
EOF
}

@test "bench-diff agrees with scipy: Mann-Whitney U, Welch, BH, intervals, change points" {
	run -0 "$BP_PY" "$BP_SRC/tests/oracle/bench-diff.py"
	echo "$output"
	[[ "$output" == *"0 failed"* ]]
}

@test "bench-diff gives every verdict class its record (golden)" {
	GOLDEN=bench-diff/verdicts golden bench-diff --fail-on never -s params.variant=old,new "$G/verdicts.in"
}

@test "bench-diff on one run per side tests the samples and warns (golden)" {
	GOLDEN=bench-diff/samples golden bench-diff --fail-on never -s params.variant=old,new "$G/samples.in"
}

@test "bench-diff on stat records uses Welch's t (golden)" {
	GOLDEN=bench-diff/summary golden bench-diff --fail-on never -s params.variant=old,new "$G/summary.in"
}

@test "bench-diff --history reports change points with their commit (golden)" {
	GOLDEN=bench-diff/history golden bench-diff --history "$G/history.in"
}

@test "bench-diff --calibrate writes a noise record per group (golden)" {
	GOLDEN=bench-diff/calibrate golden bench-diff --calibrate -s params.variant=a,b "$G/aa.in"
}

@test "bench-diff prints a one-line summary on stderr and exits 1 on a regression" {
	run -1 --separate-stderr bench-diff -s params.variant=old,new "$G/verdicts.in"
	[ "$stderr" = "bench-diff: 3 regressions (1 critical), 1 improvement, 2 inconclusive, 1 unchanged, 1 new, 1 missing, 1 broken, 1 fixed" ]
	[ "${#lines[@]}" -eq 11 ]
}

@test "bench-diff --fail-on sets the severity that fails" {
	grep -v '"model": "crashes"' "$G/verdicts.in" >v.in
	run -1 --separate-stderr bench-diff --fail-on critical -s params.variant=old,new v.in
	grep -v '"model": "critical"' v.in >nocrit.in
	run -0 --separate-stderr bench-diff --fail-on critical -s params.variant=old,new nocrit.in
	run -1 --separate-stderr bench-diff --fail-on major -s params.variant=old,new nocrit.in
	run -0 --separate-stderr bench-diff --fail-on never -s params.variant=old,new "$G/verdicts.in"
	run -2 bench-diff --fail-on sometimes base.in
	[[ "${lines[0]}" == "bench-diff: --fail-on: 'sometimes' is not minor, major, critical or never" ]]
}

@test "bench-diff broken is critical and fails even with --fail-on critical" {
	grep '"model": "crashes"' "$G/verdicts.in" >crash.in
	run -1 --separate-stderr bench-diff --fail-on critical -s params.variant=old,new crash.in
	echo "$output" | jq -e -s '.[0] | .verdict == "broken" and .severity == "critical" and .error.type == "crash"'
}

@test "bench-diff exits 0 when nothing regressed, reading CURRENT from stdin" {
	mk m a 10 11 10.5 12 9.8 >base.ndjson
	mk m b 10.2 10.9 10.4 11.8 9.9 >cur.ndjson
	run -0 --separate-stderr bench-diff base.ndjson <cur.ndjson
	echo "$output" | jq -e '.verdict == "unchanged" and .basis == "samples" and .test == "mannwhitneyu"'
	[[ "$stderr" == *"1 comparison rests on samples, not runs"* ]]
	[[ "$stderr" == *"0 regressions, 0 improvements, 1 unchanged, 0 new, 0 missing" ]]
}

@test "bench-diff takes samples of one run per side as no proof unless --noise" {
	run -1 --separate-stderr bench-diff -s params.variant=old,new "$G/samples.in"
	echo "$output" | jq -e -s 'map(select(.model == "slower"))[0] | .verdict == "inconclusive" and .basis == "samples" and .p_value < 1e-6'
	[[ "$stderr" == "bench-diff: 2 comparisons rest on samples, not runs: at most inconclusive without --noise (bench-run --runs)"* ]]
	echo '{"kind":"noise","model":"slower","backend":"cpu","metric":"latency_ms","min_detectable_pct":3}' >noise.ndjson
	run -1 --separate-stderr bench-diff --noise noise.ndjson -s params.variant=old,new "$G/samples.in"
	echo "$output" | jq -e -s 'map(select(.model == "slower"))[0] | .verdict == "regression" and .threshold_pct == 5'
	[[ "$stderr" == "bench-diff: 1 comparison rests on samples"* ]]
	run -2 bench-diff --noise nowhere.ndjson a b
	[ "$output" = "bench-diff: nowhere.ndjson: No such file or directory" ]
	echo '{"kind":"noise","model":"x"}' >bad.ndjson
	run -2 bench-diff --noise bad.ndjson a b
	[[ "$output" == "bench-diff: bad.ndjson:1: a noise record needs"* ]]
}

@test "bench-diff tests per-run medians when both sides hold several runs" {
	runs m a 1 5 >base.ndjson
	runs m b 1.3 5 >cur.ndjson
	run -1 --separate-stderr bench-diff base.ndjson cur.ndjson
	echo "$output" | jq -e '.basis == "runs" and .baseline.n == 5 and .baseline.runs == 5 and .verdict == "regression"'
	echo "$output" | jq -e '.p_value == 2/252'
}

@test "bench-diff matches groups across hosts and commits, not across other labels" {
	mk m a 1 2 3 | jq -c '.host_id = "aaaaaaaaaaaa" | .labels = {commit: "abc", dataset: "x"}' >base.ndjson
	mk m b 1 2 3 | jq -c '.host_id = "bbbbbbbbbbbb" | .labels = {commit: "def", dataset: "x"}' >cur.ndjson
	run -0 --separate-stderr bench-diff base.ndjson cur.ndjson
	echo "$output" | jq -e '.verdict == "unchanged" and .labels == {dataset: "x"}'
	run -0 --separate-stderr bench-diff --by model,host_id base.ndjson cur.ndjson
	[ "$(echo "$output" | jq -r .verdict | sort | tr '\n' ' ')" = "missing new " ]
	jq -c '.labels.dataset = "y"' cur.ndjson >other.ndjson
	run -0 --separate-stderr bench-diff base.ndjson other.ndjson
	[ "$(echo "$output" | jq -r .verdict | sort | tr '\n' ' ')" = "missing new " ]
}

@test "bench-diff knows which way is better and takes an override" {
	runs m a 1 6 | jq -c '{kind, run_id, model, tflops: .latency_ms}' >base.ndjson
	runs m b 0.8 6 | jq -c '{kind, run_id, model, tflops: .latency_ms}' >cur.ndjson
	run -1 --separate-stderr bench-diff base.ndjson cur.ndjson
	echo "$output" | jq -e '.direction == "higher" and .verdict == "regression"'
	run -0 --separate-stderr bench-diff --lower-is-better tflops base.ndjson cur.ndjson
	echo "$output" | jq -e '.direction == "lower" and .verdict == "improvement"'
}

@test "bench-diff -m compares only the metrics named, assuming lower is better" {
	runs m a 1 4 | jq -c '.widgets = .latency_ms' >base.ndjson
	runs m b 1 4 | jq -c '.widgets = .latency_ms' >cur.ndjson
	run -0 --separate-stderr bench-diff base.ndjson cur.ndjson
	[ "$(echo "$output" | jq -r .metric)" = latency_ms ]
	run -0 --separate-stderr bench-diff -m widgets base.ndjson cur.ndjson
	echo "$output" | jq -e '.metric == "widgets" and (.warnings | index("direction unknown: lower is better assumed"))'
}

@test "bench-diff decides on q-values unless --no-fdr" {
	{ runs hit a 1 5; for g in 1 2 3 4 5 6 7 8 9; do runs m$g a 1 5; done; } >base.ndjson
	{ runs hit b 1.2 5; for g in 1 2 3 4 5 6 7 8 9; do runs m$g b 1 5; done; } >cur.ndjson
	run -0 --separate-stderr bench-diff base.ndjson cur.ndjson
	echo "$output" | jq -e -s 'map(select(.model == "hit"))[0] | .verdict == "inconclusive" and .q_value > 0.05 and .p_value < 0.05'
	run -1 --separate-stderr bench-diff --no-fdr base.ndjson cur.ndjson
	echo "$output" | jq -e -s 'map(select(.model == "hit"))[0] | .verdict == "regression" and .q_value > 0.05'
}

@test "bench-diff --threshold and --severity move the lines" {
	runs m a 1 6 >base.ndjson
	runs m b 1.3 6 >cur.ndjson
	run -1 --separate-stderr bench-diff base.ndjson cur.ndjson
	echo "$output" | jq -e '.severity == "critical" and .threshold_pct == 5'
	run -1 --separate-stderr bench-diff --severity 40,50,60 base.ndjson cur.ndjson
	echo "$output" | jq -e '.severity == "minor"'
	run -0 --separate-stderr bench-diff --threshold 50 base.ndjson cur.ndjson
	echo "$output" | jq -e '.verdict == "unchanged" and .threshold_pct == 50'
	run -2 bench-diff --severity 10,5,25 base.ndjson
	[[ "${lines[0]}" == "bench-diff: --severity: '10,5,25' is not three ascending numbers" ]]
}

@test "bench-diff --noise raises a flaky group's threshold to its noise floor" {
	bench-diff --calibrate -s params.variant=a,b "$G/aa.in" >noise.ndjson
	floor=$(jq -r 'select(.model == "loud") | .min_detectable_pct' noise.ndjson)
	jq -c 'select(.model == "loud" and .params.variant == "a")' "$G/aa.in" >base.ndjson
	jq -c 'select(.model == "loud" and .params.variant == "b") |
		if .latency_ms then .latency_ms *= 1.07 else . end' "$G/aa.in" >cur.ndjson
	run --separate-stderr bench-diff -b model --no-fdr base.ndjson cur.ndjson
	echo "$output" | jq -e '.threshold_pct == 5'
	run -0 --separate-stderr bench-diff -b model --noise noise.ndjson base.ndjson cur.ndjson
	echo "$output" | jq -e --argjson f "$floor" '.threshold_pct == $f and .verdict != "regression"'
}

@test "bench-diff --history exits 1 while the latest change point is a regression" {
	run -0 --separate-stderr bench-diff --history "$G/history.in"
	jq -c 'select(.ts < "2026-03-10")' "$G/history.in" >regressed.ndjson
	run -1 --separate-stderr bench-diff --history regressed.ndjson
	echo "$output" | jq -e '.verdict == "regression" and .change_point.latest and .change_point.commit == "0abc028"'
	[[ "$stderr" == *"1 series regressed at the latest change point" ]]
	run -0 --separate-stderr bench-diff --history regressed.ndjson --fail-on never
	run -0 --separate-stderr bench-diff --history regressed.ndjson --threshold 30
	[ -z "$output" ]
}

@test "bench-diff --history calls a group broken when its latest run failed" {
	jq -c 'select(.model == "mlp")' "$G/history.in" >h.ndjson
	echo '{"kind":"result","ts":"2026-12-01T00:00:00.000Z","model":"mlp","backend":"cpu","params":{},"labels":{"commit":"dead"},"status":"failed"}' >>h.ndjson
	run -1 --separate-stderr bench-diff --history h.ndjson
	echo "$output" | jq -e '.verdict == "broken" and .change_point.commit == "dead"'
}

@test "bench-diff compares result records on per-run p50 and marks fixed groups" {
	for s in a b; do
		for r in 1 2 3; do
			echo "{\"kind\":\"result\",\"run_id\":\"$s$r\",\"model\":\"m\",\"status\":\"ok\",\"metrics\":{\"latency_ms\":{\"n\":9,\"p50\":1$r}}}"
		done >$s.ndjson
	done
	run -0 --separate-stderr bench-diff a.ndjson b.ndjson
	echo "$output" | jq -e '.basis == "runs" and .p_value == 1 and .baseline.runs == 3'
	echo '{"kind":"result","model":"x","status":"failed"}' >>a.ndjson
	echo '{"kind":"result","model":"x","status":"ok"}' >>b.ndjson
	run -0 --separate-stderr bench-diff a.ndjson b.ndjson
	echo "$output" | jq -e -s 'map(select(.model == "x")) | .[0].verdict == "fixed"'
}

@test "bench-diff names the file and line of an invalid record" {
	mk m a 1 2 3 >base.ndjson
	{ mk m b 1 2; echo '{"kind":"sample","latency_ms":'; } >cur.ndjson
	run -2 bench-diff base.ndjson cur.ndjson
	[[ "$output" == "bench-diff: cur.ndjson:3: invalid JSON: unexpected end of input"* ]]
	run -0 --separate-stderr bench-diff --lenient base.ndjson cur.ndjson
	[[ "$stderr" == *"bench-diff: skipped 1 invalid line"* ]]
}

@test "bench-diff refuses a metric of the wrong type with its file and line" {
	mk m a 1 2 3 >base.ndjson
	{ mk m b 1 2; echo '{"kind":"sample","model":"m","latency_ms":"3"}'; } >cur.ndjson
	run -2 bench-diff base.ndjson cur.ndjson
	[ "$output" = 'bench-diff: cur.ndjson:3: "latency_ms" is not a number' ]
	echo '{"kind":"stat","model":"m","stats":{"latency_ms":5}}' >stat.ndjson
	run -2 bench-diff base.ndjson stat.ndjson
	[ "$output" = 'bench-diff: stat.ndjson:1: "stats.latency_ms" is not an object' ]
	echo '{"kind":"result","model":"m","status":"ok","metrics":{"latency_ms":[1]}}' >res.ndjson
	run -2 bench-diff base.ndjson res.ndjson
	[ "$output" = 'bench-diff: res.ndjson:1: "metrics.latency_ms" is not an object' ]
}

@test "bench-diff reports a missing baseline file" {
	run -2 bench-diff nope.ndjson </dev/null
	[ "$output" = "bench-diff: nope.ndjson: No such file or directory" ]
}

@test "bench-diff refuses empty inputs" {
	mk m a 1 2 3 >base.ndjson
	run -2 bench-diff base.ndjson </dev/null
	[ "$output" = "bench-diff: -: no sample, stat or result records" ]
	echo '{"kind":"host"}' >host.ndjson
	run -2 bench-diff host.ndjson base.ndjson
	[ "$output" = "bench-diff: host.ndjson: no sample, stat or result records" ]
	run -2 bench-diff -s params.v=x,y base.ndjson
	[ "$output" = "bench-diff: no sample, stat or result records with params.v=x" ]
	run -2 bench-diff --history base.ndjson
	[ "$output" = "bench-diff: base.ndjson: no result records" ]
}

@test "bench-diff says so when no group is in both inputs" {
	mk a r 1 2 3 >base.ndjson
	mk b r 1 2 3 >cur.ndjson
	run -0 --separate-stderr bench-diff base.ndjson cur.ndjson
	[[ "$stderr" == *"no metric of any group is in both inputs; check --by and --split"* ]]
	[[ "$stderr" == *"0 unchanged, 1 new, 1 missing" ]]
}

@test "bench-diff reports a full disk and exits 2" {
	mk m a 1 2 3 >base.ndjson
	run -2 sh -c 'bench-diff base.ndjson base.ndjson >/dev/full'
	[[ "$output" == "bench-diff: stdout: No space left on device"* ]]
}

@test "bench-diff rejects bad usage with exit 2" {
	run -2 bench-diff --bogus
	[[ "${lines[0]}" == *"unrecognized option"* ]]
	[[ "$output" == *"usage: bench-diff"* ]]
	run -2 bench-diff
	[ "${lines[0]}" = "bench-diff: no BASELINE given" ]
	run -2 bench-diff a b c
	[ "${lines[0]}" = "bench-diff: unexpected argument 'c'" ]
	run -2 bench-diff -
	[ "${lines[0]}" = "bench-diff: BASELINE and CURRENT cannot both be stdin" ]
	run -2 bench-diff --alpha 1.5 a
	[[ "${lines[0]}" == "bench-diff: --alpha: '1.5' is not a number"* ]]
	run -2 bench-diff --threshold 5x a
	run -2 bench-diff --split params.v a
	[ "${lines[0]}" = "bench-diff: --split: 'params.v' is not FIELD=A,B" ]
	run -2 bench-diff --split v=a,a x
	run -2 bench-diff --history h x
	run -2 bench-diff --history h --calibrate
	run -2 bench-diff --window 2.5 --history h
}

@test "bench-diff --help and the man page SYNOPSIS give the same usage" {
	run -0 --separate-stderr bench-diff --help
	[[ "${lines[0]}" == "usage: bench-diff [OPTIONS] BASELINE [CURRENT]" ]]
	help=$(bench-diff --help | sed -n '1,/^$/p' | sed -e 's/^usage: *//' -e 's/^ *//' | tr -s ' ' | sed '/^$/d')
	man=$(mandoc -Tascii -O width=300 "$BP_SRC/share/man/man1/bench-diff.1" | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | sed -e 's/^ *//' | tr -s ' ' | sed '/^$/d')
	[ "$help" = "$man" ]
	run -0 --separate-stderr bench-diff --version
	[[ "$output" =~ ^bench-diff\ \(benchpipe\)\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "bench-diff man page examples run: files, noise floor, history with jq" {
	jq -c 'select(.params.variant == "old") | del(.params)' "$G/verdicts.in" >base.ndjson
	jq -c 'select(.params.variant == "new") | del(.params)' "$G/verdicts.in" >current.ndjson
	run -1 bench-diff base.ndjson current.ndjson
	[ "${#lines[@]}" -eq 12 ]
	cp "$G/aa.in" aa.ndjson
	bench-diff --calibrate --split params.variant=a,b <aa.ndjson >noise.ndjson
	run -1 bench-diff --noise noise.ndjson base.ndjson current.ndjson
	jq -c 'select(.ts < "2026-03-10")' "$G/history.in" >history.ndjson
	run -0 sh -c 'bench-diff --history history.ndjson 2>/dev/null |
		jq -r '\''select(.verdict == "regression") |
			"\(.model) \(.metric) \(.change_pct)% at \(.change_point.commit)"'\'
	[[ "$output" == "gemm latency_ms 19."*"% at 0abc028" ]]
}

@test "bench-diff man page examples run: bench-run A/B, calibration and the gate" {
	command -v bench-run >/dev/null && command -v bench-agg >/dev/null ||
		skip "bench-run or bench-agg not built"
	printf '#!/bin/sh\nexit 0\n' >prog
	cp prog prog-old
	cp prog prog-new
	chmod +x prog prog-old prog-new
	timeout 120 bench-run -q --runs 2 -n 3 -- ./prog | bench-agg >base.ndjson
	run timeout 120 sh -c 'bench-run -q --runs 2 -n 3 -- ./prog | bench-agg | bench-diff base.ndjson'
	[ "$status" -le 1 ]
	run timeout 120 sh -c 'bench-run -q --runs 3 --interleave -n 3 -p variant=old,new -- ./prog-{variant} |
		bench-diff --split params.variant=old,new'
	[ "$status" -le 1 ]
	echo "$output" | grep -q '"basis":"runs"'
	timeout 120 bench-run -q --runs 3 --interleave -n 3 -p side=a,b -- ./prog |
		bench-diff --calibrate --split params.side=a,b >noise.ndjson
	jq -e -s 'length > 0 and all(.kind == "noise")' noise.ndjson
}

@test "bench-run | bench-agg | bench-diff gates a Makefile target" {
	command -v bench-run >/dev/null && command -v bench-agg >/dev/null ||
		skip "bench-run or bench-agg not built"
	# the program reports its own latencies (ndjson protocol): no timing
	cat >prog.sh <<'SH'
#!/bin/sh
awk -v f="$FACTOR" -v seed="$$" 'BEGIN { srand(seed); j = 1 + (rand() - 0.5) / 50
	for (i = 0; i < 5; i++) printf "{\"latency_ms\": %.4f}\n", f * j * (1 + i / 1000) }' >&3
SH
	cat >Makefile <<'MK'
BENCH = bench-run -q --runs 5 -n 5 -w 0 -m prog --protocol ndjson -- sh prog.sh
FACTOR = 10
baseline:
	FACTOR=10 $(BENCH) | bench-agg >base.ndjson
regress:
	FACTOR=$(FACTOR) $(BENCH) | bench-agg | bench-diff -m latency_ms base.ndjson
MK
	timeout 120 make -s baseline
	run -0 timeout 120 make -s regress
	run -2 timeout 120 make -s regress FACTOR=13
	[[ "$output" == *"bench-diff: 1 regression (1 critical)"* ]]
	run -0 timeout 120 make -s regress FACTOR=8
	[[ "$output" == *"1 improvement"* ]]
}

@test "bench-diff --help and --version to a full disk exit 2 with a message" {
	run -2 sh -c 'bench-diff --help >/dev/full'
	[[ "$output" == "bench-diff: stdout: No space left on device" ]]
	run -2 sh -c 'bench-diff --version >/dev/full'
	[[ "$output" == "bench-diff: stdout: No space left on device" ]]
}
