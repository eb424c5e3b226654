#include "core/thread_pool.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace edgeml::internal {
namespace {

// True on pool workers, and on a caller while it runs its share of a job:
// a ParallelFor from there runs inline instead of waiting on a pool.
thread_local bool t_in_task = false;

// How long an idle worker polls for the next job before blocking. Long
// enough to bridge the gap between two ops' ParallelFor calls, short enough
// not to matter on a shared two-core machine.
constexpr auto kSpinTime = std::chrono::microseconds(50);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

int64_t CeilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

ThreadPool::ThreadPool(int num_threads) {
  const int workers = std::min(std::max(num_threads, 1), kMaxThreads) - 1;
  workers_.reserve(workers);
  for (int i = 0; i < workers; ++i) {
    try {
      workers_.emplace_back([this] { WorkerLoop(); });
    } catch (const std::system_error&) {
      break;  // run with the workers we have rather than fail
    }
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);  // ends spinning
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::RunChunks(FunctionRef<void(int64_t, int64_t)> fn, int64_t n, int64_t chunk,
                           int64_t num_chunks) {
  for (;;) {
    const int64_t c = next_chunk_.fetch_add(1, std::memory_order_relaxed);
    if (c >= num_chunks) return;
    const int64_t begin = c * chunk;
    const int64_t end = n - begin > chunk ? begin + chunk : n;
    fn(begin, end);
  }
}

void ThreadPool::WorkerLoop() {
  t_in_task = true;
  // The generation when the pool was built, not a fresh load: a worker that
  // starts late must still see the first job.
  uint64_t seen = 0;
  for (;;) {
    const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
    while (generation_.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < deadline) {
      CpuRelax();
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (!stop_ && generation_.load(std::memory_order_relaxed) == seen) {
      ++sleeping_;
      work_cv_.wait(lock,
                    [&] { return stop_ || generation_.load(std::memory_order_relaxed) != seen; });
      --sleeping_;
    }
    if (stop_) return;
    seen = generation_.load(std::memory_order_relaxed);
    // A job whose ranges are all claimed may already be finished and its
    // caller gone; only join one that still has work.
    if (next_chunk_.load(std::memory_order_relaxed) >= num_chunks_) continue;
    active_.fetch_add(1, std::memory_order_relaxed);
    const FunctionRef<void(int64_t, int64_t)> fn = *fn_;
    const int64_t n = n_, chunk = chunk_, num_chunks = num_chunks_;
    lock.unlock();
    RunChunks(fn, n, chunk, num_chunks);
    lock.lock();
    if (active_.fetch_sub(1, std::memory_order_release) == 1) done_cv_.notify_one();
  }
}

void ThreadPool::ParallelFor(int64_t n, int64_t min_chunk, FunctionRef<void(int64_t, int64_t)> fn) {
  if (n <= 0) return;
  if (min_chunk < 1) min_chunk = 1;
  // n / 2 < min_chunk is n < 2 * min_chunk without overflow.
  if (workers_.empty() || n / 2 < min_chunk || t_in_task ||
      busy_.exchange(true, std::memory_order_acquire)) {
    fn(0, n);
    return;
  }
  const int64_t target_chunks = static_cast<int64_t>(num_threads()) * 4;
  const int64_t chunk = std::max(min_chunk, CeilDiv(n, target_chunks));
  const int64_t num_chunks = CeilDiv(n, chunk);
  if (num_chunks < 2) {
    busy_.store(false, std::memory_order_release);
    fn(0, n);
    return;
  }

  bool wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    n_ = n;
    chunk_ = chunk;
    num_chunks_ = num_chunks;
    next_chunk_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    wake = sleeping_ > 0;
  }
  if (wake) work_cv_.notify_all();

  t_in_task = true;
  RunChunks(fn, n, chunk, num_chunks);
  t_in_task = false;
  // Every range is claimed now; the ones still running belong to active
  // workers, and no worker joins a drained job, so active_ == 0 means done.
  // Spin briefly first: the last ranges usually finish within microseconds,
  // sooner than a sleep and wake-up. The check under mu_ is the one that
  // counts (a worker joins only under mu_).
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  while (active_.load(std::memory_order_acquire) != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    CpuRelax();
  }
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return active_.load(std::memory_order_relaxed) == 0; });
    fn_ = nullptr;
  }
  busy_.store(false, std::memory_order_release);
}

}  // namespace edgeml::internal
