// The Vulkan delegate op by op: single-op models run through the delegate
// (on lavapipe in CI, or a real GPU) must match edgeml's CPU kernels, with
// every node claimed; refusals name the reason; a model with an unsupported
// op in the middle runs in two partitions; resizing re-prepares.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tflite_generated.h"
#include "unit/vulkan_test_util.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using vulkan_test::CountPlacement;
using vulkan_test::CpuNodes;
using vulkan_test::MaxRelError;
using vulkan_test::Precision;
using vulkan_test::RandomInputs;
using vulkan_test::RunModel;
using vulkan_test::RunResult;
using Act = tfl::ActivationFunctionType;

constexpr double kFp32Tol = 2e-6;
constexpr double kFp16Tol = 1e-2;

std::vector<float> Rand(int64_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}
int64_t Count(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}
int Const(ModelBuilder& b, const Shape& s, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  return b.AddConstant<float>(DataType::kFloat32, s, Rand(Count(s), seed, lo, hi));
}
int Float(ModelBuilder& b, const Shape& s) { return b.AddTensor(DataType::kFloat32, s); }
int32_t OutSize(int32_t in, int32_t k, int32_t stride, int32_t dil, tfl::Padding p) {
  const int32_t eff = (k - 1) * dil + 1;
  return p == tfl::Padding::SAME ? (in + stride - 1) / stride : (in - eff) / stride + 1;
}

class VulkanOps : public ::testing::Test {
 protected:
  void SetUp() override {
    EDGEML_VULKAN_OR_SKIP(fp32_, Precision("fp32"));
    EDGEML_VULKAN_OR_SKIP(fp16_, Precision("fp16"));
    EDGEML_VULKAN_OR_SKIP(fp16_emulated_,
                          (DelegateOptions{{"precision", "fp16"}, {"fp16_storage", "off"}}));
  }

  // Runs the model on the CPU and through the delegate in each precision;
  // every node must go to the delegate and the outputs must agree.
  void ExpectMatchesCpu(ModelBuilder& b, uint32_t seed = 7, double fp32_tol = kFp32Tol) {
    bytes_ = b.Finish();
    std::unique_ptr<Model> model;
    ASSERT_TRUE(Model::FromBuffer(bytes_.data(), bytes_.size(), &model).ok());
    auto inputs = RandomInputs(*model, seed);
    RunResult cpu;
    ASSERT_TRUE(RunModel(*model, inputs, {}, &cpu).ok());
    struct Mode {
      const char* name;
      std::shared_ptr<Delegate> d;
      double tol;
    };
    for (const Mode& m : {Mode{"fp32", fp32_, fp32_tol}, Mode{"fp16", fp16_, kFp16Tol},
                          Mode{"fp16 emulated", fp16_emulated_, kFp16Tol}}) {
      SCOPED_TRACE(m.name);
      RunResult gpu;
      Status s = RunModel(*model, inputs, {m.d}, &gpu);
      ASSERT_TRUE(s.ok()) << s.ToString();
      int delegated, on_cpu;
      CountPlacement(gpu.report, "vulkan", &delegated, &on_cpu);
      EXPECT_EQ(on_cpu, 0) << CpuNodes(gpu.report);
      EXPECT_GT(delegated, 0);
      ASSERT_EQ(gpu.outputs.size(), cpu.outputs.size());
      for (size_t i = 0; i < cpu.outputs.size(); ++i) {
        EXPECT_EQ(gpu.shapes[i], cpu.shapes[i]);
        EXPECT_LE(MaxRelError(gpu.outputs[i], cpu.outputs[i]), m.tol) << "output " << i;
      }
    }
  }

  std::shared_ptr<Delegate> fp32_, fp16_, fp16_emulated_;
  std::vector<uint8_t> bytes_;
};

struct ConvCase {
  Shape in;
  int32_t oc, kh, kw, stride, dil;
  tfl::Padding pad;
  Act act;
  bool bias;
  int32_t groups;
};

