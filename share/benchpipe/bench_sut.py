"""bench_sut.py - the pipe protocol of `bench-run --scenario` for a system
under test written in Python (no dependencies).

    import bench_sut

    model = load()                    # however long it takes
    bench_sut.ready()                 # with --wait-ready the clock starts now
    for q in bench_sut.queries():     # {"id", "sample", "input"?, "max_tokens"?}
        bench_sut.first_token(q["id"])
        bench_sut.token(q["id"])      # each later token, if you stream them
        bench_sut.done(q["id"], n_tokens=2)

Queries arrive on stdin, one JSON object per line; events go to the file
descriptor named by BENCH_FD (3).  bench-run timestamps an event when it
reads it.  The functions may be called from several threads.
"""
import json
import os
import sys
import threading

_out = os.fdopen(int(os.environ.get("BENCH_FD", "3")), "w", buffering=1)
_lock = threading.Lock()


def _send(**event):
    line = json.dumps(event, separators=(",", ":")) + "\n"
    with _lock:
        _out.write(line)


def ready():
    _send(event="ready")


def queries():
    for line in sys.stdin:
        if line.strip():
            yield json.loads(line)


def first_token(qid):
    _send(id=qid, event="first_token")


def token(qid):
    _send(id=qid, event="token")


def done(qid, n_tokens=None):
    if n_tokens is None:
        _send(id=qid, event="done")
    else:
        _send(id=qid, event="done", n_tokens=int(n_tokens))


def error(qid, message):
    _send(id=qid, event="error", message=str(message))
