// Quantized reductions (MEAN, SUM, REDUCE_MAX) over int8, uint8 and int16,
// with LiteRT's integer arithmetic:
//   sum    = the raw values summed in int32;
//   shifted = sum - input_zero_point * n (wrapping to int32), n = elements per output;
//   output = clamp(MultiplyByQuantizedMultiplier(shifted, m) + output_zero_point)
// where m quantizes input_scale / output_scale (in double). MEAN folds 1/n
// into m (MeanMultiplier). REDUCE_MAX compares raw values.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/reference/reduce.h"
#include "quant/fixed_point.h"

namespace edgeml::reference {

// The multiplier of a mean over n elements: LiteRT scales the mantissa up by
// 2^k (k = floor(log2 n), at most 32 and at most 31 + shift) and divides it
// by n with truncation, then lowers the exponent by k.
inline quant::Multiplier MeanMultiplier(quant::Multiplier m, int64_t n) {
  if (n <= 0) return m;
  int k = 0;
  while ((n >> (k + 1)) != 0) ++k;  // floor(log2 n)
  k = std::min(k, 32);
  k = std::min(k, 31 + m.shift);
  if (k < 0) k = 0;  // unreachable for shifts from QuantizeMultiplier (>= -31)
  quant::Multiplier r;
  r.mantissa = static_cast<int32_t>((static_cast<int64_t>(m.mantissa) << k) / n);
  r.shift = m.shift - k;
  return r;
}

struct QuantReduceParams {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  quant::Multiplier multiplier;  // already adjusted by MeanMultiplier for MEAN
};

// `sums` is caller workspace of g.output_count int32 entries; `index` as in
// ReduceInto.
template <typename T>
void QuantizedMeanOrSum(const ReduceGeometry& g, const QuantReduceParams& q, const T* input,
                        T* output, int32_t* sums, int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) sums[i] = 0;
  // Wrapping int32 addition, as LiteRT's int32 accumulator behaves.
  ReduceInto(g, input, sums, index, [](int32_t acc, T v) {
    return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
  });
  const int64_t n = g.reduced_count;
  const int32_t lo = std::numeric_limits<T>::min();
  const int32_t hi = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < g.output_count; ++i) {
    if (n == 0) {  // empty reduction: LiteRT leaves its zero-initialized output
      output[i] = T(0);
      continue;
    }
    const int64_t shifted64 = static_cast<int64_t>(sums[i]) - int64_t{q.input_zero_point} * n;
    const int32_t shifted = static_cast<int32_t>(static_cast<uint32_t>(shifted64));
    int32_t v = quant::MultiplyByQuantizedMultiplier(shifted, q.multiplier);
    v = static_cast<int32_t>(static_cast<uint32_t>(v) + static_cast<uint32_t>(q.output_zero_point));
    output[i] = static_cast<T>(std::min(std::max(v, lo), hi));
  }
}

// SUM of int8/int16 as LiteRT's optimized kernel computes it, in float:
//   scale = input_scale / output_scale (float), bias = -input_zero_point *
//   scale * n, output = clamp(round(sum * scale + bias) + output_zero_point),
//   rounding half away from zero.
// (LiteRT 2.3.0's reference SUM reads int8/int16 data as uint8, so its
// optimized kernel is the meaningful oracle for these types.)
struct FloatSumParams {
  float scale = 1.f, bias = 0.f;
  int32_t output_zero_point = 0;
};

inline FloatSumParams MakeFloatSumParams(float input_scale, int32_t input_zero_point,
                                         float output_scale, int32_t output_zero_point, int64_t n) {
  FloatSumParams p;
  p.scale = input_scale / output_scale;
  p.bias = static_cast<float>(-input_zero_point) * p.scale * static_cast<float>(n);
  p.output_zero_point = output_zero_point;
  return p;
}

template <typename T>
void QuantizedSumFloat(const ReduceGeometry& g, const FloatSumParams& q, const T* input, T* output,
                       int32_t* sums, int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) sums[i] = 0;
  ReduceInto(g, input, sums, index, [](int32_t acc, T v) {
    return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
  });
  const float lo = std::numeric_limits<T>::min();
  const float hi = std::numeric_limits<T>::max();
  const float zp = static_cast<float>(q.output_zero_point);
  for (int64_t i = 0; i < g.output_count; ++i) {
    const float v = std::round(static_cast<float>(sums[i]) * q.scale + q.bias);
    // Clamped before the conversion so that it is defined for any value
    // (std::min/max also turn a NaN into the lower bound).
    const float c = std::max(lo - zp, std::min(v, hi - zp));
    output[i] = static_cast<T>(static_cast<int32_t>(c) + q.output_zero_point);
  }
}

template <typename T>
void ReduceMaxQuant(const ReduceGeometry& g, const T* input, T* output, int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = std::numeric_limits<T>::lowest();
  ReduceInto(g, input, output, index, [](T a, T b) { return b > a ? b : a; });
}

}  // namespace edgeml::reference
