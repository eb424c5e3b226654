// Helpers shared by the Vulkan delegate tests (vulkan_*_test.cc): creating
// the delegate (or skipping when the machine has no Vulkan device), running a
// model with and without it, and the error measure the targets use.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "edgeml/delegate.h"
#include "edgeml/interpreter.h"
#include "edgeml/op_resolver.h"

// Leak checking (ASan's LeakSanitizer, scripts/test_sanitizers.sh): Mesa's
// lavapipe driver leaks small allocations of its own (reproduced with a bare
// C program that only creates a Vulkan device); they are suppressed by module
// name. Included by one source file per test executable.
extern "C" const char* __lsan_default_suppressions() { return "leak:libvulkan_lvp.so\n"; }

namespace edgeml::vulkan_test {

// Whether the environment says the delegate must run (scripts/test.sh sets
// EDGEML_VULKAN_REQUIRED=1, with lavapipe installed): then a missing device
// or a build without the delegate fails instead of skipping.
inline bool VulkanRequired() {
  const char* v = std::getenv("EDGEML_VULKAN_REQUIRED");
  return v != nullptr && std::string(v) == "1";
}

// Sets `var` (std::shared_ptr<Delegate>) to the "vulkan" delegate with
// `options`, or skips the test when the build has no Vulkan delegate or the
// machine no Vulkan device. Any other failure fails the test.
#if EDGEML_HAVE_VULKAN
#define EDGEML_VULKAN_OR_SKIP(var, options)                                              \
  do {                                                                                   \
    ::edgeml::Status vk_status_ = ::edgeml::CreateDelegate("vulkan", (options), &(var)); \
    if (!vk_status_.ok() && vk_status_.code() == ::edgeml::StatusCode::kUnsupported &&   \
        vk_status_.message().find("no Vulkan device") != std::string::npos &&            \
        !::edgeml::vulkan_test::VulkanRequired()) {                                      \
      GTEST_SKIP() << "no Vulkan device on this machine: " << vk_status_.message();      \
    }                                                                                    \
    ASSERT_TRUE(vk_status_.ok()) << vk_status_.ToString();                               \
  } while (0)
#else
#define EDGEML_VULKAN_OR_SKIP(var, options)                                                   \
  do {                                                                                        \
    (void)(var);                                                                              \
    ASSERT_FALSE(::edgeml::vulkan_test::VulkanRequired())                                     \
        << "EDGEML_VULKAN_REQUIRED=1 but edgeml was built without the Vulkan delegate";       \
    GTEST_SKIP() << "built without the Vulkan delegate (EDGEML_VULKAN=OFF, or libvulkan-dev " \
                    "/ glslang-tools missing at configure time)";                             \
  } while (0)
#endif

inline DelegateOptions Precision(const std::string& p) { return {{"precision", p}}; }

struct RunResult {
  std::vector<std::vector<float>> outputs;
  std::vector<Shape> shapes;
  DelegationReport report;
};

// Runs `model` once with float inputs (each input gets its vector, sized to
// the tensor) through `delegates` (empty: the CPU kernels).
inline Status RunModel(const Model& model, const std::vector<std::vector<float>>& inputs,
                       std::vector<std::shared_ptr<Delegate>> delegates, RunResult* out,
                       const std::vector<Shape>& resize = {}) {
  BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.delegates = std::move(delegates);
  std::unique_ptr<Interpreter> interp;
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(model, resolver, options, &interp));
  for (size_t i = 0; i < resize.size(); ++i) {
    EDGEML_RETURN_IF_ERROR(interp->ResizeInput(static_cast<int>(i), resize[i]));
  }
  EDGEML_RETURN_IF_ERROR(interp->AllocateTensors());
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    if (t->type != DataType::kFloat32 ||
        t->num_elements() != static_cast<int64_t>(inputs[i].size())) {
      return Errorf(StatusCode::kInvalidArgument, "input %zu: expected %lld floats", i,
                    static_cast<long long>(t->num_elements()));
    }
    std::memcpy(t->data, inputs[i].data(), inputs[i].size() * sizeof(float));
  }
  EDGEML_RETURN_IF_ERROR(interp->Invoke());
  out->outputs.clear();
  out->shapes.clear();
  for (size_t i = 0; i < interp->outputs().size(); ++i) {
    const Tensor* t = interp->output(static_cast<int>(i));
    std::vector<float> v(static_cast<size_t>(t->num_elements()));
    for (size_t k = 0; k < v.size(); ++k) {  // integer outputs (ARG_MAX) as floats
      switch (t->type) {
        case DataType::kFloat32:
          v[k] = t->data_as<float>()[k];
          break;
        case DataType::kInt32:
          v[k] = static_cast<float>(t->data_as<int32_t>()[k]);
          break;
        case DataType::kInt64:
          v[k] = static_cast<float>(t->data_as<int64_t>()[k]);
          break;
        default:
          return Errorf(StatusCode::kUnsupported, "output %zu is %s", i,
                        DataTypeName(t->type).c_str());
      }
    }
    out->outputs.push_back(std::move(v));
    out->shapes.push_back(t->shape);
  }
  out->report = interp->delegation_report();
  return Status::Ok();
}

// Inputs of `model` filled with uniform values in [lo, hi) from `seed`.
inline std::vector<std::vector<float>> RandomInputs(const Model& model, uint32_t seed,
                                                    float lo = -1.f, float hi = 1.f) {
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  std::vector<std::vector<float>> inputs;
  if (!Interpreter::Create(model, resolver, {}, &interp).ok()) return inputs;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    const Tensor* t = interp->input(static_cast<int>(i));
    std::vector<float> v(static_cast<size_t>(std::max<int64_t>(t->num_elements(), 0)));
    for (float& x : v) x = dist(rng);
    inputs.push_back(std::move(v));
  }
  return inputs;
}

// max |got - want| / max |want|: the error relative to the output's range
// (an element-wise ratio is meaningless where want is near zero).
inline double MaxRelError(const std::vector<float>& got, const std::vector<float>& want) {
  if (got.size() != want.size()) return INFINITY;
  double max_diff = 0, max_ref = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i]) != std::isnan(want[i])) return INFINITY;
    if (std::isnan(want[i])) continue;
    max_diff = std::max(max_diff, std::fabs(double{got[i]} - double{want[i]}));
    max_ref = std::max(max_ref, std::fabs(double{want[i]}));
  }
  return max_diff / std::max(max_ref, 1e-30);
}

// Nodes the report gives to `delegate`, and nodes left on the CPU (not folded).
inline void CountPlacement(const DelegationReport& r, const std::string& delegate, int* delegated,
                           int* cpu) {
  *delegated = *cpu = 0;
  for (const auto& n : r.nodes) {
    if (n.folded) continue;
    if (n.delegate == delegate)
      ++*delegated;
    else if (n.delegate.empty())
      ++*cpu;
  }
}

// "node 3 MEAN: reason; ..." for the nodes left on the CPU.
inline std::string CpuNodes(const DelegationReport& r) {
  std::string s;
  for (const auto& n : r.nodes) {
    if (n.folded || !n.delegate.empty()) continue;
    s += "node " + std::to_string(n.node) + " " + n.op_name;
    for (const auto& f : n.refusals) s += " [" + f.delegate + ": " + f.reason + "]";
    s += "; ";
  }
  return s;
}

}  // namespace edgeml::vulkan_test
