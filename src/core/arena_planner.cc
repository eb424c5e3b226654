#include "core/arena_planner.h"

#include <algorithm>
#include <numeric>

namespace edgeml::internal {

size_t PlanArena(const std::vector<ArenaRequest>& requests, size_t alignment,
                 std::vector<size_t>* offsets) {
  const size_t n = requests.size();
  offsets->assign(n, 0);
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes) return requests[a].bytes > requests[b].bytes;
    return requests[a].first < requests[b].first;
  });
  auto align = [alignment](size_t v) { return (v + alignment - 1) / alignment * alignment; };

  struct Placed {
    size_t offset, end;
    int first, last;
  };
  std::vector<Placed> placed;  // kept sorted by offset
  size_t total = 0;
  for (size_t idx : order) {
    const ArenaRequest& r = requests[idx];
    size_t bytes = align(std::max<size_t>(r.bytes, 1));
    // Walk the live-overlapping buffers in offset order and take the first gap.
    size_t candidate = 0;
    for (const Placed& p : placed) {
      if (p.last < r.first || p.first > r.last) continue;  // disjoint lifetimes
      if (candidate + bytes <= p.offset) break;
      candidate = std::max(candidate, p.end);
    }
    (*offsets)[idx] = candidate;
    Placed np{candidate, candidate + bytes, r.first, r.last};
    auto pos = std::upper_bound(placed.begin(), placed.end(), np,
                                [](const Placed& a, const Placed& b) { return a.offset < b.offset; });
    placed.insert(pos, np);
    total = std::max(total, candidate + bytes);
  }
  return total;
}

}  // namespace edgeml::internal
