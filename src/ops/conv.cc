// CONV_2D, plus the registration and shared checks of the convolution family.
#include "kernels/reference/conv.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/conv_f32.h"
#include "kernels/reference/conv_quant.h"
#include "kernels/reference/hybrid.h"
#include "ops/builtin_ops.h"
#include "ops/conv_family.h"
#include "ops/op_util.h"

#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/conv_f32_x86.h"
#define EDGEML_CONV_X86 1
#endif

namespace edgeml::ops {
namespace conv_family {

Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role) {
  switch (t.type) {
    case DataType::kFloat32:
      // Constant data shorter than its shape (e.g. a sparse encoding nothing
      // densified) would be read past its end.
      if (t.is_constant() && t.bytes / sizeof(float) < static_cast<uint64_t>(t.num_elements())) {
        return ctx.InvalidModel("%s %s has %zu bytes of data for shape %s", role,
                                ctx.Describe(t).c_str(), t.bytes, ShapeToString(t.shape).c_str());
      }
      return Status::Ok();
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kInt4:
    case DataType::kFloat16:
      return ctx.Unsupported("%s %s has type %s; only FLOAT32 is supported", role,
                             ctx.Describe(t).c_str(), DataTypeName(t.type).c_str());
    default:
      return ctx.InvalidModel("%s %s has type %s, expected FLOAT32", role, ctx.Describe(t).c_str(),
                              DataTypeName(t.type).c_str());
  }
}

Status RequireInput(OpContext& ctx, int i, const char* role) {
  if (!ctx.has_input(i)) return ctx.InvalidModel("%s (input %d) is missing", role, i);
  return Status::Ok();
}

Status CheckOptionalBias(OpContext& ctx, int i, int64_t units, bool* present) {
  *present = ctx.has_input(i);
  if (!*present) return Status::Ok();
  const Tensor& bias = ctx.input(i);
  EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, bias, "bias"));
  EDGEML_OP_ENSURE(ctx, bias.num_elements() == units,
                   "bias %s has shape %s (%lld elements), expected %lld (one per output channel)",
                   ctx.Describe(bias).c_str(), ShapeToString(bias.shape).c_str(),
                   static_cast<long long>(bias.num_elements()), static_cast<long long>(units));
  return Status::Ok();
}

Status CheckPositive(OpContext& ctx, int32_t value, const char* what) {
  EDGEML_OP_ENSURE(ctx, value > 0, "%s is %d, must be positive", what, value);
  return Status::Ok();
}

Status RequireData(OpContext& ctx, const Tensor& t, const char* role) {
  const size_t size = DataTypeSize(t.type);
  if (t.is_constant() && size > 0 && t.bytes / size < static_cast<uint64_t>(t.num_elements())) {
    return ctx.InvalidModel("%s %s has %zu bytes of data for shape %s", role,
                            ctx.Describe(t).c_str(), t.bytes, ShapeToString(t.shape).c_str());
  }
  return Status::Ok();
}

namespace {

// Per-tensor quantization of an activation tensor.
Status CheckActivationQuant(OpContext& ctx, const Tensor& t, const char* role, float* scale,
                            int32_t* zero_point) {
  if (t.quant.scale.size() != 1) {
    return ctx.InvalidModel("%s %s (%s) needs one quantization scale, has %zu", role,
                            ctx.Describe(t).c_str(), DataTypeName(t.type).c_str(),
                            t.quant.scale.size());
  }
  *scale = t.quant.scale[0];
  EDGEML_OP_ENSURE(ctx, std::isfinite(*scale) && *scale > 0.f,
                   "%s %s has quantization scale %g; must be positive and finite", role,
                   ctx.Describe(t).c_str(), static_cast<double>(*scale));
  const int64_t zp = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
  int32_t lo, hi;
  QuantTypeRange(t.type, &lo, &hi);
  EDGEML_OP_ENSURE(ctx, zp >= lo && zp <= hi, "%s %s has zero point %lld outside [%d, %d]", role,
                   ctx.Describe(t).c_str(), static_cast<long long>(zp), lo, hi);
  // 16-bit activations are symmetric in LiteRT's kernels.
  EDGEML_OP_ENSURE(ctx, t.type != DataType::kInt16 || zp == 0,
                   "%s %s is INT16 with zero point %lld; must be 0", role, ctx.Describe(t).c_str(),
                   static_cast<long long>(zp));
  *zero_point = static_cast<int32_t>(zp);
  return Status::Ok();
}

quant::FusedActivation ToFused(tfl::ActivationFunctionType act) {
  switch (act) {
    case tfl::ActivationFunctionType::RELU:
      return quant::FusedActivation::kRelu;
    case tfl::ActivationFunctionType::RELU6:
      return quant::FusedActivation::kRelu6;
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      return quant::FusedActivation::kReluN1To1;
    default:
      return quant::FusedActivation::kNone;
  }
}

}  // namespace

