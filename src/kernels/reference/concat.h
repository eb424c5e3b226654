// CONCATENATION, PACK, SPLIT and UNPACK as block copies. Around the axis a
// tensor is [outer, block]; concatenation lays the blocks of every input side
// by side in each of the `outer` rows, splitting does the reverse. Sizes are in
// bytes, so any fixed-size element type works.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace edgeml::reference {

// Row r of the output is input 0's block r, then input 1's block r, ...
// block_bytes[i] is the byte size of one block of input i.
inline void ConcatBlocks(int num_inputs, const void* const* inputs, const int64_t* block_bytes,
                         int64_t outer, void* output) {
  uint8_t* out = static_cast<uint8_t*>(output);
  for (int64_t r = 0; r < outer; ++r) {
    for (int i = 0; i < num_inputs; ++i) {
      const size_t n = static_cast<size_t>(block_bytes[i]);
      if (n == 0) continue;
      std::memcpy(out, static_cast<const uint8_t*>(inputs[i]) + r * block_bytes[i], n);
      out += n;
    }
  }
}

// The inverse: block r of output i is the i-th piece of input row r.
inline void SplitBlocks(const void* input, int64_t outer, int num_outputs,
                        const int64_t* block_bytes, void* const* outputs) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  for (int64_t r = 0; r < outer; ++r) {
    for (int i = 0; i < num_outputs; ++i) {
      const size_t n = static_cast<size_t>(block_bytes[i]);
      if (n == 0) continue;
      std::memcpy(static_cast<uint8_t*>(outputs[i]) + r * block_bytes[i], in, n);
      in += n;
    }
  }
}

// Fused activation of a float concatenation.
inline void ClampFloat(float* data, int64_t count, float lo, float hi) {
  for (int64_t i = 0; i < count; ++i) data[i] = std::min(std::max(data[i], lo), hi);
}

}  // namespace edgeml::reference
