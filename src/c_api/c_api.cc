// The C API: handles wrap the C++ objects; every entry point catches all
// exceptions so that none crosses into C.
#include "edgeml/c_api.h"

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "edgeml/status.h"
#include "edgeml/tensor.h"
#include "edgeml/types.h"

#ifndef EDGEML_VERSION
#define EDGEML_VERSION "0.1.0"
#endif

using edgeml::DataType;
using edgeml::StatusCode;

// The C enums are documented as mirrors of the C++ ones.
static_assert(kEdgemlOk == static_cast<int>(StatusCode::kOk), "status mismatch");
static_assert(kEdgemlInvalidArgument == static_cast<int>(StatusCode::kInvalidArgument), "");
static_assert(kEdgemlInvalidModel == static_cast<int>(StatusCode::kInvalidModel), "");
static_assert(kEdgemlUnsupported == static_cast<int>(StatusCode::kUnsupported), "");
static_assert(kEdgemlFailedPrecondition == static_cast<int>(StatusCode::kFailedPrecondition), "");
static_assert(kEdgemlResourceExhausted == static_cast<int>(StatusCode::kResourceExhausted), "");
static_assert(kEdgemlIoError == static_cast<int>(StatusCode::kIoError), "");
static_assert(kEdgemlInternal == static_cast<int>(StatusCode::kInternal), "");
static_assert(kEdgemlFloat32 == static_cast<int>(DataType::kFloat32), "type mismatch");
static_assert(kEdgemlFloat16 == static_cast<int>(DataType::kFloat16), "");
static_assert(kEdgemlInt32 == static_cast<int>(DataType::kInt32), "");
static_assert(kEdgemlUInt8 == static_cast<int>(DataType::kUInt8), "");
static_assert(kEdgemlInt8 == static_cast<int>(DataType::kInt8), "");
static_assert(kEdgemlInt64 == static_cast<int>(DataType::kInt64), "");
static_assert(kEdgemlString == static_cast<int>(DataType::kString), "");
static_assert(kEdgemlBool == static_cast<int>(DataType::kBool), "");
static_assert(kEdgemlComplex64 == static_cast<int>(DataType::kComplex64), "");
static_assert(kEdgemlFloat64 == static_cast<int>(DataType::kFloat64), "");
static_assert(kEdgemlComplex128 == static_cast<int>(DataType::kComplex128), "");
static_assert(kEdgemlUInt64 == static_cast<int>(DataType::kUInt64), "");
static_assert(kEdgemlResource == static_cast<int>(DataType::kResource), "");
static_assert(kEdgemlVariant == static_cast<int>(DataType::kVariant), "");
static_assert(kEdgemlUInt32 == static_cast<int>(DataType::kUInt32), "");
static_assert(kEdgemlUInt16 == static_cast<int>(DataType::kUInt16), "");
static_assert(kEdgemlInt4 == static_cast<int>(DataType::kInt4), "");
static_assert(kEdgemlInt16 == static_cast<int>(DataType::kInt16), "");
static_assert(kEdgemlBFloat16 == static_cast<int>(DataType::kBFloat16), "");

namespace {

constexpr int kMaxDataType = kEdgemlBFloat16;

// An error message slot whose update cannot throw: if the copy itself runs
// out of memory, a static message stands in.
class ErrorSlot {
 public:
  void Set(const edgeml::Status& status) noexcept {
    try {
      message_ = status.ToString();
      fallback_ = nullptr;
    } catch (...) {
      SetStatic("ResourceExhausted: out of memory while recording an error");
    }
  }
  void SetStatic(const char* message) noexcept {
    message_.clear();
    fallback_ = message;
  }
  const char* c_str() const noexcept { return fallback_ ? fallback_ : message_.c_str(); }

 private:
  std::string message_;
  const char* fallback_ = nullptr;
};

ErrorSlot& ThreadError() {
  thread_local ErrorSlot slot;
  return slot;
}

}  // namespace

struct EdgemlModel {
  std::shared_ptr<const edgeml::Model> model;
};

