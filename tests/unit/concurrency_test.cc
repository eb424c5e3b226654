// Several interpreters on several threads at once, sharing one Model and one
// OpResolver read-only, each with its own thread pool (num_threads 2): the
// threading contract of include/edgeml/interpreter.h. Every output must be
// identical to the byte to a single-threaded run of the same input.
//
// The value of this test is in the ThreadSanitizer build
// (scripts/test_sanitizers.sh builds it with -fsanitize=thread); in a plain
// build it still checks that concurrent use gives the same results.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"

namespace edgeml {
namespace {

constexpr int kThreads = 4;
constexpr int kPoolThreads = 2;  // InterpreterOptions::num_threads of each interpreter
constexpr int kSeeds = 2;        // distinct inputs, so that threads do not all compute the same

// Small enough to stay quick under ThreadSanitizer; together they cover
// int8 and float convolutions, folded fp16 weights (DEQUANTIZE at prepare),
// pooling, concatenation and the MediaPipe detector head.
const char* const kModels[] = {
    "networks/mobilenet_v1.tflite",
    "networks/mobilenet_v1_float.tflite",
    "models/face_detection_short_range.tflite",
};

using Bytes = std::vector<uint8_t>;

// Deterministic input bytes for input tensor `t` from `seed`: floats in
// [-1, 1], anything else as random bytes.
void FillInputs(Interpreter& interp, int seed) {
  std::mt19937 rng(static_cast<uint32_t>(seed) * 7919u + 1);
  for (size_t i = 0; i < interp.inputs().size(); ++i) {
    Tensor* t = interp.input(static_cast<int>(i));
    ASSERT_NE(t, nullptr);
    if (t->type == DataType::kFloat32) {
      std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
      float* p = t->data_as<float>();
      for (size_t k = 0; k < t->bytes / sizeof(float); ++k) p[k] = dist(rng);
    } else {
      uint8_t* p = t->data_as<uint8_t>();
      for (size_t k = 0; k < t->bytes; ++k) p[k] = static_cast<uint8_t>(rng());
    }
  }
}

std::vector<Bytes> Outputs(Interpreter& interp) {
  std::vector<Bytes> out;
  for (size_t i = 0; i < interp.outputs().size(); ++i) {
    const Tensor* t = interp.output(static_cast<int>(i));
    const uint8_t* p = t->data_as<uint8_t>();
    out.emplace_back(p, p + t->bytes);
  }
  return out;
}

class Concurrency : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    const std::string path = std::string(EDGEML_TESTDATA_DIR) + "/" + GetParam();
    Status s = Model::FromFile(path, &model_);
    ASSERT_TRUE(s.ok()) << path << ": " << s.ToString();
    // Expected outputs from one interpreter on this thread, no pool.
    std::unique_ptr<Interpreter> interp = Make(1);
    ASSERT_NE(interp, nullptr);
    for (int seed = 0; seed < kSeeds; ++seed) {
      FillInputs(*interp, seed);
      ASSERT_TRUE(interp->Invoke().ok());
      expected_.push_back(Outputs(*interp));
    }
  }

  std::unique_ptr<Interpreter> Make(int num_threads) {
    InterpreterOptions options;
    options.num_threads = num_threads;
    std::unique_ptr<Interpreter> interp;
    Status s = Interpreter::Create(*model_, resolver_, options, &interp);
    if (!s.ok()) {
      ADD_FAILURE() << "Create: " << s.ToString();
      return nullptr;
    }
    s = interp->AllocateTensors();
    if (!s.ok()) {
      ADD_FAILURE() << "AllocateTensors: " << s.ToString();
      return nullptr;
    }
    return interp;
  }

  // Invokes with input `seed` and compares with the single-threaded run.
  // Returns false (after recording the failure) on any difference.
  bool RunAndCheck(Interpreter& interp, int seed, const std::string& who) {
    FillInputs(interp, seed);
    Status s = interp.Invoke();
    if (!s.ok()) {
      ADD_FAILURE() << who << ": Invoke: " << s.ToString();
      return false;
    }
    if (Outputs(interp) != expected_[seed]) {
      ADD_FAILURE() << who << ": outputs differ from the single-threaded run (seed " << seed << ")";
      return false;
    }
    return true;
  }

  std::unique_ptr<Model> model_;
  BuiltinOpResolver resolver_;
  std::vector<std::vector<Bytes>> expected_;  // [seed][output]
};

// Each thread creates its own interpreter from the shared model at the same
// time as the others, then invokes it repeatedly.
TEST_P(Concurrency, OneInterpreterPerThread) {
  std::atomic<int> ready{0};
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Start together so that Create/AllocateTensors overlap as well.
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      std::unique_ptr<Interpreter> interp = Make(kPoolThreads);
      if (interp == nullptr) return;
      for (int round = 0; round < 3; ++round) {
        const int seed = (t + round) % kSeeds;
        if (!RunAndCheck(*interp, seed, "thread " + std::to_string(t))) return;
        checked.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(checked.load(), kThreads * 3);
}

// Fewer interpreters than threads: an interpreter goes from thread to thread
// (handed over through a mutex, so one thread uses it at a time) and its
// pool's workers serve whichever thread holds it.
TEST_P(Concurrency, InterpretersHandedBetweenThreads) {
  constexpr int kInterpreters = 2;
  constexpr int kUsesPerThread = 4;
  std::vector<std::unique_ptr<Interpreter>> owned;
  std::deque<Interpreter*> idle;
  for (int i = 0; i < kInterpreters; ++i) {
    owned.push_back(Make(kPoolThreads));
    ASSERT_NE(owned.back(), nullptr);
    idle.push_back(owned.back().get());
  }
  std::mutex mu;
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int use = 0; use < kUsesPerThread; ++use) {
        Interpreter* interp = nullptr;
        while (interp == nullptr) {
          {
            std::lock_guard<std::mutex> lock(mu);
            if (!idle.empty()) {
              interp = idle.front();
              idle.pop_front();
            }
          }
          if (interp == nullptr) std::this_thread::yield();
        }
        const bool ok = RunAndCheck(*interp, (t + use) % kSeeds, "thread " + std::to_string(t));
        {
          std::lock_guard<std::mutex> lock(mu);
          idle.push_back(interp);
        }
        if (!ok) return;
        checked.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(checked.load(), kThreads * kUsesPerThread);
}

// Interpreters created, resized, allocated and destroyed on several threads
// at once (pool start-up and shut-down racing with other interpreters' work).
TEST_P(Concurrency, CreateAllocateDestroyInParallel) {
  std::atomic<int> checked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 2; ++round) {
        std::unique_ptr<Interpreter> interp = Make(kPoolThreads);
        if (interp == nullptr) return;
        // Allocate a second time (as after ResizeInput to the same shape).
        Tensor* in = interp->input(0);
        const Shape shape = in->shape;
        Status s = interp->ResizeInput(0, shape);
        if (s.ok()) s = interp->AllocateTensors();
        if (!s.ok()) {
          ADD_FAILURE() << "thread " << t << ": re-allocate: " << s.ToString();
          return;
        }
        if (!RunAndCheck(*interp, (t + round) % kSeeds, "thread " + std::to_string(t))) return;
        checked.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(checked.load(), kThreads * 2);
}

INSTANTIATE_TEST_SUITE_P(Models, Concurrency, ::testing::ValuesIn(kModels),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name = name.substr(name.find('/') + 1);
                           return name.substr(0, name.find('.'));
                         });

}  // namespace
}  // namespace edgeml
