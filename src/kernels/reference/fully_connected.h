// Reference fully connected layer (float32): y = act(x W^T + b).
#pragma once

#include <cstdint>

#include "kernels/reference/conv.h"

namespace edgeml::reference {

// input [batch, depth], weights [units, depth] row-major, bias [units] or
// null, output [batch, units].
inline void FullyConnectedF32(int64_t batch, int32_t depth, int32_t units, const float* input,
                              const float* weights, const float* bias, float act_min, float act_max,
                              float* output) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* x = input + b * depth;
    float* y = output + b * units;
    for (int32_t o = 0; o < units; ++o) {
      const float* w = weights + int64_t{o} * depth;
      float total = 0.f;
      for (int32_t d = 0; d < depth; ++d) total += x[d] * w[d];
      const float bias_value = bias != nullptr ? bias[o] : 0.f;
      y[o] = conv_detail::Clamp(total + bias_value, act_min, act_max);
    }
  }
}

}  // namespace edgeml::reference
