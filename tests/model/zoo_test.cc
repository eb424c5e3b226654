// Runs every model in testdata/zoo (made by the TensorFlow converter in
// scripts/make_zoo.py: single ops in several variants, and small whole
// networks; golden outputs from LiteRT's reference kernels) through edgeml.
// Besides float32, each op model comes where the converter and LiteRT allow
// as <name>_int8 (full-integer, int8 I/O), <name>_dyn (dynamic range: int8
// weights, float activations) and <name>_f16 (float16 weights):
//   - float32 outputs must satisfy max_abs_err <= 1e-4 * max(1, max|ref|);
//   - integer and bool outputs (int8, uint8, int16, indices) must be
//     identical to LiteRT's, byte for byte.
// Each model's outcome must equal its line in testdata/zoo/expected_status.txt:
//   pass                   all outputs meet the criteria above
//   unsupported: <text>    edgeml answered Unsupported with <text> in the message
//   error: <text>          another non-OK status containing <text>
//   mismatch: <difference> ran, but some output differs (a bug); only the
//                          word "mismatch" is compared, the rest is the
//                          measured error when it was recorded
// so a model that starts passing, or stops, fails this test until the file is
// updated. The zoo holds ops edgeml does not support yet on purpose: their
// lines say so, and docs/coverage.md is generated from this file. Rewrite it
// from the current outcomes with
//   EDGEML_RECORD_ZOO_EXPECTATIONS=1 ./zoo_test
// (run the binary directly, not through parallel ctest: runs merge into the
// existing file, so a --gtest_filter run rewrites only the models it ran),
// then python3 scripts/coverage_table.py to refresh docs/coverage.md.
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
constexpr char kRecordEnv[] = "EDGEML_RECORD_ZOO_EXPECTATIONS";

std::string ZooDir() { return std::string(EDGEML_TESTDATA_DIR) + "/zoo"; }
std::string ExpectationsPath() { return ZooDir() + "/expected_status.txt"; }
bool RecordMode() {
  const char* v = std::getenv(kRecordEnv);
  return v != nullptr && std::string(v) == "1";
}

// Model names: the stems of testdata/zoo/*.tflite, sorted.
std::vector<std::string> ListModels() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(ZooDir(), ec)) {
    if (e.path().extension() == ".tflite") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Outcome {
  std::string status;            // "pass", "unsupported: ...", "error: ...", "mismatch: ..."
  std::string detail;            // per-output report, and the differences for a mismatch
  bool harness_problem = false;  // missing/misfit golden files: never expected
};

Outcome RunModel(const std::string& name) {
  Outcome out;
  const std::string base = ZooDir() + "/" + name;
  std::unique_ptr<Model> model;
  Status s = Model::FromFile(base + ".tflite", &model);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, {}, &interp);
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  std::vector<io::NpyArray> inputs(interp->inputs().size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string file = base + ".input_" + std::to_string(i) + ".npy";
    s = io::ReadNpy(file, &inputs[i]);
    if (!s.ok()) return {"error: golden input " + std::to_string(i), s.ToString(), true};
    // Goldens of models with a dynamic (-1) dim may use another size there.
    const Tensor* t = interp->input(static_cast<int>(i));
    if (t != nullptr && t->shape != inputs[i].shape) {
      s = interp->ResizeInput(static_cast<int>(i), inputs[i].shape);
      if (!s.ok()) return {OutcomeOfStatus(s), "", false};
    }
  }
  s = interp->AllocateTensors();
  if (!s.ok()) return {OutcomeOfStatus(s), "", false};
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    const io::NpyArray& a = inputs[i];
    if (t == nullptr || a.type != t->type || a.shape != t->shape || a.data.size() != t->bytes) {
      return {"error: golden input " + std::to_string(i) + " does not fit the model", "", true};
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
  // A mismatch records its first difference, so that the coverage table
  // can show the measured error; only the word "mismatch" is compared.
  out.status = failures.empty() ? "pass" : "mismatch: " + failures.substr(0, failures.find('\n'));
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
        "# Expected outcome of each model in testdata/zoo under edgeml.\n"
        "# Written by tests/model/zoo_test.cc with " +
        kRecordEnv +
        "=1;\n"
        "# see docs/coverage.md. Format: <model> <pass | unsupported: text | "
        "error: text | mismatch: difference>\n";
    MergeExpectationFile(ExpectationsPath(), header, ListModels(), Recorded());
  }
};

[[maybe_unused]] ::testing::Environment* const kRecordEnvironment =
    ::testing::AddGlobalTestEnvironment(new RecordEnvironment);

class ZooModelTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooModelTest, MatchesLiteRtReference) {
  const std::string& name = GetParam();
  const Outcome out = RunModel(name);
  std::printf("[ zoo      ] %-34s %s\n%s", name.c_str(), out.status.c_str(), out.detail.c_str());
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
  if (want == "pass") {
    EXPECT_EQ(out.status, want) << name << ": " << out.detail;
    return;
  }
  if (want.rfind("mismatch", 0) == 0) {
    EXPECT_EQ(out.status.rfind("mismatch", 0), 0u)
        << name << ": expected a mismatch, got \"" << out.status << "\"\n"
        << out.detail << (out.status == "pass" ? "(now passes: update the expectation)" : "");
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
      << out.detail << (out.status == "pass" ? "(now passes: update the expectation)" : "");
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooModelTest, ::testing::ValuesIn(ListModels()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

// The catalogue and the expectations name the same models, and every model
// has its golden files.
TEST(ZooCatalogue, FilesAndExpectationsAgree) {
  const std::vector<std::string> models = ListModels();
  EXPECT_GE(models.size(), 150u) << "testdata/zoo looks incomplete";
  for (const std::string& m : models) {
    const std::string base = ZooDir() + "/" + m;
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

// The quantized variants are there (make_zoo.py drops a variant only when the
// converter or LiteRT cannot make it; manifest.json says why), and every
// full-integer variant really has integer outputs to compare exactly.
TEST(ZooCatalogue, QuantizedVariantsPresent) {
  const std::vector<std::string> models = ListModels();
  std::map<std::string, int> count;
  for (const std::string& m : models) {
    for (const char* suffix : {"_int8", "_dyn", "_f16"}) {
      const std::string s(suffix);
      if (m.size() > s.size() && m.compare(m.size() - s.size(), s.size(), s) == 0) {
        ++count[s];
        if (s != "_int8") continue;
        io::NpyArray out;
        ASSERT_TRUE(io::ReadNpy(ZooDir() + "/" + m + ".output_0.npy", &out).ok()) << m;
        EXPECT_TRUE(IsIntegerOrBool(out.type)) << m << ": an int8 model with a float output";
      }
    }
  }
  // Measured with TF 2.21 / LiteRT 2.3.0: 196 int8, 8 dyn, 61 f16.
  EXPECT_GE(count["_int8"], 150) << "int8 variants missing from testdata/zoo";
  EXPECT_GE(count["_dyn"], 8) << "dynamic-range variants missing from testdata/zoo";
  EXPECT_GE(count["_f16"], 50) << "float16 variants missing from testdata/zoo";
}

}  // namespace
}  // namespace edgeml
