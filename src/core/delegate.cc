#include "core/delegate.h"

#include <algorithm>
#include <queue>
#include <set>
#include <string>

#include "core/subgraph.h"
#include "format/validate.h"

namespace edgeml {

size_t DelegateGraph::num_tensors() const { return graph_->tensors_.size(); }
size_t DelegateGraph::num_nodes() const { return nodes_->size(); }
Tensor& DelegateGraph::tensor(int i) const { return graph_->tensors_[i]; }
const DelegateNode& DelegateGraph::node(int i) const { return (*nodes_)[i]; }
int DelegateGraph::num_threads() const { return graph_->options_.num_threads; }
std::string DelegateGraph::Describe(int tensor_index) const {
  return graph_->DescribeTensor(tensor_index);
}

std::string DelegateOption(const DelegateOptions& options, const std::string& key,
                           const std::string& fallback) {
  for (const auto& kv : options) {
    if (kv.first == key) return kv.second;
  }
  return fallback;
}

const DelegationReport& Interpreter::delegation_report() const {
  static const DelegationReport kEmpty;
  const DelegationReport* r = subgraphs_[0]->delegation_report();
  return r ? *r : kEmpty;
}

}  // namespace edgeml

namespace edgeml::internal {

const DelegationReport* Subgraph::delegation_report() const {
  return delegation_ ? &delegation_->report() : nullptr;
}

namespace {

// Nodes the interpreter keeps on the CPU whatever the delegates say: their
// order relative to other nodes carries meaning beyond data edges.
std::string KeptOnCpu(const std::vector<Tensor>& tensors, const Node& node) {
  if (!node.callees.empty()) return "runs other subgraphs (control flow)";
  if (node.deferred) return "is prepared at run time (its input shapes are dynamic)";
  for (const std::vector<int>* list : {&node.inputs, &node.outputs}) {
    for (int t : *list) {
      if (t < 0) continue;
      const Tensor& tensor = tensors[t];
      if (tensor.is_variable) return "touches variable tensor " + tensor.name;
      if (tensor.allocation == Allocation::kDynamic) {
        return "has a dynamic tensor (" + tensor.name + ")";
      }
      if (tensor.type == DataType::kResource || tensor.type == DataType::kVariant ||
          tensor.type == DataType::kString) {
        return "has a " + DataTypeName(tensor.type) + " tensor (" + tensor.name + ")";
      }
    }
  }
  return "";
}

}  // namespace

void Delegation::BuildNodes(Subgraph* g) {
  const tfl::Model* fbm = g->model_.flatbuffer();
  nodes_.resize(g->nodes_.size());
  for (size_t n = 0; n < g->nodes_.size(); ++n) {
    const Node& node = g->nodes_[n];
    DelegateNode& d = nodes_[n];
    d.index = static_cast<int>(n);
    d.op_name = node.op_name;
    d.version = node.version;
    d.inputs = node.inputs;
    d.outputs = node.outputs;
    const tfl::Operator* op = node.op;
    d.builtin_code = format::EffectiveBuiltinCode(fbm->operator_codes()->Get(op->opcode_index()));
    d.builtin_options = op->builtin_options();
    d.builtin_options_type = static_cast<uint8_t>(op->builtin_options_type());
    if (op->large_custom_options_offset() > 1) {
      d.custom_options = g->model_.data() + op->large_custom_options_offset();
      d.custom_options_size = static_cast<size_t>(op->large_custom_options_size());
    } else if (op->custom_options()) {
      d.custom_options = op->custom_options()->data();
      d.custom_options_size = op->custom_options()->size();
    }
  }
}

std::string Delegation::PartitionLabel(const PartitionState& p) const {
  std::string s = "delegate '" + delegates_[p.delegate]->name() + "', partition " +
                  std::to_string(p.partition.index) + " (nodes ";
  const std::vector<int>& nodes = p.partition.nodes;
  for (size_t i = 0; i < nodes.size() && i < 8; ++i) {
    s += (i ? "," : "") + std::to_string(nodes[i]);
  }
  if (nodes.size() > 8) s += ",... " + std::to_string(nodes.size()) + " in all";
  return s + ")";
}

Status Delegation::Apply(Subgraph* g, std::vector<int>* step) {
  if (nodes_.size() != g->nodes_.size()) BuildNodes(g);
  DelegateGraph view(g, &nodes_);
  const int nn = static_cast<int>(g->nodes_.size());
  const int nd = static_cast<int>(delegates_.size());
  report_ = DelegationReport();
  report_.nodes.resize(nn);

  // 1. Claims, in priority order. owner: -1 = CPU, else delegate index.
  std::vector<int> owner(nn, -1);
  for (int n = 0; n < nn; ++n) {
    const Node& node = g->nodes_[n];
    DelegationReport::NodeEntry& e = report_.nodes[n];
    e.node = n;
    e.op_name = node.op_name;
    e.folded = node.folded;
    if (node.folded) continue;  // computed at prepare; nothing to run
    if (node.empty) {
      e.refusals.push_back({"", "every output is empty; nothing to run"});
      continue;
    }
    std::string kept = KeptOnCpu(g->tensors_, node);
    if (!kept.empty()) {
      e.refusals.push_back({"", kept + "; kept on the CPU"});
      continue;
    }
    for (int d = 0; d < nd; ++d) {
      Status s = delegates_[d]->Claim(view, nodes_[n]);
      if (s.ok()) {
        owner[n] = d;
        e.delegate = delegates_[d]->name();
        break;
      }
      e.refusals.push_back({delegates_[d]->name(), s.message()});
    }
  }

  // 2. Plan: a topological order in which each delegate's nodes come in
  // runs as long as possible; each run is a partition. CPU nodes keep their
  // model order (ops with side effects stay safe); claimed nodes move freely
  // along data edges. Since a run is contiguous in a topological order, no
  // path leaves a partition and comes back into it.
  std::vector<int> producer(g->tensors_.size(), -1);
  for (int n = 0; n < nn; ++n) {
    for (int t : g->nodes_[n].outputs) producer[t] = n;
  }
  std::vector<std::vector<int>> succ(nn);
  std::vector<int> indeg(nn, 0);
  int prev_cpu = -1;
  for (int n = 0; n < nn; ++n) {
    std::set<int> preds;
    for (int t : g->nodes_[n].inputs) {
      if (t >= 0 && producer[t] >= 0 && producer[t] != n) preds.insert(producer[t]);
    }
    if (owner[n] < 0) {
      if (prev_cpu >= 0) preds.insert(prev_cpu);
      prev_cpu = n;
    }
    for (int p : preds) succ[p].push_back(n);
    indeg[n] = static_cast<int>(preds.size());
  }
  // ready[type]: type 0 = CPU, d + 1 = delegate d; smallest node index first.
  using MinHeap = std::priority_queue<int, std::vector<int>, std::greater<int>>;
  std::vector<MinHeap> ready(nd + 1);
  for (int n = 0; n < nn; ++n) {
    if (indeg[n] == 0) ready[owner[n] + 1].push(n);
  }
  std::vector<std::vector<int>> groups;  // delegate runs, in plan order
  std::vector<int> group_type;
  std::vector<Step> plan;
  step->assign(nn, 0);
  int current = -1;
  for (int done = 0; done < nn;) {
    if (current < 0 || ready[current].empty()) {
      current = -1;
      for (int k = 0; k <= nd; ++k) {
        if (!ready[k].empty() && (current < 0 || ready[k].top() < ready[current].top()))
          current = k;
      }
      if (current < 0) return Status(StatusCode::kInternal, "delegation: the graph has a cycle");
      if (current > 0) {
        groups.emplace_back();
        group_type.push_back(current - 1);
        Step s;
        s.partition = static_cast<int>(groups.size()) - 1;
        plan.push_back(s);
      }
    }
    int n = ready[current].top();
    ready[current].pop();
    ++done;
    if (current == 0) {
      Step s;
      s.node = n;
      plan.push_back(s);
    } else {
      groups.back().push_back(n);
    }
    (*step)[n] = static_cast<int>(plan.size()) - 1;
    for (int m : succ[n]) {
      if (--indeg[m] == 0) ready[owner[m] + 1].push(m);
    }
  }

  // 3. Partition boundaries, kernels (reused while the node set is the
  // same) and their Prepare().
  std::vector<std::vector<int>> readers(g->tensors_.size());
  for (int n = 0; n < nn; ++n) {
    for (int t : g->nodes_[n].inputs) {
      if (t >= 0) readers[t].push_back(n);
    }
  }
  std::vector<char> is_graph_output(g->tensors_.size(), 0);
  for (int t : g->outputs_) is_graph_output[t] = 1;
  std::vector<PartitionState> old = std::move(partitions_);
  partitions_.clear();
  for (size_t p = 0; p < groups.size(); ++p) {
    PartitionState ps;
    ps.delegate = group_type[p];
    DelegatePartition& part = ps.partition;
    part.index = static_cast<int>(p);
    part.nodes = groups[p];
    std::vector<char> inside(nn, 0);
    for (int n : part.nodes) inside[n] = 1;
    std::vector<char> seen(g->tensors_.size(), 0);
    for (int n : part.nodes) {
      for (int t : g->nodes_[n].inputs) {
        if (t < 0 || seen[t]) continue;
        if (producer[t] >= 0 && inside[producer[t]]) continue;
        if (g->tensors_[t].is_constant()) continue;
        seen[t] = 1;
        part.inputs.push_back(t);
      }
    }
    for (int n : part.nodes) {
      for (int t : g->nodes_[n].outputs) {
        bool outside = is_graph_output[t];
        for (int m : readers[t]) outside = outside || !inside[m];
        (outside ? part.outputs : part.internal).push_back(t);
      }
    }
    for (PartitionState& o : old) {
      if (o.kernel && o.delegate == ps.delegate && o.partition.nodes == part.nodes) {
        ps.kernel = std::move(o.kernel);
        break;
      }
    }
    partitions_.push_back(std::move(ps));
  }
  old.clear();
  for (PartitionState& ps : partitions_) {
    const Delegate& d = *delegates_[ps.delegate];
    for (int n : ps.partition.nodes) {
      Node& node = g->nodes_[n];
      node.state.reset();  // the CPU kernel's packed weights are not needed
      node.scratch.clear();
      report_.nodes[n].partition = ps.partition.index;
    }
    if (!d.internal_tensors_in_cpu_memory()) {
      for (int t : ps.partition.internal) {
        g->tensors_[t].allocation = Allocation::kNone;
        g->tensors_[t].data = nullptr;
      }
    }
    if (!ps.kernel) {
      Status s = d.CreateKernel(view, ps.partition, &ps.kernel);
      if (s.ok() && !ps.kernel) s = Status(StatusCode::kInternal, "CreateKernel made no kernel");
      if (!s.ok()) return s.WithPrefix(PartitionLabel(ps));
    }
    Status s = ps.kernel->Prepare(view, ps.partition);
    if (!s.ok()) return s.WithPrefix(PartitionLabel(ps));
    DelegationReport::Partition rp;
    rp.delegate = d.name();
    rp.nodes = ps.partition.nodes;
    rp.inputs = ps.partition.inputs;
    rp.outputs = ps.partition.outputs;
    report_.partitions.push_back(std::move(rp));
  }
  plan_ = std::move(plan);
  return Status::Ok();
}

Status Delegation::Invoke(Subgraph* g) {
  DelegateGraph view(g, &nodes_);
  for (const Step& s : plan_) {
    if (s.node >= 0) {
      EDGEML_RETURN_IF_ERROR(g->InvokeNode(s.node));
      continue;
    }
    PartitionState& ps = partitions_[s.partition];
    Status st = ps.kernel->Invoke(view, ps.partition);
    if (!st.ok()) return st.WithPrefix(PartitionLabel(ps));
  }
  return Status::Ok();
}

}  // namespace edgeml::internal
