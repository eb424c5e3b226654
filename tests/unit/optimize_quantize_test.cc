// Post-training quantization (src/optimize): the converter's conventions
// (symmetric per-channel int8 weights, int32 biases with scale
// input_scale x weight_scale, float16 constants behind DEQUANTIZE, float
// islands behind DEQUANTIZE/QUANTIZE) and agreement with the float model.
// That LiteRT runs the files and matches edgeml is checked by
// scripts/optimize_litert_check.py (dev venv).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "format/writer.h"
#include "optimize/calibrate.h"
#include "optimize/compare.h"
#include "optimize/model_edit.h"
#include "optimize/quantize.h"
#include "optimize/runner.h"

namespace edgeml::optimize {
namespace {

using tfl::BuiltinOperator;
using tfl::TensorType;

const std::string kData = EDGEML_TESTDATA_DIR;

struct Quantized {
  std::vector<uint8_t> float_bytes, bytes;
  std::unique_ptr<tfl::ModelT> model;
  QuantizeSummary summary;
};

void QuantizeFile(const std::string& path, QuantizeOptions o, Quantized* q) {
  std::unique_ptr<tfl::ModelT> m;
  ASSERT_TRUE(format::ReadModelTFromFile(path, &m).ok()) << path;
  ASSERT_TRUE(format::WriteModel(*m, &q->float_bytes).ok());
  PrepareFloatModel(m.get());
  RangeMap ranges;
  if (o.mode == QuantMode::kInt8 || o.mode == QuantMode::kInt16x8) {
    std::unique_ptr<Runner> r;
    ASSERT_TRUE(Runner::FromBytes(q->float_bytes, 1, &r).ok());
    std::vector<Sample> samples;
    Status s = LoadSamples({kData + "/images"}, r->input_specs(), io::Normalization(), 0, &samples);
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_EQ(samples.size(), 3u);
    s = Calibrate(*m, samples, CalibrationOptions(), &ranges);
    ASSERT_TRUE(s.ok()) << s.message();
  }
  Status s = QuantizeModel(m.get(), o, ranges, &q->summary);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(format::WriteModel(*m, &q->bytes).ok());
  // What was written reads back (verifier and semantic checks).
  ASSERT_TRUE(format::ReadModelT(q->bytes.data(), q->bytes.size(), &q->model).ok());
}

double MinCosine(const Quantized& q) {
  std::unique_ptr<Runner> a, b;
  EXPECT_TRUE(Runner::FromBytes(q.float_bytes, 1, &a).ok());
  Status s = Runner::FromBytes(q.bytes, 1, &b);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!a || !b) return 0;
  std::vector<Sample> samples;
  EXPECT_TRUE(
      LoadSamples({kData + "/images"}, a->input_specs(), io::Normalization(), 0, &samples).ok());
  Agreement ag;
  s = CompareOutputs(*a, *b, samples, &ag);
  EXPECT_TRUE(s.ok()) << s.message();
  return ag.min_cosine();
}

const tfl::TensorT& T(const tfl::ModelT& m, int i) { return *m.subgraphs[0]->tensors[i]; }

TEST(OptimizeQuantizeTest, Int8FollowsTheConvertersConventions) {
  QuantizeOptions o;
  o.mode = QuantMode::kInt8;
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &q));
  const tfl::ModelT& m = *q.model;
  EXPECT_TRUE(q.summary.ops_left_float.empty());
  int convs = 0;
  for (const auto& op : m.subgraphs[0]->operators) {
    const BuiltinOperator code = OpCode(m, *op);
    const int version = m.operator_codes[op->opcode_index]->version;
    if (code == BuiltinOperator::QUANTIZE || code == BuiltinOperator::DEQUANTIZE) continue;
    EXPECT_EQ(T(m, op->inputs[0]).type, TensorType::INT8) << OpName(m, *op);
    EXPECT_EQ(T(m, op->outputs[0]).type, TensorType::INT8) << OpName(m, *op);
    if (code != BuiltinOperator::CONV_2D && code != BuiltinOperator::FULLY_CONNECTED) continue;
    ++convs;
    EXPECT_EQ(version, code == BuiltinOperator::CONV_2D ? 3 : 4);
    const tfl::TensorT& in = T(m, op->inputs[0]);
    const tfl::TensorT& w = T(m, op->inputs[1]);
    ASSERT_EQ(w.type, TensorType::INT8);
    const auto& wq = *w.quantization;
    // Conv: per output channel on dim 0; FC: per tensor by default.
    EXPECT_EQ(wq.scale.size(),
              code == BuiltinOperator::CONV_2D ? static_cast<size_t>(w.shape[0]) : 1u);
    for (int64_t zp : wq.zero_point) EXPECT_EQ(zp, 0);
    const auto* data = ConstantData(m, w);
    ASSERT_NE(data, nullptr);
    for (uint8_t b : *data) EXPECT_GE(static_cast<int8_t>(b), -127);
    if (op->inputs.size() < 3 || op->inputs[2] < 0) continue;  // no bias
    const tfl::TensorT& b = T(m, op->inputs[2]);
    EXPECT_EQ(b.type, TensorType::INT32);
    ASSERT_EQ(b.quantization->scale.size(), wq.scale.size());
    for (size_t c = 0; c < wq.scale.size(); ++c) {
      EXPECT_FLOAT_EQ(b.quantization->scale[c], in.quantization->scale[0] * wq.scale[c]);
    }
  }
  EXPECT_GT(convs, 5);
  // Float I/O: the model's input and output stay float.
  EXPECT_EQ(T(m, m.subgraphs[0]->inputs[0]).type, TensorType::FLOAT32);
  EXPECT_EQ(T(m, m.subgraphs[0]->outputs[0]).type, TensorType::FLOAT32);
  EXPECT_LE(q.bytes.size(), q.float_bytes.size() * 30 / 100);
  EXPECT_GE(MinCosine(q), 0.99);
}

