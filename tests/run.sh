#!/bin/sh
# run.sh BUILD... - run every test against each build directory.
#
# Unit tests (BUILD/tests/unit/*) and bats files (tests/*.bats) speak TAP;
# their lines are echoed prefixed with the build's name and counted.  The
# lint step (clang -Werror, mandoc, shellcheck) runs once and counts as one
# test.  The last line is "N passed, N failed, N skipped"; the exit status
# is 1 when anything failed.
set -u
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT

# Reads TAP on stdin, echoes it with a prefix, appends "p f s" to $counts.
tally() {
	awk -v pre="$1" -v out="$counts" '
	{ print pre " " $0; fflush() }
	/^not ok / { f++; next }
	/^ok / { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) s++; else p++; next }
	END { printf "%d %d %d\n", p, f, s >> out }'
}

# A program that died before its plan: one failure, so it is never lost.
crashed() {
	echo "0 1 0" >>"$counts"
	echo "$1 not ok - $2 exited with status $3 (crash or missing plan)"
}

if make -s lint >/tmp/bp-lint.$$ 2>&1; then
	echo "ok - lint (clang -Werror, mandoc -Tlint, shellcheck)" | tally "[lint]"
else
	sed 's/^/# /' /tmp/bp-lint.$$
	echo "not ok - lint (clang -Werror, mandoc -Tlint, shellcheck)" | tally "[lint]"
fi
rm -f /tmp/bp-lint.$$

for build in "$@"; do
	name=$(basename "$build")
	for t in "$build"/tests/unit/*; do
		[ -x "$t" ] || continue
		out=$(mktemp)
		"$t" >"$out" 2>&1
		rc=$?
		tally "[$name unit/$(basename "$t")]" <"$out"
		if ! grep -q '^1\.\.' "$out" || [ $rc -gt 1 ]; then
			crashed "[$name]" "unit/$(basename "$t")" "$rc"
		fi
		rm -f "$out"
	done
	for f in tests/*.bats; do
		[ -f "$f" ] || continue
		out=$(mktemp)
		BP_BUILD=$(cd "$build" && pwd) bats --tap "$f" >"$out" 2>&1
		rc=$?
		tally "[$name $(basename "$f")]" <"$out"
		if ! grep -q '^1\.\.' "$out" || [ $rc -gt 1 ]; then
			crashed "[$name]" "$(basename "$f")" "$rc"
		fi
		rm -f "$out"
	done
done

awk '{ p += $1; f += $2; s += $3 }
END {
	if (s) printf "%d passed, %d failed, %d skipped\n", p, f, s
	else printf "%d passed, %d failed\n", p, f
	exit f > 0
}' "$counts"
