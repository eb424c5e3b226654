// Kernel-level tests of the spatial family (pooling, reductions, resize,
// depth<->space, pad) with small hand-computed goldens.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "kernels/reference/depth_space.h"
#include "kernels/reference/pad.h"
#include "kernels/reference/pooling.h"
#include "kernels/reference/reduce.h"
#include "kernels/reference/resize.h"

namespace edgeml::reference {
namespace {

std::vector<float> Iota(int n, float start = 0.f) {
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), start);
  return v;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

Pool2DParams Pool(int32_t h, int32_t w, int32_t c, int32_t oh, int32_t ow, int32_t f, int32_t s,
                  int32_t pad) {
  Pool2DParams p;
  p.batches = 1;
  p.in_h = h;
  p.in_w = w;
  p.channels = c;
  p.out_h = oh;
  p.out_w = ow;
  p.filter_h = p.filter_w = f;
  p.stride_h = p.stride_w = s;
  p.pad_top = p.pad_left = pad;
  return p;
}

// 3x3 image 1..9, 3x3 window, stride 1, SAME (pad 1): border windows hold 4
// or 6 elements and the average divides by that count, not by 9.
TEST(PoolingKernel, AverageSameBorders) {
  const std::vector<float> in = Iota(9, 1.f);
  std::vector<float> out(9);
  AveragePool2DF32(Pool(3, 3, 1, 3, 3, 3, 1, 1), in.data(), out.data());
  ExpectNear(out, {3.f, 3.5f, 4.f, 4.5f, 5.f, 5.5f, 6.f, 6.5f, 7.f});
}

TEST(PoolingKernel, MaxSameBorders) {
  const std::vector<float> in = Iota(9, 1.f);
  std::vector<float> out(9);
  MaxPool2DF32(Pool(3, 3, 1, 3, 3, 3, 1, 1), in.data(), out.data());
  EXPECT_EQ(out, std::vector<float>({5.f, 6.f, 6.f, 8.f, 9.f, 9.f, 8.f, 9.f, 9.f}));
}

TEST(PoolingKernel, Stride2Valid) {
  const std::vector<float> in = Iota(16, 1.f);
  std::vector<float> avg(4), mx(4);
  AveragePool2DF32(Pool(4, 4, 1, 2, 2, 2, 2, 0), in.data(), avg.data());
  MaxPool2DF32(Pool(4, 4, 1, 2, 2, 2, 2, 0), in.data(), mx.data());
  ExpectNear(avg, {3.5f, 5.5f, 11.5f, 13.5f});
  EXPECT_EQ(mx, std::vector<float>({6.f, 8.f, 14.f, 16.f}));
}

// 3x3, 2x2 window, stride 2, SAME: pad total 1 goes after, so the last row
// and column of windows are partial (2 and 1 elements).
TEST(PoolingKernel, AveragePartialWindowsStride2) {
  const std::vector<float> in = Iota(9, 1.f);
  std::vector<float> out(4);
  AveragePool2DF32(Pool(3, 3, 1, 2, 2, 2, 2, 0), in.data(), out.data());
  ExpectNear(out, {3.f, 4.5f, 7.5f, 9.f});
}

// Two channels (the second negated) check channel striding, the max's
// starting value for all-negative windows and the activation clamp.
TEST(PoolingKernel, ChannelsAndActivation) {
  std::vector<float> in;
  for (int i = 1; i <= 16; ++i) {
    in.push_back(static_cast<float>(i));
    in.push_back(-static_cast<float>(i));
  }
  Pool2DParams p = Pool(4, 4, 2, 2, 2, 2, 2, 0);
  std::vector<float> mx(8), avg(8);
  MaxPool2DF32(p, in.data(), mx.data());
  EXPECT_EQ(mx, std::vector<float>({6.f, -1.f, 8.f, -3.f, 14.f, -9.f, 16.f, -11.f}));
  p.act_min = 0.f;
  p.act_max = 6.f;
  AveragePool2DF32(p, in.data(), avg.data());
  ExpectNear(avg, {3.5f, 0.f, 5.5f, 0.f, 6.f, 0.f, 6.f, 0.f});
}

std::vector<float> RunReduce(void (*fn)(const ReduceGeometry&, const float*, float*, int64_t*),
                             const std::vector<int32_t>& dims, const std::vector<bool>& reduced,
                             const std::vector<float>& in) {
  ReduceGeometry g = MakeReduceGeometry(dims, reduced);
  std::vector<float> out(g.output_count);
  std::vector<int64_t> index(g.dims.size() + 1);
  fn(g, in.data(), out.data(), index.data());
  return out;
}

// [2,2,2,2] = 0..15 reduced over axes 1 and 2: out[b][c] = sum of
// x[b][h][w][c] = 8b + 4h + 2w + c over h, w.
TEST(ReduceKernel, Axes12) {
  const std::vector<float> in = Iota(16);
  const std::vector<bool> mask = {false, true, true, false};
  ExpectNear(RunReduce(SumF32, {2, 2, 2, 2}, mask, in), {12.f, 16.f, 44.f, 48.f});
  ExpectNear(RunReduce(MeanF32, {2, 2, 2, 2}, mask, in), {3.f, 4.f, 11.f, 12.f});
  ExpectNear(RunReduce(ReduceMaxF32, {2, 2, 2, 2}, mask, in), {6.f, 7.f, 14.f, 15.f});
}

TEST(ReduceKernel, SingleAxesAndAll) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6};  // [2,3]
  ExpectNear(RunReduce(SumF32, {2, 3}, {true, false}, in), {5.f, 7.f, 9.f});
  ExpectNear(RunReduce(SumF32, {2, 3}, {false, true}, in), {6.f, 15.f});
  ExpectNear(RunReduce(MeanF32, {2, 3}, {true, true}, in), {3.5f});
  ExpectNear(RunReduce(ReduceMaxF32, {2, 3}, {false, true}, {-1, -7, -3, 4, 9, 2}), {-1.f, 9.f});
  // No axis reduced: a copy.
  ExpectNear(RunReduce(MeanF32, {2, 3}, {false, false}, in), in);
}

