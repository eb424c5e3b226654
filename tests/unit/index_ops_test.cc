// The index family: kernel tests against hand-computed values, then
// single-op models through the interpreter (REDUCE_MIN/PROD/ANY, ARG_MIN,
// TILE, BROADCAST_TO, MIRROR_PAD, REVERSE_V2, CUMSUM, GATHER_ND), and crafted
// models that prepare (or, for GATHER_ND indices, eval) must reject.
#include "kernels/reference/index_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kernels/reference/reduce.h"
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

void ExpectOpError(const Status& s, const char* op) {
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(op), std::string::npos) << s.ToString();
}

// ------------------------------------------------------------------ kernels

TEST(IndexKernels, ReduceMinProdAny) {
  // [2, 3] reduced over axis 1.
  auto g = reference::MakeReduceGeometry({2, 3}, {false, true});
  std::vector<int64_t> index(g.dims.size() + 1);
  const std::vector<float> x = {3, -1, 2, 0.5f, 4, 2};
  std::vector<float> y(2);
  reference::ReduceMin<float>(g, x.data(), y.data(), index.data());
  EXPECT_EQ(y, (std::vector<float>{-1, 0.5f}));
  reference::ReduceProdF32(g, x.data(), y.data(), index.data());
  EXPECT_EQ(y, (std::vector<float>{-6, 4}));
  const bool b[6] = {false, false, false, false, true, false};
  bool any[2] = {true, false};
  reference::ReduceAnyBool(g, b, any, index.data());
  EXPECT_FALSE(any[0]);
  EXPECT_TRUE(any[1]);
  // Empty reduction: identities.
  auto empty = reference::MakeReduceGeometry({2, 0}, {false, true});
  reference::ReduceMin<float>(empty, x.data(), y.data(), index.data());
  EXPECT_EQ(y[0], std::numeric_limits<float>::max());
  reference::ReduceProdF32(empty, x.data(), y.data(), index.data());
  EXPECT_EQ(y[1], 1.f);
}

TEST(IndexKernels, ArgMinFirstWins) {
  // [2, 3]: along axis 1.
  const float x[6] = {2, 1, 1, -5, 0, -5};
  int32_t out[2];
  reference::ArgMin<float, int32_t>(2, 3, 1, x, out);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 0);
  // Along axis 0 (outer 1, axis 2, inner 3).
  int64_t out0[3];
  reference::ArgMin<float, int64_t>(1, 2, 3, x, out0);
  EXPECT_EQ(out0[0], 1);  // -5 < 2
  EXPECT_EQ(out0[1], 1);  // 0 < 1
  EXPECT_EQ(out0[2], 1);  // -5 < 1
  // Ties along axis 0 keep the first.
  const float tie[2] = {3, 3};
  reference::ArgMin<float, int64_t>(1, 2, 1, tie, out0);
  EXPECT_EQ(out0[0], 0);
}

TEST(IndexKernels, CumSumModes) {
  const float x[4] = {1, 2, 3, 4};
  float y[4];
  reference::CumSum<float>(1, 4, 1, false, false, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{1, 3, 6, 10}));
  reference::CumSum<float>(1, 4, 1, true, false, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{0, 1, 3, 6}));
  reference::CumSum<float>(1, 4, 1, false, true, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{10, 9, 7, 4}));
  reference::CumSum<float>(1, 4, 1, true, true, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{9, 7, 4, 0}));
  // Integer sums wrap rather than overflow (no undefined behaviour).
  const int32_t big[2] = {std::numeric_limits<int32_t>::max(), 1};
  int32_t wrapped[2];
  reference::CumSum<int32_t>(1, 2, 1, false, false, big, wrapped);
  EXPECT_EQ(wrapped[1], std::numeric_limits<int32_t>::min());
  // [2, 2] along axis 0 (inner 2).
  reference::CumSum<float>(1, 2, 2, false, false, x, y);
  EXPECT_EQ(std::vector<float>(y, y + 4), (std::vector<float>{1, 2, 4, 6}));
}

std::vector<float> RunMaps(const std::vector<std::vector<int64_t>>& maps,
                           const std::vector<float>& in) {
  size_t n = 1;
  for (const auto& m : maps) n *= m.size();
  std::vector<float> out(n);
  std::vector<int64_t> index(maps.size() + 1);
  reference::CopyByAxisMaps<4>(maps, in.data(), out.data(), index.data());
  return out;
}

