#!/usr/bin/env bats
# bench-agg: statistics per group that numpy and scipy agree with, every
# other record passed through, and the same bytes from every path.

load helper

G="$BP_GOLDEN/bench-agg"

# samples N: N sample lines over 12 groups, a host record first, a few
# lines in forms only cJSON reads (escapes, non-ASCII, odd spacing).
samples() {
	awk -v n="$1" 'BEGIN {
		srand(42)
		print "{\"kind\":\"host\",\"schema\":1,\"host_id\":\"0123456789ab\"}"
		for (i = 0; i < n; i++) {
			m = i % 3 == 0 ? "gemm" : i % 3 == 1 ? "conv" : "attn"
			b = int(i / 3) % 4 + 1
			lat = exp(b / 2 + 0.3 * sqrt(-2 * log(rand())) * cos(6.2831853 * rand()))
			if (i % 997 == 5)
				printf "{\"kind\": \"sample\", \"run_id\": \"r%d\", \"model\": \"%s\", \"params\": {\"dtype\": \"fp32\", \"batch\": %d.0}, \"note\": \"caf\\u00e9\", \"latency_ms\": %.6f, \"items\": %d}\n", int(i / 500), m, b, lat, b
			else
				printf "{\"kind\":\"sample\",\"schema\":1,\"run_id\":\"r%d\",\"model\":\"%s\",\"params\":{\"batch\":%d,\"dtype\":\"fp32\"},\"iter\":%d,\"latency_ms\":%.6f,\"items\":%d,\"user_ms\":%.3f}\n", int(i / 500), m, b, i, lat, b, lat * 0.9
			if (i % 5000 == 7)
				print "{\"kind\":\"result\",\"status\":\"failed\",\"message\":\"\\u00e9t\\u00e9\"}"
		}
	}'
}

@test "bench-agg writes one stat per group after the records it passes through" {
	GOLDEN=bench-agg/basic golden bench-agg -q "$G/basic.in"
}

@test "bench-agg passes other records through byte for byte and in order" {
	run -0 bench-agg -q "$G/basic.in"
	[ "${lines[0]}" = "$(sed -n 1p "$G/basic.in")" ]
	[ "${lines[1]}" = "$(sed -n 2p "$G/basic.in")" ]	# a warmup sample
	[ "${lines[2]}" = "$(grep '"kind":"result"' "$G/basic.in")" ]
	[ "${#lines[@]}" -eq 5 ]
	echo "${lines[3]}" | jq -e '.kind == "stat" and .model == "gemm"'
	echo "${lines[4]}" | jq -e '.kind == "stat" and .model == "conv"'
}

@test "bench-agg groups by canonical JSON: key order and 512.0 do not split a group" {
	run -0 bench-agg -q "$G/basic.in"
	echo "${lines[3]}" | jq -e '.stats.latency_ms.n == 6 and .runs == 2'
	echo "${lines[3]}" | jq -e '.params == {"n": 512, "dtype": "fp32"}'
}

@test "bench-agg keeps an absent key and a null key apart" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1}' \
		'{"kind":"sample","model":null,"latency_ms":2}' \
		'{"kind":"sample","latency_ms":3}' >in.ndjson
	run -0 bench-agg -q in.ndjson
	[ "${#lines[@]}" -eq 3 ]
	echo "${lines[1]}" | jq -e 'has("model") and .model == null'
	echo "${lines[2]}" | jq -e 'has("model") | not'
}

@test "bench-agg throughput is total items over total time, not a mean of rates" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1000,"items":10}' \
		'{"kind":"sample","model":"a","latency_ms":10,"items":10}' >in.ndjson
	run -0 bench-agg -q in.ndjson
	echo "$output" | jq -e '.throughput.items_per_s == 20000 / 1010'
}

@test "bench-agg counts distinct run ids as runs" {
	printf '{"kind":"sample","model":"a","run_id":"%s","latency_ms":1}\n' \
		x y x z y >in.ndjson
	run -0 bench-agg -q in.ndjson
	echo "$output" | jq -e '.runs == 3 and .stats.latency_ms.n == 5'
}

