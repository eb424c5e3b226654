#include "optimize/calibrate.h"

#include <algorithm>
#include <cmath>

#include "format/writer.h"
#include "optimize/model_edit.h"

namespace edgeml::optimize {

Status Calibrate(const tfl::ModelT& model, const std::vector<Sample>& samples,
                 const CalibrationOptions& options, RangeMap* ranges) {
  ranges->clear();
  if (samples.empty()) return Status(StatusCode::kInvalidArgument, "no calibration samples");
  if (model.subgraphs.empty()) return Status(StatusCode::kInvalidModel, "model has no subgraph");
  if (!(options.percentile > 50.0 && options.percentile <= 100.0)) {
    return Status(StatusCode::kInvalidArgument, "--percentile must be in (50, 100]");
  }
  tfl::ModelT copy(model);
  tfl::SubGraphT& g = *copy.subgraphs[0];
  std::vector<char> is_output(g.tensors.size(), 0);
  for (int32_t t : g.outputs) is_output[t] = 1;
  std::vector<char> produced(g.tensors.size(), 0);
  for (auto& op : g.operators) {
    for (int32_t t : op->outputs) {
      if (t >= 0) produced[t] = 1;
    }
  }
  for (int32_t t : g.inputs) produced[t] = 1;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const tfl::TensorT& x = *g.tensors[t];
    if (x.type == tfl::TensorType::FLOAT32 && produced[t] && !is_output[t] &&
        !IsConstant(copy, x)) {
      g.outputs.push_back(static_cast<int32_t>(t));
    }
  }
  std::vector<int32_t> watched = g.outputs;
  for (int32_t t : g.inputs) {
    if (g.tensors[t]->type == tfl::TensorType::FLOAT32) watched.push_back(t);
  }
  std::vector<uint8_t> bytes;
  EDGEML_RETURN_IF_ERROR(format::WriteModel(copy, &bytes));
  std::unique_ptr<Runner> runner;
  EDGEML_RETURN_IF_ERROR(
      Runner::FromBytes(bytes, options.threads, &runner).WithPrefix("calibration model"));
  Interpreter& interp = runner->interpreter();

  std::vector<float> lo_values, hi_values;
  for (size_t k = 0; k < samples.size(); ++k) {
    EDGEML_RETURN_IF_ERROR(
        runner->Run(samples[k]).WithPrefix("calibration sample '" + samples[k].source + "'"));
    for (int32_t t : watched) {
      const Tensor* x = interp.tensor(t);
      if (x == nullptr || x->type != DataType::kFloat32 || x->data == nullptr) continue;
      const float* v = x->data_as<float>();
      const int64_t n = x->num_elements();
      if (n == 0) continue;
      float lo, hi;
      if (options.percentile >= 100.0) {
        lo = hi = v[0];
        for (int64_t i = 1; i < n; ++i) {
          lo = std::min(lo, v[i]);
          hi = std::max(hi, v[i]);
        }
      } else {
        std::vector<float> sorted(v, v + n);
        const double q = options.percentile / 100.0;
        const size_t hi_i = std::min<size_t>(n - 1, static_cast<size_t>(std::ceil(q * (n - 1))));
        const size_t lo_i = n - 1 - hi_i;
        std::nth_element(sorted.begin(), sorted.begin() + hi_i, sorted.end());
        hi = sorted[hi_i];
        std::nth_element(sorted.begin(), sorted.begin() + lo_i, sorted.end());
        lo = sorted[lo_i];
      }
      if (!std::isfinite(lo) || !std::isfinite(hi)) continue;
      auto it = ranges->find(t);
      if (it == ranges->end()) {
        (*ranges)[t] = {lo, hi};
      } else {
        it->second.min = std::min(it->second.min, lo);
        it->second.max = std::max(it->second.max, hi);
      }
    }
    if (options.progress) options.progress(k + 1, samples.size());
  }
  return Status::Ok();
}

}  // namespace edgeml::optimize
