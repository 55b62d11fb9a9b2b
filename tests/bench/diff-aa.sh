#!/bin/sh
# diff-aa.sh - bench-diff's false alarms and its power, measured.
#
#   1. A/A: one command measured as 40 groups x 2 sides with bench-run
#      --runs 5 --interleave, AA_REPS times (default 20): how many
#      regressions bench-diff reports with FDR, and with --no-fdr.
#   2. A real 10% slowdown, sleep 0.010 against sleep 0.011 with 5 and 10
#      interleaved runs, SLOW_REPS times (default 5): found each time?
#   3. The A/A of 1 on simulated samples with 5% run-to-run drift (no
#      timing involved): 5 runs per side against one run per side.
#   4. The power of 2 on simulated samples: a 10% slowdown of one group,
#      5 and 10 runs per side, at 1%, 2% and 5% run-to-run drift.
#
# Figures only; nothing here fails on a count.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
reps=${AA_REPS:-20}
slow=${SLOW_REPS:-5}
py=/usr/bin/python3
here=$(pwd)

regressions() {
	grep -c '"verdict":"regression"' "$1"
}

inconclusive() {
	grep -c '"verdict":"inconclusive"' "$1"
}

significant() {
	jq -s '[.[] | select(.p_value != null and .p_value < 0.05)] | length' "$1"
}

if command -v bench-run >/dev/null 2>&1; then
	groups=$(seq -s, 1 40)
	fdr=0 nofdr=0 sig=0 n=0 inc=0 i=0
	while [ "$i" -lt "$reps" ]; do
		bench-run -q --runs 5 --interleave -n 5 -w 1 -m aa \
			-p "g=$groups" -p side=a,b -- sleep 0.001 >"$tmp/aa.ndjson"
		bench-diff -s params.side=a,b "$tmp/aa.ndjson" >"$tmp/fdr" 2>/dev/null
		bench-diff --no-fdr -s params.side=a,b "$tmp/aa.ndjson" >"$tmp/raw" 2>/dev/null
		fdr=$((fdr + $(regressions "$tmp/fdr")))
		nofdr=$((nofdr + $(regressions "$tmp/raw")))
		sig=$((sig + $(significant "$tmp/raw")))
		inc=$((inc + $(inconclusive "$tmp/fdr")))
		n=$((n + $(wc -l <"$tmp/raw")))
		i=$((i + 1))
	done
	echo "A/A, bench-run --runs 5 --interleave, 40 groups, $reps repetitions:" \
		"$fdr regressions with FDR, $nofdr without;" \
		"p < 0.05 in $sig of $n comparisons; $inc inconclusive"

	for runs in 5 10; do
		found=0 i=0 changes=""
		while [ "$i" -lt "$slow" ]; do
			bench-run -q --runs "$runs" --interleave -n 10 -w 1 -m sleep \
				-p s=0.010,0.011 -- sleep '{s}' >"$tmp/slow.ndjson"
			bench-diff -m latency_ms -s params.s=0.010,0.011 \
				"$tmp/slow.ndjson" >"$tmp/slow.diff" 2>/dev/null
			found=$((found + $(regressions "$tmp/slow.diff")))
			changes="$changes $(jq -r '"\(.change_pct * 10 | round / 10)%"' \
				"$tmp/slow.diff")"
			i=$((i + 1))
		done
		echo "sleep 0.010 vs 0.011, $runs interleaved runs: regression in" \
			"$found of $slow (change:$changes)"
	done
else
	echo "bench-run not built: the measured A/A and slowdown are skipped"
fi

for runs in 5 1; do
	fdr=0 nofdr=0 sig=0 n=0 inc=0 i=1
	while [ "$i" -le "$reps" ]; do
		"$py" "$here/diff-aa.py" "$runs" "$i" >"$tmp/sim.ndjson"
		bench-diff -s params.side=a,b "$tmp/sim.ndjson" >"$tmp/fdr" 2>/dev/null
		bench-diff --no-fdr -s params.side=a,b "$tmp/sim.ndjson" >"$tmp/raw" 2>/dev/null
		fdr=$((fdr + $(regressions "$tmp/fdr")))
		nofdr=$((nofdr + $(regressions "$tmp/raw")))
		sig=$((sig + $(significant "$tmp/raw")))
		inc=$((inc + $(inconclusive "$tmp/fdr")))
		n=$((n + $(wc -l <"$tmp/raw")))
		i=$((i + 1))
	done
	echo "simulated A/A, 5% drift, $runs run(s) per side, 40 groups, $reps" \
		"repetitions: $fdr regressions with FDR, $nofdr without;" \
		"p < 0.05 in $sig of $n comparisons; $inc inconclusive"
done

for drift in 0.01 0.02 0.05; do
	for runs in 5 10; do
		found=0 i=1
		while [ "$i" -le "$reps" ]; do
			"$py" "$here/diff-aa.py" "$runs" "$i" 1 1.1 "$drift" >"$tmp/sim.ndjson"
			bench-diff -s params.side=a,b "$tmp/sim.ndjson" >"$tmp/fdr" 2>/dev/null
			found=$((found + $(regressions "$tmp/fdr")))
			i=$((i + 1))
		done
		echo "simulated 10% slowdown, drift $drift, $runs runs per side:" \
			"regression in $found of $reps"
	done
done
