// Kernel-level tests of the shape family's reference kernels: transpose,
// strided slice (index resolution and copy), gather, block concat/split and
// densify. Goldens are hand-computed or come from a direct index formula.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/reference/concat.h"
#include "kernels/reference/densify.h"
#include "kernels/reference/gather.h"
#include "kernels/reference/slice.h"
#include "kernels/reference/transpose.h"

namespace edgeml::reference {
namespace {

std::vector<float> Iota(int n) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

// ---------------------------------------------------------------- Transpose

TEST(TransposeKernel, Matrix) {
  std::vector<float> in = Iota(6), out(6);
  Transpose<float>({2, 3}, {1, 0}, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(TransposeKernel, Rank3MatchesIndexFormula) {
  std::vector<int32_t> in(24), out(24);
  for (int i = 0; i < 24; ++i) in[i] = i;
  // Output [4,2,3]: out[a][b][c] = in[b][c][a] = b*12 + c*4 + a.
  Transpose<int32_t>({2, 3, 4}, {2, 0, 1}, in.data(), out.data());
  int pos = 0;
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(out[pos++], b * 12 + c * 4 + a);
}

TEST(TransposeKernel, Rank6ReverseBytes) {
  const std::vector<int32_t> dims = {2, 1, 3, 2, 1, 2};
  std::vector<uint8_t> in(24), out(24);
  for (int i = 0; i < 24; ++i) in[i] = static_cast<uint8_t>(i);
  Transpose<uint8_t>(dims, {5, 4, 3, 2, 1, 0}, in.data(), out.data());
  // out[f][e][d][c][b][a] = in[a][b][c][d][e][f]; input strides 12,12,4,2,2,1.
  int pos = 0;
  for (int f = 0; f < 2; ++f)
    for (int d = 0; d < 2; ++d)
      for (int c = 0; c < 3; ++c)
        for (int a = 0; a < 2; ++a) EXPECT_EQ(out[pos++], a * 12 + c * 4 + d * 2 + f);
}

TEST(TransposeKernel, Int64AndEmpty) {
  std::vector<int64_t> in = {1, 2, 3, 4}, out(4);
  Transpose<int64_t>({2, 2}, {1, 0}, in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int64_t>{1, 3, 2, 4}));
  Transpose<int64_t>({0, 2}, {1, 0}, in.data(), out.data());  // writes nothing
}

// ------------------------------------------------------ Strided slice logic

StridedSlicePlan Resolve(const std::vector<int32_t>& dims, const StridedSliceSpec& spec) {
  StridedSlicePlan plan;
  const std::string err = ResolveStridedSlice(dims, spec, &plan);
  EXPECT_EQ(err, "");
  return plan;
}

StridedSliceSpec Spec(std::vector<int32_t> b, std::vector<int32_t> e, std::vector<int32_t> s) {
  StridedSliceSpec spec;
  spec.begin = b;
  spec.end = e;
  spec.strides = s;
  return spec;
}

TEST(StridedSliceLogic, SimpleRange) {
  auto p = Resolve({4}, Spec({1}, {3}, {1}));
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{2}));
  EXPECT_EQ(p.axes[0].start, 1);
  EXPECT_EQ(p.axes[0].count, 2);
}

TEST(StridedSliceLogic, NegativeStrideReversesAll) {
  // x[-1:-5:-1] on 4 elements: start 3, end wraps to -1 (clamped): 4 elements.
  auto p = Resolve({4}, Spec({-1}, {-5}, {-1}));
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{4}));
  EXPECT_EQ(p.axes[0].start, 3);
  EXPECT_EQ(p.axes[0].stride, -1);
}

TEST(StridedSliceLogic, ClampsOutOfRangeBeginAndEnd) {
  auto p = Resolve({4}, Spec({-10}, {10}, {1}));
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{4}));
  EXPECT_EQ(p.axes[0].start, 0);
  auto q = Resolve({5}, Spec({1}, {5}, {2}));  // 1, 3
  EXPECT_EQ(q.out_shape, (std::vector<int32_t>{2}));
  auto r = Resolve({5}, Spec({0}, {5}, {2}));  // 0, 2, 4
  EXPECT_EQ(r.out_shape, (std::vector<int32_t>{3}));
  auto empty = Resolve({5}, Spec({3}, {1}, {1}));
  EXPECT_EQ(empty.out_shape, (std::vector<int32_t>{0}));
}

