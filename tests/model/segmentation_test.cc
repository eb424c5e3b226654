// End-to-end check of selfie_segmentation on a real photo: astronaut.png
// (512x512; person in an orange suit, flag at the top left, shuttle model at
// the top right) through edgeml's own image path, then region means of the
// 256x256 mask. The boxes were chosen from the image and LiteRT's mask (see
// docs/conformance.md); in LiteRT's mask each box is uniformly 1.0 or <0.2.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "io/image.h"
#include "io/npy.h"

namespace edgeml {
namespace {

const std::string kModel = std::string(EDGEML_TESTDATA_DIR) + "/models/selfie_segmentation.tflite";
const std::string kImage = std::string(EDGEML_TESTDATA_DIR) + "/images/astronaut.png";
constexpr int kSize = 256;

struct Box {
  const char* what;
  int y0, y1, x0, x1;  // half-open, in mask pixels
  bool foreground;
};

constexpr Box kBoxes[] = {
    {"face", 48, 80, 96, 128, true},
    {"suit", 150, 210, 30, 100, true},
    {"flag (top left)", 0, 40, 0, 40, false},
    {"shuttle model (top right)", 8, 80, 192, 240, false},
};

double BoxMean(const float* mask, const Box& b) {
  double sum = 0;
  for (int y = b.y0; y < b.y1; ++y) {
    for (int x = b.x0; x < b.x1; ++x) sum += mask[y * kSize + x];
  }
  return sum / ((b.y1 - b.y0) * (b.x1 - b.x0));
}

void CheckMask(const float* mask) {
  for (const Box& b : kBoxes) {
    const double mean = BoxMean(mask, b);
    std::printf("[ mask     ] %-26s mean %.4f\n", b.what, mean);
    if (b.foreground) {
      EXPECT_GT(mean, 0.5) << b.what << " should be foreground";
    } else {
      EXPECT_LT(mean, 0.5) << b.what << " should be background";
    }
  }
}

TEST(SegmentationTest, AstronautThroughApi) {
  std::unique_ptr<Model> model;
  Status s = Model::FromFile(kModel, &model);
  ASSERT_TRUE(s.ok()) << s.ToString();
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, {}, &interp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = interp->AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();

  Tensor* in = interp->input(0);
  ASSERT_NE(in, nullptr);
  ASSERT_EQ(in->shape, (Shape{1, kSize, kSize, 3}));
  std::vector<uint8_t> bytes;
  s = io::LoadImageForTensor(kImage, in->type, in->shape, io::Normalization{}, &bytes);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(bytes.size(), in->bytes);
  std::memcpy(in->data, bytes.data(), bytes.size());

  s = interp->Invoke();
  ASSERT_TRUE(s.ok()) << s.ToString();
  const Tensor* out = interp->output(0);
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(out->type, DataType::kFloat32);
  ASSERT_EQ(out->shape, (Shape{1, kSize, kSize, 1}));
  CheckMask(out->data_as<float>());
}

// The same through the command line, when it has been built.
TEST(SegmentationTest, AstronautThroughCli) {
  const std::string binary = std::string(EDGEML_BINARY_DIR) + "/tools/edgeml";
  if (!std::filesystem::exists(binary)) {
    GTEST_SKIP() << binary << " is not built";
  }
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                    ("edgeml_segmentation_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string cmd = EDGEML_TEST_LAUNCHER "'" + binary + "' run '" + kModel + "' --input '" +
                          kImage + "' --output-dir '" + dir.string() + "' > '" +
                          (dir / "log.txt").string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  ASSERT_EQ(rc, 0) << cmd;

  io::NpyArray mask;
  Status s = io::ReadNpy((dir / "output_0.npy").string(), &mask);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(mask.type, DataType::kFloat32);
  ASSERT_EQ(mask.shape, (Shape{1, kSize, kSize, 1}));
  CheckMask(reinterpret_cast<const float*>(mask.data.data()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace edgeml
