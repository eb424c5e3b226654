// Post-training quantization (see quantize.h).
#include "optimize/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include "optimize/model_edit.h"

namespace edgeml::optimize {

using tfl::BuiltinOperator;
using tfl::TensorType;

Status ParseQuantMode(const std::string& s, QuantMode* out) {
  if (s == "dynamic")
    *out = QuantMode::kDynamic;
  else if (s == "int8")
    *out = QuantMode::kInt8;
  else if (s == "int16x8")
    *out = QuantMode::kInt16x8;
  else if (s == "float16")
    *out = QuantMode::kFloat16;
  else
    return Status(StatusCode::kInvalidArgument,
                  "--mode: '" + s + "' is not one of dynamic, int8, float16, int16x8");
  return Status::Ok();
}

Status ParseIoType(const std::string& s, IoType* out) {
  if (s == "float")
    *out = IoType::kFloat;
  else if (s == "int8")
    *out = IoType::kInt8;
  else if (s == "uint8")
    *out = IoType::kUInt8;
  else
    return Status(StatusCode::kInvalidArgument,
                  "--io: '" + s + "' is not one of float, int8, uint8");
  return Status::Ok();
}

const char* QuantModeName(QuantMode m) {
  switch (m) {
    case QuantMode::kDynamic:
      return "dynamic";
    case QuantMode::kInt8:
      return "int8";
    case QuantMode::kInt16x8:
      return "int16x8";
    case QuantMode::kFloat16:
      return "float16";
  }
  return "?";
}

int PrepareFloatModel(tfl::ModelT* model) {
  const int folded = FoldConstantDequantize(model);
  Compact(model);
  return folded;
}

namespace {

struct QParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t axis = 0;
};

void SetQuant(tfl::TensorT* t, const QParams& q) {
  t->quantization = std::make_unique<tfl::QuantizationParametersT>();
  t->quantization->scale = q.scale;
  t->quantization->zero_point = q.zero_point;
  t->quantization->quantized_dimension = q.axis;
}

QParams ParamsOf(const tfl::TensorT& t) {
  QParams q;
  if (t.quantization) {
    q.scale = t.quantization->scale;
    q.zero_point = t.quantization->zero_point;
    q.axis = t.quantization->quantized_dimension;
  }
  return q;
}

// Asymmetric int8 / symmetric int16 activation parameters for a range.
QParams ActivationParams(TensorRange r, TensorType type) {
  float lo = std::min(r.min, 0.0f), hi = std::max(r.max, 0.0f);
  QParams q;
  if (type == TensorType::INT16) {
    float m = std::max(std::fabs(lo), std::fabs(hi));
    if (!(m > 0) || !std::isfinite(m)) m = 1.0f;
    q.scale = {m / 32767.0f};
    q.zero_point = {0};
    return q;
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = -1, hi = 1;
  if (hi - lo < 1e-7f) hi = lo + 1e-7f;
  const float scale = (hi - lo) / 255.0f;
  const double zp = std::round(-128.0 - static_cast<double>(lo) / scale);
  q.scale = {scale};
  q.zero_point = {static_cast<int64_t>(std::clamp(zp, -128.0, 127.0))};
  return q;
}

// Symmetric int8 weights, one scale per slice along `axis` (axis -1: one
// scale for the tensor).
QParams QuantizeWeights(const std::vector<float>& w, const std::vector<int32_t>& shape, int axis,
                        std::vector<int8_t>* q) {
  QParams p;
  const int64_t n = static_cast<int64_t>(w.size());
  int64_t channels = 1, inner = n;
  if (axis >= 0) {
    channels = shape[axis];
    inner = 1;
    for (size_t d = axis + 1; d < shape.size(); ++d) inner *= shape[d];
  }
  std::vector<float> maxabs(static_cast<size_t>(channels), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = axis >= 0 ? (i / inner) % channels : 0;
    maxabs[c] = std::max(maxabs[c], std::fabs(w[i]));
  }
  p.scale.resize(channels);
  p.zero_point.assign(channels, 0);
  for (int64_t c = 0; c < channels; ++c) {
    p.scale[c] = maxabs[c] > 0 && std::isfinite(maxabs[c]) ? maxabs[c] / 127.0f : 1.0f;
  }
  q->resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t c = axis >= 0 ? (i / inner) % channels : 0;
    const float v = std::round(w[i] / p.scale[c]);
    (*q)[i] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
  }
  p.axis = axis >= 0 ? axis : 0;
  return p;
}

enum class OutRule { kRequantize, kSameAsInput, kFixed };

struct OpRule {
  BuiltinOperator op;
  OutRule out;
  int version8;
  int version16;  // 0: no int16x8 kernel
  bool weights;   // inputs 1 (weights) and 2 (bias) are constants
};

const OpRule kRules[] = {
    {BuiltinOperator::CONV_2D, OutRule::kRequantize, 3, 3, true},
    {BuiltinOperator::DEPTHWISE_CONV_2D, OutRule::kRequantize, 3, 3, true},
    {BuiltinOperator::FULLY_CONNECTED, OutRule::kRequantize, 4, 4, true},
    {BuiltinOperator::ADD, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::SUB, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::MUL, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::MEAN, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::HARD_SWISH, OutRule::kRequantize, 1, 0, false},
    {BuiltinOperator::RELU, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::RELU6, OutRule::kRequantize, 2, 2, false},
    {BuiltinOperator::AVERAGE_POOL_2D, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::MAX_POOL_2D, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::RESHAPE, OutRule::kSameAsInput, 1, 1, false},
    {BuiltinOperator::SQUEEZE, OutRule::kSameAsInput, 1, 1, false},
    {BuiltinOperator::PAD, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::RESIZE_BILINEAR, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::STRIDED_SLICE, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::TRANSPOSE, OutRule::kSameAsInput, 2, 2, false},
    {BuiltinOperator::LOGISTIC, OutRule::kFixed, 2, 2, false},
    {BuiltinOperator::TANH, OutRule::kFixed, 2, 2, false},
    {BuiltinOperator::SOFTMAX, OutRule::kFixed, 2, 2, false},
};

const OpRule* RuleFor(BuiltinOperator op) {
  for (const OpRule& r : kRules) {
    if (r.op == op) return &r;
  }
  return nullptr;
}

QParams FixedOutput(BuiltinOperator op, TensorType type) {
  QParams q;
  if (type == TensorType::INT16) {
    q.scale = {1.0f / 32768.0f};
    q.zero_point = {0};
  } else if (op == BuiltinOperator::TANH) {
    q.scale = {1.0f / 128.0f};
    q.zero_point = {0};
  } else {
    q.scale = {1.0f / 256.0f};
    q.zero_point = {-128};
  }
  return q;
}

class Quantizer {
 public:
  Quantizer(tfl::ModelT* m, const QuantizeOptions& o, const RangeMap& ranges, QuantizeSummary* s)
      : m_(*m), o_(o), ranges_(ranges), s_(*s) {}

