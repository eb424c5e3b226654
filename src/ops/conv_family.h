// Internal to the convolution family (conv.cc, depthwise_conv.cc,
// fully_connected.cc, transpose_conv.cc, batch_matmul.cc): the registrations
// RegisterConvOps() adds, and checks they share.
#pragma once

#include <cstdint>
#include <vector>

#include "edgeml/op.h"
#include "kernels/conv_f32.h"
#include "kernels/reference/conv_quant.h"
#include "kernels/reference/hybrid.h"
#include "ops/op_util.h"
#include "quant/fixed_point.h"

namespace edgeml::ops::conv_family {

OpRegistration Conv2DRegistration();
OpRegistration DepthwiseConv2DRegistration();
OpRegistration FullyConnectedRegistration();
OpRegistration TransposeConvRegistration();
OpRegistration BatchMatMulRegistration();

// Accepts FLOAT32 (a constant must hold its full dense data). Types a later
// round may support (quantized, FLOAT16) give Unsupported; anything else is a
// malformed model.
Status RequireFloat32(OpContext& ctx, const Tensor& t, const char* role);

// Input `i` must be present (not -1 / past the end).
Status RequireInput(OpContext& ctx, int i, const char* role);

// Optional bias at input `i`: when present it must be FLOAT32 with `units`
// elements. Sets *present.
Status CheckOptionalBias(OpContext& ctx, int i, int64_t units, bool* present);

// Strides and dilations must be positive.
Status CheckPositive(OpContext& ctx, int32_t value, const char* what);

// A constant tensor must hold its full dense data.
Status RequireData(OpContext& ctx, const Tensor& t, const char* role);

// Validated quantization of a quantized conv-family node: activations int8,
// uint8 or int16 (16x8), weights int8 (uint8 with uint8 activations), bias
// int32 (int32 or int64 for int16 activations).
struct QuantSetup {
  DataType type = DataType::kInt8;        // input and output
  DataType bias_type = DataType::kInt32;  // accumulator type (int32/int64)
  bool has_bias = false;
  bool per_channel = false;
  int32_t input_offset = 0;   // -input zero point
  int32_t filter_offset = 0;  // -filter zero point (per-tensor weights)
  int32_t output_offset = 0;  // output zero point
  int32_t act_min = 0, act_max = 0;
  float input_scale = 0.f, output_scale = 0.f;
  std::vector<float> filter_scales;  // one per channel (a per-tensor scale repeated)
};

// Checks the quantized inputs [input_i, filter_i, bias_i (optional)] and
// output 0 of a node whose weights have `channels` output channels along
// dimension `quant_dim`. `quantized_bias_type` is the option of that name
// (picks the accumulator of 16x8 nodes without bias).
Status PrepareQuant(OpContext& ctx, int input_i, int filter_i, int bias_i, int32_t channels,
                    int quant_dim, tfl::ActivationFunctionType act,
                    tfl::TensorType quantized_bias_type, QuantSetup* q);

// Per-channel fixed-point multipliers in_scale * w_scale / out_scale. LiteRT
// forms the product in double for int8/int16 (per-channel path) and in float
// for uint8 (legacy per-tensor path); `float_product` selects the latter.
std::vector<quant::Multiplier> ChannelMultipliers(const QuantSetup& q, bool float_product);

// Copies offsets and clamp range into the kernels' parameter block, pointing
// it at `multipliers` (which must outlive it; keep both in the op state).
void SetQuantParams(const QuantSetup& q, const std::vector<quant::Multiplier>& multipliers,
                    reference::QuantConvParams* p);

// Whether a float32 node with int8 weights (dynamic-range "hybrid") is asked
// for: input FLOAT32 and weights INT8/UINT8.
bool IsHybrid(const Tensor& input, const Tensor& weights);

// Scratch of a hybrid node: the input quantized on the fly (one byte per
// element) and a scale and zero point per quantized row or image.
struct HybridScratchIds {
  int quantized = -1, scales = -1, zero_points = -1;
  Status Request(OpContext& ctx, int64_t elements, int64_t rows);
  reference::HybridScratch Get(OpContext& ctx) const;
};

// The checks CONV_2D and DEPTHWISE_CONV_2D open with: 2-3 inputs and one
// output, input and filter present, a float, quantized or hybrid type
// combination, rank-4 input and filter.
Status CheckConvLikeInputs(OpContext& ctx, bool* quantized, bool* hybrid);

// The sliding-window options of CONV_2D and DEPTHWISE_CONV_2D, validated.
struct ConvWindow {
  tfl::Padding padding = tfl::Padding::SAME;
  int32_t stride_h = 0, stride_w = 0, dilation_h = 1, dilation_w = 1;
  tfl::ActivationFunctionType act = tfl::ActivationFunctionType::NONE;
};
template <typename Options>
Status ReadConvWindow(OpContext& ctx, const Options* opts, ConvWindow* w) {
  if (opts) {
    w->padding = opts->padding();
    w->stride_h = opts->stride_h();
    w->stride_w = opts->stride_w();
    w->dilation_h = opts->dilation_h_factor();
    w->dilation_w = opts->dilation_w_factor();
    w->act = opts->fused_activation_function();
  }
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, w->stride_h, "stride_h"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, w->stride_w, "stride_w"));
  EDGEML_RETURN_IF_ERROR(CheckPositive(ctx, w->dilation_h, "dilation_h_factor"));
  return CheckPositive(ctx, w->dilation_w, "dilation_w_factor");
}

// Output size and padding of the window over the input of `shape` (whose
// input and filter sizes are set): fills shape->out_h/out_w and the
// stride, dilation and padding fields of `params`.
Status PlanConvWindow(OpContext& ctx, const ConvWindow& w, reference::ConvShape* shape,
                      reference::ConvParams* params);

// Validated weights of a hybrid node: INT8 with full data, one finite
// non-negative scale or one per output channel along `quant_dim`. Weight zero
// points are ignored, as LiteRT's hybrid kernels do (symmetric weights).
struct HybridWeights {
  bool per_channel = false;   // more than one scale
  bool uniform = true;        // every channel has the same scale
  float tensor_scale = 0.f;   // scale[0]
  std::vector<float> scales;  // one per output channel (a single scale repeated)
};
Status PrepareHybridWeights(OpContext& ctx, int weights_i, int32_t channels, int quant_dim,
                            HybridWeights* w);

// The float output of a hybrid node must be FLOAT32.
Status CheckHybridOutput(OpContext& ctx);

// A float32 fast kernel picked at prepare from the CPU features, with its
// weights packed once. `rows` is null when only the reference applies
// (portable build or CPU, or weights/bias not constant).
struct FastConvF32 {
  fast::ConvF32RowsFn rows = nullptr;
  std::vector<float> filter, bias;  // packed for `rows`
};

// Picks and packs for CONV_2D (groups == 1) or, with `depthwise`,
// DEPTHWISE_CONV_2D (multiplier 1). The filter is input 1, the optional bias
// input 2; both must be constant, else *f is left without a kernel.
void PrepareFastConvF32(OpContext& ctx, const reference::ConvShape& s, bool has_bias,
                        bool depthwise, FastConvF32* f);

// Runs f.rows over all output rows through ctx.ParallelFor.
void RunFastConvF32(OpContext& ctx, const FastConvF32& f, const reference::ConvParams& p,
                    const reference::ConvShape& s);

}  // namespace edgeml::ops::conv_family
