#!/bin/sh
# run.sh BUILD - make bench: every tests/bench/*.sh in turn, each printing
# its own figures.  Speed is measured here, never asserted in tests.
set -u
build=$(cd "${1:-build}" && pwd)
export BP_BUILD="$build" PATH="$build/bin:$PATH" LC_ALL=C
cd "$(dirname "$0")" || exit 2
rc=0
for s in ./*.sh; do
	[ "$s" = ./run.sh ] && continue
	echo "== $(basename "$s" .sh)"
	sh "$s" || { echo "bench $(basename "$s"): failed with status $?"; rc=1; }
done
exit $rc
