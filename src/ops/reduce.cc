// MEAN, SUM and REDUCE_MAX (float32) over a constant int32 axis list.
#include "kernels/reference/reduce.h"

#include <memory>
#include <vector>

#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFloat32;
using spatial_family::RequireSameType;

using ReduceKernel = void (*)(const reference::ReduceGeometry&, const float*, float*, int64_t*);

struct ReduceState : OpState {
  reference::ReduceGeometry geometry;
  std::vector<int64_t> index;  // kernel workspace, sized at prepare
  ReduceKernel kernel = nullptr;
};

Status ReduceEval(OpContext& ctx) {
  ReduceState* s = ctx.state<ReduceState>();
  s->kernel(s->geometry, ctx.input(0).data_as<float>(), ctx.output(0).data_as<float>(),
            s->index.data());
  return Status::Ok();
}

Status ReducePrepare(OpContext& ctx, ReduceKernel kernel) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(1), DataType::kInt32, "axis"));
  std::vector<int64_t> axes;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "axis", &axes));

  const tfl::ReducerOptions* opts = Options<tfl::ReducerOptions>(ctx);
  const bool keep_dims = opts && opts->keep_dims();
  const int rank = input.rank();
  std::vector<bool> reduced(rank, false);
  // LiteRT gives a scalar input a scalar output whatever the axes say.
  if (rank > 0) {
    for (int64_t a : axes) {
      int axis = 0;
      EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, a, rank, "axis", &axis));
      reduced[axis] = true;  // duplicates reduce once
    }
  }
  Shape out_shape;
  for (int i = 0; i < rank; ++i) {
    if (!reduced[i]) {
      out_shape.push_back(input.dim(i));
    } else if (keep_dims) {
      out_shape.push_back(1);
    }
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));

  auto state = std::make_unique<ReduceState>();
  state->geometry = reference::MakeReduceGeometry(input.shape, reduced);
  state->index.assign(state->geometry.dims.size() + 1, 0);
  state->kernel = kernel;
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, ReduceEval);
}

Status MeanPrepare(OpContext& ctx) { return ReducePrepare(ctx, reference::MeanF32); }
Status SumPrepare(OpContext& ctx) { return ReducePrepare(ctx, reference::SumF32); }
Status ReduceMaxPrepare(OpContext& ctx) { return ReducePrepare(ctx, reference::ReduceMaxF32); }

}  // namespace

namespace spatial_family {

// Later versions add quantized types, which prepare rejects by type.
OpRegistration MeanRegistration() { return {"MEAN", 1, 3, MeanPrepare, ReduceEval}; }
OpRegistration SumRegistration() { return {"SUM", 1, 2, SumPrepare, ReduceEval}; }
OpRegistration ReduceMaxRegistration() {
  return {"REDUCE_MAX", 1, 3, ReduceMaxPrepare, ReduceEval};
}

}  // namespace spatial_family
}  // namespace edgeml::ops
