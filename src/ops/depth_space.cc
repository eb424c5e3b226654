// DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC). They only move elements, so any
// fixed-size type works, quantized ones included (scale and zero point pass
// through unchanged, as in LiteRT).
#include "kernels/reference/depth_space.h"

#include <cstdint>
#include <limits>
#include <memory>

#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFixedSize;
using spatial_family::RequireSameType;

struct DepthSpaceState : OpState {
  int32_t batches = 0, h = 0, w = 0, c = 0;  // input dims
  int32_t block = 1;
  size_t elem_bytes = 0;
};

// Checks shared by both ops; reads the block size from either options table.
Status DepthSpacePrepareCommon(OpContext& ctx, int32_t block, DepthSpaceState* s) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, input, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));
  EDGEML_OP_ENSURE(ctx, block >= 1, "block_size is %d; must be at least 1", block);
  s->batches = input.dim(0);
  s->h = input.dim(1);
  s->w = input.dim(2);
  s->c = input.dim(3);
  s->block = block;
  s->elem_bytes = DataTypeSize(input.type);
  return Status::Ok();
}

bool FitsInt32(int64_t v) { return v <= std::numeric_limits<int32_t>::max(); }

Status DepthToSpaceEval(OpContext& ctx) {
  const DepthSpaceState* s = ctx.state<DepthSpaceState>();
  reference::DepthToSpace(s->batches, s->h, s->w, s->c, s->block, s->elem_bytes, ctx.input(0).data,
                          ctx.output(0).data);
  return Status::Ok();
}

Status DepthToSpacePrepare(OpContext& ctx) {
  const tfl::DepthToSpaceOptions* opts = Options<tfl::DepthToSpaceOptions>(ctx);
  auto state = std::make_unique<DepthSpaceState>();
  EDGEML_RETURN_IF_ERROR(DepthSpacePrepareCommon(ctx, opts ? opts->block_size() : 0, state.get()));
  const DepthSpaceState& s = *state;
  const int64_t bb = static_cast<int64_t>(s.block) * s.block;
  EDGEML_OP_ENSURE(ctx, s.c % bb == 0,
                   "input %s has depth %d, not divisible by block_size^2 = %lld",
                   ctx.Describe(ctx.input(0)).c_str(), s.c, static_cast<long long>(bb));
  const int64_t out_h = static_cast<int64_t>(s.h) * s.block;
  const int64_t out_w = static_cast<int64_t>(s.w) * s.block;
  EDGEML_OP_ENSURE(ctx, FitsInt32(out_h) && FitsInt32(out_w),
                   "output size %lld x %lld overflows (block_size %d)",
                   static_cast<long long>(out_h), static_cast<long long>(out_w), s.block);
  EDGEML_RETURN_IF_ERROR(
      ctx.SetOutputShape(0, {s.batches, static_cast<int32_t>(out_h), static_cast<int32_t>(out_w),
                             static_cast<int32_t>(s.c / bb)}));
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, DepthToSpaceEval);
}

Status SpaceToDepthEval(OpContext& ctx) {
  const DepthSpaceState* s = ctx.state<DepthSpaceState>();
  reference::SpaceToDepth(s->batches, s->h, s->w, s->c, s->block, s->elem_bytes, ctx.input(0).data,
                          ctx.output(0).data);
  return Status::Ok();
}

Status SpaceToDepthPrepare(OpContext& ctx) {
  const tfl::SpaceToDepthOptions* opts = Options<tfl::SpaceToDepthOptions>(ctx);
  auto state = std::make_unique<DepthSpaceState>();
  EDGEML_RETURN_IF_ERROR(DepthSpacePrepareCommon(ctx, opts ? opts->block_size() : 0, state.get()));
  const DepthSpaceState& s = *state;
  EDGEML_OP_ENSURE(ctx, s.h % s.block == 0 && s.w % s.block == 0,
                   "input %s has height %d and width %d; both must be divisible by block_size %d",
                   ctx.Describe(ctx.input(0)).c_str(), s.h, s.w, s.block);
  // c * block * block in two checked steps: block may be up to INT32_MAX.
  const int64_t c_block = static_cast<int64_t>(s.c) * s.block;
  const int64_t out_c = FitsInt32(c_block) ? c_block * s.block : c_block;
  EDGEML_OP_ENSURE(ctx, FitsInt32(c_block) && FitsInt32(out_c), "output depth %d * %d^2 overflows",
                   s.c, s.block);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(
      0, {s.batches, s.h / s.block, s.w / s.block, static_cast<int32_t>(out_c)}));
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, SpaceToDepthEval);
}

}  // namespace

namespace spatial_family {

// v2 adds int8 (handled: the kernels copy bytes).
OpRegistration DepthToSpaceRegistration() {
  return {"DEPTH_TO_SPACE", 1, 2, DepthToSpacePrepare, DepthToSpaceEval};
}
OpRegistration SpaceToDepthRegistration() {
  return {"SPACE_TO_DEPTH", 1, 2, SpaceToDepthPrepare, SpaceToDepthEval};
}

}  // namespace spatial_family
}  // namespace edgeml::ops
