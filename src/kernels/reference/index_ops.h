// Index-moving kernels: ops whose output element is an input element picked
// by per-axis coordinate maps (TILE, BROADCAST_TO, MIRROR_PAD, REVERSE_V2),
// plus ARG_MIN, CUMSUM, GATHER_ND, SCATTER_ND, SPLIT_V, ONE_HOT, TOPK_V2 and
// SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND. Type-agnostic kernels move elements of
// a fixed byte size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace edgeml::reference {

// out[o_0..o_{r-1}] = in[sum_d maps[d][o_d]], where maps[d] holds, for each
// output coordinate along axis d, the input offset contribution (input
// coordinate x input stride). maps[d].size() is the output extent of axis d.
// Works for rank 0 (one element). Elements are `Size` bytes.
template <size_t Size>
void CopyByAxisMaps(const std::vector<std::vector<int64_t>>& maps, const void* input, void* output,
                    int64_t* index) {
  const int rank = static_cast<int>(maps.size());
  const char* in = static_cast<const char*>(input);
  char* out = static_cast<char*>(output);
  for (int d = 0; d < rank; ++d) {
    if (maps[d].empty()) return;  // empty output
    index[d] = 0;
  }
  if (rank == 0) {
    std::memcpy(out, in, Size);
    return;
  }
  const std::vector<int64_t>& inner = maps[rank - 1];
  const int64_t inner_count = static_cast<int64_t>(inner.size());
  while (true) {
    int64_t base = 0;
    for (int d = 0; d < rank - 1; ++d) base += maps[d][index[d]];
    for (int64_t k = 0; k < inner_count; ++k) {
      std::memcpy(out, in + (base + inner[k]) * static_cast<int64_t>(Size), Size);
      out += Size;
    }
    int d = rank - 2;
    for (; d >= 0; --d) {
      if (++index[d] < static_cast<int64_t>(maps[d].size())) break;
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

// a + b, wrapping on integer overflow instead of undefined behaviour
// (crafted inputs can overflow CUMSUM and SCATTER_ND sums).
template <typename T>
T WrapAdd(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

// Index of the first minimum along the middle axis of [outer, axis, inner]
// (strict comparison, so ties keep the earliest, as in LiteRT).
template <typename T, typename Index>
void ArgMin(int64_t outer, int64_t axis_size, int64_t inner, const T* in, Index* out) {
  for (int64_t o = 0; o < outer; ++o) {
    const T* base = in + o * axis_size * inner;
    for (int64_t k = 0; k < inner; ++k) {
      T best = base[k];
      int64_t best_index = 0;
      for (int64_t a = 1; a < axis_size; ++a) {
        const T v = base[a * inner + k];
        if (v < best) {
          best = v;
          best_index = a;
        }
      }
      out[o * inner + k] = static_cast<Index>(best_index);
    }
  }
}

// Running sum along the middle axis of [outer, axis, inner], accumulated in T
// in walk order. `exclusive` writes the sum before adding the element;
// `reverse` walks from the end of the axis.
template <typename T>
void CumSum(int64_t outer, int64_t axis_size, int64_t inner, bool exclusive, bool reverse,
            const T* in, T* out) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < inner; ++k) {
      const int64_t start = o * axis_size * inner + k;
      T acc = T(0);
      for (int64_t step = 0; step < axis_size; ++step) {
        const int64_t a = reverse ? axis_size - 1 - step : step;
        const int64_t at = start + a * inner;
        if (exclusive) {
          out[at] = acc;
          acc = WrapAdd(acc, in[at]);
        } else {
          acc = WrapAdd(acc, in[at]);
          out[at] = acc;
        }
      }
    }
  }
}

// GATHER_ND: for each of `count` index tuples of length `nd`, copies the
// slice of `slice_bytes` bytes at offset sum_j idx[j] * strides[j] (in
// elements of `elem_bytes`). Returns the position of the first index outside
// [0, dims[j]) without writing past it, or -1 when all are valid.
template <typename Index>
int64_t GatherNd(const Index* indices, int64_t count, int nd, const int32_t* dims,
                 const int64_t* strides, const void* params, size_t elem_bytes, size_t slice_bytes,
                 void* output) {
  const char* src = static_cast<const char*>(params);
  char* dst = static_cast<char*>(output);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int j = 0; j < nd; ++j) {
      const int64_t v = static_cast<int64_t>(indices[i * nd + j]);
      if (v < 0 || v >= dims[j]) return i * nd + j;
      offset += v * strides[j];
    }
    if (slice_bytes > 0) {
      std::memcpy(dst, src + offset * static_cast<int64_t>(elem_bytes), slice_bytes);
    }
    dst += slice_bytes;
  }
  return -1;
}

// Element strides of a row-major tensor; the maps below use them.
inline std::vector<int64_t> RowMajorStrides(const std::vector<int32_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
}

