#!/usr/bin/env bats
# bench-run the harness: sweeps, records, protocols, and every way a
# benchmark can fail.  Built-in models have tests of their own
# (bench-run-models.bats); here any command will do.

load helper

results() {
	jq -c 'select(.kind == "result")' "${1:-out.ndjson}"
}

samples() {
	jq -c 'select(.kind == "sample")' "${1:-out.ndjson}"
}

# wait_for FILE PATTERN: until a line of FILE matches (at most 10 s).
wait_for() {
	local i
	for i in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

@test "bench-run sweeps a param: a sample per iteration, a result per value" {
	run -0 bench-run -m sleepy -b cpu -p s=0.001,0.002 -w 1 -n 3 -o out.ndjson \
		-- sleep {s}
	[ -z "$output" ]
	[ "$(samples | wc -l)" -eq 6 ]
	[ "$(results | wc -l)" -eq 2 ]
	[ "$(results | jq -r .params.s | tr '\n' ' ')" = "0.001 0.002 " ]
	results | jq -e '.status == "ok" and .model == "sleepy" and
		.backend == "cpu" and .iterations == 3 and .warmups == 1 and
		.protocol == "process" and (.command | length) == 2'
	[ "$(results | jq -r '.command[1]' | tr '\n' ' ')" = "0.001 0.002 " ]
	samples | jq -e '.phase == "measure" and .latency_ms > 0 and
		(.user_ms | type) == "number" and .max_rss_mb > 0'
	[ "$(samples | jq -r .iter | tr '\n' ' ')" = "0 1 2 0 1 2 " ]
}

@test "bench-run samples and their result share a run_id, runs do not" {
	bench-run -p s=0.001,0.002 -n 2 -o out.ndjson -- sleep {s}
	[ "$(jq -r .run_id out.ndjson | uniq | wc -l)" -eq 2 ]
	for id in $(results | jq -r .run_id); do
		[ "$(samples | jq -r --arg id "$id" 'select(.run_id == $id) | .iter' | wc -l)" -eq 2 ]
	done
	jq -e '(.run_id | test("^[0-9a-f]{16}$")) and .schema == 1 and
		(.ts | test("^[0-9-]{10}T[0-9:.]{12}Z$"))' out.ndjson
}

@test "bench-run result summarizes each metric with the lib's statistics" {
	bench-run -w 0 -n 5 -o out.ndjson -- true
	results | jq -e '.metrics.latency_ms | .n == 5 and .min <= .p50 and
		.p50 <= .p90 and .p90 <= .p99 and .p99 <= .max and .stddev >= 0'
	results | jq -e '(.metrics | keys) == ["latency_ms", "max_rss_mb", "sys_ms", "user_ms"]'
	mean=$(samples | jq -s 'map(.latency_ms) | add / length')
	results | jq -e --argjson m "$mean" '(.metrics.latency_ms.mean - $m) | fabs < 1e-9'
	results | jq -e '.duration_s > 0 and .peak_rss_mb > 0 and
		(.host | has("cpu") and has("gpu"))'
}

@test "bench-run host_id is bench-detect's" {
	bench-run -n 1 -o out.ndjson -- true
	[ "$(results | jq -r .host_id)" = "$(bench-detect | jq -r .host_id)" ]
}

@test "bench-run makes the cartesian product, the first -p slowest" {
	bench-run -w 0 -n 1 --summary-only -p a=1,2 -p b=x,y -o out.ndjson -- true
	[ "$(results | jq -r '"\(.params.a)\(.params.b)"' | tr '\n' ' ')" = "1x 1y 2x 2y " ]
	bench-run -w 0 -n 1 --summary-only -p a=1,b=x,y -o two.ndjson -- true
	[ "$(results two.ndjson | jq -r '"\(.params.a)\(.params.b)"' | tr '\n' ' ')" = "1x 1y " ]
}

@test "bench-run exports BENCH_PARAM_KEY and replaces {KEY} only for swept keys" {
	run -0 bench-run -w 0 -n 1 -p batch_size=8 -p dev=x -o out.ndjson -- \
		sh -c 'test "$BENCH_PARAM_BATCH_SIZE" = 8 && test "$1" = 8 &&
			test "$2" = "{other}" && test -n "$BENCH_RUN_ID"' sh {batch_size} {other}
	results | jq -e '.status == "ok"'
}

@test "bench-run keeps param values as given: numbers only where JSON numbers" {
	bench-run -w 0 -n 1 --summary-only -p a=007,1e3,-0.5,0x10,abc -o out.ndjson -- true
	[ "$(results | jq -c .params.a | tr '\n' ' ')" = '"007" 1000 -0.5 "0x10" "abc" ' ]
}

@test "bench-run --label labels every record; the last value wins" {
	bench-run -n 2 --label commit=abc --label tag=x --label commit=def \
		-o out.ndjson -- true
	jq -e '.labels == {"commit": "def", "tag": "x"}' out.ndjson
}

@test "bench-run --keep-warmup writes warmups with their own count" {
	bench-run -w 2 -n 1 --keep-warmup -o out.ndjson -- true
	[ "$(samples | jq -r '"\(.phase)\(.iter)"' | tr '\n' ' ')" = "warmup0 warmup1 measure0 " ]
	results | jq -e '.warmups == 2 and .iterations == 1 and .metrics.latency_ms.n == 1'
}

@test "bench-run --summary-only writes results only" {
	bench-run -n 3 -p a=1,2 --summary-only -o out.ndjson -- true
	[ "$(jq -r .kind out.ndjson | tr '\n' ' ')" = "result result " ]
}

@test "bench-run --runs gives each run its own run_id, in order or interleaved" {
	bench-run -w 0 -n 1 --summary-only --runs 2 -p v=a,b -o out.ndjson -- true
	[ "$(results | jq -r '"\(.params.v)\(.run_index)"' | tr '\n' ' ')" = "a0 a1 b0 b1 " ]
	[ "$(results | jq -r .run_id | sort -u | wc -l)" -eq 4 ]
	results | jq -e '.runs == 2'
	bench-run -w 0 -n 1 --summary-only --runs 2 --interleave -p v=a,b \
		-o il.ndjson -- true
	[ "$(results il.ndjson | jq -r '"\(.params.v)\(.run_index)"' | tr '\n' ' ')" = "a0 b0 a1 b1 " ]
}

@test "bench-run --min-time measures past -n, --max-time stops before it" {
	bench-run -w 0 -n 1 --min-time 0.2 --summary-only -o out.ndjson -- sleep 0.02
	results | jq -e '.iterations >= 2'
	bench-run -w 0 -n 100000 --max-time 0.1 --summary-only -o max.ndjson -- sleep 0.02
	results max.ndjson | jq -e '.iterations >= 1 and .iterations < 100000 and .status == "ok"'
	run -2 bench-run --min-time 2 --max-time 1 -- true
	[[ "$output" == *"--min-time 2 is longer than --max-time 1"* ]]
}

@test "bench-run --timeout kills the whole process group: no orphan left" {
	run -1 bench-run -t 0.5 --kill-after 0.2 -w 0 -n 1 -o out.ndjson -- \
		sh -c 'sleep 987651 & sleep 987652'
	results | jq -e '.status == "failed" and .error.type == "timeout" and
		.error.signal == 15 and .error.command == ["sh", "-c",
		"sleep 987651 & sleep 987652"]'
	[[ "$output" == *"timeout"* ]]
	sleep 0.1
	run pgrep -f 'sleep 98765[12]'
	[ -z "$output" ]
}

@test "bench-run --timeout sends SIGKILL after the grace to what ignores SIGTERM" {
	run -1 bench-run -q -t 0.3 --kill-after 0.2 -w 0 -n 1 -o out.ndjson -- \
		sh -c 'trap "" TERM; while :; do :; done'
	results | jq -e '.error.type == "timeout" and .error.signal == 9'
}

@test "bench-run --timeout covers the whole combination, not one iteration" {
	run -1 bench-run -q -t 0.6 -w 0 -n 100 -o out.ndjson -- sleep 0.05
	results | jq -e '.error.type == "timeout" and .iterations >= 1 and
		.iterations < 100'
}

@test "bench-run names a crash by its signal" {
	run -1 bench-run -q -n 1 -o out.ndjson -- sh -c 'kill -SEGV $$'
	results | jq -e '.status == "failed" and .error.type == "crash" and
		.error.signal == 11 and .error.exit_code == null and
		(.error.message | test("SIGSEGV"))'
}

@test "bench-run calls an out-of-memory message in stderr oom" {
	run -1 bench-run -q -n 1 -o out.ndjson -- sh -c \
		'echo "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB" >&2; exit 1'
	results | jq -e '.error.type == "oom" and .error.exit_code == 1 and
		(.error.stderr_tail | test("CUDA out of memory"))'
}

@test "bench-run calls SIGKILL with the kernel's OOM count grown oom, else crash" {
	echo "oom_kill 3" >vmstat
	run -1 env BENCHPIPE_VMSTAT="$PWD/vmstat" bench-run -q -w 0 -n 1 -o out.ndjson \
		-- sh -c 'echo "oom_kill 4" >vmstat; kill -KILL $$'
	results | jq -e '.error.type == "oom" and .error.signal == 9 and
		(.error.message | test("OOM killer"))'
	run -1 env BENCHPIPE_VMSTAT="$PWD/vmstat" bench-run -q -w 0 -n 1 -o crash.ndjson \
		-- sh -c 'kill -KILL $$'
	results crash.ndjson | jq -e '.error.type == "crash" and .error.signal == 9'
}

@test "bench-run keeps the last 4 KiB of stderr of a failing command" {
	run -1 bench-run -q -n 1 -o out.ndjson -- sh -c \
		'i=0; while [ $i -lt 2000 ]; do echo "line $i of noise"; i=$((i+1)); done >&2; echo boom >&2; exit 3'
	results | jq -e '.error.type == "execution_error" and .error.exit_code == 3 and
		(.error.stderr_tail | length) <= 4096 and
		(.error.stderr_tail | length) > 4000 and
		(.error.stderr_tail | endswith("boom\n"))'
}

@test "bench-run drains a flood on stdout and stderr without blocking" {
	run -0 bench-run -q -w 0 -n 2 -o out.ndjson -- sh -c \
		'head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2'
	results | jq -e '.status == "ok" and .iterations == 2'
}

@test "bench-run reports a missing or unrunnable command as spawn_error" {
	run -1 bench-run -q -n 1 -o out.ndjson -- no-such-command-bp
	results | jq -e '.error.type == "spawn_error" and
		(.error.message | test("no-such-command-bp.*No such file"))'
	run -1 bench-run -q -n 1 -o x.ndjson -- ./no/such/path
	results x.ndjson | jq -e '.error.type == "spawn_error"'
	printf 'data\n' >notexec
	run -1 bench-run -q -n 1 -o ne.ndjson -- ./notexec
	results ne.ndjson | jq -e '.error.type == "spawn_error" and
		(.error.message | test("Permission denied"))'
	run -1 bench-run -q -n 1 --shell -o sh.ndjson -- no-such-command-bp
	results sh.ndjson | jq -e '.error.type == "spawn_error" and .error.exit_code == 127'
}

@test "bench-run records a non-zero exit as execution_error and goes on" {
	run -1 bench-run -w 0 -n 1 -p code=0,4,0 -o out.ndjson -- sh -c 'exit {code}'
	[ "$(results | jq -r .status | tr '\n' ' ')" = "ok failed ok " ]
	results | jq -c 'select(.status == "failed")' | jq -e '
		.error.type == "execution_error" and .error.exit_code == 4 and
		.error.signal == null'
	[[ "$output" == *"sh code=4: execution_error: exit status 4"* ]]
}

@test "bench-run skips a backend this host lacks, exit 0" {
	[ -e /proc/driver/nvidia/version ] && skip "an NVIDIA driver is loaded here"
	run -0 bench-run -b cuda -n 1 -o out.ndjson -- true
	results | jq -e '.status == "skipped" and .error.type == "unsupported" and
		.iterations == 0'
	[ "$(samples | wc -l)" -eq 0 ]
}

@test "bench-run --protocol ndjson turns reported lines into samples" {
	cat >prog.sh <<'EOF'
echo '{"latency_ms": 9, "phase": "warmup"}' >&$BENCH_FD
echo "{\"latency_ms\": 2.5, \"items\": 4, \"tokens\": 10, \"note\": \"a\", \"run_id\": \"x\"}" >&3
echo '{"latency_ms": 1.5, "items": 4, "tokens": 30, "nested": {"a": [1, 2]}}' >&3
echo '{"event": "result", "accuracy_pct": 90.5, "check": {"ok": true, "rel_err": 0}}' >&3
echo "$BENCH_WARMUP $BENCH_ITERATIONS" >env.txt
echo "this is stdout"
EOF
	run -0 bench-run --protocol ndjson -w 2 -n 7 -o out.ndjson -- sh prog.sh
	[ "$(cat env.txt)" = "2 7" ]
	[ "$(samples | wc -l)" -eq 2 ]
	samples | jq -e '.phase == "measure" and .items == 4 and (.run_id != "x")'
	samples | jq -s -e '.[0].note == "a" and .[1].nested == {"a": [1, 2]} and
		.[0].iter == 0 and .[1].iter == 1'
	results | jq -e '.protocol == "ndjson" and .iterations == 2 and .warmups == 1 and
		.metrics.latency_ms.mean == 2 and .metrics.tokens.max == 30 and
		.throughput.items_per_s == 2000 and .throughput.tokens_per_s == 10000 and
		.accuracy_pct == 90.5 and .check.ok == true'
}

@test "bench-run --protocol ndjson: a garbage line is a parse_error that quotes it" {
	run -1 bench-run -q --protocol ndjson -o out.ndjson -- sh -c \
		'echo "{\"latency_ms\": 1}" >&3; echo "not json at all" >&3; sleep 987653'
	results | jq -e '.status == "failed" and .error.type == "parse_error" and
		.iterations == 1 and (.error.message | test("line 2: .*not json at all"))'
	run pgrep -f 'sleep 987653'
	[ -z "$output" ]
}

@test "bench-run --protocol ndjson: a last line without its newline is quoted alone" {
	run -1 bench-run -q --protocol ndjson -o out.ndjson -- sh -c \
		'printf "{\"latency_ms\":1,\"pad\":\"xxxxxxxxxxxxxxxx\"}\ngarb" >&3'
	results | jq -e '.error.type == "parse_error" and
		(.error.message | test("line 2: .*garb$")) and
		(.error.message | test("pad|xxx") | not)'
}

@test "bench-run --protocol ndjson: what a command leaves behind cannot flood it for ever" {
	# many fields a line keep the reader slower than yes
	line=$(printf '"m%d":1.5,' $(seq 50))
	line="{${line}\"latency_ms\":1}"
	run -0 timeout 20 bench-run -q --protocol ndjson -t 0 -o /dev/null -- \
		sh -c 'echo "$0" >&3; yes "$0" >&3 & sleep 0.1' "$line"
}

@test "bench-run --protocol ndjson refuses lines without a latency or with bad values" {
	for line in '{"items": 3}' '{"latency_ms": "fast"}' '{"latency_ms": -1}' \
		'[1, 2]' '{"latency_ms": 1, "phase": "later"}' '{"latency_ms": 1e999}' \
		'{"event": "bogus"}' '{"latency_ms": 1} trailing'; do
		printf '%s\n' "$line" >line.json
		run -1 bench-run -q --protocol ndjson -o out.ndjson -- sh -c 'cat line.json >&3'
		results | tail -1 | jq -e '.error.type == "parse_error"' ||
			{ echo "accepted: $line"; false; }
	done
}

@test "bench-run --protocol ndjson without a measured line is a parse_error" {
	run -1 bench-run -q --protocol ndjson -o out.ndjson -- sh -c 'echo hello'
	results | jq -e '.error.type == "parse_error" and
		(.error.message | test("no measured iteration"))'
}

@test "bench-run --protocol ndjson: an error event names the failure" {
	run -0 bench-run -q --protocol ndjson -o out.ndjson -- sh -c \
		'echo "{\"event\":\"error\",\"type\":\"unsupported\",\"message\":\"no torch\"}" >&3'
	results | jq -e '.status == "skipped" and .error.message == "no torch"'
	run -1 bench-run -q --protocol ndjson -o wr.ndjson -- sh -c \
		'echo "{\"latency_ms\":1}" >&3; echo "{\"event\":\"error\",\"type\":\"wrong_result\",\"message\":\"bad sum\"}" >&3'
	results wr.ndjson | jq -e '.status == "failed" and .error.type == "wrong_result"'
}

@test "bench-run --protocol ndjson takes many lines with bounded memory" {
	run -0 bench-run -q --protocol ndjson --summary-only -o out.ndjson -- sh -c \
		'yes "{\"latency_ms\":1.25,\"items\":2}" | head -n 200000 >&3'
	results | jq -e '.iterations == 200000 and .metrics.latency_ms.p50 == 1.25 and
		.peak_rss_mb > 0'
}

@test "the Python helper speaks the ndjson protocol" {
	cat >prog.py <<'EOF'
import os, sys
sys.path.insert(0, os.environ["BENCHPIPE_DATADIR"])
import benchpipe_protocol as bp
for i in range(bp.WARMUP + bp.ITERATIONS):
    with bp.iteration(warmup=i < bp.WARMUP, items=8):
        sum(range(1000))
bp.result(accuracy_pct=99.0)
EOF
	run -0 bench-run --protocol ndjson -w 1 -n 4 -o out.ndjson -- python3 prog.py
	[ "$(samples | wc -l)" -eq 4 ]
	results | jq -e '.status == "ok" and .iterations == 4 and .warmups == 1 and
		.accuracy_pct == 99 and .throughput.items_per_s > 0'
}

@test "the PyTorch example runs, or is skipped without torch" {
	run -0 bench-run --protocol ndjson -m mlp-infer -p batch=1,32 -n 3 -o out.ndjson \
		-- "$BP_PY" "$BP_SRC/examples/pytorch/mlp_infer.py" --batch {batch}
	if "$BP_PY" -c 'import torch' 2>/dev/null; then
		results | jq -e '.status == "ok" and .throughput.items_per_s > 0'
	else
		results | jq -e '.status == "skipped" and (.error.message | test("torch"))'
	fi
}

@test "the PyTorch transformer example sweeps batch sizes, or is skipped" {
	run -0 bench-run --protocol ndjson -m transformer -p batch=1,4 -n 2 \
		-o out.ndjson -- "$BP_PY" "$BP_SRC/examples/pytorch/transformer_infer.py" \
		--batch {batch} --seq 16 --layers 1 --d-model 32 --vocab 128
	[ "$(results | jq -s length)" -eq 2 ]
	if "$BP_PY" -c 'import torch' 2>/dev/null; then
		results | jq -e '.status == "ok" and .check.ok and
			.throughput.items_per_s > 0'
		jq -s -e 'map(select(.kind == "sample")) |
			length == 4 and all(.tokens == .items * 16)' out.ndjson
	else
		results | jq -e '.status == "skipped" and (.error.message | test("torch"))'
	fi
}

@test "bench-run: SIGINT writes the partial result as interrupted, exit 130" {
	bench-run -w 0 -n 1000 -o out.ndjson -- sleep 0.02 &
	pid=$!
	wait_for out.ndjson '"iter":1,'
	kill -INT $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 130 ]
	results | jq -e '.status == "interrupted" and .iterations >= 2 and
		.iterations < 1000 and .metrics.latency_ms.n == .iterations'
}

