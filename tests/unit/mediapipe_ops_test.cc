// Tests of MediaPipe's Convolution2DTransposeBias custom op: output sizes
// under its own SAME/VALID rule, values, and rejection of malformed nodes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

constexpr char kOpName[] = "Convolution2DTransposeBias";

// The raw C struct MediaPipe stores: {padding, stride_w, stride_h}.
std::vector<uint8_t> Params(int32_t padding, int32_t stride_w, int32_t stride_h) {
  const int32_t raw[3] = {padding, stride_w, stride_h};
  std::vector<uint8_t> bytes(sizeof(raw));
  std::memcpy(bytes.data(), raw, sizeof(raw));
  return bytes;
}

struct Case {
  Shape input = {1, 2, 2, 1};
  DataType input_type = DataType::kFloat32;
  Shape weights = {1, 3, 3, 1};  // filled with ones
  std::vector<float> bias = {0.5f};
  Shape bias_shape;  // defaults to [bias.size()]
  std::vector<uint8_t> params = Params(1, 2, 2);
  bool with_bias = true;
};

Status Build(const Case& c, TestModel* m) {
  ModelBuilder b;
  const int in = b.AddTensor(c.input_type, c.input, "input");
  int64_t n = 1;
  for (int32_t d : c.weights) n *= d;
  const int w = b.AddConstant<float>(DataType::kFloat32, c.weights,
                                     std::vector<float>(static_cast<size_t>(n), 1.f), "weights");
  std::vector<int> inputs = {in, w};
  if (c.with_bias) {
    const Shape bs =
        c.bias_shape.empty() ? Shape{static_cast<int32_t>(c.bias.size())} : c.bias_shape;
    inputs.push_back(b.AddConstant<float>(DataType::kFloat32, bs, c.bias, "bias"));
  }
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  b.AddCustomOperator(kOpName, inputs, {out}, c.params);
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunOp(const Case& c, const std::vector<float>& input, Shape* shape) {
  TestModel m;
  const Status st = Build(c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  m.SetInput<float>(0, input);
  const Status run = m.interp->Invoke();
  EXPECT_TRUE(run.ok()) << run.ToString();
  *shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

void ExpectError(const Case& c, StatusCode code, const std::string& needle) {
  TestModel m;
  const Status st = Build(c, &m);
  ASSERT_FALSE(st.ok()) << "expected an error mentioning '" << needle << "'";
  EXPECT_EQ(st.code(), code) << st.ToString();
  EXPECT_NE(st.message().find(kOpName), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.ToString();
}

// Full transposed conv of [[1,2],[3,4]] with 3x3 ones at stride 2 (5x5).
const std::vector<float> kFull = {1, 1, 3,  2, 2,  //
                                  1, 1, 3,  2, 2,  //
                                  4, 4, 10, 6, 6,  //
                                  3, 3, 7,  4, 4,  //
                                  3, 3, 7,  4, 4};

std::vector<float> Window(int y0, int x0, int h, int w, float bias) {
  std::vector<float> v;
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) v.push_back(kFull[y * 5 + x] + bias);
  }
  return v;
}

TEST(TransposeConvBiasOp, ValidIsTheFullResult) {
  Case c;
  c.params = Params(2, 2, 2);
  Shape shape;
  EXPECT_EQ(RunOp(c, {1, 2, 3, 4}, &shape), Window(0, 0, 5, 5, 0.5f));
  EXPECT_EQ(shape, (Shape{1, 5, 5, 1}));
}

TEST(TransposeConvBiasOp, SameKernel3Stride2) {
  // total_pad = max(0, 3 - (2-1)%2 - 1) = 1 -> out 2*1+3-1 = 4, leading 0.
  Case c;
  Shape shape;
  EXPECT_EQ(RunOp(c, {1, 2, 3, 4}, &shape), Window(0, 0, 4, 4, 0.5f));
  EXPECT_EQ(shape, (Shape{1, 4, 4, 1}));
}

TEST(TransposeConvBiasOp, SameOddInputCropsLeading) {
  // 3x3 input: total_pad = 3 - 0 - 1 = 2 -> out 2*2+3-2 = 5, leading 1.
  // Input ones: the full 7x7 result counts the 3x3 windows covering a pixel.
  Case c;
  c.input = {1, 3, 3, 1};
  Shape shape;
  const std::vector<float> out = RunOp(c, std::vector<float>(9, 1.f), &shape);
  EXPECT_EQ(shape, (Shape{1, 5, 5, 1}));
  ASSERT_EQ(out.size(), 25u);
  // Along one axis, full position p (0..6) is covered by inputs i with
  // 0 <= p - 2i < 3; the output shows p = 1..5.
  auto cover = [](int p) {
    int n = 0;
    for (int i = 0; i < 3; ++i) n += (p - 2 * i >= 0 && p - 2 * i < 3);
    return n;
  };
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 5; ++x) {
      EXPECT_EQ(out[y * 5 + x], static_cast<float>(cover(y + 1) * cover(x + 1)) + 0.5f);
    }
  }
}

