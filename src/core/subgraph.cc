#include "core/subgraph.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

#include "core/arena_planner.h"
#include "core/delegate.h"
#include "format/validate.h"

namespace edgeml::internal {
namespace {

constexpr size_t kArenaAlignment = 64;
// Every arena and persistent buffer is followed by this many readable bytes
// so SIMD kernels may over-read the last vector.
constexpr size_t kTailPadding = 64;

std::string TensorLabel(const std::vector<Tensor>& tensors, int index) {
  if (index < 0 || static_cast<size_t>(index) >= tensors.size()) {
    return "tensor " + std::to_string(index);
  }
  const Tensor& t = tensors[index];
  std::string s = "tensor " + std::to_string(index);
  if (!t.name.empty()) s += " '" + t.name + "'";
  return s;
}

// Bytes per element of storage: a RESOURCE tensor holds one int32 id.
size_t StorageElementSize(DataType type) {
  return type == DataType::kResource ? sizeof(int32_t) : DataTypeSize(type);
}

// Subgraphs a control-flow node runs, from its options.
void CalledSubgraphs(const tfl::Operator* op, std::vector<int>* out) {
  if (const auto* w = op->builtin_options_as_WhileOptions()) {
    out->push_back(w->cond_subgraph_index());
    out->push_back(w->body_subgraph_index());
  } else if (const auto* i = op->builtin_options_as_IfOptions()) {
    out->push_back(i->then_subgraph_index());
    out->push_back(i->else_subgraph_index());
  } else if (const auto* c = op->builtin_options_as_CallOnceOptions()) {
    out->push_back(c->init_subgraph_index());
  }
}

}  // namespace

Subgraph* Subgraph::sibling(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= shared_->subgraphs.size()) return nullptr;
  return shared_->subgraphs[index];
}

Status CheckNoRecursion(const std::vector<std::unique_ptr<Subgraph>>& subgraphs) {
  const int count = static_cast<int>(subgraphs.size());
  // Depth-first over calls; state 1 = on the current chain, 2 = done.
  std::vector<uint8_t> state(count, 0);
  std::vector<int> chain;
  struct Frame {
    int sg, node, callee;
  };
  for (int root = 0; root < count; ++root) {
    if (state[root]) continue;
    std::vector<Frame> stack{{root, 0, 0}};
    state[root] = 1;
    chain.assign(1, root);
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& nodes = subgraphs[f.sg]->nodes();
      if (f.node >= static_cast<int>(nodes.size())) {
        state[f.sg] = 2;
        chain.pop_back();
        stack.pop_back();
        continue;
      }
      const Node& node = nodes[f.node];
      if (f.callee >= static_cast<int>(node.callees.size())) {
        ++f.node;
        f.callee = 0;
        continue;
      }
      const int target = node.callees[f.callee++];
      if (target < 0 || target >= count) {
        return Errorf(StatusCode::kInvalidModel,
                      "%s (node %d of subgraph %d) calls subgraph %d; the model has %d",
                      node.op_name.c_str(), f.node, f.sg, target, count);
      }
      if (state[target] == 1) {
        std::string path;
        for (int s : chain) path += std::to_string(s) + " -> ";
        path += std::to_string(target);
        return Errorf(StatusCode::kInvalidModel,
                      "%s (node %d of subgraph %d) calls subgraph %d, which is already running "
                      "(call chain %s): recursive subgraph calls are not supported",
                      node.op_name.c_str(), f.node, f.sg, target, path.c_str());
      }
      if (state[target] == 0) {
        state[target] = 1;
        chain.push_back(target);
        stack.push_back({target, 0, 0});
      }
    }
  }
  return Status::Ok();
}

const tfl::SubGraph* Subgraph::flatbuffer() const {
  return model_.flatbuffer()->subgraphs()->Get(index_);
}

std::string Subgraph::DescribeTensor(int index) const {
  std::string s = TensorLabel(tensors_, index);
  if (index >= 0 && static_cast<size_t>(index) < tensors_.size()) {
    const Tensor& t = tensors_[index];
    s += " (" + DataTypeName(t.type) + " " + ShapeToString(t.shape) + ")";
  }
  return s;
}