@test "bench-run: SIGTERM stops the command, exit 143, nothing left running" {
	bench-run --protocol ndjson -o out.ndjson -- sh -c \
		'echo "{\"latency_ms\": 1}" >&3; sleep 987654' &
	pid=$!
	wait_for out.ndjson sample
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	[ "$rc" -eq 143 ]
	results | jq -e '.status == "interrupted" and .iterations == 1'
	run pgrep -f 'sleep 987654'
	[ -z "$output" ]
}

@test "bench-run --retries re-runs a transient failure, each attempt recorded" {
	run -0 bench-run -q -w 0 -n 1 --retries 2 -o out.ndjson -- \
		sh -c 'test -f flag || { touch flag; exit 1; }'
	[ "$(results | jq -c '[.attempt, .status, .retried]' | tr '\n' ' ')" = '[1,"failed",true] [2,"ok",null] ' ]
	run -1 bench-run -q -n 1 --retries 2 -o spawn.ndjson -- no-such-command-bp
	[ "$(results spawn.ndjson | wc -l)" -eq 1 ]
	run -1 bench-run -q -w 0 -n 1 --retries 1 -o twice.ndjson -- false
	[ "$(results twice.ndjson | jq -r .status | tr '\n' ' ')" = "failed failed " ]
}

@test "bench-run --prepare runs before each iteration, untimed, and can fail" {
	run -0 bench-run -w 1 -n 3 -p v=a --prepare 'echo {v} >>prep.txt' -o out.ndjson -- true
	[ "$(cat prep.txt | tr '\n' ' ')" = "a a a a " ]
	run -1 bench-run -q -n 1 --prepare 'exit 5' -o fail.ndjson -- true
	results fail.ndjson | jq -e '.error.type == "execution_error" and
		.error.exit_code == 5 and .error.command == ["sh", "-c", "exit 5"] and
		(.error.message | test("prepare"))'
}

