// Op-level tests of the shape family: single-op models built with
// ModelBuilder, run through the interpreter. Goldens are hand-computed.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

std::vector<float> Iota(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

// Build() failed and the message names the op.
void ExpectBuildError(ModelBuilder& b, const std::string& op) {
  TestModel m;
  Status s = m.Build(b);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(op), std::string::npos) << s.ToString();
}

// ------------------------------------------------------------------ RESHAPE

TEST(ReshapeOp, ShapeInputWithInferredDim) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {2}, {3, -1});
  int out = b.AddTensor(DataType::kFloat32, {3, 2});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, Iota(6));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{3, 2}));
  EXPECT_EQ(m.GetOutput<float>(0), Iota(6));
}

TEST(ReshapeOp, NewShapeFromOptions) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt64, {2, 2});
  int out = b.AddTensor(DataType::kInt64, {4});
  auto opts = tfl::CreateReshapeOptions(b.fbb(), b.fbb().CreateVector(std::vector<int32_t>{4}));
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in}, {out}, tfl::BuiltinOptions::ReshapeOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int64_t>(0, {1, -2, 3, int64_t{1} << 40});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{4}));
  EXPECT_EQ(m.GetOutput<int64_t>(0), (std::vector<int64_t>{1, -2, 3, int64_t{1} << 40}));
}

TEST(ReshapeOp, LegacyZeroNewShapeMeansScalar) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 1});
  int out = b.AddTensor(DataType::kFloat32, {});
  auto opts = tfl::CreateReshapeOptions(b.fbb(), b.fbb().CreateVector(std::vector<int32_t>{0}));
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in}, {out}, tfl::BuiltinOptions::ReshapeOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {7.5f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), Shape{});
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{7.5f}));
}

TEST(ReshapeOp, DeclaredOutputShapeWithoutOptions) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kUInt8, {6});
  int out = b.AddTensor(DataType::kUInt8, {2, 3});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 3}));
}

// A shape computed at run time decides the output shape at each Invoke().
TEST(ReshapeOp, RunTimeShapeInputSetsTheShape) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int shape = b.AddTensor(DataType::kInt32, {2});
  int out = b.AddTensor(DataType::kFloat32, {3, 2});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in, shape});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, Iota(6));
  m.SetInput<int32_t>(1, {3, -1});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{3, 2}));
  EXPECT_EQ(m.GetOutput<float>(0), Iota(6));
  m.SetInput<int32_t>(1, {1, 6});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 6}));
  EXPECT_EQ(m.GetOutput<float>(0), Iota(6));
  m.SetInput<int32_t>(1, {4, -1});  // 6 elements do not fill rows of 4
  Status s = m.interp->Invoke();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("RESHAPE"), std::string::npos) << s.message();
}

TEST(ReshapeOp, ConstantInputIsFolded) {
  ModelBuilder b;
  int in = b.AddConstant<int16_t>(DataType::kInt16, {2, 2}, {1, 2, 3, 4});
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {1}, {4});
  int out = b.AddTensor(DataType::kInt16, {4});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  EXPECT_TRUE(m.interp->node(0).folded);
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int16_t>(0), (std::vector<int16_t>{1, 2, 3, 4}));
}

void BuildReshape(ModelBuilder& b, const std::vector<int32_t>& new_shape) {
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int shape =
      b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(new_shape.size())}, new_shape);
  int out = b.AddTensor(DataType::kFloat32, {6});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
}

TEST(ReshapeOp, RejectsBadShapes) {
  {
    ModelBuilder b;
    BuildReshape(b, {4});  // 4 != 6 elements
    ExpectBuildError(b, "RESHAPE");
  }
  {
    ModelBuilder b;
    BuildReshape(b, {-1, -1});
    ExpectBuildError(b, "RESHAPE");
  }
  {
    ModelBuilder b;
    BuildReshape(b, {0, -1});  // nothing to infer from
    ExpectBuildError(b, "RESHAPE");
  }
  {
    ModelBuilder b;
    BuildReshape(b, {-2, -3});
    ExpectBuildError(b, "RESHAPE");
  }
  {
    ModelBuilder b;
    BuildReshape(b, {65536, 65536, 65536, 0x7fffffff});  // overflowing product
    ExpectBuildError(b, "RESHAPE");
  }
}

