// Reference transposed 2-D convolution (float32, NHWC input, OHWI filter).
#pragma once

#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::reference {

// Scatter form: every input pixel adds input * filter[o,fy,fx,c] to
// output[b, iy*sh - pt + fy, ix*sw - pl + fx, o]; taps that land outside the
// output are dropped. Dilation is not used (p.dilation_* ignored).
// s.filter_in_ch must equal s.in_ch. `bias` may be null.
// LiteRT's TRANSPOSE_CONV adds the bias after accumulating; MediaPipe's
// Convolution2DTransposeBias starts from the bias (bias_first), which can
// differ in the last bit.
inline void TransposeConvF32(const ConvParams& p, const ConvShape& s, const float* input,
                             const float* filter, const float* bias, bool bias_first,
                             float* output) {
  const int64_t out_pixels = int64_t{s.batch} * s.out_h * s.out_w;
  for (int64_t i = 0; i < out_pixels; ++i) {
    for (int32_t o = 0; o < s.out_ch; ++o) {
      output[i * s.out_ch + o] = (bias_first && bias != nullptr) ? bias[o] : 0.f;
    }
  }
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t iy = 0; iy < s.in_h; ++iy) {
      const int64_t y0 = int64_t{iy} * p.stride_h - p.pad_top;
      for (int32_t ix = 0; ix < s.in_w; ++ix) {
        const int64_t x0 = int64_t{ix} * p.stride_w - p.pad_left;
        const float* in = input + ((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch;
        for (int32_t c = 0; c < s.in_ch; ++c) {
          const float value = in[c];
          for (int32_t fy = 0; fy < s.filter_h; ++fy) {
            const int64_t oy = y0 + fy;
            if (oy < 0 || oy >= s.out_h) continue;
            for (int32_t fx = 0; fx < s.filter_w; ++fx) {
              const int64_t ox = x0 + fx;
              if (ox < 0 || ox >= s.out_w) continue;
              float* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
              for (int32_t o = 0; o < s.out_ch; ++o) {
                const float w =
                    filter[((int64_t{o} * s.filter_h + fy) * s.filter_w + fx) * s.in_ch + c];
                out[o] += value * w;
              }
            }
          }
        }
      }
    }
  }
  for (int64_t i = 0; i < out_pixels; ++i) {
    float* out = output + i * s.out_ch;
    for (int32_t o = 0; o < s.out_ch; ++o) {
      float v = out[o];
      if (!bias_first && bias != nullptr) v += bias[o];
      out[o] = conv_detail::Clamp(v, p.act_min, p.act_max);
    }
  }
}

}  // namespace edgeml::reference
