"""benchpipe_protocol - report iterations to `bench-run --protocol ndjson`.

    import benchpipe_protocol as bp
    for i in range(bp.WARMUP + bp.ITERATIONS):
        with bp.iteration(warmup=i < bp.WARMUP, items=batch):
            model(x)

Each iteration is one JSON line on the fd named in BENCH_FD (3), or on
stderr when run outside bench-run.  No dependencies.
"""
import json, os, sys, time

FD = int(os.environ.get("BENCH_FD", "3"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
ITERATIONS = int(os.environ.get("BENCH_ITERATIONS", "10"))


def _send(rec):
    line = (json.dumps(rec) + "\n").encode()
    try:
        os.write(FD, line)
    except OSError:
        sys.stderr.buffer.write(line)


def report(latency_ms, warmup=False, **metrics):
    """One iteration: latency_ms plus any numeric metrics (items, tokens...)."""
    _send(dict(metrics, latency_ms=latency_ms, phase="warmup" if warmup else "measure"))


def result(**fields):
    """Fields for the result record, e.g. accuracy_pct=91.2, check={...}."""
    _send(dict(fields, event="result"))


def error(type, message):
    """Fails the run: "unsupported" skips it, "wrong_result" fails it."""
    _send({"event": "error", "type": type, "message": message})


class iteration:
    """Times its block with perf_counter and reports it."""

    def __init__(self, warmup=False, **metrics):
        self.warmup, self.metrics = warmup, metrics

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, exc, *rest):
        if exc is None:
            report((time.perf_counter() - self.t0) * 1e3, self.warmup, **self.metrics)
