// Quantized spatial ops (pooling, reductions, bilinear resize) against
// LiteRT 2.3.0's reference kernels, bit for bit.
//
// Goldens: each case was built as the same single-op model in Python
// (flatc-generated schema classes) and run with
//   Interpreter(model_path=..., experimental_op_resolver_type=
//               OpResolverType.BUILTIN_REF)
// on the input Seq<T>(n, mul, off) below (v_i = lo + (i*mul + off) mod range).
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/reference/reduce_quant.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using OptionsFn =
    std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(ModelBuilder&)>;

template <typename T>
std::vector<T> Seq(size_t n, int64_t mul, int64_t off) {
  const int64_t lo = std::numeric_limits<T>::min();
  const int64_t range = int64_t{std::numeric_limits<T>::max()} - lo + 1;
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(lo + (int64_t(i) * mul + off) % range);
  return v;
}

QuantizationParams Q(float scale, int64_t zp) {
  QuantizationParams q;
  q.scale = {scale};
  q.zero_point = {zp};
  return q;
}

struct OneOp {
  tfl::BuiltinOperator op;
  DataType type;
  Shape in_shape, out_shape;
  QuantizationParams in_q, out_q;
  std::vector<std::vector<int32_t>> int_inputs;  // constant 1-D int32 inputs
  OptionsFn options;
  int version = 1;
};

Status Build(TestModel* m, const OneOp& c) {
  ModelBuilder b;
  std::vector<int> inputs = {b.AddTensor(c.type, c.in_shape, "x", c.in_q)};
  for (const auto& v : c.int_inputs) {
    inputs.push_back(b.AddConstant<int32_t>(DataType::kInt32, {int32_t(v.size())}, v));
  }
  int out = b.AddTensor(c.type, c.out_shape, "y", c.out_q);
  auto opt = c.options ? c.options(b)
                       : std::make_pair(tfl::BuiltinOptions::NONE, flatbuffers::Offset<void>());
  b.AddOperator(c.op, inputs, {out}, opt.first, opt.second, c.version);
  b.SetInputs({inputs[0]});
  b.SetOutputs({out});
  return m->Build(b);
}

template <typename T>
std::vector<T> RunOp(const OneOp& c, const std::vector<T>& x) {
  TestModel m;
  Status s = Build(&m, c);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return {};
  m.SetInput<T>(0, x);
  s = m.interp->Invoke();
  EXPECT_TRUE(s.ok()) << s.message();
  return m.GetOutput<T>(0);
}

template <typename T>
void ExpectExact(const std::vector<T>& got, const std::vector<int64_t>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(int64_t{got[i]}, want[i]) << "at " << i;
}

OptionsFn Pool(tfl::Padding pad, int sw, int sh, int fw, int fh,
               tfl::ActivationFunctionType act = tfl::ActivationFunctionType::NONE) {
  return [=](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::Pool2DOptions,
                          tfl::CreatePool2DOptions(b.fbb(), pad, sw, sh, fw, fh, act).Union());
  };
}
OptionsFn Reducer(bool keep) {
  return [=](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::ReducerOptions,
                          tfl::CreateReducerOptions(b.fbb(), keep).Union());
  };
}
OptionsFn Bilinear(bool align, bool half) {
  return [=](ModelBuilder& b) {
    return std::make_pair(tfl::BuiltinOptions::ResizeBilinearOptions,
                          tfl::CreateResizeBilinearOptions(b.fbb(), align, half).Union());
  };
}

using tfl::ActivationFunctionType;
using tfl::BuiltinOperator;
using tfl::Padding;

// ------------------------------------------------------------------ pooling

const Shape kPoolIn = {1, 3, 3, 2};

TEST(QuantPool, AverageInt8) {
  const auto x = Seq<int8_t>(18, 37, 5);
  OneOp c{BuiltinOperator::AVERAGE_POOL_2D,
          DataType::kInt8,
          kPoolIn,
          kPoolIn,
          Q(0.5f, -3),
          Q(0.5f, -3),
          {},
          Pool(Padding::SAME, 1, 1, 2, 2),
          2};
  ExpectExact(RunOp(c, x),
              {-39, -66, -29, 8, 8, 45, -9, -36, -63, -26, -26, 11, -26, 11, -80, -43, -43, -6});
  // RELU6 on an output with zero point -128 and scale 0.05 clamps at 6.0 -> -8.
  c.out_shape = {1, 2, 2, 2};
  c.out_q = Q(0.05f, -128);
  c.options = Pool(Padding::VALID, 1, 1, 2, 2, ActivationFunctionType::RELU6);
  ExpectExact(RunOp(c, x), {-39, -66, -29, -8, -9, -36, -63, -26});
}

