// A Sequential model: a stack of layers trained with mini-batch gradient
// descent (Keras Model.fit semantics: seeded shuffling each epoch, the last
// partial batch kept, validation after each epoch, early stopping).
//
// Optional during training:
//   - magnitude pruning with a polynomial-decay sparsity schedule (the
//     tfmot schedule: s(t) = final + (initial - final) * (1 - p)^3 with
//     p = (t - begin) / (end - begin)), kernels only, masks applied after every
//     update;
//   - quantization-aware training: weights fake-quantized per channel
//     (symmetric int8) and activations per tensor (asymmetric int8, ranges
//     from an exponential moving average) at the points where the exported
//     int8 model has a tensor; gradients pass straight through inside the
//     range. The same range tracking without fake quantization calibrates
//     post-training quantization.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "train/layers.h"
#include "train/loss.h"
#include "train/optimizer.h"

namespace edgeml::train {

struct Dataset {
  Array x;                               // [N, ...]
  Array y;                               // [N] class indices, or [N, ...] targets
  std::vector<std::string> class_names;  // may be empty
  int64_t size() const { return x.shape.empty() ? 0 : x.shape[0]; }
};

// Copies examples `indices` of `from` into `to` (x and y).
void Gather(const Dataset& from, const std::vector<int64_t>& indices, Dataset* to);

struct PruningConfig {
  bool enabled = false;
  float initial_sparsity = 0.f;
  float final_sparsity = 0.5f;
  int64_t begin_step = 0;
  int64_t end_step = -1;  // -1: the last step of training
  int64_t frequency = 100;
};

// Sparsity of the schedule at step `step`.
float PolynomialDecaySparsity(const PruningConfig& c, int64_t step);

struct QuantRange {
  float min = 0.f, max = 0.f;
  bool set = false;
  bool fixed = false;  // softmax/logistic outputs: [0, 1) with scale 1/256
};

// int8 parameters of an activation range: asymmetric with zero exactly
// representable; fixed ranges (probabilities) give scale 1/256, zero point
// -128. Training's fake quantization and the int8 export both use this.
void ActivationQuantParams(const QuantRange& r, float* scale, int* zero_point);

struct EarlyStopping {
  bool enabled = false;
  std::string monitor = "val_loss";  // or val_accuracy, loss, accuracy
  int patience = 2;
  float min_delta = 0.f;
  bool restore_best_weights = true;
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  uint64_t seed = 0;
  bool shuffle = true;
  EarlyStopping early_stopping;
  PruningConfig pruning;
};

struct EpochLog {
  int epoch = 0;
  double loss = 0, accuracy = -1, val_loss = -1, val_accuracy = -1;
  double seconds = 0;
  double sparsity = 0;
};

// Progress of the running epoch: batches done, total, running loss/accuracy.
struct BatchProgress {
  int epoch, epochs;
  int64_t batch, batches, examples;
  double loss, accuracy, seconds;
};

class Sequential {
 public:
  void Add(std::unique_ptr<Layer> layer) { layers_.push_back(std::move(layer)); }
  // Builds every layer for `input_shape` (without batch); weights from `seed`.
  Status Build(const Dims& input_shape, uint64_t seed);
  void Compile(LossKind loss, const OptimizerConfig& opt);

  const Dims& input_shape() const { return input_shape_; }
  Dims output_shape() const;
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }
  std::vector<Param*> params();
  int64_t CountParams(bool trainable_only) const;
  std::string Summary() const;
  LossKind loss() const { return loss_; }

  // Forward pass; the result stays valid until the next call.
  const Array& Forward(const Array& x, bool training);
  // Backward pass from the output of the last Forward; fills param grads.
  Status Backward(const Array& target);
  // One optimizer step on a batch; returns the batch loss and correct count.
  Status TrainStep(const Array& x, const Array& y, float* loss, int64_t* correct);

  Status Predict(const Array& x, int batch_size, Array* out);
  Status Evaluate(const Dataset& data, int batch_size, double* loss, double* accuracy);

  using ProgressFn = std::function<void(const BatchProgress&)>;
  using EpochFn = std::function<void(const EpochLog&)>;
  Status Fit(const Dataset& train, const Dataset* validation, const FitOptions& options,
             std::vector<EpochLog>* history, const ProgressFn& on_batch = nullptr,
             const EpochFn& on_epoch = nullptr);

  // Pruning: applies the masks for sparsity `s` (smallest magnitudes of each
  // kernel set to zero) and keeps them applied after each update.
  void PruneTo(float sparsity);
  double KernelSparsity() const;

  // Quantization. The activation quantization points: index 0 is the model
  // input, i + 1 the output of layer i (points that are not tensors of the
  // int8 model share the range of their source).
  bool IsQuantPoint(int layer) const;
  // Source point whose range the output of `layer` uses (itself when a point).
  int RangeSource(int layer) const;
  void EnableQat(bool on) { qat_ = on; }
  bool qat() const { return qat_; }
  // Observes ranges without fake quantization (post-training calibration).
  Status Calibrate(const Dataset& data, int batch_size, int64_t max_examples);
  const std::vector<QuantRange>& ranges() const { return ranges_; }
  float ema_decay = 0.99f;

 private:
  void ObserveAndFakeQuant(int point, Array* a, bool training);
  void FakeQuantWeights();
  void RestoreWeights();
  int NextNonDropout(int i) const;

  std::vector<std::unique_ptr<Layer>> layers_;
  Dims input_shape_;
  LossKind loss_ = LossKind::kSparseCategoricalCrossentropy;
  std::unique_ptr<Optimizer> optimizer_;
  Rng rng_;
  std::vector<Array> acts_;   // acts_[0] input, acts_[i+1] output of layer i
  std::vector<Array> grads_;  // scratch
  bool built_ = false;
  bool qat_ = false;
  bool observing_ = false;
  std::vector<QuantRange> ranges_;
  std::vector<std::vector<uint8_t>> clip_masks_;  // STE: 1 where inside the range
  std::vector<std::vector<float>> master_;        // float weights during QAT steps
};

}  // namespace edgeml::train
