// The x86 float32 convolution kernels as templates over a vector type `V`
// (see conv_f32_avx2.cc / conv_f32_avx512.cc). Included only by ISA files,
// and kept in an unnamed namespace so that each ISA's copy stays private
// to its file (the linker must never merge an AVX-512 copy into AVX2 code).
//
// Exactness with the reference: each output lane accumulates
// acc = acc + in * w over (fy, fx, c) in the reference's order starting from
// +0, skipping taps outside the input, then adds the bias (0 when absent)
// and clamps with max-then-min operand orders that reproduce
// std::min(std::max(x, lo), hi), NaN included.
#pragma once

#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::x86 {
namespace {

using reference::ConvParams;
using reference::ConvShape;

// Taps [lo, hi) of a window starting at `start` that fall inside [0, limit).
// The valid taps are contiguous because positions increase with the tap.
inline void ValidTaps(int64_t start, int32_t dilation, int32_t taps, int64_t limit, int32_t* lo,
                      int32_t* hi) {
  int32_t a = 0, b = taps;
  while (a < b && start + int64_t{a} * dilation < 0) ++a;
  while (b > a && start + int64_t{b - 1} * dilation >= limit) --b;
  *lo = a;
  *hi = b;
}

template <class V>
inline typename V::R Finish(typename V::R acc, const float* bias, typename V::R lo,
                            typename V::R hi) {
  return V::Min(hi, V::Max(lo, V::Add(acc, V::Load(bias))));
}

template <class V>
inline void StoreLanes(float* out, typename V::R r, int64_t n) {
  if (n >= V::kLanes) {
    V::Store(out, r);
  } else {
    V::StorePartial(out, r, static_cast<int>(n));
  }
}

// kT output pixels (same row, consecutive x, same valid taps) times kB
// channel blocks starting at `block`.
template <class V, int kT, int kB>
inline void ConvTile(const ConvParams& p, const ConvShape& s, const float* image,
                     const float* packed_filter, const float* packed_bias, int64_t y0,
                     int32_t fy_lo, int32_t fy_hi, int64_t x0, int32_t fx_lo, int32_t fx_hi,
                     int64_t block, float* out) {
  using R = typename V::R;
  constexpr int L = V::kLanes;
  const int64_t c_n = s.in_ch;
  const int64_t block_size = int64_t{s.filter_h} * s.filter_w * c_n * L;
  const int64_t pixel_step = int64_t{p.stride_w} * c_n;
  R acc[kT][kB];
#pragma GCC unroll 16
  for (int t = 0; t < kT; ++t) {
#pragma GCC unroll 16
    for (int j = 0; j < kB; ++j) acc[t][j] = V::Zero();
  }
  const float* wb = packed_filter + block * block_size;
  for (int32_t fy = fy_lo; fy < fy_hi; ++fy) {
    const float* row = image + (y0 + int64_t{fy} * p.dilation_h) * s.in_w * c_n;
    for (int32_t fx = fx_lo; fx < fx_hi; ++fx) {
      const float* in = row + (x0 + int64_t{fx} * p.dilation_w) * c_n;
      const float* w = wb + (int64_t{fy} * s.filter_w + fx) * c_n * L;
      for (int64_t c = 0; c < c_n; ++c) {
        R wv[kB];
#pragma GCC unroll 16
        for (int j = 0; j < kB; ++j) wv[j] = V::Load(w + j * block_size + c * L);
#pragma GCC unroll 16
        for (int t = 0; t < kT; ++t) {
          const R x = V::Broadcast(in + t * pixel_step + c);
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
    const float* bias = packed_bias + ch;
#pragma GCC unroll 16
    for (int t = 0; t < kT; ++t) {
      StoreLanes<V>(out + t * int64_t{s.out_ch} + ch, Finish<V>(acc[t][j], bias, lo, hi),
                    s.out_ch - ch);
    }
  }
}

// kT pixels over all channel blocks, kB blocks at a time.
template <class V, int kT, int kB>
inline void ConvPixels(const ConvParams& p, const ConvShape& s, const float* image,
                       const float* packed_filter, const float* packed_bias, int64_t y0,
                       int32_t fy_lo, int32_t fy_hi, int64_t x0, int32_t fx_lo, int32_t fx_hi,
                       float* out) {
  const int64_t blocks = (int64_t{s.out_ch} + V::kLanes - 1) / V::kLanes;
  int64_t b = 0;
  for (; b + kB <= blocks; b += kB) {
    ConvTile<V, kT, kB>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, fx_lo, fx_hi,
                        b, out);
  }
  for (; b < blocks; ++b) {
    ConvTile<V, kT, 1>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, fx_lo, fx_hi,
                       b, out);
  }
}

template <class V>
void ConvRows(const ConvParams& p, const ConvShape& s, const float* input,
              const float* packed_filter, const float* packed_bias, float* output,
              int64_t row_begin, int64_t row_end) {
  constexpr int kT = V::kMainTile;
  const int64_t image_size = int64_t{s.in_h} * s.in_w * s.in_ch;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / s.out_h, oy = r % s.out_h;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    int32_t fy_lo, fy_hi;
    ValidTaps(y0, p.dilation_h, s.filter_h, s.in_h, &fy_lo, &fy_hi);
    const float* image = input + b * image_size;
    float* out_row = output + r * s.out_w * s.out_ch;
    // Pixels whose whole window row lies inside the input form one run.
    auto full = [&](int64_t ox) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      return x0 >= 0 && x0 + int64_t{s.filter_w - 1} * p.dilation_w < s.in_w;
    };
    int64_t ox = 0;
    while (ox < s.out_w) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      float* out = out_row + ox * s.out_ch;
      if (ox + kT <= s.out_w && full(ox) && full(ox + kT - 1)) {
        ConvPixels<V, kT, V::kMainBlocks>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi,
                                          x0, 0, s.filter_w, out);
        ox += kT;
      } else if (ox + 4 <= s.out_w && full(ox) && full(ox + 3)) {
        ConvPixels<V, 4, 2>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, 0,
                            s.filter_w, out);
        ox += 4;
      } else {
        int32_t fx_lo, fx_hi;
        ValidTaps(x0, p.dilation_w, s.filter_w, s.in_w, &fx_lo, &fx_hi);
        ConvPixels<V, 1, 4>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, fx_lo,
                            fx_hi, out);
        ox += 1;
      }
    }
  }
}

