// SLICE and STRIDED_SLICE. Both resolve their constant index inputs at
// prepare into a per-axis copy plan (start, stride, count) over the input;
// eval is one strided copy.
#include "kernels/reference/slice.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

template <typename T>
struct SliceKernel {
  static void Run(const Shape& dims, const reference::SliceAxis* axes, const void* in, void* out) {
    reference::StridedSlice<T>(dims, axes, static_cast<const T*>(in), static_cast<T*>(out));
  }
};

struct SliceState : OpState {
  Shape effective_dims;  // the input's dims with new axes inserted
  std::vector<reference::SliceAxis> axes;
  decltype(&SliceKernel<uint8_t>::Run) kernel = nullptr;
};

Status SliceEval(OpContext& ctx) {
  const SliceState* s = ctx.state<SliceState>();
  s->kernel(s->effective_dims, s->axes.data(), ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

Status FinishPrepare(OpContext& ctx, std::unique_ptr<SliceState> state, const Shape& out_shape) {
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(0)));
  state->kernel = PickBySize<SliceKernel>(DataTypeSize(in.type));
  if (state->kernel == nullptr) {
    return ctx.Unsupported("element type %s", DataTypeName(in.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, SliceEval);
}

// Reads a constant 1-D index vector; int64 values are clamped into int32
// (every index is clamped to the dim anyway).
Status ReadIndexVector(OpContext& ctx, int input, const char* role, std::vector<int32_t>* out) {
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, input, role));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, ctx.input(input), 1, role));
  std::vector<int64_t> values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, input, role, &values));
  out->resize(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    (*out)[i] = static_cast<int32_t>(std::clamp<int64_t>(
        values[i], std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
  }
  return Status::Ok();
}

// ------------------------------------------------------------ STRIDED_SLICE

Status StridedSlicePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 4, 4, 1));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  reference::StridedSliceSpec spec;
  EDGEML_RETURN_IF_ERROR(ReadIndexVector(ctx, 1, "begin", &spec.begin));
  EDGEML_RETURN_IF_ERROR(ReadIndexVector(ctx, 2, "end", &spec.end));
  EDGEML_RETURN_IF_ERROR(ReadIndexVector(ctx, 3, "strides", &spec.strides));
  if (const auto* opts = Options<tfl::StridedSliceOptions>(ctx)) {
    spec.begin_mask = opts->begin_mask();
    spec.end_mask = opts->end_mask();
    spec.ellipsis_mask = opts->ellipsis_mask();
    spec.new_axis_mask = opts->new_axis_mask();
    spec.shrink_axis_mask = opts->shrink_axis_mask();
    spec.offset = opts->offset();
  }
  if (in.rank() > reference::kMaxSliceRank) {
    return ctx.Unsupported("input %s has rank %d; at most %d is supported",
                           ctx.Describe(in).c_str(), in.rank(), reference::kMaxSliceRank);
  }
  reference::StridedSlicePlan plan;
  const std::string error = reference::ResolveStridedSlice(in.shape, spec, &plan);
  if (!error.empty()) {
    return ctx.InvalidModel("input %s: %s", ctx.Describe(in).c_str(), error.c_str());
  }
  auto state = std::make_unique<SliceState>();
  state->effective_dims = plan.effective_dims;
  state->axes = plan.axes;
  return FinishPrepare(ctx, std::move(state), plan.out_shape);
}

// -------------------------------------------------------------------- SLICE

// begin and size have one entry per input dim; size -1 means "to the end".
Status SlicePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  const int rank = in.rank();
  if (rank > reference::kMaxSliceRank) {
    return ctx.Unsupported("input %s has rank %d; at most %d is supported",
                           ctx.Describe(in).c_str(), rank, reference::kMaxSliceRank);
  }
  std::vector<int64_t> begin, size;
  for (int i = 1; i <= 2; ++i) {
    const char* role = i == 1 ? "begin" : "size";
    EDGEML_RETURN_IF_ERROR(RequireInput(ctx, i, role));
    EDGEML_RETURN_IF_ERROR(CheckRank(ctx, ctx.input(i), 1, role));
    EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, i, role, i == 1 ? &begin : &size));
  }
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(size.size()) != rank) {
    return ctx.InvalidModel("begin has %zu and size %zu entries; input %s has rank %d",
                            begin.size(), size.size(), ctx.Describe(in).c_str(), rank);
  }
  auto state = std::make_unique<SliceState>();
  state->effective_dims = in.shape;
  state->axes.resize(rank);
  Shape out_shape(rank);
  for (int a = 0; a < rank; ++a) {
    const int64_t dim = in.dim(a);
    int64_t b = begin[a], n = size[a];
    if (b < 0 || b > dim) {
      return ctx.InvalidModel("begin %lld of dim %d is outside [0, %lld]",
                              static_cast<long long>(b), a, static_cast<long long>(dim));
    }
    if (n == -1) n = dim - b;
    if (n < 0 || n > dim - b) {
      return ctx.InvalidModel("size %lld of dim %d with begin %lld exceeds the dim %lld",
                              static_cast<long long>(size[a]), a, static_cast<long long>(b),
                              static_cast<long long>(dim));
    }
    state->axes[a] = reference::SliceAxis{n > 0 ? b : 0, 1, n};
    out_shape[a] = static_cast<int32_t>(n);
  }
  return FinishPrepare(ctx, std::move(state), out_shape);
}

}  // namespace

void RegisterSliceOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::STRIDED_SLICE, 1, 8, StridedSlicePrepare, SliceEval);
  AddOp(r, tfl::BuiltinOperator::SLICE, 1, 6, SlicePrepare, SliceEval);
}

}  // namespace edgeml::ops::shape_family
