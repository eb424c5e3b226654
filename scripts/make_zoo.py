#!/usr/bin/env python3
"""Generates testdata/zoo: float32 .tflite models as the TensorFlow converter
emits them, with golden outputs from LiteRT's reference kernels.

Two kinds of models (see docs/coverage.md):

  op       one builtin op (or the few ops the converter makes of one TF call),
           in several variants that exercise its options: strides, dilation,
           padding modes, fused activations, broadcasting, axes, keep_dims,
           align_corners / half_pixel_centers, ... Ops edgeml supports and
           common ops it does not support yet are both here, so that the
           coverage table says honestly which converter output runs.
  network  a whole small float network: DeepLab-style segmenter, 1-D conv
           keyword spotter, LSTM text classifiers, a transformer encoder
           block, a model with a dynamic (-1) batch dim.

Each op model also comes as quantized variants of the same graph and weights
where the converter and LiteRT support them (see VARIANTS): <name>_int8
(full-integer, int8 I/O), <name>_dyn (dynamic range) and <name>_f16
(float16 weights); networks name theirs (int8). Skipped variants and why are
in manifest.json ("variants_skipped").

Every model has random weights drawn from a seed derived from its name; the
inputs are seeded too, so running this twice gives the same files. For each
model this writes <name>.tflite, <name>.input_<i>.npy, <name>.output_<i>.npy
(LiteRT 2.3.0, OpResolverType.BUILTIN_REF, one sample) and manifest.json
with the op under test, the ops the .tflite contains and the I/O.

With --full it writes instead the full-size networks (FULL_SPECS: MobileNet
v1/v2/v3-small/v3-large and EfficientNet-B0 with int8 versions, a ResNet-18-
style net, DeepLab-style segmenter, keyword spotter, transformer, and the zoo
networks named in FULL_FROM_ZOO) into the git-ignored .cache/zoo-full/,
.tflite files and manifest.json only (no goldens): scripts/conformance.py
compares them live (docs/conformance.md).

Usage: .venv/bin/python scripts/make_zoo.py [--out DIR] [--only SUBSTR | --names A,B] [--no-variants] [--full]
--only/--names merge into the existing manifest.json.
Requires tensorflow-cpu (scripts/requirements-zoo.txt) and ai-edge-litert
(scripts/requirements-dev.txt).
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
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
F32 = "float32"
I32 = "int32"
VARIANTS = ("int8", "dyn", "f16")  # quantized variants of the op models (see convert)


def seed_of(name):
    return zlib.crc32(name.encode())


class Spec:
    """One model. `inputs`: list of (shape, dtype, lo, hi); a None in shape
    is a dynamic dim (the golden uses `dyn`). `build(rng)` returns a function of
    the inputs (weights from rng as constants), or with keras=True a Keras
    model. `op` names the builtin op under test (the coverage table's row);
    `kind` is "op" or "network"."""

    def __init__(self, name, op, inputs, build, kind="op", keras=False, f16=False, dyn=1, variants=None):
        self.name = name
        self.op = op
        # An input is a bare shape list (float32 in [-1, 1]) or a tuple.
        self.inputs = [(list(i), F32, -1.0, 1.0) if isinstance(i, list) else (list(i[0]),) + tuple(i[1:])
                       for i in inputs]
        self.build = build
        self.kind = kind
        self.keras = keras
        self.f16 = f16
        self.dyn = dyn  # the size a dynamic dim gets in the golden
        # Quantized variants to make besides float32 (see VARIANTS): all of
        # them for op models, none for networks unless named.
        self.variants = tuple(variants) if variants is not None else (
            VARIANTS if kind == "op" and not f16 else ())


def w(rng, *shape, s=0.3):
    return tf.constant((rng.standard_normal(shape) * s).astype(np.float32))


def act_fn(act):
    return {None: lambda y: y, "relu": tf.nn.relu, "relu6": tf.nn.relu6, "tanh": tf.math.tanh,
            "relu_n1": lambda y: tf.clip_by_value(y, -1.0, 1.0)}[act]


def unary(fn):
    return lambda rng: fn


def binary(fn):
    return lambda rng: fn


def with_const(fn, *shape):
    """fn(x, c) with c a random constant of `shape`."""

    def build(rng):
        c = w(rng, *shape)
        return lambda x: fn(x, c)

    return build


SPECS = []


def add(*args, **kw):
    SPECS.append(Spec(*args, **kw))


IMG = ([1, 8, 8, 4],)

# --- convolutions --------------------------------------------------------------------------------


def conv(stride=1, padding="SAME", dilation=1, act=None, k=3, cin=4, cout=6, bias=True):
    def build(rng):
        wt, b = w(rng, k, k, cin, cout), w(rng, cout, s=0.1)

        def f(x):
            y = tf.nn.conv2d(x, wt, stride, padding, dilations=dilation)
            return act_fn(act)(y + b if bias else y)

        return f

    return build


add("conv_s1_same", "CONV_2D", [IMG[0]], conv())
add("conv_s2_valid", "CONV_2D", [[1, 9, 9, 4]], conv(stride=2, padding="VALID"))
add("conv_s2_same_odd", "CONV_2D", [[1, 9, 7, 4]], conv(stride=2))
add("conv_dil2", "CONV_2D", [[1, 10, 10, 4]], conv(dilation=2))
add("conv_dil2_valid", "CONV_2D", [[1, 10, 10, 4]], conv(dilation=2, padding="VALID"))
add("conv_relu", "CONV_2D", [IMG[0]], conv(act="relu"))
add("conv_relu6", "CONV_2D", [IMG[0]], conv(act="relu6"))
add("conv_relu_n1", "CONV_2D", [IMG[0]], conv(act="relu_n1"))
add("conv_tanh", "CONV_2D", [IMG[0]], conv(act="tanh"))
add("conv_1x1_nobias", "CONV_2D", [IMG[0]], conv(k=1, bias=False))
add("conv_5x5_batch2", "CONV_2D", [[2, 7, 7, 3]], conv(k=5, cin=3))
add("conv_f16_weights", "DEQUANTIZE", [IMG[0]], conv(act="relu"), f16=True)


def depthwise(mult=1, stride=1, padding="SAME", dilation=1, act=None, cin=4):
    def build(rng):
        wt, b = w(rng, 3, 3, cin, mult), w(rng, cin * mult, s=0.1)

        def f(x):
            y = tf.nn.depthwise_conv2d(x, wt, [1, stride, stride, 1], padding,
                                       dilations=[dilation, dilation])
            return act_fn(act)(y + b)

        return f

    return build


add("dwconv_s1_same", "DEPTHWISE_CONV_2D", [IMG[0]], depthwise())
add("dwconv_s2_valid", "DEPTHWISE_CONV_2D", [[1, 9, 9, 4]], depthwise(stride=2, padding="VALID"))
add("dwconv_mult2_relu6", "DEPTHWISE_CONV_2D", [IMG[0]], depthwise(mult=2, act="relu6"))
add("dwconv_dil2", "DEPTHWISE_CONV_2D", [[1, 10, 10, 4]], depthwise(dilation=2))
add("dwconv_relu", "DEPTHWISE_CONV_2D", [IMG[0]], depthwise(act="relu"))


def tconv(stride=2, padding="SAME", k=3, cin=4, cout=3, bias=True, out_hw=None):
    def build(rng):
        wt, b = w(rng, k, k, cout, cin), w(rng, cout, s=0.1)

        def f(x):
            n, h, wd, _ = x.shape
            oh, ow = out_hw or ((h * stride, wd * stride) if padding == "SAME"
                                else ((h - 1) * stride + k, (wd - 1) * stride + k))
            y = tf.nn.conv2d_transpose(x, wt, [n, oh, ow, cout], stride, padding)
            return y + b if bias else y

        return f

    return build


add("tconv_s2_same", "TRANSPOSE_CONV", [[1, 4, 4, 4]], tconv())
add("tconv_s2_valid", "TRANSPOSE_CONV", [[1, 4, 4, 4]], tconv(padding="VALID"))
add("tconv_s1_nobias", "TRANSPOSE_CONV", [[1, 5, 5, 4]], tconv(stride=1, bias=False))
add("tconv_s2_odd_out", "TRANSPOSE_CONV", [[1, 4, 4, 4]], tconv(out_hw=(7, 7)))


def fc(din=16, dout=8, act=None, bias=True, rank3=False, keep_dims=False):
    def build(rng):
        wt, b = w(rng, din, dout), w(rng, dout, s=0.1)

        def f(x):
            y = tf.matmul(x, wt) if not rank3 else tf.tensordot(x, wt, 1)
            return act_fn(act)(y + b if bias else y)

        return f

    return build


add("fc", "FULLY_CONNECTED", [[1, 16]], fc())
add("fc_relu_batch3", "FULLY_CONNECTED", [[3, 16]], fc(act="relu"))
add("fc_nobias", "FULLY_CONNECTED", [[2, 16]], fc(bias=False))
add("fc_rank3", "FULLY_CONNECTED", [[1, 5, 16]], fc(rank3=True))
add("fc_relu6", "FULLY_CONNECTED", [[1, 16]], fc(act="relu6"))

add("batch_matmul", "BATCH_MATMUL", [[2, 3, 4], [2, 4, 5]], binary(lambda a, b: tf.matmul(a, b)))
add("batch_matmul_adj_y", "BATCH_MATMUL", [[2, 3, 4], [2, 5, 4]],
    binary(lambda a, b: tf.matmul(a, b, transpose_b=True)))
add("batch_matmul_adj_x", "BATCH_MATMUL", [[2, 4, 3], [2, 4, 5]],
    binary(lambda a, b: tf.matmul(a, b, transpose_a=True)))
add("batch_matmul_bcast", "BATCH_MATMUL", [[2, 1, 3, 4], [3, 4, 5]],
    binary(lambda a, b: tf.linalg.matmul(a, b)))
add("batch_matmul_rank4", "BATCH_MATMUL", [[1, 2, 3, 4], [1, 2, 4, 6]], binary(lambda a, b: tf.matmul(a, b)))

# Weights of >= 1024 elements: the converter's dynamic-range mode quantizes
# only those, so these are the models whose *_dyn variants exist.
add("conv_wide", "CONV_2D", [[1, 6, 6, 16]], conv(cin=16, cout=16, act="relu"))
add("conv_wide_s2_batch2", "CONV_2D", [[2, 7, 7, 16]], conv(stride=2, cin=16, cout=24))
add("dwconv_wide", "DEPTHWISE_CONV_2D", [[1, 5, 5, 128]], depthwise(cin=128, act="relu6"))
add("tconv_wide", "TRANSPOSE_CONV", [[1, 3, 3, 16]], tconv(cin=16, cout=16))
add("fc_wide", "FULLY_CONNECTED", [[2, 64]], fc(din=64, dout=32, act="relu"))
add("fc_wide_rank3", "FULLY_CONNECTED", [[1, 3, 64]], fc(din=64, dout=24, rank3=True))
add("batch_matmul_const_wide", "BATCH_MATMUL", [[2, 3, 32]],
    with_const(lambda x, c: tf.matmul(x, c), 2, 32, 24))
add("embedding_lookup_wide", "GATHER", [([6], I32, 0, 63)],
    with_const(lambda i, t: tf.nn.embedding_lookup(t, i), 64, 32))

# --- pooling -------------------------------------------------------------------------------------


def pool(kind, k=2, stride=2, padding="VALID", act=None):
    fn = tf.nn.avg_pool2d if kind == "avg" else tf.nn.max_pool2d
    return unary(lambda x: act_fn(act)(fn(x, k, stride, padding)))


add("avg_pool_2x2", "AVERAGE_POOL_2D", [IMG[0]], pool("avg"))
add("avg_pool_3x3_s1_same", "AVERAGE_POOL_2D", [IMG[0]], pool("avg", 3, 1, "SAME"))
add("avg_pool_3x3_s2_same_odd", "AVERAGE_POOL_2D", [[1, 9, 7, 4]], pool("avg", 3, 2, "SAME"))
add("avg_pool_relu6", "AVERAGE_POOL_2D", [IMG[0]], pool("avg", act="relu6"))
add("max_pool_2x2", "MAX_POOL_2D", [IMG[0]], pool("max"))
add("max_pool_3x3_s2_same", "MAX_POOL_2D", [[1, 9, 9, 4]], pool("max", 3, 2, "SAME"))
add("max_pool_3x3_s1_valid", "MAX_POOL_2D", [IMG[0]], pool("max", 3, 1, "VALID"))
add("max_pool_relu", "MAX_POOL_2D", [IMG[0]], pool("max", act="relu"))

# --- elementwise binary --------------------------------------------------------------------------

BCAST = [("", [2, 3, 4], [2, 3, 4]), ("_bcast_row", [2, 3, 4], [4]), ("_bcast_4d", [2, 1, 3, 1], [1, 4, 1, 5]),
         ("_scalar", [2, 3, 4], [])]
for opname, fn in [("ADD", tf.add), ("SUB", tf.subtract), ("MUL", tf.multiply), ("MAXIMUM", tf.maximum),
                   ("MINIMUM", tf.minimum), ("SQUARED_DIFFERENCE", tf.math.squared_difference)]:
    for suffix, sa, sb in BCAST:
        add(opname.lower() + suffix, opname, [sa, sb], binary(fn))
for opname, fn in [("ADD", tf.add), ("SUB", tf.subtract), ("MUL", tf.multiply)]:
    add(opname.lower() + "_relu", opname, [[2, 3, 4], [2, 3, 4]], binary(lambda a, b, fn=fn: tf.nn.relu(fn(a, b))))
    add(opname.lower() + "_relu6_bcast", opname, [[1, 4, 4, 3], [3]],
        binary(lambda a, b, fn=fn: tf.nn.relu6(fn(a, b) * 4.0)))
add("add_5d_bcast", "ADD", [[1, 2, 1, 3, 2], [2, 1, 4, 1, 2]], binary(tf.add))
add("add_int32", "ADD", [([2, 3], I32, -50, 50), ([2, 3], I32, -50, 50)], binary(tf.add))
add("mul_int32_bcast", "MUL", [([2, 3], I32, -50, 50), ([3], I32, -50, 50)], binary(tf.multiply))
add("div", "DIV", [[2, 3, 4], ([2, 3, 4], F32, 0.5, 2.0)], binary(tf.divide))
add("div_bcast", "DIV", [[2, 3, 4], ([4], F32, 0.5, 2.0)], binary(tf.divide))
add("div_relu", "DIV", [[2, 3, 4], ([2, 3, 4], F32, 0.5, 2.0)], binary(lambda a, b: tf.nn.relu(a / b)))
add("squared_difference_const", "SQUARED_DIFFERENCE", [[2, 3, 4]], with_const(lambda x, c: tf.math.squared_difference(x, c), 4))
add("floor_div", "FLOOR_DIV", [[2, 3, 4], ([2, 3, 4], F32, 0.5, 2.0)], binary(tf.math.floordiv))
add("floor_mod", "FLOOR_MOD", [[2, 3, 4], ([2, 3, 4], F32, 0.5, 2.0)], binary(tf.math.floormod))
add("pow", "POW", [([2, 3, 4], F32, 0.1, 2.0), [2, 3, 4]], binary(tf.pow))
add("pow_const", "POW", [([2, 3, 4], F32, 0.1, 2.0)], unary(lambda x: tf.pow(x, 2.5)))
for opname, fn in [("LESS", tf.less), ("GREATER", tf.greater), ("EQUAL", tf.equal), ("NOT_EQUAL", tf.not_equal),
                   ("LESS_EQUAL", tf.less_equal), ("GREATER_EQUAL", tf.greater_equal)]:
    add(opname.lower(), opname, [[2, 3, 4], [2, 3, 4]], binary(fn))
    add(opname.lower() + "_bcast", opname, [[2, 3, 4], [4]], binary(fn))
add("equal_int32", "EQUAL", [([2, 6], I32, 0, 3), ([2, 6], I32, 0, 3)], binary(tf.equal))
B6 = ([2, 6], "bool", 0, 1)
add("logical_and", "LOGICAL_AND", [B6, B6], binary(tf.logical_and))
add("logical_or", "LOGICAL_OR", [B6, B6], binary(tf.logical_or))
add("logical_not", "LOGICAL_NOT", [B6], unary(tf.logical_not))
add("select", "SELECT", [[2, 3, 4], [2, 3, 4], [2, 3, 4]], binary(lambda c, a, b: tf.where(c > 0, a, b)))
add("select_v2_bcast", "SELECT_V2", [[2, 3, 1], [2, 3, 4], [4]], binary(lambda c, a, b: tf.where(c > 0, a, b)))

# --- elementwise unary / activations -------------------------------------------------------------

U = [2, 3, 4]
POS = (U, F32, 0.05, 3.0)
for name, op, fn, inp in [
    ("relu", "RELU", tf.nn.relu, U), ("relu6", "RELU6", tf.nn.relu6, (U, F32, -8, 8)),
    ("relu_n1_to_1", "RELU_N1_TO_1", lambda x: tf.clip_by_value(x, -1.0, 1.0), (U, F32, -2, 2)),
    ("logistic", "LOGISTIC", tf.sigmoid, (U, F32, -8, 8)), ("tanh", "TANH", tf.tanh, (U, F32, -4, 4)),
    ("softmax", "SOFTMAX", tf.nn.softmax, (U, F32, -4, 4)),
    ("softmax_beta", "SOFTMAX", lambda x: tf.nn.softmax(x * 2.5), (U, F32, -4, 4)),
    ("softmax_4d", "SOFTMAX", tf.nn.softmax, ([1, 2, 3, 10], F32, -4, 4)),
    ("log_softmax", "LOG_SOFTMAX", tf.nn.log_softmax, (U, F32, -4, 4)),
    ("leaky_relu", "LEAKY_RELU", lambda x: tf.nn.leaky_relu(x, 0.2), U),
    ("leaky_relu_neg_alpha", "LEAKY_RELU", lambda x: tf.nn.leaky_relu(x, -0.5), U),
    ("hard_swish", "HARD_SWISH", lambda x: x * tf.nn.relu6(x + 3.0) / 6.0, (U, F32, -5, 5)),
    ("exp", "EXP", tf.exp, (U, F32, -3, 3)), ("neg", "NEG", tf.negative, U),
    ("sqrt", "SQRT", tf.sqrt, POS), ("rsqrt", "RSQRT", tf.math.rsqrt, POS),
    ("l2_norm", "L2_NORMALIZATION", lambda x: tf.math.l2_normalize(x, -1), U),
    ("l2_norm_4d", "L2_NORMALIZATION", lambda x: tf.math.l2_normalize(x, -1), ([1, 3, 3, 8], F32, -1, 1)),
    ("gelu", "GELU", lambda x: tf.nn.gelu(x, approximate=False), (U, F32, -3, 3)),
    ("gelu_approx", "GELU", lambda x: tf.nn.gelu(x, approximate=True), (U, F32, -3, 3)),
    ("elu", "ELU", tf.nn.elu, (U, F32, -3, 3)),
    ("abs", "ABS", tf.abs, U), ("floor", "FLOOR", tf.floor, (U, F32, -3, 3)),
    ("ceil", "CEIL", tf.math.ceil, (U, F32, -3, 3)), ("round", "ROUND", tf.round, (U, F32, -3, 3)),
    ("square", "SQUARE", tf.square, U), ("log", "LOG", tf.math.log, POS),
    ("sin", "SIN", tf.sin, (U, F32, -3, 3)), ("cos", "COS", tf.cos, (U, F32, -3, 3)),
    ("sign", "SIGN", tf.sign, U),
    # A dynamic dim keeps the converter from folding these to constants.
    ("zeros_like", "ZEROS_LIKE", lambda x: tf.zeros_like(x) + x * 0.5, [None, 3, 4]),
    ("ones_like", "ONES_LIKE", lambda x: tf.ones_like(x) + x * 0.5, [None, 3, 4]),
]:
    add(name, op, [inp], unary(fn))
# As Keras writes PReLU (a holds -alpha): the converter fuses this form.
add("prelu", "PRELU", [[1, 4, 4, 3]], with_const(lambda x, a: tf.nn.relu(x) + a * tf.nn.relu(-x), 3))
add("prelu_full_alpha", "PRELU", [[1, 4, 4, 3]], with_const(lambda x, a: tf.nn.relu(x) + a * tf.nn.relu(-x), 4, 4, 3))

# --- reductions ----------------------------------------------------------------------------------

R = [2, 3, 4, 5]
for opname, fn in [("MEAN", tf.reduce_mean), ("SUM", tf.reduce_sum), ("REDUCE_MAX", tf.reduce_max),
                   ("REDUCE_MIN", tf.reduce_min), ("REDUCE_PROD", tf.reduce_prod)]:
    base = {"MEAN": "mean", "SUM": "sum", "REDUCE_MAX": "reduce_max", "REDUCE_MIN": "reduce_min",
            "REDUCE_PROD": "reduce_prod"}[opname]
    add(base + "_hw_keep", opname, [R], unary(lambda x, fn=fn: fn(x, [1, 2], keepdims=True)))
    add(base + "_last", opname, [R], unary(lambda x, fn=fn: fn(x, -1)))
    add(base + "_all", opname, [R], unary(lambda x, fn=fn: fn(x, [0, 1, 2, 3])))
    add(base + "_0_2", opname, [R], unary(lambda x, fn=fn: fn(x, [0, 2])))
add("reduce_any", "REDUCE_ANY", [[2, 3, 4]], unary(lambda x: tf.reduce_any(x > 0.5, axis=1)))
add("arg_max_last", "ARG_MAX", [R], unary(lambda x: tf.argmax(x, -1, output_type=tf.int32)))
add("arg_max_axis1_i64", "ARG_MAX", [R], unary(lambda x: tf.argmax(x, 1)))
add("arg_min", "ARG_MIN", [R], unary(lambda x: tf.argmin(x, -1, output_type=tf.int32)))
add("cumsum", "CUMSUM", [[2, 3, 4]], unary(lambda x: tf.cumsum(x, axis=1)))
add("cumsum_exclusive_reverse", "CUMSUM", [[2, 3, 4]],
    unary(lambda x: tf.cumsum(x, axis=2, exclusive=True, reverse=True)))
add("topk", "TOPK_V2", [[2, 10]], unary(lambda x: tf.math.top_k(x, 3)))

# --- shape / data movement -----------------------------------------------------------------------

add("reshape", "RESHAPE", [[2, 3, 4]], unary(lambda x: tf.reshape(x, [4, 6]) * 2.0))
add("reshape_infer", "RESHAPE", [[2, 3, 4]], unary(lambda x: tf.reshape(x, [-1, 3, 2]) * 2.0))
add("squeeze", "SQUEEZE", [[1, 3, 1, 4]], unary(lambda x: tf.squeeze(x, [2]) * 2.0))
add("squeeze_all", "SQUEEZE", [[1, 3, 1, 4]], unary(lambda x: tf.squeeze(x) * 2.0))
add("expand_dims", "EXPAND_DIMS", [[3, 4]], unary(lambda x: tf.expand_dims(x, 1) * 2.0))
add("expand_dims_neg", "EXPAND_DIMS", [[3, 4]], unary(lambda x: tf.expand_dims(x, -1) * 2.0))
add("squeeze_dynamic", "SQUEEZE", [[None, 3, 1, 4]], unary(lambda x: tf.squeeze(x, [2]) * 2.0))
add("expand_dims_dynamic", "EXPAND_DIMS", [[None, 4]], unary(lambda x: tf.expand_dims(x, 1) * 2.0))
add("reshape_dynamic", "RESHAPE", [[None, 3, 4]], unary(lambda x: tf.reshape(x, [-1, 12]) * 2.0))
add("transpose_nchw", "TRANSPOSE", [[1, 3, 4, 5]], unary(lambda x: tf.transpose(x, [0, 3, 1, 2])))
add("transpose_2d", "TRANSPOSE", [[3, 5]], unary(lambda x: tf.transpose(x)))
add("transpose_5d", "TRANSPOSE", [[2, 1, 3, 2, 2]], unary(lambda x: tf.transpose(x, [4, 2, 0, 3, 1])))
add("concat_axis3", "CONCATENATION", [[1, 4, 4, 2], [1, 4, 4, 3]], binary(lambda a, b: tf.concat([a, b], 3)))
add("concat_axis1_three", "CONCATENATION", [[2, 1, 3], [2, 2, 3], [2, 3, 3]],
    binary(lambda a, b, c: tf.concat([a, b, c], 1)))
add("concat_axis0", "CONCATENATION", [[1, 5], [2, 5]], binary(lambda a, b: tf.concat([a, b], 0)))
add("split_3", "SPLIT", [[2, 6, 4]], unary(lambda x: tf.split(x, 3, axis=1)))
add("split_neg_axis", "SPLIT", [[2, 3, 4]], unary(lambda x: tf.split(x, 2, axis=-1)))
add("split_v", "SPLIT_V", [[2, 7, 4]], unary(lambda x: tf.split(x, [2, 4, 1], axis=1)))
add("pack", "PACK", [[2, 3], [2, 3]], binary(lambda a, b: tf.stack([a, b], 1)))
add("pack_axis0_three", "PACK", [[3], [3], [3]], binary(lambda a, b, c: tf.stack([a, b, c], 0)))
add("unpack", "UNPACK", [[3, 2, 4]], unary(lambda x: tf.unstack(x, axis=0)))
add("unpack_axis_last", "UNPACK", [[2, 3]], unary(lambda x: tf.unstack(x, axis=-1)))
add("slice", "SLICE", [[3, 4, 5]], unary(lambda x: tf.slice(x, [1, 0, 2], [2, 3, -1])))
add("strided_slice", "STRIDED_SLICE", [[4, 6, 5]], unary(lambda x: x[1:4:2, ::3, 1:]))
add("strided_slice_neg", "STRIDED_SLICE", [[4, 6, 5]], unary(lambda x: x[::-1, -4:-1, ::2]))
add("strided_slice_shrink_newaxis", "STRIDED_SLICE", [[4, 6, 5]], unary(lambda x: x[2, tf.newaxis, 1:5, ...]))
add("strided_slice_ellipsis", "STRIDED_SLICE", [[2, 4, 6, 5]], unary(lambda x: x[..., 1:3]))
add("gather_axis0", "GATHER", [[5, 4]], unary(lambda x: tf.gather(x, [4, 0, 2, 2])))
add("gather_axis1_2d_idx", "GATHER", [[3, 5, 2]], unary(lambda x: tf.gather(x, [[1, 3], [0, 4]], axis=1)))
add("gather_batch_dims", "GATHER", [[2, 5, 3], ([2, 4], I32, 0, 4)],
    binary(lambda x, i: tf.gather(x, i, axis=1, batch_dims=1)))
add("gather_runtime_idx", "GATHER", [[6, 3], ([4], I32, 0, 5)], binary(lambda x, i: tf.gather(x, i)))
add("gather_nd", "GATHER_ND", [[4, 5, 3], ([3, 2], I32, 0, 3)], binary(lambda x, i: tf.gather_nd(x, i)))
add("scatter_nd", "SCATTER_ND", [[3, 4], ([3, 1], I32, 0, 5)],
    binary(lambda u, i: tf.scatter_nd(i, u, [6, 4])))
add("pad", "PAD", [[1, 3, 3, 2]], unary(lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 0], [0, 1]])))
add("pad_2d", "PAD", [[3, 4]], unary(lambda x: tf.pad(x, [[1, 1], [0, 3]])))
add("padv2", "PADV2", [[1, 3, 3, 2]], unary(lambda x: tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]],
                                                             constant_values=-2.5)))
add("mirror_pad_reflect", "MIRROR_PAD", [[1, 4, 4, 2]],
    unary(lambda x: tf.pad(x, [[0, 0], [2, 1], [1, 2], [0, 0]], "REFLECT")))
add("mirror_pad_symmetric", "MIRROR_PAD", [[1, 4, 4, 2]],
    unary(lambda x: tf.pad(x, [[0, 0], [2, 1], [1, 2], [0, 0]], "SYMMETRIC")))
add("tile", "TILE", [[2, 3]], unary(lambda x: tf.tile(x, [2, 3])))
add("tile_4d", "TILE", [[1, 2, 2, 3]], unary(lambda x: tf.tile(x, [2, 1, 3, 1])))
add("broadcast_to", "BROADCAST_TO", [[3, 1]], unary(lambda x: tf.broadcast_to(x, [2, 3, 4])))
add("reverse", "REVERSE_V2", [[2, 3, 4]], unary(lambda x: tf.reverse(x, [1])))
add("depth_to_space", "DEPTH_TO_SPACE", [[1, 3, 3, 8]], unary(lambda x: tf.nn.depth_to_space(x, 2)))
add("space_to_depth", "SPACE_TO_DEPTH", [[1, 4, 6, 2]], unary(lambda x: tf.nn.space_to_depth(x, 2)))
add("space_to_batch_nd", "SPACE_TO_BATCH_ND", [[1, 4, 6, 2]],
    unary(lambda x: tf.space_to_batch_nd(x, [2, 2], [[0, 0], [1, 1]])))
add("batch_to_space_nd", "BATCH_TO_SPACE_ND", [[4, 2, 3, 2]],
    unary(lambda x: tf.compat.v1.batch_to_space_nd(x, [2, 2], [[0, 0], [1, 1]])))
add("shape", "SHAPE", [[None, 3, 4]], unary(lambda x: tf.shape(x)))
add("cast_f32_to_i32", "CAST", [([2, 6], F32, -9, 9)], unary(lambda x: tf.cast(x, tf.int32)))
add("cast_i32_to_f32", "CAST", [([2, 6], I32, -50, 50)], unary(lambda x: tf.cast(x, tf.float32) * 0.5))
add("cast_bool", "CAST", [[2, 6]], unary(lambda x: tf.cast(x > 0, tf.float32)))
add("one_hot", "ONE_HOT", [([5], I32, 0, 3)], unary(lambda i: tf.one_hot(i, 4)))
add("fill", "FILL", [([2], I32, 1, 4)], unary(lambda d: tf.fill(d, 1.5)))
add("range", "RANGE", [([], I32, 2, 9)], unary(lambda n: tf.range(0, n, 1)))
add("embedding_lookup", "GATHER", [([6], I32, 0, 19)], with_const(lambda i, t: tf.nn.embedding_lookup(t, i), 20, 8))

# --- resize --------------------------------------------------------------------------------------


def resize(method, size, align=False, half=False):
    if method == "bilinear":
        return unary(lambda x: tf.compat.v1.image.resize_bilinear(x, size, align_corners=align,
                                                                  half_pixel_centers=half))
    return unary(lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, size, align_corners=align,
                                                                      half_pixel_centers=half))


for m, op in [("bilinear", "RESIZE_BILINEAR"), ("nearest", "RESIZE_NEAREST_NEIGHBOR")]:
    add("resize_%s_up" % m, op, [[1, 3, 4, 2]], resize(m, [6, 8]))
    add("resize_%s_align" % m, op, [[1, 3, 4, 2]], resize(m, [7, 5], align=True))
    add("resize_%s_half_pixel" % m, op, [[1, 3, 4, 2]], resize(m, [7, 9], half=True))
    add("resize_%s_down" % m, op, [[1, 8, 6, 2]], resize(m, [3, 4], half=True))
add("resize_bilinear_tf2", "RESIZE_BILINEAR", [[1, 3, 4, 2]], unary(lambda x: tf.image.resize(x, [5, 7])))

# --- networks ------------------------------------------------------------------------------------


def deeplab(rng):
    c1, b1 = w(rng, 3, 3, 3, 8), w(rng, 8, s=0.1)
    c2, b2 = w(rng, 3, 3, 8, 12, s=0.2), w(rng, 12, s=0.1)
    a1 = w(rng, 1, 1, 12, 8, s=0.3)
    a2 = w(rng, 3, 3, 12, 8, s=0.2)
    a3 = w(rng, 3, 3, 12, 8, s=0.2)
    ap = w(rng, 1, 1, 12, 8, s=0.3)
    proj = w(rng, 1, 1, 32, 8, s=0.3)
    head, hb = w(rng, 1, 1, 8, 5, s=0.3), w(rng, 5, s=0.1)

    def f(x):
        y = tf.nn.relu(tf.nn.conv2d(x, c1, 2, "SAME") + b1)
        y = tf.nn.relu6(tf.nn.conv2d(y, c2, 2, "SAME") + b2)
        branches = [tf.nn.relu(tf.nn.conv2d(y, a1, 1, "SAME")),
                    tf.nn.relu(tf.nn.conv2d(y, a2, 1, "SAME", dilations=2)),
                    tf.nn.relu(tf.nn.conv2d(y, a3, 1, "SAME", dilations=3))]
        pooled = tf.reduce_mean(y, [1, 2], keepdims=True)
        pooled = tf.nn.relu(tf.nn.conv2d(pooled, ap, 1, "SAME"))
        branches.append(tf.image.resize(pooled, [8, 8]))
        y = tf.nn.relu(tf.nn.conv2d(tf.concat(branches, 3), proj, 1, "SAME"))
        y = tf.nn.conv2d(y, head, 1, "SAME") + hb
        y = tf.compat.v1.image.resize_bilinear(y, [32, 32], align_corners=True)
        return tf.argmax(y, -1, output_type=tf.int32), tf.nn.softmax(y)

    return f


def kws(rng):
    c1, b1 = w(rng, 5, 10, 16, s=0.2), w(rng, 16, s=0.1)
    c2, b2 = w(rng, 3, 16, 16, s=0.2), w(rng, 16, s=0.1)
    fw, fb = w(rng, 16, 12), w(rng, 12, s=0.1)

    def f(x):
        y = tf.nn.relu(tf.nn.conv1d(x, c1, 2, "SAME") + b1)
        y = tf.nn.relu(tf.nn.conv1d(y, c2, 1, "VALID", dilations=2) + b2)
        y = tf.nn.max_pool1d(y, 2, 2, "VALID")
        y = tf.reduce_mean(y, 1)
        return tf.nn.softmax(tf.matmul(y, fw) + fb)

    return f


def transformer(rng, d=16, heads=2, seq=8, ff=32):
    wq, wk, wv, wo = (w(rng, d, d, s=0.25) for _ in range(4))
    bq, bk, bv, bo = (w(rng, d, s=0.05) for _ in range(4))
    g1, be1, g2, be2 = (w(rng, d, s=0.1) + (1.0 if i % 2 == 0 else 0.0) for i in range(4))
    w1, b1, w2, b2 = w(rng, d, ff, s=0.25), w(rng, ff, s=0.05), w(rng, ff, d, s=0.2), w(rng, d, s=0.05)
    hd = d // heads

    def layer_norm(x, g, b):
        mu = tf.reduce_mean(x, -1, keepdims=True)
        var = tf.reduce_mean(tf.math.squared_difference(x, mu), -1, keepdims=True)
        return (x - mu) * tf.math.rsqrt(var + 1e-5) * g + b

    def split_heads(t):
        return tf.transpose(tf.reshape(t, [1, seq, heads, hd]), [0, 2, 1, 3])

    def f(x):
        flat = tf.reshape(x, [seq, d])
        q = split_heads(tf.matmul(flat, wq) + bq)
        k = split_heads(tf.matmul(flat, wk) + bk)
        v = split_heads(tf.matmul(flat, wv) + bv)
        att = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) * (1.0 / np.sqrt(hd)))
        ctx = tf.reshape(tf.transpose(tf.matmul(att, v), [0, 2, 1, 3]), [seq, d])
        y = layer_norm(flat + tf.matmul(ctx, wo) + bo, g1, be1)
        h = tf.nn.gelu(tf.matmul(y, w1) + b1, approximate=False)
        y = layer_norm(y + tf.matmul(h, w2) + b2, g2, be2)
        return tf.reshape(y, [1, seq, d])

    return f


def dynamic_batch_mlp(rng):
    c, cb = w(rng, 3, 3, 3, 8), w(rng, 8, s=0.1)
    fw, fb = w(rng, 8, 4), w(rng, 4, s=0.1)

    def f(x):
        y = tf.nn.relu(tf.nn.conv2d(x, c, 1, "SAME") + cb)
        y = tf.reduce_mean(y, [1, 2])
        return tf.nn.softmax(tf.matmul(y, fw) + fb)

    return f


def lstm_text(unroll):
    def build(rng):
        keras = tf.keras
        inp = keras.Input((12,), batch_size=1, dtype="int32")
        x = keras.layers.Embedding(40, 8)(inp)
        x = keras.layers.LSTM(10, unroll=unroll)(x)
        out = keras.layers.Dense(3, activation="softmax")(x)
        return keras.Model(inp, out)

    return build


def gru_text(rng):
    keras = tf.keras
    inp = keras.Input((12,), batch_size=1, dtype="int32")
    x = keras.layers.Embedding(40, 8)(inp)
    x = keras.layers.GRU(10)(x)
    out = keras.layers.Dense(3, activation="softmax")(x)
    return keras.Model(inp, out)


def keras_cnn(rng):
    keras = tf.keras
    inp = keras.Input((16, 16, 3), batch_size=1)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inp)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.SeparableConv2D(12, 3, padding="same", activation="relu6")(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Conv2D(12, 1, activation="swish")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    out = keras.layers.Dense(5, activation="softmax")(x)
    return keras.Model(inp, out)


add("net_deeplab_segmenter", "network", [[1, 32, 32, 3]], deeplab, kind="network", variants=("int8",))
add("net_kws_conv1d", "network", [[1, 49, 10]], kws, kind="network", variants=("int8",))
add("net_transformer_encoder", "network", [[1, 8, 16]], transformer, kind="network", variants=("int8",))
# Golden at batch 3: the runtime must resize the -1 dim.
add("net_dynamic_batch", "network", [[None, 8, 8, 3]], dynamic_batch_mlp, kind="network", dyn=3)
add("net_lstm_text", "network", [([1, 12], I32, 0, 39)], lstm_text(False), kind="network", keras=True)
add("net_lstm_text_unrolled", "network", [([1, 12], I32, 0, 39)], lstm_text(True), kind="network", keras=True)
add("net_gru_text", "network", [([1, 12], I32, 0, 39)], gru_text, kind="network", keras=True)
add("net_keras_cnn", "network", [[1, 16, 16, 3]], keras_cnn, kind="network", keras=True, variants=("int8",))

# --- whole classifier networks (Keras applications, weights=None) -------------------------------


def calibrate(model, rng, lo, hi, samples=8):
    """Seeded weights are not enough for a deep net: with batch-norm moving
    statistics at 0/1 activations die or explode with depth, and a flat
    softmax compares nothing. Give every BatchNormalization varied affine
    parameters and the moving statistics of one seeded random batch (one
    training-mode call with momentum 0), then scale the last layer so that
    the logits have a standard deviation of about 2."""
    keras = tf.keras
    shape = tuple(int(d) for d in model.inputs[0].shape[1:])
    bns = [layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.BatchNormalization)]
    for bn in bns:
        c = bn.gamma.shape[0]
        bn.gamma.assign(rng.uniform(0.5, 1.5, c).astype(np.float32))
        bn.beta.assign(rng.normal(0.0, 0.3, c).astype(np.float32))
        bn.momentum = 0.0
    batch = tf.constant(rng.uniform(lo, hi, (samples,) + shape).astype(np.float32))
    model(batch, training=True)
    for bn in bns:
        bn.momentum = 0.99
    last = [layer for layer in model._flatten_layers()
            if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))][-1]
    feats = keras.Model(model.inputs, last.input)(batch, training=False).numpy()
    kernel = last.kernel.numpy()
    std = float(np.std(feats.reshape(-1, kernel.shape[-2]) @ kernel.reshape(-1, kernel.shape[-1])))
    if std > 0:
        last.kernel.assign(kernel * (2.0 / std))
    return model


def classifier(make, lo, hi):
    """A Keras application network (make() -> keras.Model, weights=None),
    calibrated with the spec's seed; its input is an image in [lo, hi]."""

    def build(rng):
        tf.keras.utils.set_random_seed(int(rng.integers(2**31)))
        model = calibrate(make(), rng, lo, hi)
        return lambda x: model(x, training=False)

    return build


def efficientnet_b0(size, classes):
    return tf.keras.applications.EfficientNetB0(weights=None, input_shape=(size, size, 3), classes=classes)


def resnet_style(size, classes, widths=(64, 128, 256, 512), blocks=(2, 2, 2, 2)):
    """A ResNet-18-style network (basic residual blocks, 1x1 projection
    shortcuts where the shape changes) in Keras layers."""
    L = tf.keras.layers
    x_in = tf.keras.Input((size, size, 3), batch_size=1)
    x = L.Conv2D(widths[0], 7, strides=2, padding="same", use_bias=False)(x_in)
    x = L.ReLU()(L.BatchNormalization()(x))
    x = L.MaxPooling2D(3, 2, padding="same")(x)
    for stage, (width, n) in enumerate(zip(widths, blocks)):
        for block in range(n):
            stride = 2 if (stage > 0 and block == 0) else 1
            shortcut = x
            y = L.Conv2D(width, 3, strides=stride, padding="same", use_bias=False)(x)
            y = L.ReLU()(L.BatchNormalization()(y))
            y = L.BatchNormalization()(L.Conv2D(width, 3, padding="same", use_bias=False)(y))
            if stride != 1 or shortcut.shape[-1] != width:
                shortcut = L.BatchNormalization()(L.Conv2D(width, 1, strides=stride, use_bias=False)(shortcut))
            x = L.ReLU()(L.Add()([y, shortcut]))
    x = L.Dense(classes, activation="softmax")(L.GlobalAveragePooling2D()(x))
    return tf.keras.Model(x_in, x)


def he(rng, *shape):
    """Seeded weights with He scaling (std sqrt(2 / fan_in)), for the deeper
    hand-built full-size networks."""
    return w(rng, *shape, s=float(np.sqrt(2.0 / np.prod(shape[:-1]))))


def deeplab_full(size=257, classes=21):
    """DeepLab v3-style: a strided conv backbone to output stride 8, ASPP
    (1x1, atrous 3x3 at rates 6/12/18, image pooling), projection, class
    head, bilinear resize to the input size."""

    def build(rng):
        chans = [(3, 32, 2), (32, 64, 2), (64, 128, 2), (128, 128, 1), (128, 256, 1)]
        backbone = [(he(rng, 3, 3, cin, cout), w(rng, cout, s=0.05), s) for cin, cout, s in chans]
        aspp = [he(rng, 1, 1, 256, 128)] + [he(rng, 3, 3, 256, 128) for _ in range(3)]
        pool_w = he(rng, 1, 1, 256, 128)
        proj = he(rng, 1, 1, 5 * 128, 128)
        head, hb = he(rng, 1, 1, 128, classes), w(rng, classes, s=0.1)

        def f(x):
            y = x
            for k, b, s in backbone:
                y = tf.nn.relu6(tf.nn.conv2d(y, k, s, "SAME") + b)
            hw = y.shape[1:3]
            branches = [tf.nn.relu(tf.nn.conv2d(y, aspp[0], 1, "SAME"))]
            for k, rate in zip(aspp[1:], (6, 12, 18)):
                branches.append(tf.nn.relu(tf.nn.conv2d(y, k, 1, "SAME", dilations=rate)))
            pooled = tf.nn.relu(tf.nn.conv2d(tf.reduce_mean(y, [1, 2], keepdims=True), pool_w, 1, "SAME"))
            branches.append(tf.image.resize(pooled, hw))
            y = tf.nn.relu(tf.nn.conv2d(tf.concat(branches, 3), proj, 1, "SAME"))
            y = tf.nn.conv2d(y, head, 1, "SAME") + hb
            y = tf.compat.v1.image.resize_bilinear(y, [size, size], align_corners=True)
            return tf.argmax(y, -1, output_type=tf.int32), tf.nn.softmax(y)

        return f

    return build


def kws_full(rng, features=40, width=64, classes=12):
    """A 1-D conv keyword spotter on 49 frames of 40 MFCCs: four conv layers
    (strided, dilated), max pool, global average, softmax."""
    layers = [(he(rng, 5, features, width), 2, 1, "SAME"), (he(rng, 3, width, width), 1, 2, "VALID"),
              (he(rng, 3, width, width), 1, 4, "SAME"), (he(rng, 3, width, 2 * width), 1, 1, "SAME")]
    biases = [w(rng, k.shape[-1], s=0.05) for k, _, _, _ in layers]
    fw, fb = he(rng, 2 * width, classes), w(rng, classes, s=0.1)

    def f(x):
        y = x
        for (k, stride, dil, pad), b in zip(layers, biases):
            y = tf.nn.relu(tf.nn.conv1d(y, k, stride, pad, dilations=dil) + b)
        y = tf.reduce_mean(tf.nn.max_pool1d(y, 2, 2, "VALID"), 1)
        return tf.nn.softmax(tf.matmul(y, fw) + fb)

    return f


def transformer_full(rng, layers=2, d=128, heads=4, seq=64, ff=512):
    blocks = [transformer(rng, d=d, heads=heads, seq=seq, ff=ff) for _ in range(layers)]

    def f(x):
        for b in blocks:
            x = b(x)
        return x

    return f


A = tf.keras.applications
IMG_RANGE = (-1.0, 1.0)  # MobileNet v1/v2 and the ResNet take [-1, 1] pixels
RAW_RANGE = (0.0, 255.0)  # MobileNet v3 and EfficientNet rescale inside the model


def image(size, rng_range):
    return [([1, size, size, 3], F32) + rng_range]


# The committed small versions of these classifiers (reduced width,
# resolution and classes; int8, 16x8, float16 and float) are in
# testdata/networks (scripts/make_quant_networks.py); here only full size.

# --- full-size networks (make_zoo.py --full -> .cache/zoo-full, not committed) --------------------

FULL_SPECS = []


def add_full(*args, **kw):
    """A full-size network for `make_zoo.py --full` (benchmarks and
    scripts/conformance.py); same arguments as add(), kind "network"."""
    kw.setdefault("kind", "network")
    FULL_SPECS.append(Spec(*args, **kw))


# Zoo networks that also go into the cache under a short name, at the size
# their builders make (the detector and the text models have no larger
# builder yet); a name not in SPECS is left out.
FULL_FROM_ZOO = {"net_ssd_detector": "ssd", "net_lstm_text": "lstm_text", "net_dynamic_batch": "dynamic"}


def full_specs():
    import copy

    extra = []
    for s in SPECS:
        if s.name in FULL_FROM_ZOO:
            c = copy.copy(s)
            c.name, c.variants = FULL_FROM_ZOO[s.name], ()
            extra.append(c)
    return FULL_SPECS + extra


add_full("mobilenet_v1", "network", image(224, IMG_RANGE),
         classifier(lambda: A.MobileNet((224, 224, 3), weights=None), *IMG_RANGE), variants=("int8",))
add_full("mobilenet_v2", "network", image(224, IMG_RANGE),
         classifier(lambda: A.MobileNetV2((224, 224, 3), weights=None), *IMG_RANGE), variants=("int8",))
add_full("mobilenet_v3_small", "network", image(224, RAW_RANGE),
         classifier(lambda: A.MobileNetV3Small((224, 224, 3), weights=None), *RAW_RANGE), variants=("int8",))
add_full("mobilenet_v3_large", "network", image(224, RAW_RANGE),
         classifier(lambda: A.MobileNetV3Large((224, 224, 3), weights=None), *RAW_RANGE), variants=("int8",))
add_full("efficientnet_b0", "network", image(224, RAW_RANGE),
         classifier(lambda: efficientnet_b0(224, 1000), *RAW_RANGE), variants=("int8",))
add_full("resnet", "network", image(224, IMG_RANGE), classifier(lambda: resnet_style(224, 1000), *IMG_RANGE))
add_full("deeplab", "network", image(257, IMG_RANGE), deeplab_full())
add_full("kws", "network", [[1, 49, 40]], kws_full)
add_full("transformer", "network", [[1, 64, 128]], transformer_full)


# --- detection: SSD ending in TFLite_Detection_PostProcess, NON_MAX_SUPPRESSION_V4/V5 -------------


def detection_postprocess(**attrs):
    """A stand-in tf.function that the converter replaces by the custom op
    TFLite_Detection_PostProcess, as the TF Object Detection API's TFLite
    export declares it: experimental_implements names the op and its
    attributes (they become the op's FlexBuffers options)."""
    parts = ['name: "TFLite_Detection_PostProcess"']
    for k, v in attrs.items():
        kind = "b" if isinstance(v, bool) else "i" if isinstance(v, int) else "f"
        val = str(v).lower() if kind == "b" else ("%d" % v if kind == "i" else "%f" % v)
        parts.append('attr { key: "%s" value { %s: %s } }' % (k, kind, val))

    @tf.function(experimental_implements=" ".join(parts))
    def post(box_encodings, class_predictions, anchors):
        return tuple(tf.constant(0.0, tf.float32, name=n)
                     for n in ("boxes", "classes", "scores", "num_detections"))

    return post


def ssd_anchors(grids, scales, aspects=(1.0, 2.0)):
    """[num_anchors, 4] (y_center, x_center, h, w), grid by grid, cell by
    cell, aspect by aspect: the order the heads' reshapes produce."""
    out = []
    for g, s in zip(grids, scales):
        for i in range(g):
            for j in range(g):
                for a in aspects:
                    out.append([(i + 0.5) / g, (j + 0.5) / g, s / np.sqrt(a), s * np.sqrt(a)])
    return np.array(out, np.float32)


def ssd(regular=False, max_classes=1, classes=3, max_det=10, size=32, width=16):
    """A small SSD: conv backbone (4 stride-2 convs, `width` channels), box
    and class heads on the stride-8 and stride-16 maps (4x4 and 2x2 at the
    default 32x32 input; 2 anchors per cell, background column first, sigmoid
    scores) and the post-process op (fast or regular NMS)."""

    def build(rng):
        h = width // 2
        convs = [(w(rng, 3, 3, cin, cout, s=0.4), w(rng, cout, s=0.1))
                 for cin, cout in [(3, h), (h, width), (width, width), (width, width)]]
        heads = [(w(rng, 3, 3, width, 2 * 4, s=0.04), w(rng, 3, 3, width, 2 * (classes + 1), s=0.1))
                 for _ in range(2)]
        # Feature maps at strides 8 and 16 of the (size x size) input.
        anchors = tf.constant(ssd_anchors([size // 8, size // 16], [0.3, 0.7]))
        post = detection_postprocess(
            max_detections=max_det, max_classes_per_detection=max_classes, detections_per_class=5,
            use_regular_nms=regular, nms_score_threshold=1e-8, nms_iou_threshold=0.6, num_classes=classes,
            y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0)

        def f(x):
            y, feats = x, []
            for k, (cw, cb) in enumerate(convs):
                y = tf.nn.relu6(tf.nn.conv2d(y, cw, 2, "SAME") + cb)
                if k >= 2:
                    feats.append(y)
            boxes = tf.concat([tf.reshape(tf.nn.conv2d(fm, hb, 1, "SAME"), [1, -1, 4])
                               for fm, (hb, _) in zip(feats, heads)], 1)
            logits = tf.concat([tf.reshape(tf.nn.conv2d(fm, hc, 1, "SAME"), [1, -1, classes + 1])
                                for fm, (_, hc) in zip(feats, heads)], 1)
            return post(boxes, tf.sigmoid(logits), anchors)

        return f

    return build


def nms(v5):
    def build(rng):
        def f(boxes, scores):
            if v5:
                idx, sel, n = tf.raw_ops.NonMaxSuppressionV5(
                    boxes=boxes, scores=scores, max_output_size=20, iou_threshold=0.4, score_threshold=0.1,
                    soft_nms_sigma=0.5, pad_to_max_output_size=True)
                return idx, sel, n, tf.gather(boxes, idx)
            idx, n = tf.raw_ops.NonMaxSuppressionV4(
                boxes=boxes, scores=scores, max_output_size=20, iou_threshold=0.4, score_threshold=0.1,
                pad_to_max_output_size=True)
            return idx, n, tf.gather(boxes, idx)

        return f

    return build


def custom_op_converter(fn):
    """A converter that keeps experimental_implements functions: they survive
    a SavedModel round trip (from_concrete_functions inlines them)."""
    import tempfile

    module = tf.Module()
    module.f = fn
    path = tempfile.mkdtemp(prefix="zoo_saved_")
    tf.saved_model.save(module, path, signatures=fn.get_concrete_function())
    c = tf.lite.TFLiteConverter.from_saved_model(path)
    c.allow_custom_ops = True
    return c


# int8: the converter quantizes the backbone and dequantizes into the op.
add("net_ssd_detector", "network", [[1, 32, 32, 3]], ssd(), kind="network", variants=("int8",))
SPECS[-1].custom_ops = True
add("net_ssd_detector_regular_nms", "network", [[1, 32, 32, 3]], ssd(regular=True), kind="network")
SPECS[-1].custom_ops = True
add("net_ssd_detector_multiclass", "network", [[1, 32, 32, 3]], ssd(max_classes=2, max_det=6), kind="network")
SPECS[-1].custom_ops = True
add("non_max_suppression_v4", "NON_MAX_SUPPRESSION_V4", [([24, 4], F32, 0.0, 1.0), ([24], F32, 0.0, 1.0)], nms(False),
    variants=())
add("non_max_suppression_v5", "NON_MAX_SUPPRESSION_V5", [([24, 4], F32, 0.0, 1.0), ([24], F32, 0.0, 1.0)], nms(True),
    variants=())

# --- control flow, state, signatures (made by the converter where it can) --------------------------


def stateful_variable(rng):
    """A tf.Variable updated on every call: the converter keeps it as a
    resource variable (VAR_HANDLE, READ/ASSIGN_VARIABLE; its initializer runs
    once through CALL_ONCE)."""
    init = (rng.standard_normal((1, 4)) * 0.5).astype(np.float32)

    class Stateful(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(init)

        @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32, name="x")], autograph=False)
        def __call__(self, x):
            self.v.assign(self.v * 0.5 + x)
            return tf.tanh(self.v) + 1.0

    m = Stateful()
    c = tf.lite.TFLiteConverter.from_concrete_functions([m.__call__.get_concrete_function()], m)
    c.experimental_enable_resource_variables = True
    return c.convert()


def cond_if(rng):
    """tf.cond on a run-time value: the converter emits IF over two subgraphs."""
    wt = w(rng, 4, 4)

    @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32, name="x")], autograph=False)
    def f(x):
        return tf.cond(tf.reduce_sum(x) > 0.0, lambda: tf.matmul(x, wt), lambda: tf.nn.relu(x) - 1.0)

    return tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()]).convert()