  Status RunDynamic();
  Status RunFloat16();
  Status RunInteger();

 private:
  bool Skipped(const tfl::OperatorT& op) const {
    const std::string name = OpName(m_, op);
    return std::find(o_.skip.begin(), o_.skip.end(), name) != o_.skip.end();
  }
  int WeightAxis(BuiltinOperator op) const {
    if (o_.per_tensor) return -1;
    if (op == BuiltinOperator::FULLY_CONNECTED) return o_.per_channel_fc ? 0 : -1;
    return op == BuiltinOperator::DEPTHWISE_CONV_2D ? 3 : 0;
  }
  // A new INT8 tensor holding `src`'s values quantized symmetrically.
  int AddQuantizedWeights(tfl::SubGraphT& g, int src, int axis, QParams* params);
  // Integer version of float tensor t (a QUANTIZE before `ops` if needed).
  int Quantized(tfl::SubGraphT& g, int t, std::vector<std::unique_ptr<tfl::OperatorT>>& ops);
  // Float version of integer tensor t (a DEQUANTIZE before `ops` if needed).
  int Dequantized(tfl::SubGraphT& g, int t, std::vector<std::unique_ptr<tfl::OperatorT>>& ops);
  bool CanQuantize(const tfl::SubGraphT& g, const tfl::OperatorT& op, const OpRule** rule) const;
  Status QuantizeOp(tfl::SubGraphT& g, tfl::OperatorT& op, const OpRule& rule,
                    std::vector<std::unique_ptr<tfl::OperatorT>>& ops);

