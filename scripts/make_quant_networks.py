#!/usr/bin/env python3
"""Generates testdata/networks: whole image-classification networks (Keras
application architectures with seeded random weights, plus a small hand-built
ResNet) converted by the TensorFlow converter, with golden outputs from
LiteRT's reference kernels. See docs/networks.md.

Each network is converted in some of these modes (as in make_quant_models.py):

  int8    full-integer: representative dataset, int8 kernels, int8 I/O
  16x8    int16 activations, int8 weights, int16 I/O
  f16     float16 weights behind DEQUANTIZE, float32 compute
  float   the float32 model as the converter emits it

Every model gets two sample inputs: "random" (a seeded uniform image in the
model's input range) and a photo (testdata/images/{chelsea,coffee}.png
resized with tf.image, then put in the model's input range). Files:

  <name>.tflite
  <name>.<sample>.input_<i>.npy    input i for that sample (model dtype)
  <name>.<sample>.output_<i>.npy   LiteRT output i, OpResolverType.BUILTIN_REF

manifest.json lists per model: mode, ops, I/O quantization, size, and for
every quantized model the top-1 class on both photos from LiteRT for the
quantized model and for the float model of the same network (converted in
the same run, but committed only for the two smallest networks).

Weights are random, so classes mean nothing; batch-norm statistics are set
from seeded random batches (one pass in training mode with momentum 0) so that
activations keep a useful spread through the depth of the network, and the
final classifier is scaled so that the softmax is not flat.

Deterministic: everything is seeded. Usage:
  .venv/bin/python scripts/make_quant_networks.py [--out DIR] [--only SUBSTR]
Requires tensorflow-cpu (scripts/requirements-zoo.txt) and ai-edge-litert.
"""

import argparse
import glob
import json
import os
import sys
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REP_SAMPLES = 20
CLASSES = 100
SIZE = 96


def seed_of(name):
    return zlib.crc32(name.encode())


# --- networks ------------------------------------------------------------------------------------


def small_resnet(input_shape, classes):
    """A ResNet-style net by hand: stem, three stages of two basic residual
    blocks (the first block of a stage downsamples with a 1x1 projection)."""
    L = keras.layers
    x_in = keras.Input(input_shape)
    x = L.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(x_in)
    x = L.ReLU()(L.BatchNormalization()(x))
    for stage, width in enumerate([16, 32, 64]):
        for block in range(2):
            stride = 2 if (stage > 0 and block == 0) else 1
            shortcut = x
            y = L.Conv2D(width, 3, strides=stride, padding="same", use_bias=False)(x)
            y = L.ReLU()(L.BatchNormalization()(y))
            y = L.Conv2D(width, 3, padding="same", use_bias=False)(y)
            y = L.BatchNormalization()(y)
            if stride != 1 or shortcut.shape[-1] != width:
                shortcut = L.Conv2D(width, 1, strides=stride, use_bias=False)(shortcut)
                shortcut = L.BatchNormalization()(shortcut)
            x = L.ReLU()(L.Add()([y, shortcut]))
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dense(classes, activation="softmax")(x)
    return keras.Model(x_in, x, name="small_resnet")


A = keras.applications
S = (SIZE, SIZE, 3)
# name -> (builder, input range (lo, hi), modes). Keras MobileNetV3 and
# EfficientNet contain their own preprocessing and take pixels in [0, 255];
# MobileNet v1/v2 and the ResNet take [-1, 1].
NETWORKS = {
    "mobilenet_v1": (lambda: A.MobileNet(S, alpha=0.25, weights=None, classes=CLASSES),
                     (-1.0, 1.0), ("int8", "16x8", "float")),
    "mobilenet_v2": (lambda: A.MobileNetV2(S, alpha=0.35, weights=None, classes=CLASSES),
                     (-1.0, 1.0), ("int8", "f16")),
    "mobilenet_v3_small": (lambda: A.MobileNetV3Small(S, alpha=0.75, weights=None, classes=CLASSES),
                           (0.0, 255.0), ("int8", "16x8")),
    "mobilenet_v3_large": (lambda: A.MobileNetV3Large(S, alpha=0.75, weights=None, classes=CLASSES),
                           (0.0, 255.0), ("int8",)),
    "efficientnet_b0": (lambda: A.EfficientNetB0(weights=None, input_shape=S, classes=CLASSES),
                        (0.0, 255.0), ("int8",)),
    "resnet_small": (lambda: small_resnet(S, CLASSES), (-1.0, 1.0), ("int8", "16x8", "float")),
}
PHOTO = {  # which photo each network's golden uses
    "mobilenet_v1": "chelsea",
    "mobilenet_v2": "coffee",
    "mobilenet_v3_small": "chelsea",
    "mobilenet_v3_large": "coffee",
    "efficientnet_b0": "chelsea",
    "resnet_small": "coffee",
}


