// Op-level tests of the elementwise family: single-op models built with
// ModelBuilder and run through the interpreter, then malformed models that
// prepare must reject with a message naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using Op = tfl::BuiltinOperator;
using Act = tfl::ActivationFunctionType;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// ---------------------------------------------------------------- binary

// A binary op with both operands as graph inputs.
struct BinaryModel {
  ModelBuilder b;
  TestModel m;
  Status Build(Op op, DataType type, const Shape& sa, const Shape& sb, Act act = Act::NONE) {
    const int a = b.AddTensor(type, sa, "a");
    const int c = b.AddTensor(type, sb, "b");
    const int out = b.AddTensor(type, {}, "out");
    tfl::BuiltinOptions ot = tfl::BuiltinOptions::NONE;
    flatbuffers::Offset<void> o = 0;
    switch (op) {
      case Op::ADD:
        ot = tfl::BuiltinOptions::AddOptions;
        o = tfl::CreateAddOptions(b.fbb(), act).Union();
        break;
      case Op::SUB:
        ot = tfl::BuiltinOptions::SubOptions;
        o = tfl::CreateSubOptions(b.fbb(), act).Union();
        break;
      case Op::MUL:
        ot = tfl::BuiltinOptions::MulOptions;
        o = tfl::CreateMulOptions(b.fbb(), act).Union();
        break;
      case Op::DIV:
        ot = tfl::BuiltinOptions::DivOptions;
        o = tfl::CreateDivOptions(b.fbb(), act).Union();
        break;
      default:
        break;
    }
    b.AddOperator(op, {a, c}, {out}, ot, o);
    b.SetInputs({a, c});
    b.SetOutputs({out});
    return m.Build(b);
  }
};

TEST(BinaryOp, AddBroadcast3d) {
  BinaryModel bm;
  ASSERT_TRUE(bm.Build(Op::ADD, DataType::kFloat32, {2, 1, 3}, {1, 4, 1}).ok());
  bm.m.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  bm.m.SetInput<float>(1, {10, 20, 30, 40});
  ASSERT_TRUE(bm.m.interp->Invoke().ok());
  EXPECT_EQ(bm.m.OutputShape(0), (Shape{2, 4, 3}));
  const std::vector<float> y = bm.m.GetOutput<float>(0);
  ASSERT_EQ(y.size(), 24u);
  EXPECT_EQ(std::vector<float>(y.begin(), y.begin() + 6),
            (std::vector<float>{11, 12, 13, 21, 22, 23}));
  EXPECT_EQ(std::vector<float>(y.end() - 3, y.end()), (std::vector<float>{44, 45, 46}));
}

TEST(BinaryOp, EachFusedActivation) {
  struct Case {
    Act act;
    std::vector<float> want;
  };
  // a - b = {-8, -0.5, 0.5, 3, 9}
  const std::vector<Case> cases = {
      {Act::NONE, {-8, -0.5f, 0.5f, 3, 9}},
      {Act::RELU, {0, 0, 0.5f, 3, 9}},
      {Act::RELU_N1_TO_1, {-1, -0.5f, 0.5f, 1, 1}},
      {Act::RELU6, {0, 0, 0.5f, 3, 6}},
  };
  for (const Case& c : cases) {
    BinaryModel bm;
    ASSERT_TRUE(bm.Build(Op::SUB, DataType::kFloat32, {5}, {5}, c.act).ok());
    bm.m.SetInput<float>(0, {-6, 0, 1, 4, 10});
    bm.m.SetInput<float>(1, {2, 0.5f, 0.5f, 1, 1});
    ASSERT_TRUE(bm.m.interp->Invoke().ok());
    EXPECT_EQ(bm.m.GetOutput<float>(0), c.want) << tfl::EnumNameActivationFunctionType(c.act);
  }
}

