// DEPTHWISE_CONV_2D: filter [1, H, W, in_ch * multiplier].
#include "kernels/reference/depthwise_conv.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/reference/conv_quant.h"
#include "kernels/reference/hybrid.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using conv_family::ChannelMultipliers;
using conv_family::CheckOptionalBias;
using conv_family::CheckPositive;
using conv_family::PrepareQuant;
using conv_family::QuantSetup;
using conv_family::RequireFloat32;
using conv_family::RequireInput;
using conv_family::SetQuantParams;

struct DepthwiseState : OpState {
  reference::ConvParams params;
  reference::ConvShape shape;
  int32_t depth_multiplier = 1;
  bool has_bias = false;
  reference::QuantConvParams qparams;
  std::vector<quant::Multiplier> multipliers;
  conv_family::HybridWeights hybrid;      // hybrid nodes
  conv_family::HybridScratchIds scratch;  // hybrid nodes
  conv_family::FastConvF32 fast;          // float nodes on SIMD CPUs
  Status (*run)(OpContext& ctx, const DepthwiseState& s) = nullptr;
};

// LiteRT's hybrid depthwise always quantizes each batch image asymmetrically.
Status RunDepthwiseHybrid(OpContext& ctx, const DepthwiseState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  const reference::HybridScratch h = s.scratch.Get(ctx);
  reference::HybridDepthwiseConv(s.params, s.shape, s.depth_multiplier,
                                 ctx.input(0).data_as<float>(), ctx.input(1).data_as<int8_t>(),
                                 s.hybrid.scales.data(), bias, h, ctx.output(0).data_as<float>());
  return Status::Ok();
}

template <typename In, typename W, typename Acc>
Status RunDepthwiseQuant(OpContext& ctx, const DepthwiseState& s) {
  const Acc* bias = s.has_bias ? ctx.input(2).data_as<Acc>() : nullptr;
  reference::DepthwiseConvQuant<In, W, Acc, In>(
      s.params, s.qparams, s.shape, s.depth_multiplier, ctx.input(0).data_as<In>(),
      ctx.input(1).data_as<W>(), bias, ctx.output(0).data_as<In>());
  return Status::Ok();
}

Status RunDepthwiseF32(OpContext& ctx, const DepthwiseState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  reference::DepthwiseConvF32(s.params, s.shape, s.depth_multiplier, ctx.input(0).data_as<float>(),
                              ctx.input(1).data_as<float>(), bias, ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status RunDepthwiseF32Fast(OpContext& ctx, const DepthwiseState& s) {
  conv_family::RunFastConvF32(ctx, s.fast, s.params, s.shape);
  return Status::Ok();
}

Status DepthwisePrepare(OpContext& ctx) {
  bool quantized = false, hybrid = false;
  EDGEML_RETURN_IF_ERROR(conv_family::CheckConvLikeInputs(ctx, &quantized, &hybrid));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  const auto* opts = Options<tfl::DepthwiseConv2DOptions>(ctx);
  conv_family::ConvWindow window;
  EDGEML_RETURN_IF_ERROR(conv_family::ReadConvWindow(ctx, opts, &window));
  const auto act = window.act;

  auto state = std::make_unique<DepthwiseState>();
  reference::ConvShape& s = state->shape;
  s.batch = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_ch = input.dim(3);
  s.filter_h = filter.dim(1);
  s.filter_w = filter.dim(2);
  s.out_ch = filter.dim(3);
  EDGEML_OP_ENSURE(ctx, filter.dim(0) == 1, "filter %s has shape %s, expected [1, H, W, O]",
                   ctx.Describe(filter).c_str(), ShapeToString(filter.shape).c_str());
  EDGEML_OP_ENSURE(ctx, s.in_ch > 0, "input %s has shape %s: depth must be positive",
                   ctx.Describe(input).c_str(), ShapeToString(input.shape).c_str());
  // Like LiteRT, the multiplier comes from the shapes; the option's
  // depth_multiplier is not trusted (converters leave it stale).
  EDGEML_OP_ENSURE(ctx, s.out_ch % s.in_ch == 0,
                   "filter %s has %d output channels, not a multiple of the %d channels of "
                   "input %s",
                   ctx.Describe(filter).c_str(), s.out_ch, s.in_ch, ctx.Describe(input).c_str());
  state->depth_multiplier = s.out_ch / s.in_ch;
  if (!quantized) EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, 2, s.out_ch, &state->has_bias));

  reference::ConvParams& p = state->params;
  EDGEML_RETURN_IF_ERROR(conv_family::PlanConvWindow(ctx, window, &s, &p));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {s.batch, s.out_h, s.out_w, s.out_ch}));
  if (quantized) {
    QuantSetup q;
    EDGEML_RETURN_IF_ERROR(
        PrepareQuant(ctx, 0, 1, 2, s.out_ch, /*quant_dim=*/3, act, tfl::TensorType::INT64, &q));
    // LiteRT's 16x8 depthwise kernel accumulates in int64 with an int64 bias only.
    EDGEML_OP_ENSURE(ctx,
                     !(q.type == DataType::kInt16 && q.has_bias && q.bias_type != DataType::kInt64),
                     "bias %s must be INT64 with INT16 input", ctx.Describe(ctx.input(2)).c_str());
    state->has_bias = q.has_bias;
    state->multipliers = ChannelMultipliers(q, /*float_product=*/q.type == DataType::kUInt8);
    SetQuantParams(q, state->multipliers, &state->qparams);
    if (q.type != DataType::kUInt8) state->qparams.filter_offset = 0;  // symmetric weights
    switch (q.type) {
      case DataType::kUInt8:
        state->run = RunDepthwiseQuant<uint8_t, uint8_t, int32_t>;
        break;
      case DataType::kInt8:
        state->run = RunDepthwiseQuant<int8_t, int8_t, int32_t>;
        break;
      default:
        state->run = RunDepthwiseQuant<int16_t, int8_t, int64_t>;
    }
  } else {
    FloatRange range;
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &range));
    p.act_min = range.min;
    p.act_max = range.max;
    state->run = RunDepthwiseF32;
    if (!hybrid && state->depth_multiplier == 1) {
      conv_family::PrepareFastConvF32(ctx, s, state->has_bias, /*depthwise=*/true, &state->fast);
      if (state->fast.rows != nullptr) state->run = RunDepthwiseF32Fast;
    }
    if (hybrid) {
      EDGEML_RETURN_IF_ERROR(
          conv_family::PrepareHybridWeights(ctx, 1, s.out_ch, /*quant_dim=*/3, &state->hybrid));
      EDGEML_RETURN_IF_ERROR(state->scratch.Request(ctx, input.num_elements(), s.batch));
      state->run = RunDepthwiseHybrid;
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status DepthwiseEval(OpContext& ctx) {
  const DepthwiseState* s = ctx.state<DepthwiseState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration DepthwiseConv2DRegistration() {
  OpRegistration r;
  r.name = "DEPTHWISE_CONV_2D";
  r.min_version = 1;
  r.max_version = 7;
  r.prepare = DepthwisePrepare;
  r.eval = DepthwiseEval;
  return r;
}

}  // namespace conv_family
}  // namespace edgeml::ops
