// The shape family's registration and the checks its ops share.
#include <string>

#include "ops/builtin_ops.h"
#include "ops/shape_family.h"

namespace edgeml::ops {
namespace shape_family {

void AddOp(OpResolver* r, tfl::BuiltinOperator op, int min_version, int max_version,
           Status (*prepare)(OpContext&), Status (*eval)(OpContext&)) {
  OpRegistration reg;
  reg.name = tfl::EnumNameBuiltinOperator(op);
  reg.min_version = min_version;
  reg.max_version = max_version;
  reg.prepare = prepare;
  reg.eval = eval;
  r->AddBuiltin(static_cast<int>(op), reg);
}

Status RequireInput(OpContext& ctx, int i, const char* role) {
  if (!ctx.has_input(i)) return ctx.InvalidModel("%s (input %d) is missing", role, i);
  return Status::Ok();
}

Status RequireMovable(OpContext& ctx, const Tensor& t, const char* role) {
  const size_t es = DataTypeSize(t.type);
  if (es == 0) {
    return ctx.Unsupported("%s %s has type %s, which has no fixed element size", role,
                           ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
  }
  int64_t count = 0;
  if (!ShapeElementCount(t.shape, &count, es)) {
    return ctx.InvalidModel("%s %s has an invalid shape %s", role, ctx.Describe(t).c_str(),
                            ShapeToString(t.shape).c_str());
  }
  if (t.is_constant() && count > 0 &&
      (t.data == nullptr || t.bytes < static_cast<size_t>(count) * es)) {
    return ctx.InvalidModel("%s %s holds %zu bytes, less than its shape %s needs", role,
                            ctx.Describe(t).c_str(), t.bytes, ShapeToString(t.shape).c_str());
  }
  return Status::Ok();
}

Status RequireSameType(OpContext& ctx, const Tensor& in, const Tensor& out) {
  if (in.type != out.type) {
    return ctx.InvalidModel("output %s has type %s but input %s has %s", ctx.Describe(out).c_str(),
                            DataTypeName(out.type).c_str(), ctx.Describe(in).c_str(),
                            DataTypeName(in.type).c_str());
  }
  return Status::Ok();
}

Status RequireSameQuantization(OpContext& ctx, const Tensor& in, const Tensor& out) {
  if (!in.quant.quantized() && !out.quant.quantized()) return Status::Ok();
  // LiteRT compares the per-tensor scale and zero point exactly.
  const bool same = in.quant.quantized() && out.quant.quantized() && !in.quant.zero_point.empty() &&
                    !out.quant.zero_point.empty() && in.quant.scale[0] == out.quant.scale[0] &&
                    in.quant.zero_point[0] == out.quant.zero_point[0];
  if (!same) {
    return ctx.InvalidModel(
        "input %s and output %s must have the same scale and zero point (this op does not "
        "requantize)",
        ctx.Describe(in).c_str(), ctx.Describe(out).c_str());
  }
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

}  // namespace shape_family

void RegisterShapeOps(OpResolver* r) {
  shape_family::RegisterReshapeOps(r);
  shape_family::RegisterConcatOps(r);
  shape_family::RegisterPackOps(r);
  shape_family::RegisterSliceOps(r);
  shape_family::RegisterTransposeOps(r);
  shape_family::RegisterGatherOps(r);
  shape_family::RegisterDensifyOps(r);
}

}  // namespace edgeml::ops
