// MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD and REDUCE_ANY over a
// constant int32 axis list: float32 (bool for REDUCE_ANY), and for MEAN, SUM,
// REDUCE_MAX and REDUCE_MIN int8/uint8/int16 with LiteRT's integer arithmetic
// (see kernels/reference/reduce_quant.h).
#include "kernels/reference/reduce.h"

#include <cstring>
#include <memory>
#include <vector>

#include "kernels/reference/reduce_quant.h"
#include "ops/index_family.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFloat32;
using spatial_family::RequireSameType;

enum class ReduceOp { kMean, kSum, kMax, kMin, kProd, kAny };

struct ReduceState : OpState {
  reference::ReduceGeometry geometry;
  std::vector<int64_t> index;  // kernel workspace, sized at prepare
  // Quantized sums, one per output: arena scratch (planned, and counted
  // against the memory limit, with the rest of the model), set per eval.
  int sums_id = -1;
  int32_t* sums = nullptr;
  reference::QuantReduceParams quant;
  reference::FloatSumParams float_sum;
  // Type-erased kernel; the wrappers below restore the element type.
  void (*kernel)(ReduceState&, const Tensor&, Tensor&) = nullptr;
};

template <ReduceOp op>
void RunF32(ReduceState& s, const Tensor& in, Tensor& out) {
  const float* x = in.data_as<float>();
  float* y = out.data_as<float>();
  if (op == ReduceOp::kMean) reference::MeanF32(s.geometry, x, y, s.index.data());
  if (op == ReduceOp::kSum) reference::SumF32(s.geometry, x, y, s.index.data());
  if (op == ReduceOp::kMax) reference::ReduceMaxF32(s.geometry, x, y, s.index.data());
  if (op == ReduceOp::kMin) reference::ReduceMin<float>(s.geometry, x, y, s.index.data());
  if (op == ReduceOp::kProd) reference::ReduceProdF32(s.geometry, x, y, s.index.data());
}

void RunAnyBool(ReduceState& s, const Tensor& in, Tensor& out) {
  reference::ReduceAnyBool(s.geometry, in.data_as<bool>(), out.data_as<bool>(), s.index.data());
}

template <typename T>
void RunQuantMeanOrSum(ReduceState& s, const Tensor& in, Tensor& out) {
  reference::QuantizedMeanOrSum<T>(s.geometry, s.quant, in.data_as<T>(), out.data_as<T>(),
                                   s.sums, s.index.data());
}

template <typename T>
void RunQuantSumFloat(ReduceState& s, const Tensor& in, Tensor& out) {
  reference::QuantizedSumFloat<T>(s.geometry, s.float_sum, in.data_as<T>(), out.data_as<T>(),
                                  s.sums, s.index.data());
}

template <typename T>
void RunQuantMax(ReduceState& s, const Tensor& in, Tensor& out) {
  reference::ReduceMaxQuant<T>(s.geometry, in.data_as<T>(), out.data_as<T>(), s.index.data());
}

template <typename T>
void RunQuantMin(ReduceState& s, const Tensor& in, Tensor& out) {
  reference::ReduceMin<T>(s.geometry, in.data_as<T>(), out.data_as<T>(), s.index.data());
}

// An empty axis list: LiteRT's quantized MEAN and SUM copy the raw values.
void RunCopy(ReduceState&, const Tensor& in, Tensor& out) {
  if (in.bytes > 0) std::memcpy(out.data, in.data, in.bytes);
}

Status ReduceEval(OpContext& ctx) {
  ReduceState* s = ctx.state<ReduceState>();
  if (s->sums_id >= 0) s->sums = static_cast<int32_t*>(ctx.scratch(s->sums_id));
  s->kernel(*s, ctx.input(0), ctx.output(0));
  return Status::Ok();
}

template <template <typename> class Run>
void (*PickQuant(DataType type))(ReduceState&, const Tensor&, Tensor&) {
  switch (type) {
    case DataType::kInt8:
      return Run<int8_t>::Fn;
    case DataType::kUInt8:
      return Run<uint8_t>::Fn;
    default:
      return Run<int16_t>::Fn;
  }
}
template <typename T>
struct MeanOrSumFn {
  static constexpr auto Fn = RunQuantMeanOrSum<T>;
};
template <typename T>
struct MaxFn {
  static constexpr auto Fn = RunQuantMax<T>;
};
template <typename T>
struct MinFn {
  static constexpr auto Fn = RunQuantMin<T>;
};

