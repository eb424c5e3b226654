// Model specs (see spec.h).
#include "train/spec.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace edgeml::train {
namespace {

class Fields {
 public:
  Fields(const JsonValue& obj, std::string where) : obj_(obj), where_(std::move(where)) {}

  Status Check(const std::set<std::string>& allowed) const {
    for (const auto& [k, v] : obj_.members()) {
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        return Errorf(StatusCode::kInvalidArgument, "%s: unknown key \"%s\" (allowed: %s)",
                      where_.c_str(), k.c_str(), list.c_str());
      }
    }
    return Status::Ok();
  }
  Status Int(const char* key, int* out, int lo, int hi) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    if (!v->is_number() || v->number() != std::floor(v->number()) || v->number() < lo ||
        v->number() > hi) {
      return Errorf(StatusCode::kInvalidArgument, "%s: \"%s\" must be an integer in [%d, %d]",
                    where_.c_str(), key, lo, hi);
    }
    *out = static_cast<int>(v->number());
    return Status::Ok();
  }
  Status Float(const char* key, float* out) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    if (!v->is_number()) {
      return Errorf(StatusCode::kInvalidArgument, "%s: \"%s\" must be a number", where_.c_str(),
                    key);
    }
    *out = static_cast<float>(v->number());
    return Status::Ok();
  }
  Status Bool(const char* key, bool* out) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    if (!v->is_bool()) {
      return Errorf(StatusCode::kInvalidArgument, "%s: \"%s\" must be true or false",
                    where_.c_str(), key);
    }
    *out = v->bool_value();
    return Status::Ok();
  }
  Status String(const char* key, std::string* out) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    if (!v->is_string()) {
      return Errorf(StatusCode::kInvalidArgument, "%s: \"%s\" must be a string", where_.c_str(),
                    key);
    }
    *out = v->str();
    return Status::Ok();
  }
  // An int or a list of `n` ints (Keras kernel_size, strides, pool_size).
  Status Pair(const char* key, int* a, int* b) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    auto ok = [](const JsonValue& x) {
      return x.is_number() && x.number() == std::floor(x.number()) && x.number() >= 1 &&
             x.number() <= 4096;
    };
    if (ok(*v)) {
      *a = *b = static_cast<int>(v->number());
      return Status::Ok();
    }
    if (v->is_array() && v->items().size() == 2 && ok(v->items()[0]) && ok(v->items()[1])) {
      *a = static_cast<int>(v->items()[0].number());
      *b = static_cast<int>(v->items()[1].number());
      return Status::Ok();
    }
    return Errorf(StatusCode::kInvalidArgument,
                  "%s: \"%s\" must be an integer or a list of 2 integers in [1, 4096]",
                  where_.c_str(), key);
  }
  Status Shape(const char* key, Dims* out, bool allow_minus_one) const {
    const JsonValue* v = obj_.Find(key);
    if (!v) return Status::Ok();
    out->clear();
    if (!v->is_array() || v->items().empty() || v->items().size() > 8) {
      return Errorf(StatusCode::kInvalidArgument, "%s: \"%s\" must be a list of 1 to 8 integers",
                    where_.c_str(), key);
    }
    for (const JsonValue& d : v->items()) {
      const bool minus_one = allow_minus_one && d.is_number() && d.number() == -1;
      if (!minus_one && !(d.is_number() && d.number() == std::floor(d.number()) &&
                          d.number() >= 1 && d.number() <= 1 << 20)) {
        return Errorf(StatusCode::kInvalidArgument,
                      "%s: \"%s\" entries must be integers in [1, 1048576]%s", where_.c_str(), key,
                      allow_minus_one ? " or -1" : "");
      }
      out->push_back(static_cast<int>(d.number()));
    }
    return Status::Ok();
  }
  Status Padding(train::Padding* out) const {
    std::string p;
    EDGEML_RETURN_IF_ERROR(String("padding", &p));
    if (p.empty() || p == "valid") {
      *out = train::Padding::kValid;
    } else if (p == "same") {
      *out = train::Padding::kSame;
    } else {
      return Errorf(StatusCode::kInvalidArgument, "%s: padding must be \"valid\" or \"same\"",
                    where_.c_str());
    }
    return Status::Ok();
  }

 private:
  const JsonValue& obj_;
  std::string where_;
};

