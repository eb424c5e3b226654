// Quantized convolution family (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
// TRANSPOSE_CONV, BATCH_MATMUL) against LiteRT's reference kernels.
//
// Each case builds a single-op model and fills its inputs with values from a
// fixed generator over the type's whole range. The goldens below are LiteRT's
// outputs for exactly these models and inputs, produced by running this test
// with EDGEML_QCONV_DUMP=<dir> (which writes <case>.tflite and
// <case>.in<i>.bin) and then, per case, in .venv/bin/python:
//   it = Interpreter(model_path=f, experimental_op_resolver_type=
//                    OpResolverType.BUILTIN_REF)
//   it.allocate_tensors(); it.set_tensor(idx, np.fromfile(in_i, dtype))
//   it.invoke(); golden = it.get_tensor(out_idx).ravel()
// (ai-edge-litert 2.3.0). Equality is exact: 0 differing elements.
#include "kernels/reference/conv_quant.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "kernels/reference/fully_connected_quant.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using tfl::ActivationFunctionType;
using tfl::BuiltinOperator;
using tfl::BuiltinOptions;
using tfl::Padding;

QuantizationParams Q(std::vector<float> scales, std::vector<int64_t> zps, int dim = 0) {
  QuantizationParams q;
  q.scale = std::move(scales);
  q.zero_point = std::move(zps);
  q.quantized_dimension = dim;
  return q;
}
QuantizationParams Q1(float scale, int64_t zp) { return Q({scale}, {zp}); }
QuantizationParams QC(std::vector<float> scales, int dim) {
  std::vector<int64_t> zps(scales.size(), 0);
  return Q(std::move(scales), std::move(zps), dim);
}

// Deterministic values in [lo, hi].
template <typename T>
std::vector<T> Values(size_t n, uint32_t seed, int64_t lo, int64_t hi) {
  std::vector<T> v(n);
  uint64_t x = seed * 2654435761u + 12345;
  for (auto& e : v) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    e = static_cast<T>(lo + static_cast<int64_t>((x >> 33) % static_cast<uint64_t>(hi - lo + 1)));
  }
  return v;
}

size_t Count(const Shape& s) {
  size_t n = 1;
  for (int32_t d : s) n *= static_cast<size_t>(d);
  return n;
}

// ---------------------------------------------------------------- models
struct ConvSpec {
  BuiltinOperator op = BuiltinOperator::CONV_2D;
  DataType act = DataType::kInt8;
  DataType weight = DataType::kInt8;
  DataType bias = DataType::kInt32;  // kFloat32: no bias
  Shape in, filter, out;
  QuantizationParams in_q, w_q, out_q;
  Padding padding = Padding::SAME;
  int stride = 1, dilation = 1;
  ActivationFunctionType fused = ActivationFunctionType::NONE;
  tfl::TensorType bias_option = tfl::TensorType::FLOAT32;
  int bias_lo = -3000, bias_hi = 3000;
};

int AddWeights(ModelBuilder& b, const ConvSpec& c, uint32_t seed) {
  const size_t n = Count(c.filter);
  if (c.weight == DataType::kUInt8) {
    return b.AddConstant<uint8_t>(DataType::kUInt8, c.filter, Values<uint8_t>(n, seed, 0, 255), "w",
                                  c.w_q);
  }
  return b.AddConstant<int8_t>(DataType::kInt8, c.filter, Values<int8_t>(n, seed, -127, 127), "w",
                               c.w_q);
}

int AddBias(ModelBuilder& b, const ConvSpec& c, int32_t channels, uint32_t seed) {
  if (c.bias == DataType::kFloat32) return -1;
  QuantizationParams bq;
  bq.scale.assign(c.w_q.scale.size(), 1.f);
  for (size_t i = 0; i < bq.scale.size(); ++i) bq.scale[i] = c.in_q.scale[0] * c.w_q.scale[i];
  bq.zero_point.assign(bq.scale.size(), 0);
  const size_t n = static_cast<size_t>(channels);
  if (c.bias == DataType::kInt64) {
    return b.AddConstant<int64_t>(DataType::kInt64, {channels},
                                  Values<int64_t>(n, seed, c.bias_lo, c.bias_hi), "b", bq);
  }
  return b.AddConstant<int32_t>(DataType::kInt32, {channels},
                                Values<int32_t>(n, seed, c.bias_lo, c.bias_hi), "b", bq);
}

