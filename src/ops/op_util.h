// Helpers shared by the builtin ops: typed options access and the common
// input checks, each producing a message that names the op, node and tensor.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "edgeml/op.h"
#include "tflite_generated.h"

namespace edgeml::ops {

// The node's builtin options as table T, or nullptr when the node carries
// none (ops then use the format's defaults) or carries another table.
template <typename T>
const T* Options(const OpContext& ctx) {
  if (ctx.builtin_options_type() != static_cast<uint8_t>(tfl::BuiltinOptionsTraits<T>::enum_value)) {
    return nullptr;
  }
  return static_cast<const T*>(ctx.builtin_options());
}

// Returns an InvalidModel error from the op if `cond` is false.
#define EDGEML_OP_ENSURE(ctx, cond, ...)                            \
  do {                                                              \
    if (!(cond)) return (ctx).InvalidModel(__VA_ARGS__);            \
  } while (0)

Status CheckIoCount(OpContext& ctx, int min_inputs, int max_inputs, int outputs);
Status CheckType(OpContext& ctx, const Tensor& t, DataType type, const char* role);
Status CheckRank(OpContext& ctx, const Tensor& t, int rank, const char* role);
// Input i must be a constant (model data or folded at prepare).
Status CheckConstant(OpContext& ctx, int input, const char* role);
// Reads a constant int32/int64 tensor (1-D or scalar) into `values`.
Status ReadIntVector(OpContext& ctx, int input, const char* role, std::vector<int64_t>* values);
// Normalizes a possibly negative axis against rank; error if out of range.
Status NormalizeAxis(OpContext& ctx, int64_t axis, int rank, const char* role, int* out);

// The format's record of input i (for what Tensor does not carry, such as
// sparsity parameters). nullptr when the input is absent.
const tfl::Tensor* InputFlatbufferTensor(const OpContext& ctx, int input);

// Fused activation as a clamp range for float kernels.
struct FloatRange {
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
};
// TANH and SIGN_BIT are not clamps; they give an Unsupported error.
Status ActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, FloatRange* range);

// Output size and leading padding for one spatial dimension of a windowed op
// (conv, pool) under the format's SAME/VALID rules. Errors on non-positive
// strides/dilations/filters or an empty output.
struct PaddedDim {
  int32_t out = 0;
  int32_t pad_before = 0;
};
Status ComputePadding(OpContext& ctx, tfl::Padding padding, int32_t in, int32_t filter,
                      int32_t stride, int32_t dilation, const char* dim_name, PaddedDim* out);

}  // namespace edgeml::ops
