#!/usr/bin/env bats
# bench-trace: PyTorch profiler traces to tables that agree with TraceLens's
# own reports (../shared/traces/tracelens-h100/*_perf_report_csvs), and
# precise errors for everything that is not a trace.

load helper

H100="$BP_SHARED/traces/tracelens-h100"
BERT=gaunernst_bert-small-uncased__1016001
QWEN=Qwen_Qwen1.5-0.5B-Chat__1016005

# bench-trace reads a host record from stdin when stdin is a pipe: give it
# none, so a silent pipe from the harness is never waited on.
setup_file() {
	exec </dev/null
	[ -d "$H100" ] || return 0
	for m in $BERT $QWEN; do
		bench-trace "$H100/$m.json.gz" >"$BATS_FILE_TMPDIR/$m.ndjson"
		bench-trace --by-shape -t op "$H100/$m.json.gz" \
			>"$BATS_FILE_TMPDIR/$m.shape.ndjson"
	done
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	exec </dev/null
}

need_traces() {
	[ -d "$BP_SHARED/traces" ] || skip "no shared traces in $BP_SHARED"
}

# agree TABLE [SUFFIX]: the TraceLens CSV of both reference traces against
# bench-trace's records.
agree() {
	need_traces
	for m in $BERT $QWEN; do
		csv="$H100/${m}_perf_report_csvs/$1.csv"
		[ -f "$csv" ] || continue
		run -0 "$BP_PY" "$BP_SRC/tests/trace_agree.py" "$1" "$csv" \
			"$BATS_FILE_TMPDIR/$m${2:-}.ndjson"
		echo "$output"
	done
}

@test "bench-trace --help prints the usage on stdout and exits 0" {
	run -0 bench-trace --help
	[[ "${lines[0]}" == "usage: bench-trace [OPTIONS] TRACE ..." ]]
	[[ "$output" == *--by-shape* ]]
}

@test "bench-trace exits 2 on an unknown option, a bad number or no trace" {
	run -2 bench-trace --no-such-option x.json
	[[ "$output" == *usage:* ]]
	run -2 bench-trace --short-us ten x.json
	[[ "$output" == *"--short-us wants a number"* ]]
	run -2 bench-trace -t timeline,nonsense x.json
	[[ "$output" == *"unknown table 'nonsense'"* ]]
	run -2 bench-trace
	[[ "$output" == *"no trace given"* ]]
	run -2 bench-trace --diff only-one.json
	[[ "$output" == *"--diff wants two traces"* ]]
}

@test "gpu_timeline agrees with TraceLens on both H100 traces" {
	agree gpu_timeline
}

@test "ops_summary_by_category agrees with TraceLens" {
	agree ops_summary_by_category
}

@test "ops_summary agrees with TraceLens" {
	agree ops_summary
}

@test "ops_unique_args agrees with TraceLens (--by-shape)" {
	agree ops_unique_args .shape
}

@test "kernel_summary agrees with TraceLens" {
	agree kernel_summary
}

@test "short_kernels_summary and short_kernel_histogram agree with TraceLens" {
	agree short_kernels_summary
	agree short_kernel_histogram
}

@test "the GEMM and SDPA_fwd roofline tables agree with TraceLens" {
	agree GEMM
	agree SDPA_fwd
}

@test "unified_perf_summary agrees with TraceLens, rows in its order" {
	agree unified_perf_summary
}

@test "trace_unified covers every linked GPU event once" {
	need_traces
	# no collectives here: every linked kernel, memcpy and memset is below
	# exactly one row
	jq -se '([.[] | select(.kind == "trace_unified") | .kernels[].count]
		| add) == (.[] | select(.kind == "trace_info") | .gpu_linked)' \
		"$BATS_FILE_TMPDIR/$QWEN.ndjson"
	jq -se '[.[] | select(.kind == "trace_unified") | .pct] | add
		| . > 99.999 and . < 100.001' "$BATS_FILE_TMPDIR/$QWEN.ndjson"
}

