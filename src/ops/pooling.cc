// AVERAGE_POOL_2D and MAX_POOL_2D (NHWC, float32).
#include "kernels/reference/pooling.h"

#include <memory>

#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFloat32;
using spatial_family::RequireSameType;

struct PoolState : OpState {
  reference::Pool2DParams params;
  void (*kernel)(const reference::Pool2DParams&, const float*, float*) = nullptr;
};

Status PoolPrepare(OpContext& ctx,
                   void (*kernel)(const reference::Pool2DParams&, const float*, float*)) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));

  // Without an options table every field takes the format's default (which
  // fails below on the zero strides and filter).
  const tfl::Pool2DOptions* opts = Options<tfl::Pool2DOptions>(ctx);
  const tfl::Padding padding = opts ? opts->padding() : tfl::Padding::SAME;
  const int32_t stride_h = opts ? opts->stride_h() : 0;
  const int32_t stride_w = opts ? opts->stride_w() : 0;
  const int32_t filter_h = opts ? opts->filter_height() : 0;
  const int32_t filter_w = opts ? opts->filter_width() : 0;
  FloatRange act;
  EDGEML_RETURN_IF_ERROR(ActivationRange(
      ctx, opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE, &act));

  PaddedDim ph, pw;
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, input.dim(1), filter_h, stride_h, 1, "height", &ph));
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, input.dim(2), filter_w, stride_w, 1, "width", &pw));

  auto state = std::make_unique<PoolState>();
  reference::Pool2DParams& p = state->params;
  p.batches = input.dim(0);
  p.in_h = input.dim(1);
  p.in_w = input.dim(2);
  p.channels = input.dim(3);
  p.out_h = ph.out;
  p.out_w = pw.out;
  p.filter_h = filter_h;
  p.filter_w = filter_w;
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  p.pad_top = ph.pad_before;
  p.pad_left = pw.pad_before;
  p.act_min = act.min;
  p.act_max = act.max;
  state->kernel = kernel;
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {p.batches, p.out_h, p.out_w, p.channels}));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status PoolEval(OpContext& ctx) {
  const PoolState* s = ctx.state<PoolState>();
  s->kernel(s->params, ctx.input(0).data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status AveragePoolPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(PoolPrepare(ctx, reference::AveragePool2DF32));
  return spatial_family::FoldIfConstant(ctx, PoolEval);
}

Status MaxPoolPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(PoolPrepare(ctx, reference::MaxPool2DF32));
  return spatial_family::FoldIfConstant(ctx, PoolEval);
}

}  // namespace

namespace spatial_family {

// Versions 2 and 3 add int8 and int16, which prepare rejects by type.
OpRegistration AveragePool2DRegistration() {
  return {"AVERAGE_POOL_2D", 1, 3, AveragePoolPrepare, PoolEval};
}

OpRegistration MaxPool2DRegistration() { return {"MAX_POOL_2D", 1, 3, MaxPoolPrepare, PoolEval}; }

}  // namespace spatial_family
}  // namespace edgeml::ops