Status ParseOptimizer(const JsonValue& v, OptimizerConfig* o) {
  if (v.is_string()) {
    JsonValue obj;
    EDGEML_RETURN_IF_ERROR(ParseJson("{\"type\": \"" + v.str() + "\"}", &obj));
    return ParseOptimizer(obj, o);
  }
  if (!v.is_object()) {
    return Errorf(StatusCode::kInvalidArgument, "optimizer: must be a name or an object");
  }
  Fields f(v, "optimizer");
  EDGEML_RETURN_IF_ERROR(f.Check({"type", "learning_rate", "momentum", "nesterov", "beta_1",
                                  "beta_2", "epsilon", "schedule"}));
  std::string type = "adam";
  EDGEML_RETURN_IF_ERROR(f.String("type", &type));
  if (type == "adam" || type == "Adam") {
    o->kind = OptimizerConfig::Kind::kAdam;
    o->learning_rate = 0.001f;
  } else if (type == "sgd" || type == "SGD") {
    o->kind = OptimizerConfig::Kind::kSgd;
    o->learning_rate = 0.01f;
  } else {
    return Errorf(StatusCode::kInvalidArgument, "optimizer: unknown type \"%s\" (adam, sgd)",
                  type.c_str());
  }
  EDGEML_RETURN_IF_ERROR(f.Float("learning_rate", &o->learning_rate));
  EDGEML_RETURN_IF_ERROR(f.Float("momentum", &o->momentum));
  EDGEML_RETURN_IF_ERROR(f.Bool("nesterov", &o->nesterov));
  EDGEML_RETURN_IF_ERROR(f.Float("beta_1", &o->beta_1));
  EDGEML_RETURN_IF_ERROR(f.Float("beta_2", &o->beta_2));
  EDGEML_RETURN_IF_ERROR(f.Float("epsilon", &o->epsilon));
  if (!(o->learning_rate > 0.f) || !(o->momentum >= 0.f && o->momentum < 1.f) ||
      !(o->beta_1 >= 0.f && o->beta_1 < 1.f) || !(o->beta_2 >= 0.f && o->beta_2 < 1.f) ||
      !(o->epsilon > 0.f)) {
    return Errorf(StatusCode::kInvalidArgument,
                  "optimizer: learning_rate and epsilon must be > 0; momentum, beta_1 and beta_2 "
                  "in [0, 1)");
  }
  if (const JsonValue* s = v.Find("schedule")) {
    if (!s->is_object()) {
      return Errorf(StatusCode::kInvalidArgument, "optimizer.schedule: must be an object");
    }
    Fields sf(*s, "optimizer.schedule");
    EDGEML_RETURN_IF_ERROR(sf.Check({"type", "decay_steps", "decay_rate", "staircase", "alpha"}));
    std::string st;
    EDGEML_RETURN_IF_ERROR(sf.String("type", &st));
    ScheduleConfig& sc = o->schedule;
    if (st == "exponential_decay") {
      sc.kind = ScheduleConfig::Kind::kExponentialDecay;
    } else if (st == "cosine_decay") {
      sc.kind = ScheduleConfig::Kind::kCosineDecay;
    } else if (st == "constant") {
      sc.kind = ScheduleConfig::Kind::kConstant;
    } else {
      return Errorf(StatusCode::kInvalidArgument,
                    "optimizer.schedule: type must be exponential_decay, cosine_decay or "
                    "constant");
    }
    int steps = 1000;
    EDGEML_RETURN_IF_ERROR(sf.Int("decay_steps", &steps, 1, 1 << 30));
    sc.decay_steps = steps;
    EDGEML_RETURN_IF_ERROR(sf.Float("decay_rate", &sc.decay_rate));
    EDGEML_RETURN_IF_ERROR(sf.Bool("staircase", &sc.staircase));
    EDGEML_RETURN_IF_ERROR(sf.Float("alpha", &sc.alpha));
  }
  return Status::Ok();
}

