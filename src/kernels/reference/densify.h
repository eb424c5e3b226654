// DENSIFY: expands a sparse tensor in the format's layout (traversal order,
// optional blocking, per-level DENSE or SPARSE_CSR metadata) into a dense
// row-major tensor. The metadata comes from untrusted models, so
// ValidateSparsity checks everything Densify relies on: with it passing,
// every write lands inside the output and every read inside the values.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace edgeml::reference {

// One level of the traversal (the format's DimensionMetadata).
struct DimMetadata {
  bool sparse = false;                 // SPARSE_CSR; otherwise DENSE
  int dense_size = 0;                  // DENSE: size of the level
  std::vector<int> segments, indices;  // SPARSE_CSR: row pointers and coordinates
};

// n original dims plus k block dims: traversal_order has n + k entries (the
// original dims first, in some order, then the block dims n..n+k-1), block_map
// gives the original dim each block dim splits, dim_metadata one entry per
// traversal level.
struct SparsitySpec {
  std::vector<int> traversal_order;
  std::vector<int> block_map;
  std::vector<DimMetadata> dim_metadata;
};

constexpr int kMaxSparseLevels = 16;

namespace densify_detail {

inline std::string Level(int l) { return "dim_metadata[" + std::to_string(l) + "]"; }

// Size of each expanded dim (n blocked original dims, then k block sizes) and
// the block index of each original dim (-1 if unblocked). Assumes the
// traversal order and block map passed ValidateSparsity's first checks.
inline void ExpandedShape(const std::vector<int32_t>& dense_shape, const SparsitySpec& spec,
                          std::vector<int64_t>* expanded, std::vector<int>* block_of_dim) {
  const int n = static_cast<int>(dense_shape.size());
  const int k = static_cast<int>(spec.block_map.size());
  expanded->assign(n + k, 0);
  block_of_dim->assign(n, -1);
  for (int level = 0; level < n + k; ++level) {
    const int d = spec.traversal_order[level];
    if (d >= n) (*expanded)[d] = spec.dim_metadata[level].dense_size;
  }
  for (int i = 0; i < n; ++i) (*expanded)[i] = dense_shape[i];
  for (int j = 0; j < k; ++j) {
    const int d = spec.block_map[j];
    (*block_of_dim)[d] = j;
    if ((*expanded)[n + j] > 0) (*expanded)[d] = dense_shape[d] / (*expanded)[n + j];
  }
}

}  // namespace densify_detail

// Returns "" if `spec` describes a tensor of dense_shape consistently, and sets
// *num_values to the number of values it stores; otherwise an error message.
inline std::string ValidateSparsity(const std::vector<int32_t>& dense_shape,
                                    const SparsitySpec& spec, int64_t* num_values) {
  using densify_detail::Level;
  const int n = static_cast<int>(dense_shape.size());
  const int k = static_cast<int>(spec.block_map.size());
  const int levels = n + k;
  if (n == 0) return "a sparse tensor needs rank >= 1";
  if (levels > kMaxSparseLevels) return "more than 16 sparse levels";
  if (static_cast<int>(spec.traversal_order.size()) != levels) {
    return "traversal_order has " + std::to_string(spec.traversal_order.size()) +
           " entries, expected rank + block dims = " + std::to_string(levels);
  }
  if (static_cast<int>(spec.dim_metadata.size()) != levels) {
    return "dim_metadata has " + std::to_string(spec.dim_metadata.size()) + " entries, expected " +
           std::to_string(levels);
  }
  // Original dims are traversed first, block dims last (the reference
  // converter assumes this layout).
  std::vector<bool> seen(levels, false);
  for (int l = 0; l < levels; ++l) {
    const int d = spec.traversal_order[l];
    const bool ok = l < n ? (d >= 0 && d < n) : (d >= n && d < levels);
    if (!ok || seen[d]) {
      return "traversal_order[" + std::to_string(l) + "] = " + std::to_string(d) +
             " is not a valid permutation entry";
    }
    seen[d] = true;
  }
  for (int j = 0; j < k; ++j) {
    const int d = spec.block_map[j];
    if (d < 0 || d >= n || (j > 0 && d <= spec.block_map[j - 1])) {
      return "block_map[" + std::to_string(j) + "] = " + std::to_string(d) +
             " is out of range or not increasing";
    }
  }
  int64_t dense_count = 1;
  for (int i = 0; i < n; ++i) {
    if (dense_shape[i] < 0) return "negative dense dim";
    dense_count *= dense_shape[i];
    if (dense_count > (int64_t{1} << 40)) return "dense tensor too large";
  }
  // Block dims must be dense levels whose size divides the dim they split.
  for (int l = 0; l < levels; ++l) {
    const int d = spec.traversal_order[l];
    if (d < n) continue;
    const DimMetadata& m = spec.dim_metadata[l];
    const int orig = spec.block_map[d - n];
    if (m.sparse || m.dense_size <= 0)
      return Level(l) + ": a block dim must be DENSE with size > 0";
    if (dense_shape[orig] % m.dense_size != 0) {
      return Level(l) + ": block size " + std::to_string(m.dense_size) + " does not divide dim " +
             std::to_string(orig) + " of size " + std::to_string(dense_shape[orig]);
    }
  }
  std::vector<int64_t> expanded;
  std::vector<int> block_of_dim;
  densify_detail::ExpandedShape(dense_shape, spec, &expanded, &block_of_dim);

  // `positions` counts the nodes of the traversal tree at the current level;
  // it never exceeds the product of the sizes traversed so far.
  int64_t positions = 1;
  for (int l = 0; l < levels; ++l) {
    const DimMetadata& m = spec.dim_metadata[l];
    const int64_t size = expanded[spec.traversal_order[l]];
    if (!m.sparse) {
      if (m.dense_size != size) {
        return Level(l) + ": dense_size " + std::to_string(m.dense_size) + " but the dim is " +
               std::to_string(size);
      }
      positions *= size;
      continue;
    }
    if (static_cast<int64_t>(m.segments.size()) != positions + 1) {
      return Level(l) + ": array_segments has " + std::to_string(m.segments.size()) +
             " entries, expected " + std::to_string(positions + 1);
    }
    if (m.segments[0] != 0) return Level(l) + ": array_segments must start at 0";
    for (int64_t p = 0; p < positions; ++p) {
      if (m.segments[p + 1] < m.segments[p]) return Level(l) + ": array_segments decreases";
      if (m.segments[p + 1] - m.segments[p] > size) {
        return Level(l) + ": a segment holds more entries than the dim size";
      }
    }
    if (static_cast<int64_t>(m.indices.size()) != m.segments[positions]) {
      return Level(l) + ": array_indices has " + std::to_string(m.indices.size()) +
             " entries but array_segments ends at " + std::to_string(m.segments[positions]);
    }
    for (size_t i = 0; i < m.indices.size(); ++i) {
      if (m.indices[i] < 0 || m.indices[i] >= size) {
        return Level(l) + ": array_indices[" + std::to_string(i) +
               "] = " + std::to_string(m.indices[i]) + " is outside [0, " + std::to_string(size) +
               ")";
      }
    }
    positions = static_cast<int64_t>(m.indices.size());
  }
  *num_values = positions;
  return "";
}

