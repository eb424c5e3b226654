"""edgeml.interpreter: the tf.lite.Interpreter API over edgeml's C++ runtime.

The class and function names, arguments, return shapes and error types follow
tflite_runtime.interpreter / ai_edge_litert.interpreter, so existing scripts
run by changing their import. Differences are listed in docs/python.md.
"""

import enum
import sys

import numpy as np

from edgeml import _edgeml

# edgeml DataType value (== the .tflite TensorType value) -> (numpy type, name).
_TYPES = {
    0: (np.float32, "FLOAT32"),
    1: (np.float16, "FLOAT16"),
    2: (np.int32, "INT32"),
    3: (np.uint8, "UINT8"),
    4: (np.int64, "INT64"),
    5: (np.bytes_, "STRING"),
    6: (np.bool_, "BOOL"),
    7: (np.int16, "INT16"),
    8: (np.complex64, "COMPLEX64"),
    9: (np.int8, "INT8"),
    10: (np.float64, "FLOAT64"),
    11: (np.complex128, "COMPLEX128"),
    12: (np.uint64, "UINT64"),
    15: (np.uint32, "UINT32"),
    16: (np.uint16, "UINT16"),
}
_NAMES_BY_NUMPY = {np.dtype(t): name for t, name in _TYPES.values()}


def _type_name(dtype):
    return _NAMES_BY_NUMPY.get(np.dtype(dtype), "NOTYPE")


def _sparsity(s):
    """LiteRT's sparsity_parameters: {} for a dense tensor, else numpy int32
    arrays for traversal_order, block_map and each dimension's segments and
    indices."""
    if not s:
        return {}
    dims = []
    for m in s["dim_metadata"]:
        if m["format"] == 0:
            dims.append({"format": 0, "dense_size": int(m["dense_size"])})
        else:
            dims.append(
                {
                    "format": 1,
                    "array_segments": np.array(m["array_segments"], dtype=np.int32),
                    "array_indices": np.array(m["array_indices"], dtype=np.int32),
                }
            )
    return {
        "traversal_order": np.array(s["traversal_order"], dtype=np.int32),
        "block_map": np.array(s["block_map"], dtype=np.int32),
        "dim_metadata": dims,
    }


class OpResolverType(enum.Enum):
    """Accepted for compatibility: edgeml has one set of kernels, whose
    arithmetic follows LiteRT's reference kernels (BUILTIN_REF)."""

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


class Delegate:
    """A delegate made by load_delegate(); pass it to Interpreter through
    experimental_delegates. Interpreters share it; it lives as long as any
    of them or this object."""

    def __init__(self, library, options=None):
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise ValueError("options must be a dict of str to str, got %r" % (options,))
        self._library = library
        self._options = {str(k): str(v) for k, v in options.items()}
        pairs = list(self._options.items())
        name = str(library)
        try:
            if _is_builtin_delegate(name):
                self._native = _edgeml.create_delegate(name, pairs)
            else:
                self._native = _edgeml.load_delegate_plugin(name, pairs)
        except (ValueError, RuntimeError) as e:
            raise ValueError("Failed to load delegate from %s\n%s" % (name, e)) from None

    @property
    def name(self):
        """The delegate's name: "vulkan", "plugin:sample_add"."""
        return self._native.name()

    def __repr__(self):
        return "<edgeml Delegate %s from %r>" % (self.name, self._library)


def _is_builtin_delegate(library):
    # A built-in delegate is named ("vulkan"); anything that looks like a
    # library file is loaded as a plugin (bare names search the library path,
    # as dlopen does).
    return "/" not in library and "." not in library and library in _edgeml.registered_delegates()


def load_delegate(library, options=None):
    """Loads a delegate, as tflite_runtime.interpreter.load_delegate does.

    library: the path (or library-path name, e.g. "libvendor.so.1") of a
    shared library implementing edgeml's plugin ABI (edgeml/delegate_plugin.h),
    or the name of a delegate built into edgeml (e.g. "vulkan").
    options: dict of str to str, given to the delegate (e.g. {"precision": "fp16"}).
    Raises ValueError with the reason when it cannot be loaded."""
    return Delegate(library, options)


