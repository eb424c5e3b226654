// .tflite export of a Sequential model (see export.h).
#include "train/export.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "format/metadata.h"
#include "format/writer.h"
#include "tflite_generated.h"

namespace edgeml::train {
namespace {

template <typename T>
const T* As(const Layer* l) {
  return dynamic_cast<const T*>(l);
}

struct Quant {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int dim = 0;
};

class Emitter {
 public:
  Emitter() {
    model_.version = 3;
    model_.buffers.push_back(std::make_unique<tfl::BufferT>());  // the empty sentinel
    auto sg = std::make_unique<tfl::SubGraphT>();
    sg->name = "main";
    model_.subgraphs.push_back(std::move(sg));
  }
  tfl::ModelT& model() { return model_; }
  tfl::SubGraphT& sg() { return *model_.subgraphs[0]; }

  uint32_t Buffer(const void* data, size_t bytes) {
    auto b = std::make_unique<tfl::BufferT>();
    const auto* p = static_cast<const uint8_t*>(data);
    b->data.assign(p, p + bytes);
    model_.buffers.push_back(std::move(b));
    return static_cast<uint32_t>(model_.buffers.size() - 1);
  }

  int Tensor(const std::string& name, const Dims& shape, tfl::TensorType type, uint32_t buffer,
             const Quant* q = nullptr) {
    auto t = std::make_unique<tfl::TensorT>();
    t->name = name;
    t->shape.assign(shape.begin(), shape.end());
    t->type = type;
    t->buffer = buffer;
    if (q) {
      t->quantization = std::make_unique<tfl::QuantizationParametersT>();
      t->quantization->scale = q->scale;
      t->quantization->zero_point = q->zero_point;
      t->quantization->quantized_dimension = q->dim;
    }
    sg().tensors.push_back(std::move(t));
    return static_cast<int>(sg().tensors.size() - 1);
  }

  template <typename T>
  int Constant(const std::string& name, const Dims& shape, tfl::TensorType type,
               const std::vector<T>& values, const Quant* q = nullptr) {
    return Tensor(name, shape, type, Buffer(values.data(), values.size() * sizeof(T)), q);
  }

  template <typename Options>
  void Op(tfl::BuiltinOperator code, int version, const std::vector<int>& inputs,
          const std::vector<int>& outputs, Options options) {
    auto op = std::make_unique<tfl::OperatorT>();
    op->opcode_index = Opcode(code, version);
    op->inputs = inputs;
    op->outputs = outputs;
    op->builtin_options.Set(std::move(options));
    sg().operators.push_back(std::move(op));
  }
  void Op(tfl::BuiltinOperator code, int version, const std::vector<int>& inputs,
          const std::vector<int>& outputs) {
    auto op = std::make_unique<tfl::OperatorT>();
    op->opcode_index = Opcode(code, version);
    op->inputs = inputs;
    op->outputs = outputs;
    sg().operators.push_back(std::move(op));
  }

 private:
  uint32_t Opcode(tfl::BuiltinOperator code, int version) {
    for (size_t i = 0; i < model_.operator_codes.size(); ++i) {
      const auto& c = model_.operator_codes[i];
      if (c->builtin_code == code && c->version == version) return static_cast<uint32_t>(i);
    }
    auto c = std::make_unique<tfl::OperatorCodeT>();
    c->builtin_code = code;
    c->deprecated_builtin_code = static_cast<int8_t>(std::min(static_cast<int>(code), 127));
    c->version = version;
    model_.operator_codes.push_back(std::move(c));
    return static_cast<uint32_t>(model_.operator_codes.size() - 1);
  }
  tfl::ModelT model_;
};

tfl::Padding ToPadding(Padding p) {
  return p == Padding::kSame ? tfl::Padding::SAME : tfl::Padding::VALID;
}

Dims Batch1(const Dims& d) {
  Dims s{1};
  s.insert(s.end(), d.begin(), d.end());
  return s;
}

// A weight (kernel) being exported: float values after BN folding, its
// layout and, when pruned, its mask.
struct Kernel {
  Dims shape;
  std::vector<float> values;
  std::vector<float> bias;
  bool channel_last = false;  // depthwise: channel is the last axis
  int channels = 1;           // per-channel quantization groups (1: per tensor)
  bool pruned = false;
};

class Exporter {
 public:
  Exporter(Sequential& m, const ExportOptions& o) : m_(m), o_(o) {}

