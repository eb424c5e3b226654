// Gradients of every training layer and loss against central finite
// differences, and forward passes against the runtime's reference kernels.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/reference/conv.h"
#include "kernels/reference/depthwise_conv.h"
#include "train/layers.h"
#include "train/loss.h"
#include "train/sequential.h"

namespace edgeml::train {
namespace {

Array RandomArray(const Dims& shape, uint64_t seed, float lo = -1.f, float hi = 1.f) {
  Rng rng(seed);
  Array a;
  a.Resize(shape);
  for (float& v : a.data) v = rng.Uniform(lo, hi);
  return a;
}

// Values spread out (no two within 0.02 of each other), away from 0 and 6:
// ReLU kinks and max-pool ties stay farther than the finite-difference step.
Array SpreadArray(const Dims& shape, uint64_t seed) {
  Array a;
  a.Resize(shape);
  std::vector<int> order(a.data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  Rng rng(seed);
  rng.Shuffle(&order);
  const float step = 3.f / static_cast<float>(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    a.data[i] = -1.5f + step * (static_cast<float>(order[i]) + 0.5f);
  }
  return a;
}

struct GradCheck {
  double eps = 1e-3;
  double atol = 1e-3;
  double rtol = 3e-3;
  bool training = true;
  int max_checks = 60;  // per tensor, spread over its elements
};

::testing::AssertionResult Near(const std::string& what, size_t i, double numeric, double analytic,
                                const GradCheck& c) {
  if (std::fabs(numeric - analytic) <=
      c.atol + c.rtol * std::max(std::fabs(numeric), std::fabs(analytic))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << what << "[" << i << "]: numeric " << numeric << " vs analytic " << analytic;
}

// Checks d(sum(y * r))/dx and /dparams of `layer` (built for x's shape
// without batch) against central differences.
void CheckLayer(Layer* layer, Array x, const GradCheck& c = GradCheck()) {
  Rng init(1);
  Dims in(x.shape.begin() + 1, x.shape.end());
  ASSERT_TRUE(layer->Build(in, &init).ok());
  // Non-zero biases and BN statistics, so that every term matters.
  Rng pr(5);
  for (Param* p : layer->params()) {
    if (!p->is_kernel) {
      for (float& v : p->value) v += pr.Uniform(-0.3f, 0.3f);
    }
  }
  Array y;
  {
    Rng r(7);
    layer->Forward(x, &y, c.training, &r);
  }
  const Array weights = RandomArray(y.shape, 11);
  auto objective = [&]() {
    Array out;
    Rng r(7);
    layer->Forward(x, &out, c.training, &r);
    double s = 0;
    for (size_t i = 0; i < out.data.size(); ++i) s += double{out.data[i]} * weights.data[i];
    return s;
  };
  // State updated by the forward pass (BN moving averages) does not change
  // the training-mode output; run the analytic pass on the same state.
  {
    Rng r(7);
    layer->Forward(x, &y, c.training, &r);
  }
  Array dx;
  layer->Backward(x, y, weights, &dx);
  ASSERT_EQ(dx.shape, x.shape);
  std::vector<std::vector<float>> grads;
  for (Param* p : layer->params()) grads.push_back(p->grad);

  auto check = [&](const std::string& what, std::vector<float>* values,
                   const std::vector<float>& analytic) {
    const size_t n = values->size();
    const size_t stride = std::max<size_t>(1, n / c.max_checks);
    for (size_t i = 0; i < n; i += stride) {
      const float keep = (*values)[i];
      (*values)[i] = static_cast<float>(keep + c.eps);
      const double plus = objective();
      (*values)[i] = static_cast<float>(keep - c.eps);
      const double minus = objective();
      (*values)[i] = keep;
      EXPECT_TRUE(Near(what, i, (plus - minus) / (2 * c.eps), analytic[i], c));
    }
  };
  check(std::string(layer->type()) + " dx", &x.data, dx.data);
  size_t k = 0;
  for (Param* p : layer->params()) {
    if (p->trainable) check(std::string(layer->type()) + " d" + p->name, &p->value, grads[k]);
    ++k;
  }
}

TEST(TrainGradients, Dense) {
  Dense d(5, true);
  CheckLayer(&d, RandomArray({3, 7}, 1));
  Dense nobias(4, false);
  CheckLayer(&nobias, RandomArray({2, 6}, 2));
}

TEST(TrainGradients, Conv2DValidAndSameStrided) {
  ConvConfig c;
  c.filters = 4;
  c.kernel_h = 3;
  c.kernel_w = 2;
  Conv2D valid(c);
  CheckLayer(&valid, RandomArray({2, 5, 6, 3}, 3));
  c.padding = Padding::kSame;
  c.stride_h = 2;
  c.stride_w = 2;
  Conv2D same(c);
  CheckLayer(&same, RandomArray({2, 5, 6, 2}, 4));
}

TEST(TrainGradients, DepthwiseConv2D) {
  ConvConfig c;
  c.kernel_h = 3;
  c.kernel_w = 3;
  c.depth_multiplier = 2;
  c.padding = Padding::kSame;
  DepthwiseConv2D dw(c);
  CheckLayer(&dw, RandomArray({2, 5, 4, 3}, 5));
  c.depth_multiplier = 1;
  c.padding = Padding::kValid;
  c.stride_h = 2;
  DepthwiseConv2D strided(c);
  CheckLayer(&strided, RandomArray({1, 7, 5, 2}, 6));
}

TEST(TrainGradients, Pooling) {
  PoolConfig p;
  Pool2D max_pool(true, p);
  CheckLayer(&max_pool, SpreadArray({2, 4, 6, 3}, 7));
  Pool2D avg_pool(false, p);
  CheckLayer(&avg_pool, RandomArray({2, 4, 6, 3}, 8));
  p.pool_h = p.pool_w = 3;
  p.stride_h = p.stride_w = 2;
  p.padding = Padding::kSame;
  Pool2D max_same(true, p);
  CheckLayer(&max_same, SpreadArray({1, 5, 5, 2}, 9));
  Pool2D avg_same(false, p);
  CheckLayer(&avg_same, RandomArray({1, 5, 5, 2}, 10));
  GlobalAveragePooling2D gap;
  CheckLayer(&gap, RandomArray({2, 3, 4, 5}, 11));
}

TEST(TrainGradients, ShapesAndDropout) {
  Reshape flatten({}, true);
  CheckLayer(&flatten, RandomArray({2, 3, 4, 2}, 12));
  Reshape reshape({4, -1}, false);
  CheckLayer(&reshape, RandomArray({2, 3, 4}, 13));
  Dropout dropout(0.4f);
  CheckLayer(&dropout, RandomArray({3, 10}, 14));
  GradCheck inference;
  inference.training = false;
  Dropout off(0.4f);
  CheckLayer(&off, RandomArray({3, 10}, 15), inference);
}

TEST(TrainGradients, BatchNormalizationTrainingAndInference) {
  BatchNormalization bn(0.99f, 1e-3f);
  GradCheck c;
  c.eps = 1e-2;  // the normalization is smooth; a larger step keeps float noise low
  CheckLayer(&bn, RandomArray({4, 3, 2, 5}, 16), c);
  BatchNormalization inference(0.99f, 1e-3f);
  c.training = false;
  CheckLayer(&inference, RandomArray({4, 5}, 17), c);
}

TEST(TrainGradients, Activations) {
  for (ActivationKind k : {ActivationKind::kRelu, ActivationKind::kRelu6, ActivationKind::kSigmoid,
                           ActivationKind::kSoftmax, ActivationKind::kLinear}) {
    Activation a(k);
    Array x = SpreadArray({3, 8}, 18);
    if (k == ActivationKind::kRelu6) {
      for (float& v : x.data) v *= 5.f;  // reach the upper clamp too
    }
    SCOPED_TRACE(ActivationName(k));
    CheckLayer(&a, x);
  }
}

TEST(TrainGradients, Losses) {
  const Array logits = RandomArray({4, 5}, 19, -2.f, 2.f);
  Activation softmax(ActivationKind::kSoftmax);
  Rng r(1);
  ASSERT_TRUE(softmax.Build({5}, &r).ok());
  Array probs;
  softmax.Forward(logits, &probs, false, &r);
  Array labels;
  labels.Resize({4});
  labels.data = {0, 3, 4, 1};
  Array one_hot;
  one_hot.Zeros({4, 5});
  for (int i = 0; i < 4; ++i) one_hot.data[i * 5 + static_cast<int>(labels.data[i])] = 1.f;
  const Array targets = RandomArray({4, 5}, 20);
  struct Case {
    LossKind kind;
    const Array* target;
  };
  for (const Case& c : {Case{LossKind::kSparseCategoricalCrossentropy, &labels},
                        Case{LossKind::kCategoricalCrossentropy, &one_hot},
                        Case{LossKind::kCategoricalCrossentropy, &labels},
                        Case{LossKind::kMeanSquaredError, &targets}}) {
    SCOPED_TRACE(LossName(c.kind));
    float loss;
    Array grad;
    ASSERT_TRUE(ComputeLoss(c.kind, probs, *c.target, &loss, &grad).ok());
    Array p = probs;
    for (size_t i = 0; i < p.data.size(); ++i) {
      const float keep = p.data[i];
      float lp, lm;
      p.data[i] = keep + 1e-3f;
      ASSERT_TRUE(ComputeLoss(c.kind, p, *c.target, &lp, nullptr).ok());
      p.data[i] = keep - 1e-3f;
      ASSERT_TRUE(ComputeLoss(c.kind, p, *c.target, &lm, nullptr).ok());
      p.data[i] = keep;
      EXPECT_NEAR((double{lp} - lm) / 2e-3, grad.data[i], 2e-3 + 2e-2 * std::fabs(grad.data[i]));
    }
    // The fused softmax + cross-entropy gradient equals the chained one.
    if (c.kind != LossKind::kMeanSquaredError) {
      Array fused, chained;
      ASSERT_TRUE(SoftmaxCrossEntropyLogitGrad(probs, *c.target, &fused).ok());
      softmax.Backward(logits, probs, grad, &chained);
      for (size_t i = 0; i < fused.data.size(); ++i) {
        EXPECT_NEAR(fused.data[i], chained.data[i], 1e-5);
      }
    }
  }
  // Bad targets are errors, not crashes.
  Array bad;
  bad.Resize({4});
  bad.data = {0, 7, 1, 2};
  float loss;
  EXPECT_FALSE(
      ComputeLoss(LossKind::kSparseCategoricalCrossentropy, probs, bad, &loss, nullptr).ok());
  bad.Resize({3, 5});
  EXPECT_FALSE(ComputeLoss(LossKind::kCategoricalCrossentropy, probs, bad, &loss, nullptr).ok());
}

// The whole model: d(loss)/d(every parameter) through a small CNN with the
// fused softmax/cross-entropy gradient, against finite differences of the loss.
TEST(TrainGradients, SequentialEndToEnd) {
  Sequential m;
  ConvConfig c;
  c.filters = 3;
  c.padding = Padding::kSame;
  m.Add(std::make_unique<Conv2D>(c));
  m.Add(std::make_unique<BatchNormalization>(0.9f, 1e-3f));
  m.Add(std::make_unique<Activation>(ActivationKind::kSigmoid));
  ConvConfig d;
  d.padding = Padding::kSame;
  m.Add(std::make_unique<DepthwiseConv2D>(d));
  m.Add(std::make_unique<Pool2D>(false, PoolConfig()));
  m.Add(std::make_unique<Reshape>(Dims{}, true));
  m.Add(std::make_unique<Dense>(4, true));
  m.Add(std::make_unique<Activation>(ActivationKind::kSoftmax));
  ASSERT_TRUE(m.Build({4, 4, 2}, 3).ok());
  m.Compile(LossKind::kSparseCategoricalCrossentropy, OptimizerConfig());
  const Array x = RandomArray({3, 4, 4, 2}, 21);
  Array y;
  y.Resize({3});
  y.data = {1, 3, 0};
  auto loss_at = [&]() {
    const Array& out = m.Forward(x, true);
    float l;
    EXPECT_TRUE(ComputeLoss(m.loss(), out, y, &l, nullptr).ok());
    return double{l};
  };
  loss_at();
  ASSERT_TRUE(m.Backward(y).ok());
  for (Param* p : m.params()) {
    if (!p->trainable) continue;
    const std::vector<float> analytic = p->grad;
    for (size_t i = 0; i < p->value.size(); i += 3) {
      const float keep = p->value[i];
      p->value[i] = keep + 1e-2f;
      const double plus = loss_at();
      p->value[i] = keep - 1e-2f;
      const double minus = loss_at();
      p->value[i] = keep;
      EXPECT_NEAR((plus - minus) / 2e-2, analytic[i], 2e-3 + 3e-2 * std::fabs(analytic[i]))
          << p->name << "[" << i << "]";
    }
  }
}

// The forward pass runs the runtime's kernels (fast ones where the CPU has
// them): bit-exact with the reference kernels.
TEST(TrainLayers, ConvForwardMatchesReferenceKernels) {
  for (bool depthwise : {false, true}) {
    ConvConfig c;
    c.filters = 19;
    c.padding = Padding::kSame;
    c.stride_w = 2;
    Rng rng(3);
    std::unique_ptr<Layer> l;
    if (depthwise) {
      l = std::make_unique<DepthwiseConv2D>(c);
    } else {
      l = std::make_unique<Conv2D>(c);
    }
    ASSERT_TRUE(l->Build({7, 9, 5}, &rng).ok());
    for (float& v : l->param("bias")->value) v = rng.Uniform(-1.f, 1.f);
    const Array x = RandomArray({2, 7, 9, 5}, 4);
    Array y;
    l->Forward(x, &y, false, &rng);
    reference::ConvParams p;
    p.stride_w = 2;
    p.pad_top = 1;
    p.pad_left = 1;
    reference::ConvShape s;
    s.batch = 2;
    s.in_h = 7;
    s.in_w = 9;
    s.in_ch = 5;
    s.filter_h = s.filter_w = 3;
    s.filter_in_ch = depthwise ? 1 : 5;
    s.out_h = 7;
    s.out_w = 5;
    s.out_ch = depthwise ? 5 : 19;
    std::vector<float> want(y.data.size());
    if (depthwise) {
      reference::DepthwiseConvF32(p, s, 1, x.data.data(), l->param("kernel")->value.data(),
                                  l->param("bias")->value.data(), want.data());
    } else {
      reference::ConvF32(p, s, x.data.data(), l->param("kernel")->value.data(),
                         l->param("bias")->value.data(), want.data());
    }
    EXPECT_EQ(y.data, want) << (depthwise ? "depthwise" : "conv");
  }
}

TEST(TrainLayers, WindowGeometryMatchesTflite) {
  int out, pad;
  WindowGeometry(28, 3, 1, Padding::kValid, &out, &pad);
  EXPECT_EQ(out, 26);
  EXPECT_EQ(pad, 0);
  WindowGeometry(28, 3, 2, Padding::kSame, &out, &pad);
  EXPECT_EQ(out, 14);
  EXPECT_EQ(pad, 0);  // total padding 1: none before, one after
  WindowGeometry(5, 3, 1, Padding::kSame, &out, &pad);
  EXPECT_EQ(out, 5);
  EXPECT_EQ(pad, 1);
  WindowGeometry(2, 3, 1, Padding::kValid, &out, &pad);
  EXPECT_EQ(out, 0);
}

TEST(TrainLayers, BuildRejectsBadShapes) {
  Rng r(0);
  Dense d(3, true);
  EXPECT_FALSE(d.Build({2, 2}, &r).ok());
  ConvConfig c;
  c.filters = 2;
  c.kernel_h = c.kernel_w = 5;
  Conv2D conv(c);
  EXPECT_FALSE(conv.Build({3, 3, 1}, &r).ok());
  Reshape bad({5, -1}, false);
  EXPECT_FALSE(bad.Build({2, 3}, &r).ok());
  Dropout drop(1.5f);
  EXPECT_FALSE(drop.Build({2}, &r).ok());
}

TEST(TrainLayers, GlorotUniformLimitAndSeed) {
  Rng a(42), b(42);
  Dense d1(30, true), d2(30, true);
  ASSERT_TRUE(d1.Build({50}, &a).ok());
  ASSERT_TRUE(d2.Build({50}, &b).ok());
  EXPECT_EQ(d1.param("kernel")->value, d2.param("kernel")->value);
  const float limit = std::sqrt(6.f / 80.f);
  float lo = 1, hi = -1;
  for (float v : d1.param("kernel")->value) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  EXPECT_LE(hi, limit);
  EXPECT_GE(lo, -limit);
  EXPECT_GT(hi, 0.9f * limit);  // 1500 draws reach close to the limit
  for (float v : d1.param("bias")->value) EXPECT_EQ(v, 0.f);
}

TEST(TrainOptimizers, AdamAndSgdMatchKerasUpdateRules) {
  Param p;
  p.value = {1.f};
  p.grad = {0.5f};
  OptimizerConfig adam;
  adam.learning_rate = 0.1f;
  Optimizer a(adam);
  a.Step({&p});
  // First Adam step moves by lr * g / (|g| + eps') = lr (bias-corrected).
  EXPECT_NEAR(p.value[0], 0.9f, 1e-5);
  OptimizerConfig sgd;
  sgd.kind = OptimizerConfig::Kind::kSgd;
  sgd.learning_rate = 0.1f;
  sgd.momentum = 0.9f;
  Optimizer s(sgd);
  p.value = {1.f};
  s.Step({&p});  // v = -0.05
  s.Step({&p});  // v = 0.9 * -0.05 - 0.05 = -0.095
  EXPECT_NEAR(p.value[0], 1.f - 0.05f - 0.095f, 1e-6);
  ScheduleConfig e;
  e.kind = ScheduleConfig::Kind::kExponentialDecay;
  e.decay_steps = 10;
  e.decay_rate = 0.5f;
  EXPECT_NEAR(ScheduledRate(1.f, e, 20), 0.25f, 1e-6);
  e.staircase = true;
  EXPECT_NEAR(ScheduledRate(1.f, e, 19), 0.5f, 1e-6);
  ScheduleConfig cosine;
  cosine.kind = ScheduleConfig::Kind::kCosineDecay;
  cosine.decay_steps = 100;
  EXPECT_NEAR(ScheduledRate(1.f, cosine, 50), 0.5f, 1e-6);
  EXPECT_NEAR(ScheduledRate(1.f, cosine, 200), 0.f, 1e-6);
}

TEST(TrainPruning, PolynomialDecayScheduleAndMasks) {
  PruningConfig c;
  c.initial_sparsity = 0.f;
  c.final_sparsity = 0.8f;
  c.begin_step = 100;
  c.end_step = 200;
  EXPECT_FLOAT_EQ(PolynomialDecaySparsity(c, 50), 0.f);
  EXPECT_FLOAT_EQ(PolynomialDecaySparsity(c, 150), 0.8f - 0.8f * 0.125f);
  EXPECT_FLOAT_EQ(PolynomialDecaySparsity(c, 300), 0.8f);
  Sequential m;
  m.Add(std::make_unique<Dense>(10, true));
  ASSERT_TRUE(m.Build({20}, 1).ok());
  m.PruneTo(0.5f);
  EXPECT_NEAR(m.KernelSparsity(), 0.5, 1e-9);
  // The smallest magnitudes went.
  Param* k = m.layers()[0]->param("kernel");
  float max_pruned = 0, min_kept = 1e9;
  for (size_t i = 0; i < k->value.size(); ++i) {
    if (k->mask[i] == 0.f) continue;
    min_kept = std::min(min_kept, std::fabs(k->value[i]));
  }
  Sequential fresh;
  fresh.Add(std::make_unique<Dense>(10, true));
  ASSERT_TRUE(fresh.Build({20}, 1).ok());
  const auto& orig = fresh.layers()[0]->param("kernel")->value;
  for (size_t i = 0; i < orig.size(); ++i) {
    if (k->mask[i] == 0.f) max_pruned = std::max(max_pruned, std::fabs(orig[i]));
  }
  EXPECT_LE(max_pruned, min_kept);
}

}  // namespace
}  // namespace edgeml::train
