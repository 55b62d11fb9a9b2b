#!/usr/bin/python3
"""mlp_reference.py - the network of `bench-run -m mlp` in PyTorch, on the CPU.

The same MLP (784 -> hidden ReLU x layers -> 10, softmax cross-entropy),
the same data (Fashion-MNIST IDX files scaled to [0, 1]), the same
mini-batch SGD without momentum, and PyTorch's default initialisation,
which bench-run's mlp copies.  The training set stays in one tensor and
each epoch indexes a random permutation: no DataLoader, so the loop is as
lean as PyTorch allows and the comparison is with PyTorch at its best.

Prints one JSON object per epoch (epoch, epoch_time_ms, train_loss) and a
last one with test_accuracy_pct and training_time_s.

    /usr/bin/python3 examples/pytorch/mlp_reference.py --epochs 5
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch


def load_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, ndims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 8:
        sys.exit(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndims)
    return arr.reshape(dims)


def load_set(directory, prefix):
    def find(name):
        for p in (f"{directory}/{name}.gz", f"{directory}/{name}"):
            if os.path.exists(p):
                return p
        sys.exit(f"{directory}/{name}(.gz): not found")
    x = load_idx(find(f"{prefix}-images-idx3-ubyte"))
    y = load_idx(find(f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255)
    return x, torch.from_numpy(y.astype(np.int64))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int,
                    default=len(os.sched_getaffinity(0)))
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    train_x, train_y = load_set(a.data, "train")
    test_x, test_y = load_set(a.data, "t10k")

    dims = [train_x.shape[1]] + [a.hidden] * a.layers + [10]
    mods = []
    for i in range(len(dims) - 1):
        mods.append(torch.nn.Linear(dims[i], dims[i + 1]))
        if i < len(dims) - 2:
            mods.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*mods)
    opt = torch.optim.SGD(net.parameters(), lr=a.lr)
    lossf = torch.nn.CrossEntropyLoss()

    total = 0.0
    n = len(train_x)
    for epoch in range(a.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        loss_sum = 0.0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(train_x[idx]), train_y[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
        ms = (time.perf_counter() - t0) * 1000
        total += ms
        print(json.dumps({"epoch": epoch, "epoch_time_ms": ms,
                          "train_loss": loss_sum / n}), flush=True)
    with torch.no_grad():
        correct = (net(test_x).argmax(1) == test_y).sum().item()
    print(json.dumps({"test_accuracy_pct": 100.0 * correct / len(test_x),
                      "training_time_s": total / 1000}))


if __name__ == "__main__":
    main()
