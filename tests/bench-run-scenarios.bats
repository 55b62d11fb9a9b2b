#!/usr/bin/env bats
# bench-run --scenario: LoadGen's scenarios against the pipe SUT (python3
# test SUTs in tests/sut/, well-behaved and broken), an OpenAI-like HTTP
# server and the built-in tinylm.  Runs are short (--min-duration 0.3
# --min-queries 20); nothing here asserts a speed.

load helper

SUT="$BP_SRC/tests/sut/pipe-sut.py"
FAST=(--min-duration 0.3 --min-queries 20)

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	if bench-run --help 2>/dev/null | grep -q -- --scenario; then
		BR=(bench-run)
	elif [ -x "$BP_BUILD/tests/unit/scenario" ]; then
		# the engine's own driver, until bench-run is wired
		BR=("$BP_BUILD/tests/unit/scenario")
	else
		skip "bench-run --help has no --scenario yet (not wired into main.c)"
	fi
}

teardown() {
	if [ -f server.pid ]; then
		kill "$(cat server.pid)" 2>/dev/null || true
	fi
}

# result FILTER: the jq filter over the one result record of out.ndjson
result() {
	jq -e "select(.kind == \"result\") | $1" out.ndjson
}

start_server() {
	python3 "$BP_SRC/tests/sut/openai-server.py" port "${1:-0.001}" &
	echo $! >server.pid
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	[ -s port ]
	URL="http://127.0.0.1:$(cat port)"
}

@test "bench-run server runs against a pipe SUT and reports the scenario" {
	run -0 "${BR[@]}" --scenario server --target-qps 100 "${FAST[@]}" \
		--wait-ready -o out.ndjson -- python3 "$SUT"
	result '.status == "ok" and .scenario.name == "server"'
	result '.scenario.samples == .scenario.queries and .scenario.queries == .scenario.scheduled_queries'
	result '.scenario.validity | has("valid") and has("min_duration_met") and has("min_queries_met") and has("constraints_met") and has("early_stopping_met")'
	# 20-odd queries are too few for early stopping at p99: said why
	result '.scenario.validity.valid == false and (.scenario.validity.reasons | length > 0)'
	result '.scenario.latency_ms | has("p50") and has("p90") and has("p95") and has("p97") and has("p99") and has("p999")'
	result '.scenario.headline.metric == "samples_per_s" and .scenario.throughput.samples_per_s > 0'
	result '.scenario.percentile_method == "interpolated" and .scenario.schedule == "poisson"'
}

@test "bench-run --scenario: a pipe SUT inherits no fd of ours beyond 0 to 3" {
	run -0 "${BR[@]}" --scenario single-stream "${FAST[@]}" -o out.ndjson \
		-- sh -c 'if [ -e /proc/$$/fd/7 ]; then echo 7 >leaked; fi
			exec python3 "$0"' "$SUT" 7>/dev/null
	[ ! -e leaked ]
}

@test "bench-run single-stream, multi-stream and offline run against a pipe SUT" {
	run -0 "${BR[@]}" --scenario single-stream "${FAST[@]}" -o out.ndjson \
		-- python3 "$SUT"
	result '.status == "ok" and .scenario.samples == .scenario.queries and .scenario.queries >= 20'
	result '.scenario.headline.metric == "p90_latency_ms"'
	rm out.ndjson
	run -0 "${BR[@]}" --scenario multi-stream --samples-per-query 4 \
		"${FAST[@]}" -o out.ndjson -- python3 "$SUT"
	result '.scenario.samples == 4 * .scenario.queries and .scenario.query_latency_ms.n == .scenario.queries'
	result '.scenario.headline.metric == "p99_query_latency_ms"'
	rm out.ndjson
	run -0 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 50 \
		-o out.ndjson -- python3 "$SUT"
	result '.scenario.queries == 1 and .scenario.samples == 50 and .scenario.validity.valid'
}

@test "bench-run token mode: TTFT, TPOT and ITL from a streaming pipe SUT" {
	SUT_TOKENS=4 run -0 "${BR[@]}" --scenario server --target-qps 50 \
		"${FAST[@]}" --tpot-limit 500 --ttft-limit 500 -o out.ndjson \
		-- python3 "$SUT"
	result '.scenario.token_mode and .scenario.tokens == 4 * .scenario.samples'
	result '.scenario.ttft_ms.n == .scenario.samples and .scenario.tpot_ms.min >= 0'
	result '.scenario.itl_ms.n == 3 * .scenario.samples'
	result '.scenario.headline.metric == "tokens_per_s" and .scenario.goodput.slo.ttft_ms == 500'
	result '.scenario.early_stopping | has("ttft") and has("tpot")'
}

@test "bench-run makes a one-token sample an error, never a negative TPOT" {
	run -1 "${BR[@]}" --scenario single-stream "${FAST[@]}" -o out.ndjson \
		-- python3 "$SUT" onetoken
	result '.status == "failed" and .error.type == "wrong_result"'
	result '.scenario.errors.wrong_result == .scenario.samples_issued'
	result '(.scenario.tpot_ms // {min: 0}).min >= 0'
}