// Validates one layer entry and, when `model` is non-null, adds it.
Status LayerFromJson(const JsonValue& v, size_t index, Sequential* model) {
  const std::string where0 = "layers[" + std::to_string(index) + "]";
  if (!v.is_object())
    return Errorf(StatusCode::kInvalidArgument, "%s: must be an object", where0.c_str());
  std::string type, name;
  Fields f0(v, where0);
  EDGEML_RETURN_IF_ERROR(f0.String("type", &type));
  EDGEML_RETURN_IF_ERROR(f0.String("name", &name));
  if (type.empty()) {
    return Errorf(StatusCode::kInvalidArgument, "%s: needs a \"type\" (e.g. \"Dense\")",
                  where0.c_str());
  }
  const std::string where = where0 + " (" + type + ")";
  Fields f(v, where);
  std::unique_ptr<train::Layer> layer;
  std::string activation;
  if (type == "Dense") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "units", "activation", "use_bias"}));
    int units = 0;
    bool bias = true;
    EDGEML_RETURN_IF_ERROR(f.Int("units", &units, 1, 1 << 20));
    if (units == 0) {
      return Errorf(StatusCode::kInvalidArgument, "%s: needs \"units\"", where.c_str());
    }
    EDGEML_RETURN_IF_ERROR(f.Bool("use_bias", &bias));
    EDGEML_RETURN_IF_ERROR(f.String("activation", &activation));
    layer = std::make_unique<Dense>(units, bias);
  } else if (type == "Conv2D" || type == "DepthwiseConv2D") {
    const bool dw = type == "DepthwiseConv2D";
    if (dw) {
      EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "kernel_size", "strides", "padding",
                                      "depth_multiplier", "activation", "use_bias"}));
    } else {
      EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "filters", "kernel_size", "strides",
                                      "padding", "activation", "use_bias"}));
    }
    ConvConfig c;
    c.kernel_h = c.kernel_w = 0;
    EDGEML_RETURN_IF_ERROR(f.Int("filters", &c.filters, 1, 1 << 16));
    EDGEML_RETURN_IF_ERROR(f.Pair("kernel_size", &c.kernel_h, &c.kernel_w));
    EDGEML_RETURN_IF_ERROR(f.Pair("strides", &c.stride_h, &c.stride_w));
    EDGEML_RETURN_IF_ERROR(f.Padding(&c.padding));
    EDGEML_RETURN_IF_ERROR(f.Int("depth_multiplier", &c.depth_multiplier, 1, 1 << 10));
    EDGEML_RETURN_IF_ERROR(f.Bool("use_bias", &c.use_bias));
    EDGEML_RETURN_IF_ERROR(f.String("activation", &activation));
    if (c.kernel_h == 0 || (!dw && c.filters == 0)) {
      return Errorf(StatusCode::kInvalidArgument, "%s: needs %s\"kernel_size\"", where.c_str(),
                    dw ? "" : "\"filters\" and ");
    }
    if (dw) {
      layer = std::make_unique<DepthwiseConv2D>(c);
    } else {
      layer = std::make_unique<Conv2D>(c);
    }
  } else if (type == "MaxPool2D" || type == "MaxPooling2D" || type == "AveragePool2D" ||
             type == "AveragePooling2D") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "pool_size", "strides", "padding"}));
    PoolConfig p;
    EDGEML_RETURN_IF_ERROR(f.Pair("pool_size", &p.pool_h, &p.pool_w));
    p.stride_h = p.pool_h;
    p.stride_w = p.pool_w;
    EDGEML_RETURN_IF_ERROR(f.Pair("strides", &p.stride_h, &p.stride_w));
    EDGEML_RETURN_IF_ERROR(f.Padding(&p.padding));
    layer = std::make_unique<Pool2D>(type.rfind("Max", 0) == 0, p);
  } else if (type == "GlobalAveragePooling2D") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name"}));
    layer = std::make_unique<GlobalAveragePooling2D>();
  } else if (type == "Flatten") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name"}));
    layer = std::make_unique<Reshape>(Dims{}, true);
  } else if (type == "Reshape") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "target_shape"}));
    Dims target;
    EDGEML_RETURN_IF_ERROR(f.Shape("target_shape", &target, true));
    if (target.empty()) {
      return Errorf(StatusCode::kInvalidArgument, "%s: needs \"target_shape\"", where.c_str());
    }
    layer = std::make_unique<Reshape>(target, false);
  } else if (type == "Dropout") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "rate", "seed"}));
    float rate = -1.f;
    EDGEML_RETURN_IF_ERROR(f.Float("rate", &rate));
    if (!(rate >= 0.f && rate < 1.f)) {
      return Errorf(StatusCode::kInvalidArgument, "%s: needs \"rate\" in [0, 1)", where.c_str());
    }
    layer = std::make_unique<Dropout>(rate);
  } else if (type == "BatchNormalization") {
    EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "momentum", "epsilon"}));
    float momentum = 0.99f, epsilon = 1e-3f;
    EDGEML_RETURN_IF_ERROR(f.Float("momentum", &momentum));
    EDGEML_RETURN_IF_ERROR(f.Float("epsilon", &epsilon));
    layer = std::make_unique<BatchNormalization>(momentum, epsilon);
  } else if (type == "Activation" || type == "ReLU" || type == "Softmax") {
    if (type == "Activation") {
      EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "activation"}));
      EDGEML_RETURN_IF_ERROR(f.String("activation", &activation));
      if (activation.empty()) {
        return Errorf(StatusCode::kInvalidArgument, "%s: needs \"activation\"", where.c_str());
      }
    } else if (type == "ReLU") {
      EDGEML_RETURN_IF_ERROR(f.Check({"type", "name", "max_value"}));
      float max_value = 0.f;
      EDGEML_RETURN_IF_ERROR(f.Float("max_value", &max_value));
      if (max_value != 0.f && max_value != 6.f) {
        return Errorf(StatusCode::kInvalidArgument, "%s: max_value must be 6 or absent",
                      where.c_str());
      }
      activation = max_value == 6.f ? "relu6" : "relu";
    } else {
      EDGEML_RETURN_IF_ERROR(f.Check({"type", "name"}));
      activation = "softmax";
    }
    ActivationKind k;
    EDGEML_RETURN_IF_ERROR(ParseActivation(activation, &k).WithPrefix(where));
    layer = std::make_unique<Activation>(k);
    activation.clear();
  } else {
    return Errorf(StatusCode::kInvalidArgument,
                  "%s: unknown layer type \"%s\" (Dense, Conv2D, DepthwiseConv2D, MaxPool2D, "
                  "AveragePooling2D, GlobalAveragePooling2D, Flatten, Reshape, Dropout, "
                  "BatchNormalization, Activation, ReLU, Softmax)",
                  where0.c_str(), type.c_str());
  }
  ActivationKind act = ActivationKind::kLinear;
  EDGEML_RETURN_IF_ERROR(ParseActivation(activation, &act).WithPrefix(where));
  if (!model) return Status::Ok();
  layer->name = name;
  model->Add(std::move(layer));
  if (act != ActivationKind::kLinear) {
    auto a = std::make_unique<Activation>(act);
    if (!name.empty()) a->name = name + "_" + ActivationName(act);
    model->Add(std::move(a));
  }
  return Status::Ok();
}

}  // namespace

