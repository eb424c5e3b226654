// Registration and shared checks of the spatial family: pooling, reductions,
// resize, depth<->space, PAD.
#include <cmath>
#include <limits>

#include "ops/builtin_ops.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace spatial_family {

Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role) {
  switch (t.type) {
    case DataType::kFloat32:
      return Status::Ok();
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kInt64:
    case DataType::kFloat16:
      return ctx.Unsupported("%s %s has type %s; only FLOAT32 is supported", role,
                             ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
    default:
      return ctx.InvalidModel("%s %s has type %s, expected FLOAT32", role, ctx.Describe(t).c_str(),
                              DataTypeName(t.type).c_str());
  }
}

Status RequireFixedSize(OpContext& ctx, const Tensor& t, const char* role) {
  if (DataTypeSize(t.type) == 0) {
    return ctx.Unsupported("%s %s has type %s, which has no fixed element size", role,
                           ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
  }
  return Status::Ok();
}

Status RequireSameType(OpContext& ctx, const Tensor& input, int output) {
  const Tensor& out = ctx.output(output);
  EDGEML_OP_ENSURE(ctx, out.type == input.type, "output %s has type %s but input %s has type %s",
                   ctx.Describe(out).c_str(), DataTypeName(out.type).c_str(),
                   ctx.Describe(input).c_str(), DataTypeName(input.type).c_str());
  return Status::Ok();
}

Status RequireInput(OpContext& ctx, int i, const char* role) {
  if (!ctx.has_input(i)) return ctx.InvalidModel("%s (input %d) is missing", role, i);
  return Status::Ok();
}

Status FoldIfConstant(OpContext& ctx, Status (*eval)(OpContext&)) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (ctx.has_input(i) && !ctx.input(i).is_constant()) return Status::Ok();
  }
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(i));
  }
  EDGEML_RETURN_IF_ERROR(eval(ctx));
  ctx.MarkFolded();
  return Status::Ok();
}

}  // namespace spatial_family

void RegisterSpatialOps(OpResolver* r) {
  using namespace spatial_family;  // NOLINT(build/namespaces): registration table only
  auto add = [r](tfl::BuiltinOperator op, const OpRegistration& reg) {
    r->AddBuiltin(static_cast<int>(op), reg);
  };
  add(tfl::BuiltinOperator::AVERAGE_POOL_2D, AveragePool2DRegistration());
  add(tfl::BuiltinOperator::MAX_POOL_2D, MaxPool2DRegistration());
  add(tfl::BuiltinOperator::MEAN, MeanRegistration());
  add(tfl::BuiltinOperator::SUM, SumRegistration());
  add(tfl::BuiltinOperator::REDUCE_MAX, ReduceMaxRegistration());
  add(tfl::BuiltinOperator::RESIZE_BILINEAR, ResizeBilinearRegistration());
  add(tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, ResizeNearestNeighborRegistration());
  add(tfl::BuiltinOperator::DEPTH_TO_SPACE, DepthToSpaceRegistration());
  add(tfl::BuiltinOperator::SPACE_TO_DEPTH, SpaceToDepthRegistration());
  add(tfl::BuiltinOperator::PAD, PadRegistration());
  add(tfl::BuiltinOperator::PADV2, PadV2Registration());
}

}  // namespace edgeml::ops
