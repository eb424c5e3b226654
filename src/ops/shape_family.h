// Internal to the shape family (reshape.cc, concat.cc, pack.cc, slice.cc,
// transpose.cc, gather.cc, densify.cc): the registrations RegisterShapeOps()
// adds and the checks they share. These ops only move elements, so they take
// any type with a fixed element size and pick kernels by that size.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgeml/op.h"
#include "edgeml/op_resolver.h"
#include "ops/op_util.h"

namespace edgeml::ops::shape_family {

void RegisterReshapeOps(OpResolver* r);    // RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE
void RegisterConcatOps(OpResolver* r);     // CONCATENATION, SPLIT
void RegisterPackOps(OpResolver* r);       // PACK, UNPACK
void RegisterSliceOps(OpResolver* r);      // SLICE, STRIDED_SLICE
void RegisterTransposeOps(OpResolver* r);  // TRANSPOSE
void RegisterGatherOps(OpResolver* r);     // GATHER
void RegisterDensifyOps(OpResolver* r);    // DENSIFY

void AddOp(OpResolver* r, tfl::BuiltinOperator op, int min_version, int max_version,
           Status (*prepare)(OpContext&), Status (*eval)(OpContext&));

// Input `i` must be present (not -1 / past the end).
Status RequireInput(OpContext& ctx, int i, const char* role);

// The tensor's type has a fixed element size (not STRING, INT4, RESOURCE...),
// and a constant's data covers its shape (sparse constants hold less; only
// DENSIFY may read them).
Status RequireMovable(OpContext& ctx, const Tensor& t, const char* role);

// `out` has the type of `in`.
Status RequireSameType(OpContext& ctx, const Tensor& in, const Tensor& out);

// For ops that LiteRT lets carry raw quantized values only between tensors
// quantized alike (PACK, UNPACK, EXPAND_DIMS, int8 CONCATENATION): when
// either is quantized, both must be, with equal scale and zero point.
Status RequireSameQuantization(OpContext& ctx, const Tensor& in, const Tensor& out);

// When every present input is constant, gives each output persistent storage,
// computes it now with `eval` (the caller has set shapes and state) and marks
// the node folded, so that later shape-consuming ops see constants.
Status FoldIfConstant(OpContext& ctx, Status (*eval)(OpContext&));

// A 16-byte element (COMPLEX128) for the size-dispatched kernels.
struct Bytes16 {
  uint64_t lo, hi;
};

// Element copy function picked by element size (1, 2, 4, 8 or 16 bytes).
template <template <typename> class Kernel>
auto PickBySize(size_t elem_size) -> decltype(&Kernel<uint8_t>::Run) {
  switch (elem_size) {
    case 1:
      return &Kernel<uint8_t>::Run;
    case 2:
      return &Kernel<uint16_t>::Run;
    case 4:
      return &Kernel<uint32_t>::Run;
    case 8:
      return &Kernel<uint64_t>::Run;
    case 16:
      return &Kernel<Bytes16>::Run;
    default:
      return nullptr;
  }
}

}  // namespace edgeml::ops::shape_family