TEST(OptimizeQuantizeTest, Int8WithIntegerIo) {
  QuantizeOptions o;
  o.mode = QuantMode::kInt8;
  o.io = IoType::kInt8;
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &q));
  const tfl::ModelT& m = *q.model;
  EXPECT_EQ(T(m, m.subgraphs[0]->inputs[0]).type, TensorType::INT8);
  EXPECT_EQ(T(m, m.subgraphs[0]->outputs[0]).type, TensorType::INT8);
  EXPECT_EQ(q.summary.quantize_ops_added, 0);
  EXPECT_EQ(q.summary.dequantize_ops_added, 0);
  EXPECT_GE(MinCosine(q), 0.99);  // the runner quantizes inputs, dequantizes outputs

  o.io = IoType::kUInt8;
  Quantized u;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &u));
  EXPECT_EQ(T(*u.model, u.model->subgraphs[0]->inputs[0]).type, TensorType::UINT8);
  EXPECT_EQ(T(*u.model, u.model->subgraphs[0]->outputs[0]).type, TensorType::UINT8);
  EXPECT_GE(MinCosine(u), 0.99);
}

TEST(OptimizeQuantizeTest, SkippedOpsStayFloatBehindDequantizeAndQuantize) {
  QuantizeOptions o;
  o.mode = QuantMode::kInt8;
  o.skip = {"ADD"};
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &q));
  const tfl::ModelT& m = *q.model;
  ASSERT_TRUE(q.summary.ops_left_float.count("ADD"));
  EXPECT_GT(q.summary.dequantize_ops_added, 0);
  EXPECT_GT(q.summary.quantize_ops_added, 1);
  const auto& g = *m.subgraphs[0];
  for (const auto& op : g.operators) {
    if (OpCode(m, *op) != BuiltinOperator::ADD) continue;
    for (int32_t t : op->inputs) EXPECT_EQ(T(m, t).type, TensorType::FLOAT32);
    EXPECT_EQ(T(m, op->outputs[0]).type, TensorType::FLOAT32);
  }
  EXPECT_GE(MinCosine(q), 0.99);
}

TEST(OptimizeQuantizeTest, DynamicRangeKeepsFloatActivations) {
  QuantizeOptions o;
  o.mode = QuantMode::kDynamic;
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &q));
  const tfl::ModelT& m = *q.model;
  int hybrid = 0;
  for (const auto& op : m.subgraphs[0]->operators) {
    if (OpCode(m, *op) != BuiltinOperator::CONV_2D) continue;
    const tfl::TensorT& w = T(m, op->inputs[1]);
    EXPECT_EQ(T(m, op->inputs[0]).type, TensorType::FLOAT32);
    if (w.type != TensorType::INT8) {
      EXPECT_LT(NumElements(w.shape), o.dynamic_min_elements);  // small weights stay float
      continue;
    }
    ++hybrid;
    EXPECT_EQ(w.quantization->scale.size(), static_cast<size_t>(w.shape[0]));
    EXPECT_EQ(m.operator_codes[op->opcode_index]->version, 5);
  }
  EXPECT_GT(hybrid, 5);
  EXPECT_GE(MinCosine(q), 0.99);
}

TEST(OptimizeQuantizeTest, Float16ConstantsBehindDequantize) {
  QuantizeOptions o;
  o.mode = QuantMode::kFloat16;
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/networks/resnet_small_float.tflite", o, &q));
  const tfl::ModelT& m = *q.model;
  for (const auto& t : m.subgraphs[0]->tensors) {
    if (t->type == TensorType::FLOAT32) {
      EXPECT_FALSE(IsConstant(m, *t)) << t->name;
    }
  }
  EXPECT_GT(q.summary.dequantize_ops_added, 10);
  EXPECT_LT(q.bytes.size(), q.float_bytes.size() * 55 / 100);
  EXPECT_GE(MinCosine(q), 0.9999);
}

