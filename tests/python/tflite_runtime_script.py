"""A typical script written for tflite_runtime, moved to edgeml by changing
its import line and nothing else. tests/python/test_compat.py runs it as it
is, and runs it again with the original import restored (on LiteRT), and
compares the two."""

import numpy as np

from edgeml.interpreter import Interpreter  # the one changed line (was: from tflite_runtime.interpreter import Interpreter)


def run(model_path, inputs):
    """Runs the model at `model_path` on `inputs` (one array per model input,
    in input order) and returns the outputs in output order."""
    interpreter = Interpreter(model_path=model_path)

    # Models with a dynamic dimension (-1 in shape_signature) are resized to
    # the data before allocation.
    for detail, value in zip(interpreter.get_input_details(), inputs):
        shape = np.shape(value)
        if -1 in detail["shape_signature"] and tuple(detail["shape"]) != shape:
            interpreter.resize_tensor_input(detail["index"], list(shape))
    interpreter.allocate_tensors()

    for detail, value in zip(interpreter.get_input_details(), inputs):
        interpreter.set_tensor(detail["index"], np.asarray(value).astype(detail["dtype"]))
    interpreter.invoke()

    return [interpreter.get_tensor(detail["index"]) for detail in interpreter.get_output_details()]
