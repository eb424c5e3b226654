// Dynamic-range ("hybrid") FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D and
// BATCH_MATMUL: float32 activations with int8 constant weights, against
// LiteRT's reference kernels.
//
// Each op case builds a single-op model with inputs from a fixed generator.
// The goldens are LiteRT's outputs for exactly these models and inputs,
// produced by running this test with EDGEML_QHYBRID_DUMP=<dir> (writes
// <case>.tflite and <case>.in.bin) and then, per case, in .venv/bin/python:
//   it = Interpreter(model_path=f, experimental_op_resolver_type=
//                    OpResolverType.BUILTIN_REF)
//   it.allocate_tensors(); it.set_tensor(in_idx, np.fromfile(in_bin, np.float32)
//   .reshape(shape)); it.invoke(); golden = it.get_tensor(out_idx).ravel()
// printed with repr() (ai-edge-litert 2.3.0). Equality is bitwise.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "kernels/reference/hybrid.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using tfl::ActivationFunctionType;
using tfl::BuiltinOperator;
using tfl::BuiltinOptions;
using tfl::Padding;

// ------------------------------------------------------------- kernel level

TEST(HybridKernel, SymmetricQuantizeRow) {
  // max |v| = 2.54 -> scale 0.02, values / 0.02 rounded half away from zero.
  const std::vector<float> v = {-2.54f, 0.01f, 1.27f, -0.03f, 0.f};
  std::vector<int8_t> q(v.size());
  float scale = 0.f;
  reference::SymmetricQuantizeRow(v.data(), 5, 1, q.data(), &scale);
  EXPECT_FLOAT_EQ(scale, 2.54f / 127.f);
  EXPECT_EQ(q, (std::vector<int8_t>{-127, 1, 64, -2, 0}));
  // All zero: scale 1, zeros.
  const std::vector<float> z = {0.f, -0.f, 0.f};
  reference::SymmetricQuantizeRow(z.data(), 3, 1, q.data(), &scale);
  EXPECT_EQ(scale, 1.f);
  EXPECT_EQ(q[0], 0);
  // Strided access reads every other value.
  const std::vector<float> s = {1.f, 100.f, -1.f, 100.f};
  reference::SymmetricQuantizeRow(s.data(), 2, 2, q.data(), &scale);
  EXPECT_EQ(q[0], 127);
  EXPECT_EQ(q[1], -127);
}

TEST(HybridKernel, AsymmetricQuantizeRow) {
  // Range [0, 2.55] (min clamped to 0): scale 0.01, zero point -128.
  const std::vector<float> v = {0.f, 2.55f, 1.f};
  std::vector<int8_t> q(3);
  float scale = 0.f;
  int32_t zp = 0;
  reference::AsymmetricQuantizeRow(v.data(), 3, 1, q.data(), &scale, &zp);
  EXPECT_FLOAT_EQ(scale, 0.01f);
  EXPECT_EQ(zp, -128);
  EXPECT_EQ(q, (std::vector<int8_t>{-128, 127, -28}));
  // Range [-1, 1]: scale 2/255, zero point from the min side: -128 + 127.5
  // -> -0.5 rounds away from zero to -1.
  const std::vector<float> w = {-1.f, 1.f, 0.f};
  reference::AsymmetricQuantizeRow(w.data(), 3, 1, q.data(), &scale, &zp);
  EXPECT_EQ(zp, -1);
  EXPECT_EQ(q[0], -128);
  EXPECT_EQ(q[1], 126);  // -1 + 127.49999 (1 / float(2/255)) rounds down
  EXPECT_EQ(q[2], -1);
  // All zero: scale 1, zero point 0.
  const std::vector<float> z = {0.f, 0.f};
  reference::AsymmetricQuantizeRow(z.data(), 2, 1, q.data(), &scale, &zp);
  EXPECT_EQ(scale, 1.f);
  EXPECT_EQ(zp, 0);
}

