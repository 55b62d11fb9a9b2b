#!/bin/sh
# agg.sh - bench-agg against Miller, jq, pandas and DuckDB on one generated
# file of sample records: MB/s, peak memory, and how many times slower
# each peer is.  Every tool computes the same figures (count, mean,
# stddev, min, max and the 50/90/95/99/99.9th percentiles of four metrics
# per group) over the same file in the same run.
#
#   BENCH_AGG_LINES    sample lines (default 10000000, about 2.2 GB)
#   BENCH_AGG_PEERS    which peers (default "mlr jq pandas duckdb")
#   BENCH_AGG_TIMEOUT  seconds a peer may take before it is stopped (900)
#   BENCH_AGG_DIR      where the file goes (default a temporary folder)
#   BENCH_AGG_REPEAT   runs of bench-agg, the fastest counts (default 3)
#   BENCH_AGG_MAXMEM   MB a peer may hold before it is stopped (default 60%
#                      of the memory: Miller keeps about 2.4 KB a line); the
#                      line then says how far it read and what that projects
#
# DuckDB comes from the npm registry (@duckdb/node-api) installed into
# ~/.cache/benchpipe-bench, for this benchmark only; pandas is Debian's
# (python3-pandas, for /usr/bin/python3), Miller is Debian's miller.
# A peer that is not there is skipped with a message.
set -u
lines=${BENCH_AGG_LINES:-10000000}
peers=${BENCH_AGG_PEERS:-mlr jq pandas duckdb}
limit=${BENCH_AGG_TIMEOUT:-900}
repeat=${BENCH_AGG_REPEAT:-3}
maxmem=${BENCH_AGG_MAXMEM:-$(awk '/^MemTotal:/ { printf "%d", $2 * 0.6 / 1024 }' \
    /proc/meminfo)}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/benchpipe-bench
dir=$(mktemp -d "${BENCH_AGG_DIR:-${TMPDIR:-/tmp}}/bench-agg.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT INT TERM
data=$dir/samples.ndjson
metrics="latency_ms items user_ms sys_ms"

if [ ! -x /usr/bin/time ]; then
	echo "agg: /usr/bin/time is needed for peak memory (apt-get install time)"
	exit 2
fi

# ~224 bytes a line, 50 groups (5 models x 2 backends x 5 batch sizes),
# runs of 1000 iterations, lognormal latencies.
awk -v n="$lines" 'BEGIN {
	srand(1)
	split("gemm conv attn mlp embed", model, " ")
	split("cpu cuda", backend, " ")
	split("1 8 32 64 128", batch, " ")
	print "{\"kind\":\"host\",\"schema\":1,\"host_id\":\"0123456789ab\"}"
	for (i = 0; i < n; i++) {
		if (i % 1000 == 0) {
			r = int(i / 1000)
			g = r % 50
			m = model[g % 5 + 1]
			b = backend[int(g / 5) % 2 + 1]
			bs = batch[int(g / 10) % 5 + 1]
			mu = log(bs + 1) / 2
		}
		lat = exp(mu + 0.1 * sqrt(-2 * log(rand())) * cos(6.283185307 * rand()))
		printf "{\"kind\":\"sample\",\"schema\":1,\"run_id\":\"%016x\",\"host_id\":\"0123456789ab\",\"model\":\"%s\",\"backend\":\"%s\",\"params\":{\"batch\":%d},\"iter\":%d,\"phase\":\"measure\",\"latency_ms\":%.6f,\"items\":%d,\"user_ms\":%.3f,\"sys_ms\":%.3f}\n", r, m, b, bs, i % 1000, lat, bs, lat * 0.93, lat * 0.05 * rand()
	}
}' >"$data" || exit 2
bytes=$(wc -c <"$data")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "agg: $lines sample lines, $mb MB, 50 groups, 4 metrics, in $dir"
cat "$data" >/dev/null	# into the page cache, for every tool alike

base=""

# rss PID: the resident kilobytes of PID and all its descendants.
rss() {
	ps -e -o pid= -o ppid= -o rss= | awk -v top="$1" '
	{ parent[$1] = $2; kb[$1] = $3 }
	END {
		for (p in kb) {
			for (q = p; q != "" && q != top && q in parent; q = parent[q])
				;
			if (q == top)
				sum += kb[p]
		}
		print sum + 0
	}'
}

