// QUANTIZE: FLOAT32 -> INT8/UINT8/INT16 (per tensor, or per channel along
// the output's quantized dimension), and requantization INT8/UINT8 ->
// INT8/UINT8 and INT16 -> INT8/INT16 through a fixed-point multiplier
// s_in / s_out, as LiteRT's reference kernel. A constant input is converted
// once at prepare.
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/reference/elementwise_quant.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct QuantizeState;
using QuantizeFn = void (*)(const QuantizeState& s, int64_t n, const void* in, void* out);

struct QuantizeState : OpState {
  QuantizeFn kernel = nullptr;
  // FLOAT32 input, per tensor.
  float scale = 1.0f;
  int32_t zero_point = 0;
  // FLOAT32 input, per channel: [outer, channels, inner].
  int64_t outer = 1, channels = 1, inner = 1;
  std::vector<float> scales;
  std::vector<int32_t> zero_points;
  // Integer input.
  reference::RequantizeParams requant;
};

template <typename Q>
void FromFloat(const QuantizeState& s, int64_t n, const void* in, void* out) {
  reference::AffineQuantize(n, static_cast<const float*>(in), s.scale, s.zero_point,
                            static_cast<Q*>(out));
}

template <typename Q>
void FromFloatPerChannel(const QuantizeState& s, int64_t, const void* in, void* out) {
  reference::AffineQuantizePerChannel(s.outer, s.channels, s.inner, static_cast<const float*>(in),
                                      s.scales.data(), s.zero_points.data(), static_cast<Q*>(out));
}

template <typename In, typename Out>
void Requant(const QuantizeState& s, int64_t n, const void* in, void* out) {
  reference::Requantize(n, static_cast<const In*>(in), static_cast<Out*>(out), s.requant);
}

template <typename Q>
QuantizeFn PickFromFloat(bool per_channel) {
  return per_channel ? FromFloatPerChannel<Q> : FromFloat<Q>;
}

template <typename In>
QuantizeFn PickRequant(DataType out) {
  switch (out) {
    case DataType::kInt8:
      return Requant<In, int8_t>;
    case DataType::kUInt8:
      return Requant<In, uint8_t>;
    case DataType::kInt16:
      return Requant<In, int16_t>;
    default:
      return nullptr;
  }
}

// Per-channel output parameters (float input only, as in LiteRT).
Status PreparePerChannel(OpContext& ctx, const Tensor& out, QuantizeState* s) {
  const QuantizationParams& q = out.quant;
  const int qd = q.quantized_dimension;
  if (qd < 0 || qd >= out.rank()) {
    return ctx.InvalidModel("output %s has quantized_dimension %d but rank %d",
                            ctx.Describe(out).c_str(), qd, out.rank());
  }
  if (static_cast<int64_t>(q.scale.size()) != out.dim(qd)) {
    return ctx.InvalidModel("output %s of shape %s has %zu scales but dimension %d has size %d",
                            ctx.Describe(out).c_str(), ShapeToString(out.shape).c_str(),
                            q.scale.size(), qd, out.dim(qd));
  }
  // LiteRT repeats a single zero point for every channel.
  if (q.zero_point.size() != q.scale.size() && q.zero_point.size() != 1) {
    return ctx.InvalidModel("output %s has %zu scales but %zu zero points",
                            ctx.Describe(out).c_str(), q.scale.size(), q.zero_point.size());
  }
  int32_t lo = 0, hi = 0;
  QuantTypeRange(out.type, &lo, &hi);
  for (size_t c = 0; c < q.scale.size(); ++c) {
    const float scale = q.scale[c];
    if (!(scale > 0.0f) || !std::isfinite(scale)) {
      return ctx.InvalidModel("output %s has scale %g for channel %zu; it must be finite and > 0",
                              ctx.Describe(out).c_str(), static_cast<double>(scale), c);
    }
    const int64_t zp = q.zero_point.size() == 1 ? q.zero_point[0] : q.zero_point[c];
    if (zp < lo || zp > hi) {
      return ctx.InvalidModel("output %s has zero point %lld for channel %zu outside [%d, %d]",
                              ctx.Describe(out).c_str(), static_cast<long long>(zp), c, lo, hi);
    }
    s->scales.push_back(scale);
    s->zero_points.push_back(static_cast<int32_t>(zp));
  }
  s->channels = out.dim(qd);
  for (int d = 0; d < qd; ++d) s->outer *= out.dim(d);
  for (int d = qd + 1; d < out.rank(); ++d) s->inner *= out.dim(d);
  return Status::Ok();
}

