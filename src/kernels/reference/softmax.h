// Reference kernels for the last-axis normalizations: SOFTMAX and
// L2_NORMALIZATION. The input is viewed as [outer, depth].
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace edgeml::reference {

// out = exp(beta * (x - max)) / sum(...). Subtracting the row maximum keeps
// every exponent <= 0, so nothing overflows for large logits.
inline void Softmax(int64_t outer, int64_t depth, float beta, const float* in, float* out) {
  for (int64_t r = 0; r < outer; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int64_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int64_t c = 0; c < depth; ++c) {
      y[c] = std::exp((x[c] - max) * beta);
      sum += y[c];
    }
    for (int64_t c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

// LiteRT's epsilon: the norm (not its square) is floored at 1e-6, so an
// all-zero row gives zeros rather than NaN.
constexpr float kL2NormEpsilon = 1e-6f;

// out = x / max(sqrt(sum(x^2)), epsilon).
inline void L2Normalize(int64_t outer, int64_t depth, const float* in, float* out,
                        float epsilon = kL2NormEpsilon) {
  for (int64_t r = 0; r < outer; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float sum_sq = 0.0f;
    for (int64_t c = 0; c < depth; ++c) sum_sq += x[c] * x[c];
    const float norm = std::max(std::sqrt(sum_sq), epsilon);
    for (int64_t c = 0; c < depth; ++c) y[c] = x[c] / norm;
  }
}

}  // namespace edgeml::reference