TEST(QuantPool, AverageUInt8AndInt16) {
  OneOp c{BuiltinOperator::AVERAGE_POOL_2D,
          DataType::kUInt8,
          kPoolIn,
          kPoolIn,
          Q(0.25f, 100),
          Q(0.25f, 100),
          {},
          Pool(Padding::SAME, 2, 2, 2, 3, ActivationFunctionType::RELU),
          1};
  ExpectExact(RunOp(c, Seq<uint8_t>(18, 53, 11)), {100, 148, 126, 100, 157, 146, 100, 113});
  OneOp d{BuiltinOperator::AVERAGE_POOL_2D,
          DataType::kInt16,
          kPoolIn,
          kPoolIn,
          Q(0.001f, 0),
          Q(0.001f, 0),
          {},
          Pool(Padding::SAME, 1, 1, 2, 2),
          3};
  ExpectExact(RunOp(d, Seq<int16_t>(18, 12345, 77)),
              {-16079, -3734, 8611, 4572, 20956, 533, -7545, 4800, 761, -3278, -3278, -23701, -3278,
               9067, -11356, 989, -31779, -19434});
}

TEST(QuantPool, Max) {
  OneOp c{BuiltinOperator::MAX_POOL_2D,
          DataType::kInt8,
          kPoolIn,
          kPoolIn,
          Q(0.5f, -3),
          Q(0.5f, -3),
          {},
          Pool(Padding::SAME, 1, 1, 2, 2, ActivationFunctionType::RELU),
          2};
  ExpectExact(RunOp(c, Seq<int8_t>(18, 37, 5)),
              {99, -3, 25, 62, 25, 62, 99, 102, -3, 28, -3, 28, 65, 102, -3, -3, -3, -3});
  OneOp d{BuiltinOperator::MAX_POOL_2D,
          DataType::kUInt8,
          kPoolIn,
          {1, 2, 2, 2},
          Q(0.25f, 100),
          Q(0.25f, 100),
          {},
          Pool(Padding::VALID, 1, 1, 2, 2),
          1};
  ExpectExact(RunOp(d, Seq<uint8_t>(18, 53, 11)), {179, 232, 223, 232, 241, 232, 241, 232});
  OneOp e{BuiltinOperator::MAX_POOL_2D,
          DataType::kInt16,
          kPoolIn,
          kPoolIn,
          Q(1.f / 4096, 0),
          Q(1.f / 4096, 0),
          {},
          Pool(Padding::SAME, 2, 2, 3, 3, ActivationFunctionType::RELU_N1_TO_1),
          3};
  ExpectExact(RunOp(e, Seq<int16_t>(18, 12345, 77)),
              {533, 4096, 4096, 4096, 4096, 4096, 4096, 4096});
}

TEST(QuantPool, RejectsBadQuantization) {
  TestModel m;
  // RELU needs the output's scale; a zero scale is malformed.
  OneOp c{BuiltinOperator::MAX_POOL_2D,
          DataType::kInt8,
          kPoolIn,
          kPoolIn,
          Q(0.5f, -3),
          Q(0.f, -3),
          {},
          Pool(Padding::SAME, 1, 1, 2, 2, ActivationFunctionType::RELU),
          2};
  Status s = Build(&m, c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("MAX_POOL_2D"), std::string::npos) << s.message();
  TestModel m2;
  c.out_q = Q(0.5f, 300);  // zero point outside int8
  s = Build(&m2, c);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("zero point"), std::string::npos) << s.message();
}

// --------------------------------------------------------------- reductions

const Shape kRedIn = {2, 3, 5, 2};

