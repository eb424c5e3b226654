// CONCATENATION and SPLIT as block copies around an axis (see
// kernels/reference/concat.h). Quantized CONCATENATION follows LiteRT: uint8
// inputs quantized unlike the output are requantized
// (kernels/reference/concat_quant.h); int8 inputs must match the output's
// scale and zero point; int16 zero points must be 0 (scales are not checked
// and values are copied raw, as LiteRT does).
#include "kernels/reference/concat.h"

#include <memory>
#include <vector>

#include "kernels/reference/concat_quant.h"
#include "ops/shape_family.h"
#include "ops/spatial_family.h"  // ReadQuantParam

namespace edgeml::ops::shape_family {
namespace {

// Product of dims [from, to) of `shape`.
int64_t DimProduct(const Shape& shape, int from, int to) {
  int64_t p = 1;
  for (int i = from; i < to; ++i) p *= shape[i];
  return p;
}

// ------------------------------------------------------------ CONCATENATION

struct ConcatState : OpState {
  int64_t outer = 1;
  std::vector<int64_t> block_bytes;  // per input
  std::vector<const void*> inputs;   // filled at eval (data moves on reallocation)
  bool clamp = false;
  float lo = 0, hi = 0;
  // uint8 requantization, used when any input differs from the output.
  bool requant = false;
  std::vector<reference::U8Requant> u8;
  std::vector<int64_t> block_elems;
};

Status ConcatEval(OpContext& ctx) {
  ConcatState* s = ctx.state<ConcatState>();
  for (int i = 0; i < ctx.num_inputs(); ++i) s->inputs[i] = ctx.input(i).data;
  Tensor& out = ctx.output(0);
  if (s->requant) {
    reference::ConcatRequantU8(
        ctx.num_inputs(), reinterpret_cast<const uint8_t* const*>(s->inputs.data()),
        s->block_elems.data(), s->u8.data(), s->outer, out.data_as<uint8_t>());
    return Status::Ok();
  }
  reference::ConcatBlocks(ctx.num_inputs(), s->inputs.data(), s->block_bytes.data(), s->outer,
                          out.data);
  if (s->clamp) {
    reference::ClampFloat(out.data_as<float>(), out.num_elements(), s->lo, s->hi);
  }
  return Status::Ok();
}

// The quantization rules of LiteRT's concatenation.cc for one input.
Status CheckConcatQuantization(OpContext& ctx, const Tensor& in, const Tensor& out,
                               ConcatState* state) {
  if (!in.quant.quantized() && !out.quant.quantized()) return Status::Ok();
  switch (in.type) {
    case DataType::kUInt8: {
      QuantParam qi, qo;
      EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qi));
      EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo));
      state->u8.push_back(
          reference::MakeU8Requant(qi.scale, qi.zero_point, qo.scale, qo.zero_point));
      if (!state->u8.back().copy) state->requant = true;
      return Status::Ok();
    }
    case DataType::kInt16: {
      QuantParam qi, qo;
      EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qi));
      EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo));
      if (qi.zero_point != 0 || qo.zero_point != 0) {
        return ctx.InvalidModel("INT16 input %s and output %s must have zero point 0 (have %d, %d)",
                                ctx.Describe(in).c_str(), ctx.Describe(out).c_str(), qi.zero_point,
                                qo.zero_point);
      }
      return Status::Ok();
    }
    default:
      return RequireSameQuantization(ctx, in, out);
  }
}

