// Internal to the elementwise family (elementwise.cc, binary.cc,
// activations.cc, softmax.cc, cast.cc, dequantize.cc, arg_max.cc): the
// registration functions RegisterElementwiseOps() calls, and shared checks.
#pragma once

#include <initializer_list>

#include "edgeml/op.h"
#include "edgeml/op_resolver.h"
#include "ops/op_util.h"

namespace edgeml::ops::elementwise_family {

// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MAXIMUM, MINIMUM.
void RegisterBinaryOps(OpResolver* r);
// LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, LEAKY_RELU, PRELU, HARD_SWISH,
// EXP, RSQRT, SQRT.
void RegisterActivationOps(OpResolver* r);
// SOFTMAX, L2_NORMALIZATION.
void RegisterSoftmaxOps(OpResolver* r);
void RegisterCastOps(OpResolver* r);
void RegisterDequantizeOps(OpResolver* r);
void RegisterArgMaxOps(OpResolver* r);

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

}  // namespace edgeml::ops::elementwise_family
