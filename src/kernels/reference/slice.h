// SLICE and STRIDED_SLICE: index resolution (LiteRT's clamping rules) and the
// strided copy. The resolution is pure integer logic so it can be tested on
// its own; the copy moves elements as T, chosen by element size.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace edgeml::reference {

constexpr int kMaxSliceRank = 8;

// One axis of a strided copy: first input index, step, and output count.
struct SliceAxis {
  int64_t start = 0;
  int64_t stride = 1;
  int64_t count = 0;
};

// Copies the elements selected by `axes` (one per input dim) from a row-major
// input of shape in_dims to a dense output. Precondition: every selected index
// start + k * stride (k < count) lies in [0, in_dims[a]); rank <= kMaxSliceRank.
template <typename T>
void StridedSlice(const std::vector<int32_t>& in_dims, const SliceAxis* axes, const T* in, T* out) {
  const int rank = static_cast<int>(in_dims.size());
  if (rank == 0) {
    out[0] = in[0];
    return;
  }
  int64_t in_stride[kMaxSliceRank];
  int64_t s = 1;
  for (int a = rank - 1; a >= 0; --a) {
    in_stride[a] = s;
    s *= in_dims[a];
  }
  for (int a = 0; a < rank; ++a) {
    if (axes[a].count <= 0) return;
  }
  int64_t idx[kMaxSliceRank] = {};
  int64_t src = 0;
  for (int a = 0; a < rank; ++a) src += axes[a].start * in_stride[a];
  const int64_t inner = axes[rank - 1].count;
  const int64_t inner_step = axes[rank - 1].stride * in_stride[rank - 1];
  while (true) {
    const T* row = in + src;
    for (int64_t i = 0; i < inner; ++i) out[i] = row[i * inner_step];
    out += inner;
    int a = rank - 2;
    for (; a >= 0; --a) {
      const int64_t step = axes[a].stride * in_stride[a];
      src += step;
      if (++idx[a] < axes[a].count) break;
      src -= step * axes[a].count;
      idx[a] = 0;
    }
    if (a < 0) return;
  }
}

// STRIDED_SLICE parameters as the format stores them: one entry per index
// spec in begin/end/strides plus the five masks and the offset flag.
struct StridedSliceSpec {
  std::vector<int32_t> begin, end, strides;
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
};

// Result of resolving a spec against an input shape: the input seen with the
// new axes inserted (size 1), a copy plan over it, and the output shape
// (shrunk axes removed).
struct StridedSlicePlan {
  std::vector<int32_t> effective_dims;
  std::vector<SliceAxis> axes;
  std::vector<int32_t> out_shape;
};

namespace slice_detail {

inline int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

}  // namespace slice_detail