Status ParseModelSpec(const std::string& json, ModelSpec* spec) {
  *spec = ModelSpec();
  JsonValue root;
  EDGEML_RETURN_IF_ERROR(ParseJson(json, &root).WithPrefix("model spec"));
  if (!root.is_object()) {
    return Errorf(StatusCode::kInvalidArgument, "model spec: the top level must be an object");
  }
  Fields f(root, "model spec");
  EDGEML_RETURN_IF_ERROR(
      f.Check({"name", "input_shape", "layers", "loss", "optimizer", "labels", "description"}));
  EDGEML_RETURN_IF_ERROR(f.String("name", &spec->name));
  EDGEML_RETURN_IF_ERROR(f.Shape("input_shape", &spec->input_shape, false));
  std::string loss = "sparse_categorical_crossentropy";
  EDGEML_RETURN_IF_ERROR(f.String("loss", &loss));
  EDGEML_RETURN_IF_ERROR(ParseLoss(loss, &spec->loss).WithPrefix("model spec"));
  if (const JsonValue* o = root.Find("optimizer")) {
    EDGEML_RETURN_IF_ERROR(ParseOptimizer(*o, &spec->optimizer));
  }
  if (const JsonValue* l = root.Find("labels")) {
    if (!l->is_array()) {
      return Errorf(StatusCode::kInvalidArgument, "model spec: \"labels\" must be a list");
    }
    for (const JsonValue& s : l->items()) {
      if (!s.is_string() || s.str().find('\n') != std::string::npos) {
        return Errorf(StatusCode::kInvalidArgument,
                      "model spec: \"labels\" entries must be one-line strings");
      }
      spec->labels.push_back(s.str());
    }
  }
  const JsonValue* layers = root.Find("layers");
  if (!layers || !layers->is_array() || layers->items().empty()) {
    return Errorf(StatusCode::kInvalidArgument,
                  "model spec: needs \"layers\", a non-empty list of layer objects");
  }
  if (layers->items().size() > 1000) {
    return Errorf(StatusCode::kInvalidArgument, "model spec: more than 1000 layers");
  }
  for (size_t i = 0; i < layers->items().size(); ++i) {
    EDGEML_RETURN_IF_ERROR(LayerFromJson(layers->items()[i], i, nullptr));
  }
  spec->layers = *layers;
  return Status::Ok();
}

Status LoadModelSpec(const std::string& path, ModelSpec* spec) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Errorf(StatusCode::kIoError, "cannot read model spec '%s'", path.c_str());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseModelSpec(ss.str(), spec).WithPrefix(path);
}

Status AddLayers(const ModelSpec& spec, Sequential* model) {
  for (size_t i = 0; i < spec.layers.items().size(); ++i) {
    EDGEML_RETURN_IF_ERROR(LayerFromJson(spec.layers.items()[i], i, model));
  }
  return Status::Ok();
}

}  // namespace edgeml::train
