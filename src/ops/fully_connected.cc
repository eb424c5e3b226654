// FULLY_CONNECTED: y = act(x W^T + b) over the input flattened to
// [elements / depth, depth].
#include "kernels/reference/fully_connected.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/reference/fully_connected_quant.h"
#include "kernels/reference/hybrid.h"
#include "kernels/sparse_fully_connected.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using conv_family::CheckOptionalBias;
using conv_family::PrepareQuant;
using conv_family::QuantSetup;
using conv_family::RequireFloat32;
using conv_family::RequireInput;

struct FullyConnectedState : OpState {
  int64_t batch = 0;
  int32_t depth = 0;
  int32_t units = 0;
  FloatRange range;
  bool has_bias = false;
  reference::QuantFullyConnectedParams qparams;
  std::vector<double> scales;  // per unit, for qparams
  // Hybrid nodes (float input, int8 weights).
  conv_family::HybridWeights hybrid;
  bool asymmetric = false;
  reference::HybridActivation hybrid_act = reference::HybridActivation::kNone;
  std::vector<int32_t> row_sums;  // constant weights: summed at prepare
  int row_sums_id = -1;           // otherwise summed into scratch at eval
  conv_family::HybridScratchIds scratch;
  // Float weights with enough zero blocks (pruned models), packed at prepare.
  fast::SparseBlockWeights sparse;
  Status (*run)(OpContext& ctx, const FullyConnectedState& s) = nullptr;
};

Status RunFullyConnectedHybrid(OpContext& ctx, const FullyConnectedState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  const int8_t* weights = ctx.input(1).data_as<int8_t>();
  const int32_t* row_sums = s.row_sums.data();
  if (s.row_sums_id >= 0) {
    int32_t* sums = static_cast<int32_t*>(ctx.scratch(s.row_sums_id));
    reference::RowSums(weights, s.units, s.depth, sums);
    row_sums = sums;
  }
  const reference::HybridScratch h = s.scratch.Get(ctx);
  reference::HybridWeightScales ws;
  ws.channel = s.hybrid.per_channel ? s.hybrid.scales.data() : nullptr;
  ws.tensor = s.hybrid.tensor_scale;
  reference::HybridFullyConnected(s.batch, s.depth, s.units, ctx.input(0).data_as<float>(), weights,
                                  ws, row_sums, bias, s.asymmetric, s.hybrid_act, h,
                                  ctx.output(0).data_as<float>());
  return Status::Ok();
}

// LiteRT applies a hybrid node's activation with its float vector helpers.
Status HybridActivationOf(OpContext& ctx, tfl::ActivationFunctionType act,
                          reference::HybridActivation* out) {
  switch (act) {
    case tfl::ActivationFunctionType::NONE:
      *out = reference::HybridActivation::kNone;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU:
      *out = reference::HybridActivation::kRelu;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      *out = reference::HybridActivation::kReluN1To1;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU6:
      *out = reference::HybridActivation::kRelu6;
      return Status::Ok();
    case tfl::ActivationFunctionType::SIGN_BIT:
      *out = reference::HybridActivation::kSignBit;
      return Status::Ok();
    default:
      return ctx.Unsupported("fused activation %s is not supported",
                             tfl::EnumNameActivationFunctionType(act));
  }
}

Status PrepareFullyConnectedHybrid(OpContext& ctx, const tfl::FullyConnectedOptions* opts,
                                   tfl::ActivationFunctionType act, FullyConnectedState* state) {
  EDGEML_RETURN_IF_ERROR(conv_family::PrepareHybridWeights(ctx, 1, state->units,
                                                           /*quant_dim=*/0, &state->hybrid));
  EDGEML_RETURN_IF_ERROR(HybridActivationOf(ctx, act, &state->hybrid_act));
  state->asymmetric = opts ? opts->asymmetric_quantize_inputs() : false;
  const Tensor& weights = ctx.input(1);
  if (weights.is_constant()) {
    state->row_sums.resize(state->units);
    reference::RowSums(weights.data_as<int8_t>(), state->units, state->depth,
                       state->row_sums.data());
  } else {
    EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(static_cast<size_t>(state->units) * sizeof(int32_t),
                                              &state->row_sums_id));
  }
  const int64_t rows = state->batch > 0 ? state->batch : 1;
  EDGEML_RETURN_IF_ERROR(state->scratch.Request(ctx, rows * state->depth, rows));
  state->run = RunFullyConnectedHybrid;
  return Status::Ok();
}

template <typename In, typename W, typename Acc>
Status RunFullyConnectedQuant(OpContext& ctx, const FullyConnectedState& s) {
  const Acc* bias = s.has_bias ? ctx.input(2).data_as<Acc>() : nullptr;
  reference::FullyConnectedQuant<In, W, Acc, In>(
      s.qparams, s.batch, s.depth, s.units, ctx.input(0).data_as<In>(), ctx.input(1).data_as<W>(),
      bias, ctx.output(0).data_as<In>());
  return Status::Ok();
}

