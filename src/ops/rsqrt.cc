// RSQRT: 1 / sqrt(x). Float; int8 through the fixed-point inverse square
// root; int16 through a 513-entry table (LiteRT's reference arithmetic).
// Negative quantized inputs fail at eval, as in LiteRT.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

#include "kernels/reference/activations.h"
#include "kernels/reference/activations_quant.h"
#include "ops/elementwise_family.h"
#include "quant/lut.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct RsqrtState : OpState {
  Status (*eval)(OpContext& ctx, const RsqrtState& s) = nullptr;
  reference::RsqrtInt8Params int8;
  int16_t lut16[quant::kLut16Size] = {};
};

Status EvalFloat(OpContext& ctx, const RsqrtState&) {
  const Tensor& in = ctx.input(0);
  reference::Rsqrt(in.num_elements(), in.data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status NegativeInput(OpContext& ctx) {
  return ctx.InvalidModel(
      "input %s holds a negative value; RSQRT is only defined for positive "
      "values",
      ctx.Describe(ctx.input(0)).c_str());
}

Status EvalInt8(OpContext& ctx, const RsqrtState& s) {
  const Tensor& in = ctx.input(0);
  if (!reference::RsqrtInt8(s.int8, in.num_elements(), in.data_as<int8_t>(),
                            ctx.output(0).data_as<int8_t>())) {
    return NegativeInput(ctx);
  }
  return Status::Ok();
}

Status EvalInt16(OpContext& ctx, const RsqrtState& s) {
  const Tensor& in = ctx.input(0);
  if (!reference::RsqrtInt16(in.num_elements(), in.data_as<int16_t>(), s.lut16,
                             ctx.output(0).data_as<int16_t>())) {
    return NegativeInput(ctx);
  }
  return Status::Ok();
}

Status RsqrtPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, in, {DataType::kFloat32, DataType::kInt8, DataType::kInt16}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, in, "output", "input"));
  auto state = std::make_unique<RsqrtState>();
  if (in.type == DataType::kFloat32) {
    state->eval = EvalFloat;
  } else {
    const bool is_int16 = in.type == DataType::kInt16;
    QuantParam qin, qout;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin, is_int16));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qout, is_int16));
    if (is_int16) {
      // Non-positive inputs map to the largest output.
      const float out_scale = qout.scale;
      auto rsqrt = [out_scale](float v) {
        if (v <= 0.0f) return std::numeric_limits<int16_t>::max() * out_scale;
        return 1.0f / std::sqrt(v);
      };
      quant::PopulateLut16<float>(qin.scale, qin.zero_point, qout.scale, qout.zero_point, rsqrt,
                                  state->lut16);
      state->eval = EvalInt16;
    } else {
      // 1 / (sqrt(in_scale) * out_scale), the product in float.
      const float denominator = std::sqrt(qin.scale) * qout.scale;
      const quant::Multiplier m = quant::QuantizeMultiplier(1.0 / denominator);
      // The kernel applies shift - 20; keep its right shifts within 31.
      if (!std::isfinite(1.0 / denominator) || m.shift - 20 < -31 || m.shift - 20 > 31) {
        return ctx.Unsupported(
            "input %s scale %g with output %s scale %g gives an RSQRT "
            "multiplier out of range",
            ctx.Describe(in).c_str(), static_cast<double>(qin.scale), ctx.Describe(out).c_str(),
            static_cast<double>(qout.scale));
      }
      state->int8.input_zero_point = qin.zero_point;
      state->int8.output_zero_point = qout.zero_point;
      state->int8.output_multiplier = m;
      state->eval = EvalInt8;
    }
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status RsqrtEval(OpContext& ctx) {
  const auto* s = ctx.state<RsqrtState>();
  return s->eval(ctx, *s);
}

}  // namespace

void RegisterRsqrtOps(OpResolver* r) {
  // v2 adds int8, v3 int16.
  AddOp(r, tfl::BuiltinOperator::RSQRT, 1, 3, RsqrtPrepare, RsqrtEval);
}

}  // namespace edgeml::ops::elementwise_family