Status Subgraph::Build(const OpResolver& resolver) {
  const tfl::Model* fbm = model_.flatbuffer();
  const tfl::SubGraph* sg = flatbuffer();
  const uint32_t nt = sg->tensors() ? sg->tensors()->size() : 0;
  tensors_.resize(nt);
  for (uint32_t i = 0; i < nt; ++i) {
    const tfl::Tensor* ft = sg->tensors()->Get(i);
    Tensor& t = tensors_[i];
    t.type = static_cast<DataType>(ft->type());
    if (ft->shape()) t.shape.assign(ft->shape()->begin(), ft->shape()->end());
    if (ft->shape_signature()) {
      t.shape_signature.assign(ft->shape_signature()->begin(), ft->shape_signature()->end());
    } else {
      t.shape_signature = t.shape;
    }
    if (ft->name()) t.name = ft->name()->str();
    t.is_variable = ft->is_variable();
    if (const tfl::QuantizationParameters* q = ft->quantization()) {
      if (q->scale()) t.quant.scale.assign(q->scale()->begin(), q->scale()->end());
      if (q->zero_point())
        t.quant.zero_point.assign(q->zero_point()->begin(), q->zero_point()->end());
      if (t.quant.zero_point.empty() && !t.quant.scale.empty()) {
        t.quant.zero_point.assign(t.quant.scale.size(), 0);
      }
      t.quant.quantized_dimension = q->quantized_dimension();
    }
    const uint8_t* data = nullptr;
    size_t bytes = 0;
    EDGEML_RETURN_IF_ERROR(model_.BufferData(ft->buffer(), &data, &bytes));
    int64_t count = 0;
    ShapeElementCount(t.shape, &count);  // validated at load
    if (bytes > 0 && reinterpret_cast<uintptr_t>(data) % 16 != 0) {
      // A buffer placed at an odd offset in the file (the format asks for
      // 16): kernels read int64/float constants in place, so copy it once
      // to aligned memory (misaligned loads are undefined behaviour).
      std::unique_ptr<uint8_t[]> copy(new (std::nothrow) uint8_t[bytes]);
      if (!copy) {
        return Errorf(StatusCode::kResourceExhausted, "cannot copy %zu bytes of tensor %u", bytes,
                      i);
      }
      std::memcpy(copy.get(), data, bytes);
      data = copy.get();
      aligned_constants_.push_back(std::move(copy));
    }
    if (bytes > 0) {
      t.allocation = Allocation::kConstant;
      t.data = const_cast<uint8_t*>(data);  // never written: ops treat inputs as const
      t.bytes = bytes;
    } else if (ft->buffer() != 0 && count == 0) {
      // An empty constant (e.g. a [0]-shaped reshape target): constant, no bytes.
      static const uint64_t kEmpty[8] = {};
      t.allocation = Allocation::kConstant;
      t.data = const_cast<uint64_t*>(kEmpty);
      t.bytes = 0;
    }
  }
  if (sg->inputs()) inputs_.assign(sg->inputs()->begin(), sg->inputs()->end());
  if (sg->outputs()) outputs_.assign(sg->outputs()->begin(), sg->outputs()->end());

  // Resolve every op; report all unsupported ones at once.
  const uint32_t no = sg->operators() ? sg->operators()->size() : 0;
  nodes_.resize(no);
  std::string unsupported;
  int unsupported_count = 0;
  for (uint32_t n = 0; n < no; ++n) {
    const tfl::Operator* op = sg->operators()->Get(n);
    const tfl::OperatorCode* code = fbm->operator_codes()->Get(op->opcode_index());
    Node& node = nodes_[n];
    node.op = op;
    node.version = code->version();
    int builtin = format::EffectiveBuiltinCode(code);
    const OpRegistration* reg = nullptr;
    if (builtin == static_cast<int>(tfl::BuiltinOperator::CUSTOM)) {
      node.op_name = code->custom_code()->str();
      reg = resolver.FindCustom(node.op_name);
    } else {
      node.op_name = BuiltinOpName(builtin);
      reg = resolver.FindBuiltin(builtin);
    }
    std::string problem;
    if (reg == nullptr) {
      problem = node.op_name + " (node " + std::to_string(n) + ")";
    } else if (node.version < reg->min_version || node.version > reg->max_version) {
      problem = node.op_name + " version " + std::to_string(node.version) + " (node " +
                std::to_string(n) + "; edgeml has versions " + std::to_string(reg->min_version) +
                ".." + std::to_string(reg->max_version) + ")";
    }
    if (!problem.empty()) {
      if (unsupported_count < 8) unsupported += (unsupported_count ? ", " : "") + problem;
      ++unsupported_count;
      continue;
    }
    node.reg = reg;
    CalledSubgraphs(op, &node.callees);
    if (op->inputs()) node.inputs.assign(op->inputs()->begin(), op->inputs()->end());
    if (op->outputs()) node.outputs.assign(op->outputs()->begin(), op->outputs()->end());
  }
  if (unsupported_count > 0) {
    if (unsupported_count > 8)
      unsupported += ", ... (" + std::to_string(unsupported_count) + " in all)";
    return Status(StatusCode::kUnsupported, "unsupported ops: " + unsupported);
  }

  // Structure: each tensor written once, never a constant, read only after
  // it is written (the format lists operators in execution order).
  std::vector<uint8_t> written(nt, 0);
  for (size_t i = 0; i < nt; ++i) {
    written[i] = tensors_[i].is_constant() || tensors_[i].is_variable;
  }
  for (int in : inputs_) {
    if (tensors_[in].is_constant()) {
      return Errorf(StatusCode::kInvalidModel, "graph input %s is a constant",
                    DescribeTensor(in).c_str());
    }
    written[in] = 1;
  }
  for (uint32_t n = 0; n < no; ++n) {
    const Node& node = nodes_[n];
    for (int in : node.inputs) {
      // Sparse constants hold compressed values, smaller than their shape;
      // only DENSIFY knows how to read them.
      if (in >= 0 && sg->tensors()->Get(in)->sparsity() && tensors_[in].is_constant() &&
          node.op_name != "DENSIFY") {
        return Errorf(StatusCode::kUnsupported,
                      "%s (node %u): input %s is a sparse tensor; only DENSIFY reads those",
                      node.op_name.c_str(), n, DescribeTensor(in).c_str());
      }
      if (in >= 0 && !written[in]) {
        return Errorf(StatusCode::kInvalidModel,
                      "%s (node %u): input %s is read before any op writes it",
                      node.op_name.c_str(), n, DescribeTensor(in).c_str());
      }
    }
    for (int out : node.outputs) {
      if (tensors_[out].is_constant()) {
        return Errorf(StatusCode::kInvalidModel, "%s (node %u): output %s is a constant",
                      node.op_name.c_str(), n, DescribeTensor(out).c_str());
      }
      if (written[out]) {
        return Errorf(StatusCode::kInvalidModel,
                      "%s (node %u): output %s is already written by an input or an earlier op",
                      node.op_name.c_str(), n, DescribeTensor(out).c_str());
      }
      written[out] = 1;
    }
  }
  for (int out : outputs_) {
    if (!written[out]) {
      return Errorf(StatusCode::kInvalidModel, "graph output %s is never written",
                    DescribeTensor(out).c_str());
    }
  }
  return Status::Ok();
}