TEST(ReshapeOp, RejectsTypeChange) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {4});
  int out = b.AddTensor(DataType::kInt32, {4});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectBuildError(b, "RESHAPE");
}

// ------------------------------------------------------- SQUEEZE/EXPAND_DIMS

Shape SqueezeShape(const Shape& in_shape, const std::vector<int32_t>& dims, Status* status) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, in_shape);
  int out = b.AddTensor(DataType::kFloat32, {});
  auto opts = tfl::CreateSqueezeOptions(b.fbb(), b.fbb().CreateVector(dims));
  b.AddOperator(tfl::BuiltinOperator::SQUEEZE, {in}, {out}, tfl::BuiltinOptions::SqueezeOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  *status = m.Build(b);
  return status->ok() ? m.OutputShape(0) : Shape{};
}

TEST(SqueezeOp, Shapes) {
  Status s;
  EXPECT_EQ(SqueezeShape({1, 3, 1, 2}, {}, &s), (Shape{3, 2}));
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(SqueezeShape({1, 3, 1, 2}, {-2}, &s), (Shape{1, 3, 2}));
  EXPECT_TRUE(s.ok());
  SqueezeShape({1, 3, 1, 2}, {1}, &s);  // size 3
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SQUEEZE"), std::string::npos);
  SqueezeShape({1, 3}, {2}, &s);  // out of range
  EXPECT_FALSE(s.ok());
}

TEST(SqueezeOp, CopiesData) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kBool, {1, 3});
  int out = b.AddTensor(DataType::kBool, {3});
  b.AddOperator(tfl::BuiltinOperator::SQUEEZE, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<uint8_t>(0, {1, 0, 1});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<uint8_t>(0), (std::vector<uint8_t>{1, 0, 1}));
}

Shape ExpandDimsShape(int32_t axis, Status* status) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int ax = b.AddConstant<int32_t>(DataType::kInt32, {1}, {axis});
  int out = b.AddTensor(DataType::kFloat32, {});
  b.AddOperator(tfl::BuiltinOperator::EXPAND_DIMS, {in, ax}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  *status = m.Build(b);
  if (!status->ok()) return {};
  m.SetInput<float>(0, Iota(6));
  EXPECT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), Iota(6));
  return m.OutputShape(0);
}

TEST(ExpandDimsOp, Axes) {
  Status s;
  EXPECT_EQ(ExpandDimsShape(0, &s), (Shape{1, 2, 3}));
  EXPECT_EQ(ExpandDimsShape(2, &s), (Shape{2, 3, 1}));
  EXPECT_EQ(ExpandDimsShape(-1, &s), (Shape{2, 3, 1}));
  EXPECT_EQ(ExpandDimsShape(-3, &s), (Shape{1, 2, 3}));
  ExpandDimsShape(3, &s);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("EXPAND_DIMS"), std::string::npos);
  ExpandDimsShape(-4, &s);
  EXPECT_FALSE(s.ok());
}

// -------------------------------------------------------------------- SHAPE

TEST(ShapeOp, Int32AndInt64) {
  for (DataType type : {DataType::kInt32, DataType::kInt64}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3, 5});
    int out = b.AddTensor(type, {3});
    auto opts = tfl::CreateShapeOptions(b.fbb(), static_cast<tfl::TensorType>(type));
    b.AddOperator(tfl::BuiltinOperator::SHAPE, {in}, {out}, tfl::BuiltinOptions::ShapeOptions,
                  opts.Union());
    b.SetInputs({in});
    b.SetOutputs({out});
    TestModel m;
    ASSERT_TRUE(m.Build(b).ok());
    EXPECT_TRUE(m.interp->node(0).folded);
    ASSERT_TRUE(m.interp->Invoke().ok());
    if (type == DataType::kInt32) {
      EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{2, 3, 5}));
    } else {
      EXPECT_EQ(m.GetOutput<int64_t>(0), (std::vector<int64_t>{2, 3, 5}));
    }
  }
}

TEST(ShapeOp, RejectsFloatOutType) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int out = b.AddTensor(DataType::kFloat32, {1});
  auto opts = tfl::CreateShapeOptions(b.fbb(), tfl::TensorType::FLOAT32);
  b.AddOperator(tfl::BuiltinOperator::SHAPE, {in}, {out}, tfl::BuiltinOptions::ShapeOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectBuildError(b, "SHAPE");
}

