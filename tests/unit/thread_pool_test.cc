// The thread pool behind OpContext::ParallelFor: coverage of every index,
// chunk sizes, reuse, nesting, shutdown, and interpreters that each own one.
#include "core/thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "edgeml/interpreter.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using internal::ThreadPool;

struct Range {
  int64_t begin, end;
  std::thread::id thread;
};

// Runs one ParallelFor and returns the ranges fn saw, sorted by begin.
std::vector<Range> Ranges(ThreadPool& pool, int64_t n, int64_t min_chunk) {
  std::mutex mu;
  std::vector<Range> ranges;
  auto fn = [&](int64_t b, int64_t e) {
    std::lock_guard<std::mutex> lock(mu);
    ranges.push_back({b, e, std::this_thread::get_id()});
  };
  pool.ParallelFor(n, min_chunk, fn);
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.begin < b.begin; });
  return ranges;
}

TEST(ThreadPool, EveryIndexExactlyOnceWithValidChunks) {
  for (int threads : {1, 2, 3, 4, 8}) {
    ThreadPool pool(threads);
    ASSERT_EQ(pool.num_threads(), threads);
    for (int64_t n : {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 100, 1000, 4097}) {
      for (int64_t min_chunk : {-1, 0, 1, 2, 3, 5, 16, 1000}) {
        SCOPED_TRACE(::testing::Message()
                     << "threads " << threads << " n " << n << " min_chunk " << min_chunk);
        std::vector<std::atomic<int>> hits(n);
        std::atomic<int> calls{0};
        auto fn = [&](int64_t b, int64_t e) {
          ASSERT_LE(0, b);
          ASSERT_LT(b, e);
          ASSERT_LE(e, n);
          for (int64_t i = b; i < e; ++i) hits[i].fetch_add(1);
          calls.fetch_add(1);
        };
        pool.ParallelFor(n, min_chunk, fn);
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "index " << i;
        if (n == 0) {
          EXPECT_EQ(calls.load(), 0);
          continue;
        }
        const int64_t effective_min = std::max<int64_t>(min_chunk, 1);
        if (threads == 1 || n < 2 * effective_min) {
          EXPECT_EQ(calls.load(), 1);
        } else {
          EXPECT_LE(calls.load(), threads * 4);
          EXPECT_GE(calls.load(), 2);
        }
        // Every range but the one ending at n is at least min_chunk long.
        std::vector<Range> ranges = Ranges(pool, n, min_chunk);
        int64_t expect_begin = 0;
        for (const Range& r : ranges) {
          EXPECT_EQ(r.begin, expect_begin);
          if (r.end != n) {
            EXPECT_GE(r.end - r.begin, effective_min);
          }
          expect_begin = r.end;
        }
        EXPECT_EQ(expect_begin, n);
      }
    }
  }
}

TEST(ThreadPool, SmallWorkRunsInlineOnTheCaller) {
  ThreadPool pool(4);
  std::vector<Range> r = Ranges(pool, 9, 5);  // 9 < 2 * 5
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].begin, 0);
  EXPECT_EQ(r[0].end, 9);
  EXPECT_EQ(r[0].thread, std::this_thread::get_id());
}

TEST(ThreadPool, OneThreadStartsNoWorkerAndRunsInline) {
  ThreadPool pool(1);
  EXPECT_EQ(pool.num_threads(), 1);
  std::vector<Range> r = Ranges(pool, 1 << 20, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].end, 1 << 20);
  EXPECT_EQ(r[0].thread, std::this_thread::get_id());
}

TEST(ThreadPool, LargeWorkUsesWorkersAndTheCaller) {
  ThreadPool pool(2);
  // Ranges that take a while, so the worker surely wakes and takes some.
  std::mutex mu;
  std::vector<std::thread::id> ids;
  auto fn = [&](int64_t, int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(mu);
    ids.push_back(std::this_thread::get_id());
  };
  pool.ParallelFor(64, 1, fn);
  EXPECT_EQ(ids.size(), 8u);  // 2 threads * 4 ranges
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()) - ids.begin(), 2);
}

