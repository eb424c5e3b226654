// Layers of a trainable Sequential model: forward (the runtime's reference
// kernels where one exists) and reverse-mode backward passes.
//
// Shapes exclude the batch axis in Build and include it (first) in arrays.
// Weights are kept in the layout the .tflite export writes, so that export
// copies them and the forward pass is the runtime's own kernel:
//   Dense [units, depth], Conv2D [out, kh, kw, in] (OHWI),
//   DepthwiseConv2D [1, kh, kw, in * multiplier].
// Backward(x, y, dy, dx) receives the forward input and output, writes dx
// (when non-null) and overwrites the gradients of the layer's parameters.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "train/array.h"

namespace edgeml::train {

enum class Padding { kValid, kSame };
enum class ActivationKind { kLinear, kRelu, kRelu6, kSoftmax, kSigmoid };

Status ParseActivation(const std::string& name, ActivationKind* out);
const char* ActivationName(ActivationKind a);

// Output size and leading padding of a windowed op, as TFLite computes them.
void WindowGeometry(int in, int filter, int stride, Padding padding, int* out, int* pad_before);

class Layer {
 public:
  virtual ~Layer() = default;
  virtual const char* type() const = 0;
  // Checks the input shape, sets the output shape and creates (and
  // initializes) the parameters.
  virtual Status Build(const Dims& input_shape, Rng* rng) = 0;
  virtual void Forward(const Array& x, Array* y, bool training, Rng* rng) = 0;
  virtual void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) = 0;

  const Dims& input_shape() const { return in_; }
  const Dims& output_shape() const { return out_; }
  std::vector<Param*> params() {
    std::vector<Param*> p;
    for (auto& q : params_) p.push_back(q.get());
    return p;
  }
  Param* param(const std::string& name) {
    for (auto& q : params_) {
      if (q->name == name) return q.get();
    }
    return nullptr;
  }
  std::string name;

 protected:
  Param* AddParam(const std::string& pname, const Dims& shape, bool trainable = true);
  Dims in_, out_;
  std::vector<std::unique_ptr<Param>> params_;
};

// Keras glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
void GlorotUniform(Param* p, int fan_in, int fan_out, Rng* rng);

class Dense : public Layer {
 public:
  Dense(int units, bool use_bias) : units_(units), use_bias_(use_bias) {}
  const char* type() const override { return "Dense"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  int units() const { return units_; }
  bool use_bias() const { return use_bias_; }

 private:
  int units_;
  bool use_bias_;
};

struct ConvConfig {
  int filters = 0;  // Conv2D only
  int kernel_h = 3, kernel_w = 3;
  int stride_h = 1, stride_w = 1;
  Padding padding = Padding::kValid;
  int depth_multiplier = 1;  // DepthwiseConv2D only
  bool use_bias = true;
};

class Conv2D : public Layer {
 public:
  explicit Conv2D(const ConvConfig& c) : c_(c) {}
  const char* type() const override { return "Conv2D"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  const ConvConfig& config() const { return c_; }
  int pad_top() const { return pad_top_; }
  int pad_left() const { return pad_left_; }

 private:
  ConvConfig c_;
  int pad_top_ = 0, pad_left_ = 0;
};

class DepthwiseConv2D : public Layer {
 public:
  explicit DepthwiseConv2D(const ConvConfig& c) : c_(c) {}
  const char* type() const override { return "DepthwiseConv2D"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  const ConvConfig& config() const { return c_; }

 private:
  ConvConfig c_;
  int pad_top_ = 0, pad_left_ = 0;
};

struct PoolConfig {
  int pool_h = 2, pool_w = 2;
  int stride_h = 2, stride_w = 2;
  Padding padding = Padding::kValid;
};

class Pool2D : public Layer {
 public:
  Pool2D(bool is_max, const PoolConfig& c) : max_(is_max), c_(c) {}
  const char* type() const override { return max_ ? "MaxPool2D" : "AveragePool2D"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  bool is_max() const { return max_; }
  const PoolConfig& config() const { return c_; }

 private:
  bool max_;
  PoolConfig c_;
  int pad_top_ = 0, pad_left_ = 0;
};

class GlobalAveragePooling2D : public Layer {
 public:
  const char* type() const override { return "GlobalAveragePooling2D"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
};

// Flatten (target empty) and Reshape: only the shape changes.
class Reshape : public Layer {
 public:
  explicit Reshape(Dims target, bool flatten) : target_(std::move(target)), flatten_(flatten) {}
  const char* type() const override { return flatten_ ? "Flatten" : "Reshape"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;

 private:
  Dims target_;
  bool flatten_;
};

// Inverted dropout: scales kept values by 1/(1-rate) while training; the
// identity at inference (and in the exported model).
class Dropout : public Layer {
 public:
  explicit Dropout(float rate) : rate_(rate) {}
  const char* type() const override { return "Dropout"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  float rate() const { return rate_; }

 private:
  float rate_;
  std::vector<float> scale_;  // per element of the last training batch
};

// Keras BatchNormalization over the last axis: batch statistics while
// training (moving averages with `momentum`), moving statistics otherwise.
class BatchNormalization : public Layer {
 public:
  BatchNormalization(float momentum, float epsilon) : momentum_(momentum), epsilon_(epsilon) {}
  const char* type() const override { return "BatchNormalization"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  float epsilon() const { return epsilon_; }
  // y = x * scale + shift at inference.
  void InferenceAffine(std::vector<float>* scale, std::vector<float>* shift) const;
  // Whether the last Forward used batch statistics (Backward needs it).
  bool last_training() const { return last_training_; }

 private:
  float momentum_, epsilon_;
  bool last_training_ = false;
  std::vector<float> mean_, inv_std_;  // of the last training batch
};

class Activation : public Layer {
 public:
  explicit Activation(ActivationKind a) : a_(a) {}
  const char* type() const override { return "Activation"; }
  Status Build(const Dims& in, Rng* rng) override;
  void Forward(const Array& x, Array* y, bool training, Rng* rng) override;
  void Backward(const Array& x, const Array& y, const Array& dy, Array* dx) override;
  ActivationKind kind() const { return a_; }

 private:
  ActivationKind a_;
};

}  // namespace edgeml::train
