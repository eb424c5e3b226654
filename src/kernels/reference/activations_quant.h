// Quantized reference kernels for LOGISTIC, TANH, HARD_SWISH and RSQRT,
// reproducing LiteRT's reference kernels bit for bit. 8-bit LOGISTIC/TANH
// are table lookups (tables from quant/lut.h, built at prepare); int16
// LOGISTIC/TANH interpolate LiteRT's sigmoid table.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "quant/fixed_point.h"
#include "quant/fixed_point_math.h"
#include "quant/lut.h"

namespace edgeml::reference {

// out[i] = lut[uint8(in[i])] for an 8-bit table from quant::PopulateLut8.
template <typename T>
void LookupTable8(int64_t n, const T* in, const T* lut, T* out) {
  static_assert(sizeof(T) == 1, "8-bit tables only");
  for (int64_t i = 0; i < n; ++i) out[i] = lut[static_cast<uint8_t>(in[i])];
}

// out[i] = interpolated lookup of in[i] in a 513-entry table.
inline void LookupTable16(int64_t n, const int16_t* in, const int16_t* lut, int16_t* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = quant::LutLookup16(in[i], lut);
}

// Input rescaling of the int16 LOGISTIC/TANH kernels: the input is brought
// to the sigmoid table's scale (1/(3*4096) per unit, i.e. +-2^17 ~ +-10.7)
// by (x * multiplier + round) >> shift. For power-of-two input scales LiteRT
// stores multiplier 0, meaning 3 << shift with no right shift.
struct Int16SigmoidRescale {
  int32_t multiplier = 0;
  int left_shift = 0;
};

namespace internal {
// (x * m + round) >> shift in wrapping int32 arithmetic.
inline int32_t RescaleInt16Input(int16_t x, int32_t m, int shift, int32_t round) {
  const uint32_t p = static_cast<uint32_t>(static_cast<int32_t>(x)) * static_cast<uint32_t>(m) +
                     static_cast<uint32_t>(round);
  return static_cast<int32_t>(p) >> shift;
}
inline uint32_t AbsU32(int32_t v) {
  return v < 0 ? 0u - static_cast<uint32_t>(v) : static_cast<uint32_t>(v);
}
inline void ResolveRescale(Int16SigmoidRescale r, int32_t* m, int* shift, int32_t* round) {
  *m = r.multiplier;
  *shift = r.left_shift;
  if (*m == 0) {
    *m = static_cast<int32_t>(3u << *shift);
    *shift = 0;
  }
  *round = *shift > 0 ? (int32_t{1} << (*shift - 1)) : 0;
}
}  // namespace internal

// int16 LOGISTIC: output scale 1/32768, zero point 0.
inline void LogisticInt16(Int16SigmoidRescale rescale, int64_t n, const int16_t* in, int16_t* out) {
  int32_t m = 0, round = 0;
  int shift = 0;
  internal::ResolveRescale(rescale, &m, &shift, &round);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = internal::RescaleInt16Input(in[i], m, shift, round);
    const uint32_t ax = internal::AbsU32(x);
    const uint32_t segment = ax >> 9;
    uint32_t r;
    if (segment >= 255) {
      r = uint32_t{0x7FFF} << 10;
    } else {
      const uint32_t a = quant::kSigmoidTableQ16[segment];
      const uint32_t b = quant::kSigmoidTableQ16[segment + 1];
      r = (a << 9) + (ax & 0x1ff) * (b - a);
    }
    // sigmoid(-x) = 1 - sigmoid(x); both branches round to nearest.
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    out[i] = static_cast<int16_t>(r >> 10);
  }
}

// int16 TANH: output scale 1/32768, zero point 0.
inline void TanhInt16(Int16SigmoidRescale rescale, int64_t n, const int16_t* in, int16_t* out) {
  int32_t m = 0, round = 0;
  int shift = 0;
  internal::ResolveRescale(rescale, &m, &shift, &round);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = internal::RescaleInt16Input(in[i], m, shift, round);
    const uint32_t ax = internal::AbsU32(x);
    const uint32_t segment = ax >> 8;
    int32_t r;
    if (segment >= 255) {
      r = 0xFFFF << 8;
    } else {
      const uint32_t a = quant::kSigmoidTableQ16[segment];
      const uint32_t b = quant::kSigmoidTableQ16[segment + 1];
      const uint32_t t = ax & 0xFF;
      r = static_cast<int32_t>((a << 8) + t * (b - a));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    out[i] = static_cast<int16_t>(r >> 8);
  }
}

