// Last-axis normalizations: SOFTMAX (with beta) and L2_NORMALIZATION.
#include "kernels/reference/softmax.h"

#include <memory>

#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct RowsState : OpState {
  int64_t outer = 0;
  int64_t depth = 0;
  float beta = 0.0f;
};

// Shared checks: one FLOAT32 input of rank >= 1, same-typed output of the
// same shape; the input viewed as [outer, depth] over its last axis.
Status PrepareRows(OpContext& ctx, std::unique_ptr<RowsState>* state) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, {DataType::kFloat32}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  if (in.rank() < 1) {
    return ctx.InvalidModel("input %s must have rank >= 1, has shape %s", ctx.Describe(in).c_str(),
                            ShapeToString(in.shape).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  auto s = std::make_unique<RowsState>();
  s->depth = in.shape.back();
  s->outer = s->depth == 0 ? 0 : in.num_elements() / s->depth;
  *state = std::move(s);
  return Status::Ok();
}

Status SoftmaxPrepare(OpContext& ctx) {
  std::unique_ptr<RowsState> s;
  EDGEML_RETURN_IF_ERROR(PrepareRows(ctx, &s));
  // Without options LiteRT reads beta as the format's default, 0.
  const auto* o = Options<tfl::SoftmaxOptions>(ctx);
  s->beta = o ? o->beta() : 0.0f;
  ctx.set_state(std::move(s));
  return Status::Ok();
}

Status SoftmaxEval(OpContext& ctx) {
  const RowsState* s = ctx.state<RowsState>();
  reference::Softmax(s->outer, s->depth, s->beta, ctx.input(0).data_as<float>(),
                     ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status L2NormPrepare(OpContext& ctx) {
  std::unique_ptr<RowsState> s;
  EDGEML_RETURN_IF_ERROR(PrepareRows(ctx, &s));
  // LiteRT accepts no fused activation here.
  if (const auto* o = Options<tfl::L2NormOptions>(ctx)) {
    if (o->fused_activation_function() != tfl::ActivationFunctionType::NONE) {
      return ctx.InvalidModel("fused activation %s is not allowed (must be NONE)",
                              tfl::EnumNameActivationFunctionType(o->fused_activation_function()));
    }
  }
  ctx.set_state(std::move(s));
  return Status::Ok();
}

Status L2NormEval(OpContext& ctx) {
  const RowsState* s = ctx.state<RowsState>();
  reference::L2Normalize(s->outer, s->depth, ctx.input(0).data_as<float>(),
                         ctx.output(0).data_as<float>());
  return Status::Ok();
}

}  // namespace

void RegisterSoftmaxOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  AddOp(r, Op::SOFTMAX, 1, 3, SoftmaxPrepare, SoftmaxEval);
  AddOp(r, Op::L2_NORMALIZATION, 1, 2, L2NormPrepare, L2NormEval);
}

}  // namespace edgeml::ops::elementwise_family