// ------------------------------------------------------------ CONCATENATION

TEST(ConcatOp, LastAxisWithRelu6) {
  ModelBuilder b;
  int a = b.AddTensor(DataType::kFloat32, {2, 1});
  int c = b.AddConstant<float>(DataType::kFloat32, {2, 2}, {3, 9, -5, 6});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), -1, tfl::ActivationFunctionType::RELU6);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {a, c}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({a});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {-1, 2});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 3}));
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{0, 3, 6, 2, 0, 6}));
}

TEST(ConcatOp, Axis0Int32ThreeInputs) {
  ModelBuilder b;
  int a = b.AddTensor(DataType::kInt32, {1, 2});
  int c = b.AddTensor(DataType::kInt32, {2, 2});
  int d = b.AddTensor(DataType::kInt32, {0, 2});
  int out = b.AddTensor(DataType::kInt32, {3, 2});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), 0);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {a, c, d}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({a, c, d});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int32_t>(0, {1, 2});
  m.SetInput<int32_t>(1, {3, 4, 5, 6});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
}

void BuildConcat(ModelBuilder& b, const Shape& s0, const Shape& s1, int axis) {
  int a = b.AddTensor(DataType::kFloat32, s0);
  int c = b.AddTensor(DataType::kFloat32, s1);
  int out = b.AddTensor(DataType::kFloat32, {});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), axis);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {a, c}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({a, c});
  b.SetOutputs({out});
}

TEST(ConcatOp, RejectsMismatchesAndBadAxis) {
  {
    ModelBuilder b;
    BuildConcat(b, {2, 3}, {3, 3}, 1);  // dim 0 differs off-axis
    ExpectBuildError(b, "CONCATENATION");
  }
  {
    ModelBuilder b;
    BuildConcat(b, {2, 3}, {2, 3}, 2);
    ExpectBuildError(b, "CONCATENATION");
  }
  {
    ModelBuilder b;
    BuildConcat(b, {2, 3}, {2, 3}, -3);
    ExpectBuildError(b, "CONCATENATION");
  }
  {
    ModelBuilder b;
    BuildConcat(b, {2, 3}, {2, 3, 1}, 0);  // rank differs
    ExpectBuildError(b, "CONCATENATION");
  }
}

// ---------------------------------------------------------------- TRANSPOSE

TEST(TransposeOp, Rank3) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3, 4});
  int perm = b.AddConstant<int32_t>(DataType::kInt32, {3}, {2, 0, 1});
  int out = b.AddTensor(DataType::kFloat32, {4, 2, 3});
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE, {in, perm}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, Iota(24));
  ASSERT_TRUE(m.interp->Invoke().ok());
  ASSERT_EQ(m.OutputShape(0), (Shape{4, 2, 3}));
  std::vector<float> got = m.GetOutput<float>(0);
  int pos = 0;
  for (int a = 0; a < 4; ++a)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) EXPECT_EQ(got[pos++], i * 12 + j * 4 + a);
}

void BuildTranspose(ModelBuilder& b, const std::vector<int32_t>& perm) {
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int p = b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(perm.size())}, perm);
  int out = b.AddTensor(DataType::kFloat32, {3, 2});
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE, {in, p}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
}

TEST(TransposeOp, RejectsBadPerm) {
  for (const auto& perm : std::vector<std::vector<int32_t>>{{0, 0}, {0, 2}, {-1, 0}, {1, 0, 2}}) {
    ModelBuilder b;
    BuildTranspose(b, perm);
    ExpectBuildError(b, "TRANSPOSE");
  }
}

// ------------------------------------------------------------ STRIDED_SLICE

struct SliceCase {
  std::vector<int32_t> begin, end, strides;
  int begin_mask = 0, end_mask = 0, shrink = 0;
};

