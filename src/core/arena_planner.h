// Offsets for buffers with known lifetimes in one shared arena.
//
// Each request has a size and the first and last node (inclusive) during
// which it must hold its data. Requests whose lifetimes overlap never share
// bytes; the others may. Placement is greedy by decreasing size, each at the
// lowest aligned offset free of conflicts (the strategy of TFLite's and
// XNNPACK's planners), which is within a small factor of optimal in practice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace edgeml::internal {

struct ArenaRequest {
  size_t bytes = 0;
  int first = 0;  // first node that uses the buffer
  int last = 0;   // last node that uses it (inclusive)
};

// Fills offsets (one per request, aligned to `alignment`) and returns the
// arena size needed.
size_t PlanArena(const std::vector<ArenaRequest>& requests, size_t alignment,
                 std::vector<size_t>* offsets);

}  // namespace edgeml::internal
