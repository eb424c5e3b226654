// The sparse FULLY_CONNECTED kernel against the dense reference: identical
// outputs (finite inputs) for 1x4 and 1x16 zero blocks, remainders in units
// and batch, bias or none, fused activation ranges; dense weights are not
// packed.
#include "kernels/sparse_fully_connected.h"

#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/reference/fully_connected.h"

namespace edgeml::fast {
namespace {

// Weights with `zero_fraction` of their 1 x block blocks zero.
std::vector<float> PrunedWeights(int units, int depth, int block, double zero_fraction,
                                 std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  std::bernoulli_distribution zero(zero_fraction);
  std::vector<float> w(static_cast<size_t>(units) * depth);
  for (auto& v : w) v = d(rng);
  for (int o = 0; o < units; ++o) {
    for (int c = 0; c < depth / block; ++c) {
      if (!zero(rng)) continue;
      std::fill_n(w.begin() + static_cast<size_t>(o) * depth + static_cast<size_t>(c) * block,
                  block, 0.f);
    }
  }
  return w;
}

TEST(SparseFullyConnectedTest, MatchesTheDenseReferenceBitForBit) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-2.f, 2.f);
  const float inf = std::numeric_limits<float>::infinity();
  int packed = 0;
  for (int block : {4, 16}) {
    for (int units : {1, 3, 17, 64}) {
      for (int depth : {16, 48, 160}) {
        for (int batch : {1, 2, 5}) {
          for (double zf : {0.5, 0.9, 1.0}) {
            SCOPED_TRACE(testing::Message() << "block " << block << " units " << units << " depth "
                                            << depth << " batch " << batch << " zeros " << zf);
            const std::vector<float> w = PrunedWeights(units, depth, block, zf, rng);
            std::vector<float> x(static_cast<size_t>(batch) * depth), bias(units);
            for (auto& v : x) v = d(rng);
            for (auto& v : bias) v = d(rng);
            SparseBlockWeights sw;
            if (!PackSparseBlocks(w.data(), units, depth, 0.3, &sw)) continue;
            ++packed;
            for (bool with_bias : {false, true}) {
              for (float hi : {inf, 6.f}) {
                const float lo = hi == inf ? -inf : 0.f;
                std::vector<float> want(static_cast<size_t>(batch) * units), got(want.size());
                const float* b = with_bias ? bias.data() : nullptr;
                reference::FullyConnectedF32(batch, depth, units, x.data(), w.data(), b, lo, hi,
                                             want.data());
                SparseFullyConnectedF32(batch, sw, x.data(), b, lo, hi, got.data());
                ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * 4));
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(packed, 50);
}

TEST(SparseFullyConnectedTest, PacksOnlyNonZeroBlocks) {
  std::mt19937 rng(9);
  const std::vector<float> w = PrunedWeights(8, 64, 16, 0.75, rng);
  SparseBlockWeights sw;
  ASSERT_TRUE(PackSparseBlocks(w.data(), 8, 64, 0.3, &sw));
  EXPECT_EQ(sw.block, 16);
  ASSERT_EQ(sw.row_start.size(), 9u);
  EXPECT_EQ(sw.values.size(), sw.block_col.size() * 16);
  size_t nonzero_blocks = 0;
  for (int b = 0; b < 8 * 4; ++b) {
    bool any = false;
    for (int j = 0; j < 16; ++j) any |= w[b * 16 + j] != 0.f;
    nonzero_blocks += any;
  }
  EXPECT_EQ(sw.block_col.size(), nonzero_blocks);
}

TEST(SparseFullyConnectedTest, DenseWeightsAreNotPacked) {
  std::mt19937 rng(3);
  const std::vector<float> w = PrunedWeights(16, 64, 4, 0.0, rng);
  SparseBlockWeights sw;
  EXPECT_FALSE(PackSparseBlocks(w.data(), 16, 64, 0.3, &sw));
  EXPECT_TRUE(sw.values.empty());
  // Depth not a multiple of 4: never packed.
  std::vector<float> odd(5 * 7, 0.f);
  EXPECT_FALSE(PackSparseBlocks(odd.data(), 5, 7, 0.3, &sw));
}

}  // namespace
}  // namespace edgeml::fast
