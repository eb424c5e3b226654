// Post-training quantization of a float model (tfl::ModelT), following the
// converter's conventions so that LiteRT runs the result:
//   kDynamic:  int8 weights (symmetric; per channel for CONV_2D dim 0 and
//              DEPTHWISE_CONV_2D dim 3, per tensor or per channel for
//              FULLY_CONNECTED), float activations (hybrid kernels).
//   kInt8:     int8 activations (asymmetric, per tensor, from calibration),
//              symmetric int8 weights, int32 biases with scale
//              input_scale x weight_scale. Ops without an integer kernel stay
//              float behind DEQUANTIZE / QUANTIZE.
//   kInt16x8:  the same with int16 activations (symmetric) and int64 biases.
//   kFloat16:  float16 constants behind DEQUANTIZE.
// Models whose weights are float16 or int8 behind DEQUANTIZE (MediaPipe) are
// first folded to float32 constants.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "tflite_generated.h"

namespace edgeml::optimize {

enum class QuantMode { kDynamic, kInt8, kInt16x8, kFloat16 };
enum class IoType { kFloat, kInt8, kUInt8 };

Status ParseQuantMode(const std::string& s, QuantMode* out);
Status ParseIoType(const std::string& s, IoType* out);
const char* QuantModeName(QuantMode m);

// Observed range of one float tensor of subgraph 0.
struct TensorRange {
  float min = 0;
  float max = 0;
};
// Tensor index (subgraph 0) -> range.
using RangeMap = std::map<int, TensorRange>;

struct QuantizeOptions {
  QuantMode mode = QuantMode::kInt8;
  // Per-channel weights for FULLY_CONNECTED too (conv and depthwise are per
  // channel unless per_tensor).
  bool per_channel_fc = false;
  bool per_tensor = false;  // one scale for every weight tensor
  IoType io = IoType::kFloat;
  std::vector<std::string> skip;  // op names kept float ("CONV_2D")
  // Dynamic mode: weight tensors with fewer elements stay float (converter
  // default 1024).
  int64_t dynamic_min_elements = 1024;
};

struct QuantizeSummary {
  size_t tensors_quantized = 0;  // weights and activations now integer/fp16
  size_t ops_quantized = 0;
  std::map<std::string, int> ops_left_float;  // op name -> count
  int dequantize_folded = 0;                  // constant DEQUANTIZE folded first
  int quantize_ops_added = 0;
  int dequantize_ops_added = 0;
};

// Folds constant DEQUANTIZE ops (the form calibration runs); returns how
// many were folded.
int PrepareFloatModel(tfl::ModelT* model);

// Quantizes `model` in place. kInt8 / kInt16x8 need `ranges` for the float
// tensors of subgraph 0 (Calibrate, calibrate.h), indexed as in the model
// after PrepareFloatModel. Models with several subgraphs are quantized in
// subgraph 0 only for those modes (others keep float).
Status QuantizeModel(tfl::ModelT* model, const QuantizeOptions& options, const RangeMap& ranges,
                     QuantizeSummary* summary);

}  // namespace edgeml::optimize