Status RunFullyConnectedF32(OpContext& ctx, const FullyConnectedState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  reference::FullyConnectedF32(s.batch, s.depth, s.units, ctx.input(0).data_as<float>(),
                               ctx.input(1).data_as<float>(), bias, s.range.min, s.range.max,
                               ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status RunFullyConnectedSparseF32(OpContext& ctx, const FullyConnectedState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  fast::SparseFullyConnectedF32(s.batch, s.sparse, ctx.input(0).data_as<float>(), bias,
                                s.range.min, s.range.max, ctx.output(0).data_as<float>());
  return Status::Ok();
}

// Weights with fewer zero blocks keep the dense kernel (a chosen bound, not
// tuned: the sparse kernel pays an index read per block).
constexpr double kSparseMinZeroFraction = 0.3;

Status FullyConnectedPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 3, 1));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 0, "input"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 1, "weights"));
  const Tensor& input = ctx.input(0);
  const Tensor& weights = ctx.input(1);
  const bool quantized = IsQuantizedType(input.type);
  const bool hybrid = conv_family::IsHybrid(input, weights);
  if (!quantized) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
    if (!hybrid) EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, weights, "weights"));
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  }
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, weights, 2, "weights"));

  const auto* opts = Options<tfl::FullyConnectedOptions>(ctx);
  const auto act = opts ? opts->fused_activation_function() : tfl::ActivationFunctionType::NONE;
  const bool keep_num_dims = opts ? opts->keep_num_dims() : false;
  if (opts && opts->weights_format() != tfl::FullyConnectedOptionsWeightsFormat::DEFAULT) {
    return ctx.Unsupported("weights_format %d is not supported (only DEFAULT)",
                           static_cast<int>(opts->weights_format()));
  }

  auto state = std::make_unique<FullyConnectedState>();
  state->units = weights.dim(0);
  state->depth = weights.dim(1);
  EDGEML_OP_ENSURE(ctx, state->depth > 0, "weights %s has shape %s: input depth must be positive",
                   ctx.Describe(weights).c_str(), ShapeToString(weights.shape).c_str());
  const int64_t elements = input.num_elements();
  // LiteRT truncates a partial last row; such a model is malformed.
  EDGEML_OP_ENSURE(ctx, elements % state->depth == 0,
                   "input %s has shape %s (%lld elements), not a multiple of the weights %s "
                   "depth %d",
                   ctx.Describe(input).c_str(), ShapeToString(input.shape).c_str(),
                   static_cast<long long>(elements), ctx.Describe(weights).c_str(), state->depth);
  state->batch = elements / state->depth;
  if (quantized) {
    QuantSetup q;
    EDGEML_RETURN_IF_ERROR(
        PrepareQuant(ctx, 0, 1, 2, state->units, /*quant_dim=*/0, act,
                     opts ? opts->quantized_bias_type() : tfl::TensorType::FLOAT32, &q));
    state->has_bias = q.has_bias;
    reference::QuantFullyConnectedParams& qp = state->qparams;
    qp.input_offset = q.input_offset;
    // The per-channel kernel ignores a weight zero point; per-tensor uses it.
    qp.filter_offset = q.per_channel ? 0 : q.filter_offset;
    qp.output_offset = q.output_offset;
    qp.act_min = q.act_min;
    qp.act_max = q.act_max;
    state->scales.resize(q.filter_scales.size());
    for (size_t i = 0; i < state->scales.size(); ++i) {
      state->scales[i] = static_cast<double>(q.input_scale) *
                         static_cast<double>(q.filter_scales[i]) /
                         static_cast<double>(q.output_scale);
    }
    qp.scales = state->scales.data();
    switch (q.type) {
      case DataType::kUInt8:
        state->run = RunFullyConnectedQuant<uint8_t, uint8_t, int32_t>;
        break;
      case DataType::kInt8:
        state->run = RunFullyConnectedQuant<int8_t, int8_t, int32_t>;
        break;
      default:
        state->run = q.bias_type == DataType::kInt64
                         ? RunFullyConnectedQuant<int16_t, int8_t, int64_t>
                         : RunFullyConnectedQuant<int16_t, int8_t, int32_t>;
    }
  } else if (hybrid) {
    EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, 2, state->units, &state->has_bias));
    EDGEML_RETURN_IF_ERROR(PrepareFullyConnectedHybrid(ctx, opts, act, state.get()));
  } else {
    EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, 2, state->units, &state->has_bias));
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &state->range));
    state->run = RunFullyConnectedF32;
    if (weights.is_constant() && weights.data != nullptr &&
        fast::PackSparseBlocks(weights.data_as<float>(), state->units, state->depth,
                               kSparseMinZeroFraction, &state->sparse)) {
      state->run = RunFullyConnectedSparseF32;
    }
  }

  Shape out_shape;
  if (keep_num_dims) {
    // Leading dims are kept; only the last one maps depth -> units.
    EDGEML_OP_ENSURE(ctx, input.rank() >= 1 && input.dim(input.rank() - 1) == state->depth,
                     "keep_num_dims needs the last dim of input %s (shape %s) to equal the "
                     "weights depth %d",
                     ctx.Describe(input).c_str(), ShapeToString(input.shape).c_str(), state->depth);
    out_shape = input.shape;
    out_shape.back() = state->units;
  } else {
    EDGEML_OP_ENSURE(ctx, state->batch <= INT32_MAX, "input %s has too many rows (%lld)",
                     ctx.Describe(input).c_str(), static_cast<long long>(state->batch));
    out_shape = {static_cast<int32_t>(state->batch), state->units};
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status FullyConnectedEval(OpContext& ctx) {
  const FullyConnectedState* s = ctx.state<FullyConnectedState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration FullyConnectedRegistration() {
  OpRegistration r;
  r.name = "FULLY_CONNECTED";
  r.min_version = 1;
  r.max_version = 13;
  r.prepare = FullyConnectedPrepare;
  r.eval = FullyConnectedEval;
  return r;
}

}  // namespace conv_family
}  // namespace edgeml::ops
