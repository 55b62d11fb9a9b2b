#!/usr/bin/python3
"""bench-diff.py - hold bench-diff to scipy.

Generates seeded cases, runs bench-diff (from PATH) on them and compares
every figure with scipy.stats (Debian's python3-scipy, run with
/usr/bin/python3): mannwhitneyu (two-sided, method='auto': exact and
asymptotic, ties, n < 8), ttest_ind(equal_var=False), Benjamini-Hochberg
q-values, Hodges-Lehmann intervals, and the e-divisive change points of
--history against an independent brute-force implementation.

Prints one line per check group and exits 1 on the first mismatch beyond
1e-6 (1e-9 relative for intervals).
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
from scipy import stats

TOL = 1e-6
rng = np.random.default_rng(20261128)
failures = []
checks = 0


def close(got, want, tol=TOL, rel=False):
    if got is None or want is None:
        return got is None and (want is None or not math.isfinite(want))
    scale = max(1.0, abs(want)) if rel else 1.0
    return abs(got - want) <= tol * scale


def check(what, got, want, tol=TOL, rel=False):
    global checks
    checks += 1
    if not close(got, want, tol, rel):
        failures.append("%s: got %r, want %r" % (what, got, want))


def run(args, stdin=None):
    p = subprocess.run(["bench-diff"] + args, capture_output=True,
                       text=True, input=stdin)
    if p.returncode not in (0, 1):
        sys.exit("bench-diff %s: exit %d: %s" % (args, p.returncode, p.stderr))
    return [json.loads(l) for l in p.stdout.splitlines()]


def sample(model, run_id, v):
    return {"kind": "sample", "schema": 1, "run_id": run_id,
            "model": model, "backend": "cpu", "params": {},
            "labels": {}, "iter": 0, "phase": "measure",
            "latency_ms": float(v)}


# ---- Mann-Whitney U cases: (x, y), one run per side (basis "samples")
def mwu_cases():
    cases = []
    for n1, n2 in [(1, 2), (2, 2), (2, 3), (3, 3), (4, 7), (5, 5), (6, 8),
                   (7, 7), (8, 8), (3, 20), (8, 40), (5, 300), (9, 9),
                   (12, 10), (30, 40), (100, 80), (400, 500)]:
        x = rng.lognormal(0, 0.3, n1)
        y = rng.lognormal(rng.normal(0, 0.2), 0.3, n2)
        cases.append((x, y))
    for n1, n2 in [(3, 4), (5, 5), (7, 6), (8, 3), (20, 25), (200, 150)]:
        x = np.round(rng.normal(10, 1, n1))
        y = np.round(rng.normal(10.5, 1, n2))
        cases.append((x, y))
    cases.append((np.full(6, 3.0), np.full(5, 3.0)))
    cases.append((np.full(10, 3.0), np.full(12, 3.0)))
    x = rng.normal(100, 1, 7)
    cases.append((x, x + 50))
    cases.append((np.array([1.0, 2, 3, 4]), np.array([5.0, 6, 7, 8])))
    return cases


def exact_counts(m, n):
    """Number of arrangements per U, by the recursion of scipy's reference
    (Loeffler), bottom-up: independent of bench-diff's q-binomial."""
    f = {}
    for i in range(m + 1):
        for j in range(n + 1):
            row = [0] * (i * j + 1)
            for k in range(i * j + 1):
                if k == 0:
                    row[k] = 1
                    continue
                a = f[(i - 1, j)][k - j] if i > 0 and 0 <= k - j <= (i - 1) * j else 0
                b = f[(i, j - 1)][k] if j > 0 and k <= i * (j - 1) else 0
                row[k] = a + b
            f[(i, j)] = row
    return f[(m, n)]


def hl_ci(x, y, exact, level=0.95):
    d = np.sort((y[None, :] - x[:, None]).ravel())
    nn = len(d)
    a = (1 - level) / 2
    if exact:
        c = exact_counts(min(len(x), len(y)), max(len(x), len(y)))
        tot = sum(c)
        cum, k = 0, 0
        while k < nn:
            cum += c[k]
            if cum / tot > a + 1e-12:
                break
            k += 1
    else:
        xy = np.concatenate([x, y])
        _, t = np.unique(xy, return_counts=True)
        n = len(xy)
        s = math.sqrt(len(x) * len(y) / 12 *
                      ((n + 1) - (t ** 3 - t).sum() / (n * (n - 1))))
        k = math.floor(nn / 2 - stats.norm.ppf(1 - a) * s)
    if k < 1 or 2 * k > nn:
        return None
    return d[k - 1], d[nn - k]


