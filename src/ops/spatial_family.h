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