@test "bench-agg agrees with numpy and scipy within 1e-9 on every figure" {
	$BP_PY -c 'import numpy, scipy' 2>/dev/null ||
		skip "Debian's python3-numpy and python3-scipy are not installed"
	run -0 $BP_PY "$BP_SRC/tests/oracle/agg.py" "$BP_BUILD/bin/bench-agg"
	[[ "$output" != *"not ok"* ]]
}

@test "bench-agg gives the same bytes with 1, 2 and 4 threads" {
	samples 30000 >in.ndjson
	[ "$(wc -c <in.ndjson)" -gt 3000000 ]	# several chunks
	bench-agg -q -t1 in.ndjson >t1.out
	bench-agg -q -t2 in.ndjson >t2.out
	bench-agg -q -t4 <in.ndjson >t4.out
	cmp t1.out t2.out
	cmp t1.out t4.out
	[ "$(grep -c '"kind":"stat"' t1.out)" -eq 12 ]
	[ "$(grep -c '"kind":"result"' t1.out)" -eq 6 ]
}

@test "bench-agg reads the fast way and through cJSON to the same figures" {
	samples 3000 | grep '"kind":"sample"' >plain.ndjson
	# the same samples with escaped keys, which only cJSON reads
	sed 's/"latency_ms"/"latency\\u005fms"/' plain.ndjson >escaped.ndjson
	bench-agg -q -g model,params plain.ndjson >a.out
	bench-agg -q -g model,params escaped.ndjson >b.out
	cmp a.out b.out
}

@test "bench-agg reads every number the fast way exactly as cJSON does" {
	# one group per number, so that each shows as its group's min
	awk 'BEGIN {
		srand(7)
		for (i = 0; i < 3000; i++) {
			r = rand()
			if (r < 0.2) v = sprintf("%.17g", rand() * 10 ^ int(rand() * 40 - 20))
			else if (r < 0.3) v = sprintf("%d.%06de%d", int(rand() * 1000), int(rand() * 1e6), int(rand() * 700 - 350))
			else if (r < 0.4) v = sprintf("0.%s%d", substr("0000000000000000000000", 1, int(rand() * 22)), int(rand() * 1e9))
			else if (r < 0.5) v = sprintf("%d%d%d%d", int(rand() * 1e9), int(rand() * 1e9), int(rand() * 1e9), int(rand() * 1e3))
			else if (r < 0.6) v = sprintf("%.25f", rand())
			else if (r < 0.7) v = sprintf("%dE+%d", int(rand() * 1e5), int(rand() * 30))
			else if (r < 0.8) v = sprintf("-%.3f", rand() * 1e4)
			else if (r < 0.85) v = sprintf("9007199254740993%d", int(rand() * 10))
			else if (r < 0.9) v = "4.9406564584124654e-324"
			else v = sprintf("%.16ge%d", rand(), int(rand() * 40 - 20))
			printf "{\"kind\":\"sample\",\"k\":%d,\"x\":%s}\n", i, v
		}
	}' >plain.ndjson
	sed 's/"x"/"\\u0078"/' plain.ndjson >escaped.ndjson
	bench-agg -q -g k -m x plain.ndjson >a.out 2>/dev/null
	bench-agg -q -g k -m x escaped.ndjson >b.out 2>/dev/null
	[ "$(wc -l <a.out)" -eq 3000 ]
	cmp a.out b.out
}

@test "bench-agg reads records with more fields than the scanner holds" {
	awk 'BEGIN {
		for (r = 0; r < 3; r++) {
			printf "{\"kind\":\"sample\",\"model\":\"wide\""
			for (i = 0; i < 80; i++)
				printf ",\"m%d\":%d", i, i + r
			printf "}\n"
		}
	}' >wide.ndjson
	run -0 bench-agg -q wide.ndjson
	echo "$output" | jq -e '(.stats | length) == 80 and .stats.m79.max == 81'
}

