// Sequential model: forward/backward over the layer stack, the training loop,
// pruning and quantization simulation (see sequential.h).
#include "train/sequential.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace edgeml::train {
namespace {

template <typename T>
const T* As(const Layer* l) {
  return dynamic_cast<const T*>(l);
}

bool IsLinearOp(const Layer* l) { return As<Conv2D>(l) || As<DepthwiseConv2D>(l) || As<Dense>(l); }

bool IsFusableActivation(const Layer* l) {
  const auto* a = As<Activation>(l);
  return a && (a->kind() == ActivationKind::kRelu || a->kind() == ActivationKind::kRelu6 ||
               a->kind() == ActivationKind::kLinear);
}

bool IsPassThrough(const Layer* l) { return As<Dropout>(l) || As<Reshape>(l) || As<Pool2D>(l); }

bool IsProbability(const Layer* l) {
  const auto* a = As<Activation>(l);
  return a && (a->kind() == ActivationKind::kSoftmax || a->kind() == ActivationKind::kSigmoid);
}

// Asymmetric int8 parameters for [lo, hi] with zero exactly representable.
void AsymmetricParams(float lo, float hi, float* scale, int* zero_point) {
  lo = std::min(lo, 0.f);
  hi = std::max(hi, 0.f);
  if (hi - lo < 1e-8f) hi = lo + 1e-8f;
  *scale = (hi - lo) / 255.f;
  const float zp = -128.f - lo / *scale;
  *zero_point = static_cast<int>(std::min(127.f, std::max(-128.f, std::round(zp))));
}

}  // namespace

void ActivationQuantParams(const QuantRange& r, float* scale, int* zero_point) {
  if (r.fixed) {
    *scale = 1.f / 256.f;
    *zero_point = -128;
    return;
  }
  AsymmetricParams(r.min, r.max, scale, zero_point);
}

void Gather(const Dataset& from, const std::vector<int64_t>& indices, Dataset* to) {
  const int64_t xrow = from.size() ? from.x.size() / from.size() : 0;
  const int64_t yrow = from.size() ? from.y.size() / from.size() : 0;
  const auto n = static_cast<int>(indices.size());
  Dims xs = from.x.shape, ys = from.y.shape;
  xs[0] = n;
  ys[0] = n;
  to->x.Resize(xs);
  to->y.Resize(ys);
  for (int i = 0; i < n; ++i) {
    std::memcpy(to->x.data.data() + i * xrow, from.x.data.data() + indices[i] * xrow,
                sizeof(float) * xrow);
    std::memcpy(to->y.data.data() + i * yrow, from.y.data.data() + indices[i] * yrow,
                sizeof(float) * yrow);
  }
}

float PolynomialDecaySparsity(const PruningConfig& c, int64_t step) {
  if (step <= c.begin_step) return c.initial_sparsity;
  if (step >= c.end_step || c.end_step <= c.begin_step) return c.final_sparsity;
  const double p = static_cast<double>(step - c.begin_step) / (c.end_step - c.begin_step);
  return static_cast<float>(c.final_sparsity +
                            (c.initial_sparsity - c.final_sparsity) * std::pow(1.0 - p, 3.0));
}

Status Sequential::Build(const Dims& input_shape, uint64_t seed) {
  if (layers_.empty()) return Errorf(StatusCode::kInvalidArgument, "the model has no layers");
  for (int v : input_shape) {
    if (v <= 0) {
      return Errorf(StatusCode::kInvalidArgument, "input_shape %s has a dimension <= 0",
                    DimsToString(input_shape).c_str());
    }
  }
  rng_.Seed(seed);
  input_shape_ = input_shape;
  Dims in = input_shape;
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer* l = layers_[i].get();
    if (l->name.empty()) l->name = std::string(l->type()) + "_" + std::to_string(i);
    EDGEML_RETURN_IF_ERROR(l->Build(in, &rng_).WithPrefix("layer " + std::to_string(i)));
    in = l->output_shape();
  }
  acts_.assign(layers_.size() + 1, Array());
  grads_.assign(layers_.size() + 1, Array());
  ranges_.assign(layers_.size() + 1, QuantRange());
  clip_masks_.assign(layers_.size() + 1, {});
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (IsProbability(layers_[i].get())) {
      ranges_[i + 1] = QuantRange{0.f, 1.f, true, true};
    }
  }
  built_ = true;
  return Status::Ok();
}

