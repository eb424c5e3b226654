// Reference dynamic-range ("hybrid") kernels: float32 activations, int8
// constant weights with per-tensor or per-channel symmetric scales. The input
// is quantized to int8 on the fly (one scale, and for the asymmetric scheme one
// zero point, per row or per batch image), products are accumulated in int32
// and the accumulators are scaled back to float.
//
// The float steps follow LiteRT's reference hybrid path operation by operation
// (which products are formed first, where the bias is added, how the fused
// activation is applied), because each reordering changes the last bit.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/reference/batch_matmul.h"
#include "kernels/reference/conv.h"

namespace edgeml::reference {

namespace hybrid_detail {

// float -> int32 truncation without undefined behaviour: NaN and values out of
// range give INT32_MIN, the x86 conversion result LiteRT sees.
inline int32_t TruncToInt32(float x) {
  if (!(x >= -2147483648.f && x < 2147483648.f)) return INT32_MIN;
  return static_cast<int32_t>(x);
}

// Smallest and (last) largest element of a strided row; NaNs never win.
inline void MinMax(const float* v, int64_t n, int64_t stride, float* lo, float* hi) {
  *lo = v[0];
  *hi = v[0];
  for (int64_t i = 1; i < n; ++i) {
    const float x = v[i * stride];
    if (x < *lo) *lo = x;
    if (!(x < *hi)) *hi = x;
  }
}

inline int32_t Wrap(int64_t x) { return static_cast<int32_t>(static_cast<uint32_t>(x)); }

}  // namespace hybrid_detail

// Symmetric int8 quantization of n values (element i at v[i * stride]) to
// [-127, 127]: scale = max|v| / 127. An all-zero row gives scale 1.
inline void SymmetricQuantizeRow(const float* v, int64_t n, int64_t stride, int8_t* q,
                                 float* scale) {
  if (n <= 0) {
    *scale = 1.f;
    return;
  }
  float lo, hi;
  hybrid_detail::MinMax(v, n, stride, &lo, &hi);
  const float range = std::max(std::abs(lo), std::abs(hi));
  if (range == 0.f) {
    std::fill(q, q + n, int8_t{0});
    *scale = 1.f;
    return;
  }
  *scale = range / 127.f;
  const float inv = 127.f / range;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t r = hybrid_detail::TruncToInt32(std::round(v[i * stride] * inv));
    q[i] = static_cast<int8_t>(std::min(127, std::max(-127, r)));
  }
}

// Asymmetric int8 quantization to [-128, 127] over the range [min(0, v),
// max(0, v)]; the scale and nudged zero point are derived in double, the
// values quantized in float. An all-zero row gives scale 1, zero point 0.
inline void AsymmetricQuantizeRow(const float* v, int64_t n, int64_t stride, int8_t* q,
                                  float* scale, int32_t* zero_point) {
  *scale = 1.f;
  *zero_point = 0;
  if (n <= 0) return;
  float lo, hi;
  hybrid_detail::MinMax(v, n, stride, &lo, &hi);
  const double rmin = static_cast<double>(std::min(0.f, lo));
  const double rmax = static_cast<double>(std::max(0.f, hi));
  if (rmin == rmax) {
    std::fill(q, q + n, int8_t{0});
    return;
  }
  const double qmin = -128.0, qmax = 127.0;
  const double s = (rmax - rmin) / (qmax - qmin);
  const double zp_from_min = qmin - rmin / s;
  const double zp_from_max = qmax - rmax / s;
  const double err_min = std::abs(qmin) + std::abs(rmin / s);
  const double err_max = std::abs(qmax) + std::abs(rmax / s);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  int32_t nudged;
  if (zp <= qmin) {
    nudged = -128;
  } else if (zp >= qmax) {
    nudged = 127;
  } else {
    nudged = static_cast<int32_t>(std::round(zp));
  }
  *scale = static_cast<float>(s);
  *zero_point = nudged;
  const float inv = 1.f / *scale;
  const float offset = static_cast<float>(nudged);
  for (int64_t i = 0; i < n; ++i) {
    const float t = v[i * stride] * inv;
    const int32_t r = hybrid_detail::TruncToInt32(std::round(offset + t));
    q[i] = static_cast<int8_t>(std::min(127, std::max(-128, r)));
  }
}

