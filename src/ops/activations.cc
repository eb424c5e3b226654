// Activations and unary math: RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, EXP,
// SQRT, NEG, and PRELU (whose alpha tensor broadcasts against the input). The RELU
// family and LEAKY_RELU also take INT8/UINT8/INT16 (RELU_N1_TO_1 8-bit only)
// and PRELU INT8/UINT8, requantizing as LiteRT's reference kernels do.
// LOGISTIC/TANH, HARD_SWISH and RSQRT live in their own files.
#include "kernels/reference/activations.h"

#include <cmath>
#include <memory>

#include "kernels/reference/broadcast.h"
#include "kernels/reference/elementwise_quant.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

using UnaryFn = void (*)(int64_t n, const float* in, float* out, float param);

struct UnaryState;
using QuantUnaryFn = void (*)(const UnaryState& s, int64_t n, const void* in, void* out);

struct UnaryState : OpState {
  UnaryFn kernel = nullptr;
  float param = 0.0f;  // LEAKY_RELU's alpha
  // Quantized types: the kernel and its parameters (kernel is then unused).
  QuantUnaryFn quant_kernel = nullptr;
  reference::RequantizeParams relu;
  reference::QuantLeakyReluParams leaky;
};

template <typename T>
void RunQuantRelu(const UnaryState& s, int64_t n, const void* in, void* out) {
  reference::Requantize(n, static_cast<const T*>(in), static_cast<T*>(out), s.relu);
}

template <typename T>
void RunQuantLeakyRelu(const UnaryState& s, int64_t n, const void* in, void* out) {
  reference::QuantLeakyRelu(n, static_cast<const T*>(in), static_cast<T*>(out), s.leaky);
}

template <template <typename> class Fn>
QuantUnaryFn PickQuantUnary(DataType type) {
  switch (type) {
    case DataType::kInt8:
      return Fn<int8_t>::value;
    case DataType::kUInt8:
      return Fn<uint8_t>::value;
    default:
      return Fn<int16_t>::value;
  }
}
template <typename T>
struct ReluFn {
  static constexpr QuantUnaryFn value = RunQuantRelu<T>;
};
template <typename T>
struct LeakyReluFn {
  static constexpr QuantUnaryFn value = RunQuantLeakyRelu<T>;
};

enum class UnaryKind { kRelu, kRelu6, kReluN1To1, kLeakyRelu, kExp, kSqrt, kNeg };

UnaryFn PickUnary(UnaryKind kind) {
  namespace ref = reference;
  switch (kind) {
    case UnaryKind::kRelu:
      return [](int64_t n, const float* x, float* y, float) { ref::Relu(n, x, y); };
    case UnaryKind::kRelu6:
      return [](int64_t n, const float* x, float* y, float) { ref::Relu6(n, x, y); };
    case UnaryKind::kReluN1To1:
      return [](int64_t n, const float* x, float* y, float) { ref::ReluN1To1(n, x, y); };
    case UnaryKind::kLeakyRelu:
      return [](int64_t n, const float* x, float* y, float a) { ref::LeakyRelu(n, x, y, a); };
    case UnaryKind::kExp:
      return [](int64_t n, const float* x, float* y, float) { ref::Exp(n, x, y); };
    case UnaryKind::kSqrt:
      return [](int64_t n, const float* x, float* y, float) { ref::Sqrt(n, x, y); };
    case UnaryKind::kNeg:
      return [](int64_t n, const float* x, float* y, float) { ref::Neg(n, x, y); };
  }
  return nullptr;
}

template <UnaryKind kKind>
Status CheckUnaryType(OpContext& ctx, const Tensor& in) {
  using DT = DataType;
  switch (kKind) {
    case UnaryKind::kRelu:
    case UnaryKind::kRelu6:
    case UnaryKind::kLeakyRelu:
      return RequireTypeIn(ctx, in, {DT::kFloat32, DT::kInt8, DT::kUInt8, DT::kInt16}, "input");
    case UnaryKind::kReluN1To1:
      return RequireTypeIn(ctx, in, {DT::kFloat32, DT::kInt8, DT::kUInt8}, "input");
    default:
      return RequireTypeIn(ctx, in, {DT::kFloat32}, "input");
  }
}

