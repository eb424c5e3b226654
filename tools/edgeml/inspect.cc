// `edgeml inspect MODEL`: static facts about a model and its memory plan.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"

namespace edgeml::cli {
namespace {

std::string HumanBytes(size_t bytes) {
  char buf[64];
  if (bytes >= (size_t{1} << 20)) {
    std::snprintf(buf, sizeof(buf), "%zu (%.2f MiB)", bytes, bytes / 1048576.0);
  } else if (bytes >= 1024) {
    std::snprintf(buf, sizeof(buf), "%zu (%.1f KiB)", bytes, bytes / 1024.0);
  } else {
    std::snprintf(buf, sizeof(buf), "%zu", bytes);
  }
  return buf;
}

void PrintIo(const char* title, Interpreter& interp, const std::vector<int>& indices) {
  std::printf("%s: %zu\n", title, indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    const Tensor* t = interp.tensor(indices[i]);
    if (t == nullptr) {
      std::printf("  [%zu] tensor %d (missing)\n", i, indices[i]);
      continue;
    }
    std::printf("  [%zu] tensor %d '%s' %s %s", i, indices[i], t->name.c_str(),
                DataTypeName(t->type).c_str(), ShapeToString(t->shape).c_str());
    if (!t->shape_signature.empty() && t->shape_signature != t->shape) {
      std::printf(" (signature %s)", ShapeToString(t->shape_signature).c_str());
    }
    const std::string q = DescribeQuant(t->quant);
    if (!q.empty()) std::printf(" %s", q.c_str());
    std::printf("\n");
  }
}

// With --delegate/--delegate-plugin: the partitions, then every node with
// where it runs and why each delegate refused it.
void PrintDelegation(const Interpreter& interp) {
  const DelegationReport& r = interp.delegation_report();
  if (r.nodes.empty()) return;
  std::printf("delegation:\n%s", DelegationSummary(interp).c_str());
  for (size_t p = 0; p < r.partitions.size(); ++p) {
    const auto& part = r.partitions[p];
    std::printf("  partition %zu: %s, %zu nodes, %zu inputs, %zu outputs\n", p,
                part.delegate.c_str(), part.nodes.size(), part.inputs.size(),
                part.outputs.size());
  }
  std::printf("nodes:\n");
  for (const auto& n : r.nodes) {
    std::printf("  [%d] %-28s ", n.node, n.op_name.c_str());
    if (n.folded) {
      std::printf("folded at prepare\n");
    } else if (!n.delegate.empty()) {
      std::printf("%s (partition %d)\n", n.delegate.c_str(), n.partition);
    } else {
      std::printf("cpu\n");
    }
    for (const auto& refusal : n.refusals) {
      std::printf("      %s: %s\n", refusal.delegate.empty() ? "edgeml" : refusal.delegate.c_str(),
                  refusal.reason.c_str());
    }
  }
}

}  // namespace

int Inspect(const InspectOptions& options) {
  std::unique_ptr<Model> model;
  std::unique_ptr<Interpreter> interp;
  Status s = LoadInterpreter(options.model, options.threads, options.delegates, &model, &interp);
  if (!s.ok()) return Fail(s.message());
  // Allocation runs every op's prepare; a failure is reported after the
  // static facts so that inspect still helps with a model edgeml rejects.
  const Status alloc = interp->AllocateTensors();

  std::printf("model: %s (%zu bytes, schema version %u, %d subgraph%s)\n", options.model.c_str(),
              model->size(), model->schema_version(), model->num_subgraphs(),
              model->num_subgraphs() == 1 ? "" : "s");
  const std::string desc = model->description();
  if (!desc.empty()) std::printf("description: %s\n", desc.c_str());
  PrintIo("inputs", *interp, interp->inputs());
  PrintIo("outputs", *interp, interp->outputs());

  // Op histogram, most frequent first.
  std::map<std::string, int> counts;
  int folded = 0;
  const size_t nodes = interp->nodes_size();
  for (size_t i = 0; i < nodes; ++i) {
    const NodeInfo n = interp->node(static_cast<int>(i));
    ++counts[n.op_name];
    if (n.folded) ++folded;
  }
  std::vector<std::pair<std::string, int>> ops(counts.begin(), counts.end());
  std::stable_sort(ops.begin(), ops.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::printf("tensors: %zu\n", interp->tensors_size());
  std::printf("nodes: %zu (%d folded at prepare)\n", nodes, folded);
  std::printf("ops: %zu kinds\n", ops.size());
  for (const auto& [name, count] : ops) std::printf("  %-32s %d\n", name.c_str(), count);

  // Constant buffers can be shared by several tensors; count each once.
  std::set<const void*> seen;
  size_t weight_bytes = 0;
  for (size_t i = 0; i < interp->tensors_size(); ++i) {
    const Tensor* t = interp->tensor(static_cast<int>(i));
    if (t == nullptr || t->allocation != Allocation::kConstant || t->data == nullptr) continue;
    if (seen.insert(t->data).second) weight_bytes += t->bytes;
  }
  std::printf("weight bytes: %s\n", HumanBytes(weight_bytes).c_str());
  if (alloc.ok()) {
    std::printf("arena bytes: %s\n", HumanBytes(interp->arena_bytes()).c_str());
    std::printf("persistent bytes: %s\n", HumanBytes(interp->persistent_bytes()).c_str());
  } else {
    std::printf("arena bytes: unavailable (allocation failed)\n");
  }

  const std::vector<SignatureInfo> sigs = interp->signatures();
  std::printf("signatures: %zu\n", sigs.size());
  for (const SignatureInfo& sig : sigs) {
    std::printf("  '%s' (subgraph %d)\n", sig.key.c_str(), sig.subgraph_index);
    for (const auto& [name, index] : sig.inputs) {
      std::printf("    input  '%s' -> tensor %d\n", name.c_str(), index);
    }
    for (const auto& [name, index] : sig.outputs) {
      std::printf("    output '%s' -> tensor %d\n", name.c_str(), index);
    }
  }
  if (alloc.ok()) PrintDelegation(*interp);
  std::fflush(stdout);
  if (!alloc.ok()) return Fail(alloc.message());
  return 0;
}

}  // namespace edgeml::cli