@test "trace_unified makes a synthetic op of a kernel no taken op covers" {
	need_traces
	run -0 bench-trace -t unified,info \
		"$BP_SHARED"/traces/multirank-dlrm/worker0_step_12.*.json.gz
	# aten::index passes through (a CPU op below it has a model); the
	# kernel it launches itself is a row of its own, one kernel a call
	jq -se 'map(select(.kind == "trace_unified" and
		(.name | startswith("aten::index->")) and
		(.name | endswith(" (Synthetic Op)")))) | length == 1 and
		(.[0] | .has_perf_model == false and
		([.kernels[].count] | add) == .count)' <<<"$output"
	# collectives are left out: fewer kernels than linked
	jq -se '([.[] | select(.kind == "trace_unified") | .kernels[].count]
		| add) < (.[] | select(.kind == "trace_info") | .gpu_linked)' \
		<<<"$output"
	jq -se 'all(.[] | select(.kind == "trace_unified");
		.kernels | all(.name | test("nccl"; "i") | not))' <<<"$output"
}

@test "trace_unified: a CPU-only trace has no GPU work to list" {
	need_traces
	run -0 bench-trace -t unified "$BP_SHARED/traces/cpu/mlp_train_cpu.kineto.json.gz"
	[ -z "$output" ]
}

@test "every table agrees with TraceLens on an sglang decode, a prefill and a DLRM training trace" {
	need_traces
	ref="$BP_GOLDEN/tracelens"
	for pair in sglang_Qwen3-8B_decode:inference/sglang_Qwen3-8B_decode.json.gz \
	    sglang_Qwen3-8B_prefilldecode:inference/sglang_Qwen3-8B_prefilldecode.json.gz \
	    dlrm_worker0:multirank-dlrm/worker0_step_12.1694128201545.pt.trace.json.gz; do
		name=${pair%%:*} trace="$BP_SHARED/traces/${pair#*:}"
		bench-trace "$trace" >all.ndjson
		bench-trace --by-shape -t op "$trace" >shape.ndjson
		n=0
		for csv in "$ref/$name"/*.csv.gz; do
			table=$(basename "$csv" .csv.gz)
			nd=all.ndjson
			[ "$table" = ops_unique_args ] && nd=shape.ndjson
			run -0 "$BP_PY" "$BP_SRC/tests/trace_agree.py" "$table" "$csv" "$nd"
			echo "$name: $output"
			n=$((n + 1))
		done
		[ "$n" -ge 8 ]
	done
}

@test "the elementwise, normalization and reduce tables agree with TraceLens" {
	agree UnaryElementwise
	agree BinaryElementwise
	agree Normalization
	agree Reduce_fwd
}

@test "every shared trace gives complete tables" {
	need_traces
	for f in "$BP_SHARED"/traces/*/*.json*; do
		bench-trace "$f" >out.ndjson || { echo "failed: $f"; false; }
		jq -se 'map(select(.kind == "trace_info"))[0].complete' out.ndjson >/dev/null ||
			{ echo "incomplete: $f"; false; }
		for k in trace_timeline trace_category trace_op; do
			jq -se --arg k "$k" 'map(select(.kind == $k)) | length > 0' \
				out.ndjson >/dev/null || { echo "no $k: $f"; false; }
		done
		if jq -se 'map(select(.kind == "trace_info"))[0].gpu_events > 0' \
			out.ndjson >/dev/null; then
			for k in trace_kernel trace_short_hist; do
				jq -se --arg k "$k" 'map(select(.kind == $k)) | length > 0' \
					out.ndjson >/dev/null || { echo "no $k: $f"; false; }
			done
		fi
	done
}

@test "the legacy autograd.profiler export reads like the kineto one" {
	need_traces
	cpu="$BP_SHARED/traces/cpu"
	run -0 bench-trace -t info,op "$cpu/mlp_train_cpu.legacy.json"
	echo "$output" | jq -se 'map(select(.kind == "trace_info"))[0].format == "legacy"'
	legacy=$(echo "$output" | jq -s 'map(select(.name == "aten::addmm"))[0].count')
	kineto=$(bench-trace -t op "$cpu/mlp_train_cpu.kineto.json.gz" |
		jq -s 'map(select(.name == "aten::addmm"))[0].count')
	[ "$legacy" -gt 0 ] && [ "$legacy" = "$kineto" ]
}

