// Post-training magnitude pruning, written in the format's sparse encoding.
//
// For FULLY_CONNECTED and CONV_2D weights (constant float32, last dimension a
// multiple of the block), blocks of 1 x `block` consecutive weights along the
// input (last) dimension are ranked by their L1 norm and the smallest
// `sparsity` fraction of each tensor is set to zero. The pruned tensor is
// stored with SparsityParameters (outer dims DENSE, the last dim SPARSE_CSR
// over blocks, the block itself DENSE) and expanded by a DENSIFY op, as the
// converter writes sparse models; LiteRT and edgeml expand it once at load /
// prepare, and edgeml's sparse kernels then skip the zero blocks.
#pragma once

#include <cstdint>
#include <string>

#include "edgeml/status.h"
#include "tflite_generated.h"

namespace edgeml::optimize {

struct PruneOptions {
  double sparsity = 0.5;        // fraction of blocks set to zero, in [0, 1)
  int block = 1;                // 1, 4 or 16 weights along the input dimension
  int64_t min_elements = 1024;  // smaller weight tensors are left dense
};

Status ParseBlock(const std::string& s, int* block);  // "1x4" -> 4

struct PruneSummary {
  int tensors_pruned = 0;
  int64_t weights = 0;  // weights in pruned tensors
  int64_t zeros = 0;    // of which now zero
};

Status PruneModel(tfl::ModelT* model, const PruneOptions& options, PruneSummary* summary);

}  // namespace edgeml::optimize
