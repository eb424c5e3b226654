// Reference quantized convolutions (CONV_2D, DEPTHWISE_CONV_2D,
// TRANSPOSE_CONV) reproducing LiteRT's reference integer kernels bit for bit:
// integer accumulation of (w + filter_offset) * (x + input_offset) over the
// taps inside the input, plus bias, then per-channel fixed-point
// requantization, output zero point, clamp.
//
// Types: In/Out int8, uint8 or int16; W int8 or uint8; Acc int32 (8-bit, and
// 16x8 with int32 bias) or int64 (16x8 with int64 bias); Bias is Acc's type.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/reference/conv.h"
#include "quant/fixed_point.h"

namespace edgeml::reference {

// The integer side of a quantized windowed op. `multipliers` holds one entry
// per output channel (per-tensor quantization repeats the one value).
struct QuantConvParams {
  int32_t input_offset = 0;   // -input zero point
  int32_t filter_offset = 0;  // -filter zero point (uint8 weights)
  int32_t output_offset = 0;  // output zero point
  int32_t act_min = 0;
  int32_t act_max = 0;
  const quant::Multiplier* multipliers = nullptr;
};

namespace quant_detail {

// Accumulation wraps on int32 overflow like the reference's int32 sums do on
// every target we support, without the undefined behaviour.
template <typename Acc>
inline Acc AddWrap(Acc a, int64_t b) {
  if constexpr (std::is_same_v<Acc, int32_t>) {
    return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
  } else {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
  }
}

// Rescale, add the zero point, clamp: the tail every integer kernel shares.
template <typename Out, typename Acc>
inline Out Requantize(Acc acc, quant::Multiplier m, const QuantConvParams& q) {
  int32_t v = quant::MultiplyByQuantizedMultiplier(acc, m);
  v = static_cast<int32_t>(static_cast<uint32_t>(v) + static_cast<uint32_t>(q.output_offset));
  v = std::min(std::max(v, q.act_min), q.act_max);
  return static_cast<Out>(v);
}

}  // namespace quant_detail

// CONV_2D with groups (see ConvF32 for the geometry).
template <typename In, typename W, typename Acc, typename Out>
inline void ConvQuant(const ConvParams& p, const QuantConvParams& q, const ConvShape& s,
                      const In* input, const W* filter, const Acc* bias, Out* output) {
  const int32_t groups = s.in_ch / s.filter_in_ch;
  const int32_t out_per_group = s.out_ch / groups;
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
        Out* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t o = 0; o < s.out_ch; ++o) {
          const int64_t in_c0 = int64_t{o / out_per_group} * s.filter_in_ch;
          Acc acc = 0;
          for (int32_t fy = 0; fy < s.filter_h; ++fy) {
            const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
            if (iy < 0 || iy >= s.in_h) continue;
            for (int32_t fx = 0; fx < s.filter_w; ++fx) {
              const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
              if (ix < 0 || ix >= s.in_w) continue;
              const In* in = input + ((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch + in_c0;
              const W* w =
                  filter + ((int64_t{o} * s.filter_h + fy) * s.filter_w + fx) * s.filter_in_ch;
              for (int32_t c = 0; c < s.filter_in_ch; ++c) {
                const int32_t prod =
                    (int32_t{w[c]} + q.filter_offset) * (int32_t{in[c]} + q.input_offset);
                acc = quant_detail::AddWrap<Acc>(acc, prod);
              }
            }
          }
          if (bias != nullptr) acc = quant_detail::AddWrap<Acc>(acc, bias[o]);
          out[o] = quant_detail::Requantize<Out>(acc, q.multipliers[o], q);
        }
      }
    }
  }
}

