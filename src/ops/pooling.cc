// AVERAGE_POOL_2D and MAX_POOL_2D (NHWC): float32, and int8/uint8/int16 on
// raw quantized values as LiteRT does (see kernels/reference/pooling_quant.h).
#include "kernels/reference/pooling.h"

#include <memory>

#include "kernels/reference/pooling_quant.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFloat32;
using spatial_family::RequireSameType;

enum class PoolKind { kAverage, kMax };

struct PoolState : OpState {
  reference::Pool2DParams params;
  int32_t act_min = 0, act_max = 0;  // quantized clamp range
  // Type-erased kernel; the wrappers below restore the element type.
  void (*kernel)(const PoolState&, const void*, void*) = nullptr;
};

template <PoolKind kind>
void RunF32(const PoolState& s, const void* in, void* out) {
  if (kind == PoolKind::kAverage) {
    reference::AveragePool2DF32(s.params, static_cast<const float*>(in), static_cast<float*>(out));
  } else {
    reference::MaxPool2DF32(s.params, static_cast<const float*>(in), static_cast<float*>(out));
  }
}

template <PoolKind kind, typename T>
void RunQuant(const PoolState& s, const void* in, void* out) {
  if (kind == PoolKind::kAverage) {
    reference::AveragePool2DQuant<T>(s.params, s.act_min, s.act_max, static_cast<const T*>(in),
                                     static_cast<T*>(out));
  } else {
    reference::MaxPool2DQuant<T>(s.params, s.act_min, s.act_max, static_cast<const T*>(in),
                                 static_cast<T*>(out));
  }
}

template <PoolKind kind>
Status PoolPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  if (!IsQuantizedType(input.type)) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
  }
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));

  // Without an options table every field takes the format's default (which
  // fails below on the zero strides and filter).
  const tfl::Pool2DOptions* opts = Options<tfl::Pool2DOptions>(ctx);
  const tfl::Padding padding = opts ? opts->padding() : tfl::Padding::SAME;
  const int32_t stride_h = opts ? opts->stride_h() : 0;
  const int32_t stride_w = opts ? opts->stride_w() : 0;
  const int32_t filter_h = opts ? opts->filter_height() : 0;
  const int32_t filter_w = opts ? opts->filter_width() : 0;
  const tfl::ActivationFunctionType act_fn =
      opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE;
  auto state = std::make_unique<PoolState>();
  FloatRange act;
  if (input.type == DataType::kFloat32) {
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act_fn, &act));
    state->kernel = RunF32<kind>;
  } else {
    // LiteRT pools the raw values and does not enforce (only debug-checks)
    // that input and output share scale and zero point; neither do we.
    EDGEML_RETURN_IF_ERROR(
        QuantActivationRange(ctx, act_fn, ctx.output(0), &state->act_min, &state->act_max));
    switch (input.type) {
      case DataType::kInt8:
        state->kernel = RunQuant<kind, int8_t>;
        break;
      case DataType::kUInt8:
        state->kernel = RunQuant<kind, uint8_t>;
        break;
      default:
        state->kernel = RunQuant<kind, int16_t>;
        break;
    }
  }

  PaddedDim ph, pw;
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, input.dim(1), filter_h, stride_h, 1, "height", &ph));
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, input.dim(2), filter_w, stride_w, 1, "width", &pw));

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
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {p.batches, p.out_h, p.out_w, p.channels}));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status PoolEval(OpContext& ctx) {
  const PoolState* s = ctx.state<PoolState>();
  s->kernel(*s, ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

Status AveragePoolPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(PoolPrepare<PoolKind::kAverage>(ctx));
  return spatial_family::FoldIfConstant(ctx, PoolEval);
}

Status MaxPoolPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(PoolPrepare<PoolKind::kMax>(ctx));
  return spatial_family::FoldIfConstant(ctx, PoolEval);
}

}  // namespace

namespace spatial_family {

// Version 2 adds int8, version 3 int16.
OpRegistration AveragePool2DRegistration() {
  return {"AVERAGE_POOL_2D", 1, 3, AveragePoolPrepare, PoolEval};
}

OpRegistration MaxPool2DRegistration() { return {"MAX_POOL_2D", 1, 3, MaxPoolPrepare, PoolEval}; }

}  // namespace spatial_family
}  // namespace edgeml::ops
