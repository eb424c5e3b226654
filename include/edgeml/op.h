// Writing an op: the interface every builtin and custom op implements.
//
// An op has two functions. `prepare` runs in AllocateTensors(): it checks
// every input (count, type, rank, sizes, axes), sets the output shapes,
// requests scratch memory and precomputes whatever eval needs (packed
// weights, multipliers) into a per-node OpState. `eval` runs in Invoke() and
// only computes; it must not allocate. Both report problems through the
// context's error functions, which name the op, the node and the value.
//
// Threading: prepare and eval of one interpreter run on the thread that
// called AllocateTensors()/Invoke(); an op must not keep global mutable state.
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "edgeml/status.h"
#include "edgeml/tensor.h"

namespace edgeml {

class OpContext;

// A non-owning reference to a callable, so that passing a lambda to
// ParallelFor allocates nothing. The callable must outlive the call.
template <typename Fn>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
 public:
  template <typename F>
  FunctionRef(F& f)  // NOLINT(runtime/explicit): implicit by design
      : obj_(static_cast<void*>(&f)), call_([](void* o, Args... a) -> R {
          return (*static_cast<F*>(o))(static_cast<Args>(a)...);
        }) {}
  R operator()(Args... a) const { return call_(obj_, static_cast<Args>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, Args...);
};

// Per-node data an op builds at prepare and uses at eval. Owned by the node.
struct OpState {
  virtual ~OpState() = default;
};

struct OpRegistration {
  const char* name = "";  // builtin name ("CONV_2D") or custom code
  int min_version = 1;    // op versions this implementation understands
  int max_version = 1;
  Status (*prepare)(OpContext& ctx) = nullptr;
  Status (*eval)(OpContext& ctx) = nullptr;
  // Passed through to the op (OpContext::user_data()); lets one pair of
  // functions serve several registrations, e.g. ops bound from C.
  const void* user_data = nullptr;
};

namespace internal {
class Subgraph;
}

class OpContext {
 public:
  const char* op_name() const;
  int node_index() const { return node_; }
  int version() const;
  // The registration's user_data.
  const void* user_data() const;

  int num_inputs() const;
  int num_outputs() const;
  // False when input i is absent: past the end or given as -1 (optional).
  bool has_input(int i) const;
  // Tensor of input/output i. Precondition: has_input(i) / i < num_outputs().
  Tensor& input(int i);
  Tensor& output(int i);
  // Index of input/output i in the subgraph's tensor list (-1 if absent).
  int input_tensor_index(int i) const;
  int output_tensor_index(int i) const;

  // Raw options: the builtin options table of the node (nullptr if none) and
  // its union tag; custom options bytes (MediaPipe keeps C structs there).
  const void* builtin_options() const;
  uint8_t builtin_options_type() const;
  const uint8_t* custom_options(size_t* size) const;

  // Per-node state, kept from prepare to eval and across invokes.
  void set_state(std::unique_ptr<OpState> state);
  template <typename T>
  T* state() const {
    return static_cast<T*>(state_ptr());
  }

  // --- prepare only ---------------------------------------------------
  // Sets the shape of output i (checked for overflow of the byte size).
  Status SetOutputShape(int i, const Shape& shape);
  // Gives output i storage owned by the interpreter right now, so that the op
  // can compute it at prepare (constant folding). Call after SetOutputShape.
  // Later ops see the tensor as constant.
  Status AllocatePersistentOutput(int i);
  // Declares that every output was computed at prepare: Invoke() skips eval.
  void MarkFolded();
  // Scratch memory valid only during this node's eval, planned in the arena.
  Status RequestScratch(size_t bytes, int* scratch_id);

  // --- shapes that depend on run-time values (LiteRT's dynamic tensors) ---
  // True when input i's values can be read now: a constant, or any input
  // when the node is prepared inside Invoke().
  bool InputValueKnown(int i) const;
  // Asks to be prepared again inside Invoke(), right before each eval, when
  // every input holds its values (e.g. FILL with computed dims). Returns a
  // non-ok status that the prepare must return at once (the interpreter
  // knows it is no error). Outputs then live outside the arena and every
  // node that reads them is prepared inside Invoke() too.
  Status DeferToInvoke();
  // Output i gets its shape at eval (ResizeOutput), e.g. WHILE loop
  // variables that change shape. Readers are prepared inside Invoke().
  Status SetOutputDynamic(int i);
  // Eval only, on an output made dynamic: sets its shape and storage.
  Status ResizeOutput(int i, const Shape& shape);

  // --- eval only --------------------------------------------------------
  void* scratch(int scratch_id);

  int num_threads() const;
  // Calls fn(begin, end) on disjoint ranges covering [0, n), on the
  // interpreter's thread pool when it has more than one thread and the work
  // is worth splitting (ranges of at least `min_chunk`); otherwise inline.
  // fn must be safe to run concurrently on disjoint ranges. Eval only.
  void ParallelFor(int64_t n, int64_t min_chunk, FunctionRef<void(int64_t, int64_t)> fn);

  // Error statuses whose message starts with "OP_NAME (node N): ".
  Status Error(StatusCode code, const char* format, ...) __attribute__((format(printf, 3, 4)));
  Status InvalidModel(const char* format, ...) __attribute__((format(printf, 2, 3)));
  Status Unsupported(const char* format, ...) __attribute__((format(printf, 2, 3)));

  // Describes tensor t for messages: "tensor 12 'conv1/weights'".
  std::string Describe(const Tensor& t) const;

  // edgeml-internal: the graph this node belongs to (opaque to custom ops).
  internal::Subgraph* subgraph() const { return graph_; }

 private:
  friend class internal::Subgraph;
  OpContext(internal::Subgraph* graph, int node) : graph_(graph), node_(node) {}
  void* state_ptr() const;
  Status VError(StatusCode code, const char* format, va_list args);

  internal::Subgraph* graph_;
  int node_;
};

}  // namespace edgeml
