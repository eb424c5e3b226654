// Runs every whole network in testdata/networks (Keras application
// architectures with random weights plus a small ResNet, converted by the
// TensorFlow converter in scripts/make_quant_networks.py; goldens from
// LiteRT's reference kernels) through edgeml on each stored sample input
// (<name>.<sample>.input_0.npy) and compares with <name>.<sample>.output_<i>.npy:
//   - integer outputs must be identical element for element (the count of
//     differing elements and the largest difference in steps are printed);
//   - float32 outputs must satisfy max_abs_err <= 1e-4 * max(1, max|ref|).
// The invoke time of each sample is printed for information; it is never
// asserted. Each model's outcome must equal its line in
// testdata/networks/expected_status.txt (format as in testdata/quant:
// exact | unsupported: <text> | error: <text> | mismatch), so a model that
// starts passing, or stops, fails until the file is updated. Rewrite it with
//   EDGEML_RECORD_NETWORK_EXPECTATIONS=1 ./networks_test
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "io/npy.h"
#include "util/golden.h"

namespace edgeml {
namespace {

using testing::CompareWithGolden;
using testing::IsIntegerOrBool;
using testing::LoadInteger;
using testing::MergeExpectationFile;
using testing::OutcomeOfStatus;
using testing::ReadExpectationFile;

constexpr double kRelTol = 1e-4;
constexpr char kRecordEnv[] = "EDGEML_RECORD_NETWORK_EXPECTATIONS";
constexpr char kInputSuffix[] = ".input_0.npy";

std::string NetDir() { return std::string(EDGEML_TESTDATA_DIR) + "/networks"; }
std::string ExpectationsPath() { return NetDir() + "/expected_status.txt"; }
bool RecordMode() {
  const char* v = std::getenv(kRecordEnv);
  return v != nullptr && std::string(v) == "1";
}

std::vector<std::string> ListModels() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(NetDir(), ec)) {
    if (e.path().extension() == ".tflite") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Sample names of a model: <sample> in <model>.<sample>.input_0.npy.
std::vector<std::string> ListSamples(const std::string& model) {
  std::vector<std::string> samples;
  const std::string prefix = model + ".";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(NetDir(), ec)) {
    const std::string f = e.path().filename().string();
    const size_t n = std::strlen(kInputSuffix);
    if (f.size() > prefix.size() + n && f.compare(0, prefix.size(), prefix) == 0 &&
        f.compare(f.size() - n, n, kInputSuffix) == 0) {
      const std::string sample = f.substr(prefix.size(), f.size() - prefix.size() - n);
      if (sample.find('.') == std::string::npos) samples.push_back(sample);
    }
  }
  std::sort(samples.begin(), samples.end());
  return samples;
}

struct Outcome {
  std::string status;  // "exact", "unsupported: ...", "error: ...", "mismatch"
  std::string detail;
  bool harness_problem = false;  // missing/misfit golden files: never expected
};

Outcome RunModel(const std::string& name) {
  Outcome out;
  const std::string base = NetDir() + "/" + name;
  const std::vector<std::string> samples = ListSamples(name);
  if (samples.empty()) return {"error: no sample inputs", "", true};
  std::unique_ptr<Model> model;
  Status s = Model::FromFile(base + ".tflite", &model);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, {}, &interp);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  s = interp->AllocateTensors();
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};

  std::map<std::string, int> ops;
  int folded = 0;
  for (size_t k = 0; k < interp->nodes_size(); ++k) {
    const NodeInfo node = interp->node(static_cast<int>(k));
    ++ops[node.op_name];
    if (node.folded) ++folded;
  }
  out.detail += "    " + std::to_string(interp->nodes_size()) + " nodes (" +
                std::to_string(folded) + " folded at prepare):";
  for (const auto& [op, count] : ops) out.detail += " " + op + "x" + std::to_string(count);
  out.detail += "\n";

  std::string failures;
  for (const std::string& sample : samples) {
    const std::string sbase = base + "." + sample;
    for (size_t i = 0; i < interp->inputs().size(); ++i) {
      Tensor* t = interp->input(static_cast<int>(i));
      io::NpyArray a;
      s = io::ReadNpy(sbase + ".input_" + std::to_string(i) + ".npy", &a);
      if (!s.ok() || t == nullptr || a.type != t->type || a.shape != t->shape ||
          a.data.size() != t->bytes) {
        return {"error: " + sample + " input " + std::to_string(i) + " does not fit the model",
                s.ok() ? "" : s.ToString(), true};
      }
      std::memcpy(t->data, a.data.data(), t->bytes);
    }
    const auto start = std::chrono::steady_clock::now();
    s = interp->Invoke();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!s.ok()) return {OutcomeOfStatus(s), out.detail, false};
    char buf[128];
    std::snprintf(buf, sizeof(buf), "  sample %s: invoke %.1f ms (informational)\n", sample.c_str(),
                  ms);
    out.detail += buf;
    for (size_t i = 0;; ++i) {
      const std::string file = sbase + ".output_" + std::to_string(i) + ".npy";
      const bool have_file = std::filesystem::exists(file);
      if (i >= interp->outputs().size()) {
        if (have_file) return {"error: model has fewer outputs than goldens", "", true};
        break;
      }
      io::NpyArray want;
      s = io::ReadNpy(file, &want);
      if (!s.ok())
        return {"error: golden " + sample + " output " + std::to_string(i), s.ToString(), true};
      const Tensor* t = interp->output(static_cast<int>(i));
      const std::string diff = CompareWithGolden(*t, want, sample + " output " + std::to_string(i),
                                                 kRelTol, &out.detail);
      if (!diff.empty()) failures += "  " + diff + "\n";
    }
  }
  out.status = failures.empty() ? "exact" : "mismatch";
  out.detail += failures;
  return out;
}

