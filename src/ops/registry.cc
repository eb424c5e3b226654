#include "ops/builtin_ops.h"

namespace edgeml {

void OpResolver::AddBuiltin(int builtin_code, const OpRegistration& registration) {
  builtins_[builtin_code] = registration;
}

void OpResolver::AddCustom(const std::string& name, const OpRegistration& registration) {
  customs_[name] = registration;
}

const OpRegistration* OpResolver::FindBuiltin(int builtin_code) const {
  auto it = builtins_.find(builtin_code);
  return it == builtins_.end() ? nullptr : &it->second;
}

const OpRegistration* OpResolver::FindCustom(const std::string& name) const {
  auto it = customs_.find(name);
  return it == customs_.end() ? nullptr : &it->second;
}

std::vector<int> OpResolver::BuiltinCodes() const {
  std::vector<int> codes;
  for (const auto& [code, reg] : builtins_) codes.push_back(code);
  return codes;
}

std::vector<std::string> OpResolver::CustomNames() const {
  std::vector<std::string> names;
  for (const auto& [name, reg] : customs_) names.push_back(name);
  return names;
}

// A selective build (scripts/selective_build.py) defines this constructor in
// its generated source, with only the registrations a model needs.
#ifndef EDGEML_SELECTIVE_BUILD
BuiltinOpResolver::BuiltinOpResolver() {
  ops::RegisterConvOps(this);
  ops::RegisterElementwiseOps(this);
  ops::RegisterSpatialOps(this);
  ops::RegisterShapeOps(this);
  ops::RegisterMediaPipeOps(this);
  ops::RegisterMathOps(this);
  ops::RegisterIndexOps(this);
  ops::RegisterControlFlowOps(this);
  ops::RegisterVariableOps(this);
  ops::RegisterEmbeddingOps(this);
  ops::RegisterNmsOps(this);
  ops::RegisterDetectionPostProcessOp(this);
}
#endif  // EDGEML_SELECTIVE_BUILD

}  // namespace edgeml
