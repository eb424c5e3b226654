// DEQUANTIZE to FLOAT32 from FLOAT16 (how MediaPipe stores weights) and from
// INT8/UINT8/INT16 with per-tensor or per-channel scale and zero point.
// A constant input (the usual case: weights) is converted once at prepare
// into a persistent output, so downstream ops see constant float weights.
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/reference/elementwise.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

struct DequantizeState : OpState {
  DataType type = DataType::kFloat16;
  bool per_channel = false;
  int64_t outer = 1, channels = 1, inner = 1;  // per-channel view
  // Copies of the quantization parameters (the tensor's may be resized away).
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
};

template <typename Q>
void RunAffine(const DequantizeState& s, int64_t n, const void* in, float* out) {
  const Q* q = static_cast<const Q*>(in);
  if (s.per_channel) {
    reference::DequantizePerChannel(s.outer, s.channels, s.inner, q, s.scales.data(),
                                    s.zero_points.data(), out);
  } else {
    reference::DequantizePerTensor(n, q, s.scales[0], s.zero_points[0], out);
  }
}

void Run(const DequantizeState& s, int64_t n, const void* in, float* out) {
  switch (s.type) {
    case DataType::kFloat16:
      reference::DequantizeFp16(n, static_cast<const uint16_t*>(in), out);
      break;
    case DataType::kInt8:
      RunAffine<int8_t>(s, n, in, out);
      break;
    case DataType::kUInt8:
      RunAffine<uint8_t>(s, n, in, out);
      break;
    case DataType::kInt16:
      RunAffine<int16_t>(s, n, in, out);
      break;
    default:
      break;  // rejected at prepare
  }
}

Status CheckQuantization(OpContext& ctx, const Tensor& in, DequantizeState* s) {
  const QuantizationParams& q = in.quant;
  if (q.scale.empty()) {
    return ctx.InvalidModel("input %s of type %s has no quantization scale",
                            ctx.Describe(in).c_str(), DataTypeName(in.type).c_str());
  }
  if (q.zero_point.size() != q.scale.size()) {
    return ctx.InvalidModel("input %s has %zu scales but %zu zero points", ctx.Describe(in).c_str(),
                            q.scale.size(), q.zero_point.size());
  }
  for (int64_t zp : q.zero_point) {
    if (zp < std::numeric_limits<int32_t>::lowest() || zp > std::numeric_limits<int32_t>::max()) {
      return ctx.InvalidModel("input %s has zero point %lld outside int32",
                              ctx.Describe(in).c_str(), static_cast<long long>(zp));
    }
  }
  s->scales = q.scale;
  s->zero_points = q.zero_point;
  if (q.scale.size() == 1) return Status::Ok();

  // Per-channel: one scale per index of the quantized dimension.
  const int qd = q.quantized_dimension;
  if (qd < 0 || qd >= in.rank()) {
    return ctx.InvalidModel("input %s has quantized_dimension %d but rank %d",
                            ctx.Describe(in).c_str(), qd, in.rank());
  }
  if (static_cast<int64_t>(q.scale.size()) != in.dim(qd)) {
    return ctx.InvalidModel(
        "input %s of shape %s has %zu per-channel scales but dimension %d has size %d",
        ctx.Describe(in).c_str(), ShapeToString(in.shape).c_str(), q.scale.size(), qd, in.dim(qd));
  }
  s->per_channel = true;
  s->channels = in.dim(qd);
  s->outer = 1;
  s->inner = 1;
  for (int d = 0; d < qd; ++d) s->outer *= in.dim(d);
  for (int d = qd + 1; d < in.rank(); ++d) s->inner *= in.dim(d);
  return Status::Ok();
}

Status DequantizePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in, {DataType::kFloat16, DataType::kInt8, DataType::kUInt8, DataType::kInt16}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, out, {DataType::kFloat32}, "output"));
  // First, so that the shape is known to be valid and its size to fit.
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  auto state = std::make_unique<DequantizeState>();
  state->type = in.type;
  if (in.type != DataType::kFloat16) {
    EDGEML_RETURN_IF_ERROR(CheckQuantization(ctx, in, state.get()));
  }
  if (in.is_constant()) {
    EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
    Run(*state, in.num_elements(), in.data, out.data_as<float>());
    ctx.MarkFolded();
    return Status::Ok();
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status DequantizeEval(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  Run(*ctx.state<DequantizeState>(), in.num_elements(), in.data, ctx.output(0).data_as<float>());
  return Status::Ok();
}

}  // namespace

void RegisterDequantizeOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::DEQUANTIZE, 1, 5, DequantizePrepare, DequantizeEval);
}

}  // namespace edgeml::ops::elementwise_family
