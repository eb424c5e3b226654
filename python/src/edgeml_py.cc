// edgeml._edgeml: the native half of the Python package. It is a thin layer
// over the C++ API (include/edgeml/interpreter.h); everything LiteRT-shaped
// (detail dicts, dtype checks, signature runners) lives in
// python/edgeml/interpreter.py. Errors become ValueError (bad argument or
// model) or RuntimeError (anything else) carrying edgeml's status message.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "edgeml/delegate.h"
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

// The values of a sparse index vector (int32, uint16 or uint8 in the file).
std::vector<int32_t> IndexValues(tfl::SparseIndexVector type, const void* v) {
  std::vector<int32_t> out;
  if (v == nullptr) return out;
  auto copy = [&out](const auto* values) {
    if (values) out.assign(values->begin(), values->end());
  };
  switch (type) {
    case tfl::SparseIndexVector::Int32Vector:
      copy(static_cast<const tfl::Int32Vector*>(v)->values());
      break;
    case tfl::SparseIndexVector::Uint16Vector:
      copy(static_cast<const tfl::Uint16Vector*>(v)->values());
      break;
    case tfl::SparseIndexVector::Uint8Vector:
      copy(static_cast<const tfl::Uint8Vector*>(v)->values());
      break;
    default:
      break;
  }
  return out;
}

// LiteRT's sparsity_parameters dict for a sparse tensor of the file, or an
// empty dict: traversal_order, block_map, dim_metadata (DENSE: format 0 and
// dense_size; SPARSE_CSR: format 1, array_segments, array_indices).
py::dict SparsityDict(const tfl::SparsityParameters* sp) {
  py::dict d;
  if (sp == nullptr) return d;
  auto ints = [](const flatbuffers::Vector<int32_t>* v) {
    return v ? std::vector<int32_t>(v->begin(), v->end()) : std::vector<int32_t>();
  };
  d["traversal_order"] = ints(sp->traversal_order());
  d["block_map"] = ints(sp->block_map());
  py::list dims;
  if (sp->dim_metadata()) {
    for (const tfl::DimensionMetadata* dm : *sp->dim_metadata()) {
      py::dict m;
      if (dm == nullptr) continue;
      if (dm->format() == tfl::DimensionType::DENSE) {
        m["format"] = 0;
        m["dense_size"] = dm->dense_size();
      } else {
        m["format"] = 1;
        m["array_segments"] = IndexValues(dm->array_segments_type(), dm->array_segments());
        m["array_indices"] = IndexValues(dm->array_indices_type(), dm->array_indices());
      }
      dims.append(m);
    }
  }
  d["dim_metadata"] = dims;
  return d;
}

// A delegate handed to Python (load_delegate); interpreters share it.
struct NativeDelegate {
  std::shared_ptr<Delegate> delegate;
  std::string name() const { return delegate->name(); }
};

DelegateOptions ToOptions(const std::vector<std::pair<std::string, std::string>>& options) {
  return DelegateOptions(options.begin(), options.end());
}

NativeDelegate LoadPlugin(const std::string& path,
                          const std::vector<std::pair<std::string, std::string>>& options) {
  NativeDelegate d;
  ThrowIfError(LoadDelegatePlugin(path, ToOptions(options), &d.delegate));
  return d;
}

NativeDelegate CreateBuiltin(const std::string& name,
                             const std::vector<std::pair<std::string, std::string>>& options) {
  NativeDelegate d;
  ThrowIfError(CreateDelegate(name, ToOptions(options), &d.delegate));
  return d;
}

// Owns everything an Interpreter borrows: the model (and the Python bytes it
// may use in place) and the op resolver. Members are destroyed in reverse
// order, so the interpreter goes first.
class NativeInterpreter {
 public:
  NativeInterpreter(const py::object& model_path, const py::object& model_content,
                    int num_threads, const std::vector<NativeDelegate>& delegates) {
    if (!model_path.is_none()) {
      ThrowIfError(Model::FromFile(model_path.cast<std::string>(), &model_));
    } else {
      LoadContent(model_content);
    }
    InterpreterOptions options;
    options.num_threads = num_threads;
    for (const NativeDelegate& d : delegates) options.delegates.push_back(d.delegate);
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
    d["sparsity"] = SparsityDict(FileSparsity(index));
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
    const DelegationReport& report = interp_->delegation_report();
    for (size_t i = 0; i < interp_->nodes_size(); ++i) {
      NodeInfo n = interp_->node(static_cast<int>(i));
      py::dict d;
      d["index"] = i;
      d["op_name"] = n.op_name;
      d["version"] = n.version;
      d["inputs"] = n.inputs;
      d["outputs"] = n.outputs;
      d["folded"] = n.folded;
      // The delegate that runs the node ("" = CPU) and why others refused it.
      std::string delegate;
      py::list refusals;
      if (i < report.nodes.size()) {
        delegate = report.nodes[i].delegate;
        for (const auto& r : report.nodes[i].refusals) {
          refusals.append(py::make_tuple(r.delegate, r.reason));
        }
      }
      d["delegate"] = delegate;
      d["refusals"] = refusals;
      out.append(d);
    }
    return out;
  }