def is_exact(x, y):
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    return not ties and (len(x) <= 8 or len(y) <= 8)


def check_mwu(tmp):
    cases = mwu_cases()
    with open(os.path.join(tmp, "b.ndjson"), "w") as fb, \
            open(os.path.join(tmp, "c.ndjson"), "w") as fc:
        for i, (x, y) in enumerate(cases):
            for v in x:
                fb.write(json.dumps(sample("case%d" % i, "b%d" % i, v)) + "\n")
            for v in y:
                fc.write(json.dumps(sample("case%d" % i, "c%d" % i, v)) + "\n")
    recs = {r["model"]: r for r in run(["--no-fdr", os.path.join(tmp, "b.ndjson"),
                                        os.path.join(tmp, "c.ndjson")])}
    ps = []
    for i, (x, y) in enumerate(cases):
        r = recs["case%d" % i]
        if len(x) == 1 and len(y) == 1:
            check("case%d test" % i, 0 if r["test"] == "threshold" else 1, 0)
            continue
        want = stats.mannwhitneyu(x, y, alternative="two-sided")
        check("case%d U" % i, r["statistic"], want.statistic)
        check("case%d p" % i, r["p_value"], want.pvalue)
        ps.append((i, want.pvalue))
        if r["basis"] != "samples" or r["test"] != "mannwhitneyu":
            failures.append("case%d: basis %s test %s" % (i, r["basis"], r["test"]))
        ci = hl_ci(x, y, is_exact(x, y))
        med = np.median(x)
        if ci is None:
            check("case%d ci" % i, r["change_ci95"], None)
        elif r["change_ci95"] is None:
            failures.append("case%d: no interval, want %r" % (i, ci))
        else:
            check("case%d ci lo" % i, r["change_ci95"][0], 100 * ci[0] / abs(med),
                  1e-9, True)
            check("case%d ci hi" % i, r["change_ci95"][1], 100 * ci[1] / abs(med),
                  1e-9, True)
        check("case%d change" % i, r["change_pct"],
              100 * (np.median(y) - med) / abs(med), 1e-9, True)
    print("# Mann-Whitney U: %d cases (exact: %d, with ties: %d)" % (
        len(cases), sum(is_exact(x, y) for x, y in cases),
        sum(len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
            for x, y in cases)))

    # Benjamini-Hochberg over the same call
    recs = {r["model"]: r for r in run([os.path.join(tmp, "b.ndjson"),
                                        os.path.join(tmp, "c.ndjson")])}
    p = np.array([v for _, v in ps])
    order = np.argsort(p, kind="stable")
    m = len(p)
    q = np.empty(m)
    run_min = 1.0
    for rank in range(m, 0, -1):
        j = order[rank - 1]
        run_min = min(run_min, p[j] * m / rank)
        q[j] = run_min
    for (i, _), qv in zip(ps, q):
        check("case%d q" % i, recs["case%d" % i]["q_value"], qv)
    print("# Benjamini-Hochberg: %d q-values" % m)


def check_runs(tmp):
    """Several runs per side: the test is on the per-run medians."""
    lines_b, lines_c, want = [], [], {}
    for g in range(6):
        kb, kc = [(2, 2), (3, 5), (5, 5), (8, 8), (10, 12), (4, 9)][g]
        meds = []
        for side, k, lines in (("b", kb, lines_b), ("c", kc, lines_c)):
            mm = []
            for r in range(k):
                v = rng.lognormal(rng.normal(0, 0.05), 0.1, 11)
                mm.append(np.median(v))
                lines += [sample("runs%d" % g, "%s%d-%d" % (side, g, r), x) for x in v]
            meds.append(np.array(mm))
        want["runs%d" % g] = meds
    # result records (per-run p50) in another group
    for side, k, lines in (("b", 6, lines_b), ("c", 7, lines_c)):
        p50s = rng.normal(10, 0.3, k)
        for r, v in enumerate(p50s):
            lines.append({"kind": "result", "schema": 1, "run_id": "%s-r%d" % (side, r),
                          "model": "res", "backend": "cpu", "status": "ok",
                          "metrics": {"latency_ms": {"n": 10, "mean": v, "stddev": 0.1,
                                                     "p50": v}}})
        want.setdefault("res", []).append(p50s)
    for name, lines in (("rb.ndjson", lines_b), ("rc.ndjson", lines_c)):
        with open(os.path.join(tmp, name), "w") as f:
            f.writelines(json.dumps(l) + "\n" for l in lines)
    recs = {r["model"]: r for r in run(["--no-fdr", os.path.join(tmp, "rb.ndjson"),
                                        os.path.join(tmp, "rc.ndjson")])}
    for name, (x, y) in want.items():
        r = recs[name]
        w = stats.mannwhitneyu(x, y, alternative="two-sided")
        check(name + " basis", 0 if r["basis"] == "runs" else 1, 0)
        check(name + " runs", r["baseline"]["runs"], len(x))
        check(name + " U", r["statistic"], w.statistic)
        check(name + " p", r["p_value"], w.pvalue)
        check(name + " median", r["current"]["median"], np.median(y), 1e-12, True)
    print("# per-run medians: %d groups" % len(want))