TEST(IndexKernels, TileBroadcastMirrorReverse) {
  // Tile [2] x3 -> [6]; [1,2] -> [2,4].
  EXPECT_EQ(RunMaps(reference::TileMaps({2}, {6}), {1, 2}), (std::vector<float>{1, 2, 1, 2, 1, 2}));
  EXPECT_EQ(RunMaps(reference::TileMaps({1, 2}, {2, 4}), {1, 2}),
            (std::vector<float>{1, 2, 1, 2, 1, 2, 1, 2}));
  // Broadcast [3] -> [2, 3] (leading axis added).
  EXPECT_EQ(RunMaps(reference::TileMaps({3}, {2, 3}), {1, 2, 3}),
            (std::vector<float>{1, 2, 3, 1, 2, 3}));
  // Mirror pad [1,2,3] by (2, 2): REFLECT 3 2 | 1 2 3 | 2 1; SYMMETRIC 2 1 | 1 2 3 | 3 2.
  EXPECT_EQ(RunMaps(reference::MirrorPadMaps({3}, {2}, {2}, false), {1, 2, 3}),
            (std::vector<float>{3, 2, 1, 2, 3, 2, 1}));
  EXPECT_EQ(RunMaps(reference::MirrorPadMaps({3}, {2}, {2}, true), {1, 2, 3}),
            (std::vector<float>{2, 1, 1, 2, 3, 3, 2}));
  // Reverse [2, 3] along axis 1 and along both.
  EXPECT_EQ(RunMaps(reference::ReverseMaps({2, 3}, {false, true}), Iota(6)),
            (std::vector<float>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(RunMaps(reference::ReverseMaps({2, 3}, {true, true}), Iota(6)),
            (std::vector<float>{5, 4, 3, 2, 1, 0}));
  // Scalar and empty outputs.
  EXPECT_EQ(RunMaps({}, {7}), (std::vector<float>{7}));
  EXPECT_TRUE(RunMaps(reference::TileMaps({2}, {0}), {1, 2}).empty());
}

TEST(IndexKernels, GatherNdChecksIndices) {
  // params [3, 2]; indices [[2], [0]] -> rows 2 and 0.
  const float params[6] = {0, 1, 10, 11, 20, 21};
  const int32_t dims[1] = {3};
  const int64_t strides[1] = {2};
  const int32_t idx[2] = {2, 0};
  float out[4] = {};
  EXPECT_EQ(reference::GatherNd(idx, 2, 1, dims, strides, params, 4, 8, out), -1);
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{20, 21, 0, 1}));
  const int64_t bad[2] = {1, 3};
  EXPECT_EQ(reference::GatherNd(bad, 2, 1, dims, strides, params, 4, 8, out), 1);
  const int64_t negative[1] = {-1};
  EXPECT_EQ(reference::GatherNd(negative, 1, 1, dims, strides, params, 4, 8, out), 0);
}

TEST(IndexKernels, SplitOneHotScatterTopK) {
  // Split [2, 3] along axis 1 into 1 + 2.
  const float x[6] = {0, 1, 2, 3, 4, 5};
  float a[2], b[4];
  void* outs[2] = {a, b};
  reference::SplitAxis(2, 3, 1, 4, x, {1, 2}, outs);
  EXPECT_EQ(std::vector<float>(a, a + 2), (std::vector<float>{0, 3}));
  EXPECT_EQ(std::vector<float>(b, b + 4), (std::vector<float>{1, 2, 4, 5}));
  // One-hot of [1, 3, -1] with depth 3 on the last axis: 3 and -1 are all off.
  const int32_t idx[3] = {1, 3, -1};
  float oh[9];
  reference::OneHot<float, int32_t>(3, 3, 1, idx, 5.f, -1.f, oh);
  EXPECT_EQ(std::vector<float>(oh, oh + 9),
            (std::vector<float>{-1, 5, -1, -1, -1, -1, -1, -1, -1}));
  // Scatter into [4]: duplicates add.
  const int32_t sidx[3] = {1, 3, 1};
  const float upd[3] = {1, 2, 4};
  const int32_t dims[1] = {4};
  const int64_t strides[1] = {1};
  float sc[4];
  EXPECT_EQ((reference::ScatterNd<float, int32_t>(sidx, 3, 1, dims, strides, upd, 1, 4, sc)), -1);
  EXPECT_EQ(std::vector<float>(sc, sc + 4), (std::vector<float>{0, 5, 0, 2}));
  const int32_t sbad[1] = {4};
  EXPECT_EQ((reference::ScatterNd<float, int32_t>(sbad, 1, 1, dims, strides, upd, 1, 4, sc)), 0);
  // Top 3 of [1, 7, 3, 7, 5]: ties keep the lower index first.
  const float row[5] = {1, 7, 3, 7, 5};
  float values[3];
  int32_t indices[3], order[5];
  reference::TopK<float>(1, 5, 3, row, values, indices, order);
  EXPECT_EQ(std::vector<float>(values, values + 3), (std::vector<float>{7, 7, 5}));
  EXPECT_EQ(std::vector<int32_t>(indices, indices + 3), (std::vector<int32_t>{1, 3, 4}));
}

