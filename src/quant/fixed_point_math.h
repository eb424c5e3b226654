// Fixed-point math functions of LiteRT's quantized reference kernels beyond
// plain requantization: exp on negative values, 1/(1+x), the reciprocal of a
// sum and the inverse square root (gemmlowp's Q-format algorithms), the int16
// primitives of HARD_SWISH, and the helpers their prepare steps use.
//
// Values are raw int32 (or int16) fixed-point numbers. "Qm" below means m
// integer bits and 31 - m fractional bits; Q0 covers [-1, 1).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/fixed_point.h"

namespace edgeml::quant {

inline int CountLeadingZeros32(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

// x * 2^exponent: a saturating left shift for exponent > 0, a rounding right
// shift (ties away from zero) for exponent < 0. exponent in [-31, 31].
inline int32_t SaturatingRoundingMultiplyByPOT(int32_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return WrappingShiftLeft(x, exponent);
}

// Changes a raw value from `src_bits` to `dst_bits` integer bits.
inline int32_t RescaleQ(int32_t x, int src_bits, int dst_bits) {
  return SaturatingRoundingMultiplyByPOT(x, src_bits - dst_bits);
}

// Fixed-point product: Qa x Qb -> Q(a+b), rounded, saturating -1 x -1.
inline int32_t MulQ(int32_t a, int32_t b) { return SaturatingRoundingDoublingHighMul(a, b); }

// Wrapping add/sub: the gemmlowp operators do not saturate; wrap-around is
// what they do on every target edgeml supports.
inline int32_t WrapAdd(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t WrapSub(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) - static_cast<uint32_t>(b));
}

// (a + b) / 2 rounded to nearest, ties away from zero.
inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// exp(a) for a in [-1/4, 0), Q0 in and out: a 4th-order Taylor expansion
// around -1/8.
inline int32_t ExpOnIntervalNegQuarterTo0(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;  // exp(-1/8) in Q0
  constexpr int32_t kOneThird = 715827883;            // 1/3 in Q0
  const int32_t x = WrapAdd(a, int32_t{1} << 28);     // a + 1/8
  const int32_t x2 = MulQ(x, x);
  const int32_t x3 = MulQ(x2, x);
  const int32_t x4 = MulQ(x2, x2);
  const int32_t x4_over_4 = SaturatingRoundingMultiplyByPOT(x4, -2);
  const int32_t poly =
      SaturatingRoundingMultiplyByPOT(WrapAdd(MulQ(WrapAdd(x4_over_4, x3), kOneThird), x2), -1);
  return WrapAdd(kExpMinusOneEighth, MulQ(kExpMinusOneEighth, WrapAdd(x, poly)));
}

// exp(a) for a <= 0 given in Q`integer_bits` (0 < integer_bits < 31); the
// result is Q0 (exp(0) gives the largest Q0 value). The fraction modulo 1/4
// goes through the Taylor step, each higher bit multiplies by exp(-2^k).
inline int32_t ExpOnNegativeValues(int32_t a, int integer_bits) {
  const int frac_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (frac_bits - 2);
  const int32_t a_mod_quarter_minus_quarter = WrapSub(a & (one_quarter - 1), one_quarter);
  int32_t result =
      ExpOnIntervalNegQuarterTo0(RescaleQ(a_mod_quarter_minus_quarter, integer_bits, 0));
  const int32_t remainder = WrapSub(a_mod_quarter_minus_quarter, a);
  // exp(-2^k) in Q0 for k = -2 .. 4.
  constexpr int32_t kExpMinusPow2[7] = {1672461947, 1302514674, 790015084, 290630308,
                                        39332535,   720401,     242};
  for (int k = -2; k <= 4; ++k) {
    if (integer_bits <= k) continue;
    const int shift = frac_bits + k;
    if (remainder & (int32_t{1} << shift)) result = MulQ(result, kExpMinusPow2[k + 2]);
  }
  if (integer_bits > 5) {
    const int32_t clamp = -(int32_t{1} << (36 - integer_bits));  // -32
    if (a < clamp) result = 0;
  }
  if (a == 0) result = std::numeric_limits<int32_t>::max();
  return result;
}

// 1 / (1 + a) for a in [0, 1), Q0 in and out: three Newton-Raphson steps in Q2
// from the 48/17 - 32/17 * d initial guess.
inline int32_t OneOverOnePlusX(int32_t a) {
  constexpr int32_t k48Over17 = 1515870810;      // Q2
  constexpr int32_t kNeg32Over17 = -1010580540;  // Q2
  constexpr int32_t kOneQ2 = int32_t{1} << 29;
  const int32_t half_denominator = RoundingHalfSum(a, std::numeric_limits<int32_t>::max());
  int32_t x = WrapAdd(k48Over17, MulQ(half_denominator, kNeg32Over17));
  for (int i = 0; i < 3; ++i) {
    const int32_t one_minus_dx = WrapSub(kOneQ2, MulQ(half_denominator, x));
    x = WrapAdd(x, RescaleQ(MulQ(x, one_minus_dx), 4, 2));
  }
  // x / 2, read as Q1, back to Q0.
  return RescaleQ(x, 1, 0);
}

// 1/x for x > 0 in Q`x_integer_digits`: returns a Q0 mantissa in (1/2, 1] and
// the power of two it was scaled by (result = mantissa * 2^-num_bits_over_unit).
// Requires x > 0.
inline int32_t GetReciprocal(int32_t x, int x_integer_digits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros32(static_cast<uint32_t>(x));
  *num_bits_over_unit = x_integer_digits - headroom_plus_one;
  const int32_t shifted_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << headroom_plus_one) - (uint32_t{1} << 31));
  return OneOverOnePlusX(shifted_minus_one);
}