@test "bench-run --shell runs the command through sh -c" {
	run -0 bench-run --shell -w 0 -n 1 -p n=3 -o out.ndjson -- 'seq {n} |' wc -l
	results | jq -e '.command == ["sh", "-c", "seq 3 | wc -l"] and .model == "seq"'
}

@test "bench-run names a command's model by its base name unless -m is given" {
	bench-run -n 1 --summary-only -o out.ndjson -- /bin/true
	bench-run -n 1 --summary-only -m mine -o out.ndjson -- /bin/true
	[ "$(results | jq -r .model | tr '\n' ' ')" = "true mine " ]
}

@test "bench-run --monitor-records writes a time series of the run" {
	run -0 bench-run -w 0 -n 1 --monitor-records --monitor-interval 20 \
		-o out.ndjson -- sleep 0.2
	id=$(results | jq -r .run_id)
	[ "$(jq -c 'select(.kind == "monitor")' out.ndjson | wc -l)" -ge 2 ]
	jq -c 'select(.kind == "monitor")' out.ndjson | jq -e --arg id "$id" \
		'.run_id == $id and .t_s > 0 and (.rss_mb // 1) > 0 and .model == "sleep"'
	jq -s -e '[.[] | select(.kind == "monitor") | .rss_mb // empty] | length >= 1' out.ndjson
	run -2 bench-run --monitor-records --monitor-interval 0 -- true
}