  // Remembers the first failure of a helper that cannot return a Status.
  void Keep(const Status& s) {
    if (!s.ok() && error_.ok()) error_ = s;
  }

 public:
  const Status& error() const { return error_; }

 private:
  Status error_;
  tfl::ModelT& m_;
  const QuantizeOptions& o_;
  const RangeMap& ranges_;
  QuantizeSummary& s_;
  TensorType act_ = TensorType::INT8;
  std::vector<int> qver_;     // float tensor -> its integer version (-1: none)
  std::vector<int> fver_;     // integer tensor -> its float version
  std::vector<char> is_int_;  // tensor now holds integer activations
};

int Quantizer::AddQuantizedWeights(tfl::SubGraphT& g, int src, int axis, QParams* params) {
  std::vector<float> w;
  Keep(ConstantAsFloat(m_, *g.tensors[src], &w));
  w.resize(static_cast<size_t>(NumElements(g.tensors[src]->shape)), 0.0f);
  std::vector<int8_t> q;
  *params = QuantizeWeights(w, g.tensors[src]->shape, axis, &q);
  const uint32_t buf = AddBuffer(&m_, q.data(), q.size());
  const std::vector<int32_t> shape = g.tensors[src]->shape;
  const int t = AddTensor(&g, g.tensors[src]->name, TensorType::INT8, shape, buf);
  SetQuant(g.tensors[t].get(), *params);
  ++s_.tensors_quantized;
  return t;
}

Status Quantizer::RunDynamic() {
  for (auto& gp : m_.subgraphs) {
    tfl::SubGraphT& g = *gp;
    for (auto& op : g.operators) {
      const BuiltinOperator code = OpCode(m_, *op);
      if (code != BuiltinOperator::CONV_2D && code != BuiltinOperator::DEPTHWISE_CONV_2D &&
          code != BuiltinOperator::FULLY_CONNECTED) {
        continue;
      }
      if (Skipped(*op) || op->inputs.size() < 2 || op->inputs[0] < 0 || op->inputs[1] < 0) {
        ++s_.ops_left_float[OpName(m_, *op)];
        continue;
      }
      const tfl::TensorT& in = *g.tensors[op->inputs[0]];
      const tfl::TensorT& w = *g.tensors[op->inputs[1]];
      int axis = WeightAxis(code);
      // LiteRT's hybrid depthwise kernel needs per-channel scales.
      const bool ok = in.type == TensorType::FLOAT32 && w.type == TensorType::FLOAT32 &&
                      IsConstant(m_, w) && NumElements(w.shape) >= o_.dynamic_min_elements &&
                      !(code == BuiltinOperator::DEPTHWISE_CONV_2D && axis < 0) &&
                      (axis < 0 || axis < static_cast<int>(w.shape.size()));
      if (!ok) {
        ++s_.ops_left_float[OpName(m_, *op)];
        continue;
      }
      QParams p;
      op->inputs[1] = AddQuantizedWeights(g, op->inputs[1], axis, &p);
      int version = 1;
      if (code == BuiltinOperator::CONV_2D) version = axis >= 0 ? 5 : 2;
      if (code == BuiltinOperator::DEPTHWISE_CONV_2D) version = 6;
      if (code == BuiltinOperator::FULLY_CONNECTED) {
        version = axis >= 0 ? 12 : 3;
        if (auto* fc = op->builtin_options.AsFullyConnectedOptions()) {
          if (fc->keep_num_dims) version = std::max(version, 5);
          if (fc->asymmetric_quantize_inputs) version = std::max(version, 9);
        }
      }
      op->opcode_index = GetOrAddOpCode(&m_, code, version);
      ++s_.ops_quantized;
    }
  }
  return Status::Ok();
}

Status Quantizer::RunFloat16() {
  for (auto& gp : m_.subgraphs) {
    tfl::SubGraphT& g = *gp;
    std::vector<std::unique_ptr<tfl::OperatorT>> deq;
    const size_t n = g.tensors.size();
    std::vector<char> used(n, 0);
    for (auto& op : g.operators) {
      for (int32_t t : op->inputs) {
        if (t >= 0) used[t] = 1;
      }
    }
    for (size_t t = 0; t < n; ++t) {
      tfl::TensorT& f = *g.tensors[t];
      if (!used[t] || f.type != TensorType::FLOAT32 || !IsConstant(m_, f) || f.sparsity) continue;
      std::vector<float> v;
      EDGEML_RETURN_IF_ERROR(ConstantAsFloat(m_, f, &v));
      std::vector<uint16_t> h(v.size());
      for (size_t i = 0; i < v.size(); ++i) h[i] = FloatToHalf(v[i]);
      const uint32_t buf = AddBuffer(&m_, h.data(), h.size() * 2);
      const std::vector<int32_t> shape = f.shape;
      const std::string name = f.name;
      const int half = AddTensor(&g, name + "_fp16", TensorType::FLOAT16, shape, buf);
      g.tensors[t]->buffer = 0;  // now computed by the DEQUANTIZE
      auto op = std::make_unique<tfl::OperatorT>();
      op->opcode_index = GetOrAddOpCode(&m_, BuiltinOperator::DEQUANTIZE, 3);
      op->inputs = {half};
      op->outputs = {static_cast<int32_t>(t)};
      deq.push_back(std::move(op));
      ++s_.tensors_quantized;
      ++s_.dequantize_ops_added;
    }
    for (auto& op : g.operators) deq.push_back(std::move(op));
    g.operators = std::move(deq);
  }
  return Status::Ok();
}

bool Quantizer::CanQuantize(const tfl::SubGraphT& g, const tfl::OperatorT& op,
                            const OpRule** rule) const {
  const BuiltinOperator code = OpCode(m_, op);
  const OpRule* r = RuleFor(code);
  if (r == nullptr || Skipped(op)) return false;
  if (act_ == TensorType::INT16 && r->version16 == 0) return false;
  if (op.outputs.size() != 1 || op.inputs.empty() || op.inputs[0] < 0) return false;
  const int out = op.outputs[0];
  if (g.tensors[out]->type != TensorType::FLOAT32) return false;
  if (r->out == OutRule::kRequantize && !ranges_.count(out)) return false;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const int t = op.inputs[i];
    if (t < 0) continue;
    const tfl::TensorT& x = *g.tensors[t];
    const bool constant = IsConstant(m_, x);
    if (r->weights && i >= 1) {
      if (x.type != TensorType::FLOAT32 || !constant) return false;
      if (i == 1 && WeightAxis(code) >= static_cast<int>(x.shape.size())) return false;
      continue;
    }
    if (is_int_[t]) continue;
    if (x.type != TensorType::FLOAT32) {
      // Shapes, axes, paddings: integer operands other than the data.
      if (i == 0) return false;
      continue;
    }
    if (!constant && !is_int_[t] && !ranges_.count(t)) return false;
  }
  // Binary ops: LiteRT's integer kernels take at most 4-D broadcasts.
  *rule = r;
  return true;
}