Status Subgraph::ResizeInput(int i, const Shape& shape) {
  if (i < 0 || static_cast<size_t>(i) >= inputs_.size()) {
    return Errorf(StatusCode::kInvalidArgument, "input %d does not exist (the model has %zu)", i,
                  inputs_.size());
  }
  Tensor& t = tensors_[inputs_[i]];
  int64_t count;
  if (!ShapeElementCount(shape, &count, std::max<size_t>(1, DataTypeSize(t.type)))) {
    return Errorf(StatusCode::kInvalidArgument, "input %d: shape %s is invalid or too large", i,
                  ShapeToString(shape).c_str());
  }
  // Like LiteRT, any dim may change; each op's prepare checks the new shapes.
  t.shape = shape;
  allocated_ = false;
  return Status::Ok();
}

void Subgraph::ResetAllocations() {
  for (Tensor& t : tensors_) {
    if (t.allocation == Allocation::kArena || t.allocation == Allocation::kPersistent ||
        t.allocation == Allocation::kDynamic) {
      t.allocation = Allocation::kNone;
      t.data = nullptr;
      t.bytes = 0;
    }
  }
  for (Node& node : nodes_) {
    node.scratch.clear();
    node.deferred = false;
  }
  persistent_.clear();
  persistent_size_ = 0;
  arena_storage_.reset();
  arena_ = nullptr;
  arena_size_ = 0;
  allocated_ = false;
}

