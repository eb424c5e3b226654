# Type stubs for the edgeml package's top-level names.

from edgeml.interpreter import Delegate as Delegate
from edgeml.interpreter import Interpreter as Interpreter
from edgeml.interpreter import OpResolverType as OpResolverType
from edgeml.interpreter import SignatureRunner as SignatureRunner
from edgeml.interpreter import load_delegate as load_delegate

__version__: str

__all__ = ["Delegate", "Interpreter", "OpResolverType", "SignatureRunner", "load_delegate", "__version__"]
