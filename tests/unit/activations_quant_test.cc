// Quantized LOGISTIC, TANH, SOFTMAX, HARD_SWISH, RSQRT and L2_NORMALIZATION:
// kernel tests against independent float formulas, op tests against inline
// LiteRT goldens, and prepare/eval rejections.
//
// The goldens come from LiteRT (ai-edge-litert 2.3.0) with its reference
// kernels, on single-op models with the same quantization:
//   it = Interpreter(model_content=m,
//                    experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
//   it.allocate_tensors(); it.set_tensor(in, x); it.invoke(); it.get_tensor(out)
// Beyond these, every 8-bit input value and every int16 value (LOGISTIC,
// TANH, RSQRT) was compared over ~500 quantizations with 0 differing bytes.
#include "kernels/reference/activations_quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/reference/softmax_quant.h"
#include "quant/lut.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using Op = tfl::BuiltinOperator;

QuantizationParams Q(float scale, int64_t zero_point) {
  QuantizationParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A single-op model: input x -> op -> output y (same shape).
struct UnaryQuantModel {
  ModelBuilder b;
  TestModel m;
  Status Build(Op op, DataType tin, DataType tout, const Shape& shape, const QuantizationParams& qi,
               const QuantizationParams& qo, int version, float beta = 1.0f) {
    const int x = b.AddTensor(tin, shape, "x", qi);
    const int y = b.AddTensor(tout, shape, "y", qo);
    tfl::BuiltinOptions ot = tfl::BuiltinOptions::NONE;
    flatbuffers::Offset<void> o = 0;
    if (op == Op::SOFTMAX) {
      ot = tfl::BuiltinOptions::SoftmaxOptions;
      o = tfl::CreateSoftmaxOptions(b.fbb(), beta).Union();
    } else if (op == Op::L2_NORMALIZATION) {
      ot = tfl::BuiltinOptions::L2NormOptions;
      o = tfl::CreateL2NormOptions(b.fbb()).Union();
    }
    b.AddOperator(op, {x}, {y}, ot, o, version);
    b.SetInputs({x});
    b.SetOutputs({y});
    return m.Build(b);
  }
};

template <typename TIn, typename TOut>
std::vector<TOut> RunQuant(Op op, DataType tin, DataType tout, const Shape& shape,
                           const QuantizationParams& qi, const QuantizationParams& qo, int version,
                           const std::vector<TIn>& x, float beta = 1.0f) {
  UnaryQuantModel u;
  Status s = u.Build(op, tin, tout, shape, qi, qo, version, beta);
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return {};
  u.m.SetInput<TIn>(0, x);
  s = u.m.interp->Invoke();
  EXPECT_TRUE(s.ok()) << s.message();
  return u.m.GetOutput<TOut>(0);
}

const std::vector<int8_t> kI8In = {-128, -100, -50, -20, -5, 0, 5, 10, 30, 60, 90, 127};
const std::vector<uint8_t> kU8In = {0, 20, 60, 100, 128, 140, 180, 220, 255};
const std::vector<int16_t> kI16In = {-32768, -20000, -4096, -1000, -1,   0,
                                     1,      1000,   4096,  20000, 32767};

// ------------------------------------------------------------ kernels

TEST(ActivationsQuantKernel, LookupTable8UsesUint8Index) {
  int8_t lut[256];
  for (int i = 0; i < 256; ++i) lut[i] = static_cast<int8_t>(255 - i);
  const int8_t in[3] = {0, -1, -128};
  int8_t out[3];
  reference::LookupTable8<int8_t>(3, in, lut, out);
  EXPECT_EQ(out[0], static_cast<int8_t>(255));  // index 0
  EXPECT_EQ(out[1], static_cast<int8_t>(0));    // index 255
  EXPECT_EQ(out[2], static_cast<int8_t>(127));  // index 128
}

// The int16 kernels stay within a few steps of the true functions.
TEST(ActivationsQuantKernel, Int16LogisticAndTanhTrackFloat) {
  std::vector<int16_t> in;
  for (int v = -32768; v <= 32767; v += 97) in.push_back(static_cast<int16_t>(v));
  std::vector<int16_t> out(in.size());
  // Input scale 2^-12: the power-of-two path (multiplier 0).
  reference::LogisticInt16({0, 0}, static_cast<int64_t>(in.size()), in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const double want = 32768.0 / (1.0 + std::exp(-in[i] / 4096.0));
    EXPECT_NEAR(out[i], want, 3.0) << in[i];
  }
  // Input scale 2^-11 for TANH: power of two with left shift 1.
  reference::TanhInt16({0, 1}, static_cast<int64_t>(in.size()), in.data(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    const double want = std::min(32767.0, 32768.0 * std::tanh(in[i] / 2048.0));
    EXPECT_NEAR(out[i], want, 4.0) << in[i];
  }
}

TEST(ActivationsQuantKernel, HardSwishTracksFloat) {
  // in scale 0.05 zp -10, out scale 0.03 zp -100 (multipliers as prepare
  // computes them).
  reference::HardSwishQuantParams p;
  p.input_zero_point = -10;
  p.output_zero_point = -100;
  const quant::Multiplier mo = quant::QuantizeMultiplier((1.0f / 128.0f) * 0.05f / 0.03f);
  const quant::Multiplier mr =
      quant::QuantizeMultiplier((1.0f / 128.0f) * 0.05f / (3.0f / 32768.0f));
  p.output_multiplier = quant::DownscaleMantissaToInt16(mo.mantissa);
  p.output_exponent = mo.shift;
  p.reluish_multiplier = quant::DownscaleMantissaToInt16(mr.mantissa);
  p.reluish_exponent = mr.shift;
  for (int v = -128; v <= 127; ++v) {
    const int8_t x = static_cast<int8_t>(v);
    int8_t y = 0;
    reference::HardSwishQuant<int8_t>(p, 1, &x, &y);
    const double real = 0.05 * (v + 10);
    const double want =
        std::min(127.0, -100 + real * std::min(6.0, std::max(0.0, real + 3)) / 6 / 0.03);
    EXPECT_NEAR(y, want, 1.01) << v;
  }
}

TEST(ActivationsQuantKernel, SoftmaxInt8UniformRowAndSaturation) {
  // beta * scale = 0.1: multiplier 0.1 * 2^26 as Q31 with a left shift.
  reference::SoftmaxQuantParams p;
  p.input_multiplier = quant::QuantizeMultiplier(0.1 * (1 << 26));
  p.diff_min = -quant::CalculateInputRadius(5, p.input_multiplier.shift);
  const int8_t in[8] = {4, 4, 4, 4, -128, -128, -128, 127};
  int8_t out[8];
  ASSERT_TRUE((reference::SoftmaxQuant8<int8_t, int8_t>(p, 2, 4, in, out)));
  for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], -128 + 64);  // 1/4 in 1/256 steps
  // A dominant value saturates at 127; e^-25.5 rounds to the lowest value.
  EXPECT_EQ(out[7], 127);
  EXPECT_EQ(out[4], -128);
}

