// UNIDIRECTIONAL_SEQUENCE_LSTM: float32, and hybrid (float activations, int8
// per-tensor weights). Inputs follow LiteRT's 20/24-input layout; the output
// and cell states are variable tensors that persist across invokes.
#include "kernels/reference/lstm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <memory>
#include <vector>

#include "ops/index_family.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using reference::LstmActivation;

enum LstmInput {
  kInput = 0,
  kInputToInput = 1,      // 1..4: input-to-{input,forget,cell,output}
  kRecurrentToInput = 5,  // 5..8
  kCellToInput = 9,       // 9..11: peepholes for input, forget, output
  kInputGateBias = 12,    // 12..15
  kProjectionWeights = 16,
  kProjectionBias = 17,
  kOutputState = 18,
  kCellState = 19,
  kInputLayerNorm = 20,  // 20..23
};

const char* const kGateNames[4] = {"input", "forget", "cell", "output"};

struct LstmState : OpState {
  reference::LstmParams params;
  int scratch = -1;
  int64_t scratch_rows = 0;
  // Row sums of the int8 matrices (hybrid): [0,4) input, [4,8) recurrent,
  // [8] projection.
  std::vector<int32_t> row_sums[9];
};

Status ActivationOf(OpContext& ctx, tfl::ActivationFunctionType act, LstmActivation* out) {
  switch (act) {
    case tfl::ActivationFunctionType::NONE:
      *out = LstmActivation::kNone;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU:
      *out = LstmActivation::kRelu;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      *out = LstmActivation::kReluN1To1;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU6:
      *out = LstmActivation::kRelu6;
      return Status::Ok();
    case tfl::ActivationFunctionType::TANH:
      *out = LstmActivation::kTanh;
      return Status::Ok();
    case tfl::ActivationFunctionType::SIGN_BIT:
      *out = LstmActivation::kSignBit;
      return Status::Ok();
    default:
      return ctx.InvalidModel("fused_activation_function %d is not valid", static_cast<int>(act));
  }
}

// Checks that input i (present) has exactly `shape`.
Status CheckDims(OpContext& ctx, int i, const Shape& shape, const char* role) {
  const Tensor& t = ctx.input(i);
  if (t.shape != shape) {
    return ctx.InvalidModel("%s %s has shape %s, expected %s", role, ctx.Describe(t).c_str(),
                            ShapeToString(t.shape).c_str(), ShapeToString(shape).c_str());
  }
  return Status::Ok();
}

// A weight matrix or peephole vector: `type` (float32 or int8), and for int8
// constant data with one finite scale.
Status CheckWeight(OpContext& ctx, int i, DataType type, const char* role, float* scale) {
  const Tensor& t = ctx.input(i);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, t, type, role));
  if (type != DataType::kInt8) return Status::Ok();
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, i, role));
  if (t.quant.scale.size() != 1) {
    return ctx.Unsupported("%s %s has %zu quantization scales; hybrid LSTM needs one per tensor",
                           role, ctx.Describe(t).c_str(), t.quant.scale.size());
  }
  *scale = t.quant.scale[0];
  if (!std::isfinite(*scale) || *scale < 0.f) {
    return ctx.InvalidModel("%s %s has scale %g", role, ctx.Describe(t).c_str(),
                            static_cast<double>(*scale));
  }
  return Status::Ok();
}

Status CheckFloatVector(OpContext& ctx, int i, int32_t n, const char* role) {
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(i), DataType::kFloat32, role));
  return CheckDims(ctx, i, {n}, role);
}

Status CheckState(OpContext& ctx, int i, int64_t elements, const char* role) {
  const Tensor& t = ctx.input(i);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, t, DataType::kFloat32, role));
  if (!t.is_variable || t.is_constant()) {
    return ctx.InvalidModel("%s %s must be a variable tensor", role, ctx.Describe(t).c_str());
  }
  if (t.num_elements() != elements) {
    return ctx.InvalidModel("%s %s has %lld elements, expected %lld", role, ctx.Describe(t).c_str(),
                            static_cast<long long>(t.num_elements()),
                            static_cast<long long>(elements));
  }
  return Status::Ok();
}