def multi_signature(rng):
    """Two signatures, each its own subgraph (the zoo golden runs subgraph 0;
    tests/python runs both by key)."""
    import tempfile

    wa, wb = w(rng, 4, 3), w(rng, 4, 2)

    class Two(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32, name="x")], autograph=False)
        def encode(self, x):
            return {"code": tf.nn.relu(tf.matmul(x, wa))}

        @tf.function(input_signature=[tf.TensorSpec([1, 4], tf.float32, name="y")], autograph=False)
        def score(self, y):
            return {"score": tf.nn.softmax(tf.matmul(y, wb))}

    m = Two()
    path = tempfile.mkdtemp(prefix="zoo_saved_")
    tf.saved_model.save(m, path, signatures={"encode": m.encode, "score": m.score})
    return tf.lite.TFLiteConverter.from_saved_model(path, signature_keys=["encode", "score"]).convert()


def flatbuffer_model(tensors, ops, inputs, outputs):
    """A .tflite written directly with the schema's object API, for graphs the
    converter of TF 2.21 + Keras 3 cannot emit (UNIDIRECTIONAL_SEQUENCE_LSTM
    from Keras 3's LSTM becomes a WHILE loop; tf.nn.embedding_lookup becomes
    GATHER). tensors: (name, shape, type, data or None, quant or None,
    is_variable); ops: (builtin op, inputs, outputs, options type, options)."""
    from tensorflow.lite.python import schema_py_generated as fb
    import flatbuffers

    m = fb.ModelT()
    m.version = 3
    m.buffers = [fb.BufferT()]
    sg = fb.SubGraphT()
    sg.tensors = []
    for name, shape, ttype, data, quant, variable in tensors:
        t = fb.TensorT()
        t.name, t.shape, t.type, t.isVariable = name, list(shape), ttype, variable
        t.buffer = 0
        if data is not None:
            b = fb.BufferT()
            b.data = list(np.ascontiguousarray(data).tobytes())
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        if quant is not None:
            q = fb.QuantizationParametersT()
            q.scale, q.zeroPoint = list(quant[0]), list(quant[1])
            t.quantization = q
        sg.tensors.append(t)
    codes, sg.operators = [], []
    for code, ins, outs, opt_type, opts in ops:
        if code not in codes:
            codes.append(code)
        o = fb.OperatorT()
        o.opcodeIndex, o.inputs, o.outputs = codes.index(code), list(ins), list(outs)
        o.builtinOptionsType, o.builtinOptions = opt_type, opts
        sg.operators.append(o)
    m.operatorCodes = []
    for code in codes:
        oc = fb.OperatorCodeT()
        oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = code, min(code, 127), 1
        m.operatorCodes.append(oc)
    sg.inputs, sg.outputs = inputs, outputs
    m.subgraphs = [sg]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def embedding_lookup(value_type):
    """EMBEDDING_LOOKUP of 6 ids in a 10 x 4 table: float32, or the hybrid
    form (int8/uint8 rows times the table's scale into float32)."""

    def build(rng):
        from tensorflow.lite.python import schema_py_generated as fb

        TT, OP = fb.TensorType, fb.BuiltinOperator
        table = rng.standard_normal((10, 4)).astype(np.float32)
        if value_type == "float32":
            value = ("table", [10, 4], TT.FLOAT32, table, None, False)
        else:
            dt, tt = (np.int8, TT.INT8) if value_type == "int8" else (np.uint8, TT.UINT8)
            q = rng.integers(-127 if dt == np.int8 else 0, 128 if dt == np.int8 else 256, (10, 4)).astype(dt)
            value = ("table", [10, 4], tt, q, ([0.05], [0]), False)
        tensors = [("ids", [6], TT.INT32, None, None, False), value,
                   ("rows", [6, 4], TT.FLOAT32, None, None, False)]
        return flatbuffer_model(tensors, [(OP.EMBEDDING_LOOKUP, [0, 1], [2], 0, None)], [0], [2])

    return build


