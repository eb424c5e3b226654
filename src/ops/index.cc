#include "ops/builtin_ops.h"

namespace edgeml::ops {

void RegisterIndexOps(OpResolver*) {}

}  // namespace edgeml::ops
