// A persistent pool of worker threads for splitting one op's work into
// ranges (OpContext::ParallelFor). One pool per interpreter.
//
// Lifetime: the workers start in the constructor and are joined in the
// destructor; nothing is created or allocated per ParallelFor call.
//
// Waiting: the machines we target are often small and shared, so an idle
// worker spins only briefly (a few microseconds, with a pause hint) for the
// next job and then blocks on a condition variable. The spin catches the
// back-to-back ParallelFor calls of consecutive ops in one Invoke(); the
// block keeps an idle interpreter from burning a core.
//
// Threading: ParallelFor is meant to be called by one thread at a time (the
// thread running the interpreter). A call made from inside a task (nested),
// or while another thread is already running a job on the same pool, runs
// inline on the calling thread instead of waiting, so a task can never
// deadlock the pool.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "edgeml/op.h"

namespace edgeml::internal {

class ThreadPool {
 public:
  // Most threads one pool uses (including the caller); more requested
  // threads are capped to this so a bad option cannot exhaust the machine.
  static constexpr int kMaxThreads = 64;

  // `num_threads` counts the calling thread: 1 starts no worker. If the
  // system refuses to start a thread, the pool runs with those it got.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run tasks: the workers plus the caller.
  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(begin, end) on disjoint ranges that together cover [0, n), each
  // at least `min_chunk` long (except that a range may be cut by n), about
  // 4 per thread so uneven ranges balance out. The caller runs ranges too and
  // returns when all are done. Runs fn(0, n) inline without synchronizing
  // when the pool has one thread, n < 2 * min_chunk, or the call is nested.
  void ParallelFor(int64_t n, int64_t min_chunk, FunctionRef<void(int64_t, int64_t)> fn);

 private:
  void WorkerLoop();
  // Claims and runs ranges of the current job until none is left.
  void RunChunks(FunctionRef<void(int64_t, int64_t)> fn, int64_t n, int64_t chunk,
                 int64_t num_chunks);

  std::vector<std::thread> workers_;

  std::mutex mu_;
  std::condition_variable work_cv_;  // workers wait here for a new job
  std::condition_variable done_cv_;  // the caller waits here for workers
  bool stop_ = false;                // guarded by mu_
  int sleeping_ = 0;                 // workers blocked on work_cv_; mu_
  // Workers inside RunChunks; changed only under mu_, read without it by a
  // caller spinning for the end of its job.
  std::atomic<int> active_{0};

  // The current job; written under mu_ while no worker is active, read by
  // workers when they join it under mu_. fn_ points at the caller's argument,
  // which lives until the caller has seen every worker leave the job.
  const FunctionRef<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0;
  int64_t chunk_ = 0;
  int64_t num_chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0};  // next range index to claim
  // Bumped for every job (under mu_); spinning workers poll it.
  std::atomic<uint64_t> generation_{0};
  // Set while a job runs, so a concurrent or nested call runs inline.
  std::atomic<bool> busy_{false};
};

}  // namespace edgeml::internal