def lstm_embedding_text(rng):
    """Text classifier as TFLite's own LSTM models are laid out: EMBEDDING_LOOKUP
    of 12 ids (40 x 8 table), UNIDIRECTIONAL_SEQUENCE_LSTM (10 units, state in
    variable tensors), the last step, FULLY_CONNECTED and SOFTMAX."""
    from tensorflow.lite.python import schema_py_generated as fb

    TT, OP, BO = fb.TensorType, fb.BuiltinOperator, fb.BuiltinOptions

    def f32(*shape, s=0.4):
        return (rng.standard_normal(shape) * s).astype(np.float32)

    t = [("ids", [12], TT.INT32, None, None, False),
         ("table", [40, 8], TT.FLOAT32, f32(40, 8, s=1.0), None, False),
         ("embedded", [12, 8], TT.FLOAT32, None, None, False),
         ("seq_shape", [3], TT.INT32, np.array([1, 12, 8], np.int32), None, False),
         ("seq", [1, 12, 8], TT.FLOAT32, None, None, False)]
    lstm_in = [4]
    for _ in range(4):  # input weights i, f, c, o
        t.append(("w_in%d" % len(t), [10, 8], TT.FLOAT32, f32(10, 8), None, False))
        lstm_in.append(len(t) - 1)
    for _ in range(4):  # recurrent weights
        t.append(("w_rec%d" % len(t), [10, 10], TT.FLOAT32, f32(10, 10), None, False))
        lstm_in.append(len(t) - 1)
    lstm_in += [-1, -1, -1]  # no peepholes
    for _ in range(4):  # gate biases
        t.append(("bias%d" % len(t), [10], TT.FLOAT32, f32(10, s=0.1), None, False))
        lstm_in.append(len(t) - 1)
    lstm_in += [-1, -1]  # no projection
    t.append(("output_state", [1, 10], TT.FLOAT32, None, None, True))
    lstm_in.append(len(t) - 1)
    t.append(("cell_state", [1, 10], TT.FLOAT32, None, None, True))
    lstm_in.append(len(t) - 1)
    lstm_in += [-1, -1, -1, -1]  # no layer norm
    t.append(("lstm_out", [1, 12, 10], TT.FLOAT32, None, None, False))
    lstm_out = len(t) - 1
    for name, v in (("begin", [0, 11, 0]), ("end", [1, 12, 10]), ("strides", [1, 1, 1])):
        t.append((name, [3], TT.INT32, np.array(v, np.int32), None, False))
    t.append(("last", [1, 10], TT.FLOAT32, None, None, False))
    t.append(("fc_w", [3, 10], TT.FLOAT32, f32(3, 10), None, False))
    t.append(("fc_b", [3], TT.FLOAT32, f32(3, s=0.1), None, False))
    t.append(("logits", [1, 3], TT.FLOAT32, None, None, False))
    t.append(("probs", [1, 3], TT.FLOAT32, None, None, False))
    idx = {name: i for i, (name, *_) in enumerate(t)}
    lstm_opts = fb.UnidirectionalSequenceLSTMOptionsT()
    lstm_opts.fusedActivationFunction = fb.ActivationFunctionType.TANH
    lstm_opts.timeMajor = False
    ss = fb.StridedSliceOptionsT()
    ss.shrinkAxisMask = 2
    fc = fb.FullyConnectedOptionsT()
    sm = fb.SoftmaxOptionsT()
    sm.beta = 1.0
    rs = fb.ReshapeOptionsT()
    rs.newShape = [1, 12, 8]
    ops = [(OP.EMBEDDING_LOOKUP, [0, 1], [2], 0, None),
           (OP.RESHAPE, [2, 3], [4], BO.ReshapeOptions, rs),
           (OP.UNIDIRECTIONAL_SEQUENCE_LSTM, lstm_in, [lstm_out], BO.UnidirectionalSequenceLSTMOptions, lstm_opts),
           (OP.STRIDED_SLICE, [lstm_out, idx["begin"], idx["end"], idx["strides"]], [idx["last"]],
            BO.StridedSliceOptions, ss),
           (OP.FULLY_CONNECTED, [idx["last"], idx["fc_w"], idx["fc_b"]], [idx["logits"]],
            BO.FullyConnectedOptions, fc),
           (OP.SOFTMAX, [idx["logits"]], [idx["probs"]], BO.SoftmaxOptions, sm)]
    return flatbuffer_model(t, ops, [0], [idx["probs"]])