// Quantizes `rows` contiguous rows of `n` values each (row b at v + b * n).
// zero_points[b] is 0 for the symmetric scheme.
inline void QuantizeRows(const float* v, int64_t rows, int64_t n, bool asymmetric, int8_t* q,
                         float* scales, int32_t* zero_points) {
  for (int64_t b = 0; b < rows; ++b) {
    if (asymmetric) {
      AsymmetricQuantizeRow(v + b * n, n, 1, q + b * n, &scales[b], &zero_points[b]);
    } else {
      SymmetricQuantizeRow(v + b * n, n, 1, q + b * n, &scales[b]);
      zero_points[b] = 0;
    }
  }
}

// sums[r] = sum of row r of a [rows, depth] int8 matrix.
inline void RowSums(const int8_t* w, int64_t rows, int64_t depth, int32_t* sums) {
  for (int64_t r = 0; r < rows; ++r) {
    int64_t total = 0;
    for (int64_t d = 0; d < depth; ++d) total += w[r * depth + d];
    sums[r] = hybrid_detail::Wrap(total);
  }
}

// Buffers a hybrid kernel works in, sized by the op at prepare.
struct HybridScratch {
  int8_t* quantized = nullptr;     // one int8 per input element
  float* scales = nullptr;         // one per quantized row / batch image
  int32_t* zero_points = nullptr;  // one per quantized row / batch image
};

// Fused activations of the hybrid fully connected layer, applied to the float
// output as LiteRT's vector helpers do (max(0, x) gives +0 for -0 and NaN).
enum class HybridActivation { kNone, kRelu, kReluN1To1, kRelu6, kSignBit };

inline float ApplyHybridActivation(HybridActivation act, float x) {
  switch (act) {
    case HybridActivation::kRelu:
      return std::max(0.f, x);
    case HybridActivation::kReluN1To1:
      return std::max(-1.f, std::min(x, 1.f));
    case HybridActivation::kRelu6:
      return std::max(0.f, std::min(x, 6.f));
    case HybridActivation::kSignBit:
      return std::signbit(x) ? 1.f : 0.f;
    default:
      return x;
  }
}

// Weight scales: `channel` (one per output unit) when non-null, else `tensor`.
struct HybridWeightScales {
  const float* channel = nullptr;
  float tensor = 0.f;
};

// Fully connected: input [batch, depth] float, weights [units, depth] int8,
// bias [units] float or null, row_sums [units] (sums of weight rows; used by
// the asymmetric scheme). output [batch, units].
//   out[b,u] = act(bias[u] + float(acc - row_sums[u] * zp[b]) * (s[b] * ws[u]))
// An input that is entirely zero skips the product (out = act(bias)).
inline void HybridFullyConnected(int64_t batch, int32_t depth, int32_t units, const float* input,
                                 const int8_t* weights, HybridWeightScales ws,
                                 const int32_t* row_sums, const float* bias, bool asymmetric,
                                 HybridActivation act, const HybridScratch& s, float* output) {
  const int64_t total = batch * depth;
  for (int64_t b = 0; b < batch; ++b) {
    for (int32_t u = 0; u < units; ++u) {
      output[b * units + u] = bias != nullptr ? bias[u] : 0.f;
    }
  }
  bool all_zero = true;
  for (int64_t i = 0; i < total && all_zero; ++i) all_zero = input[i] == 0.f;
  if (!all_zero) {
    QuantizeRows(input, batch, depth, asymmetric, s.quantized, s.scales, s.zero_points);
    for (int64_t b = 0; b < batch; ++b) {
      // Per-tensor weights fold their scale into the row's scale first.
      const float row_scale = ws.channel != nullptr ? s.scales[b] : s.scales[b] * ws.tensor;
      const int8_t* x = s.quantized + b * depth;
      for (int32_t u = 0; u < units; ++u) {
        const int8_t* w = weights + int64_t{u} * depth;
        int64_t acc = 0;
        for (int32_t d = 0; d < depth; ++d) acc += int32_t{w[d]} * x[d];
        acc -= int64_t{row_sums[u]} * s.zero_points[b];
        const float scale = ws.channel != nullptr ? row_scale * ws.channel[u] : row_scale;
        const float prod = static_cast<float>(hybrid_detail::Wrap(acc)) * scale;
        output[b * units + u] += prod;
      }
    }
  }
  if (act != HybridActivation::kNone) {
    for (int64_t i = 0; i < batch * int64_t{units}; ++i) {
      output[i] = ApplyHybridActivation(act, output[i]);
    }
  }
}

