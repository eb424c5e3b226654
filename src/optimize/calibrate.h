// Calibration for full-integer quantization: runs the float model over
// representative samples and records each float tensor's range.
//
// The core runtime needs no hook for it: a copy of the model whose subgraph-0
// outputs include every non-constant float tensor is written and run, so
// every intermediate value comes back as an output.
#pragma once

#include <functional>
#include <vector>

#include "edgeml/status.h"
#include "optimize/quantize.h"
#include "optimize/runner.h"
#include "tflite_generated.h"

namespace edgeml::optimize {

struct CalibrationOptions {
  // 100: min/max. Below 100 (e.g. 99.99): per sample, the (100-p)th and pth
  // percentiles of each tensor, then the widest over all samples; outliers
  // no longer set the scale.
  double percentile = 100.0;
  int threads = 1;
  // Called after each sample: (done, total).
  std::function<void(size_t, size_t)> progress;
};

// `model` must be prepared (PrepareFloatModel). Ranges are keyed by tensor
// index in its subgraph 0.
Status Calibrate(const tfl::ModelT& model, const std::vector<Sample>& samples,
                 const CalibrationOptions& options, RangeMap* ranges);

}  // namespace edgeml::optimize
