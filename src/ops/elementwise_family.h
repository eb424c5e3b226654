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

}  // namespace edgeml::ops::elementwise_family