// RELU family and LEAKY_RELU on quantized tensors. LiteRT forms each ratio of
// scales in float before widening it to double.
template <UnaryKind kKind>
Status PrepareQuantUnary(OpContext& ctx, const Tensor& in, const Tensor& out, UnaryState* s) {
  const bool zp0 = in.type == DataType::kInt16;  // LiteRT: symmetric int16
  QuantParam qi, qo;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qi, zp0));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo, zp0));
  const float identity = qi.scale / qo.scale;
  if constexpr (kKind == UnaryKind::kLeakyRelu) {
    const auto* o = Options<tfl::LeakyReluOptions>(ctx);
    const float alpha = o ? o->alpha() : 0.0f;
    const float alpha_ratio = qi.scale * alpha / qo.scale;
    s->leaky.input_zero_point = qi.zero_point;
    s->leaky.output_zero_point = qo.zero_point;
    EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, identity, 31, "identity", &s->leaky.identity));
    // A negative alpha gives a negative mantissa, as in LiteRT.
    if (!(std::abs(alpha_ratio) < 1073741824.0f)) {
      return ctx.Unsupported("LEAKY_RELU alpha %g gives rescale factor %g",
                             static_cast<double>(alpha), static_cast<double>(alpha_ratio));
    }
    s->leaky.alpha = quant::QuantizeMultiplier(alpha_ratio);
    s->quant_kernel = PickQuantUnary<LeakyReluFn>(in.type);
  } else {
    using Act = tfl::ActivationFunctionType;
    const Act act = kKind == UnaryKind::kRelu    ? Act::RELU
                    : kKind == UnaryKind::kRelu6 ? Act::RELU6
                                                 : Act::RELU_N1_TO_1;
    s->relu.input_zero_point = qi.zero_point;
    s->relu.output_zero_point = qo.zero_point;
    EDGEML_RETURN_IF_ERROR(
        QuantActivationRange(ctx, act, out, qo, &s->relu.out_min, &s->relu.out_max));
    EDGEML_RETURN_IF_ERROR(
        MakeMultiplier(ctx, identity, 31, "input to output", &s->relu.multiplier));
    s->quant_kernel = PickQuantUnary<ReluFn>(in.type);
  }
  return Status::Ok();
}

template <UnaryKind kKind>
Status UnaryPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(CheckUnaryType<kKind>(ctx, in));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  auto state = std::make_unique<UnaryState>();
  if (IsQuantizedType(in.type)) {
    if constexpr (kKind == UnaryKind::kRelu || kKind == UnaryKind::kRelu6 ||
                  kKind == UnaryKind::kReluN1To1 || kKind == UnaryKind::kLeakyRelu) {
      EDGEML_RETURN_IF_ERROR(PrepareQuantUnary<kKind>(ctx, in, ctx.output(0), state.get()));
    }
    EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
    ctx.set_state(std::move(state));
    return Status::Ok();
  }
  state->kernel = PickUnary(kKind);
  if constexpr (kKind == UnaryKind::kLeakyRelu) {
    const auto* o = Options<tfl::LeakyReluOptions>(ctx);
    state->param = o ? o->alpha() : 0.0f;  // the format's default
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status UnaryEval(OpContext& ctx) {
  const UnaryState* s = ctx.state<UnaryState>();
  const Tensor& in = ctx.input(0);
  if (s->quant_kernel) {
    s->quant_kernel(*s, in.num_elements(), in.data, ctx.output(0).data);
    return Status::Ok();
  }
  // Elementwise: ranges computed on different threads give the same bytes.
  const float* x = in.data_as<float>();
  float* y = ctx.output(0).data_as<float>();
  auto range = [&](int64_t begin, int64_t end) {
    s->kernel(end - begin, x + begin, y + begin, s->param);
  };
  ctx.ParallelFor(in.num_elements(), /*min_chunk=*/16384, range);
  return Status::Ok();
}

struct PreluState : OpState {
  reference::BroadcastPlan plan;
  void (*quant_kernel)(const PreluState&, const void*, const void*, void*) = nullptr;
  reference::QuantPreluParams quant;
};

template <typename T>
void RunQuantPrelu(const PreluState& s, const void* in, const void* alpha, void* out) {
  reference::QuantPrelu(s.plan, static_cast<const T*>(in), static_cast<const T*>(alpha),
                        static_cast<T*>(out), s.quant);
}

// LiteRT: s_in / s_out for x >= 0 and s_in * s_alpha / s_out below, each
// formed in float.
Status PrepareQuantPrelu(OpContext& ctx, const Tensor& in, const Tensor& alpha, const Tensor& out,
                         PreluState* s) {
  QuantParam qi, qa, qo;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qi));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, alpha, "alpha", &qa));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo));
  s->quant.input_offset = -qi.zero_point;
  s->quant.alpha_offset = -qa.zero_point;
  s->quant.output_offset = qo.zero_point;
  const float positive = qi.scale / qo.scale;
  const float negative = qi.scale * qa.scale / qo.scale;
  EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, positive, 31, "positive", &s->quant.positive));
  EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, negative, 31, "negative", &s->quant.negative));
  s->quant_kernel = in.type == DataType::kInt8 ? RunQuantPrelu<int8_t> : RunQuantPrelu<uint8_t>;
  return Status::Ok();
}

