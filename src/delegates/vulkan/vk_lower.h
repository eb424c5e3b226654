// From edgeml nodes to Vulkan dispatches: decides which nodes the Vulkan
// delegate can run (types, options, shapes) and turns each into one or more
// shader dispatches of a Graph.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "delegates/vulkan/vk_graph.h"
#include "edgeml/delegate.h"

namespace edgeml::vulkan {

// The op names the delegate knows (each still checked node by node).
const std::vector<std::string>& SupportedOps();

class Lowering {
 public:
  // With `dry_run`, constants are recorded without their data (for Claim).
  Lowering(const DelegateGraph& graph, Graph* out, bool dry_run)
      : graph_(graph), out_(out), dry_run_(dry_run) {}

  // Appends the node's dispatches, or returns kUnsupported saying why the
  // delegate cannot run it (the graph may then hold unused tensors).
  Status Lower(const DelegateNode& node);

  // Graph tensor of edgeml tensor `index`, or -1 if no dispatch uses it.
  int Find(int index) const {
    auto it = map_.find(index);
    return it == map_.end() ? -1 : it->second;
  }

 private:
  // Graph tensor for data input `i` of the node: a constant (uploaded once),
  // a tensor written earlier in the partition, or a new partition input.
  Status Input(const DelegateNode& node, int i, const char* role, int* t);
  // Graph tensor for output `i` (float32, shape as prepared).
  Status Output(const DelegateNode& node, int i, int* t);

  const DelegateGraph& graph_;
  Graph* out_;
  bool dry_run_;
  std::map<int, int> map_;  // edgeml tensor -> graph tensor
};

}  // namespace edgeml::vulkan
