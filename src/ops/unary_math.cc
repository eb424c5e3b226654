// One-input ops of the math family: ABS, FLOOR, CEIL, ROUND (half to even),
// SQUARE, SIGN, LOG, SIN, COS, ELU, GELU, LOGICAL_NOT, ZEROS_LIKE,
// LOG_SOFTMAX; and FILL / RANGE, whose output shape comes from input values
// (edgeml needs those inputs constant, to know shapes at prepare).
// Float32 kernels (plus the integer types LiteRT's float-free variants take);
// LiteRT's int8/int16 quantized versions are rejected by type for now.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/reference/activations_quant.h"
#include "kernels/reference/math.h"
#include "ops/elementwise_family.h"
#include "ops/math_family.h"
#include "ops/op_util.h"
#include "quant/lut.h"

namespace edgeml::ops::math_family {
namespace {

using elementwise_family::AddOp;
using elementwise_family::RequireSameType;
using elementwise_family::RequireTypeIn;

struct UnaryState : OpState {
  void (*kernel)(const UnaryState& s, const Tensor& in, Tensor& out) = nullptr;
  bool approximate = false;  // GELU
  uint8_t lut8[256] = {};    // GELU on int8/uint8: the output of every input value
};

Status UnaryEval(OpContext& ctx) {
  const auto* s = ctx.state<UnaryState>();
  s->kernel(*s, ctx.input(0), ctx.output(0));
  return Status::Ok();
}

template <typename T, T (*F)(T)>
void RunUnary(const UnaryState&, const Tensor& in, Tensor& out) {
  reference::Unary(in.num_elements(), in.data_as<T>(), out.data_as<T>(), F);
}

// Checks one input of `types`, an output of the same type, and copies the
// shape. Returns the state for the caller to fill in.
Status PrepareUnary(OpContext& ctx, std::initializer_list<DataType> types,
                    std::unique_ptr<UnaryState>* state) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, types, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), in, "output", "input"));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  *state = std::make_unique<UnaryState>();
  return Status::Ok();
}

float FloorF(float x) { return std::floor(x); }
float CeilF(float x) { return std::ceil(x); }
float SquareF(float x) { return x * x; }
float LogF(float x) { return std::log(x); }
float SinF(float x) { return std::sin(x); }
float CosF(float x) { return std::cos(x); }
bool NotB(bool x) { return !x; }

// A float32-only op computing F.
template <float (*F)(float)>
Status FloatUnaryPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(PrepareUnary(ctx, {DataType::kFloat32}, &state));
  state->kernel = RunUnary<float, F>;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status AbsPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(PrepareUnary(ctx, {DataType::kFloat32, DataType::kInt32}, &state));
  state->kernel = ctx.input(0).type == DataType::kFloat32
                      ? RunUnary<float, reference::AbsValue<float>>
                      : RunUnary<int32_t, reference::AbsValue<int32_t>>;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status SignPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(PrepareUnary(ctx, {DataType::kFloat32, DataType::kInt32}, &state));
  state->kernel = ctx.input(0).type == DataType::kFloat32
                      ? RunUnary<float, reference::Sign<float>>
                      : RunUnary<int32_t, reference::Sign<int32_t>>;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status LogicalNotPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(PrepareUnary(ctx, {DataType::kBool}, &state));
  state->kernel = RunUnary<bool, NotB>;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

void RunGelu(const UnaryState& s, const Tensor& in, Tensor& out) {
  const float* x = in.data_as<float>();
  float* y = out.data_as<float>();
  for (int64_t i = 0; i < in.num_elements(); ++i) y[i] = reference::Gelu(x[i], s.approximate);
}