void BuildConv(ModelBuilder& b, const ConvSpec& c) {
  const int in = b.AddTensor(c.act, c.in, "in", c.in_q);
  const int w = AddWeights(b, c, 7);
  const int out = b.AddTensor(c.act, c.out, "out", c.out_q);
  if (c.op == BuiltinOperator::CONV_2D) {
    const int bias = AddBias(b, c, c.filter[0], 11);
    auto o = tfl::CreateConv2DOptions(b.fbb(), c.padding, c.stride, c.stride, c.fused, c.dilation,
                                      c.dilation, c.bias_option);
    b.AddOperator(c.op, {in, w, bias}, {out}, BuiltinOptions::Conv2DOptions, o.Union(), 3);
  } else if (c.op == BuiltinOperator::DEPTHWISE_CONV_2D) {
    const int bias = AddBias(b, c, c.filter[3], 11);
    auto o =
        tfl::CreateDepthwiseConv2DOptions(b.fbb(), c.padding, c.stride, c.stride,
                                          c.filter[3] / c.in[3], c.fused, c.dilation, c.dilation);
    b.AddOperator(c.op, {in, w, bias}, {out}, BuiltinOptions::DepthwiseConv2DOptions, o.Union(), 3);
  } else if (c.op == BuiltinOperator::FULLY_CONNECTED) {
    const int bias = AddBias(b, c, c.filter[0], 11);
    const bool keep = c.out.size() > 2;
    auto o = tfl::CreateFullyConnectedOptions(b.fbb(), c.fused,
                                              tfl::FullyConnectedOptionsWeightsFormat::DEFAULT,
                                              keep, false, c.bias_option);
    b.AddOperator(c.op, {in, w, bias}, {out}, BuiltinOptions::FullyConnectedOptions, o.Union(), 5);
  } else {  // TRANSPOSE_CONV
    const int shape = b.AddConstant<int32_t>(DataType::kInt32, {4}, c.out, "shape");
    const int bias = AddBias(b, c, c.filter[0], 11);
    auto o = tfl::CreateTransposeConvOptions(b.fbb(), c.padding, c.stride, c.stride, c.fused,
                                             c.bias_option);
    b.AddOperator(c.op, {shape, w, in, bias}, {out}, BuiltinOptions::TransposeConvOptions,
                  o.Union(), 3);
  }
  b.SetInputs({in});
  b.SetOutputs({out});
}

struct MatMulSpec {
  DataType lhs = DataType::kInt8, rhs = DataType::kInt8;
  Shape lhs_shape, rhs_shape, out_shape;
  QuantizationParams lhs_q, rhs_q, out_q;
  bool adj_x = false, adj_y = false;
};

void BuildMatMul(ModelBuilder& b, const MatMulSpec& c) {
  const int l = b.AddTensor(c.lhs, c.lhs_shape, "lhs", c.lhs_q);
  const int r = b.AddTensor(c.rhs, c.rhs_shape, "rhs", c.rhs_q);
  const int out = b.AddTensor(c.lhs, c.out_shape, "out", c.out_q);
  auto o = tfl::CreateBatchMatMulOptions(b.fbb(), c.adj_x, c.adj_y);
  b.AddOperator(BuiltinOperator::BATCH_MATMUL, {l, r}, {out}, BuiltinOptions::BatchMatMulOptions,
                o.Union(), 4);
  b.SetInputs({l, r});
  b.SetOutputs({out});
}