Status PreluPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.InvalidModel("input and alpha are required");
  }
  const Tensor& in = ctx.input(0);
  const Tensor& alpha = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, in, {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, alpha, in, "alpha", "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  Shape out_shape;
  if (!reference::BroadcastShapes(in.shape, alpha.shape, &out_shape)) {
    return ctx.InvalidModel("alpha %s of shape %s does not broadcast against input %s of shape %s",
                            ctx.Describe(alpha).c_str(), ShapeToString(alpha.shape).c_str(),
                            ctx.Describe(in).c_str(), ShapeToString(in.shape).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  auto state = std::make_unique<PreluState>();
  if (!reference::MakeBroadcastPlan(in.shape, alpha.shape, &state->plan)) {
    return ctx.Unsupported("broadcasting %s against %s needs more than %d dimensions",
                           ShapeToString(in.shape).c_str(), ShapeToString(alpha.shape).c_str(),
                           reference::kMaxBroadcastRank);
  }
  if (in.type != DataType::kFloat32) {
    // LiteRT requires the output to keep the input's shape.
    if (out_shape != in.shape) {
      return ctx.InvalidModel("alpha %s of shape %s would grow input %s of shape %s to %s",
                              ctx.Describe(alpha).c_str(), ShapeToString(alpha.shape).c_str(),
                              ctx.Describe(in).c_str(), ShapeToString(in.shape).c_str(),
                              ShapeToString(out_shape).c_str());
    }
    EDGEML_RETURN_IF_ERROR(PrepareQuantPrelu(ctx, in, alpha, ctx.output(0), state.get()));
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status PreluEval(OpContext& ctx) {
  const PreluState* s = ctx.state<PreluState>();
  if (s->quant_kernel) {
    s->quant_kernel(*s, ctx.input(0).data, ctx.input(1).data, ctx.output(0).data);
    return Status::Ok();
  }
  reference::Prelu(ctx.state<PreluState>()->plan, ctx.input(0).data_as<float>(),
                   ctx.input(1).data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

}  // namespace

void RegisterActivationOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // Versions above 1 add quantized types.
  AddOp(r, Op::RELU, 1, 3, UnaryPrepare<UnaryKind::kRelu>, UnaryEval);
  AddOp(r, Op::RELU6, 1, 3, UnaryPrepare<UnaryKind::kRelu6>, UnaryEval);
  AddOp(r, Op::RELU_N1_TO_1, 1, 1, UnaryPrepare<UnaryKind::kReluN1To1>, UnaryEval);
  AddOp(r, Op::LEAKY_RELU, 1, 2, UnaryPrepare<UnaryKind::kLeakyRelu>, UnaryEval);
  AddOp(r, Op::EXP, 1, 2, UnaryPrepare<UnaryKind::kExp>, UnaryEval);
  AddOp(r, Op::SQRT, 1, 1, UnaryPrepare<UnaryKind::kSqrt>, UnaryEval);
  AddOp(r, Op::NEG, 1, 2, UnaryPrepare<UnaryKind::kNeg>, UnaryEval);
  AddOp(r, Op::PRELU, 1, 1, PreluPrepare, PreluEval);
}

}  // namespace edgeml::ops::elementwise_family
