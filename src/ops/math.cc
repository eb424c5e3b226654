#include "ops/builtin_ops.h"

namespace edgeml::ops {

void RegisterMathOps(OpResolver*) {}

}  // namespace edgeml::ops
