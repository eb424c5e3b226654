// TRANSPOSE_CONV: inputs (output_shape, weights OHWI, input, optional bias).
#include "kernels/reference/transpose_conv.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/reference/conv_quant.h"
#include "kernels/transpose_conv_f32.h"
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

constexpr int kOutputShape = 0;
constexpr int kWeights = 1;
constexpr int kInput = 2;
constexpr int kBias = 3;

struct TransposeConvState : OpState {
  reference::ConvParams params;
  reference::ConvShape shape;
  bool has_bias = false;
  reference::QuantConvParams qparams;
  std::vector<quant::Multiplier> multipliers;
  int scratch_id = -1;              // int32/int64 accumulators of quantized nodes
  fast::FastTransposeConvF32 fast;  // float32 with constant weights (and bias)
  Status (*run)(OpContext& ctx, const TransposeConvState& s) = nullptr;
};

template <typename In, typename W, typename Acc>
Status RunTransposeConvQuant(OpContext& ctx, const TransposeConvState& s) {
  const Acc* bias = s.has_bias ? ctx.input(kBias).data_as<Acc>() : nullptr;
  reference::TransposeConvQuant<In, W, Acc, In>(
      s.params, s.qparams, s.shape, ctx.input(kInput).data_as<In>(),
      ctx.input(kWeights).data_as<W>(), bias, static_cast<Acc*>(ctx.scratch(s.scratch_id)),
      ctx.output(0).data_as<In>());
  return Status::Ok();
}

