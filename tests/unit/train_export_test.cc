// Exported models (float32, sparse, int8) run in the edgeml interpreter with
// the outputs of the training graph; labels read back from the metadata; a
// short training run on MNIST reaches a fixed accuracy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "format/metadata.h"
#include "tflite_generated.h"
#include "train/data.h"
#include "train/export.h"
#include "train/sequential.h"
#include "train/spec.h"

namespace edgeml::train {
namespace {

Array RandomInput(const Dims& shape, uint64_t seed) {
  Rng rng(seed);
  Array a;
  a.Resize(shape);
  for (float& v : a.data) v = rng.Uniform(0.f, 1.f);
  return a;
}

// Runs `bytes` in edgeml on each example of x; returns the outputs (dequantized
// for int8 models).
void RunTflite(const std::vector<uint8_t>& bytes, const Array& x, std::vector<float>* out) {
  std::unique_ptr<Model> model;
  Status s = Model::FromBufferCopy(bytes.data(), bytes.size(), &model);
  ASSERT_TRUE(s.ok()) << s.ToString();
  BuiltinOpResolver resolver;  // must outlive the interpreter
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, InterpreterOptions(), &interp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = interp->AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Tensor* in = interp->input(0);
  const Tensor* o = interp->output(0);
  const int64_t n = x.shape[0], row = x.size() / n;
  out->clear();
  for (int64_t i = 0; i < n; ++i) {
    const float* src = x.data.data() + i * row;
    if (in->type == DataType::kInt8) {
      const float sc = in->quant.scale[0];
      const auto zp = static_cast<float>(in->quant.zero_point[0]);
      for (int64_t k = 0; k < row; ++k) {
        static_cast<int8_t*>(in->data)[k] =
            static_cast<int8_t>(std::min(127.f, std::max(-128.f, std::round(src[k] / sc) + zp)));
      }
    } else {
      ASSERT_EQ(in->bytes, sizeof(float) * row);
      std::memcpy(in->data, src, in->bytes);
    }
    s = interp->Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    if (o->type == DataType::kInt8) {
      const float sc = o->quant.scale[0];
      const auto zp = static_cast<float>(o->quant.zero_point[0]);
      for (size_t k = 0; k < o->bytes; ++k) {
        out->push_back((static_cast<const int8_t*>(o->data)[k] - zp) * sc);
      }
    } else {
      const auto* f = static_cast<const float*>(o->data);
      out->insert(out->end(), f, f + o->bytes / sizeof(float));
    }
  }
}

std::unique_ptr<Sequential> FromSpec(const std::string& json, uint64_t seed) {
  ModelSpec spec;
  Status s = ParseModelSpec(json, &spec);
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto m = std::make_unique<Sequential>();
  EXPECT_TRUE(AddLayers(spec, m.get()).ok());
  s = m->Build(spec.input_shape, seed);
  EXPECT_TRUE(s.ok()) << s.ToString();
  m->Compile(spec.loss, spec.optimizer);
  return m;
}

// Every layer type and fusion: Conv+BN+ReLU6 (folded), depthwise, pools,
// GAP, Dense with and without fused ReLU, standalone BN (MUL+ADD), Dropout,
// Reshape, sigmoid and softmax.
const char* kAllLayers = R"({
  "input_shape": [10, 10, 2],
  "layers": [
    {"type": "Conv2D", "filters": 6, "kernel_size": 3, "padding": "same", "use_bias": false},
    {"type": "BatchNormalization"},
    {"type": "ReLU", "max_value": 6},
    {"type": "DepthwiseConv2D", "kernel_size": [3, 2], "strides": 2, "depth_multiplier": 2,
     "activation": "relu"},
    {"type": "MaxPool2D", "pool_size": 2, "strides": 1},
    {"type": "AveragePooling2D", "pool_size": 2, "padding": "same"},
    {"type": "Dropout", "rate": 0.3},
    {"type": "BatchNormalization"},
    {"type": "Activation", "activation": "sigmoid"},
    {"type": "Reshape", "target_shape": [2, -1]},
    {"type": "Reshape", "target_shape": [-1]},
    {"type": "Dense", "units": 8, "activation": "relu"},
    {"type": "Dense", "units": 5},
    {"type": "Softmax"}
  ]})";

// Trains briefly so that BN statistics and biases are not at their defaults.
void WarmUp(Sequential* m, const Dims& in, int classes) {
  Dims shape = in;
  shape.insert(shape.begin(), 16);
  Dataset d;
  d.x = RandomInput(shape, 3);
  d.y.Resize({16});
  for (int i = 0; i < 16; ++i) d.y.data[i] = static_cast<float>(i % classes);
  FitOptions f;
  f.epochs = 3;
  f.batch_size = 4;
  ASSERT_TRUE(m->Fit(d, nullptr, f, nullptr).ok());
}

