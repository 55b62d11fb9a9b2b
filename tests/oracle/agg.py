#!/usr/bin/python3
"""agg.py BENCH-AGG - check bench-agg against numpy and scipy.

Generates samples that stress the statistics (lognormal, ties, n = 1 and
2, constant groups, huge and tiny values, 1e9 plus tiny noise, sums that
overflow, mixed signs), runs BENCH-AGG on them and recomputes every
figure of every stat record with numpy/scipy.  Each must agree within
1e-9 relative (integers and order statistics exactly).  A second pass
checks --approx: p50..p99 within the sketch's 0.5% of numpy's.

Prints TAP; exits 1 on any disagreement.  Run with Debian's
/usr/bin/python3, whose numpy and scipy these are.
"""
import json
import math
import subprocess
import sys
import tempfile

import numpy as np
from scipy import stats as st

REL = 1e-9
LEVEL = 0.95
PCTS = [50, 90, 95, 99, 99.9]
NAMES = ["p50", "p90", "p95", "p99", "p999"]


def t_quantile(p, df):
    """scipy's t.ppf polished by one Newton step on t.cdf: scipy 1.10's
    stdtrit stops at about 5e-9 relative, its stdtr is far better."""
    t = st.t.ppf(p, df)
    for _ in range(2):
        t -= (st.t.cdf(t, df) - p) / st.t.pdf(t, df)
    assert abs(st.t.cdf(t, df) - p) < 1e-15, (p, df)
    return t


def mean_std(x):
    """numpy's mean and sample stddev, rescaled by 2^-600 (exactly) where
    numpy's sums would overflow, as bench-agg does."""
    big = np.max(np.abs(x)) > 1e300
    y = x * 2.0 ** -600 if big else x
    m = np.mean(y)
    s = np.std(y, ddof=1) if len(y) > 1 else math.nan
    if big:
        m, s = m * 2.0 ** 600, s * 2.0 ** 600
    return m, s


