"""Rewrites MediaPipe's Convolution2DTransposeBias custom op into LiteRT's
builtin TRANSPOSE_CONV, so that LiteRT can serve as the reference for models
that use it (selfie_segmentation).

The FlatBuffers Python code is generated at run time with
`flatc --python --gen-object-api` from src/format/tflite.fbs (our schema, whose
field ids match the real format), so nothing generated is committed.

Equivalence (checked against MediaPipe's transpose_conv_bias.cc and LiteRT's
transpose_conv.cc):
  * custom_options hold a raw C struct {int32 padding (TfLitePadding:
    1 = SAME, 2 = VALID), int32 stride_w, int32 stride_h}, little endian.
  * Weights are OHWI and bias has O entries in both ops; the builtin takes
    inputs (output_shape, weights, input, bias) instead of (input, weights,
    bias).
  * MediaPipe computes, per spatial axis, total padding
    P = SAME ? max(0, k - (in - 1) % s - 1) : 0, output size
    out = s * (in - 1) + k - P, and pads P / 2 before. The builtin is given
    `out` as output_shape and computes for SAME P' = max(0,
    (ceil(out / s) - 1) * s + k - out), padding P' / 2 before. With
    r = (in - 1) % s, out = s * (in - 1) + min(k, r + 1), so ceil(out / s) = in
    (k >= 1, r < s) and P' = P. For VALID both use 0. Both then scatter
    input * weight into the output cropped to its bounds, so the results
    differ only by float summation order (MediaPipe starts from the bias,
    the builtin adds it last).
"""

import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(os.path.dirname(_HERE), "src", "format", "tflite.fbs")
CUSTOM_NAME = "Convolution2DTransposeBias"

_gen_dir = None


def _load_schema():
    """Generates the Python format code once per process and imports it."""
    global _gen_dir
    if _gen_dir is None:
        _gen_dir = tempfile.mkdtemp(prefix="edgeml_fbgen_")
        subprocess.run(
            ["flatc", "--python", "--gen-object-api", "-o", _gen_dir, SCHEMA], check=True
        )
        sys.path.insert(0, _gen_dir)
    import edgeml.tfl as tfl  # noqa: E402  (generated above)
    from edgeml.tfl import (  # noqa: E402
        BuiltinOperator,
        BuiltinOptions,
        Model,
        OperatorCode,
        Padding,
        TensorType,
        TransposeConvOptions,
    )

    return tfl, Model, OperatorCode, BuiltinOperator, BuiltinOptions, Padding, TensorType, TransposeConvOptions


def _spatial_out(in_size, k, s, same):
    pad = max(0, k - (in_size - 1) % s - 1) if same else 0
    return s * (in_size - 1) + k - pad


def _custom_code(oc):
    c = oc.customCode
    if isinstance(c, bytes):
        c = c.decode()
    return c


def _builtin_code(oc):
    return max(oc.builtinCode or 0, oc.deprecatedBuiltinCode or 0)