// Rank 6 with size-1 axes in between: the merged geometry must still route
// every element to the right output.
TEST(ReduceKernel, Rank6) {
  const std::vector<int32_t> dims = {2, 1, 3, 1, 2, 2};
  const std::vector<bool> mask = {false, true, true, false, false, true};
  const std::vector<float> in = Iota(24);
  // Independent formula: out[b][k] (k over dim4) = sum over i (dim2), j (dim5).
  std::vector<float> want(4, 0.f);
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 2; ++k)
        for (int j = 0; j < 2; ++j) want[b * 2 + k] += in[((b * 3 + i) * 2 + k) * 2 + j];
  ExpectNear(RunReduce(SumF32, dims, mask, in), want);
}

TEST(ReduceKernel, EmptyReduction) {
  const std::vector<float> in;
  std::vector<float> sum = RunReduce(SumF32, {0, 3}, {true, false}, in);
  EXPECT_EQ(sum, std::vector<float>({0.f, 0.f, 0.f}));
  std::vector<float> mean = RunReduce(MeanF32, {0, 3}, {true, false}, in);
  EXPECT_TRUE(std::isnan(mean[0]));
  std::vector<float> mx = RunReduce(ReduceMaxF32, {0, 3}, {true, false}, in);
  EXPECT_EQ(mx[0], std::numeric_limits<float>::lowest());
}

ResizeParams Resize(int32_t h, int32_t w, int32_t oh, int32_t ow, bool align, bool half) {
  ResizeParams p;
  p.batches = 1;
  p.in_h = h;
  p.in_w = w;
  p.channels = 1;
  p.out_h = oh;
  p.out_w = ow;
  p.align_corners = align;
  p.half_pixel_centers = half;
  return p;
}

const std::vector<float> k2x2 = {1, 2, 3, 4};

