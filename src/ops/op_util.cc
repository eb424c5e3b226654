#include "ops/op_util.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/subgraph.h"

namespace edgeml::ops {

Status CheckIoCount(OpContext& ctx, int min_inputs, int max_inputs, int outputs) {
  int n = ctx.num_inputs();
  if (n < min_inputs || n > max_inputs) {
    if (min_inputs == max_inputs)
      return ctx.InvalidModel("expects %d inputs, got %d", min_inputs, n);
    return ctx.InvalidModel("expects %d to %d inputs, got %d", min_inputs, max_inputs, n);
  }
  // Required inputs (the first min_inputs) must be present.
  for (int i = 0; i < min_inputs; ++i) {
    if (!ctx.has_input(i)) return ctx.InvalidModel("required input %d is missing (-1)", i);
  }
  if (ctx.num_outputs() != outputs) {
    return ctx.InvalidModel("expects %d outputs, got %d", outputs, ctx.num_outputs());
  }
  return Status::Ok();
}

Status CheckType(OpContext& ctx, const Tensor& t, DataType type, const char* role) {
  if (t.type != type) {
    return ctx.Unsupported("%s %s has type %s; expected %s", role, ctx.Describe(t).c_str(),
                           DataTypeName(t.type).c_str(), DataTypeName(type).c_str());
  }
  return Status::Ok();
}

Status CheckRank(OpContext& ctx, const Tensor& t, int rank, const char* role) {
  if (t.rank() != rank) {
    return ctx.InvalidModel("%s %s must have rank %d", role, ctx.Describe(t).c_str(), rank);
  }
  return Status::Ok();
}

Status CheckConstant(OpContext& ctx, int input, const char* role) {
  if (!ctx.has_input(input)) return ctx.InvalidModel("%s (input %d) is missing", role, input);
  // A value computed at run time: prepare again inside Invoke(), when it is
  // known (LiteRT's dynamic tensors).
  if (!ctx.InputValueKnown(input)) return ctx.DeferToInvoke();
  return Status::Ok();
}

Status ReadIntVector(OpContext& ctx, int input, const char* role, std::vector<int64_t>* values) {
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, input, role));
  const Tensor& t = ctx.input(input);
  if (t.rank() > 1) {
    return ctx.InvalidModel("%s %s must be a scalar or a vector", role, ctx.Describe(t).c_str());
  }
  int64_t n = t.num_elements();
  values->clear();
  if (t.type == DataType::kInt32) {
    if (t.bytes < static_cast<size_t>(n) * 4) return ctx.InvalidModel("%s data is short", role);
    const int32_t* p = t.data_as<int32_t>();
    values->assign(p, p + n);
  } else if (t.type == DataType::kInt64) {
    if (t.bytes < static_cast<size_t>(n) * 8) return ctx.InvalidModel("%s data is short", role);
    const int64_t* p = t.data_as<int64_t>();
    values->assign(p, p + n);
  } else {
    return ctx.Unsupported("%s %s has type %s; expected INT32 or INT64", role,
                           ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
  }
  return Status::Ok();
}

Status NormalizeAxis(OpContext& ctx, int64_t axis, int rank, const char* role, int* out) {
  if (axis < -rank || axis >= rank) {
    return ctx.InvalidModel("%s %lld is out of range for rank %d", role,
                            static_cast<long long>(axis), rank);
  }
  *out = static_cast<int>(axis < 0 ? axis + rank : axis);
  return Status::Ok();
}

const tfl::Tensor* InputFlatbufferTensor(const OpContext& ctx, int input) {
  int index = ctx.input_tensor_index(input);
  if (index < 0) return nullptr;
  return ctx.subgraph()->flatbuffer()->tensors()->Get(index);
}

Status ActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, FloatRange* range) {
  *range = FloatRange();
  switch (act) {
    case tfl::ActivationFunctionType::NONE:
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU:
      range->min = 0.f;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      range->min = -1.f;
      range->max = 1.f;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU6:
      range->min = 0.f;
      range->max = 6.f;
      return Status::Ok();
    default:
      return ctx.Unsupported("fused activation %s is not supported",
                             tfl::EnumNameActivationFunctionType(act));
  }
}

Status ComputePadding(OpContext& ctx, tfl::Padding padding, int32_t in, int32_t filter,
                      int32_t stride, int32_t dilation, const char* dim_name, PaddedDim* out) {
  if (stride <= 0) return ctx.InvalidModel("%s stride is %d; must be positive", dim_name, stride);
  if (dilation <= 0) {
    return ctx.InvalidModel("%s dilation is %d; must be positive", dim_name, dilation);
  }
  if (filter <= 0)
    return ctx.InvalidModel("%s filter size is %d; must be positive", dim_name, filter);
  if (in < 0) return ctx.InvalidModel("%s input size is %d", dim_name, in);
  int64_t effective = (static_cast<int64_t>(filter) - 1) * dilation + 1;
  int64_t o;
  if (padding == tfl::Padding::SAME) {
    o = (static_cast<int64_t>(in) + stride - 1) / stride;
  } else if (padding == tfl::Padding::VALID) {
    o = in >= effective ? (in - effective) / stride + 1 : 0;
  } else {
    return ctx.InvalidModel("unknown padding %d", static_cast<int>(padding));
  }
  if (o <= 0) {
    return ctx.InvalidModel("%s output size is empty (input %d, effective filter %lld, stride %d)",
                            dim_name, in, static_cast<long long>(effective), stride);
  }
  int64_t total = (o - 1) * stride + effective - in;
  if (total / 2 > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidModel("%s padding of %lld is too large (filter %d, dilation %d)", dim_name,
                            static_cast<long long>(total / 2), filter, dilation);
  }
  out->out = static_cast<int32_t>(o);
  out->pad_before = static_cast<int32_t>(total > 0 ? total / 2 : 0);
  return Status::Ok();
}

