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

namespace edgeml::cli {

struct InspectOptions {
  std::string model;
  int threads = 1;
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

// "scale=0.0078 zero_point=-128", "per-channel: 32 scales on dim 0", or "".
std::string DescribeQuant(const QuantizationParams& q);
// "input 0 'name'".
std::string DescribeIo(const char* kind, int position, const Tensor& t);

}  // namespace edgeml::cli
