// quant/fixed_point_math.h: the gemmlowp-style fixed-point functions against
// real-valued formulas (tight tolerances) and hand-worked exact values.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/fixed_point_math.h"

namespace edgeml::quant {
namespace {

constexpr double kQ31 = 2147483648.0;

TEST(QuantFixedPointMath, SaturatingRoundingMultiplyByPOT) {
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(5, 0), 5);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(5, 1), 10);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(1 << 29, 2), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-(1 << 29), 2), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-(1 << 29) + 1, 2),
            std::numeric_limits<int32_t>::min() + 4);
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(6, -2), 2);    // 1.5 -> 2
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(-6, -2), -2);  // -1.5 -> -2 (away from 0)
  EXPECT_EQ(SaturatingRoundingMultiplyByPOT(5, -2), 1);    // 1.25 -> 1
}

TEST(QuantFixedPointMath, RoundingHalfSum) {
  EXPECT_EQ(RoundingHalfSum(1, 2), 2);
  EXPECT_EQ(RoundingHalfSum(-1, -2), -2);
  EXPECT_EQ(
      RoundingHalfSum(std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::max()),
      std::numeric_limits<int32_t>::max());
}

TEST(QuantFixedPointMath, ExpOnNegativeValuesTracksExp) {
  EXPECT_EQ(ExpOnNegativeValues(0, 5), std::numeric_limits<int32_t>::max());
  for (double x = -31.9; x < 0; x += 0.173) {
    const int32_t q = static_cast<int32_t>(std::round(x * (1 << 26)));  // Q5.26
    const double got = ExpOnNegativeValues(q, 5) / kQ31;
    const double want = std::exp(q / double(1 << 26));
    EXPECT_NEAR(got, want, 3e-7 * want + 1e-9) << x;  // the Taylor step's precision
  }
  // Q12 input (a larger range): exp(-40) underflows to ~0 without a clamp.
  EXPECT_NEAR(ExpOnNegativeValues(-40 * (1 << 19), 12) / kQ31, 0.0, 1e-9);
  // Beyond -32 in Q6 the clamp zeroes the result.
  EXPECT_EQ(ExpOnNegativeValues(-33 * (1 << 25), 6), 0);
}

TEST(QuantFixedPointMath, OneOverOnePlusXTracksFormula) {
  for (double a = 0; a < 1; a += 0.0371) {
    const int32_t q = static_cast<int32_t>(a * kQ31);
    EXPECT_NEAR(OneOverOnePlusX(q) / kQ31, 1.0 / (1.0 + q / kQ31), 3e-9) << a;
  }
}

TEST(QuantFixedPointMath, GetReciprocal) {
  // x = 4.0 in Q12.19 is 1.0 * 2^2: mantissa 1/1.0 with 2 bits over unit.
  int bits = 0;
  const int32_t r = GetReciprocal(4 << 19, 12, &bits);
  EXPECT_EQ(bits, 2);
  EXPECT_NEAR(r / kQ31, 1.0, 1e-8);
  const int32_t r3 = GetReciprocal(3 << 19, 12, &bits);  // 3 = 1.5 * 2^1
  EXPECT_EQ(bits, 1);
  EXPECT_NEAR(r3 / kQ31, 1 / 1.5, 1e-8);
}

TEST(QuantFixedPointMath, InvSqrtMultiplierExp) {
  int32_t m = 0;
  int shift = 0;
  InvSqrtMultiplierExp(1, -1, &m, &shift);
  EXPECT_EQ(m, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(shift, 0);
  for (int32_t x : {2, 3, 25, 1000, 65025, 1 << 20, (1 << 29) + 12345, 2000000000}) {
    InvSqrtMultiplierExp(x, -1, &m, &shift);
    // m * 2^shift / 2^31 ~= 1/sqrt(x); the reversed shift is <= 0.
    EXPECT_LE(shift, 0);
    EXPECT_NEAR(std::ldexp(m / kQ31, shift) * std::sqrt(double(x)), 1.0, 3e-6) << x;
  }
}

TEST(QuantFixedPointMath, CalculateInputRadius) {
  EXPECT_EQ(CalculateInputRadius(5, 0), 2080374784);  // 31 * 2^26
  EXPECT_EQ(CalculateInputRadius(5, 26), 31);
  EXPECT_EQ(CalculateInputRadius(5, 27), 15);      // floor(15.5)
  EXPECT_EQ(CalculateInputRadius(4, 10, 15), 30);  // 15 * 2^11 / 2^10
}

TEST(QuantFixedPointMath, CheckedLog2) {
  int l = 0;
  EXPECT_TRUE(CheckedLog2(1.0f / 4096, &l));
  EXPECT_EQ(l, -12);
  EXPECT_TRUE(CheckedLog2(1.0f / 32768 * 1.0002f, &l));  // within 1e-3 in log2
  EXPECT_EQ(l, -15);
  EXPECT_FALSE(CheckedLog2(0.0003f, &l));
}

TEST(QuantFixedPointMath, DownscaleMantissaToInt16) {
  EXPECT_EQ(DownscaleMantissaToInt16(1 << 30), 1 << 14);
  EXPECT_EQ(DownscaleMantissaToInt16((1 << 30) + (1 << 15)), (1 << 14) + 1);  // rounds half up
  EXPECT_EQ(DownscaleMantissaToInt16((1 << 30) + (1 << 15) - 1), 1 << 14);
  EXPECT_EQ(DownscaleMantissaToInt16(std::numeric_limits<int32_t>::max()), 32767);
}

TEST(QuantFixedPointMath, Int16Primitives) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMulInt16(16384, 16384), 8192);
  EXPECT_EQ(SaturatingRoundingDoublingHighMulInt16(-32768, -32768), 32767);
  EXPECT_EQ(SaturatingRoundingDoublingHighMulInt16(3, 16384), 2);    // 1.5 -> 2
  EXPECT_EQ(SaturatingRoundingDoublingHighMulInt16(-3, 16384), -1);  // -1.5 -> -1
  EXPECT_EQ(SaturatingDoublingHighMulInt16(3, 16384), 1);            // truncates
  EXPECT_EQ(SaturatingDoublingHighMulInt16(-3, 16384), -1);
  EXPECT_EQ(SaturatingDoublingHighMulInt16(-32768, -32768), 32767);
  EXPECT_EQ(RoundingDivideByPOTInt16(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPOTInt16(-5, 1), -3);
  EXPECT_EQ(RoundingDivideByPOTInt16(7, 2), 2);
  EXPECT_EQ(RoundingDivideByPOTInt16(-6, 2), -2);
  EXPECT_EQ(RoundingDivideByPOTInt16(-32768, 15), -1);
  EXPECT_EQ(SaturatingLeftShiftInt16(300, 7), 32767);
  EXPECT_EQ(SaturatingLeftShiftInt16(-300, 7), -32768);
  EXPECT_EQ(SaturatingLeftShiftInt16(-3, 2), -12);
}

}  // namespace
}  // namespace edgeml::quant
