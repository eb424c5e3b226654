#!/usr/bin/env python3
"""Writes small single-op .tflite models as a fuzzing seed corpus.

Usage: scripts/make_fuzz_corpus.py OUT_DIR [--schema src/format/tflite.fbs] [--flatc flatc]

Each model is described as FlatBuffers JSON and turned into a binary by
`flatc -b` against edgeml's schema, so no Python FlatBuffers package is
needed. Small seeds let the fuzzer reach every op's prepare/eval quickly;
the real models in testdata/models are added by scripts/fuzz.sh.
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile


def floats(values):
    return list(struct.pack("<%df" % len(values), *values))


def ints(values):
    return list(struct.pack("<%di" % len(values), *values))


def halfs(values):
    return list(struct.pack("<%de" % len(values), *values))


class Graph:
    """One subgraph plus the model-level tables it needs."""

    def __init__(self):
        self.codes = []
        self.tensors = []
        self.buffers = [{}]
        self.ops = []
        self.inputs = []
        self.outputs = []

    def tensor(self, shape, dtype="FLOAT32", data=None, name=None, sparsity=None):
        t = {"shape": shape, "type": dtype, "name": name or "t%d" % len(self.tensors)}
        if sparsity is not None:
            t["sparsity"] = sparsity
        if data is not None:
            self.buffers.append({"data": data})
            t["buffer"] = len(self.buffers) - 1
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, code, inputs, outputs, options_type=None, options=None, version=1,
           custom_options=None):
        key = (code, version)
        if key not in self.codes:
            self.codes.append(key)
        o = {"opcode_index": self.codes.index(key), "inputs": inputs, "outputs": outputs}
        if options_type:
            o["builtin_options_type"] = options_type
            o["builtin_options"] = options or {}
        if custom_options is not None:
            o["custom_options"] = custom_options
        self.ops.append(o)

    def model(self):
        codes = []
        for code, version in self.codes:
            if code.startswith("custom:"):
                codes.append({"deprecated_builtin_code": 32, "builtin_code": "CUSTOM",
                              "custom_code": code[len("custom:"):], "version": version})
            else:
                codes.append({"builtin_code": code, "version": version})
        return {
            "version": 3,
            "operator_codes": codes,
            "subgraphs": [{"tensors": self.tensors, "inputs": self.inputs,
                           "outputs": self.outputs, "operators": self.ops, "name": "main"}],
            "buffers": self.buffers,
            "signature_defs": [{
                "signature_key": "serving_default", "subgraph_index": 0,
                "inputs": [{"name": self.tensors[i]["name"], "tensor_index": i}
                           for i in self.inputs],
                "outputs": [{"name": self.tensors[i]["name"], "tensor_index": i}
                            for i in self.outputs]}],
        }


def single(code, in_shapes, out_shape, consts=(), options_type=None, options=None,
           custom_options=None, out_dtype="FLOAT32"):
    """A graph with the given runtime inputs, constant inputs, and one op."""
    g = Graph()
    ins = []
    for shape in in_shapes:
        ins.append(g.tensor(shape))
    g.inputs = list(ins)
    for shape, dtype, data in consts:
        ins.append(g.tensor(shape, dtype, data))
    out = g.tensor(out_shape, out_dtype)
    g.outputs = [out]
    g.op(code, ins, [out], options_type, options, custom_options=custom_options)
    return g


def seeds():
    act = {"fused_activation_function": "RELU6"}
    yield "add", single("ADD", [[1, 4], [1, 4]], [1, 4], options_type="AddOptions", options=act)
    yield "add_broadcast", single("ADD", [[2, 1, 3]], [2, 2, 3],
                                  [([2, 1], "FLOAT32", floats([1, 2]))])
    yield "mul", single("MUL", [[1, 2, 2, 1], [1, 2, 2, 1]], [1, 2, 2, 1])
    yield "conv", single("CONV_2D", [[1, 4, 4, 2]], [1, 2, 2, 3],
                         [([3, 3, 3, 2], "FLOAT32", floats([0.1] * 54)),
                          ([3], "FLOAT32", floats([0, 1, 2]))],
                         "Conv2DOptions", {"padding": "SAME", "stride_w": 2, "stride_h": 2})
    yield "depthwise", single("DEPTHWISE_CONV_2D", [[1, 4, 4, 2]], [1, 4, 4, 4],
                              [([1, 3, 3, 4], "FLOAT32", floats([0.5] * 36)),
                               ([4], "FLOAT32", floats([0] * 4))],
                              "DepthwiseConv2DOptions",
                              {"padding": "SAME", "stride_w": 1, "stride_h": 1,
                               "depth_multiplier": 2})
    yield "fully_connected", single("FULLY_CONNECTED", [[2, 4]], [2, 3],
                                    [([3, 4], "FLOAT32", floats([0.25] * 12)),
                                     ([3], "FLOAT32", floats([1, 0, -1]))],
                                    "FullyConnectedOptions", {})
    for pool in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        yield pool.lower(), single(pool, [[1, 4, 4, 1]], [1, 2, 2, 1], (), "Pool2DOptions",
                                   {"padding": "VALID", "stride_w": 2, "stride_h": 2,
                                    "filter_width": 2, "filter_height": 2})
    yield "concat", single("CONCATENATION", [[1, 2], [1, 3]], [1, 5], (),
                           "ConcatenationOptions", {"axis": -1})
    yield "reshape", single("RESHAPE", [[2, 3]], [3, 2], [([2], "INT32", ints([-1, 2]))])
    yield "pad", single("PAD", [[1, 2, 2, 1]], [1, 4, 4, 1],
                        [([4, 2], "INT32", ints([0, 0, 1, 1, 1, 1, 0, 0]))])
    yield "softmax", single("SOFTMAX", [[2, 5]], [2, 5], (), "SoftmaxOptions", {"beta": 1.0})
    yield "logistic", single("LOGISTIC", [[1, 8]], [1, 8])
    yield "gather", single("GATHER", [[4, 3]], [2, 3], [([2], "INT32", ints([3, 0]))],
                           "GatherOptions", {"axis": 0})
    yield "space_to_depth", single("SPACE_TO_DEPTH", [[1, 4, 4, 1]], [1, 2, 2, 4], (),
                                   "SpaceToDepthOptions", {"block_size": 2})
    yield "depth_to_space", single("DEPTH_TO_SPACE", [[1, 2, 2, 4]], [1, 4, 4, 1], (),
                                   "DepthToSpaceOptions", {"block_size": 2})
    yield "mean", single("MEAN", [[1, 4, 4, 2]], [1, 2], [([2], "INT32", ints([1, 2]))],
                         "ReducerOptions", {"keep_dims": False})
    yield "resize_bilinear", single("RESIZE_BILINEAR", [[1, 2, 2, 1]], [1, 4, 4, 1],
                                    [([2], "INT32", ints([4, 4]))], "ResizeBilinearOptions",
                                    {"half_pixel_centers": True})
    yield "transpose", single("TRANSPOSE", [[2, 3, 4]], [4, 2, 3],
                              [([3], "INT32", ints([2, 0, 1]))])
    yield "strided_slice", single("STRIDED_SLICE", [[4, 4]], [2, 2],
                                  [([2], "INT32", ints([0, 1])), ([2], "INT32", ints([4, 3])),
                                   ([2], "INT32", ints([2, 1]))],
                                  "StridedSliceOptions", {})
    yield "arg_max", single("ARG_MAX", [[2, 5]], [2], [([], "INT32", ints([1]))],
                            "ArgMaxOptions", {"output_type": "INT32"}, out_dtype="INT32")
    yield "batch_matmul", single("BATCH_MATMUL", [[2, 2, 3], [2, 3, 4]], [2, 2, 4], (),
                                 "BatchMatMulOptions", {})
    yield "squeeze", single("SQUEEZE", [[1, 3, 1, 2]], [3, 2], (), "SqueezeOptions",
                            {"squeeze_dims": [0, 2]})
    yield "expand_dims", single("EXPAND_DIMS", [[3, 2]], [3, 1, 2],
                                [([], "INT32", ints([1]))])
    yield "slice", single("SLICE", [[4, 5]], [2, 3],
                          [([2], "INT32", ints([1, 1])), ([2], "INT32", ints([2, -1]))])
    yield "sum", single("SUM", [[2, 3, 4]], [2, 1, 4], [([1], "INT32", ints([1]))],
                        "ReducerOptions", {"keep_dims": True})
    yield "reduce_max", single("REDUCE_MAX", [[2, 3, 4]], [4], [([2], "INT32", ints([0, -2]))],
                               "ReducerOptions", {})
    yield "resize_nearest", single("RESIZE_NEAREST_NEIGHBOR", [[1, 2, 3, 1]], [1, 4, 6, 1],
                                   [([2], "INT32", ints([4, 6]))],
                                   "ResizeNearestNeighborOptions", {})
    yield "padv2", single("PADV2", [[2, 2]], [4, 3],
                          [([2, 2], "INT32", ints([1, 1, 0, 1])), ([], "FLOAT32", floats([9]))])
    yield "hard_swish", single("HARD_SWISH", [[1, 8]], [1, 8])
    yield "tanh", single("TANH", [[1, 8]], [1, 8])
    # Multi-output ops.
    g = Graph()
    x = g.tensor([2, 6], name="x")
    axis = g.tensor([], "INT32", ints([1]), "axis")
    parts = [g.tensor([2, 2], name="p%d" % i) for i in range(3)]
    g.inputs, g.outputs = [x], parts
    g.op("SPLIT", [axis, x], parts, "SplitOptions", {"num_splits": 3})
    yield "split", g
    g = Graph()
    x = g.tensor([3, 2], name="x")
    rows = [g.tensor([2], name="r%d" % i) for i in range(3)]
    y = g.tensor([2, 3], name="y")
    g.inputs, g.outputs = [x], [y]
    g.op("UNPACK", [x], rows, "UnpackOptions", {"num": 3, "axis": 0})
    g.op("PACK", rows, [y], "PackOptions", {"values_count": 3, "axis": 1})
    yield "unpack_pack", g
    # fp16 weights behind DEQUANTIZE, as in the MediaPipe models.
    g = Graph()
    x = g.tensor([1, 4], name="x")
    w16 = g.tensor([3, 4], "FLOAT16", halfs([0.5] * 12), "w16")
    w = g.tensor([3, 4], name="w")
    y = g.tensor([1, 3], name="y")
    g.inputs, g.outputs = [x], [y]
    g.op("DEQUANTIZE", [w16], [w])
    g.op("FULLY_CONNECTED", [x, w, -1], [y], "FullyConnectedOptions", {})
    yield "dequantize_fc", g
    # A sparse constant expanded by DENSIFY (CSR rows, uint8 column indices).
    g = Graph()
    x = g.tensor([2, 3], name="x")
    sparse = g.tensor([2, 3], "FLOAT32", floats([5, 6, 7]), "sparse", {
        "traversal_order": [0, 1],
        "dim_metadata": [
            {"format": "DENSE", "dense_size": 2},
            {"format": "SPARSE_CSR",
             "array_segments_type": "Int32Vector", "array_segments": {"values": [0, 1, 3]},
             "array_indices_type": "Uint8Vector", "array_indices": {"values": [2, 0, 1]}}]})
    dense = g.tensor([2, 3], name="dense")
    y = g.tensor([2, 3], name="y")
    g.inputs, g.outputs = [x], [y]
    g.op("DENSIFY", [sparse], [dense])
    g.op("ADD", [x, dense], [y])
    yield "densify", g
    # MediaPipe's custom op: options are a C struct {padding, stride_w, stride_h}.
    yield "mp_transpose_conv", single(
        "custom:Convolution2DTransposeBias", [[1, 2, 2, 1]], [1, 4, 4, 1],
        [([1, 2, 2, 1], "FLOAT32", floats([1, 1, 1, 1])), ([1], "FLOAT32", floats([0]))],
        custom_options=ints([1, 2, 2]))
    # A small chain to give the planner something to do.
    g = Graph()
    a = g.tensor([1, 4, 4, 1], name="a")
    b = g.tensor([1, 4, 4, 1], name="b")
    c = g.tensor([1, 2, 2, 1], name="c")
    d = g.tensor([1, 4], name="d")
    g.inputs, g.outputs = [a], [d]
    g.op("RELU", [a], [b])
    g.op("MAX_POOL_2D", [b], [c], "Pool2DOptions",
         {"padding": "VALID", "stride_w": 2, "stride_h": 2, "filter_width": 2,
          "filter_height": 2})
    shape = g.tensor([2], "INT32", ints([1, 4]), "shape")
    g.op("RESHAPE", [c, shape], [d])
    yield "chain", g


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--schema", default=os.path.join(root, "src", "format", "tflite.fbs"))
    p.add_argument("--flatc", default="flatc")
    args = p.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, graph in seeds():
            src = os.path.join(tmp, name + ".json")
            with open(src, "w") as f:
                json.dump(graph.model(), f)
            r = subprocess.run([args.flatc, "-b", "-o", args.out_dir, args.schema, src],
                               capture_output=True, text=True)
            if r.returncode != 0:
                sys.stderr.write("flatc failed for %s:\n%s%s" % (name, r.stdout, r.stderr))
                return 1
            count += 1
    print("wrote %d seed models to %s" % (count, args.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