Status Subgraph::PrepareNode(int n) {
  Node& node = nodes_[n];
  node.state.reset();
  node.scratch.clear();
  node.folded = false;
  node.defer_requested = false;
  for (int out : node.outputs) tensors_[out].bytes = SIZE_MAX;  // "shape not set yet"
  OpContext ctx(this, n);
  Status s = node.reg->prepare ? node.reg->prepare(ctx) : Status::Ok();
  if (node.defer_requested) {
    if (preparing_at_invoke_) {
      return Errorf(StatusCode::kInternal,
                    "%s (node %d) deferred its prepare again although its inputs are computed",
                    node.op_name.c_str(), n);
    }
    node.deferred = true;
    node.state.reset();
    node.scratch.clear();
    return Status::Ok();
  }
  if (!s.ok()) return s;
  if (!node.reg->eval && !node.folded) {
    return Errorf(StatusCode::kInternal, "%s (node %d) has no eval function", node.op_name.c_str(),
                  n);
  }
  node.empty = !node.outputs.empty();
  for (int out : node.outputs) {
    Tensor& t = tensors_[out];
    if (t.bytes == SIZE_MAX) {
      return Errorf(StatusCode::kInternal, "%s (node %d) did not set the shape of output %s",
                    node.op_name.c_str(), n, DescribeTensor(out).c_str());
    }
    if (t.allocation == Allocation::kNone) t.allocation = Allocation::kArena;
    if (t.bytes != 0 || t.allocation == Allocation::kDynamic) node.empty = false;
  }
  return Status::Ok();
}

Status Subgraph::EnsureBuffer(DynamicBuffer* buf, size_t bytes, const char* what) {
  if (buf->aligned != nullptr && bytes <= buf->capacity) return Status::Ok();
  // Grow geometrically so that a shape that creeps up costs few reallocations.
  size_t want = std::max(bytes, buf->capacity + buf->capacity / 2);
  size_t limit = options_.memory_limit_bytes;
  if (limit > 0 && want > limit) want = bytes;
  if (limit > 0 && bytes > limit) {
    return Errorf(StatusCode::kResourceExhausted,
                  "%s needs %zu bytes, over the memory limit of %zu bytes", what, bytes, limit);
  }
  std::unique_ptr<uint8_t[]> storage(new (std::nothrow)
                                         uint8_t[want + kTailPadding + kArenaAlignment]());
  if (!storage) {
    return Errorf(StatusCode::kResourceExhausted, "cannot allocate %zu bytes for %s", want, what);
  }
  uint8_t* base = storage.get();
  buf->aligned = base + (kArenaAlignment - reinterpret_cast<uintptr_t>(base) % kArenaAlignment) %
                            kArenaAlignment;
  buf->storage = std::move(storage);
  buf->capacity = want;
  return Status::Ok();
}

Status Subgraph::EnsureDynamicStorage(int t) {
  Tensor& tensor = tensors_[t];
  DynamicBuffer& buf = dynamic_[t];
  if (buf.aligned == nullptr || tensor.bytes > buf.capacity) {  // (no message built otherwise)
    EDGEML_RETURN_IF_ERROR(EnsureBuffer(&buf, tensor.bytes, DescribeTensor(t).c_str()));
  }
  tensor.allocation = Allocation::kDynamic;
  tensor.data = buf.aligned;
  return Status::Ok();
}

