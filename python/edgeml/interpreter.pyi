# Type stubs for edgeml.interpreter (the tflite_runtime.interpreter API).
# Kept in step with interpreter.py; the private helpers are left out.

import enum
from os import PathLike
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

class QuantizationParameters(TypedDict):
    scales: npt.NDArray[np.float32]
    zero_points: npt.NDArray[np.int32]
    quantized_dimension: int

class TensorDetails(TypedDict):
    """One entry of get_input_details() / get_output_details() /
    get_tensor_details(), with the keys tflite_runtime returns."""

    name: str
    index: int
    shape: npt.NDArray[np.int32]
    shape_signature: npt.NDArray[np.int32]
    dtype: type
    quantization: Tuple[float, int]
    quantization_parameters: QuantizationParameters
    sparsity_parameters: Dict[str, Any]

class OpDetails(TypedDict):
    index: int
    op_name: str
    inputs: npt.NDArray[np.int32]
    outputs: npt.NDArray[np.int32]
    delegate: str

class SignatureIO(TypedDict):
    inputs: List[str]
    outputs: List[str]

class OpResolverType(enum.Enum):
    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3

class Delegate:
    """A delegate made by load_delegate(); pass it in experimental_delegates."""

    def __init__(self, library: str, options: Optional[Dict[str, Any]] = ...) -> None: ...
    @property
    def name(self) -> str: ...

def load_delegate(library: str, options: Optional[Dict[str, Any]] = ...) -> Delegate:
    """A plugin library (edgeml/delegate_plugin.h) by path or library-path
    name, or a built-in delegate by name ("vulkan"); ValueError if it cannot
    be loaded."""

class Interpreter:
    def __init__(
        self,
        model_path: Optional[Union[str, PathLike[str]]] = ...,
        model_content: Optional[Union[bytes, bytearray, memoryview]] = ...,
        experimental_delegates: Optional[Sequence[Delegate]] = ...,
        num_threads: Optional[int] = ...,
        experimental_op_resolver_type: OpResolverType = ...,
        experimental_preserve_all_tensors: bool = ...,
        experimental_disable_delegate_clustering: bool = ...,
        experimental_default_delegate_latest_features: bool = ...,
    ) -> None: ...
    def get_input_details(self) -> List[TensorDetails]: ...
    def get_output_details(self) -> List[TensorDetails]: ...
    def get_tensor_details(self) -> List[TensorDetails]: ...
    def _get_ops_details(self) -> List[OpDetails]: ...
    def allocate_tensors(self) -> None: ...
    def invoke(self) -> None: ...
    def resize_tensor_input(
        self, input_index: int, tensor_size: Union[Sequence[int], npt.NDArray[np.integer[Any]]], strict: bool = ...
    ) -> None: ...
    def set_tensor(self, tensor_index: int, value: npt.ArrayLike) -> None: ...
    def get_tensor(self, tensor_index: int, subgraph_index: int = ...) -> npt.NDArray[Any]:
        """A copy of the tensor's data."""
    def tensor(self, tensor_index: int) -> Callable[[], npt.NDArray[Any]]:
        """A function returning a numpy view of the tensor's memory."""
    def reset_all_variables(self) -> None: ...
    def get_signature_list(self) -> Dict[str, SignatureIO]: ...
    def get_signature_runner(self, signature_key: Optional[str] = ...) -> SignatureRunner: ...

class SignatureRunner:
    def __init__(self, interpreter: Interpreter, signature: Dict[str, Any]) -> None: ...
    def __call__(self, **kwargs: npt.ArrayLike) -> Dict[str, npt.NDArray[Any]]: ...
    def get_input_details(self) -> Dict[str, TensorDetails]: ...
    def get_output_details(self) -> Dict[str, TensorDetails]: ...
