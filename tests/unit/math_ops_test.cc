// Tests of the math family: reference kernels with hand-computed goldens,
// then single-op models through the interpreter, then malformed models that
// prepare must reject with a message naming the op.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/reference/math.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using Op = tfl::BuiltinOperator;

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// ---------------------------------------------------------------- kernels

TEST(MathKernels, RoundHalfEven) {
  EXPECT_EQ(reference::RoundHalfEven(0.5f), 0.0f);
  EXPECT_EQ(reference::RoundHalfEven(1.5f), 2.0f);
  EXPECT_EQ(reference::RoundHalfEven(2.5f), 2.0f);
  EXPECT_EQ(reference::RoundHalfEven(-0.5f), 0.0f);
  EXPECT_EQ(reference::RoundHalfEven(-1.5f), -2.0f);
  EXPECT_EQ(reference::RoundHalfEven(-2.5f), -2.0f);
  EXPECT_EQ(reference::RoundHalfEven(2.4f), 2.0f);
  EXPECT_EQ(reference::RoundHalfEven(-2.6f), -3.0f);
}

TEST(MathKernels, FloorDivAndModInt) {
  reference::FloorDivOp div;
  reference::FloorModOp mod;
  EXPECT_EQ(div(7, 2), 3);
  EXPECT_EQ(div(-7, 2), -4);
  EXPECT_EQ(div(7, -2), -4);
  EXPECT_EQ(div(-7, -2), 3);
  EXPECT_EQ(div(-6, 2), -3);
  EXPECT_EQ(mod(7, 3), 1);
  EXPECT_EQ(mod(-7, 3), 2);
  EXPECT_EQ(mod(7, -3), -2);
  EXPECT_EQ(mod(-7, -3), -1);
  // No UB at the edge of the range.
  const int32_t lo = std::numeric_limits<int32_t>::lowest();
  EXPECT_EQ(div(lo, -1), lo);
  EXPECT_EQ(mod(lo, -1), 0);
}

TEST(MathKernels, FloorDivAndModFloat) {
  reference::FloorDivOp div;
  reference::FloorModOp mod;
  EXPECT_EQ(div(7.5f, 2.0f), 3.0f);
  EXPECT_EQ(div(-7.5f, 2.0f), -4.0f);
  EXPECT_EQ(mod(-7.5f, 2.0f), 0.5f);
  EXPECT_EQ(mod(7.5f, -2.0f), -0.5f);
  EXPECT_EQ(mod(6.0f, 3.0f), 0.0f);
}

TEST(MathKernels, IntPowAndSign) {
  reference::PowIntOp pow;
  EXPECT_EQ(pow(3, 4), 81);
  EXPECT_EQ(pow(-2, 3), -8);
  EXPECT_EQ(pow(5, 0), 1);
  EXPECT_EQ(pow(0, 0), 1);
  EXPECT_EQ(reference::Sign(-3.5f), -1.0f);
  EXPECT_EQ(reference::Sign(0.0f), 0.0f);
  EXPECT_EQ(reference::Sign(2.0f), 1.0f);
  EXPECT_EQ(reference::Sign(std::nanf("")), 0.0f);
  EXPECT_EQ(reference::Sign<int32_t>(-7), -1);
  EXPECT_EQ(reference::AbsValue<int32_t>(std::numeric_limits<int32_t>::lowest()),
            std::numeric_limits<int32_t>::lowest());
}

TEST(MathKernels, GeluAndElu) {
  // Exact: x * Phi(x); Phi(1) = 0.8413447.
  EXPECT_NEAR(reference::Gelu(1.0f, false), 0.8413447f, 1e-6f);
  EXPECT_NEAR(reference::Gelu(-1.0f, false), -0.1586553f, 1e-6f);
  EXPECT_EQ(reference::Gelu(0.0f, false), 0.0f);
  // tanh form: 0.5 * (1 + tanh(0.7978846 * 1.044715)) = 0.8411920.
  EXPECT_NEAR(reference::Gelu(1.0f, true), 0.8411920f, 1e-6f);
  EXPECT_NEAR(reference::Elu(-1.0f), std::exp(-1.0f) - 1.0f, 1e-7f);
  EXPECT_EQ(reference::Elu(2.5f), 2.5f);
}

