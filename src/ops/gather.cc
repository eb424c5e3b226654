// GATHER along `axis` with `batch_dims` leading dims shared by input and
// indices. Indices (INT16/INT32/INT64) are checked against the axis on every
// eval: an out-of-range index is an error, never a stray read.
#include "kernels/reference/gather.h"

#include <memory>

#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

using GatherFn = int64_t (*)(const reference::GatherGeometry& g, const void* in,
                             const void* indices, void* out);

// Returns the position of the first bad index (nothing written) or -1.
template <typename IndexT>
int64_t CheckedGather(const reference::GatherGeometry& g, const void* in, const void* indices,
                      void* out) {
  const IndexT* idx = static_cast<const IndexT*>(indices);
  const int64_t bad = reference::FindBadGatherIndex(idx, g.batch * g.coords, g.axis_size);
  if (bad < 0) reference::Gather(g, in, idx, out);
  return bad;
}

struct GatherState : OpState {
  reference::GatherGeometry geometry;
  GatherFn kernel = nullptr;
};

int64_t IndexAt(const Tensor& indices, int64_t i) {
  switch (indices.type) {
    case DataType::kInt16:
      return indices.data_as<int16_t>()[i];
    case DataType::kInt32:
      return indices.data_as<int32_t>()[i];
    default:
      return indices.data_as<int64_t>()[i];
  }
}

Status BadIndex(OpContext& ctx, StatusCode code, const Tensor& indices, int64_t position,
                int64_t axis_size) {
  return ctx.Error(code, "index %lld at position %lld of %s is outside [0, %lld)",
                   static_cast<long long>(IndexAt(indices, position)),
                   static_cast<long long>(position), ctx.Describe(indices).c_str(),
                   static_cast<long long>(axis_size));
}

Status GatherEval(OpContext& ctx) {
  const GatherState* s = ctx.state<GatherState>();
  const Tensor& indices = ctx.input(1);
  const int64_t bad = s->kernel(s->geometry, ctx.input(0).data, indices.data, ctx.output(0).data);
  if (bad >= 0) {
    return BadIndex(ctx, StatusCode::kInvalidArgument, indices, bad, s->geometry.axis_size);
  }
  return Status::Ok();
}

// As LiteRT: axis in [-rank, rank); batch_dims (negative counts from the
// indices' rank) in [0, min(axis, rank(indices))] and below the input rank;
// the first batch_dims dims of input and indices agree. Output shape:
// input[:axis] + indices[batch_dims:] + input[axis+1:].
Status GatherPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, indices, "indices"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(0)));
  auto state = std::make_unique<GatherState>();
  switch (indices.type) {
    case DataType::kInt16:
      state->kernel = CheckedGather<int16_t>;
      break;
    case DataType::kInt32:
      state->kernel = CheckedGather<int32_t>;
      break;
    case DataType::kInt64:
      state->kernel = CheckedGather<int64_t>;
      break;
    default:
      return ctx.Unsupported("indices %s have type %s; expected INT16, INT32 or INT64",
                             ctx.Describe(indices).c_str(), DataTypeName(indices.type).c_str());
  }
  const auto* opts = Options<tfl::GatherOptions>(ctx);
  const int in_rank = in.rank();
  const int idx_rank = indices.rank();
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, opts ? opts->axis() : 0, in_rank, "axis", &axis));
  int64_t batch_dims = opts ? opts->batch_dims() : 0;
  if (batch_dims < 0) batch_dims += idx_rank;
  if (batch_dims < 0 || batch_dims > axis || batch_dims >= in_rank || batch_dims > idx_rank) {
    return ctx.InvalidModel(
        "batch_dims %d is out of range for axis %d, input rank %d and "
        "indices rank %d",
        opts ? opts->batch_dims() : 0, axis, in_rank, idx_rank);
  }
  const int bd = static_cast<int>(batch_dims);
  for (int i = 0; i < bd; ++i) {
    if (in.dim(i) != indices.dim(i)) {
      return ctx.InvalidModel("batch dim %d differs: input %s has %d, indices %s have %d", i,
                              ctx.Describe(in).c_str(), in.dim(i), ctx.Describe(indices).c_str(),
                              indices.dim(i));
    }
  }
  reference::GatherGeometry& g = state->geometry;
  Shape shape;
  for (int i = 0; i < axis; ++i) {
    shape.push_back(in.dim(i));
    (i < bd ? g.batch : g.outer) *= in.dim(i);
  }
  for (int i = bd; i < idx_rank; ++i) {
    shape.push_back(indices.dim(i));
    g.coords *= indices.dim(i);
  }
  g.row_bytes = static_cast<int64_t>(DataTypeSize(in.type));
  for (int i = axis + 1; i < in_rank; ++i) {
    shape.push_back(in.dim(i));
    g.row_bytes *= in.dim(i);
  }
  g.axis_size = in.dim(axis);
  // Constant indices are the model's own: check them now.
  if (indices.is_constant()) {
    for (int64_t i = 0; i < indices.num_elements(); ++i) {
      const int64_t v = IndexAt(indices, i);
      if (v < 0 || v >= g.axis_size) {
        return BadIndex(ctx, StatusCode::kInvalidModel, indices, i, g.axis_size);
      }
    }
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, GatherEval);
}

}  // namespace

void RegisterGatherOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::GATHER, 1, 7, GatherPrepare, GatherEval);
}

}  // namespace edgeml::ops::shape_family
