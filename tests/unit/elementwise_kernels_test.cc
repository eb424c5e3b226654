// Kernel-level tests of the elementwise reference kernels: small inputs with
// goldens computed by hand or by an independent index formula.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/reference/activations.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/elementwise.h"
#include "kernels/reference/softmax.h"

namespace edgeml::reference {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// ---- broadcast -------------------------------------------------------------

TEST(BroadcastShapes, Rules) {
  Shape out;
  ASSERT_TRUE(BroadcastShapes({2, 1, 3}, {1, 4, 1}, &out));
  EXPECT_EQ(out, (Shape{2, 4, 3}));
  ASSERT_TRUE(BroadcastShapes({5, 3}, {}, &out));
  EXPECT_EQ(out, (Shape{5, 3}));
  ASSERT_TRUE(BroadcastShapes({3}, {2, 1}, &out));
  EXPECT_EQ(out, (Shape{2, 3}));
  ASSERT_TRUE(BroadcastShapes({0, 3}, {1, 3}, &out));
  EXPECT_EQ(out, (Shape{0, 3}));
  EXPECT_FALSE(BroadcastShapes({2, 3}, {3, 2}, &out));
  EXPECT_FALSE(BroadcastShapes({4}, {3}, &out));
}

TEST(BroadcastPlan, EqualShapesAndScalarsCollapseToOneLoop) {
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({2, 3, 4}, {2, 3, 4}, &p));
  EXPECT_EQ(p.rank, 1);
  EXPECT_EQ(p.dims[0], 24);
  EXPECT_EQ(p.a_strides[0], 1);
  EXPECT_EQ(p.b_strides[0], 1);
  ASSERT_TRUE(MakeBroadcastPlan({2, 3, 4}, {}, &p));
  EXPECT_EQ(p.rank, 1);
  EXPECT_EQ(p.b_strides[0], 0);
  ASSERT_TRUE(MakeBroadcastPlan({1, 1}, {1, 1, 1}, &p));
  EXPECT_EQ(p.num_elements, 1);
  ASSERT_TRUE(MakeBroadcastPlan({2, 1, 3}, {1, 4, 1}, &p));
  EXPECT_EQ(p.rank, 3);
  EXPECT_EQ(p.num_elements, 24);
  EXPECT_FALSE(MakeBroadcastPlan({2, 3}, {3, 3}, &p));
}

TEST(BroadcastPlan, RejectsOverflowingShapes) {
  BroadcastPlan p;
  const int32_t big = std::numeric_limits<int32_t>::max();
  EXPECT_FALSE(MakeBroadcastPlan({big, big, big}, {1}, &p));
}

// Independent golden: out[i,j,k] = a[i,0,k] + b[0,j,0].
TEST(BinaryElementwise, Broadcast3d) {
  const std::vector<float> a = {1, 2, 3, 4, 5, 6};  // [2,1,3]
  const std::vector<float> b = {10, 20, 30, 40};    // [1,4,1]
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({2, 1, 3}, {1, 4, 1}, &p));
  std::vector<float> out(24);
  BinaryElementwise(p, a.data(), b.data(), out.data(), -kInf, kInf, AddOp());
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(out[(i * 4 + j) * 3 + k], a[i * 3 + k] + b[j]) << i << j << k;
  // Spot values by hand.
  EXPECT_EQ(out[0], 11);
  EXPECT_EQ(out[23], 46);
}

TEST(BinaryElementwise, Rank5Broadcast) {
  // a [2,1,3,1,2], b [1,2,1,2,1] -> [2,2,3,2,2]
  std::vector<float> a(12), b(4);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i + 1);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>(100 * (i + 1));
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({2, 1, 3, 1, 2}, {1, 2, 1, 2, 1}, &p));
  ASSERT_EQ(p.num_elements, 48);
  std::vector<float> out(48);
  BinaryElementwise(p, a.data(), b.data(), out.data(), SubOp());
  int idx = 0;
  for (int d0 = 0; d0 < 2; ++d0)
    for (int d1 = 0; d1 < 2; ++d1)
      for (int d2 = 0; d2 < 3; ++d2)
        for (int d3 = 0; d3 < 2; ++d3)
          for (int d4 = 0; d4 < 2; ++d4, ++idx) {
            const float av = a[(d0 * 3 + d2) * 2 + d4];
            const float bv = b[d1 * 2 + d3];
            ASSERT_EQ(out[idx], av - bv) << idx;
          }
}

