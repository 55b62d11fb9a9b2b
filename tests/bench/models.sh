#!/bin/sh
# models.sh - the built-in models beside the libraries they must keep up
# with (issue 6): cpu gemm fp32 against numpy's matmul (the same OpenBLAS),
# with the share of the theoretical peak; cpu mlp against the same network
# in PyTorch (examples/pytorch/mlp_reference.py); membw against numpy's
# copy; and the cost of one iteration of the in-process loop.  Each pair
# alternates A B A B so drift hits both; the better median of each wins.
# OPENBLAS_* variables (OPENBLAS_CORETYPE picks the kernels) apply to both
# sides alike and are printed first.
set -u
PY=/usr/bin/python3
SRC=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v bench-run >/dev/null 2>&1; then
	echo "models: bench-run not built, skipped"
	exit 0
fi
env | grep '^OPENBLAS' | sed 's/^/env: /'
nproc=$(nproc)
bench-detect >"$tmp/host" 2>/dev/null
peak=$(jq -r '.cpu.peak_gflops.fp32 // empty' "$tmp/host")

# median METRIC FILE: p50 of METRIC in the first ok result of FILE
median() {
	jq -r --arg m "$1" 'select(.kind == "result" and .status == "ok") |
		.metrics[$m].p50' "$2" | head -1
}

max() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'
}

cat >"$tmp/np_gemm.py" <<'EOF'
import sys, time
import numpy as np
n, reps = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(42)
a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
c = np.empty((n, n), np.float32)
np.matmul(a, b, out=c)
np.matmul(a, b, out=c)
t = []
for _ in range(reps):
    t0 = time.perf_counter()
    np.matmul(a, b, out=c)
    t.append(time.perf_counter() - t0)
print(2.0 * n ** 3 / float(np.median(t)) / 1e9)
EOF

echo "cpu gemm fp32: bench-run vs numpy matmul (GFLOP/s, median of 10; $nproc threads)"
for n in 2048 4096; do
	best_br=0 best_np=0
	for round in 1 2; do
		g=$($PY "$tmp/np_gemm.py" $n 10)
		best_np=$(max "$best_np" "$g")
		bench-run -m gemm -b cpu -p m=$n,n=$n,k=$n -w 2 -n 10 \
			-o "$tmp/gemm.$n.$round" || true
		t=$(median tflops "$tmp/gemm.$n.$round")
		[ -n "$t" ] && [ "$t" != null ] &&
			best_br=$(max "$best_br" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')")
	done
	awk -v n=$n -v br="$best_br" -v np="$best_np" -v pk="${peak:-0}" 'BEGIN {
		printf "  n=%d  bench-run %.1f  numpy %.1f  ratio %.3f (goal >= 0.95)", n, br, np, br / np
		if (pk > 0) printf "  peak %.1f: bench-run %.1f%%, numpy %.1f%%", pk, 100 * br / pk, 100 * np / pk
		printf "\n" }'
done

# torch_epoch THREADS: median epoch time of the PyTorch reference, and
# its accuracy, as "MS ACC"
torch_epoch() {
	$PY "$SRC/examples/pytorch/mlp_reference.py" --epochs 3 --threads "$1" \
		>"$tmp/torch" || return
	jq -s -r '([.[] | select(.epoch_time_ms) | .epoch_time_ms] | sort |
		.[length / 2 | floor]) as $ms |
		"\($ms) \(.[] | select(.test_accuracy_pct) | .test_accuracy_pct)"' \
		"$tmp/torch"
}

if [ -r /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
	echo "cpu mlp (784-256-10, batch 32, lr 0.1, 3 epochs): bench-run vs PyTorch"
	havetorch=0 br_all=0 pt_all=0
	$PY -c 'import torch' 2>/dev/null && havetorch=1
	for t in 1 "$nproc"; do
		best_br=0 best_pt=0 bacc="" pacc=""
		for round in 1 2; do
			bench-run -m mlp -b cpu --threads "$t" -p epochs=3 \
				-o "$tmp/mlp.$round" || true
			ms=$(median epoch_time_ms "$tmp/mlp.$round")
			bacc=$(jq -r 'select(.kind == "result") | .test_accuracy_pct' "$tmp/mlp.$round")
			[ -n "$ms" ] && [ "$ms" != null ] &&
				best_br=$(awk -v a="$best_br" -v b="$ms" 'BEGIN { print (a == 0 || b < a ? b : a) }')
			if [ $havetorch = 1 ]; then
				# shellcheck disable=SC2046 # "MS ACC": two words
				set -- $(torch_epoch "$t")
				[ $# = 2 ] && pacc=$2 &&
					best_pt=$(awk -v a="$best_pt" -v b="$1" 'BEGIN { print (a == 0 || b < a ? b : a) }')
			fi
		done
		br_all=$(awk -v a="$br_all" -v b="$best_br" 'BEGIN { print (a == 0 || b < a ? b : a) }')
		pt_all=$(awk -v a="$pt_all" -v b="$best_pt" 'BEGIN { print (a == 0 || b < a ? b : a) }')
		if [ $havetorch = 1 ]; then
			awk -v t="$t" -v br="$best_br" -v pt="$best_pt" -v ba="$bacc" -v pa="$pacc" 'BEGIN {
				printf "  %s thread(s): epoch bench-run %.0f ms, PyTorch %.0f ms: %.2fx; accuracy %.2f%% vs %.2f%%\n", t, br, pt, pt / br, ba, pa }'
		else
			echo "  $t thread(s): epoch bench-run $best_br ms; PyTorch: not installed (python3-torch)"
		fi
	done
	if [ $havetorch = 1 ]; then
		awk -v br="$br_all" -v pt="$pt_all" 'BEGIN {
			printf "  best of each: bench-run %.0f ms, PyTorch %.0f ms: %.2fx (goal >= 2)\n", br, pt, pt / br }'
		echo "  (PyTorch's own default here: $($PY -c 'import torch; print(torch.get_num_threads())') thread(s))"
	fi