TEST(MathKernels, LogSoftmaxRows) {
  const float in[6] = {1, 2, 3, 0, 0, 0};
  float out[6];
  reference::LogSoftmax(2, 3, in, out);
  const double lse = std::log(std::exp(-2.0) + std::exp(-1.0) + 1.0);
  EXPECT_NEAR(out[0], -2.0 - lse, 1e-6);
  EXPECT_NEAR(out[2], -lse, 1e-6);
  EXPECT_NEAR(out[4], -std::log(3.0), 1e-6);
}

TEST(MathKernels, SelectBroadcastsAllThree) {
  // cond [2,1], x [1,3], y scalar -> [2,3].
  reference::SelectPlan plan;
  ASSERT_TRUE(reference::MakeSelectPlan({2, 1}, {1, 3}, {}, {2, 3}, &plan));
  const bool cond[2] = {true, false};
  const float x[3] = {1, 2, 3};
  const float y[1] = {9};
  float out[6];
  reference::Select(plan, cond, x, y, out, sizeof(float));
  EXPECT_EQ(std::vector<float>(out, out + 6), (std::vector<float>{1, 2, 3, 9, 9, 9}));
  EXPECT_FALSE(reference::MakeSelectPlan({3}, {2, 2}, {2, 2}, {2, 2}, &plan));
}

// ---------------------------------------------------------------- op models

// One op over graph inputs of the given types/shapes; output type `out`.
struct OpModel {
  ModelBuilder b;
  TestModel m;
  Status Build(Op op, const std::vector<std::pair<DataType, Shape>>& inputs, DataType out,
               tfl::BuiltinOptions ot = tfl::BuiltinOptions::NONE,
               flatbuffers::Offset<void> o = 0) {
    std::vector<int> ins;
    for (size_t i = 0; i < inputs.size(); ++i) {
      ins.push_back(b.AddTensor(inputs[i].first, inputs[i].second, "in" + std::to_string(i)));
    }
    const int y = b.AddTensor(out, {}, "out");
    b.AddOperator(op, ins, {y}, ot, o);
    b.SetInputs(ins);
    b.SetOutputs({y});
    return m.Build(b);
  }
};

std::vector<bool> ToBools(const std::vector<uint8_t>& v) {
  return std::vector<bool>(v.begin(), v.end());
}

TEST(CompareOp, EachComparisonFloat) {
  const std::vector<float> a = {1, 2, 3, 4};
  const std::vector<float> b = {2, 2, 2, 2};
  struct Case {
    Op op;
    std::vector<bool> want;
  } cases[] = {
      {Op::GREATER, {0, 0, 1, 1}}, {Op::GREATER_EQUAL, {0, 1, 1, 1}},
      {Op::LESS, {1, 0, 0, 0}},    {Op::LESS_EQUAL, {1, 1, 0, 0}},
      {Op::EQUAL, {0, 1, 0, 0}},   {Op::NOT_EQUAL, {1, 0, 1, 1}},
  };
  for (const Case& c : cases) {
    OpModel om;
    ASSERT_TRUE(
        om.Build(c.op, {{DataType::kFloat32, {4}}, {DataType::kFloat32, {4}}}, DataType::kBool)
            .ok())
        << tfl::EnumNameBuiltinOperator(c.op);
    om.m.SetInput<float>(0, a);
    om.m.SetInput<float>(1, b);
    ASSERT_TRUE(om.m.interp->Invoke().ok());
    EXPECT_EQ(ToBools(om.m.GetOutput<uint8_t>(0)), c.want) << tfl::EnumNameBuiltinOperator(c.op);
  }
}