TEST(TrainExport, FloatModelMatchesTrainingGraph) {
  auto m = FromSpec(kAllLayers, 1);
  WarmUp(m.get(), {10, 10, 2}, 5);
  ExportOptions o;
  o.labels = {"a", "b", "c", "d", "e"};
  std::vector<uint8_t> bytes;
  Status s = ExportTflite(*m, o, &bytes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const Array x = RandomInput({4, 10, 10, 2}, 9);
  Array want;
  ASSERT_TRUE(m->Predict(x, 4, &want).ok());
  std::vector<float> got;
  RunTflite(bytes, x, &got);
  ASSERT_EQ(got.size(), want.data.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want.data[i], 2e-6) << i;

  // Structure: names, signature, folded BN, no DROPOUT, labels in metadata.
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  const tfl::Model* fb = model->flatbuffer();
  ASSERT_EQ(fb->signature_defs()->size(), 1u);
  EXPECT_EQ(fb->signature_defs()->Get(0)->signature_key()->str(), "serving_default");
  const tfl::SubGraph* sg = fb->subgraphs()->Get(0);
  EXPECT_EQ(sg->tensors()->Get(sg->inputs()->Get(0))->name()->str(), "input");
  EXPECT_EQ(sg->tensors()->Get(sg->outputs()->Get(0))->name()->str(), "output");
  int conv = 0, mul = 0;
  for (const tfl::Operator* op : *sg->operators()) {
    const auto code = fb->operator_codes()->Get(op->opcode_index())->builtin_code();
    conv += code == tfl::BuiltinOperator::CONV_2D;
    mul += code == tfl::BuiltinOperator::MUL;
  }
  EXPECT_EQ(conv, 1);
  EXPECT_EQ(mul, 1);  // only the BN that follows no convolution
  EXPECT_EQ(sg->operators()->size(), 12u);
  std::vector<std::string> labels;
  ASSERT_TRUE(format::ReadLabels(*model, &labels).ok());
  EXPECT_EQ(labels, o.labels);
}

TEST(TrainExport, PrunedModelUsesSparseTensorsAndMatches) {
  auto m = FromSpec(R"({"input_shape": [6, 6, 1], "layers": [
      {"type": "Conv2D", "filters": 4, "kernel_size": 3, "activation": "relu"},
      {"type": "Flatten"},
      {"type": "Dense", "units": 3, "activation": "softmax"}]})",
                    2);
  m->PruneTo(0.6f);
  EXPECT_NEAR(m->KernelSparsity(), 0.6, 0.02);
  ExportOptions o;
  o.sparse = true;
  std::vector<uint8_t> sparse, dense;
  ASSERT_TRUE(ExportTflite(*m, o, &sparse).ok());
  o.sparse = false;
  ASSERT_TRUE(ExportTflite(*m, o, &dense).ok());
  EXPECT_LT(sparse.size(), dense.size());
  const Array x = RandomInput({3, 6, 6, 1}, 4);
  Array want;
  ASSERT_TRUE(m->Predict(x, 3, &want).ok());
  std::vector<float> got;
  RunTflite(sparse, x, &got);
  ASSERT_EQ(got.size(), want.data.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want.data[i], 1e-6) << i;
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(sparse.data(), sparse.size(), &model).ok());
  int densify = 0, sparse_tensors = 0;
  const tfl::SubGraph* sg = model->flatbuffer()->subgraphs()->Get(0);
  for (const tfl::Operator* op : *sg->operators()) {
    densify += model->flatbuffer()->operator_codes()->Get(op->opcode_index())->builtin_code() ==
               tfl::BuiltinOperator::DENSIFY;
  }
  for (const tfl::Tensor* t : *sg->tensors()) sparse_tensors += t->sparsity() != nullptr;
  // The conv kernel [4,3,3,1] (innermost size 1) stays dense: CSR would be larger.
  EXPECT_EQ(densify, 1);
  EXPECT_EQ(sparse_tensors, 1);
}

// The int8 model computes what the quantization simulation of training
// computes, up to rounding differences of one or two steps.
TEST(TrainExport, Int8ModelMatchesQuantizationSimulation) {
  auto m = FromSpec(R"({"input_shape": [8, 8, 1], "layers": [
      {"type": "Conv2D", "filters": 4, "kernel_size": 3, "use_bias": false},
      {"type": "BatchNormalization"},
      {"type": "ReLU"},
      {"type": "DepthwiseConv2D", "kernel_size": 3, "padding": "same", "activation": "relu6"},
      {"type": "MaxPool2D", "pool_size": 2},
      {"type": "Flatten"},
      {"type": "Dense", "units": 6, "activation": "relu"},
      {"type": "Dense", "units": 4, "activation": "softmax"}]})",
                    5);
  WarmUp(m.get(), {8, 8, 1}, 4);
  ExportOptions o;
  std::vector<uint8_t> bytes;
  EXPECT_EQ(ExportTflite(
                *m,
                [] {
                  ExportOptions q;
                  q.int8 = true;
                  return q;
                }(),
                &bytes)
                .code(),
            StatusCode::kFailedPrecondition);  // no ranges yet
  Dataset calib;
  calib.x = RandomInput({64, 8, 8, 1}, 6);
  calib.y.Zeros({64});
  ASSERT_TRUE(m->Calibrate(calib, 16, 64).ok());
  o.int8 = true;
  Status s = ExportTflite(*m, o, &bytes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  m->EnableQat(true);
  const Array x = RandomInput({8, 8, 8, 1}, 7);
  Array sim;
  ASSERT_TRUE(m->Predict(x, 8, &sim).ok());
  std::vector<float> got;
  RunTflite(bytes, x, &got);
  ASSERT_EQ(got.size(), sim.data.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], sim.data[i], 3.f / 256.f) << i;
}

