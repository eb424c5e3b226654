#!/usr/bin/env python3
"""Side-by-side latency: edgeml vs LiteRT with its default XNNPACK delegate.

For each model, alternates rounds of `edgeml bench` and LiteRT (same thread
count, seeded random inputs), each round timing --runs invokes after a
warm-up, and reports the median of the per-round medians and the ratio
LiteRT/edgeml (> 1 means edgeml is faster). Machines are shared and noisy:
quote the ratio, not a single figure. Dev-time only (needs .venv, see
scripts/dev_venv.sh). MediaPipe's Convolution2DTransposeBias is rewritten
into TRANSPOSE_CONV for LiteRT, as conformance.py does.

Usage: scripts/bench.py MODEL... [--edgeml build/tools/edgeml] [--threads 1]
                        [--rounds 5] [--runs 20]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _reference  # noqa: E402


def litert_round(interp, runs, warmup):
    for _ in range(warmup):
        interp.invoke()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        interp.invoke()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def edgeml_round(binary, model, threads, runs, warmup):
    out = subprocess.run(
        [binary, "bench", model, "--threads", str(threads), "--runs", str(runs),
         "--warmup", str(warmup), "--json"],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)["median_ms"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--edgeml", default="build/tools/edgeml")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter

    print(f"LiteRT {_reference.litert_version()} (default delegate: XNNPACK), threads={args.threads}")
    print(f"{'model':34s} {'edgeml ms':>10s} {'LiteRT ms':>10s} {'LiteRT/edgeml':>14s}")
    import tempfile
    with tempfile.TemporaryDirectory() as work:
        for model in args.models:
            ref_path = _reference.reference_model_path(model, work)
            it = Interpreter(model_path=ref_path, num_threads=args.threads)
            it.allocate_tensors()
            rng = np.random.default_rng(1)
            for d in it.get_input_details():
                if np.issubdtype(d["dtype"], np.floating):
                    x = rng.uniform(-1, 1, d["shape"]).astype(d["dtype"])
                else:
                    info = np.iinfo(d["dtype"])
                    x = rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(d["dtype"])
                it.set_tensor(d["index"], x)
            e_med, l_med = [], []
            for _ in range(args.rounds):
                e_med.append(edgeml_round(args.edgeml, model, args.threads, args.runs, args.warmup))
                l_med.append(litert_round(it, args.runs, args.warmup))
            e, l = statistics.median(e_med), statistics.median(l_med)
            print(f"{os.path.basename(model):34s} {e:10.3f} {l:10.3f} {l / e:14.2f}")


if __name__ == "__main__":
    main()
