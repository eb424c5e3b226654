// Image resizing over NHWC tensors (RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR)
// with LiteRT's coordinate conventions:
//   scale = in / out, or (in - 1) / (out - 1) with align_corners and out > 1;
//   bilinear source = x * scale, or (x + 0.5) * scale - 0.5 with half-pixel
//   centers; its lower index is clamped at 0 and its upper index at in - 1,
//   while the weight still uses the unclamped source coordinate;
//   nearest source = floor((x + offset) * scale), or round half away from zero
//   with align_corners, offset 0.5 with half-pixel centers, clamped to the input.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace edgeml::reference {

struct ResizeParams {
  int32_t batches = 0;
  int32_t in_h = 0, in_w = 0;
  int32_t channels = 0;
  int32_t out_h = 0, out_w = 0;
  bool align_corners = false;
  bool half_pixel_centers = false;
};

inline float ResizeScale(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  return static_cast<float>(in) / static_cast<float>(out);
}

// Source coordinate of output position `x` and its two neighbours.
inline void BilinearSource(int32_t x, float scale, bool half_pixel_centers, int32_t in, float* src,
                           int32_t* lo, int32_t* hi) {
  const float v = static_cast<float>(x);
  *src = half_pixel_centers ? (v + 0.5f) * scale - 0.5f : v * scale;
  *lo = std::max(static_cast<int32_t>(std::floor(*src)), 0);
  *hi = std::min(static_cast<int32_t>(std::ceil(*src)), in - 1);
}

inline int32_t NearestSource(int32_t x, int32_t in, int32_t out, bool align_corners,
                             bool half_pixel_centers) {
  const float scale = ResizeScale(in, out, align_corners);
  const float src = (static_cast<float>(x) + (half_pixel_centers ? 0.5f : 0.f)) * scale;
  int32_t v = static_cast<int32_t>(align_corners ? std::round(src) : std::floor(src));
  v = std::min(v, in - 1);
  if (half_pixel_centers) v = std::max(v, 0);
  return v;
}

inline void ResizeBilinearF32(const ResizeParams& p, const float* input, float* output) {
  const float scale_y = ResizeScale(p.in_h, p.out_h, p.align_corners);
  const float scale_x = ResizeScale(p.in_w, p.out_w, p.align_corners);
  const int64_t row = static_cast<int64_t>(p.in_w) * p.channels;
  float* out = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const float* in_b = input + static_cast<int64_t>(b) * p.in_h * row;
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
        const float* p00 = in_b + y0 * row + static_cast<int64_t>(x0) * p.channels;
        const float* p10 = in_b + y1 * row + static_cast<int64_t>(x0) * p.channels;
        const float* p01 = in_b + y0 * row + static_cast<int64_t>(x1) * p.channels;
        const float* p11 = in_b + y1 * row + static_cast<int64_t>(x1) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          // Same association as LiteRT's reference so float results agree.
          *out++ = p00[c] * (1 - dy) * (1 - dx) + p10[c] * dy * (1 - dx) + p01[c] * (1 - dy) * dx +
                   p11[c] * dy * dx;
        }
      }
    }
  }
}

// Copies whole pixels, so it serves every element type (elem_bytes each).
inline void ResizeNearest(const ResizeParams& p, size_t elem_bytes, const void* input,
                          void* output) {
  const size_t pixel = static_cast<size_t>(p.channels) * elem_bytes;
  const size_t row = static_cast<size_t>(p.in_w) * pixel;
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  for (int32_t b = 0; b < p.batches; ++b) {
    const uint8_t* in_b = in + static_cast<size_t>(b) * p.in_h * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      const int32_t sy = NearestSource(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers);
      for (int32_t x = 0; x < p.out_w; ++x) {
        const int32_t sx = NearestSource(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
        if (pixel) std::memcpy(out, in_b + sy * row + sx * pixel, pixel);
        out += pixel;
      }
    }
  }
}

}  // namespace edgeml::reference
