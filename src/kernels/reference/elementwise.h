// Reference kernels for binary arithmetic (with a fused clamp), CAST,
// DEQUANTIZE (float16 and affine int) and ARG_MAX. Pure functions over raw
// pointers; shapes arrive already validated by the op.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/reference/broadcast.h"

namespace edgeml::reference {

// ---- Binary arithmetic ----------------------------------------------------
// Integer variants wrap on overflow (two's complement) instead of invoking
// undefined behaviour; float variants are plain IEEE arithmetic.

namespace internal {
template <typename T>
using Unsigned = std::make_unsigned_t<T>;
}  // namespace internal

struct AddOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<internal::Unsigned<T>>(a) +
                            static_cast<internal::Unsigned<T>>(b));
    } else {
      return a + b;
    }
  }
};

struct SubOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<internal::Unsigned<T>>(a) -
                            static_cast<internal::Unsigned<T>>(b));
    } else {
      return a - b;
    }
  }
};

struct MulOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(static_cast<internal::Unsigned<T>>(a) *
                            static_cast<internal::Unsigned<T>>(b));
    } else {
      return a * b;
    }
  }
};

// Integer division truncates toward zero. The caller guarantees b != 0;
// lowest / -1 wraps to lowest.
struct DivOp {
  template <typename T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>) {
      if (b == -1) return SubOp()(T(0), a);
      return a / b;
    } else {
      return a / b;
    }
  }
};

struct SquaredDifferenceOp {
  template <typename T>
  T operator()(T a, T b) const {
    const T d = SubOp()(a, b);
    return MulOp()(d, d);
  }
};

// LiteRT's comparisons: with a NaN on the left the right operand wins.
struct MaximumOp {
  template <typename T>
  T operator()(T a, T b) const {
    return a > b ? a : b;
  }
};

struct MinimumOp {
  template <typename T>
  T operator()(T a, T b) const {
    return a < b ? a : b;
  }
};

// The fused-activation clamp, min(max(x, lo), hi); NaN passes through.
template <typename T>
inline T Clamp(T x, T lo, T hi) {
  const T y = x < lo ? lo : x;
  return hi < y ? hi : y;
}

// out = clamp(op(a, b), lo, hi) over a broadcast plan (which also covers
// equal shapes and scalars as a single flat loop).
template <typename T, typename Op>
inline void BinaryElementwise(const BroadcastPlan& plan, const T* a, const T* b, T* out, T lo, T hi,
                              Op op) {
  BroadcastBinary(plan, a, b, out, [op, lo, hi](T x, T y) { return Clamp(op(x, y), lo, hi); });
}

// Same without a clamp (MAXIMUM, MINIMUM, SQUARED_DIFFERENCE).
template <typename T, typename Op>
inline void BinaryElementwise(const BroadcastPlan& plan, const T* a, const T* b, T* out, Op op) {
  BroadcastBinary(plan, a, b, out, op);
}

// ---- CAST -------------------------------------------------------------------

// Converts one value as LiteRT's CAST does (a static_cast), with the cases
// C++ leaves undefined pinned down: float -> integer truncates toward zero,
// saturates out-of-range values and maps NaN to 0; integer -> narrower
// integer wraps; anything -> bool is (v != 0).
template <typename To, typename From>
inline To CastValue(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    const double d = static_cast<double>(v);
    if (std::isnan(d)) return To(0);
    const double t = std::trunc(d);
    if (t <= static_cast<double>(std::numeric_limits<To>::lowest())) {
      return std::numeric_limits<To>::lowest();
    }
    if (t >= static_cast<double>(std::numeric_limits<To>::max())) {
      return std::numeric_limits<To>::max();
    }
    return static_cast<To>(t);
  } else if constexpr (std::is_integral_v<From> && std::is_integral_v<To>) {
    // Modular conversion through the unsigned type of the destination.
    return static_cast<To>(static_cast<std::make_unsigned_t<To>>(v));
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
inline void Cast(int64_t n, const From* in, To* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = CastValue<To>(in[i]);
}

// Bool tensors are read as bytes: a model may hold values other than 0/1,
// which must not be loaded as a C++ bool.
template <typename To>
inline void CastFromBool(int64_t n, const uint8_t* in, To* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = CastValue<To>(static_cast<int32_t>(in[i] != 0));
}

// ---- DEQUANTIZE -------------------------------------------------------------

// IEEE binary16 -> binary32, exact for every input: normals, subnormals,
// signed zeros, infinities and NaNs (payload kept).
inline float Fp16ToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + (127 - 15)) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {
    // Subnormal half: mant * 2^-24. Shift the leading 1 into the implicit
    // position, lowering the exponent once per shift.
    exp = 127 - 15 + 1;
    while ((mant & 0x400u) == 0) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Half data is taken as raw 16-bit words (no alignment beyond 2 bytes).
inline void DequantizeFp16(int64_t n, const uint16_t* in, float* out) {
  for (int64_t i = 0; i < n; ++i) out[i] = Fp16ToFloat(in[i]);
}

// out = scale * (q - zero_point), computed in double and rounded once, as
// LiteRT's reference does.
template <typename Q>
inline void DequantizePerTensor(int64_t n, const Q* in, float scale, int64_t zero_point,
                                float* out) {
  const double s = scale;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<float>(s * static_cast<double>(static_cast<int64_t>(in[i]) - zero_point));
  }
}

// Per-channel: the tensor is viewed as [outer, channels, inner] with the
// quantized dimension in the middle; scales/zero_points have `channels`
// entries (zero_points may be null for all-zero).
template <typename Q>
inline void DequantizePerChannel(int64_t outer, int64_t channels, int64_t inner, const Q* in,
                                 const float* scales, const int64_t* zero_points, float* out) {
  int64_t i = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < channels; ++c) {
      const float s = scales[c];
      const int64_t zp = zero_points ? zero_points[c] : 0;
      for (int64_t k = 0; k < inner; ++k, ++i) {
        out[i] = static_cast<float>(static_cast<int64_t>(in[i]) - zp) * s;
      }
    }
  }
}

// ---- ARG_MAX ----------------------------------------------------------------

// The input viewed as [outer, axis_size, inner]; out is [outer, inner].
// The first maximum wins on ties; a NaN at the first position is kept.
// Precondition: axis_size >= 1.
template <typename T, typename Index>
inline void ArgMax(int64_t outer, int64_t axis_size, int64_t inner, const T* in, Index* out) {
  for (int64_t o = 0; o < outer; ++o) {
    const T* base = in + o * axis_size * inner;
    for (int64_t k = 0; k < inner; ++k) {
      T best = base[k];
      int64_t best_index = 0;
      for (int64_t a = 1; a < axis_size; ++a) {
        const T v = base[a * inner + k];
        if (v > best) {
          best = v;
          best_index = a;
        }
      }
      out[o * inner + k] = static_cast<Index>(best_index);
    }
  }
}

}  // namespace edgeml::reference
