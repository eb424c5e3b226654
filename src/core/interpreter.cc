#include "edgeml/interpreter.h"

#include "core/subgraph.h"

namespace edgeml {

Interpreter::~Interpreter() = default;

Status Interpreter::Create(const Model& model, const OpResolver& resolver,
                           const InterpreterOptions& options, std::unique_ptr<Interpreter>* out) {
  if (options.num_threads < 1) {
    return Errorf(StatusCode::kInvalidArgument, "num_threads must be >= 1, got %d",
                  options.num_threads);
  }
  std::unique_ptr<Interpreter> interp(new Interpreter());
  interp->model_ = &model;
  interp->shared_ = std::make_unique<internal::InterpreterShared>();
  interp->shared_->options = options;
  // Subgraph 0 is the model's main graph; the others are signature entry
  // points and the bodies of control-flow ops.
  for (int i = 0; i < model.num_subgraphs(); ++i) {
    auto sg = std::make_unique<internal::Subgraph>(model, i, interp->shared_.get());
    Status s = sg->Build(resolver);
    if (!s.ok()) {
      if (i == 0) return s;
      return Status(s.code(), "subgraph " + std::to_string(i) + ": " + s.message());
    }
    interp->shared_->subgraphs.push_back(sg.get());
    interp->subgraphs_.push_back(std::move(sg));
  }
  EDGEML_RETURN_IF_ERROR(internal::CheckNoRecursion(interp->subgraphs_));
  for (SignatureInfo& info : interp->signatures()) {
    std::unique_ptr<SignatureRunner> r(new SignatureRunner());
    r->graph_ = interp->subgraphs_[info.subgraph_index].get();  // index checked at load
    for (const auto& [name, index] : info.inputs) r->input_names_.push_back(name);
    for (const auto& [name, index] : info.outputs) r->output_names_.push_back(name);
    r->info_ = std::move(info);
    interp->runners_.push_back(std::move(r));
  }
  *out = std::move(interp);
  return Status::Ok();
}

const std::vector<int>& Interpreter::inputs() const { return subgraphs_[0]->inputs(); }
const std::vector<int>& Interpreter::outputs() const { return subgraphs_[0]->outputs(); }
size_t Interpreter::tensors_size() const { return subgraphs_[0]->tensors().size(); }

Tensor* Interpreter::tensor(int tensor_index) {
  auto& ts = subgraphs_[0]->tensors();
  if (tensor_index < 0 || static_cast<size_t>(tensor_index) >= ts.size()) return nullptr;
  return &ts[tensor_index];
}

Tensor* Interpreter::input(int i) {
  const auto& in = inputs();
  if (i < 0 || static_cast<size_t>(i) >= in.size()) return nullptr;
  return tensor(in[i]);
}

Tensor* Interpreter::output(int i) {
  const auto& out = outputs();
  if (i < 0 || static_cast<size_t>(i) >= out.size()) return nullptr;
  return tensor(out[i]);
}

int Interpreter::FindInput(const std::string& name) const {
  const auto& in = inputs();
  for (size_t i = 0; i < in.size(); ++i) {
    if (subgraphs_[0]->tensors()[in[i]].name == name) return static_cast<int>(i);
  }
  return -1;
}

int Interpreter::FindOutput(const std::string& name) const {
  const auto& out = outputs();
  for (size_t i = 0; i < out.size(); ++i) {
    if (subgraphs_[0]->tensors()[out[i]].name == name) return static_cast<int>(i);
  }
  return -1;
}

Status Interpreter::ResizeInput(int i, const Shape& shape) {
  return subgraphs_[0]->ResizeInput(i, shape);
}

Status Interpreter::AllocateTensors() { return subgraphs_[0]->Allocate(); }

Status Interpreter::Invoke() { return subgraphs_[0]->Invoke(); }

size_t Interpreter::nodes_size() const { return subgraphs_[0]->nodes().size(); }

NodeInfo Interpreter::node(int node_index) const {
  NodeInfo info;
  const auto& nodes = subgraphs_[0]->nodes();
  if (node_index < 0 || static_cast<size_t>(node_index) >= nodes.size()) return info;
  const internal::Node& n = nodes[node_index];
  info.op_name = n.op_name;
  info.version = n.version;
  info.inputs = n.inputs;
  info.outputs = n.outputs;
  info.folded = n.folded;
  return info;
}

size_t Interpreter::arena_bytes() const { return subgraphs_[0]->arena_bytes(); }
size_t Interpreter::persistent_bytes() const { return subgraphs_[0]->persistent_bytes(); }

SignatureRunner* Interpreter::GetSignatureRunner(const std::string& key) {
  for (auto& r : runners_) {
    if (r->key() == key) return r.get();
  }
  return nullptr;
}

Status Interpreter::ResetVariables() {
  for (auto& sg : subgraphs_) sg->ResetVariableTensors();
  shared_->resources.Reset();
  return Status::Ok();
}

int SignatureRunner::InputPosition(const std::string& name) const {
  for (const auto& [n, index] : info_.inputs) {
    if (n != name) continue;
    const auto& in = graph_->inputs();
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i] == index) return static_cast<int>(i);
    }
  }
  return -1;
}

Tensor* SignatureRunner::input(const std::string& name) {
  for (const auto& [n, index] : info_.inputs) {
    if (n == name && index >= 0 && static_cast<size_t>(index) < graph_->tensors().size()) {
      return &graph_->tensors()[index];
    }
  }
  return nullptr;
}

Tensor* SignatureRunner::output(const std::string& name) {
  for (const auto& [n, index] : info_.outputs) {
    if (n == name && index >= 0 && static_cast<size_t>(index) < graph_->tensors().size()) {
      return &graph_->tensors()[index];
    }
  }
  return nullptr;
}

Status SignatureRunner::ResizeInput(const std::string& name, const Shape& shape) {
  const int pos = InputPosition(name);
  if (pos < 0) {
    return Errorf(StatusCode::kInvalidArgument, "signature '%s' has no input named '%s'",
                  info_.key.c_str(), name.c_str());
  }
  return graph_->ResizeInput(pos, shape);
}

Status SignatureRunner::AllocateTensors() { return graph_->Allocate(); }

Status SignatureRunner::Invoke() { return graph_->Invoke(); }

std::vector<SignatureInfo> Interpreter::signatures() const {
  std::vector<SignatureInfo> result;
  const tfl::Model* fb = model_->flatbuffer();
  if (!fb->signature_defs()) return result;
  for (const tfl::SignatureDef* sig : *fb->signature_defs()) {
    SignatureInfo info;
    if (sig->signature_key()) info.key = sig->signature_key()->str();
    info.subgraph_index = static_cast<int>(sig->subgraph_index());
    auto fill = [](const flatbuffers::Vector<flatbuffers::Offset<tfl::TensorMap>>* maps,
                   std::vector<std::pair<std::string, int>>* out) {
      if (!maps) return;
      for (const tfl::TensorMap* m : *maps) {
        out->emplace_back(m->name() ? m->name()->str() : std::string(),
                          static_cast<int>(m->tensor_index()));
      }
    };
    fill(sig->inputs(), &info.inputs);
    fill(sig->outputs(), &info.outputs);
    result.push_back(std::move(info));
  }
  return result;
}

}  // namespace edgeml