TEST(QuantReduce, MeanInt8) {
  const auto x = Seq<int8_t>(60, 37, 5);
  OneOp c{BuiltinOperator::MEAN,
          DataType::kInt8,
          kRedIn,
          {2, 1, 1, 2},
          Q(0.5f, -3),
          Q(0.3f, 7),
          {{1, 2}},
          Reducer(true),
          3};
  ExpectExact(RunOp(c, x), {-12, -8, 17, 22});
  OneOp d{BuiltinOperator::MEAN, DataType::kInt8, kRedIn,         {3, 5}, Q(0.02f, 127),
          Q(0.5f, -128),         {{-1, 0}},       Reducer(false), 3};
  ExpectExact(RunOp(d, x), {-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128,
                            -128, -128, -128});
  // Same scale and zero point: still the integer mean (multiplier 1/n).
  OneOp e{BuiltinOperator::MEAN, DataType::kInt8, kRedIn,         {2, 5, 2}, Q(0.5f, -3),
          Q(0.5f, -3),           {{1}},           Reducer(false), 3};
  ExpectExact(RunOp(e, x), {-9, -57, -20, 17, -32, 5, 42,  -6, -54, -17,
                            -8, 29,  -20, 17, 54,  6, -42, -5, 32,  -17});
}

TEST(QuantReduce, MeanUInt8AndInt16) {
  const auto xu = Seq<uint8_t>(60, 53, 11);
  OneOp c{BuiltinOperator::MEAN,
          DataType::kUInt8,
          kRedIn,
          {2, 3, 1, 2},
          Q(0.1f, 128),
          Q(0.001f, 0),
          {{2}},
          Reducer(true),
          2};
  ExpectExact(RunOp(c, xu),
              {0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0});  // saturates at 0 and 255
  OneOp d{BuiltinOperator::MEAN, DataType::kUInt8, kRedIn,         {}, Q(0.25f, 10),
          Q(3.f, 200),           {{0, 1, 2, 3}},   Reducer(false), 2};
  ExpectExact(RunOp(d, xu), {209});
  OneOp e{BuiltinOperator::MEAN, DataType::kInt16, kRedIn,         {2, 5}, Q(0.002f, 0),
          Q(0.003f, 0),          {{3, 1}},         Reducer(false), 3};
  ExpectExact(RunOp(e, Seq<int16_t>(60, 12345, 77)),
              {-915, -6300, 10160, -9789, -611, 5686, 301, -5084, 11376, -8573});
}

TEST(QuantReduce, SumUInt8) {
  const auto xu = Seq<uint8_t>(60, 53, 11);
  OneOp c{BuiltinOperator::SUM,
          DataType::kUInt8,
          kRedIn,
          {2, 5, 2},
          Q(0.05f, 3),
          Q(0.4f, 17),
          {{1}},
          Reducer(false),
          2};
  ExpectExact(RunOp(c, xu),
              {27, 47, 67, 87, 74, 30, 50, 70, 90, 78, 47, 67, 87, 75, 31, 51, 70, 90, 78, 34});
  OneOp d{BuiltinOperator::SUM, DataType::kUInt8, kRedIn,         {2, 5}, Q(0.5f, 0),
          Q(0.5f, 0),           {{1, 3}},         Reducer(false), 2};
  ExpectExact(RunOp(d, xu),
              {255, 255, 255, 255, 255, 255, 255, 255, 255, 255});  // saturates at 255
}