TEST(HybridKernel, FullyConnectedByHand) {
  // One row [1.27, -0.635] -> scale 0.01, q = [127, -64]. Weights [[2, 1],
  // [-1, 3]] scale 0.5: acc = [190, -319] -> *0.005 = [0.95, -1.595].
  const std::vector<float> x = {1.27f, -0.635f};
  const std::vector<int8_t> w = {2, 1, -1, 3};
  const std::vector<int32_t> sums = {3, 2};
  const std::vector<float> bias = {1.f, 0.f};
  std::vector<int8_t> q(2);
  float sf;
  int32_t zp;
  reference::HybridScratch s{q.data(), &sf, &zp};
  reference::HybridWeightScales ws;
  ws.tensor = 0.5f;
  std::vector<float> y(2);
  reference::HybridFullyConnected(1, 2, 2, x.data(), w.data(), ws, sums.data(), bias.data(), false,
                                  reference::HybridActivation::kRelu, s, y.data());
  EXPECT_NEAR(y[0], 1.95f, 1e-6f);
  EXPECT_EQ(y[1], 0.f);
  // All-zero input: bias only, -0 kept without activation.
  const std::vector<float> zero = {0.f, 0.f};
  const std::vector<float> nbias = {-0.f, 2.f};
  reference::HybridFullyConnected(1, 2, 2, zero.data(), w.data(), ws, sums.data(), nbias.data(),
                                  true, reference::HybridActivation::kNone, s, y.data());
  EXPECT_TRUE(std::signbit(y[0]));
  EXPECT_EQ(y[1], 2.f);
}

TEST(HybridKernel, DepthwiseByHand) {
  // 1x1 image, 1 channel, multiplier 2, 1x1 filter: the input 0.5 quantizes
  // to 127 with zero point -128 and scale 0.5/255; acc = w * 255.
  reference::ConvParams p;
  reference::ConvShape sh;
  sh.batch = 1;
  sh.in_h = sh.in_w = sh.out_h = sh.out_w = 1;
  sh.in_ch = 1;
  sh.out_ch = 2;
  sh.filter_h = sh.filter_w = 1;
  const float x = 0.5f;
  const std::vector<int8_t> w = {2, -4};
  const std::vector<float> cs = {0.25f, 1.f};
  int8_t q;
  float sf;
  int32_t zp;
  reference::HybridScratch s{&q, &sf, &zp};
  std::vector<float> y(2);
  reference::HybridDepthwiseConv(p, sh, 2, &x, w.data(), cs.data(), nullptr, s, y.data());
  EXPECT_NEAR(y[0], 0.25f, 1e-6f);
  EXPECT_NEAR(y[1], -2.f, 1e-6f);
}

// ---------------------------------------------------------------- op level

QuantizationParams QC(std::vector<float> scales, int dim = 0) {
  QuantizationParams q;
  q.zero_point.assign(scales.size(), 0);
  q.scale = std::move(scales);
  q.quantized_dimension = dim;
  return q;
}

size_t Count(const Shape& s) {
  size_t n = 1;
  for (int32_t d : s) n *= static_cast<size_t>(d);
  return n;
}

uint64_t Next(uint64_t& x) {
  x = x * 6364136223846793005ull + 1442695040888963407ull;
  return x >> 33;
}

std::vector<int8_t> Weights(size_t n, uint64_t seed) {
  std::vector<int8_t> v(n);
  for (auto& e : v) e = static_cast<int8_t>(static_cast<int64_t>(Next(seed) % 255) - 127);
  return v;
}

// Floats in [-amp, amp] on a 1/1024 grid; rows listed in zero_rows (of
// `row` elements each) are all zero.
std::vector<float> Floats(size_t n, uint64_t seed, float amp, size_t row = 0,
                          std::vector<size_t> zero_rows = {}) {
  std::vector<float> v(n);
  for (auto& e : v) e = amp * (static_cast<float>(Next(seed) % 2049) - 1024.f) / 1024.f;
  for (size_t r : zero_rows) {
    for (size_t i = r * row; i < (r + 1) * row && i < n; ++i) v[i] = 0.f;
  }
  return v;
}

struct HybridCase {
  std::string name;
  BuiltinOperator op = BuiltinOperator::FULLY_CONNECTED;
  Shape in, weights, out;
  QuantizationParams w_q;
  bool bias = true;
  bool asymmetric = false;
  bool keep_num_dims = false;
  bool adj_x = false, adj_y = false;
  Padding padding = Padding::SAME;
  int stride = 1, dilation = 1;
  ActivationFunctionType fused = ActivationFunctionType::NONE;
  std::vector<size_t> zero_rows;  // of the input, in units of `zero_row` values
  size_t zero_row = 0;
  bool all_zero = false;
  std::vector<float> negative_zero_bias;  // replaces the generated bias
};

