"""The edgeml Python package against ai_edge_litert (LiteRT's reference
kernels): same details, same outputs on seeded inputs, and the
tf.lite.Interpreter contract (views, errors, signatures).

Run through scripts/test_python.sh, which installs the package first."""

import gc
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import edgeml
from edgeml.interpreter import Interpreter, load_delegate

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(REPO, "testdata", "models")
QUANT = os.path.join(REPO, "testdata", "quant")
SCRIPTS = os.path.join(REPO, "scripts")
MEDIAPIPE = [
    "face_detection_short_range",
    "hand_landmark_lite",
    "pose_landmark_lite",
    "selfie_segmentation",
]
# int8, per-channel int8, uint8 I/O, 16x8 and hybrid models.
QUANT_MODELS = ["conv_s1_same", "conv_spread_scales", "conv_uint8_io", "conv_s1_same_16x8", "add", "fc_dyn"]

sys.path.insert(0, SCRIPTS)
import _reference  # noqa: E402  (scripts/: seeded inputs)

litert = pytest.importorskip("ai_edge_litert.interpreter")


# scripts/_tflite_edit.py generates the format's Python code as a package
# named `edgeml`, which would shadow this one: run it in a child process.
_PREPARE = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import _reference, _tflite_edit
    out = sys.argv[2]
    paths = {}
    paths["selfie"] = _reference.reference_model_path(sys.argv[3], out)
    tfl = _tflite_edit._load_schema()[0]
    from edgeml.tfl import Model, SignatureDef, TensorMap
    import flatbuffers
    with open(sys.argv[4], "rb") as f:
        buf = bytearray(f.read())
    m = Model.ModelT.InitFromObj(Model.Model.GetRootAs(buf, 0))
    sg = m.subgraphs[0]
    sig = SignatureDef.SignatureDefT()
    sig.signatureKey = "serving_default"
    sig.subgraphIndex = 0
    def tmap(name, index):
        t = TensorMap.TensorMapT()
        t.name = name
        t.tensorIndex = index
        return t
    sig.inputs = [tmap("b_in", sg.inputs[1]), tmap("a_in", sg.inputs[0])]
    sig.outputs = [tmap("sum", sg.outputs[0])]
    m.signatureDefs = [sig]
    b = flatbuffers.Builder(len(buf) + 1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    paths["signature"] = out + "/add_signature.tflite"
    with open(paths["signature"], "wb") as f:
        f.write(b.Output())
    print(json.dumps(paths))
    """
)


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("models"))
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            _PREPARE,
            SCRIPTS,
            out,
            os.path.join(MODELS, "selfie_segmentation.tflite"),
            os.path.join(QUANT, "add.tflite"),
        ],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def litert_interpreter(path):
    it = litert.Interpreter(
        model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF
    )
    it.allocate_tensors()
    return it


def edgeml_interpreter(path, **kwargs):
    it = Interpreter(model_path=path, **kwargs)
    it.allocate_tensors()
    return it


def assert_details_equal(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert set(a) == set(b)
        assert a["name"] == b["name"]
        assert a["index"] == b["index"]
        for key in ("shape", "shape_signature"):
            assert a[key].dtype == np.int32
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        assert a["dtype"] is b["dtype"]
        assert a["quantization"] == b["quantization"]
        qa, qb = a["quantization_parameters"], b["quantization_parameters"]
        assert qa["scales"].dtype == qb["scales"].dtype
        assert qa["zero_points"].dtype == qb["zero_points"].dtype
        np.testing.assert_array_equal(qa["scales"], qb["scales"])
        np.testing.assert_array_equal(qa["zero_points"], qb["zero_points"])
        assert qa["quantized_dimension"] == qb["quantized_dimension"]
        assert a["sparsity_parameters"] == b["sparsity_parameters"]


def test_import_layout():
    import edgeml.interpreter as mod

    assert edgeml.Interpreter is mod.Interpreter
    assert edgeml.load_delegate is mod.load_delegate
    assert isinstance(edgeml.__version__, str)


@pytest.mark.parametrize("name", MEDIAPIPE)
def test_mediapipe_models_match_litert(name, prepared):
    path = os.path.join(MODELS, name + ".tflite")
    ref_path = prepared["selfie"] if name == "selfie_segmentation" else path
    ours = edgeml_interpreter(path)
    ref = litert_interpreter(ref_path)

    assert_details_equal(ours.get_input_details(), ref.get_input_details())
    ours_out, ref_out = ours.get_output_details(), ref.get_output_details()
    assert [d["name"] for d in ours_out] == [d["name"] for d in ref_out]
    assert_details_equal(ours_out, ref_out)

    for seed in (0, 1):
        inputs = _reference.random_inputs(ref, seed)
        _, ref_values = _reference.run(ref, inputs)
        _, our_values = _reference.run(ours, inputs)
        for d, a, b in zip(ours_out, our_values, ref_values):
            assert a.shape == b.shape and a.dtype == b.dtype
            bound = 1e-4 * max(1.0, float(np.max(np.abs(b))))
            err = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
            assert err <= bound, "%s output %s: max abs error %g > %g" % (name, d["name"], err, bound)


@pytest.mark.parametrize("name", QUANT_MODELS)
def test_quantized_models_match_litert(name):
    path = os.path.join(QUANT, name + ".tflite")
    ours = edgeml_interpreter(path)
    ref = litert_interpreter(path)
    assert_details_equal(ours.get_input_details(), ref.get_input_details())
    assert_details_equal(ours.get_output_details(), ref.get_output_details())
    inputs = _reference.random_inputs(ref, 3)
    _, ref_values = _reference.run(ref, inputs)
    _, our_values = _reference.run(ours, inputs)
    for a, b in zip(our_values, ref_values):
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-4 * max(1.0, float(np.max(np.abs(b)))))
        else:
            np.testing.assert_array_equal(a, b)


def test_per_channel_quantization_details():
    ours = edgeml_interpreter(os.path.join(QUANT, "conv_spread_scales.tflite"))
    ref = litert_interpreter(os.path.join(QUANT, "conv_spread_scales.tflite"))
    by_name = {d["name"]: d for d in ref.get_tensor_details()}
    checked = 0
    for d in ours.get_tensor_details():
        r = by_name.get(d["name"])
        if r is None or d["quantization_parameters"]["scales"].size < 2:
            continue
        assert d["quantization"] == (0.0, 0) == r["quantization"]
        np.testing.assert_array_equal(d["quantization_parameters"]["scales"], r["quantization_parameters"]["scales"])
        assert d["quantization_parameters"]["quantized_dimension"] == r["quantization_parameters"]["quantized_dimension"]
        checked += 1
    assert checked >= 1


def _assert_nested_equal(a, b, where):
    assert type(a) is type(b) or (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)), where
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), where
        for k in a:
            _assert_nested_equal(a[k], b[k], "%s.%s" % (where, k))
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_nested_equal(x, y, "%s[%d]" % (where, i))
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b, where


def test_sparsity_parameters_match_litert():
    # tests/python/data/make_sparse_conv.py: CONV_2D weights stored sparse
    # (a SPARSE_CSR dimension) and read by DENSIFY.
    path = os.path.join(REPO, "tests", "python", "data", "sparse_conv.tflite")
    ours = edgeml_interpreter(path)
    ref = litert_interpreter(path)
    theirs = {d["name"]: d for d in ref.get_tensor_details()}
    sparse = 0
    for d in ours.get_tensor_details():
        r = theirs.get(d["name"])
        if r is None:
            continue  # LiteRT leaves out the DENSIFY output it folded
        _assert_nested_equal(d["sparsity_parameters"], r["sparsity_parameters"], d["name"])
        if d["sparsity_parameters"]:
            sparse += 1
            formats = [m["format"] for m in d["sparsity_parameters"]["dim_metadata"]]
            assert 1 in formats  # a SPARSE_CSR dimension with segments and indices
    assert sparse == 1


def test_tensor_details_names_match_litert():
    path = os.path.join(QUANT, "conv_s1_same.tflite")
    ours = {d["index"]: d for d in edgeml_interpreter(path).get_tensor_details()}
    ref = litert_interpreter(path).get_tensor_details()
    for r in ref:
        if r["name"]:  # LiteRT may add unnamed temporaries
            assert ours[r["index"]]["name"] == r["name"]
            assert ours[r["index"]]["dtype"] is r["dtype"]


def test_model_content_matches_model_path():
    path = os.path.join(QUANT, "conv_s1_same.tflite")
    with open(path, "rb") as f:
        data = f.read()
    by_path = edgeml_interpreter(path)
    inputs = _reference.random_inputs(by_path, 5)
    _, expected = _reference.run(by_path, inputs)
    unaligned = memoryview(b"\0" + data)[1:]  # copied by edgeml
    for content in (data, bytearray(data), memoryview(bytearray(data)), unaligned):
        it = Interpreter(model_content=content)
        del content
        gc.collect()
        it.allocate_tensors()
        _, got = _reference.run(it, inputs)
        np.testing.assert_array_equal(got[0], expected[0])


def test_model_content_kept_alive():
    with open(os.path.join(QUANT, "conv_s1_same.tflite"), "rb") as f:
        it = Interpreter(model_content=f.read())  # the only reference
    gc.collect()
    it.allocate_tensors()
    for d in it.get_tensor_details():
        assert it.get_tensor(d["index"]).shape == tuple(d["shape"])  # constants still readable
    it.invoke()


def test_tensor_view_aliases_memory():
    it = edgeml_interpreter(os.path.join(QUANT, "add.tflite"))
    a, b = [d["index"] for d in it.get_input_details()]
    out = it.get_output_details()[0]["index"]
    view_a = it.tensor(a)
    view_a()[...] = 3
    assert np.all(it.get_tensor(a) == 3)  # a write through the view is the tensor
    it.set_tensor(b, np.full(it.get_input_details()[1]["shape"], 5, dtype=np.int8))
    assert np.all(view_a() == 3)
    it.invoke()
    assert np.array_equal(it.tensor(out)(), it.get_tensor(out))

    copy = it.get_tensor(a)
    copy[...] = 7
    assert np.all(view_a() == 3)  # get_tensor is a copy

    held = view_a()
    with pytest.raises(RuntimeError, match="reference to internal data"):
        it.allocate_tensors()
    with pytest.raises(RuntimeError, match="reference to internal data"):
        it.resize_tensor_input(a, [1, 8, 8, 4])
    it.invoke()  # invoke allocates nothing: views stay valid
    sliced = held[0, :2]
    del held
    with pytest.raises(RuntimeError):
        it.allocate_tensors()
    del sliced
    it.allocate_tensors()


def test_view_keeps_interpreter_alive():
    it = edgeml_interpreter(os.path.join(QUANT, "add.tflite"))
    idx = it.get_input_details()[0]["index"]
    view = it.tensor(idx)()
    del it
    gc.collect()
    view[...] = 1  # memory still owned by the live native interpreter
    assert int(view.sum()) == view.size


def test_constant_views_are_read_only():
    it = edgeml_interpreter(os.path.join(QUANT, "conv_s1_same.tflite"))
    io = {d["index"] for d in it.get_input_details() + it.get_output_details()}
    const = [d for d in it.get_tensor_details() if d["index"] not in io]
    assert const
    for d in const:
        try:
            v = it.tensor(d["index"])()
        except ValueError:
            continue  # not a constant (an unallocated temporary)
        if not v.flags.writeable:
            with pytest.raises(ValueError):
                v[...] = 0
            with pytest.raises(ValueError, match="constant"):
                it.set_tensor(d["index"], np.zeros(d["shape"], dtype=d["dtype"]))
            return
    pytest.fail("no read-only constant tensor found")


def test_set_tensor_errors():
    it = edgeml_interpreter(os.path.join(MODELS, "face_detection_short_range.tflite"))
    d = it.get_input_details()[0]
    with pytest.raises(ValueError, match="Got value of type FLOAT64 but expected type FLOAT32 for input %d" % d["index"]):
        it.set_tensor(d["index"], np.zeros(d["shape"], dtype=np.float64))
    with pytest.raises(ValueError, match="Dimension mismatch. Got 3 but expected 4 for input"):
        it.set_tensor(d["index"], np.zeros((1, 128, 128), dtype=np.float32))
    with pytest.raises(ValueError, match="Got 64 but expected 128 for dimension 1 of input"):
        it.set_tensor(d["index"], np.zeros((1, 64, 128, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="Invalid tensor index 100000"):
        it.set_tensor(100000, np.zeros(1, dtype=np.float32))
    with pytest.raises(ValueError, match="Invalid tensor index"):
        it.get_tensor(-1)
    with pytest.raises(ValueError, match="Invalid tensor index"):
        it.tensor(10**6)


def test_lifecycle_errors(tmp_path):
    path = os.path.join(QUANT, "add.tflite")
    it = Interpreter(model_path=path)
    with pytest.raises(RuntimeError, match="allocate_tensors"):
        it.invoke()
    with pytest.raises(ValueError, match="Tensor data is null"):
        it.get_tensor(it.get_input_details()[0]["index"])
    it.allocate_tensors()
    it.invoke()

    with pytest.raises(ValueError):
        Interpreter(model_path=str(tmp_path / "missing.tflite"))
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model at all" * 10)
    with pytest.raises(ValueError):
        Interpreter(model_path=str(bad))
    with pytest.raises(ValueError):
        Interpreter(model_content=b"\x00" * 64)
    with pytest.raises(TypeError, match="model_content"):
        Interpreter(model_content="not bytes")
    with pytest.raises(ValueError, match="both"):
        Interpreter(model_path=path, model_content=b"x")
    with pytest.raises(ValueError, match="without model_path"):
        Interpreter()
    with pytest.raises(ValueError, match="num_threads"):
        Interpreter(model_path=path, num_threads=0)
    with pytest.raises(ValueError, match="experimental_delegates must hold"):
        Interpreter(model_path=path, experimental_delegates=[object()])
    it2 = Interpreter(model_path=path, num_threads=2)
    it2.allocate_tensors()


def test_load_delegate_reports_a_missing_library():
    # A bare name is searched on the library path, as tflite_runtime does.
    with pytest.raises(ValueError, match="Failed to load delegate from libedgetpu_absent.so.1"):
        load_delegate("libedgetpu_absent.so.1")


def test_resize_tensor_input_matches_litert():
    path = os.path.join(QUANT, "add.tflite")
    ours = Interpreter(model_path=path)
    ref = litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    for it in (ours, ref):
        for d in it.get_input_details():
            it.resize_tensor_input(d["index"], [2, 8, 8, 4])
        it.allocate_tensors()
    assert_details_equal(ours.get_input_details(), ref.get_input_details())
    assert_details_equal(ours.get_output_details(), ref.get_output_details())
    inputs = _reference.random_inputs(ref, 9)
    _, expected = _reference.run(ref, inputs)
    _, got = _reference.run(ours, inputs)
    assert got[0].shape == (2, 8, 8, 4)
    np.testing.assert_array_equal(got[0], expected[0])

    d = ours.get_input_details()[0]
    with pytest.raises(ValueError, match="ResizeInputTensorStrict"):
        ours.resize_tensor_input(d["index"], [3, 8, 8, 4], strict=True)
    with pytest.raises(ValueError, match="not an input"):
        ours.resize_tensor_input(ours.get_output_details()[0]["index"], [1, 8, 8, 4])
    # After a resize, data is off limits until allocate_tensors().
    ours.resize_tensor_input(d["index"], [1, 8, 8, 4])
    with pytest.raises(ValueError, match="allocate_tensors"):
        ours.get_tensor(d["index"])
    with pytest.raises(RuntimeError, match="allocate_tensors"):
        ours.invoke()


def test_signatures_match_litert(prepared):
    path = prepared["signature"]
    ours = Interpreter(model_path=path)
    ref = litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    assert ours.get_signature_list() == ref.get_signature_list()
    runner, ref_runner = ours.get_signature_runner(), ref.get_signature_runner("serving_default")
    shape = (1, 8, 8, 4)
    rng = np.random.default_rng(4)
    a = rng.integers(-128, 128, size=shape).astype(np.int8)
    b = rng.integers(-128, 128, size=shape).astype(np.int8)
    got, expected = runner(a_in=a, b_in=b), ref_runner(a_in=a, b_in=b)
    assert list(got) == list(expected) == ["sum"]
    np.testing.assert_array_equal(got["sum"], expected["sum"])
    # A different batch resizes through the runner.
    a2, b2 = np.concatenate([a, b]), np.concatenate([b, a])
    np.testing.assert_array_equal(runner(a_in=a2, b_in=b2)["sum"], ref_runner(a_in=a2, b_in=b2)["sum"])
    assert set(runner.get_input_details()) == {"a_in", "b_in"}
    with pytest.raises(ValueError, match="Invalid number of inputs"):
        runner(a_in=a)
    with pytest.raises(ValueError, match="Invalid Input name"):
        runner(a_in=a, c_in=b)
    with pytest.raises(ValueError):
        ours.get_signature_runner("nope")


def test_no_signatures_and_variables():
    it = edgeml_interpreter(os.path.join(MODELS, "hand_landmark_lite.tflite"))
    assert it.get_signature_list() == {}
    with pytest.raises(ValueError, match="None is only allowed"):
        it.get_signature_runner()
    it.reset_all_variables()  # no variables: a no-op
    assert len(it._get_ops_details()) > 0