TEST(IndexKernels, SpaceToBatchAndBack) {
  // [1, 2, 3, 1] with block [2, 2] and paddings [[0, 0], [1, 0]]: width
  // padded to 4 -> output [4, 1, 2, 1]. Input rows: [1 2 3], [4 5 6];
  // padded: [0 1 2 3], [0 4 5 6].
  reference::SpaceBatchGeometry g;
  g.in_spatial = {2, 3};
  g.out_spatial = {1, 2};
  g.block = {2, 2};
  g.before = {0, 1};
  g.in_batch = 1;
  g.out_batch = 4;
  g.chunk = 4;
  const float in[6] = {1, 2, 3, 4, 5, 6};
  float out[8];
  reference::SpaceToBatch(g, in, out);
  // Batch (sh, sw): (0,0) -> padded[0][0,2]; (0,1) -> [0][1,3]; (1,0); (1,1).
  EXPECT_EQ(std::vector<float>(out, out + 8), (std::vector<float>{0, 2, 1, 3, 0, 5, 4, 6}));
  // Back: crops equal the paddings.
  reference::SpaceBatchGeometry back = g;
  std::swap(back.in_spatial, back.out_spatial);
  back.in_batch = 4;
  back.out_batch = 1;
  float round_trip[6];
  reference::BatchToSpace(back, out, round_trip);
  EXPECT_EQ(std::vector<float>(round_trip, round_trip + 6), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(IndexKernels, SpaceToBatchInt8PadsWithZeroPoint) {
  // The geometry above on int8 data with zero point -7: the padded column
  // holds -7 (LiteRT pads quantized data with the output's zero point).
  reference::SpaceBatchGeometry g;
  g.in_spatial = {2, 3};
  g.out_spatial = {1, 2};
  g.block = {2, 2};
  g.before = {0, 1};
  g.in_batch = 1;
  g.out_batch = 4;
  g.chunk = 1;
  const int8_t in[6] = {1, 2, 3, 4, 5, 6};
  int8_t out[8];
  reference::SpaceToBatch(g, in, out, static_cast<uint8_t>(-7 & 0xff));
  EXPECT_EQ(std::vector<int8_t>(out, out + 8), (std::vector<int8_t>{-7, 2, 1, 3, -7, 5, 4, 6}));
}

// ---------------------------------------------------------------- op models

// One op with a runtime input 0, then constant inputs, one output of
// `out_type` whose shape prepare computes.
struct OneOp {
  OneOp(tfl::BuiltinOperator op_in, DataType in_type_in, Shape in_shape_in,
        DataType out_type_in = DataType::kFloat32)
      : op(op_in), in_type(in_type_in), in_shape(std::move(in_shape_in)), out_type(out_type_in) {}
  tfl::BuiltinOperator op;
  DataType in_type;
  Shape in_shape;
  DataType out_type;
  // Adds the constant inputs; returns their tensor indices.
  std::function<std::vector<int>(ModelBuilder&)> constants;
  // Creates the options; may be empty.
  std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)> options;
  int version = 1;

  Status Build(TestModel* m) const {
    ModelBuilder b;
    int in = b.AddTensor(in_type, in_shape, "in");
    std::vector<int> inputs = {in};
    if (constants) {
      for (int c : constants(b)) inputs.push_back(c);
    }
    int out = b.AddTensor(out_type, {}, "out");
    tfl::BuiltinOptions type = tfl::BuiltinOptions::NONE;
    flatbuffers::Offset<void> opts = 0;
    if (options) std::tie(type, opts) = options(b);
    b.AddOperator(op, inputs, {out}, type, opts, version);
    b.SetInputs({in});
    b.SetOutputs({out});
    return m->Build(b);
  }
};

std::function<std::vector<int>(ModelBuilder&)> IntConst(std::vector<int32_t> v, Shape shape) {
  return [v, shape](ModelBuilder& b) {
    return std::vector<int>{b.AddConstant<int32_t>(DataType::kInt32, shape, v, "c")};
  };
}

std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)> KeepDims(
    bool keep) {
  return [keep](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::ReducerOptions,
                          tfl::CreateReducerOptions(b.fbb(), keep).Union());
  };
}

