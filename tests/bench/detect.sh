#!/bin/sh
# detect.sh - how long bench-detect takes, beside the tools it replaces.
# Goal: under 50 ms on a machine without GPUs.
set -u
peers=""
for p in lscpu lstopo-no-graphics nvidia-smi; do
	command -v "$p" >/dev/null 2>&1 && peers="$peers $p"
done
if command -v hyperfine >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # peers is a word list
	hyperfine -N --warmup 5 --runs 50 --style basic bench-detect $peers 2>&1 |
		grep -E 'Benchmark|Time|±|faster|slower'
else
	start=$(date +%s%N)
	i=0
	while [ $i -lt 50 ]; do bench-detect >/dev/null; i=$((i + 1)); done
	end=$(date +%s%N)
	echo "bench-detect: $(( (end - start) / 50000000 )) ms per run (mean of 50)"
fi
