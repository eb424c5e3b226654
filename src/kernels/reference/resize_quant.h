// Quantized RESIZE_BILINEAR as LiteRT's reference kernels compute it. The raw
// quantized values are interpolated (input and output share scale and zero
// point):
//   int8, int16: fixed point with 10 fractional bits. scale_10 =
//     round(1024 * in / out) (or (in - 1) / (out - 1) with align_corners);
//     source = x * scale_10, or x * scale_10 + scale_10 / 2 - 512 with
//     half-pixel centers; lower index = max(source / 1024, 0), upper =
//     min(ceil(source / 1024), in - 1) (C division, truncating toward zero);
//     the four weighted taps are summed in 20 fractional bits and rounded
//     half away from zero.
//   uint8: the float32 formula of ResizeBilinearF32, rounded half away from
//     zero.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/reference/resize.h"

namespace edgeml::reference {

namespace resize_detail {

inline int64_t Scale10(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) {
    return (int64_t{1024} * (in - 1) + (out - 1) / 2) / (out - 1);
  }
  return (int64_t{1024} * in + out / 2) / out;
}

inline void Source10(int32_t x, int64_t scale_10, bool half_pixel_centers, int32_t in, int64_t* src,
                     int32_t* lo, int32_t* hi) {
  *src = half_pixel_centers ? x * scale_10 + scale_10 / 2 - 512 : x * scale_10;
  *lo = static_cast<int32_t>(std::max<int64_t>(*src / 1024, 0));
  *hi = static_cast<int32_t>(std::min<int64_t>((*src + 1023) / 1024, in - 1));
}

}  // namespace resize_detail

template <typename T>
void ResizeBilinearQuantFixed(const ResizeParams& p, const T* input, T* output) {
  const int64_t scale_y = resize_detail::Scale10(p.in_h, p.out_h, p.align_corners);
  const int64_t scale_x = resize_detail::Scale10(p.in_w, p.out_w, p.align_corners);
  const int64_t row = static_cast<int64_t>(p.in_w) * p.channels;
  T* out = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const T* in_b = input + static_cast<int64_t>(b) * p.in_h * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      int64_t sy;
      int32_t y0, y1;
      resize_detail::Source10(y, scale_y, p.half_pixel_centers, p.in_h, &sy, &y0, &y1);
      const int64_t wy = sy - 1024 * int64_t{y0};  // weight of the upper row
      for (int32_t x = 0; x < p.out_w; ++x) {
        int64_t sx;
        int32_t x0, x1;
        resize_detail::Source10(x, scale_x, p.half_pixel_centers, p.in_w, &sx, &x0, &x1);
        const int64_t wx = sx - 1024 * int64_t{x0};
        const T* p00 = in_b + y0 * row + static_cast<int64_t>(x0) * p.channels;
        const T* p10 = in_b + y1 * row + static_cast<int64_t>(x0) * p.channels;
        const T* p01 = in_b + y0 * row + static_cast<int64_t>(x1) * p.channels;
        const T* p11 = in_b + y1 * row + static_cast<int64_t>(x1) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          const int64_t v = int64_t{p00[c]} * (1024 - wy) * (1024 - wx) +
                            int64_t{p10[c]} * wy * (1024 - wx) +
                            int64_t{p01[c]} * (1024 - wy) * wx + int64_t{p11[c]} * wy * wx;
          const int64_t half = v > 0 ? (int64_t{1} << 19) : -(int64_t{1} << 19);
          *out++ = static_cast<T>((v + half) / (int64_t{1} << 20));
        }
      }
    }
  }
}

inline void ResizeBilinearU8(const ResizeParams& p, const uint8_t* input, uint8_t* output) {
  const float scale_y = ResizeScale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = ResizeScale(p.in_w, p.out_w, p.align_corners);
  const int64_t row = static_cast<int64_t>(p.in_w) * p.channels;
  uint8_t* out = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const uint8_t* in_b = input + static_cast<int64_t>(b) * p.in_h * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      float sy;
      int32_t y0, y1;
      BilinearSource(y, scale_y, p.half_pixel_centers, p.in_h, &sy, &y0, &y1);
      const float dy = sy - static_cast<float>(y0);
      for (int32_t x = 0; x < p.out_w; ++x) {
        float sx;
        int32_t x0, x1;
        BilinearSource(x, scale_x, p.half_pixel_centers, p.in_w, &sx, &x0, &x1);
        const float dx = sx - static_cast<float>(x0);
        const uint8_t* p00 = in_b + y0 * row + static_cast<int64_t>(x0) * p.channels;
        const uint8_t* p10 = in_b + y1 * row + static_cast<int64_t>(x0) * p.channels;
        const uint8_t* p01 = in_b + y0 * row + static_cast<int64_t>(x1) * p.channels;
        const uint8_t* p11 = in_b + y1 * row + static_cast<int64_t>(x1) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          // Same association as the float kernel; the weights are convex, so
          // the value stays within [0, 255] and the cast is safe.
          const float v = static_cast<float>(p00[c]) * (1 - dy) * (1 - dx) +
                          static_cast<float>(p10[c]) * dy * (1 - dx) +
                          static_cast<float>(p01[c]) * (1 - dy) * dx +
                          static_cast<float>(p11[c]) * dy * dx;
          const float r = std::min(std::max(std::round(v), 0.f), 255.f);
          *out++ = static_cast<uint8_t>(r);
        }
      }
    }
  }
}

}  // namespace edgeml::reference