TEST(ActivationsQuantKernel, SoftmaxInt8RejectsAccumulatorOverflow) {
  // 600 equal values: the reciprocal's exponent leaves [0, 31] (LiteRT
  // aborts here); the kernel reports it instead.
  reference::SoftmaxQuantParams p;
  p.input_multiplier = quant::QuantizeMultiplier(0.1 * (1 << 26));
  p.diff_min = -quant::CalculateInputRadius(5, p.input_multiplier.shift);
  std::vector<int8_t> in(600, 7), out(600);
  EXPECT_FALSE((reference::SoftmaxQuant8<int8_t, int8_t>(p, 1, 600, in.data(), out.data())));
}

TEST(ActivationsQuantKernel, L2NormalizeTracksFloat) {
  const int8_t in[6] = {3, 4, 0, -120, 50, 1};
  int8_t out[6];
  reference::L2NormalizeInt8(0, 2, 3, in, out);
  const double n0 = 5.0, n1 = std::sqrt(120.0 * 120 + 50 * 50 + 1);
  const double want[6] = {3 / n0, 4 / n0, 0, -120 / n1, 50 / n1, 1 / n1};
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(out[i], std::min(127.0, 128 * want[i]), 1.01) << i;
  // All-zero rows stay zero (no division by zero).
  const uint8_t zin[3] = {128, 128, 128};
  uint8_t zout[3];
  reference::L2NormalizeUint8(128, 1, 3, zin, zout);
  for (uint8_t v : zout) EXPECT_EQ(v, 128);
}