TEST(CompareOp, BroadcastInt32AndInt64) {
  OpModel om;
  ASSERT_TRUE(
      om.Build(Op::GREATER, {{DataType::kInt32, {2, 1}}, {DataType::kInt32, {3}}}, DataType::kBool)
          .ok());
  om.m.SetInput<int32_t>(0, {0, 5});
  om.m.SetInput<int32_t>(1, {-1, 3, 7});
  ASSERT_TRUE(om.m.interp->Invoke().ok());
  EXPECT_EQ(om.m.OutputShape(0), (Shape{2, 3}));
  EXPECT_EQ(ToBools(om.m.GetOutput<uint8_t>(0)), (std::vector<bool>{1, 0, 0, 1, 1, 0}));

  OpModel om64;
  ASSERT_TRUE(
      om64.Build(Op::EQUAL, {{DataType::kInt64, {3}}, {DataType::kInt64, {}}}, DataType::kBool)
          .ok());
  om64.m.SetInput<int64_t>(0, {int64_t{1} << 40, 3, -2});
  om64.m.SetInput<int64_t>(1, {int64_t{1} << 40});
  ASSERT_TRUE(om64.m.interp->Invoke().ok());
  EXPECT_EQ(ToBools(om64.m.GetOutput<uint8_t>(0)), (std::vector<bool>{1, 0, 0}));
}

TEST(CompareOp, Rejects) {
  {
    OpModel om;  // shapes that don't broadcast
    const Status s =
        om.Build(Op::LESS, {{DataType::kFloat32, {3}}, {DataType::kFloat32, {4}}}, DataType::kBool);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "LESS")) << s.message();
    EXPECT_TRUE(Contains(s.message(), "broadcast")) << s.message();
  }
  {
    OpModel om;  // mixed input types
    const Status s =
        om.Build(Op::EQUAL, {{DataType::kFloat32, {3}}, {DataType::kInt32, {3}}}, DataType::kBool);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "EQUAL")) << s.message();
  }
  {
    OpModel om;  // non-bool output
    const Status s = om.Build(Op::GREATER, {{DataType::kFloat32, {3}}, {DataType::kFloat32, {3}}},
                              DataType::kFloat32);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "GREATER")) << s.message();
  }
  {
    OpModel om;  // bool ordering is not an op LiteRT has
    const Status s =
        om.Build(Op::GREATER, {{DataType::kBool, {3}}, {DataType::kBool, {3}}}, DataType::kBool);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "BOOL")) << s.message();
  }
}

TEST(LogicalOp, AndOrNot) {
  OpModel a;
  ASSERT_TRUE(
      a.Build(Op::LOGICAL_AND, {{DataType::kBool, {2, 2}}, {DataType::kBool, {2}}}, DataType::kBool)
          .ok());
  a.m.SetInput<uint8_t>(0, {1, 1, 0, 1});
  a.m.SetInput<uint8_t>(1, {1, 0});
  ASSERT_TRUE(a.m.interp->Invoke().ok());
  EXPECT_EQ(ToBools(a.m.GetOutput<uint8_t>(0)), (std::vector<bool>{1, 0, 0, 0}));

  OpModel o;
  ASSERT_TRUE(
      o.Build(Op::LOGICAL_OR, {{DataType::kBool, {3}}, {DataType::kBool, {3}}}, DataType::kBool)
          .ok());
  o.m.SetInput<uint8_t>(0, {0, 1, 0});
  o.m.SetInput<uint8_t>(1, {0, 0, 1});
  ASSERT_TRUE(o.m.interp->Invoke().ok());
  EXPECT_EQ(ToBools(o.m.GetOutput<uint8_t>(0)), (std::vector<bool>{0, 1, 1}));

  OpModel n;
  ASSERT_TRUE(n.Build(Op::LOGICAL_NOT, {{DataType::kBool, {2}}}, DataType::kBool).ok());
  n.m.SetInput<uint8_t>(0, {0, 1});
  ASSERT_TRUE(n.m.interp->Invoke().ok());
  EXPECT_EQ(ToBools(n.m.GetOutput<uint8_t>(0)), (std::vector<bool>{1, 0}));

  OpModel bad;
  const Status s = bad.Build(
      Op::LOGICAL_AND, {{DataType::kFloat32, {2}}, {DataType::kFloat32, {2}}}, DataType::kBool);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "LOGICAL_AND")) << s.message();
}

