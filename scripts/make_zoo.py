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

Every model has random weights drawn from a seed derived from its name; the
inputs are seeded too, so running this twice gives the same files. For each
model this writes <name>.tflite, <name>.input_<i>.npy, <name>.output_<i>.npy
(LiteRT 2.3.0, OpResolverType.BUILTIN_REF, one sample) and manifest.json
with the op under test, the ops the .tflite contains and the I/O.

Usage: .venv/bin/python scripts/make_zoo.py [--out DIR] [--only SUBSTR]
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


def seed_of(name):
    return zlib.crc32(name.encode())


class Spec:
    """One model. `inputs`: list of (shape, dtype, lo, hi); a None in shape
    is a dynamic dim (the golden uses `dyn`). `build(rng)` returns a function of
    the inputs (weights from rng as constants), or with keras=True a Keras
    model. `op` names the builtin op under test (the coverage table's row);
    `kind` is "op" or "network"."""

    def __init__(self, name, op, inputs, build, kind="op", keras=False, f16=False, dyn=1):
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


add("net_deeplab_segmenter", "network", [[1, 32, 32, 3]], deeplab, kind="network")
add("net_kws_conv1d", "network", [[1, 49, 10]], kws, kind="network")
add("net_transformer_encoder", "network", [[1, 8, 16]], transformer, kind="network")
# Golden at batch 3: the runtime must resize the -1 dim.
add("net_dynamic_batch", "network", [[None, 8, 8, 3]], dynamic_batch_mlp, kind="network", dyn=3)
add("net_lstm_text", "network", [([1, 12], I32, 0, 39)], lstm_text(False), kind="network", keras=True)
add("net_lstm_text_unrolled", "network", [([1, 12], I32, 0, 39)], lstm_text(True), kind="network", keras=True)
add("net_gru_text", "network", [([1, 12], I32, 0, 39)], gru_text, kind="network", keras=True)
add("net_keras_cnn", "network", [[1, 16, 16, 3]], keras_cnn, kind="network", keras=True)

# --- conversion and goldens ----------------------------------------------------------------------


def convert(spec):
    rng = np.random.default_rng(seed_of(spec.name))
    if spec.keras:
        tf.keras.utils.set_random_seed(seed_of(spec.name) % (2**31))
        model = spec.build(rng)
        c = tf.lite.TFLiteConverter.from_keras_model(model)
    else:
        body = spec.build(rng)
        sig = [tf.TensorSpec(shape, tf.as_dtype(dt), name="x%d" % i)
               for i, (shape, dt, _, _) in enumerate(spec.inputs)]
        fn = tf.function(body, input_signature=sig)
        conc = fn.get_concrete_function()
        c = tf.lite.TFLiteConverter.from_concrete_functions([conc], fn)
    if spec.f16:
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.target_spec.supported_types = [tf.float16]
    return c.convert()


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(REPO, "testdata", "zoo"))
    ap.add_argument("--only", default=None, help="only models whose name contains this")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names = [s.name for s in SPECS]
    assert len(names) == len(set(names)), "duplicate model names"

    entries, failures = [], []
    for spec in SPECS:
        if args.only and args.only not in spec.name:
            continue
        try:
            content = convert(spec)
            inputs = make_inputs(spec, seed_of(spec.name) + 2)
            golden = "BUILTIN_REF"
            try:
                it, outputs = run(content, inputs)
            except Exception as e:  # noqa: BLE001 - LiteRT raises RuntimeError or ValueError
                # A few ops (ELU, CEIL, ROUND) have no reference kernel in
                # LiteRT 2.3.0: use its optimized kernels for those.
                if "Registration failed" not in str(e):
                    raise
                golden = "BUILTIN_WITHOUT_DEFAULT_DELEGATES"
            resolver = getattr(OpResolverType, golden)
            it, outputs = run(content, inputs, resolver)
            _, again = run(content, inputs, resolver)
            if not all(a.tobytes() == b.tobytes() for a, b in zip(outputs, again)):
                raise RuntimeError("LiteRT gives different outputs on two runs")
            ops = [o["op_name"] for o in it._get_ops_details()]
        except Exception as e:  # noqa: BLE001 - reported, the catalogue goes on
            msg = str(e).strip().splitlines()
            failures.append((spec.name, msg[-1] if msg else type(e).__name__))
            print("FAILED %-32s %s" % (spec.name, failures[-1][1]), file=sys.stderr)
            continue
        for f in glob.glob(os.path.join(args.out, spec.name + ".*")):
            os.remove(f)
        with open(os.path.join(args.out, spec.name + ".tflite"), "wb") as fh:
            fh.write(content)
        for i, a in enumerate(inputs):
            np.save(os.path.join(args.out, "%s.input_%d.npy" % (spec.name, i)), a)
        for i, a in enumerate(outputs):
            np.save(os.path.join(args.out, "%s.output_%d.npy" % (spec.name, i)), a)
        entries.append({
            "name": spec.name,
            "kind": spec.kind,
            "op": spec.op,
            "ops": ops,
            "inputs": [io_desc(d) for d in it.get_input_details()],
            "outputs": [io_desc(d) for d in it.get_output_details()],
            "bytes": len(content),
            "golden": golden,
        })
        print("%-34s %7d B  %s" % (spec.name, len(content), " ".join(ops)))

    if not args.only:
        keep = {e["name"] for e in entries}
        for f in glob.glob(os.path.join(args.out, "*.tflite")) + glob.glob(os.path.join(args.out, "*.npy")):
            if os.path.basename(f).split(".")[0] not in keep:
                os.remove(f)
        manifest = {
            "generator": "scripts/make_zoo.py",
            "reference": "ai_edge_litert Interpreter, OpResolverType.BUILTIN_REF",
            "versions": versions(),
            "models": entries,
            "conversion_failures": [{"name": n, "error": e} for n, e in failures],
        }
        with open(os.path.join(args.out, "manifest.json"), "w") as fh:
            json.dump(manifest, fh, indent=1)
            fh.write("\n")
    print("%d models, %d conversion failures" % (len(entries), len(failures)))


if __name__ == "__main__":
    main()
