#!/bin/sh
# demo.sh BUILD - the whole pipeline on this machine's CPU (and GPU, when
# there is one): detect -> run -> agg -> fmt, into demo/.  One progress
# line per step on stderr; the report paths at the end.
set -eu
build=${1:-build}
bin=$(cd "$build/bin" && pwd)
PATH="$bin:$PATH"
out=demo
mkdir -p "$out"
rm -f "$out/results.ndjson"
step() { printf 'demo: %s\n' "$*" >&2; }
have() { [ -x "$bin/$1" ]; }

step "bench-detect: describing this machine"
bench-detect >"$out/results.ndjson"
bench-detect --check >&2 || step "(a failed check makes numbers noisier, not wrong)"

# A failed benchmark is a record like any other: the report lists it.
failed() { step "($1 failed: its error is in the report)"; }

if have bench-run; then
	for b in $(bench-detect --backends); do
		for size in 512 1024; do
			step "bench-run: gemm on $b, $size x $size x $size"
			bench-run -m gemm -b "$b" -p m=$size -p n=$size -p k=$size \
				-w 2 -n 10 -o "$out/results.ndjson" || failed gemm
		done
		step "bench-run: membw on $b, copy and triad"
		bench-run -m membw -b "$b" -p op=copy,triad -w 1 -n 5 \
			-o "$out/results.ndjson" || failed membw
		step "bench-run: mlp on $b, one epoch of Fashion-MNIST"
		bench-run -m mlp -b "$b" -p epochs=1 \
			-o "$out/results.ndjson" || failed mlp
	done
	# 500 queries: early stopping at p99 needs 459 when every one passes
	step "bench-run: tinylm as an inference server, MLPerf Server scenario at 100 QPS"
	bench-run -m tinylm -b cpu --scenario server --target-qps 100 \
		--min-duration 5 --min-queries 500 -o "$out/results.ndjson" ||
		failed tinylm
else
	step "bench-run is not built yet: the report shows the host only"
fi

report="$out/results.ndjson"
if have bench-agg; then
	step "bench-agg: statistics per group"
	bench-agg -q "$out/results.ndjson" >"$out/stats.ndjson"
	report="$out/stats.ndjson"
else
	step "bench-agg is not built yet: reporting raw records"
fi

if have bench-fmt; then
	step "bench-fmt: HTML and Markdown reports"
	bench-fmt -f html --title "benchpipe demo" -o "$out/report.html" "$report"
	bench-fmt -f md --title "benchpipe demo" -o "$out/report.md" "$report"
	bench-fmt -f text --title "benchpipe demo" "$report"
	step "done: $(pwd)/$out/report.html"
	step "      $(pwd)/$out/report.md"
else
	step "bench-fmt is not built yet: the records are the report"
	step "done: $(pwd)/$report"
fi
