// `edgeml prune` (src/optimize/prune): block magnitude pruning written with
// SparsityParameters behind DENSIFY. The sparse encoding decodes to the
// pruned dense weights, the file shrinks, and edgeml computes the same
// outputs from it as from the same weights stored dense.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "format/writer.h"
#include "optimize/model_edit.h"
#include "optimize/prune.h"
#include "optimize/runner.h"

namespace edgeml::optimize {
namespace {

using tfl::BuiltinOperator;

const std::string kModel = std::string(EDGEML_TESTDATA_DIR) + "/networks/resnet_small_float.tflite";

std::vector<int32_t> Indices(const tfl::SparseIndexVectorUnion& u) {
  if (auto* v = u.AsInt32Vector()) return v->values;
  if (auto* v = u.AsUint16Vector()) return std::vector<int32_t>(v->values.begin(), v->values.end());
  if (auto* v = u.AsUint8Vector()) return std::vector<int32_t>(v->values.begin(), v->values.end());
  return {};
}

// Decodes the encoding PruneModel writes (outer dims DENSE, last dim
// SPARSE_CSR over blocks, optional DENSE block dim).
std::vector<float> Decode(const tfl::ModelT& m, const tfl::TensorT& t) {
  const auto& sp = *t.sparsity;
  const int dims = static_cast<int>(t.shape.size());
  const int block = sp.block_map.empty() ? 1 : sp.dim_metadata.back()->dense_size;
  const auto& csr = *sp.dim_metadata[dims - 1];
  EXPECT_EQ(csr.format, tfl::DimensionType::SPARSE_CSR);
  const std::vector<int32_t> seg = Indices(csr.array_segments), idx = Indices(csr.array_indices);
  const int64_t n = NumElements(t.shape), last = t.shape.back(), rows = n / last;
  EXPECT_EQ(static_cast<int64_t>(seg.size()), rows + 1);
  std::vector<float> dense(static_cast<size_t>(n), 0.f);
  const auto* data = ConstantData(m, t);
  EXPECT_EQ(data->size(), idx.size() * block * 4);
  const float* v = reinterpret_cast<const float*>(data->data());
  for (int64_t r = 0; r < rows; ++r) {
    for (int32_t k = seg[r]; k < seg[r + 1]; ++k) {
      for (int j = 0; j < block; ++j) dense[r * last + idx[k] * block + j] = v[k * block + j];
    }
  }
  return dense;
}

void CheckBlock(int block) {
  SCOPED_TRACE("block " + std::to_string(block));
  std::unique_ptr<tfl::ModelT> original, pruned;
  ASSERT_TRUE(format::ReadModelTFromFile(kModel, &original).ok());
  ASSERT_TRUE(format::ReadModelTFromFile(kModel, &pruned).ok());
  PruneOptions o;
  o.block = block;
  o.sparsity = 0.5;
  PruneSummary summary;
  ASSERT_TRUE(PruneModel(pruned.get(), o, &summary).ok());
  EXPECT_GT(summary.tensors_pruned, 5);
  EXPECT_NEAR(static_cast<double>(summary.zeros) / summary.weights, 0.5, 0.01);

  // Every DENSIFY expands a sparse tensor to exactly the pruned weights:
  // kept blocks unchanged, the others zero, and no kept block smaller than
  // a dropped one.
  tfl::ModelT dense_copy(*pruned);
  tfl::SubGraphT& g = *pruned->subgraphs[0];
  const tfl::SubGraphT& og = *original->subgraphs[0];
  int densify = 0;
  for (const auto& op : g.operators) {
    if (OpCode(*pruned, *op) != BuiltinOperator::DENSIFY) continue;
    ++densify;
    const tfl::TensorT& sparse = *g.tensors[op->inputs[0]];
    const tfl::TensorT& out = *g.tensors[op->outputs[0]];
    ASSERT_TRUE(sparse.sparsity);
    const std::vector<float> got = Decode(*pruned, sparse);
    const tfl::TensorT* orig = nullptr;
    for (const auto& t : og.tensors) {
      if (t->name == out.name) orig = t.get();
    }
    ASSERT_NE(orig, nullptr) << out.name;
    std::vector<float> want;
    ASSERT_TRUE(ConstantAsFloat(*original, *orig, &want).ok());
    ASSERT_EQ(got.size(), want.size());
    float max_dropped = 0, min_kept = INFINITY;
    for (size_t b = 0; b < got.size() / block; ++b) {
      bool kept = false;
      float l1 = 0;
      for (int j = 0; j < block; ++j) {
        l1 += std::fabs(want[b * block + j]);
        kept |= got[b * block + j] != 0.f;
      }
      for (int j = 0; j < block; ++j) {
        ASSERT_EQ(got[b * block + j], kept ? want[b * block + j] : 0.f);
      }
      if (kept)
        min_kept = std::min(min_kept, l1);
      else
        max_dropped = std::max(max_dropped, l1);
    }
    EXPECT_LE(max_dropped, min_kept);
    // The same weights stored dense, for the comparison below.
    tfl::TensorT& d = *dense_copy.subgraphs[0]->tensors[op->outputs[0]];
    d.buffer = AddBuffer(&dense_copy, got.data(), got.size() * 4);
  }
  EXPECT_EQ(densify, summary.tensors_pruned);
  auto& dops = dense_copy.subgraphs[0]->operators;
  dops.erase(std::remove_if(dops.begin(), dops.end(),
                            [&](const auto& op) {
                              return OpCode(dense_copy, *op) == BuiltinOperator::DENSIFY;
                            }),
             dops.end());
  Compact(&dense_copy);

  std::vector<uint8_t> orig_bytes, pruned_bytes, dense_bytes;
  ASSERT_TRUE(format::WriteModel(*original, &orig_bytes).ok());
  ASSERT_TRUE(format::WriteModel(*pruned, &pruned_bytes).ok());
  ASSERT_TRUE(format::WriteModel(dense_copy, &dense_bytes).ok());
  EXPECT_LT(pruned_bytes.size(), orig_bytes.size() * 70 / 100);

  // edgeml reads the sparse file: same outputs as the dense-stored weights.
  std::unique_ptr<Runner> a, b;
  Status s = Runner::FromBytes(pruned_bytes, 1, &a);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(Runner::FromBytes(dense_bytes, 1, &b).ok());
  for (const Sample& sample : RandomSamples(a->input_specs(), 2, 4)) {
    ASSERT_TRUE(a->Run(sample).ok());
    ASSERT_TRUE(b->Run(sample).ok());
    std::vector<float> ya, yb;
    ASSERT_TRUE(a->Output(0, &ya).ok());
    ASSERT_TRUE(b->Output(0, &yb).ok());
    ASSERT_EQ(ya.size(), yb.size());
    EXPECT_EQ(0, std::memcmp(ya.data(), yb.data(), ya.size() * 4));
  }
}

TEST(OptimizePruneTest, Block1x1) { CheckBlock(1); }
TEST(OptimizePruneTest, Block1x4) { CheckBlock(4); }
TEST(OptimizePruneTest, Block1x16) { CheckBlock(16); }

TEST(OptimizePruneTest, BadOptionsGiveAStatus) {
  int block;
  EXPECT_FALSE(ParseBlock("2x2", &block).ok());
  std::unique_ptr<tfl::ModelT> m;
  ASSERT_TRUE(format::ReadModelTFromFile(kModel, &m).ok());
  PruneOptions o;
  o.sparsity = 1.0;
  PruneSummary s;
  EXPECT_FALSE(PruneModel(m.get(), o, &s).ok());
  o.sparsity = 0.5;
  o.block = 3;
  EXPECT_FALSE(PruneModel(m.get(), o, &s).ok());
}

}  // namespace
}  // namespace edgeml::optimize
