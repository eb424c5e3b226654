// Quantized reference kernels for SOFTMAX and L2_NORMALIZATION over the last
// axis (input viewed as [outer, depth]), reproducing LiteRT's reference
// kernels bit for bit.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "quant/fixed_point.h"
#include "quant/fixed_point_math.h"
#include "quant/lut.h"

namespace edgeml::reference {

// 8-bit SOFTMAX (gemmlowp fixed point): differences to the row maximum are
// scaled by beta * input_scale into Q5.26, exponentiated, summed in Q12.19
// and multiplied by the reciprocal of the sum. Differences below diff_min
// contribute nothing and give the lowest output.
struct SoftmaxQuantParams {
  quant::Multiplier input_multiplier;  // shift >= 0
  int32_t diff_min = 0;
};

namespace internal {
constexpr int kSoftmaxDiffIntegerBits = 5;
constexpr int kSoftmaxAccumIntegerBits = 12;
}  // namespace internal

// Output types: uint8/int8 (scale 1/256, lowest value = 0) or int16 (scale
// 1/65536 from -32768). Returns false if a row's sum of exponentials leaves
// the range the reference supports (it would abort there).
template <typename In, typename Out>
bool SoftmaxQuant8(const SoftmaxQuantParams& p, int64_t outer, int64_t depth, const In* in,
                   Out* out) {
  constexpr int32_t kOutMin = std::numeric_limits<Out>::min();
  constexpr int32_t kOutMax = std::numeric_limits<Out>::max();
  for (int64_t r = 0; r < outer; ++r) {
    const In* x = in + r * depth;
    Out* y = out + r * depth;
    In max = std::numeric_limits<In>::min();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    auto scaled_exp = [&](int32_t diff) {
      const int32_t scaled =
          quant::MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.input_multiplier);
      return quant::ExpOnNegativeValues(scaled, internal::kSoftmaxDiffIntegerBits);
    };
    int32_t sum = 0;  // Q12; wraps like the reference's plain add
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max;
      if (diff >= p.diff_min) {
        sum = quant::WrapAdd(
            sum, quant::RescaleQ(scaled_exp(diff), 0, internal::kSoftmaxAccumIntegerBits));
      }
    }
    if (sum <= 0) return false;
    int num_bits_over_unit = 0;
    const int32_t scale =
        quant::GetReciprocal(sum, internal::kSoftmaxAccumIntegerBits, &num_bits_over_unit);
    const int exponent = num_bits_over_unit + 31 - static_cast<int>(sizeof(Out) * 8);
    if (exponent < 0 || exponent > 31) return false;
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t diff = static_cast<int32_t>(x[c]) - max;
      if (diff >= p.diff_min) {
        const int32_t unsat =
            quant::RoundingDivideByPOT(quant::MulQ(scale, scaled_exp(diff)), exponent);
        const int32_t shifted = unsat + kOutMin;
        y[c] = static_cast<Out>(std::max(std::min(shifted, kOutMax), kOutMin));
      } else {
        y[c] = static_cast<Out>(kOutMin);
      }
    }
  }
  return true;
}

// int16 SOFTMAX: exp and 1/(1+x) from two 513-entry tables (quant/lut.h).
// The scaled difference maps [-10, 0] onto [-65535, 0]; output scale
// 1/32768, zero point 0. Row sums must stay below 2^31 (depth <= 65536).
struct SoftmaxInt16Params {
  quant::Multiplier input_multiplier;
  const int16_t* exp_lut = nullptr;                  // exp(x), x in [-10, 0]
  const int16_t* one_over_one_plus_x_lut = nullptr;  // 1 / (1 + x), x in [0, 1]
};

inline void SoftmaxInt16(const SoftmaxInt16Params& p, int64_t outer, int64_t depth,
                         const int16_t* in, int16_t* out) {
  auto saturate16 = [](int32_t v) {
    return static_cast<int16_t>(std::min<int32_t>(std::max<int32_t>(v, -32768), 32767));
  };
  for (int64_t r = 0; r < outer; ++r) {
    const int16_t* x = in + r * depth;
    int16_t* y = out + r * depth;
    int16_t max = std::numeric_limits<int16_t>::min();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    // The exponentials (Q0.15) are kept in the output row until rescaled.
    int32_t sum = 0;
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t scaled = quant::MultiplyByQuantizedMultiplier(static_cast<int32_t>(x[c]) - max,
                                                                  p.input_multiplier);
      y[c] = quant::LutLookup16(saturate16(scaled + 32767), p.exp_lut);
      sum += y[c];
    }
    const int headroom_plus_one = quant::CountLeadingZeros32(static_cast<uint32_t>(sum));
    const int32_t shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    // 1/(1 + x) with x = shifted_sum - 1, recentred from [0, 65535].
    const int16_t reciprocal = quant::LutLookup16(saturate16(shifted_sum - ((1 << 15) + (1 << 16))),
                                                  p.one_over_one_plus_x_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t v =
          static_cast<int32_t>((static_cast<int64_t>(y[c]) * reciprocal + round) >> right_shift);
      y[c] = static_cast<int16_t>(std::min(std::max(v, 0), 32767));
    }
  }
}

// 8-bit L2_NORMALIZATION: x / sqrt(sum(x^2)) with the fixed-point inverse
// square root; output scale 1/128 (zero point 0 for int8, 128 for uint8).
namespace internal {
template <typename T>
int32_t SumOfSquares(const T* x, int64_t depth, int32_t zero_point) {
  uint32_t acc = 0;  // wraps like the reference's int32 sum
  for (int64_t c = 0; c < depth; ++c) {
    const int32_t d = static_cast<int32_t>(x[c]) - zero_point;
    acc += static_cast<uint32_t>(d * d);
  }
  return static_cast<int32_t>(acc);
}
}  // namespace internal

inline void L2NormalizeInt8(int32_t input_zero_point, int64_t outer, int64_t depth,
                            const int8_t* in, int8_t* out) {
  constexpr int kOutputShift = 7;  // output scale 1/128
  for (int64_t r = 0; r < outer; ++r) {
    const int8_t* x = in + r * depth;
    int8_t* y = out + r * depth;
    int32_t multiplier = 0;
    int shift = 0;
    quant::InvSqrtMultiplierExp(internal::SumOfSquares(x, depth, input_zero_point), -1, &multiplier,
                                &shift);
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t v = quant::MultiplyByQuantizedMultiplier(
          static_cast<int32_t>(x[c]) - input_zero_point, {multiplier, shift + kOutputShift});
      y[c] = static_cast<int8_t>(std::min<int32_t>(127, std::max<int32_t>(-128, v)));
    }
  }
}

inline void L2NormalizeUint8(int32_t input_zero_point, int64_t outer, int64_t depth,
                             const uint8_t* in, uint8_t* out) {
  for (int64_t r = 0; r < outer; ++r) {
    const uint8_t* x = in + r * depth;
    uint8_t* y = out + r * depth;
    int32_t multiplier = 0;
    int shift = 0;
    quant::InvSqrtMultiplierExp(internal::SumOfSquares(x, depth, input_zero_point), -1, &multiplier,
                                &shift);
    for (int64_t c = 0; c < depth; ++c) {
      const int32_t d = static_cast<int32_t>(x[c]) - input_zero_point;
      const int32_t v =
          128 + quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * d, {multiplier, shift});
      y[c] = static_cast<uint8_t>(std::min<int32_t>(255, std::max<int32_t>(0, v)));
    }
  }
}

}  // namespace edgeml::reference