// DEPTHWISE_CONV_2D (see DepthwiseConvF32 for the geometry).
template <typename In, typename W, typename Acc, typename Out>
inline void DepthwiseConvQuant(const ConvParams& p, const QuantConvParams& q, const ConvShape& s,
                               int32_t depth_multiplier, const In* input, const W* filter,
                               const Acc* bias, Out* output) {
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t oy = 0; oy < s.out_h; ++oy) {
      const int64_t y0 = int64_t{oy} * p.stride_h - p.pad_top;
      for (int32_t ox = 0; ox < s.out_w; ++ox) {
        const int64_t x0 = int64_t{ox} * p.stride_w - p.pad_left;
        Out* out = output + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
        for (int32_t c = 0; c < s.in_ch; ++c) {
          for (int32_t k = 0; k < depth_multiplier; ++k) {
            const int64_t o = int64_t{c} * depth_multiplier + k;
            Acc acc = 0;
            for (int32_t fy = 0; fy < s.filter_h; ++fy) {
              const int64_t iy = y0 + int64_t{fy} * p.dilation_h;
              if (iy < 0 || iy >= s.in_h) continue;
              for (int32_t fx = 0; fx < s.filter_w; ++fx) {
                const int64_t ix = x0 + int64_t{fx} * p.dilation_w;
                if (ix < 0 || ix >= s.in_w) continue;
                const int32_t in = input[((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch + c];
                const int32_t w = filter[(int64_t{fy} * s.filter_w + fx) * s.out_ch + o];
                acc =
                    quant_detail::AddWrap<Acc>(acc, (w + q.filter_offset) * (in + q.input_offset));
              }
            }
            if (bias != nullptr) acc = quant_detail::AddWrap<Acc>(acc, bias[o]);
            out[o] = quant_detail::Requantize<Out>(acc, q.multipliers[o], q);
          }
        }
      }
    }
  }
}

// TRANSPOSE_CONV (see TransposeConvF32 for the geometry): scatters into the
// accumulator buffer `acc` (batch * out_h * out_w * out_ch entries, caller's
// scratch), then adds bias and requantizes each output.
template <typename In, typename W, typename Acc, typename Out>
inline void TransposeConvQuant(const ConvParams& p, const QuantConvParams& q, const ConvShape& s,
                               const In* input, const W* filter, const Acc* bias, Acc* acc,
                               Out* output) {
  const int64_t out_pixels = int64_t{s.batch} * s.out_h * s.out_w;
  std::fill(acc, acc + out_pixels * s.out_ch, Acc{0});
  for (int32_t b = 0; b < s.batch; ++b) {
    for (int32_t iy = 0; iy < s.in_h; ++iy) {
      const int64_t y0 = int64_t{iy} * p.stride_h - p.pad_top;
      for (int32_t ix = 0; ix < s.in_w; ++ix) {
        const int64_t x0 = int64_t{ix} * p.stride_w - p.pad_left;
        const In* in = input + ((int64_t{b} * s.in_h + iy) * s.in_w + ix) * s.in_ch;
        for (int32_t fy = 0; fy < s.filter_h; ++fy) {
          const int64_t oy = y0 + fy;
          if (oy < 0 || oy >= s.out_h) continue;
          for (int32_t fx = 0; fx < s.filter_w; ++fx) {
            const int64_t ox = x0 + fx;
            if (ox < 0 || ox >= s.out_w) continue;
            Acc* a = acc + ((int64_t{b} * s.out_h + oy) * s.out_w + ox) * s.out_ch;
            for (int32_t o = 0; o < s.out_ch; ++o) {
              const W* w = filter + ((int64_t{o} * s.filter_h + fy) * s.filter_w + fx) * s.in_ch;
              for (int32_t c = 0; c < s.in_ch; ++c) {
                const int32_t prod =
                    (int32_t{w[c]} + q.filter_offset) * (int32_t{in[c]} + q.input_offset);
                a[o] = quant_detail::AddWrap<Acc>(a[o], prod);
              }
            }
          }
        }
      }
    }
  }
  for (int64_t i = 0; i < out_pixels; ++i) {
    for (int32_t o = 0; o < s.out_ch; ++o) {
      Acc v = acc[i * s.out_ch + o];
      if (bias != nullptr) v = quant_detail::AddWrap<Acc>(v, bias[o]);
      output[i * s.out_ch + o] = quant_detail::Requantize<Out>(v, q.multipliers[o], q);
    }
  }
}

}  // namespace edgeml::reference