Status PrepareQuant(OpContext& ctx, int input_i, int filter_i, int bias_i, int32_t channels,
                    int quant_dim, tfl::ActivationFunctionType act,
                    tfl::TensorType quantized_bias_type, QuantSetup* q) {
  const Tensor& input = ctx.input(input_i);
  const Tensor& filter = ctx.input(filter_i);
  const Tensor& output = ctx.output(0);
  q->type = input.type;
  if (input.type != DataType::kInt8 && input.type != DataType::kUInt8 &&
      input.type != DataType::kInt16) {
    return ctx.InvalidModel("input %s has type %s; expected FLOAT32, INT8, UINT8 or INT16",
                            ctx.Describe(input).c_str(), DataTypeName(input.type).c_str());
  }
  const DataType want_filter = input.type == DataType::kUInt8 ? DataType::kUInt8 : DataType::kInt8;
  if (filter.type != want_filter) {
    const bool later = filter.type == DataType::kInt4 || filter.type == DataType::kInt16;
    return later ? ctx.Unsupported("filter %s has type %s with %s input; only %s is supported",
                                   ctx.Describe(filter).c_str(), DataTypeName(filter.type).c_str(),
                                   DataTypeName(input.type).c_str(),
                                   DataTypeName(want_filter).c_str())
                 : ctx.InvalidModel("filter %s has type %s with %s input; expected %s",
                                    ctx.Describe(filter).c_str(), DataTypeName(filter.type).c_str(),
                                    DataTypeName(input.type).c_str(),
                                    DataTypeName(want_filter).c_str());
  }
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, output, input.type, "output"));
  EDGEML_RETURN_IF_ERROR(RequireData(ctx, filter, "filter"));
  int32_t input_zp = 0, output_zp = 0;
  EDGEML_RETURN_IF_ERROR(CheckActivationQuant(ctx, input, "input", &q->input_scale, &input_zp));
  EDGEML_RETURN_IF_ERROR(CheckActivationQuant(ctx, output, "output", &q->output_scale, &output_zp));
  q->input_offset = -input_zp;
  q->output_offset = output_zp;

  // Weights: one scale, or one per output channel along quant_dim.
  const QuantizationParams& fq = filter.quant;
  const size_t n = fq.scale.size();
  EDGEML_OP_ENSURE(ctx, n == 1 || n == static_cast<size_t>(channels),
                   "filter %s has %zu quantization scales; expected 1 or %d (one per output "
                   "channel)",
                   ctx.Describe(filter).c_str(), n, channels);
  q->per_channel = n > 1;
  if (q->per_channel) {
    EDGEML_OP_ENSURE(ctx, fq.quantized_dimension == quant_dim,
                     "filter %s is quantized along dimension %d; expected %d",
                     ctx.Describe(filter).c_str(), fq.quantized_dimension, quant_dim);
    EDGEML_OP_ENSURE(ctx, input.type != DataType::kUInt8,
                     "filter %s is per-channel quantized, which UINT8 nodes do not support",
                     ctx.Describe(filter).c_str());
  }
  for (float sc : fq.scale) {
    // A channel of all-zero weights may carry scale 0.
    EDGEML_OP_ENSURE(ctx, std::isfinite(sc) && sc >= 0.f,
                     "filter %s has quantization scale %g; must be finite and non-negative",
                     ctx.Describe(filter).c_str(), static_cast<double>(sc));
  }
  int32_t wlo, whi;
  QuantTypeRange(filter.type, &wlo, &whi);
  for (int64_t zp : fq.zero_point) {
    EDGEML_OP_ENSURE(ctx, zp >= wlo && zp <= whi, "filter %s has zero point %lld outside [%d, %d]",
                     ctx.Describe(filter).c_str(), static_cast<long long>(zp), wlo, whi);
  }
  q->filter_offset = fq.zero_point.empty() ? 0 : -static_cast<int32_t>(fq.zero_point[0]);
  q->filter_scales.assign(channels, fq.scale[0]);
  if (q->per_channel) q->filter_scales.assign(fq.scale.begin(), fq.scale.end());

  // Bias: int32, or int32/int64 with int16 activations.
  q->has_bias = ctx.has_input(bias_i);
  q->bias_type = DataType::kInt32;
  if (input.type == DataType::kInt16 && quantized_bias_type != tfl::TensorType::INT32) {
    q->bias_type = DataType::kInt64;  // LiteRT's default for 16x8
  }
  if (q->has_bias) {
    const Tensor& bias = ctx.input(bias_i);
    const bool ok = bias.type == DataType::kInt32 ||
                    (input.type == DataType::kInt16 && bias.type == DataType::kInt64);
    EDGEML_OP_ENSURE(ctx, ok, "bias %s has type %s; expected %s for %s input",
                     ctx.Describe(bias).c_str(), DataTypeName(bias.type).c_str(),
                     input.type == DataType::kInt16 ? "INT32 or INT64" : "INT32",
                     DataTypeName(input.type).c_str());
    q->bias_type = bias.type;
    EDGEML_RETURN_IF_ERROR(RequireData(ctx, bias, "bias"));
    EDGEML_OP_ENSURE(ctx, bias.num_elements() == channels,
                     "bias %s has shape %s (%lld elements), expected %d (one per output channel)",
                     ctx.Describe(bias).c_str(), ShapeToString(bias.shape).c_str(),
                     static_cast<long long>(bias.num_elements()), channels);
  }

  if (act != tfl::ActivationFunctionType::NONE && act != tfl::ActivationFunctionType::RELU &&
      act != tfl::ActivationFunctionType::RELU6 &&
      act != tfl::ActivationFunctionType::RELU_N1_TO_1) {
    return ctx.Unsupported("fused activation %s is not supported",
                           tfl::EnumNameActivationFunctionType(act));
  }
  int32_t lo, hi;
  QuantTypeRange(output.type, &lo, &hi);
  const quant::QuantRange r =
      quant::ActivationRange(ToFused(act), q->output_scale, output_zp, lo, hi);
  q->act_min = r.lo;
  q->act_max = r.hi;
  return Status::Ok();
}