// HARD_SWISH on 8-bit values in 16-bit fixed point. The input is moved to a
// "hires" scale (x 2^7); the relu-ish factor relu6(x + 3) / 6 is computed on
// a scale where 3.0 maps to 32768, then multiplied in with a truncating
// product.
struct HardSwishQuantParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  int16_t output_multiplier = 0;   // Q15 mantissa of hires_input_scale / output_scale
  int output_exponent = 0;         // <= 0
  int16_t reluish_multiplier = 0;  // Q15 mantissa of hires_input_scale / (3 / 32768)
  int reluish_exponent = 0;
};

template <typename T>
void HardSwishQuant(const HardSwishQuantParams& p, int64_t n, const T* in, T* out) {
  for (int64_t i = 0; i < n; ++i) {
    const int16_t x = static_cast<int16_t>(in[i] - p.input_zero_point);
    const int16_t x_hires = static_cast<int16_t>(x * (1 << 7));
    const int16_t x_preshift_out =
        quant::SaturatingRoundingDoublingHighMulInt16(x_hires, p.output_multiplier);
    int16_t reluish = x_hires;
    // Left shift in two parts so that only the last one can saturate.
    if (p.reluish_exponent > 0) {
      reluish = quant::SaturatingLeftShiftInt16(reluish, p.reluish_exponent - 1);
    }
    reluish = quant::SaturatingRoundingDoublingHighMulInt16(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = quant::SaturatingLeftShiftInt16(reluish, 1);
    if (p.reluish_exponent < 0) {
      reluish = quant::RoundingDivideByPOTInt16(reluish, -p.reluish_exponent);
    }
    // [-1, 1] -> [0, 1].
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);
    const int16_t preshift = quant::SaturatingDoublingHighMulInt16(reluish, x_preshift_out);
    int16_t y = quant::RoundingDivideByPOTInt16(preshift, -p.output_exponent);
    y = static_cast<int16_t>(y + p.output_zero_point);
    y = std::min<int16_t>(y, std::numeric_limits<T>::max());
    y = std::max<int16_t>(y, std::numeric_limits<T>::min());
    out[i] = static_cast<T>(y);
  }
}

// int8 RSQRT: 1/sqrt(x - zp) through the fixed-point inverse square root,
// then one requantization by 1 / (sqrt(input_scale) * output_scale).
// Returns false (output incomplete) if an input is below the zero point,
// i.e. negative.
struct RsqrtInt8Params {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  quant::Multiplier output_multiplier;
};

inline bool RsqrtInt8(const RsqrtInt8Params& p, int64_t n, const int8_t* in, int8_t* out) {
  constexpr int kShift = 20;  // keeps the intermediate 1/sqrt an integer
  constexpr int32_t kMin = std::numeric_limits<int8_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int8_t>::max();
  for (int64_t i = 0; i < n; ++i) {
    if (in[i] < p.input_zero_point) return false;
    const int32_t value = in[i] - p.input_zero_point;
    if (value == 0) {  // treated as the largest output
      out[i] = static_cast<int8_t>(kMax);
      continue;
    }
    int32_t inv_sqrt = 0;
    int inv_sqrt_shift = 0;
    quant::InvSqrtMultiplierExp(value, -1, &inv_sqrt, &inv_sqrt_shift);
    const int32_t data =
        quant::MultiplyByQuantizedMultiplier(int32_t{1}, {inv_sqrt, inv_sqrt_shift + kShift});
    const quant::Multiplier m{p.output_multiplier.mantissa, p.output_multiplier.shift - kShift};
    const int32_t y = quant::MultiplyByQuantizedMultiplier(data, m) + p.output_zero_point;
    out[i] = static_cast<int8_t>(std::min(std::max(y, kMin), kMax));
  }
  return true;
}

// int16 RSQRT: a 513-entry table; false if an input is negative.
inline bool RsqrtInt16(int64_t n, const int16_t* in, const int16_t* lut, int16_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    if (in[i] < 0) return false;
  }
  LookupTable16(n, in, lut, out);
  return true;
}

}  // namespace edgeml::reference