TEST(ActivationsQuantKernel, RsqrtInt8RejectsNegative) {
  reference::RsqrtInt8Params p;
  p.input_zero_point = 0;
  p.output_multiplier = quant::QuantizeMultiplier(1.0 / (std::sqrt(0.05f) * 0.02f));
  const int8_t in[2] = {4, -1};
  int8_t out[2];
  EXPECT_FALSE(reference::RsqrtInt8(p, 2, in, out));
  EXPECT_TRUE(reference::RsqrtInt8(p, 1, in, out));
  // 1/sqrt(0.2) / 0.02 = 111.8.
  EXPECT_EQ(out[0], 112);
}

// ------------------------------------------------------ LOGISTIC / TANH

TEST(LogisticQuant, Int8MatchesLiteRT) {
  auto y = RunQuant<int8_t, int8_t>(Op::LOGISTIC, DataType::kInt8, DataType::kInt8, {12},
                                    Q(0.1f, -5), Q(1.0f / 256, -128), 2, kI8In);
  EXPECT_EQ(y, (std::vector<int8_t>{-128, -128, -125, -81, 0, 31, 59, 81, 120, 127, 127, 127}));
}

TEST(LogisticQuant, Uint8MatchesLiteRT) {
  auto y = RunQuant<uint8_t, uint8_t>(Op::LOGISTIC, DataType::kUInt8, DataType::kUInt8, {9},
                                      Q(0.05f, 128), Q(1.0f / 256, 0), 2, kU8In);
  EXPECT_EQ(y, (std::vector<uint8_t>{0, 1, 8, 51, 128, 165, 238, 253, 255}));
}

TEST(LogisticQuant, Int16MatchesLiteRT) {
  auto pot = RunQuant<int16_t, int16_t>(Op::LOGISTIC, DataType::kInt16, DataType::kInt16, {11},
                                        Q(1.0f / 4096, 0), Q(1.0f / 32768, 0), 3, kI16In);
  EXPECT_EQ(pot, (std::vector<int16_t>{11, 247, 8812, 14394, 16382, 16384, 16386, 18374, 23956,
                                       32521, 32757}));
  auto general = RunQuant<int16_t, int16_t>(Op::LOGISTIC, DataType::kInt16, DataType::kInt16, {11},
                                            Q(0.0003f, 0), Q(1.0f / 32768, 0), 3, kI16In);
  EXPECT_EQ(general, (std::vector<int16_t>{2, 81, 7419, 13945, 16381, 16384, 16387, 18823, 25349,
                                           32687, 32766}));
}

TEST(TanhQuant, Int8AndUint8MatchLiteRT) {
  auto y8 = RunQuant<int8_t, int8_t>(Op::TANH, DataType::kInt8, DataType::kInt8, {12}, Q(0.05f, 3),
                                     Q(1.0f / 128, 0), 2, kI8In);
  EXPECT_EQ(y8,
            (std::vector<int8_t>{-128, -128, -127, -105, -49, -19, 13, 43, 112, 127, 127, 127}));
  auto yu = RunQuant<uint8_t, uint8_t>(Op::TANH, DataType::kUInt8, DataType::kUInt8, {9},
                                       Q(0.1f, 100), Q(1.0f / 128, 128), 2, kU8In);
  EXPECT_EQ(yu, (std::vector<uint8_t>{0, 0, 0, 128, 255, 255, 255, 255, 255}));
}

