// Op-level tests of the spatial family: single-op models through the
// interpreter (pooling, reductions, resize, depth<->space, PAD/PADV2), and
// models an untrusted source could send that prepare must reject.
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

std::vector<float> Iota(int n, float start = 0.f) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// The error must come from prepare and name the op.
void ExpectOpError(const Status& s, const char* op) {
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(op), std::string::npos) << s.ToString();
}

// ---------------------------------------------------------------- pooling

Status BuildPool(TestModel* m, tfl::BuiltinOperator op, const Shape& in_shape, tfl::Padding pad,
                 int stride, int filter,
                 tfl::ActivationFunctionType act = tfl::ActivationFunctionType::NONE,
                 DataType type = DataType::kFloat32) {
  ModelBuilder b;
  int in = b.AddTensor(type, in_shape, "in");
  int out = b.AddTensor(type, {}, "out");
  auto opts = tfl::CreatePool2DOptions(b.fbb(), pad, stride, stride, filter, filter, act);
  b.AddOperator(op, {in}, {out}, tfl::BuiltinOptions::Pool2DOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(PoolOp, AverageSameBorders) {
  TestModel m;
  ASSERT_TRUE(
      BuildPool(&m, tfl::BuiltinOperator::AVERAGE_POOL_2D, {1, 3, 3, 1}, tfl::Padding::SAME, 1, 3)
          .ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 3, 3, 1}));
  m.SetInput<float>(0, Iota(9, 1.f));
  ASSERT_TRUE(m.interp->Invoke().ok());
  ExpectNear(m.GetOutput<float>(0), {3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7});
}

TEST(PoolOp, MaxStride2Valid) {
  TestModel m;
  ASSERT_TRUE(
      BuildPool(&m, tfl::BuiltinOperator::MAX_POOL_2D, {1, 4, 4, 1}, tfl::Padding::VALID, 2, 2)
          .ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 2, 2, 1}));
  m.SetInput<float>(0, Iota(16, 1.f));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{6, 8, 14, 16}));
}

// SAME with stride 2 on 5x5 and a 2x2 window: output 3x3, pad total 1 after,
// so the last row/column averages 2 elements and the corner just 1.
TEST(PoolOp, AveragePartialWindowsWithRelu6) {
  TestModel m;
  ASSERT_TRUE(BuildPool(&m, tfl::BuiltinOperator::AVERAGE_POOL_2D, {1, 5, 5, 1}, tfl::Padding::SAME,
                        2, 2, tfl::ActivationFunctionType::RELU6)
                  .ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 3, 3, 1}));
  // Values -2..22: windows average to (top-left + 3) and clamp into [0, 6].
  m.SetInput<float>(0, Iota(25, -2.f));
  ASSERT_TRUE(m.interp->Invoke().ok());
  // (0,0): -2,-1,3,4 -> 1; (0,1): 0,1,5,6 -> 3; (0,2): 2,7 -> 4.5;
  // (1,0): 8,9,13,14 -> 11 -> 6; others larger -> 6.
  ExpectNear(m.GetOutput<float>(0), {1, 3, 4.5, 6, 6, 6, 6, 6, 6});
}

TEST(PoolOp, RejectsBadModels) {
  TestModel m1, m2, m3, m4;
  ExpectOpError(
      BuildPool(&m1, tfl::BuiltinOperator::AVERAGE_POOL_2D, {1, 4, 4, 1}, tfl::Padding::SAME, 0, 2),
      "AVERAGE_POOL_2D");
  ExpectOpError(
      BuildPool(&m2, tfl::BuiltinOperator::MAX_POOL_2D, {4, 4, 1}, tfl::Padding::SAME, 1, 2),
      "MAX_POOL_2D");
  // A VALID window larger than the input leaves nothing to compute.
  ExpectOpError(
      BuildPool(&m3, tfl::BuiltinOperator::MAX_POOL_2D, {1, 2, 2, 1}, tfl::Padding::VALID, 1, 3),
      "MAX_POOL_2D");
  ExpectOpError(BuildPool(&m4, tfl::BuiltinOperator::MAX_POOL_2D, {1, 2, 2, 1}, tfl::Padding::SAME,
                          1, 2, tfl::ActivationFunctionType::NONE, DataType::kInt32),
                "MAX_POOL_2D");
}

