// CONCATENATION of uint8 tensors whose scale or zero point differ from the
// output's: LiteRT requantizes those inputs in float,
//   scale = input_scale * (1 / output_scale), bias = -input_zero_point * scale,
//   q = clamp(round(x * scale + bias) + output_zero_point, 0, 255),
// and copies the others unchanged.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace edgeml::reference {

struct U8Requant {
  bool copy = true;  // same scale and zero point as the output
  float scale = 1.f, bias = 0.f;
  int32_t output_zero_point = 0;
};

inline U8Requant MakeU8Requant(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point) {
  U8Requant r;
  r.output_zero_point = output_zero_point;
  if (input_scale == output_scale && input_zero_point == output_zero_point) return r;
  r.copy = false;
  const float inverse_output_scale = 1.f / output_scale;
  r.scale = input_scale * inverse_output_scale;
  r.bias = static_cast<float>(-input_zero_point) * r.scale;
  return r;
}

// Row r of the output is input 0's block r, then input 1's block r, ...
// (block_elems[i] elements each), requantized where requant[i] says so.
inline void ConcatRequantU8(int num_inputs, const uint8_t* const* inputs,
                            const int64_t* block_elems, const U8Requant* requant, int64_t outer,
                            uint8_t* output) {
  uint8_t* out = output;
  for (int64_t r = 0; r < outer; ++r) {
    for (int i = 0; i < num_inputs; ++i) {
      const int64_t n = block_elems[i];
      const uint8_t* in = inputs[i] + r * n;
      const U8Requant& q = requant[i];
      if (q.copy) {
        if (n > 0) std::memcpy(out, in, static_cast<size_t>(n));
      } else {
        for (int64_t j = 0; j < n; ++j) {
          const float v = std::round(static_cast<float>(in[j]) * q.scale + q.bias);
          // Clamped in float first so that the int conversion is defined.
          const float c = std::min(std::max(v, -1.f - 255.f), 256.f + 255.f);
          const int32_t value = static_cast<int32_t>(c) + q.output_zero_point;
          out[j] = static_cast<uint8_t>(std::min(255, std::max(0, value)));
        }
      }
      out += n;
    }
  }
}

}  // namespace edgeml::reference
