#!/usr/bin/env python3
"""mlp_infer.py - a PyTorch model benchmarked through bench-run's ndjson protocol.

    bench-run --protocol ndjson -m mlp-infer -b cpu -p batch=1,32,256 -n 50 \
        -- python3 examples/pytorch/mlp_infer.py --batch {batch}

Times one forward pass of a 784-512-512-10 MLP per iteration (the timing
happens here, around the work only; bench-run adds the records, the
statistics, timeouts and the resource monitor).  Without python3-torch it
reports "unsupported", and bench-run records the run as skipped.
"""
import argparse, os, sys

sys.path.insert(0, os.environ.get("BENCHPIPE_DATADIR", "/usr/local/share/benchpipe"))
import benchpipe_protocol as bp  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--hidden", type=int, default=512)
ap.add_argument("--device", default="cpu")
ap.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "0")))
args = ap.parse_args()

try:
    import torch
except ImportError:
    bp.error("unsupported", "python3-torch is not installed")
    sys.exit(0)
if args.device == "cuda" and not torch.cuda.is_available():
    bp.error("unsupported", "torch sees no CUDA device")
    sys.exit(0)
if args.threads > 0:
    torch.set_num_threads(args.threads)

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(784, args.hidden), torch.nn.ReLU(),
    torch.nn.Linear(args.hidden, args.hidden), torch.nn.ReLU(),
    torch.nn.Linear(args.hidden, 10),
).to(args.device).eval()
x = torch.randn(args.batch, 784, device=args.device)

with torch.inference_mode():
    for i in range(bp.WARMUP + bp.ITERATIONS):
        with bp.iteration(warmup=i < bp.WARMUP, items=args.batch):
            y = model(x)
            if args.device == "cuda":
                torch.cuda.synchronize()
bp.result(torch_version=torch.__version__, threads=torch.get_num_threads())