TEST(IndexOps, ReduceMinAndProd) {
  const std::vector<float> x = {3, -1, 2, 0.5f, 4, 2};  // [2, 3]
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::REDUCE_MIN, DataType::kFloat32, {2, 3}};
    c.constants = IntConst({-1}, {1});
    c.options = KeepDims(true);
    ASSERT_TRUE(c.Build(&m).ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2, 1}));
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{-1, 0.5f}));
  }
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::REDUCE_PROD, DataType::kFloat32, {2, 3}};
    c.constants = IntConst({0}, {1});
    ASSERT_TRUE(c.Build(&m).ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{3}));
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{1.5f, -4, 4}));
  }
}

// Int8 REDUCE_MIN works on raw values and needs the output quantized as the
// input.
TEST(IndexOps, ReduceMinInt8) {
  auto build = [](TestModel* m, float out_scale) {
    ModelBuilder b;
    QuantizationParams q{{0.5f}, {3}, 0};
    QuantizationParams qo{{out_scale}, {3}, 0};
    int in = b.AddTensor(DataType::kInt8, {2, 2}, "in", q);
    int axis = b.AddConstant<int32_t>(DataType::kInt32, {1}, {0}, "axis");
    int out = b.AddTensor(DataType::kInt8, {}, "out", qo);
    b.AddOperator(tfl::BuiltinOperator::REDUCE_MIN, {in, axis}, {out},
                  tfl::BuiltinOptions::ReducerOptions, tfl::CreateReducerOptions(b.fbb()).Union(),
                  2);
    b.SetInputs({in});
    b.SetOutputs({out});
    return m->Build(b);
  };
  TestModel m;
  ASSERT_TRUE(build(&m, 0.5f).ok());
  m.SetInput<int8_t>(0, {-7, 100, 5, -128});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{-7, -128}));
  TestModel rescaled;
  ExpectOpError(build(&rescaled, 0.25f), "REDUCE_MIN");
}

TEST(IndexOps, ReduceAnyBool) {
  TestModel m;
  OneOp c{tfl::BuiltinOperator::REDUCE_ANY, DataType::kBool, {2, 2}, DataType::kBool};
  c.constants = IntConst({1}, {1});
  ASSERT_TRUE(c.Build(&m).ok());
  // bool tensors hold one byte per element.
  m.SetInput<uint8_t>(0, {0, 0, 0, 1});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<uint8_t>(0), (std::vector<uint8_t>{0, 1}));
}

TEST(IndexOps, ReduceRejectsBadInputs) {
  TestModel m1;
  OneOp c{tfl::BuiltinOperator::REDUCE_MIN, DataType::kFloat32, {2, 3}};
  c.constants = IntConst({2}, {1});
  ExpectOpError(c.Build(&m1), "REDUCE_MIN");
  TestModel m2;
  OneOp any{tfl::BuiltinOperator::REDUCE_ANY, DataType::kFloat32, {2}, DataType::kFloat32};
  any.constants = IntConst({0}, {1});
  ExpectOpError(any.Build(&m2), "REDUCE_ANY");
}

std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)> ArgMinOpts(
    tfl::TensorType t) {
  return [t](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::ArgMinOptions,
                          tfl::CreateArgMinOptions(b.fbb(), t).Union());
  };
}

TEST(IndexOps, ArgMin) {
  TestModel m;
  OneOp c{tfl::BuiltinOperator::ARG_MIN, DataType::kFloat32, {2, 3}, DataType::kInt64};
  c.constants = IntConst({1}, {1});
  c.options = ArgMinOpts(tfl::TensorType::INT64);
  ASSERT_TRUE(c.Build(&m).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2}));
  m.SetInput<float>(0, {2, 1, 1, -5, 0, -5});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int64_t>(0), (std::vector<int64_t>{1, 0}));

  TestModel bad_axis;
  c.constants = IntConst({2}, {1});
  ExpectOpError(c.Build(&bad_axis), "ARG_MIN");
  TestModel bad_type;
  c.constants = IntConst({0}, {1});
  c.out_type = DataType::kInt32;  // disagrees with output_type INT64
  ExpectOpError(c.Build(&bad_type), "ARG_MIN");
}