TEST(TanhQuant, Int16MatchesLiteRT) {
  // 2^-11 is a power of two with left shift 1, which TANH takes directly.
  auto pot = RunQuant<int16_t, int16_t>(Op::TANH, DataType::kInt16, DataType::kInt16, {11},
                                        Q(1.0f / 2048, 0), Q(1.0f / 32768, 0), 3, kI16In);
  EXPECT_EQ(pot, (std::vector<int16_t>{-32767, -32767, -31589, -14838, -16, 0, 16, 14838, 31589,
                                       32767, 32767}));
  auto general = RunQuant<int16_t, int16_t>(Op::TANH, DataType::kInt16, DataType::kInt16, {11},
                                            Q(0.001f, 0), Q(1.0f / 32768, 0), 3, kI16In);
  EXPECT_EQ(general, (std::vector<int16_t>{-32767, -32767, -32750, -24956, -32, 0, 32, 24956, 32750,
                                           32767, 32767}));
}

TEST(LogisticQuant, RejectsBadOutputQuantization) {
  UnaryQuantModel a;
  Status s =
      a.Build(Op::LOGISTIC, DataType::kInt8, DataType::kInt8, {4}, Q(0.1f, 0), Q(0.1f, -128), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "LOGISTIC")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "1/256")) << s.message();

  UnaryQuantModel b;  // int16 needs zero points 0
  s = b.Build(Op::TANH, DataType::kInt16, DataType::kInt16, {4}, Q(0.001f, 3), Q(1.0f / 32768, 0),
              3);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "TANH")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "zero point")) << s.message();

  UnaryQuantModel c;  // missing quantization
  s = c.Build(Op::TANH, DataType::kInt8, DataType::kInt8, {4}, {}, Q(1.0f / 128, 0), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "TANH")) << s.message();

  UnaryQuantModel d;  // int16 output scale must be 1/32768
  s = d.Build(Op::LOGISTIC, DataType::kInt16, DataType::kInt16, {4}, Q(0.001f, 0),
              Q(1.0f / 16384, 0), 3);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "1/32768")) << s.message();
}

// -------------------------------------------------------------- SOFTMAX

const std::vector<int8_t> kSoftmaxI8In = {-128, 0, 10,   20,   127,  5,    5,   5,
                                          5,    5, -128, -128, -128, -127, -120};

TEST(SoftmaxQuant, Int8MatchesLiteRT) {
  auto y = RunQuant<int8_t, int8_t>(Op::SOFTMAX, DataType::kInt8, DataType::kInt8, {3, 5},
                                    Q(0.1f, 3), Q(1.0f / 256, -128), 2, kSoftmaxI8In, 1.0f);
  EXPECT_EQ(y, (std::vector<int8_t>{-128, -128, -128, -128, 127, -77, -77, -77, -77, -77, -88, -88,
                                    -88, -83, -38}));
  auto yb = RunQuant<int8_t, int8_t>(Op::SOFTMAX, DataType::kInt8, DataType::kInt8, {3, 5},
                                     Q(0.1f, 3), Q(1.0f / 256, -128), 2, kSoftmaxI8In, 0.37f);
  EXPECT_EQ(yb, (std::vector<int8_t>{-128, -126, -125, -123, 118, -77, -77, -77, -77, -77, -80, -80,
                                     -80, -79, -64}));
}

TEST(SoftmaxQuant, Int8ToInt16MatchesLiteRT) {
  auto y = RunQuant<int8_t, int16_t>(Op::SOFTMAX, DataType::kInt8, DataType::kInt16, {3, 5},
                                     Q(0.1f, 3), Q(1.0f / 65536, -32768), 2, kSoftmaxI8In, 1.0f);
  EXPECT_EQ(y, (std::vector<int16_t>{-32768, -32768, -32767, -32767, 32766, -19661, -19661, -19661,
                                     -19661, -19661, -22416, -22416, -22416, -21327, -9729}));
}

TEST(SoftmaxQuant, Uint8MatchesLiteRT) {
  const std::vector<uint8_t> x = {0, 100, 200, 250, 255, 7, 7, 8, 9, 10};
  auto y = RunQuant<uint8_t, uint8_t>(Op::SOFTMAX, DataType::kUInt8, DataType::kUInt8, {2, 5},
                                      Q(0.05f, 128), Q(1.0f / 256, 0), 2, x, 2.0f);
  EXPECT_EQ(y, (std::vector<uint8_t>{0, 0, 1, 96, 159, 45, 45, 50, 55, 61}));
  auto y16 = RunQuant<uint8_t, int16_t>(Op::SOFTMAX, DataType::kUInt8, DataType::kInt16, {2, 5},
                                        Q(0.05f, 128), Q(1.0f / 65536, -32768), 2, x, 1.0f);
  EXPECT_EQ(y16, (std::vector<int16_t>{-32768, -32753, -30495, -5077, 2788, -20445, -20445, -19813,
                                       -19149, -18451}));
}

