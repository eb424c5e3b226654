// Binary arithmetic with numpy broadcasting: ADD, SUB, MUL, DIV (with a fused
// activation), SQUARED_DIFFERENCE, MAXIMUM, MINIMUM. FLOAT32 and INT32; ADD,
// SUB and MUL also INT8/UINT8/INT16 quantized, SQUARED_DIFFERENCE INT8, and
// MAXIMUM/MINIMUM INT8/UINT8/INT16 (raw values compared, as LiteRT does).
//
// Prepare reduces the two input shapes to a BroadcastPlan; equal shapes and
// tensor-vs-scalar reduce to one flat loop, so the fast paths need no
// separate code. The kernel (dtype x op) and, for quantized types, the
// fixed-point multipliers are picked at prepare.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>

#include "edgeml/op_resolver.h"
#include "kernels/reference/broadcast.h"
#include "kernels/reference/elementwise.h"
#include "kernels/reference/elementwise_quant.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

enum class BinaryKind { kAdd, kSub, kMul, kDiv, kSquaredDifference, kMaximum, kMinimum };

struct BinaryState : OpState {
  reference::BroadcastPlan plan;
  // Runs `plan` (the state's plan, or a slice of it) over the given data.
  void (*kernel)(const BinaryState&, const reference::BroadcastPlan& plan, const void*, const void*,
                 void*) = nullptr;
  bool split = false;  // FLOAT32: eval splits the outer dimension over threads
  float float_min = -std::numeric_limits<float>::infinity();
  float float_max = std::numeric_limits<float>::infinity();
  int32_t int_min = std::numeric_limits<int32_t>::lowest();
  int32_t int_max = std::numeric_limits<int32_t>::max();
  bool check_zero_divisor = false;  // INT32 DIV
  // Quantized parameters; the one the kernel uses is set at prepare.
  reference::QuantAddSubParams add_sub;
  reference::QuantPot16Params pot16;
  reference::QuantMulParams mul;
  reference::QuantSquaredDiffParams squared_diff;
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
void RunBinary(const BinaryState& s, const reference::BroadcastPlan& plan, const void* a,
               const void* b, void* out) {
  const T* x = static_cast<const T*>(a);
  const T* y = static_cast<const T*>(b);
  T* z = static_cast<T*>(out);
  if constexpr (kClamp) {
    reference::BinaryElementwise(plan, x, y, z, Lo<T>(s), Hi<T>(s), Op());
  } else {
    reference::BinaryElementwise(plan, x, y, z, Op());
  }
}

using KernelFn = void (*)(const BinaryState&, const reference::BroadcastPlan&, const void*,
                          const void*, void*);

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

// ---- quantized kernels ----

template <typename T, bool kSub>
void RunQuantAddSub(const BinaryState& s, const reference::BroadcastPlan& plan, const void* a,
                    const void* b, void* out) {
  reference::QuantAddSub<T, kSub>(plan, static_cast<const T*>(a), static_cast<const T*>(b),
                                  static_cast<T*>(out), s.add_sub);
}

template <bool kSub>
void RunPot16(const BinaryState& s, const reference::BroadcastPlan& plan, const void* a,
              const void* b, void* out) {
  reference::QuantAddSubPot16<kSub>(plan, static_cast<const int16_t*>(a),
                                    static_cast<const int16_t*>(b), static_cast<int16_t*>(out),
                                    s.pot16);
}

template <typename T>
void RunQuantMul(const BinaryState& s, const reference::BroadcastPlan& plan, const void* a,
                 const void* b, void* out) {
  reference::QuantMul(plan, static_cast<const T*>(a), static_cast<const T*>(b),
                      static_cast<T*>(out), s.mul);
}

void RunQuantSquaredDiff(const BinaryState& s, const reference::BroadcastPlan& plan, const void* a,
                         const void* b, void* out) {
  reference::QuantSquaredDifference(plan, static_cast<const int8_t*>(a),
                                    static_cast<const int8_t*>(b), static_cast<int8_t*>(out),
                                    s.squared_diff);
}

template <typename T>
KernelFn PickQuantAddSub(bool sub) {
  return sub ? RunQuantAddSub<T, true> : RunQuantAddSub<T, false>;
}

template <typename T>
KernelFn PickRawCompare(BinaryKind kind) {
  return kind == BinaryKind::kMaximum ? RunBinary<T, reference::MaximumOp, false>
                                      : RunBinary<T, reference::MinimumOp, false>;
}

// LiteRT's test for a power-of-two scale: log2 in float arithmetic within
// 1e-3 of an integer.
bool CheckedLog2(float x, int* log2_rounded) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_rounded = static_cast<int>(rounded);
  return std::abs(x_log2 - rounded) < 1e-3f;
}

// ---- options ----

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