struct CustomOpSpec {
  std::string name;
  EdgemlCustomOp op;  // op.name points into `name`
};

struct EdgemlInterpreterOptions {
  edgeml::InterpreterOptions options;
  std::vector<CustomOpSpec> custom_ops;
};

// A C custom op bound to one interpreter (the registration's user_data).
struct BoundCustomOp {
  EdgemlCustomOp op;
  EdgemlInterpreter* owner;
};

struct EdgemlOpContext {
  edgeml::OpContext* ctx = nullptr;
  const BoundCustomOp* bound = nullptr;
  EdgemlStatus code = kEdgemlOk;
  std::string message;
};

struct EdgemlTensor {
  EdgemlInterpreter* owner;
  int index;  // tensor index in the primary subgraph
};

struct EdgemlInterpreter {
  // Declared in destruction order: the interpreter goes first, then the
  // resolver its ops came from, then the model it reads.
  std::shared_ptr<const edgeml::Model> model;
  std::vector<std::unique_ptr<BoundCustomOp>> custom_ops;  // referenced by resolver
  std::vector<std::string> custom_names;
  edgeml::BuiltinOpResolver resolver;
  std::unique_ptr<edgeml::Interpreter> impl;
  std::vector<EdgemlTensor> tensors;  // stable handles, one per tensor
  ErrorSlot error;
};

namespace {

EdgemlStatus ToC(StatusCode code) { return static_cast<EdgemlStatus>(code); }

// Records a failure on the thread and, when given, on the interpreter.
EdgemlStatus Fail(const edgeml::Status& status, EdgemlInterpreter* interp = nullptr) noexcept {
  ThreadError().Set(status);
  if (interp) interp->error.Set(status);
  return ToC(status.code());
}

EdgemlStatus Fail(StatusCode code, const char* message,
                  EdgemlInterpreter* interp = nullptr) noexcept {
  try {
    return Fail(edgeml::Status(code, message), interp);
  } catch (...) {
    // Building the Status ran out of memory; keep a static message instead.
    ThreadError().SetStatic("ResourceExhausted: out of memory while recording an error");
    if (interp) interp->error.SetStatic(ThreadError().c_str());
    return ToC(code);
  }
}

EdgemlStatus Report(const edgeml::Status& status, EdgemlInterpreter* interp = nullptr) noexcept {
  return status.ok() ? kEdgemlOk : Fail(status, interp);
}

// Runs `body` (returning EdgemlStatus) and turns any exception into a status.
template <typename F>
EdgemlStatus Guard(EdgemlInterpreter* interp, F&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(StatusCode::kResourceExhausted, "out of memory", interp);
  } catch (const std::exception& e) {
    return Fail(StatusCode::kInternal, e.what(), interp);
  } catch (...) {
    return Fail(StatusCode::kInternal, "unknown exception", interp);
  }
}

const edgeml::Tensor* Resolve(const EdgemlTensor* t) {
  if (t == nullptr || t->owner == nullptr || !t->owner->impl) return nullptr;
  return t->owner->impl->tensor(t->index);
}

EdgemlStatus LoadModel(edgeml::Status (*load)(const void*, size_t, std::unique_ptr<edgeml::Model>*),
                       const void* data, size_t size, EdgemlModel** out_model) {
  return Guard(nullptr, [&]() -> EdgemlStatus {
    if (out_model == nullptr) {
      return Fail(StatusCode::kInvalidArgument, "out_model is NULL");
    }
    *out_model = nullptr;
    if (data == nullptr) return Fail(StatusCode::kInvalidArgument, "model data is NULL");
    std::unique_ptr<edgeml::Model> model;
    EdgemlStatus s = Report(load(data, size, &model));
    if (s != kEdgemlOk) return s;
    auto handle = std::make_unique<EdgemlModel>();
    handle->model = std::move(model);
    *out_model = handle.release();
    return kEdgemlOk;
  });
}