@test "bench-agg takes the first of repeated keys, as cJSON does" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1,"latency_ms":50}' \
		'{"kind":"sample","model":"a","latency_\u006ds":2,"latency_ms":60}' >in.ndjson
	run -0 bench-agg -q in.ndjson
	echo "$output" | jq -e '.stats.latency_ms.max == 2 and .stats.latency_ms.n == 2'
}

@test "bench-agg aggregates result records across runs with --kind result" {
	GOLDEN=bench-agg/result golden \
		bench-agg -q --kind result -g model,backend,params "$G/result.in"
}

@test "bench-agg --by takes dotted paths, and an empty list makes one group" {
	run -0 bench-agg -q -g model,params.n -m latency_ms "$G/basic.in"
	echo "${lines[3]}" | jq -ce '. == (. | {kind, schema, model, params, runs, stats, throughput, warnings})'
	echo "${lines[3]}" | jq -e '.params == {"n": 512} and (.stats | keys) == ["latency_ms"]'
	run -0 bench-agg -q -g '' "$G/basic.in"
	[ "$(echo "$output" | grep -c '"kind":"stat"')" -eq 1 ]
	echo "${lines[3]}" | jq -e '.stats.latency_ms.n == 8 and .runs == 3'
}

@test "bench-agg --metric picks and orders the metrics" {
	run -0 bench-agg -q -m user_ms,latency_ms "$G/basic.in"
	echo "${lines[3]}" | jq -e '(.stats | keys_unsorted) == ["user_ms", "latency_ms"]'
}

@test "bench-agg --ci and --percentiles rename the fields" {
	run -0 bench-agg -q -c 99 -p 99.9,1,50,0.5 -m latency_ms "$G/basic.in"
	echo "${lines[3]}" | jq -e '.stats.latency_ms | keys_unsorted ==
		["n","mean","stddev","cv","min","p05","p1","p50","p999","max","ci99","p50_ci99","outliers"]'
	# t(0.995, 5) = 4.032142983555227
	echo "${lines[3]}" | jq -e '.stats.latency_ms as $s |
		(($s.ci99[1] - $s.mean) / ($s.stddev / (6 | sqrt)) - 4.032142983555227 | fabs) < 1e-12'
}

@test "bench-agg refuses bad option values with exit 2" {
	run -2 bench-agg -c 100 /dev/null
	[[ "${lines[0]}" == "bench-agg: confidence level '100' is not a percentage between 0 and 100" ]]
	run -2 bench-agg -p 50,101 /dev/null
	[[ "${lines[0]}" == "bench-agg: percentile '101' is not a number from 0 to 100" ]]
	run -2 bench-agg -p 99.9,9.99 /dev/null
	[[ "${lines[0]}" == *"would both be named p999" ]]
	run -2 bench-agg -k host /dev/null
	run -2 bench-agg -m 'a,,b' /dev/null
	run -2 bench-agg -g 'params..n' /dev/null
	run -2 bench-agg -t 0 /dev/null
}

@test "bench-agg warns about small, noisy and outlying groups, once per group" {
	run --separate-stderr -0 bench-agg "$G/basic.in"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = 'bench-agg: {"backend":"cpu","host_id":"0123456789ab","labels":{},"model":"gemm","params":{"dtype":"fp32","n":512}}: latency_ms: cv 158.5% above 10%; latency_ms: 1 severe outlier' ]
	[[ "${stderr_lines[1]}" == *': 3 samples, fewer than 5; latency_ms: cv 17.7% above 10%' ]]
	run --separate-stderr -0 bench-agg -q "$G/basic.in"
	[ -z "$stderr" ]
	echo "${lines[4]}" | jq -e '.warnings == ["3 samples, fewer than 5", "latency_ms: cv 17.7% above 10%"]'
}

@test "bench-agg skips non-finite values with a warning naming file and line" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1e999}' '' \
		'{"kind":"sample","model":"a","latency_ms":2,"gbps":-1e400}' >in.ndjson
	run --separate-stderr -0 bench-agg in.ndjson
	[ "${stderr_lines[0]}" = 'bench-agg: in.ndjson:1: non-finite value for "latency_ms" skipped' ]
	[ "${stderr_lines[1]}" = 'bench-agg: in.ndjson:3: non-finite value for "gbps" skipped' ]
	echo "$output" | jq -e '.stats.latency_ms.n == 1 and (.stats | has("gbps") | not)'
}