// The float functions LiteRT tabulates for 8-bit GELU (its reference gelu.h),
// with its operation order, so that the table matches entry for entry.
float GeluTableExact(float x) {
  return 0.5f * x * std::erfc(x * static_cast<float>(-0.70710678118654752440));
}
float GeluTableApprox(float x) {
  constexpr float kSqrt2OverPi =
      static_cast<float>(1.12837916709551257390 * 0.70710678118654752440);
  return 0.5f * x * (1.f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
}

template <typename T>
void RunGeluLut8(const UnaryState& s, const Tensor& in, Tensor& out) {
  reference::LookupTable8(in.num_elements(), in.data_as<T>(), reinterpret_cast<const T*>(s.lut8),
                          out.data_as<T>());
}

Status GeluPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(
      PrepareUnary(ctx, {DataType::kFloat32, DataType::kInt8, DataType::kUInt8}, &state));
  const auto* opts = Options<tfl::GeluOptions>(ctx);
  state->approximate = opts != nullptr && opts->approximate();
  const Tensor& in = ctx.input(0);
  if (in.type == DataType::kFloat32) {
    state->kernel = RunGelu;
  } else {
    QuantParam qin, qout;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qin));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, ctx.output(0), "output", &qout));
    float (*fn)(float) = state->approximate ? GeluTableApprox : GeluTableExact;
    if (in.type == DataType::kInt8) {
      quant::PopulateLut8(qin.scale, qin.zero_point, qout.scale, qout.zero_point, fn,
                          reinterpret_cast<int8_t*>(state->lut8));
      state->kernel = RunGeluLut8<int8_t>;
    } else {
      quant::PopulateLut8(qin.scale, qin.zero_point, qout.scale, qout.zero_point, fn, state->lut8);
      state->kernel = RunGeluLut8<uint8_t>;
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

void RunZeros(const UnaryState&, const Tensor&, Tensor& out) {
  if (out.bytes != 0) std::memset(out.data, 0, out.bytes);
}

Status ZerosLikePrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(
      PrepareUnary(ctx, {DataType::kFloat32, DataType::kInt32, DataType::kInt64}, &state));
  state->kernel = RunZeros;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

void RunLogSoftmax(const UnaryState&, const Tensor& in, Tensor& out) {
  const int64_t depth = in.dim(in.rank() - 1);
  if (depth == 0) return;
  reference::LogSoftmax(in.num_elements() / depth, depth, in.data_as<float>(),
                        out.data_as<float>());
}

Status LogSoftmaxPrepare(OpContext& ctx) {
  std::unique_ptr<UnaryState> state;
  EDGEML_RETURN_IF_ERROR(PrepareUnary(ctx, {DataType::kFloat32}, &state));
  const Tensor& in = ctx.input(0);
  if (in.rank() < 1) {
    return ctx.InvalidModel("input %s is a scalar; LOG_SOFTMAX needs rank >= 1",
                            ctx.Describe(in).c_str());
  }
  state->kernel = RunLogSoftmax;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// ---------------------------------------------------------------- FILL

struct FillState : OpState {
  size_t elem_size = 0;
};

// Repeats the value's bytes over the output.
void FillBytes(const Tensor& value, Tensor& out, size_t elem_size) {
  auto* o = static_cast<uint8_t*>(out.data);
  for (int64_t i = 0; i < out.num_elements(); ++i) {
    std::memcpy(o + i * elem_size, value.data, elem_size);
  }
}

Status FillEval(OpContext& ctx) {
  FillBytes(ctx.input(1), ctx.output(0), ctx.state<FillState>()->elem_size);
  return Status::Ok();
}

Status FillPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(1)) return ctx.InvalidModel("the value input is required");
  const Tensor& value = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, value,
                                       {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                        DataType::kBool, DataType::kInt8, DataType::kInt16},
                                       "value"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), value, "output", "value"));
  if (value.rank() != 0) {
    return ctx.InvalidModel("value %s has shape %s; FILL needs a scalar",
                            ctx.Describe(value).c_str(), ShapeToString(value.shape).c_str());
  }
  // The output shape comes from the dims' values (prepared in Invoke() unless
  // they are constant).
  std::vector<int64_t> dims;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 0, "dims", &dims));
  if (ctx.input(0).rank() != 1) {
    return ctx.InvalidModel("dims %s must be a vector", ctx.Describe(ctx.input(0)).c_str());
  }
  Shape shape;
  for (int64_t d : dims) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max()) {
      return ctx.InvalidModel("dims %s holds %lld; dimensions must be in [0, 2^31)",
                              ctx.Describe(ctx.input(0)).c_str(), static_cast<long long>(d));
    }
    shape.push_back(static_cast<int32_t>(d));
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  auto state = std::make_unique<FillState>();
  state->elem_size = DataTypeSize(value.type);
  if (value.is_constant()) {
    EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
    FillBytes(value, ctx.output(0), state->elem_size);
    ctx.MarkFolded();
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// ---------------------------------------------------------------- RANGE

// Number of elements of range(start, limit, delta), or -1 (with *why set)
// when the arguments are invalid. Integer spans are measured in unsigned
// 64-bit arithmetic, which cannot overflow for int32 or int64 inputs.
template <typename T>
int64_t RangeSize(T start, T limit, T delta, const char** why) {
  if (delta == 0) {
    *why = "delta is 0";
    return -1;
  }
  if ((start > limit && delta > 0) || (start < limit && delta < 0)) {
    *why = "delta points away from limit";
    return -1;
  }
  if constexpr (std::is_integral_v<T>) {
    // |limit - start| and |delta| as unsigned 64-bit values cannot overflow.
    const uint64_t span = start < limit
                              ? static_cast<uint64_t>(limit) - static_cast<uint64_t>(start)
                              : static_cast<uint64_t>(start) - static_cast<uint64_t>(limit);
    const uint64_t step =
        delta < 0 ? uint64_t{0} - static_cast<uint64_t>(delta) : static_cast<uint64_t>(delta);
    const uint64_t n = span / step + (span % step != 0 ? 1 : 0);
    if (n > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      *why = "the output would have more than 2^31 - 1 elements";
      return -1;
    }
    return static_cast<int64_t>(n);
  } else {
    const double n = std::ceil(std::fabs(static_cast<double>((limit - start) / delta)));
    if (!(n <= static_cast<double>(std::numeric_limits<int32_t>::max()))) {
      *why = "the output would have more than 2^31 - 1 elements (or NaN)";
      return -1;
    }
    return static_cast<int64_t>(n);
  }
}

// Accumulates delta, as LiteRT does (for floats this differs from
// start + i * delta).
template <typename T>
Status FoldRange(OpContext& ctx) {
  const T start = *ctx.input(0).data_as<T>();
  const T limit = *ctx.input(1).data_as<T>();
  const T delta = *ctx.input(2).data_as<T>();
  const char* why = "";
  const int64_t n = RangeSize(start, limit, delta, &why);
  if (n < 0) {
    return ctx.InvalidModel("start %s, limit %s, delta %s: %s", std::to_string(start).c_str(),
                            std::to_string(limit).c_str(), std::to_string(delta).c_str(), why);
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, Shape{static_cast<int32_t>(n)}));
  EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
  T* out = ctx.output(0).data_as<T>();
  T value = start;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = value;
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      value = static_cast<T>(static_cast<U>(value) + static_cast<U>(delta));
    } else {
      value += delta;
    }
  }
  ctx.MarkFolded();
  return Status::Ok();
}