// Per-node state of a C custom op: the op's pointer and how to free it.
struct CustomOpState : edgeml::OpState {
  void* state = nullptr;
  void (*free_state)(void*) = nullptr;
  ~CustomOpState() override {
    if (free_state != nullptr && state != nullptr) free_state(state);
  }
};

edgeml::Status RunCustom(edgeml::OpContext& ctx, bool prepare) {
  const auto* bound = static_cast<const BoundCustomOp*>(ctx.user_data());
  auto fn = prepare ? bound->op.prepare : bound->op.eval;
  if (fn == nullptr) {
    if (prepare) return edgeml::Status::Ok();
    return ctx.Unsupported("the custom op has no eval function");
  }
  EdgemlOpContext c;
  c.ctx = &ctx;
  c.bound = bound;
  const EdgemlStatus code = fn(&c, bound->op.user_data);
  if (code == kEdgemlOk) return edgeml::Status::Ok();
  const std::string& message = c.message.empty() ? std::string("failed") : c.message;
  const int value = static_cast<int>(code);
  const auto status_code = value > 0 && value <= static_cast<int>(StatusCode::kInternal)
                               ? static_cast<StatusCode>(value)
                               : StatusCode::kInternal;
  return ctx.Error(status_code, "%s", message.c_str());
}

edgeml::Status CustomPrepare(edgeml::OpContext& ctx) { return RunCustom(ctx, true); }
edgeml::Status CustomEval(edgeml::OpContext& ctx) { return RunCustom(ctx, false); }

}  // namespace

