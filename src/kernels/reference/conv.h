// Reference 2-D convolution (float32, NHWC input, OHWI filter), with groups.
// The oracle for faster convolution kernels: plain loops, no packing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace edgeml::reference {

namespace conv_detail {
// Fused activation clamp, in the order LiteRT applies it (max, then min), so
// that NaN propagates the same way.
inline float Clamp(float x, float lo, float hi) { return std::min(std::max(x, lo), hi); }
}  // namespace conv_detail

// Geometry of a windowed op. pad_* is the leading (top/left) padding; the
// trailing padding is implied by the output size.
struct ConvParams {
  int32_t stride_h = 1;
  int32_t stride_w = 1;
  int32_t dilation_h = 1;
  int32_t dilation_w = 1;
  int32_t pad_top = 0;
  int32_t pad_left = 0;
  float act_min = -std::numeric_limits<float>::infinity();
  float act_max = std::numeric_limits<float>::infinity();
};

struct ConvShape {
  int32_t batch = 0;
  int32_t in_h = 0, in_w = 0, in_ch = 0;
  int32_t filter_h = 0, filter_w = 0;
  int32_t filter_in_ch = 0;  // in_ch / groups
  int32_t out_h = 0, out_w = 0, out_ch = 0;
};

// output[b,y,x,o] = act(bias[o] + sum over (fy,fx,c) of
//   input[b, y*sh - pt + fy*dh, x*sw - pl + fx*dw, g*filter_in_ch + c] * filter[o,fy,fx,c])
// where g = o / (out_ch / groups); taps outside the input count as zero.
// Preconditions (checked by the op): in_ch = groups * filter_in_ch,
// out_ch % groups == 0, filter_in_ch > 0. `bias` may be null.
inline void ConvF32(const ConvParams& p, const ConvShape& s, const float* input,
                    const float* filter, const float* bias, float* output) {
  const int32_t groups = s.in_ch / s.filter_in_ch;
  const int32_t out_per_group = s.out_ch / groups;
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
        float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t o = 0; o < s.out_ch; ++o) {
          const int64_t in_c0 = int64_t{o / out_per_group} * s.filter_in_ch;
          float total = 0.f;
          for (int32_t fy = 0; fy < s.filter_h; ++fy) {
            const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int32_t fx = 0; fx < s.filter_w; ++fx) {
              const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
              if (ix < 0 || ix >= s.in_w) continue;
              const float* in =
                  input + ((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch + in_c0;
              const float* w =
                  filter + ((int64_t{o} * s.filter_h + fy) * s.filter_w + fx) * s.filter_in_ch;
              for (int32_t c = 0; c < s.filter_in_ch; ++c) total += in[c] * w[c];
            }
          }
          const float bias_value = bias != nullptr ? bias[o] : 0.f;
          out[o] = conv_detail::Clamp(total + bias_value, p.act_min, p.act_max);
        }
      }
    }
  }
}

}  // namespace edgeml::reference
