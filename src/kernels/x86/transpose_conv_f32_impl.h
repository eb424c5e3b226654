// The x86 float32 transposed-convolution kernel as a template over a vector
// type `V` (see transpose_conv_f32_avx2.cc / _avx512.cc). Included only by
// ISA files, in an unnamed namespace so each ISA's copy stays private to its
// file.
//
// Gather form of reference::TransposeConvF32: output (oy, ox) receives
// input (iy, ix) through tap fy = oy + pad_top - iy * stride_h (same for x)
// when the tap lies in the filter. Looping iy, ix, c upwards per output
// reproduces the reference's per-element add order exactly.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::x86 {
namespace {

using reference::ConvParams;
using reference::ConvShape;

inline int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Unclipped range [lo, hi) of input positions feeding output position
// t = out + pad (before clipping to the input).
inline void Sources(int64_t t, int32_t stride, int32_t taps, int64_t* lo, int64_t* hi) {
  *lo = FloorDiv(t - taps, stride) + 1;  // smallest i with t - i * stride < taps
  *hi = FloorDiv(t, stride) + 1;         // largest i with t - i * stride >= 0, plus 1
}

template <class V>
inline void TStoreLanes(float* out, typename V::R r, int64_t n) {
  if (n >= V::kLanes) {
    V::Store(out, r);
  } else {
    V::StorePartial(out, r, static_cast<int>(n));
  }
}

// kT output pixels of one row and phase (x = ox + t * stride_w), whose
// sources are ix_lo + t .. ix_hi - 1 + t with the same taps, times kB channel
// blocks starting at `block`.
template <class V, int kT, int kB>
inline void TransposeTile(const ConvParams& p, const ConvShape& s, const float* image,
                          const float* packed_filter, const float* packed_bias, bool bias_first,
                          int64_t ty, int64_t iy_lo, int64_t iy_hi, int64_t tx, int64_t ix_lo,
                          int64_t ix_hi, int64_t block, float* out) {
  using R = typename V::R;
  constexpr int L = V::kLanes;
  const int64_t c_n = s.in_ch;
  const int64_t block_size = int64_t{s.filter_h} * s.filter_w * c_n * L;
  const int64_t out_step = int64_t{p.stride_w} * s.out_ch;
  R acc[kT][kB];
#pragma GCC unroll 16
  for (int j = 0; j < kB; ++j) {
    const R init = bias_first ? V::Load(packed_bias + (block + j) * L) : V::Zero();
#pragma GCC unroll 16
    for (int t = 0; t < kT; ++t) acc[t][j] = init;
  }
  const float* wb = packed_filter + block * block_size;
  for (int64_t iy = iy_lo; iy < iy_hi; ++iy) {
    const int64_t fy = ty - iy * p.stride_h;
    const float* row = image + iy * s.in_w * c_n;
    for (int64_t ix = ix_lo; ix < ix_hi; ++ix) {
      const int64_t fx = tx - ix * p.stride_w;
      const float* in = row + ix * c_n;
      const float* w = wb + (fy * s.filter_w + fx) * c_n * L;
      for (int64_t c = 0; c < c_n; ++c) {
        R wv[kB];
#pragma GCC unroll 16
        for (int j = 0; j < kB; ++j) wv[j] = V::Load(w + j * block_size + c * L);
#pragma GCC unroll 16
        for (int t = 0; t < kT; ++t) {
          const R x = V::Broadcast(in + t * c_n + c);
#pragma GCC unroll 16
          for (int j = 0; j < kB; ++j) acc[t][j] = V::Add(acc[t][j], V::Mul(x, wv[j]));
        }
      }
    }
  }
  const R lo = V::Set1(p.act_min), hi = V::Set1(p.act_max);
#pragma GCC unroll 16
  for (int j = 0; j < kB; ++j) {
    const int64_t ch = (block + j) * L;
    const R bias = V::Load(packed_bias + ch);
#pragma GCC unroll 16
    for (int t = 0; t < kT; ++t) {
      // Without bias_first the reference adds the bias (0 when absent: the
      // sum started from +0 so it is never -0, and x + 0 == x otherwise).
      const R v = bias_first ? acc[t][j] : V::Add(acc[t][j], bias);
      // std::min(std::max(v, lo), hi), NaN and signed zeros included.
      TStoreLanes<V>(out + t * out_step + ch, V::Min(hi, V::Max(lo, v)), s.out_ch - ch);
    }
  }
}

template <class V, int kT, int kB>
inline void TransposePixels(const ConvParams& p, const ConvShape& s, const float* image,
                            const float* packed_filter, const float* packed_bias, bool bias_first,
                            int64_t ty, int64_t iy_lo, int64_t iy_hi, int64_t tx, int64_t ix_lo,
                            int64_t ix_hi, float* out) {
  const int64_t blocks = (int64_t{s.out_ch} + V::kLanes - 1) / V::kLanes;
  int64_t b = 0;
  for (; b + kB <= blocks; b += kB) {
    TransposeTile<V, kT, kB>(p, s, image, packed_filter, packed_bias, bias_first, ty, iy_lo, iy_hi,
                             tx, ix_lo, ix_hi, b, out);
  }
  for (; b < blocks; ++b) {
    TransposeTile<V, kT, 1>(p, s, image, packed_filter, packed_bias, bias_first, ty, iy_lo, iy_hi,
                            tx, ix_lo, ix_hi, b, out);
  }
}

template <class V>
void TransposeConvRows(const ConvParams& p, const ConvShape& s, const float* input,
                       const float* packed_filter, const float* packed_bias, bool bias_first,
                       float* output, int64_t row_begin, int64_t row_end) {
  constexpr int kT = V::kTransposeTile;
  constexpr int kB = V::kTransposeBlocks;
  const int64_t image_size = int64_t{s.in_h} * s.in_w * s.in_ch;
  const int64_t sw = p.stride_w;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / s.out_h, oy = r % s.out_h;
    const int64_t ty = oy + p.pad_top;
    int64_t iy_lo, iy_hi;
    Sources(ty, p.stride_h, s.filter_h, &iy_lo, &iy_hi);
    iy_lo = std::max<int64_t>(iy_lo, 0);
    iy_hi = std::min<int64_t>(iy_hi, s.in_h);
    const float* image = input + b * image_size;
    float* out_row = output + r * s.out_w * s.out_ch;
    // Pixels of one phase (ox mod stride_w) use the same taps, shifted by
    // one input pixel per step: tile them.
    for (int64_t phase = 0; phase < std::min<int64_t>(sw, s.out_w); ++phase) {
      int64_t ox = phase;
      while (ox < s.out_w) {
        const int64_t tx = ox + p.pad_left;
        int64_t ix_lo, ix_hi;
        Sources(tx, p.stride_w, s.filter_w, &ix_lo, &ix_hi);
        float* out = out_row + ox * s.out_ch;
        const int64_t last = ox + (kT - 1) * sw;
        if (kT > 1 && last < s.out_w && ix_lo >= 0 && ix_hi + kT - 1 <= s.in_w) {
          TransposePixels<V, kT, kB>(p, s, image, packed_filter, packed_bias, bias_first, ty, iy_lo,
                                     iy_hi, tx, ix_lo, ix_hi, out);
          ox += kT * sw;
        } else {
          ix_lo = std::max<int64_t>(ix_lo, 0);
          ix_hi = std::min<int64_t>(ix_hi, s.in_w);
          TransposePixels<V, 1, 4>(p, s, image, packed_filter, packed_bias, bias_first, ty, iy_lo,
                                   iy_hi, tx, ix_lo, ix_hi, out);
          ox += sw;
        }
      }
    }
  }
}

}  // namespace
}  // namespace edgeml::x86