// Source coords x * 0.5 = 0, .5, 1, 1.5; the last clamps to column 1.
TEST(ResizeKernel, BilinearDefault) {
  std::vector<float> out(16);
  ResizeBilinearF32(Resize(2, 2, 4, 4, false, false), k2x2.data(), out.data());
  ExpectNear(out, {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
}

// Scale 1/3: source coords 0, 1/3, 2/3, 1; value = 1 + fx + 2 fy.
TEST(ResizeKernel, BilinearAlignCorners) {
  std::vector<float> out(16);
  ResizeBilinearF32(Resize(2, 2, 4, 4, true, false), k2x2.data(), out.data());
  const float t = 1.f / 3.f;
  std::vector<float> want;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) want.push_back(1.f + x * t + 2.f * y * t);
  ExpectNear(out, want);
}

// Source coords (x + .5) * .5 - .5 = -.25, .25, .75, 1.25; the first clamps
// its lower index to 0 (weight still -.25 on a single pixel), the last its
// upper index to 1.
TEST(ResizeKernel, BilinearHalfPixelCenters) {
  std::vector<float> out(16);
  ResizeBilinearF32(Resize(2, 2, 4, 4, false, true), k2x2.data(), out.data());
  ExpectNear(out, {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4});
}

TEST(ResizeKernel, BilinearChannelsAndBatches) {
  ResizeParams p = Resize(1, 2, 1, 4, false, false);
  p.batches = 2;
  p.channels = 2;
  const std::vector<float> in = {0, 10, 2, 30, 4, 0, 8, 0};  // [2,1,2,2]
  std::vector<float> out(16);
  ResizeBilinearF32(p, in.data(), out.data());
  ExpectNear(out, {0, 10, 1, 20, 2, 30, 2, 30, 4, 0, 6, 0, 8, 0, 8, 0});
}

std::vector<float> Nearest(const std::vector<float>& in, int32_t h, int32_t w, int32_t oh,
                           int32_t ow, bool align, bool half) {
  std::vector<float> out(oh * ow);
  ResizeNearest(Resize(h, w, oh, ow, align, half), sizeof(float), in.data(), out.data());
  return out;
}

TEST(ResizeKernel, Nearest2x2To4x4) {
  const std::vector<float> want = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  EXPECT_EQ(Nearest(k2x2, 2, 2, 4, 4, false, false), want);
  EXPECT_EQ(Nearest(k2x2, 2, 2, 4, 4, false, true), want);
}

// Width 2 -> 3 (scale 2/3) and 3 -> 2 (scale 1.5) separate the modes:
//   plain floor(x s); half-pixel floor((x + .5) s); align round(x s), s = (in-1)/(out-1).
TEST(ResizeKernel, NearestModes) {
  const std::vector<float> two = {10, 20}, three = {10, 20, 30};
  EXPECT_EQ(Nearest(two, 1, 2, 1, 3, false, false), std::vector<float>({10.f, 10.f, 20.f}));
  EXPECT_EQ(Nearest(two, 1, 2, 1, 3, false, true), std::vector<float>({10.f, 20.f, 20.f}));
  // 1 * 0.5 = 0.5 rounds half away from zero to 1.
  EXPECT_EQ(Nearest(two, 1, 2, 1, 3, true, false), std::vector<float>({10.f, 20.f, 20.f}));
  EXPECT_EQ(Nearest(three, 1, 3, 1, 2, false, false), std::vector<float>({10.f, 20.f}));
  EXPECT_EQ(Nearest(three, 1, 3, 1, 2, false, true), std::vector<float>({10.f, 30.f}));
  EXPECT_EQ(Nearest(three, 1, 3, 1, 2, true, false), std::vector<float>({10.f, 30.f}));
  // Both flags: (x + .5) * 2 rounded, clamped to the last column.
  EXPECT_EQ(Nearest(three, 1, 3, 1, 2, true, true), std::vector<float>({20.f, 30.f}));
}

TEST(DepthSpaceKernel, DepthToSpaceHandComputed) {
  // [1,1,2,8] -> [1,2,4,2]: out(h,w,d) = in(h/2, w/2, ((h%2)*2 + w%2)*2 + d).
  const std::vector<float> in = Iota(16);
  std::vector<float> out(16);
  DepthToSpace(1, 1, 2, 8, 2, sizeof(float), in.data(), out.data());
  EXPECT_EQ(out, std::vector<float>({0.f, 1.f, 2.f, 3.f, 8.f, 9.f, 10.f, 11.f, 4.f, 5.f, 6.f, 7.f,
                                     12.f, 13.f, 14.f, 15.f}));
  std::vector<float> back(16);
  SpaceToDepth(1, 2, 4, 2, 2, sizeof(float), out.data(), back.data());
  EXPECT_EQ(back, in);
}

TEST(DepthSpaceKernel, RoundTripInt8Block3) {
  // [2,6,3,2] int8 -> space-to-depth block 3 -> [2,2,1,18] -> back.
  std::vector<int8_t> in(72);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<int8_t>(i * 7 - 100);
  std::vector<int8_t> mid(72), back(72);
  SpaceToDepth(2, 6, 3, 2, 3, 1, in.data(), mid.data());
  // Spot check: out(b=1, y=1, x=0, d) with d = (by*3 + bx)*2 + c reads
  // in(1, 3 + by, bx, c); d = 11 -> by=1, bx=2, c=1.
  EXPECT_EQ(mid[((1 * 2 + 1) * 1 + 0) * 18 + 11], in[((1 * 6 + 4) * 3 + 2) * 2 + 1]);
  DepthToSpace(2, 2, 1, 18, 3, 1, mid.data(), back.data());
  EXPECT_EQ(back, in);
}

TEST(PadKernel, Float2D) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6};  // [2,3]
  std::vector<float> out(15);
  const float nine = 9.f;
  int64_t ws[4];
  Pad({2, 3}, {1, 0}, {0, 2}, sizeof(float), &nine, in.data(), out.data(), ws);
  EXPECT_EQ(out, std::vector<float>(
                     {9.f, 9.f, 9.f, 9.f, 9.f, 1.f, 2.f, 3.f, 9.f, 9.f, 4.f, 5.f, 6.f, 9.f, 9.f}));
}