class _ViewBase:
    """The base object of every numpy view of tensor memory. A view keeps it
    (and through it the native interpreter) alive, and its reference count
    says whether views are outstanding."""

    __slots__ = ("native",)

    def __init__(self, native):
        self.native = native


class Interpreter:
    """Runs a .tflite model; see tf.lite.Interpreter for the contract."""

    def __init__(
        self,
        model_path=None,
        model_content=None,
        experimental_delegates=None,
        num_threads=None,
        experimental_op_resolver_type=OpResolverType.AUTO,
        experimental_preserve_all_tensors=False,
        experimental_disable_delegate_clustering=False,
        experimental_default_delegate_latest_features=False,
    ):
        del experimental_op_resolver_type, experimental_disable_delegate_clustering
        del experimental_default_delegate_latest_features
        if model_path is not None and model_content is not None:
            raise ValueError("Can't both provide `model_path` and `model_content`")
        if model_path is None and model_content is None:
            raise ValueError("Can't create interpreter without model_path or model_content")
        if num_threads is None:
            num_threads = 1
        elif not isinstance(num_threads, int) or isinstance(num_threads, bool):
            raise ValueError("type of num_threads should be int")
        elif num_threads < 1:
            raise ValueError("num_threads should >= 1")
        delegates = list(experimental_delegates or [])
        for d in delegates:
            if not isinstance(d, Delegate):
                raise ValueError(
                    "experimental_delegates must hold delegates made by edgeml's load_delegate(), "
                    "got %r" % (d,)
                )
        self._delegates = delegates
        if experimental_preserve_all_tensors:
            raise ValueError(
                "experimental_preserve_all_tensors is not supported: edgeml reuses the memory of "
                "intermediate tensors"
            )
        if model_path is not None:
            model_path = str(model_path)
        self._native = _edgeml.NativeInterpreter(
            model_path, model_content, num_threads, [d._native for d in delegates]
        )
        self._views = _ViewBase(self._native)
        self._inputs = list(self._native.inputs())
        self._outputs = list(self._native.outputs())

    # --- views and their safety ------------------------------------------------

    def _safe_to_run(self):
        # Held by self._views and by getrefcount's argument; more means a
        # numpy array still aliases tensor memory.
        return sys.getrefcount(self._views) == 2

    def _ensure_safe(self):
        if not self._safe_to_run():
            raise RuntimeError(
                "There is at least 1 reference to internal data in the interpreter in the form "
                "of a numpy array or slice. Be sure to only hold the function returned from "
                "tensor() if you are using raw data access."
            )

    def _check_index(self, tensor_index):
        n = self._native.num_tensors()
        try:
            i = int(tensor_index)
        except (TypeError, ValueError):
            raise ValueError("tensor index must be an int, got %r" % (tensor_index,)) from None
        if i < 0 or i >= n:
            raise ValueError("Invalid tensor index %d exceeds max tensor index %d" % (i, n - 1))
        return i

    def _numpy_type(self, info, tensor_index):
        entry = _TYPES.get(info["type"])
        if entry is None or entry[0] is np.bytes_:
            raise ValueError(
                "tensor %d (%s) has a type with no numpy equivalent in edgeml (type %d)"
                % (tensor_index, info["name"], info["type"])
            )
        return entry[0]

    def _view(self, tensor_index):
        i = self._check_index(tensor_index)
        info = self._native.tensor_info(i)
        dtype = np.dtype(self._numpy_type(info, i))
        arr = self._native.view(i, dtype, self._views)
        if info["is_constant"]:
            # Constant data lives in the (possibly read-only mapped) model.
            arr.flags.writeable = False
        return arr

    # --- model structure -------------------------------------------------------

    def _details(self, tensor_index):
        info = self._native.tensor_info(tensor_index)
        entry = _TYPES.get(info["type"])
        if entry is None:
            raise ValueError("tensor %d has an unsupported type %d" % (tensor_index, info["type"]))
        scales = np.array(info["scales"], dtype=np.float32)
        zero_points = np.array(info["zero_points"], dtype=np.int32)
        if scales.size == 1 and zero_points.size == 1:
            quantization = (float(scales[0]), int(zero_points[0]))
        else:
            quantization = (0.0, 0)
        return {
            "name": info["name"],
            "index": tensor_index,
            "shape": np.array(info["shape"], dtype=np.int32),
            "shape_signature": np.array(info["shape_signature"], dtype=np.int32),
            "dtype": entry[0],
            "quantization": quantization,
            "quantization_parameters": {
                "scales": scales,
                "zero_points": zero_points,
                "quantized_dimension": int(info["quantized_dimension"]),
            },
            "sparsity_parameters": _sparsity(info["sparsity"]),
        }

    def get_input_details(self):
        return [self._details(i) for i in self._inputs]

    def get_output_details(self):
        return [self._details(i) for i in self._outputs]

    def get_tensor_details(self):
        details = []
        for i in range(self._native.num_tensors()):
            try:
                details.append(self._details(i))
            except ValueError:
                continue  # types numpy cannot represent, as LiteRT skips them
        return details

    def _get_ops_details(self):
        return [
            {
                "index": n["index"],
                "op_name": n["op_name"],
                "inputs": np.array(n["inputs"], dtype=np.int32),
                "outputs": np.array(n["outputs"], dtype=np.int32),
                # edgeml's addition: the delegate that runs the node ("" = CPU).
                "delegate": n["delegate"],
            }
            for n in self._native.nodes()
        ]

    # --- running ----------------------------------------------------------------

    def allocate_tensors(self):
        self._ensure_safe()
        self._native.allocate_tensors()

    def invoke(self):
        # edgeml's Invoke() allocates nothing, so views stay valid across it.
        self._native.invoke()

    def resize_tensor_input(self, input_index, tensor_size, strict=False):
        self._ensure_safe()
        i = self._check_index(input_index)
        if i not in self._inputs:
            raise ValueError("tensor %d is not an input of the model" % i)
        shape = np.array(tensor_size)
        if shape.ndim != 1 or (shape.size and shape.dtype.kind not in "iu"):
            raise ValueError("tensor_size must be a 1-D sequence of ints, got %r" % (tensor_size,))
        shape = [int(d) for d in shape]
        if strict:
            info = self._native.tensor_info(i)
            sig = list(info["shape_signature"])
            if len(sig) != len(shape):
                raise ValueError(
                    "ResizeInputTensorStrict: tensor %d has rank %d, got a shape of rank %d"
                    % (i, len(sig), len(shape))
                )
            for d, (old, new) in enumerate(zip(sig, shape)):
                if old != -1 and old != new:
                    raise ValueError(
                        "Attempting to resize dimension %d of tensor %d with value %d to %d. "
                        "ResizeInputTensorStrict only allows mutating unknown dimensions "
                        "identified by -1." % (d, i, old, new)
                    )
        self._native.resize_input(self._inputs.index(i), shape)

    def set_tensor(self, tensor_index, value):
        i = self._check_index(tensor_index)
        info = self._native.tensor_info(i)
        dtype = np.dtype(self._numpy_type(info, i))
        value = np.asarray(value)
        if value.dtype != dtype:
            raise ValueError(
                "Cannot set tensor: Got value of type %s but expected type %s for input %d, "
                "name: %s " % (_type_name(value.dtype), _type_name(dtype), i, info["name"])
            )
        shape = list(info["shape"])
        if value.ndim != len(shape):
            raise ValueError(
                "Cannot set tensor: Dimension mismatch. Got %d but expected %d for input %d."
                % (value.ndim, len(shape), i)
            )
        for d, (got, want) in enumerate(zip(value.shape, shape)):
            if got != want:
                raise ValueError(
                    "Cannot set tensor: Dimension mismatch. Got %d but expected %d for dimension "
                    "%d of input %d." % (got, want, d, i)
                )
        if info["is_constant"]:
            raise ValueError("Cannot set tensor: tensor %d (%s) is constant" % (i, info["name"]))
        view = self._view(i)
        np.copyto(view, value)
        del view

    def get_tensor(self, tensor_index, subgraph_index=0):
        if subgraph_index != 0:
            raise ValueError("edgeml runs subgraph 0 only, got subgraph_index=%r" % (subgraph_index,))
        return np.array(self._view(tensor_index), copy=True)

    def tensor(self, tensor_index):
        """Returns a function that returns a numpy view of the tensor's
        current memory. Hold the function, not the array: the array is valid
        until the next allocate_tensors() or resize_tensor_input(), which
        refuse to run while one is alive."""
        i = self._check_index(tensor_index)
        return lambda: self._view(i)

    def reset_all_variables(self):
        """Variable tensors of every subgraph back to zero (int8: their zero
        point), as LiteRT. Unlike LiteRT 2.3, resource variables (tf.Variable:
        VAR_HANDLE) are reset too: their initializers run again at the next
        invoke(), so the model behaves as after allocate_tensors()."""
        self._ensure_safe()
        self._native.reset_variables()

    # --- signatures ------------------------------------------------------------

    def _signatures(self):
        return {s["key"]: s for s in self._native.signatures()}

    def get_signature_list(self):
        return {
            key: {
                "inputs": sorted(name for name, _ in s["inputs"]),
                "outputs": sorted(name for name, _ in s["outputs"]),
            }
            for key, s in self._signatures().items()
        }

    def get_signature_runner(self, signature_key=None):
        sigs = self._signatures()
        if signature_key is None:
            if len(sigs) != 1:
                raise ValueError(
                    "SignatureDef signature_key is None and model has %d Signatures. None is only "
                    "allowed when the model has 1 SignatureDef" % len(sigs)
                )
            signature_key = next(iter(sigs))
        if signature_key not in sigs:
            raise ValueError("SignatureDef signature_key %r not found in the model" % (signature_key,))
        return SignatureRunner(self, sigs[signature_key])


