"""Delegates from Python: load_delegate() and experimental_delegates with the
sample external delegate (examples/delegate_plugin, built here with the C
compiler, as a vendor would build theirs), checked against LiteRT."""

import os
import shutil
import subprocess

import numpy as np
import pytest

import edgeml
from edgeml.interpreter import Interpreter, load_delegate

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ZOO = os.path.join(REPO, "testdata", "zoo")
MODELS = os.path.join(REPO, "testdata", "models")

litert = pytest.importorskip("ai_edge_litert.interpreter")


@pytest.fixture(scope="session")
def sample_plugin(tmp_path_factory):
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    assert cc, "a C compiler is needed to build the sample delegate plugin"
    out = str(tmp_path_factory.mktemp("plugin") / "libedgeml_sample_delegate.so")
    subprocess.run(
        [cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC", "-fvisibility=hidden",
         "-I", os.path.join(REPO, "include"),
         os.path.join(REPO, "examples", "delegate_plugin", "sample_add_delegate.c"), "-o", out],
        check=True,
    )
    return out


def run(interp, inputs):
    interp.allocate_tensors()
    for d, x in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], x)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def test_sample_plugin_runs_the_zoo_add_like_litert(sample_plugin):
    path = os.path.join(ZOO, "add.tflite")
    inputs = [np.load(os.path.join(ZOO, "add.input_%d.npy" % i)) for i in range(2)]
    delegate = load_delegate(sample_plugin)
    assert delegate.name == "plugin:sample_add"
    ours = Interpreter(model_path=path, experimental_delegates=[delegate])
    got = run(ours, inputs)
    assert [op["delegate"] for op in ours._get_ops_details()] == ["plugin:sample_add"]
    ref = litert.Interpreter(model_path=path)
    want = run(ref, inputs)
    np.testing.assert_array_equal(got[0], want[0])


def test_options_reach_the_plugin(sample_plugin):
    path = os.path.join(ZOO, "add.tflite")
    # The zoo ADD has 24 elements: under min_elements=1000 the plugin refuses it.
    it = Interpreter(model_path=path,
                     experimental_delegates=[load_delegate(sample_plugin, {"min_elements": 1000})])
    it.allocate_tensors()
    assert [op["delegate"] for op in it._get_ops_details()] == [""]
    with pytest.raises(ValueError, match="unknown option 'colour'"):
        load_delegate(sample_plugin, {"colour": "blue"})
    with pytest.raises(ValueError, match="Failed to load delegate from /nonexistent/lib.so"):
        load_delegate("/nonexistent/lib.so")


def test_partly_delegated_mediapipe_model_matches_cpu(sample_plugin):
    # The plugin takes the float32 ADDs without broadcast or fused activation;
    # the rest stays on the CPU. Results equal edgeml's CPU run exactly.
    path = os.path.join(MODELS, "selfie_segmentation.tflite")
    cpu = Interpreter(model_path=path)
    cpu.allocate_tensors()
    d = cpu.get_input_details()[0]
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, size=d["shape"]).astype(np.float32)
    want = run(cpu, [x])
    it = Interpreter(model_path=path, experimental_delegates=[load_delegate(sample_plugin)])
    got = run(it, [x])
    taken = [op for op in it._get_ops_details() if op["delegate"]]
    assert taken, "the plugin took no node of selfie_segmentation"
    assert all(op["op_name"] == "ADD" for op in taken)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)


def test_delegate_shared_by_interpreters_outlives_them(sample_plugin):
    path = os.path.join(ZOO, "add.tflite")
    inputs = [np.load(os.path.join(ZOO, "add.input_%d.npy" % i)) for i in range(2)]
    delegate = load_delegate(sample_plugin)
    a = Interpreter(model_path=path, experimental_delegates=[delegate])
    b = Interpreter(model_path=path, experimental_delegates=[delegate])
    del delegate
    np.testing.assert_array_equal(run(a, inputs)[0], run(b, inputs)[0])


def test_package_exports_delegate_names():
    assert edgeml.load_delegate is load_delegate
    assert isinstance(edgeml.Delegate, type)