TEST(BinaryElementwise, ScalarEitherSide) {
  BroadcastPlan p;
  const std::vector<float> x = {1, 2, 3};
  const std::vector<float> s = {4};  // a 1-element buffer, as a scalar tensor has
  std::vector<float> out(3);
  ASSERT_TRUE(MakeBroadcastPlan({}, {3}, &p));
  BinaryElementwise(p, s.data(), x.data(), out.data(), -kInf, kInf, DivOp());
  EXPECT_EQ(out, (std::vector<float>{4.0f, 2.0f, 4.0f / 3.0f}));
  ASSERT_TRUE(MakeBroadcastPlan({3}, {1}, &p));
  BinaryElementwise(p, x.data(), s.data(), out.data(), -kInf, kInf, MulOp());
  EXPECT_EQ(out, (std::vector<float>{4, 8, 12}));
}

TEST(BinaryElementwise, FusedClampRanges) {
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({5}, {5}, &p));
  const std::vector<float> a = {-3, -0.5f, 0.5f, 4, 10};
  const std::vector<float> b = {0, 0, 0, 0, -2};
  std::vector<float> out(5);
  BinaryElementwise(p, a.data(), b.data(), out.data(), 0.0f, kInf, AddOp());  // RELU
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0.5f, 4, 8}));
  BinaryElementwise(p, a.data(), b.data(), out.data(), 0.0f, 6.0f, AddOp());  // RELU6
  EXPECT_EQ(out, (std::vector<float>{0, 0, 0.5f, 4, 6}));
  BinaryElementwise(p, a.data(), b.data(), out.data(), -1.0f, 1.0f, AddOp());  // RELU_N1_TO_1
  EXPECT_EQ(out, (std::vector<float>{-1, -0.5f, 0.5f, 1, 1}));
}

TEST(BinaryElementwise, Int32WrapsAndTruncates) {
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({4}, {4}, &p));
  const int32_t lo = std::numeric_limits<int32_t>::lowest();
  const int32_t hi = std::numeric_limits<int32_t>::max();
  const std::vector<int32_t> a = {-7, 7, lo, 9};
  const std::vector<int32_t> b = {2, -2, -1, 3};
  std::vector<int32_t> out(4);
  BinaryElementwise(p, a.data(), b.data(), out.data(), lo, hi, DivOp());
  EXPECT_EQ(out, (std::vector<int32_t>{-3, -3, lo, 3}));
  const std::vector<int32_t> c = {hi, 1, 0, 0};
  BinaryElementwise(p, c.data(), c.data(), out.data(), lo, hi, AddOp());
  EXPECT_EQ(out[0], -2);  // wraps
  BinaryElementwise(p, a.data(), b.data(), out.data(), 0, 6, MulOp());
  EXPECT_EQ(out, (std::vector<int32_t>{0, 0, 0, 6}));
}

TEST(BinaryElementwise, MaxMinSquaredDifference) {
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({2, 2}, {2}, &p));
  const std::vector<float> a = {1, 5, -3, 2};
  const std::vector<float> b = {2, 4};
  std::vector<float> out(4);
  BinaryElementwise(p, a.data(), b.data(), out.data(), MaximumOp());
  EXPECT_EQ(out, (std::vector<float>{2, 5, 2, 4}));
  BinaryElementwise(p, a.data(), b.data(), out.data(), MinimumOp());
  EXPECT_EQ(out, (std::vector<float>{1, 4, -3, 2}));
  BinaryElementwise(p, a.data(), b.data(), out.data(), SquaredDifferenceOp());
  EXPECT_EQ(out, (std::vector<float>{1, 1, 25, 4}));
}

// ---- activations -----------------------------------------------------------

