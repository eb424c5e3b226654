"""Control flow, resource variables and signatures of other subgraphs, in
edgeml and in LiteRT (reference kernels) on the same zoo models.

Run through scripts/test_python.sh, which installs the package first."""

import os

import numpy as np
import pytest

from edgeml.interpreter import Interpreter

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZOO = os.path.join(REPO, "testdata", "zoo")

litert = pytest.importorskip("ai_edge_litert.interpreter")


def _pair(name):
    path = os.path.join(ZOO, name + ".tflite")
    ref = litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    return Interpreter(model_path=path), ref


def test_stateful_variable_matches_litert_across_invokes_and_resets():
    ours, ref = _pair("net_stateful_variable")
    for it in (ours, ref):
        it.allocate_tensors()
    rng = np.random.default_rng(7)
    xs = [rng.uniform(-1, 1, (1, 4)).astype(np.float32) for _ in range(4)]
    first = None
    for k, x in enumerate(xs):
        outs = []
        for it in (ours, ref):
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
            outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
        np.testing.assert_allclose(outs[0], outs[1], rtol=0, atol=1e-6)
        if k == 0:
            first = outs[0]
    # The state moved on; a reset (resource variables included, unlike
    # LiteRT 2.3) starts over from the initializer.
    assert not np.allclose(outs[0], first)
    ours.reset_all_variables()
    ours.set_tensor(ours.get_input_details()[0]["index"], xs[0])
    ours.invoke()
    np.testing.assert_array_equal(ours.get_tensor(ours.get_output_details()[0]["index"]), first)


@pytest.mark.parametrize("key", ["encode", "score"])
def test_every_signature_runs_by_key(key):
    ours, ref = _pair("net_multi_signature")
    x = np.random.default_rng(3).uniform(-1, 1, (1, 4)).astype(np.float32)
    name = {"encode": "x", "score": "y"}[key]
    got = ours.get_signature_runner(key)(**{name: x})
    want = ref.get_signature_runner(key)(**{name: x})
    assert sorted(got) == sorted(want)
    for out in want:
        np.testing.assert_allclose(got[out], want[out], rtol=0, atol=1e-6)


def test_if_takes_both_branches_like_litert():
    ours, ref = _pair("net_cond_if")
    for it in (ours, ref):
        it.allocate_tensors()
    for x in (np.full((1, 4), 0.5, np.float32), np.full((1, 4), -0.5, np.float32)):
        outs = []
        for it in (ours, ref):
            it.set_tensor(it.get_input_details()[0]["index"], x)
            it.invoke()
            outs.append(it.get_tensor(it.get_output_details()[0]["index"]))
        np.testing.assert_allclose(outs[0], outs[1], rtol=0, atol=1e-6)