TEST(ThreadPool, RangeArithmeticDoesNotOverflow) {
  ThreadPool pool(2);
  const int64_t n = std::numeric_limits<int64_t>::max();
  std::vector<Range> r = Ranges(pool, n, n / 4);
  ASSERT_EQ(r.size(), 5u);
  int64_t expect_begin = 0;
  for (const Range& x : r) {
    EXPECT_EQ(x.begin, expect_begin);
    expect_begin = x.end;
  }
  EXPECT_EQ(expect_begin, n);
  // Huge min_chunk: inline, no 2 * min_chunk overflow.
  EXPECT_EQ(Ranges(pool, 100, n).size(), 1u);
}

TEST(ThreadPool, ReusedAcrossThousandsOfCalls) {
  ThreadPool pool(3);
  std::vector<int64_t> data(1000);
  for (int iter = 0; iter < 5000; ++iter) {
    auto fn = [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) data[i] += i;
    };
    pool.ParallelFor(static_cast<int64_t>(data.size()), 1 + iter % 37, fn);
  }
  for (size_t i = 0; i < data.size(); ++i) ASSERT_EQ(data[i], 5000 * static_cast<int64_t>(i));
}

TEST(ThreadPool, NestedCallRunsInlineWithoutDeadlock) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(64 * 64);
  std::atomic<int> inner_calls{0};
  auto outer = [&](int64_t b, int64_t e) {
    for (int64_t row = b; row < e; ++row) {
      const std::thread::id self = std::this_thread::get_id();
      auto inner = [&](int64_t ib, int64_t ie) {
        EXPECT_EQ(std::this_thread::get_id(), self);
        inner_calls.fetch_add(1);
        for (int64_t i = ib; i < ie; ++i) hits[row * 64 + i].fetch_add(1);
      };
      pool.ParallelFor(64, 1, inner);
    }
  };
  pool.ParallelFor(64, 1, outer);
  for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  EXPECT_EQ(inner_calls.load(), 64);  // one inline call per row
}

TEST(ThreadPool, ConcurrentCallersOnOnePoolStayCorrect) {
  // Not the intended use (one interpreter, one thread), but it must not
  // deadlock or lose work: the second caller runs inline.
  ThreadPool pool(3);
  std::vector<std::thread> callers;
  std::vector<std::vector<int>> results(4, std::vector<int>(500));
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (int iter = 0; iter < 300; ++iter) {
        auto fn = [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) ++results[c][i];
        };
        pool.ParallelFor(500, 7, fn);
      }
    });
  }
  for (auto& t : callers) t.join();
  for (const auto& r : results) {
    for (int v : r) ASSERT_EQ(v, 300);
  }
}

TEST(ThreadPool, DestroyedWhileIdle) {
  for (int i = 0; i < 50; ++i) {
    ThreadPool never_used(4);  // workers may still be starting
  }
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool(3);
    std::atomic<int64_t> sum{0};
    auto fn = [&](int64_t b, int64_t e) { sum.fetch_add(e - b); };
    pool.ParallelFor(100, 1, fn);
    EXPECT_EQ(sum.load(), 100);
    // Long enough for the workers to stop spinning and block.
    if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

TEST(ThreadPool, ManyPoolsOnManyThreads) {
  std::vector<std::thread> owners;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    owners.emplace_back([&, t] {
      ThreadPool pool(2 + t % 2);
      std::vector<int> v(333);
      for (int iter = 0; iter < 500; ++iter) {
        auto fn = [&](int64_t b, int64_t e) {
          for (int64_t i = b; i < e; ++i) ++v[i];
        };
        pool.ParallelFor(static_cast<int64_t>(v.size()), 4, fn);
      }
      for (int x : v) failures += x != 500;
    });
  }
  for (auto& t : owners) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadPool, RequestedThreadsAreCapped) {
  ThreadPool pool(1000);
  EXPECT_EQ(pool.num_threads(), ThreadPool::kMaxThreads);
  // 4 ranges of 10 per thread.
  EXPECT_EQ(Ranges(pool, ThreadPool::kMaxThreads * 40, 1).size(),
            static_cast<size_t>(ThreadPool::kMaxThreads) * 4);
}