@test "bench-run --cpu-bind binds the command; a bad CPU list is exit 2" {
	run -1 bench-run -q -w 0 -n 1 --cpu-bind 0 -o out.ndjson -- \
		sh -c 'grep Cpus_allowed_list /proc/self/status >&2; exit 1'
	results | jq -e '(.error.stderr_tail | test("Cpus_allowed_list:\\s+0\n")) and
		.cpu_bind == "0"'
	run -2 bench-run --cpu-bind 4096 -- true
	[[ "$output" == *"not among the CPUs"* ]]
	run -2 bench-run --cpu-bind junk -- true
}

@test "bench-run reads the CPU packages' energy counters (RAPL) when it can" {
	mkdir -p "pc/intel-rapl:0" "pc/intel-rapl:0:0"
	echo 1000000 >"pc/intel-rapl:0/energy_uj"
	echo 5000000 >"pc/intel-rapl:0/max_energy_range_uj"
	echo 7 >"pc/intel-rapl:0:0/energy_uj"
	BENCHPIPE_POWERCAP="$PWD/pc" bench-run -w 0 -n 1 -o out.ndjson -- \
		sh -c 'echo 3500000 >"pc/intel-rapl:0/energy_uj"'
	results | jq -e '.cpu_energy_j == 2.5'
	# a counter that wrapped round its range
	echo 4000000 >"pc/intel-rapl:0/energy_uj"
	BENCHPIPE_POWERCAP="$PWD/pc" bench-run -w 0 -n 1 -o wrap.ndjson -- \
		sh -c 'echo 500000 >"pc/intel-rapl:0/energy_uj"'
	results wrap.ndjson | jq -e '.cpu_energy_j == 1.5'
	BENCHPIPE_POWERCAP="$PWD/none" bench-run -w 0 -n 1 -o no.ndjson -- true
	results no.ndjson | jq -e 'has("cpu_energy_j") | not'
}

