// Broadcasting ops of the math family: the six comparisons (bool output),
// LOGICAL_AND/OR, POW, FLOOR_DIV, FLOOR_MOD, and SELECT / SELECT_V2.
// Comparisons take FLOAT32, INT32, INT64 (and BOOL for EQUAL/NOT_EQUAL), and
// INT8/UINT8 compared as LiteRT does: each input's (q - zero_point) * 2^8
// rescaled by its own scale in fixed point, so that inputs with different
// scales compare by real value with LiteRT's rounding. Integer FLOOR_DIV and
// FLOOR_MOD fail at eval on a zero divisor and integer POW on a negative
// exponent, as in LiteRT.
#include "kernels/reference/math.h"

#include <cstdint>
#include <memory>
#include <string>

#include "kernels/reference/broadcast.h"
#include "ops/builtin_ops.h"
#include "ops/elementwise_family.h"
#include "ops/math_family.h"
#include "ops/op_util.h"
#include "quant/fixed_point.h"

namespace edgeml::ops {
namespace math_family {
namespace {

using elementwise_family::AddOp;
using elementwise_family::RequireSameType;
using elementwise_family::RequireTypeIn;

// ---------------------------------------------------------------- binary

struct BinaryMathState : OpState {
  reference::BroadcastPlan plan;
  Status (*eval)(OpContext& ctx, const BinaryMathState& s) = nullptr;
  // Quantized comparisons: -zero_point and the scale as a multiplier, per input.
  int32_t offset[2] = {0, 0};
  quant::Multiplier scale[2];
};

// Checks two inputs of the same type and one output of `out_type`, and
// plans the broadcast into the state.
Status PrepareBroadcast(OpContext& ctx, DataType out_type, BinaryMathState* state) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.InvalidModel("both inputs are required");
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, b, a, "input 1", "input 0"));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), out_type, "output"));
  Shape out_shape;
  if (!reference::BroadcastShapes(a.shape, b.shape, &out_shape) ||
      !reference::MakeBroadcastPlan(a.shape, b.shape, &state->plan)) {
    return ctx.InvalidModel("inputs %s and %s have shapes %s and %s that do not broadcast",
                            ctx.Describe(a).c_str(), ctx.Describe(b).c_str(),
                            ShapeToString(a.shape).c_str(), ShapeToString(b.shape).c_str());
  }
  return ctx.SetOutputShape(0, out_shape);
}

Status BinaryMathEval(OpContext& ctx) {
  const auto* s = ctx.state<BinaryMathState>();
  return s->eval(ctx, *s);
}

template <typename T, typename F>
Status RunBroadcast(OpContext& ctx, const BinaryMathState& s, F f) {
  using Out = decltype(f(T(), T()));
  reference::BroadcastBinary(s.plan, ctx.input(0).data_as<T>(), ctx.input(1).data_as<T>(),
                             ctx.output(0).data_as<Out>(), f);
  return Status::Ok();
}

// ---- comparisons

template <typename T, typename Cmp>
Status EvalCompare(OpContext& ctx, const BinaryMathState& s) {
  return RunBroadcast<T>(ctx, s, Cmp());
}

// LiteRT's ComparisonWithScaling: both sides on the common fixed-point scale.
template <typename T, typename Cmp>
Status EvalCompareQuantized(OpContext& ctx, const BinaryMathState& s) {
  constexpr int kLeftShift = 8;
  const int32_t o0 = s.offset[0], o1 = s.offset[1];
  const quant::Multiplier m0 = s.scale[0], m1 = s.scale[1];
  return RunBroadcast<T>(ctx, s, [=](T a, T b) {
    const int32_t x = quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(
        (o0 + static_cast<int32_t>(a)) * (1 << kLeftShift), m0);
    const int32_t y = quant::MultiplyByQuantizedMultiplierSmallerThanOneExp(
        (o1 + static_cast<int32_t>(b)) * (1 << kLeftShift), m1);
    return Cmp()(x, y);
  });
}