extern "C" {

const char* edgeml_version(void) { return EDGEML_VERSION; }

const char* edgeml_status_name(EdgemlStatus status) {
  const int s = static_cast<int>(status);
  if (s < kEdgemlOk || s > kEdgemlInternal) return "Unknown";
  return edgeml::StatusCodeName(static_cast<StatusCode>(s));
}

const char* edgeml_data_type_name(EdgemlDataType type) {
  // DataTypeName() returns std::string; keep one static copy per type so the
  // C caller gets a pointer that never dies.
  struct Names {
    std::string names[kMaxDataType + 1];
    Names() {
      for (int i = 0; i <= kMaxDataType; ++i)
        names[i] = edgeml::DataTypeName(static_cast<DataType>(i));
    }
  };
  const int i = static_cast<int>(type);
  if (i < 0 || i > kMaxDataType) return "UNKNOWN";
  try {
    static const Names table;
    return table.names[i].c_str();
  } catch (...) {
    return "UNKNOWN";
  }
}

size_t edgeml_data_type_size(EdgemlDataType type) {
  const int i = static_cast<int>(type);
  if (i < 0 || i > kMaxDataType) return 0;
  return edgeml::DataTypeSize(static_cast<DataType>(i));
}

const char* edgeml_last_error(void) { return ThreadError().c_str(); }

EdgemlStatus edgeml_model_create_from_file(const char* path, EdgemlModel** out_model) {
  return Guard(nullptr, [&]() -> EdgemlStatus {
    if (out_model == nullptr) return Fail(StatusCode::kInvalidArgument, "out_model is NULL");
    *out_model = nullptr;
    if (path == nullptr) return Fail(StatusCode::kInvalidArgument, "model path is NULL");
    std::unique_ptr<edgeml::Model> model;
    EdgemlStatus s = Report(edgeml::Model::FromFile(path, &model));
    if (s != kEdgemlOk) return s;
    auto handle = std::make_unique<EdgemlModel>();
    handle->model = std::move(model);
    *out_model = handle.release();
    return kEdgemlOk;
  });
}

EdgemlStatus edgeml_model_create_from_buffer(const void* data, size_t size,
                                             EdgemlModel** out_model) {
  return LoadModel(&edgeml::Model::FromBuffer, data, size, out_model);
}

EdgemlStatus edgeml_model_create_from_buffer_copy(const void* data, size_t size,
                                                  EdgemlModel** out_model) {
  return LoadModel(&edgeml::Model::FromBufferCopy, data, size, out_model);
}

void edgeml_model_delete(EdgemlModel* model) { delete model; }

EdgemlStatus edgeml_interpreter_options_create(EdgemlInterpreterOptions** out_options) {
  return Guard(nullptr, [&]() -> EdgemlStatus {
    if (out_options == nullptr) return Fail(StatusCode::kInvalidArgument, "out_options is NULL");
    *out_options = new EdgemlInterpreterOptions();
    return kEdgemlOk;
  });
}

void edgeml_interpreter_options_delete(EdgemlInterpreterOptions* options) { delete options; }

EdgemlStatus edgeml_interpreter_options_set_num_threads(EdgemlInterpreterOptions* options,
                                                        int32_t num_threads) {
  if (options == nullptr) return Fail(StatusCode::kInvalidArgument, "options is NULL");
  options->options.num_threads = num_threads;
  return kEdgemlOk;
}

EdgemlStatus edgeml_interpreter_options_set_memory_limit_bytes(EdgemlInterpreterOptions* options,
                                                               size_t memory_limit_bytes) {
  if (options == nullptr) return Fail(StatusCode::kInvalidArgument, "options is NULL");
  options->options.memory_limit_bytes = memory_limit_bytes;
  return kEdgemlOk;
}

EdgemlStatus edgeml_interpreter_options_add_custom_op(EdgemlInterpreterOptions* options,
                                                      const EdgemlCustomOp* op) {
  if (options == nullptr) return Fail(StatusCode::kInvalidArgument, "options is NULL");
  if (op == nullptr || op->name == nullptr || op->name[0] == '\0') {
    return Fail(StatusCode::kInvalidArgument, "custom op or its name is NULL or empty");
  }
  if (op->eval == nullptr) return Fail(StatusCode::kInvalidArgument, "custom op has no eval");
  if (op->min_version < 1 || op->max_version < op->min_version) {
    return Fail(StatusCode::kInvalidArgument, "custom op versions must satisfy 1 <= min <= max");
  }
  return Guard(nullptr, [&]() -> EdgemlStatus {
    options->custom_ops.push_back(CustomOpSpec{op->name, *op});
    for (CustomOpSpec& spec : options->custom_ops) spec.op.name = spec.name.c_str();
    return kEdgemlOk;
  });
}

namespace {

EdgemlStatus AddDelegate(EdgemlInterpreterOptions* options, const char* what, const char* name,
                         const char* const* keys, const char* const* values, size_t n,
                         edgeml::Status (*make)(const std::string&, const edgeml::DelegateOptions&,
                                                std::shared_ptr<edgeml::Delegate>*)) {
  if (options == nullptr) return Fail(StatusCode::kInvalidArgument, "options is NULL");
  if (name == nullptr || name[0] == '\0') {
    return Fail(StatusCode::kInvalidArgument,
                (std::string(what) + " is NULL or empty").c_str());
  }
  if (n > 0 && (keys == nullptr || values == nullptr)) {
    return Fail(StatusCode::kInvalidArgument, "delegate option keys or values are NULL");
  }
  return Guard(nullptr, [&]() -> EdgemlStatus {
    edgeml::DelegateOptions opts;
    for (size_t i = 0; i < n; ++i) {
      if (keys[i] == nullptr || values[i] == nullptr) {
        return Fail(StatusCode::kInvalidArgument, "a delegate option key or value is NULL");
      }
      opts.emplace_back(keys[i], values[i]);
    }
    std::shared_ptr<edgeml::Delegate> d;
    EdgemlStatus s = Report(make(name, opts, &d));
    if (s != kEdgemlOk) return s;
    options->options.delegates.push_back(std::move(d));
    return kEdgemlOk;
  });
}

}  // namespace

EdgemlStatus edgeml_interpreter_options_add_delegate(EdgemlInterpreterOptions* options,
                                                     const char* name, const char* const* keys,
                                                     const char* const* values,
                                                     size_t num_options) {
  return AddDelegate(options, "delegate name", name, keys, values, num_options,
                     edgeml::CreateDelegate);
}

EdgemlStatus edgeml_interpreter_options_add_delegate_plugin(EdgemlInterpreterOptions* options,
                                                            const char* path,
                                                            const char* const* keys,
                                                            const char* const* values,
                                                            size_t num_options) {
  return AddDelegate(options, "delegate plugin path", path, keys, values, num_options,
                     edgeml::LoadDelegatePlugin);
}

int32_t edgeml_interpreter_node_count(const EdgemlInterpreter* interpreter) {
  if (interpreter == nullptr || !interpreter->impl) return -1;
  return static_cast<int32_t>(interpreter->impl->nodes_size());
}

const char* edgeml_interpreter_node_delegate(const EdgemlInterpreter* interpreter,
                                             int32_t node_index) {
  if (interpreter == nullptr || !interpreter->impl || node_index < 0 ||
      static_cast<size_t>(node_index) >= interpreter->impl->nodes_size()) {
    return nullptr;
  }
  const edgeml::DelegationReport& r = interpreter->impl->delegation_report();
  if (static_cast<size_t>(node_index) >= r.nodes.size()) return "";
  return r.nodes[node_index].delegate.c_str();
}

int32_t edgeml_op_input_count(const EdgemlOpContext* c) { return c ? c->ctx->num_inputs() : -1; }
int32_t edgeml_op_output_count(const EdgemlOpContext* c) { return c ? c->ctx->num_outputs() : -1; }
int32_t edgeml_op_node_index(const EdgemlOpContext* c) { return c ? c->ctx->node_index() : -1; }

EdgemlTensor* edgeml_op_input(EdgemlOpContext* c, int32_t index) {
  if (c == nullptr || !c->ctx->has_input(index)) return nullptr;
  return &c->bound->owner->tensors[c->ctx->input_tensor_index(index)];
}

EdgemlTensor* edgeml_op_output(EdgemlOpContext* c, int32_t index) {
  if (c == nullptr) return nullptr;
  const int t = c->ctx->output_tensor_index(index);
  return t < 0 ? nullptr : &c->bound->owner->tensors[t];
}

const uint8_t* edgeml_op_custom_options(const EdgemlOpContext* c, size_t* size) {
  size_t n = 0;
  const uint8_t* p = c ? c->ctx->custom_options(&n) : nullptr;
  if (size != nullptr) *size = n;
  return p;
}

EdgemlStatus edgeml_op_set_output_shape(EdgemlOpContext* c, int32_t index, const int32_t* dims,
                                        int32_t rank) {
  if (c == nullptr) return Fail(StatusCode::kInvalidArgument, "context is NULL");
  if (rank < 0 || (rank > 0 && dims == nullptr) || index < 0 || index >= c->ctx->num_outputs()) {
    return edgeml_op_error(c, kEdgemlInvalidArgument, "bad output index, dims or rank");
  }
  try {
    const edgeml::Status s = c->ctx->SetOutputShape(index, edgeml::Shape(dims, dims + rank));
    if (!s.ok()) return edgeml_op_error(c, ToC(s.code()), s.message().c_str());
  } catch (...) {
    return edgeml_op_error(c, kEdgemlResourceExhausted, "out of memory");
  }
  return kEdgemlOk;
}

void edgeml_op_set_state(EdgemlOpContext* c, void* state) {
  if (c == nullptr) return;
  try {
    auto holder = std::make_unique<CustomOpState>();
    holder->state = state;
    holder->free_state = c->bound->op.free_state;
    c->ctx->set_state(std::move(holder));
  } catch (...) {
    if (c->bound->op.free_state != nullptr && state != nullptr) c->bound->op.free_state(state);
  }
}

void* edgeml_op_state(const EdgemlOpContext* c) {
  if (c == nullptr) return nullptr;
  const CustomOpState* holder = c->ctx->state<CustomOpState>();
  return holder ? holder->state : nullptr;
}

EdgemlStatus edgeml_op_error(EdgemlOpContext* c, EdgemlStatus status, const char* message) {
  if (c == nullptr) return status;
  try {
    c->code = status;
    c->message = message ? message : "";
  } catch (...) {
    c->message.clear();
  }
  return status;
}

EdgemlStatus edgeml_interpreter_create(const EdgemlModel* model,
                                       const EdgemlInterpreterOptions* options,
                                       EdgemlInterpreter** out_interpreter) {
  return Guard(nullptr, [&]() -> EdgemlStatus {
    if (out_interpreter == nullptr) {
      return Fail(StatusCode::kInvalidArgument, "out_interpreter is NULL");
    }
    *out_interpreter = nullptr;
    if (model == nullptr || !model->model) {
      return Fail(StatusCode::kInvalidArgument, "model is NULL");
    }
    auto interp = std::make_unique<EdgemlInterpreter>();
    interp->model = model->model;
    const edgeml::InterpreterOptions opts =
        options ? options->options : edgeml::InterpreterOptions();
    if (options) {
      for (const CustomOpSpec& spec : options->custom_ops) {
        interp->custom_ops.push_back(
            std::make_unique<BoundCustomOp>(BoundCustomOp{spec.op, interp.get()}));
        interp->custom_names.push_back(spec.name);
      }
      for (size_t i = 0; i < interp->custom_ops.size(); ++i) {
        const BoundCustomOp* bound = interp->custom_ops[i].get();
        edgeml::OpRegistration reg;
        reg.name = interp->custom_names[i].c_str();
        reg.min_version = bound->op.min_version;
        reg.max_version = bound->op.max_version;
        reg.prepare = CustomPrepare;
        reg.eval = CustomEval;
        reg.user_data = bound;
        interp->resolver.AddCustom(interp->custom_names[i], reg);
      }
    }
    EdgemlStatus s =
        Report(edgeml::Interpreter::Create(*interp->model, interp->resolver, opts, &interp->impl));
    if (s != kEdgemlOk) return s;
    const size_t n = interp->impl->tensors_size();
    interp->tensors.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      interp->tensors.push_back(EdgemlTensor{interp.get(), static_cast<int>(i)});
    }
    *out_interpreter = interp.release();
    return kEdgemlOk;
  });
}

