// Delegation of one subgraph: which delegate takes which node, the
// partitions, their kernels and the execution plan (see edgeml/delegate.h).
#pragma once

#include <memory>
#include <vector>

#include "edgeml/delegate.h"

namespace edgeml::internal {

class Subgraph;

class Delegation {
 public:
  explicit Delegation(std::vector<std::shared_ptr<Delegate>> delegates)
      : delegates_(std::move(delegates)) {}

  // Called by Subgraph::Allocate() after every node's CPU prepare and before
  // the arena is planned: asks the delegates, partitions, makes or reuses
  // kernels, prepares them and fills step[n] with the plan step of node n.
  Status Apply(Subgraph* graph, std::vector<int>* step);
  // Runs the plan made by the last successful Apply().
  Status Invoke(Subgraph* graph);
  const DelegationReport& report() const { return report_; }

 private:
  struct Step {
    int node = -1;       // a CPU node, or
    int partition = -1;  // a partition
  };
  struct PartitionState {
    int delegate = 0;
    DelegatePartition partition;
    std::unique_ptr<DelegateKernel> kernel;
  };
  void BuildNodes(Subgraph* graph);
  std::string PartitionLabel(const PartitionState& p) const;

  std::vector<std::shared_ptr<Delegate>> delegates_;
  std::vector<DelegateNode> nodes_;
  std::vector<Step> plan_;
  std::vector<PartitionState> partitions_;
  DelegationReport report_;
};

}  // namespace edgeml::internal