// LiteRT 2.3.0's reference SUM reads int8/int16 data as uint8 (a bug), so
// these goldens come from its optimized kernel (OpResolverType.
// BUILTIN_WITHOUT_DEFAULT_DELEGATES), which edgeml follows for these types.
TEST(QuantReduce, SumInt8AndInt16FollowLiteRTOptimized) {
  const auto x = Seq<int8_t>(60, 37, 5);
  OneOp c{BuiltinOperator::SUM, DataType::kInt8, kRedIn,         {2, 5, 2}, Q(0.05f, 3),
          Q(0.4f, -17),         {{1}},           Reducer(false), 2};
  ExpectExact(RunOp(c, x), {-22, -40, -26, -12, -30, -16, -2,  -20, -39, -25,
                            -21, -7,  -26, -12, 2,   -16, -34, -20, -6,  -24});
  OneOp d{BuiltinOperator::SUM, DataType::kInt8, kRedIn,         {2, 3}, Q(0.5f, -3),
          Q(0.5f, -3),          {{2, 3}},        Reducer(false), 2};
  ExpectExact(RunOp(d, x), {-128, 66, -74, 42, 127, 18});  // saturates both ways
  OneOp e{BuiltinOperator::SUM,
          DataType::kInt16,
          kRedIn,
          {1, 3, 1, 2},
          Q(0.002f, 0),
          Q(0.05f, 0),
          {{0, 2}},
          Reducer(true),
          2};
  ExpectExact(RunOp(e, Seq<int16_t>(60, 12345, 77)), {-3140, 1798, -946, -1251, 1248, 943});
  // By hand: x = {-128, 127, 5, -7}, real = 0.5 * (x + 3), sum = 4.5 = 18 steps
  // of 0.25 above the zero point 10.
  OneOp f{BuiltinOperator::SUM,
          DataType::kInt8,
          {4},
          {},
          Q(0.5f, -3),
          Q(0.25f, 10),
          {{0}},
          Reducer(false),
          2};
  ExpectExact(RunOp(f, std::vector<int8_t>{-128, 127, 5, -7}), {28});
}

TEST(QuantReduce, ReduceMax) {
  OneOp c{BuiltinOperator::REDUCE_MAX,
          DataType::kInt8,
          kRedIn,
          {2, 3, 2},
          Q(0.5f, -3),
          Q(0.5f, -3),
          {{2}},
          Reducer(false),
          2};
  ExpectExact(RunOp(c, Seq<int8_t>(60, 37, 5)),
              {99, 62, 65, 102, 105, 108, 111, 74, 117, 114, 83, 120});
  OneOp d{BuiltinOperator::REDUCE_MAX,
          DataType::kInt16,
          kRedIn,
          {1, 3, 5, 1},
          Q(0.5f, 0),
          Q(0.5f, 0),
          {{0, 3}},
          Reducer(true),
          3};
  ExpectExact(RunOp(d, Seq<int16_t>(60, 12345, 77)),
              {22324, 4344, 29034, 30858, 12878, 25223, 27047, 21412, 23236, 5256, 29946, 31770,
               13790, 26135, 27959});
}