TEST(SoftmaxQuant, Int16MatchesLiteRT) {
  const std::vector<int16_t> x = {-32768, -3000, 0, 1000, 2000, 7, 7, 7, 7, 7};
  auto y = RunQuant<int16_t, int16_t>(Op::SOFTMAX, DataType::kInt16, DataType::kInt16, {2, 5},
                                      Q(0.001f, 0), Q(1.0f / 32768, 0), 3, x, 1.0f);
  EXPECT_EQ(y, (std::vector<int16_t>{1, 146, 2937, 7983, 21700, 6554, 6554, 6554, 6554, 6554}));
  auto yb = RunQuant<int16_t, int16_t>(Op::SOFTMAX, DataType::kInt16, DataType::kInt16, {2, 5},
                                       Q(0.001f, 0), Q(1.0f / 32768, 0), 3, x, 0.7f);
  EXPECT_EQ(yb, (std::vector<int16_t>{1, 558, 4556, 9176, 18477, 6554, 6554, 6554, 6554, 6554}));
}

TEST(SoftmaxQuant, RejectsBadQuantizationAndTypes) {
  UnaryQuantModel a;  // int8 output must be 1/256, -128
  Status s = a.Build(Op::SOFTMAX, DataType::kInt8, DataType::kInt8, {2, 3}, Q(0.1f, 0),
                     Q(1.0f / 256, 0), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "SOFTMAX")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "-128")) << s.message();

  UnaryQuantModel b;  // int16 -> int8 does not exist
  s = b.Build(Op::SOFTMAX, DataType::kInt16, DataType::kInt8, {2, 3}, Q(0.1f, 0),
              Q(1.0f / 256, -128), 3);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "INT16")) << s.message();

  UnaryQuantModel c;  // beta * scale too small for the Q5.26 multiplier
  s = c.Build(Op::SOFTMAX, DataType::kInt8, DataType::kInt8, {2, 3}, Q(1e-9f, 0),
              Q(1.0f / 256, -128), 2, 1e-3f);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);

  UnaryQuantModel d;  // int16 rows longer than 65536
  s = d.Build(Op::SOFTMAX, DataType::kInt16, DataType::kInt16, {1, 70000}, Q(0.001f, 0),
              Q(1.0f / 32768, 0), 3);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "65536")) << s.message();
}

TEST(SoftmaxQuant, OverflowingRowFailsAtEval) {
  UnaryQuantModel u;
  ASSERT_TRUE(u.Build(Op::SOFTMAX, DataType::kInt8, DataType::kInt8, {1, 600}, Q(0.1f, 0),
                      Q(1.0f / 256, -128), 2)
                  .ok());
  u.m.SetInput<int8_t>(0, std::vector<int8_t>(600, 7));
  Status s = u.m.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "SOFTMAX")) << s.message();
}

// ----------------------------------------------------------- HARD_SWISH

TEST(HardSwishQuant, MatchesLiteRT) {
  auto y = RunQuant<int8_t, int8_t>(Op::HARD_SWISH, DataType::kInt8, DataType::kInt8, {12},
                                    Q(0.05f, -10), Q(0.03f, -100), 1, kI8In);
  EXPECT_EQ(y, (std::vector<int8_t>{-100, -100, -111, -107, -95, -90, -84, -78, -44, 17, 67, 127}));
  // Output scale below the input's: the reluish multiplier shifts left and
  // the output saturates.
  auto ys = RunQuant<int8_t, int8_t>(Op::HARD_SWISH, DataType::kInt8, DataType::kInt8, {12},
                                     Q(0.02f, 0), Q(0.004f, 0), 1, kI8In);
  EXPECT_EQ(ys, (std::vector<int8_t>{-47, -83, -83, -43, -12, 0, 13, 27, 90, 127, 127, 127}));
  auto yu = RunQuant<uint8_t, uint8_t>(Op::HARD_SWISH, DataType::kUInt8, DataType::kUInt8, {9},
                                       Q(0.1f, 148), Q(0.2f, 0), 1, kU8In);
  EXPECT_EQ(yu, (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 16, 36, 53}));
}