def check_welch(tmp):
    """Summaries only: Welch's t from n, mean, stddev."""
    lines_b, lines_c, want = [], [], {}
    sizes = [(2, 2), (2, 5), (3, 30), (10, 10), (25, 7), (200, 300), (50, 50)]
    for g, (n1, n2) in enumerate(sizes):
        a = rng.normal(10, rng.uniform(0.1, 2), n1)
        b = rng.normal(10 + rng.normal(0, 1), rng.uniform(0.1, 2), n2)
        want["w%d" % g] = (a, b)
        for v, lines in ((a, lines_b), (b, lines_c)):
            lines.append({"kind": "stat", "schema": 1, "model": "w%d" % g,
                          "backend": "cpu", "runs": 1,
                          "stats": {"latency_ms": {"n": len(v), "mean": float(np.mean(v)),
                                                   "stddev": float(np.std(v, ddof=1)),
                                                   "p50": float(np.median(v))}}})
    for name, lines in (("wb.ndjson", lines_b), ("wc.ndjson", lines_c)):
        with open(os.path.join(tmp, name), "w") as f:
            f.writelines(json.dumps(l) + "\n" for l in lines)
    recs = {r["model"]: r for r in run(["--no-fdr", os.path.join(tmp, "wb.ndjson"),
                                        os.path.join(tmp, "wc.ndjson")])}
    for name, (a, b) in want.items():
        r = recs[name]
        w = stats.ttest_ind(a, b, equal_var=False)
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
        check(name + " test", 0 if r["test"] == "welch" else 1, 0)
        check(name + " t", r["statistic"], w.statistic)
        check(name + " p", r["p_value"], w.pvalue)
        check(name + " df", r["df"], df, 1e-9, True)
        t = stats.t.ppf(0.975, df)
        d = np.mean(b) - np.mean(a)
        se = math.sqrt(va + vb)
        check(name + " ci lo", r["change_ci95"][0], 100 * (d - t * se) / abs(np.mean(a)),
              1e-9, True)
        check(name + " ci hi", r["change_ci95"][1], 100 * (d + t * se) / abs(np.mean(a)),
              1e-9, True)
    print("# Welch: %d groups" % len(want))


# ---- e-divisive with Hunter's t-test, brute force
def qq(x, y):
    n, m = len(x), len(y)
    cross = np.abs(x[:, None] - y[None, :]).sum()
    wx = np.abs(x[:, None] - x[None, :]).sum() / 2
    wy = np.abs(y[:, None] - y[None, :]).sum() / 2
    q = 2 / (n + m) * cross
    if n > 1:
        q -= 2 * m / ((n + m) * (n - 1)) * wx
    if m > 1:
        q -= 2 * n / ((n + m) * (m - 1)) * wy
    return q


def candidate(z, s, e):
    best, bq = None, -math.inf
    for tau in range(s + 1, e):
        for kappa in range(tau + 1, e + 1):
            q = qq(z[s:tau], z[tau:kappa])
            if q > bq:
                bq, best = q, tau
    return best, bq


def ttest(z, lo, idx, hi):
    left, right = z[lo:idx], z[idx:hi]
    if len(left) + len(right) <= 2:
        return 1.0, np.mean(left), np.mean(right)
    p = stats.ttest_ind_from_stats(np.mean(left), np.std(left), len(left),
                                   np.mean(right), np.std(right), len(right)).pvalue
    return (1.0 if math.isnan(p) else p), np.mean(left), np.mean(right)


