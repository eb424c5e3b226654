// Reference quantized FULLY_CONNECTED and BATCH_MATMUL, reproducing LiteRT's
// reference kernels bit for bit.
//
// LiteRT's reference FULLY_CONNECTED (since 2025) rescales its integer
// accumulator in double precision, round(acc * in_scale * w_scale / out_scale),
// rather than with the fixed-point multiplier the other ops use; the
// optimized kernels still use the fixed-point path, so the two can differ by
// one step. We follow the reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/reference/batch_matmul.h"
#include "kernels/reference/conv_quant.h"
#include "quant/fixed_point.h"

namespace edgeml::reference {

struct QuantFullyConnectedParams {
  int32_t input_offset = 0;   // -input zero point
  int32_t filter_offset = 0;  // -weights zero point (0 for per-channel)
  int32_t output_offset = 0;
  int32_t act_min = 0;
  int32_t act_max = 0;
  // Per output unit: double(in_scale) * double(w_scale) / double(out_scale).
  const double* scales = nullptr;
};

namespace quant_detail {
// double -> int32 as the x86-64 conversion the reference build runs on does
// it: truncation, and the "integer indefinite" INT32_MIN for NaN and values
// out of range (C++ leaves those undefined).
inline int32_t TruncateToInt32(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return INT32_MIN;
  return static_cast<int32_t>(v);
}
}  // namespace quant_detail

// input [batch, depth], weights [units, depth], bias [units] or null.
template <typename In, typename W, typename Acc, typename Out>
inline void FullyConnectedQuant(const QuantFullyConnectedParams& q, int64_t batch, int32_t depth,
                                int32_t units, const In* input, const W* weights, const Acc* bias,
                                Out* output) {
  for (int64_t b = 0; b < batch; ++b) {
    const In* x = input + b * depth;
    Out* y = output + b * units;
    for (int32_t o = 0; o < units; ++o) {
      const W* w = weights + int64_t{o} * depth;
      Acc acc = 0;
      for (int32_t d = 0; d < depth; ++d) {
        const int32_t prod = (int32_t{w[d]} + q.filter_offset) * (int32_t{x[d]} + q.input_offset);
        acc = quant_detail::AddWrap<Acc>(acc, prod);
      }
      if (bias != nullptr) acc = quant_detail::AddWrap<Acc>(acc, bias[o]);
      int32_t v = quant_detail::TruncateToInt32(std::round(static_cast<double>(acc) * q.scales[o]));
      v = static_cast<int32_t>(static_cast<uint32_t>(v) + static_cast<uint32_t>(q.output_offset));
      v = std::min(std::max(v, q.act_min), q.act_max);
      y[o] = static_cast<Out>(v);
    }
  }
}

// BATCH_MATMUL over quantized operands (geometry as BatchMatMulF32):
// acc = sum (lhs + lhs_offset) * (rhs + rhs_offset), requantized with one
// fixed-point multiplier (Acc int64 for int16 activations, whose result the
// int64 variant rescales).
template <typename L, typename R, typename Acc, typename Out>
inline void BatchMatMulQuant(const BatchMatMulShape& s, int32_t lhs_offset, int32_t rhs_offset,
                             int32_t output_offset, quant::Multiplier m, int32_t act_min,
                             int32_t act_max, const L* lhs, const R* rhs, Out* out) {
  const int64_t lhs_mat = int64_t{s.rows} * s.depth;
  const int64_t rhs_mat = int64_t{s.depth} * s.cols;
  const int64_t out_mat = int64_t{s.rows} * s.cols;
  int32_t ob[3];
  int64_t lhs_stride[3], rhs_stride[3];
  int64_t ls = lhs_mat, rs = rhs_mat;
  for (int d = 2; d >= 0; --d) {
    ob[d] = s.lhs_batch[d] == 1 ? s.rhs_batch[d] : s.lhs_batch[d];
    lhs_stride[d] = s.lhs_batch[d] == 1 ? 0 : ls;
    rhs_stride[d] = s.rhs_batch[d] == 1 ? 0 : rs;
    ls *= s.lhs_batch[d];
    rs *= s.rhs_batch[d];
  }
  for (int32_t b0 = 0; b0 < ob[0]; ++b0) {
    for (int32_t b1 = 0; b1 < ob[1]; ++b1) {
      for (int32_t b2 = 0; b2 < ob[2]; ++b2) {
        const L* l = lhs + b0 * lhs_stride[0] + b1 * lhs_stride[1] + b2 * lhs_stride[2];
        const R* r = rhs + b0 * rhs_stride[0] + b1 * rhs_stride[1] + b2 * rhs_stride[2];
        Out* o = out + ((int64_t{b0} * ob[1] + b1) * ob[2] + b2) * out_mat;
        for (int32_t i = 0; i < s.rows; ++i) {
          for (int32_t j = 0; j < s.cols; ++j) {
            Acc acc = 0;
            for (int32_t k = 0; k < s.depth; ++k) {
              const int32_t a = s.adj_x ? l[int64_t{k} * s.rows + i] : l[int64_t{i} * s.depth + k];
              const int32_t c = s.adj_y ? r[int64_t{j} * s.depth + k] : r[int64_t{k} * s.cols + j];
              acc = quant_detail::AddWrap<Acc>(acc, int64_t{a + lhs_offset} * (c + rhs_offset));
            }
            int32_t v = quant::MultiplyByQuantizedMultiplier(acc, m);
            v = static_cast<int32_t>(static_cast<uint32_t>(v) +
                                     static_cast<uint32_t>(output_offset));
            o[int64_t{i} * s.cols + j] = static_cast<Out>(std::min(std::max(v, act_min), act_max));
          }
        }
      }
    }
  }
}

}  // namespace edgeml::reference
