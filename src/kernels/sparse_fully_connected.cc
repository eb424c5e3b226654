#include "kernels/sparse_fully_connected.h"

#include <algorithm>

namespace edgeml::fast {
namespace {

double ZeroBlockFraction(const float* w, int32_t units, int32_t depth, int32_t block) {
  const int32_t cols = depth / block;
  int64_t zero = 0;
  for (int32_t o = 0; o < units; ++o) {
    for (int32_t c = 0; c < cols; ++c) {
      const float* p = w + int64_t{o} * depth + int64_t{c} * block;
      zero += std::all_of(p, p + block, [](float v) { return v == 0.0f; });
    }
  }
  return static_cast<double>(zero) / (static_cast<double>(units) * cols);
}

template <int kBlock>
void Run(int64_t batch, const SparseBlockWeights& w, const float* input, const float* bias,
         float act_min, float act_max, float* output) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* x = input + b * w.depth;
    float* y = output + b * w.units;
    for (int32_t o = 0; o < w.units; ++o) {
      float total = 0.f;
      const float* v = w.values.data() + int64_t{w.row_start[o]} * kBlock;
      for (int32_t k = w.row_start[o]; k < w.row_start[o + 1]; ++k) {
        const float* xs = x + int64_t{w.block_col[k]} * kBlock;
        for (int j = 0; j < kBlock; ++j) total += xs[j] * v[j];
        v += kBlock;
      }
      const float r = total + (bias != nullptr ? bias[o] : 0.f);
      y[o] = std::min(std::max(r, act_min), act_max);
    }
  }
}

}  // namespace

bool PackSparseBlocks(const float* weights, int32_t units, int32_t depth, double min_zero_fraction,
                      SparseBlockWeights* out) {
  *out = SparseBlockWeights();
  if (units <= 0 || depth <= 0) return false;
  int32_t block = 0;
  for (int32_t b : {16, 4}) {
    if (depth % b == 0 && ZeroBlockFraction(weights, units, depth, b) >= min_zero_fraction) {
      block = b;
      break;
    }
  }
  if (block == 0) return false;
  out->units = units;
  out->depth = depth;
  out->block = block;
  out->row_start.push_back(0);
  for (int32_t o = 0; o < units; ++o) {
    for (int32_t c = 0; c < depth / block; ++c) {
      const float* p = weights + int64_t{o} * depth + int64_t{c} * block;
      if (std::all_of(p, p + block, [](float v) { return v == 0.0f; })) continue;
      out->block_col.push_back(c);
      out->values.insert(out->values.end(), p, p + block);
    }
    out->row_start.push_back(static_cast<int32_t>(out->block_col.size()));
  }
  return true;
}

void SparseFullyConnectedF32(int64_t batch, const SparseBlockWeights& w, const float* input,
                             const float* bias, float act_min, float act_max, float* output) {
  if (w.block == 16) {
    Run<16>(batch, w, input, bias, act_min, act_max, output);
  } else {
    Run<4>(batch, w, input, bias, act_min, act_max, output);
  }
}

}  // namespace edgeml::fast