TEST(TransposeConvBiasOp, SameKernel2Stride2DoublesSize) {
  // The selfie model's case: 2x2 kernel, stride 2 -> each pixel becomes a
  // 2x2 block; two output channels with their own weights and bias.
  Case c;
  c.weights = {2, 2, 2, 1};  // ones; channel 1 differs through the bias only
  c.bias = {0.f, 10.f};
  Shape shape;
  const std::vector<float> out = RunOp(c, {1, 2, 3, 4}, &shape);
  EXPECT_EQ(shape, (Shape{1, 4, 4, 2}));
  ASSERT_EQ(out.size(), 32u);
  const float in[2][2] = {{1, 2}, {3, 4}};
  for (int y = 0; y < 4; ++y) {
    for (int x = 0; x < 4; ++x) {
      EXPECT_EQ(out[(y * 4 + x) * 2 + 0], in[y / 2][x / 2]);
      EXPECT_EQ(out[(y * 4 + x) * 2 + 1], in[y / 2][x / 2] + 10.f);
    }
  }
}

TEST(TransposeConvBiasOp, SameKernel1Stride2IsNotInTimesStride) {
  // total_pad = max(0, 1 - 1 - 1) = 0 -> out 2*1+1 = 3, not 4.
  Case c;
  c.weights = {1, 1, 1, 1};
  Shape shape;
  EXPECT_EQ(RunOp(c, {1, 2, 3, 4}, &shape),
            (std::vector<float>{1.5f, .5f, 2.5f, .5f, .5f, .5f, 3.5f, .5f, 4.5f}));
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
}

TEST(TransposeConvBiasOp, NonSquareStrides) {
  // stride_w 1, stride_h 2, VALID: height 2*1+3 = 5, width 1*1+3 = 4.
  Case c;
  c.params = Params(2, 1, 2);
  c.bias = {0.f};
  Shape shape;
  const std::vector<float> out = RunOp(c, {1, 2, 3, 4}, &shape);
  EXPECT_EQ(shape, (Shape{1, 5, 4, 1}));
  ASSERT_EQ(out.size(), 20u);
  const float in[2][2] = {{1, 2}, {3, 4}};
  for (int y = 0; y < 5; ++y) {
    for (int x = 0; x < 4; ++x) {
      float expected = 0.f;
      for (int iy = 0; iy < 2; ++iy) {
        for (int ix = 0; ix < 2; ++ix) {
          const int fy = y - 2 * iy, fx = x - ix;
          if (fy >= 0 && fy < 3 && fx >= 0 && fx < 3) expected += in[iy][ix];
        }
      }
      EXPECT_EQ(out[y * 4 + x], expected) << y << x;
    }
  }
}

TEST(TransposeConvBiasOp, RejectsBadNodes) {
  Case c;
  c.params.resize(8);
  ExpectError(c, StatusCode::kInvalidModel, "8 bytes");

  c = Case{};
  c.params.clear();
  ExpectError(c, StatusCode::kInvalidModel, "0 bytes");

  c = Case{};
  c.params = Params(0, 2, 2);
  ExpectError(c, StatusCode::kInvalidModel, "padding 0");

  c = Case{};
  c.params = Params(1, 0, 2);
  ExpectError(c, StatusCode::kInvalidModel, "stride_width is 0");

  c = Case{};
  c.params = Params(2, 2, -1);
  ExpectError(c, StatusCode::kInvalidModel, "stride_height is -1");

  c = Case{};
  c.params = Params(2, 0x7fffffff, 2);  // output width would overflow int32
  ExpectError(c, StatusCode::kInvalidModel, "out of range");

  c = Case{};
  c.bias = {1.f, 2.f};
  ExpectError(c, StatusCode::kInvalidModel, "bias");

  c = Case{};
  c.bias_shape = {1, 1};
  ExpectError(c, StatusCode::kInvalidModel, "rank 1");

  c = Case{};
  c.weights = {1, 3, 3, 2};
  ExpectError(c, StatusCode::kInvalidModel, "channels");

  c = Case{};
  c.weights = {1, 3, 3};
  ExpectError(c, StatusCode::kInvalidModel, "rank 4");

  c = Case{};
  c.with_bias = false;
  ExpectError(c, StatusCode::kInvalidModel, "inputs");

  c = Case{};
  c.input_type = DataType::kInt8;
  ExpectError(c, StatusCode::kUnsupported, "INT8");
}

}  // namespace
}  // namespace edgeml
