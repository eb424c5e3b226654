// Subcommands of the `edgeml` command line and the helpers they share.
// Each command returns the process exit code: 0 on success, 1 after printing
// one "edgeml: error: ..." line to stderr.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/status.h"
#include "edgeml/tensor.h"

namespace CLI {
class App;
}

namespace edgeml::cli {

// --delegate NAME..., --precision, --delegate-plugin PATH, --delegate-option K=V.
struct DelegateFlags {
  std::vector<std::string> names;    // built-in delegates, in precedence order
  std::string precision;             // "", "fp32" or "fp16" (built-in delegates)
  std::vector<std::string> plugins;  // shared libraries, after the built-ins
  std::vector<std::string> options;  // "KEY=VALUE", given to every delegate
};
void AddDelegateFlags(CLI::App* cmd, DelegateFlags* flags);
// Creates the delegates the flags name (a delegate that cannot run here,
// e.g. no Vulkan device, fails with its reason).
Status MakeDelegates(const DelegateFlags& flags, std::vector<std::shared_ptr<Delegate>>* out);
// "delegate vulkan: 63 of 65 nodes in 1 partition\n" per delegate; "" without
// delegates. Valid after AllocateTensors().
std::string DelegationSummary(const Interpreter& interp);

struct InspectOptions {
  std::string model;
  int threads = 1;
  DelegateFlags delegates;
};

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;  // "[NAME|INDEX=]FILE"
  std::string output_dir;           // empty: write nothing
  int threads = 1;
  std::string mean = "127.5";  // comma-separated, 1 or C values
  std::string std = "127.5";
  uint64_t seed = 1;
  bool png = false;  // also write mask-shaped float outputs as output_<i>.png
  DelegateFlags delegates;
};

int Inspect(const InspectOptions& options);
int Run(const RunOptions& options);
int Ops();

struct BenchOptions {
  std::string model;
  int threads = 1;
  int warmup = 5;
  int runs = 50;
  uint64_t seed = 1;
  bool json = false;
  DelegateFlags delegates;
};
int Bench(const BenchOptions& options);

// Fills a tensor with seeded random values of its type (float: uniform in
// [-1, 1); integers: uniform over the type's range).
Status FillRandom(Tensor* t, std::mt19937_64& rng);

// Prints "edgeml: error: <message>" (newlines folded) and returns 1.
int Fail(const std::string& message);

// Loads the model and creates its interpreter (not yet allocated).
Status LoadInterpreter(const std::string& path, int threads, std::unique_ptr<Model>* model,
                       std::unique_ptr<Interpreter>* interp);
// The same with the delegates of `flags`.
Status LoadInterpreter(const std::string& path, int threads, const DelegateFlags& flags,
                       std::unique_ptr<Model>* model, std::unique_ptr<Interpreter>* interp);

// "scale=0.0078 zero_point=-128", "per-channel: 32 scales on dim 0", or "".
std::string DescribeQuant(const QuantizationParams& q);
// "input 0 'name'".
std::string DescribeIo(const char* kind, int position, const Tensor& t);

}  // namespace edgeml::cli
