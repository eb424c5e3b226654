// PACK and UNPACK: concatenation and split along a new (or removed) axis of
// size 1 per tensor, so they reuse the block copies of concat.h.
#include <memory>
#include <vector>

#include "kernels/reference/concat.h"
#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

int64_t DimProduct(const Shape& shape, int from, int to) {
  int64_t p = 1;
  for (int i = from; i < to; ++i) p *= shape[i];
  return p;
}

// --------------------------------------------------------------------- PACK

struct PackState : OpState {
  int64_t outer = 1;
  std::vector<int64_t> block_bytes;
  std::vector<const void*> inputs;
};

Status PackEval(OpContext& ctx) {
  PackState* s = ctx.state<PackState>();
  for (int i = 0; i < ctx.num_inputs(); ++i) s->inputs[i] = ctx.input(i).data;
  reference::ConcatBlocks(ctx.num_inputs(), s->inputs.data(), s->block_bytes.data(), s->outer,
                          ctx.output(0).data);
  return Status::Ok();
}

// values_count inputs of one shape and type stack along a new axis in
// [-rank-1, rank].
Status PackPrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::PackOptions>(ctx);
  const int count = opts ? opts->values_count() : 0;
  if (count <= 0 || count != ctx.num_inputs()) {
    return ctx.InvalidModel("values_count is %d but the op has %d inputs", count, ctx.num_inputs());
  }
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, count, count, 1));
  const Tensor& t0 = ctx.input(0);
  const Tensor& out = ctx.output(0);
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, opts->axis(), t0.rank() + 1, "axis", &axis));
  for (int i = 0; i < count; ++i) {
    const Tensor& t = ctx.input(i);
    EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, t, "input"));
    EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, t, out));
    EDGEML_RETURN_IF_ERROR(RequireSameQuantization(ctx, t, out));
    if (t.shape != t0.shape) {
      return ctx.InvalidModel("input %s has a shape other than input %s's", ctx.Describe(t).c_str(),
                              ctx.Describe(t0).c_str());
    }
  }
  Shape shape = t0.shape;
  shape.insert(shape.begin() + axis, count);
  auto state = std::make_unique<PackState>();
  state->outer = DimProduct(t0.shape, 0, axis);
  state->block_bytes.assign(
      count, DimProduct(t0.shape, axis, t0.rank()) * static_cast<int64_t>(DataTypeSize(t0.type)));
  state->inputs.resize(count);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, PackEval);
}

// ------------------------------------------------------------------- UNPACK

struct UnpackState : OpState {
  int64_t outer = 1;
  std::vector<int64_t> block_bytes;
  std::vector<void*> outputs;
};

Status UnpackEval(OpContext& ctx) {
  UnpackState* s = ctx.state<UnpackState>();
  for (int i = 0; i < ctx.num_outputs(); ++i) s->outputs[i] = ctx.output(i).data;
  reference::SplitBlocks(ctx.input(0).data, s->outer, ctx.num_outputs(), s->block_bytes.data(),
                         s->outputs.data());
  return Status::Ok();
}

// Splits dim `axis` (negative allowed) into `num` outputs without that dim;
// num must equal the dim.
Status UnpackPrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::UnpackOptions>(ctx);
  const int num = opts ? opts->num() : 0;
  if (num <= 0 || num != ctx.num_outputs()) {
    return ctx.InvalidModel("num is %d but the op has %d outputs", num, ctx.num_outputs());
  }
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, num));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, opts->axis(), in.rank(), "axis", &axis));
  if (in.dim(axis) != num) {
    return ctx.InvalidModel("num is %d but dim %d of input %s is %d", num, axis,
                            ctx.Describe(in).c_str(), in.dim(axis));
  }
  Shape shape = in.shape;
  shape.erase(shape.begin() + axis);
  auto state = std::make_unique<UnpackState>();
  state->outer = DimProduct(in.shape, 0, axis);
  state->block_bytes.assign(
      num, DimProduct(shape, axis, in.rank() - 1) * static_cast<int64_t>(DataTypeSize(in.type)));
  state->outputs.resize(num);
  for (int i = 0; i < num; ++i) {
    EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(i)));
    EDGEML_RETURN_IF_ERROR(RequireSameQuantization(ctx, in, ctx.output(i)));
    EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(i, shape));
  }
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, UnpackEval);
}

}  // namespace

void RegisterPackOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::PACK, 1, 4, PackPrepare, PackEval);
  AddOp(r, tfl::BuiltinOperator::UNPACK, 1, 4, UnpackPrepare, UnpackEval);
}

}  // namespace edgeml::ops::shape_family