TEST(SelectOp, V1RowsAndV2Broadcast) {
  OpModel v1;  // a rank-1 condition picks rows
  ASSERT_TRUE(
      v1.Build(Op::SELECT,
               {{DataType::kBool, {2}}, {DataType::kFloat32, {2, 2}}, {DataType::kFloat32, {2, 2}}},
               DataType::kFloat32)
          .ok());
  v1.m.SetInput<uint8_t>(0, {0, 1});
  v1.m.SetInput<float>(1, {1, 2, 3, 4});
  v1.m.SetInput<float>(2, {5, 6, 7, 8});
  ASSERT_TRUE(v1.m.interp->Invoke().ok());
  EXPECT_EQ(v1.m.GetOutput<float>(0), (std::vector<float>{5, 6, 3, 4}));

  OpModel v2;
  ASSERT_TRUE(
      v2.Build(Op::SELECT_V2,
               {{DataType::kBool, {2, 1}}, {DataType::kInt32, {1, 3}}, {DataType::kInt32, {}}},
               DataType::kInt32)
          .ok());
  v2.m.SetInput<uint8_t>(0, {1, 0});
  v2.m.SetInput<int32_t>(1, {1, 2, 3});
  v2.m.SetInput<int32_t>(2, {-1});
  ASSERT_TRUE(v2.m.interp->Invoke().ok());
  EXPECT_EQ(v2.m.OutputShape(0), (Shape{2, 3}));
  EXPECT_EQ(v2.m.GetOutput<int32_t>(0), (std::vector<int32_t>{1, 2, 3, -1, -1, -1}));
}

TEST(SelectOp, Rejects) {
  struct Case {
    Op op;
    std::vector<std::pair<DataType, Shape>> in;
    DataType out;
  } cases[] = {
      // v1 needs x and y of one shape
      {Op::SELECT,
       {{DataType::kBool, {2}}, {DataType::kFloat32, {2}}, {DataType::kFloat32, {1}}},
       DataType::kFloat32},
      // v1 condition vector of the wrong size
      {Op::SELECT,
       {{DataType::kBool, {3}}, {DataType::kFloat32, {2, 2}}, {DataType::kFloat32, {2, 2}}},
       DataType::kFloat32},
      // non-bool condition
      {Op::SELECT_V2,
       {{DataType::kFloat32, {2}}, {DataType::kFloat32, {2}}, {DataType::kFloat32, {2}}},
       DataType::kFloat32},
      // x and y types differ
      {Op::SELECT_V2,
       {{DataType::kBool, {2}}, {DataType::kFloat32, {2}}, {DataType::kInt32, {2}}},
       DataType::kFloat32},
      // no broadcast
      {Op::SELECT_V2,
       {{DataType::kBool, {3}}, {DataType::kFloat32, {2}}, {DataType::kFloat32, {2}}},
       DataType::kFloat32},
  };
  for (const Case& c : cases) {
    OpModel om;
    const Status s = om.Build(c.op, c.in, c.out);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "SELECT")) << s.message();
  }
}

