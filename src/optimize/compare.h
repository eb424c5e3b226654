// Output agreement between two models run on the same samples (a reference
// model A, usually float, and a transformed model B).
#pragma once

#include <string>
#include <vector>

#include "edgeml/status.h"
#include "optimize/runner.h"

namespace edgeml::optimize {

struct OutputAgreement {
  std::string name;     // model A's output tensor name
  std::string shape;    // "[1,1001]"
  double max_abs = 0;   // largest |a - b| over all samples
  double mean_abs = 0;  // mean |a - b|
  double cosine = 1;    // cosine similarity of the concatenated outputs
  // Classifier-shaped outputs ([1,N] or [N], N >= 10): samples whose argmax agrees.
  int top1_agree = -1;  // -1: not a classifier output
  // Mask-shaped outputs ([1,H,W,1]): intersection over union of value > 0.5
  // over all samples; -1 when not a mask.
  double mask_iou = -1;
};

struct Agreement {
  size_t samples = 0;
  std::vector<OutputAgreement> outputs;
  double min_cosine() const;
};

// Runs both models on every sample; the models must have the same number of
// outputs with the same element counts.
Status CompareOutputs(Runner& a, Runner& b, const std::vector<Sample>& samples, Agreement* out);

}  // namespace edgeml::optimize
