#!/usr/bin/env bats
# bench-run's built-in models (gemm, membw, mlp) through the whole command:
# records, statuses, checks, and the mlp's accuracy on the real data.

load helper

fashion=/usr/share/datasets/fashion-mnist

# has_gpu: a driver and a device, the only case where cuda runs for real.
has_gpu() {
	[ -e /proc/driver/nvidia/version ] && command -v nvidia-smi >/dev/null &&
		nvidia-smi -L 2>/dev/null | grep -q '^GPU '
}

result() {
	jq -c 'select(.kind == "result")' out.ndjson
}

# results EXPR: there is a result, and EXPR holds for every one.
results() {
	jq -s -e "map(select(.kind == \"result\")) | length > 0 and all($1)" \
		out.ndjson
}

@test "bench-run --list-models lists gemm, membw and mlp with their params" {
	run -0 bench-run --list-models
	for m in gemm membw mlp; do
		echo "$output" | grep -q "^$m	cpu,cuda	"
	done
	for p in m=4096 dtype=fp32 batch=1 cache=warm op=copy size=auto \
		hidden=256 layers=1 epochs=5 batch=32 lr=0.1 seed=42 \
		data=fashion-mnist samples=all min_acc=auto; do
		echo "$output" | grep -q -- "-p $p	"
	done
}

@test "bench-run -m gemm -b cpu sweeps m and writes checked results" {
	run -0 bench-run -m gemm -b cpu -p m=32,64 -p n=48 -p k=40 -w 1 -n 3 \
		-o out.ndjson
	[ "$(jq -c 'select(.kind == "sample")' out.ndjson | wc -l)" -eq 6 ]
	[ "$(result | wc -l)" -eq 2 ]
	results '.status == "ok" and .model == "gemm" and
		.backend == "cpu" and .check.ok == true and
		.check.rel_err < 1e-5 and .metrics.tflops.n == 3 and
		.metrics.tflops.mean > 0 and .metrics.latency_ms.min > 0'
	jq -s -e 'map(select(.kind == "sample")) |
		all(.tflops > 0 and .latency_ms > 0)' out.ndjson
	[ "$(result | jq -r .params.m | tr '\n' ' ')" = "32 64 " ]
}

@test "bench-run -m gemm -b cpu -p dtype=fp64 checks against float64" {
	run -0 bench-run -m gemm -b cpu -p m=50,n=50,k=50 -p dtype=fp64 -n 2 \
		-o out.ndjson
	results '.status == "ok" and .check.ok and .check.rel_err < 1e-12'
}

@test "bench-run -m gemm -b cpu -p dtype=fp16 is skipped as unsupported" {
	run -0 bench-run -m gemm -b cpu -p dtype=fp16 -p m=8 -n 1 -o out.ndjson
	results '.status == "skipped" and .error.type == "unsupported" and
		(.error.message | test("fp16"))'
}

@test "bench-run -m gemm -b cuda without a GPU is skipped, exit 0" {
	has_gpu && skip "a GPU is present: see the cuda test below"
	run -0 bench-run -m gemm -b cuda -p m=64,n=64,k=64 -n 1 -o out.ndjson
	results '.status == "skipped" and .error.type == "unsupported" and
		(.error.message | test("no GPU|CUDA module"))'
	[ "$(jq -c 'select(.kind == "sample")' out.ndjson | wc -l)" -eq 0 ]
}

@test "bench-run -m gemm -b cuda runs each dtype on a GPU" {
	has_gpu || skip "no GPU"
	run -0 bench-run -m gemm -b cuda -p m=256,n=256,k=256 \
		-p dtype=fp32,tf32,fp16,bf16 -p cache=warm,cold -n 3 -o out.ndjson
	[ "$(result | wc -l)" -eq 8 ]
	results '.status == "ok" and .check.ok'
}