int Quantizer::Quantized(tfl::SubGraphT& g, int t,
                         std::vector<std::unique_ptr<tfl::OperatorT>>& ops) {
  if (is_int_[t]) return t;
  if (qver_[t] >= 0) return qver_[t];
  const tfl::TensorT& f = *g.tensors[t];
  QParams p;
  int q;
  if (IsConstant(m_, f)) {
    // A constant operand (e.g. of ADD or MUL): quantized from its own values.
    std::vector<float> v;
    Keep(ConstantAsFloat(m_, f, &v));
    TensorRange r;
    for (float x : v) {
      r.min = std::min(r.min, x);
      r.max = std::max(r.max, x);
    }
    p = ActivationParams(r, act_);
    std::vector<uint8_t> bytes;
    for (float x : v) {
      const double qv = std::round(x / p.scale[0]) + static_cast<double>(p.zero_point[0]);
      if (act_ == TensorType::INT16) {
        const int16_t s16 = static_cast<int16_t>(std::clamp(qv, -32768.0, 32767.0));
        const uint8_t* b = reinterpret_cast<const uint8_t*>(&s16);
        bytes.insert(bytes.end(), b, b + 2);
      } else {
        bytes.push_back(static_cast<uint8_t>(static_cast<int8_t>(std::clamp(qv, -128.0, 127.0))));
      }
    }
    const uint32_t buf = AddBuffer(&m_, bytes.data(), bytes.size());
    const std::vector<int32_t> shape = f.shape;
    q = AddTensor(&g, f.name + "_quantized", act_, shape, buf);
  } else {
    p = ActivationParams(ranges_.at(t), act_);
    const std::vector<int32_t> shape = f.shape;
    const std::vector<int32_t> sig = f.shape_signature;
    q = AddTensor(&g, f.name + "_quantized", act_, shape);
    g.tensors[q]->shape_signature = sig;
    auto op = std::make_unique<tfl::OperatorT>();
    op->opcode_index =
        GetOrAddOpCode(&m_, BuiltinOperator::QUANTIZE, act_ == TensorType::INT16 ? 2 : 1);
    op->inputs = {t};
    op->outputs = {q};
    ops.push_back(std::move(op));
    ++s_.quantize_ops_added;
  }
  SetQuant(g.tensors[q].get(), p);
  ++s_.tensors_quantized;
  qver_.resize(g.tensors.size(), -1);
  fver_.resize(g.tensors.size(), -1);
  is_int_.resize(g.tensors.size(), 0);
  is_int_[q] = 1;
  qver_[t] = q;
  return q;
}

