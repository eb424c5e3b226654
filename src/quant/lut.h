// Lookup tables of LiteRT's quantized kernels: 256-entry tables for 8-bit
// inputs, 513-entry interpolated tables for int16 inputs, and the sigmoid
// table behind the int16 LOGISTIC and TANH kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgeml::quant {

// float -> int32 as x86's truncating conversion does it: values outside the
// int32 range (and NaN) give INT32_MIN. LiteRT's table builders convert
// unclamped floats, so this is what it computes on x86-64.
inline int32_t TruncateFloatToInt32(float f) {
  if (!(f >= -2147483648.0f && f < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(f);
}

// Table of transform(x) for every 8-bit value, in float arithmetic:
// round(transform(in_scale * (q - in_zp)) / out_scale) + out_zp, clamped.
// lut[static_cast<uint8_t>(q)] holds the output of q (so int8 tables are
// ordered 0..127, -128..-1).
template <typename T, typename Transform>
void PopulateLut8(float in_scale, int32_t in_zero_point, float out_scale, int32_t out_zero_point,
                  Transform transform, T* lut) {
  static_assert(sizeof(T) == 1, "8-bit tables only");
  const float inverse_scale = 1 / out_scale;
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (int32_t q = lo; q <= hi; ++q) {
    const float x = in_scale * static_cast<float>(q - in_zero_point);
    const float rescaled = std::round(transform(x) * inverse_scale);
    const int32_t quantized = TruncateFloatToInt32(rescaled + static_cast<float>(out_zero_point));
    lut[static_cast<uint8_t>(static_cast<T>(q))] =
        static_cast<T>(std::max(lo, std::min(hi, quantized)));
  }
}

constexpr int kLut16Size = 513;

// Table for int16 inputs: 512 segments over the input range plus the end
// point, in FloatT arithmetic. Each sample is biased by half the error of
// linear interpolation at its segment's midpoint, which is what LiteRT stores.
template <typename FloatT, typename Transform>
void PopulateLut16(FloatT in_scale, int32_t in_zero_point, FloatT out_scale, int32_t out_zero_point,
                   Transform transform, int16_t* lut) {
  constexpr int32_t kMin = std::numeric_limits<int16_t>::min();
  constexpr int32_t kMax = std::numeric_limits<int16_t>::max();
  const FloatT input_min = in_scale * static_cast<FloatT>(kMin - in_zero_point);
  const FloatT input_max = in_scale * static_cast<FloatT>(kMax - in_zero_point);
  const FloatT output_min = out_scale * static_cast<FloatT>(kMin - out_zero_point);
  const FloatT output_max = out_scale * static_cast<FloatT>(kMax - out_zero_point);
  constexpr int kSteps = 512;
  const FloatT step = (input_max - input_min) / kSteps;
  const FloatT half_step = step / 2;
  const FloatT to_table = static_cast<FloatT>(kMax - kMin + 1) / (output_max - output_min);
  const FloatT table_min = static_cast<FloatT>(kMin);
  const FloatT table_max = static_cast<FloatT>(kMax);
  auto clamp = [&](FloatT v) { return std::min(std::max(v, table_min), table_max); };
  for (int i = 0; i < kSteps; ++i) {
    const FloatT start = transform(input_min + static_cast<FloatT>(i) * step);
    const FloatT mid = transform(input_min + static_cast<FloatT>(i) * step + half_step);
    const FloatT end = transform(input_min + static_cast<FloatT>(i + 1) * step);
    const FloatT sample = std::round(start * to_table);
    const FloatT interpolated_mid = std::round((end * to_table + std::round(start * to_table)) / 2);
    const FloatT exact_mid = std::round(mid * to_table);
    const FloatT bias = std::round((interpolated_mid - exact_mid) / 2);
    lut[i] = static_cast<int16_t>(clamp(sample - bias));
  }
  lut[kSteps] = static_cast<int16_t>(clamp(std::round(transform(input_max) * to_table)));
}

// Interpolated lookup: the top 9 bits pick the segment, the low 7 bits
// interpolate linearly (slope kept in int16, as the reference does).
inline int16_t LutLookup16(int16_t value, const int16_t* lut) {
  const uint16_t index = static_cast<uint16_t>(256 + (value >> 7));
  const int16_t offset = static_cast<int16_t>(value & 0x7f);
  const int16_t base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

// sigmoid(i / 24) in Q0.16, i = 0..255: the base of int16 LOGISTIC and TANH
// (tanh(x) = 2 sigmoid(2x) - 1). Copied as data from LiteRT; see the file for
// its source and license.
inline constexpr uint16_t kSigmoidTableQ16[256] = {
#include "quant/data/sigmoid_q16.inc"
};

}  // namespace edgeml::quant