fi

cat >"$tmp/np_copy.py" <<'EOF'
import sys, time
import numpy as np
n = int(sys.argv[1]) // 8
a, b = np.zeros(n), np.arange(n, dtype=np.float64)
t = []
for _ in range(10):
    t0 = time.perf_counter()
    np.copyto(a, b)
    t.append(time.perf_counter() - t0)
print(2 * n * 8 / float(np.median(t)) / 1e9)
EOF
echo "cpu membw (GB/s, read + written, median of 10, 4 x LLC per array)"
bench-run -m membw -b cpu -p op=copy,triad -w 2 -n 10 -o "$tmp/membw" || true
jq -r 'select(.kind == "result") | "  \(.params.op): \(.metrics.gbps.p50)"' \
	"$tmp/membw"
llc=$(jq '[.cpu.caches[] | .size_kib * 1024 * .count] | max' "$tmp/host")
case $llc in '' | null | 0 | *[!0-9]*) llc=8388608 ;; esac
echo "  numpy copyto (one thread): $($PY "$tmp/np_copy.py" $((llc * 4)))"

# The GPU half: only where a GPU and a CUDA build of PyTorch both exist.
cat >"$tmp/torch_cuda.py" <<'EOF'
import sys, torch
what, arg = sys.argv[1], sys.argv[2]
s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
def median_ms(f, reps=20):
    for _ in range(3):
        f()
    t = []
    for _ in range(reps):
        s.record(); f(); e.record(); e.synchronize(); t.append(s.elapsed_time(e))
    return sorted(t)[len(t) // 2]
if what == "gemm":
    dt = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16,
          "bf16": torch.bfloat16}[arg]
    torch.backends.cuda.matmul.allow_tf32 = arg == "tf32"
    n = 4096
    a = torch.rand(n, n, device="cuda", dtype=dt) * 2 - 1
    b = torch.rand(n, n, device="cuda", dtype=dt) * 2 - 1
    c = torch.empty(n, n, device="cuda", dtype=dt)
    print(2 * n ** 3 / median_ms(lambda: torch.matmul(a, b, out=c)) / 1e9)
else:
    n = int(arg) // 8
    a = torch.empty(n, device="cuda", dtype=torch.float64)
    b = torch.ones(n, device="cuda", dtype=torch.float64)
    print(2 * n * 8 / median_ms(lambda: a.copy_(b)) / 1e6)
EOF
if command -v nvidia-smi >/dev/null 2>&1 &&
	$PY -c 'import torch, sys; sys.exit(not torch.cuda.is_available())' 2>/dev/null; then
	echo "cuda gemm 4096: bench-run vs torch.matmul (TFLOP/s, median of 20)"
	for dt in fp32 tf32 fp16 bf16; do
		bench-run -m gemm -b cuda -p m=4096,n=4096,k=4096 -p dtype=$dt \
			-w 3 -n 20 -o "$tmp/cg.$dt" || true
		br=$(median tflops "$tmp/cg.$dt")
		pt=$($PY "$tmp/torch_cuda.py" gemm $dt)
		awk -v d=$dt -v br="$br" -v pt="$pt" 'BEGIN {
			printf "  %s: bench-run %.1f  torch %.1f  ratio %.3f (goal >= 0.95)\n", d, br, pt, br / pt }'
	done
	echo "cuda membw copy 1G: bench-run vs torch copy_ (GB/s)"
	bench-run -m membw -b cuda -p op=copy -w 3 -n 20 -o "$tmp/cm" || true
	br=$(median gbps "$tmp/cm")
	pt=$($PY "$tmp/torch_cuda.py" copy 1073741824)
	awk -v br="$br" -v pt="$pt" 'BEGIN {
		printf "  bench-run %.0f  torch %.0f  ratio %.3f (goal >= 0.90)\n", br, pt, br / pt }'
	bench-run -m membw -b cuda -p op=triad,h2d,d2h -w 3 -n 20 -o "$tmp/cm2" || true
	jq -r 'select(.kind == "result") | "  \(.params.op): \(.metrics.gbps.p50) GB/s"' "$tmp/cm2"
else
	echo "cuda: no GPU or no CUDA build of PyTorch here, skipped"
fi

echo "in-process loop: cost of one iteration beyond the model's own time"
# the slope between two run lengths, so that spawning the worker and the
# model's setup drop out: (d2 - d1 - model time) / (n2 - n1)
for flag in --summary-only ""; do
	for n in 100000 300000; do
		# shellcheck disable=SC2086 # flag is empty or one word
		bench-run -m gemm -b cpu -p m=1,n=1,k=1 -w 0 -n $n $flag \
			-o "$tmp/loop.$n" >/dev/null || true
	done
	jq -s -r --arg f "${flag:-with samples}" 'map(select(.kind == "result")) |
		if length == 2 then
		((.[1].duration_s - .[0].duration_s) * 1e9 -
		 (.[1].metrics.latency_ms.mean * .[1].iterations -
		  .[0].metrics.latency_ms.mean * .[0].iterations) * 1e6) /
		(.[1].iterations - .[0].iterations) |
		"  \($f): \(. | floor) ns per iteration (goal < 1000)"
		else "  \($f): no result" end' "$tmp/loop.100000" "$tmp/loop.300000"
	rm -f "$tmp"/loop.*
done
