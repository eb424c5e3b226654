// Reference kernels of the math family: comparisons, logical ops, SELECT,
// elementwise math (POW, FLOOR_DIV, FLOOR_MOD, ROUND, SIGN, GELU, ELU, ...)
// and LOG_SOFTMAX. Pure functions over raw pointers; shapes arrive already
// validated by the op. The formulas follow LiteRT's reference kernels so
// float results agree with them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/reference/broadcast.h"

namespace edgeml::reference {

// ---- Comparisons (bool output) ---------------------------------------------

struct EqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a == b;
  }
};
struct NotEqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a != b;
  }
};
struct GreaterOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a > b;
  }
};
struct GreaterEqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a >= b;
  }
};
struct LessOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a < b;
  }
};
struct LessEqualOp {
  template <typename T>
  bool operator()(T a, T b) const {
    return a <= b;
  }
};

template <typename T, typename Cmp>
inline void Compare(const BroadcastPlan& plan, const T* a, const T* b, bool* out, Cmp cmp) {
  BroadcastBinary(plan, a, b, out, cmp);
}

// ---- Logical ---------------------------------------------------------------

inline void LogicalAnd(const BroadcastPlan& plan, const bool* a, const bool* b, bool* out) {
  BroadcastBinary(plan, a, b, out, [](bool x, bool y) { return x && y; });
}
inline void LogicalOr(const BroadcastPlan& plan, const bool* a, const bool* b, bool* out) {
  BroadcastBinary(plan, a, b, out, [](bool x, bool y) { return x || y; });
}
inline void LogicalNot(int64_t n, const bool* in, bool* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = !in[i];
}

// ---- SELECT ----------------------------------------------------------------

// Element strides of the three SELECT operands against the output shape
// (0 along broadcast dims), padded on the left to the output's rank.
struct SelectPlan {
  int rank = 0;
  int64_t dims[kMaxBroadcastRank] = {0};
  int64_t cond_strides[kMaxBroadcastRank] = {0};
  int64_t x_strides[kMaxBroadcastRank] = {0};
  int64_t y_strides[kMaxBroadcastRank] = {0};
  int64_t num_elements = 0;
};

namespace internal {
// Strides of `in` broadcast to `out` (same rank or lower). False if `in`
// does not broadcast to `out`.
inline bool BroadcastStrides(const Shape& in, const Shape& out, int64_t* strides) {
  const size_t rank = out.size();
  if (in.size() > rank) return false;
  int64_t stride = 1;
  for (size_t k = rank; k-- > 0;) {
    const size_t off = rank - in.size();
    const int32_t d = k < off ? 1 : in[k - off];
    if (d != out[k] && d != 1) return false;
    strides[k] = (d == 1) ? 0 : stride;
    stride *= d;
  }
  return true;
}
}  // namespace internal

// Plan for out[i] = cond ? x : y with each operand broadcast to `out`. False
// if an operand does not broadcast or the rank exceeds kMaxBroadcastRank.
inline bool MakeSelectPlan(const Shape& cond, const Shape& x, const Shape& y, const Shape& out,
                           SelectPlan* plan) {
  if (out.size() > static_cast<size_t>(kMaxBroadcastRank)) return false;
  SelectPlan p;
  p.rank = static_cast<int>(out.size());
  p.num_elements = 1;
  for (int k = 0; k < p.rank; ++k) {
    p.dims[k] = out[k];
    p.num_elements *= out[k];
  }
  if (!internal::BroadcastStrides(cond, out, p.cond_strides) ||
      !internal::BroadcastStrides(x, out, p.x_strides) ||
      !internal::BroadcastStrides(y, out, p.y_strides)) {
    return false;
  }
  *plan = p;
  return true;
}

// Elements are copied as raw bytes of `elem_size` (1, 2, 4 or 8), so one
// kernel serves every element type.
inline void Select(const SelectPlan& p, const bool* cond, const void* x, const void* y, void* out,
                   size_t elem_size) {
  if (p.num_elements == 0) return;
  const auto* xb = static_cast<const uint8_t*>(x);
  const auto* yb = static_cast<const uint8_t*>(y);
  auto* ob = static_cast<uint8_t*>(out);
  int64_t index[kMaxBroadcastRank] = {0};
  int64_t c = 0, ix = 0, iy = 0;
  for (int64_t o = 0; o < p.num_elements; ++o) {
    const uint8_t* src = cond[c] ? xb + ix * elem_size : yb + iy * elem_size;
    std::memcpy(ob + o * elem_size, src, elem_size);
    // Odometer, innermost dim first.
    for (int d = p.rank - 1; d >= 0; --d) {
      c += p.cond_strides[d];
      ix += p.x_strides[d];
      iy += p.y_strides[d];
      if (++index[d] < p.dims[d]) break;
      c -= p.cond_strides[d] * p.dims[d];
      ix -= p.x_strides[d] * p.dims[d];
      iy -= p.y_strides[d] * p.dims[d];
      index[d] = 0;
    }
  }
}