Status RunStridedSlice(const SliceCase& c, Shape* shape, std::vector<float>* values) {
  ModelBuilder b;
  const int32_t n = static_cast<int32_t>(c.begin.size());
  int in = b.AddTensor(DataType::kFloat32, {3, 4});
  int bg = b.AddConstant<int32_t>(DataType::kInt32, {n}, c.begin);
  int en = b.AddConstant<int32_t>(DataType::kInt32, {n}, c.end);
  int st = b.AddConstant<int32_t>(DataType::kInt32, {n}, c.strides);
  int out = b.AddTensor(DataType::kFloat32, {});
  auto opts = tfl::CreateStridedSliceOptions(b.fbb(), c.begin_mask, c.end_mask, 0, 0, c.shrink);
  b.AddOperator(tfl::BuiltinOperator::STRIDED_SLICE, {in, bg, en, st}, {out},
                tfl::BuiltinOptions::StridedSliceOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  EDGEML_RETURN_IF_ERROR(m.Build(b));
  m.SetInput<float>(0, Iota(12));
  EDGEML_RETURN_IF_ERROR(m.interp->Invoke());
  *shape = m.OutputShape(0);
  *values = m.GetOutput<float>(0);
  return Status::Ok();
}

TEST(StridedSliceOp, NegativeStride) {
  Shape shape;
  std::vector<float> v;
  ASSERT_TRUE(RunStridedSlice({{0, 3}, {3, 0}, {2, -2}}, &shape, &v).ok());
  EXPECT_EQ(shape, (Shape{2, 2}));
  EXPECT_EQ(v, (std::vector<float>{3, 1, 11, 9}));
}

TEST(StridedSliceOp, ShrinkAndMasks) {
  Shape shape;
  std::vector<float> v;
  // x[-1, ::-1] of the 3x4 iota: last row reversed.
  SliceCase c{{-1, 0}, {0, 0}, {1, -1}, 2, 2, 1};
  ASSERT_TRUE(RunStridedSlice(c, &shape, &v).ok());
  EXPECT_EQ(shape, (Shape{4}));
  EXPECT_EQ(v, (std::vector<float>{11, 10, 9, 8}));
}

TEST(StridedSliceOp, RejectsZeroStrideAndBadShrink) {
  Shape shape;
  std::vector<float> v;
  Status s = RunStridedSlice({{0, 0}, {3, 4}, {1, 0}}, &shape, &v);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("STRIDED_SLICE"), std::string::npos);
  SliceCase c{{3, 0}, {4, 4}, {1, 1}, 0, 0, 1};  // row 3 of 3
  EXPECT_FALSE(RunStridedSlice(c, &shape, &v).ok());
  EXPECT_FALSE(RunStridedSlice({{0}, {1, 2}, {1}}, &shape, &v).ok());  // ragged
}

// -------------------------------------------------------------------- SLICE

Status RunSlice(const std::vector<int64_t>& begin, const std::vector<int64_t>& size, Shape* shape,
                std::vector<float>* values) {
  ModelBuilder b;
  const int32_t n = static_cast<int32_t>(begin.size());
  int in = b.AddTensor(DataType::kFloat32, {3, 4});
  int bg = b.AddConstant<int64_t>(DataType::kInt64, {n}, begin);
  int sz = b.AddConstant<int64_t>(DataType::kInt64, {n}, size);
  int out = b.AddTensor(DataType::kFloat32, {});
  b.AddOperator(tfl::BuiltinOperator::SLICE, {in, bg, sz}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  EDGEML_RETURN_IF_ERROR(m.Build(b));
  m.SetInput<float>(0, Iota(12));
  EDGEML_RETURN_IF_ERROR(m.interp->Invoke());
  *shape = m.OutputShape(0);
  *values = m.GetOutput<float>(0);
  return Status::Ok();
}

TEST(SliceOp, SizeMinusOneRunsToEnd) {
  Shape shape;
  std::vector<float> v;
  ASSERT_TRUE(RunSlice({1, 1}, {2, -1}, &shape, &v).ok());
  EXPECT_EQ(shape, (Shape{2, 3}));
  EXPECT_EQ(v, (std::vector<float>{5, 6, 7, 9, 10, 11}));
}

TEST(SliceOp, RejectsOutOfRange) {
  Shape shape;
  std::vector<float> v;
  Status s = RunSlice({2, 0}, {2, 4}, &shape, &v);  // rows 2..3 of 3
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SLICE"), std::string::npos);
  EXPECT_FALSE(RunSlice({-1, 0}, {1, 4}, &shape, &v).ok());
  EXPECT_FALSE(RunSlice({0, 0}, {1, -2}, &shape, &v).ok());
  EXPECT_FALSE(RunSlice({0}, {1}, &shape, &v).ok());  // rank mismatch
}

// -------------------------------------------------------------------- SPLIT

TEST(SplitOp, ThreeWaysOnAxis1) {
  ModelBuilder b;
  int axis = b.AddConstant<int32_t>(DataType::kInt32, {}, {-1});
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int o0 = b.AddTensor(DataType::kFloat32, {2, 1});
  int o1 = b.AddTensor(DataType::kFloat32, {2, 1});
  int o2 = b.AddTensor(DataType::kFloat32, {2, 1});
  auto opts = tfl::CreateSplitOptions(b.fbb(), 3);
  b.AddOperator(tfl::BuiltinOperator::SPLIT, {axis, in}, {o0, o1, o2},
                tfl::BuiltinOptions::SplitOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({o0, o1, o2});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, Iota(6));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{0, 3}));
  EXPECT_EQ(m.GetOutput<float>(1), (std::vector<float>{1, 4}));
  EXPECT_EQ(m.GetOutput<float>(2), (std::vector<float>{2, 5}));
}