TEST(OptimizeQuantizeTest, MediaPipeFloat16WeightsAreFoldedThenQuantized) {
  QuantizeOptions o;
  o.mode = QuantMode::kInt8;
  Quantized q;
  ASSERT_NO_FATAL_FAILURE(QuantizeFile(kData + "/models/hand_landmark_lite.tflite", o, &q));
  for (const auto& t : q.model->subgraphs[0]->tensors) EXPECT_NE(t->type, TensorType::FLOAT16);
  EXPECT_TRUE(q.summary.ops_left_float.empty());
  for (const auto& op : q.model->subgraphs[0]->operators) {
    const BuiltinOperator code = OpCode(*q.model, *op);
    if (code == BuiltinOperator::DEQUANTIZE) {
      // Only the float outputs at the end remain.
      EXPECT_EQ(T(*q.model, op->inputs[0]).type, TensorType::INT8);
    }
  }
  // The landmarks (output 0) agree closely; measured 0.9995.
  std::unique_ptr<Runner> a, b;
  ASSERT_TRUE(Runner::FromBytes(q.float_bytes, 1, &a).ok());
  ASSERT_TRUE(Runner::FromBytes(q.bytes, 1, &b).ok());
  std::vector<Sample> samples;
  ASSERT_TRUE(
      LoadSamples({kData + "/images"}, a->input_specs(), io::Normalization(), 0, &samples).ok());
  Agreement ag;
  ASSERT_TRUE(CompareOutputs(*a, *b, samples, &ag).ok());
  EXPECT_GE(ag.outputs[0].cosine, 0.99);
}

TEST(OptimizeQuantizeTest, CalibrationRecordsEveryFloatActivation) {
  std::unique_ptr<tfl::ModelT> m;
  ASSERT_TRUE(format::ReadModelTFromFile(kData + "/networks/resnet_small_float.tflite", &m).ok());
  PrepareFloatModel(m.get());
  const auto& g = *m->subgraphs[0];
  const auto& in = g.tensors[g.inputs[0]]->shape;
  std::vector<Sample> samples =
      RandomSamples({{DataType::kFloat32, Shape(in.begin(), in.end())}}, 2, 3);
  RangeMap ranges;
  size_t calls = 0;
  CalibrationOptions co;
  co.progress = [&](size_t done, size_t total) {
    ++calls;
    EXPECT_EQ(total, 2u);
    EXPECT_LE(done, total);
  };
  ASSERT_TRUE(Calibrate(*m, samples, co, &ranges).ok());
  EXPECT_EQ(calls, 2u);
  for (const auto& op : g.operators) {
    for (int32_t t : op->outputs) {
      if (g.tensors[t]->type == TensorType::FLOAT32) {
        EXPECT_TRUE(ranges.count(t)) << g.tensors[t]->name;
      }
    }
  }
  // Random inputs in [-1, 1): the input's range is inside it.
  const TensorRange r = ranges.at(g.inputs[0]);
  EXPECT_GE(r.min, -1.0f);
  EXPECT_LT(r.max, 1.0f);
  EXPECT_LT(r.min, -0.9f);
  // A percentile range is never wider than min/max.
  RangeMap clipped;
  co.percentile = 99.0;
  ASSERT_TRUE(Calibrate(*m, samples, co, &clipped).ok());
  for (const auto& [t, range] : clipped) {
    EXPECT_GE(range.min, ranges.at(t).min);
    EXPECT_LE(range.max, ranges.at(t).max);
  }
}

TEST(OptimizeQuantizeTest, BadArgumentsGiveAStatus) {
  QuantMode mode;
  EXPECT_FALSE(ParseQuantMode("int4", &mode).ok());
  IoType io;
  EXPECT_FALSE(ParseIoType("int32", &io).ok());
  std::unique_ptr<tfl::ModelT> m;
  ASSERT_TRUE(format::ReadModelTFromFile(kData + "/networks/resnet_small_float.tflite", &m).ok());
  RangeMap ranges;
  EXPECT_FALSE(Calibrate(*m, {}, CalibrationOptions(), &ranges).ok());
  std::vector<Sample> samples;
  EXPECT_FALSE(LoadSamples({"/nonexistent"}, {{DataType::kFloat32, {1, 4}}}, io::Normalization(), 0,
                           &samples)
                   .ok());
  EXPECT_FALSE(LoadSamples({kData + "/images"}, {{DataType::kFloat32, {1, 4}}}, io::Normalization(),
                           0, &samples)
                   .ok());
}

}  // namespace
}  // namespace edgeml::optimize
