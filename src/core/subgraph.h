// One executable graph: its tensors, its nodes in execution order, the arena
// and the prepare/invoke loops. Interpreter is a thin owner of Subgraphs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "edgeml/interpreter.h"
#include "edgeml/op.h"
#include "tflite_generated.h"

namespace edgeml::internal {

struct Node {
  const OpRegistration* reg = nullptr;
  std::string op_name;
  int version = 1;
  std::vector<int> inputs;  // -1 = omitted optional input
  std::vector<int> outputs;
  const tfl::Operator* op = nullptr;
  std::unique_ptr<OpState> state;
  std::vector<int> scratch;  // indices into Subgraph::scratch_
  bool folded = false;
  bool empty = false;  // every output has zero elements: nothing to compute
};

class Subgraph {
 public:
  Subgraph(const Model& model, int index, const InterpreterOptions& options)
      : model_(model), index_(index), options_(options) {}

  // Reads tensors and operators, resolves every op and checks the graph's
  // structure (each tensor written once, read only after it is written).
  Status Build(const OpResolver& resolver);
  Status ResizeInput(int i, const Shape& shape);
  // Also starts the thread pool on first use (num_threads > 1).
  Status Allocate();
  Status Invoke();

  std::vector<Tensor>& tensors() { return tensors_; }
  const std::vector<int>& inputs() const { return inputs_; }
  const std::vector<int>& outputs() const { return outputs_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  size_t arena_bytes() const { return arena_size_; }
  size_t persistent_bytes() const { return persistent_size_; }
  const Model& model() const { return model_; }
  const tfl::SubGraph* flatbuffer() const;

 private:
  friend class edgeml::OpContext;
  struct ScratchBuffer {
    size_t bytes = 0;
    int node = 0;
    size_t offset = 0;
  };
  std::string DescribeTensor(int index) const;
  Status PrepareNode(int n);
  void ResetAllocations();

  const Model& model_;
  int index_;
  InterpreterOptions options_;
  std::vector<Tensor> tensors_;
  std::vector<Shape> declared_shapes_;  // shapes as the model file gives them
  std::vector<int> inputs_, outputs_;
  std::vector<Node> nodes_;
  std::vector<ScratchBuffer> scratch_;
  std::vector<std::unique_ptr<uint8_t[]>> persistent_;
  size_t persistent_size_ = 0;
  std::unique_ptr<uint8_t[]> arena_storage_;
  uint8_t* arena_ = nullptr;
  size_t arena_size_ = 0;
  bool allocated_ = false;
  // Workers for OpContext::ParallelFor; null with one thread, so a
  // single-threaded interpreter pays nothing for it. Started once, joined
  // when the subgraph (and its interpreter) is destroyed.
  std::unique_ptr<ThreadPool> pool_;
};

}  // namespace edgeml::internal