@test "bench-run -m membw -b cpu measures copy and triad and verifies" {
	run -0 bench-run -m membw -b cpu -p op=copy,triad -p size=2M -n 3 \
		-o out.ndjson
	[ "$(result | wc -l)" -eq 2 ]
	results '.status == "ok" and .check.ok and .check.rel_err == 0 and
		.metrics.gbps.mean > 0'
}

@test "bench-run -m membw -b cpu -p op=h2d is skipped as unsupported" {
	run -0 bench-run -m membw -b cpu -p op=h2d -n 1 -o out.ndjson
	results '.status == "skipped" and .error.type == "unsupported"'
}

@test "bench-run -m membw -b cuda on a GPU verifies every op" {
	has_gpu || skip "no GPU"
	run -0 bench-run -m membw -b cuda -p op=copy,triad,h2d,d2h -p size=64M \
		-n 3 -o out.ndjson
	[ "$(result | wc -l)" -eq 4 ]
	results '.status == "ok" and .check.ok'
}

@test "bench-run -m mlp: one sample per epoch, accuracy in the result" {
	run -0 bench-run -m mlp -b cpu -p data=synthetic,samples=2000 \
		-p hidden=32 -p epochs=3 -o out.ndjson
	[ "$(jq -c 'select(.kind == "sample")' out.ndjson | wc -l)" -eq 3 ]
	jq -s -e 'map(select(.kind == "sample")) | all(.epoch_time_ms > 0 and
		.train_loss > 0 and .phase == "measure")' out.ndjson
	results '.status == "ok" and .iterations == 3 and .warmups == 0 and
		.test_accuracy_pct >= 90 and .training_time_s > 0 and
		.peak_rss_mb > 0 and .check.ok and .check.rel_err < 1e-4'
}

@test "bench-run -m mlp reaches 80% on Fashion-MNIST after one epoch" {
	[ -r $fashion/train-images-idx3-ubyte.gz ] || skip "no $fashion"
	run -0 bench-run -m mlp -b cpu -p epochs=1 -o out.ndjson
	results '.status == "ok" and .check.ok and
		.test_accuracy_pct >= 80'
}

@test "bench-run -m mlp: the same seed gives the same accuracy, any --threads" {
	[ -r $fashion/train-images-idx3-ubyte.gz ] || skip "no $fashion"
	bench-run -m mlp -b cpu --threads 1 \
		-p epochs=1,samples=6000,hidden=64,min_acc=0 -o a.ndjson
	bench-run -m mlp -b cpu --threads 2 \
		-p epochs=1,samples=6000,hidden=64,min_acc=0 -o b.ndjson
	a=$(jq 'select(.kind == "result") | .test_accuracy_pct' a.ndjson)
	b=$(jq 'select(.kind == "result") | .test_accuracy_pct' b.ndjson)
	[ -n "$a" ] && [ "$a" = "$b" ]
	a=$(jq -c 'select(.kind == "sample") | .train_loss' a.ndjson)
	b=$(jq -c 'select(.kind == "sample") | .train_loss' b.ndjson)
	[ "$a" = "$b" ]
}

@test "bench-run -m mlp --data DIR without the files fails and names them" {
	mkdir empty
	run -1 bench-run -m mlp -b cpu --data "$PWD/empty" -p epochs=1 \
		-o out.ndjson
	results '.status == "failed" and .error.type == "execution_error"
		and (.error.message | test("train-images-idx3-ubyte"))'
}

@test "bench-run -m mlp -b cuda without a GPU is skipped, exit 0" {
	has_gpu && skip "a GPU is present"
	run -0 bench-run -m mlp -b cuda -p data=synthetic -o out.ndjson
	results '.status == "skipped" and .error.type == "unsupported"'
}

@test "bench-run -m mlp -b cuda on a GPU learns like the cpu" {
	has_gpu || skip "no GPU"
	run -0 bench-run -m mlp -b cuda -p data=synthetic,samples=6000 \
		-p epochs=2 -o out.ndjson
	results '.status == "ok" and .check.ok and
		.test_accuracy_pct >= 90'
}
