// Forward and backward passes of the training layers (see layers.h).
#include "train/layers.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/cpu_features.h"
#include "kernels/conv_f32.h"
#include "kernels/reference/activations.h"
#include "kernels/reference/conv.h"
#include "kernels/reference/depthwise_conv.h"
#include "kernels/reference/fully_connected.h"
#include "kernels/reference/pooling.h"
#include "kernels/reference/softmax.h"

#if defined(__x86_64__) || defined(_M_X64)
#define EDGEML_TRAIN_CONV_X86 1
#include "kernels/x86/conv_f32_x86.h"
#endif

namespace edgeml::train {

std::string DimsToString(const Dims& d) {
  std::string s = "[";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? "," : "") + std::to_string(d[i]);
  return s + "]";
}

Status ParseActivation(const std::string& name, ActivationKind* out) {
  if (name.empty() || name == "linear" || name == "none") {
    *out = ActivationKind::kLinear;
  } else if (name == "relu") {
    *out = ActivationKind::kRelu;
  } else if (name == "relu6") {
    *out = ActivationKind::kRelu6;
  } else if (name == "softmax") {
    *out = ActivationKind::kSoftmax;
  } else if (name == "sigmoid" || name == "logistic") {
    *out = ActivationKind::kSigmoid;
  } else {
    return Errorf(StatusCode::kInvalidArgument,
                  "unknown activation '%s' (linear, relu, relu6, softmax, sigmoid)", name.c_str());
  }
  return Status::Ok();
}

const char* ActivationName(ActivationKind a) {
  switch (a) {
    case ActivationKind::kLinear:
      return "linear";
    case ActivationKind::kRelu:
      return "relu";
    case ActivationKind::kRelu6:
      return "relu6";
    case ActivationKind::kSoftmax:
      return "softmax";
    case ActivationKind::kSigmoid:
      return "sigmoid";
  }
  return "?";
}

void WindowGeometry(int in, int filter, int stride, Padding padding, int* out, int* pad_before) {
  if (padding == Padding::kSame) {
    *out = (in + stride - 1) / stride;
    const int total = std::max((*out - 1) * stride + filter - in, 0);
    *pad_before = total / 2;
  } else {
    *out = in >= filter ? (in - filter) / stride + 1 : 0;
    *pad_before = 0;
  }
}

Param* Layer::AddParam(const std::string& pname, const Dims& shape, bool trainable) {
  auto p = std::make_unique<Param>();
  p->name = pname;
  p->shape = shape;
  p->value.assign(static_cast<size_t>(NumElements(shape)), 0.f);
  p->grad.assign(p->value.size(), 0.f);
  p->trainable = trainable;
  params_.push_back(std::move(p));
  return params_.back().get();
}

void GlorotUniform(Param* p, int fan_in, int fan_out, Rng* rng) {
  const float limit = std::sqrt(6.f / static_cast<float>(fan_in + fan_out));
  for (float& v : p->value) v = rng->Uniform(-limit, limit);
}

namespace {

Status ShapeError(const Layer& l, const char* want, const Dims& in) {
  return Errorf(StatusCode::kInvalidArgument, "%s '%s': %s, got input shape %s", l.type(),
                l.name.c_str(), want, DimsToString(in).c_str());
}

int Batch(const Array& x) { return x.shape.empty() ? 0 : x.shape[0]; }

Dims WithBatch(int batch, const Dims& d) {
  Dims s{batch};
  s.insert(s.end(), d.begin(), d.end());
  return s;
}

}  // namespace

// --- Dense -------------------------------------------------------------

Status Dense::Build(const Dims& in, Rng* rng) {
  if (in.size() != 1) return ShapeError(*this, "needs a flat input (add Flatten)", in);
  if (units_ <= 0) return Errorf(StatusCode::kInvalidArgument, "Dense: units must be > 0");
  in_ = in;
  out_ = {units_};
  Param* k = AddParam("kernel", {units_, in[0]});
  k->is_kernel = true;
  k->channel_axis_size = 1;  // FULLY_CONNECTED int8 weights: one scale per tensor
  GlorotUniform(k, in[0], units_, rng);
  if (use_bias_) AddParam("bias", {units_});
  return Status::Ok();
}