// ---------------------------------------------------------------- cases
struct Case {
  std::string name;
  ConvSpec conv;
  MatMulSpec matmul;
  bool is_matmul = false;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  auto add = [&](const std::string& name, const ConvSpec& c) {
    cases.push_back({name, c, {}, false});
  };
  auto add_mm = [&](const std::string& name, const MatMulSpec& m) {
    cases.push_back({name, {}, m, true});
  };
  ConvSpec c;
  // CONV_2D int8, per-channel scales four orders of magnitude apart, input
  // zero point at -128, stride 2 SAME.
  c = {};
  c.in = {1, 5, 5, 3};
  c.filter = {4, 3, 3, 3};
  c.out = {1, 3, 3, 4};
  c.in_q = Q1(0.05f, -128);
  c.w_q = QC({0.0007f, 0.004f, 0.03f, 0.9f}, 0);
  c.out_q = Q1(0.2f, 3);
  c.stride = 2;
  add("conv_i8_per_channel", c);
  // Per-tensor weights, input zero point 127, VALID, dilation 2, RELU6 with
  // the output zero point at -128.
  c = {};
  c.in = {1, 5, 5, 2};
  c.filter = {3, 2, 2, 2};
  c.out = {1, 3, 3, 3};
  c.in_q = Q1(0.1f, 127);
  c.w_q = QC({0.05f}, 0);
  c.out_q = Q1(0.03f, -128);
  c.padding = Padding::VALID;
  c.dilation = 2;
  c.fused = ActivationFunctionType::RELU6;
  add("conv_i8_per_tensor_relu6", c);
  // Grouped (2 groups), multipliers > 1 (saturating) and < 2^-31 (zero).
  c = {};
  c.in = {2, 3, 3, 4};
  c.filter = {4, 2, 2, 2};
  c.out = {2, 3, 3, 4};
  c.in_q = Q1(1.0f, 0);
  c.w_q = QC({1.0f, 0.003f, 1e-9f, 1e-12f}, 0);
  c.out_q = Q1(0.01f, -5);
  c.fused = ActivationFunctionType::RELU_N1_TO_1;
  add("conv_i8_grouped_extreme_multipliers", c);
  // uint8: asymmetric weights with zero point 130, input zero point 255.
  c = {};
  c.act = c.weight = DataType::kUInt8;
  c.in = {1, 4, 4, 2};
  c.filter = {2, 3, 3, 2};
  c.out = {1, 4, 4, 2};
  c.in_q = Q1(0.02f, 200);
  c.w_q = Q1(0.01f, 130);
  c.out_q = Q1(0.05f, 10);
  c.fused = ActivationFunctionType::RELU;
  add("conv_u8", c);
  // 16x8 with int64 bias (LiteRT's default) and with int32 bias.
  c = {};
  c.act = DataType::kInt16;
  c.bias = DataType::kInt64;
  c.in = {1, 4, 4, 2};
  c.filter = {3, 2, 2, 2};
  c.out = {1, 2, 2, 3};
  c.in_q = Q1(0.001f, 0);
  c.w_q = QC({0.002f, 0.0001f, 0.05f}, 0);
  c.out_q = Q1(0.004f, 0);
  c.stride = 2;
  c.bias_lo = -4000000;
  c.bias_hi = 4000000;
  add("conv_i16_bias64", c);
  c.bias = DataType::kInt32;
  c.bias_option = tfl::TensorType::INT32;
  add("conv_i16_bias32", c);

  // DEPTHWISE_CONV_2D.
  c = {};
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.in = {1, 5, 5, 2};
  c.filter = {1, 3, 3, 4};
  c.out = {1, 5, 5, 4};
  c.in_q = Q1(0.04f, -128);
  c.w_q = QC({0.001f, 0.01f, 0.1f, 1.0f}, 3);
  c.out_q = Q1(0.15f, 20);
  add("dw_i8_per_channel", c);
  c = {};
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.in = {1, 6, 6, 3};
  c.filter = {1, 2, 2, 3};
  c.out = {1, 3, 3, 3};
  c.in_q = Q1(0.07f, 127);
  c.w_q = QC({0.02f}, 3);
  c.out_q = Q1(0.05f, -128);
  c.stride = 2;
  c.padding = Padding::VALID;
  c.fused = ActivationFunctionType::RELU6;
  add("dw_i8_per_tensor_relu6", c);
  c = {};
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.act = c.weight = DataType::kUInt8;
  c.in = {1, 4, 4, 2};
  c.filter = {1, 3, 3, 2};
  c.out = {1, 4, 4, 2};
  c.in_q = Q1(0.03f, 0);
  c.w_q = Q1(0.02f, 100);
  c.out_q = Q1(0.08f, 128);
  c.dilation = 2;
  add("dw_u8", c);
  c = {};
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.act = DataType::kInt16;
  c.bias = DataType::kInt64;
  c.in = {1, 3, 3, 2};
  c.filter = {1, 2, 2, 4};
  c.out = {1, 3, 3, 4};
  c.in_q = Q1(0.001f, 0);
  c.w_q = QC({0.002f, 0.0003f, 0.04f, 0.01f}, 3);
  c.out_q = Q1(0.003f, 0);
  c.bias_lo = -4000000;
  c.bias_hi = 4000000;
  add("dw_i16", c);

