// Last-axis normalizations: SOFTMAX (with beta) and L2_NORMALIZATION, float
// and quantized (LiteRT's reference arithmetic: gemmlowp fixed point for
// 8-bit SOFTMAX, two interpolated tables for int16, the fixed-point inverse
// square root for L2_NORMALIZATION).
#include "kernels/reference/softmax.h"

#include <cmath>
#include <memory>

#include "kernels/reference/softmax_quant.h"
#include "ops/elementwise_family.h"
#include "quant/fixed_point_math.h"
#include "quant/lut.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct RowsState : OpState {
  Status (*eval)(OpContext& ctx, const RowsState& s) = nullptr;
  int64_t outer = 0;
  int64_t depth = 0;
  float beta = 0.0f;
  int32_t input_zero_point = 0;  // L2_NORMALIZATION
  reference::SoftmaxQuantParams softmax8;
  quant::Multiplier softmax16_multiplier;
  int16_t exp_lut[quant::kLut16Size] = {};
  int16_t one_over_one_plus_x_lut[quant::kLut16Size] = {};
};

// Shared checks: one input of rank >= 1 whose type is in `types`, an output
// of the same shape; the input viewed as [outer, depth] over its last axis.
Status PrepareRows(OpContext& ctx, std::initializer_list<DataType> types,
                   std::unique_ptr<RowsState>* state) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, types, "input"));
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

// ---------------------------------------------------------------- SOFTMAX

Status SoftmaxEvalFloat(OpContext& ctx, const RowsState& s) {
  reference::Softmax(s.outer, s.depth, s.beta, ctx.input(0).data_as<float>(),
                     ctx.output(0).data_as<float>());
  return Status::Ok();
}

template <typename In, typename Out>
Status SoftmaxEvalQuant8(OpContext& ctx, const RowsState& s) {
  if (!reference::SoftmaxQuant8(s.softmax8, s.outer, s.depth, ctx.input(0).data_as<In>(),
                                ctx.output(0).data_as<Out>())) {
    return ctx.Unsupported(
        "the sum of exponentials of a row of input %s overflows the "
        "fixed-point accumulator (too many values near the row maximum)",
        ctx.Describe(ctx.input(0)).c_str());
  }
  return Status::Ok();
}

Status SoftmaxEvalInt16(OpContext& ctx, const RowsState& s) {
  reference::SoftmaxInt16Params p;
  p.input_multiplier = s.softmax16_multiplier;
  p.exp_lut = s.exp_lut;
  p.one_over_one_plus_x_lut = s.one_over_one_plus_x_lut;
  reference::SoftmaxInt16(p, s.outer, s.depth, ctx.input(0).data_as<int16_t>(),
                          ctx.output(0).data_as<int16_t>());
  return Status::Ok();
}

// 8-bit input: beta * input_scale becomes a Q5.26 multiplier with a left
// shift (capped at 2^31 - 1 as a real multiplier); differences below
// diff_min would leave Q5 and count as zero.
Status PrepareSoftmax8(OpContext& ctx, const Tensor& in, const Tensor& out, RowsState* s) {
  QuantParam qin;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin));
  if (out.type == DataType::kInt8) {
    QuantParam qout;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qout));
    if (qout.zero_point != -128 || std::abs(qout.scale - 1.0f / 256) > 0.001f / 256) {
      return ctx.InvalidModel(
          "output %s has scale %g and zero point %d; int8 SOFTMAX needs "
          "1/256 and -128",
          ctx.Describe(out).c_str(), static_cast<double>(qout.scale), qout.zero_point);
    }
  }
  constexpr int kDiffIntegerBits = 5;
  const double real =
      std::min<double>(static_cast<double>(s->beta) * static_cast<double>(qin.scale) *
                           static_cast<double>(1 << (31 - kDiffIntegerBits)),
                       2147483647.0);
  const quant::Multiplier m = real >= 0.0 ? quant::QuantizeMultiplier(real) : quant::Multiplier{};
  if (!(real >= 0.0) || m.shift < 0) {
    return ctx.Unsupported(
        "beta %g with input %s scale %g gives a SOFTMAX input multiplier "
        "below the supported range",
        static_cast<double>(s->beta), ctx.Describe(in).c_str(), static_cast<double>(qin.scale));
  }
  s->softmax8.input_multiplier = m;
  s->softmax8.diff_min = -quant::CalculateInputRadius(kDiffIntegerBits, m.shift);
  return Status::Ok();
}

// int16: tables for exp on [-10, 0] and 1/(1+x) on [0, 1] (double math);
// the multiplier maps beta * input differences onto the exp table's
// [-65535, 0].
Status PrepareSoftmax16(OpContext& ctx, const Tensor& in, const Tensor& out, RowsState* s) {
  QuantParam qin, qout;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin, /*zero_point_0=*/true));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qout, /*zero_point_0=*/true));
  if (std::abs(qout.scale - 1.0f / 32768) > 0.001f / 32768) {
    return ctx.InvalidModel("output %s has scale %g; int16 SOFTMAX needs 1/32768",
                            ctx.Describe(out).c_str(), static_cast<double>(qout.scale));
  }
  // Row sums of exp values (each <= 32767) must fit int32.
  if (s->depth > 65536) {
    return ctx.Unsupported("int16 SOFTMAX over %lld values per row; at most 65536 are supported",
                           static_cast<long long>(s->depth));
  }
  constexpr double kRange = 65535.0;
  quant::PopulateLut16<double>(
      10.0 / kRange, 32767, 2.0 / kRange, 0, [](double v) { return std::exp(v); }, s->exp_lut);
  quant::PopulateLut16<double>(
      1.0 / kRange, -32768, 2.0 / kRange, 0, [](double v) { return 1.0 / (1.0 + v); },
      s->one_over_one_plus_x_lut);
  // The scale-beta product is float, as in LiteRT.
  const float scale_beta = qin.scale * s->beta;
  const double real = static_cast<double>(scale_beta) / (10.0 / 65535.0);
  if (!(real >= 0.0)) {
    return ctx.Unsupported("SOFTMAX with beta %g on int16 input", static_cast<double>(s->beta));
  }
  return MakeMultiplier(ctx, real, 31, "SOFTMAX input", &s->softmax16_multiplier);
}

