// Internal to the math family (math.cc, unary_math.cc): the registration
// functions RegisterMathOps() calls.
#pragma once

#include "edgeml/op_resolver.h"

namespace edgeml::ops::math_family {

// Comparisons, LOGICAL_AND/OR, POW, FLOOR_DIV, FLOOR_MOD, SELECT, SELECT_V2.
void RegisterBinaryMathOps(OpResolver* r);
// ABS, FLOOR, CEIL, ROUND, SQUARE, SIGN, LOG, SIN, COS, ELU, GELU,
// LOGICAL_NOT, ZEROS_LIKE, LOG_SOFTMAX, FILL, RANGE.
void RegisterUnaryMathOps(OpResolver* r);

}  // namespace edgeml::ops::math_family
