// Fast float32 convolution kernels: weight packing (portable) and the SIMD
// variants in kernels/x86/. Every variant is bit-exact with
// reference::ConvF32 / reference::DepthwiseConvF32: it vectorizes across
// output channels only, keeps each output's (fy, fx, c) accumulation order,
// skips padding taps, and uses separate multiply and add.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::fast {

// Computes output rows [row_begin, row_end) of the flattened (batch, out_y)
// range, from weights packed by PackConvF32 / PackDepthwiseF32 for the
// variant's lane count. Disjoint row ranges may run concurrently.
using ConvF32RowsFn = void (*)(const reference::ConvParams& p, const reference::ConvShape& s,
                               const float* input, const float* packed_filter,
                               const float* packed_bias, float* output, int64_t row_begin,
                               int64_t row_end);

inline int64_t RoundUpChannels(int64_t channels, int lanes) {
  return (channels + lanes - 1) / lanes * lanes;
}

// CONV_2D without groups (filter_in_ch == in_ch). Filter layout
// [out_ch / lanes][fy][fx][in_ch][lane], zero-padded to whole blocks; bias
// [round_up(out_ch)], zeros where absent (the reference adds 0.f too).
inline size_t PackedConvF32Size(const reference::ConvShape& s, int lanes) {
  return static_cast<size_t>(RoundUpChannels(s.out_ch, lanes)) * s.filter_h * s.filter_w * s.in_ch;
}
void PackConvF32(const reference::ConvShape& s, int lanes, const float* filter, const float* bias,
                 float* packed_filter, float* packed_bias);

// DEPTHWISE_CONV_2D with depth multiplier 1. Filter layout
// [fy][fx][round_up(ch)], bias [round_up(ch)], zero-padded.
inline size_t PackedDepthwiseF32Size(const reference::ConvShape& s, int lanes) {
  return static_cast<size_t>(RoundUpChannels(s.out_ch, lanes)) * s.filter_h * s.filter_w;
}
void PackDepthwiseF32(const reference::ConvShape& s, int lanes, const float* filter,
                      const float* bias, float* packed_filter, float* packed_bias);

}  // namespace edgeml::fast