void PrintTo(const HybridCase& c, std::ostream* os) { *os << c.name; }

void Build(ModelBuilder& b, const HybridCase& c) {
  const int in = b.AddTensor(DataType::kFloat32, c.in, "in");
  const int w =
      b.AddConstant<int8_t>(DataType::kInt8, c.weights, Weights(Count(c.weights), 17), "w", c.w_q);
  const int out = b.AddTensor(DataType::kFloat32, c.out, "out");
  int32_t channels = c.weights[0];
  if (c.op == BuiltinOperator::DEPTHWISE_CONV_2D) channels = c.weights[3];
  int bias = -1;
  if (c.bias) {
    std::vector<float> values = Floats(static_cast<size_t>(channels), 23, 0.5f);
    if (!c.negative_zero_bias.empty()) values = c.negative_zero_bias;
    bias = b.AddConstant<float>(DataType::kFloat32, {channels}, values, "b");
  }
  std::vector<int> inputs = {in, w};
  if (bias >= 0) inputs.push_back(bias);
  switch (c.op) {
    case BuiltinOperator::FULLY_CONNECTED: {
      auto o = tfl::CreateFullyConnectedOptions(b.fbb(), c.fused,
                                                tfl::FullyConnectedOptionsWeightsFormat::DEFAULT,
                                                c.keep_num_dims, c.asymmetric);
      b.AddOperator(c.op, inputs, {out}, BuiltinOptions::FullyConnectedOptions, o.Union(), 9);
      break;
    }
    case BuiltinOperator::CONV_2D: {
      auto o = tfl::CreateConv2DOptions(b.fbb(), c.padding, c.stride, c.stride, c.fused, c.dilation,
                                        c.dilation);
      b.AddOperator(c.op, inputs, {out}, BuiltinOptions::Conv2DOptions, o.Union(), 2);
      break;
    }
    case BuiltinOperator::DEPTHWISE_CONV_2D: {
      auto o = tfl::CreateDepthwiseConv2DOptions(b.fbb(), c.padding, c.stride, c.stride,
                                                 c.weights[3] / c.in[3], c.fused, c.dilation,
                                                 c.dilation);
      b.AddOperator(c.op, inputs, {out}, BuiltinOptions::DepthwiseConv2DOptions, o.Union(), 6);
      break;
    }
    default: {
      auto o = tfl::CreateBatchMatMulOptions(b.fbb(), c.adj_x, c.adj_y, c.asymmetric);
      b.AddOperator(c.op, {in, w}, {out}, BuiltinOptions::BatchMatMulOptions, o.Union(), 4);
    }
  }
  b.SetInputs({in});
  b.SetOutputs({out});
}

std::vector<float> Input(const HybridCase& c) {
  if (c.all_zero) return std::vector<float>(Count(c.in), 0.f);
  return Floats(Count(c.in), 5, 1.5f, c.zero_row, c.zero_rows);
}

