// Optimizers (Keras update rules) and learning-rate schedules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "train/array.h"

namespace edgeml::train {

struct ScheduleConfig {
  enum class Kind { kConstant, kExponentialDecay, kCosineDecay } kind = Kind::kConstant;
  int64_t decay_steps = 1000;
  float decay_rate = 0.96f;  // exponential: lr * rate^(step / decay_steps)
  bool staircase = false;    // exponential: integer division of the exponent
  float alpha = 0.f;         // cosine: final fraction of the initial rate
};

// The learning rate at optimizer step `step` (0-based).
float ScheduledRate(float initial, const ScheduleConfig& s, int64_t step);

struct OptimizerConfig {
  enum class Kind { kSgd, kAdam } kind = Kind::kAdam;
  float learning_rate = 0.001f;
  float momentum = 0.f;                                   // SGD
  bool nesterov = false;                                  // SGD
  float beta_1 = 0.9f, beta_2 = 0.999f, epsilon = 1e-7f;  // Adam
  ScheduleConfig schedule;
};

class Optimizer {
 public:
  explicit Optimizer(const OptimizerConfig& c) : c_(c) {}
  // Applies one update to every trainable parameter from its grad.
  void Step(const std::vector<Param*>& params);
  int64_t iterations() const { return step_; }
  float current_rate() const;
  const OptimizerConfig& config() const { return c_; }

 private:
  OptimizerConfig c_;
  int64_t step_ = 0;
  std::vector<std::vector<float>> m_, v_;  // per parameter (momentum / Adam moments)
};

}  // namespace edgeml::train