TEST(PowOp, FloatAndInt) {
  OpModel f;
  ASSERT_TRUE(
      f.Build(Op::POW, {{DataType::kFloat32, {3}}, {DataType::kFloat32, {}}}, DataType::kFloat32)
          .ok());
  f.m.SetInput<float>(0, {2, 4, 9});
  f.m.SetInput<float>(1, {0.5f});
  ASSERT_TRUE(f.m.interp->Invoke().ok());
  EXPECT_EQ(f.m.GetOutput<float>(0), (std::vector<float>{std::sqrt(2.0f), 2, 3}));

  OpModel i;
  ASSERT_TRUE(
      i.Build(Op::POW, {{DataType::kInt32, {3}}, {DataType::kInt32, {3}}}, DataType::kInt32).ok());
  i.m.SetInput<int32_t>(0, {2, -3, 7});
  i.m.SetInput<int32_t>(1, {10, 3, 0});
  ASSERT_TRUE(i.m.interp->Invoke().ok());
  EXPECT_EQ(i.m.GetOutput<int32_t>(0), (std::vector<int32_t>{1024, -27, 1}));
  i.m.SetInput<int32_t>(1, {1, -1, 0});
  const Status s = i.m.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "POW")) << s.message();
}

TEST(FloorDivModOp, IntAndFloatWithZeroCheck) {
  OpModel d;
  ASSERT_TRUE(
      d.Build(Op::FLOOR_DIV, {{DataType::kInt32, {4}}, {DataType::kInt32, {}}}, DataType::kInt32)
          .ok());
  d.m.SetInput<int32_t>(0, {7, -7, 6, -1});
  d.m.SetInput<int32_t>(1, {2});
  ASSERT_TRUE(d.m.interp->Invoke().ok());
  EXPECT_EQ(d.m.GetOutput<int32_t>(0), (std::vector<int32_t>{3, -4, 3, -1}));
  d.m.SetInput<int32_t>(1, {0});
  const Status s = d.m.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "FLOOR_DIV")) << s.message();

  OpModel m;
  ASSERT_TRUE(m.Build(Op::FLOOR_MOD, {{DataType::kFloat32, {3}}, {DataType::kFloat32, {3}}},
                      DataType::kFloat32)
                  .ok());
  m.m.SetInput<float>(0, {-7.5f, 7.5f, 4.0f});
  m.m.SetInput<float>(1, {2.0f, -2.0f, 2.0f});
  ASSERT_TRUE(m.m.interp->Invoke().ok());
  EXPECT_EQ(m.m.GetOutput<float>(0), (std::vector<float>{0.5f, -0.5f, 0.0f}));

  OpModel bad;
  const Status sb =
      bad.Build(Op::FLOOR_MOD, {{DataType::kBool, {3}}, {DataType::kBool, {3}}}, DataType::kBool);
  ASSERT_FALSE(sb.ok());
  EXPECT_TRUE(Contains(sb.message(), "FLOOR_MOD")) << sb.message();
}

TEST(UnaryMathOp, FloatOps) {
  const std::vector<float> x = {-1.5f, -0.5f, 0.0f, 0.5f, 2.5f, 3.7f};
  struct Case {
    Op op;
    std::vector<float> want;
  } cases[] = {
      {Op::ABS, {1.5f, 0.5f, 0.0f, 0.5f, 2.5f, 3.7f}},
      {Op::FLOOR, {-2, -1, 0, 0, 2, 3}},
      {Op::CEIL, {-1, -0.0f, 0, 1, 3, 4}},
      {Op::ROUND, {-2, -0.0f, 0, 0, 2, 4}},
      {Op::SQUARE, {2.25f, 0.25f, 0, 0.25f, 6.25f, 3.7f * 3.7f}},
      {Op::SIGN, {-1, -1, 0, 1, 1, 1}},
      {Op::ELU, {std::expm1(-1.5f), std::expm1(-0.5f), 0, 0.5f, 2.5f, 3.7f}},
      {Op::SIN,
       {std::sin(-1.5f), std::sin(-0.5f), 0, std::sin(0.5f), std::sin(2.5f), std::sin(3.7f)}},
      {Op::COS,
       {std::cos(-1.5f), std::cos(-0.5f), 1, std::cos(0.5f), std::cos(2.5f), std::cos(3.7f)}},
      {Op::ZEROS_LIKE, {0, 0, 0, 0, 0, 0}},
  };
  for (const Case& c : cases) {
    OpModel om;
    ASSERT_TRUE(om.Build(c.op, {{DataType::kFloat32, {2, 3}}}, DataType::kFloat32).ok())
        << tfl::EnumNameBuiltinOperator(c.op);
    om.m.SetInput<float>(0, x);
    ASSERT_TRUE(om.m.interp->Invoke().ok());
    EXPECT_EQ(om.m.OutputShape(0), (Shape{2, 3}));
    EXPECT_EQ(om.m.GetOutput<float>(0), c.want) << tfl::EnumNameBuiltinOperator(c.op);
  }
}

