# helper.bash - loaded by every bats file: the build under test first on
# PATH, the C locale, and each test working in its own temporary folder.
bats_require_minimum_version 1.5.0

BP_BUILD=${BP_BUILD:-$(cd "$BATS_TEST_DIRNAME/../build" && pwd)}
PATH="$BP_BUILD/bin:$PATH"
BP_SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BP_GOLDEN="$BP_SRC/tests/golden"
BP_SHARED="$BP_SRC/../shared"
export LC_ALL=C BP_BUILD BP_SRC NO_COLOR=1
# numpy and scipy come from Debian, not from a python on PATH
BP_PY=/usr/bin/python3
# The sanitizer build must stop at the first report, loudly.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# golden CMD... : compares stdout of CMD with tests/golden/NAME/CASE.out,
# where NAME/CASE is $GOLDEN; with UPDATE=1 rewrites the file instead.
golden() {
	local want="$BP_GOLDEN/$GOLDEN.out" got="$BATS_TEST_TMPDIR/golden.out"
	"$@" >"$got"
	if [ "${UPDATE:-}" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		cp "$got" "$want"
	fi
	diff -u "$want" "$got"
}