// ---------------------------------------------------------------- reduce

Status BuildReduce(TestModel* m, tfl::BuiltinOperator op, const Shape& in_shape,
                   const std::vector<int32_t>& axes, bool keep_dims, bool axis_constant = true,
                   DataType axis_type = DataType::kInt32) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, in_shape, "in");
  int axis;
  if (!axis_constant) {
    axis = b.AddTensor(DataType::kInt32, {static_cast<int32_t>(axes.size())}, "axis");
  } else if (axis_type == DataType::kInt64) {
    axis = b.AddConstant<int64_t>(DataType::kInt64, {static_cast<int32_t>(axes.size())},
                                  std::vector<int64_t>(axes.begin(), axes.end()), "axis");
  } else {
    axis =
        b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(axes.size())}, axes, "axis");
  }
  int out = b.AddTensor(DataType::kFloat32, {}, "out");
  auto opts = tfl::CreateReducerOptions(b.fbb(), keep_dims);
  b.AddOperator(op, {in, axis}, {out}, tfl::BuiltinOptions::ReducerOptions, opts.Union());
  b.SetInputs(axis_constant ? std::vector<int>{in} : std::vector<int>{in, axis});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunReduce(tfl::BuiltinOperator op, const Shape& in_shape,
                             const std::vector<int32_t>& axes, bool keep_dims,
                             const std::vector<float>& in, Shape* out_shape) {
  TestModel m;
  Status s = BuildReduce(&m, op, in_shape, axes, keep_dims);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  m.SetInput<float>(0, in);
  EXPECT_TRUE(m.interp->Invoke().ok());
  *out_shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

// [2,2,2,2] = 0..15 over axes 1, 2: out[b][c] = mean of 8b + 4h + 2w + c.
TEST(ReduceOp, MeanAxes12KeepDims) {
  Shape shape;
  ExpectNear(RunReduce(tfl::BuiltinOperator::MEAN, {2, 2, 2, 2}, {1, 2}, true, Iota(16), &shape),
             {3, 4, 11, 12});
  EXPECT_EQ(shape, (Shape{2, 1, 1, 2}));
  ExpectNear(RunReduce(tfl::BuiltinOperator::MEAN, {2, 2, 2, 2}, {2, 1}, false, Iota(16), &shape),
             {3, 4, 11, 12});
  EXPECT_EQ(shape, (Shape{2, 2}));
}

TEST(ReduceOp, SumNegativeAndDuplicateAxes) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};  // [2,3]
  Shape shape;
  ExpectNear(RunReduce(tfl::BuiltinOperator::SUM, {2, 3}, {-1}, false, x, &shape), {6, 15});
  EXPECT_EQ(shape, (Shape{2}));
  // 0 and -2 name the same axis: reduced once, dropped once.
  ExpectNear(RunReduce(tfl::BuiltinOperator::SUM, {2, 3}, {0, -2}, false, x, &shape), {5, 7, 9});
  EXPECT_EQ(shape, (Shape{3}));
  ExpectNear(RunReduce(tfl::BuiltinOperator::SUM, {2, 3}, {0, -2}, true, x, &shape), {5, 7, 9});
  EXPECT_EQ(shape, (Shape{1, 3}));
}

TEST(ReduceOp, MaxOverAllAxes) {
  Shape shape;
  ExpectNear(RunReduce(tfl::BuiltinOperator::REDUCE_MAX, {2, 3}, {0, 1}, false,
                       {-5, -1, -7, -3, -2, -9}, &shape),
             {-1});
  EXPECT_EQ(shape, (Shape{}));
  ExpectNear(RunReduce(tfl::BuiltinOperator::REDUCE_MAX, {2, 3}, {1, 0}, true,
                       {-5, -1, -7, -3, -2, -9}, &shape),
             {-1});
  EXPECT_EQ(shape, (Shape{1, 1}));
}