TEST(PadKernel, Int8Rank4AndZeroDim) {
  // [1,2,1,1] padded [[0,0],[1,1],[0,1],[0,0]] -> [1,4,2,1].
  const std::vector<int8_t> in = {5, -6};
  std::vector<int8_t> out(8);
  const int8_t z = -128;
  int64_t ws[8];
  Pad({1, 2, 1, 1}, {0, 1, 0, 0}, {0, 1, 1, 0}, 1, &z, in.data(), out.data(), ws);
  EXPECT_EQ(out, std::vector<int8_t>({-128, -128, 5, -128, -6, -128, -128, -128}));
  // An empty [0,2] input padded [[1,0],[0,1]] still yields [1,3] of padding
  // (the sentinel past the end stays untouched).
  std::vector<int32_t> out32(4, 7);
  const int32_t zero = 0;
  Pad({0, 2}, {1, 0}, {0, 1}, sizeof(int32_t), &zero, nullptr, out32.data(), ws);
  EXPECT_EQ(out32, std::vector<int32_t>({0, 0, 0, 7}));
}

// Every output element checked against the definition: inside the copied
// box it is the input element, elsewhere the fill value.
TEST(PadKernel, Rank3AgainstDefinition) {
  const std::vector<int32_t> dims = {2, 3, 2}, before = {1, 0, 2}, after = {0, 1, 1};
  const std::vector<float> in = Iota(12, 1.f);
  std::vector<float> out(3 * 4 * 5);
  const float fill = -1.f;
  int64_t ws[6];
  Pad(dims, before, after, sizeof(float), &fill, in.data(), out.data(), ws);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 5; ++k) {
        const int a = i - 1, b = j, c = k - 2;
        const bool inside = a >= 0 && a < 2 && b < 3 && c >= 0 && c < 2;
        EXPECT_EQ(out[(i * 4 + j) * 5 + k], inside ? in[(a * 3 + b) * 2 + c] : fill)
            << i << "," << j << "," << k;
      }
}

}  // namespace
}  // namespace edgeml::reference
