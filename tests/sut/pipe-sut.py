#!/usr/bin/env python3
"""pipe-sut.py MODE - a system under test on bench-run's pipe protocol,
for the tests: queries arrive as JSON lines on stdin, events go to the
descriptor in BENCH_FD, the first being {"event": "ready"}.  Plain python3, no third-party modules.

MODE: normal (default), hang (answers nothing, ignores the end of its
input), crash (killed by SIGSEGV at the 5th query), exit (exits 3 at the
5th query), unknown (adds answers for ids never issued and a line that is
not JSON), twice (answers every query twice), onetoken (streams one token
per sample: TPOT undefined), noready (never says it is ready).
Environment: SUT_TOKENS=N streams N tokens per sample (first_token,
token...), SUT_DELAY=S sleeps S seconds per sample (per token when
streaming), answering one sample at a time.
"""
import json
import os
import signal
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "normal"
tokens = int(os.environ.get("SUT_TOKENS", "0"))
delay = float(os.environ.get("SUT_DELAY", "0"))
if mode == "onetoken":
    tokens = 1
out = os.fdopen(int(os.environ.get("BENCH_FD", "3")), "w", buffering=1)


def send(**ev):
    out.write(json.dumps(ev) + "\n")


if mode != "noready":
    send(event="ready")
n = 0
for line in sys.stdin:
    query = json.loads(line)
    qid = query["id"]
    n += 1
    if mode == "hang":
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        time.sleep(3600)
    if n == 5 and mode == "crash":
        sys.stderr.write("pipe-sut: about to crash\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGSEGV)
    if n == 5 and mode == "exit":
        sys.stderr.write("pipe-sut: giving up\n")
        sys.exit(3)
    if tokens:
        for k in range(tokens):
            if delay:
                time.sleep(delay)
            send(id=qid, event="first_token" if k == 0 else "token")
        send(id=qid, event="done", n_tokens=tokens)
    else:
        if delay:
            time.sleep(delay)
        send(id=qid, event="done")
    if mode == "twice":
        send(id=qid, event="done")
    if mode == "unknown":
        send(id=qid + 1000000, event="done")
        out.write("this is not JSON\n")
