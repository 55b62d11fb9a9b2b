#!/usr/bin/env bats
# make deps: silent when nothing is missing, installs as root, prints the
# exact apt-get line otherwise.  dpkg-query, apt-get and id are replaced by
# fakes on PATH so that nothing is installed for real.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir fake
	# fake dpkg-query: every package is installed except those in $MISSING
	cat >fake/dpkg-query <<'SH'
#!/bin/sh
pkg=$3
case " $MISSING " in *" $pkg "*) exit 1 ;; esac
printf 'ii '
SH
	printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$BATS_TEST_TMPDIR" >fake/apt-get
	printf '#!/bin/sh\necho "${FAKE_UID:-0}"\n' >fake/id
	chmod +x fake/*
}

deps() {
	PATH="$BATS_TEST_TMPDIR/fake:$PATH" sh "$BP_SRC/share/benchpipe/deps.sh" "$@"
}

@test "deps is silent and installs nothing when every package is there" {
	MISSING= run -0 deps jq bats
	[ -z "$output" ]
	[ ! -e apt.log ]
}

@test "deps as root installs exactly the missing packages" {
	MISSING="jq gnuplot-nox" run -0 deps bats jq gnuplot-nox
	[ "$(sed -n 1p apt.log)" = "apt-get update -q" ]
	[ "$(sed -n 2p apt.log)" = "apt-get install -y -q --no-install-recommends jq gnuplot-nox" ]
}

@test "deps as a user prints the exact apt-get line and exits 2" {
	FAKE_UID=1000 MISSING="libcjson-dev" run -2 deps bats libcjson-dev
	[ "${lines[1]}" = "sudo apt-get update && sudo apt-get install -y --no-install-recommends libcjson-dev" ]
	[ ! -e apt.log ]
}

@test "make deps on this machine is silent" {
	cd "$BP_SRC"
	run -0 make -s deps
	[ -z "$output" ]
}
