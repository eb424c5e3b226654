// A tensor of an interpreter: metadata plus a pointer to its data.
//
// Ownership: tensors belong to their Interpreter. Data of constant tensors
// lives in the Model's bytes (used in place, never written); data of
// intermediate, input and output tensors lives in the interpreter's arena and
// moves when AllocateTensors() runs again. Pointers taken from a Tensor are
// valid until the next ResizeInput()/AllocateTensors() on its interpreter.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/types.h"

namespace edgeml {

struct QuantizationParams {
  // Empty when the tensor is not quantized. One entry for per-tensor
  // quantization, shape[quantized_dimension] entries for per-channel.
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  bool quantized() const { return !scale.empty(); }
};

enum class Allocation : uint8_t {
  kNone,        // no storage yet (before AllocateTensors) or optional/absent
  kConstant,    // read-only data in the model's bytes
  kPersistent,  // owned by the interpreter, computed once at prepare (folded)
  kArena,       // in the shared arena, planned by lifetime
  kDynamic,     // shape known only in Invoke(); own buffer, may move each Invoke()
};

struct Tensor {
  DataType type = DataType::kFloat32;
  Shape shape;
  Shape shape_signature;  // -1 where the model leaves a dimension open
  std::string name;
  QuantizationParams quant;
  Allocation allocation = Allocation::kNone;
  bool is_variable = false;
  void* data = nullptr;
  size_t bytes = 0;  // size of data in bytes for the current shape

  bool is_constant() const {
    return allocation == Allocation::kConstant || allocation == Allocation::kPersistent;
  }
  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[i]; }
  int64_t num_elements() const {
    int64_t n = 1;
    for (int32_t d : shape) n *= d;
    return n;
  }
  template <typename T>
  T* data_as() {
    return static_cast<T*>(data);
  }
  template <typename T>
  const T* data_as() const {
    return static_cast<const T*>(data);
  }
};

}  // namespace edgeml