add("net_stateful_variable", "network", [[1, 4]], None, kind="network")
SPECS[-1].tflite = stateful_variable
add("net_cond_if", "network", [[1, 4]], None, kind="network")
SPECS[-1].tflite = cond_if
add("net_multi_signature", "network", [[1, 4]], None, kind="network")
SPECS[-1].tflite = multi_signature
add("net_lstm_embedding_text", "network", [([12], I32, 0, 39)], None, kind="network")
SPECS[-1].tflite = lstm_embedding_text
for _vt in ("float32", "int8", "uint8"):
    # (not "_int8": that suffix names the converter's full-integer variants)
    add("embedding_lookup_builtin" + {"float32": "", "int8": "_hybrid_i8", "uint8": "_hybrid_u8"}[_vt],
        "EMBEDDING_LOOKUP",
        [([6], I32, 0, 9)], None, variants=())
    SPECS[-1].tflite = embedding_lookup(_vt)

# --- conversion and goldens ----------------------------------------------------------------------

# Quantized variants of every "op" model, made from the same graph with the
# same weights (the rng is seeded from the float model's name):
#   int8  full-integer: representative dataset (REP_SAMPLES seeded samples
#         of the inputs' ranges), int8 kernels only, int8 I/O where the
#         float model has float I/O (integer and bool inputs stay as they are)
#   dyn   dynamic range: int8 weights, float activations (the converter only
#         quantizes constants with >= 1024 elements, hence the *_wide models)
#   f16   float16 constants behind DEQUANTIZE, float32 compute
# A variant is kept only if the converter and LiteRT's reference kernels
# accept it and it really is quantized: for int8 the op under test reads an
# int8/int16 tensor; for dyn the model holds an int8 constant; for f16 a
# float16 one. The others are listed in manifest.json ("variants_skipped").
REP_SAMPLES = 16
# (op, variant) whose LiteRT 2.3.0 reference kernel is wrong: goldens from its
# optimized kernels, which edgeml follows (docs/quantized_tests.md).
OPTIMIZED_GOLDEN = {("SUM", "int8"): "the reference SUM reads int8 data as uint8"}


