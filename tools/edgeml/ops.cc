// `edgeml ops`: the ops this build can run, as a Markdown table.
#include <cstdio>
#include <string>

#include "commands.h"
#include "edgeml/op_resolver.h"

namespace edgeml::cli {

int Ops() {
  BuiltinOpResolver resolver;
  std::printf("| op | versions | kind |\n|---|---|---|\n");
  for (int code : resolver.BuiltinCodes()) {
    const OpRegistration* r = resolver.FindBuiltin(code);
    std::printf("| %s | %d-%d | builtin |\n", BuiltinOpName(code), r->min_version,
                r->max_version);
  }
  for (const std::string& name : resolver.CustomNames()) {
    const OpRegistration* r = resolver.FindCustom(name);
    std::printf("| %s | %d-%d | custom |\n", name.c_str(), r->min_version, r->max_version);
  }
  return 0;
}

}  // namespace edgeml::cli
