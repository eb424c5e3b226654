// Running a model on float samples for the optimizer tools: representative
// data loading, input conversion for integer-input models, float outputs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/status.h"
#include "io/image.h"

namespace edgeml::optimize {

// One set of model inputs, as float values (the float model's view).
struct Sample {
  std::string source;                      // file (and index within a .npy batch)
  std::vector<std::vector<float>> inputs;  // one per model input
};

struct InputSpec {
  DataType type;
  Shape shape;
};

// Loads samples for inputs `specs` from files and folders: images
// (.png/.jpg/.jpeg, resized and normalized as `edgeml run` does) for a model
// with one [1,H,W,C] input, and .npy arrays of the input's shape or a batch
// [N, ...] of it. Folders are read in name order. At most `limit` samples
// (0: all).
Status LoadSamples(const std::vector<std::string>& paths, const std::vector<InputSpec>& specs,
                   const io::Normalization& norm, size_t limit, std::vector<Sample>* out);

// `count` samples of seeded uniform [-1, 1) values.
std::vector<Sample> RandomSamples(const std::vector<InputSpec>& specs, size_t count, uint64_t seed);

// A loaded model with its interpreter, fed float samples.
class Runner {
 public:
  static Status FromFile(const std::string& path, int threads, std::unique_ptr<Runner>* out);
  static Status FromBytes(const std::vector<uint8_t>& bytes, int threads,
                          std::unique_ptr<Runner>* out);

  std::vector<InputSpec> input_specs() const;
  Interpreter& interpreter() { return *interp_; }

  // Sets the inputs from `sample` (quantized with each input's parameters
  // for integer inputs) and invokes.
  Status Run(const Sample& sample);
  // Output i dequantized to float (after Run).
  Status Output(int i, std::vector<float>* out) const;
  int num_outputs() const { return static_cast<int>(interp_->outputs().size()); }
  // Median wall time of Invoke() over `runs` after `warmup` untimed runs, ms.
  Status TimeInvoke(const Sample& sample, int warmup, int runs, double* ms);

 private:
  static Status FromModel(std::unique_ptr<Model> model, int threads, std::unique_ptr<Runner>* out);
  std::unique_ptr<Model> model_;
  std::unique_ptr<Interpreter> interp_;
};

// Float view of tensor data (dequantized with per-tensor parameters).
Status TensorToFloat(const Tensor& t, std::vector<float>* out);

}  // namespace edgeml::optimize
