// AVX-512 float32 transposed convolution: 16 output channels per vector.
#include <immintrin.h>

#include "kernels/x86/transpose_conv_f32_impl.h"
#include "kernels/x86/transpose_conv_f32_x86.h"

namespace edgeml::x86 {
namespace {

struct Avx512F32 {
  using R = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kTransposeTile = 8;    // pixels of one phase
  static constexpr int kTransposeBlocks = 2;  // channel blocks per tile
  static R Zero() { return _mm512_setzero_ps(); }
  static R Set1(float v) { return _mm512_set1_ps(v); }
  static R Load(const float* p) { return _mm512_loadu_ps(p); }
  static R Broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static R Add(R a, R b) { return _mm512_add_ps(a, b); }
  static R Mul(R a, R b) { return _mm512_mul_ps(a, b); }
  // (a > b) ? a : b and (a < b) ? a : b, with b returned on NaN.
  // (GCC 12's unmasked forms read an undefined vector and trip
  // -Wuninitialized; the full-mask zeroing forms compile to the same code.)
  static R Max(R a, R b) { return _mm512_maskz_max_ps(0xFFFF, a, b); }
  static R Min(R a, R b) { return _mm512_maskz_min_ps(0xFFFF, a, b); }
  static __mmask16 Mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static void Store(float* p, R r) { _mm512_storeu_ps(p, r); }
  static void StorePartial(float* p, R r, int n) { _mm512_mask_storeu_ps(p, Mask(n), r); }
};

}  // namespace

void TransposeConvF32Avx512(const reference::ConvParams& p, const reference::ConvShape& s,
                            const float* input, const float* packed_filter,
                            const float* packed_bias, bool bias_first, float* output,
                            int64_t row_begin, int64_t row_end) {
  TransposeConvRows<Avx512F32>(p, s, input, packed_filter, packed_bias, bias_first, output,
                               row_begin, row_end);
}

}  // namespace edgeml::x86
