// Reference kernels for quantized (int8, uint8, int16) elementwise ops:
// ADD/SUB/MUL/SQUARED_DIFFERENCE with broadcasting, requantization (QUANTIZE
// between integer types and the RELU family), LEAKY_RELU, PRELU, and
// float -> integer QUANTIZE. The arithmetic reproduces LiteRT's reference
// kernels bit for bit; every rescale goes through quant/fixed_point.h.
//
// Parameters arrive precomputed and validated by the op (offsets in range,
// multipliers with the shift signs each kernel assumes), so no intermediate
// below can overflow int32.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/reference/broadcast.h"
#include "quant/fixed_point.h"

namespace edgeml::reference {

// ---- ADD / SUB (general scales) ---------------------------------------------
// Both inputs are brought to a common scale (twice the larger input scale) at
// 2^left_shift finer resolution (20 for 8-bit, 15 for 16-bit), added or
// subtracted there, then rescaled to the output.
struct QuantAddSubParams {
  int left_shift = 20;
  int32_t input1_offset = 0;  // minus input 1's zero point
  int32_t input2_offset = 0;
  quant::Multiplier input1;  // real value <= 0.5 (shift <= 0)
  quant::Multiplier input2;
  quant::Multiplier output;   // real value < 1 (shift <= 0)
  int32_t output_offset = 0;  // the output's zero point
  int32_t act_min = 0, act_max = 0;
};

template <bool kSub>
inline int32_t QuantAddSubValue(int32_t a, int32_t b, const QuantAddSubParams& p) {
  using quant::MultiplyByQuantizedMultiplierSmallerThanOneExp;
  using quant::WrappingShiftLeft;
  const int32_t sa = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      WrappingShiftLeft(a + p.input1_offset, p.left_shift), p.input1);
  const int32_t sb = MultiplyByQuantizedMultiplierSmallerThanOneExp(
      WrappingShiftLeft(b + p.input2_offset, p.left_shift), p.input2);
  const int32_t raw = kSub ? sa - sb : sa + sb;
  const int32_t out =
      MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, p.output) + p.output_offset;
  return std::min(p.act_max, std::max(p.act_min, out));
}

template <typename T, bool kSub>
inline void QuantAddSub(const BroadcastPlan& plan, const T* a, const T* b, T* out,
                        const QuantAddSubParams& p) {
  BroadcastBinary(plan, a, b, out,
                  [&p](T x, T y) { return static_cast<T>(QuantAddSubValue<kSub>(x, y, p)); });
}

// ---- ADD / SUB, int16 with power-of-two scales and zero points 0 -------------
// LiteRT's older LSTM path: one input may be rounded down by a power of two to
// the output's scale; the other already has it.
struct QuantPot16Params {
  int input1_right_shift = 0;  // in [0, 15]
  int input2_right_shift = 0;
  int32_t act_min = 0, act_max = 0;
};

template <bool kSub>
inline void QuantAddSubPot16(const BroadcastPlan& plan, const int16_t* a, const int16_t* b,
                             int16_t* out, const QuantPot16Params& p) {
  BroadcastBinary(plan, a, b, out, [&p](int16_t x, int16_t y) {
    const int32_t sx = quant::RoundingDivideByPOT(x, p.input1_right_shift);
    const int32_t sy = quant::RoundingDivideByPOT(y, p.input2_right_shift);
    // The int16 saturation LiteRT applies first is implied by the clamp:
    // the activation range lies inside int16.
    const int32_t raw = kSub ? sx - sy : sx + sy;
    return static_cast<int16_t>(std::min(p.act_max, std::max(p.act_min, raw)));
  });
}

// ---- MUL --------------------------------------------------------------------
struct QuantMulParams {
  int32_t input1_offset = 0, input2_offset = 0;  // minus the zero points
  int32_t output_offset = 0;
  quant::Multiplier output;  // s1 * s2 / s_out, any exponent
  int32_t act_min = 0, act_max = 0;
};

template <typename T>
inline void QuantMul(const BroadcastPlan& plan, const T* a, const T* b, T* out,
                     const QuantMulParams& p) {
  BroadcastBinary(plan, a, b, out, [&p](T x, T y) {
    // |product| <= 255 * 255 for 8-bit and <= 2^30 for int16 (zero points 0).
    const int32_t product = (x + p.input1_offset) * (y + p.input2_offset);
    const int32_t v = p.output_offset + quant::MultiplyByQuantizedMultiplier(product, p.output);
    return static_cast<T>(std::min(p.act_max, std::max(p.act_min, v)));
  });
}

// ---- SQUARED_DIFFERENCE (int8) ----------------------------------------------
// Like ADD with left_shift 7; the squared difference is rescaled by
// (2 * max input scale)^2 / (2^14 * output scale).
struct QuantSquaredDiffParams {
  int left_shift = 7;
  int32_t input1_offset = 0, input2_offset = 0;
  quant::Multiplier input1, input2;  // real value <= 0.5
  quant::Multiplier output;          // real value < 1
  int32_t output_offset = 0;
  int32_t act_min = -128, act_max = 127;
};

