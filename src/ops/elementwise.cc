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
