// Built-in delegates by name.
#include <algorithm>
#include <map>
#include <mutex>

#include "edgeml/delegate.h"
#if EDGEML_HAVE_VULKAN
#include "delegates/vulkan/vulkan_delegate.h"
#endif

namespace edgeml {
namespace {

struct Registry {
  std::mutex mu;
  std::map<std::string, DelegateFactory> factories;
};

Registry& GetRegistry() {
  static Registry* r = [] {
    auto* reg = new Registry();
    // Delegates compiled into the library add themselves here, behind the
    // build option that compiles them, so that linking the static library
    // keeps them (a self-registering static object would be dropped).
#if EDGEML_HAVE_VULKAN
    reg->factories["vulkan"] = vulkan::CreateVulkanDelegate;
#endif
    return reg;
  }();
  return *r;
}

}  // namespace

void RegisterDelegate(const std::string& name, DelegateFactory factory) {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories[name] = factory;
}

std::vector<std::string> RegisteredDelegates() {
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  std::vector<std::string> names;
  for (const auto& kv : r.factories) names.push_back(kv.first);
  return names;
}

Status CreateDelegate(const std::string& name, const DelegateOptions& options,
                      std::shared_ptr<Delegate>* delegate) {
  DelegateFactory factory = nullptr;
  std::string known;
  {
    Registry& r = GetRegistry();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(name);
    if (it != r.factories.end()) factory = it->second;
    for (const auto& kv : r.factories) known += (known.empty() ? "" : ", ") + kv.first;
  }
  if (!factory) {
    return Status(StatusCode::kInvalidArgument,
                  "no delegate named '" + name + "' in this build (built in: " +
                      (known.empty() ? std::string("none") : known) +
                      "; external delegates load with a plugin path)");
  }
  Status s = factory(options, delegate);
  if (s.ok() && !*delegate) s = Status(StatusCode::kInternal, "the factory made no delegate");
  if (!s.ok()) return s.WithPrefix("delegate '" + name + "'");
  return Status::Ok();
}

}  // namespace edgeml