// kT output pixels (same row, consecutive x, same valid taps) of depthwise
// channels [c, c + n), n <= lanes.
template <class V, int kT>
inline void DepthwiseTile(const ConvParams& p, const ConvShape& s, const float* image,
                          const float* packed_filter, const float* packed_bias, int64_t y0,
                          int32_t fy_lo, int32_t fy_hi, int64_t x0, int32_t fx_lo, int32_t fx_hi,
                          int64_t c, int n, float* out) {
  using R = typename V::R;
  constexpr int L = V::kLanes;
  const int64_t ch = s.out_ch;
  const int64_t padded = (ch + L - 1) / L * L;
  const int64_t pixel_step = int64_t{p.stride_w} * ch;
  R acc[kT];
#pragma GCC unroll 16
  for (int t = 0; t < kT; ++t) acc[t] = V::Zero();
  for (int32_t fy = fy_lo; fy < fy_hi; ++fy) {
    const float* row = image + (y0 + int64_t{fy} * p.dilation_h) * s.in_w * ch + c;
    const float* wrow = packed_filter + int64_t{fy} * s.filter_w * padded + c;
    for (int32_t fx = fx_lo; fx < fx_hi; ++fx) {
      const float* in = row + (x0 + int64_t{fx} * p.dilation_w) * ch;
      const R w = V::Load(wrow + int64_t{fx} * padded);
#pragma GCC unroll 16
      for (int t = 0; t < kT; ++t) {
        const R x = n == L ? V::Load(in + t * pixel_step) : V::LoadPartial(in + t * pixel_step, n);
        acc[t] = V::Add(acc[t], V::Mul(x, w));
      }
    }
  }
  const R lo = V::Set1(p.act_min), hi = V::Set1(p.act_max);
#pragma GCC unroll 16
  for (int t = 0; t < kT; ++t) {
    StoreLanes<V>(out + t * ch + c, Finish<V>(acc[t], packed_bias + c, lo, hi), n);
  }
}