void Sequential::Compile(LossKind loss, const OptimizerConfig& opt) {
  loss_ = loss;
  optimizer_ = std::make_unique<Optimizer>(opt);
}

Dims Sequential::output_shape() const {
  return layers_.empty() ? input_shape_ : layers_.back()->output_shape();
}

std::vector<Param*> Sequential::params() {
  std::vector<Param*> out;
  for (auto& l : layers_) {
    for (Param* p : l->params()) out.push_back(p);
  }
  return out;
}

int64_t Sequential::CountParams(bool trainable_only) const {
  int64_t n = 0;
  for (const auto& l : layers_) {
    for (Param* p : const_cast<Layer*>(l.get())->params()) {
      if (!trainable_only || p->trainable) n += static_cast<int64_t>(p->value.size());
    }
  }
  return n;
}

std::string Sequential::Summary() const {
  std::string s;
  char line[200];
  std::snprintf(line, sizeof(line), "%-32s %-20s %10s\n", "Layer (type)", "Output shape", "Params");
  s += line;
  for (const auto& l : layers_) {
    int64_t n = 0;
    for (Param* p : const_cast<Layer*>(l.get())->params()) n += p->value.size();
    const std::string name = l->name + " (" + l->type() + ")";
    std::snprintf(line, sizeof(line), "%-32s %-20s %10lld\n", name.c_str(),
                  DimsToString(l->output_shape()).c_str(), static_cast<long long>(n));
    s += line;
  }
  std::snprintf(line, sizeof(line), "Total params: %lld (trainable %lld)\n",
                static_cast<long long>(CountParams(false)),
                static_cast<long long>(CountParams(true)));
  s += line;
  return s;
}

int Sequential::NextNonDropout(int i) const {
  int j = i + 1;
  while (j < static_cast<int>(layers_.size()) && As<Dropout>(layers_[j].get())) ++j;
  return j < static_cast<int>(layers_.size()) ? j : -1;
}

bool Sequential::IsQuantPoint(int i) const {
  const Layer* l = layers_[i].get();
  if (IsPassThrough(l)) return false;
  const int next = NextNonDropout(i);
  const Layer* n = next >= 0 ? layers_[next].get() : nullptr;
  if (IsLinearOp(l)) {
    return !(n && (As<BatchNormalization>(n) || IsFusableActivation(n)));
  }
  if (As<BatchNormalization>(l)) return !(n && IsFusableActivation(n));
  return true;
}

int Sequential::RangeSource(int i) const {
  if (i < 0) return 0;
  if (IsQuantPoint(i)) return i + 1;
  if (IsPassThrough(layers_[i].get())) return RangeSource(i - 1);
  return -1;  // fused into the next layer: no tensor of its own
}

void Sequential::ObserveAndFakeQuant(int point, Array* a, bool training) {
  QuantRange& r = ranges_[point];
  if (!r.fixed && (training || observing_) && a->size() > 0) {
    const auto [lo, hi] = std::minmax_element(a->data.begin(), a->data.end());
    if (!r.set) {
      r.min = *lo;
      r.max = *hi;
      r.set = true;
    } else if (observing_) {
      r.min = std::min(r.min, *lo);
      r.max = std::max(r.max, *hi);
    } else {
      r.min = r.min * ema_decay + *lo * (1.f - ema_decay);
      r.max = r.max * ema_decay + *hi * (1.f - ema_decay);
    }
  }
  if (!qat_ || !r.set) return;
  float scale;
  int zp;
  ActivationQuantParams(r, &scale, &zp);
  std::vector<uint8_t>& mask = clip_masks_[point];
  if (training) mask.assign(a->data.size(), 1);
  for (size_t i = 0; i < a->data.size(); ++i) {
    float q = std::round(a->data[i] / scale) + static_cast<float>(zp);
    if (q < -128.f || q > 127.f) {
      q = std::min(127.f, std::max(-128.f, q));
      if (training && !r.fixed) mask[i] = 0;
    }
    a->data[i] = (q - static_cast<float>(zp)) * scale;
  }
}

