// Losses over a batch (Keras definitions, mean over the batch).
#pragma once

#include <string>

#include "edgeml/status.h"
#include "train/array.h"

namespace edgeml::train {

enum class LossKind { kCategoricalCrossentropy, kSparseCategoricalCrossentropy, kMeanSquaredError };

Status ParseLoss(const std::string& name, LossKind* out);
const char* LossName(LossKind k);

// Targets: class indices [batch] for the sparse loss; for the categorical
// loss either one-hot [batch, classes] or class indices (one-hot implied);
// for MSE the same shape as the prediction. Returns the mean loss and, when
// `grad` is non-null, d(loss)/d(pred).
Status ComputeLoss(LossKind kind, const Array& pred, const Array& target, float* loss, Array* grad);

// The gradient with respect to the logits of a final softmax under a
// cross-entropy loss, (p - y) / batch: exact and numerically safer than
// chaining the two backward passes.
Status SoftmaxCrossEntropyLogitGrad(const Array& probs, const Array& target, Array* grad);

// Fraction of rows whose argmax matches the target class (indices or one-hot).
// -1 when the targets are not classes.
double Accuracy(const Array& pred, const Array& target, int64_t* correct = nullptr);

}  // namespace edgeml::train
