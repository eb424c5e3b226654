// edgeml._edgeml: the native half of the Python package. It is a thin layer
// over the C++ API (include/edgeml/interpreter.h); everything LiteRT-shaped
// (detail dicts, dtype checks, signature runners) lives in
// python/edgeml/interpreter.py. Errors become ValueError (bad argument or
// model) or RuntimeError (anything else) carrying edgeml's status message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "edgeml/status.h"
#include "edgeml/tensor.h"
#include "edgeml/types.h"
#include "tflite_generated.h"

namespace py = pybind11;

namespace edgeml {
namespace python {
namespace {

void ThrowIfError(const Status& status) {
  if (status.ok()) return;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kInvalidModel:
    case StatusCode::kIoError:
      throw py::value_error(status.ToString());
    default:
      throw std::runtime_error(status.ToString());
  }
}

std::vector<int64_t> ToVector(const Shape& shape) { return {shape.begin(), shape.end()}; }

// Owns everything an Interpreter borrows: the model (and the Python bytes it
// may use in place) and the op resolver. Members are destroyed in reverse
// order, so the interpreter goes first.
class NativeInterpreter {
 public:
  NativeInterpreter(const py::object& model_path, const py::object& model_content,
                    int num_threads) {
    if (!model_path.is_none()) {
      ThrowIfError(Model::FromFile(model_path.cast<std::string>(), &model_));
    } else {
      LoadContent(model_content);
    }
    InterpreterOptions options;
    options.num_threads = num_threads;
    ThrowIfError(Interpreter::Create(*model_, resolver_, options, &interp_));
  }

  std::vector<int> inputs() const { return interp_->inputs(); }
  std::vector<int> outputs() const { return interp_->outputs(); }
  size_t num_tensors() const { return interp_->tensors_size(); }
  bool allocated() const { return allocated_; }

  py::dict TensorInfo(int index) {
    const Tensor* t = Get(index);
    py::dict d;
    d["name"] = t->name;
    d["type"] = static_cast<int>(t->type);
    d["shape"] = ToVector(t->shape);
    // LiteRT reports the file's signature when the file has one and the
    // current shape otherwise (so a resized tensor without one reports its
    // new shape).
    d["shape_signature"] = ToVector(FileHasSignature(index) ? t->shape_signature : t->shape);
    d["scales"] = t->quant.scale;
    d["zero_points"] = t->quant.zero_point;
    d["quantized_dimension"] = t->quant.quantized_dimension;
    d["is_variable"] = t->is_variable;
    d["is_constant"] = t->is_constant();
    d["element_size"] = DataTypeSize(t->type);
    return d;
  }

  // A numpy array of `dtype` over the tensor's memory (no copy). `base` is
  // kept alive by the array; the Python layer passes an object that holds
  // this interpreter, so the memory outlives every view.
  py::array View(int index, const py::dtype& dtype, const py::object& base) {
    const Tensor* t = Get(index);
    if (!t->is_constant() && !allocated_) {
      throw py::value_error("Tensor data is null. Run allocate_tensors() first");
    }
    const size_t elem = DataTypeSize(t->type);
    if (elem == 0 || static_cast<size_t>(dtype.itemsize()) != elem) {
      throw py::value_error("tensor " + std::to_string(index) + " has type " +
                            DataTypeName(t->type) + ", which has no numpy view");
    }
    int64_t count = 0;
    if (!ShapeElementCount(t->shape, &count, elem) ||
        static_cast<uint64_t>(count) * elem != t->bytes) {
      throw std::runtime_error("tensor " + std::to_string(index) + " holds " +
                               std::to_string(t->bytes) + " bytes, which does not match shape " +
                               ShapeToString(t->shape));
    }
    std::vector<py::ssize_t> shape(t->shape.begin(), t->shape.end());
    if (t->data == nullptr) {
      if (count != 0) {
        throw py::value_error("Tensor data is null (tensor " + std::to_string(index) +
                              " has no storage)");
      }
      return py::array(dtype, shape);  // empty tensor: nothing to alias
    }
    return py::array(dtype, shape, t->data, base);
  }

  void ResizeInput(int position, const std::vector<int32_t>& shape) {
    CheckNotBusy();
    // The arena is replanned at the next AllocateTensors(); until then no
    // tensor data may be touched.
    allocated_ = false;
    ThrowIfError(interp_->ResizeInput(position, shape));
  }

  void AllocateTensors() {
    CheckNotBusy();
    allocated_ = false;
    ThrowIfError(interp_->AllocateTensors());
    allocated_ = true;
  }

  void Invoke() {
    if (!allocated_) {
      throw std::runtime_error(
          "Invoke called on model that is not ready: run allocate_tensors() first");
    }
    CheckNotBusy();
    Status status;
    {
      // busy_ is set and read with the GIL held, so no other thread can
      // replan or free the arena while this one runs without it.
      busy_ = true;
      py::gil_scoped_release release;
      status = interp_->Invoke();
    }
    busy_ = false;
    ThrowIfError(status);
  }