namespace hybrid_detail {

// Integer convolution of one output position and channel over quantized
// input image `in` (of batch b), subtracting `zp` from in-bounds taps; taps
// outside the image contribute nothing.
inline int32_t ConvAcc(const ConvParams& p, const ConvShape& s, const int8_t* in,
                       const int8_t* filter, int32_t zp, int32_t oy, int32_t ox, int32_t o) {
  const int32_t groups = s.in_ch / s.filter_in_ch;
  const int32_t out_per_group = s.out_ch / groups;
  const int64_t in_c0 = int64_t{o / out_per_group} * s.filter_in_ch;
  const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
  const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
  int64_t acc = 0;
  for (int32_t fy = 0; fy < s.filter_h; ++fy) {
    const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
    if (iy < 0 || iy >= s.in_h) continue;
    for (int32_t fx = 0; fx < s.filter_w; ++fx) {
      const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
      if (ix < 0 || ix >= s.in_w) continue;
      const int8_t* x = in + (iy * s.in_w + ix) * s.in_ch + in_c0;
      const int8_t* w =
          filter + ((int64_t{o} * s.filter_h + fy) * s.filter_w + fx) * s.filter_in_ch;
      for (int32_t c = 0; c < s.filter_in_ch; ++c) acc += int32_t{w[c]} * (int32_t{x[c]} - zp);
    }
  }
  return Wrap(acc);
}

}  // namespace hybrid_detail

// CONV_2D with one weight scale for every channel and no groups: each batch
// image is quantized symmetrically, out = clamp(float(acc) * (s[b] * ws) + bias).
// Preconditions as ConvF32, plus in_ch == filter_in_ch.
inline void HybridConvUniform(const ConvParams& p, const ConvShape& s, const float* input,
                              const int8_t* filter, float weight_scale, const float* bias,
                              const HybridScratch& scratch, float* output) {
  const int64_t image = int64_t{s.in_h} * s.in_w * s.in_ch;
  for (int32_t b = 0; b < s.batch; ++b) {
    float sf;
    SymmetricQuantizeRow(input + b * image, image, 1, scratch.quantized + b * image, &sf);
    scratch.scales[b] = sf * weight_scale;
  }
  for (int32_t b = 0; b < s.batch; ++b) {
    const int8_t* in = scratch.quantized + b * image;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t o = 0; o < s.out_ch; ++o) {
          const int32_t acc = hybrid_detail::ConvAcc(p, s, in, filter, 0, oy, ox, o);
          float v = static_cast<float>(acc) * scratch.scales[b];
          if (bias != nullptr) v += bias[o];
          out[o] = conv_detail::Clamp(v, p.act_min, p.act_max);
        }
      }
    }
  }
}