@test "bench-agg exits 2 on an invalid JSON line, naming file and line" {
	printf '%s\n' '{"kind":"host"}' '{"kind":"sample","latency_ms":1,}' >in.ndjson
	run -2 bench-agg in.ndjson
	[[ "$output" == *"bench-agg: in.ndjson:2: invalid JSON: "* ]]
	[[ "$output" == *'{"kind":"host"}'* ]]	# passed through before
}

@test "bench-agg exits 2 on a truncated record" {
	printf '%s\n' '{"kind":"sample","latency_ms":1}' >in.ndjson
	printf '%s' '{"kind":"sample","latency_ms":' >>in.ndjson
	run -2 bench-agg in.ndjson
	[[ "$output" == *"bench-agg: in.ndjson:2: invalid JSON: unexpected end of input"* ]]
}

@test "bench-agg exits 2 on a string where a number must be" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":"12"}' >in.ndjson
	run -2 bench-agg in.ndjson
	[ "$output" = 'bench-agg: in.ndjson:1: expected number for "latency_ms"' ]
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1,"gbps":true}' >in.ndjson
	run -0 bench-agg -q in.ndjson	# not a metric unless asked for
	run -2 bench-agg -m gbps in.ndjson
	[ "$output" = 'bench-agg: in.ndjson:1: expected number for "gbps"' ]
	run -2 bench-agg -k result <<<'{"kind":"result","metrics":{"latency_ms":{"p50":"x"}}}'
	[ "$output" = 'bench-agg: -:1: expected number for "metrics.latency_ms.p50"' ]
}

@test "bench-agg --lenient skips invalid records whole and counts them" {
	printf '%s\n' '{"kind":"sample","model":"a","latency_ms":1,"items":5}' \
		'{"kind":"sample","model":"a","items":7,"latency_ms":"x"}' \
		'not json' '[1]' '{"kind":"sample","model":"a","latency_ms":3,"items":5}' >in.ndjson
	run --separate-stderr -0 bench-agg -l -q in.ndjson
	[ "$stderr" = "bench-agg: skipped 3 invalid lines" ]
	echo "$output" | jq -e '.stats.items.n == 2 and .stats.latency_ms.n == 2'
}

@test "bench-agg exits 2 on a missing file, after the files before it" {
	run -2 bench-agg "$G/result.in" missing.ndjson
	[[ "$output" == *"bench-agg: missing.ndjson: No such file or directory"* ]]
	[[ "$output" == *'"run_id":"a1"'* ]]	# passed through before
	[[ "$output" != *'"kind":"stat"'* ]]
}

@test "bench-agg prints nothing and exits 0 on empty input" {
	run -0 bench-agg </dev/null
	[ -z "$output" ]
	printf '\n  \n\r\n' >blank.ndjson
	run -0 bench-agg blank.ndjson
	[ -z "$output" ]
}

@test "bench-agg counts blank lines and CRLF in line numbers, per file" {
	printf '{"kind":"host"}\r\n\r\n\n{"kind":"sample","latency_ms":[1]}\r\n' >crlf.ndjson
	run -2 bench-agg "$G/result.in" - crlf.ndjson <"$G/result.in"
	[[ "$output" == *'bench-agg: crlf.ndjson:4: expected number for "latency_ms"'* ]]
	[[ "$output" == *'{"kind":"host"}'* ]]
	[[ "$output" != *$'\r'* ]]
}

@test "bench-agg passes through a line longer than its chunks" {
	{
		printf '{"kind":"blob","data":"'
		head -c 3000000 /dev/zero | tr '\0' x
		printf '"}\n'
		echo '{"kind":"sample","latency_ms":1}'
	} >long.ndjson
	bench-agg -q long.ndjson >out.ndjson
	[ "$(head -1 out.ndjson | wc -c)" -eq "$(head -1 long.ndjson | wc -c)" ]
	[ "$(sed -n 2p out.ndjson | jq .stats.latency_ms.n)" -eq 1 ]
}

