// Optimizers (see optimizer.h).
#include "train/optimizer.h"

#include <cmath>

namespace edgeml::train {

float ScheduledRate(float initial, const ScheduleConfig& s, int64_t step) {
  switch (s.kind) {
    case ScheduleConfig::Kind::kConstant:
      return initial;
    case ScheduleConfig::Kind::kExponentialDecay: {
      double p = static_cast<double>(step) / static_cast<double>(s.decay_steps);
      if (s.staircase) p = std::floor(p);
      return static_cast<float>(initial * std::pow(static_cast<double>(s.decay_rate), p));
    }
    case ScheduleConfig::Kind::kCosineDecay: {
      const double t = std::min<double>(static_cast<double>(step), s.decay_steps) /
                       static_cast<double>(s.decay_steps);
      const double cosine = 0.5 * (1.0 + std::cos(M_PI * t));
      return static_cast<float>(initial * ((1.0 - s.alpha) * cosine + s.alpha));
    }
  }
  return initial;
}

float Optimizer::current_rate() const {
  return ScheduledRate(c_.learning_rate, c_.schedule, step_);
}

void Optimizer::Step(const std::vector<Param*>& params) {
  if (m_.size() != params.size()) {
    m_.assign(params.size(), {});
    v_.assign(params.size(), {});
  }
  const float lr = current_rate();
  ++step_;
  for (size_t i = 0; i < params.size(); ++i) {
    Param* p = params[i];
    if (!p->trainable) continue;
    const size_t n = p->value.size();
    float* w = p->value.data();
    const float* g = p->grad.data();
    if (c_.kind == OptimizerConfig::Kind::kSgd) {
      if (c_.momentum == 0.f) {
        for (size_t j = 0; j < n; ++j) w[j] -= lr * g[j];
        continue;
      }
      if (m_[i].size() != n) m_[i].assign(n, 0.f);
      float* vel = m_[i].data();
      for (size_t j = 0; j < n; ++j) {
        vel[j] = c_.momentum * vel[j] - lr * g[j];
        w[j] += c_.nesterov ? c_.momentum * vel[j] - lr * g[j] : vel[j];
      }
    } else {
      if (m_[i].size() != n) {
        m_[i].assign(n, 0.f);
        v_[i].assign(n, 0.f);
      }
      const double t = static_cast<double>(step_);
      const float alpha = static_cast<float>(lr * std::sqrt(1.0 - std::pow(c_.beta_2, t)) /
                                             (1.0 - std::pow(c_.beta_1, t)));
      float* m = m_[i].data();
      float* v = v_[i].data();
      for (size_t j = 0; j < n; ++j) {
        m[j] += (g[j] - m[j]) * (1.f - c_.beta_1);
        v[j] += (g[j] * g[j] - v[j]) * (1.f - c_.beta_2);
        w[j] -= alpha * m[j] / (std::sqrt(v[j]) + c_.epsilon);
      }
    }
  }
}

}  // namespace edgeml::train
