#!/bin/sh
# trace.sh - how fast bench-trace reads PyTorch profiler traces: every
# trace in ../shared/traces, then a synthetic trace of about 1 GB made by
# repeating the events of a real one (shifted in time, ids renumbered).
# Prints MB/s of JSON (decompressed bytes over wall time, all tables; "read"
# is the reading alone) and the peak resident memory.  The synthetic trace
# is read plain, then gzip -1 compressed.  Goal: >= 300 MB/s on one core for plain JSON;
# gzip input is bounded by zlib.  SIZE_MB=N changes the synthetic size.
#
# With TRACELENS_DIR set to a TraceLens checkout (github.com/AMD-AGI/TraceLens;
# its imports must work with TL_PYTHON, default /usr/bin/python3), the same
# traces and a smaller synthetic one (TL_SIZE_MB, default 100) are also run
# through TraceLens's generate_perf_report_pytorch (CSV output, the tables of
# `bench-trace -t all`): median wall time of TL_RUNS runs (default 3), the
# ratio TraceLens / bench-trace, and both peak RSS.  TraceLens runs with its
# address space capped at TL_MEM_MB (default 8192) and TL_TIMEOUT seconds
# (default 600), so that pandas cannot swamp a shared machine.
set -u
shared=$(cd "$(dirname "$0")/../../../shared" 2>/dev/null && pwd) || {
	echo "trace: no ../shared/traces; skipped"
	exit 0
}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
rc=0

# run FILE: one line of figures for bench-trace on FILE (peak RSS from
# GNU time when it is installed).
run() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%e %M' -o "$tmp/time" bench-trace -t all "$1" \
			</dev/null >"$tmp/out.ndjson"
	else
		t0=$(date +%s%N)
		bench-trace -t all "$1" </dev/null >"$tmp/out.ndjson" &&
			echo "$(( ($(date +%s%N) - t0) / 1000000 )) 0" |
			awk '{ print $1 / 1000, $2 }' >"$tmp/time"
	fi || { echo "bench-trace failed on $1"; return 1; }
	# shellcheck disable=SC2046 # two numbers
	set -- "$1" $(cat "$tmp/time")
	bytes=$(grep -m1 '"trace_info"' "$tmp/out.ndjson" |
		sed 's/.*"json_bytes":\([0-9]*\).*/\1/')
	read_mbs=$(grep -m1 '"trace_info"' "$tmp/out.ndjson" |
		sed 's/.*"mb_per_s":\([0-9.]*\).*/\1/')
	awk -v f="$(basename "$1")" -v b="$bytes" -v s="$2" -v kb="$3" \
	    -v r="$read_mbs" 'BEGIN {
		if (s < 0.01) s = 0.01
		printf "%-50s %8.1f MB JSON %7.2f s %8.0f MB/s (read %5.0f MB/s) %6.0f MB peak RSS\n",
		    substr(f, 1, 50), b / 1e6, s, b / 1e6 / s, r, kb / 1024 }'
}

