// Internal to the convolution family (conv.cc, depthwise_conv.cc,
// fully_connected.cc, transpose_conv.cc, batch_matmul.cc): the registrations
// RegisterConvOps() adds, and checks they share.
#pragma once

#include "edgeml/op.h"
#include "ops/op_util.h"

namespace edgeml::ops::conv_family {

OpRegistration Conv2DRegistration();
OpRegistration DepthwiseConv2DRegistration();
OpRegistration FullyConnectedRegistration();
OpRegistration TransposeConvRegistration();
OpRegistration BatchMatMulRegistration();

// Accepts FLOAT32 (a constant must hold its full dense data). Types a later
// round may support (quantized, FLOAT16) give Unsupported; anything else is a
// malformed model.
Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role);

// Input `i` must be present (not -1 / past the end).
Status RequireInput(OpContext& ctx, int i, const char* role);

// Optional bias at input `i`: when present it must be FLOAT32 with `units`
// elements. Sets *present.
Status CheckOptionalBias(OpContext& ctx, int i, int64_t units, bool* present);

// Strides and dilations must be positive.
Status CheckPositive(OpContext& ctx, int32_t value, const char* what);

}  // namespace edgeml::ops::conv_family