void Sequential::FakeQuantWeights() {
  master_.clear();
  for (Param* p : params()) {
    if (!p->is_kernel) continue;
    master_.push_back(p->value);
    const int ch = p->channel_axis_size;
    const size_t n = p->value.size();
    const size_t per = n / ch;
    std::vector<float> amax(ch, 0.f);
    for (size_t i = 0; i < n; ++i) {
      const int c = p->channel_last ? static_cast<int>(i % ch) : static_cast<int>(i / per);
      amax[c] = std::max(amax[c], std::fabs(p->value[i]));
    }
    for (size_t i = 0; i < n; ++i) {
      const int c = p->channel_last ? static_cast<int>(i % ch) : static_cast<int>(i / per);
      if (amax[c] == 0.f) continue;
      const float scale = amax[c] / 127.f;
      const float q = std::min(127.f, std::max(-127.f, std::round(p->value[i] / scale)));
      p->value[i] = q * scale;
    }
  }
}

void Sequential::RestoreWeights() {
  size_t k = 0;
  for (Param* p : params()) {
    if (!p->is_kernel) continue;
    if (k < master_.size()) p->value = std::move(master_[k++]);
  }
  master_.clear();
}

const Array& Sequential::Forward(const Array& x, bool training) {
  acts_[0] = x;
  const bool quant = qat_ || observing_;
  if (quant) ObserveAndFakeQuant(0, &acts_[0], training);
  for (size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->Forward(acts_[i], &acts_[i + 1], training, &rng_);
    if (quant && IsQuantPoint(static_cast<int>(i))) {
      ObserveAndFakeQuant(static_cast<int>(i) + 1, &acts_[i + 1], training);
    }
  }
  return acts_.back();
}

Status Sequential::Backward(const Array& target) {
  const int n = static_cast<int>(layers_.size());
  int start = n - 1;
  const auto* last = As<Activation>(layers_.back().get());
  const bool ce = loss_ != LossKind::kMeanSquaredError;
  if (ce && last && last->kind() == ActivationKind::kSoftmax) {
    EDGEML_RETURN_IF_ERROR(SoftmaxCrossEntropyLogitGrad(acts_[n], target, &grads_[n - 1]));
    start = n - 2;
  } else {
    float loss;
    EDGEML_RETURN_IF_ERROR(ComputeLoss(loss_, acts_[n], target, &loss, &grads_[n]));
  }
  for (int i = start; i >= 0; --i) {
    if (qat_ && !clip_masks_[i + 1].empty() && IsQuantPoint(i)) {
      const auto& m = clip_masks_[i + 1];
      for (size_t k = 0; k < m.size() && k < grads_[i + 1].data.size(); ++k) {
        if (!m[k]) grads_[i + 1].data[k] = 0.f;
      }
    }
    layers_[i]->Backward(acts_[i], acts_[i + 1], grads_[i + 1], i > 0 ? &grads_[i] : nullptr);
  }
  return Status::Ok();
}

Status Sequential::TrainStep(const Array& x, const Array& y, float* loss, int64_t* correct) {
  if (!built_ || !optimizer_) {
    return Errorf(StatusCode::kFailedPrecondition, "train: Build and Compile the model first");
  }
  if (qat_) FakeQuantWeights();
  const Array& out = Forward(x, true);
  Status s = ComputeLoss(loss_, out, y, loss, nullptr);
  if (s.ok()) s = Backward(y);
  if (qat_) RestoreWeights();
  EDGEML_RETURN_IF_ERROR(s);
  if (!std::isfinite(*loss)) {
    return Errorf(StatusCode::kInvalidArgument,
                  "train: the loss became %g at step %lld (lower the learning rate?)",
                  static_cast<double>(*loss), static_cast<long long>(optimizer_->iterations()));
  }
  int64_t ok = 0;
  Accuracy(acts_.back(), y, &ok);
  if (correct) *correct = ok;
  const std::vector<Param*> ps = params();
  optimizer_->Step(ps);
  for (Param* p : ps) {
    if (p->mask.empty()) continue;
    for (size_t i = 0; i < p->value.size(); ++i) p->value[i] *= p->mask[i];
  }
  return Status::Ok();
}