TEST_F(VulkanOps, Conv2D) {
  const ConvCase cases[] = {
      {{1, 9, 11, 5}, 7, 3, 3, 1, 1, tfl::Padding::SAME, Act::RELU6, true, 1},
      {{2, 10, 9, 3}, 8, 3, 3, 2, 1, tfl::Padding::SAME, Act::NONE, false, 1},
      {{1, 12, 12, 4}, 6, 3, 2, 1, 2, tfl::Padding::VALID, Act::RELU, true, 1},
      {{1, 7, 7, 16}, 24, 1, 1, 1, 1, tfl::Padding::VALID, Act::RELU_N1_TO_1, true, 1},
      {{1, 8, 8, 6}, 4, 3, 3, 1, 1, tfl::Padding::SAME, Act::NONE, true, 2},  // groups
  };
  for (const ConvCase& c : cases) {
    SCOPED_TRACE(ShapeToString(c.in) + " oc " + std::to_string(c.oc));
    ModelBuilder b;
    const int32_t oh = OutSize(c.in[1], c.kh, c.stride, c.dil, c.pad);
    const int32_t ow = OutSize(c.in[2], c.kw, c.stride, c.dil, c.pad);
    int x = Float(b, c.in);
    int w = Const(b, {c.oc, c.kh, c.kw, c.in[3] / c.groups}, 1);
    int bias = c.bias ? Const(b, {c.oc}, 2) : -1;
    int y = Float(b, {c.in[0], oh, ow, c.oc});
    auto o = tfl::CreateConv2DOptions(b.fbb(), c.pad, c.stride, c.stride, c.act, c.dil, c.dil);
    b.AddOperator(tfl::BuiltinOperator::CONV_2D, {x, w, bias}, {y},
                  tfl::BuiltinOptions::Conv2DOptions, o.Union(), c.groups > 1 ? 6 : 1);
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, DepthwiseConv2D) {
  struct Case {
    Shape in;
    int32_t mult, k, stride, dil;
    tfl::Padding pad;
    Act act;
  };
  for (const Case& c : {Case{{1, 10, 9, 8}, 1, 3, 1, 1, tfl::Padding::SAME, Act::RELU6},
                        Case{{2, 11, 11, 3}, 2, 3, 2, 1, tfl::Padding::SAME, Act::NONE},
                        Case{{1, 12, 10, 4}, 1, 5, 1, 2, tfl::Padding::VALID, Act::RELU}}) {
    SCOPED_TRACE(ShapeToString(c.in));
    ModelBuilder b;
    const int32_t oc = c.in[3] * c.mult;
    const int32_t oh = OutSize(c.in[1], c.k, c.stride, c.dil, c.pad);
    const int32_t ow = OutSize(c.in[2], c.k, c.stride, c.dil, c.pad);
    int x = Float(b, c.in);
    int w = Const(b, {1, c.k, c.k, oc}, 3);
    int bias = Const(b, {oc}, 4);
    int y = Float(b, {c.in[0], oh, ow, oc});
    auto o = tfl::CreateDepthwiseConv2DOptions(b.fbb(), c.pad, c.stride, c.stride, c.mult, c.act,
                                               c.dil, c.dil);
    b.AddOperator(tfl::BuiltinOperator::DEPTHWISE_CONV_2D, {x, w, bias}, {y},
                  tfl::BuiltinOptions::DepthwiseConv2DOptions, o.Union(), 2);
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, FullyConnected) {
  for (bool keep : {false, true}) {
    ModelBuilder b;
    int x = Float(b, {3, 2, 20});
    int w = Const(b, {13, 20}, 5);
    int bias = Const(b, {13}, 6);
    int y = Float(b, keep ? Shape{3, 2, 13} : Shape{6, 13});
    auto o = tfl::CreateFullyConnectedOptions(
        b.fbb(), Act::RELU, tfl::FullyConnectedOptionsWeightsFormat::DEFAULT, keep);
    b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {x, w, bias}, {y},
                  tfl::BuiltinOptions::FullyConnectedOptions, o.Union(), keep ? 5 : 1);
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, TransposeConv) {
  for (tfl::Padding pad : {tfl::Padding::SAME, tfl::Padding::VALID}) {
    ModelBuilder b;
    const int32_t stride = 2, k = 3, ih = 5, iw = 6, ic = 4, oc = 5;
    const int32_t oh = pad == tfl::Padding::SAME ? ih * stride : (ih - 1) * stride + k;
    const int32_t ow = pad == tfl::Padding::SAME ? iw * stride : (iw - 1) * stride + k;
    int shape = b.AddConstant<int32_t>(DataType::kInt32, {4}, {1, oh, ow, oc});
    int w = Const(b, {oc, k, k, ic}, 8);
    int x = Float(b, {1, ih, iw, ic});
    int bias = Const(b, {oc}, 9);
    int y = Float(b, {1, oh, ow, oc});
    auto o = tfl::CreateTransposeConvOptions(b.fbb(), pad, stride, stride);
    b.AddOperator(tfl::BuiltinOperator::TRANSPOSE_CONV, {shape, w, x, bias}, {y},
                  tfl::BuiltinOptions::TransposeConvOptions, o.Union(), 3);
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, Convolution2DTransposeBias) {
  for (int32_t padding : {1, 2}) {  // SAME, VALID
    ModelBuilder b;
    const int32_t stride = 2, k = 4, ih = 6, iw = 5, ic = 3, oc = 2;
    int32_t total = padding == 1 ? std::max(0, k - (ih - 1) % stride - 1) : 0;
    const int32_t oh = stride * (ih - 1) + k - total;
    total = padding == 1 ? std::max(0, k - (iw - 1) % stride - 1) : 0;
    const int32_t ow = stride * (iw - 1) + k - total;
    int x = Float(b, {1, ih, iw, ic});
    int w = Const(b, {oc, k, k, ic}, 10);
    int bias = Const(b, {oc}, 11);
    int y = Float(b, {1, oh, ow, oc});
    std::vector<uint8_t> opts(12);
    const int32_t raw[3] = {padding, stride, stride};
    std::memcpy(opts.data(), raw, 12);
    b.AddCustomOperator("Convolution2DTransposeBias", {x, w, bias}, {y}, opts);
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, BinaryBroadcast) {
  struct Case {
    tfl::BuiltinOperator op;
    Shape a, b;
    bool b_const;
  };
  const Case cases[] = {
      {tfl::BuiltinOperator::ADD, {2, 3, 4, 5}, {1, 1, 4, 1}, false},
      {tfl::BuiltinOperator::SUB, {2, 3, 4, 5}, {5}, true},
      {tfl::BuiltinOperator::MUL, {1, 6, 6, 8}, {1, 1, 1, 8}, false},
      {tfl::BuiltinOperator::DIV, {3, 1, 7}, {1, 4, 1}, false},
      {tfl::BuiltinOperator::ADD, {4, 5}, {4, 5}, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(tfl::EnumNameBuiltinOperator(c.op));
    ModelBuilder b;
    int xa = Float(b, c.a);
    // DIV: keep the divisor away from zero.
    int xb = c.b_const ? Const(b, c.b, 12, 0.5f, 2.f) : Float(b, c.b);
    Shape out;
    const size_t rank = std::max(c.a.size(), c.b.size());
    for (size_t i = 0; i < rank; ++i) {
      const int32_t da = i + c.a.size() >= rank ? c.a[i + c.a.size() - rank] : 1;
      const int32_t db = i + c.b.size() >= rank ? c.b[i + c.b.size() - rank] : 1;
      out.push_back(std::max(da, db));
    }
    int y = Float(b, out);
    flatbuffers::Offset<void> o;
    tfl::BuiltinOptions type;
    switch (c.op) {
      case tfl::BuiltinOperator::ADD:
        o = tfl::CreateAddOptions(b.fbb(), Act::RELU6).Union();
        type = tfl::BuiltinOptions::AddOptions;
        break;
      case tfl::BuiltinOperator::SUB:
        o = tfl::CreateSubOptions(b.fbb(), Act::NONE).Union();
        type = tfl::BuiltinOptions::SubOptions;
        break;
      case tfl::BuiltinOperator::MUL:
        o = tfl::CreateMulOptions(b.fbb(), Act::RELU).Union();
        type = tfl::BuiltinOptions::MulOptions;
        break;
      default:
        o = tfl::CreateDivOptions(b.fbb(), Act::NONE).Union();
        type = tfl::BuiltinOptions::DivOptions;
        break;
    }
    b.AddOperator(c.op, {xa, xb}, {y}, type, o, 2);
    b.SetInputs(c.b_const ? std::vector<int>{xa} : std::vector<int>{xa, xb});
    b.SetOutputs({y});
    // RandomInputs draws [-1, 1): DIV's divisor must stay away from zero,
    // so DIV uses a seed checked to keep |b| > 0.01 and a looser bound.
    ExpectMatchesCpu(b, 21, c.op == tfl::BuiltinOperator::DIV ? 1e-5 : kFp32Tol);
  }
}

TEST_F(VulkanOps, Prelu) {
  ModelBuilder b;
  int x = Float(b, {1, 5, 6, 4});
  int alpha = Const(b, {1, 1, 4}, 13, 0.f, 0.5f);
  int y = Float(b, {1, 5, 6, 4});
  b.AddOperator(tfl::BuiltinOperator::PRELU, {x, alpha}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  ExpectMatchesCpu(b);
}

TEST_F(VulkanOps, Pooling) {
  for (auto op : {tfl::BuiltinOperator::MAX_POOL_2D, tfl::BuiltinOperator::AVERAGE_POOL_2D}) {
    for (tfl::Padding pad : {tfl::Padding::SAME, tfl::Padding::VALID}) {
      ModelBuilder b;
      const int32_t k = 3, s = 2;
      int x = Float(b, {2, 9, 8, 5});
      int y = Float(b, {2, OutSize(9, k, s, 1, pad), OutSize(8, k, s, 1, pad), 5});
      auto o = tfl::CreatePool2DOptions(b.fbb(), pad, s, s, k, k, Act::RELU6);
      b.AddOperator(op, {x}, {y}, tfl::BuiltinOptions::Pool2DOptions, o.Union());
      b.SetInputs({x});
      b.SetOutputs({y});
      ExpectMatchesCpu(b);
    }
  }
}

TEST_F(VulkanOps, Mean) {
  for (bool keep : {true, false}) {
    ModelBuilder b;
    int x = Float(b, {2, 7, 6, 5});
    int axes = b.AddConstant<int32_t>(DataType::kInt32, {2}, {1, 2});
    int y = Float(b, keep ? Shape{2, 1, 1, 5} : Shape{2, 5});
    auto o = tfl::CreateReducerOptions(b.fbb(), keep);
    b.AddOperator(tfl::BuiltinOperator::MEAN, {x, axes}, {y}, tfl::BuiltinOptions::ReducerOptions,
                  o.Union());
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, ConcatenationReshapePad) {
  ModelBuilder b;
  int x0 = Float(b, {1, 4, 5, 3});
  int x1 = Float(b, {1, 4, 5, 2});
  int x2 = Const(b, {1, 4, 5, 1}, 14);
  int cat = Float(b, {1, 4, 5, 6});
  auto co = tfl::CreateConcatenationOptions(b.fbb(), 3, Act::NONE);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {x0, x1, x2}, {cat},
                tfl::BuiltinOptions::ConcatenationOptions, co.Union());
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {3}, {4, 5, 6});
  int r = Float(b, {4, 5, 6});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {cat, shape}, {r});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {3, 2}, {1, 0, 0, 2, 3, 1});
  int p = Float(b, {5, 7, 10});
  b.AddOperator(tfl::BuiltinOperator::PAD, {r, pads}, {p});
  int x3 = Float(b, {2, 7, 10});
  int cat2 = Float(b, {7, 7, 10});
  auto co2 = tfl::CreateConcatenationOptions(b.fbb(), 0, Act::RELU);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {p, x3}, {cat2},
                tfl::BuiltinOptions::ConcatenationOptions, co2.Union());
  b.SetInputs({x0, x1, x3});
  b.SetOutputs({cat2});
  ExpectMatchesCpu(b);
}

TEST_F(VulkanOps, Resize) {
  struct Case {
    tfl::BuiltinOperator op;
    bool align, half;
    Shape out;
  };
  for (const Case& c :
       {Case{tfl::BuiltinOperator::RESIZE_BILINEAR, false, false, {13, 7}},
        Case{tfl::BuiltinOperator::RESIZE_BILINEAR, true, false, {11, 9}},
        Case{tfl::BuiltinOperator::RESIZE_BILINEAR, false, true, {16, 14}},
        Case{tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, false, false, {13, 7}},
        Case{tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, true, false, {11, 9}},
        Case{tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, false, true, {16, 3}}}) {
    SCOPED_TRACE(std::string(tfl::EnumNameBuiltinOperator(c.op)) + (c.align ? " align" : "") +
                 (c.half ? " half" : ""));
    ModelBuilder b;
    int x = Float(b, {2, 5, 6, 3});
    int size = b.AddConstant<int32_t>(DataType::kInt32, {2}, {c.out[0], c.out[1]});
    int y = Float(b, {2, c.out[0], c.out[1], 3});
    if (c.op == tfl::BuiltinOperator::RESIZE_BILINEAR) {
      auto o = tfl::CreateResizeBilinearOptions(b.fbb(), c.align, c.half);
      b.AddOperator(c.op, {x, size}, {y}, tfl::BuiltinOptions::ResizeBilinearOptions, o.Union(), 3);
    } else {
      auto o = tfl::CreateResizeNearestNeighborOptions(b.fbb(), c.align, c.half);
      b.AddOperator(c.op, {x, size}, {y}, tfl::BuiltinOptions::ResizeNearestNeighborOptions,
                    o.Union(), 3);
    }
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b);
  }
}

TEST_F(VulkanOps, Softmax) {
  ModelBuilder b;
  int x = Float(b, {3, 4, 17});
  int y = Float(b, {3, 4, 17});
  auto o = tfl::CreateSoftmaxOptions(b.fbb(), 1.7f);
  b.AddOperator(tfl::BuiltinOperator::SOFTMAX, {x}, {y}, tfl::BuiltinOptions::SoftmaxOptions,
                o.Union());
  b.SetInputs({x});
  b.SetOutputs({y});
  ExpectMatchesCpu(b, 7, 1e-5);
}

TEST_F(VulkanOps, Activations) {
  for (auto op : {tfl::BuiltinOperator::LOGISTIC, tfl::BuiltinOperator::TANH,
                  tfl::BuiltinOperator::RELU, tfl::BuiltinOperator::RELU6,
                  tfl::BuiltinOperator::RELU_N1_TO_1, tfl::BuiltinOperator::HARD_SWISH}) {
    SCOPED_TRACE(tfl::EnumNameBuiltinOperator(op));
    ModelBuilder b;
    int x = Float(b, {2, 9, 10, 3});
    // Scale the [-1, 1) inputs to [-10, 10) to reach the clamps and tails.
    int scale = Const(b, {1}, 15, 10.f, 10.f);
    int xs = Float(b, {2, 9, 10, 3});
    auto mo = tfl::CreateMulOptions(b.fbb(), Act::NONE);
    b.AddOperator(tfl::BuiltinOperator::MUL, {x, scale}, {xs}, tfl::BuiltinOptions::MulOptions,
                  mo.Union());
    int y = Float(b, {2, 9, 10, 3});
    b.AddOperator(op, {xs}, {y});
    b.SetInputs({x});
    b.SetOutputs({y});
    ExpectMatchesCpu(b, 7, 1e-5);
  }
}

TEST_F(VulkanOps, DepthToSpace) {
  ModelBuilder b;
  int x = Float(b, {2, 3, 4, 12});
  int y = Float(b, {2, 6, 8, 3});
  auto o = tfl::CreateDepthToSpaceOptions(b.fbb(), 2);
  b.AddOperator(tfl::BuiltinOperator::DEPTH_TO_SPACE, {x}, {y},
                tfl::BuiltinOptions::DepthToSpaceOptions, o.Union());
  b.SetInputs({x});
  b.SetOutputs({y});
  ExpectMatchesCpu(b);
}

// An op the delegate lacks in the middle: two Vulkan partitions around it,
// the same results as the CPU, and the refusal's reason in the report.
TEST_F(VulkanOps, UnsupportedOpSplitsThePartition) {
  ModelBuilder b;
  int x = Float(b, {1, 6, 6, 4});
  int w = Const(b, {4, 3, 3, 4}, 16);
  int c1 = Float(b, {1, 6, 6, 4});
  auto o1 = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, Act::NONE);
  b.AddOperator(tfl::BuiltinOperator::CONV_2D, {x, w, -1}, {c1}, tfl::BuiltinOptions::Conv2DOptions,
                o1.Union());
  int e = Float(b, {1, 6, 6, 4});
  b.AddOperator(tfl::BuiltinOperator::EXP, {c1}, {e});
  int c2 = Float(b, {1, 6, 6, 4});
  auto o2 = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, Act::RELU);
  b.AddOperator(tfl::BuiltinOperator::CONV_2D, {e, w, -1}, {c2}, tfl::BuiltinOptions::Conv2DOptions,
                o2.Union());
  b.SetInputs({x});
  b.SetOutputs({c2});
  bytes_ = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBuffer(bytes_.data(), bytes_.size(), &model).ok());
  auto inputs = RandomInputs(*model, 3);
  RunResult cpu, gpu;
  ASSERT_TRUE(RunModel(*model, inputs, {}, &cpu).ok());
  Status s = RunModel(*model, inputs, {fp32_}, &gpu);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(gpu.report.partitions.size(), 2u);
  ASSERT_EQ(gpu.report.nodes.size(), 3u);
  EXPECT_EQ(gpu.report.nodes[1].delegate, "");
  ASSERT_EQ(gpu.report.nodes[1].refusals.size(), 1u);
  EXPECT_NE(gpu.report.nodes[1].refusals[0].reason.find("not supported"), std::string::npos)
      << gpu.report.nodes[1].refusals[0].reason;
  EXPECT_LE(MaxRelError(gpu.outputs[0], cpu.outputs[0]), 1e-5);
}

