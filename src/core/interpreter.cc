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
  // Subgraph 0 is the model's main graph. Further subgraphs (signatures,
  // control flow bodies) are built when control-flow ops arrive.
  auto sg = std::make_unique<internal::Subgraph>(model, 0, options);
  EDGEML_RETURN_IF_ERROR(sg->Build(resolver));
  interp->subgraphs_.push_back(std::move(sg));
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
