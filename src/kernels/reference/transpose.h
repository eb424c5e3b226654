// Axis permutation of a row-major tensor (TRANSPOSE). Output dim d is input
// dim perm[d]. Elements are moved as T; callers pick T by element size.
#pragma once

#include <cstdint>
#include <vector>

namespace edgeml::reference {

// LiteRT's TRANSPOSE handles up to 6 dimensions; so do we.
constexpr int kMaxTransposeRank = 6;

// Preconditions (checked by the op at prepare): in_dims.size() ==
// perm.size() <= kMaxTransposeRank, perm is a permutation of [0, rank).
template <typename T>
void Transpose(const std::vector<int32_t>& in_dims, const std::vector<int>& perm, const T* in,
               T* out) {
  const int rank = static_cast<int>(in_dims.size());
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  int64_t in_stride[kMaxTransposeRank];
  int64_t total = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_stride[d] = total;
    total *= in_dims[d];
  }
  if (total == 0) return;
  // Walk the output in order; step[d] is how far the input moves when output
  // index d advances by one.
  int64_t size[kMaxTransposeRank], step[kMaxTransposeRank], idx[kMaxTransposeRank] = {};
  for (int d = 0; d < rank; ++d) {
    size[d] = in_dims[perm[d]];
    step[d] = in_stride[perm[d]];
  }
  const int64_t inner = size[rank - 1];
  const int64_t inner_step = step[rank - 1];
  int64_t src = 0;
  while (true) {
    const T* row = in + src;
    for (int64_t i = 0; i < inner; ++i) out[i] = row[i * inner_step];
    out += inner;
    int d = rank - 2;
    for (; d >= 0; --d) {
      src += step[d];
      if (++idx[d] < size[d]) break;
      src -= step[d] * size[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace edgeml::reference