bool IsQuantizedType(DataType type) {
  return type == DataType::kInt8 || type == DataType::kUInt8 || type == DataType::kInt16;
}

void QuantTypeRange(DataType type, int32_t* lo, int32_t* hi) {
  switch (type) {
    case DataType::kUInt8:
      *lo = 0;
      *hi = 255;
      return;
    case DataType::kInt16:
      *lo = std::numeric_limits<int16_t>::lowest();
      *hi = std::numeric_limits<int16_t>::max();
      return;
    default:
      *lo = std::numeric_limits<int8_t>::lowest();
      *hi = std::numeric_limits<int8_t>::max();
      return;
  }
}

Status ReadQuantParam(OpContext& ctx, const Tensor& t, const char* role, QuantParam* out,
                      bool zero_point_0) {
  const QuantizationParams& q = t.quant;
  if (q.scale.size() != 1 || q.zero_point.size() != 1) {
    return ctx.InvalidModel(
        "%s %s of type %s needs one per-tensor scale and zero point, has %zu "
        "scales and %zu zero points",
        role, ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(), q.scale.size(),
        q.zero_point.size());
  }
  const float scale = q.scale[0];
  if (!(scale > 0.0f) || !std::isfinite(scale)) {
    return ctx.InvalidModel("%s %s has scale %g; it must be finite and > 0", role,
                            ctx.Describe(t).c_str(), static_cast<double>(scale));
  }
  int32_t lo = 0, hi = 0;
  QuantTypeRange(t.type, &lo, &hi);
  const int64_t zp = q.zero_point[0];
  if (zp < lo || zp > hi) {
    return ctx.InvalidModel("%s %s has zero point %lld outside %s [%d, %d]", role,
                            ctx.Describe(t).c_str(), static_cast<long long>(zp),
                            DataTypeName(t.type).c_str(), lo, hi);
  }
  if (zero_point_0 && zp != 0) {
    return ctx.InvalidModel("%s %s of type %s has zero point %lld; it must be 0", role,
                            ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(),
                            static_cast<long long>(zp));
  }
  out->scale = scale;
  out->zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

Status MakeMultiplier(OpContext& ctx, double real, int max_shift, const char* what,
                      quant::Multiplier* out) {
  if (!std::isfinite(real)) {
    return ctx.InvalidModel("the %s rescale factor %g is not finite", what, real);
  }
  const quant::Multiplier m = quant::QuantizeMultiplier(real);
  if (m.shift > std::min(max_shift, 31)) {
    return ctx.Unsupported("the %s rescale factor %g is too large (exponent %d, at most %d)", what,
                           real, m.shift, std::min(max_shift, 31));
  }
  *out = m;
  return Status::Ok();
}

Status QuantActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, const Tensor& output,
                            const QuantParam& q, int32_t* lo, int32_t* hi) {
  using Act = tfl::ActivationFunctionType;
  quant::FusedActivation fused = quant::FusedActivation::kNone;
  float bound = 0.0f;  // largest |bound| the activation quantizes
  switch (act) {
    case Act::NONE:
      break;
    case Act::RELU:
      fused = quant::FusedActivation::kRelu;
      break;
    case Act::RELU_N1_TO_1:
      fused = quant::FusedActivation::kReluN1To1;
      bound = 1.0f;
      break;
    case Act::RELU6:
      fused = quant::FusedActivation::kRelu6;
      bound = 6.0f;
      break;
    default:
      return ctx.Unsupported("fused activation %s on a quantized output",
                             tfl::EnumNameActivationFunctionType(act));
  }
  // LiteRT rejects bounds whose quantized value leaves int32.
  const double rounded = std::round(static_cast<double>(bound / q.scale));
  if (rounded + std::abs(static_cast<double>(q.zero_point)) >= 2147483647.0) {
    return ctx.InvalidModel("activation bound %g does not fit int32 at output %s scale %g",
                            static_cast<double>(bound), ctx.Describe(output).c_str(),
                            static_cast<double>(q.scale));
  }
  int32_t qmin = 0, qmax = 0;
  QuantTypeRange(output.type, &qmin, &qmax);
  const quant::QuantRange r = quant::ActivationRange(fused, q.scale, q.zero_point, qmin, qmax);
  *lo = r.lo;
  *hi = r.hi;
  return Status::Ok();
}

Status QuantActivationRange(OpContext& ctx, tfl::ActivationFunctionType act, const Tensor& output,
                            int32_t* lo, int32_t* hi) {
  QuantParam q;
  EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, output, "output", &q));
  return QuantActivationRange(ctx, act, output, q, lo, hi);
}

}  // namespace edgeml::ops
