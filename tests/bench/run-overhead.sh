#!/bin/sh
# run-overhead.sh - what bench-run's loop costs per iteration, beside
# hyperfine -N and a bare posix_spawn/waitpid loop in C, on `true`,
# `sleep 0.01` and a short python3 run, in interleaved rounds (the order
# of the three tools rotates from round to round); then how fast the
# ndjson protocol takes a million lines, and in how much memory.
#
# Goals: bench-run's loop within 3% of the bare loop per iteration (so
# faster than hyperfine), its mean equal to hyperfine's within noise on
# real work; >= 1 M protocol lines/s in < 100 MB.
set -u
rounds=${ROUNDS:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/bare.c" <<'EOF'
/* spawn-and-wait N times; prints the mean spawn-to-reap time and the
 * loop's wall time per iteration, in ms */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	double t0, a, sum = 0;
	long n = argc > 2 ? atol(argv[1]) : 0, i;
	pid_t pid;
	int st;

	if (n <= 0)
		return 2;
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		a = now_ms();
		if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ))
			return 1;
		if (waitpid(pid, &st, 0) < 0)
			return 1;
		sum += now_ms() - a;
	}
	printf("%.6f %.6f\n", sum / n, (now_ms() - t0) / n);
	return 0;
}
EOF
cc -O2 -o "$tmp/bare" "$tmp/bare.c" || { echo "run-overhead: no C compiler"; exit 1; }
have_hf=0
command -v hyperfine >/dev/null 2>&1 && have_hf=1
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)

now_ns() { date +%s%N; }

# one TOOL N CMD...: appends "tool mean_ms loop_ms" to $tmp/NAME.txt
one() {
	tool=$1 n=$2
	shift 2
	case $tool in
	bare)
		"$tmp/bare" "$n" "$@" >"$tmp/o" 2>/dev/null &&
			echo "bare $(cat "$tmp/o")" >>"$tmp/$name.txt" ;;
	bench-run)
		bench-run -q -w 0 -n "$n" --summary-only -o "$tmp/r.ndjson" -- "$@" &&
			jq -r '"bench-run \(.metrics.latency_ms.mean) \(.duration_s * 1000 / .iterations)"' \
				"$tmp/r.ndjson" >>"$tmp/$name.txt"
		rm -f "$tmp/r.ndjson" ;;
	hyperfine)
		s=$(now_ns)
		hyperfine -N -w 0 -r "$n" --style none --export-json "$tmp/h.json" \
			-- "$*" >/dev/null 2>&1 || return
		e=$(now_ns)
		echo "hyperfine $(jq '.results[0].mean * 1000' "$tmp/h.json") $(( (e - s) / n ))e-6" \
			>>"$tmp/$name.txt" ;;
	esac
}

# median over the rounds of column COL for TOOL in FILE
median() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c + 0 }' "$3" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.4f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# the least of the rounds: the one other work disturbed least
least() {
	awk -v t="$1" -v c="$2" '$1 == t { print $c + 0 }' "$3" | sort -g |
		awk 'NR == 1 { printf "%.4f", $1 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.3f", a / b }'
}

echo "bench-run per-iteration cost over $rounds interleaved rounds"
echo "(mean: each tool's own spawn-to-exit time, median; loop: wall time per"
echo "iteration, median and least of the rounds; /bare: against the bare loop)"
printf '%-8s %-9s %9s %9s %9s %7s %7s\n' command tool "mean ms" "loop med" \
	"loop min" "/bare" "/bare"
for spec in "true 2000 /bin/true" "sleep 100 /bin/sleep 0.01" \
    "python3 40 $py -c pass"; do
	# shellcheck disable=SC2086 # spec is a word list
	set -- $spec
	name=$1 n=$2
	shift 2
	: >"$tmp/$name.txt"
	r=0
	while [ $r -lt "$rounds" ]; do
		case $((r % 3)) in
		0) order="bare bench-run hyperfine" ;;
		1) order="bench-run hyperfine bare" ;;
		*) order="hyperfine bare bench-run" ;;
		esac
		for tool in $order; do
			[ "$tool" = hyperfine ] && [ $have_hf = 0 ] && continue
			one "$tool" "$n" "$@"
		done
		r=$((r + 1))
	done
	bmed=$(median bare 3 "$tmp/$name.txt")
	bmin=$(least bare 3 "$tmp/$name.txt")
	for tool in bare bench-run hyperfine; do
		m=$(median "$tool" 2 "$tmp/$name.txt")
		[ -n "$m" ] || continue
		lmed=$(median "$tool" 3 "$tmp/$name.txt")
		lmin=$(least "$tool" 3 "$tmp/$name.txt")
		printf '%-8s %-9s %9s %9s %9s %7s %7s\n' "$name" "$tool" "$m" \
			"$lmed" "$lmin" "$(ratio "$lmed" "$bmed")" "$(ratio "$lmin" "$bmin")"
	done
done
for how in median least; do
	l=$($how bench-run 3 "$tmp/true.txt")
	b=$($how bare 3 "$tmp/true.txt")
	awk -v a="$l" -v b="$b" -v h="$how" 'BEGIN { printf "goal: bench-run loop on true within 3%% of the bare loop (%s): %+.1f%% %s\n",
		h, (a / b - 1) * 100, a <= b * 1.03 ? "(met)" : "(NOT met)" }'
done

# CPU time of the loop's own thread, which other work on the machine
# does not inflate the way it does wall time
if command -v perf >/dev/null 2>&1 &&
    perf stat --no-inherit -x, -e task-clock true >/dev/null 2>&1; then
	n=3000
	cpu() {
		perf stat --no-inherit -x, -e task-clock -- "$@" 2>&1 >/dev/null |
			awk -F, '/task-clock/ { print $1 }'
	}
	b=$(cpu "$tmp/bare" $n /bin/true)
	r=$(cpu bench-run -q -w 0 -n $n --summary-only -o /dev/null -- /bin/true)
	r0=$(cpu bench-run -q -w 0 -n 1 --summary-only -o /dev/null -- /bin/true)
	awk -v b="$b" -v r="$r" -v r0="$r0" -v n=$n 'BEGIN {
		printf "CPU of the loop thread per iteration on true: bare %.1f us, bench-run %.1f us (its %.1f ms start-up left out)\n",
			b * 1000 / n, (r - r0) * 1000 / n, r0 }'
fi

echo
echo "ndjson protocol: 1000000 lines (yes | head as the program)"
feed='yes "{\"latency_ms\":1.25,\"items\":32}" | head -n 1000000 >&3'
for mode in samples summary; do
	if [ $mode = samples ]; then extra="-o /dev/null"; else extra="--summary-only -o /dev/null"; fi
	# bench-run measures bench-run: wall time and the tree's peak RSS
	# shellcheck disable=SC2086 # extra is a word list
	bench-run -q -w 0 -n 3 --summary-only -o "$tmp/p.ndjson" -- \
		bench-run -q --protocol ndjson $extra -- sh -c "$feed" || continue
	jq -r --arg m "$mode" '"  \($m | if . == "samples" then "samples written" else "summary only   " end): " +
		"\(1000000 / (.metrics.latency_ms.p50 / 1000) | floor) lines/s, " +
		"peak RSS \(.metrics.max_rss_mb.max | . * 10 | round / 10) MB" +
		(if .metrics.max_rss_mb.max < 100 and .metrics.latency_ms.p50 < 1000
		 then " (goal met)" else " (goal NOT met)" end)' "$tmp/p.ndjson"
	rm -f "$tmp/p.ndjson"
done