Status Sequential::Predict(const Array& x, int batch_size, Array* out) {
  if (!built_) return Errorf(StatusCode::kFailedPrecondition, "predict: Build the model first");
  const int64_t n = x.shape.empty() ? 0 : x.shape[0];
  Dims xs = x.shape;
  if (xs.size() != input_shape_.size() + 1 ||
      !std::equal(input_shape_.begin(), input_shape_.end(), xs.begin() + 1)) {
    return Errorf(StatusCode::kInvalidArgument, "predict: input %s does not match the model's %s",
                  DimsToString(xs).c_str(), DimsToString(input_shape_).c_str());
  }
  Dims os = output_shape();
  os.insert(os.begin(), static_cast<int>(n));
  out->Resize(os);
  const int64_t xrow = NumElements(input_shape_), orow = NumElements(output_shape());
  if (qat_) FakeQuantWeights();
  Array batch;
  for (int64_t b = 0; b < n; b += batch_size) {
    const int m = static_cast<int>(std::min<int64_t>(batch_size, n - b));
    xs[0] = m;
    batch.Resize(xs);
    std::memcpy(batch.data.data(), x.data.data() + b * xrow, sizeof(float) * m * xrow);
    const Array& y = Forward(batch, false);
    std::memcpy(out->data.data() + b * orow, y.data.data(), sizeof(float) * m * orow);
  }
  if (qat_) RestoreWeights();
  return Status::Ok();
}

Status Sequential::Evaluate(const Dataset& data, int batch_size, double* loss, double* accuracy) {
  Array pred;
  EDGEML_RETURN_IF_ERROR(Predict(data.x, batch_size, &pred));
  float l = 0;
  EDGEML_RETURN_IF_ERROR(ComputeLoss(loss_, pred, data.y, &l, nullptr));
  *loss = l;
  *accuracy = Accuracy(pred, data.y);
  return Status::Ok();
}

Status Sequential::Calibrate(const Dataset& data, int batch_size, int64_t max_examples) {
  for (auto& r : ranges_) {
    if (!r.fixed) r = QuantRange();
  }
  observing_ = true;
  const bool was_qat = qat_;
  qat_ = false;
  Dataset sub;
  const int64_t n = std::min(data.size(), max_examples);
  std::vector<int64_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  Gather(data, idx, &sub);
  Array out;
  Status s = Predict(sub.x, batch_size, &out);
  observing_ = false;
  qat_ = was_qat;
  return s;
}

void Sequential::PruneTo(float sparsity) {
  for (Param* p : params()) {
    if (!p->is_kernel) continue;
    const size_t n = p->value.size();
    const auto k = static_cast<size_t>(std::floor(static_cast<double>(sparsity) * n));
    p->mask.assign(n, 1.f);
    if (k == 0) continue;
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::nth_element(idx.begin(), idx.begin() + (k - 1), idx.end(), [&](size_t a, size_t b) {
      const float fa = std::fabs(p->value[a]), fb = std::fabs(p->value[b]);
      return fa < fb || (fa == fb && a < b);
    });
    for (size_t i = 0; i < k; ++i) {
      p->mask[idx[i]] = 0.f;
      p->value[idx[i]] = 0.f;
    }
  }
}

double Sequential::KernelSparsity() const {
  int64_t zeros = 0, total = 0;
  for (const auto& l : layers_) {
    for (Param* p : const_cast<Layer*>(l.get())->params()) {
      if (!p->is_kernel) continue;
      total += static_cast<int64_t>(p->value.size());
      for (float v : p->value) zeros += v == 0.f;
    }
  }
  return total ? static_cast<double>(zeros) / total : 0.0;
}