@test "bench-run fails the samples of a hanging SUT as timeouts and ends" {
	run -1 "${BR[@]}" --scenario single-stream "${FAST[@]}" \
		--sample-timeout 0.3 -o out.ndjson -- python3 "$SUT" hang
	result '.status == "failed" and .error.type == "timeout"'
	result '.scenario.errors.timeout == 1 and .scenario.samples == 0'
	result '.warnings | any(test("terminated"))'
}

@test "bench-run reports a SUT that crashes mid-run" {
	run -1 "${BR[@]}" --scenario server --target-qps 200 "${FAST[@]}" \
		-o out.ndjson -- python3 "$SUT" crash
	result '.status == "failed" and .error.type == "crash" and .error.signal == 11'
	result '.error.stderr_tail | test("about to crash")'
	result '.scenario.samples == 4 and .scenario.errors.crash >= 1'
	result '.error.command[0] == "python3"'
}

@test "bench-run reports a SUT that exits mid-run with its status" {
	run -1 "${BR[@]}" --scenario single-stream "${FAST[@]}" -o out.ndjson \
		-- python3 "$SUT" exit
	result '.status == "failed" and .error.type == "execution_error" and .error.exit_code == 3'
}

@test "bench-run ignores answers for unknown ids and counts them" {
	run -0 "${BR[@]}" --scenario single-stream "${FAST[@]}" -o out.ndjson \
		-- python3 "$SUT" unknown
	result '.status == "ok" and .scenario.protocol.unknown_ids == .scenario.samples'
	result '.scenario.protocol.invalid_lines == .scenario.samples'
	result '.warnings | any(test("never issued")) and any(test("not JSON"))'
}

@test "bench-run counts a double answer once" {
	run -0 "${BR[@]}" --scenario server --target-qps 100 "${FAST[@]}" \
		-o out.ndjson -- python3 "$SUT" twice
	result '.status == "ok" and .scenario.samples == .scenario.queries'
	result '.scenario.protocol.duplicates == .scenario.samples'
}

@test "bench-run --wait-ready fails a SUT that never says it is ready" {
	run -1 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 5 \
		--wait-ready --sample-timeout 0.3 -o out.ndjson \
		-- python3 "$SUT" noready
	result '.status == "failed" and .error.type == "execution_error"'
	result '.error.message | test("ready")'
}

@test "bench-run reports a SUT command that does not exist as spawn_error" {
	run -1 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 5 \
		-o out.ndjson -- ./no-such-sut
	result '.status == "failed" and .error.type == "spawn_error"'
}

@test "bench-run --query-records writes one record per sample, times from the start" {
	run -0 "${BR[@]}" --scenario server --target-qps 100 "${FAST[@]}" \
		--query-records -o out.ndjson -- python3 "$SUT"
	n=$(jq -s '[.[] | select(.kind == "query")] | length' out.ndjson)
	[ "$n" -eq "$(result .scenario.samples)" ]
	jq -se 'map(select(.kind == "query")) | all(.latency_ms >= 0 and .issued_ms >= .scheduled_ms and .done_ms >= .issued_ms)' out.ndjson
	jq -se '[.[] | .run_id] | unique | length == 1' out.ndjson
	jq -se '[.[] | select(.kind == "query") | .scheduled_ms] | .[0] == 0' out.ndjson
}

@test "bench-run --schedule loadgen --percentile-method loadgen are recorded" {
	run -0 "${BR[@]}" --scenario server --target-qps 100 "${FAST[@]}" \
		--schedule loadgen --seed 7 --percentile-method loadgen \
		-o out.ndjson -- python3 "$SUT"
	result '.scenario.schedule == "loadgen" and .scenario.seed == 7 and .scenario.percentile_method == "loadgen"'
}

@test "bench-run drives an OpenAI-compatible server with streamed tokens" {
	start_server 0.001
	run -0 "${BR[@]}" --scenario server --target-qps 50 "${FAST[@]}" \
		--sut "openai:$URL" --model-name tiny --input-len 8 \
		--output-len 5 -o out.ndjson
	result '.status == "ok" and .scenario.sut == "openai" and .scenario.token_mode'
	result '.scenario.tokens == 5 * .scenario.samples and .scenario.samples == .scenario.queries'
	result '.scenario.ttft_ms.n == .scenario.samples and .scenario.itl_ms.n == 4 * .scenario.samples'
	rm out.ndjson
	run -0 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 30 \
		--sut "openai:$URL/v1" --output-len 3 -o out.ndjson
	result '.status == "ok" and .scenario.samples == 30 and .scenario.tokens == 90'
}

@test "bench-run reports HTTP errors and refused connections per sample" {
	start_server 0.001
	run -1 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 5 \
		--sut "openai:$URL/nowhere" --output-len 2 -o out.ndjson
	result '.status == "failed" and .error.type == "execution_error" and (.error.message | test("HTTP 404"))'
	rm out.ndjson
	run -1 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 3 \
		--sut openai:http://127.0.0.1:9 --output-len 2 -o out.ndjson
	result '.status == "failed" and .scenario.errors.execution_error == 3'
}