TEST(StridedSliceLogic, BeginAndEndMasks) {
  StridedSliceSpec s = Spec({3}, {1}, {-1});
  s.begin_mask = 1;  // start from the last element: 4, 3, 2
  auto p = Resolve({5}, s);
  EXPECT_EQ(p.axes[0].start, 4);
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{3}));
  s.end_mask = 1;  // run to the front: 4..0
  EXPECT_EQ(Resolve({5}, s).out_shape, (std::vector<int32_t>{5}));
}

TEST(StridedSliceLogic, ShrinkAxis) {
  StridedSliceSpec s = Spec({1, 0}, {2, 4}, {1, 1});
  s.shrink_axis_mask = 1;
  auto p = Resolve({3, 4}, s);
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{4}));
  EXPECT_EQ(p.axes[0].start, 1);
  EXPECT_EQ(p.axes[0].count, 1);
  // A negative shrink index wraps: -1 is the last row; end is ignored.
  s.begin = {-1, 0};
  s.end = {0, 4};
  EXPECT_EQ(Resolve({3, 4}, s).axes[0].start, 2);
}

TEST(StridedSliceLogic, EllipsisExpands) {
  // x[..., 1:2] on [2,3,4].
  StridedSliceSpec s = Spec({0, 1}, {0, 2}, {1, 1});
  s.ellipsis_mask = 1;
  auto p = Resolve({2, 3, 4}, s);
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{2, 3, 1}));
  EXPECT_EQ(p.axes[2].start, 1);
}

TEST(StridedSliceLogic, NewAxisInserts) {
  // x[newaxis, 0:3] on [3].
  StridedSliceSpec s = Spec({0, 0}, {0, 3}, {1, 1});
  s.new_axis_mask = 1;
  auto p = Resolve({3}, s);
  EXPECT_EQ(p.effective_dims, (std::vector<int32_t>{1, 3}));
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{1, 3}));
}

TEST(StridedSliceLogic, FewerSpecsThanDimsTakeWholeDims) {
  auto p = Resolve({3, 4}, Spec({1}, {2}, {1}));
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{1, 4}));
}

TEST(StridedSliceLogic, OffsetMakesEndRelative) {
  StridedSliceSpec s = Spec({1}, {2}, {1});
  s.offset = true;  // end = begin + 2 = 3
  auto p = Resolve({5}, s);
  EXPECT_EQ(p.out_shape, (std::vector<int32_t>{2}));
  EXPECT_EQ(p.axes[0].start, 1);
}

TEST(StridedSliceLogic, Errors) {
  StridedSlicePlan plan;
  EXPECT_NE(ResolveStridedSlice({4}, Spec({0}, {4}, {0}), &plan), "");  // stride 0
  StridedSliceSpec shrink = Spec({4}, {5}, {1});
  shrink.shrink_axis_mask = 1;
  EXPECT_NE(ResolveStridedSlice({4}, shrink, &plan), "");  // index 4 of 4
  // LiteRT clamps a shrink index before using it: -5 on 4 becomes 0.
  shrink.begin = {-5};
  EXPECT_EQ(ResolveStridedSlice({4}, shrink, &plan), "");
  EXPECT_EQ(plan.axes[0].start, 0);
  StridedSliceSpec two = Spec({0, 0}, {1, 1}, {1, 1});
  two.ellipsis_mask = 3;
  EXPECT_NE(ResolveStridedSlice({4, 4}, two, &plan), "");
  EXPECT_NE(ResolveStridedSlice({4}, Spec({0, 0}, {1, 1}, {1, 1}), &plan), "");  // too many
  StridedSliceSpec ragged = Spec({0, 0}, {1}, {1, 1});
  EXPECT_NE(ResolveStridedSlice({4, 4}, ragged, &plan), "");
}

// ------------------------------------------------------- Strided slice copy