// --- Through the interpreter: a custom op that splits y = 3x + 1 -----------

std::atomic<int> g_calls{0};
std::atomic<int> g_calls_off_caller{0};
std::atomic<int> g_seen_threads{0};

Status TripleEval(OpContext& ctx) {
  const float* x = ctx.input(0).data_as<float>();
  float* y = ctx.output(0).data_as<float>();
  const std::thread::id caller = std::this_thread::get_id();
  g_seen_threads = ctx.num_threads();
  auto fn = [&](int64_t b, int64_t e) {
    g_calls.fetch_add(1);
    if (std::this_thread::get_id() != caller) g_calls_off_caller.fetch_add(1);
    for (int64_t i = b; i < e; ++i) y[i] = 3.0f * x[i] + 1.0f;
  };
  ctx.ParallelFor(ctx.input(0).num_elements(), 16, fn);
  return Status::Ok();
}

Status TriplePrepare(OpContext& ctx) { return ctx.SetOutputShape(0, ctx.input(0).shape); }

struct TripleModel {
  BuiltinOpResolver resolver;  // must outlive the interpreter
  std::unique_ptr<Interpreter> interp;
};

void BuildTriple(int num_threads, int size, const Model* shared, TripleModel* m,
                 std::unique_ptr<Model>* owned) {
  if (!shared) {
    testing::ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {size});
    int y = b.AddTensor(DataType::kFloat32, {size});
    b.AddCustomOperator("Triple", {x}, {y});
    b.SetInputs({x});
    b.SetOutputs({y});
    std::vector<uint8_t> bytes = b.Finish();
    ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), owned).ok());
    shared = owned->get();
  }
  m->resolver.AddCustom("Triple", OpRegistration{"Triple", 1, 1, TriplePrepare, TripleEval});
  InterpreterOptions options;
  options.num_threads = num_threads;
  ASSERT_TRUE(Interpreter::Create(*shared, m->resolver, options, &m->interp).ok());
  ASSERT_TRUE(m->interp->AllocateTensors().ok());
}

void ExpectTriple(Interpreter& interp, int size, float seed) {
  float* x = interp.input(0)->data_as<float>();
  for (int i = 0; i < size; ++i) x[i] = seed + static_cast<float>(i);
  ASSERT_TRUE(interp.Invoke().ok());
  const float* y = interp.output(0)->data_as<float>();
  for (int i = 0; i < size; ++i) ASSERT_EQ(y[i], 3.0f * x[i] + 1.0f) << "index " << i;
}

TEST(InterpreterThreads, OneThreadRunsEveryOpInline) {
  std::unique_ptr<Model> owned;  // outlives the interpreter
  TripleModel m;
  BuildTriple(1, 4096, nullptr, &m, &owned);
  g_calls = 0;
  g_calls_off_caller = 0;
  ExpectTriple(*m.interp, 4096, 0.5f);
  EXPECT_EQ(g_seen_threads.load(), 1);
  EXPECT_EQ(g_calls.load(), 1);
  EXPECT_EQ(g_calls_off_caller.load(), 0);
}

TEST(InterpreterThreads, SeveralThreadsSplitTheOpAndAgree) {
  std::unique_ptr<Model> owned;  // outlives the interpreter
  TripleModel m;
  BuildTriple(3, 4096, nullptr, &m, &owned);
  g_calls = 0;
  for (int i = 0; i < 200; ++i) ExpectTriple(*m.interp, 4096, static_cast<float>(i));
  EXPECT_EQ(g_seen_threads.load(), 3);
  EXPECT_EQ(g_calls.load(), 200 * 12);  // 3 threads * 4 ranges per invoke
}