TEST(IndexOps, TileAndBroadcastTo) {
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::TILE, DataType::kFloat32, {2, 2}};
    c.constants = IntConst({1, 2}, {2});
    ASSERT_TRUE(c.Build(&m).ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2, 4}));
    m.SetInput<float>(0, {1, 2, 3, 4});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4}));
  }
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::BROADCAST_TO, DataType::kInt32, {2, 1}, DataType::kInt32};
    c.constants = IntConst({2, 2, 3}, {3});
    ASSERT_TRUE(c.Build(&m).ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{2, 2, 3}));
    m.SetInput<int32_t>(0, {5, 6});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<int32_t>(0), (std::vector<int32_t>{5, 5, 5, 6, 6, 6, 5, 5, 5, 6, 6, 6}));
  }
}

TEST(IndexOps, TileAndBroadcastToRejectCraftedModels) {
  OneOp tile{tfl::BuiltinOperator::TILE, DataType::kFloat32, {2, 2}};
  TestModel m1;
  tile.constants = IntConst({1}, {1});  // wrong length
  ExpectOpError(tile.Build(&m1), "TILE");
  TestModel m2;
  tile.constants = IntConst({1, -1}, {2});  // negative
  ExpectOpError(tile.Build(&m2), "TILE");
  TestModel m3;
  tile.constants = IntConst({1 << 30, 1 << 30}, {2});  // dims overflow int32
  ExpectOpError(tile.Build(&m3), "TILE");
  TestModel m6;  // an int64 multiple whose product would overflow int64
  tile.constants = [](ModelBuilder& b) {
    return std::vector<int>{
        b.AddConstant<int64_t>(DataType::kInt64, {2}, {1, int64_t{1} << 62}, "multiples")};
  };
  ExpectOpError(tile.Build(&m6), "TILE");
  OneOp bt{tfl::BuiltinOperator::BROADCAST_TO, DataType::kFloat32, {2, 3}};
  TestModel m4;
  bt.constants = IntConst({4, 2}, {2});  // 3 does not broadcast to 2
  ExpectOpError(bt.Build(&m4), "BROADCAST_TO");
  TestModel m5;
  bt.constants = IntConst({3}, {1});  // rank below the input's
  ExpectOpError(bt.Build(&m5), "BROADCAST_TO");
}

std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)> Mirror(
    tfl::MirrorPadMode mode) {
  return [mode](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::MirrorPadOptions,
                          tfl::CreateMirrorPadOptions(b.fbb(), mode).Union());
  };
}

TEST(IndexOps, MirrorPad) {
  // [2, 3] padded by rows (1, 0) and columns (0, 2).
  const std::vector<float> x = {1, 2, 3, 4, 5, 6};
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::MIRROR_PAD, DataType::kFloat32, {2, 3}};
    c.constants = IntConst({1, 0, 0, 2}, {2, 2});
    c.options = Mirror(tfl::MirrorPadMode::REFLECT);
    ASSERT_TRUE(c.Build(&m).ok());
    EXPECT_EQ(m.OutputShape(0), (Shape{3, 5}));
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<float>(0),
              (std::vector<float>{4, 5, 6, 5, 4, 1, 2, 3, 2, 1, 4, 5, 6, 5, 4}));
  }
  {
    TestModel m;
    OneOp c{tfl::BuiltinOperator::MIRROR_PAD, DataType::kFloat32, {2, 3}};
    c.constants = IntConst({1, 0, 0, 2}, {2, 2});
    c.options = Mirror(tfl::MirrorPadMode::SYMMETRIC);
    ASSERT_TRUE(c.Build(&m).ok());
    m.SetInput<float>(0, x);
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<float>(0),
              (std::vector<float>{1, 2, 3, 3, 2, 1, 2, 3, 3, 2, 4, 5, 6, 6, 5}));
  }
}