// TILE and BROADCAST_TO: output coordinate o reads input coordinate
// o mod in_dim (in_dim 1 broadcasts). `in_dims` and `out_dims` (rank >= the
// input's) are aligned at the right; missing leading input axes have extent 1.
inline std::vector<std::vector<int64_t>> TileMaps(const std::vector<int32_t>& in_dims,
                                                  const std::vector<int32_t>& out_dims) {
  const size_t lead = out_dims.size() - in_dims.size();
  std::vector<int32_t> padded(lead, 1);
  padded.insert(padded.end(), in_dims.begin(), in_dims.end());
  const std::vector<int64_t> strides = RowMajorStrides(padded);
  std::vector<std::vector<int64_t>> maps(out_dims.size());
  for (size_t d = 0; d < out_dims.size(); ++d) {
    maps[d].resize(static_cast<size_t>(out_dims[d]));
    for (int32_t o = 0; o < out_dims[d]; ++o) maps[d][o] = (o % padded[d]) * strides[d];
  }
  return maps;
}

// MIRROR_PAD: before/after per axis, REFLECT (edge not repeated) or
// SYMMETRIC (edge repeated). The caller guarantees before, after <= dim - 1
// for REFLECT and <= dim for SYMMETRIC.
inline std::vector<std::vector<int64_t>> MirrorPadMaps(const std::vector<int32_t>& dims,
                                                       const std::vector<int64_t>& before,
                                                       const std::vector<int64_t>& after,
                                                       bool symmetric) {
  const std::vector<int64_t> strides = RowMajorStrides(dims);
  std::vector<std::vector<int64_t>> maps(dims.size());
  const int64_t shift = symmetric ? 1 : 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    const int64_t n = dims[d];
    const int64_t extent = before[d] + n + after[d];
    maps[d].resize(static_cast<size_t>(extent));
    for (int64_t o = 0; o < extent; ++o) {
      int64_t i = o - before[d];
      if (i < 0) i = -i - shift;
      if (i >= n) i = 2 * n - 2 + shift - i;
      maps[d][o] = i * strides[d];
    }
  }
  return maps;
}

// REVERSE_V2: flipped axes read coordinate dim - 1 - o.
inline std::vector<std::vector<int64_t>> ReverseMaps(const std::vector<int32_t>& dims,
                                                     const std::vector<bool>& flip) {
  const std::vector<int64_t> strides = RowMajorStrides(dims);
  std::vector<std::vector<int64_t>> maps(dims.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    maps[d].resize(static_cast<size_t>(dims[d]));
    for (int32_t o = 0; o < dims[d]; ++o) {
      maps[d][o] = (flip[d] ? dims[d] - 1 - o : o) * strides[d];
    }
  }
  return maps;
}

// SPLIT_V: copies consecutive pieces of the middle axis of
// [outer, axis, inner] into outputs[i] (sizes[i] along the axis each).
inline void SplitAxis(int64_t outer, int64_t axis_size, int64_t inner, size_t elem_bytes,
                      const void* input, const std::vector<int64_t>& sizes, void* const* outputs) {
  const char* in = static_cast<const char*>(input);
  const int64_t row = axis_size * inner * static_cast<int64_t>(elem_bytes);
  int64_t begin = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const int64_t chunk = sizes[i] * inner * static_cast<int64_t>(elem_bytes);
    char* out = static_cast<char*>(outputs[i]);
    for (int64_t o = 0; o < outer && chunk > 0; ++o) {
      std::memcpy(out + o * chunk, in + o * row + begin, static_cast<size_t>(chunk));
    }
    begin += chunk;
  }
}

// ONE_HOT: output [outer, depth, inner] where indices are [outer, inner];
// out = on where indices == position along depth, else off (indices outside
// [0, depth) give all off).
template <typename T, typename Index>
void OneHot(int64_t outer, int64_t depth, int64_t inner, const Index* indices, T on, T off,
            T* out) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t d = 0; d < depth; ++d) {
      for (int64_t k = 0; k < inner; ++k) {
        *out++ = static_cast<int64_t>(indices[o * inner + k]) == d ? on : off;
      }
    }
  }
}

// SCATTER_ND: zeroes `output` (`output_count` elements), then adds each of
// `count` slices of `slice` elements of `updates` at the offset its index
// tuple names, in order (duplicates accumulate). Returns the position of the
// first index outside [0, dims[j]) (output then incomplete), or -1.
template <typename T, typename Index>
int64_t ScatterNd(const Index* indices, int64_t count, int nd, const int32_t* dims,
                  const int64_t* strides, const T* updates, int64_t slice, int64_t output_count,
                  T* output) {
  for (int64_t i = 0; i < output_count; ++i) output[i] = T(0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (int j = 0; j < nd; ++j) {
      const int64_t v = static_cast<int64_t>(indices[i * nd + j]);
      if (v < 0 || v >= dims[j]) return i * nd + j;
      offset += v * strides[j];
    }
    for (int64_t k = 0; k < slice; ++k) {
      output[offset + k] = WrapAdd(output[offset + k], updates[i * slice + k]);
    }
  }
  return -1;
}