Status LstmPrepare(OpContext& ctx) {
  if (ctx.num_inputs() != 20 && ctx.num_inputs() != 24) {
    return ctx.InvalidModel("expects 20 or 24 inputs, got %d", ctx.num_inputs());
  }
  EDGEML_OP_ENSURE(ctx, ctx.num_outputs() == 1, "expects 1 output, got %d", ctx.num_outputs());
  for (int i : std::initializer_list<int>{
           kInput, kInputToInput + 1, kInputToInput + 2, kInputToInput + 3, kRecurrentToInput + 1,
           kRecurrentToInput + 2, kRecurrentToInput + 3, kInputGateBias + 1, kInputGateBias + 2,
           kInputGateBias + 3, kOutputState, kCellState}) {
    EDGEML_OP_ENSURE(ctx, ctx.has_input(i), "required input %d is missing", i);
  }
  const auto* opts = Options<tfl::UnidirectionalSequenceLSTMOptions>(ctx);
  auto state = std::make_unique<LstmState>();
  reference::LstmParams& p = state->params;
  if (opts != nullptr) {
    EDGEML_RETURN_IF_ERROR(ActivationOf(ctx, opts->fused_activation_function(), &p.activation));
    p.cell_clip = opts->cell_clip();
    p.proj_clip = opts->proj_clip();
    p.time_major = opts->time_major();
    p.asymmetric = opts->asymmetric_quantize_inputs();
    if (opts->diagonal_recurrent_tensors()) {
      return ctx.Unsupported("diagonal_recurrent_tensors is not supported");
    }
  } else {
    p.activation = LstmActivation::kNone;
  }
  EDGEML_OP_ENSURE(ctx, p.cell_clip >= 0.f, "cell_clip %g must be >= 0",
                   static_cast<double>(p.cell_clip));
  EDGEML_OP_ENSURE(ctx, p.proj_clip >= 0.f, "proj_clip %g must be >= 0",
                   static_cast<double>(p.proj_clip));

  const Tensor& input = ctx.input(kInput);
  if (input.type != DataType::kFloat32) {
    return ctx.Unsupported("input %s has type %s; only float32 (and hybrid) is supported",
                           ctx.Describe(input).c_str(), DataTypeName(input.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 3, "input"));
  p.max_time = input.dim(p.time_major ? 0 : 1);
  p.batch = input.dim(p.time_major ? 1 : 0);
  p.n_input = input.dim(2);

  const Tensor& i2o = ctx.input(kInputToInput + 3);
  const Tensor& r2o = ctx.input(kRecurrentToInput + 3);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, i2o, 2, "input_to_output_weights"));
  if (r2o.rank() == 1) return ctx.Unsupported("diagonal recurrent weights are not supported");
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, r2o, 2, "recurrent_to_output_weights"));
  p.n_cell = i2o.dim(0);
  p.n_output = r2o.dim(1);
  EDGEML_OP_ENSURE(ctx, p.n_cell > 0 && p.n_output > 0 && p.n_input > 0,
                   "n_cell %d, n_output %d and n_input %d must be positive", p.n_cell, p.n_output,
                   p.n_input);
  const DataType wtype = i2o.type;
  if (wtype == DataType::kInt8) {
    p.hybrid = true;
  } else if (wtype != DataType::kFloat32) {
    return ctx.Unsupported("input_to_output_weights %s has type %s", ctx.Describe(i2o).c_str(),
                           DataTypeName(wtype).c_str());
  }

  const bool cifg = !ctx.has_input(kInputToInput);
  EDGEML_OP_ENSURE(ctx, cifg == !ctx.has_input(kRecurrentToInput),
                   "input_to_input_weights and recurrent_to_input_weights must be both present "
                   "or both absent");
  EDGEML_OP_ENSURE(ctx, !cifg || !ctx.has_input(kInputGateBias),
                   "input_gate_bias must be absent without input_to_input_weights (CIFG)");
  const bool peephole = ctx.has_input(kCellToInput + 1);
  EDGEML_OP_ENSURE(
      ctx,
      peephole == ctx.has_input(kCellToInput + 2) &&
          (cifg ? !ctx.has_input(kCellToInput) : peephole == ctx.has_input(kCellToInput)),
      "peephole weights must be all present or all absent");
  const bool layer_norm = ctx.num_inputs() == 24 && ctx.has_input(kInputLayerNorm + 1);

  for (int g = 0; g < 4; ++g) {
    if (g == 0 && cifg) continue;
    reference::LstmGateWeights& gw = p.gate[g];
    char role[64];
    std::snprintf(role, sizeof(role), "input_to_%s_weights", kGateNames[g]);
    EDGEML_RETURN_IF_ERROR(CheckWeight(ctx, kInputToInput + g, wtype, role, &gw.input_scale));
    EDGEML_RETURN_IF_ERROR(CheckDims(ctx, kInputToInput + g, {p.n_cell, p.n_input}, role));
    std::snprintf(role, sizeof(role), "recurrent_to_%s_weights", kGateNames[g]);
    EDGEML_RETURN_IF_ERROR(
        CheckWeight(ctx, kRecurrentToInput + g, wtype, role, &gw.recurrent_scale));
    EDGEML_RETURN_IF_ERROR(CheckDims(ctx, kRecurrentToInput + g, {p.n_cell, p.n_output}, role));
    if (peephole && g != 2) {
      const int i = kCellToInput + (g == 3 ? 2 : g);
      std::snprintf(role, sizeof(role), "cell_to_%s_weights", kGateNames[g]);
      EDGEML_RETURN_IF_ERROR(CheckWeight(ctx, i, wtype, role, &gw.peephole_scale));
      EDGEML_RETURN_IF_ERROR(CheckDims(ctx, i, {p.n_cell}, role));
    }
    std::snprintf(role, sizeof(role), "%s_gate_bias", kGateNames[g]);
    EDGEML_RETURN_IF_ERROR(CheckFloatVector(ctx, kInputGateBias + g, p.n_cell, role));
    if (layer_norm) {
      std::snprintf(role, sizeof(role), "%s_layer_norm_coefficients", kGateNames[g]);
      EDGEML_OP_ENSURE(ctx, ctx.has_input(kInputLayerNorm + g), "%s (input %d) is missing", role,
                       kInputLayerNorm + g);
      EDGEML_RETURN_IF_ERROR(CheckFloatVector(ctx, kInputLayerNorm + g, p.n_cell, role));
    }
  }
  if (cifg && layer_norm) {
    EDGEML_OP_ENSURE(ctx, !ctx.has_input(kInputLayerNorm),
                     "input_layer_norm_coefficients must be absent under CIFG");
  }

  const bool projection = ctx.has_input(kProjectionWeights);
  EDGEML_OP_ENSURE(ctx, projection || !ctx.has_input(kProjectionBias),
                   "projection_bias is given without projection_weights");
  if (projection) {
    EDGEML_RETURN_IF_ERROR(
        CheckWeight(ctx, kProjectionWeights, wtype, "projection_weights", &p.projection_scale));
    EDGEML_RETURN_IF_ERROR(
        CheckDims(ctx, kProjectionWeights, {p.n_output, p.n_cell}, "projection_weights"));
    if (ctx.has_input(kProjectionBias)) {
      EDGEML_RETURN_IF_ERROR(CheckFloatVector(ctx, kProjectionBias, p.n_output, "projection_bias"));
    }
  } else {
    // Without projection the output is the cell-sized vector itself.
    EDGEML_OP_ENSURE(ctx, p.n_output == p.n_cell,
                     "without projection n_output (%d) must equal n_cell (%d)", p.n_output,
                     p.n_cell);
  }

  EDGEML_RETURN_IF_ERROR(
      CheckState(ctx, kOutputState, int64_t{p.batch} * p.n_output, "output_state"));
  EDGEML_RETURN_IF_ERROR(CheckState(ctx, kCellState, int64_t{p.batch} * p.n_cell, "cell_state"));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));

  Shape out_shape = input.shape;
  out_shape[2] = p.n_output;
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));

  // Scratch for one step: all rows in time-major order, one row otherwise.
  const int64_t rows = p.time_major ? p.batch : 1;
  // Sizes come from validated tensors, but their products can still overflow:
  // estimate in double first.
  const double estimate = static_cast<double>(rows) *
                          (5.0 * p.n_cell + 3 + p.n_input + p.n_output + p.n_cell + 3) * 4.0;
  EDGEML_OP_ENSURE(ctx, estimate < 1099511627776.0, "scratch of %g bytes is too large", estimate);
  const int64_t bytes = reference::LstmScratchBytes(rows, p.n_input, p.n_cell, p.n_output);
  EDGEML_OP_ENSURE(ctx, bytes > 0 && bytes < (int64_t{1} << 40),
                   "scratch of %lld bytes is out of range", static_cast<long long>(bytes));
  if (p.batch > 0 && p.max_time > 0) {
    EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(static_cast<size_t>(bytes), &state->scratch));
  }
  state->scratch_rows = rows;

  if (p.hybrid) {
    auto sums = [&](int i, int32_t rows_n, int32_t cols, std::vector<int32_t>* out) {
      out->resize(static_cast<size_t>(rows_n));
      reference::RowSums(ctx.input(i).data_as<int8_t>(), rows_n, cols, out->data());
      return out->data();
    };
    for (int g = 0; g < 4; ++g) {
      if (g == 0 && cifg) continue;
      p.gate[g].input_row_sums = sums(kInputToInput + g, p.n_cell, p.n_input, &state->row_sums[g]);
      p.gate[g].recurrent_row_sums =
          sums(kRecurrentToInput + g, p.n_cell, p.n_output, &state->row_sums[4 + g]);
    }
    if (projection) {
      p.projection_row_sums = sums(kProjectionWeights, p.n_output, p.n_cell, &state->row_sums[8]);
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status LstmEval(OpContext& ctx) {
  LstmState* s = ctx.state<LstmState>();
  reference::LstmParams& p = s->params;
  float* output_state = ctx.input(kOutputState).data_as<float>();
  float* cell_state = ctx.input(kCellState).data_as<float>();
  // The states are variables: AllocateTensors zeroes them, invokes carry them.
  if (s->scratch < 0) return Status::Ok();  // empty batch or sequence
  // Tensor pointers are bound here: arena data may move between prepares.
  const bool cifg = !ctx.has_input(kInputToInput);
  const bool peephole = ctx.has_input(kCellToInput + 1);
  const bool layer_norm = ctx.num_inputs() == 24 && ctx.has_input(kInputLayerNorm + 1);
  for (int g = 0; g < 4; ++g) {
    reference::LstmGateWeights& gw = p.gate[g];
    if (g == 0 && cifg) {
      gw.input = nullptr;
      continue;
    }
    gw.input = ctx.input(kInputToInput + g).data;
    gw.recurrent = ctx.input(kRecurrentToInput + g).data;
    gw.peephole = peephole && g != 2 ? ctx.input(kCellToInput + (g == 3 ? 2 : g)).data : nullptr;
    gw.bias = ctx.input(kInputGateBias + g).data_as<float>();
    gw.layer_norm = layer_norm ? ctx.input(kInputLayerNorm + g).data_as<float>() : nullptr;
  }
  p.projection = ctx.has_input(kProjectionWeights) ? ctx.input(kProjectionWeights).data : nullptr;
  p.projection_bias =
      ctx.has_input(kProjectionBias) ? ctx.input(kProjectionBias).data_as<float>() : nullptr;
  const reference::LstmScratch scratch = reference::LstmScratchAt(
      ctx.scratch(s->scratch), s->scratch_rows, p.n_input, p.n_cell, p.n_output);
  reference::LstmSequence(p, ctx.input(kInput).data_as<float>(), output_state, cell_state,
                          ctx.output(0).data_as<float>(), scratch);
  return Status::Ok();
}

}  // namespace

namespace index_family {
// Versions: 1 float, 2 hybrid, 3 hybrid with asymmetric inputs; 4
// (diagonal recurrent weights) and 5 (int16x8) are rejected at prepare.
OpRegistration UnidirectionalSequenceLstmRegistration() {
  return {"UNIDIRECTIONAL_SEQUENCE_LSTM", 1, 5, LstmPrepare, LstmEval};
}
}  // namespace index_family

}  // namespace edgeml::ops
