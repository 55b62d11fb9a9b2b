#!/usr/bin/env bats
# bench-detect: one host record that agrees with the system's own tools.

load helper

@test "bench-detect prints one host record as one JSON line" {
	run -0 bench-detect
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e '.kind == "host" and .schema == 1'
}

@test "bench-detect cores and threads agree with lscpu and nproc" {
	run -0 bench-detect
	cores=$(lscpu -p=CORE,SOCKET | grep -v '^#' | sort -u | wc -l)
	[ "$(echo "$output" | jq .cpu.cores)" -eq "$cores" ]
	[ "$(echo "$output" | jq .cpu.threads)" -eq "$(nproc)" ]
	sockets=$(lscpu -p=SOCKET | grep -v '^#' | sort -u | wc -l)
	[ "$(echo "$output" | jq .cpu.packages)" -eq "$sockets" ]
}

@test "bench-detect memory total equals /proc/meminfo within rounding" {
	run -0 bench-detect
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	echo "$output" | jq -e --argjson kb "$kb" \
		'(.memory.total_mib - $kb / 1024) | fabs < 1'
}

@test "bench-detect kernel, arch and hostname match uname" {
	run -0 bench-detect
	[ "$(echo "$output" | jq -r .os.kernel)" = "$(uname -r)" ]
	[ "$(echo "$output" | jq -r .os.arch)" = "$(uname -m)" ]
	[ "$(echo "$output" | jq -r .hostname)" = "$(uname -n)" ]
}

@test "bench-detect CPU model and ISA flags come from /proc/cpuinfo" {
	run -0 bench-detect
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	[ -z "$model" ] || [ "$(echo "$output" | jq -r .cpu.model)" = "$model" ]
	for f in $(echo "$output" | jq -r '.cpu.flags[]'); do
		grep -m1 -E '^(flags|Features)' /proc/cpuinfo | grep -qw -- "$f"
	done
	if grep -m1 '^flags' /proc/cpuinfo | grep -qw avx2; then
		echo "$output" | jq -e '.cpu.flags | index("avx2")'
	fi
}

@test "bench-detect lists caches with the sizes sysfs gives" {
	run -0 bench-detect
	f=/sys/devices/system/cpu/cpu0/cache/index0
	[ -r $f/size ] || skip "no cache information in sysfs"
	l1=$(cat /sys/devices/system/cpu/cpu0/cache/index*/size | head -1 | tr -d K)
	echo "$output" | jq -e --argjson kb "$l1" \
		'[.cpu.caches[] | select(.level == 1) | .size_kib] | index($kb)'
}

@test "bench-detect host_id is stable across runs" {
	a=$(bench-detect | jq -r .host_id)
	b=$(bench-detect | jq -r .host_id)
	[ -n "$a" ] && [ "$a" = "$b" ]
	[ "${#a}" -eq 12 ]
}

@test "bench-detect without an NVIDIA driver lists no GPU and says why" {
	if [ -e /proc/driver/nvidia/version ]; then
		skip "an NVIDIA driver is loaded here"
	fi
	run -0 bench-detect
	echo "$output" | jq -e '.gpus == []'
	echo "$output" | jq -e '.backends.cuda.available == false'
	echo "$output" | jq -e '.backends.cuda.reason | test("NVIDIA driver")'
	echo "$output" | jq -e '[.notes[] | select(startswith("gpus: "))] | length == 1'
}

@test "bench-detect gpus agree with nvidia-smi" {
	command -v nvidia-smi >/dev/null || skip "no nvidia-smi: no NVIDIA GPU on this host"
	run -0 bench-detect
	nvidia-smi --query-gpu=name,uuid,memory.total,driver_version,power.limit \
		--format=csv,noheader,nounits >smi.csv
	i=0
	while IFS=, read -r name uuid mem drv power; do
		g=$(echo "$output" | jq -c ".gpus[$i]")
		[ "$(echo "$g" | jq -r .name)" = "$(echo $name)" ]
		[ "$(echo "$g" | jq -r .uuid)" = "$(echo $uuid)" ]
		[ "$(echo "$g" | jq -r .driver_version)" = "$(echo $drv)" ]
		echo "$g" | jq -e --argjson m "$(echo $mem)" '(.memory_total_mib - $m) | fabs <= 1'
		echo "$g" | jq -e --argjson p "$(echo $power)" '(.power_limit_w - $p) | fabs <= 1'
		i=$((i + 1))
	done <smi.csv
	[ "$(echo "$output" | jq '.gpus | length')" -eq "$i" ]
}

