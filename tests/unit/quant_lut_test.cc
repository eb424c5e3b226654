// quant/lut.h: table builders against direct formulas, the interpolated
// lookup on hand-worked values, and the sigmoid table against sigmoid(i/24).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "quant/lut.h"

namespace edgeml::quant {
namespace {

TEST(QuantLut, TruncateFloatToInt32) {
  EXPECT_EQ(TruncateFloatToInt32(3.7f), 3);
  EXPECT_EQ(TruncateFloatToInt32(-3.7f), -3);
  EXPECT_EQ(TruncateFloatToInt32(3e9f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncateFloatToInt32(-3e9f), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(TruncateFloatToInt32(std::nanf("")), std::numeric_limits<int32_t>::min());
}

TEST(QuantLut, Lut8MatchesFormulaAndOrdering) {
  int8_t lut[256];
  auto twice = [](float x) { return 2.0f * x; };
  // in: scale 0.1, zp 3; out: scale 0.25, zp -7 -> q_out = round(0.8 (q - 3)) - 7.
  PopulateLut8<int8_t>(0.1f, 3, 0.25f, -7, twice, lut);
  for (int q = -128; q <= 127; ++q) {
    const float real = 2.0f * (0.1f * static_cast<float>(q - 3));
    const int want = std::max(-128, std::min(127, static_cast<int>(std::round(real * 4.0f)) - 7));
    EXPECT_EQ(lut[static_cast<uint8_t>(q)], want) << q;
  }
  EXPECT_EQ(lut[0], static_cast<int8_t>(std::round(0.2f * -3 * 4) - 7));  // q = 0 at index 0
  // uint8 tables are indexed directly.
  uint8_t ulut[256];
  PopulateLut8<uint8_t>(
      1.0f, 0, 1.0f, 0, [](float x) { return 255.0f - x; }, ulut);
  EXPECT_EQ(ulut[0], 255);
  EXPECT_EQ(ulut[200], 55);
}

TEST(QuantLut, Lut8HugeValuesTakeTheX86Path) {
  // An unrepresentable float converts to INT32_MIN and clamps to the lowest
  // value (what LiteRT computes on x86-64).
  int8_t lut[256];
  PopulateLut8<int8_t>(
      1.0f, 0, 1e-12f, 0, [](float x) { return x; }, lut);
  EXPECT_EQ(lut[5], -128);
  EXPECT_EQ(lut[0], 0);
}

TEST(QuantLut, Lut16OfIdentityIsLinear) {
  int16_t lut[kLut16Size];
  // Identity on [-1, 1): the range spans 65535 steps, so the samples sit
  // within one step of -32768 + 128 i, and lookups within one of the input.
  PopulateLut16<float>(
      1.0f / 32768, 0, 1.0f / 32768, 0, [](float x) { return x; }, lut);
  for (int i = 0; i < 512; ++i) EXPECT_NEAR(lut[i], -32768 + 128 * i, 1) << i;
  EXPECT_EQ(lut[512], 32767);
  for (int v = -32768; v <= 32767; v += 37) {
    EXPECT_NEAR(LutLookup16(static_cast<int16_t>(v), lut), v, 1) << v;
  }
}

TEST(QuantLut, LutLookup16Interpolates) {
  int16_t lut[kLut16Size] = {};
  lut[256] = 100;  // segment of input 0..127
  lut[257] = 200;
  EXPECT_EQ(LutLookup16(0, lut), 100);
  EXPECT_EQ(LutLookup16(64, lut), 150);  // (100 * 64 + 64) >> 7 = 50
  EXPECT_EQ(LutLookup16(1, lut), 101);   // (100 + 64) >> 7 = 1
  lut[255] = 0;                          // segment of -128..-1
  EXPECT_EQ(LutLookup16(-1, lut), 99);   // base 0, slope 100, offset 127
}

TEST(QuantLut, Lut16BiasesByHalfTheMidpointError) {
  // exp on [-10, 0] into [-1, 1] (SOFTMAX int16's table): each entry is
  // within one step of the sample and the interpolation within about one input step (the segments
  // span 128/65536 of the range, the real-valued input 128/65535).
  int16_t lut[kLut16Size];
  PopulateLut16<double>(
      10.0 / 65535, 32767, 2.0 / 65535, 0, [](double x) { return std::exp(x); }, lut);
  for (int i = 0; i <= 512; ++i) {
    const double x = -10.0 + 10.0 * i / 512;
    EXPECT_NEAR(lut[i], std::exp(x) * 32768, 1.5) << i;
  }
  for (int v = -32768; v <= 32767; v += 101) {
    const double x = 10.0 / 65535 * (v - 32767);
    EXPECT_NEAR(LutLookup16(static_cast<int16_t>(v), lut), std::exp(x) * 32768, 6.0) << v;
  }
}

TEST(QuantLut, SigmoidTableIsSigmoidOfIOver24) {
  for (int i = 0; i < 256; ++i) {
    const double want = std::min(65535.0, 65536.0 / (1.0 + std::exp(-i / 24.0)));
    EXPECT_NEAR(kSigmoidTableQ16[i], want, 1.6) << i;
  }
  EXPECT_EQ(kSigmoidTableQ16[0], 32768);
  for (int i = 1; i < 256; ++i) EXPECT_GE(kSigmoidTableQ16[i], kSigmoidTableQ16[i - 1]);
}

}  // namespace
}  // namespace edgeml::quant