  py::list Signatures() const {
    py::list out;
    for (const SignatureInfo& s : interp_->signatures()) {
      py::dict d;
      d["key"] = s.key;
      d["subgraph_index"] = s.subgraph_index;
      d["inputs"] = s.inputs;
      d["outputs"] = s.outputs;
      out.append(d);
    }
    return out;
  }

  py::list Nodes() const {
    py::list out;
    for (size_t i = 0; i < interp_->nodes_size(); ++i) {
      NodeInfo n = interp_->node(static_cast<int>(i));
      py::dict d;
      d["index"] = i;
      d["op_name"] = n.op_name;
      d["version"] = n.version;
      d["inputs"] = n.inputs;
      d["outputs"] = n.outputs;
      d["folded"] = n.folded;
      out.append(d);
    }
    return out;
  }

  size_t arena_bytes() const { return interp_->arena_bytes(); }

 private:
  void LoadContent(const py::object& content) {
    if (PyBytes_Check(content.ptr())) {
      // Immutable bytes: used in place when aligned, kept alive by this object.
      const char* data = PyBytes_AS_STRING(content.ptr());
      const auto size = static_cast<size_t>(PyBytes_GET_SIZE(content.ptr()));
      if (reinterpret_cast<uintptr_t>(data) % 16 == 0) {
        content_ = content;
        ThrowIfError(Model::FromBuffer(data, size, &model_));
        return;
      }
      ThrowIfError(Model::FromBufferCopy(data, size, &model_));
      return;
    }
    // Any other buffer (bytearray, memoryview, numpy) may change later: copy.
    if (!PyObject_CheckBuffer(content.ptr())) {
      throw py::type_error("model_content must be bytes or a buffer, got " +
                           std::string(Py_TYPE(content.ptr())->tp_name));
    }
    py::buffer buffer = py::reinterpret_borrow<py::buffer>(content);
    py::buffer_info info = buffer.request();
    const size_t size = static_cast<size_t>(info.size) * static_cast<size_t>(info.itemsize);
    if (info.ndim > 1 && info.strides.back() != info.itemsize) {
      throw py::value_error("model_content must be a contiguous buffer");
    }
    ThrowIfError(Model::FromBufferCopy(info.ptr, size, &model_));
  }

  bool FileHasSignature(int index) const {
    const tfl::Model* fb = model_->flatbuffer();
    if (fb == nullptr || fb->subgraphs() == nullptr || fb->subgraphs()->size() == 0) return false;
    const auto* tensors = fb->subgraphs()->Get(0)->tensors();
    if (tensors == nullptr || static_cast<uint32_t>(index) >= tensors->size()) return false;
    const auto* sig = tensors->Get(static_cast<uint32_t>(index))->shape_signature();
    return sig != nullptr && sig->size() > 0;
  }

  void CheckNotBusy() const {
    if (busy_) {
      throw std::runtime_error(
          "the interpreter is running invoke() on another thread; an interpreter is used by one "
          "thread at a time");
    }
  }

  Tensor* Get(int index) {
    Tensor* t = interp_->tensor(index);
    if (t == nullptr) {
      throw py::value_error("Invalid tensor index " + std::to_string(index) +
                            " exceeds max tensor index " +
                            std::to_string(static_cast<int64_t>(interp_->tensors_size()) - 1));
    }
    return t;
  }

  py::object content_;
  std::unique_ptr<Model> model_;
  BuiltinOpResolver resolver_;
  std::unique_ptr<Interpreter> interp_;
  bool allocated_ = false;
  bool busy_ = false;
};

}  // namespace
}  // namespace python
}  // namespace edgeml

PYBIND11_MODULE(_edgeml, m) {
  using edgeml::python::NativeInterpreter;
  m.doc() = "Native core of the edgeml Python package (use edgeml.Interpreter).";
  py::class_<NativeInterpreter>(m, "NativeInterpreter")
      .def(py::init<const py::object&, const py::object&, int>(), py::arg("model_path"),
           py::arg("model_content"), py::arg("num_threads"))
      .def("inputs", &NativeInterpreter::inputs)
      .def("outputs", &NativeInterpreter::outputs)
      .def("num_tensors", &NativeInterpreter::num_tensors)
      .def("allocated", &NativeInterpreter::allocated)
      .def("tensor_info", &NativeInterpreter::TensorInfo)
      .def("view", &NativeInterpreter::View)
      .def("resize_input", &NativeInterpreter::ResizeInput)
      .def("allocate_tensors", &NativeInterpreter::AllocateTensors)
      .def("invoke", &NativeInterpreter::Invoke)
      .def("signatures", &NativeInterpreter::Signatures)
      .def("nodes", &NativeInterpreter::Nodes)
      .def("arena_bytes", &NativeInterpreter::arena_bytes);
  m.attr("__version__") = EDGEML_VERSION;
}