def random_images(rng, n, lo, hi):
    return [rng.uniform(lo, hi, (1,) + S).astype(np.float32) for _ in range(n)]


def photo(name, lo, hi):
    raw = tf.io.read_file(os.path.join(REPO, "testdata", "images", name + ".png"))
    img = tf.cast(tf.io.decode_png(raw, channels=3), tf.float32)
    img = tf.image.resize(img, [SIZE, SIZE], method="bilinear", antialias=True)
    img = tf.clip_by_value(img, 0.0, 255.0).numpy()
    return (lo + img * ((hi - lo) / 255.0))[None].astype(np.float32)


def build_network(name):
    """The Keras model with seeded weights, batch-norm statistics taken from
    random batches, and a classifier whose logits have a useful spread."""
    builder, (lo, hi), _ = NETWORKS[name]
    keras.utils.set_random_seed(seed_of(name))
    model = builder()
    rng = np.random.default_rng(seed_of(name) + 10)
    bns = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    for bn in bns:
        # Non-trivial affine parameters, so that ReLUs cut at varying points.
        c = bn.gamma.shape[0]
        bn.gamma.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
        bn.beta.assign(rng.normal(0.0, 0.3, c).astype(np.float32))
        bn.momentum = 0.0
    # One training-mode pass with momentum 0: every moving mean/variance
    # becomes the batch statistics of its input, consistently through depth.
    batch = np.concatenate(random_images(rng, 16, lo, hi) +
                           [photo("chelsea", lo, hi), photo("coffee", lo, hi)])
    model(tf.constant(batch), training=True)
    for bn in bns:
        bn.momentum = 0.99
    # Scale the last Dense/Conv so that the logits' std is about 2.
    last = [layer for layer in model._flatten_layers() if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))][-1]
    pre = keras.Model(model.inputs, last.input)
    feats = pre(tf.constant(batch), training=False).numpy()
    kernel = last.kernel.numpy()
    logits = feats.reshape(-1, kernel.shape[-2]) @ kernel.reshape(-1, kernel.shape[-1])
    std = float(np.std(logits))
    if std > 0:
        last.kernel.assign(kernel * (2.0 / std))
    return model


def convert(model, name, mode):
    lo, hi = NETWORKS[name][1]
    fn = tf.function(lambda x: model(x, training=False),
                     input_signature=[tf.TensorSpec((1,) + S, tf.float32, name="image")])
    # Freeze the Keras variables into constants (otherwise they stay resource
    # variables read by READ_VARIABLE).
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    conc = convert_variables_to_constants_v2(fn.get_concrete_function())
    c = tf.lite.TFLiteConverter.from_concrete_functions([conc])

    def rep():
        rng = np.random.default_rng(seed_of(name) + 1)
        for x in random_images(rng, REP_SAMPLES, lo, hi):
            yield [x]

    if mode == "int8":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = rep
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        c.inference_input_type = tf.int8
        c.inference_output_type = tf.int8
    elif mode == "16x8":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = rep
        c.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        c.inference_input_type = tf.int16
        c.inference_output_type = tf.int16
    elif mode == "f16":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.target_spec.supported_types = [tf.float16]
    elif mode != "float":
        raise ValueError(mode)
    return c.convert()


# --- goldens -------------------------------------------------------------------------------------


def make_interpreter(content, resolver=OpResolverType.BUILTIN_REF):
    it = Interpreter(model_content=content, experimental_op_resolver_type=resolver)
    it.allocate_tensors()
    return it


def run(content, x, resolver=OpResolverType.BUILTIN_REF):
    it = make_interpreter(content, resolver)
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return [np.array(it.get_tensor(d["index"])) for d in it.get_output_details()]


def to_input(x, detail):
    """A float image in the model's input dtype (quantized if integer)."""
    dtype = np.dtype(detail["dtype"])
    if dtype.kind == "f":
        return x.astype(dtype)
    scale, zp = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zp, info.min, info.max).astype(dtype)


def io_desc(d):
    scale, zp = d["quantization"]
    return {"dtype": np.dtype(d["dtype"]).name, "shape": [int(v) for v in d["shape"]],
            "scale": float(scale), "zero_point": int(zp)}


