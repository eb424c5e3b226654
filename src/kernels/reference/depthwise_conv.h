// Reference depthwise 2-D convolution (float32, NHWC input, [1,H,W,O] filter).
#pragma once

#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::reference {

// Uses ConvShape with filter_in_ch unused; out_ch = in_ch * depth_multiplier.
// output[b,y,x,c*m + k] = act(bias[c*m+k] + sum over (fy,fx) of
//   input[b, y*sh - pt + fy*dh, x*sw - pl + fx*dw, c] * filter[0,fy,fx,c*m+k])
// with m = depth_multiplier. `bias` may be null.
inline void DepthwiseConvF32(const ConvParams& p, const ConvShape& s, int32_t depth_multiplier,
                             const float* input, const float* filter, const float* bias,
                             float* output) {
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
        float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t c = 0; c < s.in_ch; ++c) {
          for (int32_t k = 0; k < depth_multiplier; ++k) {
            const int64_t o = int64_t{c} * depth_multiplier + k;
            float total = 0.f;
            for (int32_t fy = 0; fy < s.filter_h; ++fy) {
              const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int32_t fx = 0; fx < s.filter_w; ++fx) {
                const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                const float in = input[((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch + c];
                const float w = filter[(int64_t{fy} * s.filter_w + fx) * s.out_ch + o];
                total += in * w;
              }
            }
            const float bias_value = bias != nullptr ? bias[o] : 0.f;
            out[o] = conv_detail::Clamp(total + bias_value, p.act_min, p.act_max);
          }
        }
      }
    }
  }
}

}  // namespace edgeml::reference
