// Fixed-point requantization: the integer arithmetic every quantized kernel
// uses to rescale int32 accumulators, reproducing LiteRT's reference
// arithmetic bit for bit (the gemmlowp convention).
//
// A real multiplier m > 0 is stored as a Q31 mantissa in [2^30, 2^31) and a
// power-of-two exponent: m ~= multiplier * 2^(shift - 31). Rescaling x by m is
// a saturating rounding doubling high multiply by the mantissa followed by a
// rounding arithmetic shift by the exponent ("double rounding"). LiteRT's
// default build (TFLITE_SINGLE_ROUNDING off) rounds this way.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgeml::quant {

struct Multiplier {
  int32_t mantissa = 0;  // Q31, in [2^30, 2^31) unless the real value is 0
  int shift = 0;         // > 0: left shift, < 0: right shift
};

// Decomposes a non-negative real multiplier. Values below 2^-32 become 0.
inline Multiplier QuantizeMultiplier(double real) {
  Multiplier m;
  if (real == 0.0) return m;
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // in [0.5, 1)
  int64_t q = static_cast<int64_t>(std::round(fraction * static_cast<double>(int64_t{1} << 31)));
  if (q == (int64_t{1} << 31)) {  // rounding reached 1.0
    q /= 2;
    ++exponent;
  }
  if (exponent < -31) {  // too small to represent: the product rounds to 0
    exponent = 0;
    q = 0;
  }
  m.mantissa = static_cast<int32_t>(q);
  m.shift = exponent;
  return m;
}

// round(a * b / 2^31) with ties toward +infinity; saturates the one overflow
// case (INT32_MIN * INT32_MIN).
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::max();
  }
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (1 - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));  // truncating division
}

// x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31].
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * 2^left_shift with two's-complement wrap-around, as the int32 product
// in the reference kernels behaves on every target edgeml supports.
inline int32_t WrappingShiftLeft(int32_t x, int left_shift) {
  return static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
}

// The requantization of int32 accumulators (8-bit and most 16-bit kernels).
inline int32_t MultiplyByQuantizedMultiplier(int32_t x, Multiplier m) {
  const int left_shift = m.shift > 0 ? m.shift : 0;
  const int right_shift = m.shift > 0 ? 0 : -m.shift;
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(WrappingShiftLeft(x, left_shift),
                                                               m.mantissa),
                             right_shift);
}

// The int64-accumulator variant (16x8 kernels with int64 bias): the mantissa
// is first reduced to Q15, then one rounding shift.
inline int32_t MultiplyByQuantizedMultiplier(int64_t x, Multiplier m) {
  const int32_t reduced =
      m.mantissa < 0x7FFF0000 ? ((m.mantissa + (1 << 15)) >> 16) : 0x7FFF;
  const int total_shift = 15 - m.shift;
  // Products and sums wrap (two's complement) instead of overflowing: equal
  // to the reference wherever it is defined, and defined for crafted biases.
  const uint64_t product = static_cast<uint64_t>(x) * static_cast<uint64_t>(int64_t{reduced});
  const int64_t rounded =
      static_cast<int64_t>(product + (uint64_t{1} << (total_shift - 1)));
  return static_cast<int32_t>(rounded >> total_shift);
}

// Variants some kernels use when the sign of the shift is known in advance.
inline int32_t MultiplyByQuantizedMultiplierSmallerThanOneExp(int32_t x, Multiplier m) {
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m.mantissa), -m.shift);
}
inline int32_t MultiplyByQuantizedMultiplierGreaterThanOne(int32_t x, Multiplier m) {
  return SaturatingRoundingDoublingHighMul(WrappingShiftLeft(x, m.shift), m.mantissa);
}

// Clamp range [lo, hi] of a quantized output for a fused activation, given
// the output's scale and zero point and the storage type's limits.
enum class FusedActivation { kNone, kRelu, kReluN1To1, kRelu6 };
struct QuantRange {
  int32_t lo, hi;
};
inline QuantRange ActivationRange(FusedActivation act, float scale, int32_t zero_point,
                                  int32_t qmin, int32_t qmax) {
  // f / scale in float, rounded, as the reference computes it; saturated
  // before the integer conversion so that tiny scales cannot overflow.
  auto q = [&](float f) {
    const double v = static_cast<double>(zero_point) + std::round(f / scale);
    return static_cast<int32_t>(std::min<double>(std::max<double>(v, qmin), qmax));
  };
  QuantRange r{qmin, qmax};
  switch (act) {
    case FusedActivation::kNone: break;
    case FusedActivation::kRelu: r.lo = std::max(qmin, q(0.f)); break;
    case FusedActivation::kRelu6:
      r.lo = std::max(qmin, q(0.f));
      r.hi = std::min(qmax, q(6.f));
      break;
    case FusedActivation::kReluN1To1:
      r.lo = std::max(qmin, q(-1.f));
      r.hi = std::min(qmax, q(1.f));
      break;
  }
  return r;
}

}  // namespace edgeml::quant