TEST(IndexOps, MirrorPadRejectsCraftedPaddings) {
  OneOp c{tfl::BuiltinOperator::MIRROR_PAD, DataType::kFloat32, {2, 3}};
  c.options = Mirror(tfl::MirrorPadMode::REFLECT);
  TestModel m1;
  c.constants = IntConst({2, 0, 0, 0}, {2, 2});  // REFLECT allows at most dim - 1
  ExpectOpError(c.Build(&m1), "MIRROR_PAD");
  TestModel m2;
  c.constants = IntConst({0, 0, -1, 0}, {2, 2});
  ExpectOpError(c.Build(&m2), "MIRROR_PAD");
  TestModel m3;
  c.constants = IntConst({0, 0}, {1, 2});  // wrong shape
  ExpectOpError(c.Build(&m3), "MIRROR_PAD");
  TestModel m4;
  c.options = Mirror(tfl::MirrorPadMode::SYMMETRIC);
  c.constants = IntConst({0, 0, 0, 4}, {2, 2});  // SYMMETRIC allows at most dim
  ExpectOpError(c.Build(&m4), "MIRROR_PAD");
}

TEST(IndexOps, MirrorPadEmptyDim) {
  // A zero-size dim accepts zero padding (and nothing else) in REFLECT mode.
  OneOp c{tfl::BuiltinOperator::MIRROR_PAD, DataType::kFloat32, {0, 2}};
  c.options = Mirror(tfl::MirrorPadMode::REFLECT);
  c.constants = IntConst({0, 0, 1, 1}, {2, 2});
  TestModel ok;
  ASSERT_TRUE(c.Build(&ok).ok());
  EXPECT_EQ(ok.OutputShape(0), (Shape{0, 4}));
  ASSERT_TRUE(ok.interp->Invoke().ok());
  TestModel bad;
  c.constants = IntConst({1, 0, 0, 0}, {2, 2});
  ExpectOpError(c.Build(&bad), "MIRROR_PAD");
}

TEST(IndexOps, ReverseV2) {
  TestModel m;
  OneOp c{tfl::BuiltinOperator::REVERSE_V2, DataType::kFloat32, {2, 3}};
  c.constants = IntConst({-1}, {1});
  ASSERT_TRUE(c.Build(&m).ok());
  m.SetInput<float>(0, Iota(6));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{2, 1, 0, 5, 4, 3}));
  TestModel bad;
  c.constants = IntConst({-3}, {1});
  ExpectOpError(c.Build(&bad), "REVERSE_V2");
}

std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)> Cumsum(
    bool exclusive, bool reverse) {
  return [exclusive, reverse](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::CumsumOptions,
                          tfl::CreateCumsumOptions(b.fbb(), exclusive, reverse).Union());
  };
}

TEST(IndexOps, CumSum) {
  TestModel m;
  OneOp c{tfl::BuiltinOperator::CUMSUM, DataType::kFloat32, {2, 3}};
  c.constants = IntConst({1}, {});
  c.options = Cumsum(true, true);
  ASSERT_TRUE(c.Build(&m).ok());
  m.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{5, 3, 0, 11, 6, 0}));
  TestModel bad;
  c.constants = IntConst({2}, {});
  ExpectOpError(c.Build(&bad), "CUMSUM");
}

TEST(IndexOps, GatherNd) {
  // params [2, 2, 2]; indices [2, 2] select [1, 0] and [0, 1] -> [2, 2].
  auto build = [](TestModel* m, std::vector<int32_t> idx, Shape idx_shape) {
    ModelBuilder b;
    int params = b.AddTensor(DataType::kFloat32, {2, 2, 2}, "params");
    int indices = b.AddTensor(DataType::kInt32, idx_shape, "indices");
    int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(tfl::BuiltinOperator::GATHER_ND, {params, indices}, {out});
    b.SetInputs({params, indices});
    b.SetOutputs({out});
    Status s = m->Build(b);
    if (s.ok()) {
      m->SetInput<float>(0, Iota(8));
      m->SetInput<int32_t>(1, idx);
    }
    return s;
  };
  TestModel m;
  ASSERT_TRUE(build(&m, {1, 0, 0, 1}, {2, 2}).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 2}));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{4, 5, 2, 3}));

  TestModel oob;  // index 2 of a dim of 2: an error at eval, no read
  ASSERT_TRUE(build(&oob, {1, 0, 2, 1}, {2, 2}).ok());
  Status s = oob.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("GATHER_ND"), std::string::npos) << s.ToString();

  TestModel too_long;  // tuples of 4 for params of rank 3
  ExpectOpError(build(&too_long, {0, 0, 0, 0}, {1, 4}), "GATHER_ND");
}