// Output shape and broadcast plan, shared by every dtype.
Status FinishPrepare(OpContext& ctx, const Tensor& a, const Tensor& b,
                     std::unique_ptr<BinaryState> state) {
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
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// Whether an INT16 ADD/SUB takes LiteRT's power-of-two path: only when the
// options table is present and asks for it (LiteRT's parser zero-fills
// missing options, so an absent table means the general path).
template <BinaryKind kKind>
bool PotScaleInt16(const OpContext& ctx) {
  if constexpr (kKind == BinaryKind::kAdd) {
    const auto* o = Options<tfl::AddOptions>(ctx);
    return o && o->pot_scale_int16();
  } else if constexpr (kKind == BinaryKind::kSub) {
    const auto* o = Options<tfl::SubOptions>(ctx);
    return o && o->pot_scale_int16();
  } else {
    return false;
  }
}

// ADD/SUB: the general rescaling (8-bit, and 16-bit unless POT applies).
Status PrepareQuantAddSub(OpContext& ctx, const QuantParam& q1, const QuantParam& q2,
                          const QuantParam& qo, bool int16, reference::QuantAddSubParams* p) {
  p->left_shift = int16 ? 15 : 20;
  p->input1_offset = -q1.zero_point;
  p->input2_offset = -q2.zero_point;
  p->output_offset = qo.zero_point;
  // As LiteRT: twice the larger input scale, the ratios in double.
  const double twice_max = 2.0 * static_cast<double>(std::max(q1.scale, q2.scale));
  EDGEML_RETURN_IF_ERROR(
      MakeMultiplier(ctx, static_cast<double>(q1.scale) / twice_max, 0, "input 1", &p->input1));
  EDGEML_RETURN_IF_ERROR(
      MakeMultiplier(ctx, static_cast<double>(q2.scale) / twice_max, 0, "input 2", &p->input2));
  const double real_out =
      twice_max / (static_cast<double>(1 << p->left_shift) * static_cast<double>(qo.scale));
  // LiteRT's ADD aborts on an output factor >= 1. Its SUB accepts one but
  // then divides by a negative power of two, whose result depends on how
  // each element was vectorized; no answer would match it reliably.
  return MakeMultiplier(ctx, real_out, 0, "output", &p->output);
}

// The quantized half of BinaryPrepare: parameters and kernel by dtype.
template <BinaryKind kKind>
Status PrepareQuantized(OpContext& ctx, const Tensor& a, const Tensor& b, const Tensor& out,
                        tfl::ActivationFunctionType act, BinaryState* state) {
  const DataType type = a.type;
  if constexpr (kKind == BinaryKind::kMaximum || kKind == BinaryKind::kMinimum) {
    // Raw comparison, as LiteRT: the quantization parameters are not read.
    state->kernel = type == DataType::kInt8    ? PickRawCompare<int8_t>(kKind)
                    : type == DataType::kUInt8 ? PickRawCompare<uint8_t>(kKind)
                                               : PickRawCompare<int16_t>(kKind);
    return Status::Ok();
  }
  const bool int16 = type == DataType::kInt16;
  // LiteRT's int16 ADD, SUB and MUL are symmetric (zero points 0).
  const bool zp0 = int16;
  QuantParam q1, q2, qo;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, a, "input 0", &q1, zp0));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, b, "input 1", &q2, zp0));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo, zp0));
  int32_t act_min = 0, act_max = 0;
  EDGEML_RETURN_IF_ERROR(QuantActivationRange(ctx, act, out, qo, &act_min, &act_max));

  if constexpr (kKind == BinaryKind::kAdd || kKind == BinaryKind::kSub) {
    constexpr bool kSub = kKind == BinaryKind::kSub;
    int l1 = 0, l2 = 0, lo = 0;
    if (int16 && PotScaleInt16<kKind>(ctx) && CheckedLog2(q1.scale, &l1) &&
        CheckedLog2(q2.scale, &l2) && CheckedLog2(qo.scale, &lo)) {
      if (q1.zero_point != 0 || q2.zero_point != 0 || qo.zero_point != 0) {
        return ctx.InvalidModel("power-of-two INT16 path needs zero points 0 (have %d, %d, %d)",
                                q1.zero_point, q2.zero_point, qo.zero_point);
      }
      const int s1 = l1 - lo, s2 = l2 - lo;
      if ((s1 != 0 && s2 != 0) || s1 > 0 || s2 > 0 || s1 < -15 || s2 < -15) {
        return ctx.Unsupported(
            "power-of-two INT16 scales 2^%d, 2^%d -> 2^%d: one input must have the output's "
            "scale and the other a scale at most 2^15 times smaller",
            l1, l2, lo);
      }
      if (!kSub && !(a.shape == b.shape)) {
        return ctx.Unsupported("power-of-two INT16 ADD needs equal input shapes (%s vs %s)",
                               ShapeToString(a.shape).c_str(), ShapeToString(b.shape).c_str());
      }
      state->pot16.input1_right_shift = -s1;
      state->pot16.input2_right_shift = -s2;
      state->pot16.act_min = act_min;
      state->pot16.act_max = act_max;
      state->kernel = RunPot16<kSub>;
      return Status::Ok();
    }
    EDGEML_RETURN_IF_ERROR(PrepareQuantAddSub(ctx, q1, q2, qo, int16, &state->add_sub));
    state->add_sub.act_min = act_min;
    state->add_sub.act_max = act_max;
    state->kernel = type == DataType::kInt8    ? PickQuantAddSub<int8_t>(kSub)
                    : type == DataType::kUInt8 ? PickQuantAddSub<uint8_t>(kSub)
                                               : PickQuantAddSub<int16_t>(kSub);
    return Status::Ok();
  } else if constexpr (kKind == BinaryKind::kMul) {
    reference::QuantMulParams& p = state->mul;
    p.input1_offset = -q1.zero_point;
    p.input2_offset = -q2.zero_point;
    p.output_offset = qo.zero_point;
    p.act_min = act_min;
    p.act_max = act_max;
    // LiteRT forms s1 * s2 / s_out in float before widening.
    const float real = q1.scale * q2.scale / qo.scale;
    EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, real, 31, "output", &p.output));
    state->kernel = type == DataType::kInt8    ? RunQuantMul<int8_t>
                    : type == DataType::kUInt8 ? RunQuantMul<uint8_t>
                                               : RunQuantMul<int16_t>;
    return Status::Ok();
  } else if constexpr (kKind == BinaryKind::kSquaredDifference) {
    reference::QuantSquaredDiffParams& p = state->squared_diff;
    p.input1_offset = -q1.zero_point;
    p.input2_offset = -q2.zero_point;
    p.output_offset = qo.zero_point;
    const double twice_max = 2.0 * static_cast<double>(std::max(q1.scale, q2.scale));
    EDGEML_RETURN_IF_ERROR(
        MakeMultiplier(ctx, static_cast<double>(q1.scale) / twice_max, 0, "input 1", &p.input1));
    EDGEML_RETURN_IF_ERROR(
        MakeMultiplier(ctx, static_cast<double>(q2.scale) / twice_max, 0, "input 2", &p.input2));
    const double real_out =
        twice_max * twice_max / (static_cast<double>(1 << (2 * p.left_shift)) * qo.scale);
    EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, real_out, 0, "output", &p.output));
    state->kernel = RunQuantSquaredDiff;
    return Status::Ok();
  } else {
    return ctx.Unsupported("quantized %s is not implemented", ctx.op_name());
  }
}