def rep_dataset(spec):
    def gen():
        for k in range(REP_SAMPLES):
            yield make_inputs(spec, seed_of(spec.name) + 100 + k)

    return gen


def convert(spec, mode="float"):
    rng = np.random.default_rng(seed_of(spec.name))
    if getattr(spec, "tflite", None):  # made its own way (converter options, signatures, by hand)
        if mode != "float":
            raise ValueError("no %s variant of %s" % (mode, spec.name))
        return spec.tflite(rng)
    if spec.keras:
        tf.keras.utils.set_random_seed(seed_of(spec.name) % (2**31))
        model = spec.build(rng)
        c = tf.lite.TFLiteConverter.from_keras_model(model)
    else:
        body = spec.build(rng)
        sig = [tf.TensorSpec(shape, tf.as_dtype(dt), name="x%d" % i)
               for i, (shape, dt, _, _) in enumerate(spec.inputs)]
        # No AutoGraph: the bodies need none, and it re-reads their source
        # from this file, which gives wrong graphs if the file is edited
        # while the script runs.
        fn = tf.function(body, input_signature=sig, autograph=False)
        conc = fn.get_concrete_function()
        if getattr(spec, "custom_ops", False):  # TFLite_Detection_PostProcess
            c = custom_op_converter(fn)
        elif conc.variables:  # a Keras model called in `body`: freeze its weights into constants
            from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

            c = tf.lite.TFLiteConverter.from_concrete_functions([convert_variables_to_constants_v2(conc)])
        else:
            c = tf.lite.TFLiteConverter.from_concrete_functions([conc], fn)
    if spec.f16 or mode == "f16":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.target_spec.supported_types = [tf.float16]
    elif mode == "dyn":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
    elif mode == "int8":
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = rep_dataset(spec)
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        c.inference_input_type = tf.int8
        c.inference_output_type = tf.int8
    elif mode != "float":
        raise ValueError(mode)
    return c.convert()