TEST(IndexOps, SplitV) {
  auto build = [](TestModel* m, std::vector<int32_t> sizes, int32_t axis, int outputs) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3}, "in");
    int sz = b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(sizes.size())}, sizes,
                                    "sizes");
    int ax = b.AddConstant<int32_t>(DataType::kInt32, {}, {axis}, "axis");
    std::vector<int> outs;
    for (int i = 0; i < outputs; ++i) outs.push_back(b.AddTensor(DataType::kFloat32, {}));
    auto opts = tfl::CreateSplitVOptions(b.fbb(), outputs);
    b.AddOperator(tfl::BuiltinOperator::SPLIT_V, {in, sz, ax}, outs,
                  tfl::BuiltinOptions::SplitVOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs(outs);
    return m->Build(b);
  };
  TestModel m;
  ASSERT_TRUE(build(&m, {-1, 1}, 1, 2).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 2}));
  EXPECT_EQ(m.OutputShape(1), (Shape{2, 1}));
  m.SetInput<float>(0, Iota(6));
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{0, 1, 3, 4}));
  EXPECT_EQ(m.GetOutput<float>(1), (std::vector<float>{2, 5}));

  TestModel bad_sum, two_unknown, bad_axis, bad_count;
  ExpectOpError(build(&bad_sum, {1, 1}, 1, 2), "SPLIT_V");
  ExpectOpError(build(&two_unknown, {-1, -1}, 1, 2), "SPLIT_V");
  ExpectOpError(build(&bad_axis, {1, 2}, 2, 2), "SPLIT_V");
  ExpectOpError(build(&bad_count, {1, 2, 0}, 1, 2), "SPLIT_V");
}

TEST(IndexOps, OneHot) {
  auto build = [](TestModel* m, int32_t depth, int axis) {
    ModelBuilder b;
    int idx = b.AddTensor(DataType::kInt32, {2}, "indices");
    int d = b.AddConstant<int32_t>(DataType::kInt32, {}, {depth}, "depth");
    int on = b.AddConstant<float>(DataType::kFloat32, {}, {1.f}, "on");
    int off = b.AddConstant<float>(DataType::kFloat32, {}, {0.f}, "off");
    int out = b.AddTensor(DataType::kFloat32, {}, "out");
    auto opts = tfl::CreateOneHotOptions(b.fbb(), axis);
    b.AddOperator(tfl::BuiltinOperator::ONE_HOT, {idx, d, on, off}, {out},
                  tfl::BuiltinOptions::OneHotOptions, opts.Union());
    b.SetInputs({idx});
    b.SetOutputs({out});
    return m->Build(b);
  };
  TestModel m;
  ASSERT_TRUE(build(&m, 3, 0).ok());  // depth first: [3, 2]
  EXPECT_EQ(m.OutputShape(0), (Shape{3, 2}));
  m.SetInput<int32_t>(0, {2, 0});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{0, 1, 0, 0, 1, 0}));
  TestModel bad_depth, bad_axis;
  ExpectOpError(build(&bad_depth, -1, -1), "ONE_HOT");
  ExpectOpError(build(&bad_axis, 3, 2), "ONE_HOT");
}

TEST(IndexOps, ScatterNd) {
  auto build = [](TestModel* m, Shape idx_shape, Shape upd_shape, std::vector<int32_t> shape) {
    ModelBuilder b;
    int idx = b.AddTensor(DataType::kInt32, idx_shape, "indices");
    int upd = b.AddTensor(DataType::kFloat32, upd_shape, "updates");
    int sh = b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(shape.size())}, shape,
                                    "shape");
    int out = b.AddTensor(DataType::kFloat32, {}, "out");
    b.AddOperator(tfl::BuiltinOperator::SCATTER_ND, {idx, upd, sh}, {out});
    b.SetInputs({idx, upd});
    b.SetOutputs({out});
    return m->Build(b);
  };
  TestModel m;  // rows 2 and 0 of a [3, 2] output; row 2 twice
  ASSERT_TRUE(build(&m, {3, 1}, {3, 2}, {3, 2}).ok());
  m.SetInput<int32_t>(0, {2, 0, 2});
  m.SetInput<float>(1, {1, 2, 3, 4, 10, 20});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{3, 4, 0, 0, 11, 22}));
  m.SetInput<int32_t>(0, {2, 3, 0});
  Status s = m.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SCATTER_ND"), std::string::npos) << s.ToString();
  TestModel bad_updates, bad_shape;
  ExpectOpError(build(&bad_updates, {3, 1}, {3, 3}, {3, 2}), "SCATTER_ND");
  ExpectOpError(build(&bad_shape, {3, 1}, {3, 2}, {3, -2}), "SCATTER_ND");
}