// Per-tensor scale and zero point of a quantized comparison input; scales of
// 1 or more have no "smaller than one" multiplier (LiteRT asserts on them).
Status PrepareQuantizedCompareInput(OpContext& ctx, int i, BinaryMathState* state) {
  const Tensor& t = ctx.input(i);
  EDGEML_OP_ENSURE(ctx, t.quant.scale.size() == 1 && t.quant.zero_point.size() == 1,
                   "input %d %s needs per-tensor quantization", i, ctx.Describe(t).c_str());
  const double scale = t.quant.scale[0];
  EDGEML_OP_ENSURE(ctx, scale > 0 && scale < 1, "input %d %s has scale %g; expected (0, 1)", i,
                   ctx.Describe(t).c_str(), scale);
  state->offset[i] = -static_cast<int32_t>(t.quant.zero_point[0]);
  state->scale[i] = quant::QuantizeMultiplier(scale);
  return Status::Ok();
}

template <typename Cmp>
Status ComparePrepare(OpContext& ctx, bool allow_bool) {
  auto state = std::make_unique<BinaryMathState>();
  EDGEML_RETURN_IF_ERROR(PrepareBroadcast(ctx, DataType::kBool, state.get()));
  const Tensor& a = ctx.input(0);
  switch (a.type) {
    case DataType::kFloat32:
      state->eval = EvalCompare<float, Cmp>;
      break;
    case DataType::kInt32:
      state->eval = EvalCompare<int32_t, Cmp>;
      break;
    case DataType::kInt64:
      state->eval = EvalCompare<int64_t, Cmp>;
      break;
    case DataType::kInt8:
    case DataType::kUInt8:
      EDGEML_RETURN_IF_ERROR(PrepareQuantizedCompareInput(ctx, 0, state.get()));
      EDGEML_RETURN_IF_ERROR(PrepareQuantizedCompareInput(ctx, 1, state.get()));
      state->eval = a.type == DataType::kInt8 ? EvalCompareQuantized<int8_t, Cmp>
                                              : EvalCompareQuantized<uint8_t, Cmp>;
      break;
    case DataType::kBool:
      if (allow_bool) {
        state->eval = EvalCompare<bool, Cmp>;
        break;
      }
      [[fallthrough]];
    default:
      return RequireTypeIn(ctx, a,
                           {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8,
                            DataType::kUInt8},
                           "input 0");
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status EqualPrepare(OpContext& ctx) { return ComparePrepare<reference::EqualOp>(ctx, true); }
Status NotEqualPrepare(OpContext& ctx) { return ComparePrepare<reference::NotEqualOp>(ctx, true); }
Status GreaterPrepare(OpContext& ctx) { return ComparePrepare<reference::GreaterOp>(ctx, false); }
Status GreaterEqualPrepare(OpContext& ctx) {
  return ComparePrepare<reference::GreaterEqualOp>(ctx, false);
}
Status LessPrepare(OpContext& ctx) { return ComparePrepare<reference::LessOp>(ctx, false); }
Status LessEqualPrepare(OpContext& ctx) {
  return ComparePrepare<reference::LessEqualOp>(ctx, false);
}

// ---- logical

Status EvalLogicalAnd(OpContext& ctx, const BinaryMathState& s) {
  reference::LogicalAnd(s.plan, ctx.input(0).data_as<bool>(), ctx.input(1).data_as<bool>(),
                        ctx.output(0).data_as<bool>());
  return Status::Ok();
}
Status EvalLogicalOr(OpContext& ctx, const BinaryMathState& s) {
  reference::LogicalOr(s.plan, ctx.input(0).data_as<bool>(), ctx.input(1).data_as<bool>(),
                       ctx.output(0).data_as<bool>());
  return Status::Ok();
}

Status LogicalPrepare(OpContext& ctx, bool is_and) {
  auto state = std::make_unique<BinaryMathState>();
  EDGEML_RETURN_IF_ERROR(PrepareBroadcast(ctx, DataType::kBool, state.get()));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(0), DataType::kBool, "input 0"));
  state->eval = is_and ? EvalLogicalAnd : EvalLogicalOr;
  ctx.set_state(std::move(state));
  return Status::Ok();
}
Status LogicalAndPrepare(OpContext& ctx) { return LogicalPrepare(ctx, true); }
Status LogicalOrPrepare(OpContext& ctx) { return LogicalPrepare(ctx, false); }

// ---- POW, FLOOR_DIV, FLOOR_MOD

