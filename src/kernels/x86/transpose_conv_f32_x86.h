// x86 variants of the fast float32 transposed convolution (see
// kernels/transpose_conv_f32.h for the contract). AVX2 packs 8 output
// channels per block, AVX-512 16 (x86::kAvx2Lanes / kAvx512Lanes).
#pragma once

#include <cstdint>

#include "kernels/transpose_conv_f32.h"
#include "kernels/x86/conv_f32_x86.h"

namespace edgeml::x86 {

void TransposeConvF32Avx2(const reference::ConvParams& p, const reference::ConvShape& s,
                          const float* input, const float* packed_filter, const float* packed_bias,
                          bool bias_first, float* output, int64_t row_begin, int64_t row_end);
void TransposeConvF32Avx512(const reference::ConvParams& p, const reference::ConvShape& s,
                            const float* input, const float* packed_filter,
                            const float* packed_bias, bool bias_first, float* output,
                            int64_t row_begin, int64_t row_end);

}  // namespace edgeml::x86