std::vector<quant::Multiplier> ChannelMultipliers(const QuantSetup& q, bool float_product) {
  std::vector<quant::Multiplier> m(q.filter_scales.size());
  for (size_t i = 0; i < m.size(); ++i) {
    const double product = float_product ? static_cast<double>(q.input_scale * q.filter_scales[i])
                                         : static_cast<double>(q.input_scale) * q.filter_scales[i];
    m[i] = quant::QuantizeMultiplier(product / static_cast<double>(q.output_scale));
  }
  return m;
}

void SetQuantParams(const QuantSetup& q, const std::vector<quant::Multiplier>& multipliers,
                    reference::QuantConvParams* p) {
  p->input_offset = q.input_offset;
  p->filter_offset = q.filter_offset;
  p->output_offset = q.output_offset;
  p->act_min = q.act_min;
  p->act_max = q.act_max;
  p->multipliers = multipliers.data();
}

bool IsHybrid(const Tensor& input, const Tensor& weights) {
  return input.type == DataType::kFloat32 &&
         (weights.type == DataType::kInt8 || weights.type == DataType::kUInt8);
}

Status HybridScratchIds::Request(OpContext& ctx, int64_t elements, int64_t rows) {
  const size_t n = static_cast<size_t>(elements > 0 ? elements : 1);
  const size_t r = static_cast<size_t>(rows > 0 ? rows : 1);
  EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(n, &quantized));
  EDGEML_RETURN_IF_ERROR(ctx.RequestScratch(r * sizeof(float), &scales));
  return ctx.RequestScratch(r * sizeof(int32_t), &zero_points);
}

reference::HybridScratch HybridScratchIds::Get(OpContext& ctx) const {
  reference::HybridScratch h;
  h.quantized = static_cast<int8_t*>(ctx.scratch(quantized));
  h.scales = static_cast<float*>(ctx.scratch(scales));
  h.zero_points = static_cast<int32_t*>(ctx.scratch(zero_points));
  return h;
}

Status CheckConvLikeInputs(OpContext& ctx, bool* quantized, bool* hybrid) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 3, 1));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 0, "input"));
  EDGEML_RETURN_IF_ERROR(RequireInput(ctx, 1, "filter"));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  *quantized = IsQuantizedType(input.type);
  *hybrid = IsHybrid(input, filter);
  if (!*quantized) {
    EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, input, "input"));
    if (!*hybrid) EDGEML_RETURN_IF_ERROR(RequireFloat32(ctx, filter, "filter"));
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kFloat32, "output"));
  }
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, input, 4, "input"));
  return CheckRank(ctx, filter, 4, "filter");
}

