#!/bin/sh
# bench-ci.sh STEP - the benchmark steps of examples/ci/benchmarks.yml, kept
# in a script so that they run (and are tested) outside GitHub too.
#
#   fetch-baseline  download the baseline artifact of the newest successful
#                   run on main into bench/ (needs gh and GH_TOKEN; none
#                   yet is not an error)
#   main            run the suite in bench/ and freeze it as bench/baseline.ndjson
#                   (the workflow uploads it as the artifact bench-baseline)
#   pr              run the suite, compare it with the baseline, write the
#                   Markdown report to the job summary; exit 1 on a regression
#
# The suite is examples/suite/Makefile; its variables come from the
# environment (MODELS, BATCHES, RUNS, DIFFFLAGS ...).  GITHUB_STEP_SUMMARY
# is the job summary file (GitHub sets it; without it, stdout).
set -u

say() { printf 'bench-ci: %s\n' "$*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
suite=$here/../suite/Makefile
work=${BENCH_DIR:-bench}
workflow=${BENCH_WORKFLOW:-benchmarks.yml}
artifact=${BENCH_ARTIFACT:-bench-baseline}
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
mkdir -p "$work" || exit 2

suite() {
	make --no-print-directory -f "$suite" -C "$work" RESULTS=results \
	    STATS=stats.ndjson BASELINE=baseline.ndjson DIFFFILE=diff.ndjson "$@"
}

case ${1:-} in
fetch-baseline)
	id=$(gh run list --workflow "$workflow" --branch main --event push \
	    --status success --limit 1 --json databaseId \
	    --jq '.[0].databaseId // empty') || exit 2
	if [ -z "$id" ]; then
		say "no successful run on main yet: no baseline"
		exit 0
	fi
	if ! gh run download "$id" --name "$artifact" --dir "$work"; then
		say "run $id on main has no $artifact artifact: no baseline"
		exit 0
	fi
	say "baseline of run $id on main in $work/baseline.ndjson"
	;;
main)
	suite all baseline report TITLE="Benchmarks on main" || exit 2
	cat "$work/report.md" >>"$summary"
	;;
pr)
	suite all || exit 2
	if [ ! -f "$work/baseline.ndjson" ]; then
		suite report TITLE="Benchmarks of this pull request" || exit 2
		{
			echo '> [!NOTE]'
			echo '> No baseline from main yet: nothing to compare with.'
			echo
			cat "$work/report.md"
		} >>"$summary"
		exit 0
	fi
	rm -f "$work/diff.ndjson"
	suite regress
	rc=$?
	# make exits 2 whatever failed; the diff says whether it was the gate.
	if [ $rc -ne 0 ] && [ ! -f "$work/diff.ndjson" ]; then
		exit 2
	fi
	suite report TITLE="Benchmarks: this pull request against main" || exit 2
	cat "$work/report.md" >>"$summary"
	[ $rc -eq 0 ] || exit 1
	;;
*)
	echo "usage: bench-ci.sh fetch-baseline|main|pr" >&2
	exit 2
	;;
esac
