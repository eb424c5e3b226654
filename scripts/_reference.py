"""Shared helpers for make_goldens.py and conformance.py: the LiteRT reference
runs, seeded inputs, and the image preprocessing of `edgeml run`."""

import os
import struct
import tempfile
import zlib

import numpy as np

import _tflite_edit

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def litert_version():
    try:
        from importlib.metadata import version

        return version("ai-edge-litert")
    except Exception:  # noqa: BLE001 - metadata is optional
        return "unknown"


def reference_model_path(model_path, workdir):
    """Path of a model LiteRT can run: the model itself, or a copy in
    `workdir` with MediaPipe's Convolution2DTransposeBias rewritten into the
    builtin TRANSPOSE_CONV (see _tflite_edit.py)."""
    stem = os.path.splitext(os.path.basename(model_path))[0]
    out = os.path.join(workdir, stem + ".litert.tflite")
    n = _tflite_edit.rewrite_transpose_conv_bias(model_path, out)
    return out if n else model_path


def make_interpreter(model_path):
    # BUILTIN_REF: LiteRT's reference kernels, with XNNPACK off, so that the
    # reference is the plain arithmetic edgeml's reference kernels follow.
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(model_path=model_path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    return it


def random_inputs(interp, seed):
    """One array per model input, in input order, from one default_rng(seed)
    stream: uniform [-1, 1) for float inputs, small integers otherwise."""
    rng = np.random.default_rng(seed)
    arrays = []
    for d in interp.get_input_details():
        shape = tuple(int(x) for x in d["shape"])
        dtype = np.dtype(d["dtype"])
        if dtype.kind == "f":
            a = rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
        elif dtype == np.bool_:
            a = rng.integers(0, 2, size=shape).astype(np.bool_)
        else:
            a = rng.integers(0, 10, size=shape).astype(dtype)
        arrays.append(a)
    return arrays


def run(interp, inputs):
    """Runs the interpreter on `inputs` (input order); returns (names, outputs)
    in output order."""
    for d, a in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], a)
    interp.invoke()
    outs = interp.get_output_details()
    return [d["name"] for d in outs], [np.array(interp.get_tensor(d["index"])) for d in outs]


def temp_dir():
    return tempfile.mkdtemp(prefix="edgeml_conf_")


# --- images -----------------------------------------------------------------


def read_png(path):
    """Minimal PNG decoder (8-bit gray/RGB/RGBA, non-interlaced): enough for
    testdata/images, without an imaging library. Returns HxWxC uint8."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG" % path)
    pos, idat = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    channels = {0: 1, 2: 3, 6: 4}.get(color)
    if depth != 8 or channels is None or interlace:
        raise ValueError("%s: only 8-bit gray/RGB/RGBA non-interlaced PNGs" % path)
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    img = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 255
        elif ftype in (1, 3, 4):
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):  # left-dependent filters: per byte
                a = cur[x - channels] if x >= channels else 0
                b = prev[x]
                if ftype == 1:
                    p = a
                elif ftype == 3:
                    p = (a + b) >> 1
                else:
                    c = prev[x - channels] if x >= channels else 0
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        else:
            raise ValueError("%s: bad PNG filter %d" % (path, ftype))
        img[y] = cur
        prev = cur
    return img.reshape(h, w, channels)


def _bilinear_taps(out_size, in_size):
    """Per destination index: source indices i0, i1 and the weight of i1, for
    half-pixel centers, s = (d + 0.5) * in/out - 0.5 clamped to the image;
    float32 arithmetic as in src/io/image.cc."""
    scale = np.float32(in_size) / np.float32(out_size)
    s = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale - np.float32(0.5)
    s = np.maximum(s, np.float32(0.0))
    i0 = np.minimum(s.astype(np.int64), in_size - 1)
    i1 = np.minimum(i0 + 1, in_size - 1)
    return i0, i1, (s - i0.astype(np.float32)).astype(np.float32)


def resize_bilinear_u8(img, out_h, out_w):
    """HxWxC uint8 -> out_h x out_w x C uint8: bilinear with half-pixel
    centers (OpenCV INTER_LINEAR, TF half_pixel_centers=True), clamped edges,
    no antialiasing, rounded half away from zero; the same float32 operations
    in the same order as edgeml's io::ResizeBilinear, so the result is
    bit-identical."""
    y0, y1, fy = _bilinear_taps(out_h, img.shape[0])
    x0, x1, fx = _bilinear_taps(out_w, img.shape[1])
    src = img.astype(np.int32)
    fx = fx[None, :, None]
    fy = fy[:, None, None]

    def lerp_x(rows):
        a = rows[:, x0, :]
        b = rows[:, x1, :]
        return a.astype(np.float32) + (b - a).astype(np.float32) * fx

    top = lerp_x(src[y0])
    bot = lerp_x(src[y1])
    v = top + (bot - top) * fy
    r = np.floor(v)
    r = r + (v - r >= np.float32(0.5))
    return np.clip(r, 0, 255).astype(np.uint8)


def image_to_input(path, shape):
    """The preprocessing of `edgeml run MODEL --input IMAGE` for a float NHWC
    input of `shape`: decode, drop alpha, resize to H x W (resize_bilinear_u8)
    in uint8, then float = (v - 127.5) / 127.5 in float32.
    Returns (uint8 resized image, float32 NHWC batch of one)."""
    img = read_png(path)
    if img.shape[2] == 4:
        img = img[:, :, :3]
    if img.shape[2] == 1:
        img = np.repeat(img, 3, axis=2)
    _, h, w, c = shape
    if c != 3:
        raise ValueError("image input needs 3 channels, model wants %d" % c)
    small = resize_bilinear_u8(img, h, w)
    x = (small.astype(np.float32) - np.float32(127.5)) / np.float32(127.5)
    return small, x[None, ...]