void Dense::Forward(const Array& x, Array* y, bool, Rng*) {
  const int n = Batch(x);
  y->Resize({n, units_});
  const Param* b = use_bias_ ? params_[1].get() : nullptr;
  reference::FullyConnectedF32(n, in_[0], units_, x.data.data(), params_[0]->value.data(),
                               b ? b->value.data() : nullptr,
                               -std::numeric_limits<float>::infinity(),
                               std::numeric_limits<float>::infinity(), y->data.data());
}

void Dense::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  const int n = Batch(x), depth = in_[0];
  Param* k = params_[0].get();
  std::fill(k->grad.begin(), k->grad.end(), 0.f);
  float* db = use_bias_ ? params_[1]->grad.data() : nullptr;
  if (db) std::fill(db, db + units_, 0.f);
  if (dx) dx->Zeros(x.shape);
  for (int b = 0; b < n; ++b) {
    const float* xr = x.data.data() + int64_t{b} * depth;
    float* dxr = dx ? dx->data.data() + int64_t{b} * depth : nullptr;
    for (int o = 0; o < units_; ++o) {
      const float g = dy.data[int64_t{b} * units_ + o];
      if (g == 0.f) continue;
      if (db) db[o] += g;
      float* dw = k->grad.data() + int64_t{o} * depth;
      for (int d = 0; d < depth; ++d) dw[d] += g * xr[d];
      if (dxr) {
        const float* w = k->value.data() + int64_t{o} * depth;
        for (int d = 0; d < depth; ++d) dxr[d] += g * w[d];
      }
    }
  }
}

// --- Conv2D ------------------------------------------------------------

Status Conv2D::Build(const Dims& in, Rng* rng) {
  if (in.size() != 3) return ShapeError(*this, "needs an input [height, width, channels]", in);
  if (c_.filters <= 0 || c_.kernel_h <= 0 || c_.kernel_w <= 0 || c_.stride_h <= 0 ||
      c_.stride_w <= 0) {
    return Errorf(StatusCode::kInvalidArgument,
                  "Conv2D '%s': filters, kernel_size and strides must be > 0", name.c_str());
  }
  int oh, ow;
  WindowGeometry(in[0], c_.kernel_h, c_.stride_h, c_.padding, &oh, &pad_top_);
  WindowGeometry(in[1], c_.kernel_w, c_.stride_w, c_.padding, &ow, &pad_left_);
  if (oh <= 0 || ow <= 0) return ShapeError(*this, "the kernel is larger than the input", in);
  in_ = in;
  out_ = {oh, ow, c_.filters};
  Param* k = AddParam("kernel", {c_.filters, c_.kernel_h, c_.kernel_w, in[2]});
  k->is_kernel = true;
  k->channel_axis_size = c_.filters;
  const int rf = c_.kernel_h * c_.kernel_w;
  GlorotUniform(k, rf * in[2], rf * c_.filters, rng);
  if (c_.use_bias) AddParam("bias", {c_.filters});
  return Status::Ok();
}