echo "bench-trace, all tables, one core:"
for f in "$shared"/traces/*/*.json*; do
	run "$f" || rc=1
done

qwen=$shared/traces/tracelens-h100/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz

# synth MB FILE: write a synthetic trace of about MB megabytes to FILE by
# repeating the events of the Qwen1.5 trace.
synth() {
	"$py" - "$qwen" "$2" "$1" <<'EOF'
import gzip, json, sys
src, dst, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
with gzip.open(src) as f:
    trace = json.load(f)
events = trace.pop("traceEvents")
ts = [e["ts"] for e in events if "ts" in e]
span = max(ts) - min(ts) + 1000
one = sum(len(json.dumps(e)) + 2 for e in events)
reps = max(1, size_mb * 1000000 // one)
with open(dst, "w") as out:
    head = json.dumps(trace)[:-1]
    out.write(head + ', "traceEvents": [\n')
    first = True
    for r in range(reps):
        shift, off = r * span, r * 10000000
        for e in events:
            if e.get("ph") == "M" and r > 0:
                continue
            e = dict(e)
            if "ts" in e:
                e["ts"] = e["ts"] + shift
            if "id" in e and isinstance(e["id"], int):
                e["id"] += off
            a = e.get("args")
            if isinstance(a, dict):
                a = dict(a)
                for k in ("correlation", "External id"):
                    if isinstance(a.get(k), int):
                        a[k] += off
                e["args"] = a
            out.write(("" if first else ",\n") + json.dumps(e))
            first = False
    out.write("\n]}\n")
EOF
}

synth "${SIZE_MB:-1000}" "$tmp/synthetic.json" || exit 2
echo "synthetic (Qwen1.5 events repeated):"
run "$tmp/synthetic.json" || rc=1
gzip -1 -c "$tmp/synthetic.json" >"$tmp/synthetic.json.gz"
rm -f "$tmp/synthetic.json"
run "$tmp/synthetic.json.gz" || rc=1
rm -f "$tmp/synthetic.json.gz"

# The comparison with TraceLens (optional).
tl=${TRACELENS_DIR:-}
tlpy=${TL_PYTHON:-$py}
[ -n "$tl" ] && [ -f "$tl/__init__.py" ] && [ ! -d "$tl/TraceLens" ] &&
	tl=$(dirname "$tl")	# the package folder itself was given
tlmod=TraceLens.Reporting.generate_perf_report_pytorch
if [ -z "$tl" ]; then
	echo "TraceLens comparison skipped: set TRACELENS_DIR to a TraceLens checkout (TRACELENS_DIR=/path/to/TraceLens make bench)"
	exit "$rc"
fi
if ! err=$(PYTHONPATH=$tl${PYTHONPATH:+:$PYTHONPATH} "$tlpy" -c "import $tlmod" 2>&1); then
	echo "TraceLens comparison skipped: $tlpy cannot import $tlmod from $tl ($(printf '%s\n' "$err" | tail -n 1))"
	exit "$rc"
fi
if [ ! -x /usr/bin/time ]; then
	echo "TraceLens comparison skipped: needs GNU time (/usr/bin/time) for peak RSS"
	exit "$rc"
fi
runs=${TL_RUNS:-3}
to=
command -v timeout >/dev/null 2>&1 && to="timeout ${TL_TIMEOUT:-600}"

# measure FILE CMD...: run CMD TL_RUNS times; write the median wall time
# (seconds) and the largest peak RSS (kB) to FILE.  Fails if a run fails,
# its exit status in m_rc (124: timed out).
measure() {
	m_out=$1
	shift
	: >"$tmp/runs"
	m_i=0
	while [ "$m_i" -lt "$runs" ]; do
		m_t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$tmp/rss" "$@" </dev/null \
			>"$tmp/stdout" 2>"$tmp/stderr" || { m_rc=$?; return 1; }
		m_t1=$(date +%s%N)
		echo "$(( m_t1 - m_t0 )) $(tail -n 1 "$tmp/rss")" >>"$tmp/runs"
		m_i=$(( m_i + 1 ))
	done
	sort -n "$tmp/runs" | awk '{ t[NR] = $1; if ($2 > kb) kb = $2 }
		END { n = NR; m = n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2
		      print m / 1e9, kb + 0 }' >"$m_out"
}

# compare FILE: one line, bench-trace against TraceLens on FILE.
compare() {
	name=$(basename "$1")
	measure "$tmp/bt" bench-trace -t all "$1" ||
		{ echo "$name: bench-trace failed"; return 1; }
	rm -rf "$tmp/tl"
	# TraceLens under an address-space cap (setrlimit, inherited by its
	# children) and a timeout; CSV output, as many tables as -t all.
	# shellcheck disable=SC2086 # $to is a command and its argument
	if ! measure "$tmp/tlt" $to "$tlpy" -c '
import resource, runpy, sys
cap = int(sys.argv[1]) << 20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
sys.argv = [sys.argv[2]] + sys.argv[3:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)' \
	    "${TL_MEM_MB:-8192}" "$tlmod" --profile_json_path "$1" \
	    --output_csvs_dir "$tmp/tl" --enable_kernel_summary \
	    --short_kernel_study; then
		echo "$name: TraceLens failed, status $m_rc ($(tail -n 1 "$tmp/stderr"))"
		return 0
	fi
	[ -s "$tmp/tl/gpu_timeline.csv" ] ||
		{ echo "$name: TraceLens wrote no gpu_timeline.csv"; return 0; }
	# shellcheck disable=SC2046 # four numbers
	set -- "$name" $(cat "$tmp/bt" "$tmp/tlt")
	awk -v f="$1" -v bs="$2" -v bkb="$3" -v ts="$4" -v tkb="$5" 'BEGIN {
		printf "%-50s bench-trace %6.3f s %5.0f MB  TraceLens %7.2f s %6.0f MB  ratio %6.1fx\n",
		    substr(f, 1, 50), bs, bkb / 1024, ts, tkb / 1024, ts / bs }'
}

PYTHONPATH=$tl${PYTHONPATH:+:$PYTHONPATH}
export PYTHONPATH
echo "TraceLens comparison (median of $runs runs; TraceLens: $tlpy -m $tlmod --enable_kernel_summary --short_kernel_study, CSV output; bench-trace -t all, NDJSON output; peak RSS):"
measure "$tmp/imp" "$tlpy" -c "import $tlmod" &&
	awk '{ printf "(TraceLens import alone: %.2f s, %.0f MB peak RSS)\n", $1, $2 / 1024 }' "$tmp/imp"
for f in "$shared"/traces/tracelens-h100/*.json.gz \
    "$shared"/traces/inference/*.json.gz \
    "$shared"/traces/multirank-dlrm/worker0_*.json.gz; do
	[ -f "$f" ] && { compare "$f" || rc=1; }
done
tlsize=${TL_SIZE_MB:-100}
synth "$tlsize" "$tmp/synthetic-${tlsize}mb.json" || exit 2
compare "$tmp/synthetic-${tlsize}mb.json" || rc=1
exit "$rc"