std::vector<HybridCase> Cases() {
  std::vector<HybridCase> cases;
  HybridCase c;
  // FC, per-channel scales 1000x apart, symmetric inputs, 3 rows of which the
  // middle one is all zero (scale 1 case), odd depth, RELU.
  c = {};
  c.name = "fc_per_channel_sym";
  c.in = {3, 7};
  c.weights = {5, 7};
  c.out = {3, 5};
  c.w_q = QC({0.001f, 0.01f, 0.1f, 1.f, 0.0035f});
  c.zero_row = 7;
  c.zero_rows = {1};
  c.fused = ActivationFunctionType::RELU;
  cases.push_back(c);
  // Same with asymmetric_quantize_inputs and no activation.
  c.name = "fc_per_channel_asym";
  c.asymmetric = true;
  c.fused = ActivationFunctionType::NONE;
  cases.push_back(c);
  // Per-tensor scale, keep_num_dims over [2, 2, 6], asymmetric, RELU6, no bias.
  c = {};
  c.name = "fc_per_tensor_keep_dims";
  c.in = {2, 2, 6};
  c.weights = {4, 6};
  c.out = {2, 2, 4};
  c.w_q = QC({0.02f});
  c.bias = false;
  c.asymmetric = true;
  c.keep_num_dims = true;
  c.fused = ActivationFunctionType::RELU6;
  cases.push_back(c);
  // Entirely zero input: LiteRT skips the product; -0 biases stay -0.
  c = {};
  c.name = "fc_all_zero";
  c.in = {2, 3};
  c.weights = {3, 3};
  c.out = {2, 3};
  c.w_q = QC({0.05f});
  c.all_zero = true;
  c.negative_zero_bias = {-0.f, 0.25f, -1.5f};
  cases.push_back(c);
  // CONV_2D, one scale: symmetric per batch image; second image all zero.
  c = {};
  c.name = "conv_per_tensor";
  c.op = BuiltinOperator::CONV_2D;
  c.in = {2, 5, 5, 3};
  c.weights = {4, 3, 3, 3};
  c.out = {2, 3, 3, 4};
  c.w_q = QC({0.03f});
  c.stride = 2;
  c.zero_row = 75;
  c.zero_rows = {1};
  c.fused = ActivationFunctionType::RELU6;
  cases.push_back(c);
  // Per-channel scales 1000x apart: asymmetric per batch image; VALID,
  // dilation 2, first image all zero.
  c = {};
  c.name = "conv_per_channel";
  c.op = BuiltinOperator::CONV_2D;
  c.in = {2, 5, 5, 2};
  c.weights = {3, 2, 2, 2};
  c.out = {2, 3, 3, 3};
  c.w_q = QC({0.001f, 0.05f, 1.f});
  c.padding = Padding::VALID;
  c.dilation = 2;
  c.zero_row = 50;
  c.zero_rows = {0};
  cases.push_back(c);
  // Per-channel scales that are all equal take the symmetric path.
  c = {};
  c.name = "conv_equal_channel_scales";
  c.op = BuiltinOperator::CONV_2D;
  c.in = {1, 4, 4, 3};
  c.weights = {2, 2, 2, 3};
  c.out = {1, 4, 4, 2};
  c.w_q = QC({0.04f, 0.04f});
  c.fused = ActivationFunctionType::RELU;
  cases.push_back(c);
  // Grouped convolution (2 groups): the per-channel path.
  c = {};
  c.name = "conv_grouped";
  c.op = BuiltinOperator::CONV_2D;
  c.in = {1, 4, 4, 4};
  c.weights = {4, 3, 3, 2};
  c.out = {1, 4, 4, 4};
  c.w_q = QC({0.002f, 0.02f, 0.2f, 0.07f});
  cases.push_back(c);
  // DEPTHWISE_CONV_2D, multiplier 2, per-channel scales 1000x apart, batch 2
  // with an all-zero image, RELU.
  c = {};
  c.name = "dw_per_channel";
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.in = {2, 4, 4, 2};
  c.weights = {1, 3, 3, 4};
  c.out = {2, 4, 4, 4};
  c.w_q = QC({0.001f, 0.01f, 0.1f, 1.f}, 3);
  c.zero_row = 32;
  c.zero_rows = {1};
  c.fused = ActivationFunctionType::RELU;
  cases.push_back(c);
  // Depthwise without bias, stride 2, dilation 2, VALID.
  c = {};
  c.name = "dw_no_bias";
  c.op = BuiltinOperator::DEPTHWISE_CONV_2D;
  c.in = {1, 6, 6, 3};
  c.weights = {1, 2, 2, 3};
  c.out = {1, 2, 2, 3};
  c.w_q = QC({0.3f, 0.003f, 0.03f}, 3);
  c.bias = false;
  c.padding = Padding::VALID;
  c.stride = 2;
  c.dilation = 2;
  cases.push_back(c);
  // BATCH_MATMUL, rhs [5, 4] broadcast over lhs [2, 3, 5], symmetric, one
  // all-zero lhs row.
  c = {};
  c.name = "bmm_broadcast_sym";
  c.op = BuiltinOperator::BATCH_MATMUL;
  c.in = {2, 3, 5};
  c.weights = {5, 4};
  c.out = {2, 3, 4};
  c.w_q = QC({0.015f});
  c.zero_row = 5;
  c.zero_rows = {4};
  cases.push_back(c);
  // Batched rhs, asymmetric.
  c.name = "bmm_batched_asym";
  c.weights = {2, 5, 4};
  c.asymmetric = true;
  cases.push_back(c);
  // adj_x and adj_y, asymmetric.
  c = {};
  c.name = "bmm_adjoint_asym";
  c.op = BuiltinOperator::BATCH_MATMUL;
  c.in = {1, 6, 3};
  c.weights = {4, 6};
  c.out = {1, 3, 4};
  c.w_q = QC({0.02f});
  c.adj_x = true;
  c.adj_y = true;
  c.asymmetric = true;
  cases.push_back(c);
  // Two batch dims on both sides, symmetric: LiteRT indexes the row scales
  // per batch step, not per matrix (reproduced; see HybridBatchMatMul).
  c = {};
  c.name = "bmm_two_batch_dims";
  c.op = BuiltinOperator::BATCH_MATMUL;
  c.in = {2, 3, 2, 4};
  c.weights = {2, 3, 4, 3};
  c.out = {2, 3, 2, 3};
  c.w_q = QC({0.01f});
  cases.push_back(c);
  // The same asymmetric, with rhs batch dims [2, 1]: LiteRT folds the lhs
  // rows of the unit dim together first.
  c.name = "bmm_folded_asym";
  c.weights = {2, 1, 4, 3};
  c.asymmetric = true;
  cases.push_back(c);
  c.name = "bmm_two_batch_dims_asym";
  c.weights = {2, 3, 4, 3};
  cases.push_back(c);
  // Per-channel rhs scales (one per output column), asymmetric.
  c = {};
  c.name = "bmm_per_channel";
  c.op = BuiltinOperator::BATCH_MATMUL;
  c.in = {2, 5};
  c.weights = {5, 3};
  c.out = {2, 3};
  c.w_q = QC({0.001f, 0.1f, 1.f}, 1);
  c.asymmetric = true;
  cases.push_back(c);
  return cases;
}