def median_ci(xs, level):
    n = len(xs)
    k = 0
    for j in range(1, (n + 1) // 2 + 1):
        if st.binom.cdf(j - 1, n, 0.5) <= (1 - level) / 2:
            k = j
        else:
            break
    if k == 0:
        return [None, None]
    return [xs[k - 1], xs[n - k]]


def expect(x):
    """Every figure of one metric."""
    x = np.asarray(x, dtype=float)
    xs = np.sort(x)
    n = len(x)
    m, s = mean_std(x)
    e = {"n": n, "mean": m, "stddev": s if n > 1 else None}
    e["cv"] = s / abs(m) if n > 1 and m != 0 and math.isfinite(s) else None
    e["min"], e["max"] = xs[0], xs[-1]
    q = np.percentile(x, PCTS)
    for name, v in zip(NAMES, q):
        e[name] = v
    if n > 1:
        h = t_quantile((1 + LEVEL) / 2, n - 1) * s / math.sqrt(n)
        e["ci95"] = [m - h, m + h]
    else:
        e["ci95"] = [None, None]
    e["p50_ci95"] = median_ci(xs, LEVEL)
    q1, q3 = np.percentile(x, [25, 75])
    iqr = q3 - q1
    def beyond(k):
        return int(np.sum(x < q1 - k * iqr) + np.sum(x > q3 + k * iqr))
    sev = beyond(3) if n > 1 else 0
    e["outliers"] = {"mild": (beyond(1.5) if n > 1 else 0) - sev,
                     "severe": sev}
    return e


def close(got, want):
    if want is None or got is None:
        return got is None and want is None
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(map(close, got, want))
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(
            close(got[k], want[k]) for k in want)
    want = float(want)
    if want == got:
        return True
    return abs(got - want) <= REL * max(abs(want), abs(got))


def groups():
    """name -> list of (latency_ms, items or None, gbps or None, run)."""
    rng = np.random.default_rng(20261128)
    g = {}
    def plain(name, v, runs=1):
        g[name] = [(float(a), 8, None, "r%d" % (i % runs))
                   for i, a in enumerate(v)]
    plain("lognormal", rng.lognormal(0, 0.5, 1000), runs=10)
    plain("lognormal-big", rng.lognormal(2, 0.05, 20000), runs=20)
    plain("ties", rng.integers(1, 6, 200).astype(float))
    plain("n1", [4.5])
    plain("n2", [1.25, 7.5])
    plain("n5", rng.lognormal(0, 1, 5))
    plain("n6", rng.lognormal(0, 1, 6))
    plain("n7", rng.lognormal(0, 1, 7))
    plain("constant", [3.25] * 50)
    plain("huge", 1e300 * rng.lognormal(0, 1, 100))
    plain("tiny", 1e-300 * rng.lognormal(0, 1, 100))
    plain("subnormal", 1e-310 * rng.uniform(1, 9, 40))
    plain("near-max", 1e307 * rng.uniform(1, 9, 100))
    plain("1e9+noise", 1e9 + rng.normal(0, 1e-3, 1000))
    plain("mixed-sign", rng.normal(0.1, 1, 300))
    plain("outliers", np.concatenate([rng.normal(10, 0.1, 95),
                                      [30, 31, -20, 11, 9.2]]))
    # a second metric in half the samples, items varying
    v = rng.lognormal(1, 0.2, 400)
    g["two-metrics"] = [(float(a), i % 7 + 1,
                         float(a) * 3 if i % 2 else None, "r%d" % (i // 100))
                        for i, a in enumerate(v)]
    return g


def write_input(path, g):
    lines = []
    with open(path, "w") as f:
        f.write('{"kind":"host","schema":1,"host_id":"000000000000"}\n')
        for name, samples in g.items():
            for i, (lat, items, gbps, run) in enumerate(samples):
                r = {"kind": "sample", "schema": 1, "run_id": run,
                     "model": name, "backend": "cpu",
                     "params": {"n": 1}, "iter": i, "latency_ms": lat}
                if items is not None:
                    r["items"] = items
                if gbps is not None:
                    r["gbps"] = gbps
                f.write(json.dumps(r) + "\n")
        f.write('{"kind":"result","schema":1,"status":"failed"}\n')
    return lines


def warnings(name, samples, lat):
    w = []
    if len(samples) < 5:
        w.append("%d sample%s, fewer than 5" %
                 (len(samples), "" if len(samples) == 1 else "s"))
    if lat["cv"] is not None and lat["cv"] > 0.10:
        w.append("latency_ms: cv %.1f%% above 10%%" % (100 * lat["cv"]))
    if lat["outliers"]["severe"]:
        k = lat["outliers"]["severe"]
        w.append("latency_ms: %d severe outlier%s" % (k, "" if k == 1 else "s"))
    return w


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, what))
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines():
                print("#   " + line)


def check_exact(tap, prog, path, g):
    out = subprocess.run([prog, "-q", path], capture_output=True, text=True)
    tap.ok(out.returncode == 0, "bench-agg exits 0", out.stderr)
    recs = [json.loads(l) for l in out.stdout.splitlines()]
    tap.ok(recs[0]["kind"] == "host" and recs[1]["kind"] == "result",
           "records not aggregated pass through first, in order")
    stat = {r["model"]: r for r in recs if r["kind"] == "stat"}
    tap.ok(list(stat) == list(g), "one stat per group, in order of appearance",
           list(stat))
    for name, samples in g.items():
        r = stat.get(name, {})
        want = {"latency_ms": expect([s[0] for s in samples]),
                "items": expect([s[1] for s in samples])}
        gb = [s[2] for s in samples if s[2] is not None]
        if gb:
            want["gbps"] = expect(gb)
        for metric, e in want.items():
            got = r.get("stats", {}).get(metric)
            bad = [k for k in e if not close((got or {}).get(k), e[k])]
            tap.ok(got is not None and not bad and got.keys() == e.keys(),
                   "%s %s: every figure within 1e-9 of numpy/scipy" %
                   (name, metric),
                   "\n".join("%s: got %r want %r" % (k, (got or {}).get(k), e[k])
                             for k in bad))
        tot_items = sum(s[1] for s in samples)
        tot_s = sum(s[0] for s in samples) / 1000
        tp = r.get("throughput", {}).get("items_per_s")
        want_tp = tot_items / tot_s if tot_s else math.inf
        want_tp = want_tp if math.isfinite(want_tp) else None
        tap.ok(close(tp, want_tp),
               "%s throughput is total items / total time" % name,
               "got %r want %r" % (tp, want_tp))
        runs = len({s[3] for s in samples})
        tap.ok(r.get("runs") == runs, "%s runs = %d" % (name, runs),
               r.get("runs"))
        w = warnings(name, samples, want["latency_ms"])
        tap.ok(r.get("warnings") == w, "%s warnings" % name,
               "got %r\nwant %r" % (r.get("warnings"), w))


def check_approx(tap, prog, path, g):
    out = subprocess.run([prog, "-q", "--approx", path], capture_output=True,
                         text=True)
    tap.ok(out.returncode == 0, "bench-agg --approx exits 0", out.stderr)
    stat = {r["model"]: r for r in map(json.loads, out.stdout.splitlines())
            if r["kind"] == "stat"}
    for name in ("lognormal", "lognormal-big", "ties", "huge", "tiny",
                 "1e9+noise", "near-max"):
        x = np.array([s[0] for s in g[name]])
        got = stat[name]["stats"]["latency_ms"]
        worst = 0
        for p, k in zip(PCTS[:4], NAMES[:4]):
            want = np.percentile(x, p)
            worst = max(worst, abs(got[k] - want) / abs(want))
        tap.ok(worst <= 0.005, "--approx %s: p50..p99 within 0.5%% (%.2e)" %
               (name, worst))
        tap.ok(got["n"] == len(x) and got["min"] == x.min() and
               got["max"] == x.max(), "--approx %s: n, min, max exact" % name)


def main():
    np.seterr(over="ignore")	# the fences of near-max values are inf
    prog = sys.argv[1] if len(sys.argv) > 1 else "bench-agg"
    tap = Tap()
    g = groups()
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson") as f:
        write_input(f.name, g)
        check_exact(tap, prog, f.name, g)
        check_approx(tap, prog, f.name, g)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
