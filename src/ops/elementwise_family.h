// Internal to the elementwise family (elementwise.cc, binary.cc,
// activations.cc, softmax.cc, cast.cc, dequantize.cc, arg_max.cc): the
// registration functions RegisterElementwiseOps() calls, and shared checks.
#pragma once

#include <initializer_list>

#include "edgeml/op.h"
#include "edgeml/op_resolver.h"
#include "ops/op_util.h"
#include "quant/fixed_point.h"

namespace edgeml::ops::elementwise_family {

// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM.
void RegisterBinaryOps(OpResolver* r);
// RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, EXP, SQRT.
void RegisterActivationOps(OpResolver* r);
// LOGISTIC, TANH (logistic_tanh.cc); HARD_SWISH (hard_swish.cc); RSQRT (rsqrt.cc).
void RegisterLogisticTanhOps(OpResolver* r);
void RegisterHardSwishOps(OpResolver* r);
void RegisterRsqrtOps(OpResolver* r);
// SOFTMAX, L2_NORMALIZATION.
void RegisterSoftmaxOps(OpResolver* r);
void RegisterCastOps(OpResolver* r);
void RegisterDequantizeOps(OpResolver* r);
void RegisterArgMaxOps(OpResolver* r);
// QUANTIZE (quantize.cc).
void RegisterQuantizeOps(OpResolver* r);

// Adds a builtin whose name is the format's name of `op`.
void AddOp(OpResolver* r, tfl::BuiltinOperator op, int min_version, int max_version,
           Status (*prepare)(OpContext&), Status (*eval)(OpContext&));

// `t` must have one of `types`. Otherwise Unsupported (a type this op may
// take in LiteRT but edgeml does not implement yet is not a malformed model).
Status RequireTypeIn(OpContext& ctx, const Tensor& t, std::initializer_list<DataType> types,
                     const char* role);

// `t` must have the same type as `like` (InvalidModel otherwise).
Status RequireSameType(OpContext& ctx, const Tensor& t, const Tensor& like, const char* role,
                       const char* like_role);

// ---- Quantized tensors ----------------------------------------------------

// INT8, UINT8 or INT16: the types of quantized activations.
bool IsQuantizedActivationType(DataType type);
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
Status GetQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* out,
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

}  // namespace edgeml::ops::elementwise_family