std::map<std::string, std::string>& Recorded() {
  static std::map<std::string, std::string> m;
  return m;
}

class RecordEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    if (!RecordMode() || Recorded().empty()) return;
    const std::string header =
        std::string() +
        "# Expected outcome of each network in testdata/networks under edgeml.\n"
        "# Written by tests/model/networks_test.cc with " +
        kRecordEnv +
        "=1;\n"
        "# see docs/networks.md. Format: <model> <exact | unsupported: text | "
        "error: text | mismatch>\n";
    MergeExpectationFile(ExpectationsPath(), header, ListModels(), Recorded());
  }
};

[[maybe_unused]] ::testing::Environment* const kRecordEnvironment =
    ::testing::AddGlobalTestEnvironment(new RecordEnvironment);

class NetworkTest : public ::testing::TestWithParam<std::string> {};

TEST_P(NetworkTest, MatchesLiteRtReference) {
  const std::string& name = GetParam();
  const Outcome out = RunModel(name);
  std::printf("[ network  ] %-28s %s\n%s", name.c_str(), out.status.c_str(), out.detail.c_str());
  RecordProperty("outcome", out.status);
  ASSERT_FALSE(out.harness_problem) << name << ": " << out.status << " " << out.detail;

  if (RecordMode()) {
    Recorded()[name] = out.status;
    return;
  }
  const auto expectations = ReadExpectationFile(ExpectationsPath());
  const auto it = expectations.find(name);
  ASSERT_TRUE(it != expectations.end())
      << name << " has no line in " << ExpectationsPath() << "; outcome now: " << out.status
      << " (rerun with " << kRecordEnv << "=1)";
  const std::string& want = it->second;
  if (want == "exact" || want == "mismatch") {
    EXPECT_EQ(out.status, want) << name << ": " << out.detail;
    return;
  }
  const size_t colon = want.find(": ");
  ASSERT_NE(colon, std::string::npos) << "bad expectation line for " << name << ": " << want;
  const std::string category = want.substr(0, colon + 2);
  const std::string text = want.substr(colon + 2);
  EXPECT_TRUE(out.status.rfind(category, 0) == 0 &&
              out.status.find(text, category.size()) != std::string::npos)
      << name << ": expected \"" << want << "\", got \"" << out.status << "\"\n"
      << out.detail << (out.status == "exact" ? "(now passes: update the expectation)" : "");
}