@test "a CPU-only trace is summarised by CPU self time" {
	need_traces
	run -0 bench-trace -t category,op "$BP_SHARED/traces/cpu/conv_train_cpu.kineto.json"
	echo "$output" | jq -se 'all(.basis == "cpu")'
	echo "$output" | jq -se 'map(select(.kind == "trace_category")) | (map(.pct) | add) - 100 | fabs < 1e-6'
	echo "$output" | jq -se 'any(.kind == "trace_op" and .name == "aten::convolution_backward")'
}

@test "records carry the envelope, the trace and its rank" {
	need_traces
	run -0 bench-trace -l commit=abc -t timeline "$H100/$BERT.json.gz"
	echo "$output" | jq -e '.kind == "trace_timeline" and .schema == 1 and
		.rank == 0 and .labels.commit == "abc" and (.trace | endswith(".json.gz")) and
		(.ts | test("^[0-9-]+T[0-9:.]+Z$"))'
}

@test "-t writes only the tables asked for" {
	need_traces
	run -0 bench-trace -t kernel,short "$H100/$BERT.json.gz"
	echo "$output" | jq -se 'map(.kind) | unique == ["trace_kernel", "trace_short_hist", "trace_short_kernel"]'
}

@test "a trace reads from stdin, gzip or not" {
	need_traces
	a=$(bench-trace -t timeline "$H100/$BERT.json.gz" | jq .busy_ms)
	b=$(bench-trace -t timeline - <"$H100/$BERT.json.gz" | jq .busy_ms)
	c=$(gzip -dc "$H100/$BERT.json.gz" | bench-trace -t timeline - | jq .busy_ms)
	[ "$a" = "$b" ] && [ "$a" = "$c" ]
}

@test "bench-trace exits 2 with the offset on corrupt JSON" {
	printf '{"traceEvents": [{"ph": "X", "name": "a", "ts": 1,, "cat": "cpu_op"}]}' >c.json
	run -2 bench-trace c.json
	[ "$output" = "bench-trace: c.json: offset 50: expected a key string, found ','" ]
	printf '{"traceEvents": [{"ph": "X", "name": "a\001", "ts": 1}]}' >ctl.json
	run -2 bench-trace ctl.json
	[ "$output" = "bench-trace: ctl.json: offset 39: control character (byte 0x01) in a string" ]
	printf '{"traceEvents": [{"ts": 01}]}' >z.json
	run -2 bench-trace z.json
	[ "$output" = "bench-trace: z.json: offset 24: number with a leading zero" ]
	printf '{"traceEvents": [{"ts": NaN}]}' >n.json
	run -2 bench-trace n.json
	[ "$output" = "bench-trace: n.json: offset 24: invalid value: 'N'" ]
	printf '{"traceEvents": []} x' >t.json
	run -2 bench-trace t.json
	[ "$output" = "bench-trace: t.json: offset 20: unexpected 'x' after the trace" ]
}

@test "bench-trace exits 2 on a truncated trace, plain or gzip" {
	need_traces
	gzip -dc "$H100/$BERT.json.gz" | head -c 600000 >cut.json
	run -2 bench-trace cut.json
	[[ "$output" == "bench-trace: cut.json: offset 600000: unexpected end of input inside the event that starts at offset "*" (truncated trace?)" ]]
	head -c 30000 "$H100/$BERT.json.gz" >cut.json.gz
	run -2 bench-trace cut.json.gz
	[[ "$output" == "bench-trace: cut.json.gz: offset "*": gzip: unexpected end of file (truncated file?)" ]]
	printf '\037\213\010\000garbage' >bad.json.gz
	run -2 bench-trace bad.json.gz
	[[ "$output" == "bench-trace: bad.json.gz: offset 0: gzip: "* ]]
}

@test "bench-trace exits 2 on empty, non-JSON and non-trace input" {
	: >empty.json
	run -2 bench-trace empty.json
	[ "$output" = "bench-trace: empty.json: offset 0: empty file, not a trace" ]
	echo 'name,dur' >x.csv
	run -2 bench-trace x.csv
	[ "$output" = "bench-trace: x.csv: offset 0: not a JSON trace: expected '{' or '[', found 'n'" ]
	echo '{"kind": "host", "schema": 1}' >host.json
	run -2 bench-trace host.json
	[ "$output" = "bench-trace: host.json: offset 29: no \"traceEvents\" array: not a PyTorch profiler trace" ]
	echo '{"traceEvents": {}}' >obj.json
	run -2 bench-trace obj.json
	[ "$output" = "bench-trace: obj.json: offset 16: traceEvents is not an array" ]
	echo '[1, 2]' >nums.json
	run -2 bench-trace nums.json
	[ "$output" = "bench-trace: nums.json: offset 1: expected an event object, found '1'" ]
	run -2 bench-trace missing.json
	[ "$output" = "bench-trace: missing.json: No such file or directory" ]
}