def variant_problem(spec, mode, it):
    """None if the converted model `it` is a real `mode` variant, else why not."""
    types = {t["index"]: np.dtype(t["dtype"]) for t in it.get_tensor_details()}
    if mode == "int8":
        nodes = [o for o in it._get_ops_details() if o["op_name"] == spec.op or spec.kind == "network"]
        if not nodes:
            return "no %s in the int8 model" % spec.op
        if not any(types.get(i) in (np.dtype(np.int8), np.dtype(np.int16)) for o in nodes for i in o["inputs"]):
            return "%s is not quantized (integer or bool data)" % spec.op
        return None
    want = np.dtype(np.int8) if mode == "dyn" else np.dtype(np.float16)
    if want not in types.values():
        return "no %s constant (weights too small or none)" % want.name
    return None


def quantize_input(x, detail):
    """A float test input in the model's input type: quantized with the
    input's scale and zero point where the model takes int8."""
    dtype = np.dtype(detail["dtype"])
    if dtype == x.dtype or dtype.kind not in "iu" or x.dtype.kind != "f":
        return x
    scale, zp = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale) + zp, info.min, info.max).astype(dtype)


def make_inputs(spec, seed):
    rng = np.random.default_rng(seed)
    arrays = []
    for shape, dt, lo, hi in spec.inputs:
        shape = [spec.dyn if s is None else s for s in shape]
        if np.dtype(dt).kind == "b":
            arrays.append(rng.integers(0, 1, size=shape, endpoint=True).astype(bool))
        elif np.dtype(dt).kind == "i":
            arrays.append(rng.integers(int(lo), int(hi), size=shape, endpoint=True).astype(dt))
        else:
            arrays.append(rng.uniform(lo, hi, shape).astype(dt))
    return arrays


