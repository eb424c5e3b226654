// One executable graph: its tensors, its nodes in execution order, the arena
// and the prepare/invoke loops. An Interpreter owns every subgraph of the
// model; they share an InterpreterShared (each other, for control-flow ops,
// the thread pool and the resource variables).
//
// Static and dynamic parts. Allocate() prepares every node whose shapes it can
// know and plans their tensors in one arena; Invoke() then allocates nothing.
// A node is *deferred* when its prepare needs values known only at run time
// (OpContext::DeferToInvoke) or when it reads a dynamic tensor; its outputs
// are dynamic (each in its own grow-only buffer) and Invoke() prepares it
// again right before its eval. An op may also declare an output dynamic at
// prepare (OpContext::SetOutputDynamic) and give its shape at eval
// (OpContext::ResizeOutput), e.g. a WHILE loop whose variables change shape.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/resources.h"
#include "core/thread_pool.h"
#include "edgeml/interpreter.h"
#include "edgeml/op.h"
#include "tflite_generated.h"

namespace edgeml::internal {

class Subgraph;
class Delegation;  // core/delegate.h

// What the subgraphs of one interpreter share.
struct InterpreterShared {
  InterpreterOptions options;
  std::vector<Subgraph*> subgraphs;  // owned by the Interpreter
  // Workers for OpContext::ParallelFor; null with one thread, so a
  // single-threaded interpreter pays nothing for it. Started once, joined
  // when the interpreter is destroyed.
  std::unique_ptr<ThreadPool> pool;
  ResourceVariables resources;
};

struct ScratchBuffer {
  size_t bytes = 0;
  size_t offset = 0;  // in the arena, or in the dynamic scratch of a deferred node
};

struct Node {
  const OpRegistration* reg = nullptr;
  std::string op_name;
  int version = 1;
  std::vector<int> inputs;  // -1 = omitted optional input
  std::vector<int> outputs;
  const tfl::Operator* op = nullptr;
  std::unique_ptr<OpState> state;
  std::vector<ScratchBuffer> scratch;
  std::vector<int> callees;  // subgraphs this node runs (WHILE, IF, CALL_ONCE)
  bool folded = false;
  bool empty = false;     // every output has zero elements: nothing to compute
  bool deferred = false;  // prepared in Invoke(), right before its eval
  bool defer_requested = false;
};

class Subgraph {
 public:
  Subgraph(const Model& model, int index, InterpreterShared* shared)
      : model_(model), index_(index), shared_(shared), options_(shared->options) {}

  // Reads tensors and operators, resolves every op and checks the graph's
  // structure (each tensor written once, read only after it is written).
  Status Build(const OpResolver& resolver);
  Status ResizeInput(int i, const Shape& shape);
  // Also starts the thread pool on first use (num_threads > 1).
  Status Allocate();
  Status Invoke();
  // Runs node n's eval (skips folded and empty nodes; prepares a deferred
  // node first).
  Status InvokeNode(int n);
  bool allocated() const { return allocated_; }
  // Delegation of the last Allocate(); nullptr when no delegate is set.
  const DelegationReport* delegation_report() const;
  // Sets every variable tensor (is_variable) back to zero.
  void ResetVariableTensors();

  int index() const { return index_; }
  std::vector<Tensor>& tensors() { return tensors_; }
  const std::vector<int>& inputs() const { return inputs_; }
  const std::vector<int>& outputs() const { return outputs_; }
  const std::vector<Node>& nodes() const { return nodes_; }
  size_t arena_bytes() const { return arena_size_; }
  size_t persistent_bytes() const { return persistent_size_; }
  const Model& model() const { return model_; }
  const tfl::SubGraph* flatbuffer() const;
  InterpreterShared* shared() const { return shared_; }
  // Subgraph `index` of the same interpreter; nullptr when out of range.
  Subgraph* sibling(int index) const;
  // True while Invoke() prepares a deferred node: input values are known.
  bool preparing_at_invoke() const { return preparing_at_invoke_; }
  std::string DescribeTensor(int index) const;

 private:
  friend class edgeml::OpContext;
  friend class Delegation;
  friend class edgeml::DelegateGraph;
  struct DynamicBuffer {
    std::unique_ptr<uint8_t[]> storage;
    size_t capacity = 0;  // usable bytes from `aligned`
    uint8_t* aligned = nullptr;
  };
  Status PrepareNode(int n);
  Status PrepareDeferredNode(int n);
  // Makes tensor t dynamic with room for its current `bytes`.
  Status EnsureDynamicStorage(int t);
  Status EnsureBuffer(DynamicBuffer* buf, size_t bytes, const char* what);
  void ResetAllocations();

  const Model& model_;
  int index_;
  InterpreterShared* shared_;
  const InterpreterOptions& options_;  // shared_->options
  std::vector<Tensor> tensors_;
  std::vector<int> inputs_, outputs_;
  std::vector<Node> nodes_;
  std::vector<std::unique_ptr<uint8_t[]>> persistent_;
  // Copies of constant buffers the file stores at misaligned offsets; they
  // live as long as the subgraph (Create), unlike persistent_ (per allocate).
  std::vector<std::unique_ptr<uint8_t[]>> aligned_constants_;
  size_t persistent_size_ = 0;
  std::unique_ptr<uint8_t[]> arena_storage_;
  uint8_t* arena_ = nullptr;
  size_t arena_size_ = 0;
  std::map<int, DynamicBuffer> dynamic_;  // tensor index -> its storage
  DynamicBuffer dynamic_scratch_;         // scratch of the deferred node being run
  bool allocated_ = false;
  bool preparing_at_invoke_ = false;
  std::shared_ptr<Delegation> delegation_;  // primary subgraph with delegates
};

// Checks that no subgraph calls itself, directly or through others (the
// reference runtime's recursion advisories); names the op, node and chain.
Status CheckNoRecursion(const std::vector<std::unique_ptr<Subgraph>>& subgraphs);

}  // namespace edgeml::internal