// 1/sqrt(input) as a multiplier and shift (shift multiplied by
// `reverse_shift`, -1 to make it a left-shift exponent): Newton-Raphson in Q3
// after normalizing input into [2^27, 2^29). input <= 1 gives the largest
// multiplier.
inline void InvSqrtMultiplierExp(int32_t input, int reverse_shift, int32_t* multiplier,
                                 int* shift) {
  if (input <= 1) {
    *multiplier = std::numeric_limits<int32_t>::max();
    *shift = 0;
    return;
  }
  *shift = 11;
  while (input >= (int32_t{1} << 29)) {
    input /= 4;
    ++*shift;
  }
  const unsigned max_left_shift_bits = CountLeadingZeros32(static_cast<uint32_t>(input)) - 1;
  const unsigned left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  *shift -= static_cast<int>(left_shift_bit_pairs);
  input = WrappingShiftLeft(input, static_cast<int>(2 * left_shift_bit_pairs));
  constexpr int32_t kOneQ3 = int32_t{1} << 28;
  constexpr int32_t kOneAndHalfQ3 = (int32_t{1} << 28) + (int32_t{1} << 27);
  const int32_t x_in = input >> 1;  // Q3
  const int32_t half_x_in = SaturatingRoundingMultiplyByPOT(x_in, -1);
  int32_t x = kOneQ3;
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = RescaleQ(MulQ(MulQ(x, x), x), 9, 3);
    x = RescaleQ(WrapSub(MulQ(kOneAndHalfQ3, x), MulQ(half_x_in, x3)), 6, 3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2 in Q0
  x = MulQ(x, kHalfSqrt2);
  *multiplier = x;
  if (*shift < 0) {
    *multiplier = WrappingShiftLeft(*multiplier, -*shift);
    *shift = 0;
  }
  *shift *= reverse_shift;
}

// The largest |input| (in input units) whose rescaled value still fits
// Q`input_integer_bits` after a left shift by `input_left_shift`.
inline int CalculateInputRadius(int input_integer_bits, int input_left_shift,
                                int total_signed_bits = 31) {
  const double max_input_rescaled =
      1.0 * ((1 << input_integer_bits) - 1) *
      static_cast<double>(int64_t{1} << (total_signed_bits - input_integer_bits)) /
      static_cast<double>(int64_t{1} << input_left_shift);
  return static_cast<int>(std::floor(max_input_rescaled));
}

// Whether x is (within 1e-3 in log2) a power of two; *log2 gets the rounded
// exponent. Float arithmetic, as LiteRT's prepare computes it.
inline bool CheckedLog2(float x, int* log2) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2 = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

// A Q31 mantissa rounded to Q15 (saturating at the top).
inline int16_t DownscaleMantissaToInt16(int32_t mantissa) {
  constexpr int32_t kRounding = 1 << 15;
  if (mantissa >= std::numeric_limits<int32_t>::max() - kRounding) {
    return std::numeric_limits<int16_t>::max();
  }
  return static_cast<int16_t>((mantissa + kRounding) >> 16);
}

// ---- int16 primitives (HARD_SWISH) ---------------------------------------

// round(a * b / 2^15), ties toward +infinity, saturating -1 x -1.
inline int16_t SaturatingRoundingDoublingHighMulInt16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  const int32_t ab = static_cast<int32_t>(a) * b;
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// a * b / 2^15 truncated toward zero, saturating -1 x -1 (the bias of this
// variant cancels the rounding bias of the one above).
inline int16_t SaturatingDoublingHighMulInt16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) {
    return std::numeric_limits<int16_t>::max();
  }
  return static_cast<int16_t>((static_cast<int32_t>(a) * b) / (1 << 15));
}

// Rounding right shift of an int16 with every intermediate kept in int16,
// as the 16-bit instantiation of the reference computes it. exponent in
// [0, 31].
inline int16_t RoundingDivideByPOTInt16(int16_t x, int exponent) {
  const int16_t mask = static_cast<int16_t>((int64_t{1} << exponent) - 1);
  const int16_t remainder = static_cast<int16_t>(x & mask);
  const int16_t threshold = static_cast<int16_t>((mask >> 1) + (x < 0 ? 1 : 0));
  return static_cast<int16_t>((x >> exponent) + (remainder > threshold ? 1 : 0));
}

// value * 2^amount saturated to int16. amount in [0, 30].
inline int16_t SaturatingLeftShiftInt16(int16_t value, int amount) {
  const int64_t r = static_cast<int64_t>(value) * (int64_t{1} << amount);
  if (r > std::numeric_limits<int16_t>::max()) return std::numeric_limits<int16_t>::max();
  if (r < std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::min();
  return static_cast<int16_t>(r);
}

}  // namespace edgeml::quant