namespace {
reference::ConvShape MakeConvShape(int batch, const Dims& in, const Dims& out, int kh, int kw,
                                   int filter_in_ch) {
  reference::ConvShape s;
  s.batch = batch;
  s.in_h = in[0];
  s.in_w = in[1];
  s.in_ch = in[2];
  s.filter_h = kh;
  s.filter_w = kw;
  s.filter_in_ch = filter_in_ch;
  s.out_h = out[0];
  s.out_w = out[1];
  s.out_ch = out[2];
  return s;
}
// The runtime's fast convolution kernels (bit-exact with the reference
// ones) when the CPU has them; the weights are packed on every call because
// training changes them after every step.
void ConvForward(const reference::ConvParams& p, const reference::ConvShape& s, bool depthwise,
                 int multiplier, const float* x, const float* w, const float* b, float* y) {
#ifdef EDGEML_TRAIN_CONV_X86
  fast::ConvF32RowsFn rows = nullptr;
  int lanes = 0;
  const CpuFeatures& cpu = GetCpuFeatures();
  if (cpu.avx512f) {
    lanes = x86::kAvx512Lanes;
    rows = depthwise ? x86::DepthwiseConvF32Avx512 : x86::ConvF32Avx512;
  } else if (cpu.avx2) {
    lanes = x86::kAvx2Lanes;
    rows = depthwise ? x86::DepthwiseConvF32Avx2 : x86::ConvF32Avx2;
  }
  if (rows != nullptr && (!depthwise || multiplier == 1)) {
    std::vector<float> packed, packed_bias(fast::RoundUpChannels(s.out_ch, lanes));
    if (depthwise) {
      packed.resize(fast::PackedDepthwiseF32Size(s, lanes));
      fast::PackDepthwiseF32(s, lanes, w, b, packed.data(), packed_bias.data());
    } else {
      packed.resize(fast::PackedConvF32Size(s, lanes));
      fast::PackConvF32(s, lanes, w, b, packed.data(), packed_bias.data());
    }
    rows(p, s, x, packed.data(), packed_bias.data(), y, 0, int64_t{s.batch} * s.out_h);
    return;
  }
#endif
  if (depthwise) {
    reference::DepthwiseConvF32(p, s, multiplier, x, w, b, y);
  } else {
    reference::ConvF32(p, s, x, w, b, y);
  }
}

}  // namespace

void Conv2D::Forward(const Array& x, Array* y, bool, Rng*) {
  const int n = Batch(x);
  y->Resize(WithBatch(n, out_));
  reference::ConvParams p;
  p.stride_h = c_.stride_h;
  p.stride_w = c_.stride_w;
  p.pad_top = pad_top_;
  p.pad_left = pad_left_;
  const auto s = MakeConvShape(n, in_, out_, c_.kernel_h, c_.kernel_w, in_[2]);
  ConvForward(p, s, false, 1, x.data.data(), params_[0]->value.data(),
              c_.use_bias ? params_[1]->value.data() : nullptr, y->data.data());
}

// The walk both convolutions' backward passes share: zeroes the kernel, bias
// and input gradients, adds dy into the bias gradient, and calls
// tap(g, xin, dxin, fy, fx) for every output position and every filter tap
// that falls inside the input (g: dy's channels at that position; xin/dxin:
// the input pixel and its gradient, dxin null when dx is not wanted).
template <typename Tap>
void ConvBackwardWalk(const Array& x, const Array& dy, Array* dx, const Dims& in, const Dims& out,
                      int kh, int kw, int stride_h, int stride_w, int pad_top, int pad_left,
                      Param* kernel, Param* bias, Tap tap) {
  const int n = Batch(x);
  const int ih = in[0], iw = in[1], ic = in[2];
  const int oh = out[0], ow = out[1], oc = out[2];
  std::fill(kernel->grad.begin(), kernel->grad.end(), 0.f);
  float* db = bias ? bias->grad.data() : nullptr;
  if (db) std::fill(db, db + oc, 0.f);
  if (dx) dx->Zeros(x.shape);
  for (int b = 0; b < n; ++b) {
    for (int oy = 0; oy < oh; ++oy) {
      for (int ox = 0; ox < ow; ++ox) {
        const float* g = dy.data.data() + ((int64_t{b} * oh + oy) * ow + ox) * oc;
        if (db) {
          for (int o = 0; o < oc; ++o) db[o] += g[o];
        }
        for (int fy = 0; fy < kh; ++fy) {
          const int iy = oy * stride_h - pad_top + fy;
          if (iy < 0 || iy >= ih) continue;
          for (int fx = 0; fx < kw; ++fx) {
            const int ix = ox * stride_w - pad_left + fx;
            if (ix < 0 || ix >= iw) continue;
            const int64_t in_off = ((int64_t{b} * ih + iy) * iw + ix) * ic;
            tap(g, x.data.data() + in_off, dx ? dx->data.data() + in_off : nullptr, fy, fx);
          }
        }
      }
    }
  }
}