@test "bench-run -v writes a line per combination; no progress line in a pipe" {
	run -0 bench-run -v -w 0 -n 2 -p a=1,2 -o out.ndjson -- true
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "bench-run: [1/2] true a=1: ok, 2 iterations, latency_ms mean "* ]]
	run -0 bench-run -w 0 -n 2 -o out.ndjson -- true
	[ -z "$output" ]
}

@test "bench-run shows a progress line on a terminal, unless NO_COLOR or -q" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	NO_COLOR= script -qefc "bench-run -w 0 -n 3 -o out.ndjson -- sleep 0.15" \
		/dev/null >tty.txt
	grep -q "\[1/1\] sleep: iteration" tty.txt
	NO_COLOR=1 script -qefc "bench-run -w 0 -n 2 -o out.ndjson -- true" \
		/dev/null >tty.txt
	! grep -q "iteration" tty.txt
	NO_COLOR= script -qefc "bench-run -q -w 0 -n 2 -o out.ndjson -- true" \
		/dev/null >tty.txt
	! grep -q "iteration" tty.txt
}

@test "bench-run skips a built-in model's backend it does not have, exit 0" {
	model=$(bench-run --list-models | awk -F'\t' '!/^\t/ { print $1; exit }')
	[ -n "$model" ] || skip "no built-in model compiled in"
	run -0 bench-run -m "$model" -b no-such-backend -n 1 -o out.ndjson
	results | jq -e '.status == "skipped" and .error.type == "unsupported" and
		(.error.message | test("has no backend .no-such-backend.")) and
		.protocol == "builtin" and (has("command") | not)'
}

