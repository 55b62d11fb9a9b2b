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

if have bench-run; then
	for b in $(bench-detect --backends); do
		step "bench-run: gemm on $b, two sizes"
		bench-run -m gemm -b "$b" -p m=512,1024 -p n=512,1024 -p k=512 \
			-w 2 -n 10 -o "$out/results.ndjson" || true
		step "bench-run: membw on $b"
		bench-run -m membw -b "$b" -p op=copy,triad -w 1 -n 5 \
			-o "$out/results.ndjson" || true
		step "bench-run: mlp on $b, one short epoch"
		bench-run -m mlp -b "$b" -p epochs=1 -o "$out/results.ndjson" || true
	done
else
	step "bench-run is not built yet: the report shows the host only"
fi

report="$out/results.ndjson"
if have bench-agg; then
	step "bench-agg: statistics per group"
	bench-agg "$out/results.ndjson" >"$out/stats.ndjson"
	report="$out/stats.ndjson"
else
	step "bench-agg is not built yet: reporting raw records"
fi

if have bench-fmt; then
	step "bench-fmt: HTML and Markdown reports"
	bench-fmt -f html -o "$out/report.html" "$report"
	bench-fmt -f md -o "$out/report.md" "$report"
	step "done: $(pwd)/$out/report.html"
	step "      $(pwd)/$out/report.md"
else
	step "bench-fmt is not built yet: the records are the report"
	step "done: $(pwd)/$report"
fi