TEST(ReduceOp, MeanRank6) {
  Shape shape;
  const std::vector<float> x = Iota(48);  // [2,1,3,2,2,2]
  std::vector<float> got =
      RunReduce(tfl::BuiltinOperator::MEAN, {2, 1, 3, 2, 2, 2}, {2, -1, 4}, false, x, &shape);
  EXPECT_EQ(shape, (Shape{2, 1, 2}));
  // Independent formula over the kept axes 0 and 3.
  std::vector<float> want(4, 0.f);
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 3; ++c)
      for (int d = 0; d < 2; ++d)
        for (int e = 0; e < 2; ++e)
          for (int f = 0; f < 2; ++f)
            want[a * 2 + d] += x[((((a * 3 + c) * 2 + d) * 2 + e) * 2 + f)];
  for (float& w : want) w /= 12.f;
  ExpectNear(got, want);
}

TEST(ReduceOp, RejectsBadModels) {
  TestModel m1, m2, m3, m4;
  // A run-time axis makes the output shape dynamic: prepare is deferred to
  // Invoke, which then reduces over the axis it is given.
  Status s = BuildReduce(&m1, tfl::BuiltinOperator::MEAN, {2, 3}, {1}, false, false);
  ASSERT_TRUE(s.ok()) << s.ToString();
  m1.SetInput<float>(0, Iota(6));
  m1.SetInput<int32_t>(1, {1});
  ASSERT_TRUE(m1.interp->Invoke().ok());
  EXPECT_EQ(m1.OutputShape(0), Shape({2}));
  ExpectNear(m1.GetOutput<float>(0), {1, 4});
  s = BuildReduce(&m2, tfl::BuiltinOperator::SUM, {2, 3}, {2}, false);
  ExpectOpError(s, "SUM");
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  ExpectOpError(BuildReduce(&m3, tfl::BuiltinOperator::REDUCE_MAX, {2, 3}, {-3}, true),
                "REDUCE_MAX");
  ExpectOpError(
      BuildReduce(&m4, tfl::BuiltinOperator::MEAN, {2, 3}, {0}, false, true, DataType::kInt64),
      "MEAN");
}

// ---------------------------------------------------------------- resize

struct ResizeSpec {
  Shape in_shape = {1, 2, 2, 1};
  std::vector<int32_t> size = {4, 4};
  Shape size_shape = {2};
  bool size_constant = true;
  bool align = false, half = false;
};

Status BuildResize(TestModel* m, tfl::BuiltinOperator op, const ResizeSpec& r) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, r.in_shape, "in");
  int size = r.size_constant
                 ? b.AddConstant<int32_t>(DataType::kInt32, r.size_shape, r.size, "size")
                 : b.AddTensor(DataType::kInt32, r.size_shape, "size");
  int out = b.AddTensor(DataType::kFloat32, {}, "out");
  if (op == tfl::BuiltinOperator::RESIZE_BILINEAR) {
    auto o = tfl::CreateResizeBilinearOptions(b.fbb(), r.align, r.half);
    b.AddOperator(op, {in, size}, {out}, tfl::BuiltinOptions::ResizeBilinearOptions, o.Union(), 3);
  } else {
    auto o = tfl::CreateResizeNearestNeighborOptions(b.fbb(), r.align, r.half);
    b.AddOperator(op, {in, size}, {out}, tfl::BuiltinOptions::ResizeNearestNeighborOptions,
                  o.Union(), 3);
  }
  b.SetInputs(r.size_constant ? std::vector<int>{in} : std::vector<int>{in, size});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunResize(tfl::BuiltinOperator op, const ResizeSpec& r,
                             const std::vector<float>& in) {
  TestModel m;
  Status s = BuildResize(&m, op, r);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  EXPECT_EQ(m.OutputShape(0), (Shape{r.in_shape[0], r.size[0], r.size[1], r.in_shape[3]}));
  m.SetInput<float>(0, in);
  EXPECT_TRUE(m.interp->Invoke().ok());
  return m.GetOutput<float>(0);
}