void Conv2D::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  const int ic = in_[2], oc = out_[2];
  const int kh = c_.kernel_h, kw = c_.kernel_w;
  Param* k = params_[0].get();
  ConvBackwardWalk(x, dy, dx, in_, out_, kh, kw, c_.stride_h, c_.stride_w, pad_top_, pad_left_, k,
                   c_.use_bias ? params_[1].get() : nullptr,
                   [&](const float* g, const float* xin, float* dxin, int fy, int fx) {
                     for (int o = 0; o < oc; ++o) {
                       const float go = g[o];
                       if (go == 0.f) continue;
                       const int64_t w_off = ((int64_t{o} * kh + fy) * kw + fx) * ic;
                       float* dw = k->grad.data() + w_off;
                       for (int c = 0; c < ic; ++c) dw[c] += go * xin[c];
                       if (dxin) {
                         const float* w = k->value.data() + w_off;
                         for (int c = 0; c < ic; ++c) dxin[c] += go * w[c];
                       }
                     }
                   });
}

// --- DepthwiseConv2D ---------------------------------------------------

Status DepthwiseConv2D::Build(const Dims& in, Rng* rng) {
  if (in.size() != 3) return ShapeError(*this, "needs an input [height, width, channels]", in);
  if (c_.depth_multiplier <= 0 || c_.kernel_h <= 0 || c_.kernel_w <= 0 || c_.stride_h <= 0 ||
      c_.stride_w <= 0) {
    return Errorf(StatusCode::kInvalidArgument,
                  "DepthwiseConv2D '%s': depth_multiplier, kernel_size and strides must be > 0",
                  name.c_str());
  }
  int oh, ow;
  WindowGeometry(in[0], c_.kernel_h, c_.stride_h, c_.padding, &oh, &pad_top_);
  WindowGeometry(in[1], c_.kernel_w, c_.stride_w, c_.padding, &ow, &pad_left_);
  if (oh <= 0 || ow <= 0) return ShapeError(*this, "the kernel is larger than the input", in);
  const int oc = in[2] * c_.depth_multiplier;
  in_ = in;
  out_ = {oh, ow, oc};
  Param* k = AddParam("kernel", {1, c_.kernel_h, c_.kernel_w, oc});
  k->is_kernel = true;
  k->channel_axis_size = oc;
  k->channel_last = true;
  const int rf = c_.kernel_h * c_.kernel_w;
  // Keras computes the fans of the [kh, kw, in, multiplier] kernel.
  GlorotUniform(k, rf * in[2], rf * c_.depth_multiplier, rng);
  if (c_.use_bias) AddParam("bias", {oc});
  return Status::Ok();
}

void DepthwiseConv2D::Forward(const Array& x, Array* y, bool, Rng*) {
  const int n = Batch(x);
  y->Resize(WithBatch(n, out_));
  reference::ConvParams p;
  p.stride_h = c_.stride_h;
  p.stride_w = c_.stride_w;
  p.pad_top = pad_top_;
  p.pad_left = pad_left_;
  const auto s = MakeConvShape(n, in_, out_, c_.kernel_h, c_.kernel_w, 1);
  ConvForward(p, s, true, c_.depth_multiplier, x.data.data(), params_[0]->value.data(),
              c_.use_bias ? params_[1]->value.data() : nullptr, y->data.data());
}

void DepthwiseConv2D::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  const int ic = in_[2], oc = out_[2];
  const int kw = c_.kernel_w, m = c_.depth_multiplier;
  Param* k = params_[0].get();
  ConvBackwardWalk(x, dy, dx, in_, out_, c_.kernel_h, kw, c_.stride_h, c_.stride_w, pad_top_,
                   pad_left_, k, c_.use_bias ? params_[1].get() : nullptr,
                   [&](const float* g, const float* xin, float* dxin, int fy, int fx) {
                     const int64_t w_off = (int64_t{fy} * kw + fx) * oc;
                     float* dw = k->grad.data() + w_off;
                     const float* w = k->value.data() + w_off;
                     for (int c = 0; c < ic; ++c) {
                       for (int j = 0; j < m; ++j) {
                         const int o = c * m + j;
                         dw[o] += g[o] * xin[c];
                         if (dxin) dxin[c] += g[o] * w[o];
                       }
                     }
                   });
}