// LiteRT's outputs (see the header comment).
const std::map<std::string, std::vector<float>>& Goldens() {
  static const auto* g = new std::map<std::string, std::vector<float>>{
      {"fc_per_channel_sym",
       {0.87641263f, 0.f, 0.f, 0.f, 0.f, 0.457519531f, 0.f, 0.0439453125f, 0.f, 0.f, 0.741879344f,
        1.09996259f, 0.f, 46.5131454f, 0.f}},
      {"fc_per_channel_asym",
       {0.876026154f, -0.383394122f, -22.0972404f, -19.030302f, -0.115380138f, 0.457519531f,
        -0.338867188f, 0.0439453125f, -0.220703125f, -0.351074219f, 0.743825257f, 1.10376453f,
        -25.2742825f, 46.1979561f, -0.454169482f}},
      {"fc_per_tensor_keep_dims",
       {6.f, 4.47659111f, 0.f, 0.f, 5.64240313f, 1.91021132f, 0.f, 0.f, 0.40352881f, 0.f, 0.f, 0.f,
        0.f, 0.f, 1.02717769f, 2.49921083f}},
      {"fc_all_zero", {-0.f, 0.25f, -1.5f, -0.f, 0.25f, -1.5f}},
      {"conv_per_tensor",
       {0.f,           5.90860844f,  2.75936174f,   0.f,          0.f,           0.f,
        0.f,           0.f,          6.f,           6.f,          6.f,           0.f,
        0.f,           6.f,          6.f,           0.803374529f, 0.f,           6.f,
        5.176723f,     0.405849755f, 6.f,           0.f,          6.f,           0.f,
        0.f,           0.f,          6.f,           1.44585669f,  0.f,           3.38611364f,
        6.f,           2.4433856f,   1.47168565f,   0.f,          0.f,           0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,          0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,          0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,          0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,          0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,          0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,          0.0439453125f, 0.f}},
      {"conv_per_channel",
       {0.457519531f, -0.338867188f, 0.0439453125f, 0.457519531f, -0.338867188f, 0.0439453125f,
        0.457519531f, -0.338867188f, 0.0439453125f, 0.457519531f, -0.338867188f, 0.0439453125f,
        0.457519531f, -0.338867188f, 0.0439453125f, 0.457519531f, -0.338867188f, 0.0439453125f,
        0.457519531f, -0.338867188f, 0.0439453125f, 0.457519531f, -0.338867188f, 0.0439453125f,
        0.457519531f, -0.338867188f, 0.0439453125f, 0.182665229f, -24.3250408f,  -241.84552f,
        0.464860171f, 5.39033222f,   162.296692f,   0.593502343f, -19.5054893f,  -306.77832f,
        0.391340613f, 20.4924221f,   93.9314499f,   0.472280085f, -2.95000005f,  -220.401367f,
        0.62547034f,  -1.7707423f,   -296.469727f,  0.810469985f, -10.3738871f,  -1.87050784f,
        0.475429296f, 11.0283403f,   229.336533f,   0.484276563f, -26.750391f,   -274.515839f}},
      {"conv_equal_channel_scales",
       {12.1154318f, 0.f,         13.556838f,   0.f,           2.57127953f, 0.f, 0.f,
        0.f,         19.7569275f, 0.698037386f, 10.3330822f,   3.27940297f, 0.f, 0.f,
        9.36699963f, 0.f,         2.31977105f,  0.0188739598f, 0.f,         0.f, 0.f,
        0.f,         0.f,         0.f,          0.f,           12.1757174f, 0.f, 8.20379162f,
        0.f,         7.18504667f, 0.f,          3.96492243f}},
      {"conv_grouped",
       {0.243506268f, 2.95008898f,  -10.9192419f, 4.9538269f,    0.661727428f, 4.61521006f,
        10.36092f,    3.25673175f,  0.113388509f, -1.84400558f,  49.9347496f,  -6.55280733f,
        0.22676754f,  1.76446724f,  -1.56934404f, -8.05435562f,  0.952254176f, -6.29165745f,
        79.5416336f,  -7.04128218f, 0.97514081f,  -0.817020059f, 15.2882957f,  -23.0290012f,
        1.00141573f,  -2.73501706f, -74.2840424f, -35.0264664f,  1.15998483f,  -1.77085781f,
        21.8828106f,  4.03499222f,  0.354215145f, 2.37477946f,   15.9188023f,  26.3987942f,
        0.907894254f, 4.08253288f,  114.102837f,  -3.2591393f,   0.421663672f, -1.21888399f,
        -70.4965134f, -12.5024567f, 0.48146084f,  4.18125963f,   -24.7096138f, 9.98307133f,
        0.850857019f, -7.65117359f, 4.92195797f,  14.0974073f,   0.540338039f, -3.14720225f,
        56.0064621f,  -11.3283911f, 0.977698743f, -2.63830924f,  -31.0550671f, 3.91326666f,
        0.628653884f, -7.36800671f, 45.2586784f,  26.966589f}},
      {"dw_per_channel",
       {0.267974854f,  0.448592961f, 0.f,           0.f,           0.319851428f,  0.f,
        6.14482689f,   0.f,          0.369820774f,  0.f,           0.f,           137.604462f,
        0.391596794f,  0.f,          2.47397661f,   190.939499f,   0.334884852f,  0.f,
        0.f,           0.f,          0.749471068f,  0.0250765085f, 13.7187605f,   80.8588638f,
        0.259594291f,  1.7212739f,   0.f,           421.556854f,   0.244796455f,  0.f,
        0.f,           0.f,          0.442306608f,  0.412355661f,  22.0533409f,   176.500671f,
        0.318381727f,  0.f,          16.1981564f,   45.5976105f,   0.0837031305f, 1.63713169f,
        0.f,           37.2170334f,  0.187041134f,  0.f,           8.73977757f,   0.f,
        0.632625341f,  0.f,          3.96610093f,   78.3794708f,   0.761879206f,  0.924277663f,
        0.f,           0.f,          0.322330832f,  2.25574613f,   0.f,           0.f,
        0.289347023f,  0.f,          1.59665227f,   97.6648941f,   0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,           0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,           0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,           0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,           0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,           0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,           0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,           0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,           0.457519531f,  0.f,
        0.0439453125f, 0.f,          0.457519531f,  0.f,           0.0439453125f, 0.f,
        0.457519531f,  0.f,          0.0439453125f, 0.f,           0.457519531f,  0.f,
        0.0439453125f, 0.f}},
      {"dw_no_bias",
       {27.5067062f, -0.426362783f, 3.9672389f, -18.0652637f, 0.287895322f, -7.0079546f,
        -60.3209229f, -0.120352857f, -10.5099936f, -42.5094032f, 0.806839883f, 0.556830168f}},
      {"bmm_broadcast_sym",
       {-0.0379645973f, -1.78161216f,  0.0211103596f, 3.43043351f,   -2.96265721f,
        -1.59626675f,   0.0804164559f, 0.0528451018f, -0.177105829f, 2.36200786f,
        -0.447860181f,  -2.78259993f,  1.62667763f,   -0.808383048f, 0.609561622f,
        4.66964817f,    0.f,           0.f,           0.f,           0.f,
        0.568164587f,   5.81760979f,   -1.95261526f,  0.297745734f}},
      {"bmm_batched_asym",
       {-0.0608244464f, -1.78701282f,  0.016384881f,  3.44082475f,   -2.94963145f,
        -1.59620368f,   0.0845611244f, 0.0705050826f, -0.177869946f, 2.36453485f,
        -0.457037449f,  -2.79318881f,  0.926116705f,  2.00545788f,   1.20763731f,
        -0.365439504f,  0.f,           0.f,           0.f,           0.f,
        -5.39718485f,   -1.12531567f,  -3.63574958f,  5.67830706f}},
      {"bmm_adjoint_asym",
       {2.12035799f, 1.35449064f, -5.43673086f, -0.124223225f, -1.67787218f, -0.913399339f,
        -0.10765326f, 2.49758029f, -5.41565609f, -6.08323622f, 2.22341633f, -0.511491716f}},
      {"bmm_two_batch_dims",
       {3.06406665f,   -0.745218396f, -1.04757321f,  -1.36639059f, 1.69778299f,   -0.0733704492f,
        -0.993959427f, 0.118896864f,  -1.11790597f,  0.441333681f, -0.701603413f, 0.0571699701f,
        0.991314471f,  -0.70387888f,  0.0676504076f, 0.161718279f, 1.90477574f,   1.73441279f,
        0.226225391f,  -0.168659106f, 0.688316464f,  1.07605898f,  -0.37453264f,  0.479318559f,
        0.0290267449f, 1.12559271f,   0.196500838f,  0.520682275f, 1.16196799f,   0.022982128f,
        -0.463942379f, 1.77786839f,   -1.69784355f,  -1.27083838f, 0.0937384665f, 0.783818245f}},
      {"bmm_folded_asym",
       {3.0716083f,    -0.744161248f, -1.06290984f,  -1.36324811f,  1.69497061f,   -0.082087256f,
        -0.913804829f, 0.587979615f,  -0.751184583f, 1.26865983f,   0.0554426126f, -1.05535352f,
        -0.106161192f, 0.674001753f,  0.345202953f,  1.97193694f,   -0.115644701f, -0.866187871f,
        -0.332741261f, -0.922200143f, 3.56628132f,   -1.39399672f,  -0.791315019f, -2.05498743f,
        -0.528017461f, -0.783248842f, -2.42340732f,  2.13700128f,   2.40498972f,   0.393372834f,
        0.981455147f,  0.965998232f,  1.96456218f,   -0.333645225f, -0.466024339f, 0.442785382f}},
      {"bmm_two_batch_dims_asym",
       {3.0716083f,   -0.744161248f, -1.06290984f,  -1.36324811f,  1.69497061f,    -0.082087256f,
        -1.00469804f, 0.10492675f,   -1.11508226f,  0.444917858f,  -0.697426736f,  0.0519192331f,
        0.986324847f, -0.71289891f,  0.0564473793f, 0.156309798f,  1.90058625f,    1.72960079f,
        0.73416239f,  0.845716119f,  0.458039373f,  -0.210673824f, -1.57794774f,   0.276767582f,
        0.269414455f, 1.85552847f,   0.143983796f,  0.133308932f,  1.52376699f,    1.36238742f,
        -1.78347123f, 2.9914763f,    -2.32555294f,  -1.12978625f,  -0.0317486189f, 0.99899745f}},
      {"bmm_per_channel",
       {0.367013484f, -1.53082728f, -90.4586868f, -0.0319503136f, -14.640769f, -151.745239f}},
  };
  return *g;
}

