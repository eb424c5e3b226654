#include "core/resources.h"

namespace edgeml::internal {

int32_t ResourceVariables::IdFor(const std::string& container, const std::string& shared_name) {
  auto key = std::make_pair(container, shared_name);
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const int32_t id = static_cast<int32_t>(ids_.size());
  ids_.emplace(std::move(key), id);
  variables_[id];
  return id;
}

ResourceVariable* ResourceVariables::Find(int32_t id) {
  auto it = variables_.find(id);
  return it == variables_.end() ? nullptr : &it->second;
}

void ResourceVariables::Reset() {
  for (auto& [id, v] : variables_) {
    v.assigned = false;
    v.shape.clear();
    v.bytes = 0;
  }
  initialized_.clear();
}

}  // namespace edgeml::internal
