// BATCH_MATMUL: matrix products over the last two dims, broadcasting the
// leading (batch) dims; ranks 2 to 5 as in LiteRT.
#include "kernels/reference/batch_matmul.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/reference/fully_connected_quant.h"
#include "kernels/reference/hybrid.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using conv_family::RequireFloat32;
using conv_family::RequireInput;

constexpr int kMaxRank = 5;

struct BatchMatMulState : OpState {
  reference::BatchMatMulShape shape;
  // Quantized nodes.
  int32_t lhs_offset = 0, rhs_offset = 0, output_offset = 0;
  int32_t act_min = 0, act_max = 0;
  quant::Multiplier multiplier;
  // Hybrid nodes (float lhs, int8 rhs).
  conv_family::HybridWeights hybrid;
  bool asymmetric = false;
  int64_t rhs_matrices = 1;
  std::vector<int32_t> col_sums;  // constant rhs: summed at prepare
  int col_sums_id = -1;           // otherwise summed into scratch at eval
  conv_family::HybridScratchIds scratch;
  Status (*run)(OpContext& ctx, const BatchMatMulState& s) = nullptr;
};

Status RunBatchMatMulHybrid(OpContext& ctx, const BatchMatMulState& s) {
  const int8_t* rhs = ctx.input(1).data_as<int8_t>();
  const int32_t* col_sums = s.col_sums.data();
  if (s.col_sums_id >= 0) {
    int32_t* sums = static_cast<int32_t*>(ctx.scratch(s.col_sums_id));
    reference::HybridBatchMatMulColumnSums(s.shape, rhs, s.rhs_matrices, sums);
    col_sums = sums;
  }
  const reference::HybridScratch h = s.scratch.Get(ctx);
  reference::HybridWeightScales ws;
  ws.channel = s.hybrid.per_channel ? s.hybrid.scales.data() : nullptr;
  ws.tensor = s.hybrid.tensor_scale;
  reference::HybridBatchMatMul(s.shape, ctx.input(0).data_as<float>(), rhs, ws, col_sums,
                               s.asymmetric, h, ctx.output(0).data_as<float>());
  return Status::Ok();
}

// Float lhs with int8 rhs: weight scales per output column (the rhs dim that
// is not contracted).
Status PrepareHybridMatMul(OpContext& ctx, const tfl::BatchMatMulOptions* opts,
                           BatchMatMulState* state) {
  reference::BatchMatMulShape& s = state->shape;
  const Tensor& lhs = ctx.input(0);
  const Tensor& rhs = ctx.input(1);
  // LiteRT folds lhs [..., Q, R, S] x rhs [..., 1, X, Y] (without adj_x) into
  // [..., Q * R, S] x [..., X, Y] before its kernel; the product is the same,
  // but which batch dims exist decides the parameter indexing the hybrid
  // kernel reproduces.
  const int lr = lhs.rank(), rr = rhs.rank();
  const int64_t folded = lr > 2 ? int64_t{lhs.dim(lr - 3)} * lhs.dim(lr - 2) : 0;
  if (!s.adj_x && lr > 2 && rr > 2 && rhs.dim(rr - 3) == 1 && folded <= INT32_MAX) {
    Shape l(lhs.shape.begin(), lhs.shape.end() - 3), r(rhs.shape.begin(), rhs.shape.end() - 3);
    l.push_back(static_cast<int32_t>(folded));
    l.push_back(lhs.dim(lr - 1));
    r.push_back(rhs.dim(rr - 2));
    r.push_back(rhs.dim(rr - 1));
    for (int d = 0; d < 3; ++d) s.lhs_batch[d] = s.rhs_batch[d] = 1;
    for (int i = 0; i + 2 < static_cast<int>(l.size()); ++i) {
      s.lhs_batch[3 - (static_cast<int>(l.size()) - 2) + i] = l[i];
    }
    for (int i = 0; i + 2 < static_cast<int>(r.size()); ++i) {
      s.rhs_batch[3 - (static_cast<int>(r.size()) - 2) + i] = r[i];
    }
    s.rows = l[l.size() - 2];
  }
  const int col_dim = s.adj_y ? rhs.rank() - 2 : rhs.rank() - 1;
  EDGEML_RETURN_IF_ERROR(
      conv_family::PrepareHybridWeights(ctx, 1, s.cols, col_dim, &state->hybrid));
  state->asymmetric = opts ? opts->asymmetric_quantize_inputs() : false;
  state->rhs_matrices = int64_t{s.rhs_batch[0]} * s.rhs_batch[1] * s.rhs_batch[2];
  const size_t sums = static_cast<size_t>(state->rhs_matrices) * static_cast<size_t>(s.cols);
  if (rhs.is_constant()) {
    state->col_sums.resize(sums);
    reference::HybridBatchMatMulColumnSums(s, rhs.data_as<int8_t>(), state->rhs_matrices,
                                           state->col_sums.data());
  } else {
    EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(sums * sizeof(int32_t), &state->col_sums_id));
  }
  const int64_t elements = lhs.num_elements();
  const int64_t rows = s.depth > 0 && elements > 0 ? elements / s.depth : 1;
  EDGEML_RETURN_IF_ERROR(state->scratch.Request(ctx, elements, rows));
  state->run = RunBatchMatMulHybrid;
  return Status::Ok();
}