void Dump(const HybridCase& c, const std::vector<uint8_t>& bytes, const std::vector<float>& in) {
  const char* dir = std::getenv("EDGEML_QHYBRID_DUMP");
  if (dir == nullptr) return;
  std::ofstream(std::string(dir) + "/" + c.name + ".tflite", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  std::ofstream(std::string(dir) + "/" + c.name + ".in.bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(in.data()),
             static_cast<std::streamsize>(in.size() * sizeof(float)));
}

class HybridOpTest : public ::testing::TestWithParam<HybridCase> {};

TEST_P(HybridOpTest, MatchesLiteRtBitwise) {
  const HybridCase& c = GetParam();
  ModelBuilder b;
  Build(b, c);
  TestModel m;
  const Status st = m.Build(b);
  ASSERT_TRUE(st.ok()) << st.message();
  const std::vector<float> in = Input(c);
  Dump(c, m.bytes, in);
  m.SetInput<float>(0, in);
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), c.out);
  const std::vector<float> got = m.GetOutput<float>(0);
  const auto it = Goldens().find(c.name);
  ASSERT_NE(it, Goldens().end()) << "no golden for " << c.name;
  ASSERT_EQ(got.size(), it->second.size());
  int differing = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::memcmp(&got[i], &it->second[i], sizeof(float)) != 0) {
      if (++differing <= 5) {
        ADD_FAILURE() << c.name << "[" << i << "]: got " << got[i] << ", LiteRT " << it->second[i];
      }
    }
  }
  EXPECT_EQ(differing, 0);
  // A second invoke gives the same answer (no state left in scratch).
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), got);
}