@test "--lenient reports what came before the error, with a warning" {
	need_traces
	gzip -dc "$H100/$QWEN.json.gz" | head -c 5000000 >cut.json
	run -0 --separate-stderr bench-trace --lenient -t info,timeline cut.json
	[[ "$stderr" == *"cut.json: offset 5000000: unexpected end of input"*"reporting the "*" events read before it"* ]]
	echo "$output" | jq -se '.[0].complete == false and .[0].events > 1000'
	echo "$output" | jq -se '.[1].gpu_events >= 0'
	: >empty.json
	run -2 bench-trace --lenient empty.json
}

@test "bench-trace exits 2 when the output cannot be written" {
	need_traces
	[ -w /dev/full ] || skip "no /dev/full"
	run -2 bench-trace -t timeline -o /dev/full "$H100/$BERT.json.gz"
	[[ "$output" == *"/dev/full"* ]]
}

@test "a multi-rank job: ranks from distributedInfo, stragglers and collectives" {
	need_traces
	run -0 bench-trace -b "$BP_SHARED/traces/multirank-dlrm" -p 'worker*.pt.trace.json.gz' \
		-t timeline,collective,phase
	echo "$output" | jq -se '[.[] | select(.kind == "trace_rank") | .rank] == [0,1,2,3,4,5,6,7]'
	echo "$output" | jq -se '[.[] | select(.kind == "trace_rank" and .slowest)] | length == 1'
	echo "$output" | jq -se '[.[] | select(.kind == "trace_straggler")] | length == 8'
	echo "$output" | jq -se '[.[] | select(.kind == "trace_collective_sync")] | length == 8 and all(.ranks_matched == 8)'
	echo "$output" | jq -se '[.[] | select(.kind == "trace_collective_sync")] | all(.wait_us | to_entries | map(.value) | min == 0)'
	echo "$output" | jq -se 'map(select(.kind == "trace_straggler_step")) | .[0].step == "ProfilerStep#10" and .[0].ranks_with_step == 8'
	# each rank's collectives: exposed time never exceeds the time
	echo "$output" | jq -se 'map(select(.kind == "trace_collective")) | length == 16 and all(.exposed_ms <= .time_ms)'
}

@test "traces named as arguments are analysed one by one" {
	need_traces
	run -0 bench-trace -t timeline,collective "$BP_SHARED"/traces/multirank-dlrm/worker[01]*
	echo "$output" | jq -se 'map(.kind) | unique == ["trace_collective", "trace_timeline"]'
	echo "$output" | jq -se '[.[] | select(.kind == "trace_timeline") | .rank] == [0, 1]'
}

@test "traces without flow events still link kernels to launches" {
	need_traces
	run -0 bench-trace -t info "$BP_SHARED/traces/multirank-hta/sampled_rank-0.json.gz"
	echo "$output" | jq -e '.by_category.ac2g == 0 and .gpu_linked > 1000 and .world_size == 128'
}

@test "serving traces are split into decode and prefill phases" {
	need_traces
	run -0 bench-trace -t phase "$BP_SHARED/traces/inference/sglang_Qwen3-8B_decode.json.gz"
	echo "$output" | jq -se 'map(select(.kind == "trace_step"))[0] | .phase == "decode" and .requests == 32'
	echo "$output" | jq -se 'map(select(.kind == "trace_phase")) | length == 1 and .[0].busy_ms > 0'
	echo "$output" | jq -se 'map(select(.kind == "trace_phase_category")) | (map(.pct) | add) - 100 | fabs < 1e-6'
	run -0 bench-trace -t phase "$BP_SHARED/traces/inference/sglang_Qwen3-8B_prefilldecode.json.gz"
	echo "$output" | jq -se 'map(select(.kind == "trace_step"))[0] | .phase == "prefill" and .tokens == 15360'
}