TEST(BinaryOp, TanhFusedActivationIsRejected) {
  BinaryModel bm;
  const Status s = bm.Build(Op::ADD, DataType::kFloat32, {2}, {2}, Act::TANH);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "ADD")) << s.ToString();
}

TEST(BinaryOp, MulByConstantScalar) {
  ModelBuilder b;
  const int a = b.AddTensor(DataType::kFloat32, {2, 2}, "a");
  const int k = b.AddConstant<float>(DataType::kFloat32, {}, {-3}, "k");
  const int out = b.AddTensor(DataType::kFloat32, {2, 2}, "out");
  b.AddOperator(Op::MUL, {a, k}, {out}, tfl::BuiltinOptions::MulOptions,
                tfl::CreateMulOptions(b.fbb(), Act::RELU).Union());
  b.SetInputs({a});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {1, -2, 0.5f, -0.25f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{0, 6, 0, 0.75f}));
}

TEST(BinaryOp, Rank5Broadcast) {
  BinaryModel bm;
  ASSERT_TRUE(bm.Build(Op::MUL, DataType::kFloat32, {2, 1, 1, 1, 3}, {1, 1, 2, 1, 1}).ok());
  bm.m.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  bm.m.SetInput<float>(1, {10, -1});
  ASSERT_TRUE(bm.m.interp->Invoke().ok());
  EXPECT_EQ(bm.m.OutputShape(0), (Shape{2, 1, 2, 1, 3}));
  EXPECT_EQ(bm.m.GetOutput<float>(0),
            (std::vector<float>{10, 20, 30, -1, -2, -3, 40, 50, 60, -4, -5, -6}));
}

TEST(BinaryOp, DivFloatAndInt32) {
  {
    BinaryModel bm;
    ASSERT_TRUE(bm.Build(Op::DIV, DataType::kFloat32, {3}, {1}).ok());
    bm.m.SetInput<float>(0, {1, -3, 0});
    bm.m.SetInput<float>(1, {2});
    ASSERT_TRUE(bm.m.interp->Invoke().ok());
    EXPECT_EQ(bm.m.GetOutput<float>(0), (std::vector<float>{0.5f, -1.5f, 0}));
  }
  {
    BinaryModel bm;
    ASSERT_TRUE(bm.Build(Op::DIV, DataType::kInt32, {4}, {4}).ok());
    bm.m.SetInput<int32_t>(0, {7, -7, 9, 1});
    bm.m.SetInput<int32_t>(1, {2, 2, -4, 3});
    ASSERT_TRUE(bm.m.interp->Invoke().ok());
    EXPECT_EQ(bm.m.GetOutput<int32_t>(0), (std::vector<int32_t>{3, -3, -2, 0}));
    bm.m.SetInput<int32_t>(1, {2, 0, 1, 1});
    const Status s = bm.m.interp->Invoke();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "division by zero")) << s.ToString();
  }
}

TEST(BinaryOp, Int32AddWithRelu6) {
  BinaryModel bm;
  ASSERT_TRUE(bm.Build(Op::ADD, DataType::kInt32, {4}, {}, Act::RELU6).ok());
  bm.m.SetInput<int32_t>(0, {-5, 1, 3, 100});
  bm.m.SetInput<int32_t>(1, {2});
  ASSERT_TRUE(bm.m.interp->Invoke().ok());
  EXPECT_EQ(bm.m.GetOutput<int32_t>(0), (std::vector<int32_t>{0, 3, 5, 6}));
}