// --- Pooling -----------------------------------------------------------

Status Pool2D::Build(const Dims& in, Rng*) {
  if (in.size() != 3) return ShapeError(*this, "needs an input [height, width, channels]", in);
  if (c_.pool_h <= 0 || c_.pool_w <= 0 || c_.stride_h <= 0 || c_.stride_w <= 0) {
    return Errorf(StatusCode::kInvalidArgument, "%s '%s': pool_size and strides must be > 0",
                  type(), name.c_str());
  }
  int oh, ow;
  WindowGeometry(in[0], c_.pool_h, c_.stride_h, c_.padding, &oh, &pad_top_);
  WindowGeometry(in[1], c_.pool_w, c_.stride_w, c_.padding, &ow, &pad_left_);
  if (oh <= 0 || ow <= 0) return ShapeError(*this, "the pool is larger than the input", in);
  in_ = in;
  out_ = {oh, ow, in[2]};
  return Status::Ok();
}

namespace {
reference::Pool2DParams MakePoolParams(int n, const Dims& in, const Dims& out, const PoolConfig& c,
                                       int pt, int pl) {
  reference::Pool2DParams p;
  p.batches = n;
  p.in_h = in[0];
  p.in_w = in[1];
  p.channels = in[2];
  p.out_h = out[0];
  p.out_w = out[1];
  p.filter_h = c.pool_h;
  p.filter_w = c.pool_w;
  p.stride_h = c.stride_h;
  p.stride_w = c.stride_w;
  p.pad_top = pt;
  p.pad_left = pl;
  return p;
}
}  // namespace

void Pool2D::Forward(const Array& x, Array* y, bool, Rng*) {
  const int n = Batch(x);
  y->Resize(WithBatch(n, out_));
  const auto p = MakePoolParams(n, in_, out_, c_, pad_top_, pad_left_);
  if (max_) {
    reference::MaxPool2DF32(p, x.data.data(), y->data.data());
  } else {
    reference::AveragePool2DF32(p, x.data.data(), y->data.data());
  }
}

void Pool2D::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  if (!dx) return;
  const int n = Batch(x);
  const int ih = in_[0], iw = in_[1], ch = in_[2];
  const int oh = out_[0], ow = out_[1];
  dx->Zeros(x.shape);
  for (int b = 0; b < n; ++b) {
    for (int oy = 0; oy < oh; ++oy) {
      const int y0 = oy * c_.stride_h - pad_top_;
      const int ys = std::max(0, y0), ye = std::min(ih, y0 + c_.pool_h);
      for (int ox = 0; ox < ow; ++ox) {
        const int x0 = ox * c_.stride_w - pad_left_;
        const int xs = std::max(0, x0), xe = std::min(iw, x0 + c_.pool_w);
        const float* g = dy.data.data() + ((int64_t{b} * oh + oy) * ow + ox) * ch;
        if (ye <= ys || xe <= xs) continue;
        for (int c = 0; c < ch; ++c) {
          if (max_) {
            // The first maximum in scan order, as the forward kernel keeps it.
            int64_t best = -1;
            float m = std::numeric_limits<float>::lowest();
            for (int iy = ys; iy < ye; ++iy) {
              for (int ix = xs; ix < xe; ++ix) {
                const int64_t i = ((int64_t{b} * ih + iy) * iw + ix) * ch + c;
                if (best < 0 || x.data[i] > m) {
                  m = x.data[i];
                  best = i;
                }
              }
            }
            dx->data[best] += g[c];
          } else {
            const float share = g[c] / static_cast<float>((ye - ys) * (xe - xs));
            for (int iy = ys; iy < ye; ++iy) {
              for (int ix = xs; ix < xe; ++ix) {
                dx->data[((int64_t{b} * ih + iy) * iw + ix) * ch + c] += share;
              }
            }
          }
        }
      }
    }
  }
}

