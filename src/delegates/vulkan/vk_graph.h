// A partition compiled for Vulkan: tensors (buffers) and the compute
// dispatches that produce them, recorded once into one command buffer.
//
// Build it by adding tensors and dispatches (vk_lower.h does this from edgeml
// nodes), then Prepare(): it creates one buffer per tensor, uploads the
// constants (weights) once, writes one descriptor set per dispatch and records
// every dispatch, with a barrier between consecutive ones, into a single
// command buffer. Each Run() then only copies the partition's inputs into
// host-visible buffers, submits that command buffer and copies the outputs
// back: nothing else crosses the host/device boundary.
//
// Precision: with `fp16`, tensors are stored as float16 where the device has
// 16-bit storage (arithmetic stays float32 inside the shaders); elsewhere they
// stay float32 but weights are rounded to float16 at upload and every value a
// shader stores is rounded to float16 (same numerics, full-size buffers).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delegates/vulkan/vk_device.h"
#include "edgeml/status.h"
#include "edgeml/types.h"

namespace edgeml::vulkan {

struct GraphTensor {
  Shape shape;
  int64_t elements = 0;
  bool is_constant = false;
  bool is_input = false;        // written by the host before each Run()
  bool is_output = false;       // read by the host after each Run()
  std::vector<float> constant;  // the data of a constant, until uploaded
  std::string name;             // for messages
};

struct Dispatch {
  std::string shader;                         // embedded shader name ("conv2d")
  std::array<int, 4> inputs{-1, -1, -1, -1};  // graph tensors at bindings 0-3
  int output = -1;                            // graph tensor at binding 4
  std::array<int32_t, Device::kPushConstantWords> push{};
  int64_t invocations = 0;  // threads; the shader ignores extra ones
  // For shaders with 8x8x1 groups (LOCAL_3D): the threads along x, y, z
  // (rounded up to whole groups); {0, 0, 0} for 64-wide 1-D shaders.
  std::array<int64_t, 3> grid{0, 0, 0};
  std::string what;  // "CONV_2D (node 3)" for messages
};

struct GraphOptions {
  bool fp16 = false;
  // With fp16: use 16-bit storage when the device has it (else emulate).
  bool fp16_storage = true;
};

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // --- building --------------------------------------------------------
  int AddTensor(const Shape& shape, const std::string& name = "");
  // Copies `data` (shape's element count of floats).
  int AddConstant(const Shape& shape, const float* data, const std::string& name = "");
  void AddDispatch(Dispatch d) { dispatches_.push_back(std::move(d)); }
  void MarkInput(int t) { tensors_[t].is_input = true; }
  void MarkOutput(int t) { tensors_[t].is_output = true; }

  const GraphTensor& tensor(int t) const { return tensors_[t]; }
  int num_tensors() const { return static_cast<int>(tensors_.size()); }
  const std::vector<Dispatch>& dispatches() const { return dispatches_; }

  // --- running ---------------------------------------------------------
  // Creates buffers, uploads constants, records the command buffer.
  Status Prepare(std::shared_ptr<Device> device, const GraphOptions& options);
  // Whether tensors are stored as float16 (fp16 requested and supported).
  bool fp16_storage() const { return fp16_storage_; }
  // Copies `count` floats into input tensor t (count must be its size).
  Status SetInput(int t, const float* data, int64_t count);
  Status Run();
  Status GetOutput(int t, float* data, int64_t count) const;

 private:
  struct Vk;
  std::vector<GraphTensor> tensors_;
  std::vector<Dispatch> dispatches_;
  std::unique_ptr<Vk> vk_;
  bool fp16_storage_ = false;
  bool prepared_ = false;
};

// IEEE half <-> float, round to nearest even (what fp16 mode stores).
uint16_t FloatToHalf(float f);
float HalfToFloat(uint16_t h);
inline float RoundToHalf(float f) { return HalfToFloat(FloatToHalf(f)); }

}  // namespace edgeml::vulkan
