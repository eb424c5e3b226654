#include "delegates/vulkan/vk_lower.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <limits>

#include "tflite_generated.h"

namespace edgeml::vulkan {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
// Shaders index with int32.
constexpr int64_t kMaxElements = int64_t{1} << 31;

Status Refuse(const char* format, ...) __attribute__((format(printf, 1, 2)));
Status Refuse(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return Status(StatusCode::kUnsupported, buf);
}

template <typename T>
const T* Opts(const DelegateNode& n) {
  if (n.builtin_options == nullptr ||
      n.builtin_options_type != static_cast<uint8_t>(tfl::BuiltinOptionsTraits<T>::enum_value)) {
    return nullptr;
  }
  return static_cast<const T*>(n.builtin_options);
}

int32_t FloatBits(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}

Status ActRange(tfl::ActivationFunctionType a, float* lo, float* hi) {
  switch (a) {
    case tfl::ActivationFunctionType::NONE:
      *lo = -kInf;
      *hi = kInf;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU:
      *lo = 0.f;
      *hi = kInf;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU_N1_TO_1:
      *lo = -1.f;
      *hi = 1.f;
      return Status::Ok();
    case tfl::ActivationFunctionType::RELU6:
      *lo = 0.f;
      *hi = 6.f;
      return Status::Ok();
    default:
      return Refuse("fused activation %s is not supported", tfl::EnumNameActivationFunctionType(a));
  }
}

// Leading padding of a windowed op whose output size the CPU prepare set.
int32_t PadBefore(tfl::Padding padding, int32_t in, int32_t out, int32_t filter, int32_t stride,
                  int32_t dilation) {
  if (padding != tfl::Padding::SAME) return 0;
  const int64_t effective = (int64_t{filter} - 1) * dilation + 1;
  const int64_t total = (int64_t{out} - 1) * stride + effective - in;
  return static_cast<int32_t>(total > 0 ? total / 2 : 0);
}

// Shape padded on the left with 1s to rank 4.
bool To4D(const Shape& s, int32_t d[4]) {
  if (s.size() > 4) return false;
  const size_t lead = 4 - s.size();
  for (size_t i = 0; i < 4; ++i) d[i] = i < lead ? 1 : s[i - lead];
  return true;
}

struct Builder {
  Dispatch d;
  Builder(const char* shader, const DelegateNode& n) {
    d.shader = shader;
    d.what = n.op_name + " (node " + std::to_string(n.index) + ")";
  }
  Builder& In(int slot, int t) {
    d.inputs[slot] = t;
    return *this;
  }
  Builder& P(int k, int32_t v) {
    d.push[k] = v;
    return *this;
  }
  Builder& F(int k, float v) {
    d.push[k] = FloatBits(v);
    return *this;
  }
};

}  // namespace

const std::vector<std::string>& SupportedOps() {
  static const std::vector<std::string> ops = {"ADD",
                                               "AVERAGE_POOL_2D",
                                               "CONCATENATION",
                                               "CONV_2D",
                                               "Convolution2DTransposeBias",
                                               "DEPTHWISE_CONV_2D",
                                               "DEPTH_TO_SPACE",
                                               "DIV",
                                               "EXPAND_DIMS",
                                               "FULLY_CONNECTED",
                                               "HARD_SWISH",
                                               "LEAKY_RELU",
                                               "LOGISTIC",
                                               "MAXIMUM",
                                               "MAX_POOL_2D",
                                               "MEAN",
                                               "MINIMUM",
                                               "MUL",
                                               "PAD",
                                               "PADV2",
                                               "PRELU",
                                               "REDUCE_MAX",
                                               "RELU",
                                               "RELU6",
                                               "RELU_N1_TO_1",
                                               "RESHAPE",
                                               "RESIZE_BILINEAR",
                                               "RESIZE_NEAREST_NEIGHBOR",
                                               "SOFTMAX",
                                               "SQUARED_DIFFERENCE",
                                               "SQUEEZE",
                                               "SUB",
                                               "SUM",
                                               "TANH",
                                               "TRANSPOSE_CONV"};
  return ops;
}