void edgeml_interpreter_delete(EdgemlInterpreter* interpreter) { delete interpreter; }

EdgemlStatus edgeml_interpreter_allocate_tensors(EdgemlInterpreter* interpreter) {
  if (interpreter == nullptr) return Fail(StatusCode::kInvalidArgument, "interpreter is NULL");
  return Guard(interpreter,
               [&]() { return Report(interpreter->impl->AllocateTensors(), interpreter); });
}

EdgemlStatus edgeml_interpreter_resize_input(EdgemlInterpreter* interpreter, int32_t input_index,
                                             const int32_t* dims, int32_t rank) {
  if (interpreter == nullptr) return Fail(StatusCode::kInvalidArgument, "interpreter is NULL");
  return Guard(interpreter, [&]() -> EdgemlStatus {
    if (rank < 0 || (rank > 0 && dims == nullptr)) {
      return Fail(StatusCode::kInvalidArgument, "resize_input: dims is NULL or rank < 0",
                  interpreter);
    }
    edgeml::Shape shape(dims, dims + rank);
    return Report(interpreter->impl->ResizeInput(input_index, shape), interpreter);
  });
}

EdgemlStatus edgeml_interpreter_invoke(EdgemlInterpreter* interpreter) {
  if (interpreter == nullptr) return Fail(StatusCode::kInvalidArgument, "interpreter is NULL");
  return Guard(interpreter, [&]() { return Report(interpreter->impl->Invoke(), interpreter); });
}

