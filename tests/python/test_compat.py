"""tflite_runtime compatibility: tflite_runtime_script.py, a user script
written for tflite_runtime with only its import line changed, runs unchanged
on edgeml, and gives LiteRT's answers (ai_edge_litert, reference kernels)
when the same script runs with its original import line restored.

Covered: every committed zoo model edgeml supports (testdata/zoo, status
"pass" in expected_status.txt) on its stored inputs, and the four MediaPipe
models on seeded random inputs. Run through scripts/test_python.sh."""

import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap
import types

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ZOO = os.path.join(REPO, "testdata", "zoo")
MODELS = os.path.join(REPO, "testdata", "models")
SCRIPTS = os.path.join(REPO, "scripts")
SCRIPT = os.path.join(HERE, "tflite_runtime_script.py")
MEDIAPIPE = [
    "face_detection_short_range",
    "hand_landmark_lite",
    "pose_landmark_lite",
    "selfie_segmentation",
]
CHANGED_LINE = (
    "from edgeml.interpreter import Interpreter  "
    "# the one changed line (was: from tflite_runtime.interpreter import Interpreter)"
)
ORIGINAL_LINE = "from tflite_runtime.interpreter import Interpreter"

sys.path.insert(0, SCRIPTS)
import _reference  # noqa: E402  (scripts/: seeded inputs)

litert = pytest.importorskip("ai_edge_litert.interpreter")


