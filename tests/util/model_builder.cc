#include "util/model_builder.h"

namespace edgeml::testing {

ModelBuilder::ModelBuilder() { buffers_.emplace_back(); }

int ModelBuilder::AddTensor(DataType type, const Shape& shape, const std::string& name,
                            const QuantizationParams& quant) {
  tensors_.push_back({type, shape, name, quant, 0});
  return static_cast<int>(tensors_.size()) - 1;
}

int ModelBuilder::AddConstantBytes(DataType type, const Shape& shape,
                                   const std::vector<uint8_t>& bytes, const std::string& name,
                                   const QuantizationParams& quant) {
  buffers_.push_back(bytes);
  tensors_.push_back({type, shape, name, quant, static_cast<uint32_t>(buffers_.size() - 1)});
  return static_cast<int>(tensors_.size()) - 1;
}

int ModelBuilder::OpcodeIndex(int builtin, const std::string& custom, int version) {
  for (size_t i = 0; i < codes_.size(); ++i) {
    if (codes_[i].builtin == builtin && codes_[i].custom == custom && codes_[i].version == version) {
      return static_cast<int>(i);
    }
  }
  codes_.push_back({builtin, custom, version});
  return static_cast<int>(codes_.size()) - 1;
}

int ModelBuilder::AddOperator(tfl::BuiltinOperator op, const std::vector<int>& inputs,
                              const std::vector<int>& outputs, tfl::BuiltinOptions options_type,
                              flatbuffers::Offset<void> options, int version) {
  ops_.push_back({OpcodeIndex(static_cast<int>(op), "", version), inputs, outputs, options_type,
                  options, {}, false});
  return static_cast<int>(ops_.size()) - 1;
}

int ModelBuilder::AddCustomOperator(const std::string& custom_code, const std::vector<int>& inputs,
                                    const std::vector<int>& outputs,
                                    const std::vector<uint8_t>& custom_options, int version) {
  ops_.push_back({OpcodeIndex(static_cast<int>(tfl::BuiltinOperator::CUSTOM), custom_code, version),
                  inputs, outputs, tfl::BuiltinOptions::NONE, 0, custom_options, true});
  return static_cast<int>(ops_.size()) - 1;
}

std::vector<uint8_t> ModelBuilder::Finish() {
  auto& b = fbb_;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers;
  for (const auto& data : buffers_) {
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> v = 0;
    if (!data.empty()) {
      b.ForceVectorAlignment(data.size(), 1, 16);
      v = b.CreateVector(data);
    }
    buffers.push_back(tfl::CreateBuffer(b, v));
  }
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
  for (const TensorSpec& t : tensors_) {
    flatbuffers::Offset<tfl::QuantizationParameters> q = 0;
    if (t.quant.quantized()) {
      q = tfl::CreateQuantizationParameters(b, 0, 0, b.CreateVector(t.quant.scale),
                                            b.CreateVector(t.quant.zero_point),
                                            tfl::QuantizationDetails::NONE, 0,
                                            t.quant.quantized_dimension);
    }
    tensors.push_back(tfl::CreateTensor(b, b.CreateVector(t.shape),
                                        static_cast<tfl::TensorType>(t.type), t.buffer,
                                        b.CreateString(t.name), q));
  }
  std::vector<flatbuffers::Offset<tfl::Operator>> ops;
  for (const OpSpec& o : ops_) {
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> custom = 0;
    if (o.custom && !o.custom_options.empty()) custom = b.CreateVector(o.custom_options);
    ops.push_back(tfl::CreateOperator(b, o.opcode, b.CreateVector(o.inputs),
                                      b.CreateVector(o.outputs), o.options_type, o.options, custom));
  }
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes;
  for (const CodeSpec& c : codes_) {
    int8_t deprecated = static_cast<int8_t>(std::min(c.builtin, 127));
    codes.push_back(tfl::CreateOperatorCode(b, deprecated,
                                            c.custom.empty() ? 0 : b.CreateString(c.custom),
                                            c.version, static_cast<tfl::BuiltinOperator>(c.builtin)));
  }
  auto subgraph = tfl::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(inputs_),
                                      b.CreateVector(outputs_), b.CreateVector(ops),
                                      b.CreateString("main"));
  std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs{subgraph};
  auto model = tfl::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs),
                                b.CreateString("edgeml test model"), b.CreateVector(buffers));
  tfl::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Status TestModel::Build(ModelBuilder& builder, bool allocate) {
  bytes = builder.Finish();
  EDGEML_RETURN_IF_ERROR(Model::FromBufferCopy(bytes.data(), bytes.size(), &model));
  static const BuiltinOpResolver* resolver = new BuiltinOpResolver();
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*model, *resolver, {}, &interp));
  if (allocate) EDGEML_RETURN_IF_ERROR(interp->AllocateTensors());
  return Status::Ok();
}

}  // namespace edgeml::testing
