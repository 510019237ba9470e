#!/usr/bin/env python3
"""Times PyTorch's scaled_dot_product_attention as the baseline of Kiln's
attention kernels, the way kiln-attention-check --bench times them: f16
tensors of heads (H x S x D), the median of N runs after 3 warm-ups, each
after a 256 MB write that empties the L2, CUDA events around it, 4 D flops
per query and key it sees (causal: the keys at or before the query's row,
bottom-right aligned as Kiln's kernel; the same as PyTorch's top-left
alignment for Sq == Sk, the only causal shapes it is given).

    python3 bench/attention_torch.py [--causal] [--bench N] HxSqxSkxD...

Prints one line per shape:
    baseline torch-sdpa <HxSqxSkxD> <ms> ms <TFLOP/s> TFLOP/s (torch <version>)
Exit status 2 if PyTorch or a GPU is missing or a causal shape is not
square.
"""
import argparse
import statistics
import sys


def flops(h, sq, sk, d, causal):
    if not causal:
        pairs = sq * sk
    else:
        pairs = sum(min(sk, max(0, r + 1 + sk - sq)) for r in range(sq))
    return 4.0 * h * d * pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--causal", action="store_true")
    parser.add_argument("--bench", type=int, default=20)
    parser.add_argument("shapes", nargs="+")
    args = parser.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("attention_torch: no PyTorch", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("attention_torch: no GPU", file=sys.stderr)
        return 2
    torch.manual_seed(0)
    flush = torch.empty(256 << 20, dtype=torch.uint8, device="cuda")
    for text in args.shapes:
        h, sq, sk, d = (int(x) for x in text.split("x"))
        if args.causal and sq != sk:
            print(f"attention_torch: causal {text}: PyTorch aligns the mask "
                  "top-left, Kiln bottom-right; give Sq == Sk", file=sys.stderr)
            return 2
        q = torch.randn(1, h, sq, d, dtype=torch.float16, device="cuda")
        k = torch.randn(1, h, sk, d, dtype=torch.float16, device="cuda")
        v = torch.randn(1, h, sk, d, dtype=torch.float16, device="cuda")
        times = []
        for i in range(3 + args.bench):
            flush.fill_(i & 0xFF)
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            F.scaled_dot_product_attention(q, k, v, is_causal=args.causal)
            end.record()
            end.synchronize()
            if i >= 3:
                times.append(start.elapsed_time(end))
        ms = statistics.median(times)
        tflops = flops(h, sq, sk, d, args.causal) / (ms * 1e-3) / 1e12
        print(f"baseline torch-sdpa {text} {ms:.4f} ms {tflops:.1f} TFLOP/s "
              f"(torch {torch.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