// Follows LiteRT's strided_slice: the ellipsis expands to cover the dims the
// other specs leave, new axes insert size-1 dims, then each axis is resolved
// with negative indices wrapped once, begin clamped to [0, n] ([-1, n-1] for
// negative strides), end (begin + end with `offset`) clamped the same way and
// the masks overriding both. Mask bits past the number of specs are ignored.
// Stricter than LiteRT where it would read out of bounds or divide by zero:
// stride 0, more than one ellipsis, more specs than dims, and a shrunk axis
// whose index is outside the dim are errors. Returns "" or an error message.
inline std::string ResolveStridedSlice(const std::vector<int32_t>& in_dims,
                                       const StridedSliceSpec& spec, StridedSlicePlan* plan) {
  const int input_dims = static_cast<int>(in_dims.size());
  const int count = static_cast<int>(spec.begin.size());
  if (spec.end.size() != spec.begin.size() || spec.strides.size() != spec.begin.size()) {
    return "begin, end and strides must have the same length";
  }
  if (count > 31) return "more than 31 index specs";
  const int32_t valid_bits = static_cast<int32_t>((uint32_t{1} << count) - 1);
  const int32_t ellipsis_mask = spec.ellipsis_mask & valid_bits;
  const int32_t new_axis_mask = spec.new_axis_mask & valid_bits;
  if (ellipsis_mask & (ellipsis_mask - 1)) return "more than one ellipsis in ellipsis_mask";

  int num_add_axis = 0;
  for (int i = 0; i < count; ++i) {
    if (!(ellipsis_mask & (1 << i)) && (new_axis_mask & (1 << i))) ++num_add_axis;
  }
  const int effective = input_dims + num_add_axis;
  if (effective > kMaxSliceRank) {
    return "rank " + std::to_string(effective) + " after new axes exceeds " +
           std::to_string(kMaxSliceRank);
  }
  // Without an ellipsis every spec but the new axes consumes one input dim.
  if (!ellipsis_mask && count - num_add_axis > input_dims) {
    return std::to_string(count) + " index specs for an input of rank " +
           std::to_string(input_dims);
  }

  // Mark the effective dims covered by the ellipsis and by new axes.
  uint32_t eff_ellipsis = 0, eff_new_axis = 0;
  int ellipsis_start = effective, expanded = 0;
  for (int i = 0; i < effective;) {
    if (ellipsis_mask & (1 << i)) {
      ellipsis_start = i;
      const int end_idx =
          std::max(i + 1, std::min(i + 1 + num_add_axis + input_dims - count, effective));
      expanded = end_idx - ellipsis_start - 1;
      for (; i < end_idx; ++i) eff_ellipsis |= 1u << i;
      continue;
    }
    const int orig = i - expanded;
    if (orig < count && (new_axis_mask & (1 << orig))) eff_new_axis |= 1u << i;
    ++i;
  }

  plan->effective_dims.assign(effective, 1);
  plan->axes.assign(effective, SliceAxis{});
  plan->out_shape.clear();
  int added_axes = 0;
  int added_ellipsis = 0;
  for (int i = 0; i < effective; ++i) {
    int64_t begin = 0, end = 0, stride = 1;
    bool begin_masked = false, end_masked = false, shrink = false;
    if (eff_ellipsis & (1u << i)) {
      added_ellipsis = std::max(0, i - ellipsis_start);
      begin_masked = end_masked = true;
    } else if (eff_new_axis & (1u << i)) {
      end = 1;
    } else if (i >= count + expanded) {
      begin_masked = end_masked = true;
    } else {
      const int orig = i - added_ellipsis;
      if (orig < 0 || orig >= count) return "index specs do not line up with the input";
      begin = spec.begin[orig];
      end = spec.end[orig];
      stride = spec.strides[orig];
      begin_masked = spec.begin_mask & (1 << orig);
      end_masked = spec.end_mask & (1 << orig);
      shrink = spec.shrink_axis_mask & (1 << orig);
    }
    const bool new_axis = eff_new_axis & (1u << i);
    int64_t dim = 1;
    if (!new_axis) {
      const int in_idx = i - added_axes;
      if (in_idx < 0 || in_idx >= input_dims) return "index specs do not line up with the input";
      dim = in_dims[in_idx];
    } else {
      ++added_axes;
    }
    plan->effective_dims[i] = static_cast<int32_t>(dim);
    if (stride == 0) return "stride of axis " + std::to_string(i) + " is 0";

    // Begin: wrap negatives once, clamp, then let the mask override.
    int64_t start = begin < 0 ? begin + dim : begin;
    start =
        stride > 0 ? slice_detail::Clamp(start, 0, dim) : slice_detail::Clamp(start, -1, dim - 1);
    if (begin_masked) start = stride > 0 ? 0 : dim - 1;

    int64_t count_a;
    if (shrink) {
      if (start < 0 || start >= dim) {
        return "shrunk axis " + std::to_string(i) + " index " + std::to_string(begin) +
               " is outside a dim of " + std::to_string(dim);
      }
      count_a = 1;
    } else {
      int64_t stop = spec.offset ? end + start : end;
      if (stop < 0) stop += dim;
      stop =
          stride > 0 ? slice_detail::Clamp(stop, 0, dim) : slice_detail::Clamp(stop, -1, dim - 1);
      if (end_masked) stop = stride > 0 ? dim : -1;
      count_a =
          stride > 0 ? (stop - start + stride - 1) / stride : (start - stop - stride - 1) / -stride;
      if (count_a < 0) count_a = 0;
      plan->out_shape.push_back(static_cast<int32_t>(count_a));
    }
    // An empty axis never reads; pin its start so the plan stays in range.
    if (count_a == 0) start = 0;
    plan->axes[i] = SliceAxis{start, stride, count_a};
  }
  return "";
}

}  // namespace edgeml::reference