INSTANTIATE_TEST_SUITE_P(Networks, NetworkTest, ::testing::ValuesIn(ListModels()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// Every model has at least two samples with goldens, and the expectations
// name exactly the models present.
TEST(NetworksCatalogue, FilesAndExpectationsAgree) {
  const std::vector<std::string> models = ListModels();
  EXPECT_GE(models.size(), 6u) << "testdata/networks looks incomplete";
  for (const std::string& m : models) {
    const std::vector<std::string> samples = ListSamples(m);
    EXPECT_GE(samples.size(), 2u) << m;
    for (const std::string& s : samples) {
      EXPECT_TRUE(std::filesystem::exists(NetDir() + "/" + m + "." + s + ".output_0.npy"))
          << m << " " << s;
    }
  }
  if (RecordMode()) GTEST_SKIP() << "record mode";
  const auto expectations = ReadExpectationFile(ExpectationsPath());
  for (const auto& [name, status] : expectations) {
    EXPECT_TRUE(std::binary_search(models.begin(), models.end(), name))
        << "expected_status.txt names " << name << ", which has no .tflite";
  }
  EXPECT_EQ(expectations.size(), models.size());
}

// Quantization may move a prediction; edgeml must move it exactly as LiteRT
// does. For each quantized model and photo, edgeml's top-1 equals LiteRT's,
// and so equals the float original's wherever LiteRT's does (top1.txt, from
// scripts/make_quant_networks.py; ties go to the lowest class, as numpy's
// argmax does).
TEST(NetworksTop1, QuantizedAgreesWithFloatWhereLiteRtDoes) {
  std::ifstream f(NetDir() + "/top1.txt");
  ASSERT_TRUE(f.good()) << "testdata/networks/top1.txt is missing";
  BuiltinOpResolver resolver;
  std::string line;
  int checked = 0, agreeing = 0;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    char model_name[128], sample[64];
    int float_top1 = -1, litert_top1 = -1;
    ASSERT_EQ(std::sscanf(line.c_str(), "%127s %63s %d %d", model_name, sample, &float_top1,
                          &litert_top1),
              4)
        << line;
    const std::string base = NetDir() + "/" + model_name;
    // Only photos stored as inputs can be checked (one per model).
    if (!std::filesystem::exists(base + "." + sample + ".input_0.npy")) continue;
    std::unique_ptr<Model> model;
    std::unique_ptr<Interpreter> interp;
    ASSERT_TRUE(Model::FromFile(base + ".tflite", &model).ok()) << line;
    ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok()) << line;
    ASSERT_TRUE(interp->AllocateTensors().ok()) << line;
    io::NpyArray in;
    ASSERT_TRUE(io::ReadNpy(base + "." + sample + ".input_0.npy", &in).ok()) << line;
    ASSERT_EQ(in.data.size(), interp->input(0)->bytes) << line;
    std::memcpy(interp->input(0)->data, in.data.data(), in.data.size());
    ASSERT_TRUE(interp->Invoke().ok()) << line;
    const Tensor& out = *interp->output(0);
    ASSERT_TRUE(IsIntegerOrBool(out.type) || out.type == DataType::kFloat32) << line;
    int best = 0;
    double best_value = -1e300;
    for (int64_t i = 0; i < out.num_elements(); ++i) {
      const double v = out.type == DataType::kFloat32
                           ? static_cast<double>(out.data_as<float>()[i])
                           : static_cast<double>(
                                 LoadInteger(static_cast<const uint8_t*>(out.data), out.type, i));
      if (v > best_value) {
        best_value = v;
        best = static_cast<int>(i);
      }
    }
    EXPECT_EQ(best, litert_top1) << line;
    if (litert_top1 == float_top1) {
      EXPECT_EQ(best, float_top1) << line;
      ++agreeing;
    }
    ++checked;
  }
  EXPECT_GE(checked, 8);
  std::printf("[ top1 ] %d model/photo pairs checked; %d where LiteRT keeps the float top-1\n",
              checked, agreeing);
}

}  // namespace
}  // namespace edgeml