  // FULLY_CONNECTED.
  c = {};
  c.op = BuiltinOperator::FULLY_CONNECTED;
  c.in = {3, 6};
  c.filter = {4, 6};
  c.out = {3, 4};
  c.in_q = Q1(0.05f, -128);
  c.w_q = QC({0.002f, 0.02f, 0.2f, 2.0f}, 0);
  c.out_q = Q1(0.3f, 7);
  add("fc_i8_per_channel", c);
  c = {};
  c.op = BuiltinOperator::FULLY_CONNECTED;
  c.in = {2, 2, 8};
  c.filter = {5, 8};
  c.out = {2, 2, 5};
  c.in_q = Q1(0.02f, 127);
  c.w_q = QC({0.01f}, 0);
  c.out_q = Q1(0.02f, -128);
  c.fused = ActivationFunctionType::RELU;
  add("fc_i8_per_tensor_keep_dims_relu", c);
  c = {};
  c.op = BuiltinOperator::FULLY_CONNECTED;
  c.act = c.weight = DataType::kUInt8;
  c.in = {2, 7};
  c.filter = {3, 7};
  c.out = {2, 3};
  c.in_q = Q1(0.05f, 255);
  c.w_q = Q1(0.01f, 120);
  c.out_q = Q1(0.1f, 128);
  add("fc_u8", c);
  c = {};
  c.op = BuiltinOperator::FULLY_CONNECTED;
  c.act = DataType::kInt16;
  c.bias = DataType::kInt64;
  c.in = {2, 5};
  c.filter = {3, 5};
  c.out = {2, 3};
  c.in_q = Q1(0.0005f, 0);
  c.w_q = QC({0.004f}, 0);
  c.out_q = Q1(0.002f, 0);
  c.bias_lo = -4000000;
  c.bias_hi = 4000000;
  add("fc_i16_bias64", c);
  c.bias = DataType::kInt32;
  c.bias_option = tfl::TensorType::INT32;
  c.w_q = QC({0.004f, 0.0002f, 0.03f}, 0);
  add("fc_i16_per_channel_bias32", c);

  // TRANSPOSE_CONV.
  c = {};
  c.op = BuiltinOperator::TRANSPOSE_CONV;
  c.in = {1, 3, 3, 2};
  c.filter = {3, 3, 3, 2};
  c.out = {1, 6, 6, 3};
  c.in_q = Q1(0.05f, -128);
  c.w_q = QC({0.003f, 0.03f, 0.3f}, 0);
  c.out_q = Q1(0.1f, -3);
  c.stride = 2;
  add("tconv_i8", c);
  c = {};
  c.op = BuiltinOperator::TRANSPOSE_CONV;
  c.act = DataType::kInt16;
  c.bias = DataType::kInt64;
  c.in = {1, 2, 2, 2};
  c.filter = {2, 3, 3, 2};
  c.out = {1, 4, 4, 2};
  c.in_q = Q1(0.001f, 0);
  c.w_q = QC({0.002f, 0.02f}, 0);
  c.out_q = Q1(0.002f, 0);
  c.stride = 2;
  c.bias_lo = -400000;
  c.bias_hi = 400000;
  add("tconv_i16", c);

  // BATCH_MATMUL.
  MatMulSpec m;
  m.lhs_shape = {2, 3, 4};
  m.rhs_shape = {1, 4, 5};
  m.out_shape = {2, 3, 5};
  m.lhs_q = Q1(0.05f, -128);
  m.rhs_q = Q1(0.02f, 5);
  m.out_q = Q1(0.1f, -3);
  add_mm("bmm_i8_broadcast", m);
  m = {};
  m.lhs_shape = {4, 3};
  m.rhs_shape = {5, 4};
  m.out_shape = {3, 5};
  m.lhs_q = Q1(0.5f, 10);
  m.rhs_q = Q1(0.5f, -7);
  m.out_q = Q1(0.03f, 127);
  m.adj_x = m.adj_y = true;
  add_mm("bmm_i8_adjoint_saturating", m);
  m = {};
  m.lhs = m.rhs = DataType::kInt16;
  m.lhs_shape = {2, 3};
  m.rhs_shape = {3, 2};
  m.out_shape = {2, 2};
  m.lhs_q = Q1(0.001f, 0);
  m.rhs_q = Q1(0.002f, 0);
  m.out_q = Q1(2.0f, 0);
  add_mm("bmm_i16", m);
  return cases;
}