TEST(BinaryOp, SquaredDifferenceMaximumMinimum) {
  const std::vector<float> a = {1, -2, 5, 0};
  const std::vector<float> b = {3, 1};
  struct Case {
    Op op;
    std::vector<float> want;
  };
  // a [2,2] against b [2]: pairs (1,3) (-2,1) (5,3) (0,1).
  for (const Case& c : std::vector<Case>{{Op::SQUARED_DIFFERENCE, {4, 9, 4, 1}},
                                         {Op::MAXIMUM, {3, 1, 5, 1}},
                                         {Op::MINIMUM, {1, -2, 3, 0}}}) {
    BinaryModel bm;
    ASSERT_TRUE(bm.Build(c.op, DataType::kFloat32, {2, 2}, {2}).ok());
    bm.m.SetInput<float>(0, a);
    bm.m.SetInput<float>(1, b);
    ASSERT_TRUE(bm.m.interp->Invoke().ok());
    EXPECT_EQ(bm.m.GetOutput<float>(0), c.want) << tfl::EnumNameBuiltinOperator(c.op);
  }
}

TEST(BinaryOp, RejectsNonBroadcastableShapes) {
  BinaryModel bm;
  const Status s = bm.Build(Op::ADD, DataType::kFloat32, {2, 3}, {3, 2});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_TRUE(Contains(s.message(), "ADD")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "[2,3]")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "[3,2]")) << s.message();
}

TEST(BinaryOp, RejectsMixedAndUnsupportedTypes) {
  {
    ModelBuilder b;
    const int a = b.AddTensor(DataType::kFloat32, {2}, "a");
    const int c = b.AddTensor(DataType::kInt32, {2}, "b");
    const int out = b.AddTensor(DataType::kFloat32, {2}, "out");
    b.AddOperator(Op::SUB, {a, c}, {out});
    b.SetInputs({a, c});
    b.SetOutputs({out});
    TestModel m;
    const Status s = m.Build(b);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "SUB")) << s.message();
    EXPECT_TRUE(Contains(s.message(), "INT32")) << s.message();
  }
  {
    BinaryModel bm;
    // Quantized INT16 SQUARED_DIFFERENCE does not exist in LiteRT either.
    const Status s = bm.Build(Op::SQUARED_DIFFERENCE, DataType::kInt16, {2}, {2});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kUnsupported);
    EXPECT_TRUE(Contains(s.message(), "SQUARED_DIFFERENCE")) << s.message();
    EXPECT_TRUE(Contains(s.message(), "INT16")) << s.message();
  }
}

// ---------------------------------------------------------------- unary

// A one-input op; returns the output for `x`.
std::vector<float> RunUnary(Op op, const std::vector<float>& x,
                            tfl::BuiltinOptions ot = tfl::BuiltinOptions::NONE,
                            float leaky_alpha = 0.0f) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, static_cast<int32_t>(x.size())}, "x");
  const int out = b.AddTensor(DataType::kFloat32, {1, static_cast<int32_t>(x.size())}, "y");
  flatbuffers::Offset<void> o = 0;
  if (ot == tfl::BuiltinOptions::LeakyReluOptions) {
    o = tfl::CreateLeakyReluOptions(b.fbb(), leaky_alpha).Union();
  }
  b.AddOperator(op, {in}, {out}, ot, o);
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  const Status s = m.Build(b);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  m.SetInput<float>(0, x);
  EXPECT_TRUE(m.interp->Invoke().ok());
  return m.GetOutput<float>(0);
}