Status RunTransposeConvF32(OpContext& ctx, const TransposeConvState& s) {
  if (s.fast.rows != nullptr) {
    fast::RunFastTransposeConvF32(s.fast, s.params, s.shape, ctx.input(kInput).data_as<float>(),
                                  /*bias_first=*/false, ctx.output(0).data_as<float>(),
                                  [&ctx](int64_t n, auto& fn) { ctx.ParallelFor(n, 1, fn); });
    return Status::Ok();
  }
  const float* bias = s.has_bias ? ctx.input(kBias).data_as<float>() : nullptr;
  reference::TransposeConvF32(s.params, s.shape, ctx.input(kInput).data_as<float>(),
                              ctx.input(kWeights).data_as<float>(), bias, /*bias_first=*/false,
                              ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status TransposeConvPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 4, 1));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, kOutputShape, "output_shape"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, kWeights, "weights"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, kInput, "input"));
  const Tensor& shape_t = ctx.input(kOutputShape);
  const Tensor& weights = ctx.input(kWeights);
  const Tensor& input = ctx.input(kInput);
  const bool quantized = IsQuantizedType(input.type);
  if (!quantized) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, weights, "weights"));
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  }
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, weights, 4, "weights"));

  // The output shape is data; only a constant one can be planned ahead.
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, shape_t, DataType::kInt32, "output_shape"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, shape_t, 1, "output_shape"));
  EDGEML_OP_ENSURE(ctx, shape_t.dim(0) == 4, "output_shape %s has %d elements, expected 4",
                   ctx.Describe(shape_t).c_str(), shape_t.dim(0));
  if (!shape_t.is_constant()) {
    return ctx.Unsupported(
        "output_shape %s is not constant (dynamic output shapes are not "
        "supported)",
        ctx.Describe(shape_t).c_str());
  }
  std::vector<int64_t> out_dims;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, kOutputShape, "output_shape", &out_dims));
  EDGEML_OP_ENSURE(ctx, out_dims.size() == 4, "output_shape %s has %zu values, expected 4",
                   ctx.Describe(shape_t).c_str(), out_dims.size());

  const auto* opts = Options<tfl::TransposeConvOptions>(ctx);
  const tfl::Padding padding = opts ? opts->padding() : tfl::Padding::SAME;
  const int32_t stride_h = opts ? opts->stride_h() : 0;
  const int32_t stride_w = opts ? opts->stride_w() : 0;
  const auto act = opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE;
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, stride_h, "stride_h"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, stride_w, "stride_w"));

  auto state = std::make_unique<TransposeConvState>();
  reference::ConvShape& s = state->shape;
  s.batch = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_ch = input.dim(3);
  s.out_ch = weights.dim(0);
  s.filter_h = weights.dim(1);
  s.filter_w = weights.dim(2);
  s.filter_in_ch = weights.dim(3);
  EDGEML_OP_ENSURE(ctx, s.filter_in_ch == s.in_ch,
                   "input %s has %d channels but weights %s (shape %s) expect %d",
                   ctx.Describe(input).c_str(), s.in_ch, ctx.Describe(weights).c_str(),
                   ShapeToString(weights.shape).c_str(), s.filter_in_ch);
  if (!quantized) {
    EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, kBias, s.out_ch, &state->has_bias));
  }

  EDGEML_OP_ENSURE(ctx, out_dims[0] == s.batch && out_dims[3] == s.out_ch,
                   "output_shape [%lld,%lld,%lld,%lld] must have batch %d (input) and %d "
                   "channels (weights)",
                   static_cast<long long>(out_dims[0]), static_cast<long long>(out_dims[1]),
                   static_cast<long long>(out_dims[2]), static_cast<long long>(out_dims[3]),
                   s.batch, s.out_ch);
  for (int i = 1; i <= 2; ++i) {
    EDGEML_OP_ENSURE(ctx, out_dims[i] > 0, "output_shape dim %d is %lld, must be positive", i,
                     static_cast<long long>(out_dims[i]));
  }
  s.out_h = static_cast<int32_t>(out_dims[1]);
  s.out_w = static_cast<int32_t>(out_dims[2]);

  // LiteRT pads as the forward convolution that maps the output back onto the
  // input would; that convolution must give exactly the input's size.
  PaddedDim ph, pw;
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, s.out_h, s.filter_h, stride_h, 1, "height", &ph));
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, s.out_w, s.filter_w, stride_w, 1, "width", &pw));
  EDGEML_OP_ENSURE(ctx, ph.out == s.in_h && pw.out == s.in_w,
                   "output_shape %dx%d with %dx%d filter and stride %dx%d corresponds to a "
                   "%dx%d input, but input %s is %dx%d",
                   s.out_h, s.out_w, s.filter_h, s.filter_w, stride_h, stride_w, ph.out, pw.out,
                   ctx.Describe(input).c_str(), s.in_h, s.in_w);

  reference::ConvParams& p = state->params;
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  p.pad_top = ph.pad_before;
  p.pad_left = pw.pad_before;
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {s.batch, s.out_h, s.out_w, s.out_ch}));
  if (quantized) {
    QuantSetup q;
    EDGEML_RETURN_IF_ERROR(
        PrepareQuant(ctx, kInput, kWeights, kBias, s.out_ch, /*quant_dim=*/0, act,
                     opts ? opts->quantized_bias_type() : tfl::TensorType::FLOAT32, &q));
    state->has_bias = q.has_bias;
    state->multipliers = ChannelMultipliers(q, /*float_product=*/q.type == DataType::kUInt8);
    SetQuantParams(q, state->multipliers, &state->qparams);
    if (q.type != DataType::kUInt8) state->qparams.filter_offset = 0;  // symmetric weights
    const size_t acc_size = q.bias_type == DataType::kInt64 ? 8 : 4;
    const int64_t count = int64_t{s.batch} * s.out_h * s.out_w * s.out_ch;
    EDGEML_RETURN_IF_ERROR(
        ctx.RequestScratch(static_cast<size_t>(count) * acc_size, &state->scratch_id));
    switch (q.type) {
      case DataType::kUInt8:
        state->run = RunTransposeConvQuant<uint8_t, uint8_t, int32_t>;
        break;
      case DataType::kInt8:
        state->run = RunTransposeConvQuant<int8_t, int8_t, int32_t>;
        break;
      default:
        state->run = q.bias_type == DataType::kInt64
                         ? RunTransposeConvQuant<int16_t, int8_t, int64_t>
                         : RunTransposeConvQuant<int16_t, int8_t, int32_t>;
    }
  } else {
    FloatRange range;
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &range));
    p.act_min = range.min;
    p.act_max = range.max;
    state->run = RunTransposeConvF32;
    // Packing needs the weights now; non-constant ones stay on the reference.
    if (weights.is_constant() && (!state->has_bias || ctx.input(kBias).is_constant())) {
      fast::PrepareFastTransposeConvF32(
          s, weights.data_as<float>(),
          state->has_bias ? ctx.input(kBias).data_as<float>() : nullptr, &state->fast);
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status TransposeConvEval(OpContext& ctx) {
  const TransposeConvState* s = ctx.state<TransposeConvState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration TransposeConvRegistration() {
  OpRegistration r;
  r.name = "TRANSPOSE_CONV";
  r.min_version = 1;
  r.max_version = 5;
  r.prepare = TransposeConvPrepare;
  r.eval = TransposeConvEval;
  return r;
}

}  // namespace conv_family
}  // namespace edgeml::ops
