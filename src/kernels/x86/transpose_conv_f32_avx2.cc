// AVX2 float32 transposed convolution: 8 output channels per vector.
#include <immintrin.h>

#include "kernels/x86/transpose_conv_f32_impl.h"
#include "kernels/x86/transpose_conv_f32_x86.h"

namespace edgeml::x86 {
namespace {

struct Avx2F32 {
  using R = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kTransposeTile = 4;    // pixels of one phase
  static constexpr int kTransposeBlocks = 2;  // channel blocks per tile
  static R Zero() { return _mm256_setzero_ps(); }
  static R Set1(float v) { return _mm256_set1_ps(v); }
  static R Load(const float* p) { return _mm256_loadu_ps(p); }
  static R Broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static R Add(R a, R b) { return _mm256_add_ps(a, b); }
  static R Mul(R a, R b) { return _mm256_mul_ps(a, b); }
  // (a > b) ? a : b and (a < b) ? a : b, with b returned on NaN.
  static R Max(R a, R b) { return _mm256_max_ps(a, b); }
  static R Min(R a, R b) { return _mm256_min_ps(a, b); }
  static __m256i Mask(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static void Store(float* p, R r) { _mm256_storeu_ps(p, r); }
  static void StorePartial(float* p, R r, int n) { _mm256_maskstore_ps(p, Mask(n), r); }
};

}  // namespace

void TransposeConvF32Avx2(const reference::ConvParams& p, const reference::ConvShape& s,
                          const float* input, const float* packed_filter, const float* packed_bias,
                          bool bias_first, float* output, int64_t row_begin, int64_t row_end) {
  TransposeConvRows<Avx2F32>(p, s, input, packed_filter, packed_bias, bias_first, output, row_begin,
                             row_end);
}

}  // namespace edgeml::x86
