// x86 variants of the fast float32 convolution kernels (see
// kernels/conv_f32.h for the packing and the exactness contract). Names say
// op, dtype and ISA; AVX2 packs 8 output channels per block, AVX-512 16.
#pragma once

#include <cstdint>

#include "kernels/conv_f32.h"

namespace edgeml::x86 {

constexpr int kAvx2Lanes = 8;
constexpr int kAvx512Lanes = 16;

// CONV_2D, groups == 1, any filter size, stride, dilation and padding.
void ConvF32Avx2(const reference::ConvParams& p, const reference::ConvShape& s, const float* input,
                 const float* packed_filter, const float* packed_bias, float* output,
                 int64_t row_begin, int64_t row_end);
void ConvF32Avx512(const reference::ConvParams& p, const reference::ConvShape& s,
                   const float* input, const float* packed_filter, const float* packed_bias,
                   float* output, int64_t row_begin, int64_t row_end);

// DEPTHWISE_CONV_2D, depth multiplier 1, any filter size, stride, dilation
// and padding.
void DepthwiseConvF32Avx2(const reference::ConvParams& p, const reference::ConvShape& s,
                          const float* input, const float* packed_filter, const float* packed_bias,
                          float* output, int64_t row_begin, int64_t row_end);
void DepthwiseConvF32Avx512(const reference::ConvParams& p, const reference::ConvShape& s,
                            const float* input, const float* packed_filter,
                            const float* packed_bias, float* output, int64_t row_begin,
                            int64_t row_end);

}  // namespace edgeml::x86