@test "bench-agg --approx keeps n, min and max exact and percentiles within 0.5%" {
	samples 20000 >in.ndjson
	bench-agg -q -g model -m latency_ms in.ndjson | grep '"stat"' >exact.out
	bench-agg -q -g model -m latency_ms --approx in.ndjson | grep '"stat"' >approx.out
	paste -d '\n' exact.out approx.out | jq -s -e '
		[range(0; length; 2) as $i | .[$i].stats.latency_ms as $e |
		 .[$i + 1].stats.latency_ms as $a |
		 ($e.n == $a.n and $e.min == $a.min and $e.max == $a.max),
		 (["p50","p90","p95","p99"][] as $p | (($a[$p] - $e[$p]) / $e[$p] | fabs) <= 0.005)]
		| all'
}

@test "bench-agg appends to --output" {
	echo '{"kind":"note"}' >out.ndjson
	run -0 bench-agg -q -o out.ndjson "$G/basic.in"
	[ -z "$output" ]
	[ "$(head -1 out.ndjson)" = '{"kind":"note"}' ]
	[ "$(grep -c '"kind":"stat"' out.ndjson)" -eq 2 ]
}

@test "bench-agg exits 2 when its output cannot be written" {
	run -2 bash -c 'bench-agg -q "$1" >/dev/full' sh "$G/basic.in"
	[[ "$output" == *"bench-agg: stdout: No space left on device"* ]]
	run -2 bench-agg -q -o /dev/full "$G/basic.in"
	[[ "$output" == *"bench-agg: /dev/full: No space left on device"* ]]
}

@test "bench-agg rejects an unknown option with usage and exit 2" {
	run -2 bench-agg --bogus
	[[ "${lines[0]}" == *"unrecognized option"* ]]
	[[ "${lines[1]}" == "usage: bench-agg "* ]]
}

@test "bench-agg --help and --version" {
	run -0 bench-agg --help
	[[ "${lines[0]}" == "usage: bench-agg "* ]]
	[[ "$output" == *"--percentiles"* ]]
	run -0 bench-agg --version
	[[ "$output" =~ ^bench-agg\ \(benchpipe\)\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "bench-agg man page examples run" {
	cp "$G/basic.in" samples.ndjson
	run -0 bash -c "bench-agg -q samples.ndjson |
		jq -c 'select(.kind == \"stat\") | [.model, .stats.latency_ms.p50,
		    .stats.latency_ms.p50_ci95]'"
	[ "${lines[0]}" = '["gemm",2.5,[2.25,30]]' ]
	run -0 bench-agg -q -g model,params.batch -m latency_ms -p 1,50,99.99 samples.ndjson
	echo "${lines[3]}" | jq -e '.stats.latency_ms | has("p9999") and has("p1")'
	cp "$G/result.in" history.ndjson
	run -0 bench-agg -q --kind result -g model,backend,params history.ndjson
	[ "$(echo "$output" | grep -c '"kind":"stat"')" -eq 1 ]
	gzip -c samples.ndjson >samples-1.ndjson.gz
	run -0 bash -c 'zcat samples-*.ndjson.gz | bench-agg --approx -q > stats.ndjson'
	[ "$(grep -c '"kind":"stat"' stats.ndjson)" -eq 2 ]
	if command -v bench-run >/dev/null && command -v bench-fmt >/dev/null; then
		run -0 bash -c 'bench-run -m gemm -b cpu -n 20 -p m=256 -p n=256 -p k=256 |
			bench-agg | bench-fmt'
		[[ "$output" == *gemm* ]]
	fi
}

@test "bench-agg --help and --version to a full disk exit 2 with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -2 bash -c 'bench-agg --version >/dev/full'
	[[ "$output" == "bench-agg: stdout: No space left on device" ]]
	run -2 bash -c 'bench-agg --help >/dev/full'
	[[ "$output" == "bench-agg: stdout: No space left on device" ]]
}