// ---- POW, FLOOR_DIV, FLOOR_MOD ---------------------------------------------

struct PowFloatOp {
  float operator()(float a, float b) const { return std::pow(a, b); }
};

// Integer power by squaring; the exponent is >= 0 (checked by the op).
// Wraps on overflow like LiteRT's int32 arithmetic would, without UB.
struct PowIntOp {
  int32_t operator()(int32_t base, int32_t exponent) const {
    uint32_t result = 1, b = static_cast<uint32_t>(base);
    uint32_t e = static_cast<uint32_t>(exponent);
    while (e != 0) {
      if (e & 1u) result *= b;
      b *= b;
      e >>= 1;
    }
    return static_cast<int32_t>(result);
  }
};

// Floor of the quotient; floats divide in double as LiteRT does.
struct FloorDivOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      // The caller guarantees b != 0; lowest / -1 wraps to lowest.
      if (b == -1) return static_cast<T>(0 - static_cast<std::make_unsigned_t<T>>(a));
      const T q = static_cast<T>(a / b);
      return (a % b != 0 && ((a < 0) != (b < 0))) ? static_cast<T>(q - 1) : q;
    } else {
      return static_cast<T>(std::floor(static_cast<double>(a) / static_cast<double>(b)));
    }
  }
};

// Remainder with the sign of the divisor.
struct FloorModOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == -1) return 0;  // avoids lowest % -1
      const T m = static_cast<T>(a % b);
      return (m != 0 && ((b < 0) != (m < 0))) ? static_cast<T>(m + b) : m;
    } else {
      const T m = std::fmod(a, b);
      return (m != 0 && ((b < 0) != (m < 0))) ? m + b : m;
    }
  }
};

// ---- Unary math ------------------------------------------------------------

template <typename T, typename F>
inline void Unary(int64_t n, const T* in, T* out, F f) {
  for (int64_t i = 0; i < n; ++i) out[i] = f(in[i]);
}

// Round half to even (LiteRT's ROUND).
inline float RoundHalfEven(float x) {
  const float f = std::floor(x);
  const float diff = x - f;
  if (diff < 0.5f) return f;
  if (diff > 0.5f) return f + 1.0f;
  return std::fmod(f, 2.0f) == 0.0f ? f : f + 1.0f;
}

// -1, 0 or 1 (0 for NaN).
template <typename T>
inline T Sign(T x) {
  return static_cast<T>((T(0) < x) - (x < T(0)));
}

// Integer abs wrapping lowest to lowest, as two's complement does.
template <typename T>
inline T AbsValue(T x) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return x < 0 ? static_cast<T>(U(0) - static_cast<U>(x)) : x;
  } else {
    return std::fabs(x);
  }
}

inline float Elu(float x) { return x < 0.0f ? std::expm1(x) : x; }

// GELU: the tanh approximation, or the exact form written with erfc (as
// LiteRT does) so that large negative inputs don't cancel catastrophically.
// LiteRT evaluates tanh/erfc through Eigen's vectorized approximations, so
// results can differ from it in the last bit or two.
inline float Gelu(float x, bool approximate) {
  if (approximate) {
    constexpr float kSqrt2OverPi = 0.7978845608028654f;
    return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * (x * x * x))));
  }
  return 0.5f * x * std::erfc(x * -0.7071067811865476f);
}

// LOG_SOFTMAX over the last dim: x - max - log(sum(exp(x - max))).
inline void LogSoftmax(int64_t outer, int64_t depth, const float* in, float* out) {
  for (int64_t r = 0; r < outer; ++r) {
    const float* x = in + r * depth;
    float* y = out + r * depth;
    float max = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < depth; ++i) max = std::max(max, x[i]);
    float sum = 0.0f;
    for (int64_t i = 0; i < depth; ++i) sum += std::exp(x[i] - max);
    const float log_sum = std::log(sum);
    for (int64_t i = 0; i < depth; ++i) y[i] = x[i] - max - log_sum;
  }
}

}  // namespace edgeml::reference