  Status Run(std::vector<uint8_t>* out) {
    const auto& layers = m_.layers();
    if (o_.int8) {
      for (size_t p = 0; p < m_.ranges().size(); ++p) {
        const bool needed = p == 0 || m_.IsQuantPoint(static_cast<int>(p) - 1);
        if (needed && !m_.ranges()[p].set) {
          return Errorf(StatusCode::kFailedPrecondition,
                        "export int8: no activation range for %s (train with QAT or calibrate "
                        "first)",
                        p == 0 ? "the input" : layers[p - 1]->name.c_str());
        }
      }
    }
    // Input.
    Quant in_q;
    if (o_.int8) in_q = ActQuant(0);
    int cur =
        e_.Tensor(o_.input_name, Batch1(m_.input_shape()), Type(), 0, o_.int8 ? &in_q : nullptr);
    const int input = cur;
    Quant cur_q = in_q;
    const int n = static_cast<int>(layers.size());
    int i = 0;
    while (i < n) {
      const Layer* l = layers[i].get();
      if (As<Dropout>(l)) {
        ++i;
        continue;
      }
      const std::string& name = l->name;
      const Dims out_shape = Batch1(l->output_shape());
      if (As<Conv2D>(l) || As<DepthwiseConv2D>(l) || As<Dense>(l)) {
        // Fold a following BatchNormalization, fuse a following ReLU/ReLU6.
        Kernel k;
        EDGEML_RETURN_IF_ERROR(TakeKernel(layers[i].get(), &k));
        int last = i;
        int j = NextNonDropout(i);
        if (j >= 0 && As<BatchNormalization>(layers[j].get())) {
          Fold(*As<BatchNormalization>(layers[j].get()), &k);
          last = j;
          j = NextNonDropout(j);
        }
        tfl::ActivationFunctionType act = tfl::ActivationFunctionType::NONE;
        if (j >= 0) {
          if (const auto* a = As<Activation>(layers[j].get())) {
            if (a->kind() == ActivationKind::kRelu || a->kind() == ActivationKind::kRelu6 ||
                a->kind() == ActivationKind::kLinear) {
              act = a->kind() == ActivationKind::kRelu    ? tfl::ActivationFunctionType::RELU
                    : a->kind() == ActivationKind::kRelu6 ? tfl::ActivationFunctionType::RELU6
                                                          : tfl::ActivationFunctionType::NONE;
              last = j;
            }
          }
        }
        Quant out_q;
        if (o_.int8) out_q = ActQuant(last + 1);
        const int w = WeightTensor(name + "/kernel", k, cur_q);
        const int b = BiasTensor(name + "/bias", k, cur_q, w);
        const int y = e_.Tensor(name, out_shape, Type(), 0, o_.int8 ? &out_q : nullptr);
        if (const auto* c = As<Conv2D>(l)) {
          tfl::Conv2DOptionsT opt;
          opt.padding = ToPadding(c->config().padding);
          opt.stride_h = c->config().stride_h;
          opt.stride_w = c->config().stride_w;
          opt.fused_activation_function = act;
          e_.Op(tfl::BuiltinOperator::CONV_2D, o_.int8 ? 3 : 1, {cur, w, b}, {y}, opt);
        } else if (const auto* d = As<DepthwiseConv2D>(l)) {
          tfl::DepthwiseConv2DOptionsT opt;
          opt.padding = ToPadding(d->config().padding);
          opt.stride_h = d->config().stride_h;
          opt.stride_w = d->config().stride_w;
          opt.depth_multiplier = d->config().depth_multiplier;
          opt.fused_activation_function = act;
          e_.Op(tfl::BuiltinOperator::DEPTHWISE_CONV_2D, o_.int8 ? 3 : 1, {cur, w, b}, {y}, opt);
        } else {
          tfl::FullyConnectedOptionsT opt;
          opt.fused_activation_function = act;
          e_.Op(tfl::BuiltinOperator::FULLY_CONNECTED, o_.int8 ? 4 : 1, {cur, w, b}, {y}, opt);
        }
        cur = y;
        cur_q = out_q;
        i = last + 1;
        continue;
      }
      if (const auto* p = As<Pool2D>(l)) {
        tfl::Pool2DOptionsT opt;
        opt.padding = ToPadding(p->config().padding);
        opt.stride_h = p->config().stride_h;
        opt.stride_w = p->config().stride_w;
        opt.filter_height = p->config().pool_h;
        opt.filter_width = p->config().pool_w;
        const int y = e_.Tensor(name, out_shape, Type(), 0, o_.int8 ? &cur_q : nullptr);
        e_.Op(
            p->is_max() ? tfl::BuiltinOperator::MAX_POOL_2D : tfl::BuiltinOperator::AVERAGE_POOL_2D,
            o_.int8 ? 2 : 1, {cur}, {y}, opt);
        cur = y;
      } else if (As<Reshape>(l)) {
        std::vector<int32_t> shape(out_shape.begin(), out_shape.end());
        const int s = e_.Constant(name + "/shape", {static_cast<int>(shape.size())},
                                  tfl::TensorType::INT32, shape);
        const int y = e_.Tensor(name, out_shape, Type(), 0, o_.int8 ? &cur_q : nullptr);
        tfl::ReshapeOptionsT opt;
        opt.new_shape = shape;
        e_.Op(tfl::BuiltinOperator::RESHAPE, 1, {cur, s}, {y}, opt);
        cur = y;
      } else if (As<GlobalAveragePooling2D>(l)) {
        Quant out_q;
        if (o_.int8) out_q = ActQuant(i + 1);
        const int axes =
            e_.Constant(name + "/axes", {2}, tfl::TensorType::INT32, std::vector<int32_t>{1, 2});
        const int y = e_.Tensor(name, out_shape, Type(), 0, o_.int8 ? &out_q : nullptr);
        tfl::ReducerOptionsT opt;
        opt.keep_dims = false;
        e_.Op(tfl::BuiltinOperator::MEAN, o_.int8 ? 2 : 1, {cur, axes}, {y}, opt);
        cur = y;
        cur_q = out_q;
      } else if (const auto* bn = As<BatchNormalization>(l)) {
        if (o_.int8) {
          return Errorf(StatusCode::kUnsupported,
                        "export int8: BatchNormalization '%s' does not follow a Conv2D, "
                        "DepthwiseConv2D or Dense and cannot be folded",
                        name.c_str());
        }
        std::vector<float> scale, shift;
        bn->InferenceAffine(&scale, &shift);
        const int c = static_cast<int>(scale.size());
        const int sc = e_.Constant(name + "/scale", {c}, tfl::TensorType::FLOAT32, scale);
        const int sh = e_.Constant(name + "/shift", {c}, tfl::TensorType::FLOAT32, shift);
        const int mid = e_.Tensor(name + "/scaled", out_shape, Type(), 0);
        const int y = e_.Tensor(name, out_shape, Type(), 0);
        e_.Op(tfl::BuiltinOperator::MUL, 1, {cur, sc}, {mid}, tfl::MulOptionsT());
        e_.Op(tfl::BuiltinOperator::ADD, 1, {mid, sh}, {y}, tfl::AddOptionsT());
        cur = y;
      } else if (const auto* a = As<Activation>(l)) {
        if (a->kind() == ActivationKind::kLinear) {
          ++i;
          continue;
        }
        Quant out_q;
        if (o_.int8) out_q = ActQuant(i + 1);
        const int y = e_.Tensor(name, out_shape, Type(), 0, o_.int8 ? &out_q : nullptr);
        switch (a->kind()) {
          case ActivationKind::kRelu:
            e_.Op(tfl::BuiltinOperator::RELU, o_.int8 ? 2 : 1, {cur}, {y});
            break;
          case ActivationKind::kRelu6:
            e_.Op(tfl::BuiltinOperator::RELU6, o_.int8 ? 2 : 1, {cur}, {y});
            break;
          case ActivationKind::kSigmoid:
            e_.Op(tfl::BuiltinOperator::LOGISTIC, o_.int8 ? 2 : 1, {cur}, {y});
            break;
          case ActivationKind::kSoftmax: {
            tfl::SoftmaxOptionsT opt;
            opt.beta = 1.f;
            e_.Op(tfl::BuiltinOperator::SOFTMAX, o_.int8 ? 2 : 1, {cur}, {y}, opt);
            break;
          }
          case ActivationKind::kLinear:
            break;
        }
        cur = y;
        cur_q = out_q;
      } else {
        return Errorf(StatusCode::kUnsupported, "export: layer '%s' (%s) has no .tflite form",
                      name.c_str(), l->type());
      }
      ++i;
    }
    if (cur == input) {
      return Errorf(StatusCode::kUnsupported, "export: the model computes nothing");
    }
    e_.sg().tensors[cur]->name = o_.output_name;
    e_.sg().inputs = {input};
    e_.sg().outputs = {cur};
    auto sig = std::make_unique<tfl::SignatureDefT>();
    sig->signature_key = "serving_default";
    auto tin = std::make_unique<tfl::TensorMapT>();
    tin->name = o_.input_name;
    tin->tensor_index = static_cast<uint32_t>(input);
    sig->inputs.push_back(std::move(tin));
    auto tout = std::make_unique<tfl::TensorMapT>();
    tout->name = o_.output_name;
    tout->tensor_index = static_cast<uint32_t>(cur);
    sig->outputs.push_back(std::move(tout));
    e_.model().signature_defs.push_back(std::move(sig));
    e_.model().description = o_.description.empty() ? "edgeml train" : o_.description;
    // Metadata: names and the label file.
    format::ModelMetadataInfo info;
    info.name = o_.model_name;
    info.description = o_.description;
    info.version = "1";
    info.author = "edgeml train";
    info.inputs.push_back({o_.input_name, "", {}});
    format::TensorMetadataInfo out_md{o_.output_name, "", {}};
    if (!o_.labels.empty()) {
      format::AssociatedFileInfo f;
      f.name = "labels.txt";
      f.description = "class names, one per line, in output order";
      f.type = format::AssociatedFileType::kTensorAxisLabels;
      f.contents = format::LabelFileContents(o_.labels);
      out_md.associated_files.push_back(std::move(f));
    }
    info.outputs.push_back(std::move(out_md));
    EDGEML_RETURN_IF_ERROR(format::AttachMetadata(info, &e_.model()));
    EDGEML_RETURN_IF_ERROR(format::WriteModel(e_.model(), out));
    return format::AppendAssociatedFiles(info, out);
  }