TEST(UnaryOp, Activations) {
  const std::vector<float> x = {-4, -1, 0, 0.5f, 2, 8};
  EXPECT_EQ(RunUnary(Op::RELU, x), (std::vector<float>{0, 0, 0, 0.5f, 2, 8}));
  EXPECT_EQ(RunUnary(Op::RELU6, x), (std::vector<float>{0, 0, 0, 0.5f, 2, 6}));
  EXPECT_EQ(RunUnary(Op::RELU_N1_TO_1, x), (std::vector<float>{-1, -1, 0, 0.5f, 1, 1}));
  EXPECT_EQ(RunUnary(Op::LEAKY_RELU, x, tfl::BuiltinOptions::LeakyReluOptions, 0.5f),
            (std::vector<float>{-2, -0.5f, 0, 0.5f, 2, 8}));
  const std::vector<float> hs = RunUnary(Op::HARD_SWISH, x);
  ASSERT_EQ(hs.size(), 6u);
  // x * clamp(x + 3, 0, 6) / 6
  const std::vector<float> hs_want = {0, -2.0f / 6, 0, 0.5f * 3.5f / 6, 2 * 5.0f / 6, 8};
  for (size_t i = 0; i < hs.size(); ++i) EXPECT_FLOAT_EQ(hs[i], hs_want[i]) << i;
  const std::vector<float> lg = RunUnary(Op::LOGISTIC, {0, 2, -30});
  ASSERT_EQ(lg.size(), 3u);
  EXPECT_FLOAT_EQ(lg[0], 0.5f);
  EXPECT_NEAR(lg[1], 0.8807971f, 1e-6);
  EXPECT_FLOAT_EQ(lg[2], std::exp(-30.0f));
  const std::vector<float> th = RunUnary(Op::TANH, {0, 0.5f, -3});
  ASSERT_EQ(th.size(), 3u);
  EXPECT_FLOAT_EQ(th[0], 0.0f);
  EXPECT_NEAR(th[1], 0.46211716f, 1e-6);
  EXPECT_NEAR(th[2], -0.99505475f, 1e-6);
}

TEST(UnaryOp, Math) {
  EXPECT_EQ(RunUnary(Op::SQRT, {0, 9, 0.25f}), (std::vector<float>{0, 3, 0.5f}));
  EXPECT_EQ(RunUnary(Op::NEG, {2, -0.5f, 0}), (std::vector<float>{-2, 0.5f, -0.0f}));
  EXPECT_EQ(RunUnary(Op::RSQRT, {4, 0.0625f, 1}), (std::vector<float>{0.5f, 4, 1}));
  const std::vector<float> e = RunUnary(Op::EXP, {0, 1, -1});
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0], 1.0f);
  EXPECT_FLOAT_EQ(e[1], 2.7182817f);
  EXPECT_FLOAT_EQ(e[2], 0.36787944f);
}

TEST(UnaryOp, RejectsQuantizedAndMismatchedTypes) {
  ModelBuilder b;
  QuantizationParams q;
  q.scale = {0.1f};
  q.zero_point = {0};
  const int in = b.AddTensor(DataType::kInt8, {4}, "x", q);
  const int out = b.AddTensor(DataType::kInt8, {4}, "y", q);
  // Quantized EXP (a LUT in LiteRT) is not implemented.
  b.AddOperator(Op::EXP, {in}, {out}, tfl::BuiltinOptions::NONE, 0, 2);
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_TRUE(Contains(s.message(), "EXP")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "INT8")) << s.message();

  ModelBuilder b2;
  const int in2 = b2.AddTensor(DataType::kFloat32, {4}, "x");
  const int out2 = b2.AddTensor(DataType::kInt32, {4}, "y");
  b2.AddOperator(Op::RELU, {in2}, {out2});
  b2.SetInputs({in2});
  b2.SetOutputs({out2});
  TestModel m2;
  s = m2.Build(b2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "RELU")) << s.message();
}

// ---------------------------------------------------------------- PRELU

TEST(PreluOp, AlphaBroadcastsPerChannel) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 2, 2, 2}, "x");
  const int alpha = b.AddConstant<float>(DataType::kFloat32, {1, 1, 2}, {0.5f, 2}, "alpha");
  const int out = b.AddTensor(DataType::kFloat32, {1, 2, 2, 2}, "y");
  b.AddOperator(Op::PRELU, {in, alpha}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {-1, -2, 3, -4, 5, -6, -7, 8});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{-0.5f, -4, 3, -8, 5, -12, -3.5f, 8}));
}

TEST(PreluOp, RejectsAlphaShapeMismatch) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 2, 2}, "x");
  const int alpha = b.AddConstant<float>(DataType::kFloat32, {3}, {1, 2, 3}, "alpha");
  const int out = b.AddTensor(DataType::kFloat32, {1, 2, 2}, "y");
  b.AddOperator(Op::PRELU, {in, alpha}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  const Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "PRELU")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "[3]")) << s.message();
}

