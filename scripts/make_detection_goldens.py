#!/usr/bin/env python3
"""Writes testdata/detection: models and LiteRT goldens for the detection op
tests and the apps tests (tests/unit/detection_test.cc, tests/unit/apps_test.cc).

  postprocess_u8_{fast,regular}.tflite  one TFLite_Detection_PostProcess op with
      uint8 box encodings, uint8 class predictions and uint8 anchors (the
      quantized SSD form LiteRT accepts), options taken from the zoo's
      net_ssd_detector models; seeded uint8 inputs.
  postprocess_mixed.tflite  float32 boxes and anchors, uint8 class predictions.
  astronaut_32.png  the astronaut photo resized to the zoo SSD's 32x32 input;
      ssd_astronaut.output_<i>.npy: LiteRT's outputs of testdata/zoo/
      net_ssd_detector.tflite on it with pixels mapped to [-1, 1].

Goldens: ai-edge-litert, OpResolverType.BUILTIN_REF. Run after make_zoo.py
(it reads testdata/zoo/net_ssd_detector*.tflite):
    /work/venv/bin/python scripts/make_detection_goldens.py
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402
from tensorflow.lite.python import schema_py_generated as S  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "testdata", "detection")
ZOO = os.path.join(REPO, "testdata", "zoo")
NUM_BOXES, COLS = 40, 4


def custom_options(path):
    m = S.ModelT.InitFromObj(S.Model.GetRootAsModel(open(path, "rb").read(), 0))
    for op in m.subgraphs[0].operators:
        if m.operatorCodes[op.opcodeIndex].customCode == b"TFLite_Detection_PostProcess":
            return bytes(bytearray(op.customOptions))
    raise RuntimeError("no post-process op in " + path)


def tensor(name, shape, ttype, buffer, scale=None, zp=None):
    t = S.TensorT()
    t.name, t.shape, t.type, t.buffer = name, list(shape), ttype, buffer
    if scale is not None:
        q = S.QuantizationParametersT()
        q.scale, q.zeroPoint = [scale], [zp]
        t.quantization = q
    return t


def postprocess_model(options, box_type, anchors, score_type=S.TensorType.UINT8):
    """One TFLite_Detection_PostProcess node: inputs box_encodings and
    class_predictions, anchors a constant; four float32 outputs."""
    m = S.ModelT()
    m.version = 3
    code = S.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = S.BuiltinOperator.CUSTOM
    code.customCode = "TFLite_Detection_PostProcess"
    code.version = 1
    m.operatorCodes = [code]
    buffers = [S.BufferT(), S.BufferT()]
    buffers[1].data = list(anchors.tobytes())
    u8 = box_type == S.TensorType.UINT8
    g = S.SubGraphT()
    g.tensors = [
        tensor("box_encodings", [1, NUM_BOXES, 4], box_type, 0, *((0.05, 128) if u8 else (None, None))),
        tensor("class_predictions", [1, NUM_BOXES, COLS], score_type, 0,
               *((1 / 255.0, 0) if score_type == S.TensorType.UINT8 else (None, None))),
        tensor("anchors", [NUM_BOXES, 4], box_type, 1, *((1 / 255.0, 0) if u8 else (None, None))),
        tensor("detection_boxes", [], S.TensorType.FLOAT32, 0),
        tensor("detection_classes", [], S.TensorType.FLOAT32, 0),
        tensor("detection_scores", [], S.TensorType.FLOAT32, 0),
        tensor("num_detections", [], S.TensorType.FLOAT32, 0),
    ]
    op = S.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1, 2], [3, 4, 5, 6]
    op.customOptions = list(options)
    op.customOptionsFormat = S.CustomOptionsFormat.FLEXBUFFERS
    g.operators = [op]
    g.inputs, g.outputs = [0, 1], [3, 4, 5, 6]
    m.subgraphs = [g]
    m.buffers = buffers
    m.description = "edgeml detection test"
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def run(content, inputs):
    it = Interpreter(model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    for d, a in zip(it.get_input_details(), inputs):
        it.set_tensor(d["index"], a)
    it.invoke()
    return [np.array(it.get_tensor(d["index"])) for d in it.get_output_details()]


def save(name, content, inputs, outputs):
    if content is not None:
        with open(os.path.join(OUT, name + ".tflite"), "wb") as fh:
            fh.write(content)
    for i, a in enumerate(inputs):
        np.save(os.path.join(OUT, "%s.input_%d.npy" % (name, i)), a)
    for i, a in enumerate(outputs):
        np.save(os.path.join(OUT, "%s.output_%d.npy" % (name, i)), a)
    print(name, [a.shape for a in outputs])


def resize_bilinear(img, h, w):
    """Half-pixel-center bilinear resize, edges clamped, rounded (the apps'
    apps::Resize)."""
    ih, iw = img.shape[:2]

    def coords(n, size):
        s = np.clip((np.arange(n) + 0.5) * size / n - 0.5, 0, size - 1).astype(np.float32)
        i0 = s.astype(np.int32)
        return i0, np.minimum(i0 + 1, size - 1), (s - i0)[..., None]

    y0, y1, fy = coords(h, ih)
    x0, x1, fx = coords(w, iw)
    f = img.astype(np.float32)
    top = f[y0][:, x0] + (f[y0][:, x1] - f[y0][:, x0]) * fx
    bot = f[y1][:, x0] + (f[y1][:, x1] - f[y1][:, x0]) * fx
    return np.clip(np.round(top + (bot - top) * fy[:, None]), 0, 255).astype(np.uint8)


def main():
    import tensorflow as tf

    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261125)
    anchors_u8 = rng.integers(40, 200, (NUM_BOXES, 4)).astype(np.uint8)
    anchors_u8[:, 2:] = rng.integers(20, 90, (NUM_BOXES, 2))  # positive sizes
    boxes_u8 = rng.integers(88, 168, (1, NUM_BOXES, 4)).astype(np.uint8)
    # Coarse scores: ties between anchors and classes are common in uint8.
    scores_u8 = (rng.integers(0, 16, (1, NUM_BOXES, COLS)) * 17).astype(np.uint8)
    for kind in ("fast", "regular"):
        src = os.path.join(ZOO, "net_ssd_detector.tflite" if kind == "fast" else "net_ssd_detector_regular_nms.tflite")
        content = postprocess_model(custom_options(src), S.TensorType.UINT8, anchors_u8)
        save("postprocess_u8_" + kind, content, [boxes_u8, scores_u8], run(content, [boxes_u8, scores_u8]))
    anchors_f = (anchors_u8.astype(np.float32) / 255.0).astype(np.float32)
    boxes_f = ((boxes_u8.astype(np.float32) - 128) * 0.05).astype(np.float32)
    content = postprocess_model(custom_options(os.path.join(ZOO, "net_ssd_detector_multiclass.tflite")),
                                S.TensorType.FLOAT32, anchors_f)
    save("postprocess_mixed", content, [boxes_f, scores_u8], run(content, [boxes_f, scores_u8]))

    img = tf.io.decode_png(tf.io.read_file(os.path.join(REPO, "testdata", "images", "astronaut.png")), 3).numpy()
    small = resize_bilinear(img, 32, 32)
    tf.io.write_file(os.path.join(OUT, "astronaut_32.png"), tf.io.encode_png(small))
    x = ((small.astype(np.float32) - 127.5) / 127.5)[None]
    ssd = open(os.path.join(ZOO, "net_ssd_detector.tflite"), "rb").read()
    save("ssd_astronaut", None, [], run(ssd, [x]))


if __name__ == "__main__":
    main()