// Quantization checks and kernel choice for int8/uint8/int16 inputs, as
// LiteRT's reduce.cc: int16 zero points are 0; REDUCE_MAX needs the output
// (and REDUCE_MIN) quantized exactly as the input; MEAN/SUM rescale by
// input/output scale.
Status PrepareQuantized(OpContext& ctx, ReduceOp op, bool empty_axes, ReduceState* state) {
  const Tensor& input = ctx.input(0);
  const Tensor& output = ctx.output(0);
  QuantParam qi, qo;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, input, "input", &qi));
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, output, "output", &qo));
  if (input.type == DataType::kInt16) {
    EDGEML_OP_ENSURE(ctx, qi.zero_point == 0 && qo.zero_point == 0,
                     "INT16 input %s and output %s must have zero point 0 (have %d and %d)",
                     ctx.Describe(input).c_str(), ctx.Describe(output).c_str(), qi.zero_point,
                     qo.zero_point);
  }
  if (op == ReduceOp::kMax || op == ReduceOp::kMin) {
    EDGEML_OP_ENSURE(ctx, qi.scale == qo.scale && qi.zero_point == qo.zero_point,
                     "input %s (scale %g, zero point %d) and output %s (scale %g, zero point "
                     "%d) must be quantized alike",
                     ctx.Describe(input).c_str(), static_cast<double>(qi.scale), qi.zero_point,
                     ctx.Describe(output).c_str(), static_cast<double>(qo.scale), qo.zero_point);
    state->kernel =
        op == ReduceOp::kMax ? PickQuant<MaxFn>(input.type) : PickQuant<MinFn>(input.type);
    return Status::Ok();
  }
  if (empty_axes) {
    state->kernel = RunCopy;
    return Status::Ok();
  }
  // LiteRT divides the scales in double after widening each float.
  quant::Multiplier m =
      quant::QuantizeMultiplier(static_cast<double>(qi.scale) / static_cast<double>(qo.scale));
  if (op == ReduceOp::kMean) m = reference::MeanMultiplier(m, state->geometry.reduced_count);
  state->quant.multiplier = m;
  state->quant.input_zero_point = qi.zero_point;
  state->quant.output_zero_point = qo.zero_point;
  EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(
      static_cast<size_t>(state->geometry.output_count) * sizeof(int32_t), &state->sums_id));
  if (op == ReduceOp::kSum && input.type != DataType::kUInt8) {
    // LiteRT's reference SUM is broken for these types (it reads the data
    // as uint8); follow its optimized kernel instead.
    state->float_sum = reference::MakeFloatSumParams(qi.scale, qi.zero_point, qo.scale,
                                                     qo.zero_point, state->geometry.reduced_count);
    state->kernel =
        input.type == DataType::kInt8 ? RunQuantSumFloat<int8_t> : RunQuantSumFloat<int16_t>;
    return Status::Ok();
  }
  state->kernel = PickQuant<MeanOrSumFn>(input.type);
  return Status::Ok();
}

Status ReducePrepare(OpContext& ctx, ReduceOp op) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& input = ctx.input(0);
  // REDUCE_PROD's quantized kernel (a rescale per multiply) is not done yet.
  const bool quantized =
      op != ReduceOp::kAny && op != ReduceOp::kProd && IsQuantizedType(input.type);
  if (op == ReduceOp::kAny) {
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, input, DataType::kBool, "input"));
  } else if (!quantized) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
  }
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(1), DataType::kInt32, "axis"));
  std::vector<int64_t> axes;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "axis", &axes));

  const tfl::ReducerOptions* opts = Options<tfl::ReducerOptions>(ctx);
  const bool keep_dims = opts && opts->keep_dims();
  const int rank = input.rank();
  std::vector<bool> reduced(rank, false);
  // LiteRT gives a scalar input a scalar output whatever the axes say.
  if (rank > 0) {
    for (int64_t a : axes) {
      int axis = 0;
      EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, a, rank, "axis", &axis));
      reduced[axis] = true;  // duplicates reduce once
    }
  }
  Shape out_shape;
  for (int i = 0; i < rank; ++i) {
    if (!reduced[i]) {
      out_shape.push_back(input.dim(i));
    } else if (keep_dims) {
      out_shape.push_back(1);
    }
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));

  auto state = std::make_unique<ReduceState>();
  state->geometry = reference::MakeReduceGeometry(input.shape, reduced);
  state->index.assign(state->geometry.dims.size() + 1, 0);
  if (quantized) {
    EDGEML_RETURN_IF_ERROR(PrepareQuantized(ctx, op, axes.empty(), state.get()));
  } else if (op == ReduceOp::kMean) {
    state->kernel = RunF32<ReduceOp::kMean>;
  } else if (op == ReduceOp::kSum) {
    state->kernel = RunF32<ReduceOp::kSum>;
  } else if (op == ReduceOp::kMax) {
    state->kernel = RunF32<ReduceOp::kMax>;
  } else if (op == ReduceOp::kMin) {
    state->kernel = RunF32<ReduceOp::kMin>;
  } else if (op == ReduceOp::kProd) {
    state->kernel = RunF32<ReduceOp::kProd>;
  } else {
    state->kernel = RunAnyBool;
  }
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, ReduceEval);
}

Status MeanPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kMean); }
Status SumPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kSum); }
Status ReduceMaxPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kMax); }
Status ReduceMinPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kMin); }
Status ReduceProdPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kProd); }
Status ReduceAnyPrepare(OpContext& ctx) { return ReducePrepare(ctx, ReduceOp::kAny); }

}  // namespace

namespace spatial_family {

// MEAN v2 adds uint8, v3 int8 (int16 at v3 too); SUM v2 adds quantized types;
// REDUCE_MAX v2 adds int8, v3 int16.
OpRegistration MeanRegistration() { return {"MEAN", 1, 3, MeanPrepare, ReduceEval}; }
OpRegistration SumRegistration() { return {"SUM", 1, 2, SumPrepare, ReduceEval}; }
OpRegistration ReduceMaxRegistration() {
  return {"REDUCE_MAX", 1, 3, ReduceMaxPrepare, ReduceEval};
}

}  // namespace spatial_family

namespace index_family {

// REDUCE_MIN v2 adds int8, v3 int16; REDUCE_PROD v2 int8 (Unsupported here).
OpRegistration ReduceMinRegistration() {
  return {"REDUCE_MIN", 1, 3, ReduceMinPrepare, ReduceEval};
}
OpRegistration ReduceProdRegistration() {
  return {"REDUCE_PROD", 1, 2, ReduceProdPrepare, ReduceEval};
}
OpRegistration ReduceAnyRegistration() {
  return {"REDUCE_ANY", 1, 1, ReduceAnyPrepare, ReduceEval};
}

}  // namespace index_family
}  // namespace edgeml::ops
