// Runs a Model. The flow follows LiteRT's:
//
//   std::unique_ptr<edgeml::Model> model;
//   EDGEML_RETURN_IF_ERROR(edgeml::Model::FromFile("m.tflite", &model));
//   edgeml::BuiltinOpResolver resolver;
//   std::unique_ptr<edgeml::Interpreter> interp;
//   EDGEML_RETURN_IF_ERROR(edgeml::Interpreter::Create(*model, resolver, {}, &interp));
//   EDGEML_RETURN_IF_ERROR(interp->AllocateTensors());
//   memcpy(interp->input(0)->data, ..., interp->input(0)->bytes);
//   EDGEML_RETURN_IF_ERROR(interp->Invoke());
//   read interp->output(0)->data
//
// Create() resolves every op (an unsupported op or version fails there, named
// in the message). AllocateTensors() runs every op's prepare, plans the arena
// and must precede Invoke(); ResizeInput() requires it again. Invoke()
// allocates nothing.
//
// Lifetime: the Model and the OpResolver must outlive every Interpreter made
// from them (the interpreter keeps pointers into both).
//
// Threading: one Interpreter is used by one thread at a time. Several
// interpreters may share one Model and one OpResolver concurrently.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/delegate.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "edgeml/status.h"
#include "edgeml/tensor.h"

namespace edgeml {

namespace internal {
class Subgraph;
struct InterpreterShared;
}

struct InterpreterOptions {
  // Threads an op may use inside Invoke(), counting the caller's (at most
  // 64 are used). With more than one, the interpreter starts num_threads - 1
  // workers once, at the first AllocateTensors(), and joins them when it is
  // destroyed; idle workers spin for ~50 us, then block. With 1, no thread
  // is started and ops run inline. Outputs do not depend on num_threads.
  int num_threads = 1;
  // Upper bound on the memory AllocateTensors() may take (arena plus tensors
  // folded at prepare); 0 = no limit. A model that needs more fails with
  // kResourceExhausted instead of exhausting the machine.
  size_t memory_limit_bytes = 0;
  // Delegates in priority order (first = highest); see edgeml/delegate.h.
  // They take their nodes at every AllocateTensors() of the primary subgraph.
  std::vector<std::shared_ptr<Delegate>> delegates;
};

struct SignatureInfo {
  std::string key;
  int subgraph_index = 0;
  std::vector<std::pair<std::string, int>> inputs;   // name -> tensor index
  std::vector<std::pair<std::string, int>> outputs;  // name -> tensor index
};

struct NodeInfo {
  std::string op_name;  // builtin name or custom code
  int version = 1;
  std::vector<int> inputs;  // tensor indices, -1 for an omitted optional input
  std::vector<int> outputs;
  bool folded = false;  // computed once at prepare; skipped by Invoke()
};

class Interpreter;

// Runs one signature of the model (a named entry point; its subgraph may be
// any of the model's) by input and output names, like LiteRT's
// SignatureRunner. Owned by its Interpreter and valid as long as it; shares
// the interpreter's resource variables and thread pool. A signature of
// subgraph 0 uses the primary subgraph's tensors. Same threading rule as the
// Interpreter: one thread at a time for the interpreter and its runners.
class SignatureRunner {
 public:
  const std::string& key() const { return info_.key; }
  int subgraph_index() const { return info_.subgraph_index; }
  const std::vector<std::string>& input_names() const { return input_names_; }
  const std::vector<std::string>& output_names() const { return output_names_; }
  // nullptr when the signature has no input/output of that name.
  Tensor* input(const std::string& name);
  Tensor* output(const std::string& name);
  // Changes an input's shape; AllocateTensors() must run again.
  Status ResizeInput(const std::string& name, const Shape& shape);
  Status AllocateTensors();
  Status Invoke();

 private:
  friend class Interpreter;
  SignatureRunner() = default;
  int InputPosition(const std::string& name) const;  // in the subgraph's inputs, or -1
  SignatureInfo info_;
  std::vector<std::string> input_names_, output_names_;
  internal::Subgraph* graph_ = nullptr;
};

class Interpreter {
 public:
  static Status Create(const Model& model, const OpResolver& resolver,
                       const InterpreterOptions& options, std::unique_ptr<Interpreter>* out);
  // The interpreter keeps pointers into the model and the resolver, so
  // temporaries would dangle: passing one is a compile error.
  static Status Create(const Model&&, const OpResolver&, const InterpreterOptions&,
                       std::unique_ptr<Interpreter>*) = delete;
  static Status Create(const Model&, const OpResolver&&, const InterpreterOptions&,
                       std::unique_ptr<Interpreter>*) = delete;
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Primary subgraph (index 0) inputs and outputs, as tensor indices.
  const std::vector<int>& inputs() const;
  const std::vector<int>& outputs() const;
  size_t tensors_size() const;

  Tensor* tensor(int tensor_index);  // nullptr if out of range
  Tensor* input(int i);              // i-th input; nullptr if out of range
  Tensor* output(int i);
  // Position of the input/output with that tensor name, or -1.
  int FindInput(const std::string& name) const;
  int FindOutput(const std::string& name) const;

  // Changes the shape of input i; AllocateTensors() must run again.
  Status ResizeInput(int i, const Shape& shape);
  Status AllocateTensors();
  Status Invoke();

  size_t nodes_size() const;
  NodeInfo node(int node_index) const;
  // Bytes of the planned arena (intermediates, inputs, outputs, scratch) and
  // of tensors computed at prepare (folded constants, e.g. dequantized weights).
  size_t arena_bytes() const;
  size_t persistent_bytes() const;

  std::vector<SignatureInfo> signatures() const;
  // The runner of the signature with that key; nullptr if there is none.
  SignatureRunner* GetSignatureRunner(const std::string& key);

  // Sets every variable tensor of every subgraph back to its start value
  // (zero, or the zero point of int8) and forgets the values of resource
  // variables (VAR_HANDLE), so that CALL_ONCE initializers run again at the
  // next Invoke(): the model then behaves as after AllocateTensors().
  Status ResetVariables();
  size_t subgraphs_size() const { return subgraphs_.size(); }

  // Which delegate runs each node of the primary subgraph and why the others
  // refused it, as of the last successful AllocateTensors() (empty before).
  const DelegationReport& delegation_report() const;

 private:
  Interpreter() = default;
  const Model* model_ = nullptr;
  // Declared before the subgraphs, which refer to it, so it outlives them.
  std::unique_ptr<internal::InterpreterShared> shared_;
  std::vector<std::unique_ptr<internal::Subgraph>> subgraphs_;
  std::vector<std::unique_ptr<SignatureRunner>> runners_;
};

}  // namespace edgeml
