// Helpers shared by the builtin ops: typed options access and the common
// input checks, each producing a message that names the op, node and tensor.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "edgeml/op.h"
#include "quant/fixed_point.h"
#include "tflite_generated.h"

namespace edgeml::ops {

// The node's builtin options as table T, or nullptr when the node carries
// none (ops then use the format's defaults) or carries another table.
template <typename T>
const T* Options(const OpContext& ctx) {
  if (ctx.builtin_options_type() !=
      static_cast<uint8_t>(tfl::BuiltinOptionsTraits<T>::enum_value)) {
    return nullptr;
  }
  return static_cast<const T*>(ctx.builtin_options());
}

// Returns an InvalidModel error from the op if `cond` is false.
#define EDGEML_OP_ENSURE(ctx, cond, ...)                 \
  do {                                                   \
    if (!(cond)) return (ctx).InvalidModel(__VA_ARGS__); \
  } while (0)

Status CheckIoCount(OpContext& ctx, int min_inputs, int max_inputs, int outputs);
Status CheckType(OpContext& ctx, const Tensor& t, DataType type, const char* role);
Status CheckRank(OpContext& ctx, const Tensor& t, int rank, const char* role);
// Input i's values must be readable at prepare: a constant (model data or
// folded), or anything once the node is prepared in Invoke(). Otherwise
// defers the prepare to Invoke() (OpContext::DeferToInvoke); propagate it.
Status CheckConstant(OpContext& ctx, int input, const char* role);
// Reads an int32/int64 tensor (1-D or scalar) into `values` (CheckConstant).
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

// --- Quantized activations (per-tensor affine: real = scale * (q - zero_point)).

// INT8, UINT8 or INT16: the types of quantized activations.
bool IsQuantizedType(DataType type);
// [lowest, max] of an INT8/UINT8/INT16 storage type.
void QuantTypeRange(DataType type, int32_t* lo, int32_t* hi);

// Per-tensor affine parameters of an activation tensor.
struct QuantParam {
  float scale = 0.0f;
  int32_t zero_point = 0;
};
// Reads t's per-tensor quantization. InvalidModel unless t has exactly one
// scale, finite and > 0, and one zero point inside t's type range (and equal
// to 0 when `zero_point_0` is set, as LiteRT requires for most int16 ops).
Status ReadQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* out,
                      bool zero_point_0 = false);

// quant::QuantizeMultiplier(real) for a requantization named `what`, with
// the limits the kernels rely on: Unsupported if the exponent exceeds
// `max_shift` (0 for multipliers LiteRT requires below 1; at most 31).
Status MakeMultiplier(OpContext& ctx, double real, int max_shift, const char* what,
                      quant::Multiplier* out);

// Clamp range of a quantized output for a fused activation (or the RELU
// family), as LiteRT computes it. InvalidModel if a bound overflows int32 and
// Unsupported for activations that are not clamps (TANH, SIGN_BIT).
Status QuantActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, const Tensor& output,
                            const QuantParam& q, int32_t* lo, int32_t* hi);
// The same, reading the output's quantization first.
Status QuantActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, const Tensor& output,
                            int32_t* lo, int32_t* hi);

}  // namespace edgeml::ops
