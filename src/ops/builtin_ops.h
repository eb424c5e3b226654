// Registration functions of the op families; each lives in the family's file
// and adds its ops to a resolver. BuiltinOpResolver calls them all.
#pragma once

#include "edgeml/op_resolver.h"

namespace edgeml::ops {

void RegisterConvOps(OpResolver* r);         // conv.cc ...: CONV_2D, DEPTHWISE_CONV_2D,
                                             // FULLY_CONNECTED, TRANSPOSE_CONV, BATCH_MATMUL
void RegisterElementwiseOps(OpResolver* r);  // binary arithmetic, activations, unary math,
                                             // SOFTMAX, L2_NORMALIZATION, CAST, DEQUANTIZE, ARG_MAX
void RegisterSpatialOps(OpResolver* r);      // pooling, reductions, resize, depth<->space, PAD
void RegisterShapeOps(OpResolver* r);        // reshape family, concat, transpose, slicing,
                                             // gather, pack/unpack, SHAPE, DENSIFY
void RegisterMediaPipeOps(OpResolver* r);    // custom: Convolution2DTransposeBias
void RegisterMathOps(OpResolver* r);         // math.cc ...: comparisons, logical, SELECT,
                                             // elementwise math (GELU, ELU, POW, ABS, ...)
void RegisterIndexOps(OpResolver* r);        // index.cc ...: REDUCE_MIN/PROD/ANY, ARG_MIN,
                                             // TILE, MIRROR_PAD, CUMSUM, GATHER_ND, ...

}  // namespace edgeml::ops
