#!/usr/bin/env python3
"""Trains an `edgeml train` model spec with TensorFlow/Keras on the same data,
for the comparison table in docs/training.md (dev-time only; needs TF, e.g.
the dev venv with tensorflow installed).

  scripts/train_tf_reference.py examples/train/mnist_mlp.json \
      --data testdata/mnist --epochs 5 --batch 32 [--seed 1] [--runs 3]

Prints one line per run with the test accuracy and the training time, then
the mean. With --compare-litert M.tflite ... it instead runs exported models in
LiteRT and in `edgeml run` and compares their outputs. The data is read from the same IDX files as `edgeml train` and
scaled to [0, 1] the same way; the model is built from the same JSON spec.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 8:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(folder, names):
    for n in names:
        for ext in ("", ".gz"):
            p = os.path.join(folder, n + ext)
            if os.path.exists(p):
                return p
    raise FileNotFoundError(f"{folder}: none of {names}")


def load(folder):
    x = read_idx(find(folder, ["train-images-idx3-ubyte"])).astype(np.float32) / 255.0
    y = read_idx(find(folder, ["train-labels-idx1-ubyte"])).astype(np.int64)
    xt = read_idx(find(folder, ["t10k-images-idx3-ubyte", "test-images-idx3-ubyte"]))
    yt = read_idx(find(folder, ["t10k-labels-idx1-ubyte", "test-labels-idx1-ubyte"]))
    return x[..., None], y, xt.astype(np.float32)[..., None] / 255.0, yt.astype(np.int64)


def build(spec, keras):
    layers = [keras.Input(shape=tuple(spec["input_shape"]))]
    for l in spec["layers"]:
        cfg = {k: v for k, v in l.items() if k not in ("type", "name")}
        t = l["type"]
        if t == "MaxPool2D":
            t = "MaxPooling2D"
        if t == "AveragePool2D":
            t = "AveragePooling2D"
        layers.append(getattr(keras.layers, t)(**cfg))
    model = keras.Sequential(layers)
    opt = spec.get("optimizer", "adam")
    if isinstance(opt, str):
        opt = {"type": opt}
    kind = opt.get("type", "adam").lower()
    lr = opt.get("learning_rate", 0.001 if kind == "adam" else 0.01)
    sched = opt.get("schedule")
    if sched and sched["type"] == "cosine_decay":
        lr = keras.optimizers.schedules.CosineDecay(lr, sched["decay_steps"], sched.get("alpha", 0.0))
    elif sched and sched["type"] == "exponential_decay":
        lr = keras.optimizers.schedules.ExponentialDecay(
            lr, sched["decay_steps"], sched["decay_rate"], sched.get("staircase", False))
    if kind == "adam":
        optimizer = keras.optimizers.Adam(lr, beta_1=opt.get("beta_1", 0.9),
                                          beta_2=opt.get("beta_2", 0.999),
                                          epsilon=opt.get("epsilon", 1e-7))
    else:
        optimizer = keras.optimizers.SGD(lr, momentum=opt.get("momentum", 0.0),
                                         nesterov=opt.get("nesterov", False))
    model.compile(optimizer=optimizer, loss=spec.get("loss", "sparse_categorical_crossentropy"),
                  metrics=["accuracy"])
    return model


def compare_litert(args):
    """Runs .tflite files in LiteRT and in `edgeml run` on the first test
    examples: int8 outputs must be identical, float32 within 1e-5; also
    prints LiteRT's accuracy on the whole test split."""
    import subprocess
    import tempfile
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    _, _, xt, yt = load(args.data)
    ok = True
    for path in args.compare_litert:
        # LiteRT's reference kernels (as scripts/conformance.py): XNNPACK's int8
        # kernels round differently from them.
        it = Interpreter(model_path=path,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        inp, out = it.get_input_details()[0], it.get_output_details()[0]
        def prep(x):
            if inp["dtype"] == np.int8:
                s, z = inp["quantization"]
                return np.clip(np.round(x / s) + z, -128, 127).astype(np.int8)[None]
            return x.astype(np.float32)[None]
        correct = 0
        for i in range(len(xt)):
            it.set_tensor(inp["index"], prep(xt[i]))
            it.invoke()
            correct += int(np.argmax(it.get_tensor(out["index"])[0]) == yt[i])
        worst = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(args.count):
                x = prep(xt[i])
                np.save(os.path.join(tmp, "x.npy"), x)
                subprocess.run([args.edgeml, "run", path, "-i", os.path.join(tmp, "x.npy"),
                                "-o", tmp], check=True, capture_output=True)
                ours = np.load(os.path.join(tmp, "output_0.npy"))
                it.set_tensor(inp["index"], x)
                it.invoke()
                ref = it.get_tensor(out["index"])
                worst = max(worst, float(np.max(np.abs(ours.astype(np.float64) - ref))))
        exact = out["dtype"] == np.int8
        passed = worst == 0 if exact else worst <= 1e-5
        ok &= passed
        print(f"{path}: LiteRT test accuracy {correct / len(xt):.4f}; edgeml vs LiteRT on "
              f"{args.count} examples: max |diff| {worst:g} ({'identical' if worst == 0 else 'float'}"
              f") {'OK' if passed else 'MISMATCH'}")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("spec")
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--compare-litert", nargs="+", metavar="MODEL",
                    help="instead of training: run these .tflite files in LiteRT and in "
                         "`edgeml run` and compare (spec is ignored)")
    ap.add_argument("--edgeml", default="build/tools/edgeml", help="the edgeml program")
    ap.add_argument("--count", type=int, default=50, help="examples compared with edgeml")
    args = ap.parse_args()
    if args.compare_litert:
        return compare_litert(args)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf
    keras = tf.keras
    with open(args.spec) as f:
        spec = json.load(f)
    x, y, xt, yt = load(args.data)
    accs = []
    for r in range(args.runs):
        keras.utils.set_random_seed(args.seed + r)
        model = build(spec, keras)
        t0 = time.time()
        model.fit(x, y, epochs=args.epochs, batch_size=args.batch, verbose=0)
        secs = time.time() - t0
        _, acc = model.evaluate(xt, yt, verbose=0)
        accs.append(acc)
        print(f"run {r + 1}: test accuracy {acc:.4f}, training {secs:.1f} s", flush=True)
    print(f"{os.path.basename(args.spec)}: mean test accuracy {np.mean(accs):.4f} over "
          f"{args.runs} run(s) (min {np.min(accs):.4f}, max {np.max(accs):.4f})")


if __name__ == "__main__":
    sys.exit(main())