// All inputs share the output's type and rank and every dim but `axis`
// (negative allowed). Scalars concatenate into a vector. LiteRT accepts only
// activation NONE; edgeml also applies RELU/RELU6/RELU_N1_TO_1 to FLOAT32.
Status ConcatPrepare(OpContext& ctx) {
  const int n = ctx.num_inputs();
  if (n < 1) return ctx.InvalidModel("needs at least one input");
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, n, n, 1));
  const Tensor& t0 = ctx.input(0);
  Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, t0, "input"));
  const auto* opts = Options<tfl::ConcatenationOptions>(ctx);
  const int64_t raw_axis = opts ? opts->axis() : 0;
  const auto act = opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE;
  const int rank = t0.rank();
  int axis = 0;
  if (rank > 0 || raw_axis != 0) {
    EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, raw_axis, rank, "axis", &axis));
  }
  auto state = std::make_unique<ConcatState>();
  if (act != tfl::ActivationFunctionType::NONE) {
    if (t0.type != DataType::kFloat32) {
      return ctx.Unsupported("fused activation %s on %s", tfl::EnumNameActivationFunctionType(act),
                             DataTypeName(t0.type).c_str());
    }
    FloatRange r;
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &r));
    state->clamp = true;
    state->lo = r.min;
    state->hi = r.max;
  }
  const size_t es = DataTypeSize(t0.type);
  Shape shape = rank > 0 ? t0.shape : Shape{0};
  shape[axis] = 0;
  for (int i = 0; i < n; ++i) {
    EDGEML_RETURN_IF_ERROR(RequireInput(ctx, i, "input"));
    const Tensor& t = ctx.input(i);
    EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, t, "input"));
    EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, t, out));
    EDGEML_RETURN_IF_ERROR(CheckConcatQuantization(ctx, t, out, state.get()));
    if (t.rank() != rank) {
      return ctx.InvalidModel("input %s has rank %d but input %s has rank %d",
                              ctx.Describe(t).c_str(), t.rank(), ctx.Describe(t0).c_str(), rank);
    }
    for (int d = 0; d < rank; ++d) {
      if (d != axis && t.dim(d) != t0.dim(d)) {
        return ctx.InvalidModel(
            "input %s differs from input %s in dim %d (%d vs %d), which is "
            "not the axis %d",
            ctx.Describe(t).c_str(), ctx.Describe(t0).c_str(), d, t.dim(d), t0.dim(d), axis);
      }
    }
    const int32_t along = rank > 0 ? t.dim(axis) : 1;
    if (along > INT32_MAX - shape[axis]) {
      return ctx.InvalidModel("output dim %d overflows", axis);
    }
    shape[axis] += along;
    state->block_elems.push_back(rank > 0 ? DimProduct(t.shape, axis, rank) : 1);
    state->block_bytes.push_back(state->block_elems.back() * static_cast<int64_t>(es));
  }
  state->outer = rank > 0 ? DimProduct(t0.shape, 0, axis) : 1;
  state->inputs.resize(n);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, ConcatEval);
}

// -------------------------------------------------------------------- SPLIT

struct SplitState : OpState {
  int64_t outer = 1;
  std::vector<int64_t> block_bytes;  // per output
  std::vector<void*> outputs;        // filled at eval
};

Status SplitEval(OpContext& ctx) {
  SplitState* s = ctx.state<SplitState>();
  for (int i = 0; i < ctx.num_outputs(); ++i) s->outputs[i] = ctx.output(i).data;
  reference::SplitBlocks(ctx.input(1).data, s->outer, ctx.num_outputs(), s->block_bytes.data(),
                         s->outputs.data());
  return Status::Ok();
}

// Inputs: the axis (constant, one value) then the tensor; num_splits equal
// parts, which must divide the axis.
Status SplitPrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::SplitOptions>(ctx);
  const int num_splits = opts ? opts->num_splits() : 0;
  if (num_splits <= 0) return ctx.InvalidModel("num_splits is %d; must be positive", num_splits);
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, num_splits));
  const Tensor& in = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  std::vector<int64_t> axis_values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 0, "axis", &axis_values));
  if (axis_values.size() != 1) {
    return ctx.InvalidModel("axis %s must hold one value, not %zu",
                            ctx.Describe(ctx.input(0)).c_str(), axis_values.size());
  }
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, axis_values[0], in.rank(), "axis", &axis));
  if (in.dim(axis) % num_splits != 0) {
    return ctx.InvalidModel("dim %d of input %s (%d) does not split into %d equal parts", axis,
                            ctx.Describe(in).c_str(), in.dim(axis), num_splits);
  }
  Shape shape = in.shape;
  shape[axis] /= num_splits;
  auto state = std::make_unique<SplitState>();
  state->outer = DimProduct(in.shape, 0, axis);
  const int64_t block =
      DimProduct(shape, axis, in.rank()) * static_cast<int64_t>(DataTypeSize(in.type));
  for (int i = 0; i < num_splits; ++i) {
    EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(i)));
    EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(i, shape));
    state->block_bytes.push_back(block);
  }
  state->outputs.resize(num_splits);
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, SplitEval);
}

}  // namespace

void RegisterConcatOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::CONCATENATION, 1, 4, ConcatPrepare, ConcatEval);
  AddOp(r, tfl::BuiltinOperator::SPLIT, 1, 4, SplitPrepare, SplitEval);
}

}  // namespace edgeml::ops::shape_family