Status QuantizePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in, {DataType::kFloat32, DataType::kInt8, DataType::kUInt8, DataType::kInt16}, "input"));
  if (in.type == DataType::kFloat32) {
    EDGEML_RETURN_IF_ERROR(
        RequireTypeIn(ctx, out, {DataType::kInt8, DataType::kUInt8, DataType::kInt16}, "output"));
  } else if (in.type == DataType::kInt16) {
    EDGEML_RETURN_IF_ERROR(
        RequireTypeIn(ctx, out, {DataType::kInt8, DataType::kInt16}, "output of an INT16 input"));
  } else {
    EDGEML_RETURN_IF_ERROR(
        RequireTypeIn(ctx, out, {DataType::kInt8, DataType::kUInt8}, "output of an 8-bit input"));
  }
  if (!out.quant.quantized()) {
    return ctx.InvalidModel("output %s has no quantization parameters", ctx.Describe(out).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));

  auto state = std::make_unique<QuantizeState>();
  if (in.type == DataType::kFloat32) {
    const bool per_channel = out.quant.scale.size() > 1;
    if (per_channel) {
      EDGEML_RETURN_IF_ERROR(PreparePerChannel(ctx, out, state.get()));
    } else {
      QuantParam qo;
      EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo));
      state->scale = qo.scale;
      state->zero_point = qo.zero_point;
    }
    switch (out.type) {
      case DataType::kInt8:
        state->kernel = PickFromFloat<int8_t>(per_channel);
        break;
      case DataType::kUInt8:
        state->kernel = PickFromFloat<uint8_t>(per_channel);
        break;
      default:
        state->kernel = PickFromFloat<int16_t>(per_channel);
        break;
    }
  } else {
    // LiteRT's int16 -> int16 requantization is symmetric.
    const bool zp0 = in.type == DataType::kInt16 && out.type == DataType::kInt16;
    QuantParam qi, qo;
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, in, "input", &qi, zp0));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, out, "output", &qo, zp0));
    reference::RequantizeParams& p = state->requant;
    p.input_zero_point = qi.zero_point;
    p.output_zero_point = qo.zero_point;
    QuantTypeRange(out.type, &p.out_min, &p.out_max);
    const double real = static_cast<double>(qi.scale) / static_cast<double>(qo.scale);
    EDGEML_RETURN_IF_ERROR(MakeMultiplier(ctx, real, 31, "input to output", &p.multiplier));
    switch (in.type) {
      case DataType::kInt8:
        state->kernel = PickRequant<int8_t>(out.type);
        break;
      case DataType::kUInt8:
        state->kernel = PickRequant<uint8_t>(out.type);
        break;
      default:
        state->kernel = PickRequant<int16_t>(out.type);
        break;
    }
  }

  if (in.is_constant()) {
    EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
    state->kernel(*state, in.num_elements(), in.data, out.data);
    ctx.MarkFolded();
    return Status::Ok();
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status QuantizeEval(OpContext& ctx) {
  const QuantizeState* s = ctx.state<QuantizeState>();
  const Tensor& in = ctx.input(0);
  s->kernel(*s, in.num_elements(), in.data, ctx.output(0).data);
  return Status::Ok();
}

}  // namespace

void RegisterQuantizeOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::QUANTIZE, 1, 3, QuantizePrepare, QuantizeEval);
}

}  // namespace edgeml::ops::elementwise_family