int Quantizer::Dequantized(tfl::SubGraphT& g, int t,
                           std::vector<std::unique_ptr<tfl::OperatorT>>& ops) {
  if (!is_int_[t]) return t;
  if (fver_[t] >= 0) return fver_[t];
  const std::vector<int32_t> shape = g.tensors[t]->shape;
  const std::vector<int32_t> sig = g.tensors[t]->shape_signature;
  const int f = AddTensor(&g, g.tensors[t]->name + "_dequantized", TensorType::FLOAT32, shape);
  g.tensors[f]->shape_signature = sig;
  auto op = std::make_unique<tfl::OperatorT>();
  op->opcode_index = GetOrAddOpCode(&m_, BuiltinOperator::DEQUANTIZE, 2);
  op->inputs = {t};
  op->outputs = {f};
  ops.push_back(std::move(op));
  ++s_.dequantize_ops_added;
  qver_.resize(g.tensors.size(), -1);
  fver_.resize(g.tensors.size(), -1);
  is_int_.resize(g.tensors.size(), 0);
  fver_[t] = f;
  return f;
}

Status Quantizer::QuantizeOp(tfl::SubGraphT& g, tfl::OperatorT& op, const OpRule& rule,
                             std::vector<std::unique_ptr<tfl::OperatorT>>& ops) {
  const BuiltinOperator code = OpCode(m_, op);
  // Activations first: the weights' bias scale needs the input scale.
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const int t = op.inputs[i];
    if (t < 0 || (rule.weights && i >= 1)) continue;
    if (g.tensors[t]->type != TensorType::FLOAT32 && !is_int_[t]) continue;
    op.inputs[i] = Quantized(g, t, ops);
  }
  const QParams in = ParamsOf(*g.tensors[op.inputs[0]]);
  if (rule.weights) {
    QParams wp;
    op.inputs[1] = AddQuantizedWeights(g, op.inputs[1], WeightAxis(code), &wp);
    if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
      const int b = op.inputs[2];
      std::vector<float> bias;
      EDGEML_RETURN_IF_ERROR(ConstantAsFloat(m_, *g.tensors[b], &bias));
      const size_t units = bias.size();
      QParams bp;
      bp.scale.resize(wp.scale.size());
      bp.zero_point.assign(wp.scale.size(), 0);
      for (size_t c = 0; c < wp.scale.size(); ++c) bp.scale[c] = in.scale[0] * wp.scale[c];
      std::vector<uint8_t> bytes;
      const bool wide = act_ == TensorType::INT16;
      for (size_t c = 0; c < units; ++c) {
        const float s = bp.scale[wp.scale.size() > 1 ? c % wp.scale.size() : 0];
        const double v = std::round(static_cast<double>(bias[c]) / s);
        if (wide) {
          const int64_t q = static_cast<int64_t>(std::clamp(v, -9.2e18, 9.2e18));
          const uint8_t* p = reinterpret_cast<const uint8_t*>(&q);
          bytes.insert(bytes.end(), p, p + 8);
        } else {
          const int32_t q = static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0));
          const uint8_t* p = reinterpret_cast<const uint8_t*>(&q);
          bytes.insert(bytes.end(), p, p + 4);
        }
      }
      const uint32_t buf = AddBuffer(&m_, bytes.data(), bytes.size());
      const std::vector<int32_t> shape = g.tensors[b]->shape;
      const int qb = AddTensor(&g, g.tensors[b]->name, wide ? TensorType::INT64 : TensorType::INT32,
                               shape, buf);
      SetQuant(g.tensors[qb].get(), bp);
      op.inputs[2] = qb;
      ++s_.tensors_quantized;
    }
  }
  const int out = op.outputs[0];
  QParams op_params;
  switch (rule.out) {
    case OutRule::kRequantize:
      op_params = ActivationParams(ranges_.at(out), act_);
      break;
    case OutRule::kSameAsInput:
      op_params = in;
      break;
    case OutRule::kFixed:
      op_params = FixedOutput(code, act_);
      break;
  }
  g.tensors[out]->type = act_;
  SetQuant(g.tensors[out].get(), op_params);
  is_int_[out] = 1;
  ++s_.tensors_quantized;
  int version = act_ == TensorType::INT16 ? rule.version16 : rule.version8;
  if (code == BuiltinOperator::FULLY_CONNECTED) {
    if (auto* fc = op.builtin_options.AsFullyConnectedOptions()) {
      if (fc->keep_num_dims) version = std::max(version, 5);
    }
  }
  if (act_ == TensorType::INT16 && (code == BuiltinOperator::ADD || code == BuiltinOperator::SUB)) {
    // General int16 scales (not only powers of two).
    if (auto* a = op.builtin_options.AsAddOptions()) a->pot_scale_int16 = false;
    if (auto* s = op.builtin_options.AsSubOptions()) s->pot_scale_int16 = false;
  }
  op.opcode_index = GetOrAddOpCode(&m_, code, version);
  ++s_.ops_quantized;
  return Status::Ok();
}

