// Resource variables of one interpreter (VAR_HANDLE / READ_VARIABLE /
// ASSIGN_VARIABLE), shared by all its subgraphs.
//
// As in LiteRT, VAR_HANDLE maps its (container, shared_name) pair to a small
// integer id, the same for every op and subgraph that names the pair; the id
// travels in RESOURCE tensors as one int32. A variable has no value until the
// first ASSIGN_VARIABLE, which fixes its type; later assignments may change
// its shape. CALL_ONCE records here which init subgraphs have run, so that a
// reset re-runs them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "edgeml/tensor.h"

namespace edgeml::internal {

struct ResourceVariable {
  bool assigned = false;
  DataType type = DataType::kFloat32;
  Shape shape;
  std::unique_ptr<uint8_t[]> data;  // grow-only; `capacity` bytes
  size_t capacity = 0;
  size_t bytes = 0;
};

class ResourceVariables {
 public:
  // The id of the variable named (container, shared_name); a new one the
  // first time the pair is seen.
  int32_t IdFor(const std::string& container, const std::string& shared_name);
  // nullptr when no VAR_HANDLE has produced `id`.
  ResourceVariable* Find(int32_t id);

  bool initialized(int subgraph) const { return initialized_.count(subgraph) != 0; }
  void set_initialized(int subgraph) { initialized_.insert(subgraph); }

  // Forgets every variable's value and every CALL_ONCE, so that the next
  // Invoke() starts as the first one did. Ids stay valid.
  void Reset();

 private:
  std::map<std::pair<std::string, std::string>, int32_t> ids_;
  std::map<int32_t, ResourceVariable> variables_;
  std::set<int> initialized_;
};

}  // namespace edgeml::internal