TEST(SplitOp, RejectsUnevenSplitAndBadAxis) {
  for (int32_t axis_value : {0, 2}) {  // dim 0 is 2: 2 % 2 == 0 but we ask 4 below
    ModelBuilder b;
    int axis = b.AddConstant<int32_t>(DataType::kInt32, {1}, {axis_value});
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    std::vector<int> outs;
    for (int i = 0; i < 4; ++i) outs.push_back(b.AddTensor(DataType::kFloat32, {}));
    auto opts = tfl::CreateSplitOptions(b.fbb(), 4);
    b.AddOperator(tfl::BuiltinOperator::SPLIT, {axis, in}, outs, tfl::BuiltinOptions::SplitOptions,
                  opts.Union());
    b.SetInputs({in});
    b.SetOutputs(outs);
    ExpectBuildError(b, "SPLIT");
  }
}

// ------------------------------------------------------------------- GATHER

TEST(GatherOp, RowsAndOutOfRangeAtInvoke) {
  ModelBuilder b;
  int in = b.AddConstant<float>(DataType::kFloat32, {3, 2}, {1, 2, 3, 4, 5, 6});
  int idx = b.AddTensor(DataType::kInt32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2, 2});
  auto opts = tfl::CreateGatherOptions(b.fbb(), 0);
  b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out}, tfl::BuiltinOptions::GatherOptions,
                opts.Union());
  b.SetInputs({idx});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int32_t>(0, {2, 0});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{5, 6, 1, 2}));
  m.SetInput<int32_t>(0, {0, 3});
  Status s = m.interp->Invoke();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("GATHER"), std::string::npos);
  m.SetInput<int32_t>(0, {-1, 0});
  EXPECT_FALSE(m.interp->Invoke().ok());
}

TEST(GatherOp, BatchDimsWithInt64Indices) {
  // in [2,3], indices [2,2], axis 1, batch_dims 1 -> out [2,2].
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt8, {2, 3});
  int idx = b.AddConstant<int64_t>(DataType::kInt64, {2, 2}, {2, 0, 1, 1});
  int out = b.AddTensor(DataType::kInt8, {2, 2});
  auto opts = tfl::CreateGatherOptions(b.fbb(), 1, 1);
  b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out}, tfl::BuiltinOptions::GatherOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int8_t>(0, {10, 11, 12, 20, 21, 22});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 2}));
  EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{12, 10, 21, 21}));
}

TEST(GatherOp, MiddleAxisOutputShape) {
  // in [2,3,2], indices [4] on axis 1 -> [2,4,2].
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3, 2});
  int idx = b.AddConstant<int32_t>(DataType::kInt32, {4}, {2, 2, 0, 1});
  int out = b.AddTensor(DataType::kFloat32, {});
  auto opts = tfl::CreateGatherOptions(b.fbb(), -2);
  b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out}, tfl::BuiltinOptions::GatherOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, Iota(12));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 4, 2}));
  EXPECT_EQ(m.GetOutput<float>(0),
            (std::vector<float>{4, 5, 4, 5, 0, 1, 2, 3, 10, 11, 10, 11, 6, 7, 8, 9}));
}