// Integer FLOOR_DIV / FLOOR_MOD: LiteRT rejects a zero anywhere in the divisor.
template <typename T>
bool HasZero(const Tensor& t) {
  const T* v = t.data_as<T>();
  for (int64_t i = 0; i < t.num_elements(); ++i) {
    if (v[i] == 0) return true;
  }
  return false;
}

template <typename T, typename Op>
Status EvalIntDivision(OpContext& ctx, const BinaryMathState& s) {
  if (HasZero<T>(ctx.input(1))) {
    return ctx.InvalidModel("divisor %s holds a zero", ctx.Describe(ctx.input(1)).c_str());
  }
  return RunBroadcast<T>(ctx, s, Op());
}

template <typename T, typename Op>
Status EvalFloatBinary(OpContext& ctx, const BinaryMathState& s) {
  return RunBroadcast<T>(ctx, s, Op());
}

template <typename Op>
Status DivisionPrepare(OpContext& ctx) {
  auto state = std::make_unique<BinaryMathState>();
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("both inputs are required");
  const Tensor& a = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(PrepareBroadcast(ctx, a.type, state.get()));
  switch (a.type) {
    case DataType::kFloat32:
      state->eval = EvalFloatBinary<float, Op>;
      break;
    case DataType::kInt32:
      state->eval = EvalIntDivision<int32_t, Op>;
      break;
    case DataType::kInt64:
      state->eval = EvalIntDivision<int64_t, Op>;
      break;
    case DataType::kInt16:
      state->eval = EvalIntDivision<int16_t, Op>;
      break;
    case DataType::kInt8:
      state->eval = EvalIntDivision<int8_t, Op>;
      break;
    default:
      return RequireTypeIn(ctx, a,
                           {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                            DataType::kInt16, DataType::kInt8},
                           "input 0");
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}
Status FloorDivPrepare(OpContext& ctx) { return DivisionPrepare<reference::FloorDivOp>(ctx); }
Status FloorModPrepare(OpContext& ctx) { return DivisionPrepare<reference::FloorModOp>(ctx); }

Status EvalPowInt(OpContext& ctx, const BinaryMathState& s) {
  const Tensor& e = ctx.input(1);
  const int32_t* v = e.data_as<int32_t>();
  for (int64_t i = 0; i < e.num_elements(); ++i) {
    if (v[i] < 0) {
      return ctx.InvalidModel("exponent %s holds %d; integer POW needs exponents >= 0",
                              ctx.Describe(e).c_str(), v[i]);
    }
  }
  return RunBroadcast<int32_t>(ctx, s, reference::PowIntOp());
}

Status PowPrepare(OpContext& ctx) {
  auto state = std::make_unique<BinaryMathState>();
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("both inputs are required");
  const Tensor& a = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, a, {DataType::kFloat32, DataType::kInt32}, "input 0"));
  EDGEML_RETURN_IF_ERROR(PrepareBroadcast(ctx, a.type, state.get()));
  state->eval =
      a.type == DataType::kFloat32 ? EvalFloatBinary<float, reference::PowFloatOp> : EvalPowInt;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// ---------------------------------------------------------------- SELECT

struct SelectState : OpState {
  reference::SelectPlan plan;
  size_t elem_size = 0;
};