Status GlobalAveragePooling2D::Build(const Dims& in, Rng*) {
  if (in.size() != 3) return ShapeError(*this, "needs an input [height, width, channels]", in);
  in_ = in;
  out_ = {in[2]};
  return Status::Ok();
}

void GlobalAveragePooling2D::Forward(const Array& x, Array* y, bool, Rng*) {
  const int n = Batch(x);
  const int64_t hw = int64_t{in_[0]} * in_[1];
  const int ch = in_[2];
  y->Zeros({n, ch});
  for (int b = 0; b < n; ++b) {
    float* out = y->data.data() + int64_t{b} * ch;
    for (int64_t i = 0; i < hw; ++i) {
      const float* in = x.data.data() + (int64_t{b} * hw + i) * ch;
      for (int c = 0; c < ch; ++c) out[c] += in[c];
    }
    for (int c = 0; c < ch; ++c) out[c] /= static_cast<float>(hw);
  }
}

void GlobalAveragePooling2D::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  if (!dx) return;
  const int n = Batch(x);
  const int64_t hw = int64_t{in_[0]} * in_[1];
  const int ch = in_[2];
  dx->Resize(x.shape);
  for (int b = 0; b < n; ++b) {
    const float* g = dy.data.data() + int64_t{b} * ch;
    for (int64_t i = 0; i < hw; ++i) {
      float* d = dx->data.data() + (int64_t{b} * hw + i) * ch;
      for (int c = 0; c < ch; ++c) d[c] = g[c] / static_cast<float>(hw);
    }
  }
}

// --- Reshape / Flatten ---------------------------------------------------

Status Reshape::Build(const Dims& in, Rng*) {
  const int64_t total = NumElements(in);
  in_ = in;
  if (flatten_) {
    out_ = {static_cast<int>(total)};
    return Status::Ok();
  }
  int64_t known = 1;
  int unknown = -1;
  for (size_t i = 0; i < target_.size(); ++i) {
    if (target_[i] == -1 && unknown < 0) {
      unknown = static_cast<int>(i);
    } else if (target_[i] <= 0) {
      return Errorf(StatusCode::kInvalidArgument,
                    "Reshape '%s': target_shape %s has a dimension <= 0 (one -1 is allowed)",
                    name.c_str(), DimsToString(target_).c_str());
    } else {
      known *= target_[i];
    }
  }
  out_ = target_;
  if (unknown >= 0) {
    if (known == 0 || total % known != 0) {
      return ShapeError(*this, ("cannot reshape to " + DimsToString(target_)).c_str(), in);
    }
    out_[unknown] = static_cast<int>(total / known);
  }
  if (NumElements(out_) != total) {
    return ShapeError(*this, ("cannot reshape to " + DimsToString(target_)).c_str(), in);
  }
  return Status::Ok();
}

void Reshape::Forward(const Array& x, Array* y, bool, Rng*) {
  y->shape = WithBatch(Batch(x), out_);
  y->data = x.data;
}

void Reshape::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  if (!dx) return;
  dx->shape = x.shape;
  dx->data = dy.data;
}

// --- Dropout -------------------------------------------------------------

Status Dropout::Build(const Dims& in, Rng*) {
  if (!(rate_ >= 0.f && rate_ < 1.f)) {
    return Errorf(StatusCode::kInvalidArgument, "Dropout '%s': rate must be in [0, 1)",
                  name.c_str());
  }
  in_ = out_ = in;
  return Status::Ok();
}

void Dropout::Forward(const Array& x, Array* y, bool training, Rng* rng) {
  y->shape = x.shape;
  y->data = x.data;
  if (!training || rate_ == 0.f) {
    scale_.assign(x.data.size(), 1.f);
    return;
  }
  const float keep_scale = 1.f / (1.f - rate_);
  scale_.resize(x.data.size());
  for (size_t i = 0; i < scale_.size(); ++i) {
    scale_[i] = rng->Uniform() < rate_ ? 0.f : keep_scale;
    y->data[i] *= scale_[i];
  }
}

