// BATCH_MATMUL: matrix products over the last two dims, broadcasting the
// leading (batch) dims; ranks 2 to 5 as in LiteRT.
#include "kernels/reference/batch_matmul.h"

#include <algorithm>
#include <memory>

#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using conv_family::RequireFloat32;
using conv_family::RequireInput;

constexpr int kMaxRank = 5;

struct BatchMatMulState : OpState {
  reference::BatchMatMulShape shape;
  Status (*run)(OpContext& ctx, const BatchMatMulState& s) = nullptr;
};

Status RunBatchMatMulF32(OpContext& ctx, const BatchMatMulState& s) {
  reference::BatchMatMulF32(s.shape, ctx.input(0).data_as<float>(), ctx.input(1).data_as<float>(),
                            ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status CheckMatrixRank(OpContext& ctx, const Tensor& t, const char* role) {
  EDGEML_OP_ENSURE(ctx, t.rank() >= 2 && t.rank() <= kMaxRank,
                   "%s %s has rank %d (shape %s); BATCH_MATMUL needs rank 2 to %d", role,
                   ctx.Describe(t).c_str(), t.rank(), ShapeToString(t.shape).c_str(), kMaxRank);
  return Status::Ok();
}

Status BatchMatMulPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 0, "lhs"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 1, "rhs"));
  const Tensor& lhs = ctx.input(0);
  const Tensor& rhs = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, lhs, "lhs"));
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, rhs, "rhs"));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  EDGEML_RETURN_IF_ERROR(CheckMatrixRank(ctx, lhs, "lhs"));
  EDGEML_RETURN_IF_ERROR(CheckMatrixRank(ctx, rhs, "rhs"));

  const auto* opts = Options<tfl::BatchMatMulOptions>(ctx);
  auto state = std::make_unique<BatchMatMulState>();
  reference::BatchMatMulShape& s = state->shape;
  s.adj_x = opts ? opts->adj_x() : false;
  s.adj_y = opts ? opts->adj_y() : false;

  const int lr = lhs.rank();
  const int rr = rhs.rank();
  const int out_rank = std::max(lr, rr);
  Shape out_shape(out_rank);
  // Batch dims, right-aligned into the kernel's three slots.
  for (int i = 0; i < out_rank - 2; ++i) {
    const int li = i - (out_rank - lr);
    const int ri = i - (out_rank - rr);
    const int32_t ld = li >= 0 ? lhs.dim(li) : 1;
    const int32_t rd = ri >= 0 ? rhs.dim(ri) : 1;
    EDGEML_OP_ENSURE(ctx, ld == rd || ld == 1 || rd == 1,
                     "batch dims of lhs %s %s and rhs %s %s do not broadcast",
                     ctx.Describe(lhs).c_str(), ShapeToString(lhs.shape).c_str(),
                     ctx.Describe(rhs).c_str(), ShapeToString(rhs.shape).c_str());
    const int slot = 3 - (out_rank - 2) + i;
    s.lhs_batch[slot] = ld;
    s.rhs_batch[slot] = rd;
    out_shape[i] = ld == 1 ? rd : ld;
  }
  const int32_t lhs_r = lhs.dim(lr - 2), lhs_c = lhs.dim(lr - 1);
  const int32_t rhs_r = rhs.dim(rr - 2), rhs_c = rhs.dim(rr - 1);
  s.rows = s.adj_x ? lhs_c : lhs_r;
  s.depth = s.adj_x ? lhs_r : lhs_c;
  const int32_t rhs_depth = s.adj_y ? rhs_c : rhs_r;
  s.cols = s.adj_y ? rhs_r : rhs_c;
  EDGEML_OP_ENSURE(ctx, s.depth == rhs_depth,
                   "contracted dims differ: lhs %s %s gives %d (adj_x=%d), rhs %s %s gives %d "
                   "(adj_y=%d)",
                   ctx.Describe(lhs).c_str(), ShapeToString(lhs.shape).c_str(), s.depth,
                   s.adj_x ? 1 : 0, ctx.Describe(rhs).c_str(), ShapeToString(rhs.shape).c_str(),
                   rhs_depth, s.adj_y ? 1 : 0);
  out_shape[out_rank - 2] = s.rows;
  out_shape[out_rank - 1] = s.cols;

  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  state->run = RunBatchMatMulF32;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status BatchMatMulEval(OpContext& ctx) {
  const BatchMatMulState* s = ctx.state<BatchMatMulState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration BatchMatMulRegistration() {
  OpRegistration r;
  r.name = "BATCH_MATMUL";
  r.min_version = 1;
  r.max_version = 4;
  r.prepare = BatchMatMulPrepare;
  r.eval = BatchMatMulEval;
  return r;
}

}  // namespace conv_family
}  // namespace edgeml::ops