@test "bench-detect --backends prints each available backend on a line" {
	run -0 bench-detect --backends
	[ "${lines[0]}" = cpu ]
	want=$(bench-detect | jq -r '.backends | to_entries[] | select(.value.available) | .key')
	[ "$output" = "$want" ]
}

@test "bench-detect --check exits 1 exactly when a check fails" {
	failing=$(bench-detect | jq '[.checks[] | select(.ok | not)] | length')
	run bench-detect --check
	if [ "$failing" -gt 0 ]; then [ "$status" -eq 1 ]; else [ "$status" -eq 0 ]; fi
	[ "$(echo "$output" | grep -c '^FAIL')" -eq "$failing" ]
	echo "$output" | grep -q '^ok  *aslr\|^FAIL  *aslr'
}

@test "bench-detect checks each have a name, a verdict and a detail" {
	run -0 bench-detect
	echo "$output" | jq -e '.checks | length >= 5'
	echo "$output" | jq -e 'all(.checks[]; (.name | type) == "string" and
		(.ok | type) == "boolean" and (.detail | length) > 0)'
}

@test "bench-detect names the software it was built with" {
	run -0 bench-detect
	echo "$output" | jq -e '.software.benchpipe and .software.libc and .software.hwloc'
	echo "$output" | jq -e '.backends.cpu.blas | startswith("OpenBLAS")'
}

@test "bench-detect --pretty indents the same record" {
	bench-detect -l run=x | jq -S 'del(.ts, .checks, .memory.available_mib, .cpu.current_mhz, .cpu.peak_gflops)' >compact.json
	run -0 bench-detect --pretty -l run=x
	[ "${#lines[@]}" -gt 20 ]
	[ "${lines[1]}" = '  "kind": "host",' ]
	echo "$output" | jq -S 'del(.ts, .checks, .memory.available_mib, .cpu.current_mhz, .cpu.peak_gflops)' | diff compact.json -
}

@test "bench-detect --label adds labels and the last value of a key wins" {
	run -0 bench-detect -l commit=abc --label tag=nightly -l commit=def
	echo "$output" | jq -e '.labels == {"commit": "def", "tag": "nightly"}'
}

@test "bench-detect -o appends to a file and keeps stdout empty" {
	run -0 bench-detect -o host.ndjson
	[ -z "$output" ]
	bench-detect -o host.ndjson
	[ "$(wc -l <host.ndjson)" -eq 2 ]
	jq -e .host_id host.ndjson
}

@test "bench-detect reports a full disk and exits 2" {
	run -2 bench-detect -o /dev/full
	[[ "$output" == "bench-detect: /dev/full: No space left on device" ]]
	run -2 sh -c 'bench-detect >/dev/full'
	[[ "$output" == "bench-detect: "*"No space left on device" ]]
}

@test "bench-detect reports an unwritable output file" {
	run -2 bench-detect -o /nonexistent/dir/host.ndjson
	[ "$output" = "bench-detect: /nonexistent/dir/host.ndjson: No such file or directory" ]
}

@test "bench-detect rejects an unknown option with usage and exit 2" {
	run -2 bench-detect --bogus
	[[ "${lines[0]}" == *"unrecognized option"* ]]
	[[ "$output" == *"usage: bench-detect"* ]]
}

@test "bench-detect rejects a label without =" {
	run -2 bench-detect -l novalue
	[[ "${lines[0]}" == "bench-detect: label 'novalue' is not KEY=VALUE" ]]
}

@test "bench-detect rejects operands and conflicting modes" {
	run -2 bench-detect extra
	[[ "${lines[0]}" == "bench-detect: unexpected argument 'extra'" ]]
	run -2 bench-detect --check --backends
}

@test "bench-detect --help goes to stdout and exits 0" {
	run -0 bench-detect --help
	[[ "${lines[0]}" == "usage: bench-detect"* ]]
	[[ "$output" == *"--backends"* ]]
}

@test "bench-detect --version names the version" {
	run -0 bench-detect --version
	[[ "$output" =~ ^bench-detect\ \(benchpipe\)\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "bench-detect --help and --version to a full disk exit 2 with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	run -2 bash -c 'bench-detect --version >/dev/full'
	[[ "$output" == "bench-detect: stdout: No space left on device" ]]
	run -2 bash -c 'bench-detect --help >/dev/full'
	[[ "$output" == "bench-detect: stdout: No space left on device" ]]
}

@test "bench-detect notes a topology hwloc cannot load and frees it" {
	HWLOC_COMPONENTS=-linux,-x86,-no_os run -0 bench-detect
	[[ "$output" == *'"cpu: hwloc could not load the topology"'* ]]
}