# read_pos PID: how far PID has read into the data file (0 if unknown).
read_pos() {
	for fd in /proc/"$1"/fd/*; do
		if [ "$(readlink "$fd")" = "$data" ]; then
			awk '/^pos:/ { print $2 }' "/proc/$1/fdinfo/${fd##*/}"
			return
		fi
	done
	echo 0
}

# run [-N] NAME CMD...: times CMD (its output to a file), the fastest of N
# runs, and prints one line.  A CMD that runs past $limit seconds or holds
# more than $maxmem MB is stopped, and the line says so.
run() {
	n=1
	case $1 in -[0-9]*) n=${1#-}; shift ;; esac
	name=$1
	shift
	: >"$dir/times"
	while [ "$n" -gt 0 ]; do
		rm -f "$dir/oom"
		start=$(date +%s.%N)
		/usr/bin/time -f '%e %M' -o "$dir/time" timeout "$limit" "$@" \
		    >"$dir/out" 2>"$dir/err" &
		pid=$!
		while kill -0 "$pid" 2>/dev/null; do
			if [ "$(rss "$pid")" -gt $((maxmem * 1024)) ]; then
				peer=$(pgrep -P "$(pgrep -P "$pid")")
				echo "$(date +%s.%N) $start $(read_pos "$peer")" |
				    awk '{ print $1 - $2, $3 }' >"$dir/oom"
				kill -KILL "$peer" 2>/dev/null
			fi
			sleep 0.5
		done
		wait "$pid"
		rc=$?
		[ "$rc" -eq 0 ] || break
		tail -1 "$dir/time" >>"$dir/times"
		n=$((n - 1))
	done
	if [ -e "$dir/oom" ]; then
		read -r secs pos <"$dir/oom"
		awk -v n="$name" -v m="$maxmem" -v s="$secs" -v p="$pos" \
		    -v t="$bytes" -v b="$base" 'BEGIN {
			printf "%-22s stopped at %d MB of memory after %.1f s", n, m, s
			if (p > 0)
				printf ", %.0f%% read: over ~%.0fx", 100 * p / t,
				    s * t / p / b
			printf "\n"
		}'
		return
	elif [ "$rc" -eq 124 ]; then
		awk -v n="$name" -v l="$limit" -v mb="$mb" -v b="$base" 'BEGIN {
			printf "%-22s stopped after %d s: under %.0f MB/s, over %.0fx\n",
			    n, l, mb / l, l / b
		}'
		return
	elif [ "$rc" -ne 0 ]; then
		printf '%-22s failed (status %s): %s\n' "$name" "$rc" \
		    "$(tail -1 "$dir/err")"
		return
	fi
	read -r secs kb <<-EOT
	$(sort -n "$dir/times" | head -1)
	EOT
	[ -n "$base" ] || base=$secs
	awk -v n="$name" -v s="$secs" -v k="$kb" -v mb="$mb" -v b="$base" \
	    'BEGIN {
		if (s < 0.01) s = 0.01
		printf "%-22s %8.2f %8.0f %8.0f MB %8.1fx\n",
		    n, s, mb / s, k / 1024, s / b
	}'
}

echo "tool                    seconds     MB/s  peak RSS   vs bench-agg"
run -"$repeat" bench-agg bench-agg -q "$data"
run -"$repeat" "bench-agg -t1" bench-agg -q -t1 "$data"
run -"$repeat" "bench-agg --approx" bench-agg -q --approx "$data"
values=$((lines * 4))
echo "                       (exact budget: 200 MB + 8 B x $values values = $((200 + values * 8 / 1000000)) MB)"

