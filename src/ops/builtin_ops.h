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
void RegisterNmsOps(OpResolver* r);          // nms.cc: NON_MAX_SUPPRESSION_V4, V5
void RegisterDetectionPostProcessOp(OpResolver* r);  // custom: TFLite_Detection_PostProcess

void RegisterControlFlowOps(OpResolver* r);  // control_flow.cc: WHILE, IF, CALL_ONCE
void RegisterVariableOps(OpResolver* r);     // variables.cc: VAR_HANDLE, READ/ASSIGN_VARIABLE
void RegisterEmbeddingOps(OpResolver* r);    // embedding_lookup.cc: EMBEDDING_LOOKUP

}  // namespace edgeml::ops