Status Quantizer::RunInteger() {
  act_ = o_.mode == QuantMode::kInt16x8 ? TensorType::INT16 : TensorType::INT8;
  if (m_.subgraphs.empty()) return Status(StatusCode::kInvalidArgument, "model has no subgraph");
  tfl::SubGraphT& g = *m_.subgraphs[0];
  qver_.assign(g.tensors.size(), -1);
  fver_.assign(g.tensors.size(), -1);
  is_int_.assign(g.tensors.size(), 0);
  std::vector<std::unique_ptr<tfl::OperatorT>> ops;

  // Integer model inputs: the input tensor itself becomes integer.
  std::vector<int> uint8_inputs;
  if (o_.io != IoType::kFloat) {
    for (int32_t& t : g.inputs) {
      tfl::TensorT& x = *g.tensors[t];
      if (x.type != TensorType::FLOAT32 || !ranges_.count(t)) continue;
      const QParams p = ActivationParams(ranges_.at(t), TensorType::INT8);
      if (o_.io == IoType::kInt8 || act_ == TensorType::INT16) {
        // int16x8 keeps 8-bit I/O out of scope: an int8 input would need a
        // requantizing QUANTIZE to int16; inputs stay float there.
        if (act_ == TensorType::INT16) continue;
        x.type = TensorType::INT8;
        SetQuant(&x, p);
        is_int_[t] = 1;
        ++s_.tensors_quantized;
      } else {
        // uint8 input, requantized to int8 by a QUANTIZE (zero point + 128).
        const std::vector<int32_t> shape = x.shape;
        const std::string name = x.name;
        const int q = AddTensor(&g, name + "_int8", TensorType::INT8, shape);
        SetQuant(g.tensors[q].get(), p);
        tfl::TensorT& in = *g.tensors[t];
        in.type = TensorType::UINT8;
        QParams pu = p;
        pu.zero_point[0] += 128;
        SetQuant(&in, pu);
        auto op = std::make_unique<tfl::OperatorT>();
        op->opcode_index = GetOrAddOpCode(&m_, BuiltinOperator::QUANTIZE, 1);
        op->inputs = {t};
        op->outputs = {q};
        ops.push_back(std::move(op));
        ++s_.quantize_ops_added;
        qver_.resize(g.tensors.size(), -1);
        fver_.resize(g.tensors.size(), -1);
        is_int_.resize(g.tensors.size(), 0);
        is_int_[q] = 1;
        // Every reader of the input now reads the int8 tensor.
        for (auto& o : g.operators) {
          for (int32_t& i : o->inputs) {
            if (i == t) i = q;
          }
        }
        ++s_.tensors_quantized;
      }
    }
  }

  for (auto& op : g.operators) {
    const OpRule* rule = nullptr;
    if (CanQuantize(g, *op, &rule)) {
      EDGEML_RETURN_IF_ERROR(QuantizeOp(g, *op, *rule, ops));
    } else {
      bool float_op = false;
      for (int32_t& t : op->inputs) {
        if (t >= 0 && is_int_[t]) {
          t = Dequantized(g, t, ops);
          float_op = true;
        }
      }
      for (int32_t t : op->outputs) {
        if (t >= 0 && g.tensors[t]->type == TensorType::FLOAT32) float_op = true;
      }
      for (int32_t t : op->inputs) {
        if (t >= 0 && g.tensors[t]->type == TensorType::FLOAT32) float_op = true;
      }
      if (float_op) ++s_.ops_left_float[OpName(m_, *op)];
    }
    ops.push_back(std::move(op));
  }

  // Model outputs.
  for (int32_t& t : g.outputs) {
    const int old = t;
    if (is_int_[t] && o_.io == IoType::kFloat) {
      t = Dequantized(g, t, ops);
    } else if (!is_int_[t] && o_.io != IoType::kFloat &&
               g.tensors[t]->type == TensorType::FLOAT32 && ranges_.count(t) &&
               act_ == TensorType::INT8) {
      t = Quantized(g, t, ops);
    } else if (is_int_[t] && o_.io == IoType::kUInt8 && act_ == TensorType::INT8) {
      const tfl::TensorT& x = *g.tensors[t];
      QParams p = ParamsOf(x);
      p.zero_point[0] += 128;
      const std::vector<int32_t> shape = x.shape;
      const int u = AddTensor(&g, x.name + "_uint8", TensorType::UINT8, shape);
      SetQuant(g.tensors[u].get(), p);
      auto op = std::make_unique<tfl::OperatorT>();
      op->opcode_index = GetOrAddOpCode(&m_, BuiltinOperator::QUANTIZE, 1);
      op->inputs = {t};
      op->outputs = {u};
      ops.push_back(std::move(op));
      ++s_.quantize_ops_added;
      t = u;
    }
    if (t != old) {
      // The output keeps its name (signatures and users look it up by name).
      const std::string name = g.tensors[old]->name;
      g.tensors[old]->name = name + "_" + tfl::EnumNameTensorType(g.tensors[old]->type);
      g.tensors[t]->name = name;
      for (auto& sig : m_.signature_defs) {
        if (sig->subgraph_index != 0) continue;
        for (auto& e : sig->outputs) {
          if (static_cast<int>(e->tensor_index) == old) e->tensor_index = static_cast<uint32_t>(t);
        }
      }
    }
  }
  g.operators = std::move(ops);
  for (size_t gi = 1; gi < m_.subgraphs.size(); ++gi) {
    ++s_.ops_left_float["(ops of subgraph " + std::to_string(gi) + ")"];
  }
  return Status::Ok();
}

}  // namespace

Status QuantizeModel(tfl::ModelT* model, const QuantizeOptions& options, const RangeMap& ranges,
                     QuantizeSummary* summary) {
  *summary = QuantizeSummary();
  summary->dequantize_folded = FoldConstantDequantize(model);
  Compact(model);  // the tensor numbering calibration saw (PrepareFloatModel)
  Quantizer q(model, options, ranges, summary);
  Status s;
  switch (options.mode) {
    case QuantMode::kDynamic:
      s = q.RunDynamic();
      break;
    case QuantMode::kFloat16:
      s = q.RunFloat16();
      break;
    case QuantMode::kInt8:
    case QuantMode::kInt16x8:
      s = q.RunInteger();
      break;
  }
  if (s.ok()) s = q.error();
  if (!s.ok()) return s;
  Compact(model);
  return Status::Ok();
}

}  // namespace edgeml::optimize