// ---------------------------------------------------------------- SOFTMAX / L2

TEST(SoftmaxOp, BetaOverLastAxis) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {2, 2}, "x");
  const int out = b.AddTensor(DataType::kFloat32, {2, 2}, "y");
  b.AddOperator(Op::SOFTMAX, {in}, {out}, tfl::BuiltinOptions::SoftmaxOptions,
                tfl::CreateSoftmaxOptions(b.fbb(), 0.5f).Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {0, 2, 100, 100});
  ASSERT_TRUE(m.interp->Invoke().ok());
  const std::vector<float> y = m.GetOutput<float>(0);
  // Row 0: exp(0.5 * {-2, 0}) normalized: {e^-1, 1} / (1 + e^-1).
  const double e = std::exp(-1.0);
  EXPECT_NEAR(y[0], e / (1 + e), 1e-6);
  EXPECT_NEAR(y[1], 1 / (1 + e), 1e-6);
  EXPECT_FLOAT_EQ(y[2], 0.5f);
  EXPECT_FLOAT_EQ(y[3], 0.5f);
}

TEST(SoftmaxOp, RejectsScalarInput) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {}, "x");
  const int out = b.AddTensor(DataType::kFloat32, {}, "y");
  b.AddOperator(Op::SOFTMAX, {in}, {out}, tfl::BuiltinOptions::SoftmaxOptions,
                tfl::CreateSoftmaxOptions(b.fbb(), 1.0f).Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  const Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "SOFTMAX")) << s.message();
}

TEST(L2NormOp, NormalizesLastAxis) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 2, 2}, "x");
  const int out = b.AddTensor(DataType::kFloat32, {1, 2, 2}, "y");
  b.AddOperator(Op::L2_NORMALIZATION, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {-3, 4, 0, 0});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{-0.6f, 0.8f, 0, 0}));
}

TEST(L2NormOp, RejectsFusedActivation) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 2}, "x");
  const int out = b.AddTensor(DataType::kFloat32, {1, 2}, "y");
  b.AddOperator(Op::L2_NORMALIZATION, {in}, {out}, tfl::BuiltinOptions::L2NormOptions,
                tfl::CreateL2NormOptions(b.fbb(), Act::RELU).Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  const Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "L2_NORMALIZATION")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "RELU")) << s.message();
}

// ---------------------------------------------------------------- CAST

TEST(CastOp, FloatToInt32Truncates) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {4}, "x");
  const int out = b.AddTensor(DataType::kInt32, {4}, "y");
  b.AddOperator(Op::CAST, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {-2.7f, -0.2f, 0.9f, 41.99f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{-2, 0, 0, 41}));
}

TEST(CastOp, ConstantInputIsFoldedAndFeedsDownstream) {
  // CAST(const int32 {1,2,3}) -> float, then ADD with a graph input.
  ModelBuilder b;
  const int k = b.AddConstant<int32_t>(DataType::kInt32, {3}, {1, 2, 3}, "k");
  const int kf = b.AddTensor(DataType::kFloat32, {3}, "kf");
  const int x = b.AddTensor(DataType::kFloat32, {3}, "x");
  const int y = b.AddTensor(DataType::kFloat32, {3}, "y");
  b.AddOperator(Op::CAST, {k}, {kf});
  b.AddOperator(Op::ADD, {x, kf}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {0.5f, 0.5f, 0.5f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{1.5f, 2.5f, 3.5f}));
}

TEST(CastOp, BoolRoundTrip) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {3}, "x");
  const int mid = b.AddTensor(DataType::kBool, {3}, "b");
  const int out = b.AddTensor(DataType::kInt32, {3}, "y");
  b.AddOperator(Op::CAST, {in}, {mid});
  b.AddOperator(Op::CAST, {mid}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {0, -0.5f, 7});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{0, 1, 1}));
}

