// The optimizer subcommands end to end: quantize, compare, prune and
// optimize-report write what they say, and bad flags give one error line.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace edgeml {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = std::string(EDGEML_BINARY_DIR) + "/tools/edgeml";
const std::string kModel = std::string(EDGEML_TESTDATA_DIR) + "/networks/resnet_small_float.tflite";
const std::string kImages = std::string(EDGEML_TESTDATA_DIR) + "/images";

struct Result {
  int exit_code = -1;
  std::string output;
};

Result RunCli(const std::vector<std::string>& args) {
  std::string cmd = EDGEML_TEST_LAUNCHER + ("'" + kBinary + "'");
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "/edgeml_optimize_cli_" + info->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(OptimizeCliTest, QuantizeCompareAndPrune) {
  const std::string dir = TestDir();
  const std::string q = dir + "/int8.tflite", p = dir + "/pruned.tflite";
  Result r = RunCli({"quantize", kModel, q, "--mode", "int8", "--calibration", kImages});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("calibrating ["), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3/3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("ops left in float: none"), std::string::npos) << r.output;
  EXPECT_LT(fs::file_size(q), fs::file_size(kModel) * 30 / 100);

  r = RunCli({"compare", kModel, q, "--data", kImages, "--runs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("cosine"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3/3"), std::string::npos) << r.output;  // top-1 agreement

  r = RunCli({"prune", kModel, p, "--sparsity", "0.5", "--block", "1x4"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LT(fs::file_size(p), fs::file_size(kModel));
  r = RunCli({"run", p});
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(OptimizeCliTest, ReportWritesMarkdownAndChart) {
  const std::string dir = TestDir();
  Result r = RunCli({"optimize-report", kModel, "--data", kImages, "-o", dir, "--runs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* tech : {"float", "dynamic", "float16", "int8", "int16x8", "pruned50"}) {
    EXPECT_TRUE(fs::exists(dir + "/resnet_small_float_" + tech + ".tflite")) << tech;
  }
  EXPECT_TRUE(fs::exists(dir + "/resnet_small_float_report.md"));
  ASSERT_TRUE(fs::exists(dir + "/resnet_small_float_report.png"));
  EXPECT_GT(fs::file_size(dir + "/resnet_small_float_report.png"), 1000u);
  EXPECT_NE(r.output.find("| int8 |"), std::string::npos) << r.output;
}

TEST(OptimizeCliTest, BadFlagsGiveOneErrorLine) {
  const std::string dir = TestDir();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"quantize", kModel, dir + "/x.tflite", "--mode", "int4"},
           {"quantize", kModel, dir + "/x.tflite", "--mode", "int8"},  // no calibration
           {"quantize", kModel, dir + "/x.tflite", "--mode", "dynamic", "--io", "int8"},
           {"quantize", kModel, dir + "/x.tflite", "--mode", "int8", "--calibration",
            "/nonexistent"},
           {"prune", kModel, dir + "/x.tflite", "--block", "2x2"},
           {"compare", kModel, "/nonexistent.tflite"},
       }) {
    Result r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << args[0] << " " << r.output;
    EXPECT_EQ(r.output.rfind("edgeml: error: ", 0), 0u) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir + "/x.tflite"));
}

}  // namespace
}  // namespace edgeml