INSTANTIATE_TEST_SUITE_P(Hybrid, HybridOpTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<HybridCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------- errors

Status BuildFc(DataType weight_type, const QuantizationParams& wq,
               ActivationFunctionType fused = ActivationFunctionType::NONE,
               DataType out_type = DataType::kFloat32) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 4}, "in");
  const int w = b.AddConstant<int8_t>(weight_type, {2, 4}, std::vector<int8_t>(8, 1), "w", wq);
  const int out = b.AddTensor(out_type, {1, 2}, "out");
  auto o = tfl::CreateFullyConnectedOptions(b.fbb(), fused);
  b.AddOperator(BuiltinOperator::FULLY_CONNECTED, {in, w, -1}, {out},
                BuiltinOptions::FullyConnectedOptions, o.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  return m.Build(b);
}

TEST(HybridErrors, FullyConnected) {
  EXPECT_TRUE(BuildFc(DataType::kInt8, QC({0.1f})).ok());
  Status s = BuildFc(DataType::kUInt8, QC({0.1f}));
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("FULLY_CONNECTED"), std::string::npos) << s.message();
  // Three scales for two units (the loader's own check may catch it first).
  s = BuildFc(DataType::kInt8, QC({0.1f, 0.2f, 0.3f}));
  EXPECT_FALSE(s.ok());
  s = BuildFc(DataType::kInt8, QC({0.1f, 0.2f}, 1));
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("dimension 1"), std::string::npos) << s.message();
  s = BuildFc(DataType::kInt8, QC({NAN}));
  EXPECT_FALSE(s.ok());
  s = BuildFc(DataType::kInt8, QC({}));
  EXPECT_FALSE(s.ok());
  s = BuildFc(DataType::kInt8, QC({0.1f}), ActivationFunctionType::TANH);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  s = BuildFc(DataType::kInt8, QC({0.1f}), ActivationFunctionType::NONE, DataType::kInt8);
  EXPECT_FALSE(s.ok());
}