@test "bench-run serves tinylm in the server and offline scenarios with token metrics" {
	run -0 "${BR[@]}" -m tinylm -p d_model=32 -p layers=1 -p vocab=64 \
		-p ff=64 --scenario server --target-qps 40 "${FAST[@]}" \
		--input-len 8 --output-len 4 -o out.ndjson
	result '.status == "ok" and .scenario.sut == "tinylm" and .scenario.token_mode'
	result '.scenario.tokens == 4 * .scenario.samples and .scenario.tpot_ms.min >= 0'
	rm out.ndjson
	run -0 "${BR[@]}" -m tinylm -p d_model=32 -p layers=1 -p vocab=64 \
		-p ff=64 --scenario offline --min-duration 0 --min-queries 24 \
		--output-len 3 -o out.ndjson
	result '.scenario.samples == 24 and .scenario.tokens == 72 and .scenario.ttft_ms.n == 24'
}

@test "bench-run tinylm on the cuda backend is skipped as unsupported" {
	run -0 "${BR[@]}" -m tinylm -b cuda --scenario offline --min-duration 0 \
		--min-queries 2 -o out.ndjson
	result '.status == "skipped" and .error.type == "unsupported"'
}

@test "bench-run --find-peak writes a result per trial and names the peak" {
	run -0 "${BR[@]}" --scenario server --sut null --target-qps 100 \
		--min-duration 0.1 --min-queries 10 --find-peak --qps-precision 30 \
		--target-latency 0.000001 -o out.ndjson
	n=$(jq -s 'length' out.ndjson)
	[ "$n" -ge 2 ]
	jq -se 'all(.scenario.find_peak | has("trial") and has("lower_qps"))' out.ndjson
	jq -se '[.[] | select(.scenario.find_peak.final)] | length == 1' out.ndjson
	jq -se '.[-1].scenario.find_peak | .final and (.peak_qps | type == "number")' out.ndjson
}

@test "bench-run refuses bad scenario options with status 2" {
	run -2 "${BR[@]}" --scenario bogus --sut null
	[[ "$output" == *"--scenario: unknown value 'bogus'"* ]]
	run -2 "${BR[@]}" --scenario server --sut null
	[[ "$output" == *"needs --target-qps"* ]]
	run -2 "${BR[@]}" --scenario server --target-qps 10 --min-queries 0 --sut null
	[[ "$output" == *"--min-queries"* ]]
	run -2 "${BR[@]}" --scenario offline --find-peak --sut null
	[[ "$output" == *"--find-peak is for --scenario server"* ]]
	run -2 "${BR[@]}" --scenario server --target-qps 1 --sut bogus
	[[ "$output" == *"--sut"* ]]
}

@test "bench-run --prompts reads JSONL prompts and rejects a bad line" {
	printf '%s\n' '{"prompt": "hello"}' '{"prompt": [1, 2, 3], "max_tokens": 2}' >p.jsonl
	run -0 "${BR[@]}" -m tinylm -p d_model=32 -p layers=1 -p vocab=64 \
		-p ff=64 --scenario offline --min-duration 0 --min-queries 6 \
		--prompts p.jsonl -o out.ndjson
	result '.status == "ok" and .scenario.samples == 6'
	echo '{"text": 1}' >>p.jsonl
	run -2 "${BR[@]}" -m tinylm --scenario offline --prompts p.jsonl
	[[ "$output" == *"p.jsonl:3:"* ]]
}

@test "the PyTorch example SUT runs on the pipe protocol through bench_sut.py" {
	/usr/bin/python3 -c 'import torch' 2>/dev/null ||
		skip "Debian's python3-torch is not installed"
	run -0 "${BR[@]}" --scenario offline --min-duration 0 --min-queries 8 \
		--wait-ready --input-len 8 --output-len 4 -o out.ndjson \
		-- /usr/bin/python3 "$BP_SRC/examples/pytorch/sut_torch.py"
	result '.status == "ok" and .scenario.samples == 8 and .scenario.tokens == 32'
	result '.scenario.itl_ms.n == 24'
}

@test "bench-run refuses scenario options without --scenario" {
	run -2 "${BR[@]}" --target-qps 10 --sut null -m x -- true
	[[ "$output" == *"scenario options need --scenario"* ]]
}

@test "bench-run --max-async 1 issues a query only when the last one is done" {
	SUT_DELAY=0.005 run -0 "${BR[@]}" --scenario server --target-qps 400 \
		"${FAST[@]}" --max-async 1 --query-records -o out.ndjson \
		-- python3 "$SUT"
	jq -se '[.[] | select(.kind == "query")] as $q |
		[range(1; $q | length) | $q[.].issued_ms >= $q[. - 1].done_ms] | all' out.ndjson
	# the wait counts: latency from the scheduled time exceeds service
	result '.scenario.issue_delay_ms.max > 5 and .scenario.settings.max_async == 1'
}