TEST(GatherOp, RejectsBadAxisAndBatchDims) {
  for (auto [axis, batch] : std::vector<std::pair<int, int>>{{2, 0}, {-3, 0}, {0, 1}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    int idx = b.AddConstant<int32_t>(DataType::kInt32, {2}, {0, 1});
    int out = b.AddTensor(DataType::kFloat32, {});
    auto opts = tfl::CreateGatherOptions(b.fbb(), axis, batch);
    b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out},
                  tfl::BuiltinOptions::GatherOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectBuildError(b, "GATHER");
  }
}

TEST(GatherOp, ConstantOutOfRangeFailsAtPrepare) {
  ModelBuilder b;
  int in = b.AddConstant<float>(DataType::kFloat32, {2}, {1, 2});
  int idx = b.AddConstant<int32_t>(DataType::kInt32, {1}, {2});
  int out = b.AddTensor(DataType::kFloat32, {1});
  b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out});
  b.SetOutputs({out});
  ExpectBuildError(b, "GATHER");
}

TEST(GatherOp, ConstantIndicesCheckedAtPrepare) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int idx = b.AddConstant<int64_t>(DataType::kInt64, {2}, {1, -1});
  int out = b.AddTensor(DataType::kFloat32, {2});
  b.AddOperator(tfl::BuiltinOperator::GATHER, {in, idx}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectBuildError(b, "GATHER");
}

TEST(TransposeOp, Float16BitsWithInt64Perm) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat16, {2, 2});
  int perm = b.AddConstant<int64_t>(DataType::kInt64, {2}, {1, 0});
  int out = b.AddTensor(DataType::kFloat16, {2, 2});
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE, {in, perm}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<uint16_t>(0, {0x3c00, 0x4000, 0x4200, 0x4400});  // 1, 2, 3, 4
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<uint16_t>(0), (std::vector<uint16_t>{0x3c00, 0x4200, 0x4000, 0x4400}));
}

// ------------------------------------------------------------- PACK/UNPACK

TEST(PackOp, Axis1) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {2});
  int y = b.AddTensor(DataType::kFloat32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2, 2});
  auto opts = tfl::CreatePackOptions(b.fbb(), 2, -1);
  b.AddOperator(tfl::BuiltinOperator::PACK, {x, y}, {out}, tfl::BuiltinOptions::PackOptions,
                opts.Union());
  b.SetInputs({x, y});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<float>(0, {1, 2});
  m.SetInput<float>(1, {3, 4});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 2}));
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{1, 3, 2, 4}));
}

TEST(PackOp, RejectsCountAndShapeMismatch) {
  {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {2});
    int y = b.AddTensor(DataType::kFloat32, {3});
    int out = b.AddTensor(DataType::kFloat32, {});
    auto opts = tfl::CreatePackOptions(b.fbb(), 2, 0);
    b.AddOperator(tfl::BuiltinOperator::PACK, {x, y}, {out}, tfl::BuiltinOptions::PackOptions,
                  opts.Union());
    b.SetInputs({x, y});
    b.SetOutputs({out});
    ExpectBuildError(b, "PACK");
  }
  {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {2});
    int out = b.AddTensor(DataType::kFloat32, {});
    auto opts = tfl::CreatePackOptions(b.fbb(), 3, 0);
    b.AddOperator(tfl::BuiltinOperator::PACK, {x}, {out}, tfl::BuiltinOptions::PackOptions,
                  opts.Union());
    b.SetInputs({x});
    b.SetOutputs({out});
    ExpectBuildError(b, "PACK");
  }
}

TEST(UnpackOp, Axis1) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt32, {2, 3});
  std::vector<int> outs;
  for (int i = 0; i < 3; ++i) outs.push_back(b.AddTensor(DataType::kInt32, {2}));
  auto opts = tfl::CreateUnpackOptions(b.fbb(), 3, 1);
  b.AddOperator(tfl::BuiltinOperator::UNPACK, {in}, outs, tfl::BuiltinOptions::UnpackOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs(outs);
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int32_t>(0, {0, 1, 2, 3, 4, 5});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{0, 3}));
  EXPECT_EQ(m.GetOutput<int32_t>(1), (std::vector<int32_t>{1, 4}));
  EXPECT_EQ(m.GetOutput<int32_t>(2), (std::vector<int32_t>{2, 5}));
}