Status SelectPrepareImpl(OpContext& ctx, bool v2) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  for (int i = 0; i < 3; ++i) {
    if (!ctx.has_input(i)) return ctx.InvalidModel("input %d is required", i);
  }
  const Tensor& cond = ctx.input(0);
  const Tensor& x = ctx.input(1);
  const Tensor& y = ctx.input(2);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, cond, DataType::kBool, "condition"));
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, x,
                    {DataType::kBool, DataType::kFloat32, DataType::kUInt8, DataType::kInt8,
                     DataType::kInt16, DataType::kInt32, DataType::kInt64},
                    "input x"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, y, x, "input y", "input x"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, out, x, "output", "input x"));

  Shape out_shape;
  Shape cond_shape = cond.shape;
  if (v2) {
    Shape xy;
    if (!reference::BroadcastShapes(x.shape, y.shape, &xy) ||
        !reference::BroadcastShapes(cond.shape, xy, &out_shape)) {
      return ctx.InvalidModel(
          "condition %s, x %s and y %s have shapes %s, %s and %s that do not "
          "broadcast",
          ctx.Describe(cond).c_str(), ctx.Describe(x).c_str(), ctx.Describe(y).c_str(),
          ShapeToString(cond.shape).c_str(), ShapeToString(x.shape).c_str(),
          ShapeToString(y.shape).c_str());
    }
  } else {
    // SELECT (v1): x and y alike; the condition matches them, is a scalar,
    // or is a vector choosing whole rows along dim 0.
    if (x.shape != y.shape) {
      return ctx.InvalidModel("inputs x %s and y %s have different shapes %s and %s",
                              ctx.Describe(x).c_str(), ctx.Describe(y).c_str(),
                              ShapeToString(x.shape).c_str(), ShapeToString(y.shape).c_str());
    }
    out_shape = x.shape;
    if (cond.shape != x.shape) {
      const bool scalar = cond.rank() == 0;
      const bool rows = cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0);
      if (!scalar && !rows) {
        return ctx.InvalidModel(
            "condition %s has shape %s; SELECT needs the shape of x %s, a scalar, or a "
            "vector of size %s",
            ctx.Describe(cond).c_str(), ShapeToString(cond.shape).c_str(),
            ShapeToString(x.shape).c_str(), x.rank() >= 1 ? std::to_string(x.dim(0)).c_str() : "-");
      }
      if (rows) {
        cond_shape = Shape(x.rank(), 1);
        cond_shape[0] = cond.dim(0);
      }
    }
  }
  auto state = std::make_unique<SelectState>();
  if (!reference::MakeSelectPlan(cond_shape, x.shape, y.shape, out_shape, &state->plan)) {
    return ctx.Unsupported("output rank %d exceeds edgeml's limit of %d",
                           static_cast<int>(out_shape.size()), reference::kMaxBroadcastRank);
  }
  state->elem_size = DataTypeSize(x.type);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status SelectPrepare(OpContext& ctx) { return SelectPrepareImpl(ctx, false); }
Status SelectV2Prepare(OpContext& ctx) { return SelectPrepareImpl(ctx, true); }

Status SelectEval(OpContext& ctx) {
  const auto* s = ctx.state<SelectState>();
  reference::Select(s->plan, ctx.input(0).data_as<bool>(), ctx.input(1).data, ctx.input(2).data,
                    ctx.output(0).data, s->elem_size);
  return Status::Ok();
}

}  // namespace

void RegisterBinaryMathOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // Later versions add int8/uint8/int16/string inputs; they are accepted and
  // rejected by type at prepare.
  AddOp(r, Op::EQUAL, 1, 4, EqualPrepare, BinaryMathEval);
  AddOp(r, Op::NOT_EQUAL, 1, 3, NotEqualPrepare, BinaryMathEval);
  AddOp(r, Op::GREATER, 1, 2, GreaterPrepare, BinaryMathEval);
  AddOp(r, Op::GREATER_EQUAL, 1, 2, GreaterEqualPrepare, BinaryMathEval);
  AddOp(r, Op::LESS, 1, 2, LessPrepare, BinaryMathEval);
  AddOp(r, Op::LESS_EQUAL, 1, 2, LessEqualPrepare, BinaryMathEval);
  AddOp(r, Op::LOGICAL_AND, 1, 1, LogicalAndPrepare, BinaryMathEval);
  AddOp(r, Op::LOGICAL_OR, 1, 1, LogicalOrPrepare, BinaryMathEval);
  AddOp(r, Op::POW, 1, 1, PowPrepare, BinaryMathEval);
  AddOp(r, Op::FLOOR_DIV, 1, 3, FloorDivPrepare, BinaryMathEval);
  AddOp(r, Op::FLOOR_MOD, 1, 2, FloorModPrepare, BinaryMathEval);
  AddOp(r, Op::SELECT, 1, 4, SelectPrepare, SelectEval);
  AddOp(r, Op::SELECT_V2, 1, 2, SelectV2Prepare, SelectEval);
}

}  // namespace math_family

void RegisterMathOps(OpResolver* r) {
  math_family::RegisterBinaryMathOps(r);
  math_family::RegisterUnaryMathOps(r);
}

}  // namespace edgeml::ops