@test "bench-run -o appends and keeps stdout empty" {
	run -0 bench-run -n 1 -o out.ndjson -- true
	[ -z "$output" ]
	bench-run -n 1 -o out.ndjson -- true
	[ "$(results | wc -l)" -eq 2 ]
}

@test "bench-run with an unwritable -o exits 2 before running anything" {
	run -2 bench-run -n 1 -o /nonexistent/dir/out.ndjson -- touch ran
	[ "$output" = "bench-run: /nonexistent/dir/out.ndjson: No such file or directory" ]
	[ ! -e ran ]
	run -2 bench-run -n 1 -o /dev/full -- true
	[[ "$output" == "bench-run: /dev/full: No space left on device" ]]
	run -2 sh -c 'bench-run -n 1 -- true >/dev/full'
	[[ "$output" == "bench-run: stdout: No space left on device" ]]
}

@test "bench-run rejects bad params with exit 2 and says why" {
	run -2 bench-run -p novalue -- true
	[[ "${lines[0]}" == "bench-run: param 'novalue' is not KEY=V1,V2,..."* ]]
	run -2 bench-run -p a=1 -p a=2 -- true
	[[ "${lines[0]}" == "bench-run: param 'a' given twice"* ]]
	run -2 bench-run -p a=1,,2 -- true
	[ "${lines[0]}" = "bench-run: param 'a' has an empty value" ]
	run -2 bench-run -p 1a=1 -- true
	run -2 bench-run -n 0 -- true
	[ "${lines[0]}" = "bench-run: --iterations '0' is not a whole number >= 1" ]
	run -2 bench-run -t -1 -- true
	run -2 bench-run --runs x -- true
	run -2 bench-run --protocol http -- true
	[ "${lines[0]}" = "bench-run: --protocol 'http' is neither process nor ndjson" ]
}