TEST(UnpackOp, RejectsNumMismatch) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt32, {2, 3});
  std::vector<int> outs;
  for (int i = 0; i < 2; ++i) outs.push_back(b.AddTensor(DataType::kInt32, {}));
  auto opts = tfl::CreateUnpackOptions(b.fbb(), 2, 1);  // dim 1 is 3
  b.AddOperator(tfl::BuiltinOperator::UNPACK, {in}, outs, tfl::BuiltinOptions::UnpackOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs(outs);
  ExpectBuildError(b, "UNPACK");
}

// ------------------------------------------------------------------ DENSIFY

// ModelBuilder has no sparsity, so this writes the one-op model directly: a
// 4x4 FLOAT32 constant in CSR form (dense rows, sparse columns) -> DENSIFY.
// Segments are stored as UINT8 and indices as `index_type` (INT32/UINT16).
std::vector<uint8_t> DensifyModel(const std::vector<float>& values, const std::vector<int>& segs,
                                  const std::vector<int>& idxs, tfl::SparseIndexVector index_type) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<uint8_t> seg8(segs.begin(), segs.end());
  auto segments = tfl::CreateUint8Vector(b, b.CreateVector(seg8));
  flatbuffers::Offset<void> indices;
  if (index_type == tfl::SparseIndexVector::Uint16Vector) {
    std::vector<uint16_t> v(idxs.begin(), idxs.end());
    indices = tfl::CreateUint16Vector(b, b.CreateVector(v)).Union();
  } else {
    std::vector<int32_t> v(idxs.begin(), idxs.end());
    indices = tfl::CreateInt32Vector(b, b.CreateVector(v)).Union();
  }
  std::vector<flatbuffers::Offset<tfl::DimensionMetadata>> dims = {
      tfl::CreateDimensionMetadata(b, tfl::DimensionType::DENSE, 4),
      tfl::CreateDimensionMetadata(b, tfl::DimensionType::SPARSE_CSR, 0,
                                   tfl::SparseIndexVector::Uint8Vector, segments.Union(),
                                   index_type, indices)};
  auto sparsity = tfl::CreateSparsityParameters(b, b.CreateVector(std::vector<int32_t>{0, 1}), 0,
                                                b.CreateVector(dims));
  std::vector<uint8_t> raw(values.size() * sizeof(float));
  std::memcpy(raw.data(), values.data(), raw.size());
  b.ForceVectorAlignment(raw.size(), 1, 16);
  auto data = b.CreateVector(raw);
  std::vector<flatbuffers::Offset<tfl::Buffer>> buffers = {tfl::CreateBuffer(b),
                                                           tfl::CreateBuffer(b, data)};
  const std::vector<int32_t> shape = {4, 4};
  std::vector<flatbuffers::Offset<tfl::Tensor>> tensors = {
      tfl::CreateTensor(b, b.CreateVector(shape), tfl::TensorType::FLOAT32, 1,
                        b.CreateString("sparse"), 0, false, sparsity),
      tfl::CreateTensor(b, b.CreateVector(shape), tfl::TensorType::FLOAT32, 0,
                        b.CreateString("dense"))};
  std::vector<flatbuffers::Offset<tfl::Operator>> ops = {tfl::CreateOperator(
      b, 0, b.CreateVector(std::vector<int32_t>{0}), b.CreateVector(std::vector<int32_t>{1}))};
  std::vector<flatbuffers::Offset<tfl::OperatorCode>> codes = {tfl::CreateOperatorCode(
      b, static_cast<int8_t>(tfl::BuiltinOperator::DENSIFY), 0, 1, tfl::BuiltinOperator::DENSIFY)};
  auto subgraph =
      tfl::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(std::vector<int32_t>{}),
                          b.CreateVector(std::vector<int32_t>{1}), b.CreateVector(ops));
  std::vector<flatbuffers::Offset<tfl::SubGraph>> subgraphs = {subgraph};
  auto model = tfl::CreateModel(b, 3, b.CreateVector(codes), b.CreateVector(subgraphs), 0,
                                b.CreateVector(buffers));
  tfl::FinishModelBuffer(b, model);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

