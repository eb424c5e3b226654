// The requantization primitives, with values worked out by hand and
// properties that must hold for every input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "quant/fixed_point.h"

namespace edgeml::quant {
namespace {

TEST(QuantizeMultiplier, DecomposesIntoQ31MantissaAndShift) {
  Multiplier m = QuantizeMultiplier(0.5);
  EXPECT_EQ(m.mantissa, 1 << 30);
  EXPECT_EQ(m.shift, 0);
  m = QuantizeMultiplier(1.0);
  EXPECT_EQ(m.mantissa, 1 << 30);
  EXPECT_EQ(m.shift, 1);
  m = QuantizeMultiplier(0.75);  // 0.75 * 2^31
  EXPECT_EQ(m.mantissa, 1610612736);
  EXPECT_EQ(m.shift, 0);
  m = QuantizeMultiplier(0.0);
  EXPECT_EQ(m.mantissa, 0);
  m = QuantizeMultiplier(std::ldexp(1.0, -40));  // below 2^-32: becomes 0
  EXPECT_EQ(m.mantissa, 0);
  EXPECT_EQ(m.shift, 0);
  // A fraction that rounds up to 1.0 moves to the next exponent.
  m = QuantizeMultiplier(std::nextafter(1.0, 0.0));
  EXPECT_EQ(m.mantissa, 1 << 30);
  EXPECT_EQ(m.shift, 1);
}

TEST(FixedPoint, SaturatingRoundingDoublingHighMul) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30), 1 << 29);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN), INT32_MAX);
  // Ties round toward +infinity (the nudge is 2^30 for positive products and
  // 1 - 2^30 for negative ones, then division truncates): 1.5 -> 2, -1.5 -> -1.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(3, 1 << 30), 2);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1, 1 << 30), 1);   // 0.5 -> 1
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-1, 1 << 30), 0);  // -0.5 -> 0
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-5, 1 << 30), -2);  // -2.5 -> -2
}

TEST(FixedPoint, RoundingDivideByPOTRoundsHalfAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);
  EXPECT_EQ(RoundingDivideByPOT(3, 1), 2);
  EXPECT_EQ(RoundingDivideByPOT(-3, 1), -2);
  EXPECT_EQ(RoundingDivideByPOT(4, 2), 1);
  EXPECT_EQ(RoundingDivideByPOT(6, 2), 2);   // 1.5
  EXPECT_EQ(RoundingDivideByPOT(-6, 2), -2); // -1.5
  EXPECT_EQ(RoundingDivideByPOT(-7, 2), -2);
  EXPECT_EQ(RoundingDivideByPOT(123, 0), 123);
  EXPECT_EQ(RoundingDivideByPOT(INT32_MIN, 31), -1);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplierIsWithinOneOfTheRealProduct) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> log_scale(-20, 8);
  std::uniform_int_distribution<int32_t> acc(-(1 << 20), 1 << 20);
  for (int i = 0; i < 20000; ++i) {
    double real = std::pow(2.0, log_scale(rng));
    int32_t x = acc(rng);
    double exact = x * real;
    if (std::fabs(exact) > 1e9) continue;
    int32_t got = MultiplyByQuantizedMultiplier(x, QuantizeMultiplier(real));
    ASSERT_LE(std::fabs(got - exact), 1.0) << "x=" << x << " real=" << real;
  }
}

TEST(FixedPoint, HandWorkedRequantization) {
  // 0.5 * 2^-3 = 1/16: 100/16 = 6.25 -> 6; -100/16 -> -6; 24/16 = 1.5 -> 2.
  Multiplier m = QuantizeMultiplier(1.0 / 16);
  EXPECT_EQ(m.shift, -3);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(100, m), 6);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-100, m), -6);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(24, m), 2);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(-24, m), -2);
  // Multipliers above one shift left first: 3 * 2.5 = 7.5 -> 8.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(3, QuantizeMultiplier(2.5)), 8);
  EXPECT_EQ(MultiplyByQuantizedMultiplierGreaterThanOne(3, QuantizeMultiplier(2.5)), 8);
  EXPECT_EQ(MultiplyByQuantizedMultiplierSmallerThanOneExp(100, m), 6);
}

TEST(FixedPoint, Int64VariantUsesQ15MantissaAndOneRounding) {
  Multiplier m = QuantizeMultiplier(1.0 / 16);  // mantissa 2^30 -> Q15 2^14
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{100}, m), 6);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{24}, m), 2);     // 1.5 -> 2
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{-24}, m), -1);   // -1.5 -> -1 (floor of +0.5)
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1} << 34, m), 1 << 30);
}

TEST(ActivationRange, ClampsToQuantizedReluBounds) {
  // scale 0.1, zero point -10: real 0 -> -10, real 6 -> 50.
  QuantRange r = ActivationRange(FusedActivation::kRelu6, 0.1f, -10, -128, 127);
  EXPECT_EQ(r.lo, -10);
  EXPECT_EQ(r.hi, 50);
  r = ActivationRange(FusedActivation::kRelu, 0.1f, -10, -128, 127);
  EXPECT_EQ(r.lo, -10);
  EXPECT_EQ(r.hi, 127);
  r = ActivationRange(FusedActivation::kReluN1To1, 0.001f, 0, -128, 127);
  EXPECT_EQ(r.lo, -128);
  EXPECT_EQ(r.hi, 127);
  r = ActivationRange(FusedActivation::kNone, 1.f, 0, -32768, 32767);
  EXPECT_EQ(r.lo, -32768);
  EXPECT_EQ(r.hi, 32767);
}

}  // namespace
}  // namespace edgeml::quant
