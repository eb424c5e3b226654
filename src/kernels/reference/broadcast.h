// Numpy-style broadcasting of two shapes, reduced at prepare to a compact
// iteration plan that binary kernels walk at eval without allocating.
//
// Planning drops output dims of size 1 and merges neighbouring dims that
// broadcast the same way in both inputs, so equal shapes and tensor-vs-scalar
// collapse to rank 1 and run as one flat loop; [2,1,3] vs [1,4,1] stays rank 3.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "edgeml/types.h"

namespace edgeml::reference {

// Largest rank a plan holds after merging. Models beyond it are rejected at
// prepare; real graphs stay at rank <= 6 before merging.
constexpr int kMaxBroadcastRank = 8;

// Output shape of broadcasting a and b (shapes aligned at their last dim; each
// pair of dims must be equal or contain a 1). False if incompatible.
inline bool BroadcastShapes(const Shape& a, const Shape& b, Shape* out) {
  const size_t rank = std::max(a.size(), b.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da < 0 || db < 0) return false;
    if (da == db || db == 1) {
      result[i] = da;
    } else if (da == 1) {
      result[i] = db;
    } else {
      return false;
    }
  }
  *out = std::move(result);
  return true;
}

struct BroadcastPlan {
  int rank = 1;  // >= 1; dims[rank - 1] is the innermost (contiguous) loop
  int64_t dims[kMaxBroadcastRank] = {0};
  int64_t a_strides[kMaxBroadcastRank] = {0};  // 0 where a is broadcast
  int64_t b_strides[kMaxBroadcastRank] = {0};
  int64_t num_elements = 0;  // of the output
};

// Builds the plan for out = a (op) b. False if the shapes don't broadcast or
// the merged rank exceeds kMaxBroadcastRank.
inline bool MakeBroadcastPlan(const Shape& a, const Shape& b, BroadcastPlan* plan) {
  Shape out;
  if (!BroadcastShapes(a, b, &out)) return false;
  const size_t rank = out.size();
  // Per output dim: its size and whether a / b are broadcast along it.
  struct Dim {
    int64_t size;
    bool a_bcast, b_bcast;
  };
  std::vector<Dim> dims;
  int64_t total = 1;
  for (size_t i = 0; i < rank; ++i) {
    const int32_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int32_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (out[i] != 0 && total > INT64_MAX / out[i]) return false;
    total *= out[i];
    if (out[i] == 1) continue;  // contributes nothing to any offset
    const Dim d{out[i], da == 1, db == 1};
    if (!dims.empty() && dims.back().a_bcast == d.a_bcast && dims.back().b_bcast == d.b_bcast) {
      dims.back().size *= d.size;
    } else {
      dims.push_back(d);
    }
  }
  if (dims.empty()) dims.push_back(Dim{1, false, false});
  if (dims.size() > static_cast<size_t>(kMaxBroadcastRank)) return false;

  BroadcastPlan p;
  p.rank = static_cast<int>(dims.size());
  p.num_elements = total;
  int64_t a_stride = 1, b_stride = 1;
  for (int i = p.rank - 1; i >= 0; --i) {
    p.dims[i] = dims[i].size;
    p.a_strides[i] = dims[i].a_bcast ? 0 : a_stride;
    p.b_strides[i] = dims[i].b_bcast ? 0 : b_stride;
    if (!dims[i].a_bcast) a_stride *= dims[i].size;
    if (!dims[i].b_bcast) b_stride *= dims[i].size;
  }
  *plan = p;
  return true;
}

// Calls row(out_offset, a_offset, b_offset) for every innermost row of the
// plan, in output order; each row covers plan.dims[rank - 1] elements with
// steps plan.a_strides[rank - 1] / plan.b_strides[rank - 1] (0 or 1).
template <typename RowFn>
inline void ForEachBroadcastRow(const BroadcastPlan& plan, RowFn row) {
  if (plan.num_elements == 0) return;
  const int outer_rank = plan.rank - 1;
  const int64_t inner = plan.dims[plan.rank - 1];
  int64_t index[kMaxBroadcastRank] = {0};
  int64_t a_off = 0, b_off = 0, out_off = 0;
  while (true) {
    row(out_off, a_off, b_off);
    out_off += inner;
    // Odometer over the outer dims, innermost first.
    int d = outer_rank - 1;
    for (; d >= 0; --d) {
      a_off += plan.a_strides[d];
      b_off += plan.b_strides[d];
      if (++index[d] < plan.dims[d]) break;
      a_off -= plan.a_strides[d] * plan.dims[d];
      b_off -= plan.b_strides[d] * plan.dims[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

// out[i] = f(a[ia], b[ib]) over the plan. A, B and Out may differ (e.g.
// comparisons writing bool).
template <typename A, typename B, typename Out, typename F>
inline void BroadcastBinary(const BroadcastPlan& plan, const A* a, const B* b, Out* out, F f) {
  const int64_t inner = plan.dims[plan.rank - 1];
  const int64_t sa = plan.a_strides[plan.rank - 1];
  const int64_t sb = plan.b_strides[plan.rank - 1];
  ForEachBroadcastRow(plan, [&](int64_t o, int64_t ia, int64_t ib) {
    const A* pa = a + ia;
    const B* pb = b + ib;
    Out* po = out + o;
    // Separate loops so the common cases vectorize.
    if (sa == 1 && sb == 1) {
      for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], pb[i]);
    } else if (sa == 1) {
      const B vb = *pb;
      for (int64_t i = 0; i < inner; ++i) po[i] = f(pa[i], vb);
    } else if (sb == 1) {
      const A va = *pa;
      for (int64_t i = 0; i < inner; ++i) po[i] = f(va, pb[i]);
    } else {
      const A va = *pa;
      const B vb = *pb;
      for (int64_t i = 0; i < inner; ++i) po[i] = f(va, vb);
    }
  });
}

}  // namespace edgeml::reference