class SignatureRunner:
    """Runs one signature of the model by its input and output names. A
    signature of another subgraph than the main one runs on that subgraph's
    own tensors (sharing the interpreter's variables); its details are only
    available for the main subgraph."""

    def __init__(self, interpreter, signature):
        self._subgraph = signature["subgraph_index"]
        self._interpreter = interpreter
        self._key = signature["key"]
        self._inputs = dict(signature["inputs"])
        self._outputs = dict(signature["outputs"])

    def __call__(self, **kwargs):
        interp = self._interpreter
        if len(kwargs) != len(self._inputs):
            raise ValueError(
                "Invalid number of inputs provided for running a SignatureDef, expected %s vs "
                "provided %s" % (len(self._inputs), len(kwargs))
            )
        arrays = {}
        for name, value in kwargs.items():
            if name not in self._inputs:
                raise ValueError("Invalid Input name (%s) for SignatureDef" % name)
            arrays[name] = np.asarray(value)
        if self._subgraph != 0:
            interp._ensure_safe()
            raw = interp._native.run_signature(
                self._key, {n: np.ascontiguousarray(a) for n, a in arrays.items()}
            )
            return {
                name: np.frombuffer(data, dtype=_TYPES[t][0]).reshape(shape).copy()
                for name, (data, t, shape) in sorted(raw.items())
            }
        needs_alloc = not interp._native.allocated()
        for name, value in arrays.items():
            index = self._inputs[name]
            if list(value.shape) != list(interp._native.tensor_info(index)["shape"]):
                interp.resize_tensor_input(index, list(value.shape))
                needs_alloc = True
        if needs_alloc:
            interp.allocate_tensors()
        for name, value in arrays.items():
            interp.set_tensor(self._inputs[name], value)
        interp.invoke()
        return {name: interp.get_tensor(self._outputs[name]) for name in sorted(self._outputs)}

    def get_input_details(self):
        return {name: self._interpreter._details(i) for name, i in sorted(self._inputs.items())}

    def get_output_details(self):
        return {name: self._interpreter._details(i) for name, i in sorted(self._outputs.items())}