Status RunDensify(const std::vector<uint8_t>& bytes, std::vector<float>* out) {
  std::unique_ptr<Model> model;
  EDGEML_RETURN_IF_ERROR(Model::FromBufferCopy(bytes.data(), bytes.size(), &model));
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*model, resolver, {}, &interp));
  EDGEML_RETURN_IF_ERROR(interp->AllocateTensors());
  EXPECT_TRUE(interp->node(0).folded);
  EDGEML_RETURN_IF_ERROR(interp->Invoke());
  const Tensor* t = interp->output(0);
  out->resize(t->bytes / sizeof(float));
  std::memcpy(out->data(), t->data, t->bytes);
  return Status::Ok();
}

TEST(DensifyOp, CsrMatrixWithMixedIndexTypes) {
  // [[1,0,0,2],[0,0,0,0],[0,3,0,0],[4,0,5,0]]
  const std::vector<float> dense = {1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4, 0, 5, 0};
  for (auto type : {tfl::SparseIndexVector::Int32Vector, tfl::SparseIndexVector::Uint16Vector}) {
    std::vector<float> out;
    Status s =
        RunDensify(DensifyModel({1, 2, 3, 4, 5}, {0, 2, 2, 3, 5}, {0, 3, 1, 0, 2}, type), &out);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(out, dense);
  }
}

TEST(DensifyOp, RejectsLyingMetadata) {
  const auto i32 = tfl::SparseIndexVector::Int32Vector;
  std::vector<float> out;
  // Column index 9 in a 4-wide row.
  Status s = RunDensify(DensifyModel({1, 2, 3, 4, 5}, {0, 2, 2, 3, 5}, {0, 9, 1, 0, 2}, i32), &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("DENSIFY"), std::string::npos) << s.ToString();
  // Segments run past the indices.
  EXPECT_FALSE(
      RunDensify(DensifyModel({1, 2, 3, 4, 5}, {0, 2, 2, 3, 9}, {0, 3, 1, 0, 2}, i32), &out).ok());
  // Fewer stored values than the metadata describes.
  EXPECT_FALSE(
      RunDensify(DensifyModel({1, 2, 3, 4}, {0, 2, 2, 3, 5}, {0, 3, 1, 0, 2}, i32), &out).ok());
}

// ------------------------------------------------------ Folding chains

TEST(ShapeFamily, ShapeSliceReshapeChainFolds) {
  // SHAPE(x)[0:1] ++ [-1] -> RESHAPE(x): every shape-side op folds.
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {2, 3, 2});
  int shp = b.AddTensor(DataType::kInt32, {3});
  int bg = b.AddConstant<int32_t>(DataType::kInt32, {1}, {0});
  int en = b.AddConstant<int32_t>(DataType::kInt32, {1}, {1});
  int st = b.AddConstant<int32_t>(DataType::kInt32, {1}, {1});
  int lead = b.AddTensor(DataType::kInt32, {1});
  int minus1 = b.AddConstant<int32_t>(DataType::kInt32, {1}, {-1});
  int new_shape = b.AddTensor(DataType::kInt32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2, 6});
  auto shape_opts = tfl::CreateShapeOptions(b.fbb(), tfl::TensorType::INT32);
  b.AddOperator(tfl::BuiltinOperator::SHAPE, {x}, {shp}, tfl::BuiltinOptions::ShapeOptions,
                shape_opts.Union());
  b.AddOperator(tfl::BuiltinOperator::STRIDED_SLICE, {shp, bg, en, st}, {lead});
  auto cat_opts = tfl::CreateConcatenationOptions(b.fbb(), 0);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {lead, minus1}, {new_shape},
                tfl::BuiltinOptions::ConcatenationOptions, cat_opts.Union());
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {x, new_shape}, {out});
  b.SetInputs({x});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  EXPECT_TRUE(m.interp->node(0).folded);
  EXPECT_TRUE(m.interp->node(1).folded);
  EXPECT_TRUE(m.interp->node(2).folded);
  EXPECT_FALSE(m.interp->node(3).folded);
  m.SetInput<float>(0, Iota(12));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 6}));
  EXPECT_EQ(m.GetOutput<float>(0), Iota(12));
}

}  // namespace
}  // namespace edgeml
