// Float FULLY_CONNECTED over weights with zero blocks (e.g. after
// `edgeml prune`): the weights are packed once, at prepare, into rows of
// non-zero 1 x `block` blocks along the input dimension, and the kernel skips
// the rest. Each output is summed in the reference kernel's order over the
// non-zero terms, so results equal the dense reference bit for bit when the
// inputs are finite (a skipped 0 x inf would have been NaN).
#pragma once

#include <cstdint>
#include <vector>

namespace edgeml::fast {

struct SparseBlockWeights {
  int32_t units = 0;
  int32_t depth = 0;
  int32_t block = 0;
  std::vector<int32_t> row_start;  // units + 1 offsets into block_col
  std::vector<int32_t> block_col;  // block index along depth
  std::vector<float> values;       // block_col.size() * block values
};

// Packs [units, depth] weights when at least `min_zero_fraction` of their
// 1x16 (or else 1x4) blocks are all zero; returns false (leaving `out`
// empty) when neither block size is sparse enough to pay off.
bool PackSparseBlocks(const float* weights, int32_t units, int32_t depth, double min_zero_fraction,
                      SparseBlockWeights* out);

void SparseFullyConnectedF32(int64_t batch, const SparseBlockWeights& w, const float* input,
                             const float* bias, float act_min, float act_max, float* output);

}  // namespace edgeml::fast