void Dropout::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  if (!dx) return;
  dx->Resize(x.shape);
  for (size_t i = 0; i < dx->data.size(); ++i) dx->data[i] = dy.data[i] * scale_[i];
}

// --- BatchNormalization --------------------------------------------------

Status BatchNormalization::Build(const Dims& in, Rng*) {
  if (in.empty()) return ShapeError(*this, "needs an input with a channel axis", in);
  if (!(momentum_ >= 0.f && momentum_ <= 1.f) || !(epsilon_ > 0.f)) {
    return Errorf(StatusCode::kInvalidArgument,
                  "BatchNormalization '%s': momentum must be in [0, 1] and epsilon > 0",
                  name.c_str());
  }
  in_ = out_ = in;
  const int ch = in.back();
  Param* gamma = AddParam("gamma", {ch});
  std::fill(gamma->value.begin(), gamma->value.end(), 1.f);
  AddParam("beta", {ch});
  AddParam("moving_mean", {ch}, false);
  Param* var = AddParam("moving_variance", {ch}, false);
  std::fill(var->value.begin(), var->value.end(), 1.f);
  return Status::Ok();
}

void BatchNormalization::InferenceAffine(std::vector<float>* scale,
                                         std::vector<float>* shift) const {
  const int ch = in_.back();
  scale->resize(ch);
  shift->resize(ch);
  for (int c = 0; c < ch; ++c) {
    const float s = params_[0]->value[c] / std::sqrt(params_[3]->value[c] + epsilon_);
    (*scale)[c] = s;
    (*shift)[c] = params_[1]->value[c] - params_[2]->value[c] * s;
  }
}

void BatchNormalization::Forward(const Array& x, Array* y, bool training, Rng*) {
  const int ch = in_.back();
  const int64_t rows = x.size() / ch;
  y->Resize(x.shape);
  last_training_ = training;
  if (!training) {
    std::vector<float> scale, shift;
    InferenceAffine(&scale, &shift);
    for (int64_t r = 0; r < rows; ++r) {
      for (int c = 0; c < ch; ++c) {
        y->data[r * ch + c] = x.data[r * ch + c] * scale[c] + shift[c];
      }
    }
    return;
  }
  std::vector<double> sum(ch, 0.0), sq(ch, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < ch; ++c) sum[c] += x.data[r * ch + c];
  }
  mean_.assign(ch, 0.f);
  inv_std_.assign(ch, 0.f);
  for (int c = 0; c < ch; ++c) mean_[c] = static_cast<float>(sum[c] / rows);
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < ch; ++c) {
      const double d = x.data[r * ch + c] - mean_[c];
      sq[c] += d * d;
    }
  }
  const float* gamma = params_[0]->value.data();
  const float* beta = params_[1]->value.data();
  float* mm = params_[2]->value.data();
  float* mv = params_[3]->value.data();
  for (int c = 0; c < ch; ++c) {
    const float var = static_cast<float>(sq[c] / rows);
    inv_std_[c] = 1.f / std::sqrt(var + epsilon_);
    mm[c] = mm[c] * momentum_ + mean_[c] * (1.f - momentum_);
    mv[c] = mv[c] * momentum_ + var * (1.f - momentum_);
  }
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < ch; ++c) {
      const float xhat = (x.data[r * ch + c] - mean_[c]) * inv_std_[c];
      y->data[r * ch + c] = gamma[c] * xhat + beta[c];
    }
  }
}

