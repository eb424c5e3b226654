#!/usr/bin/env python3
"""Dev check for the optimizer: LiteRT loads and runs each model edgeml wrote,
and edgeml's outputs match LiteRT's on the same inputs.

Usage: .venv/bin/python scripts/optimize_litert_check.py EDGEML_BINARY MODEL.tflite [...]

Inputs are seeded uniform [-1, 1) float arrays (quantized for integer inputs),
written as .npy and fed to `edgeml run`. LiteRT runs with its reference kernels
(BUILTIN_REF) so that integer outputs can be compared to the byte. Prints one
line per model: integer outputs identical or the max difference; float
outputs' max abs difference. Exit status 1 if LiteRT cannot load or run a
model, or integer outputs differ.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
from ai_edge_litert import interpreter as litert


def make_input(detail, rng):
    x = rng.uniform(-1, 1, detail["shape"]).astype(np.float32)
    if detail["dtype"] == np.float32:
        return x
    scale, zp = detail["quantization"]
    info = np.iinfo(detail["dtype"])
    return np.clip(np.round(x / scale) + zp, info.min, info.max).astype(detail["dtype"])


def main():
    edgeml, models = sys.argv[1], sys.argv[2:]
    failed = False
    for path in models:
        try:
            it = litert.Interpreter(model_path=path,
                                    experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
            it.allocate_tensors()
        except Exception as e:  # noqa: BLE001 - reported, then counted as a failure
            print(f"FAIL {path}: LiteRT cannot load it: {e}")
            failed = True
            continue
        rng = np.random.default_rng(1)
        ins = [make_input(d, rng) for d in it.get_input_details()]
        with tempfile.TemporaryDirectory() as tmp:
            args = [edgeml, "run", path, "-o", tmp]
            for i, x in enumerate(ins):
                f = os.path.join(tmp, f"in{i}.npy")
                np.save(f, x)
                it.set_tensor(it.get_input_details()[i]["index"], x)
                args += ["-i", f"{i}={f}"]
            it.invoke()
            run = subprocess.run(args, capture_output=True, text=True)
            if run.returncode != 0:
                print(f"FAIL {path}: edgeml run: {run.stderr.strip()}")
                failed = True
                continue
            notes = []
            for i, d in enumerate(it.get_output_details()):
                want = it.get_tensor(d["index"])
                got = np.load(os.path.join(tmp, f"output_{i}.npy"))
                if want.dtype != np.float32:
                    diff = int(np.max(np.abs(want.astype(np.int64) - got.astype(np.int64)))) if want.size else 0
                    notes.append(f"out{i} {want.dtype} " + ("identical" if diff == 0 else f"max diff {diff}"))
                    failed |= diff != 0
                else:
                    diff = float(np.max(np.abs(want - got))) if want.size else 0.0
                    scale = float(np.max(np.abs(want))) if want.size else 0.0
                    notes.append(f"out{i} float max|d|={diff:.3g} (max|y|={scale:.3g})")
        print(f"ok   {path}: LiteRT runs it; " + "; ".join(notes))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