Status Subgraph::PrepareDeferredNode(int n) {
  Node& node = nodes_[n];
  preparing_at_invoke_ = true;
  Status s = PrepareNode(n);
  preparing_at_invoke_ = false;
  if (!s.ok()) return s;
  for (int out : node.outputs) {
    Tensor& t = tensors_[out];
    if (t.allocation == Allocation::kArena) t.allocation = Allocation::kDynamic;
    EDGEML_RETURN_IF_ERROR(EnsureDynamicStorage(out));
  }
  size_t total = 0;
  for (ScratchBuffer& sb : node.scratch) {
    sb.offset = total;
    total += (sb.bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  }
  if (total > dynamic_scratch_.capacity || dynamic_scratch_.aligned == nullptr) {
    std::string what = node.op_name + " (node " + std::to_string(n) + ") scratch";
    EDGEML_RETURN_IF_ERROR(EnsureBuffer(&dynamic_scratch_, total, what.c_str()));
  }
  return Status::Ok();
}

void Subgraph::ResetVariableTensors() {
  for (Tensor& t : tensors_) {
    if (t.is_variable && t.data != nullptr && t.bytes > 0 && !t.is_constant()) {
      // As LiteRT: zero, or the zero point of a per-tensor int8 tensor.
      int value = 0;
      if (t.type == DataType::kInt8 && t.quant.zero_point.size() == 1) {
        value = static_cast<int>(t.quant.zero_point[0]);
      }
      std::memset(t.data, value, t.bytes);
    }
  }
}

Status Subgraph::Allocate() {
  if (!shared_->pool && options_.num_threads > 1) {
    shared_->pool = std::make_unique<ThreadPool>(options_.num_threads);
  }
  ResetAllocations();
  const int num_nodes = static_cast<int>(nodes_.size());
  std::vector<int> first(tensors_.size(), -1), last(tensors_.size(), -1);
  auto init_whole_life = [&](int t, const char* role) -> Status {
    Tensor& tensor = tensors_[t];
    if (tensor.is_constant()) return Status::Ok();
    int64_t count;
    size_t es = StorageElementSize(tensor.type);
    if (es == 0) {
      return Errorf(StatusCode::kUnsupported, "%s %s has type %s, which edgeml cannot allocate",
                    role, DescribeTensor(t).c_str(), DataTypeName(tensor.type).c_str());
    }
    if (!ShapeElementCount(tensor.shape, &count, es)) {
      return Errorf(StatusCode::kInvalidModel, "%s %s is too large", role,
                    DescribeTensor(t).c_str());
    }
    tensor.bytes = static_cast<size_t>(count) * es;
    tensor.allocation = Allocation::kArena;
    first[t] = 0;
    last[t] = num_nodes;
    return Status::Ok();
  };
  for (int in : inputs_) EDGEML_RETURN_IF_ERROR(init_whole_life(in, "input"));
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (tensors_[t].is_variable) {
      EDGEML_RETURN_IF_ERROR(init_whole_life(static_cast<int>(t), "variable"));
    }
  }
  for (int n = 0; n < num_nodes; ++n) {
    // A node that reads a dynamic tensor can only be prepared at Invoke().
    Node& node = nodes_[n];
    for (int in : node.inputs) {
      if (in >= 0 && tensors_[in].allocation == Allocation::kDynamic) node.deferred = true;
    }
    Status s = node.deferred ? Status::Ok() : PrepareNode(n);
    if (!s.ok()) {
      ResetAllocations();
      return s;
    }
    if (node.deferred) {
      for (int out : node.outputs) {
        Tensor& t = tensors_[out];
        t.allocation = Allocation::kDynamic;
        t.data = nullptr;
        t.bytes = 0;
      }
    }
  }
  // Delegates take their partitions now that shapes are final; a partition
  // runs as one step of the plan (step[n]: the step that runs node n).
  std::vector<int> step(num_nodes);
  for (int n = 0; n < num_nodes; ++n) step[n] = n;
  if (index_ == 0 && !options_.delegates.empty()) {
    if (!delegation_) delegation_ = std::make_shared<Delegation>(options_.delegates);
    Status s = delegation_->Apply(this, &step);
    if (!s.ok()) {
      ResetAllocations();
      return s;
    }
  }

  // Lifetimes in node steps; inputs, outputs and variables live throughout.
  for (int n = 0; n < num_nodes; ++n) {
    const Node& node = nodes_[n];
    for (int out : node.outputs) {
      if (first[out] < 0) first[out] = step[n];
      last[out] = std::max(last[out], step[n]);
    }
    for (int in : node.inputs) {
      if (in >= 0) last[in] = std::max(last[in], step[n]);
    }
  }
  for (int out : outputs_) last[out] = num_nodes;

  std::vector<ArenaRequest> requests;
  std::vector<int> owners;  // >= 0: tensor index; < 0: -(scratch index) - 1
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (tensors_[t].allocation != Allocation::kArena || first[t] < 0) continue;
    requests.push_back({tensors_[t].bytes, first[t], std::max(first[t], last[t])});
    owners.push_back(static_cast<int>(t));
  }
  std::vector<ScratchBuffer*> scratch;
  for (int n = 0; n < num_nodes; ++n) {
    if (nodes_[n].deferred) continue;  // planned at Invoke()
    for (ScratchBuffer& sb : nodes_[n].scratch) {
      requests.push_back({sb.bytes, step[n], step[n]});
      scratch.push_back(&sb);
      owners.push_back(-static_cast<int>(scratch.size()));
    }
  }
  std::vector<size_t> offsets;
  size_t total = PlanArena(requests, kArenaAlignment, &offsets);
  if (options_.memory_limit_bytes > 0 && total + persistent_size_ > options_.memory_limit_bytes) {
    size_t persistent = persistent_size_;
    ResetAllocations();
    return Errorf(StatusCode::kResourceExhausted,
                  "the model needs %zu bytes of arena and %zu of folded constants, over the "
                  "memory limit of %zu bytes",
                  total, persistent, options_.memory_limit_bytes);
  }
  arena_storage_.reset(new (std::nothrow) uint8_t[total + kTailPadding + kArenaAlignment]);
  if (!arena_storage_) {
    ResetAllocations();
    return Errorf(StatusCode::kResourceExhausted, "cannot allocate an arena of %zu bytes", total);
  }
  uint8_t* base = arena_storage_.get();
  arena_ = base + (kArenaAlignment - reinterpret_cast<uintptr_t>(base) % kArenaAlignment) %
                      kArenaAlignment;
  arena_size_ = total;
  for (size_t r = 0; r < requests.size(); ++r) {
    if (owners[r] >= 0) {
      tensors_[owners[r]].data = arena_ + offsets[r];
    } else {
      scratch[-owners[r] - 1]->offset = offsets[r];
    }
  }
  // Variables (e.g. recurrent state) start at zero after every allocation,
  // as in LiteRT, and then carry their values across invokes.
  ResetVariableTensors();
  allocated_ = true;
  return Status::Ok();
}

