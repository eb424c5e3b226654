// ARG_MAX over one axis given as a constant INT32/INT64 tensor; the index
// type (INT32 or INT64) comes from ArgMaxOptions.output_type. The first
// maximum wins on ties.
#include <memory>
#include <vector>

#include "kernels/reference/elementwise.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

using ArgMaxFn = void (*)(int64_t outer, int64_t axis_size, int64_t inner, const void* in,
                          void* out);

template <typename T, typename Index>
void ArgMaxTyped(int64_t outer, int64_t axis_size, int64_t inner, const void* in, void* out) {
  reference::ArgMax(outer, axis_size, inner, static_cast<const T*>(in), static_cast<Index*>(out));
}

template <typename Index>
ArgMaxFn PickArgMax(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return ArgMaxTyped<float, Index>;
    case DataType::kInt32:
      return ArgMaxTyped<int32_t, Index>;
    case DataType::kInt8:
      return ArgMaxTyped<int8_t, Index>;
    case DataType::kUInt8:
      return ArgMaxTyped<uint8_t, Index>;
    default:
      return nullptr;
  }
}

struct ArgMaxState : OpState {
  ArgMaxFn kernel = nullptr;
  int64_t outer = 1, axis_size = 1, inner = 1;
};

Status ArgMaxPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1))
    return ctx.InvalidModel("input and axis are required");
  const Tensor& in = ctx.input(0);
  const Tensor& axis_t = ctx.input(1);
  const Tensor& out = ctx.output(0);
  // Quantized inputs need no parameters: the order of the raw values is the
  // order of the real values.
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in, {DataType::kFloat32, DataType::kInt32, DataType::kInt8, DataType::kUInt8}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, axis_t, {DataType::kInt32, DataType::kInt64}, "axis"));

  DataType index_type = out.type;
  if (const auto* o = Options<tfl::ArgMaxOptions>(ctx)) {
    index_type = static_cast<DataType>(o->output_type());
  }
  if (index_type != DataType::kInt32 && index_type != DataType::kInt64) {
    return ctx.InvalidModel("output_type %s is not INT32 or INT64",
                            DataTypeName(index_type).c_str());
  }
  if (out.type != index_type) {
    return ctx.InvalidModel("output %s has type %s but output_type is %s",
                            ctx.Describe(out).c_str(), DataTypeName(out.type).c_str(),
                            DataTypeName(index_type).c_str());
  }

  if (!axis_t.is_constant()) {
    return ctx.Unsupported("axis %s must be a constant (the output shape depends on it)",
                           ctx.Describe(axis_t).c_str());
  }
  if (axis_t.num_elements() != 1) {
    return ctx.InvalidModel("axis %s must hold exactly one value, has shape %s",
                            ctx.Describe(axis_t).c_str(), ShapeToString(axis_t.shape).c_str());
  }
  std::vector<int64_t> axis_values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "axis", &axis_values));
  if (axis_values.size() != 1) return ctx.InvalidModel("axis must hold exactly one value");
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, axis_values[0], in.rank(), "axis", &axis));
  if (in.dim(axis) <= 0) {
    return ctx.InvalidModel("input %s of shape %s is empty along axis %d", ctx.Describe(in).c_str(),
                            ShapeToString(in.shape).c_str(), axis);
  }

  auto state = std::make_unique<ArgMaxState>();
  Shape out_shape;
  for (int d = 0; d < in.rank(); ++d) {
    if (d < axis) state->outer *= in.dim(d);
    if (d > axis) state->inner *= in.dim(d);
    if (d != axis) out_shape.push_back(in.dim(d));
  }
  state->axis_size = in.dim(axis);
  state->kernel =
      index_type == DataType::kInt32 ? PickArgMax<int32_t>(in.type) : PickArgMax<int64_t>(in.type);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status ArgMaxEval(OpContext& ctx) {
  const ArgMaxState* s = ctx.state<ArgMaxState>();
  s->kernel(s->outer, s->axis_size, s->inner, ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

}  // namespace

void RegisterArgMaxOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::ARG_MAX, 1, 3, ArgMaxPrepare, ArgMaxEval);
}

}  // namespace edgeml::ops::elementwise_family