TEST(ResizeOp, Bilinear2x2To4x4AllModes) {
  const std::vector<float> x = {1, 2, 3, 4};
  ResizeSpec r;
  ExpectNear(RunResize(tfl::BuiltinOperator::RESIZE_BILINEAR, r, x),
             {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
  r.half = true;
  ExpectNear(RunResize(tfl::BuiltinOperator::RESIZE_BILINEAR, r, x),
             {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4});
  r.half = false;
  r.align = true;
  const float t = 1.f / 3.f;
  std::vector<float> want;
  for (int y = 0; y < 4; ++y)
    for (int xx = 0; xx < 4; ++xx) want.push_back(1.f + xx * t + 2.f * y * t);
  ExpectNear(RunResize(tfl::BuiltinOperator::RESIZE_BILINEAR, r, x), want);
}

TEST(ResizeOp, NearestHalfPixelCenters) {
  // 3x3 -> 2x2: plain picks rows/cols {0, 1}; half-pixel floor(.75), floor(2.25) = {0, 2}.
  const std::vector<float> x = Iota(9, 1.f);
  ResizeSpec r;
  r.in_shape = {1, 3, 3, 1};
  r.size = {2, 2};
  EXPECT_EQ(RunResize(tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, r, x),
            (std::vector<float>{1, 2, 4, 5}));
  r.half = true;
  EXPECT_EQ(RunResize(tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, r, x),
            (std::vector<float>{1, 3, 7, 9}));
  r.half = false;
  r.align = true;
  EXPECT_EQ(RunResize(tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, r, x),
            (std::vector<float>{1, 3, 7, 9}));
}

TEST(ResizeOp, RejectsBadModels) {
  {
    ResizeSpec r;
    r.size = {4, 4, 1};
    r.size_shape = {3};
    TestModel m;
    ExpectOpError(BuildResize(&m, tfl::BuiltinOperator::RESIZE_BILINEAR, r), "RESIZE_BILINEAR");
  }
  {
    ResizeSpec r;
    r.size_constant = false;
    TestModel m;
    // A run-time size is read at Invoke (deferred prepare), not refused.
    Status s = BuildResize(&m, tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, r);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  {
    ResizeSpec r;
    r.size = {0, 4};
    TestModel m;
    ExpectOpError(BuildResize(&m, tfl::BuiltinOperator::RESIZE_BILINEAR, r), "RESIZE_BILINEAR");
  }
  {
    ResizeSpec r;
    r.align = r.half = true;
    TestModel m;
    ExpectOpError(BuildResize(&m, tfl::BuiltinOperator::RESIZE_BILINEAR, r), "RESIZE_BILINEAR");
  }
  {
    ResizeSpec r;
    r.in_shape = {2, 2, 1};
    TestModel m;
    ExpectOpError(BuildResize(&m, tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, r),
                  "RESIZE_NEAREST_NEIGHBOR");
  }
  {
    ResizeSpec r;
    r.in_shape = {1, 0, 2, 1};
    TestModel m;
    ExpectOpError(BuildResize(&m, tfl::BuiltinOperator::RESIZE_BILINEAR, r), "RESIZE_BILINEAR");
  }
}

// ---------------------------------------------------------------- depth <-> space

Status BuildDepthSpace(TestModel* m, tfl::BuiltinOperator op, const Shape& in_shape, int block,
                       DataType type = DataType::kFloat32) {
  ModelBuilder b;
  int in = b.AddTensor(type, in_shape, "in");
  int out = b.AddTensor(type, {}, "out");
  if (op == tfl::BuiltinOperator::DEPTH_TO_SPACE) {
    auto o = tfl::CreateDepthToSpaceOptions(b.fbb(), block);
    b.AddOperator(op, {in}, {out}, tfl::BuiltinOptions::DepthToSpaceOptions, o.Union());
  } else {
    auto o = tfl::CreateSpaceToDepthOptions(b.fbb(), block);
    b.AddOperator(op, {in}, {out}, tfl::BuiltinOptions::SpaceToDepthOptions, o.Union());
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(DepthSpaceOp, RoundTrip) {
  TestModel d2s, s2d;
  ASSERT_TRUE(BuildDepthSpace(&d2s, tfl::BuiltinOperator::DEPTH_TO_SPACE, {1, 1, 2, 8}, 2).ok());
  EXPECT_EQ(d2s.OutputShape(0), (Shape{1, 2, 4, 2}));
  d2s.SetInput<float>(0, Iota(16));
  ASSERT_TRUE(d2s.interp->Invoke().ok());
  const std::vector<float> mid = d2s.GetOutput<float>(0);
  EXPECT_EQ(mid, (std::vector<float>{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15}));

  ASSERT_TRUE(BuildDepthSpace(&s2d, tfl::BuiltinOperator::SPACE_TO_DEPTH, {1, 2, 4, 2}, 2).ok());
  EXPECT_EQ(s2d.OutputShape(0), (Shape{1, 1, 2, 8}));
  s2d.SetInput<float>(0, mid);
  ASSERT_TRUE(s2d.interp->Invoke().ok());
  EXPECT_EQ(s2d.GetOutput<float>(0), Iota(16));
}

TEST(DepthSpaceOp, Int8DepthToSpace) {
  TestModel m;
  ASSERT_TRUE(
      BuildDepthSpace(&m, tfl::BuiltinOperator::DEPTH_TO_SPACE, {1, 1, 1, 4}, 2, DataType::kInt8)
          .ok());
  m.SetInput<int8_t>(0, {-1, 2, -3, 4});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{-1, 2, -3, 4}));
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 2, 2, 1}));
}

