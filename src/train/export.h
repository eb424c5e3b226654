// Exporting a trained Sequential model as a standard .tflite file.
//
// Layers become builtin ops: Conv2D -> CONV_2D, DepthwiseConv2D ->
// DEPTHWISE_CONV_2D, Dense -> FULLY_CONNECTED, MaxPool2D/AveragePool2D ->
// MAX_POOL_2D/AVERAGE_POOL_2D, GlobalAveragePooling2D -> MEAN over H and W,
// Flatten/Reshape -> RESHAPE, Softmax -> SOFTMAX, sigmoid -> LOGISTIC,
// ReLU/ReLU6 -> fused into the preceding op or RELU/RELU6. Dropout is dropped.
// A BatchNormalization after a Conv2D/DepthwiseConv2D/Dense (before its
// activation) is folded into its weights and bias; elsewhere it becomes
// MUL + ADD (float only).
//
// The file has batch size 1, input and output tensors named as asked, a
// "serving_default" signature, and TFLite Metadata (model name, tensor names,
// the class labels as the TENSOR_AXIS_LABELS file of the output).
//
// int8: full-integer quantization (int8 input and output tensors, int8
// activations per tensor, int8 weights symmetric per channel for
// convolutions and per tensor for FULLY_CONNECTED, int32 biases) from the
// activation ranges the model recorded (QAT or Calibrate).
//
// sparse: kernels with pruning masks are written as sparse tensors
// (SparsityParameters: dense outer dimensions, CSR innermost) feeding a
// DENSIFY op, as the TensorFlow converter writes pruned models; a kernel
// stays dense when the sparse form would take more bytes.
#pragma once

#include <string>
#include <vector>

#include "edgeml/status.h"
#include "train/sequential.h"

namespace edgeml::train {

struct ExportOptions {
  bool int8 = false;
  bool sparse = false;
  std::string input_name = "input";
  std::string output_name = "output";
  std::string model_name = "model";
  std::string description;
  std::vector<std::string> labels;  // written to the metadata when non-empty
};

Status ExportTflite(Sequential& model, const ExportOptions& options, std::vector<uint8_t>* out);
Status ExportTfliteToFile(Sequential& model, const ExportOptions& options, const std::string& path,
                          size_t* bytes_written = nullptr);

}  // namespace edgeml::train
