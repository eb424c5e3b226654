// EMBEDDING_LOOKUP: rows by index (float32 and the hybrid int8/uint8 form),
// and run-time indices outside the table, which must give an error.
// LiteRT goldens: testdata/zoo/embedding_lookup_builtin*.
#include <gtest/gtest.h>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

TEST(EmbeddingLookup, CopiesRowsAndRejectsIndicesOutsideTheTable) {
  ModelBuilder b;
  int ids = b.AddTensor(DataType::kInt32, {3}, "ids");
  int table = b.AddConstant<float>(DataType::kFloat32, {4, 2}, {0, 1, 10, 11, 20, 21, 30, 31});
  int out = b.AddTensor(DataType::kFloat32, {3, 2});
  b.AddOperator(tfl::BuiltinOperator::EMBEDDING_LOOKUP, {ids, table}, {out});
  b.SetInputs({ids});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int32_t>(0, {3, 0, 3});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{30, 31, 0, 1, 30, 31}));
  for (int bad : {4, -1}) {
    m.SetInput<int32_t>(0, {0, bad, 1});
    Status s = m.interp->Invoke();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("EMBEDDING_LOOKUP (node 0)"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(std::to_string(bad)), std::string::npos) << s.message();
  }
}

TEST(EmbeddingLookup, HybridScalesInt8RowsPerTensorOrPerRow) {
  for (bool per_row : {false, true}) {
    ModelBuilder b;
    int ids = b.AddTensor(DataType::kInt32, {2}, "ids");
    QuantizationParams q;
    q.scale = per_row ? std::vector<float>{0.5f, 0.25f, 2.f} : std::vector<float>{0.5f};
    q.zero_point.assign(q.scale.size(), 0);
    int table = b.AddConstant<int8_t>(DataType::kInt8, {3, 2}, {1, -2, 3, -4, 5, -6}, "t", q);
    int out = b.AddTensor(DataType::kFloat32, {2, 2});
    b.AddOperator(tfl::BuiltinOperator::EMBEDDING_LOOKUP, {ids, table}, {out});
    b.SetInputs({ids});
    b.SetOutputs({out});
    TestModel m;
    ASSERT_TRUE(m.Build(b).ok());
    m.SetInput<int32_t>(0, {2, 1});
    ASSERT_TRUE(m.interp->Invoke().ok());
    if (per_row) {
      EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{10.f, -12.f, 0.75f, -1.f}));
    } else {
      EXPECT_EQ(m.GetOutput<float>(0), (std::vector<float>{2.5f, -3.f, 1.5f, -2.f}));
    }
  }
}

}  // namespace
}  // namespace edgeml
