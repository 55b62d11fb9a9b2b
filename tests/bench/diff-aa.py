#!/usr/bin/python3
"""diff-aa.py RUNS SEED [GROUPS SHIFT DRIFT] - a simulated suite for bench-diff.

GROUPS groups (default 40), each measured on side a and side b: RUNS runs
per side of 20 samples; every run has its own level (run-to-run drift,
lognormal DRIFT, default 0.05), its samples spread around it (2%), with a
rare slow outlier (3x, 2%).  Side b is SHIFT times slower (default 1: an
A/A suite).  params.side is a or b.
"""
import json
import sys

import numpy as np

runs, seed = int(sys.argv[1]), int(sys.argv[2])
groups = int(sys.argv[3]) if len(sys.argv) > 3 else 40
shift = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
drift = float(sys.argv[5]) if len(sys.argv) > 5 else 0.05
rng = np.random.default_rng(seed)
for g in range(groups):
    base = 1 + g * 0.5
    for r in range(runs):
        for side, f in (("a", 1.0), ("b", shift)):
            v = base * f * rng.lognormal(0, drift) * rng.lognormal(0, 0.02, 20)
            v[rng.random(20) < 0.02] *= 3
            rid = "%d-%d-%s" % (g, r, side)
            for x in v:
                sys.stdout.write(json.dumps({
                    "kind": "sample", "run_id": rid, "model": "g%02d" % g,
                    "backend": "cpu", "params": {"side": side},
                    "latency_ms": round(float(x), 6)}) + "\n")