TEST(InterpreterThreads, ConcurrentInterpretersEachWithItsOwnPool) {
  std::unique_ptr<Model> model;
  TripleModel first;
  BuildTriple(2, 1000, nullptr, &first, &model);
  std::vector<TripleModel> interps(4);
  for (auto& m : interps) BuildTriple(2, 1000, model.get(), &m, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) ExpectTriple(*interps[t].interp, 1000, t * 1000.0f + i);
    });
  }
  for (auto& th : threads) th.join();
}

TEST(InterpreterThreads, DestroyedRightAfterAllocate) {
  for (int i = 0; i < 20; ++i) {
    std::unique_ptr<Model> owned;
    TripleModel m;
    BuildTriple(4, 64, nullptr, &m, &owned);
  }
}

// Elementwise ops split their loops over threads; each output element is
// computed the same way, so the bytes match the formula and 1 thread.
std::vector<float> RunAddRelu6ThenRelu(int num_threads, const std::vector<float>& a,
                                       const std::vector<float>& b, std::vector<float>* relu_out) {
  testing::ModelBuilder mb;
  const Shape a_shape = {3, 50, 40, 17}, b_shape = {50, 1, 17};
  int x = mb.AddTensor(DataType::kFloat32, a_shape);
  int y = mb.AddTensor(DataType::kFloat32, b_shape);
  int sum = mb.AddTensor(DataType::kFloat32, a_shape);
  int relu = mb.AddTensor(DataType::kFloat32, a_shape);
  auto opts = tfl::CreateAddOptions(mb.fbb(), tfl::ActivationFunctionType::RELU6);
  mb.AddOperator(tfl::BuiltinOperator::ADD, {x, y}, {sum}, tfl::BuiltinOptions::AddOptions,
                 opts.Union());
  mb.AddOperator(tfl::BuiltinOperator::RELU, {x}, {relu});
  mb.SetInputs({x, y});
  mb.SetOutputs({sum, relu});
  std::vector<uint8_t> bytes = mb.Finish();
  std::unique_ptr<Model> model;
  EXPECT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.num_threads = num_threads;
  std::unique_ptr<Interpreter> interp;
  EXPECT_TRUE(Interpreter::Create(*model, resolver, options, &interp).ok());
  EXPECT_TRUE(interp->AllocateTensors().ok());
  std::memcpy(interp->input(0)->data, a.data(), a.size() * sizeof(float));
  std::memcpy(interp->input(1)->data, b.data(), b.size() * sizeof(float));
  EXPECT_TRUE(interp->Invoke().ok());
  const float* r = interp->output(1)->data_as<float>();
  relu_out->assign(r, r + a.size());
  const float* o = interp->output(0)->data_as<float>();
  return std::vector<float>(o, o + a.size());
}

TEST(InterpreterThreads, ElementwiseOpsGiveTheSameBytesOnAnyThreadCount) {
  std::vector<float> a(3 * 50 * 40 * 17), b(50 * 17);
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 1000) / 97.f - 4.f;
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 300) / 31.f - 5.f;
  std::vector<float> expect_sum(a.size()), expect_relu(a.size());
  for (int n = 0; n < 3; ++n) {
    for (int h = 0; h < 50; ++h) {
      for (int w = 0; w < 40; ++w) {
        for (int c = 0; c < 17; ++c) {
          const size_t i = ((n * 50 + h) * 40 + w) * 17 + c;
          expect_sum[i] = std::min(6.f, std::max(0.f, a[i] + b[h * 17 + c]));
          expect_relu[i] = std::max(0.f, a[i]);
        }
      }
    }
  }
  for (int threads : {1, 2, 3, 5}) {
    SCOPED_TRACE(threads);
    std::vector<float> relu;
    std::vector<float> sum = RunAddRelu6ThenRelu(threads, a, b, &relu);
    ASSERT_EQ(sum.size(), a.size());
    EXPECT_EQ(0, std::memcmp(sum.data(), expect_sum.data(), a.size() * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(relu.data(), expect_relu.data(), a.size() * sizeof(float)));
  }
}

}  // namespace
}  // namespace edgeml