def detect(z, ws, we, pmax):
    cps = []
    while True:
        bounds = [ws] + cps + [we]
        best = None
        for lo, hi in zip(bounds, bounds[1:]):
            if hi - lo < 2:
                continue
            idx, q = candidate(z, lo, hi)
            if best is None or q > best[0]:
                best = (q, idx, lo, hi)
        if best is None:
            break
        p = ttest(z, best[2], best[1], best[3])[0]
        if not p <= pmax:
            break
        cps = sorted(cps + [best[1]])
    return cps


def stats_of(z, cps, i):
    lo = cps[i - 1] if i else 0
    hi = cps[i + 1] if i + 1 < len(cps) else len(z)
    p, m1, m2 = ttest(z, lo, cps[i], hi)
    rel = lambda a, b: b / a - 1 if a != 0 else 0
    return p, max(abs(rel(m1, m2)), abs(rel(m2, m1))), m1, m2


def edivisive(z, window=50, alpha=0.001, minmag=0.05):
    first = alpha * 10 if alpha < 0.05 else (alpha * 2 if alpha < 0.5 else alpha)
    start, step, cps = 0, window // 2, []
    while start < len(z):
        end = min(start + window, len(z))
        new = detect(z, start, end, first)
        last = new[-1] if new else 0
        start = max(last, start + step)
        for c in new:
            if c not in cps:
                cps.append(c)
    cps.sort()
    st = [stats_of(z, cps, i) for i in range(len(cps))]
    while cps:
        weak = max(range(len(cps)), key=lambda i: (st[i][0], -i))
        if st[weak][0] < alpha:
            weak = min(range(len(cps)), key=lambda i: (st[i][1], i))
            if st[weak][1] > minmag:
                break
        del cps[weak]
        del st[weak]
        for i in (weak - 1, weak):
            if 0 <= i < len(cps):
                st[i] = stats_of(z, cps, i)
    return cps, st


def check_history(tmp):
    series = {}
    series["step"] = np.concatenate([rng.normal(10, 0.2, 40), rng.normal(12, 0.2, 40),
                                     rng.normal(10.5, 0.2, 40)])
    series["flat"] = rng.normal(5, 0.3, 90)
    series["short"] = np.concatenate([rng.normal(3, 0.05, 8), rng.normal(3.6, 0.05, 7)])
    series["drift"] = np.concatenate([rng.normal(7, 0.4, 60), rng.normal(7.5, 0.4, 70)])
    series["ties"] = np.concatenate([np.full(20, 4.0), np.full(20, 5.0)])
    lines, t0 = [], 1790000000
    for name, z in series.items():
        for i, v in enumerate(z):
            lines.append({"kind": "result", "schema": 1, "run_id": "%s-%d" % (name, i),
                          "ts": "2026-%02d-%02dT%02d:00:00.000Z" % (1 + i // 168, 1 + (i // 24) % 7,
                                                                    i % 24),
                          "model": name, "backend": "cpu", "status": "ok",
                          "labels": {"commit": "c%03d" % i},
                          "metrics": {"latency_ms": {"n": 10, "p50": float(v)}}})
    # shuffled: bench-diff must order by ts
    order = rng.permutation(len(lines))
    with open(os.path.join(tmp, "hist.ndjson"), "w") as f:
        f.writelines(json.dumps(lines[i]) + "\n" for i in order)
    got = {}
    for r in run(["--history", os.path.join(tmp, "hist.ndjson")]):
        got.setdefault(r["model"], []).append(r)
    ncp = 0
    for name, z in series.items():
        cps, st = edivisive(z)
        rs = got.get(name, [])
        idx = [r["change_point"]["index"] for r in rs]
        if idx != cps:
            failures.append("history %s: change points %r, want %r" % (name, idx, cps))
            continue
        for r, c, s in zip(rs, cps, st):
            check("history %s@%d p" % (name, c), r["p_value"], s[0])
            check("history %s@%d change" % (name, c), r["change_pct"],
                  100 * (s[3] / s[2] - 1), 1e-9, True)
            if r["change_point"]["commit"] != "c%03d" % c:
                failures.append("history %s@%d: commit %s" % (name, c,
                                                             r["change_point"]["commit"]))
        ncp += len(cps)
    print("# e-divisive: %d series, %d change points" % (len(series), ncp))


def main():
    with tempfile.TemporaryDirectory() as tmp:
        check_mwu(tmp)
        check_runs(tmp)
        check_welch(tmp)
        check_history(tmp)
    for f in failures[:40]:
        print("not ok: " + f)
    print("# %d checks, %d failed" % (checks, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
