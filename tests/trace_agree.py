#!/usr/bin/python3
"""trace_agree.py TABLE CSV NDJSON - does bench-trace agree with TraceLens?

Compares one TraceLens report table (its CSV) with the records bench-trace
wrote for the same trace.  Every number must agree within 0.1% (relative)
or 1e-9 (absolute, for zeros); rows are matched by their keys, and a row
missing on either side is a failure.  Prints one line per disagreement and
exits 1 if there is any; standard library only.  CSV may be gzipped.

Two places where TraceLens's answer is one of several: pandas sorts with an
unstable sort, so rows with equal times come in any order and a cumulative
percentage may be that of any position within its tie; and TraceLens's
elementwise models fail on traces without input strides (the row keeps
has_perf_model and loses its numbers), where bench-trace's models need
no strides, so those numbers are not compared.
"""
import ast
import csv
import gzip
import json
import math
import sys

REL = 1e-3


def num(v):
    if v is None or v == "":
        return None
    return float(v)


def close(a, b):
    if a is None or b is None:
        return (a is None or (isinstance(a, float) and math.isnan(a))) and \
            (b is None or (isinstance(b, float) and math.isnan(b)))
    return abs(a - b) <= max(REL * max(abs(a), abs(b)), 1e-9)


def py(s):
    """A Python literal from a CSV cell (tuples, np.float64(...)) as JSON-ish
    lists; None for an empty cell."""
    if s in ("", None):
        return None
    s = s.replace("np.float64(", "(").replace("np.int64(", "(")
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError):
        return s
    return tolist(v)


def tolist(v):
    if isinstance(v, (tuple, list)):
        return [tolist(x) for x in v]
    if isinstance(v, dict):
        return {k: tolist(x) for k, x in v.items()}
    return v


