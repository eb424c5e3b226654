// Internal to the spatial family (pooling.cc, reduce.cc, resize.cc,
// depth_space.cc, pad.cc): the registrations RegisterSpatialOps() adds, and
// checks they share.
#pragma once

#include <cstdint>

#include "edgeml/op.h"
#include "ops/op_util.h"
#include "quant/fixed_point.h"

namespace edgeml::ops::spatial_family {

OpRegistration AveragePool2DRegistration();
OpRegistration MaxPool2DRegistration();
OpRegistration MeanRegistration();
OpRegistration SumRegistration();
OpRegistration ReduceMaxRegistration();
OpRegistration ResizeBilinearRegistration();
OpRegistration ResizeNearestNeighborRegistration();
OpRegistration DepthToSpaceRegistration();
OpRegistration SpaceToDepthRegistration();
OpRegistration PadRegistration();
OpRegistration PadV2Registration();

// Accepts FLOAT32. Types a later round may support (quantized, FLOAT16)
// give Unsupported; anything else is a malformed model.
Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role);

// True for the quantized storage types these ops support (INT8, UINT8,
// INT16).
bool IsQuantizedType(DataType type);

// Per-tensor quantization of a quantized tensor as LiteRT reads it (the
// first scale and zero point). Checks that it is present, that the scale is
// finite and positive and that the zero point fits the tensor's type.
struct QuantParam {
  float scale = 0.f;
  int32_t zero_point = 0;
};
Status ReadQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* q);

// The quantized clamp range of a fused activation on `output` (TANH and
// SIGN_BIT are Unsupported).
Status QuantizedActivationRange(OpContext& ctx, tfl::ActivationFunctionType act,
                                const Tensor& output, int32_t* lo, int32_t* hi);

// For ops that only move elements: any type with a fixed element size.
Status RequireFixedSize(OpContext& ctx, const Tensor& t, const char* role);

// Output `i` must have the input's element type.
Status RequireSameType(OpContext& ctx, const Tensor& input, int output);

// Input `i` must be present (not -1 / past the end).
Status RequireInput(OpContext& ctx, int i, const char* role);

// When every present input is constant, computes the outputs now with `eval`
// (after the caller has set their shapes and state) and marks the node folded.
Status FoldIfConstant(OpContext& ctx, Status (*eval)(OpContext&));

}  // namespace edgeml::ops::spatial_family
