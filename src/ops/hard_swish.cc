// HARD_SWISH: x * relu6(x + 3) / 6, float and 8-bit quantized (LiteRT's
// 16-bit fixed-point formulation).
#include <cstdint>
#include <memory>

#include "kernels/reference/activations.h"
#include "kernels/reference/activations_quant.h"
#include "ops/elementwise_family.h"
#include "quant/fixed_point_math.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct HardSwishState : OpState {
  Status (*eval)(OpContext& ctx, const HardSwishState& s) = nullptr;
  reference::HardSwishQuantParams params;
};

Status EvalFloat(OpContext& ctx, const HardSwishState&) {
  const Tensor& in = ctx.input(0);
  reference::HardSwish(in.num_elements(), in.data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

template <typename T>
Status EvalQuant(OpContext& ctx, const HardSwishState& s) {
  const Tensor& in = ctx.input(0);
  reference::HardSwishQuant(s.params, in.num_elements(), in.data_as<T>(),
                            ctx.output(0).data_as<T>());
  return Status::Ok();
}

// The two multipliers are computed in float (as LiteRT does) and rounded to
// Q15 mantissas.
Status PrepareQuantParams(OpContext& ctx, const Tensor& in, const Tensor& out,
                          reference::HardSwishQuantParams* p) {
  QuantParam qin, qout;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qout));
  p->input_zero_point = qin.zero_point;
  p->output_zero_point = qout.zero_point;
  const float hires_input_scale = (1.0f / 128.0f) * qin.scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / qout.scale;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  const quant::Multiplier mo = quant::QuantizeMultiplier(output_multiplier);
  const quant::Multiplier mr = quant::QuantizeMultiplier(reluish_multiplier);
  if (mo.shift > 0) {
    return ctx.InvalidModel(
        "input %s scale %g over output %s scale %g needs a multiplier >= 128; HARD_SWISH "
        "supports less",
        ctx.Describe(in).c_str(), static_cast<double>(qin.scale), ctx.Describe(out).c_str(),
        static_cast<double>(qout.scale));
  }
  if (mr.shift > 31) {
    return ctx.Unsupported("input %s scale %g is too large", ctx.Describe(in).c_str(),
                           static_cast<double>(qin.scale));
  }
  p->output_multiplier = quant::DownscaleMantissaToInt16(mo.mantissa);
  p->output_exponent = mo.shift;
  p->reluish_multiplier = quant::DownscaleMantissaToInt16(mr.mantissa);
  p->reluish_exponent = mr.shift;
  return Status::Ok();
}

Status HardSwishPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, in, {DataType::kFloat32, DataType::kUInt8, DataType::kInt8}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  auto state = std::make_unique<HardSwishState>();
  switch (in.type) {
    case DataType::kUInt8:
      EDGEML_RETURN_IF_ERROR(PrepareQuantParams(ctx, in, ctx.output(0), &state->params));
      state->eval = EvalQuant<uint8_t>;
      break;
    case DataType::kInt8:
      EDGEML_RETURN_IF_ERROR(PrepareQuantParams(ctx, in, ctx.output(0), &state->params));
      state->eval = EvalQuant<int8_t>;
      break;
    default:
      state->eval = EvalFloat;
      break;
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status HardSwishEval(OpContext& ctx) {
  const auto* s = ctx.state<HardSwishState>();
  return s->eval(ctx, *s);
}

}  // namespace

void RegisterHardSwishOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::HARD_SWISH, 1, 1, HardSwishPrepare, HardSwishEval);
}

}  // namespace edgeml::ops::elementwise_family