TEST(UnaryMathOp, LogAndInt32AbsSign) {
  OpModel l;
  ASSERT_TRUE(l.Build(Op::LOG, {{DataType::kFloat32, {3}}}, DataType::kFloat32).ok());
  l.m.SetInput<float>(0, {1.0f, std::exp(2.0f), 0.0f});
  ASSERT_TRUE(l.m.interp->Invoke().ok());
  const std::vector<float> y = l.m.GetOutput<float>(0);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_NEAR(y[1], 2.0f, 1e-6f);
  EXPECT_EQ(y[2], -std::numeric_limits<float>::infinity());

  OpModel a;
  ASSERT_TRUE(a.Build(Op::ABS, {{DataType::kInt32, {3}}}, DataType::kInt32).ok());
  a.m.SetInput<int32_t>(0, {-4, 0, 9});
  ASSERT_TRUE(a.m.interp->Invoke().ok());
  EXPECT_EQ(a.m.GetOutput<int32_t>(0), (std::vector<int32_t>{4, 0, 9}));

  OpModel s;
  ASSERT_TRUE(s.Build(Op::SIGN, {{DataType::kInt32, {3}}}, DataType::kInt32).ok());
  s.m.SetInput<int32_t>(0, {-4, 0, 9});
  ASSERT_TRUE(s.m.interp->Invoke().ok());
  EXPECT_EQ(s.m.GetOutput<int32_t>(0), (std::vector<int32_t>{-1, 0, 1}));
}

TEST(UnaryMathOp, GeluApproximateFlag) {
  for (bool approximate : {false, true}) {
    OpModel om;
    auto o = tfl::CreateGeluOptions(om.b.fbb(), approximate);
    ASSERT_TRUE(om.Build(Op::GELU, {{DataType::kFloat32, {3}}}, DataType::kFloat32,
                         tfl::BuiltinOptions::GeluOptions, o.Union())
                    .ok());
    om.m.SetInput<float>(0, {-1.0f, 0.0f, 1.0f});
    ASSERT_TRUE(om.m.interp->Invoke().ok());
    const std::vector<float> y = om.m.GetOutput<float>(0);
    // Phi(1) = 0.8413447 exactly; the tanh form gives 0.8411920.
    const float want = approximate ? 0.8411920f : 0.8413447f;
    EXPECT_NEAR(y[2], want, 1e-6f) << approximate;
    EXPECT_NEAR(y[0], want - 1.0f, 1e-6f) << approximate;
    EXPECT_EQ(y[1], 0.0f);
  }
}