TEST(HybridErrors, ConvScalesAndBias) {
  auto build = [](const QuantizationParams& wq, Shape bias_shape) {
    ModelBuilder b;
    const int in = b.AddTensor(DataType::kFloat32, {1, 3, 3, 2}, "in");
    const int w =
        b.AddConstant<int8_t>(DataType::kInt8, {2, 1, 1, 2}, std::vector<int8_t>(4, 1), "w", wq);
    const int bias = b.AddConstant<float>(DataType::kFloat32, bias_shape,
                                          std::vector<float>(Count(bias_shape), 0.f), "b");
    const int out = b.AddTensor(DataType::kFloat32, {1, 3, 3, 2}, "out");
    auto o = tfl::CreateConv2DOptions(b.fbb(), Padding::SAME, 1, 1);
    b.AddOperator(BuiltinOperator::CONV_2D, {in, w, bias}, {out}, BuiltinOptions::Conv2DOptions,
                  o.Union());
    b.SetInputs({in});
    b.SetOutputs({out});
    TestModel m;
    return m.Build(b);
  };
  EXPECT_TRUE(build(QC({0.1f, 0.2f}), {2}).ok());
  Status s = build(QC({0.1f, 0.2f}, 3), {2});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("CONV_2D"), std::string::npos) << s.message();
  s = build(QC({0.1f, -0.2f}), {2});
  EXPECT_FALSE(s.ok());
  s = build(QC({0.1f}), {3});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bias"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace edgeml
