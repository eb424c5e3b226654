// Constant padding of a row-major tensor of any rank (PAD, PADV2). Copies
// elements of any fixed size; the fill value is given as elem_bytes raw bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace edgeml::reference {

// `before`/`after` hold rank non-negative paddings; the output shape is
// in_dims[i] + before[i] + after[i]. The output is filled with `value`, then
// each innermost input row is copied to its place. `workspace` is
// caller-provided scratch of 2 * rank entries (no allocation here).
inline void Pad(const std::vector<int32_t>& in_dims, const std::vector<int32_t>& before,
                const std::vector<int32_t>& after, size_t elem_bytes, const void* value,
                const void* input, void* output, int64_t* workspace) {
  const int rank = static_cast<int>(in_dims.size());
  uint8_t* out = static_cast<uint8_t*>(output);
  const uint8_t* in = static_cast<const uint8_t*>(input);
  if (rank == 0) {
    std::memcpy(out, in, elem_bytes);
    return;
  }
  int64_t* out_stride = workspace;  // elements per step of each output axis
  int64_t* index = workspace + rank;
  int64_t out_count = 1, rows = 1;
  for (int a = rank - 1; a >= 0; --a) {
    out_stride[a] = out_count;
    out_count *= static_cast<int64_t>(in_dims[a]) + before[a] + after[a];
    if (a < rank - 1) rows *= in_dims[a];
    index[a] = 0;
  }
  for (int64_t i = 0; i < out_count; ++i) std::memcpy(out + i * elem_bytes, value, elem_bytes);

  const size_t row_bytes = static_cast<size_t>(in_dims[rank - 1]) * elem_bytes;
  if (row_bytes == 0) return;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t o = before[rank - 1];
    for (int a = 0; a < rank - 1; ++a) o += (index[a] + before[a]) * out_stride[a];
    std::memcpy(out + o * elem_bytes, in + r * row_bytes, row_bytes);
    // Odometer over the outer input axes.
    for (int a = rank - 2; a >= 0; --a) {
      if (++index[a] < in_dims[a]) break;
      index[a] = 0;
    }
  }
}

}  // namespace edgeml::reference
