// Delegates: hand parts of a graph to an accelerator (a GPU, an NPU).
//
// A Delegate answers, node by node, whether it takes the node (Claim). At
// every AllocateTensors() the interpreter
//   1. runs every op's CPU prepare (shape inference and constant folding:
//      the shapes and constness a delegate sees are final; folded nodes,
//      e.g. DEQUANTIZE of fp16 weights, are never offered),
//   2. asks the delegates, in priority order (InterpreterOptions::delegates,
//      first = highest), which of the remaining nodes they claim; a node goes
//      to the first delegate that claims it, every refusal is recorded with
//      its reason,
//   3. groups each delegate's nodes into partitions: maximal sets that can
//      run as one step, i.e. no dependency path leaves a partition and comes
//      back into it (a partition never waits for a CPU node that waits for
//      the same partition),
//   4. asks the delegate for one DelegateKernel per partition (kept across
//      allocations while the partition's node set does not change) and calls
//      its Prepare(); the claimed nodes' CPU state is dropped,
//   5. plans the arena with each partition as one step.
// Invoke() then runs CPU nodes and partitions in a topological order.
//
// Memory: tensors that cross a partition boundary (partition inputs and
// outputs, graph inputs/outputs) always live in the interpreter's CPU arena;
// the kernel reads its inputs from Tensor::data and writes its outputs there
// (a GPU copies at its edges). Tensors produced and consumed only inside a
// partition get no CPU memory (data == nullptr) unless the delegate asks for
// it (Delegate::internal_tensors_in_cpu_memory). Constant tensors keep their
// data (model bytes or folded buffers) for the interpreter's lifetime.
// Tensor::data pointers change at every AllocateTensors(): read them in
// Invoke(), never cache them across Prepare().
//
// Failure: a Delegate that cannot run (e.g. "no Vulkan device") fails when it
// is created (CreateDelegate), so the caller decides whether to go on without
// it. A kernel whose Prepare() fails makes AllocateTensors() fail with the
// delegate's message (prefixed by the delegate's name and partition); a
// failing Invoke() fails Invoke(). Nothing silently falls back.
//
// Ownership and threading: the interpreter holds a shared_ptr to each
// delegate; a delegate may serve several interpreters, so Claim() and
// CreateKernel() must not change shared state without locking. A kernel is
// used by its interpreter's thread only.
//
// Interface changes are announced here:
//   v1 (2026-11-25): first version.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "edgeml/status.h"
#include "edgeml/tensor.h"

namespace edgeml {

namespace internal {
class Subgraph;
class Delegation;
}  // namespace internal

// One node as a delegate sees it. Pointers stay valid while the interpreter
// lives.
struct DelegateNode {
  int index = 0;         // node index in the subgraph (execution order of the model)
  std::string op_name;   // "CONV_2D", or the custom code ("Convolution2DTransposeBias")
  int builtin_code = 0;  // tflite BuiltinOperator value (32 = CUSTOM)
  int version = 1;
  std::vector<int> inputs;   // tensor indices; -1 = omitted optional input
  std::vector<int> outputs;  // tensor indices
  // The node's builtin options table (a flatbuffer table of the type named by
  // builtin_options_type, e.g. tfl::Conv2DOptions from tflite_generated.h),
  // or nullptr.
  const void* builtin_options = nullptr;
  uint8_t builtin_options_type = 0;
  const uint8_t* custom_options = nullptr;  // raw bytes (MediaPipe: C structs)
  size_t custom_options_size = 0;
};

// The graph during delegation: nodes and tensors with final shapes, types,
// quantization and constness. tensor() is writable so that a kernel's
// Invoke() can fill its outputs' data.
class DelegateGraph {
 public:
  size_t num_tensors() const;
  size_t num_nodes() const;
  // Preconditions: 0 <= i < num_tensors() / num_nodes().
  Tensor& tensor(int i) const;
  const DelegateNode& node(int i) const;
  int num_threads() const;  // the interpreter's InterpreterOptions::num_threads
  // "tensor 12 'conv1/weights' (FLOAT32 [1,3,3,8])" for messages.
  std::string Describe(int tensor_index) const;

