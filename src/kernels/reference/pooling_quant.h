// Quantized 2-D pooling (int8, uint8, int16) over NHWC tensors, as LiteRT's
// reference kernels compute it: raw quantized values are pooled without
// requantization (input and output share scale and zero point), the average
// is the window sum divided by the in-bounds count rounded half away from
// zero, and the result is clamped to the fused activation's quantized range.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/reference/pooling.h"

namespace edgeml::reference {

template <typename T>
void AveragePool2DQuant(const Pool2DParams& p, int32_t act_min, int32_t act_max, const T* input,
                        T* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      int64_t iy0, fy_start, fy_end;
      pool_detail::Window(oy, p.stride_h, p.pad_top, p.filter_h, p.in_h, &iy0, &fy_start, &fy_end);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        int64_t ix0, fx_start, fx_end;
        pool_detail::Window(ox, p.stride_w, p.pad_left, p.filter_w, p.in_w, &ix0, &fx_start,
                            &fx_end);
        const int64_t count =
            std::max<int64_t>(0, fy_end - fy_start) * std::max<int64_t>(0, fx_end - fx_start);
        T* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          // 64 bits: a huge window could overflow LiteRT's int32 sum; results
          // agree wherever LiteRT's is defined.
          int64_t acc = 0;
          for (int64_t fy = fy_start; fy < fy_end; ++fy) {
            const int64_t row = (static_cast<int64_t>(b) * p.in_h + iy0 + fy) * p.in_w;
            for (int64_t fx = fx_start; fx < fx_end; ++fx) {
              acc += input[(row + ix0 + fx) * p.channels + c];
            }
          }
          int64_t avg = 0;
          if (count > 0) {
            // Integer division truncates, so adding half the divisor with the
            // sign of the sum rounds half away from zero.
            avg = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          }
          avg = std::min<int64_t>(std::max<int64_t>(avg, act_min), act_max);
          out[c] = static_cast<T>(avg);
        }
      }
    }
  }
}

template <typename T>
void MaxPool2DQuant(const Pool2DParams& p, int32_t act_min, int32_t act_max, const T* input,
                    T* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      int64_t iy0, fy_start, fy_end;
      pool_detail::Window(oy, p.stride_h, p.pad_top, p.filter_h, p.in_h, &iy0, &fy_start, &fy_end);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        int64_t ix0, fx_start, fx_end;
        pool_detail::Window(ox, p.stride_w, p.pad_left, p.filter_w, p.in_w, &ix0, &fx_start,
                            &fx_end);
        T* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          int32_t m = std::numeric_limits<T>::lowest();
          for (int64_t fy = fy_start; fy < fy_end; ++fy) {
            const int64_t row = (static_cast<int64_t>(b) * p.in_h + iy0 + fy) * p.in_w;
            for (int64_t fx = fx_start; fx < fx_end; ++fx) {
              m = std::max<int32_t>(m, input[(row + ix0 + fx) * p.channels + c]);
            }
          }
          out[c] = static_cast<T>(std::min(std::max(m, act_min), act_max));
        }
      }
    }
  }
}

}  // namespace edgeml::reference