Status Subgraph::Invoke() {
  if (!allocated_) {
    return Status(StatusCode::kFailedPrecondition,
                  "AllocateTensors() must succeed before Invoke() (and again after ResizeInput())");
  }
  if (delegation_) return delegation_->Invoke(this);
  for (size_t n = 0; n < nodes_.size(); ++n) {
    EDGEML_RETURN_IF_ERROR(InvokeNode(static_cast<int>(n)));
  }
  return Status::Ok();
}

Status Subgraph::InvokeNode(int n) {
  Node& node = nodes_[n];
  // Empty outputs: skipping also keeps kernels from looping over huge
  // shapes that contain a zero dim (a crafted-model hang).
  if (node.deferred) EDGEML_RETURN_IF_ERROR(PrepareDeferredNode(n));
  if (node.folded || node.empty) return Status::Ok();
  OpContext ctx(this, n);
  return node.reg->eval(ctx);
}

}  // namespace edgeml::internal

namespace edgeml {

using internal::Node;

const char* OpContext::op_name() const { return graph_->nodes_[node_].op_name.c_str(); }
int OpContext::version() const { return graph_->nodes_[node_].version; }
const void* OpContext::user_data() const { return graph_->nodes_[node_].reg->user_data; }
int OpContext::num_inputs() const { return static_cast<int>(graph_->nodes_[node_].inputs.size()); }
int OpContext::num_outputs() const {
  return static_cast<int>(graph_->nodes_[node_].outputs.size());
}
bool OpContext::has_input(int i) const {
  const Node& n = graph_->nodes_[node_];
  return i >= 0 && static_cast<size_t>(i) < n.inputs.size() && n.inputs[i] >= 0;
}
Tensor& OpContext::input(int i) { return graph_->tensors_[graph_->nodes_[node_].inputs[i]]; }
Tensor& OpContext::output(int i) { return graph_->tensors_[graph_->nodes_[node_].outputs[i]]; }
int OpContext::input_tensor_index(int i) const {
  return has_input(i) ? graph_->nodes_[node_].inputs[i] : -1;
}
int OpContext::output_tensor_index(int i) const {
  const Node& n = graph_->nodes_[node_];
  return i >= 0 && static_cast<size_t>(i) < n.outputs.size() ? n.outputs[i] : -1;
}

const void* OpContext::builtin_options() const {
  return graph_->nodes_[node_].op->builtin_options();
}
uint8_t OpContext::builtin_options_type() const {
  return static_cast<uint8_t>(graph_->nodes_[node_].op->builtin_options_type());
}
const uint8_t* OpContext::custom_options(size_t* size) const {
  const tfl::Operator* op = graph_->nodes_[node_].op;
  if (op->large_custom_options_offset() > 1) {
    // Bounds were checked when the model was verified.
    *size = static_cast<size_t>(op->large_custom_options_size());
    return graph_->model_.data() + op->large_custom_options_offset();
  }
  if (!op->custom_options()) {
    *size = 0;
    return nullptr;
  }
  *size = op->custom_options()->size();
  return op->custom_options()->data();
}

void OpContext::set_state(std::unique_ptr<OpState> state) {
  graph_->nodes_[node_].state = std::move(state);
}
void* OpContext::state_ptr() const { return graph_->nodes_[node_].state.get(); }

Status OpContext::SetOutputShape(int i, const Shape& shape) {
  if (i < 0 || i >= num_outputs()) return Error(StatusCode::kInternal, "no output %d", i);
  Tensor& t = output(i);
  size_t es = internal::StorageElementSize(t.type);
  if (es == 0) {
    return Unsupported("output %s has type %s, which edgeml cannot allocate", Describe(t).c_str(),
                       DataTypeName(t.type).c_str());
  }
  int64_t count;
  if (!ShapeElementCount(shape, &count, es)) {
    return InvalidModel("output %s would have shape %s, which is invalid or too large",
                        Describe(t).c_str(), ShapeToString(shape).c_str());
  }
  t.shape = shape;
  t.bytes = static_cast<size_t>(count) * es;
  return Status::Ok();
}

Status OpContext::AllocatePersistentOutput(int i) {
  Tensor& t = output(i);
  if (t.bytes == SIZE_MAX) return Error(StatusCode::kInternal, "output %d has no shape yet", i);
  if (t.allocation == Allocation::kDynamic) {
    // A deferred node computing at prepare: its own buffer, reused by the
    // next invoke, instead of a new persistent one.
    return graph_->EnsureDynamicStorage(output_tensor_index(i));
  }
  size_t limit = graph_->options_.memory_limit_bytes;
  if (limit > 0 && t.bytes > limit - std::min(limit, graph_->persistent_size_)) {
    return Error(StatusCode::kResourceExhausted,
                 "folding %s needs %zu bytes, over the memory limit of %zu bytes",
                 Describe(t).c_str(), t.bytes, limit);
  }
  std::unique_ptr<uint8_t[]> buf(new (std::nothrow) uint8_t[t.bytes + 64]());
  if (!buf) {
    return Error(StatusCode::kResourceExhausted, "cannot allocate %zu bytes for %s", t.bytes,
                 Describe(t).c_str());
  }
  t.data = buf.get();
  t.allocation = Allocation::kPersistent;
  graph_->persistent_size_ += t.bytes;
  graph_->persistent_.push_back(std::move(buf));
  return Status::Ok();
}

void OpContext::MarkFolded() { graph_->nodes_[node_].folded = true; }

Status OpContext::RequestScratch(size_t bytes, int* scratch_id) {
  Node& n = graph_->nodes_[node_];
  n.scratch.push_back({bytes, 0});
  *scratch_id = static_cast<int>(n.scratch.size()) - 1;
  return Status::Ok();
}

void* OpContext::scratch(int scratch_id) {
  const Node& n = graph_->nodes_[node_];
  uint8_t* base = n.deferred ? graph_->dynamic_scratch_.aligned : graph_->arena_;
  return base + n.scratch[scratch_id].offset;
}

bool OpContext::InputValueKnown(int i) const {
  if (!has_input(i)) return false;
  const Tensor& t = graph_->tensors_[graph_->nodes_[node_].inputs[i]];
  return t.is_constant() || graph_->preparing_at_invoke_;
}

Status OpContext::DeferToInvoke() {
  graph_->nodes_[node_].defer_requested = true;
  // Not an error for the interpreter, which prepares the node again in
  // Invoke(); the status makes every caller up the prepare return at once.
  return Error(StatusCode::kUnsupported, "prepare needs run-time values; deferred to Invoke()");
}

Status OpContext::SetOutputDynamic(int i) {
  if (i < 0 || i >= num_outputs()) return Error(StatusCode::kInternal, "no output %d", i);
  Tensor& t = output(i);
  if (internal::StorageElementSize(t.type) == 0) {
    return Unsupported("output %s has type %s, which edgeml cannot allocate", Describe(t).c_str(),
                       DataTypeName(t.type).c_str());
  }
  t.allocation = Allocation::kDynamic;
  t.bytes = 0;
  t.data = nullptr;
  return Status::Ok();
}

Status OpContext::ResizeOutput(int i, const Shape& shape) {
  if (i < 0 || i >= num_outputs()) return Error(StatusCode::kInternal, "no output %d", i);
  if (output(i).allocation != Allocation::kDynamic) {
    return Error(StatusCode::kInternal, "ResizeOutput on output %s, which is not dynamic",
                 Describe(output(i)).c_str());
  }
  EDGEML_RETURN_IF_ERROR(SetOutputShape(i, shape));
  return graph_->EnsureDynamicStorage(output_tensor_index(i));
}

int OpContext::num_threads() const {
  return graph_->shared_->pool ? graph_->shared_->pool->num_threads() : 1;
}

void OpContext::ParallelFor(int64_t n, int64_t min_chunk, FunctionRef<void(int64_t, int64_t)> fn) {
  if (graph_->shared_->pool) {
    graph_->shared_->pool->ParallelFor(n, min_chunk, fn);
  } else if (n > 0) {
    fn(0, n);
  }
}

Status OpContext::VError(StatusCode code, const char* format, va_list args) {
  char buf[768];
  vsnprintf(buf, sizeof(buf), format, args);
  return Status(code, std::string(op_name()) + " (node " + std::to_string(node_) + "): " + buf);
}

Status OpContext::Error(StatusCode code, const char* format, ...) {
  va_list args;
  va_start(args, format);
  Status s = VError(code, format, args);
  va_end(args);
  return s;
}

Status OpContext::InvalidModel(const char* format, ...) {
  va_list args;
  va_start(args, format);
  Status s = VError(StatusCode::kInvalidModel, format, args);
  va_end(args);
  return s;
}

Status OpContext::Unsupported(const char* format, ...) {
  va_list args;
  va_start(args, format);
  Status s = VError(StatusCode::kUnsupported, format, args);
  va_end(args);
  return s;
}

std::string OpContext::Describe(const Tensor& t) const {
  const std::vector<Tensor>& ts = graph_->tensors_;
  if (&t >= ts.data() && &t < ts.data() + ts.size()) {
    return graph_->DescribeTensor(static_cast<int>(&t - ts.data()));
  }
  return "tensor (" + DataTypeName(t.type) + " " + ShapeToString(t.shape) + ")";
}

}  // namespace edgeml