def run(content, inputs, resolver=OpResolverType.BUILTIN_REF):
    it = Interpreter(model_content=content, experimental_op_resolver_type=resolver)
    it.allocate_tensors()
    details = it.get_input_details()
    assert len(details) == len(inputs), (len(details), len(inputs))
    for d, a in zip(details, inputs):
        if list(d["shape"]) != list(a.shape):
            it.resize_tensor_input(d["index"], a.shape)
    it.allocate_tensors()
    for d, a in zip(it.get_input_details(), inputs):
        assert np.dtype(d["dtype"]) == a.dtype, (d["dtype"], a.dtype)
        it.set_tensor(d["index"], a)
    it.invoke()
    outs = [np.array(it.get_tensor(d["index"])) for d in it.get_output_details()]
    return it, outs


def io_desc(d):
    return {"dtype": np.dtype(d["dtype"]).name, "shape": [int(v) for v in d["shape_signature"]]}


def versions():
    from importlib.metadata import version

    return {"tensorflow": tf.__version__, "ai-edge-litert": version("ai-edge-litert"), "numpy": np.__version__}


def make_model(spec, mode, goldens=True):
    """Converts `spec` in `mode` and runs LiteRT on its seeded inputs.
    Returns (content, inputs, outputs, interpreter, golden resolver name), or
    raises; returns a str (why it is no real variant) for a skipped variant.
    Without goldens (the full-size cache) LiteRT only loads the model."""
    content = convert(spec, mode)
    if not goldens:
        it = Interpreter(model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        why = variant_problem(spec, mode, it) if mode != "float" else None
        return why or (content, [], [], it, None)
    inputs = make_inputs(spec, seed_of(spec.name) + 2)
    if mode == "int8":
        # (Only for its tensor types and input quantization: the optimized
        # resolver also loads models of ops without a reference kernel.)
        probe = Interpreter(model_content=content,
                            experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        why = variant_problem(spec, mode, probe)
        if why:
            return why
        inputs = [quantize_input(x, d) for x, d in zip(inputs, probe.get_input_details())]
    golden = "BUILTIN_REF"
    if (spec.op, mode) in OPTIMIZED_GOLDEN:
        golden = "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
    else:
        try:
            it, outputs = run(content, inputs)
        except Exception as e:  # noqa: BLE001 - LiteRT raises RuntimeError or ValueError
            # A few ops (ELU, CEIL, ROUND, int8 TILE) have no reference
            # kernel in LiteRT 2.3.0: use its optimized kernels for those.
            if "Registration failed" not in str(e):
                raise
            golden = "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
    resolver = getattr(OpResolverType, golden)
    it, outputs = run(content, inputs, resolver)
    if mode in ("dyn", "f16"):
        why = variant_problem(spec, mode, it)
        if why:
            return why
    _, again = run(content, inputs, resolver)
    if not all(a.tobytes() == b.tobytes() for a, b in zip(outputs, again)):
        raise RuntimeError("LiteRT gives different outputs on two runs")
    return content, inputs, outputs, it, golden


def write_model(out, name, content, inputs, outputs):
    for f in glob.glob(os.path.join(out, name + ".*")):
        os.remove(f)
    with open(os.path.join(out, name + ".tflite"), "wb") as fh:
        fh.write(content)
    for i, a in enumerate(inputs):
        np.save(os.path.join(out, "%s.input_%d.npy" % (name, i)), a)
    for i, a in enumerate(outputs):
        np.save(os.path.join(out, "%s.output_%d.npy" % (name, i)), a)


def generate(specs, out, only=None, variants=True, goldens=True):
    """Makes every spec (and its variants) into `out`; returns the manifest
    parts (entries, failures, skipped) of what it made."""
    entries, failures, skipped = [], [], []
    for spec in specs:
        if only and only not in spec.name:
            continue
        modes = ("float",) + (spec.variants if variants else ())
        for mode in modes:
            name = spec.name if mode == "float" else "%s_%s" % (spec.name, mode)
            try:
                made = make_model(spec, mode, goldens)
            except Exception as e:  # noqa: BLE001 - reported, the catalogue goes on
                msg = str(e).strip().splitlines()
                why = msg[-1] if msg else type(e).__name__
                if mode == "float":
                    failures.append((name, why))
                    print("FAILED %-32s %s" % (name, why), file=sys.stderr)
                    break  # no variants of a model that does not convert
                skipped.append((name, "conversion or LiteRT failed: " + why[:200]))
                print("skip   %-32s %s" % (name, skipped[-1][1]), flush=True)
                continue
            if isinstance(made, str):
                skipped.append((name, made))
                print("skip   %-32s %s" % (name, made), flush=True)
                continue
            content, inputs, outputs, it, golden = made
            write_model(out, name, content, inputs, outputs)
            ops = [o["op_name"] for o in it._get_ops_details()]
            entry = {
                "name": name,
                "kind": spec.kind,
                "op": spec.op,
                "ops": ops,
                "inputs": [io_desc(d) for d in it.get_input_details()],
                "outputs": [io_desc(d) for d in it.get_output_details()],
                "bytes": len(content),
                "golden": golden,
                "input_ranges": [[lo, hi] for _, _, lo, hi in spec.inputs],
            }
            if mode != "float":
                entry["variant"] = mode
                entry["base"] = spec.name
            entries.append(entry)
            print("%-34s %7d B  %s" % (name, len(content), " ".join(ops)), flush=True)
    return entries, failures, skipped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=None, help="default testdata/zoo, or .cache/zoo-full with --full")
    ap.add_argument("--only", default=None, help="only models whose name contains this (merged into the manifest)")
    ap.add_argument("--names", default=None, help="only these models (comma-separated float model names)")
    ap.add_argument("--no-variants", action="store_true", help="float models only")
    ap.add_argument("--full", action="store_true",
                    help="the full-size networks (not committed) instead of the zoo: see FULL_SPECS")
    args = ap.parse_args()
    out = args.out or (os.path.join(REPO, ".cache", "zoo-full") if args.full else os.path.join(REPO, "testdata", "zoo"))
    os.makedirs(out, exist_ok=True)
    specs = full_specs() if args.full else SPECS
    names = [s.name for s in specs]
    assert len(names) == len(set(names)), "duplicate model names"

    if args.names:
        wanted = set(args.names.split(","))
        unknown = wanted - set(names)
        if unknown:
            sys.exit("make_zoo: no model named %s" % ", ".join(sorted(unknown)))
        specs = [s for s in specs if s.name in wanted]
        args.only = args.only or ""  # merge into the manifest, as with --only
    entries, failures, skipped = generate(specs, out, args.only, not args.no_variants, not args.full)
    path = os.path.join(out, "manifest.json")
    made = {e["name"] for e in entries}
    if args.only is not None and os.path.isfile(path):
        # Merge: keep the other models' entries; replace those of the
        # models whose name matches --only.
        with open(path) as fh:
            old = json.load(fh)
        tried = {n for n, _ in failures} | {n for n, _ in skipped} | made
        entries = [e for e in old["models"] if e["name"] not in tried] + entries
        order = {n: i for i, n in enumerate(names)}
        entries.sort(key=lambda e: order.get(e.get("base", e["name"]), len(order)))
        failures = [(f["name"], f["error"]) for f in old.get("conversion_failures", [])
                    if f["name"] not in tried] + failures
        skipped = [(s["name"], s["reason"]) for s in old.get("variants_skipped", [])
                   if s["name"] not in tried] + skipped
    elif args.only is None:
        for f in glob.glob(os.path.join(out, "*.tflite")) + glob.glob(os.path.join(out, "*.npy")):
            if os.path.basename(f).split(".")[0] not in made:
                os.remove(f)
    manifest = {
        "generator": "scripts/make_zoo.py" + (" --full" if args.full else ""),
        "reference": "ai_edge_litert Interpreter, OpResolverType.BUILTIN_REF",
        "versions": versions(),
        "models": entries,
        "conversion_failures": [{"name": n, "error": e} for n, e in failures],
        "variants_skipped": [{"name": n, "reason": r} for n, r in skipped],
    }
    with open(path, "w") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    print("%d models, %d conversion failures, %d variants skipped" % (len(entries), len(failures), len(skipped)))


if __name__ == "__main__":
    main()
