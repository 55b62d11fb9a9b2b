#!/usr/bin/python3
"""bench-diff-golden.py DIR - write the inputs of bench-diff's golden tests.

The files are committed; run this only to change them (then run the tests
with UPDATE=1 and review the diff).  Seeded: the same files every time.
"""
import json
import os
import sys

import numpy as np

rng = np.random.default_rng(8)
out = sys.argv[1] if len(sys.argv) > 1 else "."


def rid():
    return "%016x" % int(rng.integers(0, 2 ** 63))


def runs(f, model, variant, k, n, mu, cv=0.02, drift=0.01, backend="cpu",
         metric="latency_ms", status="ok", error=None):
    """k runs of n samples each, plus each run's result record."""
    for _ in range(k):
        r = rid()
        m = mu * (1 + rng.normal(0, drift))
        vals = rng.normal(m, cv * m, n)
        for i, v in enumerate(vals):
            if status == "ok":
                f.write(json.dumps({
                    "kind": "sample", "schema": 1, "run_id": r,
                    "host_id": "0123456789ab", "model": model,
                    "backend": backend, "params": {"variant": variant},
                    "labels": {"commit": variant * 3}, "iter": i,
                    "phase": "measure", metric: round(float(v), 6)}) + "\n")
        rec = {"kind": "result", "schema": 1, "run_id": r,
               "host_id": "0123456789ab", "model": model, "backend": backend,
               "params": {"variant": variant}, "labels": {"commit": variant * 3},
               "status": status}
        if status == "ok":
            rec["metrics"] = {metric: {"n": n, "p50": round(float(np.median(vals)), 6)}}
        else:
            rec["error"] = error
        f.write(json.dumps(rec) + "\n")


def verdicts():
    with open(os.path.join(out, "verdicts.in"), "w") as f:
        for v, scale in (("old", 1.0), ("new", 1.30)):
            runs(f, "critical", v, 6, 5, 10 * scale)
        for v, scale in (("old", 1.0), ("new", 1.07)):
            runs(f, "minor", v, 6, 5, 20 * scale)
        for v, scale in (("old", 1.0), ("new", 0.85)):
            runs(f, "faster", v, 6, 5, 30 * scale)
        for v in ("old", "new"):
            runs(f, "same", v, 6, 5, 40)
        for v, scale in (("old", 1.0), ("new", 1.15)):
            runs(f, "noisy", v, 6, 5, 50 * scale, drift=0.25)
        for v, scale in (("old", 1.0), ("new", 1.05)):
            runs(f, "edge", v, 6, 5, 60 * scale, drift=0.015)
        for v in ("old", "new"):
            runs(f, "gbps", v, 6, 5, 12 * (0.8 if v == "new" else 1),
                 metric="gbps")
        runs(f, "added", "new", 6, 5, 5)
        runs(f, "dropped", "old", 6, 5, 5)
        err = {"type": "crash", "message": "killed by signal 11",
               "exit_code": None, "signal": 11}
        runs(f, "crashes", "old", 3, 5, 7)
        runs(f, "crashes", "new", 3, 5, 7, status="failed", error=err)
        runs(f, "repaired", "old", 3, 5, 7, status="failed", error=err)
        runs(f, "repaired", "new", 3, 5, 7)


def samples():
    """One run per side: the samples are all there is."""
    with open(os.path.join(out, "samples.in"), "w") as f:
        for v, scale in (("old", 1.0), ("new", 1.2)):
            runs(f, "slower", v, 1, 30, 10 * scale)
        for v in ("old", "new"):
            runs(f, "same", v, 1, 30, 10)
        for v in ("old", "new"):
            runs(f, "single", v, 1, 1, 10 * (1.1 if v == "new" else 1))


def summaries():
    """stat records only: Welch's t from n, mean and stddev.  welch-runs
    summarises one value per run (bench-agg --kind result): n is runs."""
    with open(os.path.join(out, "summary.in"), "w") as f:
        for model, shift, n in (("welch-slower", 1.15, 40), ("welch-same", 1.0, 40),
                                ("welch-tiny", 1.3, 1), ("welch-runs", 1.2, 8)):
            for v in ("old", "new"):
                x = rng.normal(10 * (shift if v == "new" else 1), 0.5, n)
                f.write(json.dumps({
                    "kind": "stat", "schema": 1, "model": model,
                    "backend": "cpu", "params": {"variant": v},
                    "runs": n if model == "welch-runs" else 1,
                    "stats": {"latency_ms": {
                        "n": n, "mean": round(float(np.mean(x)), 6),
                        "stddev": round(float(np.std(x, ddof=1)), 6) if n > 1 else None,
                        "p50": round(float(np.median(x)), 6)}}}) + "\n")


def history():
    """A nightly series: a regression at run 40, fixed at run 70."""
    with open(os.path.join(out, "history.in"), "w") as f:
        for i in range(100):
            mu = 10 * (1.2 if 40 <= i < 70 else 1)
            for model in ("gemm", "mlp"):
                m = mu if model == "gemm" else 25
                f.write(json.dumps({
                    "kind": "result", "schema": 1, "run_id": "%016x" % (i * 2 + (model == "mlp")),
                    "ts": "2026-%02d-%02dT03:00:00.000Z" % (1 + i // 28, 1 + i % 28),
                    "model": model, "backend": "cpu", "params": {},
                    "labels": {"commit": "%07x" % (0xabc000 + i)}, "status": "ok",
                    "metrics": {"latency_ms": {"n": 20,
                                               "p50": round(float(rng.normal(m, 0.01 * m)), 6)}}}) + "\n")


def calibrate():
    """A/A: the same command twice, 6 interleaved runs each."""
    with open(os.path.join(out, "aa.in"), "w") as f:
        for model, drift in (("quiet", 0.005), ("loud", 0.08)):
            for _ in range(6):
                for v in ("a", "b"):
                    runs(f, model, v, 1, 5, 10, drift=drift)


verdicts()
samples()
summaries()
history()
calibrate()