void BatchNormalization::Backward(const Array& x, const Array&, const Array& dy, Array* dx) {
  const int ch = in_.back();
  const int64_t rows = x.size() / ch;
  float* dgamma = params_[0]->grad.data();
  float* dbeta = params_[1]->grad.data();
  const float* gamma = params_[0]->value.data();
  std::fill(dgamma, dgamma + ch, 0.f);
  std::fill(dbeta, dbeta + ch, 0.f);
  if (!last_training_) {
    // Moving statistics are constants: y = x * scale + shift.
    std::vector<float> scale, shift;
    InferenceAffine(&scale, &shift);
    const float* mm = params_[2]->value.data();
    const float* mv = params_[3]->value.data();
    if (dx) dx->Resize(x.shape);
    for (int64_t r = 0; r < rows; ++r) {
      for (int c = 0; c < ch; ++c) {
        const float g = dy.data[r * ch + c];
        dbeta[c] += g;
        dgamma[c] += g * (x.data[r * ch + c] - mm[c]) / std::sqrt(mv[c] + epsilon_);
        if (dx) dx->data[r * ch + c] = g * scale[c];
      }
    }
    return;
  }
  std::vector<double> sum_g(ch, 0.0), sum_gx(ch, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < ch; ++c) {
      const float g = dy.data[r * ch + c];
      const float xhat = (x.data[r * ch + c] - mean_[c]) * inv_std_[c];
      sum_g[c] += g;
      sum_gx[c] += g * xhat;
    }
  }
  for (int c = 0; c < ch; ++c) {
    dbeta[c] = static_cast<float>(sum_g[c]);
    dgamma[c] = static_cast<float>(sum_gx[c]);
  }
  if (!dx) return;
  dx->Resize(x.shape);
  const double inv_rows = 1.0 / static_cast<double>(rows);
  for (int64_t r = 0; r < rows; ++r) {
    for (int c = 0; c < ch; ++c) {
      const double xhat = (x.data[r * ch + c] - mean_[c]) * inv_std_[c];
      const double g = dy.data[r * ch + c];
      dx->data[r * ch + c] = static_cast<float>(
          gamma[c] * inv_std_[c] * (g - sum_g[c] * inv_rows - xhat * sum_gx[c] * inv_rows));
    }
  }
}

// --- Activation ----------------------------------------------------------

Status Activation::Build(const Dims& in, Rng*) {
  if (a_ == ActivationKind::kSoftmax && in.empty()) {
    return ShapeError(*this, "softmax needs an axis", in);
  }
  in_ = out_ = in;
  return Status::Ok();
}

void Activation::Forward(const Array& x, Array* y, bool, Rng*) {
  y->Resize(x.shape);
  const int64_t n = x.size();
  switch (a_) {
    case ActivationKind::kLinear:
      y->data = x.data;
      break;
    case ActivationKind::kRelu:
      reference::Relu(n, x.data.data(), y->data.data());
      break;
    case ActivationKind::kRelu6:
      reference::Relu6(n, x.data.data(), y->data.data());
      break;
    case ActivationKind::kSigmoid:
      reference::Logistic(n, x.data.data(), y->data.data());
      break;
    case ActivationKind::kSoftmax: {
      const int64_t depth = in_.back();
      reference::Softmax(n / depth, depth, 1.f, x.data.data(), y->data.data());
      break;
    }
  }
}

void Activation::Backward(const Array& x, const Array& y, const Array& dy, Array* dx) {
  if (!dx) return;
  dx->Resize(x.shape);
  const int64_t n = x.size();
  float* d = dx->data.data();
  const float* g = dy.data.data();
  switch (a_) {
    case ActivationKind::kLinear:
      dx->data = dy.data;
      break;
    case ActivationKind::kRelu:
      for (int64_t i = 0; i < n; ++i) d[i] = x.data[i] > 0.f ? g[i] : 0.f;
      break;
    case ActivationKind::kRelu6:
      for (int64_t i = 0; i < n; ++i) d[i] = (x.data[i] > 0.f && x.data[i] < 6.f) ? g[i] : 0.f;
      break;
    case ActivationKind::kSigmoid:
      for (int64_t i = 0; i < n; ++i) d[i] = g[i] * y.data[i] * (1.f - y.data[i]);
      break;
    case ActivationKind::kSoftmax: {
      const int64_t depth = in_.back();
      for (int64_t r = 0; r < n / depth; ++r) {
        const float* yr = y.data.data() + r * depth;
        const float* gr = g + r * depth;
        float dot = 0.f;
        for (int64_t c = 0; c < depth; ++c) dot += gr[c] * yr[c];
        for (int64_t c = 0; c < depth; ++c) d[r * depth + c] = yr[c] * (gr[c] - dot);
      }
      break;
    }
  }
}

}  // namespace edgeml::train
