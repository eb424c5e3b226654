// Losses (see loss.h).
#include "train/loss.h"

#include <algorithm>
#include <cmath>

namespace edgeml::train {
namespace {

// Keras clips probabilities to [eps, 1 - eps] before the logarithm.
constexpr float kEpsilon = 1e-7f;

// Class index of row r of `target` (indices or one-hot), -1 if invalid.
int TargetClass(const Array& target, int64_t r, int classes) {
  if (target.shape.size() == 1) {
    const float v = target.data[r];
    const int c = static_cast<int>(v);
    return (c >= 0 && c < classes && static_cast<float>(c) == v) ? c : -1;
  }
  const float* t = target.data.data() + r * classes;
  return static_cast<int>(std::max_element(t, t + classes) - t);
}

Status CheckClassTargets(const char* loss, const Array& pred, const Array& target) {
  if (pred.shape.size() != 2) {
    return Errorf(StatusCode::kInvalidArgument, "%s: predictions must be [batch, classes], got %s",
                  loss, DimsToString(pred.shape).c_str());
  }
  const bool indices = target.shape.size() == 1 && target.shape[0] == pred.shape[0];
  const bool one_hot = target.shape == pred.shape;
  if (!indices && !one_hot) {
    return Errorf(StatusCode::kInvalidArgument,
                  "%s: targets %s do not match predictions %s (class indices or one-hot)", loss,
                  DimsToString(target.shape).c_str(), DimsToString(pred.shape).c_str());
  }
  if (indices) {
    for (int64_t r = 0; r < pred.shape[0]; ++r) {
      if (TargetClass(target, r, pred.shape[1]) < 0) {
        return Errorf(StatusCode::kInvalidArgument,
                      "%s: target %g of example %lld is not a class index in [0, %d)", loss,
                      static_cast<double>(target.data[r]), static_cast<long long>(r),
                      pred.shape[1]);
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ParseLoss(const std::string& name, LossKind* out) {
  if (name == "categorical_crossentropy") {
    *out = LossKind::kCategoricalCrossentropy;
  } else if (name == "sparse_categorical_crossentropy") {
    *out = LossKind::kSparseCategoricalCrossentropy;
  } else if (name == "mse" || name == "mean_squared_error") {
    *out = LossKind::kMeanSquaredError;
  } else {
    return Errorf(StatusCode::kInvalidArgument,
                  "unknown loss '%s' (categorical_crossentropy, sparse_categorical_crossentropy, "
                  "mean_squared_error)",
                  name.c_str());
  }
  return Status::Ok();
}

const char* LossName(LossKind k) {
  switch (k) {
    case LossKind::kCategoricalCrossentropy:
      return "categorical_crossentropy";
    case LossKind::kSparseCategoricalCrossentropy:
      return "sparse_categorical_crossentropy";
    case LossKind::kMeanSquaredError:
      return "mean_squared_error";
  }
  return "?";
}

Status ComputeLoss(LossKind kind, const Array& pred, const Array& target, float* loss,
                   Array* grad) {
  const int64_t n = pred.shape.empty() ? 0 : pred.shape[0];
  if (n == 0) return Errorf(StatusCode::kInvalidArgument, "loss: empty batch");
  if (grad) grad->Zeros(pred.shape);
  double total = 0.0;
  if (kind == LossKind::kMeanSquaredError) {
    if (target.data.size() != pred.data.size()) {
      return Errorf(StatusCode::kInvalidArgument,
                    "mean_squared_error: targets %s do not match predictions %s",
                    DimsToString(target.shape).c_str(), DimsToString(pred.shape).c_str());
    }
    const double count = static_cast<double>(pred.size());
    for (int64_t i = 0; i < pred.size(); ++i) {
      const double d = pred.data[i] - target.data[i];
      total += d * d;
      if (grad) grad->data[i] = static_cast<float>(2.0 * d / count);
    }
    *loss = static_cast<float>(total / count);
    return Status::Ok();
  }
  const char* name = LossName(kind);
  if (kind == LossKind::kSparseCategoricalCrossentropy &&
      !(target.shape.size() == 1 && target.shape[0] == n)) {
    return Errorf(StatusCode::kInvalidArgument, "%s: targets must be class indices [batch], got %s",
                  name, DimsToString(target.shape).c_str());
  }
  EDGEML_RETURN_IF_ERROR(CheckClassTargets(name, pred, target));
  const int classes = pred.shape[1];
  const bool indices = target.shape.size() == 1;
  for (int64_t r = 0; r < n; ++r) {
    const float* p = pred.data.data() + r * classes;
    for (int c = 0; c < classes; ++c) {
      const float y = indices ? (TargetClass(target, r, classes) == c ? 1.f : 0.f)
                              : target.data[r * classes + c];
      if (y == 0.f) continue;
      const float pc = std::min(std::max(p[c], kEpsilon), 1.f - kEpsilon);
      total -= y * std::log(pc);
      if (grad && p[c] > kEpsilon && p[c] < 1.f - kEpsilon) {
        grad->data[r * classes + c] = -y / (pc * static_cast<float>(n));
      }
    }
  }
  *loss = static_cast<float>(total / static_cast<double>(n));
  return Status::Ok();
}

Status SoftmaxCrossEntropyLogitGrad(const Array& probs, const Array& target, Array* grad) {
  EDGEML_RETURN_IF_ERROR(CheckClassTargets("softmax cross-entropy", probs, target));
  const int64_t n = probs.shape[0];
  const int classes = probs.shape[1];
  const bool indices = target.shape.size() == 1;
  grad->Resize(probs.shape);
  const float inv_n = 1.f / static_cast<float>(n);
  for (int64_t r = 0; r < n; ++r) {
    const int cls = indices ? TargetClass(target, r, classes) : -1;
    for (int c = 0; c < classes; ++c) {
      const float y = indices ? (cls == c ? 1.f : 0.f) : target.data[r * classes + c];
      grad->data[r * classes + c] = (probs.data[r * classes + c] - y) * inv_n;
    }
  }
  return Status::Ok();
}

double Accuracy(const Array& pred, const Array& target, int64_t* correct) {
  if (pred.shape.size() != 2 || pred.shape[0] == 0) return -1;
  const int64_t n = pred.shape[0];
  const int classes = pred.shape[1];
  const bool indices = target.shape.size() == 1 && target.shape[0] == n;
  if (!indices && target.shape != pred.shape) return -1;
  int64_t ok = 0;
  for (int64_t r = 0; r < n; ++r) {
    const float* p = pred.data.data() + r * classes;
    const int guess = static_cast<int>(std::max_element(p, p + classes) - p);
    ok += guess == TargetClass(target, r, classes);
  }
  if (correct) *correct = ok;
  return static_cast<double>(ok) / static_cast<double>(n);
}

}  // namespace edgeml::train
