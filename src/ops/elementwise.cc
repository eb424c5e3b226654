// The elementwise family's entry point and the checks its files share.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "ops/builtin_ops.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops {
namespace elementwise_family {

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

Status RequireTypeIn(OpContext& ctx, const Tensor& t, std::initializer_list<DataType> types,
                     const char* role) {
  std::string names;
  for (DataType type : types) {
    if (t.type == type) return Status::Ok();
    if (!names.empty()) names += ", ";
    names += DataTypeName(type);
  }
  return ctx.Unsupported("%s %s has type %s; edgeml supports %s here", role,
                         ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(), names.c_str());
}

Status RequireSameType(OpContext& ctx, const Tensor& t, const Tensor& like, const char* role,
                       const char* like_role) {
  if (t.type == like.type) return Status::Ok();
  return ctx.InvalidModel("%s %s has type %s but %s %s has type %s", role, ctx.Describe(t).c_str(),
                          DataTypeName(t.type).c_str(), like_role, ctx.Describe(like).c_str(),
                          DataTypeName(like.type).c_str());
}

bool IsQuantizedActivationType(DataType type) {
  return type == DataType::kInt8 || type == DataType::kUInt8 || type == DataType::kInt16;
}

void QuantTypeRange(DataType type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case DataType::kUInt8:
      *lo = 0;
      *hi = 255;
      return;
    case DataType::kInt16:
      *lo = std::numeric_limits<int16_t>::lowest();
      *hi = std::numeric_limits<int16_t>::max();
      return;
    default:
      *lo = std::numeric_limits<int8_t>::lowest();
      *hi = std::numeric_limits<int8_t>::max();
      return;
  }
}

Status GetQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* out,
                     bool zero_point_0) {
  const QuantizationParams& q = t.quant;
  if (q.scale.size() != 1 || q.zero_point.size() != 1) {
    return ctx.InvalidModel(
        "%s %s of type %s needs one per-tensor scale and zero point, has %zu "
        "scales and %zu zero points",
        role, ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(), q.scale.size(),
        q.zero_point.size());
  }
  const float scale = q.scale[0];
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    return ctx.InvalidModel("%s %s has scale %g; it must be finite and > 0", role,
                            ctx.Describe(t).c_str(), static_cast<double>(scale));
  }
  int32_t lo = 0, hi = 0;
  QuantTypeRange(t.type, &lo, &hi);
  const int64_t zp = q.zero_point[0];
  if (zp < lo || zp > hi) {
    return ctx.InvalidModel("%s %s has zero point %lld outside %s [%d, %d]", role,
                            ctx.Describe(t).c_str(), static_cast<long long>(zp),
                            DataTypeName(t.type).c_str(), lo, hi);
  }
  if (zero_point_0 && zp != 0) {
    return ctx.InvalidModel("%s %s of type %s has zero point %lld; it must be 0", role,
                            ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(),
                            static_cast<long long>(zp));
  }
  out->scale = scale;
  out->zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

Status MakeMultiplier(OpContext& ctx, double real, int max_shift, const char* what,
                      quant::Multiplier* out) {
  if (!std::isfinite(real)) {
    return ctx.InvalidModel("the %s rescale factor %g is not finite", what, real);
  }
  const quant::Multiplier m = quant::QuantizeMultiplier(real);
  if (m.shift > std::min(max_shift, 31)) {
    return ctx.Unsupported("the %s rescale factor %g is too large (exponent %d, at most %d)", what,
                           real, m.shift, std::min(max_shift, 31));
  }
  *out = m;
  return Status::Ok();
}

Status QuantActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, const Tensor& output,
                            const QuantParam& q, int32_t* lo, int32_t* hi) {
  using Act = tfl::ActivationFunctionType;
  quant::FusedActivation fused = quant::FusedActivation::kNone;
  float bound = 0.0f;  // largest |bound| the activation quantizes
  switch (act) {
    case Act::NONE:
      break;
    case Act::RELU:
      fused = quant::FusedActivation::kRelu;
      break;
    case Act::RELU_N1_TO_1:
      fused = quant::FusedActivation::kReluN1To1;
      bound = 1.0f;
      break;
    case Act::RELU6:
      fused = quant::FusedActivation::kRelu6;
      bound = 6.0f;
      break;
    default:
      return ctx.Unsupported("fused activation %s on a quantized output",
                             tfl::EnumNameActivationFunctionType(act));
  }
  // LiteRT rejects bounds whose quantized value leaves int32.
  const double rounded = std::round(static_cast<double>(bound / q.scale));
  if (rounded + std::abs(static_cast<double>(q.zero_point)) >= 2147483647.0) {
    return ctx.InvalidModel("activation bound %g does not fit int32 at output %s scale %g",
                            static_cast<double>(bound), ctx.Describe(output).c_str(),
                            static_cast<double>(q.scale));
  }
  int32_t qmin = 0, qmax = 0;
  QuantTypeRange(output.type, &qmin, &qmax);
  const quant::QuantRange r = quant::ActivationRange(fused, q.scale, q.zero_point, qmin, qmax);
  *lo = r.lo;
  *hi = r.hi;
  return Status::Ok();
}

}  // namespace elementwise_family

void RegisterElementwiseOps(OpResolver* r) {
  elementwise_family::RegisterBinaryOps(r);
  elementwise_family::RegisterActivationOps(r);
  elementwise_family::RegisterLogisticTanhOps(r);
  elementwise_family::RegisterHardSwishOps(r);
  elementwise_family::RegisterRsqrtOps(r);
  elementwise_family::RegisterSoftmaxOps(r);
  elementwise_family::RegisterCastOps(r);
  elementwise_family::RegisterDequantizeOps(r);
  elementwise_family::RegisterArgMaxOps(r);
  elementwise_family::RegisterQuantizeOps(r);
}

}  // namespace edgeml::ops
