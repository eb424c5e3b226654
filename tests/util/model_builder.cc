#include "util/model_builder.h"

namespace edgeml::testing {

ModelBuilder::ModelBuilder() { buffers_.emplace_back(); }

int ModelBuilder::AddTensor(DataType type, const Shape& shape, const std::string& name,
                            const QuantizationParams& quant, bool is_variable) {
  tensors_.push_back({type, shape, name, quant, 0, is_variable});
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
  // External buffers get placeholder offsets (a value > 1 of the final
  // width) that are patched once the flatbuffer's size is known.
  constexpr uint64_t kPlaceholder = 0xEDE0000000000000ull;
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers;
  for (size_t i = 0; i < buffers_.size(); ++i) {
    const auto& data = buffers_[i];
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> v = 0;
    if (external_buffers_ && !data.empty()) {
      buffers.push_back(tfl::CreateBuffer(b, 0, kPlaceholder + i, data.size()));
      continue;
    }
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
                                        b.CreateString(t.name), q, t.is_variable));
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
  auto tensor_maps = [&b](const std::vector<std::pair<std::string, int>>& pairs) {
    std::vector<flatbuffers::Offset<tfl::TensorMap>> maps;
    for (const auto& [name, index] : pairs) {
      maps.push_back(tfl::CreateTensorMap(b, b.CreateString(name), static_cast<uint32_t>(index)));
    }
    return b.CreateVector(maps);
  };
  std::vector<flatbuffers::Offset<tfl::SignatureDef>> signatures;
  for (const SignatureSpec& sig : signatures_) {
    auto in = tensor_maps(sig.inputs);
    auto out = tensor_maps(sig.outputs);
    signatures.push_back(tfl::CreateSignatureDef(b, in, out, b.CreateString(sig.key), 0));
  }
  std::vector<flatbuffers::Offset<tfl::Metadata>> metadata;
  for (const MetadataSpec& md : metadata_) {
    metadata.push_back(tfl::CreateMetadata(b, b.CreateString(md.name), md.buffer));
  }
  auto model = tfl::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs),
                                b.CreateString("edgeml test model"), b.CreateVector(buffers), 0,
                                b.CreateVector(metadata), b.CreateVector(signatures));
  tfl::FinishModelBuffer(b, model);
  std::vector<uint8_t> bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  if (external_buffers_) {
    // Append each buffer (16-byte aligned) and patch its placeholder offset.
    for (size_t i = 0; i < buffers_.size(); ++i) {
      if (buffers_[i].empty()) continue;
      bytes.resize((bytes.size() + 15) / 16 * 16);
      const uint64_t offset = bytes.size();
      bytes.insert(bytes.end(), buffers_[i].begin(), buffers_[i].end());
      const uint64_t placeholder = kPlaceholder + i;
      for (size_t p = 0; p + 8 <= offset; ++p) {
        if (std::memcmp(bytes.data() + p, &placeholder, 8) == 0) {
          std::memcpy(bytes.data() + p, &offset, 8);
          break;
        }
      }
    }
  }
  return bytes;
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