TEST(Activations, Values) {
  const std::vector<float> x = {-4, -1, -0.5f, 0, 0.5f, 2, 7};
  const int64_t n = static_cast<int64_t>(x.size());
  std::vector<float> y(x.size());
  Relu(n, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 0, 0.5f, 2, 7}));
  Relu6(n, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 0, 0.5f, 2, 6}));
  ReluN1To1(n, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{-1, -1, -0.5f, 0, 0.5f, 1, 1}));
  LeakyRelu(n, x.data(), y.data(), 0.25f);
  EXPECT_EQ(y, (std::vector<float>{-1, -0.25f, -0.125f, 0, 0.5f, 2, 7}));
  HardSwish(n, x.data(), y.data());
  // x * clamp(x+3, 0, 6) / 6: -4 -> 0, -1 -> -1*2/6, -0.5 -> -0.5*2.5/6, 2 -> 2*5/6, 7 -> 7.
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  EXPECT_FLOAT_EQ(y[1], -1.0f / 3.0f);
  EXPECT_FLOAT_EQ(y[2], -1.25f / 6.0f);
  EXPECT_FLOAT_EQ(y[3], 0.0f);
  EXPECT_FLOAT_EQ(y[5], 10.0f / 6.0f);
  EXPECT_FLOAT_EQ(y[6], 7.0f);
}

TEST(Activations, LogisticAndTanh) {
  const std::vector<float> x = {0, 1, -1, 20, -20};
  std::vector<float> y(5);
  Logistic(5, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[0], 0.5f);
  EXPECT_NEAR(y[1], 0.7310586f, 1e-6);
  EXPECT_NEAR(y[2], 0.2689414f, 1e-6);
  EXPECT_EQ(y[3], 1.0f);                    // above the upper cut-off
  EXPECT_FLOAT_EQ(y[4], std::exp(-20.0f));  // below the lower cut-off: e^x
  Tanh(5, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  EXPECT_NEAR(y[1], 0.7615942f, 1e-6);
  EXPECT_FLOAT_EQ(y[3], 1.0f);
  EXPECT_FLOAT_EQ(y[4], -1.0f);
}

TEST(Activations, UnaryMath) {
  const std::vector<float> x = {0.25f, 4, 1};
  std::vector<float> y(3);
  Sqrt(3, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{0.5f, 2, 1}));
  Rsqrt(3, x.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{2, 0.5f, 1}));
  Exp(3, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[2], 2.7182817f);
  const float neg = -1;
  Sqrt(1, &neg, y.data());
  EXPECT_TRUE(std::isnan(y[0]));
}

TEST(Activations, PreluBroadcastsAlpha) {
  // x [1,2,2,2], alpha [2] per channel.
  const std::vector<float> x = {-1, -2, 3, -4, 5, -6, -7, 8};
  const std::vector<float> alpha = {0.5f, 2};
  BroadcastPlan p;
  ASSERT_TRUE(MakeBroadcastPlan({1, 2, 2, 2}, {2}, &p));
  std::vector<float> y(8);
  Prelu(p, x.data(), alpha.data(), y.data());
  EXPECT_EQ(y, (std::vector<float>{-0.5f, -4, 3, -8, 5, -12, -3.5f, 8}));
}

// ---- softmax / l2 ------------------------------------------------------------

TEST(Softmax, RowsSumToOne) {
  const std::vector<float> x = {1, 2, 3, 0, 0, 0};
  std::vector<float> y(6);
  Softmax(2, 3, 1.0f, x.data(), y.data());
  const double e1 = std::exp(-2.0), e2 = std::exp(-1.0), s = e1 + e2 + 1.0;
  EXPECT_NEAR(y[0], e1 / s, 1e-6);
  EXPECT_NEAR(y[1], e2 / s, 1e-6);
  EXPECT_NEAR(y[2], 1.0 / s, 1e-6);
  for (int i = 3; i < 6; ++i) EXPECT_NEAR(y[i], 1.0 / 3.0, 1e-6);
}

TEST(Softmax, BetaAndLargeLogitsAreStable) {
  const std::vector<float> x = {1000, 1000, 999};
  std::vector<float> y(3);
  Softmax(1, 3, 2.0f, x.data(), y.data());
  const double e = std::exp(-2.0), s = 2.0 + e;
  EXPECT_NEAR(y[0], 1.0 / s, 1e-6);
  EXPECT_NEAR(y[1], 1.0 / s, 1e-6);
  EXPECT_NEAR(y[2], e / s, 1e-6);
}

