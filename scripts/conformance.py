#!/usr/bin/env python3
"""Compares `edgeml run` with LiteRT's reference kernels on seeded random inputs.

For each MODEL (a .tflite path, a directory of them such as the full-size
cache .cache/zoo-full that `scripts/make_zoo.py --full` writes, or a name under
testdata/models; none = all of them) and each of K runs (seeds SEED, SEED+1, ...):
  1. inputs, from one numpy default_rng(seed) stream in input order: float
     inputs uniform in the input's range (from the directory's manifest.json;
     [-1, 1) otherwise); quantized integer inputs that range quantized with
     the input's scale and zero point (the full integer range without a
     manifest); other integers in [0, 10) or the manifest's range; written
     as .npy;
  2. edgeml: `edgeml run MODEL --input 0=in0.npy ... --output-dir DIR`, which
     writes output_<i>.npy in output order;
  3. LiteRT (ai-edge-litert, OpResolverType.BUILTIN_REF: reference kernels,
     no XNNPACK) on the same inputs; models with MediaPipe's
     Convolution2DTransposeBias run as a copy rewritten to the equivalent
     builtin TRANSPOSE_CONV (scripts/_tflite_edit.py);
  4. per output: max abs error, max rel error, max |ref|, and PASS iff shape
     and dtype match and, for float outputs, max_abs_err <= 1e-4 * max(1,
     max|ref|); integer and bool outputs (int8, uint8, int16, indices) must be
     identical (max_abs_err 0).
With --image PNG, models with one float NHWC 3-channel input also run on that
image (`edgeml run MODEL --input PNG`) against LiteRT on the same image
preprocessed in Python (scripts/_reference.image_to_input); resizers may differ
by 1 LSB in a few pixels, so that check is loose: mean |err| <= 1e-3.

Exit status 0 only if everything passes. See docs/conformance.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _reference as ref  # noqa: E402

REL_TOL = 1e-4
IMAGE_MEAN_TOL = 1e-3


def resolve_models(arg):
    """Paths of the models `arg` names, and {model path: input ranges} from
    a directory's manifest.json (scripts/make_zoo.py writes "input_ranges")."""
    if os.path.isdir(arg):
        models = sorted(os.path.join(arg, f) for f in os.listdir(arg) if f.endswith(".tflite"))
        if not models:
            sys.exit("conformance: no .tflite in %s" % arg)
        ranges = {}
        manifest = os.path.join(arg, "manifest.json")
        if os.path.isfile(manifest):
            with open(manifest) as fh:
                for e in json.load(fh).get("models", []):
                    if e.get("input_ranges"):
                        ranges[os.path.join(arg, e["name"] + ".tflite")] = e["input_ranges"]
        return models, ranges
    if os.path.isfile(arg):
        return [arg], {}
    cand = os.path.join(ref.REPO, "testdata", "models", arg if arg.endswith(".tflite") else arg + ".tflite")
    if os.path.isfile(cand):
        return [cand], {}
    sys.exit("conformance: no model %r" % arg)


def seeded_inputs(interp, seed, ranges=None):
    """One array per model input (see the module doc). Without `ranges` the
    float and plain integer inputs are those of _reference.random_inputs."""
    rng = np.random.default_rng(seed)
    arrays = []
    for i, d in enumerate(interp.get_input_details()):
        shape = tuple(int(x) for x in d["shape"])
        dtype = np.dtype(d["dtype"])
        lo, hi = ranges[i] if ranges and i < len(ranges) else (None, None)
        scale, zp = d["quantization"]
        if dtype.kind == "f":
            a = rng.uniform(-1.0 if lo is None else lo, 1.0 if hi is None else hi, size=shape).astype(dtype)
        elif dtype == np.bool_:
            a = rng.integers(0, 2, size=shape).astype(np.bool_)
        elif scale > 0:  # quantized
            info = np.iinfo(dtype)
            if lo is None:
                a = rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)
            else:
                x = rng.uniform(lo, hi, size=shape)
                a = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(dtype)
        elif lo is None:
            a = rng.integers(0, 10, size=shape).astype(dtype)
        else:
            a = rng.integers(int(lo), int(hi), size=shape, endpoint=True).astype(dtype)
        arrays.append(a)
    return arrays


def run_edgeml(edgeml, model, input_args, out_dir, n_outputs):
    cmd = [edgeml, "run", model]
    for a in input_args:
        cmd += ["--input", a]
    cmd += ["--output-dir", out_dir]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, "edgeml exited %d: %s" % (proc.returncode, (proc.stderr or proc.stdout).strip()[-2000:])
    outs = []
    for i in range(n_outputs):
        path = os.path.join(out_dir, "output_%d.npy" % i)
        if not os.path.isfile(path):
            return None, "edgeml wrote no %s" % path
        outs.append(np.load(path))
    return outs, None


def compare(got, want):
    """Returns (max_abs_err, max_rel_err, max_abs_ref, problem or None)."""
    if got.shape != want.shape:
        return np.inf, np.inf, 0.0, "shape %s, want %s" % (list(got.shape), list(want.shape))
    if got.dtype != want.dtype:
        return np.inf, np.inf, 0.0, "dtype %s, want %s" % (got.dtype, want.dtype)
    if want.size == 0:
        return 0.0, 0.0, 0.0, None
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    # NaN in the same places counts as equal; anywhere else as infinite error.
    both_nan = np.isnan(g) & np.isnan(w)
    diff = np.where(both_nan, 0.0, np.abs(g - w))
    diff = np.where(np.isnan(diff), np.inf, diff)
    max_ref = float(np.max(np.where(np.isnan(w), 0.0, np.abs(w))))
    rel = diff / np.maximum(np.abs(w), 1e-6)
    rel = np.where(both_nan, 0.0, rel)
    return float(diff.max()), float(np.nanmax(rel)), max_ref, None


