// Float activations and unary math: LOGISTIC, TANH, RELU, RELU6,
// RELU_N1_TO_1, LEAKY_RELU, HARD_SWISH, EXP, RSQRT, SQRT, and PRELU (whose
// alpha tensor broadcasts against the input).
#include "kernels/reference/activations.h"

#include <memory>

#include "kernels/reference/broadcast.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

using UnaryFn = void (*)(int64_t n, const float* in, float* out, float param);

struct UnaryState : OpState {
  UnaryFn kernel = nullptr;
  float param = 0.0f;  // LEAKY_RELU's alpha
};

enum class UnaryKind {
  kLogistic,
  kTanh,
  kRelu,
  kRelu6,
  kReluN1To1,
  kLeakyRelu,
  kHardSwish,
  kExp,
  kRsqrt,
  kSqrt
};

UnaryFn PickUnary(UnaryKind kind) {
  namespace ref = reference;
  switch (kind) {
    case UnaryKind::kLogistic:
      return [](int64_t n, const float* x, float* y, float) { ref::Logistic(n, x, y); };
    case UnaryKind::kTanh:
      return [](int64_t n, const float* x, float* y, float) { ref::Tanh(n, x, y); };
    case UnaryKind::kRelu:
      return [](int64_t n, const float* x, float* y, float) { ref::Relu(n, x, y); };
    case UnaryKind::kRelu6:
      return [](int64_t n, const float* x, float* y, float) { ref::Relu6(n, x, y); };
    case UnaryKind::kReluN1To1:
      return [](int64_t n, const float* x, float* y, float) { ref::ReluN1To1(n, x, y); };
    case UnaryKind::kLeakyRelu:
      return [](int64_t n, const float* x, float* y, float a) { ref::LeakyRelu(n, x, y, a); };
    case UnaryKind::kHardSwish:
      return [](int64_t n, const float* x, float* y, float) { ref::HardSwish(n, x, y); };
    case UnaryKind::kExp:
      return [](int64_t n, const float* x, float* y, float) { ref::Exp(n, x, y); };
    case UnaryKind::kRsqrt:
      return [](int64_t n, const float* x, float* y, float) { ref::Rsqrt(n, x, y); };
    case UnaryKind::kSqrt:
      return [](int64_t n, const float* x, float* y, float) { ref::Sqrt(n, x, y); };
  }
  return nullptr;
}

template <UnaryKind kKind>
Status UnaryPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, {DataType::kFloat32}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  auto state = std::make_unique<UnaryState>();
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
  s->kernel(in.num_elements(), in.data_as<float>(), ctx.output(0).data_as<float>(), s->param);
  return Status::Ok();
}

struct PreluState : OpState {
  reference::BroadcastPlan plan;
};

Status PreluPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.InvalidModel("input and alpha are required");
  }
  const Tensor& in = ctx.input(0);
  const Tensor& alpha = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, {DataType::kFloat32}, "input"));
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
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status PreluEval(OpContext& ctx) {
  reference::Prelu(ctx.state<PreluState>()->plan, ctx.input(0).data_as<float>(),
                   ctx.input(1).data_as<float>(), ctx.output(0).data_as<float>());
  return Status::Ok();
}

}  // namespace

void RegisterActivationOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // Versions above 1 add quantized types; those fail in prepare naming the type.
  AddOp(r, Op::LOGISTIC, 1, 3, UnaryPrepare<UnaryKind::kLogistic>, UnaryEval);
  AddOp(r, Op::TANH, 1, 3, UnaryPrepare<UnaryKind::kTanh>, UnaryEval);
  AddOp(r, Op::RELU, 1, 3, UnaryPrepare<UnaryKind::kRelu>, UnaryEval);
  AddOp(r, Op::RELU6, 1, 3, UnaryPrepare<UnaryKind::kRelu6>, UnaryEval);
  AddOp(r, Op::RELU_N1_TO_1, 1, 1, UnaryPrepare<UnaryKind::kReluN1To1>, UnaryEval);
  AddOp(r, Op::LEAKY_RELU, 1, 2, UnaryPrepare<UnaryKind::kLeakyRelu>, UnaryEval);
  AddOp(r, Op::HARD_SWISH, 1, 1, UnaryPrepare<UnaryKind::kHardSwish>, UnaryEval);
  AddOp(r, Op::EXP, 1, 2, UnaryPrepare<UnaryKind::kExp>, UnaryEval);
  AddOp(r, Op::RSQRT, 1, 3, UnaryPrepare<UnaryKind::kRsqrt>, UnaryEval);
  AddOp(r, Op::SQRT, 1, 1, UnaryPrepare<UnaryKind::kSqrt>, UnaryEval);
  AddOp(r, Op::PRELU, 1, 1, PreluPrepare, PreluEval);
}

}  // namespace edgeml::ops::elementwise_family