  size_t arena_bytes() const { return interp_->arena_bytes(); }

  // Variable tensors back to zero (int8: zero point), resource variables
  // forgotten so that their initializers run again (Interpreter::ResetVariables).
  void ResetVariables() {
    CheckNotBusy();
    ThrowIfError(interp_->ResetVariables());
  }

  // Runs signature `key` (of any subgraph) on {name: C-contiguous array};
  // replans when a shape differs. Returns {name: (bytes, type, shape)}
  // copies of its outputs; the Python layer makes them arrays.
  py::dict RunSignature(const std::string& key, const py::dict& inputs) {
    CheckNotBusy();
    SignatureRunner* r = interp_->GetSignatureRunner(key);
    if (r == nullptr) throw py::value_error("SignatureDef signature_key '" + key + "' not found");
    bool replan = signatures_allocated_.count(key) == 0;
    std::vector<std::pair<Tensor*, py::buffer_info>> feeds;
    for (const auto& item : inputs) {
      const std::string name = item.first.cast<std::string>();
      Tensor* t = r->input(name);
      if (t == nullptr) throw py::value_error("Invalid Input name (" + name + ") for SignatureDef");
      py::buffer_info info = py::reinterpret_borrow<py::buffer>(item.second).request();
      Shape shape(info.shape.begin(), info.shape.end());
      if (static_cast<size_t>(info.itemsize) != DataTypeSize(t->type)) {
        throw py::value_error("input '" + name + "' of signature '" + key + "' is " +
                              DataTypeName(t->type) + "; got items of " +
                              std::to_string(info.itemsize) + " bytes");
      }
      if (shape != t->shape) {
        ThrowIfError(r->ResizeInput(name, shape));
        replan = true;
      }
      feeds.emplace_back(t, std::move(info));
    }
    if (replan) {
      signatures_allocated_.erase(key);
      ThrowIfError(r->AllocateTensors());
      signatures_allocated_.insert(key);
    }
    for (auto& [t, info] : feeds) {
      if (static_cast<size_t>(info.size * info.itemsize) != t->bytes) {
        throw std::runtime_error("input size does not match the tensor");
      }
      if (t->bytes > 0) std::memcpy(t->data, info.ptr, t->bytes);
    }
    Status status;
    {
      busy_ = true;
      py::gil_scoped_release release;
      status = r->Invoke();
    }
    busy_ = false;
    ThrowIfError(status);
    py::dict out;
    for (const std::string& name : r->output_names()) {
      const Tensor* t = r->output(name);
      out[py::str(name)] = py::make_tuple(
          py::bytes(static_cast<const char*>(t->data), t->data ? t->bytes : 0),
          static_cast<int>(t->type), ToVector(t->shape));
    }
    return out;
  }

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

  const tfl::SparsityParameters* FileSparsity(int index) const {
    const tfl::Model* fb = model_->flatbuffer();
    if (fb == nullptr || fb->subgraphs() == nullptr || fb->subgraphs()->size() == 0) return nullptr;
    const auto* tensors = fb->subgraphs()->Get(0)->tensors();
    if (tensors == nullptr || static_cast<uint32_t>(index) >= tensors->size()) return nullptr;
    return tensors->Get(static_cast<uint32_t>(index))->sparsity();
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
  std::set<std::string> signatures_allocated_;  // keys run by RunSignature
};

}  // namespace
}  // namespace python
}  // namespace edgeml

PYBIND11_MODULE(_edgeml, m) {
  using edgeml::python::NativeInterpreter;
  m.doc() = "Native core of the edgeml Python package (use edgeml.Interpreter).";
  using edgeml::python::NativeDelegate;
  py::class_<NativeDelegate>(m, "NativeDelegate").def("name", &NativeDelegate::name);
  m.def("load_delegate_plugin", &edgeml::python::LoadPlugin, py::arg("path"), py::arg("options"));
  m.def("create_delegate", &edgeml::python::CreateBuiltin, py::arg("name"), py::arg("options"));
  m.def("registered_delegates", &edgeml::RegisteredDelegates);
  py::class_<NativeInterpreter>(m, "NativeInterpreter")
      .def(py::init<const py::object&, const py::object&, int,
                    const std::vector<NativeDelegate>&>(),
           py::arg("model_path"), py::arg("model_content"), py::arg("num_threads"),
           py::arg("delegates"))
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
      .def("arena_bytes", &NativeInterpreter::arena_bytes)
      .def("reset_variables", &NativeInterpreter::ResetVariables)
      .def("run_signature", &NativeInterpreter::RunSignature);
  m.attr("__version__") = EDGEML_VERSION;
}