Status RangePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  const char* roles[3] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i) {
    // The output size depends on the values: prepared in Invoke() unless constant.
    EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, i, roles[i]));
  }
  const Tensor& start = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, start, {DataType::kInt32, DataType::kInt64, DataType::kFloat32}, "start"));
  for (int i = 0; i < 3; ++i) {
    const Tensor& t = ctx.input(i);
    if (i > 0) EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, t, start, roles[i], "start"));
    if (t.num_elements() != 1) {
      return ctx.InvalidModel("%s %s has shape %s; RANGE needs a scalar", roles[i],
                              ctx.Describe(t).c_str(), ShapeToString(t.shape).c_str());
    }
  }
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, ctx.output(0), start, "output", "start"));
  switch (start.type) {
    case DataType::kInt32:
      return FoldRange<int32_t>(ctx);
    case DataType::kInt64:
      return FoldRange<int64_t>(ctx);
    default:
      return FoldRange<float>(ctx);
  }
}

// Always folded at prepare.
Status FoldedEval(OpContext&) { return Status::Ok(); }

}  // namespace

void RegisterUnaryMathOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  // Versions past the float ones add quantized types, rejected by type.
  AddOp(r, Op::ABS, 1, 5, AbsPrepare, UnaryEval);
  AddOp(r, Op::FLOOR, 1, 1, FloatUnaryPrepare<FloorF>, UnaryEval);
  AddOp(r, Op::CEIL, 1, 1, FloatUnaryPrepare<CeilF>, UnaryEval);
  AddOp(r, Op::ROUND, 1, 1, FloatUnaryPrepare<reference::RoundHalfEven>, UnaryEval);
  AddOp(r, Op::SQUARE, 1, 1, FloatUnaryPrepare<SquareF>, UnaryEval);
  AddOp(r, Op::SIGN, 1, 2, SignPrepare, UnaryEval);
  AddOp(r, Op::LOG, 1, 2, FloatUnaryPrepare<LogF>, UnaryEval);
  AddOp(r, Op::SIN, 1, 1, FloatUnaryPrepare<SinF>, UnaryEval);
  AddOp(r, Op::COS, 1, 1, FloatUnaryPrepare<CosF>, UnaryEval);
  AddOp(r, Op::ELU, 1, 2, FloatUnaryPrepare<reference::Elu>, UnaryEval);
  AddOp(r, Op::GELU, 1, 2, GeluPrepare, UnaryEval);
  AddOp(r, Op::LOGICAL_NOT, 1, 1, LogicalNotPrepare, UnaryEval);
  AddOp(r, Op::ZEROS_LIKE, 1, 1, ZerosLikePrepare, UnaryEval);
  AddOp(r, Op::LOG_SOFTMAX, 1, 2, LogSoftmaxPrepare, UnaryEval);
  AddOp(r, Op::FILL, 1, 4, FillPrepare, FillEval);
  AddOp(r, Op::RANGE, 1, 2, RangePrepare, FoldedEval);
}

}  // namespace edgeml::ops::math_family
