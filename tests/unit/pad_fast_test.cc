// fast::PadFastRows must write exactly what reference::Pad writes, for any
// element size, rank and padding, whole or in row pieces.
#include "kernels/pad_fast.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/reference/pad.h"

namespace edgeml {
namespace {

struct PadCase {
  std::vector<int32_t> dims, before, after;
  size_t elem;
};

std::string Describe(const PadCase& c) {
  std::string s = "elem " + std::to_string(c.elem) + " dims";
  for (size_t i = 0; i < c.dims.size(); ++i) {
    s += " " + std::to_string(c.dims[i]) + "(" + std::to_string(c.before[i]) + "," +
         std::to_string(c.after[i]) + ")";
  }
  return s;
}

// Runs both kernels; `pieces` splits the fast one over uneven row ranges.
void Check(const PadCase& c, std::mt19937& rng, bool pieces) {
  const int rank = static_cast<int>(c.dims.size());
  int64_t in_n = 1, out_n = 1;
  for (int i = 0; i < rank; ++i) {
    in_n *= c.dims[i];
    out_n *= c.dims[i] + c.before[i] + c.after[i];
  }
  std::vector<uint8_t> input(static_cast<size_t>(in_n) * c.elem), value(c.elem);
  for (auto& b : input) b = static_cast<uint8_t>(rng());
  for (auto& b : value) b = static_cast<uint8_t>(rng());
  std::vector<uint8_t> want(static_cast<size_t>(out_n) * c.elem, 0xAB);
  std::vector<uint8_t> got(want.size(), 0xCD);
  std::vector<int64_t> workspace(2 * rank + 1);
  reference::Pad(c.dims, c.before, c.after, c.elem, value.data(), input.data(), want.data(),
                 workspace.data());
  fast::PadPlan plan;
  fast::MakePadPlan(c.dims, c.before, c.after, c.elem, &plan);
  ASSERT_LE(plan.dims.size(), static_cast<size_t>(fast::kPadMaxMergedRank));
  const int64_t rows = plan.rows > 0 && plan.dims.back() > 0 ? plan.rows : 1;
  if (!pieces) {
    fast::PadFastRows(plan, value.data(), input.data(), got.data(), 0, rows);
  } else {
    int64_t begin = 0, step = 1;
    while (begin < rows) {
      const int64_t end = begin + step < rows ? begin + step : rows;
      fast::PadFastRows(plan, value.data(), input.data(), got.data(), begin, end);
      begin = end;
      step += 1;
    }
  }
  ASSERT_EQ(0, std::memcmp(want.data(), got.data(), want.size())) << Describe(c);
}

TEST(PadFastTest, MergesUnpaddedDims) {
  // NHWC padding only H and W: C merges into W, so runs are W*C long.
  fast::PadPlan plan;
  fast::MakePadPlan({1, 4, 5, 3}, {0, 1, 2, 0}, {0, 1, 0, 0}, 4, &plan);
  ASSERT_EQ(plan.dims, (std::vector<int64_t>{1, 4, 15}));
  EXPECT_EQ(plan.before, (std::vector<int64_t>{0, 1, 6}));
  EXPECT_EQ(plan.rows, 4);
  EXPECT_EQ(plan.out_units, 6 * 21);
  // Only the channel dim padded: one run per pixel.
  fast::MakePadPlan({1, 2, 3, 5}, {0, 0, 0, 0}, {0, 0, 0, 3}, 4, &plan);
  EXPECT_EQ(plan.dims, (std::vector<int64_t>{6, 5}));
  EXPECT_EQ(plan.rows, 6);
}

TEST(PadFastTest, SmallHandChecked) {
  // [2] int16 padded [1, 2] with 9: 9 a b 9 9.
  const int16_t in[2] = {3, -4};
  const int16_t value = 9;
  int16_t out[5] = {};
  fast::PadPlan plan;
  fast::MakePadPlan({2}, {1}, {2}, 2, &plan);
  fast::PadFastRows(plan, &value, in, out, 0, plan.rows);
  const int16_t want[5] = {9, 3, -4, 9, 9};
  EXPECT_EQ(0, std::memcmp(out, want, sizeof(out)));
}

TEST(PadFastTest, MatchesReference) {
  std::mt19937 rng(3);
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const size_t elems[] = {1, 2, 4, 8, 16, 3};
  for (int i = 0; i < 3000; ++i) {
    PadCase c;
    c.elem = elems[r(0, 5)];
    const int rank = r(1, 6);
    for (int a = 0; a < rank; ++a) {
      c.dims.push_back(r(0, 9) == 0 ? 0 : r(1, 5));
      const bool padded = r(0, 2) == 0;
      c.before.push_back(padded ? r(0, 3) : 0);
      c.after.push_back(padded ? r(0, 3) : 0);
    }
    Check(c, rng, i % 2 == 1);
    if (HasFatalFailure()) return;
  }
}

TEST(PadFastTest, LongRunsAndMediaPipeShapes) {
  std::mt19937 rng(8);
  Check({{1, 64, 64, 24}, {0, 0, 0, 0}, {0, 0, 0, 8}, 4}, rng, false);
  Check({{1, 64, 64, 24}, {0, 1, 1, 0}, {0, 2, 2, 0}, 4}, rng, true);
  Check({{1, 3, 300}, {0, 0, 0}, {0, 0, 0}, 1}, rng, true);  // no padding: one copy
  Check({{2, 33, 17}, {0, 5, 70}, {1, 0, 100}, 1}, rng, true);
}

}  // namespace
}  // namespace edgeml
