// `edgeml bench MODEL`: invoke latency over repeated runs on seeded random
// inputs. Reports the median (the figure to compare; machines are noisy),
// min, mean and max, plus the memory plan.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

#include "commands.h"

namespace edgeml::cli {

int Bench(const BenchOptions& o) {
  std::unique_ptr<Model> model;
  std::unique_ptr<Interpreter> interp;
  Status s = LoadInterpreter(o.model, o.threads, o.delegates, &model, &interp);
  if (!s.ok()) return Fail(s.message());
  s = interp->AllocateTensors();
  if (!s.ok()) return Fail(s.message());
  std::mt19937_64 rng(o.seed);
  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    s = FillRandom(interp->input(static_cast<int>(i)), rng);
    if (!s.ok()) return Fail("input " + std::to_string(i) + ": " + s.message());
  }
  using Clock = std::chrono::steady_clock;
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(o.runs));
  for (int r = 0; r < o.warmup + o.runs; ++r) {
    const auto t0 = Clock::now();
    s = interp->Invoke();
    const auto t1 = Clock::now();
    if (!s.ok()) return Fail(s.message());
    if (r >= o.warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  const DelegationReport& report = interp->delegation_report();
  size_t delegated = 0;
  for (const auto& p : report.partitions) delegated += p.nodes.size();
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(n);
  if (o.json) {
    std::printf(
        "{\"model\": \"%s\", \"threads\": %d, \"runs\": %zu, \"median_ms\": %.4f, \"min_ms\": "
        "%.4f, \"mean_ms\": %.4f, \"max_ms\": %.4f, \"arena_bytes\": %zu, \"persistent_bytes\": "
        "%zu, \"delegated_nodes\": %zu, \"partitions\": %zu}\n",
        o.model.c_str(), o.threads, n, median, sorted.front(), mean, sorted.back(),
        interp->arena_bytes(), interp->persistent_bytes(), delegated, report.partitions.size());
  } else {
    std::printf("model: %s\nthreads: %d, warmup: %d, runs: %zu\n", o.model.c_str(), o.threads,
                o.warmup, n);
    std::printf("invoke ms: median %.3f  min %.3f  mean %.3f  max %.3f\n", median, sorted.front(),
                mean, sorted.back());
    std::printf("arena: %zu bytes, folded constants: %zu bytes\n", interp->arena_bytes(),
                interp->persistent_bytes());
    std::printf("%s", DelegationSummary(*interp).c_str());
  }
  return 0;
}

}  // namespace edgeml::cli