 private:
  tfl::TensorType Type() const {
    return o_.int8 ? tfl::TensorType::INT8 : tfl::TensorType::FLOAT32;
  }

  int NextNonDropout(int i) const {
    const auto& layers = m_.layers();
    int j = i + 1;
    while (j < static_cast<int>(layers.size()) && As<Dropout>(layers[j].get())) ++j;
    return j < static_cast<int>(layers.size()) ? j : -1;
  }

  Quant ActQuant(int point) const {
    float scale;
    int zp;
    ActivationQuantParams(m_.ranges()[point], &scale, &zp);
    Quant q;
    q.scale = {scale};
    q.zero_point = {zp};
    return q;
  }

  Status TakeKernel(Layer* l, Kernel* k) {
    Param* w = l->param("kernel");
    Param* b = l->param("bias");
    k->shape = w->shape;
    k->values = w->value;
    k->channel_last = w->channel_last;
    k->channels = w->channel_axis_size;
    k->pruned = !w->mask.empty();
    const int out_ch = w->channel_last ? w->shape.back() : w->shape[0];
    k->bias = b ? b->value : std::vector<float>(out_ch, 0.f);
    return Status::Ok();
  }

  static void Fold(const BatchNormalization& bn, Kernel* k) {
    std::vector<float> scale, shift;
    bn.InferenceAffine(&scale, &shift);
    const int oc = static_cast<int>(scale.size());
    const size_t per = k->values.size() / oc;
    for (size_t i = 0; i < k->values.size(); ++i) {
      const int c = k->channel_last ? static_cast<int>(i % oc) : static_cast<int>(i / per);
      k->values[i] *= scale[c];
    }
    for (int c = 0; c < oc; ++c) k->bias[c] = k->bias[c] * scale[c] + shift[c];
  }