template <typename L, typename R, typename Acc>
Status RunBatchMatMulQuant(OpContext& ctx, const BatchMatMulState& s) {
  reference::BatchMatMulQuant<L, R, Acc, L>(
      s.shape, s.lhs_offset, s.rhs_offset, s.output_offset, s.multiplier, s.act_min, s.act_max,
      ctx.input(0).data_as<L>(), ctx.input(1).data_as<R>(), ctx.output(0).data_as<L>());
  return Status::Ok();
}

// Per-tensor quantization of one operand: scale and zero point checked.
Status ReadTensorQuant(OpContext& ctx, const Tensor& t, const char* role, float* scale,
                       int32_t* zero_point) {
  EDGEML_OP_ENSURE(ctx, t.quant.scale.size() == 1,
                   "%s %s (%s) needs one quantization scale, has %zu", role,
                   ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(), t.quant.scale.size());
  *scale = t.quant.scale[0];
  EDGEML_OP_ENSURE(ctx, std::isfinite(*scale) && *scale > 0.f,
                   "%s %s has quantization scale %g; must be positive and finite", role,
                   ctx.Describe(t).c_str(), static_cast<double>(*scale));
  const int64_t zp = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
  const int32_t lo = t.type == DataType::kInt16 ? -32768 : -128;
  const int32_t hi = t.type == DataType::kInt16 ? 32767 : 127;
  EDGEML_OP_ENSURE(ctx, zp >= lo && zp <= hi, "%s %s has zero point %lld outside [%d, %d]", role,
                   ctx.Describe(t).c_str(), static_cast<long long>(zp), lo, hi);
  // LiteRT's 16-bit kernels are symmetric.
  EDGEML_OP_ENSURE(ctx, t.type == DataType::kInt8 || zp == 0,
                   "%s %s is %s with zero point %lld; must be 0", role, ctx.Describe(t).c_str(),
                   DataTypeName(t.type).c_str(), static_cast<long long>(zp));
  *zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

// INT8 x INT8 -> INT8, INT16 x INT16 -> INT16, INT16 x INT8 -> INT16.
Status PrepareQuantMatMul(OpContext& ctx, BatchMatMulState* state) {
  const Tensor& lhs = ctx.input(0);
  const Tensor& rhs = ctx.input(1);
  const Tensor& out = ctx.output(0);
  const bool ok = (lhs.type == DataType::kInt8 && rhs.type == DataType::kInt8) ||
                  (lhs.type == DataType::kInt16 &&
                   (rhs.type == DataType::kInt16 || rhs.type == DataType::kInt8));
  EDGEML_OP_ENSURE(ctx, ok, "lhs %s (%s) and rhs %s (%s) are not a supported type pair",
                   ctx.Describe(lhs).c_str(), DataTypeName(lhs.type).c_str(),
                   ctx.Describe(rhs).c_str(), DataTypeName(rhs.type).c_str());
  if (out.type == DataType::kInt32) {
    return ctx.Unsupported("output %s is INT32 (raw accumulators); only %s output is supported",
                           ctx.Describe(out).c_str(), DataTypeName(lhs.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, out, lhs.type, "output"));
  EDGEML_RETURN_IF_ERROR(conv_family::RequireData(ctx, lhs, "lhs"));
  EDGEML_RETURN_IF_ERROR(conv_family::RequireData(ctx, rhs, "rhs"));
  float ls, rs, os;
  int32_t lz, rz, oz;
  EDGEML_RETURN_IF_ERROR(ReadTensorQuant(ctx, lhs, "lhs", &ls, &lz));
  EDGEML_RETURN_IF_ERROR(ReadTensorQuant(ctx, rhs, "rhs", &rs, &rz));
  EDGEML_RETURN_IF_ERROR(ReadTensorQuant(ctx, out, "output", &os, &oz));
  state->lhs_offset = -lz;
  state->rhs_offset = -rz;
  state->output_offset = oz;
  // LiteRT multiplies the two scales in float, then divides in double.
  state->multiplier =
      quant::QuantizeMultiplier(static_cast<double>(ls * rs) / static_cast<double>(os));
  if (lhs.type == DataType::kInt8) {
    state->act_min = -128;
    state->act_max = 127;
    state->run = RunBatchMatMulQuant<int8_t, int8_t, int32_t>;
  } else {
    state->act_min = -32768;
    state->act_max = 32767;
    state->run = rhs.type == DataType::kInt8 ? RunBatchMatMulQuant<int16_t, int8_t, int64_t>
                                             : RunBatchMatMulQuant<int16_t, int16_t, int64_t>;
  }
  return Status::Ok();
}

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
  const bool quantized = lhs.type == DataType::kInt8 || lhs.type == DataType::kInt16;
  const bool hybrid = conv_family::IsHybrid(lhs, rhs);
  if (!quantized) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, lhs, "lhs"));
    if (!hybrid) EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, rhs, "rhs"));
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  }
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
  if (quantized) {
    EDGEML_RETURN_IF_ERROR(PrepareQuantMatMul(ctx, state.get()));
  } else if (hybrid) {
    EDGEML_RETURN_IF_ERROR(PrepareHybridMatMul(ctx, opts, state.get()));
  } else {
    state->run = RunBatchMatMulF32;
  }
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
