#!/usr/bin/python3
"""sut_torch.py - a PyTorch system under test for bench-run --scenario on
the pipe protocol: a small GRU language model with seeded random weights,
greedy decoding, one token event per generated token.  Debian's
python3-torch runs it on the CPU:

    bench-run --scenario server --target-qps 20 --wait-ready \\
        --input-len 16 --output-len 8 -- /usr/bin/python3 examples/pytorch/sut_torch.py
"""
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("BENCHPIPE_DATADIR",
                                  os.path.join(here, "..", "..", "share", "benchpipe")))
import bench_sut  # noqa: E402

VOCAB, DIM = 1000, 128
torch.manual_seed(0)
torch.set_num_threads(1)
embed = torch.nn.Embedding(VOCAB, DIM)
gru = torch.nn.GRU(DIM, DIM, batch_first=True)
head = torch.nn.Linear(DIM, VOCAB)

bench_sut.ready()
with torch.no_grad():
    for q in bench_sut.queries():
        prompt = q.get("input") or [1]
        if isinstance(prompt, str):
            prompt = list(prompt.encode())
        ids = torch.tensor([[t % VOCAB for t in prompt]])
        out, h = gru(embed(ids))                      # prefill
        n = int(q.get("max_tokens") or 8)
        tok = head(out[:, -1]).argmax(-1)
        for k in range(n):                           # decode
            if k == 0:
                bench_sut.first_token(q["id"])
            else:
                bench_sut.token(q["id"])
            out, h = gru(embed(tok).unsqueeze(1), h)
            tok = head(out[:, -1]).argmax(-1)
        bench_sut.done(q["id"], n_tokens=n)
