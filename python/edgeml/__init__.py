"""edgeml: a runtime for TensorFlow Lite models.

The Python API follows tflite_runtime / ai_edge_litert, so that a script
moves over by changing its import:

    from edgeml.interpreter import Interpreter   # was: from tflite_runtime.interpreter import Interpreter
"""

from edgeml._edgeml import __version__
from edgeml.interpreter import Delegate, Interpreter, OpResolverType, SignatureRunner, load_delegate

__all__ = ["Delegate", "Interpreter", "OpResolverType", "SignatureRunner", "load_delegate", "__version__"]
