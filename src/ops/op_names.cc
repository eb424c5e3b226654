#include "edgeml/op_resolver.h"
#include "tflite_generated.h"

namespace edgeml {

const char* BuiltinOpName(int builtin_code) {
  if (builtin_code >= static_cast<int>(tfl::BuiltinOperator::MIN) &&
      builtin_code <= static_cast<int>(tfl::BuiltinOperator::MAX)) {
    const char* name =
        tfl::EnumNameBuiltinOperator(static_cast<tfl::BuiltinOperator>(builtin_code));
    if (name && *name) return name;
  }
  thread_local char buf[32];
  snprintf(buf, sizeof(buf), "BUILTIN_%d", builtin_code);
  return buf;
}

}  // namespace edgeml