Status Lowering::Input(const DelegateNode& node, int i, const char* role, int* t) {
  if (i >= static_cast<int>(node.inputs.size()) || node.inputs[i] < 0) {
    return Refuse("%s (input %d) is missing", role, i);
  }
  const int index = node.inputs[i];
  if (auto it = map_.find(index); it != map_.end()) {
    *t = it->second;
    return Status::Ok();
  }
  const Tensor& tensor = graph_.tensor(index);
  if (tensor.type != DataType::kFloat32) {
    return Refuse("%s %s is %s; only FLOAT32 is supported", role, graph_.Describe(index).c_str(),
                  DataTypeName(tensor.type).c_str());
  }
  if (tensor.num_elements() >= kMaxElements) {
    return Refuse("%s %s has 2^31 or more elements", role, graph_.Describe(index).c_str());
  }
  if (tensor.is_constant()) {
    if (tensor.data == nullptr && tensor.num_elements() > 0) {
      return Refuse("constant %s %s has no data", role, graph_.Describe(index).c_str());
    }
    *t = out_->AddConstant(tensor.shape, dry_run_ ? nullptr : tensor.data_as<float>(), tensor.name);
  } else {
    *t = out_->AddTensor(tensor.shape, tensor.name);
    out_->MarkInput(*t);
  }
  map_[index] = *t;
  return Status::Ok();
}

Status Lowering::Output(const DelegateNode& node, int i, int* t) {
  if (i >= static_cast<int>(node.outputs.size()) || node.outputs[i] < 0) {
    return Refuse("output %d is missing", i);
  }
  const int index = node.outputs[i];
  const Tensor& tensor = graph_.tensor(index);
  if (tensor.type != DataType::kFloat32) {
    return Refuse("output %s is %s; only FLOAT32 is supported", graph_.Describe(index).c_str(),
                  DataTypeName(tensor.type).c_str());
  }
  if (tensor.num_elements() >= kMaxElements) {
    return Refuse("output %s has 2^31 or more elements", graph_.Describe(index).c_str());
  }
  if (map_.count(index))
    return Refuse("output %s is written twice", graph_.Describe(index).c_str());
  *t = out_->AddTensor(tensor.shape, tensor.name);
  map_[index] = *t;
  return Status::Ok();
}

