// Running an image model through the public edgeml API: load the .tflite,
// build an interpreter, fill the image input and time Invoke().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/image.h"
#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"

namespace edgeml::apps {

// Pixel value v (0..255) becomes (v - mean) / std for a float input; for a
// uint8/int8 input the same real value is quantized with the input's scale
// and zero point.
struct PixelRange {
  float mean = 127.5f;
  float std = 127.5f;
};
constexpr PixelRange kMinusOneToOne{127.5f, 127.5f};
constexpr PixelRange kZeroToOne{0.0f, 255.0f};

class ImageModel {
 public:
  Status Load(const std::string& path, int num_threads = 1);

  // Input 0's size: [1, H, W, C] with C 1 or 3.
  int input_width() const { return width_; }
  int input_height() const { return height_; }
  int input_channels() const { return channels_; }

  // Writes `image` (already at input_width x input_height) into input 0.
  Status SetInput(const Image& image, PixelRange range);
  // Runs the model; returns the time Invoke() took in milliseconds.
  Status Invoke(double* ms);

  Interpreter& interpreter() { return *interp_; }
  const Model& model() const { return *model_; }
  Tensor* output(int i) { return interp_->output(i); }
  int num_outputs() const { return static_cast<int>(interp_->outputs().size()); }
  // Output i as floats (dequantized when quantized).
  Status OutputFloats(int i, std::vector<float>* out);
  // Tensor `index` as floats.
  Status TensorFloats(int index, std::vector<float>* out);

 private:
  std::unique_ptr<Model> model_;
  BuiltinOpResolver resolver_;
  std::unique_ptr<Interpreter> interp_;
  int width_ = 0, height_ = 0, channels_ = 0;
};

}  // namespace edgeml::apps