TEST_F(VulkanOps, RefusesQuantizedTypesAndRankAbove4) {
  ModelBuilder b;
  QuantizationParams q;
  q.scale = {0.05f};
  q.zero_point = {0};
  int xq = b.AddTensor(DataType::kInt8, {1, 8}, "xq", q);
  int yq = b.AddTensor(DataType::kInt8, {1, 8}, "yq", q);
  auto ao = tfl::CreateAddOptions(b.fbb(), Act::NONE);
  b.AddOperator(tfl::BuiltinOperator::ADD, {xq, xq}, {yq}, tfl::BuiltinOptions::AddOptions,
                ao.Union(), 2);
  int x = Float(b, {1, 2, 2, 2, 3});
  int y = Float(b, {1, 2, 2, 2, 3});
  auto to = tfl::CreateAddOptions(b.fbb(), Act::NONE);
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {y}, tfl::BuiltinOptions::AddOptions,
                to.Union());
  b.SetInputs({xq, x});
  b.SetOutputs({yq, y});
  bytes_ = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBuffer(bytes_.data(), bytes_.size(), &model).ok());
  BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.delegates = {fp32_};
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, options, &interp).ok());
  Status s = interp->AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DelegationReport& r = interp->delegation_report();
  ASSERT_EQ(r.nodes.size(), 2u);
  for (const auto& n : r.nodes) {
    EXPECT_EQ(n.delegate, "");
    ASSERT_EQ(n.refusals.size(), 1u);
  }
  EXPECT_NE(r.nodes[0].refusals[0].reason.find("INT8"), std::string::npos)
      << r.nodes[0].refusals[0].reason;
  EXPECT_NE(r.nodes[1].refusals[0].reason.find("rank above 4"), std::string::npos)
      << r.nodes[1].refusals[0].reason;
}

