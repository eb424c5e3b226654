// Tests of the `edgeml` command line, run as a separate process.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "io/npy.h"

namespace edgeml {
namespace {

const std::string kBinary = std::string(EDGEML_BINARY_DIR) + "/tools/edgeml";
const std::string kFaceModel =
    std::string(EDGEML_TESTDATA_DIR) + "/models/face_detection_short_range.tflite";
const std::string kChelsea = std::string(EDGEML_TESTDATA_DIR) + "/images/chelsea.png";

struct Result {
  int exit_code = -1;  // -1 when the process did not exit normally (a crash)
  std::string output;  // stdout and stderr together
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

Result RunCli(const std::vector<std::string>& args) {
  std::string cmd = EDGEML_TEST_LAUNCHER + Quote(kBinary);  // launcher: qemu in cross builds
  for (const std::string& a : args) cmd += " " + Quote(a);
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

// A fresh empty directory per test.
std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "/edgeml_cli_test_" + info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void ExpectOneLineError(const Result& r) {
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("edgeml: error: ", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "not one line: " << r.output;
}

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

TEST(Cli, HelpAndVersion) {
  Result r = RunCli({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("inspect"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("run"), std::string::npos) << r.output;
  r = RunCli({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--output-dir"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--seed"), std::string::npos) << r.output;
  r = RunCli({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.rfind("edgeml ", 0), 0u) << r.output;
}

TEST(Cli, BadFlagsFailWithOneLine) {
  ExpectOneLineError(RunCli({}));
  ExpectOneLineError(RunCli({"--frobnicate"}));
  ExpectOneLineError(RunCli({"frobnicate"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--bogus"}));
  ExpectOneLineError(RunCli({"run"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--threads", "0"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--threads", "x"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--std", "0"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--mean", "1,abc"}));
  ExpectOneLineError(RunCli({"inspect"}));
}

TEST(Cli, MissingAndBadModelFiles) {
  Result r = RunCli({"inspect", "/nonexistent/model.tflite"});
  ExpectOneLineError(r);
  EXPECT_NE(r.output.find("/nonexistent/model.tflite"), std::string::npos) << r.output;
  ExpectOneLineError(RunCli({"run", "/nonexistent/model.tflite"}));

  const std::string dir = TestDir();
  const std::string junk = dir + "/junk.tflite";
  std::ofstream(junk) << "this is not a flatbuffer at all, just text";
  ExpectOneLineError(RunCli({"inspect", junk}));
  ExpectOneLineError(RunCli({"run", junk}));

  // A real model cut in half must be rejected, not crash.
  const std::vector<uint8_t> bytes = ReadAll(kFaceModel);
  ASSERT_GT(bytes.size(), 1000u);
  const std::string half = dir + "/half.tflite";
  std::ofstream(half, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size() / 2);
  ExpectOneLineError(RunCli({"inspect", half}));
}

TEST(Cli, InspectFaceDetection) {
  Result r = RunCli({"inspect", kFaceModel});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string& out = r.output;
  EXPECT_NE(out.find("inputs: 1"), std::string::npos) << out;
  EXPECT_NE(out.find("'input' FLOAT32 [1,128,128,3]"), std::string::npos) << out;
  EXPECT_NE(out.find("outputs: 2"), std::string::npos) << out;
  EXPECT_NE(out.find("'regressors' FLOAT32 [1,896,16]"), std::string::npos) << out;
  EXPECT_NE(out.find("'classificators' FLOAT32 [1,896,1]"), std::string::npos) << out;
  EXPECT_NE(out.find("tensors: 250"), std::string::npos) << out;
  EXPECT_NE(out.find("nodes: 164"), std::string::npos) << out;
  // The op histogram, counted independently from the model's JSON dump.
  const std::pair<const char*, int> ops[] = {
      {"DEQUANTIZE", 74},  {"CONV_2D", 21}, {"RELU", 17},   {"DEPTHWISE_CONV_2D", 16},
      {"ADD", 16},         {"PAD", 11},     {"RESHAPE", 4}, {"MAX_POOL_2D", 3},
      {"CONCATENATION", 2}};
  for (const auto& [name, count] : ops) {
    const std::regex line(std::string("\n  ") + name + " +" + std::to_string(count) + "\n");
    EXPECT_TRUE(std::regex_search(out, line)) << name << " x" << count << " in\n" << out;
  }
  // 85 distinct fp16/int32 constant buffers.
  EXPECT_NE(out.find("weight bytes: 203132 "), std::string::npos) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("arena bytes: [1-9][0-9]*"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("persistent bytes: [1-9][0-9]*"))) << out;
  EXPECT_NE(out.find("signatures:"), std::string::npos) << out;
}

TEST(Cli, RunWithRandomInputs) {
  const std::string dir = TestDir();
  Result r = RunCli({"run", kFaceModel, "--output-dir", dir + "/out"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("random inputs: 0 'input'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("invoke: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("'regressors' FLOAT32 [1,896,16] min="), std::string::npos) << r.output;

  io::NpyArray out0, out1;
  Status s = io::ReadNpy(dir + "/out/output_0.npy", &out0);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = io::ReadNpy(dir + "/out/output_1.npy", &out1);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out0.type, DataType::kFloat32);
  EXPECT_EQ(out0.shape, (Shape{1, 896, 16}));
  EXPECT_EQ(out1.shape, (Shape{1, 896, 1}));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out/output_2.npy"));

  // Same default seed: same outputs; another seed: different outputs.
  r = RunCli({"run", kFaceModel, "-o", dir + "/again"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ReadAll(dir + "/again/output_0.npy"), ReadAll(dir + "/out/output_0.npy"));
  r = RunCli({"run", kFaceModel, "-o", dir + "/seed7", "--seed", "7"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(ReadAll(dir + "/seed7/output_0.npy"), ReadAll(dir + "/out/output_0.npy"));
}

TEST(Cli, RunWithNpyAndImageInputs) {
  const std::string dir = TestDir();
  // A zero input given by index, by name and positionally gives one answer.
  std::vector<float> zeros(128 * 128 * 3, 0.0f);
  const std::string npy = dir + "/zeros.npy";
  ASSERT_TRUE(
      io::WriteNpy(npy, DataType::kFloat32, {1, 128, 128, 3}, zeros.data(), zeros.size() * 4).ok());
  Result r = RunCli({"run", kFaceModel, "--input", "0=" + npy, "-o", dir + "/a"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("random inputs: none"), std::string::npos) << r.output;
  r = RunCli({"run", kFaceModel, "--input", "input=" + npy, "-o", dir + "/b"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli({"run", kFaceModel, "-i", npy, "-o", dir + "/c"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ReadAll(dir + "/a/output_0.npy"), ReadAll(dir + "/b/output_0.npy"));
  EXPECT_EQ(ReadAll(dir + "/a/output_0.npy"), ReadAll(dir + "/c/output_0.npy"));

  r = RunCli({"run", kFaceModel, "--input", kChelsea, "-o", dir + "/img"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("<- " + kChelsea), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/img/output_1.npy"));
}

TEST(Cli, RunRejectsMismatchedInputs) {
  const std::string dir = TestDir();
  const float v[3] = {1, 2, 3};
  const std::string wrong_shape = dir + "/wrong_shape.npy";
  ASSERT_TRUE(io::WriteNpy(wrong_shape, DataType::kFloat32, {1, 3}, v, sizeof(v)).ok());
  Result r = RunCli({"run", kFaceModel, "--input", wrong_shape});
  ExpectOneLineError(r);
  EXPECT_NE(r.output.find("input 0 'input': expected FLOAT32 [1,128,128,3], got FLOAT32 [1,3]"),
            std::string::npos)
      << r.output;

  std::vector<int32_t> ints(128 * 128 * 3, 0);
  const std::string wrong_type = dir + "/wrong_type.npy";
  ASSERT_TRUE(
      io::WriteNpy(wrong_type, DataType::kInt32, {1, 128, 128, 3}, ints.data(), ints.size() * 4)
          .ok());
  r = RunCli({"run", kFaceModel, "--input", wrong_type});
  ExpectOneLineError(r);
  EXPECT_NE(r.output.find("got INT32 [1,128,128,3]"), std::string::npos) << r.output;

  const std::string junk = dir + "/junk.npy";
  std::ofstream(junk) << "not numpy";
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", junk}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", dir + "/missing.npy"}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", "nosuch=" + wrong_shape}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", "3=" + wrong_shape}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", dir + "/x.txt"}));
  ExpectOneLineError(
      RunCli({"run", kFaceModel, "--input", "0=" + wrong_shape, "--input", "0=" + wrong_shape}));
  ExpectOneLineError(RunCli({"run", kFaceModel, "--input", junk + ".png"}));
}

}  // namespace
}  // namespace edgeml

namespace edgeml {
namespace {

TEST(Cli, BenchReportsLatencyAndMemory) {
  Result r = RunCli({"bench", kFaceModel, "--runs", "3", "--warmup", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"median_ms\": "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"runs\": 3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"arena_bytes\": "), std::string::npos) << r.output;
  ExpectOneLineError(RunCli({"bench", kFaceModel, "--runs", "0"}));
  ExpectOneLineError(RunCli({"bench", "/nonexistent/model.tflite"}));
}

TEST(Cli, OpsListsEveryRegisteredOp) {
  Result r = RunCli({"ops"});
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("| CONV_2D | 1-8 | builtin |"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("| Convolution2DTransposeBias | 1-1 | custom |"), std::string::npos);
}

}  // namespace
}  // namespace edgeml