template <BinaryKind kKind>
Status CheckSupportedType(OpContext& ctx, const Tensor& a) {
  using DT = DataType;
  switch (kKind) {
    case BinaryKind::kAdd:
    case BinaryKind::kSub:
    case BinaryKind::kMul:
    case BinaryKind::kMaximum:
    case BinaryKind::kMinimum:
      return RequireTypeIn(ctx, a, {DT::kFloat32, DT::kInt32, DT::kInt8, DT::kUInt8, DT::kInt16},
                           "input");
    case BinaryKind::kSquaredDifference:
      return RequireTypeIn(ctx, a, {DT::kFloat32, DT::kInt32, DT::kInt8}, "input");
    default:
      return RequireTypeIn(ctx, a, {DT::kFloat32, DT::kInt32}, "input");
  }
}

template <BinaryKind kKind>
Status BinaryPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.InvalidModel("both inputs are required");
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(CheckSupportedType<kKind>(ctx, a));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, b, a, "input 1", "input 0"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, a, "output", "input 0"));

  auto state = std::make_unique<BinaryState>();
  if (IsQuantizedType(a.type)) {
    EDGEML_RETURN_IF_ERROR(
        PrepareQuantized<kKind>(ctx, a, b, out, FusedActivation<kKind>(ctx), state.get()));
    return FinishPrepare(ctx, a, b, std::move(state));
  }
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

  if (a.type == DataType::kFloat32) {
    state->kernel = PickKernel<float>(kKind);
    state->split = true;
  } else {
    state->kernel = PickKernel<int32_t>(kKind);
    state->check_zero_divisor = kKind == BinaryKind::kDiv;
  }
  return FinishPrepare(ctx, a, b, std::move(state));
}

// Below this many output elements per range, waking threads costs more than
// the loop.
constexpr int64_t kMinElementsPerRange = 16384;

// Runs the kernel over ranges of the plan's outermost dimension in parallel.
// Each range is the same plan cut to rows [begin, end) of dim 0, so every
// output element is computed exactly as by one call over the whole plan.
template <typename T>
void RunSplit(OpContext& ctx, const BinaryState& s, const T* a, const T* b, T* out) {
  const reference::BroadcastPlan& plan = s.plan;
  if (plan.num_elements == 0) return;
  const int64_t inner = plan.num_elements / plan.dims[0];  // elements per dim-0 row
  auto range = [&](int64_t begin, int64_t end) {
    reference::BroadcastPlan sub = plan;
    sub.dims[0] = end - begin;
    sub.num_elements = (end - begin) * inner;
    s.kernel(s, sub, a + begin * plan.a_strides[0], b + begin * plan.b_strides[0],
             out + begin * inner);
  };
  const int64_t min_rows = std::max<int64_t>(1, kMinElementsPerRange / inner);
  ctx.ParallelFor(plan.dims[0], min_rows, range);
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
  if (s->split) {
    RunSplit(ctx, *s, a.data_as<float>(), b.data_as<float>(), ctx.output(0).data_as<float>());
  } else {
    s->kernel(*s, s->plan, a.data, b.data, ctx.output(0).data);
  }
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