  // Per-channel (or per-tensor) symmetric int8 scales of the kernel.
  std::vector<float> WeightScales(const Kernel& k) const {
    const int ch = k.channels;
    const size_t per = k.values.size() / ch;
    std::vector<float> amax(ch, 0.f);
    for (size_t i = 0; i < k.values.size(); ++i) {
      const int c = k.channel_last ? static_cast<int>(i % ch) : static_cast<int>(i / per);
      amax[c] = std::max(amax[c], std::fabs(k.values[i]));
    }
    std::vector<float> s(ch);
    for (int c = 0; c < ch; ++c) s[c] = amax[c] > 0.f ? amax[c] / 127.f : 1.f;
    return s;
  }

  int WeightTensor(const std::string& name, const Kernel& k, const Quant&) {
    Quant q;
    std::vector<int8_t> qv;
    if (o_.int8) {
      q.scale = WeightScales(k);
      q.zero_point.assign(q.scale.size(), 0);
      q.dim = k.channel_last ? static_cast<int>(k.shape.size()) - 1 : 0;
      const int ch = k.channels;
      const size_t per = k.values.size() / ch;
      qv.resize(k.values.size());
      for (size_t i = 0; i < k.values.size(); ++i) {
        const int c = k.channel_last ? static_cast<int>(i % ch) : static_cast<int>(i / per);
        qv[i] = static_cast<int8_t>(
            std::min(127.f, std::max(-127.f, std::round(k.values[i] / q.scale[c]))));
      }
      weight_scales_ = q.scale;
    }
    const Quant* qp = o_.int8 ? &q : nullptr;
    if (!(o_.sparse && k.pruned && SparseIsSmaller(k, qv))) {
      return o_.int8 ? e_.Constant(name, k.shape, tfl::TensorType::INT8, qv, qp)
                     : e_.Constant(name, k.shape, tfl::TensorType::FLOAT32, k.values);
    }
    // Sparse: outer dimensions dense, the innermost CSR; values in row order.
    const int inner = k.shape.back();
    const size_t rows = k.values.size() / inner;
    std::vector<int32_t> segments{0}, indices;
    std::vector<float> fvals;
    std::vector<int8_t> qvals;
    for (size_t r = 0; r < rows; ++r) {
      for (int c = 0; c < inner; ++c) {
        const size_t idx = r * inner + c;
        const bool nonzero = o_.int8 ? qv[idx] != 0 : k.values[idx] != 0.f;
        if (!nonzero) continue;
        indices.push_back(c);
        if (o_.int8) {
          qvals.push_back(qv[idx]);
        } else {
          fvals.push_back(k.values[idx]);
        }
      }
      segments.push_back(static_cast<int32_t>(indices.size()));
    }
    const int t = o_.int8 ? e_.Constant(name + "/sparse", k.shape, tfl::TensorType::INT8, qvals, qp)
                          : e_.Constant(name + "/sparse", k.shape, tfl::TensorType::FLOAT32, fvals);
    auto sp = std::make_unique<tfl::SparsityParametersT>();
    for (size_t d = 0; d < k.shape.size(); ++d) sp->traversal_order.push_back(static_cast<int>(d));
    for (size_t d = 0; d + 1 < k.shape.size(); ++d) {
      auto dm = std::make_unique<tfl::DimensionMetadataT>();
      dm->format = tfl::DimensionType::DENSE;
      dm->dense_size = k.shape[d];
      sp->dim_metadata.push_back(std::move(dm));
    }
    auto dm = std::make_unique<tfl::DimensionMetadataT>();
    dm->format = tfl::DimensionType::SPARSE_CSR;
    if (segments.back() <= 0xffff) {
      tfl::Uint16VectorT s;
      s.values.assign(segments.begin(), segments.end());
      dm->array_segments.Set(std::move(s));
    } else {
      tfl::Int32VectorT s;
      s.values = segments;
      dm->array_segments.Set(std::move(s));
    }
    if (inner <= 0x100) {
      tfl::Uint8VectorT v;
      v.values.assign(indices.begin(), indices.end());
      dm->array_indices.Set(std::move(v));
    } else if (inner <= 0x10000) {
      tfl::Uint16VectorT v;
      v.values.assign(indices.begin(), indices.end());
      dm->array_indices.Set(std::move(v));
    } else {
      tfl::Int32VectorT v;
      v.values = indices;
      dm->array_indices.Set(std::move(v));
    }
    sp->dim_metadata.push_back(std::move(dm));
    e_.sg().tensors[t]->sparsity = std::move(sp);
    const int dense =
        e_.Tensor(name, k.shape, o_.int8 ? tfl::TensorType::INT8 : tfl::TensorType::FLOAT32, 0, qp);
    e_.Op(tfl::BuiltinOperator::DENSIFY, 1, {t}, {dense});
    return dense;
  }