TEST(L2Normalize, UnitRowsAndEpsilon) {
  const std::vector<float> x = {3, 4, 0, 0, 1e-8f, 0};
  std::vector<float> y(6);
  L2Normalize(3, 2, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[0], 0.6f);
  EXPECT_FLOAT_EQ(y[1], 0.8f);
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 0.0f);
  // The norm 1e-8 is floored at 1e-6.
  EXPECT_FLOAT_EQ(y[4], 1e-8f / 1e-6f);
}

// ---- cast --------------------------------------------------------------------

TEST(Cast, FloatToIntTruncatesAndSaturates) {
  const std::vector<float> x = {-1.7f, 2.9f, -0.5f, 1e10f, -1e10f, NAN, 300.5f};
  std::vector<int32_t> i32(x.size());
  Cast(static_cast<int64_t>(x.size()), x.data(), i32.data());
  EXPECT_EQ(i32, (std::vector<int32_t>{-1, 2, 0, 2147483647, -2147483647 - 1, 0, 300}));
  std::vector<uint8_t> u8(x.size());
  Cast(static_cast<int64_t>(x.size()), x.data(), u8.data());
  EXPECT_EQ(u8, (std::vector<uint8_t>{0, 2, 0, 255, 0, 0, 255}));
  std::vector<int64_t> i64(2);
  Cast(2, x.data(), i64.data());
  EXPECT_EQ(i64, (std::vector<int64_t>{-1, 2}));
}

TEST(Cast, IntegerConversionsWrap) {
  const std::vector<int32_t> x = {300, -1, 127, 128};
  std::vector<uint8_t> u8(4);
  Cast(4, x.data(), u8.data());
  EXPECT_EQ(u8, (std::vector<uint8_t>{44, 255, 127, 128}));
  std::vector<int8_t> i8(4);
  Cast(4, x.data(), i8.data());
  EXPECT_EQ(i8, (std::vector<int8_t>{44, -1, 127, -128}));
  std::vector<float> f(4);
  Cast(4, x.data(), f.data());
  EXPECT_EQ(f, (std::vector<float>{300, -1, 127, 128}));
}

TEST(Cast, Bool) {
  const std::vector<float> x = {0.0f, -0.0f, 0.1f, -3};
  bool b[4];
  Cast(4, x.data(), b);
  EXPECT_FALSE(b[0]);
  EXPECT_FALSE(b[1]);
  EXPECT_TRUE(b[2]);
  EXPECT_TRUE(b[3]);
  const std::vector<uint8_t> raw = {0, 1, 7};  // 7: a malformed bool byte
  std::vector<float> f(3);
  CastFromBool(3, raw.data(), f.data());
  EXPECT_EQ(f, (std::vector<float>{0, 1, 1}));
  std::vector<int32_t> i(3);
  CastFromBool(3, raw.data(), i.data());
  EXPECT_EQ(i, (std::vector<int32_t>{0, 1, 1}));
}

// ---- dequantize -------------------------------------------------------------

