"""Writes sparse_conv.tflite: a 3x3 CONV_2D whose weights are 85% zeros,
converted with TensorFlow's EXPERIMENTAL_SPARSITY, so that the weights are a
sparse tensor (SPARSE_CSR dimension) read by DENSIFY. test_interpreter.py
compares its sparsity_parameters with LiteRT's. Needs TensorFlow (dev venv):
    /work/venv/bin/python tests/python/data/make_sparse_conv.py"""

import os

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
w = rng.normal(size=(3, 3, 4, 8)).astype(np.float32)
w[rng.uniform(size=w.shape) < 0.85] = 0


class M(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec([1, 6, 6, 4], tf.float32)])
    def f(self, x):
        return tf.nn.conv2d(x, tf.constant(w), 1, "SAME")


m = M()
converter = tf.lite.TFLiteConverter.from_concrete_functions([m.f.get_concrete_function()], m)
converter.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sparse_conv.tflite")
with open(out, "wb") as f:
    f.write(converter.convert())
