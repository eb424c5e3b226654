// `edgeml train` end to end: IDX, image-folder and .npy data, the exported
// files (float32 and int8, labels in the metadata), and one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/model.h"
#include "format/metadata.h"
#include "io/image.h"
#include "io/npy.h"

namespace edgeml {
namespace {

const std::string kBinary = std::string(EDGEML_BINARY_DIR) + "/tools/edgeml";
const std::string kMnist = std::string(EDGEML_TESTDATA_DIR) + "/mnist";
const std::string kMlp = std::string(EDGEML_SOURCE_DIR) + "/examples/train/mnist_mlp.json";

struct Result {
  int exit_code = -1;
  std::string output;
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

std::string TestDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "/edgeml_train_cli_" + info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

std::vector<std::string> Labels(const std::string& path) {
  std::unique_ptr<Model> m;
  EXPECT_TRUE(Model::FromFile(path, &m).ok()) << path;
  std::vector<std::string> labels;
  if (m) {
    EXPECT_TRUE(format::ReadLabels(*m, &labels).ok());
  }
  return labels;
}

void ExpectOneLineError(const Result& r, const std::string& contains) {
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("edgeml: error: ", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "not one line: " << r.output;
  EXPECT_NE(r.output.find(contains), std::string::npos) << r.output;
}

TEST(TrainCli, MnistIdxFloatAndInt8) {
  const std::string dir = TestDir();
  const Result r = RunCli({"train", kMlp, "--data", kMnist, "--epochs", "1", "--limit", "2000",
                           "--out", dir + "/m.tflite", "--int8-out", dir + "/m_int8.tflite", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("edgeml accuracy"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("int8 post-training"), std::string::npos) << r.output;
  const std::vector<std::string> digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  EXPECT_EQ(Labels(dir + "/m.tflite"), digits);
  EXPECT_EQ(Labels(dir + "/m_int8.tflite"), digits);
}

TEST(TrainCli, ImageFolderAndNpy) {
  const std::string dir = TestDir();
  // Two classes of 8x8 gray images: bright top half or bright bottom half.
  for (const char* cls : {"bottom", "top"}) {
    std::filesystem::create_directories(dir + "/img/" + cls);
    for (int i = 0; i < 12; ++i) {
      std::vector<uint8_t> px(64, static_cast<uint8_t>(10 + i));
      for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 8; ++x) px[(cls[0] == 't' ? y : y + 4) * 8 + x] = 240;
      }
      ASSERT_TRUE(
          io::WritePng(dir + "/img/" + cls + "/" + std::to_string(i) + ".png", 8, 8, 1, px.data())
              .ok());
    }
  }
  WriteText(dir + "/spec.json", R"({"input_shape": [8, 8, 1], "layers": [
      {"type": "Flatten"}, {"type": "Dense", "units": 2, "activation": "softmax"}],
      "optimizer": {"type": "adam", "learning_rate": 0.05}})");
  Result r =
      RunCli({"train", dir + "/spec.json", "--data", dir + "/img", "--epochs", "5", "--batch", "4",
              "--validation-split", "0.25", "--out", dir + "/img.tflite", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Labels(dir + "/img.tflite"), (std::vector<std::string>{"bottom", "top"}));

  // The same task as .npy arrays (float32 x, int64 labels).
  std::filesystem::create_directories(dir + "/npy");
  std::vector<float> x(24 * 4);
  std::vector<int64_t> y(24);
  for (int i = 0; i < 24; ++i) {
    y[i] = i % 3;
    for (int k = 0; k < 4; ++k) x[i * 4 + k] = k == y[i] ? 1.f : 0.f;
  }
  ASSERT_TRUE(
      io::WriteNpy(dir + "/npy/x_train.npy", DataType::kFloat32, {24, 4}, x.data(), x.size() * 4)
          .ok());
  ASSERT_TRUE(
      io::WriteNpy(dir + "/npy/y_train.npy", DataType::kInt64, {24}, y.data(), y.size() * 8).ok());
  WriteText(dir + "/npy.json",
            R"({"layers": [{"type": "Dense", "units": 3, "activation": "softmax"}],
      "labels": ["a", "b", "c"], "optimizer": {"type": "sgd", "learning_rate": 0.5}})");
  r = RunCli({"train", dir + "/npy.json", "--data", dir + "/npy", "--epochs", "20", "--batch", "8",
              "--out", dir + "/npy.tflite", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("final accuracy   1.0000"), std::string::npos) << r.output;
  EXPECT_EQ(Labels(dir + "/npy.tflite"), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(TrainCli, ErrorsAreOneLine) {
  const std::string dir = TestDir();
  ExpectOneLineError(RunCli({"train", dir + "/none.json", "--data", kMnist}), "none.json");
  WriteText(dir + "/bad.json", "{\"layers\": [");
  ExpectOneLineError(RunCli({"train", dir + "/bad.json", "--data", kMnist}), "JSON");
  WriteText(dir + "/shape.json", R"({"input_shape": [10, 10, 1],
      "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 10}]})");
  ExpectOneLineError(RunCli({"train", dir + "/shape.json", "--data", kMnist}), "input_shape");
  WriteText(dir + "/few.json",
            R"({"layers": [{"type": "Flatten"}, {"type": "Dense", "units": 3}]})");
  ExpectOneLineError(RunCli({"train", dir + "/few.json", "--data", kMnist}), "10 classes");
  ExpectOneLineError(RunCli({"train", kMlp, "--data", dir}), "no IDX files");
  ExpectOneLineError(RunCli({"train", kMlp}), "--data");
}

}  // namespace
}  // namespace edgeml