TEST(UnaryMathOp, LogSoftmax) {
  OpModel om;
  ASSERT_TRUE(om.Build(Op::LOG_SOFTMAX, {{DataType::kFloat32, {2, 2}}}, DataType::kFloat32).ok());
  om.m.SetInput<float>(0, {0, 0, 1000, 0});
  ASSERT_TRUE(om.m.interp->Invoke().ok());
  const std::vector<float> y = om.m.GetOutput<float>(0);
  EXPECT_NEAR(y[0], -std::log(2.0f), 1e-6f);
  EXPECT_NEAR(y[1], -std::log(2.0f), 1e-6f);
  EXPECT_EQ(y[2], 0.0f);  // stable for large inputs
  EXPECT_EQ(y[3], -1000.0f);

  OpModel scalar;
  const Status s = scalar.Build(Op::LOG_SOFTMAX, {{DataType::kFloat32, {}}}, DataType::kFloat32);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "LOG_SOFTMAX")) << s.message();
}

TEST(UnaryMathOp, Rejects) {
  struct Case {
    Op op;
    DataType in, out;
  } cases[] = {
      {Op::FLOOR, DataType::kInt32, DataType::kInt32},  // float only
      {Op::ABS, DataType::kFloat32, DataType::kInt32},  // type change
      {Op::LOGICAL_NOT, DataType::kFloat32, DataType::kFloat32},
      {Op::GELU, DataType::kInt8, DataType::kInt8},  // int8 without quantization
      {Op::ZEROS_LIKE, DataType::kBool, DataType::kBool},
  };
  for (const Case& c : cases) {
    OpModel om;
    const Status s = om.Build(c.op, {{c.in, {2}}}, c.out);
    ASSERT_FALSE(s.ok()) << tfl::EnumNameBuiltinOperator(c.op);
    EXPECT_TRUE(Contains(s.message(), tfl::EnumNameBuiltinOperator(c.op))) << s.message();
  }
  OpModel two;  // wrong input count
  const Status s = two.Build(Op::SIN, {{DataType::kFloat32, {2}}, {DataType::kFloat32, {2}}},
                             DataType::kFloat32);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "SIN")) << s.message();
}

TEST(FillOp, ConstantDimsRuntimeAndFoldedValue) {
  {
    ModelBuilder b;
    const int dims = b.AddConstant<int32_t>(DataType::kInt32, {2}, {2, 3}, "dims");
    const int value = b.AddTensor(DataType::kFloat32, {}, "value");
    const int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(Op::FILL, {dims, value}, {out});
    b.SetInputs({value});
    b.SetOutputs({out});
    TestModel m;
    ASSERT_TRUE(m.Build(b).ok());
    m.SetInput<float>(0, {2.5f});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2, 3}));
    EXPECT_EQ(m.GetOutput<float>(0), std::vector<float>(6, 2.5f));
  }
  {
    ModelBuilder b;  // everything constant: folded at prepare
    const int dims = b.AddConstant<int64_t>(DataType::kInt64, {1}, {3}, "dims");
    const int value = b.AddConstant<int32_t>(DataType::kInt32, {}, {-7}, "value");
    const int out = b.AddTensor(DataType::kInt32, {}, "out");
    b.AddOperator(Op::FILL, {dims, value}, {out});
    b.SetInputs({});
    b.SetOutputs({out});
    TestModel m;
    ASSERT_TRUE(m.Build(b).ok());
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{-7, -7, -7}));
  }
}

