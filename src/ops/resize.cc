// RESIZE_BILINEAR (float32; int8/uint8/int16 as LiteRT's reference kernels,
// see kernels/reference/resize_quant.h) and RESIZE_NEAREST_NEIGHBOR (any
// fixed-size type: it only copies pixels) with a constant int32 [2] size
// input. Like LiteRT, neither rescales: quantized outputs carry the input's
// raw values whatever their scale and zero point say.
#include "kernels/reference/resize.h"

#include <memory>

#include "kernels/reference/resize_quant.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFixedSize;
using spatial_family::RequireFloat32;
using spatial_family::RequireSameType;

struct ResizeState : OpState {
  reference::ResizeParams params;
  size_t elem_bytes = 0;
  void (*bilinear)(const reference::ResizeParams&, const void*, void*) = nullptr;
};

template <typename T>
void BilinearFixed(const reference::ResizeParams& p, const void* in, void* out) {
  reference::ResizeBilinearQuantFixed<T>(p, static_cast<const T*>(in), static_cast<T*>(out));
}
void BilinearU8(const reference::ResizeParams& p, const void* in, void* out) {
  reference::ResizeBilinearU8(p, static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out));
}
void BilinearF32(const reference::ResizeParams& p, const void* in, void* out) {
  reference::ResizeBilinearF32(p, static_cast<const float*>(in), static_cast<float*>(out));
}

// Shared checks; fills everything in `p` except the two flags.
Status ResizePrepareCommon(OpContext& ctx, reference::ResizeParams* p) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));
  const Tensor& size = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, size, DataType::kInt32, "size"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, size, 1, "size"));
  EDGEML_OP_ENSURE(ctx, size.dim(0) == 2, "size %s has %d elements; expected 2 (height, width)",
                   ctx.Describe(size).c_str(), size.dim(0));
  std::vector<int64_t> hw;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "size", &hw));
  EDGEML_OP_ENSURE(ctx, hw[0] > 0 && hw[1] > 0, "size %s is [%lld, %lld]; both must be positive",
                   ctx.Describe(size).c_str(), static_cast<long long>(hw[0]),
                   static_cast<long long>(hw[1]));
  // Every output pixel reads some input pixel, so the input can't be empty.
  EDGEML_OP_ENSURE(ctx, input.dim(1) > 0 && input.dim(2) > 0,
                   "input %s has shape %s; height and width must be positive",
                   ctx.Describe(input).c_str(), ShapeToString(input.shape).c_str());
  p->batches = input.dim(0);
  p->in_h = input.dim(1);
  p->in_w = input.dim(2);
  p->channels = input.dim(3);
  p->out_h = static_cast<int32_t>(hw[0]);
  p->out_w = static_cast<int32_t>(hw[1]);
  return ctx.SetOutputShape(0, {p->batches, p->out_h, p->out_w, p->channels});
}

Status BilinearEval(OpContext& ctx) {
  const ResizeState* s = ctx.state<ResizeState>();
  s->bilinear(s->params, ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

Status BilinearPrepare(OpContext& ctx) {
  auto state = std::make_unique<ResizeState>();
  EDGEML_RETURN_IF_ERROR(ResizePrepareCommon(ctx, &state->params));
  const reference::ResizeParams& rp = state->params;
  // The fixed-point source coordinates (10 fractional bits) stay well inside
  // 64 bits below 2^20 pixels a side; LiteRT's own int32 math overflows at 2^21.
  constexpr int32_t kMaxFixedDim = 1 << 20;
  if ((ctx.input(0).type == DataType::kInt8 || ctx.input(0).type == DataType::kInt16) &&
      (rp.in_h > kMaxFixedDim || rp.in_w > kMaxFixedDim || rp.out_h > kMaxFixedDim ||
       rp.out_w > kMaxFixedDim)) {
    return ctx.Unsupported("quantized resize from %dx%d to %dx%d; sides over %d are not supported",
                           rp.in_h, rp.in_w, rp.out_h, rp.out_w, kMaxFixedDim);
  }
  switch (ctx.input(0).type) {
    case DataType::kInt8:
      state->bilinear = BilinearFixed<int8_t>;
      break;
    case DataType::kInt16:
      state->bilinear = BilinearFixed<int16_t>;
      break;
    case DataType::kUInt8:
      state->bilinear = BilinearU8;
      break;
    default:
      EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, ctx.input(0), "input"));
      state->bilinear = BilinearF32;
      break;
  }
  const tfl::ResizeBilinearOptions* opts = Options<tfl::ResizeBilinearOptions>(ctx);
  state->params.align_corners = opts && opts->align_corners();
  state->params.half_pixel_centers = opts && opts->half_pixel_centers();
  // LiteRT rejects the combination; the coordinate formulas assume one mode.
  EDGEML_OP_ENSURE(ctx, !(state->params.align_corners && state->params.half_pixel_centers),
                   "align_corners and half_pixel_centers are both set; at most one may be");
  state->elem_bytes = DataTypeSize(ctx.input(0).type);
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, BilinearEval);
}

Status NearestEval(OpContext& ctx) {
  const ResizeState* s = ctx.state<ResizeState>();
  reference::ResizeNearest(s->params, s->elem_bytes, ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

Status NearestPrepare(OpContext& ctx) {
  auto state = std::make_unique<ResizeState>();
  EDGEML_RETURN_IF_ERROR(ResizePrepareCommon(ctx, &state->params));
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, ctx.input(0), "input"));
  const tfl::ResizeNearestNeighborOptions* opts = Options<tfl::ResizeNearestNeighborOptions>(ctx);
  // Unlike bilinear, LiteRT accepts both flags together here.
  state->params.align_corners = opts && opts->align_corners();
  state->params.half_pixel_centers = opts && opts->half_pixel_centers();
  state->elem_bytes = DataTypeSize(ctx.input(0).type);
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, NearestEval);
}

}  // namespace

namespace spatial_family {

// v2 adds int8, v3 half_pixel_centers, v4 int16.
OpRegistration ResizeBilinearRegistration() {
  return {"RESIZE_BILINEAR", 1, 4, BilinearPrepare, BilinearEval};
}
OpRegistration ResizeNearestNeighborRegistration() {
  return {"RESIZE_NEAREST_NEIGHBOR", 1, 4, NearestPrepare, NearestEval};
}

}  // namespace spatial_family
}  // namespace edgeml::ops