  // Whether the CSR form (values, 1-byte or wider indices, 2-byte or wider
  // segments) takes fewer bytes than the dense tensor: not so for a small
  // innermost dimension (e.g. the filter of a 1-channel input).
  bool SparseIsSmaller(const Kernel& k, const std::vector<int8_t>& qv) const {
    const size_t elem = o_.int8 ? 1 : 4;
    const int inner = k.shape.back();
    size_t nonzero = 0;
    for (size_t i = 0; i < k.values.size(); ++i) {
      nonzero += o_.int8 ? qv[i] != 0 : k.values[i] != 0.f;
    }
    const size_t index_bytes = inner <= 0x100 ? 1 : inner <= 0x10000 ? 2 : 4;
    const size_t rows = k.values.size() / inner;
    const size_t seg_bytes = nonzero <= 0xffff ? 2 : 4;
    const size_t sparse = nonzero * (elem + index_bytes) + (rows + 1) * seg_bytes + 64;
    return sparse < k.values.size() * elem;
  }

  int BiasTensor(const std::string& name, const Kernel& k, const Quant& in_q, int) {
    const int oc = static_cast<int>(k.bias.size());
    if (!o_.int8) return e_.Constant(name, {oc}, tfl::TensorType::FLOAT32, k.bias);
    Quant q;
    q.scale.resize(oc);
    q.zero_point.assign(oc, 0);
    std::vector<int32_t> qb(oc);
    for (int c = 0; c < oc; ++c) {
      const float ws = weight_scales_.size() == 1 ? weight_scales_[0] : weight_scales_[c];
      q.scale[c] = in_q.scale[0] * ws;
      const double v = std::round(static_cast<double>(k.bias[c]) / q.scale[c]);
      qb[c] = static_cast<int32_t>(std::min<double>(std::max<double>(v, INT32_MIN), INT32_MAX));
    }
    if (weight_scales_.size() == 1) {
      q.scale.resize(1);
      q.zero_point.resize(1);
    }
    return e_.Constant(name, {oc}, tfl::TensorType::INT32, qb, &q);
  }

  Sequential& m_;
  const ExportOptions& o_;
  Emitter e_;
  std::vector<float> weight_scales_;
};

}  // namespace

Status ExportTflite(Sequential& model, const ExportOptions& options, std::vector<uint8_t>* out) {
  if (model.layers().empty() || model.input_shape().empty()) {
    return Errorf(StatusCode::kFailedPrecondition, "export: build the model first");
  }
  Exporter e(model, options);
  return e.Run(out);
}

Status ExportTfliteToFile(Sequential& model, const ExportOptions& options, const std::string& path,
                          size_t* bytes_written) {
  std::vector<uint8_t> bytes;
  EDGEML_RETURN_IF_ERROR(ExportTflite(model, options, &bytes));
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return Errorf(StatusCode::kIoError, "cannot write '%s'", path.c_str());
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) return Errorf(StatusCode::kIoError, "error writing '%s'", path.c_str());
  if (bytes_written) *bytes_written = bytes.size();
  return Status::Ok();
}

}  // namespace edgeml::train