TEST(HardSwishQuant, RejectsOutputScaleFarBelowInput) {
  // input/output scale >= 128 needs an output multiplier >= 1.
  UnaryQuantModel u;
  Status s =
      u.Build(Op::HARD_SWISH, DataType::kInt8, DataType::kInt8, {4}, Q(1.0f, 0), Q(0.001f, 0), 1);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "HARD_SWISH")) << s.message();
  UnaryQuantModel v;  // int16 is not a HARD_SWISH type
  s = v.Build(Op::HARD_SWISH, DataType::kInt16, DataType::kInt16, {4}, Q(0.001f, 0), Q(0.001f, 0),
              1);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
}

// ---------------------------------------------------------------- RSQRT

TEST(RsqrtQuant, MatchesLiteRT) {
  auto y = RunQuant<int8_t, int8_t>(Op::RSQRT, DataType::kInt8, DataType::kInt8, {10}, Q(0.05f, 0),
                                    Q(0.02f, -100), 2,
                                    std::vector<int8_t>{0, 1, 2, 3, 10, 25, 50, 100, 126, 127});
  EXPECT_EQ(y, (std::vector<int8_t>{127, 124, 58, 29, -29, -55, -68, -78, -80, -80}));
  auto y16 = RunQuant<int16_t, int16_t>(
      Op::RSQRT, DataType::kInt16, DataType::kInt16, {10}, Q(0.001f, 0), Q(0.0005f, 0), 3,
      std::vector<int16_t>{0, 1, 2, 3, 10, 100, 1000, 10000, 30000, 32767});
  EXPECT_EQ(y16,
            (std::vector<int16_t>{27144, 26975, 26806, 26637, 25453, 10232, 2002, 633, 365, 349}));
}

TEST(RsqrtQuant, NegativeInputFailsAtEval) {
  UnaryQuantModel u;
  ASSERT_TRUE(
      u.Build(Op::RSQRT, DataType::kInt8, DataType::kInt8, {3}, Q(0.1f, 0), Q(0.1f, 0), 2).ok());
  u.m.SetInput<int8_t>(0, {-5, 0, 3});
  Status s = u.m.interp->Invoke();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "RSQRT")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "negative")) << s.message();
}

// ------------------------------------------------------ L2_NORMALIZATION

TEST(L2NormQuant, MatchesLiteRT) {
  auto y = RunQuant<int8_t, int8_t>(Op::L2_NORMALIZATION, DataType::kInt8, DataType::kInt8, {3, 4},
                                    Q(0.1f, 0), Q(1.0f / 128, 0), 2,
                                    std::vector<int8_t>{0, 0, 0, 0, 3, 4, 0, 0, -128, 127, 5, -7});
  EXPECT_EQ(y, (std::vector<int8_t>{0, 0, 0, 0, 77, 102, 0, 0, -91, 90, 4, -5}));
  auto yu = RunQuant<uint8_t, uint8_t>(
      Op::L2_NORMALIZATION, DataType::kUInt8, DataType::kUInt8, {3, 4}, Q(0.05f, 108),
      Q(1.0f / 128, 128), 2,
      std::vector<uint8_t>{108, 108, 108, 108, 111, 112, 108, 108, 0, 255, 113, 101});
  EXPECT_EQ(yu, (std::vector<uint8_t>{128, 128, 128, 128, 205, 230, 128, 128, 52, 231, 132, 123}));
}

TEST(L2NormQuant, RejectsWrongOutputQuantization) {
  UnaryQuantModel u;
  Status s = u.Build(Op::L2_NORMALIZATION, DataType::kUInt8, DataType::kUInt8, {2, 3}, Q(0.1f, 128),
                     Q(1.0f / 128, 0), 2);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Contains(s.message(), "L2_NORMALIZATION")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "128")) << s.message();
}

}  // namespace
}  // namespace edgeml