// ResizeInput + AllocateTensors re-prepares the partition for the new shape.
TEST_F(VulkanOps, ResizeInputReprepares) {
  ModelBuilder b;
  int x = Float(b, {1, 8, 8, 3});
  int w = Const(b, {5, 3, 3, 3}, 17);
  int y = Float(b, {1, 8, 8, 5});
  auto o = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, Act::NONE);
  b.AddOperator(tfl::BuiltinOperator::CONV_2D, {x, w, -1}, {y}, tfl::BuiltinOptions::Conv2DOptions,
                o.Union());
  b.SetInputs({x});
  b.SetOutputs({y});
  bytes_ = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBuffer(bytes_.data(), bytes_.size(), &model).ok());
  std::vector<std::vector<float>> inputs = {Rand(2 * 11 * 13 * 3, 4)};
  RunResult cpu, gpu;
  ASSERT_TRUE(RunModel(*model, inputs, {}, &cpu, {{2, 11, 13, 3}}).ok());
  Status s = RunModel(*model, inputs, {fp32_}, &gpu, {{2, 11, 13, 3}});
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(gpu.shapes[0], (Shape{2, 11, 13, 5}));
  EXPECT_LE(MaxRelError(gpu.outputs[0], cpu.outputs[0]), kFp32Tol);
}

TEST(VulkanDelegate, RejectsBadOptions) {
#if EDGEML_HAVE_VULKAN
  std::shared_ptr<Delegate> d;
  Status s = CreateDelegate("vulkan", {{"precision", "fp8"}}, &d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("fp8"), std::string::npos) << s.message();
  s = CreateDelegate("vulkan", {{"colour", "blue"}}, &d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("colour"), std::string::npos) << s.message();
#else
  GTEST_SKIP() << "built without the Vulkan delegate";
#endif
}

}  // namespace
}  // namespace edgeml