TEST(Fp16, NormalsSubnormalsAndSpecials) {
  EXPECT_EQ(Fp16ToFloat(0x3C00), 1.0f);
  EXPECT_EQ(Fp16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(Fp16ToFloat(0x3555), 0.333251953125f);
  EXPECT_EQ(Fp16ToFloat(0x7BFF), 65504.0f);                  // largest normal
  EXPECT_EQ(Fp16ToFloat(0x0400), std::ldexp(1.0f, -14));     // smallest normal
  EXPECT_EQ(Fp16ToFloat(0x0001), std::ldexp(1.0f, -24));     // smallest subnormal
  EXPECT_EQ(Fp16ToFloat(0x03FF), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(Fp16ToFloat(0x8200), -std::ldexp(512.0f, -24));
  EXPECT_EQ(Fp16ToFloat(0x0000), 0.0f);
  EXPECT_FALSE(std::signbit(Fp16ToFloat(0x0000)));
  EXPECT_TRUE(std::signbit(Fp16ToFloat(0x8000)));
  EXPECT_EQ(Fp16ToFloat(0x8000), 0.0f);
  EXPECT_EQ(Fp16ToFloat(0x7C00), kInf);
  EXPECT_EQ(Fp16ToFloat(0xFC00), -kInf);
  EXPECT_TRUE(std::isnan(Fp16ToFloat(0x7E00)));
  EXPECT_TRUE(std::isnan(Fp16ToFloat(0xFC01)));
}

TEST(Fp16, AllValuesMatchAnIndependentFormula) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const int e = (h >> 10) & 0x1f;
    const int m = h & 0x3ff;
    const float sign = (h & 0x8000) ? -1.0f : 1.0f;
    const float got = Fp16ToFloat(static_cast<uint16_t>(h));
    if (e == 31) {
      if (m == 0) {
        ASSERT_EQ(got, sign * kInf) << h;
      } else {
        ASSERT_TRUE(std::isnan(got)) << h;
      }
      continue;
    }
    const float want = e == 0 ? sign * std::ldexp(static_cast<float>(m), -24)
                              : sign * std::ldexp(static_cast<float>(1024 + m), e - 25);
    ASSERT_EQ(got, want) << h;
    ASSERT_EQ(std::signbit(got), (h & 0x8000) != 0) << h;
  }
}

TEST(Dequantize, PerTensorAndPerChannel) {
  const std::vector<int8_t> q = {-128, -1, 0, 3, 127, 10};
  std::vector<float> y(6);
  DequantizePerTensor(6, q.data(), 0.5f, -1, y.data());
  EXPECT_EQ(y, (std::vector<float>{-63.5f, 0, 0.5f, 2, 64, 5.5f}));
  const std::vector<uint8_t> u = {0, 128, 255};
  DequantizePerTensor(3, u.data(), 0.25f, 128, y.data());
  EXPECT_EQ(y[0], -32.0f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[2], 31.75f);
  // [2,3] per-channel on dim 1: scales {1, 0.5, 2}, zero points {0, 1, -1}.
  const float scales[] = {1, 0.5f, 2};
  const int64_t zps[] = {0, 1, -1};
  DequantizePerChannel<int8_t>(2, 3, 1, q.data(), scales, zps, y.data());
  EXPECT_EQ(y, (std::vector<float>{-128, -1, 2, 3, 63, 22}));
  // Same data, per-channel on dim 0 ([2,3] -> outer 1, channels 2, inner 3).
  DequantizePerChannel<int8_t>(1, 2, 3, q.data(), scales, nullptr, y.data());
  EXPECT_EQ(y, (std::vector<float>{-128, -1, 0, 1.5f, 63.5f, 5}));
  const std::vector<int16_t> s16 = {-32768, 1000};
  DequantizePerTensor(2, s16.data(), 0.001f, 0, y.data());
  EXPECT_FLOAT_EQ(y[0], -32.768f);
  EXPECT_FLOAT_EQ(y[1], 1.0f);
}

// ---- arg max ----------------------------------------------------------------

TEST(ArgMax, FirstMaxWinsOnEachAxis) {
  // [2,3]: rows {1, 5, 5}, {7, 7, -1}.
  const std::vector<float> x = {1, 5, 5, 7, 7, -1};
  int32_t out_rows[2];
  ArgMax<float, int32_t>(2, 3, 1, x.data(), out_rows);  // axis 1
  EXPECT_EQ(out_rows[0], 1);
  EXPECT_EQ(out_rows[1], 0);
  int64_t out_cols[3];
  ArgMax<float, int64_t>(1, 2, 3, x.data(), out_cols);  // axis 0
  EXPECT_EQ(out_cols[0], 1);
  EXPECT_EQ(out_cols[1], 1);
  EXPECT_EQ(out_cols[2], 0);
  const std::vector<int8_t> q = {-5, -3, -3, -100};
  int32_t out_q;
  ArgMax<int8_t, int32_t>(1, 4, 1, q.data(), &out_q);
  EXPECT_EQ(out_q, 1);
}

}  // namespace
}  // namespace edgeml::reference