def norm(v):
    """Numbers as floats (JSON writes 0.0 as 0), containers recursively."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def key(*parts):
    return json.dumps(norm(list(parts)), sort_keys=True)


class Check:
    def __init__(self, table):
        self.table = table
        self.bad = 0
        self.n = 0

    def fail(self, msg):
        self.bad += 1
        print("%s: %s" % (self.table, msg))

    def num(self, where, field, want, got):
        self.n += 1
        if not close(num(want) if isinstance(want, str) else want, got):
            self.fail("%s %s: TraceLens %r, bench-trace %r" %
                      (where, field, want, got))

    def cum(self, where, want, got, rows, pct_f, cum_f):
        """A cumulative percentage, allowing any order within a tie."""
        self.n += 1
        p = num(want[pct_f])
        tie = [r for r in rows if num(r[pct_f]) == p]
        start = min(num(r[cum_f]) for r in tie) - p
        if not any(close(start + j * p, got) for j in
                   range(1, len(tie) + 1)):
            self.fail("%s cumulative: TraceLens %s, bench-trace %r" %
                      (where, want[cum_f], got))

    def rows(self, want, got):
        for k in want:
            if k not in got:
                self.fail("row missing from bench-trace: %s" % k)
        for k in got:
            if k not in want:
                self.fail("row not in TraceLens: %s" % k)
        return [k for k in want if k in got]


def load(path, kind):
    recs = []
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                if r.get("kind") == kind:
                    recs.append(r)
    return recs


def timeline(c, rows, recs):
    m = {"computation_time": "computation", "exposed_comm_time":
         "exposed_comm", "exposed_memcpy_time": "exposed_memcpy",
         "busy_time": "busy", "idle_time": "idle", "total_time": "total",
         "total_comm_time": "comm", "total_memcpy_time": "memcpy"}
    if len(recs) != 1:
        c.fail("want one trace_timeline record, got %d" % len(recs))
        return
    r = recs[0]
    for row in rows:
        f = m[row["type"]]
        c.num(row["type"], "time ms", row["time ms"], r[f + "_ms"])
        c.num(row["type"], "percent", row["percent"], r[f + "_pct"])


def category(c, rows, recs):
    want = {r["op category"]: r for r in rows}
    got = {r["category"]: r for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "Count", w["Count"], g["count"])
        c.num(k, "kernel ms", w["total_direct_kernel_time_ms"],
              g["kernel_time_ms"])
        c.num(k, "pct", w["Percentage (%)"], g["pct"])
        c.cum(k, w, g["cumulative_pct"], rows, "Percentage (%)",
              "Cumulative Percentage (%)")


def ops(c, rows, recs):
    want = {r["name"]: r for r in rows}
    got = {r["name"]: r for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "Count", w["Count"], g["count"])
        c.num(k, "direct ms", w["total_direct_kernel_time_ms"],
              g["kernel_time_ms"])
        c.num(k, "subtree ms", w["total_subtree_kernel_time_ms"],
              g["subtree_kernel_time_ms"])
        c.num(k, "pct", w["Percentage (%)"], g["pct"])
        c.cum(k, w, g["cumulative_pct"], rows, "Percentage (%)",
              "Cumulative Percentage (%)")
        if py(w["Categories"]) != g["categories"]:
            c.fail("%s Categories: TraceLens %s, bench-trace %s" %
                   (k, w["Categories"], g["categories"]))


def kernels(c, rows, recs):
    def s(v):
        return None if v in ("", None) else v
    want = {key(s(r["Parent op category"]), s(r["Parent cpu_op"]),
                r["Kernel name"], num(r["Kernel stream"])): r for r in rows}
    got = {key(r["category"], r["parent_op"], r["kernel"],
               None if r["stream"] is None else float(r["stream"])): r
           for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        p = "Kernel duration (µs)_"
        c.num(k, "sum", w[p + "sum"], g["total_us"])
        c.num(k, "count", w[p + "count"], g["count"])
        c.num(k, "mean", w[p + "mean"], g["mean_us"])
        c.num(k, "min", w[p + "min"], g["min_us"])
        c.num(k, "max", w[p + "max"], g["max_us"])
        c.num(k, "pct kernels", w["Percent of kernels time (%)"],
              g["pct_kernel_time"])
        c.num(k, "pct total", w["Percent of total time (%)"],
              g["pct_total_time"])


def short(c, rows, recs):
    if rows and "Parent cpu_op" not in rows[0]:
        # an empty table: only the header (pandas dropped every group)
        c.n += 1
        if recs:
            c.fail("TraceLens has no short kernels, bench-trace %d rows" %
                   len(recs))
        return
    want = {key(r["Parent cpu_op"], py(r["Input dims"]),
                py(r["Input strides"]), py(r["Concrete Inputs"]),
                r["Kernel name"]): r for r in rows}
    got = {key(r["parent_op"], r["input_dims"], r["input_strides"],
               r["concrete_inputs"], r["kernel"]): r for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "sum", w["Short Kernel duration (µs) sum"], g["total_us"])
        c.num(k, "count", w["Short Kernel count"], g["count"])
        c.num(k, "mean", w["Short Kernel duration (µs) mean"], g["mean_us"])
        c.num(k, "pct", w["Short Kernel duration (µs) percent of total time"],
              g["pct_total_time"])
    order_w = [k for k in want]
    order_g = [k for k in got]
    if order_w != order_g:
        c.fail("row order differs")


def hist(c, rows, recs):
    if len(rows) != len(recs):
        c.fail("%d bins in TraceLens, %d in bench-trace" %
               (len(rows), len(recs)))
        return
    for i, (w, g) in enumerate(zip(rows, recs)):
        c.num("bin %d" % i, "start", w["bin_start"], g["lo_us"])
        c.num("bin %d" % i, "end", w["bin_end"], g["hi_us"])
        if int(w["count"]) != g["count"]:
            c.fail("bin %d count: TraceLens %s, bench-trace %s" %
                   (i, w["count"], g["count"]))


def kdetails(c, where, want, got):
    if want is None:
        want = []
    if len(want) != len(got):
        c.fail("%s kernels: %d in TraceLens, %d in bench-trace" %
               (where, len(want), len(got)))
        return
    for w, g in zip(want, got):
        if w["name"] != g["name"] or w.get("stream") != g["stream"]:
            c.fail("%s kernel %s differs" % (where, w["name"][:40]))
        for f, h in (("count", "count"), ("total_duration_us", "total_us"),
                     ("mean_duration_us", "mean_us"),
                     ("median_duration_us", "median_us"),
                     ("std_dev_duration_us", "std_us"),
                     ("min_duration_us", "min_us"),
                     ("max_duration_us", "max_us")):
            if f in w:
                c.num(where + " " + w["name"][:30], f, float(w[f]), g[h])


def unique_args(c, rows, recs):
    def k_of(*parts):
        return key(*parts)
    want = {k_of(r["name"], r["op category"], r["thread_name"],
                 py(r["Input Dims"]), py(r["Input type"]),
                 py(r["Input Strides"]), py(r["Concrete Inputs"])): r
            for r in rows}
    got = {k_of(r["name"], r["category"], r["thread_name"], r["input_dims"],
                r["input_types"], r["input_strides"],
                r["concrete_inputs"]): r for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "count", w["operation_count"], g["count"])
        for stat in ("mean", "median", "std", "min", "max", "sum"):
            c.num(k, "direct " + stat, w["total_direct_kernel_time_" + stat],
                  g["kernel_time_%s_us" % stat])
            c.num(k, "subtree " + stat,
                  w["total_subtree_kernel_time_" + stat],
                  g["subtree_kernel_time_%s_us" % stat])
        c.num(k, "ex_UID", w["ex_UID"], g["ex_uid"])
        c.num(k, "pct", w["Percentage (%)"], g["pct"])
        c.cum(k, w, g["cumulative_pct"], rows, "Percentage (%)",
              "Cumulative Percentage (%)")
        kdetails(c, k[:60], py(w["kernel_details_summary"]), g["kernels"])


PERF_STATS = ("mean", "median", "std", "min", "max")


def perf(c, rows, recs):
    def params_of(row):
        out = {}
        for f, v in row.items():
            if f.startswith("param: "):
                out[f[7:]] = py(v) if v not in ("",) else None
        return out
    want = {key(r["name"], params_of(r)): r for r in rows}
    got = {key(r["name"], r["params"]): r for r in recs}
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "GFLOPS", w["GFLOPS_first"], g["gflops"])
        c.num(k, "Data Moved (MB)", w["Data Moved (MB)_first"],
              g["data_moved_mb"])
        c.num(k, "FLOPS/Byte", w["FLOPS/Byte_first"], g["flops_per_byte"])
        for s in PERF_STATS:
            c.num(k, "TB/s_" + s, w["TB/s_" + s], g["tbps_" + s])
            c.num(k, "TFLOPS/s_" + s, w["TFLOPS/s_" + s], g["tflops_" + s])
            c.num(k, "Kernel Time_" + s, w["Kernel Time (µs)_" + s],
                  g["kernel_time_%s_us" % s])
        c.num(k, "Kernel Time_sum", w["Kernel Time (µs)_sum"],
              g["kernel_time_sum_us"])
        c.num(k, "count", w["name_count"], g["count"])
        c.num(k, "UID_first", w["UID_first"], g["ex_uid"])
        if w["Compute Spec"] != (g["compute_spec"] or ""):
            c.fail("%s Compute Spec: %s vs %s" % (k, w["Compute Spec"],
                                                  g["compute_spec"]))
        kdetails(c, k[:60], py(w["kernel_details__summarize_kernel_stats"]),
                 g["kernels"])


def unified(c, rows, recs):
    def k_of(*parts):
        return key(*parts)
    want = {k_of(r["name"], r["op category"], r["thread_name"],
                 py(r["Input Dims"]), py(r["Input type"]),
                 py(r["Input Strides"]), py(r["Concrete Inputs"])): r
            for r in rows}
    got = {k_of(r["name"], r["category"], r["thread_name"], r["input_dims"],
                r["input_types"], r["input_strides"],
                r["concrete_inputs"]): r for r in recs}
    # the order is part of the table: by kernel time, then ex_UID
    order = [k_of(r["name"], r["op category"], r["thread_name"],
                  py(r["Input Dims"]), py(r["Input type"]),
                  py(r["Input Strides"]), py(r["Concrete Inputs"]))
             for r in rows]
    gorder = [k_of(r["name"], r["category"], r["thread_name"],
                   r["input_dims"], r["input_types"], r["input_strides"],
                   r["concrete_inputs"]) for r in recs]
    # ties in kernel time are ordered by ex_UID
    if order != gorder:
        c.fail("rows in another order")
    for k in c.rows(want, got):
        w, g = want[k], got[k]
        c.num(k, "operation_count", w["operation_count"], g["count"])
        c.num(k, "ex_UID", w["ex_UID"], g["ex_uid"])
        c.num(k, "total_duration_us", w["total_duration_us"],
              g["duration_sum_us"])
        c.num(k, "mean_duration_us", w["mean_duration_us"],
              g["duration_mean_us"])
        c.num(k, "std_duration_us", w["std_duration_us"],
              g["duration_std_us"])
        for s in ("median", "min", "max"):
            c.num(k, "duration_us_" + s, w["duration_us_" + s],
                  g["duration_%s_us" % s])
        for s in PERF_STATS:
            c.num(k, "Kernel Time_" + s, w["Kernel Time (µs)_" + s],
                  g["kernel_time_%s_us" % s])
        c.num(k, "Kernel Time_sum", w["Kernel Time (µs)_sum"],
              g["kernel_time_sum_us"])
        c.num(k, "pct", w["Percentage (%)"], g["pct"])
        c.cum(k, w, g["cumulative_pct"], rows, "Percentage (%)",
              "Cumulative Percentage (%)")
        model = w["has_perf_model"] == "True"
        if model != g["has_perf_model"]:
            c.fail("%s has_perf_model: %s vs %s" % (k, model,
                                                    g["has_perf_model"]))
            continue
        if model and w["GFLOPS"] == "" and \
                py(w["Input Strides"]) is None and \
                w["op category"] == "elementwise":
            pass    # TraceLens's elementwise models need strides
        elif model:
            c.num(k, "GFLOPS", w["GFLOPS"], g["gflops"])
            c.num(k, "Data Moved (MB)", w["Data Moved (MB)"],
                  g["data_moved_mb"])
            c.num(k, "FLOPS/Byte", w["FLOPS/Byte"], g["flops_per_byte"])
            for s in PERF_STATS:
                c.num(k, "TB/s_" + s, w["TB/s_" + s], g["tbps_" + s])
                c.num(k, "TFLOPS/s_" + s, w["TFLOPS/s_" + s],
                      g["tflops_" + s])
            if w["Compute Spec"] != (g["compute_spec"] or ""):
                c.fail("%s Compute Spec: %s vs %s" % (
                    k, w["Compute Spec"], g["compute_spec"]))
            if norm(py(w["perf_params"])) != norm(g["params"]):
                c.fail("%s perf_params differ" % k)
        kdetails(c, k[:60], py(w["kernel_details_summary"]), g["kernels"])


TABLES = {
    "unified_perf_summary": ("trace_unified", unified),
    "gpu_timeline": ("trace_timeline", timeline),
    "ops_summary_by_category": ("trace_category", category),
    "ops_summary": ("trace_op", ops),
    "kernel_summary": ("trace_kernel", kernels),
    "short_kernels_summary": ("trace_short_kernel", short),
    "short_kernel_histogram": ("trace_short_hist", hist),
    "ops_unique_args": ("trace_op", unique_args),
}


def main():
    table, csvpath, ndjson = sys.argv[1:4]
    table = table.split(".")[0]
    if table in TABLES:
        kind, fn = TABLES[table]
        recs = load(ndjson, kind)
    else:
        # a perf sheet: GEMM, SDPA_fwd, UnaryElementwise, ...
        fn = perf
        recs = [r for r in load(ndjson, "trace_perf")
                if r.get("sheet") == table]
    csv.field_size_limit(1 << 30)
    opener = gzip.open if csvpath.endswith(".gz") else open
    with opener(csvpath, "rt", newline="") as f:
        rows = list(csv.DictReader(f))
    c = Check(table)
    fn(c, rows, recs)
    print("%s: %d values compared, %d disagree" % (table, c.n, c.bad))
    sys.exit(1 if c.bad or c.n == 0 else 0)


if __name__ == "__main__":
    main()
