// Builds small .tflite models in memory for tests: single-op graphs for the
// per-op tests, crafted broken graphs for the malformed-model tests.
//
//   ModelBuilder b;
//   int in = b.AddTensor(DataType::kFloat32, {1, 4});
//   int w = b.AddConstant<float>(DataType::kFloat32, {2, 4}, {...});
//   int out = b.AddTensor(DataType::kFloat32, {1, 2});
//   auto opts = tfl::CreateFullyConnectedOptions(b.fbb(), ...);
//   b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {in, w, -1}, {out},
//                 tfl::BuiltinOptions::FullyConnectedOptions, opts.Union());
//   b.SetInputs({in}); b.SetOutputs({out});
//   TestModel m; ASSERT_TRUE(m.Build(b).ok());
//   m.SetInput<float>(0, {...}); ASSERT_TRUE(m.interp->Invoke().ok());
//   std::vector<float> y = m.GetOutput<float>(0);
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "tflite_generated.h"

namespace edgeml::testing {

class ModelBuilder {
 public:
  ModelBuilder();

  // A tensor without data (input, output or intermediate). Returns its index.
  // `is_variable` marks state tensors (e.g. an LSTM's output and cell state).
  int AddTensor(DataType type, const Shape& shape, const std::string& name = "",
                const QuantizationParams& quant = {}, bool is_variable = false);
  // A constant tensor backed by a new buffer holding `bytes` verbatim.
  int AddConstantBytes(DataType type, const Shape& shape, const std::vector<uint8_t>& bytes,
                       const std::string& name = "", const QuantizationParams& quant = {});
  template <typename T>
  int AddConstant(DataType type, const Shape& shape, const std::vector<T>& values,
                  const std::string& name = "", const QuantizationParams& quant = {}) {
    std::vector<uint8_t> bytes(values.size() * sizeof(T));
    if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return AddConstantBytes(type, shape, bytes, name, quant);
  }

  // The builder in which option tables are created before AddOperator().
  flatbuffers::FlatBufferBuilder& fbb() { return fbb_; }

  // Adds an operator (its code is added to operator_codes once per
  // (code, version)). Returns the operator's index.
  int AddOperator(tfl::BuiltinOperator op, const std::vector<int>& inputs,
                  const std::vector<int>& outputs,
                  tfl::BuiltinOptions options_type = tfl::BuiltinOptions::NONE,
                  flatbuffers::Offset<void> options = 0, int version = 1);
  int AddCustomOperator(const std::string& custom_code, const std::vector<int>& inputs,
                        const std::vector<int>& outputs,
                        const std::vector<uint8_t>& custom_options = {}, int version = 1);

  // A signature def over subgraph 0: (name, tensor index) pairs.
  void AddSignature(const std::string& key, const std::vector<std::pair<std::string, int>>& inputs,
                    const std::vector<std::pair<std::string, int>>& outputs) {
    signatures_.push_back({key, inputs, outputs});
  }
  // A metadata entry backed by a new buffer.
  void AddMetadata(const std::string& name, const std::vector<uint8_t>& bytes) {
    buffers_.push_back(bytes);
    metadata_.push_back({name, static_cast<uint32_t>(buffers_.size() - 1)});
  }
  // Stores constant data after the flatbuffer, addressed by offset/size from
  // the file start, as the converter does for models over 2 GB.
  void SetExternalBuffers(bool external) { external_buffers_ = external; }

  void SetInputs(const std::vector<int>& inputs) { inputs_ = inputs; }
  void SetOutputs(const std::vector<int>& outputs) { outputs_ = outputs; }

  // Serializes the model (identifier "TFL3"). The builder can't be reused.
  std::vector<uint8_t> Finish();

 private:
  struct TensorSpec {
    DataType type;
    Shape shape;
    std::string name;
    QuantizationParams quant;
    uint32_t buffer;
    bool is_variable = false;
  };
  struct OpSpec {
    int opcode;
    std::vector<int> inputs, outputs;
    tfl::BuiltinOptions options_type;
    flatbuffers::Offset<void> options;
    std::vector<uint8_t> custom_options;
    bool custom;
  };
  struct CodeSpec {
    int builtin;
    std::string custom;
    int version;
  };
  int OpcodeIndex(int builtin, const std::string& custom, int version);

  flatbuffers::FlatBufferBuilder fbb_;
  std::vector<TensorSpec> tensors_;
  std::vector<std::vector<uint8_t>> buffers_;  // buffers_[0] is the empty sentinel
  std::vector<OpSpec> ops_;
  std::vector<CodeSpec> codes_;
  std::vector<int> inputs_, outputs_;
  struct SignatureSpec {
    std::string key;
    std::vector<std::pair<std::string, int>> inputs, outputs;
  };
  std::vector<SignatureSpec> signatures_;
  struct MetadataSpec {
    std::string name;
    uint32_t buffer;
  };
  std::vector<MetadataSpec> metadata_;
  bool external_buffers_ = false;
};

// A built model loaded into an interpreter with the builtin resolver.
struct TestModel {
  std::vector<uint8_t> bytes;
  std::unique_ptr<Model> model;
  std::unique_ptr<Interpreter> interp;

  // Finishes the builder, loads, creates and (if `allocate`) allocates.
  Status Build(ModelBuilder& builder, bool allocate = true);

  template <typename T>
  void SetInput(int i, const std::vector<T>& values) {
    Tensor* t = interp->input(i);
    std::memcpy(t->data, values.data(), std::min(t->bytes, values.size() * sizeof(T)));
  }
  template <typename T>
  std::vector<T> GetOutput(int i) {
    const Tensor* t = interp->output(i);
    std::vector<T> v(t->bytes / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), t->data, v.size() * sizeof(T));
    return v;
  }
  Shape OutputShape(int i) { return interp->output(i)->shape; }
};

}  // namespace edgeml::testing