// TOPK_V2 over the last axis of [rows, n]: the k largest values of each row
// in descending order; equal values keep their input order (lower index
// first), as in LiteRT. `order` is workspace of n entries.
template <typename T>
void TopK(int64_t rows, int32_t n, int32_t k, const T* input, T* values, int32_t* indices,
          int32_t* order) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* row = input + r * n;
    for (int32_t i = 0; i < n; ++i) order[i] = i;
    // Insertion-style selection keeps ties stable without allocation.
    for (int32_t i = 0; i < k; ++i) {
      int32_t best = i;
      for (int32_t j = i + 1; j < n; ++j) {
        const T a = row[order[j]], b = row[order[best]];
        if (a > b || (a == b && order[j] < order[best])) best = j;
      }
      const int32_t chosen = order[best];
      for (int32_t j = best; j > i; --j) order[j] = order[j - 1];
      order[i] = chosen;
      values[r * k + i] = row[chosen];
      indices[r * k + i] = chosen;
    }
  }
}

// SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND over [batch, spatial..., depth]
// (depth = product of the trailing dims, copied as one chunk of `chunk`
// bytes). `block` and the leading pads/crops have one entry per spatial dim.
struct SpaceBatchGeometry {
  std::vector<int64_t> in_spatial, out_spatial, block, before;
  int64_t in_batch = 0, out_batch = 0;
  size_t chunk = 0;  // bytes per spatial position
};

// out[b'][o...] = in[b' mod in_batch][o*block + s - pad] with s the
// row-major block offset b' / in_batch; the padding is filled with
// `pad_byte` (0, or the zero point of a 1-byte quantized type).
inline void SpaceToBatch(const SpaceBatchGeometry& g, const void* input, void* output,
                         uint8_t pad_byte = 0) {
  const char* in = static_cast<const char*>(input);
  char* out = static_cast<char*>(output);
  const size_t m = g.block.size();
  int64_t out_positions = 1, in_positions = 1;
  for (size_t i = 0; i < m; ++i) {
    out_positions *= g.out_spatial[i];
    in_positions *= g.in_spatial[i];
  }
  for (int64_t ob = 0; ob < g.out_batch; ++ob) {
    const int64_t b = ob % g.in_batch;
    const int64_t shift = ob / g.in_batch;
    for (int64_t p = 0; p < out_positions; ++p) {
      int64_t rest = p, s = shift, in_offset = 0, in_scale = 1;
      bool inside = true;
      for (size_t i = m; i-- > 0;) {
        const int64_t o = rest % g.out_spatial[i];
        rest /= g.out_spatial[i];
        const int64_t si = s % g.block[i];
        s /= g.block[i];
        const int64_t x = o * g.block[i] + si - g.before[i];
        if (x < 0 || x >= g.in_spatial[i]) inside = false;
        in_offset += x * in_scale;
        in_scale *= g.in_spatial[i];
      }
      if (inside) {
        std::memcpy(out, in + (b * in_positions + in_offset) * static_cast<int64_t>(g.chunk),
                    g.chunk);
      } else {
        std::memset(out, pad_byte, g.chunk);
      }
      out += g.chunk;
    }
  }
}

// out[b][o...] = in[s * out_batch + b][(o + crop) / block] with
// s the row-major offset of ((o + crop) mod block).
inline void BatchToSpace(const SpaceBatchGeometry& g, const void* input, void* output) {
  const char* in = static_cast<const char*>(input);
  char* out = static_cast<char*>(output);
  const size_t m = g.block.size();
  int64_t out_positions = 1, in_positions = 1;
  for (size_t i = 0; i < m; ++i) {
    out_positions *= g.out_spatial[i];
    in_positions *= g.in_spatial[i];
  }
  for (int64_t b = 0; b < g.out_batch; ++b) {
    for (int64_t p = 0; p < out_positions; ++p) {
      int64_t rest = p, in_offset = 0, in_scale = 1, shift = 0, shift_scale = 1;
      for (size_t i = m; i-- > 0;) {
        const int64_t t = rest % g.out_spatial[i] + g.before[i];
        rest /= g.out_spatial[i];
        in_offset += (t / g.block[i]) * in_scale;
        in_scale *= g.in_spatial[i];
        shift += (t % g.block[i]) * shift_scale;
        shift_scale *= g.block[i];
      }
      const int64_t ib = shift * g.out_batch + b;
      std::memcpy(out, in + (ib * in_positions + in_offset) * static_cast<int64_t>(g.chunk),
                  g.chunk);
      out += g.chunk;
    }
  }
}

}  // namespace edgeml::reference