Status SoftmaxPrepare(OpContext& ctx) {
  std::unique_ptr<RowsState> s;
  EDGEML_RETURN_IF_ERROR(PrepareRows(
      ctx, {DataType::kFloat32, DataType::kUInt8, DataType::kInt8, DataType::kInt16}, &s));
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  // Without options LiteRT reads beta as the format's default, 0.
  const auto* o = Options<tfl::SoftmaxOptions>(ctx);
  s->beta = o ? o->beta() : 0.0f;
  // Output types: the input's, or int16 for 8-bit inputs.
  const bool int16_out_ok = in.type == DataType::kUInt8 || in.type == DataType::kInt8;
  if (out.type != in.type && !(int16_out_ok && out.type == DataType::kInt16)) {
    return ctx.InvalidModel("output %s has type %s; SOFTMAX of %s input needs %s%s",
                            ctx.Describe(out).c_str(), DataTypeName(out.type).c_str(),
                            DataTypeName(in.type).c_str(), DataTypeName(in.type).c_str(),
                            int16_out_ok ? " or INT16" : "");
  }
  switch (in.type) {
    case DataType::kFloat32:
      s->eval = SoftmaxEvalFloat;
      break;
    case DataType::kInt16:
      EDGEML_RETURN_IF_ERROR(PrepareSoftmax16(ctx, in, out, s.get()));
      s->eval = SoftmaxEvalInt16;
      break;
    default: {
      EDGEML_RETURN_IF_ERROR(PrepareSoftmax8(ctx, in, out, s.get()));
      const bool u8 = in.type == DataType::kUInt8;
      if (out.type == DataType::kInt16) {
        s->eval = u8 ? SoftmaxEvalQuant8<uint8_t, int16_t> : SoftmaxEvalQuant8<int8_t, int16_t>;
      } else {
        s->eval = u8 ? SoftmaxEvalQuant8<uint8_t, uint8_t> : SoftmaxEvalQuant8<int8_t, int8_t>;
      }
      break;
    }
  }
  ctx.set_state(std::move(s));
  return Status::Ok();
}

// ------------------------------------------------------- L2_NORMALIZATION

Status L2NormEvalFloat(OpContext& ctx, const RowsState& s) {
  reference::L2Normalize(s.outer, s.depth, ctx.input(0).data_as<float>(),
                         ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status L2NormEvalInt8(OpContext& ctx, const RowsState& s) {
  reference::L2NormalizeInt8(s.input_zero_point, s.outer, s.depth, ctx.input(0).data_as<int8_t>(),
                             ctx.output(0).data_as<int8_t>());
  return Status::Ok();
}

Status L2NormEvalUint8(OpContext& ctx, const RowsState& s) {
  reference::L2NormalizeUint8(s.input_zero_point, s.outer, s.depth, ctx.input(0).data_as<uint8_t>(),
                              ctx.output(0).data_as<uint8_t>());
  return Status::Ok();
}

Status L2NormPrepare(OpContext& ctx) {
  std::unique_ptr<RowsState> s;
  EDGEML_RETURN_IF_ERROR(
      PrepareRows(ctx, {DataType::kFloat32, DataType::kUInt8, DataType::kInt8}, &s));
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, in, "output", "input"));
  // LiteRT accepts no fused activation here.
  if (const auto* o = Options<tfl::L2NormOptions>(ctx)) {
    if (o->fused_activation_function() != tfl::ActivationFunctionType::NONE) {
      return ctx.InvalidModel("fused activation %s is not allowed (must be NONE)",
                              tfl::EnumNameActivationFunctionType(o->fused_activation_function()));
    }
  }
  if (in.type == DataType::kFloat32) {
    s->eval = L2NormEvalFloat;
  } else {
    // The output is fixed at scale 1/128 and zero point 0 (int8) or 128
    // (uint8); the input's scale cancels out.
    QuantParam qin, qout;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qout));
    const int32_t want_zp = in.type == DataType::kUInt8 ? 128 : 0;
    if (qout.scale != 1.0f / 128 || qout.zero_point != want_zp) {
      return ctx.InvalidModel(
          "output %s has scale %g and zero point %d; %s L2_NORMALIZATION "
          "needs 1/128 and %d",
          ctx.Describe(out).c_str(), static_cast<double>(qout.scale), qout.zero_point,
          DataTypeName(in.type).c_str(), want_zp);
    }
    s->input_zero_point = qin.zero_point;
    s->eval = in.type == DataType::kUInt8 ? L2NormEvalUint8 : L2NormEvalInt8;
  }
  ctx.set_state(std::move(s));
  return Status::Ok();
}

Status RowsEval(OpContext& ctx) {
  const RowsState* s = ctx.state<RowsState>();
  return s->eval(ctx, *s);
}

}  // namespace

void RegisterSoftmaxOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // SOFTMAX v2 adds uint8/int8, v3 int16; L2_NORMALIZATION v2 adds int8.
  AddOp(r, Op::SOFTMAX, 1, 3, SoftmaxPrepare, RowsEval);
  AddOp(r, Op::L2_NORMALIZATION, 1, 2, L2NormPrepare, RowsEval);
}

}  // namespace edgeml::ops::elementwise_family