def zoo_models():
    """Names of the zoo models whose expected status is "pass"."""
    names = []
    with open(os.path.join(ZOO, "expected_status.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, status = line.partition(" ")
            if status.strip() == "pass":
                names.append(name)
    return names


ZOO_MODELS = zoo_models()


def zoo_resolvers():
    """The LiteRT resolver each zoo golden came from (manifest.json): BUILTIN_REF
    except for ops LiteRT has no reference kernel for (e.g. ROUND)."""
    with open(os.path.join(ZOO, "manifest.json")) as f:
        manifest = json.load(f)
    return {m["name"]: m.get("golden", "BUILTIN_REF") for m in manifest["models"]}


ZOO_RESOLVERS = zoo_resolvers()


def zoo_inputs(name):
    """The stored inputs <name>.input_<i>.npy, in input order."""
    pattern = re.compile(re.escape(name) + r"\.input_(\d+)\.npy$")
    found = {}
    for fname in os.listdir(ZOO):
        m = pattern.match(fname)
        if m:
            found[int(m.group(1))] = os.path.join(ZOO, fname)
    assert sorted(found) == list(range(len(found))), "%s: inputs %s are not 0..n-1" % (name, sorted(found))
    return [np.load(found[i]) for i in range(len(found))]


def _script_source():
    with open(SCRIPT) as f:
        return f.read()


def _original_source():
    """The script as it was written for tflite_runtime."""
    source = _script_source()
    assert source.count(CHANGED_LINE) == 1
    return source.replace(CHANGED_LINE, ORIGINAL_LINE)


class _ReferenceInterpreter(litert.Interpreter):
    """ai_edge_litert's Interpreter with the reference kernels (BUILTIN_REF),
    the arithmetic edgeml follows, as the script's tflite_runtime."""

    resolver = litert.OpResolverType.BUILTIN_REF

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("experimental_op_resolver_type", self.resolver)
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="session")
def edgeml_script():
    # The file itself, imported as a user would.
    spec = importlib.util.spec_from_file_location("tflite_runtime_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def reference_script():
    # The original script, importing a tflite_runtime backed by LiteRT.
    package = types.ModuleType("tflite_runtime")
    submodule = types.ModuleType("tflite_runtime.interpreter")
    submodule.Interpreter = _ReferenceInterpreter
    package.interpreter = submodule
    saved = {k: sys.modules.get(k) for k in (package.__name__, submodule.__name__)}
    sys.modules[package.__name__] = package
    sys.modules[submodule.__name__] = submodule
    try:
        module = types.ModuleType("tflite_runtime_script_original")
        module.__file__ = SCRIPT
        exec(compile(_original_source(), SCRIPT, "exec"), module.__dict__)
    finally:
        for k, v in saved.items():
            if v is None:
                del sys.modules[k]
            else:
                sys.modules[k] = v
    assert module.Interpreter is _ReferenceInterpreter
    return module


# scripts/_tflite_edit.py generates the format's Python code as a package
# named `edgeml`, which would shadow this one: rewrite selfie_segmentation's
# custom op for LiteRT in a child process (as test_interpreter.py does).
_PREPARE = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import _reference
    print(json.dumps(_reference.reference_model_path(sys.argv[3], sys.argv[2])))
    """
)


@pytest.fixture(scope="session")
def selfie_reference_path(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("compat_models"))
    res = subprocess.run(
        [sys.executable, "-c", _PREPARE, SCRIPTS, out, os.path.join(MODELS, "selfie_segmentation.tflite")],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.strip().splitlines()[-1])


def assert_outputs_match(label, ours, ref):
    assert len(ours) == len(ref), "%s: %d outputs, LiteRT has %d" % (label, len(ours), len(ref))
    for i, (a, b) in enumerate(zip(ours, ref)):
        assert a.shape == b.shape, "%s output %d: shape %s, LiteRT %s" % (label, i, a.shape, b.shape)
        assert a.dtype == b.dtype, "%s output %d: dtype %s, LiteRT %s" % (label, i, a.dtype, b.dtype)
        if a.dtype.kind in "fc":
            bound = 1e-4 * max(1.0, float(np.max(np.abs(b), initial=0.0)))
            err = float(np.max(np.abs(a.astype(np.complex128) - b.astype(np.complex128)), initial=0.0))
            assert err <= bound, "%s output %d: max abs error %g > %g" % (label, i, err, bound)
        else:
            mismatches = int(np.count_nonzero(a != b))
            assert mismatches == 0, "%s output %d: %d of %d values differ" % (label, i, mismatches, a.size)


def test_script_differs_from_tflite_runtime_only_by_its_import():
    source = _script_source()
    assert source.count(CHANGED_LINE) == 1
    original = _original_source()
    imported = set()
    for node in ast.walk(ast.parse(original)):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert imported == {"numpy", "tflite_runtime.interpreter"}


def test_zoo_list_is_complete():
    assert len(ZOO_MODELS) >= 100
    for name in ZOO_MODELS:
        assert os.path.isfile(os.path.join(ZOO, name + ".tflite")), name


@pytest.mark.parametrize("name", ZOO_MODELS)
def test_zoo_model(name, edgeml_script, reference_script, monkeypatch):
    resolver = getattr(litert.OpResolverType, ZOO_RESOLVERS.get(name, "BUILTIN_REF"))
    monkeypatch.setattr(_ReferenceInterpreter, "resolver", resolver)
    path = os.path.join(ZOO, name + ".tflite")
    inputs = zoo_inputs(name)
    ours = edgeml_script.run(path, inputs)
    ref = reference_script.run(path, inputs)
    assert_outputs_match(name, ours, ref)


@pytest.mark.parametrize("name", MEDIAPIPE)
def test_mediapipe_model(name, edgeml_script, reference_script, selfie_reference_path):
    path = os.path.join(MODELS, name + ".tflite")
    ref_path = selfie_reference_path if name == "selfie_segmentation" else path
    inputs = _reference.random_inputs(litert.Interpreter(model_path=ref_path), 7)
    assert all(a.dtype == np.float32 for a in inputs)
    ours = edgeml_script.run(path, inputs)
    ref = reference_script.run(ref_path, inputs)
    assert_outputs_match(name, ours, ref)


def test_comparison_can_fail():
    ref = [np.array([1.0, -200.0], dtype=np.float32), np.array([3, 4], dtype=np.int8)]
    assert_outputs_match("ok", [ref[0] + np.float32(0.01), ref[1].copy()], ref)  # 0.01 <= 1e-4 * 200
    with pytest.raises(AssertionError, match="max abs error"):
        assert_outputs_match("float", [ref[0] + np.float32(0.03), ref[1]], ref)
    with pytest.raises(AssertionError, match="1 of 2 values differ"):
        assert_outputs_match("int", [ref[0], np.array([3, 5], dtype=np.int8)], ref)
    with pytest.raises(AssertionError, match="dtype"):
        assert_outputs_match("dtype", [ref[0], ref[1].astype(np.int16)], ref)


# --- type stubs ------------------------------------------------------------------


def _stub(module):
    path = os.path.splitext(module.__file__)[0] + ".pyi"
    assert os.path.isfile(path), "%s is not installed" % path
    with open(path) as f:
        return ast.parse(f.read(), path)


def _stub_params(fn):
    a = fn.args
    names = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
    if a.vararg:
        names.append("*" + a.vararg.arg)
    if a.kwarg:
        names.append("**" + a.kwarg.arg)
    return names


def _runtime_params(fn):
    import inspect

    names = []
    for p in inspect.signature(fn).parameters.values():
        prefix = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        names.append(prefix + p.name)
    return names


def test_type_stubs_installed_and_match_the_api():
    import edgeml
    import edgeml.interpreter as mod

    package_dir = os.path.dirname(edgeml.__file__)
    assert os.path.isfile(os.path.join(package_dir, "py.typed"))

    init_stub = _stub(edgeml)
    stub_all = None
    for node in init_stub.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "__all__":
            stub_all = ast.literal_eval(node.value)
    assert stub_all == edgeml.__all__

    stub = _stub(mod)
    functions = {n.name: n for n in stub.body if isinstance(n, ast.FunctionDef)}
    classes = {n.name: n for n in stub.body if isinstance(n, ast.ClassDef)}
    assert _stub_params(functions["load_delegate"]) == _runtime_params(mod.load_delegate)
    assert [n.targets[0].id for n in classes["OpResolverType"].body if isinstance(n, ast.Assign)] == [
        e.name for e in mod.OpResolverType
    ]
    for cls in (mod.Interpreter, mod.SignatureRunner):
        methods = {n.name: n for n in classes[cls.__name__].body if isinstance(n, ast.FunctionDef)}
        public = {
            name
            for name, value in vars(cls).items()
            if callable(value) and (not name.startswith("_") or name in ("__init__", "__call__", "_get_ops_details"))
        }
        assert set(methods) == public, cls.__name__
        for name in public:
            assert _stub_params(methods[name]) == _runtime_params(getattr(cls, name)), "%s.%s" % (cls.__name__, name)
            assert methods[name].returns is not None, "%s.%s has no return type" % (cls.__name__, name)
