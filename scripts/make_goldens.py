#!/usr/bin/env python3
"""Regenerates testdata/golden/ from LiteRT's reference kernels.

For each model in testdata/models: seeded random inputs, one LiteRT run with
BUILTIN_REF (no XNNPACK), and under testdata/golden/<model_stem>/:
  input_<i>.npy   the inputs, stored as float16 to keep the committed data
                  small; the values are exactly representable in float16 and
                  the model was run on them converted to float32
  output_<i>.npy  LiteRT's outputs (model dtype), in output order
  manifest.json   LiteRT version, seed, per input/output name, shape, dtype
                  and max |ref|
Plus testdata/golden/selfie_segmentation_astronaut/: astronaut.png through the
preprocessing of `edgeml run` (see _reference.image_to_input), stored as the
resized uint8 image input_0_u8.npy, and the mask output_0.npy.

Usage: scripts/make_goldens.py [--seed N] [--out DIR]
Needs the packages in scripts/requirements-dev.txt and flatc on PATH.
"""

import argparse
import glob
import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _reference as ref  # noqa: E402

TOLERANCE_NOTE = "max_abs_err <= 1e-4 * max(1, max|ref|) per output"


def _describe(names, arrays):
    return [
        {
            "name": n,
            "shape": list(a.shape),
            "dtype": str(a.dtype),
            "max_abs_ref": float(np.max(np.abs(a.astype(np.float64)))) if a.size else 0.0,
        }
        for n, a in zip(names, arrays)
    ]


def _write_dir(path, manifest, inputs, outputs, input_suffix=""):
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    for i, a in enumerate(inputs):
        np.save(os.path.join(path, "input_%d%s.npy" % (i, input_suffix)), a)
    for i, a in enumerate(outputs):
        np.save(os.path.join(path, "output_%d.npy" % i), a)
    with open(os.path.join(path, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def _stored_input(a):
    """float32 -> float16 for storage (caller runs the model on the value
    converted back); other dtypes as they are."""
    if a.dtype == np.float32:
        return a.astype(np.float16)
    return a


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--out", default=os.path.join(ref.REPO, "testdata", "golden"))
    args = p.parse_args()

    work = ref.temp_dir()
    version = ref.litert_version()
    models = sorted(glob.glob(os.path.join(ref.REPO, "testdata", "models", "*.tflite")))
    total = 0
    for model in models:
        stem = os.path.splitext(os.path.basename(model))[0]
        runnable = ref.reference_model_path(model, work)
        interp = ref.make_interpreter(runnable)
        stored = [_stored_input(a) for a in ref.random_inputs(interp, args.seed)]
        inputs = [s.astype(np.float32) if s.dtype == np.float16 else s for s in stored]
        names, outputs = ref.run(interp, inputs)
        in_names = [d["name"] for d in interp.get_input_details()]
        manifest = {
            "model": "testdata/models/%s.tflite" % stem,
            "reference": "ai-edge-litert %s, OpResolverType.BUILTIN_REF" % version,
            "litert_version": version,
            "rewritten_custom_ops": runnable != model,
            "seed": args.seed,
            "input_generation": "numpy default_rng(seed).uniform(-1, 1) float32 per input in order, "
            "rounded to float16 for storage; the model ran on the float16 values as float32",
            "inputs": [
                dict(d, stored_dtype=str(s.dtype)) for d, s in zip(_describe(in_names, inputs), stored)
            ],
            "outputs": _describe(names, outputs),
            "tolerance": TOLERANCE_NOTE,
        }
        out_dir = os.path.join(args.out, stem)
        _write_dir(out_dir, manifest, stored, outputs)
        total += _report(out_dir, stem, manifest)

        if stem == "selfie_segmentation":
            image = os.path.join(ref.REPO, "testdata", "images", "astronaut.png")
            shape = tuple(int(x) for x in interp.get_input_details()[0]["shape"])
            small, x = ref.image_to_input(image, shape)
            names, outputs = ref.run(interp, [x])
            manifest = {
                "model": "testdata/models/%s.tflite" % stem,
                "image": "testdata/images/astronaut.png",
                "reference": "ai-edge-litert %s, OpResolverType.BUILTIN_REF" % version,
                "litert_version": version,
                "rewritten_custom_ops": True,
                "preprocessing": "decode RGB, resize to %dx%d bilinear with half-pixel centers, clamped edges, "
                "no antialiasing, rounded to nearest uint8 (edgeml io::ResizeBilinear) = input_0_u8.npy; "
                "input = (float32(v) - 127.5) / 127.5" % (shape[1], shape[2]),
                "inputs": _describe(["resized_image_u8"], [small]),
                "outputs": _describe(names, outputs),
                "tolerance": "loose: the Python copy of the preprocessing is meant to be bit-identical to "
                "edgeml's, but if the CLI's decoder or resizer changes, masks may differ near the "
                "silhouette; compare by mean |diff| (<= 1e-3). Given input_0_u8.npy as the input, "
                "the usual criterion applies.",
            }
            out_dir = os.path.join(args.out, stem + "_astronaut")
            _write_dir(out_dir, manifest, [small], outputs, input_suffix="_u8")
            total += _report(out_dir, stem + "_astronaut", manifest)
    print("total %.2f MB in %s" % (total / 1e6, args.out))
    shutil.rmtree(work, ignore_errors=True)


def _report(out_dir, label, manifest):
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    outs = ", ".join("%s%s max|ref|=%.4g" % (o["name"], o["shape"], o["max_abs_ref"]) for o in manifest["outputs"])
    print("%-36s %7.1f KB  %s" % (label, size / 1e3, outs))
    return size


if __name__ == "__main__":
    main()