for p in $peers; do
	case $p in
	mlr)
		if ! command -v mlr >/dev/null 2>&1; then
			echo "mlr                    skipped: Miller not installed (apt-get install miller)"
			continue
		fi
		# shellcheck disable=SC2016 # a Miller expression
		run "mlr stats1" mlr --ijsonl --ojsonl filter '$kind == "sample"' \
		    'then' flatten 'then' stats1 \
		    -a count,mean,stddev,min,max,p50,p90,p95,p99,p99.9 \
		    -f latency_ms,items,user_ms,sys_ms \
		    -g model,backend,params.batch,host_id "$data"
		;;
	jq)
		if ! command -v jq >/dev/null 2>&1; then
			echo "jq                     skipped: jq not installed"
			continue
		fi
		# A reduce that appends to arrays copies them every time
		# (quadratic); slurping and group_by is jq's linear way.
		# shellcheck disable=SC2016 # a jq program
		run "jq -s group_by" jq -s -c --arg m "$metrics" '
		    ($m | split(" ")) as $ms |
		    map(select(.kind == "sample")) |
		    group_by([.model, .backend, .params, .labels, .host_id])[] |
		    {key: (.[0] | [.model, .backend, .params, .labels, .host_id]),
		     stats: (. as $g | reduce $ms[] as $x ({}; .[$x] =
			($g | map(.[$x]) | sort | . as $s | length as $n |
			(add / $n) as $mean |
			{n: $n, mean: $mean, min: $s[0], max: $s[-1],
			 stddev: ((map(. - $mean | . * .) | add) / ($n - 1) |
			    sqrt),
			 p: ([0.5, 0.9, 0.95, 0.99, 0.999] | map(
			    (($n - 1) * .) as $h | ($h | floor) as $i |
			    $s[$i] + ($h - $i) *
			    (($s[$i + 1] // $s[$i]) - $s[$i])))})))}' "$data"
		;;
	pandas)
		if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
			echo "pandas                 skipped: python3-pandas not installed"
			continue
		fi
		run "pandas read_json" /usr/bin/python3 -c '
import json, sys
import pandas as pd
keys = ["model", "backend", "params", "host_id"]
ms = sys.argv[2].split()
parts = []
for df in pd.read_json(sys.argv[1], lines=True, chunksize=1000000):
    df = df[df["kind"] == "sample"]
    df = df.assign(params=df["params"].map(lambda d: json.dumps(d, sort_keys=True)))
    parts.append(df[keys + ms])
g = pd.concat(parts).groupby(keys)[ms]
out = g.agg(["count", "mean", "std", "min", "max"]).join(
    g.quantile([0.5, 0.9, 0.95, 0.99, 0.999]).unstack())
print(out.to_json(orient="records"))' "$data" "$metrics"
		;;
	duckdb)
		if ! command -v node >/dev/null 2>&1; then
			echo "duckdb                 skipped: no node to run @duckdb/node-api"
			continue
		fi
		if [ ! -d "$cache/node_modules/@duckdb/node-api" ]; then
			mkdir -p "$cache" && (cd "$cache" &&
			    npm install --silent --no-audit --no-fund \
			    @duckdb/node-api >/dev/null 2>&1)
		fi
		if [ ! -d "$cache/node_modules/@duckdb/node-api" ]; then
			echo "duckdb                 skipped: npm could not install @duckdb/node-api into $cache"
			continue
		fi
		cat >"$cache/agg-bench.mjs" <<'EOF'
import { DuckDBInstance } from '@duckdb/node-api';
const [file, metrics] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const agg = metrics.split(' ').map(m => `count(${m}), avg(${m}),
    stddev_samp(${m}), min(${m}), max(${m}),
    quantile_cont(${m}, [0.5, 0.9, 0.95, 0.99, 0.999])`).join(', ');
const r = await con.runAndReadAll(`select model, backend, params, host_id,
    count(distinct run_id), ${agg},
    sum(items) / (sum(latency_ms) / 1000)
    from read_json_auto('${file}', format = 'newline_delimited')
    where kind = 'sample' group by all`);
console.log(JSON.stringify(r.getRows(), (k, v) =>
    typeof v === 'bigint' ? Number(v) : v).length, 'bytes of results');
EOF
		v=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
		    "$cache/node_modules/@duckdb/node-api/package.json" | head -1)
		run "duckdb $v" node "$cache/agg-bench.mjs" "$data" "$metrics"
		;;
	*)
		echo "agg: unknown peer '$p'"
		;;
	esac
done
exit 0