namespace densify_detail {

template <typename T>
struct Walker {
  const SparsitySpec& spec;
  const int64_t* coord_scale;  // per expanded dim: dense offset of one step
  const T* values;
  T* out;
  int64_t next_value = 0;

  void Visit(int level, int64_t parent, int64_t offset) {
    if (level == static_cast<int>(spec.traversal_order.size())) {
      out[offset] = values[next_value++];
      return;
    }
    const DimMetadata& m = spec.dim_metadata[level];
    const int64_t scale = coord_scale[spec.traversal_order[level]];
    if (!m.sparse) {
      for (int64_t i = 0; i < m.dense_size; ++i) {
        Visit(level + 1, parent * m.dense_size + i, offset + i * scale);
      }
    } else {
      for (int64_t p = m.segments[parent]; p < m.segments[parent + 1]; ++p) {
        Visit(level + 1, p, offset + m.indices[p] * scale);
      }
    }
  }
};

}  // namespace densify_detail

// Writes the dense tensor (every element; absent ones are zero bits).
// Preconditions: ValidateSparsity(dense_shape, spec, &count) returned "" and
// `values` holds count elements; `out` holds the dense element count.
template <typename T>
void Densify(const std::vector<int32_t>& dense_shape, const SparsitySpec& spec, const T* values,
             T* out) {
  const int n = static_cast<int>(dense_shape.size());
  const int k = static_cast<int>(spec.block_map.size());
  int64_t total = 1;
  int64_t dense_stride[kMaxSparseLevels];
  for (int i = n - 1; i >= 0; --i) {
    dense_stride[i] = total;
    total *= dense_shape[i];
  }
  if (total > 0) std::memset(static_cast<void*>(out), 0, static_cast<size_t>(total) * sizeof(T));
  std::vector<int64_t> expanded;
  std::vector<int> block_of_dim;
  densify_detail::ExpandedShape(dense_shape, spec, &expanded, &block_of_dim);
  // A step along blocked dim i moves block_size rows of dim i; a step inside
  // block j moves one row of the dim it splits.
  int64_t coord_scale[kMaxSparseLevels];
  for (int i = 0; i < n; ++i) {
    coord_scale[i] = dense_stride[i] * (block_of_dim[i] >= 0 ? expanded[n + block_of_dim[i]] : 1);
  }
  for (int j = 0; j < k; ++j) coord_scale[n + j] = dense_stride[spec.block_map[j]];
  densify_detail::Walker<T> w{spec, coord_scale, values, out};
  w.Visit(0, 0, 0);
}

}  // namespace edgeml::reference