Status Lowering::Lower(const DelegateNode& n) {
  const std::string& op = n.op_name;
  auto out_shape = [&](int i) -> const Shape& { return graph_.tensor(n.outputs[i]).shape; };
  auto in_shape = [&](int i) -> const Shape& { return graph_.tensor(n.inputs[i]).shape; };
  auto has_input = [&](int i) { return i < static_cast<int>(n.inputs.size()) && n.inputs[i] >= 0; };
  const auto& known = SupportedOps();
  if (std::find(known.begin(), known.end(), op) == known.end()) {
    return Refuse("op %s is not supported by the Vulkan delegate", op.c_str());
  }
  if (n.outputs.size() != 1) return Refuse("%zu outputs; only 1 is supported", n.outputs.size());
  if (graph_.tensor(n.outputs[0]).is_constant()) return Refuse("the output is constant");

  // --- convolutions ---------------------------------------------------
  if (op == "CONV_2D" || op == "DEPTHWISE_CONV_2D") {
    const bool dw = op == "DEPTHWISE_CONV_2D";
    tfl::Padding padding;
    int32_t sh, sw, dh, dwl;
    tfl::ActivationFunctionType a;
    if (dw) {
      const auto* o = Opts<tfl::DepthwiseConv2DOptions>(n);
      if (!o) return Refuse("no DepthwiseConv2DOptions");
      padding = o->padding(), sh = o->stride_h(), sw = o->stride_w();
      dh = o->dilation_h_factor(), dwl = o->dilation_w_factor(), a = o->fused_activation_function();
    } else {
      const auto* o = Opts<tfl::Conv2DOptions>(n);
      if (!o) return Refuse("no Conv2DOptions");
      padding = o->padding(), sh = o->stride_h(), sw = o->stride_w();
      dh = o->dilation_h_factor(), dwl = o->dilation_w_factor(), a = o->fused_activation_function();
    }
    float lo, hi;
    EDGEML_RETURN_IF_ERROR(ActRange(a, &lo, &hi));
    int x, w, b = -1, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Input(n, 1, "filter", &w));
    if (has_input(2)) EDGEML_RETURN_IF_ERROR(Input(n, 2, "bias", &b));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = in_shape(0);
    const Shape& fs = in_shape(1);
    const Shape& os = out_shape(0);
    if (is.size() != 4 || fs.size() != 4 || os.size() != 4) return Refuse("tensors are not 4-D");
    const int32_t ic = is[3], oc = os[3];
    if (b >= 0 && graph_.tensor(n.inputs[2]).num_elements() != oc) {
      return Refuse("bias size differs from the output channels");
    }
    Builder d(dw ? "depthwise_conv2d" : "conv2d", n);
    d.In(0, x).In(1, w).In(2, b);
    d.P(0, is[0]).P(1, is[1]).P(2, is[2]).P(3, ic).P(4, os[1]).P(5, os[2]).P(6, oc);
    d.P(7, fs[1]).P(8, fs[2]);
    if (dw) {
      if (ic <= 0 || oc % ic != 0 || fs[3] != oc) return Refuse("channels do not match the filter");
      d.P(9, oc / ic);
    } else {
      const int32_t fic = fs[3];
      if (fic <= 0 || ic % fic != 0 || fs[0] != oc)
        return Refuse("channels do not match the filter");
      const int32_t groups = ic / fic;
      if (oc % groups != 0) return Refuse("output channels are not a multiple of the groups");
      d.P(9, fic).P(20, oc / groups);
    }
    d.P(10, sh).P(11, sw).P(12, dh).P(13, dwl);
    d.P(14, PadBefore(padding, is[1], os[1], fs[1], sh, dh));
    d.P(15, PadBefore(padding, is[2], os[2], fs[2], sw, dwl));
    d.F(16, lo).F(17, hi).P(18, b >= 0).P(19, static_cast<int32_t>(out_->tensor(y).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    d.d.grid = {oc, os[2], int64_t{os[0]} * os[1]};
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "FULLY_CONNECTED") {
    const auto* o = Opts<tfl::FullyConnectedOptions>(n);
    tfl::ActivationFunctionType a =
        o ? o->fused_activation_function() : tfl::ActivationFunctionType::NONE;
    if (o && o->weights_format() != tfl::FullyConnectedOptionsWeightsFormat::DEFAULT) {
      return Refuse("shuffled weights are not supported");
    }
    float lo, hi;
    EDGEML_RETURN_IF_ERROR(ActRange(a, &lo, &hi));
    int x, w, b = -1, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Input(n, 1, "weights", &w));
    if (has_input(2)) EDGEML_RETURN_IF_ERROR(Input(n, 2, "bias", &b));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& ws = in_shape(1);
    if (ws.size() != 2 || ws[1] <= 0) return Refuse("weights are not 2-D");
    const int32_t units = ws[0], depth = ws[1];
    const int64_t in_elems = out_->tensor(x).elements;
    if (in_elems % depth != 0) return Refuse("input size is not a multiple of the weights depth");
    const int64_t batch = in_elems / depth;
    if (batch * units != out_->tensor(y).elements) return Refuse("output size mismatch");
    if (b >= 0 && out_->tensor(b).elements != units) return Refuse("bias size mismatch");
    Builder d("fully_connected", n);
    d.In(0, x).In(1, w).In(2, b);
    d.P(0, static_cast<int32_t>(batch)).P(1, depth).P(2, units).F(3, lo).F(4, hi).P(5, b >= 0);
    d.P(6, static_cast<int32_t>(batch * units));
    d.d.output = y;
    d.d.invocations = batch * units;
    d.d.grid = {units, batch, 1};
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "TRANSPOSE_CONV" || op == "Convolution2DTransposeBias") {
    const bool mp = op == "Convolution2DTransposeBias";
    int x, w, b = -1, y;
    float lo = -kInf, hi = kInf;
    int32_t sh, sw;
    tfl::Padding padding;
    if (mp) {
      if (n.custom_options == nullptr || n.custom_options_size < 12) {
        return Refuse("custom options are not 12 bytes");
      }
      int32_t raw[3];
      std::memcpy(raw, n.custom_options, sizeof(raw));
      padding = raw[0] == 1 ? tfl::Padding::SAME : tfl::Padding::VALID;
      sw = raw[1];
      sh = raw[2];
      EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
      EDGEML_RETURN_IF_ERROR(Input(n, 1, "weights", &w));
      EDGEML_RETURN_IF_ERROR(Input(n, 2, "bias", &b));
    } else {
      const auto* o = Opts<tfl::TransposeConvOptions>(n);
      if (!o) return Refuse("no TransposeConvOptions");
      padding = o->padding(), sh = o->stride_h(), sw = o->stride_w();
      EDGEML_RETURN_IF_ERROR(ActRange(o->fused_activation_function(), &lo, &hi));
      EDGEML_RETURN_IF_ERROR(Input(n, 2, "input", &x));
      EDGEML_RETURN_IF_ERROR(Input(n, 1, "weights", &w));
      if (has_input(3)) EDGEML_RETURN_IF_ERROR(Input(n, 3, "bias", &b));
    }
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    const Shape& fs = out_->tensor(w).shape;
    const Shape& os = out_shape(0);
    if (is.size() != 4 || fs.size() != 4 || os.size() != 4) return Refuse("tensors are not 4-D");
    if (fs[3] != is[3] || fs[0] != os[3]) return Refuse("channels do not match the weights");
    if (sh <= 0 || sw <= 0) return Refuse("strides must be positive");
    int32_t pt, pl;
    if (mp) {
      // MediaPipe: total pad = max(0, kernel - (in - 1) % stride - 1), SAME only.
      auto pad = [&](int32_t in, int32_t k, int32_t s) {
        return padding == tfl::Padding::SAME ? std::max<int32_t>(0, k - (in - 1) % s - 1) / 2 : 0;
      };
      pt = pad(is[1], fs[1], sh);
      pl = pad(is[2], fs[2], sw);
    } else {
      // The padding of the forward conv from the output back to the input.
      pt = PadBefore(padding, os[1], is[1], fs[1], sh, 1);
      pl = PadBefore(padding, os[2], is[2], fs[2], sw, 1);
    }
    Builder d("transpose_conv2d", n);
    d.In(0, x).In(1, w).In(2, b);
    d.P(0, is[0]).P(1, is[1]).P(2, is[2]).P(3, is[3]).P(4, os[1]).P(5, os[2]).P(6, os[3]);
    d.P(7, fs[1]).P(8, fs[2]).P(9, sh).P(10, sw).P(11, pt).P(12, pl).F(13, lo).F(14, hi);
    d.P(15, b >= 0).P(16, static_cast<int32_t>(out_->tensor(y).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }

  // --- elementwise ----------------------------------------------------
  static const std::map<std::string, int> kBinary = {
      {"ADD", 0},   {"SUB", 1},     {"MUL", 2},     {"DIV", 3},
      {"PRELU", 4}, {"MAXIMUM", 5}, {"MINIMUM", 6}, {"SQUARED_DIFFERENCE", 7}};
  if (auto it = kBinary.find(op); it != kBinary.end()) {
    tfl::ActivationFunctionType a = tfl::ActivationFunctionType::NONE;
    if (const auto* o = Opts<tfl::AddOptions>(n)) a = o->fused_activation_function();
    if (const auto* o = Opts<tfl::SubOptions>(n)) a = o->fused_activation_function();
    if (const auto* o = Opts<tfl::MulOptions>(n)) a = o->fused_activation_function();
    if (const auto* o = Opts<tfl::DivOptions>(n)) a = o->fused_activation_function();
    float lo, hi;
    EDGEML_RETURN_IF_ERROR(ActRange(a, &lo, &hi));
    int xa, xb, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input 0", &xa));
    EDGEML_RETURN_IF_ERROR(Input(n, 1, "input 1", &xb));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    int32_t da[4], db[4], dy[4];
    if (!To4D(out_->tensor(xa).shape, da) || !To4D(out_->tensor(xb).shape, db) ||
        !To4D(out_shape(0), dy)) {
      return Refuse("rank above 4 is not supported");
    }
    Builder d("binary", n);
    d.In(0, xa).In(1, xb).P(0, it->second).P(1, static_cast<int32_t>(out_->tensor(y).elements));
    d.P(2, dy[1]).P(3, dy[2]).P(4, dy[3]);
    int32_t sa = 1, sb = 1;
    for (int i = 3; i >= 0; --i) {
      if ((da[i] != dy[i] && da[i] != 1) || (db[i] != dy[i] && db[i] != 1)) {
        return Refuse("shapes do not broadcast to the output");
      }
      d.P(5 + i, da[i] == 1 ? 0 : sa).P(9 + i, db[i] == 1 ? 0 : sb);
      sa *= da[i];
      sb *= db[i];
    }
    d.F(13, lo).F(14, hi);
    // Operands that are the output's shape, a scalar or broadcast over
    // leading dims only are indexed as idx % size (see binary.comp).
    auto simple = [&](const int32_t* dx) {
      int k = 0;
      while (k < 4 && dx[k] == 1) ++k;
      for (int i = k; i < 4; ++i) {
        if (dx[i] != dy[i]) return false;
      }
      return true;
    };
    d.P(15, simple(da) ? 0 : 1).P(16, simple(db) ? 0 : 1);
    d.P(17, static_cast<int32_t>(out_->tensor(xa).elements));
    d.P(18, static_cast<int32_t>(out_->tensor(xb).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  static const std::map<std::string, int> kUnary = {
      {"RELU", 0}, {"RELU6", 0},      {"RELU_N1_TO_1", 0}, {"LOGISTIC", 1},
      {"TANH", 2}, {"HARD_SWISH", 3}, {"LEAKY_RELU", 4}};
  if (auto it = kUnary.find(op); it != kUnary.end()) {
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    Builder d("unary", n);
    d.In(0, x).P(0, it->second).P(1, static_cast<int32_t>(out_->tensor(y).elements));
    float lo = 0.f, hi = kInf;
    if (op == "RELU6") hi = 6.f;
    if (op == "RELU_N1_TO_1") lo = -1.f, hi = 1.f;
    d.F(2, lo).F(3, hi);
    if (op == "LEAKY_RELU") {
      const auto* o = Opts<tfl::LeakyReluOptions>(n);
      d.F(4, o ? o->alpha() : 0.2f);
    }
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }

  // --- spatial --------------------------------------------------------
  if (op == "MAX_POOL_2D" || op == "AVERAGE_POOL_2D") {
    const auto* o = Opts<tfl::Pool2DOptions>(n);
    if (!o) return Refuse("no Pool2DOptions");
    float lo, hi;
    EDGEML_RETURN_IF_ERROR(ActRange(o->fused_activation_function(), &lo, &hi));
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    const Shape& os = out_shape(0);
    if (is.size() != 4 || os.size() != 4) return Refuse("tensors are not 4-D");
    const int32_t kh = o->filter_height(), kw = o->filter_width();
    const int32_t sh = o->stride_h(), sw = o->stride_w();
    Builder d("pool2d", n);
    d.In(0, x).P(0, is[0]).P(1, is[1]).P(2, is[2]).P(3, is[3]).P(4, os[1]).P(5, os[2]);
    d.P(6, kh).P(7, kw).P(8, sh).P(9, sw);
    d.P(10, PadBefore(o->padding(), is[1], os[1], kh, sh, 1));
    d.P(11, PadBefore(o->padding(), is[2], os[2], kw, sw, 1));
    d.F(12, lo).F(13, hi).P(14, op == "MAX_POOL_2D");
    d.P(15, static_cast<int32_t>(out_->tensor(y).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    d.d.grid = {os[3], os[2], int64_t{os[0]} * os[1]};
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "MEAN" || op == "SUM" || op == "REDUCE_MAX") {
    if (!has_input(1) || !graph_.tensor(n.inputs[1]).is_constant()) {
      return Refuse("axes are not constant");
    }
    const Tensor& axes = graph_.tensor(n.inputs[1]);
    if (axes.type != DataType::kInt32 || axes.data == nullptr) return Refuse("axes are not INT32");
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    int32_t d4[4];
    if (!To4D(is, d4)) return Refuse("rank above 4 is not supported");
    const int rank = static_cast<int>(is.size());
    int mask = 0;
    for (int64_t i = 0; i < axes.num_elements(); ++i) {
      int32_t a = axes.data_as<int32_t>()[i];
      if (a < 0) a += rank;
      if (a < 0 || a >= rank) return Refuse("axis %d is out of range", axes.data_as<int32_t>()[i]);
      mask |= 1 << (a + 4 - rank);
    }
    Builder d("reduce", n);
    d.In(0, x).P(0, op == "MEAN" ? 0 : op == "SUM" ? 1 : 2);
    d.P(1, static_cast<int32_t>(out_->tensor(y).elements));
    for (int i = 0; i < 4; ++i) d.P(2 + i, d4[i]);
    d.P(6, mask);
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "CONCATENATION") {
    const auto* o = Opts<tfl::ConcatenationOptions>(n);
    if (!o) return Refuse("no ConcatenationOptions");
    float lo, hi;
    EDGEML_RETURN_IF_ERROR(ActRange(o->fused_activation_function(), &lo, &hi));
    const Shape& os = out_shape(0);
    const int rank = static_cast<int>(os.size());
    int axis = o->axis();
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return Refuse("axis %d is out of range", o->axis());
    std::vector<int> xs(n.inputs.size());
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      EDGEML_RETURN_IF_ERROR(Input(n, static_cast<int>(i), "input", &xs[i]));
    }
    int y;
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < axis; ++i) outer *= os[i];
    for (int i = axis + 1; i < rank; ++i) inner *= os[i];
    int64_t offset = 0;
    for (int xi : xs) {
      const Shape& s = out_->tensor(xi).shape;
      if (static_cast<int>(s.size()) != rank) return Refuse("inputs differ in rank");
      const int64_t row = s[axis] * inner;
      Builder d("copy", n);
      d.In(0, xi).P(0, static_cast<int32_t>(outer)).P(1, static_cast<int32_t>(row));
      d.P(2, static_cast<int32_t>(os[axis] * inner)).P(3, static_cast<int32_t>(offset));
      d.P(4, static_cast<int32_t>(outer * row)).F(5, lo).F(6, hi);
      d.d.output = y;
      d.d.invocations = outer * row;
      out_->AddDispatch(d.d);
      offset += row;
    }
    if (offset != os[axis] * inner) return Refuse("inputs do not fill the output");
    return Status::Ok();
  }
  if (op == "RESHAPE" || op == "SQUEEZE" || op == "EXPAND_DIMS") {
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const int64_t count = out_->tensor(y).elements;
    if (count != out_->tensor(x).elements) return Refuse("element counts differ");
    Builder d("copy", n);
    d.In(0, x).P(0, 1).P(1, static_cast<int32_t>(count)).P(2, static_cast<int32_t>(count));
    d.P(3, 0).P(4, static_cast<int32_t>(count)).F(5, -kInf).F(6, kInf);
    d.d.output = y;
    d.d.invocations = count;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "PAD" || op == "PADV2") {
    if (!has_input(1) || !graph_.tensor(n.inputs[1]).is_constant()) {
      return Refuse("paddings are not constant");
    }
    const Tensor& pads = graph_.tensor(n.inputs[1]);
    if ((pads.type != DataType::kInt32 && pads.type != DataType::kInt64) || pads.data == nullptr) {
      return Refuse("paddings are not INT32/INT64");
    }
    float value = 0.f;
    if (op == "PADV2" && has_input(2)) {
      const Tensor& v = graph_.tensor(n.inputs[2]);
      if (!v.is_constant() || v.type != DataType::kFloat32 || v.data == nullptr) {
        return Refuse("the pad value is not a constant FLOAT32");
      }
      value = v.data_as<float>()[0];
    }
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    int32_t di[4], dout[4];
    if (!To4D(is, di) || !To4D(out_shape(0), dout)) return Refuse("rank above 4 is not supported");
    const int rank = static_cast<int>(is.size());
    if (pads.num_elements() != 2 * rank) return Refuse("paddings are not [rank, 2]");
    Builder d("pad", n);
    d.In(0, x).P(0, static_cast<int32_t>(out_->tensor(y).elements));
    for (int i = 0; i < 4; ++i) {
      const int r = i - (4 - rank);
      int64_t before = 0;
      if (r >= 0) {
        before = pads.type == DataType::kInt32 ? pads.data_as<int32_t>()[2 * r]
                                               : pads.data_as<int64_t>()[2 * r];
      }
      if (before < 0) return Refuse("negative padding");
      d.P(1 + i, di[i]).P(5 + i, dout[i]).P(9 + i, static_cast<int32_t>(before));
    }
    d.F(13, value);
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "RESIZE_BILINEAR" || op == "RESIZE_NEAREST_NEIGHBOR") {
    bool align = false, half = false;
    if (const auto* o = Opts<tfl::ResizeBilinearOptions>(n)) {
      align = o->align_corners(), half = o->half_pixel_centers();
    }
    if (const auto* o = Opts<tfl::ResizeNearestNeighborOptions>(n)) {
      align = o->align_corners(), half = o->half_pixel_centers();
    }
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    const Shape& os = out_shape(0);
    if (is.size() != 4 || os.size() != 4) return Refuse("tensors are not 4-D");
    auto scale = [&](int32_t in, int32_t out) {
      if (align && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
      return static_cast<float>(in) / static_cast<float>(out);
    };
    Builder d("resize", n);
    d.In(0, x).P(0, is[0]).P(1, is[1]).P(2, is[2]).P(3, is[3]).P(4, os[1]).P(5, os[2]);
    d.F(6, scale(is[1], os[1])).F(7, scale(is[2], os[2])).P(8, align).P(9, half);
    d.P(10, op == "RESIZE_NEAREST_NEIGHBOR").P(11, static_cast<int32_t>(out_->tensor(y).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "SOFTMAX") {
    const auto* o = Opts<tfl::SoftmaxOptions>(n);
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    if (is.empty() || is.back() <= 0) return Refuse("empty last axis");
    const int64_t rows = out_->tensor(x).elements / is.back();
    Builder d("softmax", n);
    d.In(0, x).P(0, static_cast<int32_t>(rows)).P(1, is.back()).F(2, o ? o->beta() : 1.f);
    d.d.output = y;
    d.d.invocations = rows;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  if (op == "DEPTH_TO_SPACE") {
    const auto* o = Opts<tfl::DepthToSpaceOptions>(n);
    if (!o || o->block_size() <= 0) return Refuse("no valid block_size");
    int x, y;
    EDGEML_RETURN_IF_ERROR(Input(n, 0, "input", &x));
    EDGEML_RETURN_IF_ERROR(Output(n, 0, &y));
    const Shape& is = out_->tensor(x).shape;
    const int32_t bs = o->block_size();
    if (is.size() != 4 || is[3] % (bs * bs) != 0)
      return Refuse("channels not divisible by block^2");
    Builder d("depth_to_space", n);
    d.In(0, x).P(0, is[0]).P(1, is[1]).P(2, is[2]).P(3, is[3]).P(4, bs);
    d.P(5, static_cast<int32_t>(out_->tensor(y).elements));
    d.d.output = y;
    d.d.invocations = out_->tensor(y).elements;
    out_->AddDispatch(d.d);
    return Status::Ok();
  }
  return Refuse("op %s is not supported by the Vulkan delegate", op.c_str());
}

}  // namespace edgeml::vulkan