TEST(FillOp, Rejects) {
  {
    ModelBuilder b;  // negative dim
    const int dims = b.AddConstant<int32_t>(DataType::kInt32, {2}, {2, -1}, "dims");
    const int value = b.AddTensor(DataType::kFloat32, {}, "value");
    const int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(Op::FILL, {dims, value}, {out});
    b.SetInputs({value});
    b.SetOutputs({out});
    TestModel m;
    const Status s = m.Build(b);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "FILL")) << s.message();
    EXPECT_TRUE(Contains(s.message(), "-1")) << s.message();
  }
  {
    ModelBuilder b;  // dims computed at run time: the shape is set in Invoke()
    const int dims = b.AddTensor(DataType::kInt32, {2}, "dims");
    const int value = b.AddTensor(DataType::kFloat32, {}, "value");
    const int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(Op::FILL, {dims, value}, {out});
    b.SetInputs({dims, value});
    b.SetOutputs({out});
    TestModel m;
    ASSERT_TRUE(m.Build(b).ok());
    m.SetInput<int32_t>(0, {2, 3});
    m.SetInput<float>(1, {1.5f});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2, 3}));
    EXPECT_EQ(m.GetOutput<float>(0), std::vector<float>(6, 1.5f));
    m.SetInput<int32_t>(0, {-1, 3});  // a bad run-time value: an error naming FILL
    const Status s = m.interp->Invoke();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "FILL")) << s.message();
  }
  {
    ModelBuilder b;  // non-scalar value
    const int dims = b.AddConstant<int32_t>(DataType::kInt32, {1}, {2}, "dims");
    const int value = b.AddTensor(DataType::kFloat32, {2}, "value");
    const int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(Op::FILL, {dims, value}, {out});
    b.SetInputs({value});
    b.SetOutputs({out});
    TestModel m;
    const Status s = m.Build(b);
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(Contains(s.message(), "scalar")) << s.message();
  }
}

// RANGE over constant scalars of type T.
template <typename T>
Status BuildRange(DataType type, T start, T limit, T delta, TestModel* m) {
  ModelBuilder b;
  const int s = b.AddConstant<T>(type, {}, {start}, "start");
  const int l = b.AddConstant<T>(type, {}, {limit}, "limit");
  const int d = b.AddConstant<T>(type, {}, {delta}, "delta");
  const int out = b.AddTensor(type, {}, "out");
  b.AddOperator(Op::RANGE, {s, l, d}, {out});
  b.SetInputs({});
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(RangeOp, IntAndFloat) {
  TestModel up;
  ASSERT_TRUE(BuildRange<int32_t>(DataType::kInt32, 1, 10, 3, &up).ok());
  ASSERT_TRUE(up.interp->Invoke().ok());
  EXPECT_EQ(up.GetOutput<int32_t>(0), (std::vector<int32_t>{1, 4, 7}));

  TestModel down;
  ASSERT_TRUE(BuildRange<int64_t>(DataType::kInt64, 5, -1, -2, &down).ok());
  ASSERT_TRUE(down.interp->Invoke().ok());
  EXPECT_EQ(down.GetOutput<int64_t>(0), (std::vector<int64_t>{5, 3, 1}));

  TestModel f;  // ceil(1 / 0.3) = 4 elements, accumulated
  ASSERT_TRUE(BuildRange<float>(DataType::kFloat32, 0.0f, 1.0f, 0.3f, &f).ok());
  ASSERT_TRUE(f.interp->Invoke().ok());
  EXPECT_EQ(f.GetOutput<float>(0),
            (std::vector<float>{0.0f, 0.3f, 0.3f + 0.3f, 0.3f + 0.3f + 0.3f}));

  TestModel empty;
  ASSERT_TRUE(BuildRange<int32_t>(DataType::kInt32, 4, 4, 1, &empty).ok());
  EXPECT_EQ(empty.OutputShape(0), (Shape{0}));
}

TEST(RangeOp, Rejects) {
  TestModel zero;
  Status s = BuildRange<int32_t>(DataType::kInt32, 0, 5, 0, &zero);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "RANGE")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "delta is 0")) << s.message();

  TestModel away;
  s = BuildRange<int32_t>(DataType::kInt32, 0, 5, -1, &away);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "away")) << s.message();

  TestModel huge;  // 2^32 elements
  s = BuildRange<int64_t>(DataType::kInt64, 0, int64_t{1} << 32, 1, &huge);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "RANGE")) << s.message();

  TestModel nan;
  s = BuildRange<float>(DataType::kFloat32, 0.0f, std::nanf(""), 1.0f, &nan);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "RANGE")) << s.message();
}

}  // namespace
}  // namespace edgeml