@test "--diff of a trace with itself changes nothing" {
	need_traces
	run -0 bench-trace --diff "$H100/$BERT.json.gz" "$H100/$BERT.json.gz"
	echo "$output" | jq -se 'length > 10 and all(.kind == "trace_diff" and .delta_ms == 0)'
	echo "$output" | jq -se 'any(.table == "category" and .key == "GEMM")'
}

@test "--diff says which ops moved between two traces" {
	need_traces
	run -0 bench-trace --diff -n 5 "$H100/$BERT.json.gz" "$H100/$QWEN.json.gz"
	echo "$output" | jq -se '[.[] | select(.table == "op")] | length == 5'
	echo "$output" | jq -se 'map(select(.table == "timeline" and .key == "total"))[0] | .current_ms > .base_ms and .change_pct > 0'
}

@test "--filter keeps only the matching ops and kernels" {
	need_traces
	run -0 bench-trace -f '^GEMM$' -t category,timeline "$H100/$BERT.json.gz"
	echo "$output" | jq -se 'map(select(.kind == "trace_category")) | length == 1 and .[0].category == "GEMM"'
	gemm=$(jq -s 'map(select(.kind == "trace_category" and .category == "GEMM"))[0].kernel_time_ms' \
		"$BATS_FILE_TMPDIR/$BERT.ndjson")
	echo "$output" | jq -se --argjson g "$gemm" 'map(select(.kind == "trace_timeline"))[0].busy_ms >= $g'
}

@test "--step keeps one profiler step and --from/--to a window" {
	need_traces
	d="$BP_SHARED/traces/multirank-dlrm/worker0_step_12.1694128201545.pt.trace.json.gz"
	all=$(bench-trace -t timeline "$d" | jq .gpu_events)
	step=$(bench-trace -t timeline --step 10 "$d" | jq .gpu_events)
	none=$(bench-trace -t timeline --step 3 "$d" | jq .gpu_events)
	[ "$step" -gt 0 ] && [ "$step" -le "$all" ] && [ "$none" -eq 0 ]
	win=$(bench-trace -t timeline --from 0 --to 1 "$d" | jq .gpu_events)
	[ "$win" -lt "$all" ]
	run -2 bench-trace --from 5 --to 1 "$d"
}

@test "trace_perf gives shares of the peak with --peak-* or a host record" {
	need_traces
	run -0 bench-trace -t perf --peak-tflops 1000 --peak-tbps 2 "$H100/$BERT.json.gz"
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0] | .peak_tflops == 1000 and
		(.pct_peak_tflops_mean - .tflops_mean / 10 | fabs < 1e-9) and .roofline_bound != null'
	echo '{"kind":"host","schema":1,"gpus":[{"name":"NVIDIA A100-SXM4-80GB"}]}' >host.ndjson
	run -0 bench-trace -t perf -H host.ndjson "$H100/$BERT.json.gz"
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0].peak_tflops == 312'
	# a trace that names its GPU goes by it, and leaves stdin unread
	run -0 bench-trace -t perf "$H100/$BERT.json.gz" <host.ndjson
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0].peak_tbps == 3.35'
	# one that does not takes the host record on stdin
	gzip -dc "$H100/$BERT.json.gz" | jq -c 'del(.deviceProperties)' >nodev.json
	run -0 bench-trace -t perf nodev.json <host.ndjson
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0].peak_tbps == 2.039'
	run -0 bench-trace -t perf nodev.json </dev/null
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0] | has("peak_tbps") | not'
	# a pipe is read whatever the trace says, so its writer never meets a
	# closed pipe, even when it writes late
	run -0 bash -c 'set -o pipefail; { sleep 0.3; cat host.ndjson; } |
		bench-trace -t info "$1" >/dev/null' sh "$H100/$BERT.json.gz"
	run -0 bash -c '{ sleep 0.3; cat host.ndjson; } | bench-trace -t perf nodev.json'
	echo "$output" | jq -se 'map(select(.sheet == "GEMM"))[0].peak_tbps == 2.039'
}