TEST(DepthSpaceOp, RejectsBadModels) {
  TestModel m1, m2, m3, m4;
  // Depth 8 is not divisible by 3^2.
  ExpectOpError(BuildDepthSpace(&m1, tfl::BuiltinOperator::DEPTH_TO_SPACE, {1, 1, 1, 8}, 3),
                "DEPTH_TO_SPACE");
  ExpectOpError(BuildDepthSpace(&m2, tfl::BuiltinOperator::DEPTH_TO_SPACE, {1, 1, 1, 8}, 0),
                "DEPTH_TO_SPACE");
  // Height 3 is not divisible by 2.
  ExpectOpError(BuildDepthSpace(&m3, tfl::BuiltinOperator::SPACE_TO_DEPTH, {1, 3, 4, 1}, 2),
                "SPACE_TO_DEPTH");
  ExpectOpError(BuildDepthSpace(&m4, tfl::BuiltinOperator::SPACE_TO_DEPTH, {1, 4, 4, 1}, -2),
                "SPACE_TO_DEPTH");
}

// ---------------------------------------------------------------- pad

struct PadSpec {
  DataType type = DataType::kFloat32;
  Shape in_shape = {2, 3};
  std::vector<int64_t> paddings = {1, 0, 0, 2};
  Shape paddings_shape = {2, 2};
  DataType paddings_type = DataType::kInt32;
  bool paddings_constant = true;
  bool input_constant = false;
  std::vector<uint8_t> input_bytes;  // when input_constant
  std::vector<uint8_t> value;        // PADV2 constant_values bytes (empty: absent)
  Shape value_shape = {};
  DataType value_type = DataType::kFloat32;
  bool value_constant = true;  // else a graph input, read at Invoke()
  QuantizationParams quant;    // of input and output
};

Status BuildPad(TestModel* m, const PadSpec& p) {
  ModelBuilder b;
  int in = p.input_constant ? b.AddConstantBytes(p.type, p.in_shape, p.input_bytes, "in", p.quant)
                            : b.AddTensor(p.type, p.in_shape, "in", p.quant);
  int pads;
  if (!p.paddings_constant) {
    pads = b.AddTensor(p.paddings_type, p.paddings_shape, "paddings");
  } else if (p.paddings_type == DataType::kInt64) {
    pads = b.AddConstant<int64_t>(DataType::kInt64, p.paddings_shape, p.paddings, "paddings");
  } else {
    pads = b.AddConstant<int32_t>(p.paddings_type, p.paddings_shape,
                                  std::vector<int32_t>(p.paddings.begin(), p.paddings.end()),
                                  "paddings");
  }
  int out = b.AddTensor(p.type, {}, "out", p.quant);
  std::vector<int> inputs = {in, pads};
  tfl::BuiltinOperator op = tfl::BuiltinOperator::PAD;
  int value = -1;
  if (!p.value.empty()) {
    op = tfl::BuiltinOperator::PADV2;
    value = p.value_constant
                ? b.AddConstantBytes(p.value_type, p.value_shape, p.value, "value", p.quant)
                : b.AddTensor(p.value_type, p.value_shape, "value", p.quant);
    inputs.push_back(value);
  }
  b.AddOperator(op, inputs, {out});
  std::vector<int> graph_inputs;
  if (!p.input_constant) graph_inputs.push_back(in);
  if (!p.paddings_constant) graph_inputs.push_back(pads);
  if (value >= 0 && !p.value_constant) graph_inputs.push_back(value);
  b.SetInputs(graph_inputs);
  b.SetOutputs({out});
  return m->Build(b);
}

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& v) {
  std::vector<uint8_t> bytes(v.size() * sizeof(T));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

TEST(PadOp, PadFloatWithZeros) {
  TestModel m;
  ASSERT_TRUE(BuildPad(&m, PadSpec{}).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{3, 5}));
  m.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0),
            (std::vector<float>{0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0}));
}