TEST(StridedSliceKernel, TwoAxesWithNegativeStride) {
  // 3x4 of 0..11, rows 0:3:2, cols 3:0:-2 -> rows {0,2}, cols {3,1}.
  std::vector<float> in = Iota(12), out(4);
  auto p = Resolve({3, 4}, Spec({0, 3}, {3, 0}, {2, -2}));
  ASSERT_EQ(p.out_shape, (std::vector<int32_t>{2, 2}));
  StridedSlice<float>(p.effective_dims, p.axes.data(), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{3, 1, 11, 9}));
}

TEST(StridedSliceKernel, ShrinkMiddleAxisInt16) {
  // [2,3,2] of 0..11, take index 2 of axis 1 -> [2,2]: {4,5,10,11}.
  std::vector<int16_t> in(12), out(4);
  for (int i = 0; i < 12; ++i) in[i] = static_cast<int16_t>(i);
  StridedSliceSpec s = Spec({0, 2, 0}, {2, 3, 2}, {1, 1, 1});
  s.shrink_axis_mask = 2;
  auto p = Resolve({2, 3, 2}, s);
  ASSERT_EQ(p.out_shape, (std::vector<int32_t>{2, 2}));
  StridedSlice<int16_t>(p.effective_dims, p.axes.data(), in.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{4, 5, 10, 11}));
}

// ------------------------------------------------------------------- Gather

TEST(GatherKernel, Axis0Rows) {
  std::vector<float> in = {1, 2, 3, 4, 5, 6}, out(4);
  std::vector<int32_t> idx = {2, 0};
  GatherGeometry g;
  g.axis_size = 3;
  g.row_bytes = 2 * sizeof(float);
  g.coords = 2;
  ASSERT_EQ(FindBadGatherIndex(idx.data(), 2, 3), -1);
  Gather(g, in.data(), idx.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{5, 6, 1, 2}));
}

TEST(GatherKernel, InnerAxisWithBatch) {
  // in [2,3], batch_dims 1, axis 1, indices [[2,0],[1,1]].
  std::vector<int8_t> in = {10, 11, 12, 20, 21, 22}, out(4);
  std::vector<int64_t> idx = {2, 0, 1, 1};
  GatherGeometry g;
  g.batch = 2;
  g.axis_size = 3;
  g.row_bytes = 1;
  g.coords = 2;
  Gather(g, in.data(), idx.data(), out.data());
  EXPECT_EQ(out, (std::vector<int8_t>{12, 10, 21, 21}));
}

TEST(GatherKernel, FindsBadIndex) {
  std::vector<int32_t> idx = {0, 2, 3, -1};
  EXPECT_EQ(FindBadGatherIndex(idx.data(), 4, 3), 2);
  std::vector<int64_t> neg = {0, -1};
  EXPECT_EQ(FindBadGatherIndex(neg.data(), 2, 3), 1);
}

// ----------------------------------------------------------- Concat / split

TEST(ConcatKernel, ConcatAndSplitAreInverse) {
  // a [2,1] = {1,2}, b [2,2] = {3,4,5,6}, concatenated on axis 1 -> [2,3].
  std::vector<float> a = {1, 2}, b = {3, 4, 5, 6}, out(6);
  const void* ins[] = {a.data(), b.data()};
  const int64_t blocks[] = {1 * sizeof(float), 2 * sizeof(float)};
  ConcatBlocks(2, ins, blocks, 2, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 3, 4, 2, 5, 6}));
  std::vector<float> a2(2), b2(4);
  void* outs[] = {a2.data(), b2.data()};
  SplitBlocks(out.data(), 2, 2, blocks, outs);
  EXPECT_EQ(a2, a);
  EXPECT_EQ(b2, b);
}

TEST(ConcatKernel, Clamp) {
  std::vector<float> v = {-2, 0.5f, 7};
  ClampFloat(v.data(), 3, 0, 6);
  EXPECT_EQ(v, (std::vector<float>{0, 0.5f, 6}));
}

// ------------------------------------------------------------------ Densify

std::vector<float> DensifyOrDie(const std::vector<int32_t>& shape, const SparsitySpec& spec,
                                const std::vector<float>& values) {
  int64_t count = -1;
  EXPECT_EQ(ValidateSparsity(shape, spec, &count), "");
  EXPECT_EQ(count, static_cast<int64_t>(values.size()));
  int64_t total = 1;
  for (int32_t d : shape) total *= d;
  std::vector<float> out(total, -1.0f);
  Densify<float>(shape, spec, values.data(), out.data());
  return out;
}