TEST(CastOp, RejectsUnsupportedType) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {3}, "x");
  const int out = b.AddTensor(DataType::kComplex64, {3}, "y");
  b.AddOperator(Op::CAST, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  const Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "CAST")) << s.message();
}

// ---------------------------------------------------------------- DEQUANTIZE

std::vector<uint8_t> HalfBytes(const std::vector<uint16_t>& h) {
  std::vector<uint8_t> bytes(h.size() * 2);
  std::memcpy(bytes.data(), h.data(), bytes.size());
  return bytes;
}

TEST(DequantizeOp, Fp16ConstantWeightsAreFolded) {
  // DEQUANTIZE(fp16 const) -> MUL with a graph input, as in MediaPipe models.
  ModelBuilder b;
  const int w16 = b.AddConstantBytes(DataType::kFloat16, {4},
                                     HalfBytes({0x3C00, 0xC000, 0x3555, 0x0001}), "w16");
  const int w = b.AddTensor(DataType::kFloat32, {4}, "w");
  const int x = b.AddTensor(DataType::kFloat32, {4}, "x");
  const int y = b.AddTensor(DataType::kFloat32, {4}, "y");
  b.AddOperator(Op::DEQUANTIZE, {w16}, {w});
  b.AddOperator(Op::MUL, {x, w}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {2, 2, 3, 1});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0),
            (std::vector<float>{2, -4, 3 * 0.333251953125f, std::ldexp(1.0f, -24)}));
}

TEST(DequantizeOp, Fp16SpecialsAsGraphOutput) {
  ModelBuilder b;
  const int w16 = b.AddConstantBytes(DataType::kFloat16, {4},
                                     HalfBytes({0x7C00, 0xFC00, 0x7E00, 0x8000}), "w16");
  const int w = b.AddTensor(DataType::kFloat32, {4}, "w");
  b.AddOperator(Op::DEQUANTIZE, {w16}, {w});
  b.SetInputs({});
  b.SetOutputs({w});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  ASSERT_TRUE(m.interp->Invoke().ok());
  const std::vector<float> y = m.GetOutput<float>(0);
  ASSERT_EQ(y.size(), 4u);
  EXPECT_TRUE(std::isinf(y[0]) && y[0] > 0);
  EXPECT_TRUE(std::isinf(y[1]) && y[1] < 0);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_TRUE(y[3] == 0.0f && std::signbit(y[3]));
}

TEST(DequantizeOp, Int8PerChannelConstant) {
  ModelBuilder b;
  QuantizationParams q;
  q.scale = {0.5f, 2.0f};
  q.zero_point = {0, 1};
  q.quantized_dimension = 0;
  const int w8 = b.AddConstant<int8_t>(DataType::kInt8, {2, 2}, {4, -4, 3, -1}, "w8", q);
  const int w = b.AddTensor(DataType::kFloat32, {2, 2}, "w");
  b.AddOperator(Op::DEQUANTIZE, {w8}, {w});
  b.SetInputs({});
  b.SetOutputs({w});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{2, -2, 4, -4}));
}

TEST(DequantizeOp, Uint8PerTensorAtRunTime) {
  ModelBuilder b;
  QuantizationParams q;
  q.scale = {0.25f};
  q.zero_point = {128};
  const int x = b.AddTensor(DataType::kUInt8, {3}, "x", q);
  const int y = b.AddTensor(DataType::kFloat32, {3}, "y");
  b.AddOperator(Op::DEQUANTIZE, {x}, {y}, tfl::BuiltinOptions::NONE, 0, 2);
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<uint8_t>(0, {0, 128, 255});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{-32, 0, 31.75f}));
}