TEST(PadOp, PadV2Int64PaddingsAndValue) {
  PadSpec p;
  p.paddings_type = DataType::kInt64;
  p.paddings = {0, 1, 1, 0};
  p.value = Bytes<float>({-7.5f});
  TestModel m;
  ASSERT_TRUE(BuildPad(&m, p).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{3, 4}));
  m.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0),
            (std::vector<float>{-7.5, 1, 2, 3, -7.5, 4, 5, 6, -7.5, -7.5, -7.5, -7.5}));
}

// PADV2's fill value may be computed at run time: it is read at Invoke().
TEST(PadOp, PadV2RunTimeValue) {
  PadSpec p;
  p.in_shape = {1, 1, 2};
  p.paddings = {0, 0, 1, 0, 0, 1};
  p.paddings_shape = {3, 2};
  p.value = Bytes<float>({0});
  p.value_constant = false;
  TestModel m;
  ASSERT_TRUE(BuildPad(&m, p).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{1, 2, 3}));
  m.SetInput<float>(0, {1, 2});
  m.SetInput<float>(1, {4.5f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{4.5, 4.5, 4.5, 1, 2, 4.5}));
  m.SetInput<float>(1, {-1.f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{-1, -1, -1, 1, 2, -1}));
}

// Quantized PAD fills with the output zero point (real value 0).
TEST(PadOp, Int8PadUsesZeroPoint) {
  PadSpec p;
  p.type = DataType::kInt8;
  p.in_shape = {1, 2};
  p.paddings = {0, 0, 1, 1};
  p.quant.scale = {0.5f};
  p.quant.zero_point = {-3};
  TestModel m;
  ASSERT_TRUE(BuildPad(&m, p).ok());
  m.SetInput<int8_t>(0, {10, -20});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{-3, 10, -20, -3}));
}

// Every input constant: computed once at prepare, Invoke() skips the node.
TEST(PadOp, ConstantInputIsFolded) {
  PadSpec p;
  p.type = DataType::kInt32;
  p.in_shape = {2};
  p.paddings = {2, 1};
  p.paddings_shape = {1, 2};
  p.input_constant = true;
  p.input_bytes = Bytes<int32_t>({7, 8});
  p.value = Bytes<int32_t>({-1});
  p.value_type = DataType::kInt32;
  TestModel m;
  Status s = BuildPad(&m, p);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(m.interp->node(0).folded);
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{-1, -1, 7, 8, -1}));
}

TEST(PadOp, RejectsBadModels) {
  {
    PadSpec p;
    p.paddings = {1, -1, 0, 0};
    TestModel m;
    ExpectOpError(BuildPad(&m, p), "PAD");
  }
  {
    PadSpec p;
    p.paddings_constant = false;
    TestModel m;
    // Run-time paddings are read at Invoke (deferred prepare; values are
    // checked in dynamic_shape tests), not refused.
    Status s = BuildPad(&m, p);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  {
    PadSpec p;  // rank 2 input needs [2, 2] paddings
    p.paddings = {1, 1};
    p.paddings_shape = {1, 2};
    TestModel m;
    ExpectOpError(BuildPad(&m, p), "PAD");
  }
  {
    PadSpec p;
    p.value = Bytes<int32_t>({3});
    p.value_type = DataType::kInt32;  // input is FLOAT32
    TestModel m;
    ExpectOpError(BuildPad(&m, p), "PADV2");
  }
  {
    PadSpec p;
    p.value = Bytes<float>({1, 2});
    p.value_shape = {2};
    TestModel m;
    ExpectOpError(BuildPad(&m, p), "PADV2");
  }
  {
    PadSpec p;  // padded dim past INT32_MAX
    p.paddings_type = DataType::kInt64;
    p.paddings = {0, 0, 0, int64_t{1} << 31};
    TestModel m;
    ExpectOpError(BuildPad(&m, p), "PAD");
  }
}

}  // namespace
}  // namespace edgeml