@test "bench-run without a command needs a known built-in model" {
	run -2 bench-run
	[ "${lines[0]}" = "bench-run: no COMMAND and no built-in model (-m MODEL)" ]
	run -2 bench-run -m no-such-model
	[[ "${lines[0]}" == "bench-run: no built-in model 'no-such-model' (built-in models: "* ]]
	model=$(bench-run --list-models | awk -F'\t' '!/^\t/ { print $1; exit }')
	[ -n "$model" ] || skip "no built-in model compiled in"
	run -2 bench-run -m "$model" -p no_such_param=1
	[[ "${lines[0]}" == "bench-run: model $model has no param 'no_such_param'"* ]]
	run -2 bench-run -m "$model" --protocol ndjson
}

@test "bench-run --list-models lists each model with its params" {
	run -0 bench-run --list-models
	while IFS="$(printf '\t')" read -r name backends rest; do
		[ -n "$name" ] || continue
		[[ "$backends" == *cpu* ]]
	done <<<"$(echo "$output" | grep -v "^$(printf '\t')")"
}

@test "bench-run rejects an unknown option with usage and exit 2" {
	run -2 bench-run --bogus
	[[ "${lines[0]}" == *"unrecognized option"* ]]
	[[ "$output" == *"usage: bench-run"* ]]
}