TEST(DequantizeOp, RejectsPerChannelScaleCountMismatch) {
  // The model is consistent as written; resizing the input leaves 3 scales
  // for a dimension of 4, which prepare must catch.
  ModelBuilder b;
  QuantizationParams q;
  q.scale = {1, 2, 3};
  q.zero_point = {0, 0, 0};
  q.quantized_dimension = 1;
  const int x = b.AddTensor(DataType::kInt8, {2, 3}, "x", q);
  const int y = b.AddTensor(DataType::kFloat32, {2, 3}, "y");
  b.AddOperator(Op::DEQUANTIZE, {x}, {y}, tfl::BuiltinOptions::NONE, 0, 2);
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  ASSERT_TRUE(m.Build(b, /*allocate=*/false).ok());
  ASSERT_TRUE(m.interp->ResizeInput(0, {2, 4}).ok());
  const Status s = m.interp->AllocateTensors();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "DEQUANTIZE")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "3 per-channel scales")) << s.message();
}

TEST(DequantizeOp, RejectsMissingScaleAndFloatInput) {
  {
    ModelBuilder b;
    const int x = b.AddTensor(DataType::kInt8, {3}, "x");
    const int y = b.AddTensor(DataType::kFloat32, {3}, "y");
    b.AddOperator(Op::DEQUANTIZE, {x}, {y});
    b.SetInputs({x});
    b.SetOutputs({y});
    TestModel m;
    const Status s = m.Build(b);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "DEQUANTIZE")) << s.message();
    EXPECT_TRUE(Contains(s.message(), "scale")) << s.message();
  }
  {
    ModelBuilder b;
    const int x = b.AddTensor(DataType::kFloat32, {3}, "x");
    const int y = b.AddTensor(DataType::kFloat32, {3}, "y");
    b.AddOperator(Op::DEQUANTIZE, {x}, {y});
    b.SetInputs({x});
    b.SetOutputs({y});
    TestModel m;
    const Status s = m.Build(b);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "DEQUANTIZE")) << s.message();
  }
}

// ---------------------------------------------------------------- ARG_MAX

Status BuildArgMax(TestModel* m, ModelBuilder& b, const Shape& in_shape, int32_t axis,
                   DataType index_type) {
  const int in = b.AddTensor(DataType::kFloat32, in_shape, "x");
  const int ax = b.AddConstant<int32_t>(DataType::kInt32, {1}, {axis}, "axis");
  const int out = b.AddTensor(index_type, {}, "y");
  b.AddOperator(
      Op::ARG_MAX, {in, ax}, {out}, tfl::BuiltinOptions::ArgMaxOptions,
      tfl::CreateArgMaxOptions(b.fbb(), static_cast<tfl::TensorType>(index_type)).Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(ArgMaxOp, LastAxisInt32AndFirstAxisInt64) {
  const std::vector<float> x = {1, 9, 9, -1, 4, 4};  // [2,3]
  {
    ModelBuilder b;
    TestModel m;
    ASSERT_TRUE(BuildArgMax(&m, b, {2, 3}, -1, DataType::kInt32).ok());
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2}));
    EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{1, 1}));
  }
  {
    ModelBuilder b;
    TestModel m;
    ASSERT_TRUE(BuildArgMax(&m, b, {2, 3}, 0, DataType::kInt64).ok());
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{3}));
    EXPECT_EQ(m.GetOutput<int64_t>(0), (std::vector<int64_t>{0, 0, 0}));
  }
}

TEST(ArgMaxOp, RejectsAxisOutOfRange) {
  ModelBuilder b;
  TestModel m;
  const Status s = BuildArgMax(&m, b, {2, 3}, 2, DataType::kInt32);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "ARG_MAX")) << s.message();
}

TEST(ArgMaxOp, RejectsBadOutputType) {
  ModelBuilder b;
  TestModel m;
  const Status s = BuildArgMax(&m, b, {2, 3}, 1, DataType::kFloat32);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "ARG_MAX")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "FLOAT32")) << s.message();
}

}  // namespace
}  // namespace edgeml