TEST(TrainFit, MlpLearnsMnistSubset) {
  Dataset train, test;
  ASSERT_TRUE(LoadData(EDGEML_TESTDATA_DIR "/mnist", DataOptions(), &train, &test).ok());
  ASSERT_EQ(train.size(), 8000);
  ASSERT_EQ(test.size(), 2000);
  EXPECT_EQ(NumClasses(train), 10);
  std::vector<int64_t> idx(3000);
  for (int i = 0; i < 3000; ++i) idx[i] = i;
  Dataset sub;
  Gather(train, idx, &sub);
  auto m = FromSpec(R"({"input_shape": [28, 28, 1], "layers": [
      {"type": "Flatten"},
      {"type": "Dense", "units": 32, "activation": "relu"},
      {"type": "Dense", "units": 10, "activation": "softmax"}]})",
                    1);
  FitOptions f;
  f.epochs = 3;
  f.batch_size = 32;
  f.seed = 1;
  std::vector<EpochLog> h;
  ASSERT_TRUE(m->Fit(sub, &test, f, &h).ok());
  ASSERT_EQ(h.size(), 3u);
  EXPECT_LT(h[2].loss, h[0].loss);
  // Measured 0.89 with seed 1; a broken gradient stays far below.
  EXPECT_GE(h.back().val_accuracy, 0.85);
  // Same seed, same result: training is deterministic.
  auto again = FromSpec(R"({"input_shape": [28, 28, 1], "layers": [
      {"type": "Flatten"},
      {"type": "Dense", "units": 32, "activation": "relu"},
      {"type": "Dense", "units": 10, "activation": "softmax"}]})",
                        1);
  std::vector<EpochLog> h2;
  ASSERT_TRUE(again->Fit(sub, &test, f, &h2).ok());
  EXPECT_EQ(h2.back().val_accuracy, h.back().val_accuracy);
  EXPECT_EQ(h2.back().loss, h.back().loss);
}

TEST(TrainFit, EarlyStoppingStopsAndRestores) {
  Dataset d;
  d.x = RandomInput({32, 4}, 1);
  d.y.Resize({32});
  for (int i = 0; i < 32; ++i) d.y.data[i] = static_cast<float>(i % 2);  // noise labels
  auto m = FromSpec(R"({"input_shape": [4], "layers": [
      {"type": "Dense", "units": 2, "activation": "softmax"}],
      "optimizer": {"type": "sgd", "learning_rate": 5.0}})",
                    1);
  FitOptions f;
  f.epochs = 50;
  f.batch_size = 8;
  f.early_stopping.enabled = true;
  f.early_stopping.monitor = "val_accuracy";
  f.early_stopping.patience = 2;
  std::vector<EpochLog> h;
  ASSERT_TRUE(m->Fit(d, &d, f, &h).ok());
  EXPECT_LT(h.size(), 50u);
  double best = 0;
  for (const auto& e : h) best = std::max(best, e.val_accuracy);
  double loss, acc;
  ASSERT_TRUE(m->Evaluate(d, 32, &loss, &acc).ok());
  EXPECT_EQ(acc, best);
}

TEST(TrainData, IdxErrors) {
  std::vector<int> shape;
  std::vector<uint8_t> bytes;
  EXPECT_EQ(ReadIdx("/nonexistent.idx", &shape, &bytes).code(), StatusCode::kIoError);
  const std::string path = ::testing::TempDir() + "/train_bad.idx";
  for (const std::string& content :
       {std::string("\x00\x00\x08\x01\x00\x00\x00\x05\x01\x02", 10),          // short data
        std::string("\x00\x00\x0d\x01\x00\x00\x00\x01\x00\x00\x00\x00", 12),  // float type
        std::string("\x00\x00\x08\x09", 4),                                   // rank 9
        std::string("\x00\x00\x08\x02\xff\xff\xff\xff\xff\xff\xff\xff", 12),  // huge dims
        std::string("PK")}) {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_TRUE(f);
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    EXPECT_FALSE(ReadIdx(path, &shape, &bytes).ok());
  }
}

}  // namespace
}  // namespace edgeml::train
