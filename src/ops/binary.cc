// Binary arithmetic with numpy broadcasting: ADD, SUB, MUL, DIV (with a fused
// activation), SQUARED_DIFFERENCE, MAXIMUM, MINIMUM. FLOAT32 and INT32.
//
// Prepare reduces the two input shapes to a BroadcastPlan; equal shapes and
// tensor-vs-scalar reduce to one flat loop, so the fast paths need no
// separate code. The kernel (dtype x op) is picked at prepare.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>

#include "edgeml/op_resolver.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/elementwise.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

enum class BinaryKind { kAdd, kSub, kMul, kDiv, kSquaredDifference, kMaximum, kMinimum };

struct BinaryState : OpState {
  reference::BroadcastPlan plan;
  void (*kernel)(const BinaryState&, const void*, const void*, void*) = nullptr;
  float float_min = -std::numeric_limits<float>::infinity();
  float float_max = std::numeric_limits<float>::infinity();
  int32_t int_min = std::numeric_limits<int32_t>::lowest();
  int32_t int_max = std::numeric_limits<int32_t>::max();
  bool check_zero_divisor = false;  // INT32 DIV
};

template <typename T>
T Lo(const BinaryState& s) {
  if constexpr (std::is_same_v<T, float>) {
    return s.float_min;
  } else {
    return s.int_min;
  }
}
template <typename T>
T Hi(const BinaryState& s) {
  if constexpr (std::is_same_v<T, float>) {
    return s.float_max;
  } else {
    return s.int_max;
  }
}

template <typename T, typename Op, bool kClamp>
void RunBinary(const BinaryState& s, const void* a, const void* b, void* out) {
  const T* x = static_cast<const T*>(a);
  const T* y = static_cast<const T*>(b);
  T* z = static_cast<T*>(out);
  if constexpr (kClamp) {
    reference::BinaryElementwise(s.plan, x, y, z, Lo<T>(s), Hi<T>(s), Op());
  } else {
    reference::BinaryElementwise(s.plan, x, y, z, Op());
  }
}

using KernelFn = void (*)(const BinaryState&, const void*, const void*, void*);

template <typename T>
KernelFn PickKernel(BinaryKind kind) {
  switch (kind) {
    case BinaryKind::kAdd:
      return RunBinary<T, reference::AddOp, true>;
    case BinaryKind::kSub:
      return RunBinary<T, reference::SubOp, true>;
    case BinaryKind::kMul:
      return RunBinary<T, reference::MulOp, true>;
    case BinaryKind::kDiv:
      return RunBinary<T, reference::DivOp, true>;
    case BinaryKind::kSquaredDifference:
      return RunBinary<T, reference::SquaredDifferenceOp, false>;
    case BinaryKind::kMaximum:
      return RunBinary<T, reference::MaximumOp, false>;
    case BinaryKind::kMinimum:
      return RunBinary<T, reference::MinimumOp, false>;
  }
  return nullptr;
}

template <BinaryKind kKind>
tfl::ActivationFunctionType FusedActivation(const OpContext& ctx) {
  const auto none = tfl::ActivationFunctionType::NONE;
  switch (kKind) {
    case BinaryKind::kAdd: {
      const auto* o = Options<tfl::AddOptions>(ctx);
      return o ? o->fused_activation_function() : none;
    }
    case BinaryKind::kSub: {
      const auto* o = Options<tfl::SubOptions>(ctx);
      return o ? o->fused_activation_function() : none;
    }
    case BinaryKind::kMul: {
      const auto* o = Options<tfl::MulOptions>(ctx);
      return o ? o->fused_activation_function() : none;
    }
    case BinaryKind::kDiv: {
      const auto* o = Options<tfl::DivOptions>(ctx);
      return o ? o->fused_activation_function() : none;
    }
    default:
      return none;
  }
}

template <BinaryKind kKind>
Status BinaryPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.InvalidModel("both inputs are required");
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, a, {DataType::kFloat32, DataType::kInt32}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, b, a, "input 1", "input 0"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, a, "output", "input 0"));

  auto state = std::make_unique<BinaryState>();
  FloatRange range;
  EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, FusedActivation<kKind>(ctx), &range));
  state->float_min = range.min;
  state->float_max = range.max;
  // The activation bounds are 0, 6, -1, 1 or infinite; as int32 clamps.
  if (range.min > -std::numeric_limits<float>::infinity()) {
    state->int_min = static_cast<int32_t>(range.min);
  }
  if (range.max < std::numeric_limits<float>::infinity()) {
    state->int_max = static_cast<int32_t>(range.max);
  }

  Shape out_shape;
  if (!reference::BroadcastShapes(a.shape, b.shape, &out_shape)) {
    return ctx.InvalidModel("shapes %s and %s do not broadcast (input 0 %s, input 1 %s)",
                            ShapeToString(a.shape).c_str(), ShapeToString(b.shape).c_str(),
                            ctx.Describe(a).c_str(), ctx.Describe(b).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  if (!reference::MakeBroadcastPlan(a.shape, b.shape, &state->plan)) {
    return ctx.Unsupported("broadcasting %s against %s needs more than %d dimensions",
                           ShapeToString(a.shape).c_str(), ShapeToString(b.shape).c_str(),
                           reference::kMaxBroadcastRank);
  }
  if (a.type == DataType::kFloat32) {
    state->kernel = PickKernel<float>(kKind);
  } else {
    state->kernel = PickKernel<int32_t>(kKind);
    state->check_zero_divisor = kKind == BinaryKind::kDiv;
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status BinaryEval(OpContext& ctx) {
  const BinaryState* s = ctx.state<BinaryState>();
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  if (s->check_zero_divisor && s->plan.num_elements > 0) {
    const int32_t* d = b.data_as<int32_t>();
    const int64_t n = b.num_elements();
    for (int64_t i = 0; i < n; ++i) {
      if (d[i] == 0) {
        return ctx.Error(StatusCode::kInvalidArgument, "integer division by zero (%s element %lld)",
                         ctx.Describe(b).c_str(), static_cast<long long>(i));
      }
    }
  }
  s->kernel(*s, a.data, b.data, ctx.output(0).data);
  return Status::Ok();
}

}  // namespace

void RegisterBinaryOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  AddOp(r, Op::ADD, 1, 5, BinaryPrepare<BinaryKind::kAdd>, BinaryEval);
  AddOp(r, Op::SUB, 1, 5, BinaryPrepare<BinaryKind::kSub>, BinaryEval);
  AddOp(r, Op::MUL, 1, 7, BinaryPrepare<BinaryKind::kMul>, BinaryEval);
  AddOp(r, Op::DIV, 1, 2, BinaryPrepare<BinaryKind::kDiv>, BinaryEval);
  AddOp(r, Op::SQUARED_DIFFERENCE, 1, 2, BinaryPrepare<BinaryKind::kSquaredDifference>, BinaryEval);
  AddOp(r, Op::MAXIMUM, 1, 4, BinaryPrepare<BinaryKind::kMaximum>, BinaryEval);
  AddOp(r, Op::MINIMUM, 1, 4, BinaryPrepare<BinaryKind::kMinimum>, BinaryEval);
}

}  // namespace edgeml::ops::elementwise_family
