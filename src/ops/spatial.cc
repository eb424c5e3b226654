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

bool IsQuantizedType(DataType type) {
  return type == DataType::kInt8 || type == DataType::kUInt8 || type == DataType::kInt16;
}

namespace {

void TypeLimits(DataType type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case DataType::kUInt8:
      *lo = 0;
      *hi = 255;
      break;
    case DataType::kInt16:
      *lo = std::numeric_limits<int16_t>::min();
      *hi = std::numeric_limits<int16_t>::max();
      break;
    default:
      *lo = std::numeric_limits<int8_t>::min();
      *hi = std::numeric_limits<int8_t>::max();
      break;
  }
}

}  // namespace

Status ReadQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* q) {
  if (!t.quant.quantized() || t.quant.zero_point.empty()) {
    return ctx.InvalidModel("%s %s of type %s has no quantization parameters", role,
                            ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
  }
  const float scale = t.quant.scale[0];
  const int64_t zp = t.quant.zero_point[0];
  EDGEML_OP_ENSURE(ctx, std::isfinite(scale) && scale > 0.f,
                   "%s %s has scale %g; it must be finite and positive", role,
                   ctx.Describe(t).c_str(), static_cast<double>(scale));
  int32_t lo = 0, hi = 0;
  TypeLimits(t.type, &lo, &hi);
  EDGEML_OP_ENSURE(ctx, zp >= lo && zp <= hi, "%s %s has zero point %lld, outside [%d, %d] of %s",
                   role, ctx.Describe(t).c_str(), static_cast<long long>(zp), lo, hi,
                   DataTypeName(t.type).c_str());
  q->scale = scale;
  q->zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

Status QuantizedActivationRange(OpContext& ctx, tfl::ActivationFunctionType act,
                                const Tensor& output, int32_t* lo, int32_t* hi) {
  TypeLimits(output.type, lo, hi);
  quant::FusedActivation fused = quant::FusedActivation::kNone;
  switch (act) {
    case tfl::ActivationFunctionType::NONE:
      return Status::Ok();  // the type's range; scale and zero point unused
    case tfl::ActivationFunctionType::RELU:
      fused = quant::FusedActivation::kRelu;
      break;
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      fused = quant::FusedActivation::kReluN1To1;
      break;
    case tfl::ActivationFunctionType::RELU6:
      fused = quant::FusedActivation::kRelu6;
      break;
    default:
      return ctx.Unsupported("fused activation %s on %s output %s",
                             tfl::EnumNameActivationFunctionType(act),
                             DataTypeName(output.type).c_str(), ctx.Describe(output).c_str());
  }
  QuantParam q;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, output, "output", &q));
  const quant::QuantRange r = quant::ActivationRange(fused, q.scale, q.zero_point, *lo, *hi);
  EDGEML_OP_ENSURE(ctx, r.lo <= r.hi, "fused activation %s leaves an empty range on output %s",
                   tfl::EnumNameActivationFunctionType(act), ctx.Describe(output).c_str());
  *lo = r.lo;
  *hi = r.hi;
  return Status::Ok();
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