def rewrite_transpose_conv_bias(src_path, dst_path):
    """Writes a copy of src_path with every Convolution2DTransposeBias replaced
    by TRANSPOSE_CONV v3. Returns the number of ops rewritten."""
    (_, ModelMod, OperatorCodeMod, BuiltinOperator, BuiltinOptions, Padding, TensorType,
     TransposeConvOptionsMod) = _load_schema()
    with open(src_path, "rb") as f:
        buf = bytearray(f.read())
    model = ModelMod.ModelT.InitFromObj(ModelMod.Model.GetRootAs(buf, 0))

    custom_idx = [i for i, oc in enumerate(model.operatorCodes or []) if _custom_code(oc) == CUSTOM_NAME]
    if not custom_idx:
        with open(dst_path, "wb") as f:
            f.write(buf)
        return 0

    # One operator code for the builtin, reused if the model already has it.
    tc_code = BuiltinOperator.BuiltinOperator.TRANSPOSE_CONV
    tc_index = None
    for i, oc in enumerate(model.operatorCodes):
        if _custom_code(oc) is None and _builtin_code(oc) == tc_code and oc.version >= 3:
            tc_index = i
    if tc_index is None:
        oc = OperatorCodeMod.OperatorCodeT()
        oc.builtinCode = tc_code
        # Old readers only look at the deprecated byte; TRANSPOSE_CONV (67)
        # fits in it.
        oc.deprecatedBuiltinCode = tc_code
        oc.version = 3
        model.operatorCodes.append(oc)
        tc_index = len(model.operatorCodes) - 1

    from edgeml.tfl.Buffer import BufferT as Buffer
    from edgeml.tfl.Tensor import TensorT as Tensor

    rewritten = 0
    for sg in model.subgraphs:
        for op in sg.operators or []:
            if op.opcodeIndex not in custom_idx:
                continue
            opts = bytes(bytearray(op.customOptions)) if op.customOptions is not None else b""
            if len(opts) < 12:
                raise ValueError("%s: custom options have %d bytes, need 12" % (CUSTOM_NAME, len(opts)))
            padding, stride_w, stride_h = struct.unpack("<iii", opts[:12])
            if padding not in (1, 2) or stride_w <= 0 or stride_h <= 0:
                raise ValueError("%s: bad options padding=%d strides=%d,%d" % (CUSTOM_NAME, padding, stride_w, stride_h))
            same = padding == 1
            inp, weights, bias = op.inputs[0], op.inputs[1], op.inputs[2]
            in_shape = [int(d) for d in sg.tensors[inp].shape]
            w_shape = [int(d) for d in sg.tensors[weights].shape]
            n, h, w, _ = in_shape
            o, kh, kw, _ = w_shape
            out_shape = [n, _spatial_out(h, kh, stride_h, same), _spatial_out(w, kw, stride_w, same), o]
            declared = [int(d) for d in sg.tensors[op.outputs[0]].shape]
            if declared != out_shape:
                raise ValueError("output shape %s differs from computed %s" % (declared, out_shape))

            # Constant int32 [4] tensor holding the output shape.
            b = Buffer()
            b.data = np.frombuffer(np.array(out_shape, dtype="<i4").tobytes(), dtype=np.uint8)
            model.buffers.append(b)
            t = Tensor()
            t.shape = [4]
            t.type = TensorType.TensorType.INT32
            t.buffer = len(model.buffers) - 1
            t.name = (sg.tensors[op.outputs[0]].name or b"") + b"/output_shape"
            sg.tensors.append(t)
            shape_tensor = len(sg.tensors) - 1

            o_opts = TransposeConvOptionsMod.TransposeConvOptionsT()
            o_opts.padding = Padding.Padding.SAME if same else Padding.Padding.VALID
            o_opts.strideW = stride_w
            o_opts.strideH = stride_h
            op.opcodeIndex = tc_index
            op.inputs = [shape_tensor, weights, inp, bias]
            op.builtinOptionsType = BuiltinOptions.BuiltinOptions.TransposeConvOptions
            op.builtinOptions = o_opts
            op.customOptions = None
            rewritten += 1

    import flatbuffers

    builder = flatbuffers.Builder(len(buf) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    with open(dst_path, "wb") as f:
        f.write(builder.Output())
    return rewritten


def check_rewrite(src_path, dst_path, seed=0):
    """Runs the rewritten model in LiteRT (reference kernels) on random input
    and recomputes each rewritten op from its LiteRT input with an independent
    NumPy scatter of MediaPipe's formula. Returns the largest |difference|
    relative to max(1, max|output|) over the rewritten ops."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    (_, ModelMod, _, BuiltinOperator, _, Padding, _, _) = _load_schema()
    with open(dst_path, "rb") as f:
        model = ModelMod.ModelT.InitFromObj(ModelMod.Model.GetRootAs(bytearray(f.read()), 0))
    interp = Interpreter(
        model_path=dst_path,
        experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
        experimental_preserve_all_tensors=True,
    )
    interp.allocate_tensors()
    rng = np.random.default_rng(seed)
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], rng.uniform(-1, 1, size=tuple(d["shape"])).astype(d["dtype"]))
    interp.invoke()
    worst = 0.0
    sg = model.subgraphs[0]
    for op in sg.operators:
        oc = model.operatorCodes[op.opcodeIndex]
        if _custom_code(oc) is not None or _builtin_code(oc) != BuiltinOperator.BuiltinOperator.TRANSPOSE_CONV:
            continue
        _, w_i, x_i, b_i = op.inputs
        x = interp.get_tensor(x_i).astype(np.float64)
        w = interp.get_tensor(w_i).astype(np.float64)
        b = interp.get_tensor(b_i).astype(np.float64)
        y = interp.get_tensor(op.outputs[0]).astype(np.float64)
        opts = op.builtinOptions
        same = opts.padding == Padding.Padding.SAME
        sh, sw = opts.strideH, opts.strideW
        n, h, wd, _ = x.shape
        _, kh, kw, _ = w.shape
        ph = max(0, kh - (h - 1) % sh - 1) if same else 0
        pw = max(0, kw - (wd - 1) % sw - 1) if same else 0
        oh, ow = sh * (h - 1) + kh - ph, sw * (wd - 1) + kw - pw
        full = np.zeros((n, sh * (h - 1) + kh, sw * (wd - 1) + kw, w.shape[0]))
        for ky in range(kh):
            for kx in range(kw):
                full[:, ky:ky + sh * h:sh, kx:kx + sw * wd:sw, :] += np.einsum("nhwc,oc->nhwo", x, w[:, ky, kx, :])
        ref = full[:, ph // 2:ph // 2 + oh, pw // 2:pw // 2 + ow, :] + b
        if ref.shape != y.shape:
            raise AssertionError("shape %s vs %s" % (ref.shape, y.shape))
        worst = max(worst, float(np.abs(ref - y).max()) / max(1.0, float(np.abs(ref).max())))
    return worst


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--check"]
    if len(args) != 2:
        sys.exit("usage: _tflite_edit.py IN.tflite OUT.tflite [--check]")
    print("rewrote %d op(s)" % rewrite_transpose_conv_bias(args[0], args[1]))
    if "--check" in sys.argv:
        err = check_rewrite(args[0], args[1])
        print("max |LiteRT - NumPy MediaPipe formula| / max(1, max|out|) = %.3g" % err)
        sys.exit(0 if err <= 1e-5 else 1)
