// CONV_2D, plus the registration and shared checks of the convolution family.
#include "kernels/reference/conv.h"

#include <cstdint>
#include <memory>

#include "ops/builtin_ops.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace conv_family {

Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role) {
  switch (t.type) {
    case DataType::kFloat32:
      // Constant data shorter than its shape (e.g. a sparse encoding nothing
      // densified) would be read past its end.
      if (t.is_constant() && t.bytes / sizeof(float) < static_cast<uint64_t>(t.num_elements())) {
        return ctx.InvalidModel("%s %s has %zu bytes of data for shape %s", role,
                                ctx.Describe(t).c_str(), t.bytes, ShapeToString(t.shape).c_str());
      }
      return Status::Ok();
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kInt4:
    case DataType::kFloat16:
      return ctx.Unsupported("%s %s has type %s; only FLOAT32 is supported", role,
                             ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
    default:
      return ctx.InvalidModel("%s %s has type %s, expected FLOAT32", role, ctx.Describe(t).c_str(),
                              DataTypeName(t.type).c_str());
  }
}

Status RequireInput(OpContext& ctx, int i, const char* role) {
  if (!ctx.has_input(i)) return ctx.InvalidModel("%s (input %d) is missing", role, i);
  return Status::Ok();
}

Status CheckOptionalBias(OpContext& ctx, int i, int64_t units, bool* present) {
  *present = ctx.has_input(i);
  if (!*present) return Status::Ok();
  const Tensor& bias = ctx.input(i);
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, bias, "bias"));
  EDGEML_OP_ENSURE(ctx, bias.num_elements() == units,
                   "bias %s has shape %s (%lld elements), expected %lld (one per output channel)",
                   ctx.Describe(bias).c_str(), ShapeToString(bias.shape).c_str(),
                   static_cast<long long>(bias.num_elements()), static_cast<long long>(units));
  return Status::Ok();
}

Status CheckPositive(OpContext& ctx, int32_t value, const char* what) {
  EDGEML_OP_ENSURE(ctx, value > 0, "%s is %d, must be positive", what, value);
  return Status::Ok();
}

}  // namespace conv_family

namespace {

using conv_family::CheckOptionalBias;
using conv_family::CheckPositive;
using conv_family::RequireFloat32;
using conv_family::RequireInput;

struct ConvState : OpState {
  reference::ConvParams params;
  reference::ConvShape shape;
  bool has_bias = false;
  Status (*run)(OpContext& ctx, const ConvState& s) = nullptr;
};

Status RunConvF32(OpContext& ctx, const ConvState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  reference::ConvF32(s.params, s.shape, ctx.input(0).data_as<float>(),
                     ctx.input(1).data_as<float>(), bias, ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status Conv2DPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 3, 1));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 0, "input"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 1, "filter"));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, filter, "filter"));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, filter, 4, "filter"));

  const auto* opts = Options<tfl::Conv2DOptions>(ctx);
  const tfl::Padding padding = opts ? opts->padding() : tfl::Padding::SAME;
  const int32_t stride_h = opts ? opts->stride_h() : 0;
  const int32_t stride_w = opts ? opts->stride_w() : 0;
  const int32_t dilation_h = opts ? opts->dilation_h_factor() : 1;
  const int32_t dilation_w = opts ? opts->dilation_w_factor() : 1;
  const auto act = opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE;
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, stride_h, "stride_h"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, stride_w, "stride_w"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, dilation_h, "dilation_h_factor"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, dilation_w, "dilation_w_factor"));

  auto state = std::make_unique<ConvState>();
  reference::ConvShape& s = state->shape;
  s.batch = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_ch = input.dim(3);
  s.out_ch = filter.dim(0);
  s.filter_h = filter.dim(1);
  s.filter_w = filter.dim(2);
  s.filter_in_ch = filter.dim(3);
  EDGEML_OP_ENSURE(ctx, s.filter_in_ch > 0, "filter %s has shape %s: input depth must be positive",
                   ctx.Describe(filter).c_str(), ShapeToString(filter.shape).c_str());
  // Grouped convolution: the filter sees in_ch / groups channels.
  EDGEML_OP_ENSURE(ctx, s.in_ch % s.filter_in_ch == 0,
                   "input %s has %d channels, not a multiple of the filter %s depth %d",
                   ctx.Describe(input).c_str(), s.in_ch, ctx.Describe(filter).c_str(),
                   s.filter_in_ch);
  const int32_t groups = s.in_ch / s.filter_in_ch;
  EDGEML_OP_ENSURE(ctx, groups > 0 && s.out_ch % groups == 0,
                   "filter %s has %d output channels, not a multiple of the %d groups",
                   ctx.Describe(filter).c_str(), s.out_ch, groups);
  EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, 2, s.out_ch, &state->has_bias));

  PaddedDim ph, pw;
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, s.in_h, s.filter_h, stride_h, dilation_h, "height", &ph));
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, padding, s.in_w, s.filter_w, stride_w, dilation_w, "width", &pw));
  s.out_h = ph.out;
  s.out_w = pw.out;

  reference::ConvParams& p = state->params;
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  p.dilation_h = dilation_h;
  p.dilation_w = dilation_w;
  p.pad_top = ph.pad_before;
  p.pad_left = pw.pad_before;
  FloatRange range;
  EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &range));
  p.act_min = range.min;
  p.act_max = range.max;

  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {s.batch, s.out_h, s.out_w, s.out_ch}));
  state->run = RunConvF32;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status Conv2DEval(OpContext& ctx) {
  const ConvState* s = ctx.state<ConvState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration Conv2DRegistration() {
  OpRegistration r;
  r.name = "CONV_2D";
  r.min_version = 1;
  r.max_version = 8;  // quantized/hybrid versions fail in prepare naming the type
  r.prepare = Conv2DPrepare;
  r.eval = Conv2DEval;
  return r;
}

}  // namespace conv_family

void RegisterConvOps(OpResolver* r) {
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::CONV_2D), conv_family::Conv2DRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::DEPTHWISE_CONV_2D),
                conv_family::DepthwiseConv2DRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::FULLY_CONNECTED),
                conv_family::FullyConnectedRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::TRANSPOSE_CONV),
                conv_family::TransposeConvRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::BATCH_MATMUL),
                conv_family::BatchMatMulRegistration());
}

}  // namespace edgeml::ops
