// Fast constant padding (PAD, PADV2) for elements of any size: the result is
// byte-identical to reference::Pad. Adjacent dims merge when the inner one is
// unpadded, so the innermost unpadded dims become one contiguous run per
// input row; the output is then written once, front to back: the padding gap
// before each run (filled from a repeated pattern), the run (one memcpy),
// and the trailing gap.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace edgeml::fast {

struct PadPlan {
  // Merged geometry in elements: dims/before per merged dim, out_stride in
  // output elements per step of each merged dim.
  std::vector<int64_t> dims, before, out_stride;
  size_t elem_bytes = 0;  // at most kPadMaxElemBytes
  int64_t rows = 0;       // input runs (product of all merged dims but the last)
  int64_t out_units = 0;  // output elements
};

// Rank after merging must not exceed this for PadFastRows (the op falls back
// to reference::Pad beyond it).
constexpr int kPadMaxMergedRank = 16;
constexpr size_t kPadMaxElemBytes = 16;

// `in_dims`, `before`, `after`: rank >= 1 non-negative values, as for
// reference::Pad; the caller checks the merged rank against
// kPadMaxMergedRank and elem_bytes against kPadMaxElemBytes.
inline void MakePadPlan(const std::vector<int32_t>& in_dims, const std::vector<int32_t>& before,
                        const std::vector<int32_t>& after, size_t elem_bytes, PadPlan* plan) {
  std::vector<int64_t> d, b, a;
  for (size_t i = 0; i < in_dims.size(); ++i) {
    if (!d.empty() && before[i] == 0 && after[i] == 0) {
      // An unpadded dim folds into its outer neighbour.
      d.back() *= in_dims[i];
      b.back() *= in_dims[i];
      a.back() *= in_dims[i];
    } else {
      d.push_back(in_dims[i]);
      b.push_back(before[i]);
      a.push_back(after[i]);
    }
  }
  plan->elem_bytes = elem_bytes;
  const size_t r = d.size();
  plan->dims = d;
  plan->before = b;
  plan->out_stride.assign(r, 0);
  int64_t count = 1;
  for (size_t i = r; i-- > 0;) {
    plan->out_stride[i] = count;
    count *= d[i] + b[i] + a[i];
  }
  plan->out_units = count;
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < r; ++i) rows *= d[i];
  plan->rows = rows;
}

// Fills `bytes` bytes (a whole number of elements) at `dst` from `pattern`,
// which holds the fill element repeated kPadPatternElems times.
constexpr size_t kPadPatternElems = 64;
inline void PadFill(uint8_t* dst, size_t bytes, const uint8_t* pattern, size_t pattern_bytes) {
  while (bytes >= pattern_bytes) {
    std::memcpy(dst, pattern, pattern_bytes);
    dst += pattern_bytes;
    bytes -= pattern_bytes;
  }
  if (bytes > 0) std::memcpy(dst, pattern, bytes);
}

// Writes the output bytes belonging to input runs [row_begin, row_end): the
// gap before each run and, for the last run, the tail of the output. (Range
// [0, rows) writes the whole output; disjoint ranges write disjoint bytes.)
// With rows == 0 or an empty run, call with [0, 1) to fill everything.
inline void PadFastRows(const PadPlan& plan, const void* value, const void* input, void* output,
                        int64_t row_begin, int64_t row_end) {
  const size_t e = plan.elem_bytes;
  uint8_t pattern[kPadPatternElems * kPadMaxElemBytes];
  const size_t pattern_bytes = kPadPatternElems * e;
  for (size_t i = 0; i < kPadPatternElems; ++i) std::memcpy(pattern + i * e, value, e);
  uint8_t* out = static_cast<uint8_t*>(output);
  const uint8_t* in = static_cast<const uint8_t*>(input);
  const int r = static_cast<int>(plan.dims.size());
  const int64_t run = plan.dims[r - 1];
  const size_t run_bytes = static_cast<size_t>(run) * e;
  const size_t total_bytes = static_cast<size_t>(plan.out_units) * e;
  if (plan.rows == 0 || run == 0) {
    if (row_begin == 0 && row_end > 0) PadFill(out, total_bytes, pattern, pattern_bytes);
    return;
  }
  // Odometer over the outer merged dims, started at row_begin.
  int64_t index[kPadMaxMergedRank];
  int64_t rem = row_begin;
  for (int i = r - 2; i >= 0; --i) {
    index[i] = rem % plan.dims[i];
    rem /= plan.dims[i];
  }
  auto run_start = [&]() {
    int64_t o = plan.before[r - 1];
    for (int i = 0; i < r - 1; ++i) o += (index[i] + plan.before[i]) * plan.out_stride[i];
    return static_cast<size_t>(o) * e;
  };
  // The gap before run `row_begin` starts where the previous run ended.
  size_t pos;
  if (row_begin == 0) {
    pos = 0;
  } else {
    int64_t prev[kPadMaxMergedRank];
    std::copy(index, index + r, prev);
    for (int i = r - 2; i >= 0; --i) {
      if (index[i]-- > 0) break;
      index[i] = plan.dims[i] - 1;
    }
    pos = run_start() + run_bytes;
    std::copy(prev, prev + r, index);
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    const size_t start = run_start();
    PadFill(out + pos, start - pos, pattern, pattern_bytes);
    std::memcpy(out + start, in + static_cast<size_t>(row) * run_bytes, run_bytes);
    pos = start + run_bytes;
    for (int i = r - 2; i >= 0; --i) {
      if (++index[i] < plan.dims[i]) break;
      index[i] = 0;
    }
  }
  if (row_end == plan.rows) PadFill(out + pos, total_bytes - pos, pattern, pattern_bytes);
}

}  // namespace edgeml::fast