const char* edgeml_interpreter_last_error(const EdgemlInterpreter* interpreter) {
  return interpreter ? interpreter->error.c_str() : "";
}

int32_t edgeml_interpreter_input_count(const EdgemlInterpreter* interpreter) {
  return interpreter ? static_cast<int32_t>(interpreter->impl->inputs().size()) : -1;
}

int32_t edgeml_interpreter_output_count(const EdgemlInterpreter* interpreter) {
  return interpreter ? static_cast<int32_t>(interpreter->impl->outputs().size()) : -1;
}

EdgemlTensor* edgeml_interpreter_input(EdgemlInterpreter* interpreter, int32_t input_index) {
  if (interpreter == nullptr) return nullptr;
  const std::vector<int>& in = interpreter->impl->inputs();
  if (input_index < 0 || static_cast<size_t>(input_index) >= in.size()) return nullptr;
  const int t = in[input_index];
  if (t < 0 || static_cast<size_t>(t) >= interpreter->tensors.size()) return nullptr;
  return &interpreter->tensors[t];
}

const EdgemlTensor* edgeml_interpreter_output(const EdgemlInterpreter* interpreter,
                                              int32_t output_index) {
  if (interpreter == nullptr) return nullptr;
  const std::vector<int>& out = interpreter->impl->outputs();
  if (output_index < 0 || static_cast<size_t>(output_index) >= out.size()) return nullptr;
  const int t = out[output_index];
  if (t < 0 || static_cast<size_t>(t) >= interpreter->tensors.size()) return nullptr;
  return &interpreter->tensors[t];
}

