// Runs the four MediaPipe models on the golden inputs in testdata/golden and
// compares every output with LiteRT's reference kernels (BUILTIN_REF), as
// produced by scripts/make_goldens.py. Criterion per output, the same as
// scripts/conformance.py: max_abs_err <= 1e-4 * max(1, max|ref|).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "io/npy.h"

namespace edgeml {
namespace {

constexpr double kRelTol = 1e-4;

std::string GoldenDir(const std::string& name) {
  return std::string(EDGEML_TESTDATA_DIR) + "/golden/" + name;
}

// IEEE binary16 -> binary32; exact for every half value.
float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  const uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf / NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;  // +-0
  } else {
    // Subnormal half: normalize into a float32 normal.
    int e = 113;
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      --e;
    }
    bits = sign | (static_cast<uint32_t>(e) << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

// Golden inputs are stored compactly (float16 for float32 inputs, uint8 images
// for the astronaut case); this turns them into the tensor's float32 bytes.
std::vector<float> ToFloat(const io::NpyArray& a, bool image_u8) {
  std::vector<float> out;
  if (a.type == DataType::kFloat16) {
    const size_t n = a.data.size() / 2;
    out.resize(n);
    for (size_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, a.data.data() + 2 * i, 2);
      out[i] = HalfToFloat(h);
    }
  } else if (a.type == DataType::kUInt8 && image_u8) {
    out.resize(a.data.size());
    for (size_t i = 0; i < a.data.size(); ++i) {
      out[i] = (static_cast<float>(a.data[i]) - 127.5f) / 127.5f;
    }
  } else if (a.type == DataType::kFloat32) {
    out.resize(a.data.size() / 4);
    std::memcpy(out.data(), a.data.data(), a.data.size());
  }
  return out;
}

int64_t NumElements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

struct GoldenCase {
  const char* name;        // directory under testdata/golden
  const char* model;       // file under testdata/models
  const char* input_file;  // golden input 0 ("input_0.npy" or the uint8 image)
};

// Names the case in gtest's failure messages instead of dumping bytes.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.name; }

class MediaPipeGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(MediaPipeGoldenTest, MatchesLiteRtReference) {
  const GoldenCase& c = GetParam();
  const std::string dir = GoldenDir(c.name);
  const bool image_u8 = std::string(c.input_file).find("_u8") != std::string::npos;

  std::unique_ptr<Model> model;
  Status s = Model::FromFile(std::string(EDGEML_TESTDATA_DIR) + "/models/" + c.model, &model);
  ASSERT_TRUE(s.ok()) << s.ToString();
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  s = Interpreter::Create(*model, resolver, {}, &interp);
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = interp->AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();

  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->type, DataType::kFloat32) << "input " << i << " of " << c.model;
    const std::string file = i == 0 ? c.input_file : "input_" + std::to_string(i) + ".npy";
    io::NpyArray a;
    s = io::ReadNpy(dir + "/" + file, &a);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<float> values = ToFloat(a, image_u8);
    ASSERT_EQ(static_cast<int64_t>(values.size()), t->num_elements())
        << file << " has " << ShapeToString(a.shape) << ", input " << i << " wants "
        << ShapeToString(t->shape);
    ASSERT_EQ(values.size() * sizeof(float), t->bytes);
    std::memcpy(t->data, values.data(), t->bytes);
  }

  s = interp->Invoke();
  ASSERT_TRUE(s.ok()) << s.ToString();

  for (size_t i = 0; i < interp->outputs().size(); ++i) {
    const Tensor* t = interp->output(static_cast<int>(i));
    ASSERT_NE(t, nullptr);
    io::NpyArray want;
    const std::string file = dir + "/output_" + std::to_string(i) + ".npy";
    s = io::ReadNpy(file, &want);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(want.type, DataType::kFloat32) << file;
    ASSERT_EQ(t->type, DataType::kFloat32) << "output " << i << " (" << t->name << ")";
    ASSERT_EQ(t->shape, want.shape)
        << "output " << i << " (" << t->name << "): " << ShapeToString(t->shape) << " vs golden "
        << ShapeToString(want.shape);
    const int64_t n = NumElements(want.shape);
    ASSERT_EQ(static_cast<size_t>(n) * sizeof(float), want.data.size());
    const float* got = t->data_as<float>();
    const float* ref = reinterpret_cast<const float*>(want.data.data());

    double max_err = 0, max_ref = 0;
    int64_t worst = 0;
    for (int64_t k = 0; k < n; ++k) {
      const double r = ref[k];
      const double err = std::isnan(got[k]) != std::isnan(r)
                             ? INFINITY
                             : (std::isnan(r) ? 0.0 : std::fabs(static_cast<double>(got[k]) - r));
      if (err > max_err) {
        max_err = err;
        worst = k;
      }
      if (!std::isnan(r)) max_ref = std::max(max_ref, std::fabs(r));
    }
    const double limit = kRelTol * std::max(1.0, max_ref);
    std::printf("[ golden   ] %s output %zu %-14s max_abs_err=%.3g max|ref|=%.4g limit=%.3g\n",
                c.name, i, t->name.c_str(), max_err, max_ref, limit);
    RecordProperty("max_abs_err_" + std::to_string(i), std::to_string(max_err));
    EXPECT_LE(max_err, limit) << c.name << " output " << i << " (" << t->name << "): worst element "
                              << worst << " got " << got[worst] << " want " << ref[worst];
  }
}

INSTANTIATE_TEST_SUITE_P(
    Models, MediaPipeGoldenTest,
    ::testing::Values(GoldenCase{"face_detection_short_range", "face_detection_short_range.tflite",
                                 "input_0.npy"},
                      GoldenCase{"hand_landmark_lite", "hand_landmark_lite.tflite", "input_0.npy"},
                      GoldenCase{"pose_landmark_lite", "pose_landmark_lite.tflite", "input_0.npy"},
                      GoldenCase{"selfie_segmentation", "selfie_segmentation.tflite",
                                 "input_0.npy"},
                      // astronaut.png, resized as `edgeml run` does, stored as uint8.
                      GoldenCase{"selfie_segmentation_astronaut", "selfie_segmentation.tflite",
                                 "input_0_u8.npy"}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) { return std::string(info.param.name); });

TEST(HalfToFloatTest, KnownValues) {
  EXPECT_EQ(HalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(HalfToFloat(0xbc00), -1.0f);
  EXPECT_EQ(HalfToFloat(0x3800), 0.5f);
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7bff), 65504.0f);
  EXPECT_TRUE(std::isinf(HalfToFloat(0x7c00)));
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7e00)));
}

}  // namespace
}  // namespace edgeml