// CONV_2D with per-channel weight scales (or groups): each batch image is
// quantized asymmetrically, out = clamp(float(acc) * ws[o] * s[b] + bias).
inline void HybridConvPerChannel(const ConvParams& p, const ConvShape& s, const float* input,
                                 const int8_t* filter, const float* channel_scales,
                                 const float* bias, const HybridScratch& scratch, float* output) {
  const int64_t image = int64_t{s.in_h} * s.in_w * s.in_ch;
  for (int32_t b = 0; b < s.batch; ++b) {
    AsymmetricQuantizeRow(input + b * image, image, 1, scratch.quantized + b * image,
                          &scratch.scales[b], &scratch.zero_points[b]);
  }
  for (int32_t b = 0; b < s.batch; ++b) {
    const int8_t* in = scratch.quantized + b * image;
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t o = 0; o < s.out_ch; ++o) {
          const int32_t acc =
              hybrid_detail::ConvAcc(p, s, in, filter, scratch.zero_points[b], oy, ox, o);
          float v = static_cast<float>(acc) * channel_scales[o] * scratch.scales[b];
          if (bias != nullptr) v += bias[o];
          out[o] = conv_detail::Clamp(v, p.act_min, p.act_max);
        }
      }
    }
  }
}

// DEPTHWISE_CONV_2D: each batch image is quantized asymmetrically,
// out = clamp(float(acc) * (ws[o] * s[b]) + bias). Filter [1, H, W, out_ch].
inline void HybridDepthwiseConv(const ConvParams& p, const ConvShape& s, int32_t depth_multiplier,
                                const float* input, const int8_t* filter,
                                const float* channel_scales, const float* bias,
                                const HybridScratch& scratch, float* output) {
  const int64_t image = int64_t{s.in_h} * s.in_w * s.in_ch;
  for (int32_t b = 0; b < s.batch; ++b) {
    AsymmetricQuantizeRow(input + b * image, image, 1, scratch.quantized + b * image,
                          &scratch.scales[b], &scratch.zero_points[b]);
  }
  for (int32_t b = 0; b < s.batch; ++b) {
    const int8_t* in = scratch.quantized + b * image;
    const int32_t zp = scratch.zero_points[b];
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
        float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t c = 0; c < s.in_ch; ++c) {
          for (int32_t k = 0; k < depth_multiplier; ++k) {
            const int64_t o = int64_t{c} * depth_multiplier + k;
            int64_t acc = 0;
            for (int32_t fy = 0; fy < s.filter_h; ++fy) {
              const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int32_t fx = 0; fx < s.filter_w; ++fx) {
                const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                const int32_t x = in[(iy * s.in_w + ix) * s.in_ch + c];
                const int32_t w = filter[(int64_t{fy} * s.filter_w + fx) * s.out_ch + o];
                acc += w * (x - zp);
              }
            }
            float v = static_cast<float>(hybrid_detail::Wrap(acc));
            v *= channel_scales[o] * scratch.scales[b];
            if (bias != nullptr) v += bias[o];
            out[o] = conv_detail::Clamp(v, p.act_min, p.act_max);
          }
        }
      }
    }
  }
}

// Sums over the contracted dim of every rhs column: col_sums[m * cols + j]
// for rhs matrix m (rhs laid out as in BatchMatMulF32, adj_y honoured).
inline void HybridBatchMatMulColumnSums(const BatchMatMulShape& s, const int8_t* rhs,
                                        int64_t num_matrices, int32_t* col_sums) {
  const int64_t mat = int64_t{s.depth} * s.cols;
  for (int64_t m = 0; m < num_matrices; ++m) {
    const int8_t* r = rhs + m * mat;
    for (int32_t j = 0; j < s.cols; ++j) {
      int64_t total = 0;
      for (int32_t k = 0; k < s.depth; ++k) {
        total += s.adj_y ? r[int64_t{j} * s.depth + k] : r[int64_t{k} * s.cols + j];
      }
      col_sums[m * s.cols + j] = hybrid_detail::Wrap(total);
    }
  }
}

