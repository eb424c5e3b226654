// Reference kernels for float activations and unary math, following the
// formulas of LiteRT's reference kernels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/reference/broadcast.h"

namespace edgeml::reference {

// 1 / (1 + e^-x), with LiteRT's cut-offs: exactly 1 above ~16.62 (where the
// float result rounds to 1 anyway) and e^x below -9 (avoids 1 + tiny).
inline float LogisticValue(float x) {
  constexpr float kUpper = 16.619047164916992188f;
  constexpr float kLower = -9.0f;
  if (x > kUpper) return 1.0f;
  if (x < kLower) return std::exp(x);
  return 1.0f / (1.0f + std::exp(-x));
}

inline void Logistic(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = LogisticValue(in[i]);
}

inline void Tanh(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
}

// Clamps written as comparisons so that NaN propagates.
inline void Relu(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] < 0.0f ? 0.0f : in[i];
}

inline void ReluRange(int64_t n, const float* in, float* out, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = in[i] < lo ? lo : in[i];
    out[i] = v > hi ? hi : v;
  }
}

inline void Relu6(int64_t n, const float* in, float* out) { ReluRange(n, in, out, 0.0f, 6.0f); }

inline void ReluN1To1(int64_t n, const float* in, float* out) {
  ReluRange(n, in, out, -1.0f, 1.0f);
}

// x > 0 ? x : alpha * x (so any alpha, even > 1, is applied to the negatives).
inline void LeakyRelu(int64_t n, const float* in, float* out, float alpha) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : in[i] * alpha;
}

// x * relu6(x + 3) / 6.
inline void HardSwish(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    out[i] = x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f;
  }
}

inline void Exp(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}

inline void Neg(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = -in[i];
}

inline void Sqrt(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::sqrt(in[i]);
}

inline void Rsqrt(int64_t n, const float* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = 1.0f / std::sqrt(in[i]);
}

// PRELU: x >= 0 ? x : x * alpha, alpha broadcast against x.
struct PreluOp {
  float operator()(float x, float alpha) const { return x >= 0.0f ? x : x * alpha; }
};

inline void Prelu(const BroadcastPlan& plan, const float* in, const float* alpha, float* out) {
  BroadcastBinary(plan, in, alpha, out, PreluOp());
}

}  // namespace edgeml::reference