@test "bench-run --help goes to stdout and exits 0" {
	run -0 bench-run --help
	[[ "${lines[0]}" == "usage: bench-run"* ]]
	[[ "$output" == *"--protocol process|ndjson"* ]]
	[[ "$output" == *"Exit status:"* ]]
}

@test "bench-run --version names the version" {
	run -0 bench-run --version
	[[ "$output" =~ ^bench-run\ \(benchpipe\)\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "bench-run man page examples run" {
	run -0 sh -c "bench-run -m sleepy -b cpu -p s=0.001,0.005 -n 20 -- sleep {s} |
		jq -c 'select(.kind == \"result\") | [.params.s, .metrics.latency_ms.mean]'"
	[ "${#lines[@]}" -eq 2 ]
	printf '#!/bin/sh\nexit 0\n' >bench-old
	cp bench-old bench-new
	chmod +x bench-old bench-new
	run -0 sh -c 'bench-run --runs 5 --interleave --label commit=abc -p impl=old,new \
		-n 30 -- ./bench-{impl} >out.ndjson'
	[ "$(results | wc -l)" -eq 10 ]
	printf '#!/bin/sh\nexit 0\n' >train.sh
	chmod +x train.sh
	run -0 bench-run -t 60 --retries 1 -- ./train.sh
}

@test "bench-run --help and --version to a full disk exit 2 with a message" {
	run -2 sh -c 'bench-run --help >/dev/full'
	[[ "$output" == "bench-run: stdout: No space left on device" ]]
	run -2 sh -c 'bench-run --version >/dev/full'
	[[ "$output" == "bench-run: stdout: No space left on device" ]]
}