// ---------------------------------------------------------------- goldens
// BEGIN GOLDENS (generated; see the top of the file)
const std::map<std::string, std::vector<int32_t>>& Goldens() {
  static const auto* g = new std::map<std::string, std::vector<int32_t>>{
      {"bmm_i16", {226, 875, 216, 793}},
      {"bmm_i8_adjoint_saturating",
       {-128, -128, 127, -128, 127, 127, 127, 127, 127, -128, 127, -128, 127, 127, -128}},
      {"bmm_i8_broadcast",
       {-128, 55, 127, -92,  127, -128, 20, 127, -128, 97,  -128, 62, 127, -128, 127,
        -128, 98, 127, -110, 100, -128, 60, 127, -128, 127, -128, 29, 127, -128, -11}},
      {"conv_i16_bias32", {2476, 108, -1930, -2714, -54, -22635, 2101, 97, -32768, 452, 11, 10793}},
      {"conv_i16_bias64", {2475, 108, -1930, -2714, -54, -22635, 2101, 97, -32768, 452, 11, 10792}},
      {"conv_i8_grouped_extreme_multipliers",
       {-105, 95,   -5,   -5,   95, 95, -5,   -5,   95, 95, -5, -5, 95, 95, -5, -5,   -105, -105,
        -5,   -5,   -105, -105, -5, -5, 95,   -105, -5, -5, 95, 95, -5, -5, 95, 95,   -5,   -5,
        -105, -105, -5,   -5,   95, 95, -5,   -5,   95, 95, -5, -5, 95, 95, -5, -5,   -105, 95,
        -5,   -5,   -105, -105, -5, -5, -105, 95,   -5, -5, 95, 95, -5, -5, 95, -105, -5,   -5}},
      {"conv_i8_per_channel", {2,  18,  -128, 127, 3,  22, -128, 127, 4, -20, -128, 127,
                               -1, -78, -128, 127, 14, 32, 10,   127, 1, 66,  -128, 127,
                               -2, -1,  -128, 127, 14, 11, 3,    127, 1, 29,  -128, -128}},
      {"conv_i8_per_tensor_relu6",
       {-128, -128, 72,   72, -128, -128, 72,   72,   -128, -128, 72,   72,   -128, 72,
        72,   -128, -128, 72, -128, -128, -128, -128, -128, -128, -128, -128, -128}},
      {"conv_u8", {10, 10, 10, 16, 10, 10, 10, 10, 10, 10, 10, 70, 10, 10, 10, 10,
                   10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}},
      {"dw_i16", {-255,  -44, 26897, 5722,   620,   412,  14530, 7623,  -1672, -24, 14091, 2411,
                  -2981, 148, 32767, -10766, 40,    -22,  2470,  -1347, -530,  398, 32767, -8915,
                  2082,  495, 18039, 4201,   -3767, -178, 2967,  13321, 1235,  417, 23820, 3035}},
      {"dw_i8_per_channel",
       {27,   46,   127,  -128, 21,   63,   127,  -128, 26,   12,   127,  -128, 27,   24,   -22,
        -128, 16,   69,   127,  -128, 18,   127,  124,  -128, 26,   29,   127,  -128, 26,   105,
        127,  -128, 28,   96,   -128, -128, 15,   26,   127,  -128, 20,   112,  33,   -128, 30,
        72,   127,  -128, 29,   127,  -67,  -128, 29,   93,   127,  -128, 19,   81,   127,  127,
        16,   -2,   127,  -128, 35,   102,  127,  -128, 16,   47,   127,  -128, 33,   48,   127,
        -128, 14,   83,   87,   127,  19,   84,   127,  -128, 24,   64,   127,  -128, 21,   122,
        127,  -128, 27,   86,   127,  -128, 17,   55,   127,  -128}},
      {"dw_i8_per_tensor_relu6",
       {-128, -128, -8,   -128, -128, -128, -128, -128, -8,   -128, -128, -8,   -128, -128,
        -8,   -128, -128, -8,   -128, -128, -8,   -128, -128, -118, -128, -128, -8}},
      {"dw_u8", {255, 242, 255, 255, 255, 255, 255, 255, 255, 255, 255, 241, 255, 255, 255, 255,
                 255, 255, 255, 255, 255, 242, 255, 255, 255, 255, 255, 255, 255, 255, 255, 150}},
      {"fc_i16_bias64", {4894, -39, -37, -2439, 2536, 4963}},
      {"fc_i16_per_channel_bias32", {4894, -2, -280, -2439, 127, 32767}},
      {"fc_i8_per_channel", {10, 111, -128, 127, 9, 110, -128, 127, 13, 73, -128, 127}},
      {"fc_i8_per_tensor_keep_dims_relu",
       {-128, -124, -128, -128, -128, -128, -115, -53,  -128, 25,
        -128, -128, -128, -128, -62,  -128, -128, -128, 112,  127}},
      {"fc_u8", {48, 0, 73, 0, 0, 32}},
      {"tconv_i16", {4781,  -407,   757,   6157,  -840,  3558,  486,  -7984,  1152,  2927,  3526,
                     -2692, 1329,   -7137, 3107,  3687,  -1942, 9172, -958,   21660, -2639, -32768,
                     -579,  -26111, -338,  -5107, -1201, -3897, 3207, -26238, 314,   11220}},
      {"tconv_i8",
       {46,  -16,  127,  6,    43,  -128, 29,  126, 127,  9,    127, -128, 0,    127,  127, 8,
        45,  -128, 20,   28,   127, 39,   79,  35,  -5,   127,  127, 47,   27,   127,  14,  16,
        127, 48,   91,   -2,   34,  -64,  127, -1,  127,  -128, 11,  -128, 127,  -5,   127, -128,
        -19, -128, 127,  -1,   127, -128, 23,  1,   127,  38,   95,  -128, -11,  127,  127, 37,
        23,  127,  10,   42,   127, 42,   60,  127, 42,   66,   127, 2,    127,  -128, -11, 127,
        127, -5,   127,  -128, -15, -128, 127, -3,  127,  -128, -2,  127,  -128, 29,   -29, 127,
        9,   -58,  -128, 24,   15,  127,  -7,  112, -128, 20,   -27, 127}},
  };
  return *g;
}
// END GOLDENS

