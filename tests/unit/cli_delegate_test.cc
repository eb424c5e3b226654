// The command line's delegate flags (--delegate, --precision,
// --delegate-plugin, --delegate-option) with the sample external delegate
// (examples/delegate_plugin), run as a separate process.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "io/npy.h"

namespace edgeml {
namespace {

const std::string kBinary = std::string(EDGEML_BINARY_DIR) + "/tools/edgeml";
const std::string kZoo = std::string(EDGEML_TESTDATA_DIR) + "/zoo/";
const std::string kPlugin = EDGEML_SAMPLE_DELEGATE;

struct Result {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

Result RunCli(const std::vector<std::string>& args) {
  std::string cmd = EDGEML_TEST_LAUNCHER + Quote(kBinary);
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

void ExpectError(const Result& r, const std::string& text) {
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("edgeml: error: ", 0), 0u) << r.output;
  EXPECT_NE(r.output.find(text), std::string::npos) << r.output;
}

TEST(CliDelegate, RunWithThePluginMatchesLiteRt) {
  const std::string dir = ::testing::TempDir() + "/edgeml_cli_delegate_run";
  std::filesystem::remove_all(dir);
  Result r = RunCli({"run", kZoo + "add.tflite", "-i", kZoo + "add.input_0.npy", "-i",
                     kZoo + "add.input_1.npy", "-o", dir, "--delegate-plugin", kPlugin,
                     "--delegate-option", "min_elements=2"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("delegate plugin:sample_add: 1 of 1 nodes in 1 partition"),
            std::string::npos)
      << r.output;
  io::NpyArray got, want;
  ASSERT_TRUE(io::ReadNpy(dir + "/output_0.npy", &got).ok());
  ASSERT_TRUE(io::ReadNpy(kZoo + "add.output_0.npy", &want).ok());
  EXPECT_EQ(got.shape, want.shape);
  EXPECT_EQ(got.data, want.data);  // LiteRT's recorded output, to the byte
}

TEST(CliDelegate, InspectShowsWhoTakesEachNodeAndWhy) {
  Result r =
      RunCli({"inspect", std::string(EDGEML_TESTDATA_DIR) + "/models/selfie_segmentation.tflite",
              "--delegate-plugin", kPlugin});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("delegation:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("plugin:sample_add: only ADD is supported"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("plugin:sample_add (partition 0)"), std::string::npos) << r.output;
}

TEST(CliDelegate, BenchReportsDelegatedNodes) {
  Result r = RunCli({"bench", kZoo + "add.tflite", "--runs", "3", "--warmup", "1", "--json",
                     "--delegate-plugin", kPlugin});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"delegated_nodes\": 1, \"partitions\": 1"), std::string::npos)
      << r.output;
}

TEST(CliDelegate, BadDelegateFlagsFailClearly) {
  const std::string model = kZoo + "add.tflite";
  ExpectError(
      RunCli({"run", model, "--delegate-plugin", kPlugin, "--delegate-option", "colour=blue"}),
      "unknown option 'colour'");
  ExpectError(RunCli({"run", model, "--delegate-option", "novalue", "--delegate-plugin", kPlugin}),
              "'novalue' is not KEY=VALUE");
  ExpectError(RunCli({"run", model, "--delegate", "no_such_delegate"}),
              "no delegate named 'no_such_delegate'");
  ExpectError(RunCli({"bench", model, "--precision", "fp16"}), "--precision needs --delegate");
  ExpectError(RunCli({"inspect", model, "--delegate-plugin", "/nonexistent/libx.so"}),
              "/nonexistent/libx.so");
}

}  // namespace
}  // namespace edgeml