 private:
  friend class internal::Delegation;
  DelegateGraph(internal::Subgraph* graph, const std::vector<DelegateNode>* nodes)
      : graph_(graph), nodes_(nodes) {}
  internal::Subgraph* graph_;
  const std::vector<DelegateNode>* nodes_;
};

// A set of nodes that one delegate runs as one step.
struct DelegatePartition {
  int index = 0;           // 0, 1, ... over the whole subgraph, all delegates
  std::vector<int> nodes;  // node indices in a valid execution order
  // Non-constant tensors read by the partition and written outside it (or
  // graph inputs / variables), in first-use order. Their data is in CPU
  // memory when Invoke() starts.
  std::vector<int> inputs;
  // Tensors written by the partition that are read outside it or are graph
  // outputs. The kernel must write their data (CPU memory) during Invoke().
  std::vector<int> outputs;
  // Tensors written and read only inside the partition.
  std::vector<int> internal;
};

class DelegateKernel {
 public:
  virtual ~DelegateKernel() = default;
  // Called at every AllocateTensors() (so after each ResizeInput()), after
  // shapes are known and before the arena is planned: Tensor::data of
  // non-constant tensors is not valid yet. Upload weights, pick shaders,
  // size device buffers here. Returning an error fails AllocateTensors().
  virtual Status Prepare(const DelegateGraph& graph, const DelegatePartition& partition) = 0;
  // Reads partition.inputs' data, writes partition.outputs' data.
  virtual Status Invoke(const DelegateGraph& graph, const DelegatePartition& partition) = 0;
};

class Delegate {
 public:
  virtual ~Delegate() = default;
  // Short lowercase name: "vulkan", "plugin:sample_add".
  virtual std::string name() const = 0;
  // Whether this delegate takes `node`. Return OK to claim it, or a status
  // (kUnsupported) whose message says why not, e.g. "INT8 inputs are not
  // supported" or "input 1 (weights) is not constant"; the interpreter adds
  // the op and node. Shapes, types and constness are final (see above).
  virtual Status Claim(const DelegateGraph& graph, const DelegateNode& node) const = 0;
  // A kernel for one partition of nodes this delegate claimed.
  virtual Status CreateKernel(const DelegateGraph& graph, const DelegatePartition& partition,
                              std::unique_ptr<DelegateKernel>* kernel) const = 0;
  // True if the kernel needs the partition's internal tensors in CPU memory
  // (e.g. a delegate that runs node by node on the host).
  virtual bool internal_tensors_in_cpu_memory() const { return false; }
};

// key=value options for a delegate, in the order given ("precision"="fp16").
using DelegateOptions = std::vector<std::pair<std::string, std::string>>;

// Value of `key` in options, or `fallback`.
std::string DelegateOption(const DelegateOptions& options, const std::string& key,
                           const std::string& fallback = "");

// --- Built-in delegates, by name ---------------------------------------
// A factory fails (e.g. kUnsupported "vulkan: no Vulkan device found") when
// the delegate cannot run on this machine, and rejects unknown or bad options
// with kInvalidArgument.
using DelegateFactory = Status (*)(const DelegateOptions& options,
                                   std::shared_ptr<Delegate>* delegate);

// Registers (or replaces) a factory under `name`. Built-in delegates compiled
// into the library are registered before the first lookup; callers may add
// their own. Thread-safe.
void RegisterDelegate(const std::string& name, DelegateFactory factory);
// Names of the registered delegates, sorted.
std::vector<std::string> RegisteredDelegates();
// Creates the delegate registered under `name`; kInvalidArgument naming
// the registered ones if there is none.
Status CreateDelegate(const std::string& name, const DelegateOptions& options,
                      std::shared_ptr<Delegate>* delegate);

// Loads an external delegate from a shared library implementing
// edgeml/delegate_plugin.h (dlopen: a bare name like "libvendor.so.1" is
// searched on the library path, a path with a slash is opened as is; the
// library stays loaded while the delegate or any of its kernels lives).
// Fails with a clear message on a missing file, a missing entry symbol, an
// ABI version mismatch or a plugin whose create() fails.
Status LoadDelegatePlugin(const std::string& path, const DelegateOptions& options,
                          std::shared_ptr<Delegate>* delegate);

// --- What happened at the last AllocateTensors() -----------------------
struct DelegationReport {
  struct Refusal {
    std::string delegate;
    std::string reason;
  };
  struct NodeEntry {
    int node = 0;
    std::string op_name;
    std::string delegate;           // name of the delegate that runs it; "" = CPU
    int partition = -1;             // index into partitions, -1 on CPU
    bool folded = false;            // computed at prepare; never offered to delegates
    std::vector<Refusal> refusals;  // one per delegate that refused it
  };
  struct Partition {
    std::string delegate;
    std::vector<int> nodes;
    std::vector<int> inputs, outputs;
  };
  std::vector<NodeEntry> nodes;  // one per node of the primary subgraph
  std::vector<Partition> partitions;
};

}  // namespace edgeml