std::vector<uint8_t> InputBytes(const Tensor& t, uint32_t seed) {
  const size_t n = static_cast<size_t>(t.num_elements());
  std::vector<uint8_t> bytes(t.bytes);
  auto copy = [&](const auto& v) { std::memcpy(bytes.data(), v.data(), bytes.size()); };
  switch (t.type) {
    case DataType::kUInt8:
      copy(Values<uint8_t>(n, seed, 0, 255));
      break;
    case DataType::kInt16:
      copy(Values<int16_t>(n, seed, -32768, 32767));
      break;
    default:
      copy(Values<int8_t>(n, seed, -128, 127));
      break;
  }
  return bytes;
}

std::vector<int32_t> OutputValues(const Tensor& t) {
  const size_t n = static_cast<size_t>(t.num_elements());
  std::vector<int32_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (t.type) {
      case DataType::kUInt8:
        v[i] = t.data_as<uint8_t>()[i];
        break;
      case DataType::kInt16:
        v[i] = t.data_as<int16_t>()[i];
        break;
      default:
        v[i] = t.data_as<int8_t>()[i];
        break;
    }
  }
  return v;
}

void WriteFile(const std::string& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

class QuantConvCase : public ::testing::TestWithParam<Case> {};

TEST_P(QuantConvCase, MatchesLiteRtReference) {
  const Case& c = GetParam();
  ModelBuilder b;
  if (c.is_matmul) {
    BuildMatMul(b, c.matmul);
  } else {
    BuildConv(b, c.conv);
  }
  TestModel m;
  const Status st = m.Build(b);
  ASSERT_TRUE(st.ok()) << st.message();
  const char* dump = std::getenv("EDGEML_QCONV_DUMP");
  if (dump != nullptr)
    WriteFile(std::string(dump) + "/" + c.name + ".tflite", m.bytes.data(), m.bytes.size());
  for (size_t i = 0; i < m.interp->inputs().size(); ++i) {
    Tensor* t = m.interp->input(static_cast<int>(i));
    const std::vector<uint8_t> bytes = InputBytes(*t, 100 + static_cast<uint32_t>(i));
    std::memcpy(t->data, bytes.data(), bytes.size());
    if (dump != nullptr) {
      WriteFile(std::string(dump) + "/" + c.name + ".in" + std::to_string(i) + ".bin", bytes.data(),
                bytes.size());
    }
  }
  ASSERT_TRUE(m.interp->Invoke().ok());
  const std::vector<int32_t> got = OutputValues(*m.interp->output(0));
  if (dump != nullptr) {
    WriteFile(std::string(dump) + "/" + c.name + ".edgeml.bin", got.data(), got.size() * 4);
  }
  const auto it = Goldens().find(c.name);
  ASSERT_NE(it, Goldens().end()) << "no golden for " << c.name;
  ASSERT_EQ(got.size(), it->second.size());
  int differing = 0;
  for (size_t i = 0; i < got.size(); ++i) differing += got[i] != it->second[i];
  EXPECT_EQ(differing, 0);
  EXPECT_EQ(got, it->second);
}

INSTANTIATE_TEST_SUITE_P(LiteRt, QuantConvCase, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace edgeml

namespace edgeml {
namespace {

// uint8 TRANSPOSE_CONV (v3, with bias), stride 2 SAME, per-tensor asymmetric
// weights. Golden: LiteRT 2.3.0 BUILTIN_REF on the same model and input
// (72 distinct outputs, several saturated at 0).
TEST(QuantTransposeConv, Uint8MatchesLiteRtReference) {
  testing::ModelBuilder b;
  const QuantizationParams qi{{0.05f}, {120}, 0}, qw{{0.02f}, {128}, 0},
      qb{{0.05f * 0.02f}, {0}, 0}, qo{{0.1f}, {100}, 0};
  const std::vector<uint8_t> w = {141, 18, 181, 215, 74, 31, 130, 145, 228, 111, 229, 4,
                                  32,  10, 53,  63,  13, 23, 112, 177, 7,   37,  116, 116};
  const int shape = b.AddConstant<int32_t>(DataType::kInt32, {4}, {1, 6, 6, 3});
  const int wt = b.AddConstantBytes(DataType::kUInt8, {3, 2, 2, 2}, w, "w", qw);
  const int in = b.AddTensor(DataType::kUInt8, {1, 3, 3, 2}, "x", qi);
  const int bt = b.AddConstant<int32_t>(DataType::kInt32, {3}, {-500, 0, 700}, "b", qb);
  const int out = b.AddTensor(DataType::kUInt8, {1, 6, 6, 3}, "y", qo);
  auto o = tfl::CreateTransposeConvOptions(b.fbb(), tfl::Padding::SAME, 2, 2);
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE_CONV, {shape, wt, in, bt}, {out},
                tfl::BuiltinOptions::TransposeConvOptions, o.Union(), 3);
  b.SetInputs({in});
  b.SetOutputs({out});
  testing::TestModel m;
  const Status s = m.Build(b);
  ASSERT_TRUE(s.ok()) << s.ToString();
  m.SetInput<uint8_t>(
      0, {166, 55, 71, 90, 173, 126, 151, 233, 6, 196, 143, 249, 66, 103, 106, 141, 72, 78});
  ASSERT_TRUE(m.interp->Invoke().ok());
  const std::vector<uint8_t> want = {
      172, 157, 122, 63,  227, 68,  122, 56,  195, 43,  88,  100, 95,  152, 40,  128, 146, 101,
      133, 133, 110, 85,  108, 109, 151, 182, 194, 89,  156, 116, 61,  42,  37,  97,  56,  100,
      0,   112, 0,   210, 0,   157, 0,   0,   158, 101, 0,   162, 0,   101, 0,   219, 0,   167,
      0,   0,   0,   115, 3,   90,  83,  120, 176, 106, 136, 112, 0,   0,   0,   117, 0,   89,
      107, 49,  187, 52,  67,  107, 70,  82,  101, 106, 60,  120, 135, 59,  206, 33,  104, 94,
      141, 172, 188, 91,  152, 116, 82,  89,  105, 98,  97,  106, 162, 196, 203, 87,  163, 118};
  EXPECT_EQ(m.GetOutput<uint8_t>(0), want);
}

}  // namespace
}  // namespace edgeml
