// The .tflite writer: read -> write -> read gives the same model (operator
// codes, operators and their options, tensors, buffers, signatures,
// metadata) for every model in testdata, and rewritten models compute the
// same outputs, bit for bit.
#include "format/writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"

namespace edgeml {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ModelsIn(const std::string& dir) {
  std::vector<std::string> out;
  const fs::path root = fs::path(EDGEML_TESTDATA_DIR) / dir;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path().extension() == ".tflite") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Bytes of one union packed alone: a field-by-field comparison of any
// options table without naming its fields.
template <typename Union>
std::vector<uint8_t> PackUnion(const Union& u) {
  flatbuffers::FlatBufferBuilder fbb;
  auto off = u.Pack(fbb);
  fbb.Finish(off);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

std::vector<uint8_t> PackSparsity(const tfl::SparsityParametersT* s) {
  if (s == nullptr) return {};
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(tfl::SparsityParameters::Pack(fbb, s));
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

void ExpectSameModel(const tfl::ModelT& a, const tfl::ModelT& b, const std::string& name) {
  SCOPED_TRACE(name);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.description, b.description);
  ASSERT_EQ(a.operator_codes.size(), b.operator_codes.size());
  for (size_t i = 0; i < a.operator_codes.size(); ++i) {
    const auto &x = *a.operator_codes[i], &y = *b.operator_codes[i];
    EXPECT_EQ(x.builtin_code, y.builtin_code) << "operator code " << i;
    EXPECT_EQ(x.deprecated_builtin_code, y.deprecated_builtin_code) << "operator code " << i;
    EXPECT_EQ(x.custom_code, y.custom_code) << "operator code " << i;
    EXPECT_EQ(x.version, y.version) << "operator code " << i;
  }
  ASSERT_EQ(a.buffers.size(), b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i) {
    EXPECT_TRUE(a.buffers[i]->data == b.buffers[i]->data) << "buffer " << i;
  }
  ASSERT_EQ(a.subgraphs.size(), b.subgraphs.size());
  for (size_t g = 0; g < a.subgraphs.size(); ++g) {
    const auto &sa = *a.subgraphs[g], &sb = *b.subgraphs[g];
    EXPECT_EQ(sa.name, sb.name);
    EXPECT_EQ(sa.inputs, sb.inputs);
    EXPECT_EQ(sa.outputs, sb.outputs);
    ASSERT_EQ(sa.tensors.size(), sb.tensors.size()) << "subgraph " << g;
    for (size_t t = 0; t < sa.tensors.size(); ++t) {
      const auto &x = *sa.tensors[t], &y = *sb.tensors[t];
      SCOPED_TRACE("tensor " + std::to_string(t) + " '" + x.name + "'");
      EXPECT_EQ(x.name, y.name);
      EXPECT_EQ(x.shape, y.shape);
      EXPECT_EQ(x.shape_signature, y.shape_signature);
      EXPECT_EQ(x.type, y.type);
      EXPECT_EQ(x.buffer, y.buffer);
      EXPECT_EQ(x.is_variable, y.is_variable);
      ASSERT_EQ(x.quantization == nullptr, y.quantization == nullptr);
      if (x.quantization) {
        EXPECT_EQ(x.quantization->scale, y.quantization->scale);
        EXPECT_EQ(x.quantization->zero_point, y.quantization->zero_point);
        EXPECT_EQ(x.quantization->min, y.quantization->min);
        EXPECT_EQ(x.quantization->max, y.quantization->max);
        EXPECT_EQ(x.quantization->quantized_dimension, y.quantization->quantized_dimension);
        EXPECT_EQ(PackUnion(x.quantization->details), PackUnion(y.quantization->details));
      }
      EXPECT_EQ(PackSparsity(x.sparsity.get()), PackSparsity(y.sparsity.get()));
    }
    ASSERT_EQ(sa.operators.size(), sb.operators.size()) << "subgraph " << g;
    for (size_t o = 0; o < sa.operators.size(); ++o) {
      const auto &x = *sa.operators[o], &y = *sb.operators[o];
      SCOPED_TRACE("operator " + std::to_string(o));
      EXPECT_EQ(x.opcode_index, y.opcode_index);
      EXPECT_EQ(x.inputs, y.inputs);
      EXPECT_EQ(x.outputs, y.outputs);
      EXPECT_EQ(x.intermediates, y.intermediates);
      EXPECT_EQ(x.custom_options, y.custom_options);
      EXPECT_EQ(x.custom_options_format, y.custom_options_format);
      EXPECT_EQ(x.builtin_options.type, y.builtin_options.type);
      EXPECT_EQ(PackUnion(x.builtin_options), PackUnion(y.builtin_options));
    }
  }
  ASSERT_EQ(a.metadata.size(), b.metadata.size());
  for (size_t i = 0; i < a.metadata.size(); ++i) {
    EXPECT_EQ(a.metadata[i]->name, b.metadata[i]->name);
    EXPECT_EQ(a.metadata[i]->buffer, b.metadata[i]->buffer);
  }
  EXPECT_EQ(a.metadata_buffer, b.metadata_buffer);
  ASSERT_EQ(a.signature_defs.size(), b.signature_defs.size());
  for (size_t i = 0; i < a.signature_defs.size(); ++i) {
    const auto &x = *a.signature_defs[i], &y = *b.signature_defs[i];
    EXPECT_EQ(x.signature_key, y.signature_key);
    EXPECT_EQ(x.subgraph_index, y.subgraph_index);
    ASSERT_EQ(x.inputs.size(), y.inputs.size());
    for (size_t j = 0; j < x.inputs.size(); ++j) {
      EXPECT_EQ(x.inputs[j]->name, y.inputs[j]->name);
      EXPECT_EQ(x.inputs[j]->tensor_index, y.inputs[j]->tensor_index);
    }
    ASSERT_EQ(x.outputs.size(), y.outputs.size());
    for (size_t j = 0; j < x.outputs.size(); ++j) {
      EXPECT_EQ(x.outputs[j]->name, y.outputs[j]->name);
      EXPECT_EQ(x.outputs[j]->tensor_index, y.outputs[j]->tensor_index);
    }
  }
}

// Reads `path`, writes it, reads the result back; `written` gets the bytes.
void RoundTrip(const std::string& path, std::vector<uint8_t>* written) {
  std::unique_ptr<tfl::ModelT> first, second;
  ASSERT_TRUE(format::ReadModelTFromFile(path, &first).ok()) << path;
  Status s = format::WriteModel(*first, written);
  ASSERT_TRUE(s.ok()) << path << ": " << s.message();
  ASSERT_GE(written->size(), 8u);
  EXPECT_EQ(0, std::memcmp(written->data() + 4, "TFL3", 4)) << path;
  s = format::ReadModelT(written->data(), written->size(), &second);
  ASSERT_TRUE(s.ok()) << path << ": " << s.message();
  ExpectSameModel(*first, *second, path);
  // Writing is deterministic: writing the reread model gives the same bytes.
  std::vector<uint8_t> again;
  ASSERT_TRUE(format::WriteModel(*second, &again).ok());
  EXPECT_TRUE(again == *written) << path;
}

int RoundTripAll(const std::string& dir) {
  int n = 0;
  for (const std::string& path : ModelsIn(dir)) {
    std::unique_ptr<Model> probe;
    // Files the loader refuses (crafted or unsupported) are not written.
    if (!Model::FromFile(path, &probe).ok()) continue;
    std::vector<uint8_t> bytes;
    RoundTrip(path, &bytes);
    ++n;
  }
  return n;
}

TEST(WriterTest, RoundTripsZoo) { EXPECT_GT(RoundTripAll("zoo"), 100); }
TEST(WriterTest, RoundTripsQuant) { EXPECT_GT(RoundTripAll("quant"), 50); }
TEST(WriterTest, RoundTripsNetworks) { EXPECT_GT(RoundTripAll("networks"), 5); }
TEST(WriterTest, RoundTripsMediaPipe) { EXPECT_EQ(RoundTripAll("models"), 4); }

// Runs the bytes on seeded random inputs; returns each output's bytes.
std::vector<std::vector<uint8_t>> RunOnce(const std::vector<uint8_t>& bytes) {
  std::vector<std::vector<uint8_t>> outs;
  std::unique_ptr<Model> model;
  EXPECT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  if (!model) return outs;
  static const BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  Status s = Interpreter::Create(*model, resolver, InterpreterOptions(), &interp);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return outs;
  s = interp->AllocateTensors();
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return outs;
  std::mt19937 rng(7);
  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    uint8_t* p = static_cast<uint8_t*>(t->data);
    if (t->type == DataType::kFloat32) {
      std::uniform_real_distribution<float> d(-1.f, 1.f);
      for (int64_t k = 0; k < t->num_elements(); ++k) {
        const float v = d(rng);
        std::memcpy(p + 4 * k, &v, 4);
      }
    } else {
      for (size_t k = 0; k < t->bytes; ++k) p[k] = static_cast<uint8_t>(rng() & 1);
    }
  }
  s = interp->Invoke();
  EXPECT_TRUE(s.ok()) << s.message();
  for (size_t i = 0; i < interp->outputs().size(); ++i) {
    const Tensor* t = interp->output(static_cast<int>(i));
    const uint8_t* p = static_cast<const uint8_t*>(t->data);
    outs.emplace_back(p, p + t->bytes);
  }
  return outs;
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::unique_ptr<Model> m;
  EXPECT_TRUE(Model::FromFile(path, &m).ok());
  return m ? std::vector<uint8_t>(m->data(), m->data() + m->size()) : std::vector<uint8_t>();
}

TEST(WriterTest, RewrittenModelsComputeTheSameOutputs) {
  std::vector<std::string> paths = ModelsIn("models");
  for (const std::string& p : ModelsIn("networks")) paths.push_back(p);
  int ran = 0;
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    const std::vector<uint8_t> original = ReadFile(path);
    std::vector<uint8_t> written;
    RoundTrip(path, &written);
    const auto want = RunOnce(original);
    if (want.empty()) continue;  // a model edgeml does not run yet
    const auto got = RunOnce(written);
    EXPECT_TRUE(want == got);
    ++ran;
  }
  EXPECT_GE(ran, 8);
}

TEST(WriterTest, RefusesBadBytesWithAStatus) {
  std::unique_ptr<tfl::ModelT> m;
  const uint8_t junk[16] = {1, 2, 3, 4, 'T', 'F', 'L', '3'};
  EXPECT_FALSE(format::ReadModelT(junk, sizeof(junk), &m).ok());
  EXPECT_FALSE(format::ReadModelTFromFile("/nonexistent.tflite", &m).ok());
  tfl::ModelT empty;
  auto b = std::make_unique<tfl::BufferT>();
  b->offset = 100;
  b->size = 4;
  empty.buffers.push_back(std::move(b));
  std::vector<uint8_t> out;
  Status s = format::WriteModel(empty, &out);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported) << s.message();
}

}  // namespace
}  // namespace edgeml