TEST(QuantReduce, RejectsWhatLiteRTRejects) {
  {
    TestModel m;  // REDUCE_MAX does not rescale
    OneOp c{BuiltinOperator::REDUCE_MAX,
            DataType::kInt8,
            kRedIn,
            {2, 3, 2},
            Q(0.5f, -3),
            Q(0.25f, -3),
            {{2}},
            Reducer(false),
            2};
    Status s = Build(&m, c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
    EXPECT_NE(s.message().find("REDUCE_MAX"), std::string::npos) << s.message();
  }
  {
    TestModel m;  // int16 zero points must be 0
    OneOp c{BuiltinOperator::MEAN, DataType::kInt16, kRedIn,         {2, 5}, Q(0.002f, 0),
            Q(0.003f, 4),          {{3, 1}},         Reducer(false), 3};
    Status s = Build(&m, c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
    EXPECT_NE(s.message().find("zero point 0"), std::string::npos) << s.message();
  }
  {
    TestModel m;  // quantized MEAN needs quantization parameters
    OneOp c{BuiltinOperator::MEAN,
            DataType::kInt8,
            kRedIn,
            {2, 5},
            Q(0.5f, 0),
            {},
            {{3, 1}},
            Reducer(false),
            3};
    EXPECT_EQ(Build(&m, c).code(), StatusCode::kInvalidModel);
  }
}

TEST(QuantReduceKernel, MeanMultiplierFoldsTheCount) {
  // 0.75 = 0.75 * 2^0 -> mantissa 0.75 * 2^31; n = 6 -> k = 2, mantissa * 4 / 6.
  const quant::Multiplier m = quant::QuantizeMultiplier(0.75);
  const quant::Multiplier r = reference::MeanMultiplier(m, 6);
  EXPECT_EQ(r.shift, m.shift - 2);
  EXPECT_EQ(r.mantissa, static_cast<int32_t>((int64_t{m.mantissa} << 2) / 6));
  // k is capped at 31 + shift: a tiny multiplier keeps its shift >= -31.
  quant::Multiplier tiny{1 << 30, -30};
  EXPECT_EQ(reference::MeanMultiplier(tiny, 1 << 20).shift, -31);
}

// ------------------------------------------------------------------- resize

const Shape kResizeIn = {1, 3, 4, 2};

TEST(QuantResize, BilinearInt8) {
  const auto x = Seq<int8_t>(24, 37, 5);
  OneOp c{BuiltinOperator::RESIZE_BILINEAR,
          DataType::kInt8,
          kResizeIn,
          {1, 5, 7, 2},
          Q(0.5f, -3),
          Q(0.5f, -3),
          {{5, 7}},
          Bilinear(false, true),
          3};
  ExpectExact(RunOp(c, x),
              {-123, -86, -97, -60, -54, -17, -12, 25,  30, 49,   72,  -55, 99,   -120,
               -107, -70, -81, -44, -38, -1,  4,   41,  39, 65,   23,  -39, 13,   -104,
               -83,  -46, -57, -20, -14, 23,  28,  65,  52, 89,   -52, -15, -117, -80,
               -59,  -22, -33, 4,   10,  47,  52,  12,  76, -29,  -28, -46, -93,  -56,
               -43,  -6,  -17, 20,  26,  63,  68,  -23, 92, -109, -12, -67, -77,  -40});
  c.options = Bilinear(false, false);
  ExpectExact(RunOp(c, x), {-123, -86, -81, -44, -38, -1, 4,  41,  46, 10,  88,  -94, 99,   -120,
                            -99,  -62, -57, -20, -14, 23, 28, 65,  26, 34,  -19, -70, -31,  -96,
                            -75,  -38, -33, 4,   10,  39, 52, 52,  21, 22,  -83, -53, -109, -72,
                            -51,  -14, -9,  28,  34,  41, 76, -33, 45, -64, -59, -51, -85,  -48,
                            -43,  -6,  -1,  36,  42,  42, 84, -62, 53, -93, -51, -51, -77,  -40});
}

TEST(QuantResize, BilinearUInt8) {
  const auto x = Seq<uint8_t>(24, 53, 11);
  OneOp c{BuiltinOperator::RESIZE_BILINEAR,
          DataType::kUInt8,
          kResizeIn,
          {1, 5, 7, 2},
          Q(0.5f, 3),
          Q(0.5f, 3),
          {{5, 7}},
          Bilinear(true, false),
          1};
  ExpectExact(RunOp(c, x), {11,  64,  64,  117, 117, 170, 170, 95,  223, 20,  148, 73,  73,  126,
                            95,  148, 84,  137, 73,  126, 126, 115, 179, 104, 168, 93,  157, 82,
                            179, 232, 104, 157, 29,  82,  82,  135, 135, 188, 188, 113, 241, 38,
                            135, 188, 124, 177, 113, 166, 102, 155, 91,  144, 144, 133, 197, 122,
                            91,  144, 144, 197, 197, 250, 122, 175, 47,  100, 100, 153, 153, 206});
  c.options = Bilinear(false, true);
  ExpectExact(RunOp(c, x), {11,  64,  49,  102, 109, 162, 170, 95,  212, 28,  127, 88,  73,  126,
                            78,  131, 79,  132, 82,  135, 135, 111, 184, 87,  157, 90,  140, 91,
                            179, 232, 125, 178, 40,  93,  82,  135, 143, 177, 203, 92,  241, 38,
                            126, 179, 127, 180, 130, 183, 106, 159, 90,  135, 150, 138, 188, 139,
                            91,  144, 129, 182, 189, 242, 122, 175, 55,  108, 115, 168, 153, 206});
}

TEST(QuantResize, BilinearInt16Downscale) {
  OneOp c{BuiltinOperator::RESIZE_BILINEAR,
          DataType::kInt16,
          kResizeIn,
          {1, 2, 3, 2},
          Q(0.5f, 0),
          Q(0.5f, 0),
          {{2, 3}},
          Bilinear(true, false),
          4};
  ExpectExact(RunOp(c, Seq<int16_t>(24, 12345, 77)), {-32691, -20346, 4344, 16689, -24157, -11812,
                                                      -31779, -19434, 5256, 17601, -23245, -10900});
}

}  // namespace
}  // namespace edgeml
