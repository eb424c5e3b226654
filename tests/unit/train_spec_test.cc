// The JSON reader and model specs: valid documents, every kind of bad input,
// and the example specs under examples/train.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "train/json.h"
#include "train/spec.h"

namespace edgeml::train {
namespace {

TEST(Json, ParsesValues) {
  JsonValue v;
  ASSERT_TRUE(
      ParseJson(R"( {"a": [1, -2.5e1, true, false, null], "s": "x\"\\\/\n\u00e9\ud83d\ude00",
                            "o": {}} )",
                &v)
          .ok());
  ASSERT_TRUE(v.is_object());
  const JsonValue* a = v.Find("a");
  ASSERT_TRUE(a && a->is_array());
  ASSERT_EQ(a->items().size(), 5u);
  EXPECT_EQ(a->items()[0].number(), 1);
  EXPECT_EQ(a->items()[1].number(), -25);
  EXPECT_TRUE(a->items()[2].bool_value());
  EXPECT_TRUE(a->items()[4].is_null());
  EXPECT_EQ(v.Find("s")->str(), "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_TRUE(v.Find("o")->is_object());
  EXPECT_EQ(v.Find("missing"), nullptr);
}

TEST(Json, RejectsBadInput) {
  const std::vector<std::string> bad = {
      "",        "{",           "[1,]",        "{\"a\" 1}",   "{\"a\":1,}",
      "01x",     "1.",          "-",           "1e",          "\"abc",
      "\"\\q\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "{\"a\":1,\"a\":2}",
      "[1] 2",   "tru",         "nul",         "\"a\nb\"",    "1e999",
      "{1:2}",   "[",           "{\"a\":}",    "[1 2]"};
  for (const std::string& s : bad) {
    JsonValue v;
    Status st = ParseJson(s, &v);
    EXPECT_FALSE(st.ok()) << "accepted: " << s;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  }
  // Deep nesting is an error, not a stack overflow.
  JsonValue v;
  EXPECT_FALSE(ParseJson(std::string(100000, '['), &v).ok());
  Status s = ParseJson("{\n  \"a\": ?\n}", &v);
  EXPECT_NE(s.message().find("line 2, column 8"), std::string::npos) << s.message();
}

// Truncations of a valid document never crash and never succeed halfway.
TEST(Json, TruncationsFailCleanly) {
  const std::string doc = R"({"layers": [{"type": "Dense", "units": 3}], "x": "\u0041"})";
  for (size_t n = 0; n < doc.size(); ++n) {
    JsonValue v;
    EXPECT_FALSE(ParseJson(doc.substr(0, n), &v).ok()) << n;
  }
}

TEST(ModelSpec, ParsesAndBuilds) {
  ModelSpec spec;
  Status s = ParseModelSpec(R"({
    "name": "m", "input_shape": [8, 8, 1],
    "layers": [
      {"type": "Conv2D", "filters": 4, "kernel_size": [3, 3], "strides": 1, "padding": "same",
       "activation": "relu", "name": "conv"},
      {"type": "MaxPooling2D", "pool_size": 2},
      {"type": "Flatten"},
      {"type": "Dense", "units": 3, "activation": "softmax"}],
    "loss": "categorical_crossentropy",
    "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9,
                  "schedule": {"type": "exponential_decay", "decay_steps": 100, "decay_rate": 0.5}},
    "labels": ["a", "b", "c"]})",
                            &spec);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(spec.name, "m");
  EXPECT_EQ(spec.loss, LossKind::kCategoricalCrossentropy);
  EXPECT_EQ(spec.optimizer.kind, OptimizerConfig::Kind::kSgd);
  EXPECT_FLOAT_EQ(spec.optimizer.momentum, 0.9f);
  EXPECT_EQ(spec.optimizer.schedule.kind, ScheduleConfig::Kind::kExponentialDecay);
  EXPECT_EQ(spec.labels.size(), 3u);
  Sequential m;
  ASSERT_TRUE(AddLayers(spec, &m).ok());
  ASSERT_EQ(m.layers().size(), 6u);  // activations become their own layers
  EXPECT_EQ(m.layers()[1]->name, "conv_relu");
  ASSERT_TRUE(m.Build(spec.input_shape, 1).ok());
  EXPECT_EQ(m.output_shape(), Dims{3});
  EXPECT_EQ(m.CountParams(true), 4 * 9 + 4 + 64 * 3 + 3);
}