def versions():
    from importlib.metadata import version

    return {"tensorflow": tf.__version__, "keras": keras.__version__,
            "ai-edge-litert": version("ai-edge-litert"), "numpy": np.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "testdata", "networks"))
    ap.add_argument("--only", default=None, help="only networks whose name contains this")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    entries, failures = [], []
    for net, (_, (lo, hi), modes) in NETWORKS.items():
        if args.only and args.only not in net:
            continue
        model = build_network(net)
        samples = {
            "random": random_images(np.random.default_rng(seed_of(net) + 2), 1, lo, hi)[0],
            PHOTO[net]: photo(PHOTO[net], lo, hi),
        }
        photos = {p: photo(p, lo, hi) for p in ("chelsea", "coffee")}
        float_content = convert(model, net, "float")
        float_top1 = {p: int(np.argmax(run(float_content, x)[0])) for p, x in photos.items()}
        for mode in modes:
            name = net if mode == "int8" else "%s_%s" % (net, mode)
            try:
                content = float_content if mode == "float" else convert(model, net, mode)
                it = make_interpreter(content)
                ops = [o["op_name"] for o in it._get_ops_details()]
                ind = it.get_input_details()[0]
                golden = {}
                for sample, x in samples.items():
                    xin = to_input(x, ind)
                    out = run(content, xin)
                    again = run(content, xin)
                    if any(a.tobytes() != b.tobytes() for a, b in zip(out, again)):
                        raise RuntimeError("LiteRT gives different outputs on two runs (%s)" % sample)
                    golden[sample] = (xin, out)
            except Exception as e:  # noqa: BLE001 - reported, the catalogue goes on
                msg = str(e).strip().splitlines()
                failures.append((name, mode, msg[-1] if msg else type(e).__name__))
                print("FAILED %-28s %s: %s" % (name, mode, failures[-1][2]), file=sys.stderr)
                continue

            for f in glob.glob(os.path.join(args.out, name + ".*")):
                os.remove(f)
            with open(os.path.join(args.out, name + ".tflite"), "wb") as fh:
                fh.write(content)
            entry = {"name": name, "network": net, "mode": mode, "bytes": len(content), "ops": ops,
                     "inputs": [io_desc(d) for d in it.get_input_details()],
                     "outputs": [io_desc(d) for d in it.get_output_details()],
                     "golden": "BUILTIN_REF", "samples": {}}
            for sample, (xin, out) in golden.items():
                np.save(os.path.join(args.out, "%s.%s.input_0.npy" % (name, sample)), xin)
                for i, a in enumerate(out):
                    np.save(os.path.join(args.out, "%s.%s.output_%d.npy" % (name, sample, i)), a)
                o = out[0]
                entry["samples"][sample] = {"distinct_output_values": int(len(np.unique(o))),
                                            "top1": int(np.argmax(o))}
                if np.issubdtype(o.dtype, np.integer):
                    info = np.iinfo(o.dtype)
                    entry["samples"][sample]["saturated"] = int(np.sum((o == info.min) | (o == info.max)))
            if mode in ("int8", "16x8", "f16"):
                top1 = {p: int(np.argmax(run(content, to_input(x, ind))[0])) for p, x in photos.items()}
                entry["photo_top1"] = {"float": float_top1, mode: top1}
            entries.append(entry)
            print("%-28s %-5s %8d B  distinct=%s  %s" % (
                name, mode, len(content),
                [s["distinct_output_values"] for s in entry["samples"].values()],
                " ".join(sorted(set(ops)))), flush=True)

    if not args.only:
        keep = {e["name"] for e in entries}
        for f in glob.glob(os.path.join(args.out, "*.tflite")) + glob.glob(os.path.join(args.out, "*.npy")):
            if os.path.basename(f).split(".")[0] not in keep:
                os.remove(f)
        manifest = {
            "generator": "scripts/make_quant_networks.py",
            "reference": "ai_edge_litert Interpreter, OpResolverType.BUILTIN_REF",
            "versions": versions(),
            "input_size": [1, SIZE, SIZE, 3],
            "classes": CLASSES,
            "models": entries,
            "conversion_failures": [{"name": n, "mode": m, "error": e} for n, m, e in failures],
        }
        with open(os.path.join(args.out, "manifest.json"), "w") as fh:
            json.dump(manifest, fh, indent=1)
            fh.write("\n")
        write_top1(args.out, entries)
    print("%d models, %d conversion failures" % (len(entries), len(failures)))


def write_top1(out, entries):
    """top1.txt: per quantized model and photo, the float original's top-1
    class and the quantized model's top-1 under LiteRT, for the C++ test that
    checks edgeml agrees with the float model wherever LiteRT does."""
    lines = ["# model sample float_top1 litert_top1 (scripts/make_quant_networks.py)"]
    for e in entries:
        top = e.get("photo_top1")
        if not top or e["mode"] == "float":
            continue
        quant = top.get(e["mode"]) or next((v for k, v in top.items() if k != "float"), None)
        if not quant:
            continue
        for sample in sorted(top["float"]):
            lines.append("%s %s %d %d" % (e["name"], sample, top["float"][sample], quant[sample]))
    with open(os.path.join(out, "top1.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
