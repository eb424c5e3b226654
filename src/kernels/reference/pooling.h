// 2-D pooling over NHWC float tensors (AVERAGE_POOL_2D, MAX_POOL_2D).
//
// Windows start at out * stride - pad and are clipped to the input; the
// average divides by the number of in-bounds elements only, like LiteRT.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace edgeml::reference {

struct Pool2DParams {
  int32_t batches = 0;
  int32_t in_h = 0, in_w = 0;
  int32_t channels = 0;
  int32_t out_h = 0, out_w = 0;
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  float act_min = -std::numeric_limits<float>::infinity();
  float act_max = std::numeric_limits<float>::infinity();
};

namespace pool_detail {

// Clipped window [start, end) inside the filter for one output coordinate,
// in 64 bits so that no padding or filter size can push a read outside
// [0, in): origin + start >= 0 and origin + end <= in.
inline void Window(int32_t out, int32_t stride, int32_t pad, int32_t filter, int32_t in,
                   int64_t* origin, int64_t* start, int64_t* end) {
  *origin = static_cast<int64_t>(out) * stride - pad;
  *start = std::max<int64_t>(0, -*origin);
  *end = std::min<int64_t>(filter, in - *origin);
}

}  // namespace pool_detail

inline void AveragePool2DF32(const Pool2DParams& p, const float* input, float* output) {
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
        float* out =
            output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          float total = 0.f;
          for (int64_t fy = fy_start; fy < fy_end; ++fy) {
            const int64_t row = (static_cast<int64_t>(b) * p.in_h + iy0 + fy) * p.in_w;
            for (int64_t fx = fx_start; fx < fx_end; ++fx) {
              total += input[(row + ix0 + fx) * p.channels + c];
            }
          }
          // An empty window cannot arise from SAME/VALID padding; guard anyway.
          const float avg = count > 0 ? total / static_cast<float>(count) : 0.f;
          out[c] = std::min(std::max(avg, p.act_min), p.act_max);
        }
      }
    }
  }
}

inline void MaxPool2DF32(const Pool2DParams& p, const float* input, float* output) {
  for (int32_t b = 0; b < p.batches; ++b) {
    for (int32_t oy = 0; oy < p.out_h; ++oy) {
      int64_t iy0, fy_start, fy_end;
      pool_detail::Window(oy, p.stride_h, p.pad_top, p.filter_h, p.in_h, &iy0, &fy_start, &fy_end);
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        int64_t ix0, fx_start, fx_end;
        pool_detail::Window(ox, p.stride_w, p.pad_left, p.filter_w, p.in_w, &ix0, &fx_start,
                            &fx_end);
        float* out =
            output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        for (int32_t c = 0; c < p.channels; ++c) {
          float m = std::numeric_limits<float>::lowest();
          for (int64_t fy = fy_start; fy < fy_end; ++fy) {
            const int64_t row = (static_cast<int64_t>(b) * p.in_h + iy0 + fy) * p.in_w;
            for (int64_t fx = fx_start; fx < fx_end; ++fx) {
              m = std::max(m, input[(row + ix0 + fx) * p.channels + c]);
            }
          }
          out[c] = std::min(std::max(m, p.act_min), p.act_max);
        }
      }
    }
  }
}

}  // namespace edgeml::reference