Status Sequential::Fit(const Dataset& train, const Dataset* validation, const FitOptions& o,
                       std::vector<EpochLog>* history, const ProgressFn& on_batch,
                       const EpochFn& on_epoch) {
  if (!built_ || !optimizer_) {
    return Errorf(StatusCode::kFailedPrecondition, "fit: Build and Compile the model first");
  }
  const int64_t n = train.size();
  if (n == 0) return Errorf(StatusCode::kInvalidArgument, "fit: no training examples");
  if (o.batch_size <= 0 || o.epochs <= 0) {
    return Errorf(StatusCode::kInvalidArgument, "fit: epochs and batch size must be > 0");
  }
  const int64_t batches = (n + o.batch_size - 1) / o.batch_size;
  PruningConfig pruning = o.pruning;
  if (pruning.enabled) {
    if (pruning.end_step < 0) pruning.end_step = batches * o.epochs;
    if (pruning.frequency <= 0) pruning.frequency = 1;
  }
  Rng shuffle_rng(o.seed ^ 0x9E3779B97F4A7C15ull);
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const std::string monitor = o.early_stopping.monitor;
  const bool higher_better = monitor.find("accuracy") != std::string::npos;
  double best = higher_better ? -1e300 : 1e300;
  int wait = 0;
  std::vector<std::vector<float>> best_weights;
  Dataset batch;
  std::vector<int64_t> idx;
  int64_t step = optimizer_->iterations();
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const auto t0 = std::chrono::steady_clock::now();
    if (o.shuffle) shuffle_rng.Shuffle(&order);
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    for (int64_t b = 0; b < batches; ++b) {
      const int64_t lo = b * o.batch_size, hi = std::min(n, lo + o.batch_size);
      idx.assign(order.begin() + lo, order.begin() + hi);
      Gather(train, idx, &batch);
      float loss = 0;
      int64_t ok = 0;
      EDGEML_RETURN_IF_ERROR(TrainStep(batch.x, batch.y, &loss, &ok));
      ++step;
      // Masks are updated every `frequency` steps in [begin, end], and at end.
      if (pruning.enabled && step >= pruning.begin_step && step <= pruning.end_step &&
          ((step - pruning.begin_step) % pruning.frequency == 0 || step == pruning.end_step)) {
        PruneTo(PolynomialDecaySparsity(pruning, step));
      }
      loss_sum += static_cast<double>(loss) * (hi - lo);
      correct += ok;
      seen += hi - lo;
      if (on_batch) {
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        on_batch(BatchProgress{epoch + 1, o.epochs, b + 1, batches, seen, loss_sum / seen,
                               static_cast<double>(correct) / seen, secs});
      }
    }
    EpochLog log;
    log.epoch = epoch + 1;
    log.loss = loss_sum / n;
    log.accuracy = Accuracy(acts_.back(), batch.y) < 0 ? -1 : static_cast<double>(correct) / n;
    if (validation && validation->size() > 0) {
      EDGEML_RETURN_IF_ERROR(
          Evaluate(*validation, std::max(o.batch_size, 256), &log.val_loss, &log.val_accuracy));
    }
    log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log.sparsity = KernelSparsity();
    if (history) history->push_back(log);
    if (on_epoch) on_epoch(log);
    if (o.early_stopping.enabled) {
      double value = log.val_loss;
      if (monitor == "val_accuracy") value = log.val_accuracy;
      if (monitor == "loss") value = log.loss;
      if (monitor == "accuracy") value = log.accuracy;
      const bool improved = higher_better ? value > best + o.early_stopping.min_delta
                                          : value < best - o.early_stopping.min_delta;
      if (improved) {
        best = value;
        wait = 0;
        if (o.early_stopping.restore_best_weights) {
          best_weights.clear();
          for (Param* p : params()) best_weights.push_back(p->value);
        }
      } else if (++wait >= o.early_stopping.patience) {
        break;
      }
    }
  }
  if (o.early_stopping.enabled && o.early_stopping.restore_best_weights && !best_weights.empty()) {
    size_t k = 0;
    for (Param* p : params()) p->value = best_weights[k++];
  }
  return Status::Ok();
}

}  // namespace edgeml::train