template <typename T>
inline void QuantSquaredDifference(const BroadcastPlan& plan, const T* a, const T* b, T* out,
                                   const QuantSquaredDiffParams& p) {
  using quant::MultiplyByQuantizedMultiplierSmallerThanOneExp;
  using quant::WrappingShiftLeft;
  BroadcastBinary(plan, a, b, out, [&p](T x, T y) {
    const int32_t sx = MultiplyByQuantizedMultiplierSmallerThanOneExp(
        WrappingShiftLeft(x + p.input1_offset, p.left_shift), p.input1);
    const int32_t sy = MultiplyByQuantizedMultiplierSmallerThanOneExp(
        WrappingShiftLeft(y + p.input2_offset, p.left_shift), p.input2);
    const int32_t d = sx - sy;  // |d| < 2^15, so d * d fits
    const int32_t v =
        MultiplyByQuantizedMultiplierSmallerThanOneExp(d * d, p.output) + p.output_offset;
    return static_cast<T>(std::min(p.act_max, std::max(p.act_min, v)));
  });
}

// ---- Requantization -----------------------------------------------------------
// out = clamp(zp_out + (in - zp_in) * multiplier, lo, hi): QUANTIZE between
// integer types (clamped to the output type) and RELU, RELU6, RELU_N1_TO_1
// (clamped to the activation's range).
struct RequantizeParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  quant::Multiplier multiplier;
  int32_t out_min = 0, out_max = 0;
};

template <typename In, typename Out>
inline void Requantize(int64_t n, const In* in, Out* out, const RequantizeParams& p) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(in[i]) - p.input_zero_point;
    const int32_t v = quant::MultiplyByQuantizedMultiplier(x, p.multiplier) + p.output_zero_point;
    out[i] = static_cast<Out>(std::min(p.out_max, std::max(p.out_min, v)));
  }
}

// ---- LEAKY_RELU ---------------------------------------------------------------
// Two multipliers: s_in / s_out for x >= zp_in, alpha * s_in / s_out (may be
// negative) below.
struct QuantLeakyReluParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  quant::Multiplier identity;
  quant::Multiplier alpha;
};

template <typename T>
inline void QuantLeakyRelu(int64_t n, const T* in, T* out, const QuantLeakyReluParams& p) {
  constexpr int32_t kMin = std::numeric_limits<T>::min();
  constexpr int32_t kMax = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = static_cast<int32_t>(in[i]) - p.input_zero_point;
    const int32_t v = p.output_zero_point +
                      quant::MultiplyByQuantizedMultiplier(x, x >= 0 ? p.identity : p.alpha);
    out[i] = static_cast<T>(std::min(kMax, std::max(kMin, v)));
  }
}

// ---- PRELU --------------------------------------------------------------------
// alpha is a quantized tensor broadcast against the input (plan built for
// (input, alpha)). Non-negative inputs use s_in / s_out, negative ones the
// product (x - zp_in) * (alpha - zp_alpha) with s_in * s_alpha / s_out.
struct QuantPreluParams {
  int32_t input_offset = 0;  // minus the zero points
  int32_t alpha_offset = 0;
  int32_t output_offset = 0;
  quant::Multiplier positive;
  quant::Multiplier negative;
};

template <typename T>
inline void QuantPrelu(const BroadcastPlan& plan, const T* in, const T* alpha, T* out,
                       const QuantPreluParams& p) {
  BroadcastBinary(plan, in, alpha, out, [&p](T x, T a) {
    constexpr int32_t kMin = std::numeric_limits<T>::min();
    constexpr int32_t kMax = std::numeric_limits<T>::max();
    const int32_t xv = x + p.input_offset;
    int32_t v;
    if (xv >= 0) {
      v = quant::MultiplyByQuantizedMultiplier(xv, p.positive);
    } else {
      v = quant::MultiplyByQuantizedMultiplier(xv * (a + p.alpha_offset), p.negative);
    }
    v += p.output_offset;
    return static_cast<T>(std::min(kMax, std::max(kMin, v)));
  });
}

// ---- QUANTIZE from float --------------------------------------------------------

// float -> int32 as LiteRT's x86 build converts: truncation of an already
// rounded value, with NaN and values outside int32 giving INT32_MIN (the
// "integer indefinite" of cvttss2si), rather than C++'s undefined behaviour.
inline int32_t FloatToInt32LikeX86(float r) {
  if (!(r >= -2147483648.0f && r < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

// q = clamp(round(x / scale) + zero_point): float division, rounding half away
// from zero; the zero point is added with two's-complement wrap-around.
template <typename Q>
inline Q QuantizeValue(float x, float scale, int32_t zero_point) {
  constexpr int32_t kMin = std::numeric_limits<Q>::min();
  constexpr int32_t kMax = std::numeric_limits<Q>::max();
  const int32_t r = FloatToInt32LikeX86(std::round(x / scale));
  const int32_t v =
      static_cast<int32_t>(static_cast<uint32_t>(r) + static_cast<uint32_t>(zero_point));
  return static_cast<Q>(std::min(kMax, std::max(kMin, v)));
}

template <typename Q>
inline void AffineQuantize(int64_t n, const float* in, float scale, int32_t zero_point, Q* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = QuantizeValue<Q>(in[i], scale, zero_point);
}

// Per-channel output: the tensor viewed as [outer, channels, inner].
template <typename Q>
inline void AffineQuantizePerChannel(int64_t outer, int64_t channels, int64_t inner,
                                     const float* in, const float* scales,
                                     const int32_t* zero_points, Q* out) {
  int64_t i = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t k = 0; k < inner; ++k, ++i) {
        out[i] = QuantizeValue<Q>(in[i], scales[c], zero_points[c]);
      }
    }
  }
}

}  // namespace edgeml::reference