Status PlanConvWindow(OpContext& ctx, const ConvWindow& w, reference::ConvShape* s,
                      reference::ConvParams* p) {
  PaddedDim ph, pw;
  EDGEML_RETURN_IF_ERROR(ComputePadding(ctx, w.padding, s->in_h, s->filter_h, w.stride_h,
                                        w.dilation_h, "height", &ph));
  EDGEML_RETURN_IF_ERROR(
      ComputePadding(ctx, w.padding, s->in_w, s->filter_w, w.stride_w, w.dilation_w, "width", &pw));
  s->out_h = ph.out;
  s->out_w = pw.out;
  p->stride_h = w.stride_h;
  p->stride_w = w.stride_w;
  p->dilation_h = w.dilation_h;
  p->dilation_w = w.dilation_w;
  p->pad_top = ph.pad_before;
  p->pad_left = pw.pad_before;
  return Status::Ok();
}

Status PrepareHybridWeights(OpContext& ctx, int weights_i, int32_t channels, int quant_dim,
                            HybridWeights* w) {
  const Tensor& weights = ctx.input(weights_i);
  if (weights.type != DataType::kInt8) {
    return ctx.Unsupported("weights %s have type %s with FLOAT32 input; hybrid nodes support INT8",
                           ctx.Describe(weights).c_str(), DataTypeName(weights.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(RequireData(ctx, weights, "weights"));
  const QuantizationParams& q = weights.quant;
  const size_t n = q.scale.size();
  EDGEML_OP_ENSURE(ctx, n == 1 || n == static_cast<size_t>(channels),
                   "weights %s have %zu quantization scales; a hybrid node needs 1 or %d (one "
                   "per output channel)",
                   ctx.Describe(weights).c_str(), n, channels);
  w->per_channel = n > 1;
  if (w->per_channel) {
    EDGEML_OP_ENSURE(ctx, q.quantized_dimension == quant_dim,
                     "weights %s are quantized along dimension %d; expected %d",
                     ctx.Describe(weights).c_str(), q.quantized_dimension, quant_dim);
  }
  for (float sc : q.scale) {
    EDGEML_OP_ENSURE(ctx, std::isfinite(sc) && sc >= 0.f,
                     "weights %s have quantization scale %g; must be finite and non-negative",
                     ctx.Describe(weights).c_str(), static_cast<double>(sc));
  }
  w->tensor_scale = q.scale[0];
  w->scales.assign(channels, q.scale[0]);
  if (w->per_channel) w->scales.assign(q.scale.begin(), q.scale.end());
  w->uniform = true;
  for (float sc : q.scale) w->uniform = w->uniform && sc == q.scale[0];
  return Status::Ok();
}

Status CheckHybridOutput(OpContext& ctx) {
  return CheckType(ctx, ctx.output(0), DataType::kFloat32, "output");
}

void PrepareFastConvF32(OpContext& ctx, const reference::ConvShape& s, bool has_bias,
                        bool depthwise, FastConvF32* f) {
  f->rows = nullptr;
  if (!ctx.input(1).is_constant() || (has_bias && !ctx.input(2).is_constant())) return;
  int lanes = 0;
#ifdef EDGEML_CONV_X86
  const CpuFeatures& cpu = GetCpuFeatures();
  if (cpu.avx512f) {
    lanes = x86::kAvx512Lanes;
    f->rows = depthwise ? x86::DepthwiseConvF32Avx512 : x86::ConvF32Avx512;
  } else if (cpu.avx2) {
    lanes = x86::kAvx2Lanes;
    f->rows = depthwise ? x86::DepthwiseConvF32Avx2 : x86::ConvF32Avx2;
  }
#endif
  if (f->rows == nullptr) return;
  const float* filter = ctx.input(1).data_as<float>();
  const float* bias = has_bias ? ctx.input(2).data_as<float>() : nullptr;
  f->bias.resize(static_cast<size_t>(fast::RoundUpChannels(s.out_ch, lanes)));
  if (depthwise) {
    f->filter.resize(fast::PackedDepthwiseF32Size(s, lanes));
    fast::PackDepthwiseF32(s, lanes, filter, bias, f->filter.data(), f->bias.data());
  } else {
    f->filter.resize(fast::PackedConvF32Size(s, lanes));
    fast::PackConvF32(s, lanes, filter, bias, f->filter.data(), f->bias.data());
  }
}

void RunFastConvF32(OpContext& ctx, const FastConvF32& f, const reference::ConvParams& p,
                    const reference::ConvShape& s) {
  const float* input = ctx.input(0).data_as<float>();
  float* output = ctx.output(0).data_as<float>();
  auto rows = [&](int64_t begin, int64_t end) {
    f.rows(p, s, input, f.filter.data(), f.bias.data(), output, begin, end);
  };
  ctx.ParallelFor(int64_t{s.batch} * s.out_h, 1, rows);
}

}  // namespace conv_family

namespace {

using conv_family::ChannelMultipliers;
using conv_family::CheckOptionalBias;
using conv_family::CheckPositive;
using conv_family::PrepareQuant;
using conv_family::QuantSetup;
using conv_family::RequireFloat32;
using conv_family::RequireInput;
using conv_family::SetQuantParams;

struct ConvState : OpState {
  reference::ConvParams params;
  reference::ConvShape shape;
  bool has_bias = false;
  reference::QuantConvParams qparams;          // quantized nodes
  std::vector<quant::Multiplier> multipliers;  // per output channel
  conv_family::HybridWeights hybrid;           // hybrid nodes
  conv_family::HybridScratchIds scratch;       // hybrid nodes
  conv_family::FastConvF32 fast;               // float nodes on SIMD CPUs
  Status (*run)(OpContext& ctx, const ConvState& s) = nullptr;
};

// LiteRT quantizes symmetrically while every channel shares one scale (and
// there are no groups), otherwise asymmetrically with per-channel scales.
Status RunConvHybrid(OpContext& ctx, const ConvState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  const bool grouped = s.shape.in_ch != s.shape.filter_in_ch;
  if (s.hybrid.uniform && !grouped) {
    reference::HybridConvUniform(s.params, s.shape, ctx.input(0).data_as<float>(),
                                 ctx.input(1).data_as<int8_t>(), s.hybrid.tensor_scale, bias,
                                 s.scratch.Get(ctx), ctx.output(0).data_as<float>());
  } else {
    reference::HybridConvPerChannel(s.params, s.shape, ctx.input(0).data_as<float>(),
                                    ctx.input(1).data_as<int8_t>(), s.hybrid.scales.data(), bias,
                                    s.scratch.Get(ctx), ctx.output(0).data_as<float>());
  }
  return Status::Ok();
}

template <typename In, typename W, typename Acc>
Status RunConvQuant(OpContext& ctx, const ConvState& s) {
  const Acc* bias = s.has_bias ? ctx.input(2).data_as<Acc>() : nullptr;
  reference::ConvQuant<In, W, Acc, In>(s.params, s.qparams, s.shape, ctx.input(0).data_as<In>(),
                                       ctx.input(1).data_as<W>(), bias,
                                       ctx.output(0).data_as<In>());
  return Status::Ok();
}

Status RunConvF32(OpContext& ctx, const ConvState& s) {
  const float* bias = s.has_bias ? ctx.input(2).data_as<float>() : nullptr;
  reference::ConvF32(s.params, s.shape, ctx.input(0).data_as<float>(),
                     ctx.input(1).data_as<float>(), bias, ctx.output(0).data_as<float>());
  return Status::Ok();
}

Status RunConvF32Fast(OpContext& ctx, const ConvState& s) {
  conv_family::RunFastConvF32(ctx, s.fast, s.params, s.shape);
  return Status::Ok();
}

Status Conv2DPrepare(OpContext& ctx) {
  bool quantized = false, hybrid = false;
  EDGEML_RETURN_IF_ERROR(conv_family::CheckConvLikeInputs(ctx, &quantized, &hybrid));
  const Tensor& input = ctx.input(0);
  const Tensor& filter = ctx.input(1);
  const auto* opts = Options<tfl::Conv2DOptions>(ctx);
  conv_family::ConvWindow window;
  EDGEML_RETURN_IF_ERROR(conv_family::ReadConvWindow(ctx, opts, &window));
  const auto act = window.act;

  auto state = std::make_unique<ConvState>();
  reference::ConvShape& s = state->shape;
  s.batch = input.dim(0);
  s.in_h = input.dim(1);
  s.in_w = input.dim(2);
  s.in_ch = input.dim(3);
  s.out_ch = filter.dim(0);
  s.filter_h = filter.dim(1);
  s.filter_w = filter.dim(2);
  s.filter_in_ch = filter.dim(3);
  EDGEML_OP_ENSURE(ctx, s.filter_in_ch > 0, "filter %s has shape %s: input depth must be positive",
                   ctx.Describe(filter).c_str(), ShapeToString(filter.shape).c_str());
  // Grouped convolution: the filter sees in_ch / groups channels.
  EDGEML_OP_ENSURE(ctx, s.in_ch % s.filter_in_ch == 0,
                   "input %s has %d channels, not a multiple of the filter %s depth %d",
                   ctx.Describe(input).c_str(), s.in_ch, ctx.Describe(filter).c_str(),
                   s.filter_in_ch);
  const int32_t groups = s.in_ch / s.filter_in_ch;
  EDGEML_OP_ENSURE(ctx, groups > 0 && s.out_ch % groups == 0,
                   "filter %s has %d output channels, not a multiple of the %d groups",
                   ctx.Describe(filter).c_str(), s.out_ch, groups);
  if (!quantized) EDGEML_RETURN_IF_ERROR(CheckOptionalBias(ctx, 2, s.out_ch, &state->has_bias));

  reference::ConvParams& p = state->params;
  EDGEML_RETURN_IF_ERROR(conv_family::PlanConvWindow(ctx, window, &s, &p));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {s.batch, s.out_h, s.out_w, s.out_ch}));
  if (quantized) {
    QuantSetup q;
    EDGEML_RETURN_IF_ERROR(
        PrepareQuant(ctx, 0, 1, 2, s.out_ch, /*quant_dim=*/0, act,
                     opts ? opts->quantized_bias_type() : tfl::TensorType::FLOAT32, &q));
    state->has_bias = q.has_bias;
    state->multipliers = ChannelMultipliers(q, /*float_product=*/q.type == DataType::kUInt8);
    SetQuantParams(q, state->multipliers, &state->qparams);
    // LiteRT's int8 kernel ignores a weight zero point (weights are symmetric).
    if (q.type != DataType::kUInt8) state->qparams.filter_offset = 0;
    switch (q.type) {
      case DataType::kUInt8:
        state->run = RunConvQuant<uint8_t, uint8_t, int32_t>;
        break;
      case DataType::kInt8:
        state->run = RunConvQuant<int8_t, int8_t, int32_t>;
        break;
      default:
        state->run = q.bias_type == DataType::kInt64 ? RunConvQuant<int16_t, int8_t, int64_t>
                                                     : RunConvQuant<int16_t, int8_t, int32_t>;
    }
  } else {
    FloatRange range;
    EDGEML_RETURN_IF_ERROR(ActivationRange(ctx, act, &range));
    p.act_min = range.min;
    p.act_max = range.max;
    state->run = RunConvF32;
    if (!hybrid && groups == 1) {
      conv_family::PrepareFastConvF32(ctx, s, state->has_bias, /*depthwise=*/false, &state->fast);
      if (state->fast.rows != nullptr) state->run = RunConvF32Fast;
    }
    if (hybrid) {
      EDGEML_RETURN_IF_ERROR(
          conv_family::PrepareHybridWeights(ctx, 1, s.out_ch, /*quant_dim=*/0, &state->hybrid));
      EDGEML_RETURN_IF_ERROR(state->scratch.Request(ctx, input.num_elements(), s.batch));
      state->run = RunConvHybrid;
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status Conv2DEval(OpContext& ctx) {
  const ConvState* s = ctx.state<ConvState>();
  return s->run(ctx, *s);
}

}  // namespace

namespace conv_family {

OpRegistration Conv2DRegistration() {
  OpRegistration r;
  r.name = "CONV_2D";
  r.min_version = 1;
  r.max_version = 8;  // quantized/hybrid versions fail in prepare naming the type
  r.prepare = Conv2DPrepare;
  r.eval = Conv2DEval;
  return r;
}

}  // namespace conv_family

void RegisterConvOps(OpResolver* r) {
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::CONV_2D), conv_family::Conv2DRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::DEPTHWISE_CONV_2D),
                conv_family::DepthwiseConv2DRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::FULLY_CONNECTED),
                conv_family::FullyConnectedRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::TRANSPOSE_CONV),
                conv_family::TransposeConvRegistration());
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::BATCH_MATMUL),
                conv_family::BatchMatMulRegistration());
}

}  // namespace edgeml::ops