int32_t edgeml_interpreter_tensor_count(const EdgemlInterpreter* interpreter) {
  return interpreter ? static_cast<int32_t>(interpreter->tensors.size()) : -1;
}

const EdgemlTensor* edgeml_interpreter_tensor(const EdgemlInterpreter* interpreter,
                                              int32_t tensor_index) {
  if (interpreter == nullptr || tensor_index < 0 ||
      static_cast<size_t>(tensor_index) >= interpreter->tensors.size()) {
    return nullptr;
  }
  return &interpreter->tensors[tensor_index];
}

int32_t edgeml_interpreter_find_input(const EdgemlInterpreter* interpreter, const char* name) {
  if (interpreter == nullptr || name == nullptr) return -1;
  try {
    return interpreter->impl->FindInput(name);
  } catch (...) {
    return -1;
  }
}

int32_t edgeml_interpreter_find_output(const EdgemlInterpreter* interpreter, const char* name) {
  if (interpreter == nullptr || name == nullptr) return -1;
  try {
    return interpreter->impl->FindOutput(name);
  } catch (...) {
    return -1;
  }
}

EdgemlDataType edgeml_tensor_type(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return t ? static_cast<EdgemlDataType>(t->type) : kEdgemlNoType;
}

const char* edgeml_tensor_name(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return t ? t->name.c_str() : nullptr;
}

int32_t edgeml_tensor_rank(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return t ? t->rank() : -1;
}

int32_t edgeml_tensor_dim(const EdgemlTensor* tensor, int32_t dim_index) {
  const edgeml::Tensor* t = Resolve(tensor);
  if (t == nullptr || dim_index < 0 || dim_index >= t->rank()) return -1;
  return t->dim(dim_index);
}

const int32_t* edgeml_tensor_dims(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return (t && !t->shape.empty()) ? t->shape.data() : nullptr;
}

int64_t edgeml_tensor_element_count(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  if (t == nullptr) return -1;
  int64_t count = 0;
  return edgeml::ShapeElementCount(t->shape, &count) ? count : -1;
}

size_t edgeml_tensor_byte_size(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return (t && t->data) ? t->bytes : 0;
}

void* edgeml_tensor_data(const EdgemlTensor* tensor) {
  const edgeml::Tensor* t = Resolve(tensor);
  return t ? t->data : nullptr;
}

EdgemlQuantizationParams edgeml_tensor_quantization_params(const EdgemlTensor* tensor) {
  EdgemlQuantizationParams p = {0.0f, 0};
  const edgeml::Tensor* t = Resolve(tensor);
  if (t == nullptr || !t->quant.quantized()) return p;
  p.scale = t->quant.scale[0];
  if (!t->quant.zero_point.empty()) p.zero_point = static_cast<int32_t>(t->quant.zero_point[0]);
  return p;
}