@test "bench-trace in a while-read loop leaves the loop's list alone" {
	need_traces
	printf '%s\n' "$H100/$BERT.json.gz" "$H100/$QWEN.json.gz" >list
	n=0
	while read -r f; do
		bench-trace -t perf "$f" >/dev/null
		n=$((n + 1))
	done <list
	[ "$n" -eq 2 ]
}

@test "every record kind bench-trace writes is documented in bench-records(5)" {
	need_traces
	{
		bench-trace -b "$BP_SHARED/traces/multirank-dlrm"
		bench-trace "$BP_SHARED/traces/inference/sglang_Qwen3-8B_decode.json.gz"
		bench-trace --diff "$H100/$BERT.json.gz" "$H100/$BERT.json.gz"
	} | jq -r .kind | sort -u >kinds
	[ "$(wc -l <kinds)" -ge 17 ]
	while read -r k; do
		grep -q "^\.It Cm $k\$" "$BP_SRC/share/man/man5/bench-records.5" ||
			{ echo "undocumented: $k"; false; }
	done <kinds
}

@test "the man page examples run" {
	need_traces
	cp "$H100/$BERT.json.gz" run.json.gz
	cp "$H100/$BERT.json.gz" run.pt.trace.json.gz
	bench-trace -t timeline run.pt.trace.json.gz | jq -e '{busy_pct, idle_pct} | .busy_pct > 0'
	bench-trace -t op -n 10 run.json.gz | jq -r '[.name, .kernel_time_ms] | @tsv' >ops.tsv
	[ "$(wc -l <ops.tsv)" -eq 10 ]
	bench-trace -t perf --peak-tflops 989 --peak-tbps 3.35 run.json.gz |
		jq 'select(.sheet == "GEMM") | {params, tflops_mean, pct_peak_tflops_mean}' |
		grep -q pct_peak_tflops_mean
	mkdir traces
	cp "$BP_SHARED"/traces/multirank-dlrm/worker* traces/
	bench-trace -b traces/ -p 'worker*.pt.trace.json.gz' -t collective |
		jq 'select(.kind == "trace_straggler")' | grep -q total_wait_us
}

@test "the man page's --diff example renders through bench-fmt" {
	need_traces
	command -v bench-fmt >/dev/null || skip "bench-fmt is not built"
	cp "$H100/$BERT.json.gz" before.json.gz
	cp "$H100/$QWEN.json.gz" after.json.gz
	bench-trace --diff before.json.gz after.json.gz | bench-fmt -f md >report.md
	[ -s report.md ]
}

@test "bench-trace --help and --version to a full disk exit 2 with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -2 bash -c 'bench-trace --version >/dev/full'
	[[ "$output" == "bench-trace: stdout: No space left on device" ]]
	run -2 bash -c 'bench-trace --help >/dev/full'
	[[ "$output" == "bench-trace: stdout: No space left on device" ]]
}

@test "bench-trace takes ids beyond int64_t without undefined conversion" {
	printf '%s' '[{"ph":"X","cat":"kernel","name":"k","ts":1,"dur":5,"pid":0,"tid":0,"args":{"correlation":1e30,"External id":-1e300,"stream":9999999999999999999}}]' >big.json
	run -0 bench-trace big.json
	[[ "$output" == *'"kind":"trace_info"'* ]]
}

@test "bench-trace exits 2 on a count that is not a whole number in range" {
	printf '[]' >empty.json
	for a in "--bins 5e9" "--bins 2147483647" "--bins 2.5" "--top 1e300" \
	    "--top 0" "--step inf" "--step -1"; do
		run -2 bench-trace $a empty.json
		[[ "${lines[0]}" == "bench-trace: ${a%% *} wants a whole number from "* ]]
	done
	run -0 bench-trace --bins 10 --top 3 --step 0 empty.json
}

@test "bench-trace takes no rank from a file name whose number overflows int" {
	printf '[]' >rank99999999999999999999.json
	run -0 bench-trace -t info rank99999999999999999999.json
	[[ "$output" == *'"rank":0,'* ]]
	[[ "$output" == *'"rank_source":"order"'* ]]
	printf '[]' >rank_12.json
	run -0 bench-trace -t info rank_12.json
	[[ "$output" == *'"rank":12,'* ]]
}
