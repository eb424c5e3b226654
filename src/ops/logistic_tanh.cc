// LOGISTIC and TANH: float, and quantized as LiteRT's reference kernels do
// it: 8-bit through a 256-entry table built from float math at prepare,
// int16 through LiteRT's interpolated sigmoid table.
#include <cmath>
#include <cstdint>
#include <memory>

#include "kernels/reference/activations.h"
#include "kernels/reference/activations_quant.h"
#include "ops/elementwise_family.h"
#include "quant/fixed_point_math.h"
#include "quant/lut.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct LogisticTanhState : OpState {
  Status (*eval)(OpContext& ctx, const LogisticTanhState& s) = nullptr;
  void (*float_kernel)(int64_t n, const float* in, float* out) = nullptr;
  reference::Int16SigmoidRescale rescale;
  alignas(8) uint8_t lut8[256] = {};  // int8 entries are stored bit-cast
};

Status EvalFloat(OpContext& ctx, const LogisticTanhState& s) {
  const Tensor& in = ctx.input(0);
  s.float_kernel(in.num_elements(), in.data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

template <typename T>
Status EvalLut8(OpContext& ctx, const LogisticTanhState& s) {
  const Tensor& in = ctx.input(0);
  reference::LookupTable8(in.num_elements(), in.data_as<T>(), reinterpret_cast<const T*>(s.lut8),
                          ctx.output(0).data_as<T>());
  return Status::Ok();
}

template <bool kTanh>
Status EvalInt16(OpContext& ctx, const LogisticTanhState& s) {
  const Tensor& in = ctx.input(0);
  if constexpr (kTanh) {
    reference::TanhInt16(s.rescale, in.num_elements(), in.data_as<int16_t>(),
                         ctx.output(0).data_as<int16_t>());
  } else {
    reference::LogisticInt16(s.rescale, in.num_elements(), in.data_as<int16_t>(),
                             ctx.output(0).data_as<int16_t>());
  }
  return Status::Ok();
}

float LogisticOfFloat(float x) { return 1.0f / (1.0f + std::exp(-x)); }
float TanhOfFloat(float x) { return std::tanh(x); }

// The int16 kernels want the input on the sigmoid table's scale. LiteRT
// takes power-of-two input scales directly when the shift it implies is one
// the kernel supports (0 for LOGISTIC, 0 or 1 for TANH); otherwise it
// derives an integer multiplier from scale * 3 * 4096.
template <bool kTanh>
Status PrepareInt16Rescale(OpContext& ctx, const Tensor& in, float in_scale,
                           reference::Int16SigmoidRescale* r) {
  constexpr int kInputIntegerBits = 3;
  int log2 = 0;
  bool pot = quant::CheckedLog2(in_scale, &log2);
  r->left_shift = (15 - kInputIntegerBits) + log2;
  pot = pot && (r->left_shift == 0 || (kTanh && r->left_shift == 1));
  r->multiplier = 0;
  if (!pot) {
    double multiplier = static_cast<double>(in_scale) * 4096.0 * 3.0;
    r->left_shift = 0;
    while (multiplier <= 32767.0 / 2.0 && r->left_shift <= 30) {
      ++r->left_shift;
      multiplier *= 2.0;
    }
    if (!(multiplier < 2147483648.0)) {
      return ctx.Unsupported("input %s scale %g is too large for the int16 kernel",
                             ctx.Describe(in).c_str(), static_cast<double>(in_scale));
    }
    r->multiplier = static_cast<int32_t>(multiplier);
  }
  return Status::Ok();
}

template <bool kTanh>
Status LogisticTanhPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in, {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt16}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, in, "output", "input"));
  auto state = std::make_unique<LogisticTanhState>();
  if (in.type == DataType::kFloat32) {
    state->float_kernel = kTanh ? reference::Tanh : reference::Logistic;
    state->eval = EvalFloat;
  } else {
    const bool is_int16 = in.type == DataType::kInt16;
    QuantParam qin, qout;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin, is_int16));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, ctx.output(0), "output", &qout, is_int16));
    if (is_int16) {
      // Output scale 1/32768 (LOGISTIC exactly; TANH to within 1e-3 in log2).
      int out_log2 = 0;
      const bool ok = kTanh ? (quant::CheckedLog2(qout.scale, &out_log2) && out_log2 == -15)
                            : qout.scale == 1.0f / 32768;
      if (!ok) {
        return ctx.InvalidModel("output %s has scale %g; int16 %s needs 1/32768",
                                ctx.Describe(out).c_str(), static_cast<double>(qout.scale),
                                kTanh ? "TANH" : "LOGISTIC");
      }
      EDGEML_RETURN_IF_ERROR(PrepareInt16Rescale<kTanh>(ctx, in, qin.scale, &state->rescale));
      state->eval = EvalInt16<kTanh>;
    } else {
      // LiteRT's reference LOGISTIC needs output scale 1/256 (any zero
      // point); its TANH table takes any output quantization.
      if (!kTanh && qout.scale != 1.0f / 256) {
        return ctx.InvalidModel("output %s has scale %g; 8-bit LOGISTIC needs 1/256",
                                ctx.Describe(out).c_str(), static_cast<double>(qout.scale));
      }
      float (*fn)(float) = kTanh ? TanhOfFloat : LogisticOfFloat;
      if (in.type == DataType::kUInt8) {
        quant::PopulateLut8(qin.scale, qin.zero_point, qout.scale, qout.zero_point, fn,
                            state->lut8);
        state->eval = EvalLut8<uint8_t>;
      } else {
        quant::PopulateLut8(qin.scale, qin.zero_point, qout.scale, qout.zero_point, fn,
                            reinterpret_cast<int8_t*>(state->lut8));
        state->eval = EvalLut8<int8_t>;
      }
    }
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status LogisticTanhEval(OpContext& ctx) {
  const auto* s = ctx.state<LogisticTanhState>();
  return s->eval(ctx, *s);
}

}  // namespace

void RegisterLogisticTanhOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // v2 adds uint8/int8, v3 int16.
  AddOp(r, Op::LOGISTIC, 1, 3, LogisticTanhPrepare<false>, LogisticTanhEval);
  AddOp(r, Op::TANH, 1, 3, LogisticTanhPrepare<true>, LogisticTanhEval);
}

}  // namespace edgeml::ops::elementwise_family