EdgemlStatus edgeml_tensor_quantization(const EdgemlTensor* tensor,
                                        EdgemlQuantization* out_quantization) {
  const edgeml::Tensor* t = Resolve(tensor);
  EdgemlInterpreter* owner = tensor ? tensor->owner : nullptr;
  if (t == nullptr) return Fail(StatusCode::kInvalidArgument, "tensor is NULL", owner);
  if (out_quantization == nullptr) {
    return Fail(StatusCode::kInvalidArgument, "out_quantization is NULL", owner);
  }
  const edgeml::QuantizationParams& q = t->quant;
  EdgemlQuantization r;
  r.scale_count = static_cast<int32_t>(q.scale.size());
  r.scales = q.scale.empty() ? nullptr : q.scale.data();
  r.zero_point_count = static_cast<int32_t>(q.zero_point.size());
  r.zero_points = q.zero_point.empty() ? nullptr : q.zero_point.data();
  r.quantized_dimension = q.quantized_dimension;
  *out_quantization = r;
  return kEdgemlOk;
}

EdgemlStatus edgeml_tensor_copy_from_buffer(EdgemlTensor* tensor, const void* data, size_t size) {
  const edgeml::Tensor* t = Resolve(tensor);
  EdgemlInterpreter* owner = tensor ? tensor->owner : nullptr;
  return Guard(owner, [&]() -> EdgemlStatus {
    if (t == nullptr) return Fail(StatusCode::kInvalidArgument, "tensor is NULL", owner);
    if (data == nullptr && size != 0) {
      return Fail(StatusCode::kInvalidArgument, "copy_from_buffer: data is NULL", owner);
    }
    if (t->is_constant()) {
      return Report(edgeml::Errorf(StatusCode::kFailedPrecondition,
                                   "copy_from_buffer: tensor '%s' is constant", t->name.c_str()),
                    owner);
    }
    if (t->data == nullptr && (t->bytes != 0 || size != 0)) {
      return Report(edgeml::Errorf(StatusCode::kFailedPrecondition,
                                   "copy_from_buffer: tensor '%s' has no data; call "
                                   "allocate_tensors first",
                                   t->name.c_str()),
                    owner);
    }
    if (size != t->bytes) {
      return Report(edgeml::Errorf(StatusCode::kInvalidArgument,
                                   "copy_from_buffer: tensor '%s' holds %zu bytes, got %zu",
                                   t->name.c_str(), t->bytes, size),
                    owner);
    }
    if (size != 0) std::memcpy(t->data, data, size);
    return kEdgemlOk;
  });
}

EdgemlStatus edgeml_tensor_copy_to_buffer(const EdgemlTensor* tensor, void* data, size_t size) {
  const edgeml::Tensor* t = Resolve(tensor);
  EdgemlInterpreter* owner = tensor ? tensor->owner : nullptr;
  return Guard(owner, [&]() -> EdgemlStatus {
    if (t == nullptr) return Fail(StatusCode::kInvalidArgument, "tensor is NULL", owner);
    if (data == nullptr && size != 0) {
      return Fail(StatusCode::kInvalidArgument, "copy_to_buffer: data is NULL", owner);
    }
    if (t->data == nullptr && (t->bytes != 0 || size != 0)) {
      return Report(edgeml::Errorf(StatusCode::kFailedPrecondition,
                                   "copy_to_buffer: tensor '%s' has no data; call "
                                   "allocate_tensors first",
                                   t->name.c_str()),
                    owner);
    }
    if (size != t->bytes) {
      return Report(edgeml::Errorf(StatusCode::kInvalidArgument,
                                   "copy_to_buffer: tensor '%s' holds %zu bytes, got %zu",
                                   t->name.c_str(), t->bytes, size),
                    owner);
    }
    if (size != 0) std::memcpy(data, t->data, size);
    return kEdgemlOk;
  });
}

}  // extern "C"
