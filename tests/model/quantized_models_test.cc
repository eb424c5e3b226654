// Runs every quantized model in testdata/quant (made by the TensorFlow
// converter in scripts/make_quant_models.py, golden outputs from LiteRT's
// reference kernels) through edgeml and compares the outputs:
//   - integer outputs (int8, uint8, int16, int32, int64) must be identical,
//     element for element; the count of differing elements and the largest
//     difference in quantization steps are printed either way;
//   - float32 outputs (dynamic-range, float16-weight and float-I/O models)
//     must satisfy max_abs_err <= 1e-4 * max(1, max|ref|).
// Each model's outcome must equal its line in testdata/quant/expected_status.txt:
//   exact                  all outputs meet the criteria above
//   unsupported: <text>    edgeml answered Unsupported with <text> in the message
//   error: <text>          another non-OK status containing <text>
//   mismatch               ran, but some output differs
// so a model that starts passing, or stops, fails this test until the file is
// updated. Rewrite the file from the current outcomes with
//   EDGEML_RECORD_QUANT_EXPECTATIONS=1 ./quantized_models_test
// (run the binary directly, not through parallel ctest: runs merge into the
// existing file, so a --gtest_filter run rewrites only the models it ran).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
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
constexpr char kRecordEnv[] = "EDGEML_RECORD_QUANT_EXPECTATIONS";

std::string QuantDir() { return std::string(EDGEML_TESTDATA_DIR) + "/quant"; }
std::string ExpectationsPath() { return QuantDir() + "/expected_status.txt"; }
bool RecordMode() {
  const char* v = std::getenv(kRecordEnv);
  return v != nullptr && std::string(v) == "1";
}

// Model names: the stems of testdata/quant/*.tflite, sorted.
std::vector<std::string> ListModels() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(QuantDir(), ec)) {
    if (e.path().extension() == ".tflite") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Outcome {
  std::string status;            // "exact", "unsupported: ...", "error: ...", "mismatch"
  std::string detail;            // per-output report, and the differences for a mismatch
  bool harness_problem = false;  // missing/misfit golden files: never expected
};

Outcome RunModel(const std::string& name) {
  Outcome out;
  const std::string base = QuantDir() + "/" + name;
  std::unique_ptr<Model> model;
  Status s = Model::FromFile(base + ".tflite", &model);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, {}, &interp);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  s = interp->AllocateTensors();
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};

  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    io::NpyArray a;
    const std::string file = base + ".input_" + std::to_string(i) + ".npy";
    s = io::ReadNpy(file, &a);
    if (!s.ok() || t == nullptr || a.type != t->type || a.shape != t->shape ||
        a.data.size() != t->bytes) {
      return {"error: golden input " + std::to_string(i) + " does not fit the model",
              s.ok() ? "" : s.ToString(), true};
    }
    std::memcpy(t->data, a.data.data(), t->bytes);
  }
  s = interp->Invoke();
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};

  std::string failures;
  for (size_t i = 0;; ++i) {
    const std::string file = base + ".output_" + std::to_string(i) + ".npy";
    const bool have_file = std::filesystem::exists(file);
    if (i >= interp->outputs().size()) {
      if (have_file) return {"error: model has fewer outputs than goldens", "", true};
      break;
    }
    io::NpyArray want;
    s = io::ReadNpy(file, &want);
    if (!s.ok()) return {"error: golden output " + std::to_string(i), s.ToString(), true};
    const Tensor* t = interp->output(static_cast<int>(i));
    const std::string diff =
        CompareWithGolden(*t, want, "output " + std::to_string(i), kRelTol, &out.detail);
    if (!diff.empty()) failures += diff + "\n";
  }
  out.status = failures.empty() ? "exact" : "mismatch";
  out.detail += failures;
  return out;
}

// Outcomes of this run, written by the environment at exit in record mode.
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
        "# Expected outcome of each model in testdata/quant under edgeml.\n"
        "# Written by tests/model/quantized_models_test.cc with " +
        kRecordEnv +
        "=1;\n"
        "# see docs/quantized_tests.md. Format: <model> <exact | unsupported: text | "
        "error: text | mismatch>\n";
    MergeExpectationFile(ExpectationsPath(), header, ListModels(), Recorded());
  }
};

[[maybe_unused]] ::testing::Environment* const kRecordEnvironment =
    ::testing::AddGlobalTestEnvironment(new RecordEnvironment);

class QuantizedModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QuantizedModelTest, MatchesLiteRtReference) {
  const std::string& name = GetParam();
  const Outcome out = RunModel(name);
  std::printf("[ quant    ] %-34s %s\n%s", name.c_str(), out.status.c_str(), out.detail.c_str());
  RecordProperty("outcome", out.status);
  ASSERT_FALSE(out.harness_problem) << name << ": " << out.status << " " << out.detail;

  if (RecordMode()) {
    Recorded()[name] = out.status;
    return;
  }
  const auto expectations = ReadExpectationFile(ExpectationsPath());
  const auto it = expectations.find(name);
  ASSERT_NE(it, expectations.end())
      << name << " has no line in " << ExpectationsPath() << "; outcome now: " << out.status
      << " (rerun with " << kRecordEnv << "=1)";
  const std::string& want = it->second;
  if (want == "exact" || want == "mismatch") {
    EXPECT_EQ(out.status, want) << name << ": " << out.detail;
    return;
  }
  // "<category>: <text>": same category, and <text> occurs in the message.
  const size_t colon = want.find(": ");
  ASSERT_NE(colon, std::string::npos) << "bad expectation line for " << name << ": " << want;
  const std::string category = want.substr(0, colon + 2);
  const std::string text = want.substr(colon + 2);
  EXPECT_TRUE(out.status.rfind(category, 0) == 0 &&
              out.status.find(text, category.size()) != std::string::npos)
      << name << ": expected \"" << want << "\", got \"" << out.status << "\"\n"
      << out.detail << (out.status == "exact" ? "(now passes: update the expectation)" : "");
}

INSTANTIATE_TEST_SUITE_P(Quant, QuantizedModelTest, ::testing::ValuesIn(ListModels()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// The catalogue and the expectations name the same models, and every model
// has its golden files.
TEST(QuantizedModelsCatalogue, FilesAndExpectationsAgree) {
  const std::vector<std::string> models = ListModels();
  EXPECT_GE(models.size(), 50u) << "testdata/quant looks incomplete";
  for (const std::string& m : models) {
    const std::string base = QuantDir() + "/" + m;
    EXPECT_TRUE(std::filesystem::exists(base + ".input_0.npy")) << m;
    EXPECT_TRUE(std::filesystem::exists(base + ".output_0.npy")) << m;
  }
  if (RecordMode()) GTEST_SKIP() << "record mode";
  const auto expectations = ReadExpectationFile(ExpectationsPath());
  for (const auto& [name, status] : expectations) {
    EXPECT_TRUE(std::binary_search(models.begin(), models.end(), name))
        << "expected_status.txt names " << name << ", which has no .tflite";
  }
  EXPECT_EQ(expectations.size(), models.size());
}

}  // namespace
}  // namespace edgeml
