// MediaPipe custom ops.
//
// Convolution2DTransposeBias: a transposed convolution with a mandatory bias
// (inputs: input NHWC, weights OHWI, bias [O]). Its options are a raw C struct
// in custom_initial_data: {int32 padding (1 = SAME, 2 = VALID, as
// TfLitePadding), int32 stride_width, int32 stride_height}, little-endian.
// Unlike TRANSPOSE_CONV the output size is derived, not given:
//   VALID: out = stride * (in - 1) + kernel
//   SAME:  total_pad = max(0, kernel - (in - 1) % stride - 1),
//          out = stride * (in - 1) + kernel - total_pad, leading pad total_pad / 2
// (MediaPipe's transpose_conv_bias.cc). No fused activation.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "kernels/reference/transpose_conv.h"
#include "kernels/transpose_conv_f32.h"
#include "ops/builtin_ops.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

constexpr int32_t kPaddingSame = 1;
constexpr int32_t kPaddingValid = 2;

struct TransposeConvBiasState : OpState {
  reference::ConvParams params;
  reference::ConvShape shape;
  fast::FastTransposeConvF32 fast;  // with constant weights and bias
};

// One spatial dim of the MediaPipe rule, in 64 bits so that a crafted stride
// can't overflow.
Status MediaPipeOutputSize(OpContext& ctx, bool same, int32_t in, int32_t kernel, int32_t stride,
                           const char* dim, int32_t* out, int32_t* pad_before) {
  EDGEML_OP_ENSURE(ctx, in > 0, "input %s is %d, must be positive", dim, in);
  EDGEML_OP_ENSURE(ctx, kernel > 0, "weights %s is %d, must be positive", dim, kernel);
  EDGEML_OP_ENSURE(ctx, stride > 0, "stride_%s is %d, must be positive", dim, stride);
  int64_t total_pad = 0;
  if (same) total_pad = std::max<int64_t>(0, int64_t{kernel} - (in - 1) % stride - 1);
  const int64_t size = int64_t{stride} * (in - 1) + kernel - total_pad;
  EDGEML_OP_ENSURE(ctx, size > 0 && size <= INT32_MAX,
                   "output %s %lld (stride %d, input %d, kernel %d) is out of range", dim,
                   static_cast<long long>(size), stride, in, kernel);
  *out = static_cast<int32_t>(size);
  *pad_before = static_cast<int32_t>(total_pad / 2);
  return Status::Ok();
}

Status TransposeConvBiasPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  const char* roles[3] = {"input", "weights", "bias"};
  for (int i = 0; i < 3; ++i) {
    EDGEML_OP_ENSURE(ctx, ctx.has_input(i), "%s (input %d) is missing", roles[i], i);
    EDGEML_RETURN_IF_ERROR(conv_family::RequireFloat32(ctx, ctx.input(i), roles[i]));
  }
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  const Tensor& input = ctx.input(0);
  const Tensor& weights = ctx.input(1);
  const Tensor& bias = ctx.input(2);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, weights, 4, "weights"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, bias, 1, "bias"));
  EDGEML_OP_ENSURE(ctx, bias.dim(0) == weights.dim(0),
                   "bias %s has %d elements but weights %s (shape %s) have %d output channels",
                   ctx.Describe(bias).c_str(), bias.dim(0), ctx.Describe(weights).c_str(),
                   ShapeToString(weights.shape).c_str(), weights.dim(0));
  EDGEML_OP_ENSURE(ctx, input.dim(3) == weights.dim(3),
                   "input %s has %d channels but weights %s (shape %s) expect %d",
                   ctx.Describe(input).c_str(), input.dim(3), ctx.Describe(weights).c_str(),
                   ShapeToString(weights.shape).c_str(), weights.dim(3));

  size_t size = 0;
  const uint8_t* data = ctx.custom_options(&size);
  EDGEML_OP_ENSURE(ctx, data != nullptr && size >= 12,
                   "custom options are %zu bytes, expected 12 (padding, stride_w, stride_h)",
                   data ? size : size_t{0});
  // memcpy: the bytes carry no alignment guarantee.
  int32_t raw[3];
  std::memcpy(raw, data, sizeof(raw));
  const int32_t padding = raw[0], stride_w = raw[1], stride_h = raw[2];
  EDGEML_OP_ENSURE(ctx, padding == kPaddingSame || padding == kPaddingValid,
                   "padding %d is neither 1 (SAME) nor 2 (VALID)", padding);
  const bool same = padding == kPaddingSame;

  auto state = std::make_unique<TransposeConvBiasState>();
  reference::ConvShape& s = state->shape;
  s.batch = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_ch = input.dim(3);
  s.out_ch = weights.dim(0);
  s.filter_h = weights.dim(1);
  s.filter_w = weights.dim(2);
  s.filter_in_ch = weights.dim(3);
  reference::ConvParams& p = state->params;
  p.stride_h = stride_h;
  p.stride_w = stride_w;
  EDGEML_RETURN_IF_ERROR(
      MediaPipeOutputSize(ctx, same, s.in_h, s.filter_h, stride_h, "height", &s.out_h, &p.pad_top));
  EDGEML_RETURN_IF_ERROR(
      MediaPipeOutputSize(ctx, same, s.in_w, s.filter_w, stride_w, "width", &s.out_w, &p.pad_left));

  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {s.batch, s.out_h, s.out_w, s.out_ch}));
  if (weights.is_constant() && bias.is_constant()) {
    fast::PrepareFastTransposeConvF32(s, weights.data_as<float>(), bias.data_as<float>(),
                                      &state->fast);
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status TransposeConvBiasEval(OpContext& ctx) {
  const TransposeConvBiasState* s = ctx.state<TransposeConvBiasState>();
  // MediaPipe starts each output from the bias, then accumulates.
  if (s->fast.rows != nullptr) {
    fast::RunFastTransposeConvF32(s->fast, s->params, s->shape, ctx.input(0).data_as<float>(),
                                  /*bias_first=*/true, ctx.output(0).data_as<float>(),
                                  [&ctx](int64_t n, auto& fn) { ctx.ParallelFor(n, 1, fn); });
    return Status::Ok();
  }
  reference::TransposeConvF32(s->params, s->shape, ctx.input(0).data_as<float>(),
                              ctx.input(1).data_as<float>(), ctx.input(2).data_as<float>(),
                              /*bias_first=*/true, ctx.output(0).data_as<float>());
  return Status::Ok();
}

}  // namespace

void RegisterMediaPipeOps(OpResolver* r) {
  OpRegistration reg;
  reg.name = "Convolution2DTransposeBias";
  reg.min_version = 1;
  reg.max_version = 1;
  reg.prepare = TransposeConvBiasPrepare;
  reg.eval = TransposeConvBiasEval;
  r->AddCustom("Convolution2DTransposeBias", reg);
}

}  // namespace edgeml::ops