DimMetadata Dense(int size) {
  DimMetadata m;
  m.dense_size = size;
  return m;
}

DimMetadata Csr(std::vector<int> segments, std::vector<int> indices) {
  DimMetadata m;
  m.sparse = true;
  m.segments = std::move(segments);
  m.indices = std::move(indices);
  return m;
}

SparsitySpec Csr4x4() {
  // [[1,0,0,2],[0,0,0,0],[0,3,0,0],[4,0,5,0]]
  SparsitySpec s;
  s.traversal_order = {0, 1};
  s.dim_metadata = {Dense(4), Csr({0, 2, 2, 3, 5}, {0, 3, 1, 0, 2})};
  return s;
}

TEST(DensifyKernel, CsrMatrix) {
  EXPECT_EQ(DensifyOrDie({4, 4}, Csr4x4(), {1, 2, 3, 4, 5}),
            (std::vector<float>{1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 4, 0, 5, 0}));
}

TEST(DensifyKernel, BlockSparse2x2) {
  // Blocks (0,0) = [[1,2],[3,4]] and (1,1) = [[7,0],[0,8]]; the others empty.
  SparsitySpec s;
  s.traversal_order = {0, 1, 2, 3};
  s.block_map = {0, 1};
  s.dim_metadata = {Dense(2), Csr({0, 1, 2}, {0, 1}), Dense(2), Dense(2)};
  EXPECT_EQ(DensifyOrDie({4, 4}, s, {1, 2, 3, 4, 7, 0, 0, 8}),
            (std::vector<float>{1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 7, 0, 0, 0, 0, 8}));
}

TEST(DensifyKernel, ColumnMajorTraversal) {
  // [[1,0,2],[0,3,0]] stored column by column: rows per column {0},{1},{0}.
  SparsitySpec s;
  s.traversal_order = {1, 0};
  s.dim_metadata = {Dense(3), Csr({0, 1, 2, 3}, {0, 1, 0})};
  EXPECT_EQ(DensifyOrDie({2, 3}, s, {1, 3, 2}), (std::vector<float>{1, 0, 2, 0, 3, 0}));
}

TEST(DensifyKernel, AllDenseIsACopy) {
  SparsitySpec s;
  s.traversal_order = {0, 1};
  s.dim_metadata = {Dense(2), Dense(2)};
  EXPECT_EQ(DensifyOrDie({2, 2}, s, {1, 2, 3, 4}), (std::vector<float>{1, 2, 3, 4}));
}

TEST(DensifyKernel, RejectsLies) {
  int64_t count = 0;
  SparsitySpec s = Csr4x4();
  s.dim_metadata[1].indices[2] = 4;  // column 4 of 4
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1].indices[2] = -1;
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1].segments = {0, 2, 1, 3, 5};  // decreasing
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1].segments = {0, 2, 2, 5};  // one row short
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1].segments = {0, 2, 2, 3, 6};  // past the indices
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1].segments = {1, 2, 2, 3, 5};  // not starting at 0
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[0].dense_size = 5;  // lies about the dim
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.traversal_order = {0, 0};
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata.pop_back();
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");
  s = Csr4x4();
  s.dim_metadata[1] = Csr({0, 5, 5, 5, 5}, {0, 1, 2, 3, 3});  // 5 entries in a row of 4
  EXPECT_NE(ValidateSparsity({4, 4}, s, &count), "");

  SparsitySpec b;
  b.traversal_order = {0, 1, 2, 3};
  b.block_map = {0, 1};
  b.dim_metadata = {Dense(2), Csr({0, 1, 2}, {0, 1}), Dense(3), Dense(2)};
  EXPECT_NE(ValidateSparsity({4, 4}, b, &count), "");  // block 3 doesn't divide 4
  b.dim_metadata[2] = Csr({0}, {});
  EXPECT_NE(ValidateSparsity({4, 4}, b, &count), "");  // sparse block dim
  b.dim_metadata[2] = Dense(2);
  b.block_map = {1, 0};
  EXPECT_NE(ValidateSparsity({4, 4}, b, &count), "");
}

}  // namespace
}  // namespace edgeml::reference
