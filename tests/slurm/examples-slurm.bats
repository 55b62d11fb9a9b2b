#!/usr/bin/env bats
# examples-slurm.bats - examples/slurm on a real Slurm: a single-node
# cluster on localhost (munged, slurmctld and slurmd from Debian's munge and
# slurm-wlm, a generated slurm.conf, all state in a temporary folder),
# a 2-task job array of the suite, then the collect job.  `make
# check-slurm` installs the packages and runs this; `make check` does not.
bats_require_minimum_version 1.5.0

# helper.bash finds the source tree from tests/; this file is one deeper.
BP_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup_file() {
	command -v slurmctld >/dev/null && command -v munged >/dev/null ||
		skip "slurm-wlm and munge are not installed (make check-slurm)"
	[ "$(id -u)" -eq 0 ] || skip "the test cluster runs its daemons as root"
	SL=$(mktemp -d /tmp/bp-slurm.XXXXXX)
	export SL
	mkdir -p "$SL/munge" "$SL/state" "$SL/spool"
	chmod 700 "$SL/munge"
	head -c 128 /dev/urandom >"$SL/munge/munge.key"
	chmod 600 "$SL/munge/munge.key"
	munged --force -S "$SL/munge/socket" --key-file="$SL/munge/munge.key" \
		--log-file="$SL/munge/log" --pid-file="$SL/munge/pid" \
		--seed-file="$SL/munge/seed"
	local port=$((20000 + $$ % 20000)) node
	node=$(hostname -s)
	cat >"$SL/slurm.conf" <<-CONF
	ClusterName=benchpipe
	SlurmctldHost=$node(127.0.0.1)
	SlurmUser=root
	SlurmdUser=root
	SlurmctldPort=$port
	SlurmdPort=$((port + 1))
	AuthType=auth/munge
	CredType=cred/munge
	AuthInfo=socket=$SL/munge/socket
	StateSaveLocation=$SL/state
	SlurmdSpoolDir=$SL/spool
	SlurmctldPidFile=$SL/slurmctld.pid
	SlurmdPidFile=$SL/slurmd.pid
	SlurmctldLogFile=$SL/slurmctld.log
	SlurmdLogFile=$SL/slurmd.log
	PlugStackConfig=$SL/plugstack.conf
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	JobCompType=jobcomp/none
	SchedulerType=sched/builtin
	SelectType=select/cons_tres
	SelectTypeParameters=CR_CPU
	MpiDefault=none
	ReturnToService=2
	NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
	PartitionName=bench Nodes=ALL Default=YES MaxTime=INFINITE State=UP
	CONF
	: >"$SL/plugstack.conf"
	export SLURM_CONF=$SL/slurm.conf
	slurmctld -f "$SLURM_CONF"
	slurmd -f "$SLURM_CONF"
	local i
	for i in $(seq 50); do
		sinfo -h -o %t 2>/dev/null | grep -q idle && return 0
		sleep 0.2
	done
	echo "# the test cluster did not come up:" >&3
	tail -n 5 "$SL/slurmctld.log" "$SL/slurmd.log" | sed 's/^/# /' >&3
	return 1
}

teardown_file() {
	[ -n "${SL:-}" ] || return 0
	local f pid
	for f in "$SL/slurmd.pid" "$SL/slurmctld.pid" "$SL/munge/pid"; do
		[ -f "$f" ] && pid=$(cat "$f") && kill "$pid" 2>/dev/null
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	rm -rf "$SL"
}

setup() {
	load ../helper
	BP_SRC=$BP_ROOT
	cd "$BATS_TEST_TMPDIR" || return 1
	export MODELS=gemm BACKENDS=cpu BATCHES='1 2' RUNS=3 ITER=3 \
		PARAMS_gemm='-p m=32 -p n=32 -p k=32'
}

@test "examples/slurm: a 2-task array leaves one file per task, collect reports them" {
	run -0 "$BP_SRC/examples/slurm/submit.sh" "$BATS_TEST_TMPDIR/shared" 2
	read -r array collect <<<"$output"
	[[ $array =~ ^[0-9]+$ ]] && [[ $collect =~ ^[0-9]+$ ]]
	for _ in $(seq 600); do
		[ -z "$(squeue -h -j "$array,$collect" 2>/dev/null)" ] && break
		sleep 0.2
	done
	[ -z "$(squeue -h -j "$array,$collect")" ]
	shopt -s nullglob
	files=(shared/*.ndjson)
	[ "${#files[@]}" -eq 2 ]
	for f in "${files[@]}"; do
		[ "$(head -n 1 "$f" | jq -r .kind)" = host ]
		[ "$(jq -r 'select(.kind == "result") | .status' "$f" |
			sort -u)" = ok ]
		# 2 batch sizes x 3 runs
		[ "$(jq -c 'select(.kind == "result")' "$f" | wc -l)" -eq 6 ]
	done
	[ "${files[0]##*_}" != "${files[1]##*_}" ]
	[ -s shared/report/report.html ] && [ -s shared/report/report.md ]
	grep -q 'collect: 2 files from 1 hosts' shared/collect.log
	# one stat per batch size, each from both tasks' runs
	run -0 jq -s -c 'map(select(.kind == "stat")) | map(.runs) | sort' \
		shared/report/stats.ndjson
	[ "$output" = "[6,6]" ]
}
