#!/bin/sh
# trace.sh - how fast bench-trace reads PyTorch profiler traces: every
# trace in ../shared/traces, then a synthetic trace of about 1 GB made by
# repeating the events of a real one (shifted in time, ids renumbered).
# Prints MB/s of JSON (decompressed bytes over wall time, all tables; "read"
# is the reading alone) and the peak resident memory.  The synthetic trace
# is read plain, then gzip -1 compressed.  Goal: >= 300 MB/s on one core for plain JSON;
# gzip input is bounded by zlib.  SIZE_MB=N changes the synthetic size.
set -u
shared=$(cd "$(dirname "$0")/../../../shared" 2>/dev/null && pwd) || {
	echo "trace: no ../shared/traces; skipped"
	exit 0
}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

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
	run "$f"
done

size=${SIZE_MB:-1000}
"$py" - "$shared/traces/tracelens-h100/Qwen_Qwen1.5-0.5B-Chat__1016005.json.gz" \
	"$tmp/synthetic.json" "$size" <<'EOF'
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
echo "synthetic (Qwen1.5 events repeated):"
run "$tmp/synthetic.json"
gzip -1 -c "$tmp/synthetic.json" >"$tmp/synthetic.json.gz"
rm -f "$tmp/synthetic.json"
run "$tmp/synthetic.json.gz"