// BATCH_MATMUL with float lhs and int8 rhs: every lhs row (the `depth` values
// contracted into one output row) is quantized on its own; weight scales are
// per output column. col_sums as from HybridBatchMatMulColumnSums.
//   out[i,j] = (s[i] * ws[j]) * float(int32(float(acc) - float(col_sum[j]) * zp[i]))
inline void HybridBatchMatMul(const BatchMatMulShape& s, const float* lhs, const int8_t* rhs,
                              HybridWeightScales ws, const int32_t* col_sums, bool asymmetric,
                              const HybridScratch& scratch, float* out) {
  const int64_t lhs_mat = int64_t{s.rows} * s.depth;
  const int64_t rhs_mat = int64_t{s.depth} * s.cols;
  const int64_t out_mat = int64_t{s.rows} * s.cols;
  int64_t lhs_count = 1;
  for (int d = 0; d < 3; ++d) lhs_count *= s.lhs_batch[d];
  // Quantize every lhs row once, in logical (adj_x resolved) order.
  for (int64_t m = 0; m < lhs_count; ++m) {
    for (int32_t i = 0; i < s.rows; ++i) {
      const int64_t row = m * s.rows + i;
      const float* v = s.adj_x ? lhs + m * lhs_mat + i : lhs + m * lhs_mat + int64_t{i} * s.depth;
      const int64_t stride = s.adj_x ? s.rows : 1;
      int8_t* q = scratch.quantized + row * s.depth;
      if (asymmetric) {
        AsymmetricQuantizeRow(v, s.depth, stride, q, &scratch.scales[row],
                              &scratch.zero_points[row]);
      } else {
        SymmetricQuantizeRow(v, s.depth, stride, q, &scratch.scales[row]);
        scratch.zero_points[row] = 0;
      }
      if (ws.channel == nullptr) scratch.scales[row] *= ws.tensor;
    }
  }
  int32_t ob[3];
  int64_t lhs_stride[3], rhs_stride[3];
  int64_t ls = 1, rs = 1;  // in matrices
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
        const int64_t lm = b0 * lhs_stride[0] + b1 * lhs_stride[1] + b2 * lhs_stride[2];
        const int64_t rm = b0 * rhs_stride[0] + b1 * rhs_stride[1] + b2 * rhs_stride[2];
        const int8_t* r = rhs + rm * rhs_mat;
        // LiteRT advances its per-row scales / zero points and the column
        // sums by one matrix per step of EVERY batch dim (not by the dim's
        // stride), so with two or more batch dims other rows' parameters are
        // used. Reproduced on purpose; with one batch dim this is exact.
        const int64_t b[3] = {b0, b1, b2};
        int64_t param_row0 = 0, sums0 = 0;
        for (int d = 0; d < 3; ++d) {
          if (s.lhs_batch[d] != 1) param_row0 += b[d] * s.rows;
          if (s.rhs_batch[d] != 1) sums0 += b[d] * s.cols;
        }
        const int32_t* sums = col_sums + sums0;
        float* o = out + ((int64_t{b0} * ob[1] + b1) * ob[2] + b2) * out_mat;
        for (int32_t i = 0; i < s.rows; ++i) {
          const int8_t* q = scratch.quantized + (lm * s.rows + i) * s.depth;
          const int64_t param_row = param_row0 + i;
          const float row_scale = scratch.scales[param_row];
          const float zp = static_cast<float>(scratch.zero_points[param_row]);
          for (int32_t j = 0; j < s.cols; ++j) {
            int64_t acc = 0;
            for (int32_t k = 0; k < s.depth; ++k) {
              const int32_t w = s.adj_y ? r[int64_t{j} * s.depth + k] : r[int64_t{k} * s.cols + j];
              acc += w * int32_t{q[k]};
            }
            // LiteRT subtracts the zero-point term in float and truncates back.
            const float offset_term = static_cast<float>(sums[j]) * zp;
            const int32_t total = hybrid_detail::TruncToInt32(
                static_cast<float>(hybrid_detail::Wrap(acc)) - offset_term);
            float scale = row_scale;
            if (ws.channel != nullptr) scale *= ws.channel[j];
            o[int64_t{i} * s.cols + j] = 0.f + scale * static_cast<float>(total);
          }
        }
      }
    }
  }
}

}  // namespace edgeml::reference
