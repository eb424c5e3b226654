// Fast float32 transposed convolution (TRANSPOSE_CONV and MediaPipe's
// Convolution2DTransposeBias). The SIMD variants live in kernels/x86/; the
// portable variant is reference::TransposeConvF32 itself.
//
// Exactness with the reference: the reference scatters each input pixel into
// the outputs it touches, looping (iy, ix, c) in ascending order, so every
// output element receives its products in ascending (iy, ix, c) order, one
// rounded add each, starting from +0 (or from the bias when bias_first). The
// fast kernels gather per output pixel in that same order, vectorized across
// output channels only, with separate multiply and add; then add the bias
// (when not bias_first) and clamp as the reference does.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/conv_f32.h"
#include "kernels/reference/conv.h"

namespace edgeml::fast {

// Computes output rows [row_begin, row_end) of the flattened (batch, out_y)
// range. Weights are packed by PackConvF32 (same OHWI layout as CONV_2D) for
// the variant's lane count; `packed_bias` holds the bias or zeros. With
// bias_first the accumulation starts from packed_bias, else packed_bias is
// added after it. Disjoint row ranges may run concurrently.
using TransposeConvF32RowsFn = void (*)(const reference::ConvParams& p,
                                        const reference::ConvShape& s, const float* input,
                                        const float* packed_filter, const float* packed_bias,
                                        bool bias_first, float* output, int64_t row_begin,
                                        int64_t row_end);

// A chosen variant with its packed weights (kept in the op state).
struct FastTransposeConvF32 {
  TransposeConvF32RowsFn rows = nullptr;  // null: use the reference kernel
  std::vector<float> filter, bias;
};

// Picks the best variant GetCpuFeatures() allows and packs `filter` (OHWI)
// and `bias` (may be null) for it; leaves f->rows null when only the
// portable reference applies.
void PrepareFastTransposeConvF32(const reference::ConvShape& s, const float* filter,
                                 const float* bias, FastTransposeConvF32* f);

// Runs all output rows of a prepared kernel; `parallel_for(n, fn)` splits
// [0, n) rows into ranges (OpContext::ParallelFor).
template <class ParallelFor>
void RunFastTransposeConvF32(const FastTransposeConvF32& f, const reference::ConvParams& p,
                             const reference::ConvShape& s, const float* input, bool bias_first,
                             float* output, ParallelFor&& parallel_for) {
  auto rows = [&](int64_t begin, int64_t end) {
    f.rows(p, s, input, f.filter.data(), f.bias.data(), bias_first, output, begin, end);
  };
  parallel_for(int64_t{s.batch} * s.out_h, rows);
}

}  // namespace edgeml::fast