TEST(ModelSpec, ErrorsNameTheLayerAndKey) {
  struct Case {
    const char* json;
    const char* expect;
  };
  const Case cases[] = {
      {R"({"layers": []})", "non-empty list"},
      {R"({"layers": [{"units": 3}]})", "needs a \"type\""},
      {R"({"layers": [{"type": "Dense"}]})", "needs \"units\""},
      {R"({"layers": [{"type": "Dense", "units": 3, "unit": 2}]})", "unknown key \"unit\""},
      {R"({"layers": [{"type": "Dense", "units": -3}]})", "\"units\" must be an integer"},
      {R"({"layers": [{"type": "Dense", "units": 2.5}]})", "\"units\" must be an integer"},
      {R"({"layers": [{"type": "Dense", "units": 3, "activation": "gelu"}]})",
       "unknown activation"},
      {R"({"layers": [{"type": "LSTM"}]})", "unknown layer type \"LSTM\""},
      {R"({"layers": [{"type": "Conv2D", "filters": 2, "kernel_size": [3]}]})", "kernel_size"},
      {R"({"layers": [{"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "full"}]})",
       "padding"},
      {R"({"layers": [{"type": "Dropout", "rate": 1.0}]})", "rate"},
      {R"({"layers": [{"type": "Flatten"}], "loss": "hinge"})", "unknown loss"},
      {R"({"layers": [{"type": "Flatten"}], "optimizer": "rmsprop"})", "unknown type"},
      {R"({"layers": [{"type": "Flatten"}], "optimizer": {"learning_rate": -1}})", "learning_rate"},
      {R"({"layers": [{"type": "Flatten"}], "input_shape": [0, 3]})", "input_shape"},
      {R"({"layers": [{"type": "Flatten"}], "labels": ["a\nb"]})", "one-line"},
      {R"({"layers": [{"type": "Flatten"}], "extra": 1})", "unknown key \"extra\""},
      {R"([1, 2])", "top level"},
  };
  for (const Case& c : cases) {
    ModelSpec spec;
    Status s = ParseModelSpec(c.json, &spec);
    EXPECT_FALSE(s.ok()) << c.json;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << c.json << " -> " << s.message();
  }
  // A spec that parses but does not fit the input gives a build error.
  ModelSpec spec;
  ASSERT_TRUE(ParseModelSpec(R"({"layers": [{"type": "Dense", "units": 3}]})", &spec).ok());
  Sequential m;
  ASSERT_TRUE(AddLayers(spec, &m).ok());
  Status s = m.Build({4, 4}, 1);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Flatten"), std::string::npos) << s.message();
}

TEST(ModelSpec, ExamplesParseAndBuild) {
  for (const char* name : {"mnist_mlp", "mnist_cnn", "mobile_cnn"}) {
    ModelSpec spec;
    Status s =
        LoadModelSpec(std::string(EDGEML_SOURCE_DIR "/examples/train/") + name + ".json", &spec);
    ASSERT_TRUE(s.ok()) << s.ToString();
    Sequential m;
    ASSERT_TRUE(AddLayers(spec, &m).ok());
    s = m.Build(spec.input_shape, 1);
    ASSERT_TRUE(s.ok()) << name << ": " << s.ToString();
    EXPECT_EQ(m.output_shape(), Dims{10}) << name;
  }
}

}  // namespace
}  // namespace edgeml::train