TEST(IndexOps, TopKV2) {
  auto build = [](TestModel* m, int32_t k) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3}, "in");
    int kt = b.AddConstant<int32_t>(DataType::kInt32, {}, {k}, "k");
    int values = b.AddTensor(DataType::kFloat32, {}, "values");
    int indices = b.AddTensor(DataType::kInt32, {}, "indices");
    b.AddOperator(tfl::BuiltinOperator::TOPK_V2, {in, kt}, {values, indices});
    b.SetInputs({in});
    b.SetOutputs({values, indices});
    return m->Build(b);
  };
  TestModel m;
  ASSERT_TRUE(build(&m, 2).ok());
  EXPECT_EQ(m.OutputShape(0), (Shape{2, 2}));
  m.SetInput<float>(0, {1, 3, 2, 6, 6, -1});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{3, 2, 6, 6}));
  EXPECT_EQ(m.GetOutput<int32_t>(1), (std::vector<int32_t>{1, 2, 0, 1}));
  TestModel too_big, negative;
  ExpectOpError(build(&too_big, 4), "TOPK_V2");
  ExpectOpError(build(&negative, -1), "TOPK_V2");
}

Status BuildSpaceBatch(TestModel* m, tfl::BuiltinOperator op, Shape in_shape,
                       std::vector<int32_t> block, std::vector<int32_t> pads) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, in_shape, "in");
  int bl = b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(block.size())}, block,
                                  "block");
  int pd = b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(pads.size() / 2), 2},
                                  pads, "pads");
  int out = b.AddTensor(DataType::kFloat32, {}, "out");
  b.AddOperator(op, {in, bl, pd}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(IndexOps, SpaceToBatchAndBatchToSpace) {
  TestModel s2b;  // same case as the kernel test
  ASSERT_TRUE(BuildSpaceBatch(&s2b, tfl::BuiltinOperator::SPACE_TO_BATCH_ND, {1, 2, 3, 1}, {2, 2},
                              {0, 0, 1, 0})
                  .ok());
  EXPECT_EQ(s2b.OutputShape(0), (Shape{4, 1, 2, 1}));
  s2b.SetInput<float>(0, {1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(s2b.interp->Invoke().ok());
  EXPECT_EQ(s2b.GetOutput<float>(0), (std::vector<float>{0, 2, 1, 3, 0, 5, 4, 6}));

  TestModel b2s;
  ASSERT_TRUE(BuildSpaceBatch(&b2s, tfl::BuiltinOperator::BATCH_TO_SPACE_ND, {4, 1, 2, 1}, {2, 2},
                              {0, 0, 1, 0})
                  .ok());
  EXPECT_EQ(b2s.OutputShape(0), (Shape{1, 2, 3, 1}));
  b2s.SetInput<float>(0, {0, 2, 1, 3, 0, 5, 4, 6});
  ASSERT_TRUE(b2s.interp->Invoke().ok());
  EXPECT_EQ(b2s.GetOutput<float>(0), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(IndexOps, SpaceBatchRejectCraftedModels) {
  const auto s2b = tfl::BuiltinOperator::SPACE_TO_BATCH_ND;
  const auto b2s = tfl::BuiltinOperator::BATCH_TO_SPACE_ND;
  TestModel m1, m2, m3, m4, m5;
  // Padded width 3 is not a multiple of 2.
  ExpectOpError(BuildSpaceBatch(&m1, s2b, {1, 2, 3, 1}, {2, 2}, {0, 0, 0, 0}), "SPACE_TO_BATCH_ND");
  // Zero block.
  ExpectOpError(BuildSpaceBatch(&m2, s2b, {1, 2, 2, 1}, {0, 2}, {0, 0, 0, 0}), "SPACE_TO_BATCH_ND");
  // Negative padding.
  ExpectOpError(BuildSpaceBatch(&m3, s2b, {1, 2, 2, 1}, {2, 2}, {-2, 0, 0, 0}),
                "SPACE_TO_BATCH_ND");
  // Batch 3 is not a multiple of 4.
  ExpectOpError(BuildSpaceBatch(&m4, b2s, {3, 1, 1, 1}, {2, 2}, {0, 0, 0, 0}), "BATCH_TO_SPACE_ND");
  // Crops larger than the output.
  ExpectOpError(BuildSpaceBatch(&m5, b2s, {4, 1, 1, 1}, {2, 2}, {2, 1, 0, 0}), "BATCH_TO_SPACE_ND");
}

}  // namespace
}  // namespace edgeml