def report(label, name, err, rel, max_ref, ok, extra=""):
    print(
        "  %-28s %-22s max_abs_err=%-10.3g max_rel_err=%-10.3g max|ref|=%-10.4g %s%s"
        % (label, name, err, rel, max_ref, "PASS" if ok else "FAIL", extra)
    )


def output_ok(got, want, err, max_ref, problem):
    """Float outputs: the relative criterion; integer and bool: identical."""
    if problem is not None:
        return False
    if want.dtype.kind in "iub":
        return err == 0
    return err <= REL_TOL * max(1.0, max_ref)


def check_model(model, args, work, ranges=None):
    runnable = ref.reference_model_path(model, work)
    interp = ref.make_interpreter(runnable)
    out_names = [d["name"] for d in interp.get_output_details()]
    in_details = interp.get_input_details()
    print("%s%s" % (os.path.relpath(model), " (LiteRT runs it with TRANSPOSE_CONV)" if runnable != model else ""))
    all_ok = True
    for r in range(args.runs):
        seed = args.seed + r
        run_dir = os.path.join(work, "%s_seed%d" % (os.path.basename(model), seed))
        os.makedirs(run_dir)
        inputs = seeded_inputs(interp, seed, ranges)
        in_args = []
        for i, a in enumerate(inputs):
            p = os.path.join(run_dir, "input_%d.npy" % i)
            np.save(p, a)
            in_args.append("%d=%s" % (i, p))
        t0 = time.monotonic()
        _, want = ref.run(interp, inputs)
        t1 = time.monotonic()
        got, err = run_edgeml(args.edgeml, model, in_args, run_dir, len(want))
        t2 = time.monotonic()
        label = "seed %d" % seed
        if err:
            print("  %-28s FAIL %s" % (label, err))
            all_ok = False
            continue
        print("  %-28s LiteRT %.2f s, edgeml run %.2f s (process)" % (label, t1 - t0, t2 - t1))
        for name, g, w in zip(out_names, got, want):
            e, rel, max_ref, problem = compare(g, w)
            ok = output_ok(g, w, e, max_ref, problem)
            all_ok &= ok
            extra = " (%s)" % problem if problem else (" exact-required" if w.dtype.kind in "iub" else "")
            report(label, name, e, rel, max_ref, ok, extra)

    if args.image and _takes_image(in_details):
        shape = tuple(int(x) for x in in_details[0]["shape"])
        _, x = ref.image_to_input(args.image, shape)
        _, want = ref.run(interp, [x])
        img_dir = os.path.join(work, os.path.basename(model) + "_image")
        os.makedirs(img_dir)
        got, err = run_edgeml(args.edgeml, model, [args.image], img_dir, len(want))
        label = "image " + os.path.basename(args.image)
        if err:
            print("  %-28s FAIL %s" % (label, err))
            return False
        for name, g, w in zip(out_names, got, want):
            e, rel, max_ref, problem = compare(g, w)
            mean = float(np.mean(np.abs(g.astype(np.float64) - w))) if problem is None else np.inf
            ok = problem is None and mean <= IMAGE_MEAN_TOL
            all_ok &= ok
            report(label, name, e, rel, max_ref, ok, " mean_abs_err=%.3g%s" % (mean, " (%s)" % problem if problem else ""))
    return all_ok


def _takes_image(in_details):
    if len(in_details) != 1:
        return False
    d = in_details[0]
    return len(d["shape"]) == 4 and int(d["shape"][3]) == 3 and np.dtype(d["dtype"]) == np.float32


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("models", nargs="*", metavar="MODEL")
    p.add_argument("--edgeml", default=os.path.join(ref.REPO, "build", "tools", "edgeml"), help="the edgeml binary")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--runs", type=int, default=1, help="runs per model, seeds SEED..SEED+K-1")
    p.add_argument("--image", help="also compare on this PNG (loose check)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args()
    if not os.access(args.edgeml, os.X_OK):
        sys.exit("conformance: %s is not an executable (build it, or pass --edgeml)" % args.edgeml)
    models, ranges = [], {}
    for m in args.models:
        found, r = resolve_models(m)
        models += found
        ranges.update(r)
    models = models or sorted(
        os.path.join(ref.REPO, "testdata", "models", f)
        for f in os.listdir(os.path.join(ref.REPO, "testdata", "models"))
        if f.endswith(".tflite")
    )
    print("reference: ai-edge-litert %s (BUILTIN_REF); criterion: float max_abs_err <= %g * max(1, max|ref|),"
          " integer outputs identical" % (ref.litert_version(), REL_TOL))
    work = ref.temp_dir()
    failed = []
    try:
        for m in models:
            try:
                ok = check_model(m, args, work, ranges.get(m))
            except Exception as e:  # noqa: BLE001 - LiteRT refusing a model is a failure, not a crash
                print("  FAIL reference run: %s: %s" % (type(e).__name__, str(e).strip()[-500:]))
                ok = False
            if not ok:
                failed.append(os.path.basename(m))
    finally:
        if args.keep:
            print("kept %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("%d model(s), %d failed%s" % (len(models), len(failed), (": " + ", ".join(failed)) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
