#!/bin/sh
# nightly.sh [DIR] - the nightly benchmark job: run the suite, append its
# results to DIR/history.ndjson, find where each series changed, write a
# dated HTML report, print a short summary (cron mails it), and exit 1 when
# a series has regressed.
#
# The crontab line (crontab -e; cron's PATH must reach the bench-* commands):
#
#   PATH=/usr/local/bin:/usr/bin:/bin
#   30 2 * * *  /path/to/benchpipe/examples/nightly/nightly.sh /srv/bench
#
# In DIR:
#   history.ndjson   the host and result records of every night: appended,
#                    never rewritten (query it with jq or DuckDB)
#   runs/STAMP/      one night: results/ (samples too), stats.ndjson,
#                    changes.ndjson (bench-diff --history), suite.log
#   reports/         nightly_DATE.html, and latest.html pointing at the newest
#
# Two runs that overlap take turns (flock on DIR/nightly.lock: two
# benchmarks at once would measure each other), and every writer of the
# history appends under flock on history.ndjson.lock.
#
# The environment configures it: the suite's variables (MODELS, BATCHES,
# PARAMS_gemm, RUNS, ITER, LABELS ...; see examples/suite/Makefile),
# and:
#   SUITE          the suite's Makefile (default: ../suite/Makefile)
#   HISTORY_FLAGS  more options of bench-diff --history, e.g. "-t 10 -f major"
#   NIGHTLY_KEEP   nights of runs/ to keep (default 30; the history keeps all)
#   NIGHTLY_WAIT   seconds to wait for an overlapping run (default 21600)
#   BINDIR         where the bench-* commands are, when not on PATH
#
# Exit status: 0 no series regressed, 1 a series regressed (or broke) at
# its latest change point, 2 the job itself failed.
set -u

say() { printf 'nightly: %s\n' "$*" >&2; }

here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-.}
mkdir -p "$dir/runs" "$dir/reports" && dir=$(cd "$dir" && pwd) || exit 2
suite=${SUITE:-$here/../suite/Makefile}
suite=$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite") || exit 2
history=$dir/history.ndjson

if [ -n "${BINDIR:-}" ]; then
	PATH=$BINDIR:$PATH
elif ! command -v bench-run >/dev/null 2>&1 &&
    [ -x "$here/../../build/bin/bench-run" ]; then
	PATH=$(cd "$here/../../build/bin" && pwd):$PATH
fi
export PATH
for c in bench-detect bench-run bench-agg bench-diff bench-fmt jq flock make; do
	command -v "$c" >/dev/null 2>&1 || { say "$c not found on PATH"; exit 2; }
done

exec 9>>"$dir/nightly.lock"
if ! flock -w "${NIGHTLY_WAIT:-21600}" 9; then
	say "another run still holds $dir/nightly.lock"
	exit 2
fi

run=$(mktemp -d "$dir/runs/$(date -u +%Y%m%dT%H%M%SZ)-XXXX") || exit 2
if ! make -f "$suite" -C "$run" RESULTS=results STATS=stats.ndjson \
    all stats.ndjson \
    >"$run/suite.log" 2>&1 9>&-; then
	echo "nightly: the suite failed in $run; the end of suite.log:"
	tail -n 20 "$run/suite.log"
	exit 2
fi

# Results and hosts only: the samples stay in runs/ (and go with it).
jq -c 'select(.kind == "result" or .kind == "host")' \
    "$run/results/host.ndjson" "$run"/results/*-*-b*.ndjson \
    >"$run/history-part.ndjson" || exit 2
# shellcheck disable=SC2016 # the inner sh expands them
flock "$history.lock" sh -c 'cat "$1" >>"$2"' sh \
    "$run/history-part.ndjson" "$history" || exit 2

# shellcheck disable=SC2086 # HISTORY_FLAGS is a list of options
flock -s "$history.lock" bench-diff ${HISTORY_FLAGS:-} --history "$history" \
    >"$run/changes.ndjson" 2>"$run/changes.log"
rc=$?
if [ $rc -gt 1 ]; then
	echo "nightly: bench-diff --history failed:"
	cat "$run/changes.log"
	exit 2
fi

# The report: tonight's statistics, the history for the trend charts, and
# the change points.  Labels that name a build (commit ...) change every
# night; bench-fmt would make each night a configuration of its own and
# draw no trend, so the report leaves them out (the change points still
# name their commit).
strip='if .labels then .labels |= with_entries(select(.key | IN("branch",
    "build", "commit", "date", "pr", "ref", "run", "sha", "version") | not))
    else . end'
{
	jq -c "select(.kind == \"stat\") | $strip" "$run/stats.ndjson" &&
	flock -s "$history.lock" jq -c \
	    "select(.kind == \"result\" or .kind == \"host\") | $strip" \
	    "$history" &&
	cat "$run/changes.ndjson"
} >"$run/report-input.ndjson" || exit 2
if ! bench-fmt -f html --title "Nightly benchmarks" -d "$dir/reports" \
    -n 'nightly_{date}.{ext}' "$run/report-input.ndjson" 2>"$run/fmt.log"; then
	echo "nightly: bench-fmt failed:"
	cat "$run/fmt.log"
	exit 2
fi
report=$dir/reports/$(readlink "$dir/reports/latest.html")

# The summary: what ran, what changed, what failed, where the report is.
jq -rs --arg host "$(hostname)" '
    map(select(.kind == "result")) |
    "benchpipe nightly on \($host): \(length) result" +
    "\(if length == 1 then "" else "s" end), " +
    "\(map(select(.status == "ok")) | length) ok, " +
    "\(map(select(.status == "failed")) | length) failed, " +
    "\(map(select(.status == "skipped")) | length) skipped"' \
    "$run"/results/*.ndjson
jq -r 'select(.kind == "diff" and .change_point.latest and
    (.verdict == "regression" or .verdict == "broken")) |
    "\(.verdict) (\(.severity)): \(.model) on \(.backend) " +
    "\(.params // {} | to_entries | map("\(.key)=\(.value)") | join(" ")): " +
    "\(.metric) \(.change_pct // "?" | if type != "number" then .
        elif . > 0 then "+\(. * 10 | round / 10)" else . * 10 | round / 10
        end)% since " +
    "\(.change_point.ts // "?")" +
    (if .change_point.commit then " (commit \(.change_point.commit))"
     else "" end)' "$run/changes.ndjson"
jq -r 'select(.kind == "result" and .status == "failed") |
    "failed: \(.model) on \(.backend) " +
    "\(.params // {} | to_entries | map("\(.key)=\(.value)") | join(" ")): " +
    "\(.error.type): \(.error.message)"' "$run"/results/*.ndjson
jq -rs 'map(select(.kind == "result")) |
    "history: \(length) results since \(map(.ts // "")[0][0:10])"' "$history"
echo "report: $report"

# Old nights' samples go; their results stay in the history.
keep=${NIGHTLY_KEEP:-30}
nights=$(find "$dir/runs" -mindepth 1 -maxdepth 1 -type d | wc -l)
if [ "$nights" -gt "$keep" ]; then
	find "$dir/runs" -mindepth 1 -maxdepth 1 -type d | sort |
	    head -n "$((nights - keep))" | while read -r old; do
		rm -rf "$old"
	done
fi
exit $rc
