#!/usr/bin/env python3
"""transformer_infer.py - a small transformer encoder, benchmarked through
bench-run's ndjson protocol, with a batch-size sweep:

    bench-run --protocol ndjson -m transformer -b cpu -p batch=1,8,32 \
        -p seq=64,128 -n 20 \
        -- python3 examples/pytorch/transformer_infer.py --batch {batch} --seq {seq}

Each iteration is one forward pass over a batch of token sequences; it
reports latency_ms, items (sequences) and tokens, so bench-run's result
carries both sequences/s (throughput.items_per_s) and the tokens in each
sample.  Without python3-torch it reports "unsupported" and bench-run
records the run as skipped; on a GPU pass --device cuda.
"""
import argparse, os, sys

sys.path.insert(0, os.environ.get("BENCHPIPE_DATADIR", "/usr/local/share/benchpipe"))
import benchpipe_protocol as bp  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--batch", type=int, default=8)
ap.add_argument("--seq", type=int, default=128, help="tokens per sequence")
ap.add_argument("--d-model", type=int, default=256)
ap.add_argument("--heads", type=int, default=4)
ap.add_argument("--layers", type=int, default=4)
ap.add_argument("--vocab", type=int, default=8192)
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


class Encoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(args.vocab, args.d_model)
        self.pos = torch.nn.Parameter(torch.randn(args.seq, args.d_model) * 0.02)
        layer = torch.nn.TransformerEncoderLayer(
            args.d_model, args.heads, 4 * args.d_model, dropout=0.0, batch_first=True)
        self.encoder = torch.nn.TransformerEncoder(layer, args.layers)
        self.head = torch.nn.Linear(args.d_model, args.vocab)

    def forward(self, tokens):
        return self.head(self.encoder(self.embed(tokens) + self.pos))


torch.manual_seed(0)
model = Encoder().to(args.device).eval()
tokens = torch.randint(0, args.vocab, (args.batch, args.seq), device=args.device)

with torch.inference_mode():
    for i in range(bp.WARMUP + bp.ITERATIONS):
        with bp.iteration(warmup=i < bp.WARMUP, items=args.batch,
                          tokens=args.batch * args.seq):
            logits = model(tokens)
            if args.device == "cuda":
                torch.cuda.synchronize()
    ok = bool(torch.isfinite(logits).all())
bp.result(torch_version=torch.__version__, threads=torch.get_num_threads(),
          check={"ok": ok})
if not ok:
    bp.error("wrong_result", "the logits hold NaN or Inf")
