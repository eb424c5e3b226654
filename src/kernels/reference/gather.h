// GATHER along one axis with optional leading batch dims. The input is seen as
// [batch, outer, axis_size, inner] and the indices as [batch, coords]; the
// output is [batch, outer, coords, inner]. Rows of `row_bytes` bytes (inner
// elements) are copied whole, so any fixed-size element type works.
#pragma once

#include <cstdint>
#include <cstring>

namespace edgeml::reference {

struct GatherGeometry {
  int64_t batch = 1;      // product of the first batch_dims input dims
  int64_t outer = 1;      // product of input dims batch_dims..axis-1
  int64_t axis_size = 0;  // input dim at axis
  int64_t row_bytes = 0;  // product of input dims after axis, times element size
  int64_t coords = 1;     // product of index dims after batch_dims
};

// Position of the first index outside [0, axis_size), or -1 if all are valid.
template <typename IndexT>
int64_t FindBadGatherIndex(const IndexT* indices, int64_t count, int64_t axis_size) {
  for (int64_t i = 0; i < count; ++i) {
    const int64_t v = static_cast<int64_t>(indices[i]);
    if (v < 0 || v >= axis_size) return i;
  }
  return -1;
}

// Precondition: FindBadGatherIndex(indices, g.batch * g.coords, g.axis_size) < 0.
template <typename IndexT>
void Gather(const GatherGeometry& g, const void* input, const IndexT* indices, void* output) {
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const size_t row = static_cast<size_t>(g.row_bytes);
  if (row == 0) return;
  for (int64_t b = 0; b < g.batch; ++b) {
    const IndexT* idx = indices + b * g.coords;
    for (int64_t o = 0; o < g.outer; ++o) {
      const uint8_t* base = in + ((b * g.outer + o) * g.axis_size) * g.row_bytes;
      for (int64_t c = 0; c < g.coords; ++c) {
        std::memcpy(out, base + static_cast<int64_t>(idx[c]) * g.row_bytes, row);
        out += row;
      }
    }
  }
}

}  // namespace edgeml::reference