// The same for stride 1, dilation 1 and a kF-wide filter row: neighbouring
// pixels share input vectors, so each row loads kT + kF - 1 inputs and kF
// weights for kT * kF products (same per-output order as above).
template <class V, int kT, int kF>
inline void DepthwiseTileSlide(const ConvParams& p, const ConvShape& s, const float* image,
                               const float* packed_filter, const float* packed_bias, int64_t y0,
                               int32_t fy_lo, int32_t fy_hi, int64_t x0, int64_t c, int n,
                               float* out) {
  using R = typename V::R;
  constexpr int L = V::kLanes;
  const int64_t ch = s.out_ch;
  const int64_t padded = (ch + L - 1) / L * L;
  R acc[kT];
#pragma GCC unroll 16
  for (int t = 0; t < kT; ++t) acc[t] = V::Zero();
  for (int32_t fy = fy_lo; fy < fy_hi; ++fy) {
    const float* in = image + ((y0 + int64_t{fy} * p.dilation_h) * s.in_w + x0) * ch + c;
    const float* wrow = packed_filter + int64_t{fy} * kF * padded + c;
    R w[kF], x[kT + kF - 1];
#pragma GCC unroll 16
    for (int f = 0; f < kF; ++f) w[f] = V::Load(wrow + f * padded);
#pragma GCC unroll 16
    for (int i = 0; i < kT + kF - 1; ++i) {
      x[i] = n == L ? V::Load(in + i * ch) : V::LoadPartial(in + i * ch, n);
    }
#pragma GCC unroll 16
    for (int t = 0; t < kT; ++t) {
#pragma GCC unroll 16
      for (int f = 0; f < kF; ++f) acc[t] = V::Add(acc[t], V::Mul(x[t + f], w[f]));
    }
  }
  const R lo = V::Set1(p.act_min), hi = V::Set1(p.act_max);
#pragma GCC unroll 16
  for (int t = 0; t < kT; ++t) {
    StoreLanes<V>(out + t * ch + c, Finish<V>(acc[t], packed_bias + c, lo, hi), n);
  }
}

// kT pixels over all channels.
template <class V, int kT>
inline void DepthwisePixels(const ConvParams& p, const ConvShape& s, const float* image,
                            const float* packed_filter, const float* packed_bias, int64_t y0,
                            int32_t fy_lo, int32_t fy_hi, int64_t x0, int32_t fx_lo, int32_t fx_hi,
                            float* out) {
  constexpr int L = V::kLanes;
  const bool slide = kT > 1 && p.stride_w == 1 && p.dilation_w == 1 && fx_lo == 0;
  for (int64_t c = 0; c < s.out_ch; c += L) {
    const int n = static_cast<int>(s.out_ch - c < L ? s.out_ch - c : L);
    if (slide && s.filter_w == 3 && fx_hi == 3) {
      DepthwiseTileSlide<V, kT, 3>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, c,
                                   n, out);
      continue;
    }
    if (slide && s.filter_w == 5 && fx_hi == 5) {
      DepthwiseTileSlide<V, kT, 5>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, c,
                                   n, out);
      continue;
    }
    DepthwiseTile<V, kT>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, fx_lo,
                         fx_hi, c, n, out);
  }
}

template <class V>
void DepthwiseRows(const ConvParams& p, const ConvShape& s, const float* input,
                   const float* packed_filter, const float* packed_bias, float* output,
                   int64_t row_begin, int64_t row_end) {
  constexpr int kT = V::kDepthwiseTile;
  const int64_t ch = s.out_ch;  // == in_ch (multiplier 1)
  const int64_t image_size = int64_t{s.in_h} * s.in_w * ch;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t b = r / s.out_h, oy = r % s.out_h;
    const int64_t y0 = oy * p.stride_h - p.pad_top;
    int32_t fy_lo, fy_hi;
    ValidTaps(y0, p.dilation_h, s.filter_h, s.in_h, &fy_lo, &fy_hi);
    const float* image = input + b * image_size;
    float* out_row = output + r * s.out_w * ch;
    auto full = [&](int64_t ox) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      return x0 >= 0 && x0 + int64_t{s.filter_w - 1} * p.dilation_w < s.in_w;
    };
    int64_t ox = 0;
    while (ox < s.out_w) {
      const int64_t x0 = ox * p.stride_w - p.pad_left;
      float* out = out_row + ox * ch;
      if (ox + kT <= s.out_w && full(ox) && full(ox + kT - 1)) {
        DepthwisePixels<V, kT>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, 0,
                               s.filter_w, out);
        ox += kT;
      } else {
        int32_t fx_lo, fx_hi;
        ValidTaps(x0, p.dilation_w, s.filter_w, s.in_w, &fx_lo, &fx_hi);
        DepthwisePixels<V, 1>(p, s, image, packed_filter, packed_bias, y0, fy_lo, fy_hi, x0, fx_lo,
                              fx_hi, out);
        ox += 1;
      }
    }
  }
}

}  // namespace
}  // namespace edgeml::x86
