// Tests of the convolution family: reference kernels with hand-computed
// goldens, then single-op models through the interpreter, then models an
// untrusted source could send that prepare must reject.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "kernels/reference/batch_matmul.h"
#include "kernels/reference/conv.h"
#include "kernels/reference/depthwise_conv.h"
#include "kernels/reference/fully_connected.h"
#include "kernels/reference/transpose_conv.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using reference::ConvParams;
using reference::ConvShape;

ConvShape MakeShape(int32_t in_h, int32_t in_w, int32_t in_ch, int32_t f_h, int32_t f_w,
                    int32_t f_in, int32_t out_h, int32_t out_w, int32_t out_ch) {
  ConvShape s;
  s.batch = 1;
  s.in_h = in_h;
  s.in_w = in_w;
  s.in_ch = in_ch;
  s.filter_h = f_h;
  s.filter_w = f_w;
  s.filter_in_ch = f_in;
  s.out_h = out_h;
  s.out_w = out_w;
  s.out_ch = out_ch;
  return s;
}

// ---------------------------------------------------------------- kernels

TEST(ConvKernel, ValidStride1) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> w = {1, 2, 3, 4};
  std::vector<float> out(4);
  reference::ConvF32(ConvParams{}, MakeShape(3, 3, 1, 2, 2, 1, 2, 2, 1), in.data(), w.data(),
                     nullptr, out.data());
  EXPECT_EQ(out, (std::vector<float>{37, 47, 67, 77}));
}

TEST(ConvKernel, Stride2WithTrailingPadding) {
  // 4x4 input, 3x3 ones filter, stride 2, SAME: pad_top/left 0, one row and
  // column of trailing padding.
  std::vector<float> in(16);
  for (int i = 0; i < 16; ++i) in[i] = static_cast<float>(i + 1);
  const std::vector<float> w(9, 1.f);
  ConvParams p;
  p.stride_h = p.stride_w = 2;
  std::vector<float> out(4);
  reference::ConvF32(p, MakeShape(4, 4, 1, 3, 3, 1, 2, 2, 1), in.data(), w.data(), nullptr,
                     out.data());
  EXPECT_EQ(out, (std::vector<float>{54, 45, 72, 54}));
}

TEST(ConvKernel, LeadingPadding) {
  // 3x3 input, 3x3 ones filter, stride 1, pad 1 on each side: sums of 3x3
  // neighbourhoods.
  const std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const std::vector<float> w(9, 1.f);
  ConvParams p;
  p.pad_top = p.pad_left = 1;
  std::vector<float> out(9);
  reference::ConvF32(p, MakeShape(3, 3, 1, 3, 3, 1, 3, 3, 1), in.data(), w.data(), nullptr,
                     out.data());
  EXPECT_EQ(out, (std::vector<float>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
}

TEST(ConvKernel, Dilation2) {
  // v(y,x) = 5y + x; 2x2 ones filter dilated by 2 sums v at (y,x), (y,x+2),
  // (y+2,x), (y+2,x+2) = 4 v(y,x) + 24.
  std::vector<float> in(25);
  for (int i = 0; i < 25; ++i) in[i] = static_cast<float>(i);
  const std::vector<float> w(4, 1.f);
  ConvParams p;
  p.dilation_h = p.dilation_w = 2;
  std::vector<float> out(9);
  reference::ConvF32(p, MakeShape(5, 5, 1, 2, 2, 1, 3, 3, 1), in.data(), w.data(), nullptr,
                     out.data());
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 3; ++x) EXPECT_EQ(out[y * 3 + x], 4.f * (5 * y + x) + 24.f) << y << x;
  }
}

TEST(ConvKernel, BiasChannelsAndClamp) {
  // 1x1 conv over 2 input channels into 3 outputs, with bias and RELU6 range.
  const std::vector<float> in = {1, 2, 3, 4};  // two pixels
  const std::vector<float> w = {1, 1, -1, 0, 2, 3};
  const std::vector<float> bias = {0.5f, 0.f, -20.f};
  ConvParams p;
  p.act_min = 0.f;
  p.act_max = 6.f;
  std::vector<float> out(6);
  reference::ConvF32(p, MakeShape(1, 2, 2, 1, 1, 2, 1, 2, 3), in.data(), w.data(), bias.data(),
                     out.data());
  // pixel0: 3.5, -1, 8-20 ; pixel1: 7.5, -3, 18-20
  EXPECT_EQ(out, (std::vector<float>{3.5f, 0, 0, 6, 0, 0}));
}

TEST(ConvKernel, Groups) {
  // 4 input channels, filter in-depth 2: two groups, one filter each.
  const std::vector<float> in = {1, 2, 3, 4};
  const std::vector<float> w = {1, 10, 100, 1000};
  std::vector<float> out(2);
  reference::ConvF32(ConvParams{}, MakeShape(1, 1, 4, 1, 1, 2, 1, 1, 2), in.data(), w.data(),
                     nullptr, out.data());
  EXPECT_EQ(out, (std::vector<float>{21, 4300}));
}

TEST(DepthwiseConvKernel, Multiplier2WithBias) {
  // Channel 0 = {1,2,3,4}, channel 1 = {10,20,30,40} over a 2x2 image.
  const std::vector<float> in = {1, 10, 2, 20, 3, 30, 4, 40};
  // [1,2,2,4]: outputs 0,1 read channel 0; outputs 2,3 read channel 1.
  const std::vector<float> w = {1, 1,  0, .5f,  //
                                1, 0,  1, .5f,  //
                                1, 0,  0, .5f,  //
                                1, -1, 0, .5f};
  const std::vector<float> bias = {1, 2, 3, 4};
  std::vector<float> out(4);
  reference::DepthwiseConvF32(ConvParams{}, MakeShape(2, 2, 2, 2, 2, 0, 1, 1, 4), 2, in.data(),
                              w.data(), bias.data(), out.data());
  EXPECT_EQ(out, (std::vector<float>{11, -1, 23, 54}));
}

TEST(DepthwiseConvKernel, StrideDilationPadding) {
  // One channel, v(y,x) = 5y + x on 5x5, 2x2 ones filter, dilation 2,
  // stride 2, pad 1: taps at rows {2oy-1, 2oy+1} and cols {2ox-1, 2ox+1}.
  std::vector<float> in(25);
  for (int i = 0; i < 25; ++i) in[i] = static_cast<float>(i);
  const std::vector<float> w(4, 1.f);
  ConvParams p;
  p.stride_h = p.stride_w = 2;
  p.dilation_h = p.dilation_w = 2;
  p.pad_top = p.pad_left = 1;
  std::vector<float> out(9);
  reference::DepthwiseConvF32(p, MakeShape(5, 5, 1, 2, 2, 0, 3, 3, 1), 1, in.data(), w.data(),
                              nullptr, out.data());
  for (int oy = 0; oy < 3; ++oy) {
    for (int ox = 0; ox < 3; ++ox) {
      float expected = 0;
      for (int y : {2 * oy - 1, 2 * oy + 1}) {
        for (int x : {2 * ox - 1, 2 * ox + 1}) {
          if (y >= 0 && y < 5 && x >= 0 && x < 5) expected += 5.f * y + x;
        }
      }
      EXPECT_EQ(out[oy * 3 + ox], expected) << oy << ox;
    }
  }
}

TEST(FullyConnectedKernel, BatchBias) {
  const std::vector<float> in = {1, 2, 3, 4, 5, 6};
  const std::vector<float> w = {1, 0, -1, .5f, .5f, .5f};
  const std::vector<float> bias = {1, -1};
  std::vector<float> out(4);
  reference::FullyConnectedF32(2, 3, 2, in.data(), w.data(), bias.data(), -1e30f, 1e30f,
                               out.data());
  EXPECT_EQ(out, (std::vector<float>{-1, 2, -1, 6.5f}));
  reference::FullyConnectedF32(2, 3, 2, in.data(), w.data(), nullptr, -1.f, 1.f, out.data());
  EXPECT_EQ(out, (std::vector<float>{-1, 1, -1, 1}));
}

// Full (VALID) transposed conv of [[1,2],[3,4]] with 3x3 ones, stride 2.
const std::vector<float> kFullTransposed = {1, 1, 3,  2, 2,  //
                                            1, 1, 3,  2, 2,  //
                                            4, 4, 10, 6, 6,  //
                                            3, 3, 7,  4, 4,  //
                                            3, 3, 7,  4, 4};

TEST(TransposeConvKernel, Stride2Valid) {
  const std::vector<float> in = {1, 2, 3, 4};
  const std::vector<float> w(9, 1.f);
  ConvParams p;
  p.stride_h = p.stride_w = 2;
  std::vector<float> out(25, -99.f);
  reference::TransposeConvF32(p, MakeShape(2, 2, 1, 3, 3, 1, 5, 5, 1), in.data(), w.data(), nullptr,
                              false, out.data());
  EXPECT_EQ(out, kFullTransposed);
}

TEST(TransposeConvKernel, PaddingCropsAndBias) {
  // pad 1 crops the first row/column of the full result; a 3x3 output drops
  // the last ones too.
  const std::vector<float> in = {1, 2, 3, 4};
  const std::vector<float> w(9, 1.f);
  const std::vector<float> bias = {0.5f};
  ConvParams p;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = 1;
  for (bool bias_first : {false, true}) {
    std::vector<float> out(9);
    reference::TransposeConvF32(p, MakeShape(2, 2, 1, 3, 3, 1, 3, 3, 1), in.data(), w.data(),
                                bias.data(), bias_first, out.data());
    std::vector<float> expected;
    for (int y = 1; y < 4; ++y) {
      for (int x = 1; x < 4; ++x) expected.push_back(kFullTransposed[y * 5 + x] + 0.5f);
    }
    EXPECT_EQ(out, expected);
  }
}

TEST(TransposeConvKernel, ChannelsAndClamp) {
  // 1x1 filter, stride 1: a per-pixel matrix product out[o] = sum_c in[c] w[o,c].
  const std::vector<float> in = {1, 2, -1, 3};       // two pixels, two channels
  const std::vector<float> w = {1, 1, 2, -1, 0, 1};  // 3 outputs x 2 inputs
  ConvParams p;
  p.act_min = -1.f;
  p.act_max = 1.f;
  std::vector<float> out(6);
  reference::TransposeConvF32(p, MakeShape(1, 2, 2, 1, 1, 2, 1, 2, 3), in.data(), w.data(), nullptr,
                              false, out.data());
  // pixel0: 3, 0, 2 ; pixel1: 2, -5, 3
  EXPECT_EQ(out, (std::vector<float>{1, 0, 1, 1, -1, 1}));
}

TEST(BatchMatMulKernel, BroadcastRhsAndAdjFlags) {
  const std::vector<float> lhs = {1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0};  // [2,2,3]
  const std::vector<float> rhs = {1, 2, 3, 4, 5, 6};                    // [3,2]
  const std::vector<float> expected = {22, 28, 49, 64, 1, 2, 3, 4};
  // Transposed copies for the adj flags.
  const std::vector<float> lhs_t = {1, 4, 2, 5, 3, 6, 1, 0, 0, 1, 0, 0};  // [2,3,2]
  const std::vector<float> rhs_t = {1, 3, 5, 2, 4, 6};                    // [2,3]
  for (int adj = 0; adj < 4; ++adj) {
    reference::BatchMatMulShape s;
    s.lhs_batch[2] = 2;
    s.rows = 2;
    s.cols = 2;
    s.depth = 3;
    s.adj_x = adj & 1;
    s.adj_y = adj & 2;
    std::vector<float> out(8);
    reference::BatchMatMulF32(s, s.adj_x ? lhs_t.data() : lhs.data(),
                              s.adj_y ? rhs_t.data() : rhs.data(), out.data());
    EXPECT_EQ(out, expected) << "adj " << adj;
  }
}

TEST(BatchMatMulKernel, BroadcastBothSides) {
  // lhs batch [2,1], rhs batch [1,3] -> output batch [2,3]; 1x2 times 2x1.
  const std::vector<float> lhs = {1, 2, 3, 4};           // [2,1,1,2]
  const std::vector<float> rhs = {1, 0, 0, 1, 10, 100};  // [1,3,2,1]
  reference::BatchMatMulShape s;
  s.lhs_batch[1] = 2;
  s.rhs_batch[2] = 3;
  s.rows = 1;
  s.cols = 1;
  s.depth = 2;
  std::vector<float> out(6);
  reference::BatchMatMulF32(s, lhs.data(), rhs.data(), out.data());
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      const float expected = lhs[i * 2] * rhs[j * 2] + lhs[i * 2 + 1] * rhs[j * 2 + 1];
      EXPECT_EQ(out[i * 3 + j], expected) << i << j;
    }
  }
}

// ------------------------------------------------------------- op models

using testing::ModelBuilder;
using testing::TestModel;
using Act = tfl::ActivationFunctionType;

// Build() must fail with `code`, naming the op and saying `needle`.
void ExpectError(const Status& st, StatusCode code, const std::string& op,
                 const std::string& needle) {
  ASSERT_FALSE(st.ok()) << "expected an error mentioning '" << needle << "'";
  EXPECT_EQ(st.code(), code) << st.ToString();
  EXPECT_NE(st.message().find(op), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find(needle), std::string::npos) << st.ToString();
}

std::vector<float> Iota(int n, float start = 0.f) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

// The activations that are clamps, with a hand-written clamp of the probe
// values {-2, -0.5, 0.5, 3, 7}.
struct ActCase {
  Act act;
  std::vector<float> expected;
};
const std::vector<float> kActProbe = {-2.f, -0.5f, 0.5f, 3.f, 7.f};
const std::vector<ActCase> kActCases = {
    {Act::NONE, {-2.f, -0.5f, 0.5f, 3.f, 7.f}},
    {Act::RELU, {0.f, 0.f, 0.5f, 3.f, 7.f}},
    {Act::RELU_N1_TO_1, {-1.f, -0.5f, 0.5f, 1.f, 1.f}},
    {Act::RELU6, {0.f, 0.f, 0.5f, 3.f, 6.f}},
};

// One CONV_2D or DEPTHWISE_CONV_2D node: input -> output, constant filter
// and bias.
struct ConvCase {
  tfl::BuiltinOperator op = tfl::BuiltinOperator::CONV_2D;
  Shape input;
  DataType input_type = DataType::kFloat32;
  Shape filter;
  std::vector<float> filter_data;
  std::vector<float> bias;  // empty: no bias
  Shape bias_shape;         // defaults to [bias.size()]
  bool two_inputs = false;  // without bias: {input, filter} instead of {.., -1}
  tfl::Padding padding = tfl::Padding::VALID;
  int stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int depth_multiplier = 1;  // DEPTHWISE option only
  Act act = Act::NONE;
};

Status BuildConv(const ConvCase& c, TestModel* m) {
  ModelBuilder b;
  const int in = b.AddTensor(c.input_type, c.input, "input");
  const int w = b.AddConstant<float>(DataType::kFloat32, c.filter, c.filter_data, "filter");
  std::vector<int> inputs = {in, w};
  if (!c.bias.empty()) {
    const Shape bs =
        c.bias_shape.empty() ? Shape{static_cast<int32_t>(c.bias.size())} : c.bias_shape;
    inputs.push_back(b.AddConstant<float>(DataType::kFloat32, bs, c.bias, "bias"));
  } else if (!c.two_inputs) {
    inputs.push_back(-1);
  }
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  if (c.op == tfl::BuiltinOperator::CONV_2D) {
    auto opts = tfl::CreateConv2DOptions(b.fbb(), c.padding, c.stride_w, c.stride_h, c.act,
                                         c.dilation_w, c.dilation_h);
    b.AddOperator(c.op, inputs, {out}, tfl::BuiltinOptions::Conv2DOptions, opts.Union());
  } else {
    auto opts =
        tfl::CreateDepthwiseConv2DOptions(b.fbb(), c.padding, c.stride_w, c.stride_h,
                                          c.depth_multiplier, c.act, c.dilation_w, c.dilation_h);
    b.AddOperator(c.op, inputs, {out}, tfl::BuiltinOptions::DepthwiseConv2DOptions, opts.Union(),
                  2);
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunConv(const ConvCase& c, const std::vector<float>& input, Shape* shape) {
  TestModel m;
  const Status st = BuildConv(c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  m.SetInput<float>(0, input);
  const Status run = m.interp->Invoke();
  EXPECT_TRUE(run.ok()) << run.ToString();
  *shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

Status ConvBuildStatus(const ConvCase& c) {
  TestModel m;
  return BuildConv(c, &m);
}

// Sum of v(y,x) = 5y + x over the taps of a 5x5 image that fall inside it.
float SumOfTaps(std::initializer_list<int> ys, std::initializer_list<int> xs) {
  float total = 0.f;
  for (int y : ys) {
    for (int x : xs) {
      if (y >= 0 && y < 5 && x >= 0 && x < 5) total += 5.f * y + x;
    }
  }
  return total;
}

TEST(Conv2DOp, SameOddStride2WithBias) {
  // 5x5, 3x3 filter, stride 2: 3x3 output, total padding 2 -> one on each
  // side, so window rows are {2oy-1, 2oy, 2oy+1}.
  ConvCase c;
  c.input = {1, 5, 5, 1};
  c.filter = {1, 3, 3, 1};
  c.filter_data.assign(9, 1.f);
  c.bias = {0.5f};
  c.padding = tfl::Padding::SAME;
  c.stride_h = c.stride_w = 2;
  Shape shape;
  const std::vector<float> out = RunConv(c, Iota(25), &shape);
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
  ASSERT_EQ(out.size(), 9u);
  for (int oy = 0; oy < 3; ++oy) {
    for (int ox = 0; ox < 3; ++ox) {
      const int y = 2 * oy, x = 2 * ox;
      EXPECT_EQ(out[oy * 3 + ox], SumOfTaps({y - 1, y, y + 1}, {x - 1, x, x + 1}) + 0.5f);
    }
  }
}

TEST(Conv2DOp, SameEvenStride2PadsAtTheEnd) {
  // 4x4: total padding 1 goes after the image (LiteRT floors the leading half).
  ConvCase c;
  c.input = {1, 4, 4, 1};
  c.filter = {1, 3, 3, 1};
  c.filter_data.assign(9, 1.f);
  c.padding = tfl::Padding::SAME;
  c.stride_h = c.stride_w = 2;
  Shape shape;
  EXPECT_EQ(RunConv(c, Iota(16, 1.f), &shape), (std::vector<float>{54, 45, 72, 54}));
  EXPECT_EQ(shape, (Shape{1, 2, 2, 1}));
}

TEST(Conv2DOp, ValidDilation2TwoInputs) {
  ConvCase c;
  c.input = {1, 5, 5, 1};
  c.filter = {1, 2, 2, 1};
  c.filter_data.assign(4, 1.f);
  c.two_inputs = true;
  c.dilation_h = c.dilation_w = 2;
  Shape shape;
  const std::vector<float> out = RunConv(c, Iota(25), &shape);
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
  ASSERT_EQ(out.size(), 9u);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 3; ++x) EXPECT_EQ(out[y * 3 + x], 4.f * (5 * y + x) + 24.f);
  }
}

TEST(Conv2DOp, ValidStride2OddInput) {
  // 5x5 VALID, 2x2 filter, stride 2: floor((5-2)/2)+1 = 2; last row/col unused.
  ConvCase c;
  c.input = {1, 5, 5, 1};
  c.filter = {1, 2, 2, 1};
  c.filter_data = {1, 2, 3, 4};
  c.stride_h = c.stride_w = 2;
  Shape shape;
  const std::vector<float> out = RunConv(c, Iota(25), &shape);
  EXPECT_EQ(shape, (Shape{1, 2, 2, 1}));
  // v(y,x) + 2 v(y,x+1) + 3 v(y+1,x) + 4 v(y+1,x+1) = 10 v + 2 + 15 + 24
  for (int oy = 0; oy < 2; ++oy) {
    for (int ox = 0; ox < 2; ++ox) {
      EXPECT_EQ(out[oy * 2 + ox], 10.f * (5 * 2 * oy + 2 * ox) + 41.f);
    }
  }
}

TEST(Conv2DOp, EachFusedActivation) {
  for (const ActCase& a : kActCases) {
    ConvCase c;
    c.input = {1, 1, 5, 1};
    c.filter = {1, 1, 1, 1};
    c.filter_data = {1.f};
    c.act = a.act;
    Shape shape;
    EXPECT_EQ(RunConv(c, kActProbe, &shape), a.expected)
        << tfl::EnumNameActivationFunctionType(a.act);
  }
}

TEST(Conv2DOp, GroupedConvolution) {
  ConvCase c;
  c.input = {1, 1, 1, 4};
  c.filter = {2, 1, 1, 2};
  c.filter_data = {1, 10, 100, 1000};
  c.bias = {1, 2};
  Shape shape;
  EXPECT_EQ(RunConv(c, {1, 2, 3, 4}, &shape), (std::vector<float>{22, 4302}));
  EXPECT_EQ(shape, (Shape{1, 1, 1, 2}));
}

ConvCase ValidConv3x3() {
  ConvCase c;
  c.input = {1, 4, 4, 2};
  c.filter = {3, 3, 3, 2};
  c.filter_data.assign(54, 1.f);
  return c;
}

TEST(Conv2DOp, RejectsBadModels) {
  ConvCase c = ValidConv3x3();
  EXPECT_TRUE(ConvBuildStatus(c).ok());

  c = ValidConv3x3();
  c.filter = {3, 3, 6};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "rank 4");

  c = ValidConv3x3();
  c.filter = {2, 3, 3, 3};  // 2 input channels is not a multiple of 3
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "not a multiple");

  c = ValidConv3x3();
  c.filter = {3, 3, 3, 1};  // two groups of one channel, three filters
  c.filter_data.assign(27, 1.f);
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "groups");

  c = ValidConv3x3();
  c.stride_h = 0;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "stride_h is 0");

  c = ValidConv3x3();
  c.dilation_w = -1;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "dilation_w_factor");

  c = ValidConv3x3();
  c.bias = {1, 2};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "bias");

  // Quantized input with float weights is a type mix LiteRT rejects too.
  c = ValidConv3x3();
  c.input_type = DataType::kInt8;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "FLOAT32 with INT8 input");

  c = ValidConv3x3();
  c.input_type = DataType::kInt32;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "INT32");

  c = ValidConv3x3();
  c.act = Act::TANH;
  ExpectError(ConvBuildStatus(c), StatusCode::kUnsupported, "CONV_2D", "TANH");

  c = ValidConv3x3();
  c.input = {1, 2, 2, 2};  // VALID 3x3 over 2x2 leaves nothing
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "CONV_2D", "empty");
}

ConvCase Depthwise2x2Multiplier2() {
  ConvCase c;
  c.op = tfl::BuiltinOperator::DEPTHWISE_CONV_2D;
  c.input = {1, 2, 2, 2};
  c.filter = {1, 2, 2, 4};
  c.filter_data = {1, 1, 0, .5f, 1, 0, 1, .5f, 1, 0, 0, .5f, 1, -1, 0, .5f};
  c.bias = {1, 2, 3, 4};
  c.depth_multiplier = 2;
  return c;
}

TEST(DepthwiseConv2DOp, Multiplier2WithBias) {
  Shape shape;
  const std::vector<float> in = {1, 10, 2, 20, 3, 30, 4, 40};
  EXPECT_EQ(RunConv(Depthwise2x2Multiplier2(), in, &shape), (std::vector<float>{11, -1, 23, 54}));
  EXPECT_EQ(shape, (Shape{1, 1, 1, 4}));
  // The multiplier comes from the shapes; a stale option does not matter.
  ConvCase c = Depthwise2x2Multiplier2();
  c.depth_multiplier = 1;
  EXPECT_EQ(RunConv(c, in, &shape), (std::vector<float>{11, -1, 23, 54}));
}

TEST(DepthwiseConv2DOp, SameStride2Dilation2) {
  // Effective filter 3, output 3, total padding 2 -> 1 leading.
  ConvCase c;
  c.op = tfl::BuiltinOperator::DEPTHWISE_CONV_2D;
  c.input = {1, 5, 5, 1};
  c.filter = {1, 2, 2, 1};
  c.filter_data.assign(4, 1.f);
  c.padding = tfl::Padding::SAME;
  c.stride_h = c.stride_w = 2;
  c.dilation_h = c.dilation_w = 2;
  c.act = Act::RELU6;
  Shape shape;
  const std::vector<float> out = RunConv(c, Iota(25, -5.f), &shape);
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
  ASSERT_EQ(out.size(), 9u);
  for (int oy = 0; oy < 3; ++oy) {
    for (int ox = 0; ox < 3; ++ox) {
      // Values are v - 5; count the in-image taps to subtract 5 per tap.
      float total = 0.f;
      for (int y : {2 * oy - 1, 2 * oy + 1}) {
        for (int x : {2 * ox - 1, 2 * ox + 1}) {
          if (y >= 0 && y < 5 && x >= 0 && x < 5) total += 5.f * y + x - 5.f;
        }
      }
      EXPECT_EQ(out[oy * 3 + ox], std::min(std::max(total, 0.f), 6.f)) << oy << ox;
    }
  }
}

TEST(DepthwiseConv2DOp, RejectsBadModels) {
  ConvCase c = Depthwise2x2Multiplier2();
  EXPECT_TRUE(ConvBuildStatus(c).ok());

  c.filter = {2, 2, 2, 2};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D", "[1, H, W, O]");

  c = Depthwise2x2Multiplier2();
  c.filter = {1, 2, 2, 3};
  c.filter_data.resize(12);
  c.bias = {1, 2, 3};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D", "not a multiple");

  c = Depthwise2x2Multiplier2();
  c.filter = {1, 4, 4};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D", "rank 4");

  c = Depthwise2x2Multiplier2();
  c.bias = {1, 2};
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D", "bias");

  c = Depthwise2x2Multiplier2();
  c.stride_w = 0;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D", "stride_w");

  c = Depthwise2x2Multiplier2();
  c.input_type = DataType::kUInt8;
  ExpectError(ConvBuildStatus(c), StatusCode::kInvalidModel, "DEPTHWISE_CONV_2D",
              "FLOAT32 with UINT8 input");
}

// One FULLY_CONNECTED node with constant weights and bias.
struct FcCase {
  Shape input;
  DataType input_type = DataType::kFloat32;
  Shape weights;
  std::vector<float> weights_data;
  std::vector<float> bias;  // empty: -1
  bool keep_num_dims = false;
  Act act = Act::NONE;
  tfl::FullyConnectedOptionsWeightsFormat format = tfl::FullyConnectedOptionsWeightsFormat::DEFAULT;
};

Status BuildFc(const FcCase& c, TestModel* m) {
  ModelBuilder b;
  const int in = b.AddTensor(c.input_type, c.input, "input");
  const int w = b.AddConstant<float>(DataType::kFloat32, c.weights, c.weights_data, "weights");
  const int bias =
      c.bias.empty() ? -1
                     : b.AddConstant<float>(DataType::kFloat32,
                                            {static_cast<int32_t>(c.bias.size())}, c.bias, "bias");
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  auto opts = tfl::CreateFullyConnectedOptions(b.fbb(), c.act, c.format, c.keep_num_dims);
  b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {in, w, bias}, {out},
                tfl::BuiltinOptions::FullyConnectedOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunFc(const FcCase& c, const std::vector<float>& input, Shape* shape) {
  TestModel m;
  const Status st = BuildFc(c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  m.SetInput<float>(0, input);
  const Status run = m.interp->Invoke();
  EXPECT_TRUE(run.ok()) << run.ToString();
  *shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

Status FcBuildStatus(const FcCase& c) {
  TestModel m;
  return BuildFc(c, &m);
}

FcCase Fc3To2() {
  FcCase c;
  c.input = {1, 2, 3};
  c.weights = {2, 3};
  c.weights_data = {1, 0, -1, .5f, .5f, .5f};
  c.bias = {1, -1};
  return c;
}

TEST(FullyConnectedOp, FlattensLeadingDims) {
  Shape shape;
  EXPECT_EQ(RunFc(Fc3To2(), Iota(6, 1.f), &shape), (std::vector<float>{-1, 2, -1, 6.5f}));
  EXPECT_EQ(shape, (Shape{2, 2}));
  // A 4-D input is flattened by the weights' depth, not by its last dim.
  FcCase c = Fc3To2();
  c.input = {1, 1, 2, 3};
  EXPECT_EQ(RunFc(c, Iota(6, 1.f), &shape), (std::vector<float>{-1, 2, -1, 6.5f}));
  EXPECT_EQ(shape, (Shape{2, 2}));
}

TEST(FullyConnectedOp, KeepNumDims) {
  FcCase c = Fc3To2();
  c.input = {2, 1, 3};
  c.keep_num_dims = true;
  Shape shape;
  EXPECT_EQ(RunFc(c, Iota(6, 1.f), &shape), (std::vector<float>{-1, 2, -1, 6.5f}));
  EXPECT_EQ(shape, (Shape{2, 1, 2}));
}

TEST(FullyConnectedOp, NoBiasEachActivation) {
  for (const ActCase& a : kActCases) {
    FcCase c;
    c.input = {5, 1};
    c.weights = {1, 1};
    c.weights_data = {1.f};
    c.act = a.act;
    Shape shape;
    EXPECT_EQ(RunFc(c, kActProbe, &shape), a.expected)
        << tfl::EnumNameActivationFunctionType(a.act);
    EXPECT_EQ(shape, (Shape{5, 1}));
  }
}

TEST(FullyConnectedOp, RejectsBadModels) {
  FcCase c = Fc3To2();
  c.weights = {2, 3, 1};
  ExpectError(FcBuildStatus(c), StatusCode::kInvalidModel, "FULLY_CONNECTED", "rank 2");

  c = Fc3To2();
  c.input = {1, 5};
  ExpectError(FcBuildStatus(c), StatusCode::kInvalidModel, "FULLY_CONNECTED", "not a multiple");

  c = Fc3To2();
  c.input = {3, 2};  // 6 elements, but the last dim is not the depth
  c.keep_num_dims = true;
  ExpectError(FcBuildStatus(c), StatusCode::kInvalidModel, "FULLY_CONNECTED", "keep_num_dims");

  c = Fc3To2();
  c.bias = {1, 2, 3};
  ExpectError(FcBuildStatus(c), StatusCode::kInvalidModel, "FULLY_CONNECTED", "bias");

  c = Fc3To2();
  c.format = tfl::FullyConnectedOptionsWeightsFormat::SHUFFLED4x16INT8;
  ExpectError(FcBuildStatus(c), StatusCode::kUnsupported, "FULLY_CONNECTED", "weights_format");

  c = Fc3To2();
  c.input_type = DataType::kInt8;
  ExpectError(FcBuildStatus(c), StatusCode::kInvalidModel, "FULLY_CONNECTED",
              "FLOAT32 with INT8 input");

  // Zero depth would divide by zero; an empty constant has no buffer, so the
  // weights come in as a model input here.
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 3}, "input");
  const int w = b.AddTensor(DataType::kFloat32, {2, 0}, "weights");
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {in, w, -1}, {out});
  b.SetInputs({in, w});
  b.SetOutputs({out});
  TestModel m;
  ExpectError(m.Build(b), StatusCode::kInvalidModel, "FULLY_CONNECTED", "depth must be positive");
}

// TRANSPOSE_CONV of a 2x2 one-channel input with 3x3 ones, stride 2.
struct TransposeCase {
  std::vector<int32_t> output_shape = {1, 5, 5, 1};
  bool output_shape_constant = true;
  DataType output_shape_type = DataType::kInt32;
  Shape input = {1, 2, 2, 1};
  Shape weights = {1, 3, 3, 1};
  std::vector<float> bias;  // empty: 3 inputs
  tfl::Padding padding = tfl::Padding::VALID;
  int stride = 2;
  Act act = Act::NONE;
  int version = 1;
};

Status BuildTranspose(const TransposeCase& c, TestModel* m) {
  ModelBuilder b;
  int shape_t;
  if (!c.output_shape_constant) {
    shape_t = b.AddTensor(DataType::kInt32, {4}, "output_shape");
  } else if (c.output_shape_type == DataType::kInt64) {
    std::vector<int64_t> v(c.output_shape.begin(), c.output_shape.end());
    shape_t = b.AddConstant<int64_t>(DataType::kInt64, {4}, v, "output_shape");
  } else {
    shape_t =
        b.AddConstant<int32_t>(DataType::kInt32, {static_cast<int32_t>(c.output_shape.size())},
                               c.output_shape, "output_shape");
  }
  int64_t n = 1;
  for (int32_t d : c.weights) n *= d;
  const int w = b.AddConstant<float>(DataType::kFloat32, c.weights,
                                     std::vector<float>(static_cast<size_t>(n), 1.f), "weights");
  const int in = b.AddTensor(DataType::kFloat32, c.input, "input");
  std::vector<int> inputs = {shape_t, w, in};
  if (!c.bias.empty()) {
    inputs.push_back(b.AddConstant<float>(DataType::kFloat32, {static_cast<int32_t>(c.bias.size())},
                                          c.bias, "bias"));
  }
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  auto opts = tfl::CreateTransposeConvOptions(b.fbb(), c.padding, c.stride, c.stride, c.act);
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE_CONV, inputs, {out},
                tfl::BuiltinOptions::TransposeConvOptions, opts.Union(), c.version);
  if (c.output_shape_constant) {
    b.SetInputs({in});
  } else {
    b.SetInputs({in, shape_t});
  }
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunTranspose(const TransposeCase& c, Shape* shape) {
  TestModel m;
  const Status st = BuildTranspose(c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  m.SetInput<float>(0, std::vector<float>{1, 2, 3, 4});
  const Status run = m.interp->Invoke();
  EXPECT_TRUE(run.ok()) << run.ToString();
  *shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

Status TransposeBuildStatus(const TransposeCase& c) {
  TestModel m;
  return BuildTranspose(c, &m);
}

// The window [y0, y0+h) x [x0, x0+w) of kFullTransposed, zero outside, plus b.
std::vector<float> FullWindow(int y0, int x0, int h, int w, float b) {
  std::vector<float> v;
  for (int y = y0; y < y0 + h; ++y) {
    for (int x = x0; x < x0 + w; ++x) {
      const bool inside = y >= 0 && y < 5 && x >= 0 && x < 5;
      v.push_back((inside ? kFullTransposed[y * 5 + x] : 0.f) + b);
    }
  }
  return v;
}

TEST(TransposeConvOp, ValidWithBias) {
  TransposeCase c;
  c.bias = {0.5f};
  c.version = 3;
  Shape shape;
  EXPECT_EQ(RunTranspose(c, &shape), FullWindow(0, 0, 5, 5, 0.5f));
  EXPECT_EQ(shape, (Shape{1, 5, 5, 1}));
}

TEST(TransposeConvOp, ValidEvenOutputLeavesTrailingZeros) {
  // A 6x6 output also maps back onto 2x2 under VALID; the extra row and
  // column receive nothing.
  TransposeCase c;
  c.output_shape = {1, 6, 6, 1};
  Shape shape;
  EXPECT_EQ(RunTranspose(c, &shape), FullWindow(0, 0, 6, 6, 0.f));
  EXPECT_EQ(shape, (Shape{1, 6, 6, 1}));
}

TEST(TransposeConvOp, SameOddOutputCropsLeading) {
  // SAME 3x3 output: forward padding total 2, leading 1.
  TransposeCase c;
  c.output_shape = {1, 3, 3, 1};
  c.padding = tfl::Padding::SAME;
  Shape shape;
  EXPECT_EQ(RunTranspose(c, &shape), FullWindow(1, 1, 3, 3, 0.f));
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
}

TEST(TransposeConvOp, SameEvenOutput) {
  // SAME 4x4 output: forward padding total 1, leading 0.
  TransposeCase c;
  c.output_shape = {1, 4, 4, 1};
  c.padding = tfl::Padding::SAME;
  Shape shape;
  EXPECT_EQ(RunTranspose(c, &shape), FullWindow(0, 0, 4, 4, 0.f));
}

TEST(TransposeConvOp, FusedRelu6AfterBias) {
  TransposeCase c;
  c.bias = {-3.5f};
  c.act = Act::RELU6;
  c.version = 4;
  std::vector<float> expected = FullWindow(0, 0, 5, 5, -3.5f);
  for (float& v : expected) v = std::min(std::max(v, 0.f), 6.f);
  Shape shape;
  EXPECT_EQ(RunTranspose(c, &shape), expected);
}

TEST(TransposeConvOp, RejectsBadModels) {
  EXPECT_TRUE(TransposeBuildStatus(TransposeCase{}).ok());

  TransposeCase c;
  c.output_shape_constant = false;
  ExpectError(TransposeBuildStatus(c), StatusCode::kUnsupported, "TRANSPOSE_CONV", "constant");

  c = TransposeCase{};
  c.output_shape = {1, 7, 7, 1};  // would need a 3x3 input under VALID
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV",
              "corresponds to a 3x3 input");

  c = TransposeCase{};
  c.output_shape = {1, 5, 5};
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "expected 4");

  c = TransposeCase{};
  c.output_shape = {2, 5, 5, 1};
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "batch");

  c = TransposeCase{};
  c.output_shape_type = DataType::kInt64;
  ExpectError(TransposeBuildStatus(c), StatusCode::kUnsupported, "TRANSPOSE_CONV", "INT64");

  c = TransposeCase{};
  c.stride = 0;
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "stride");

  c = TransposeCase{};
  c.weights = {1, 3, 3, 2};
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "channels");

  c = TransposeCase{};
  c.weights = {1, 3, 3};
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "rank 4");

  c = TransposeCase{};
  c.bias = {1, 2};
  ExpectError(TransposeBuildStatus(c), StatusCode::kInvalidModel, "TRANSPOSE_CONV", "bias");
}

// One BATCH_MATMUL node with both operands as model inputs.
struct MatMulCase {
  Shape lhs, rhs;
  DataType type = DataType::kFloat32;
  bool adj_x = false, adj_y = false;
};

Status BuildMatMul(const MatMulCase& c, TestModel* m) {
  ModelBuilder b;
  const int l = b.AddTensor(c.type, c.lhs, "lhs");
  const int r = b.AddTensor(c.type, c.rhs, "rhs");
  const int out = b.AddTensor(DataType::kFloat32, {}, "output");
  auto opts = tfl::CreateBatchMatMulOptions(b.fbb(), c.adj_x, c.adj_y);
  b.AddOperator(tfl::BuiltinOperator::BATCH_MATMUL, {l, r}, {out},
                tfl::BuiltinOptions::BatchMatMulOptions, opts.Union());
  b.SetInputs({l, r});
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<float> RunMatMul(const MatMulCase& c, const std::vector<float>& lhs,
                             const std::vector<float>& rhs, Shape* shape) {
  TestModel m;
  const Status st = BuildMatMul(c, &m);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (!st.ok()) return {};
  m.SetInput<float>(0, lhs);
  m.SetInput<float>(1, rhs);
  const Status run = m.interp->Invoke();
  EXPECT_TRUE(run.ok()) << run.ToString();
  *shape = m.OutputShape(0);
  return m.GetOutput<float>(0);
}

Status MatMulBuildStatus(const MatMulCase& c) {
  TestModel m;
  return BuildMatMul(c, &m);
}

TEST(BatchMatMulOp, BroadcastRank2RhsAndAdjFlags) {
  const std::vector<float> expected = {22, 28, 49, 64, 1, 2, 3, 4};
  Shape shape;
  EXPECT_EQ(RunMatMul({{2, 2, 3}, {3, 2}}, {1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0}, {1, 2, 3, 4, 5, 6},
                      &shape),
            expected);
  EXPECT_EQ(shape, (Shape{2, 2, 2}));
  MatMulCase adj{{2, 3, 2}, {2, 3}};
  adj.adj_x = adj.adj_y = true;
  EXPECT_EQ(RunMatMul(adj, {1, 4, 2, 5, 3, 6, 1, 0, 0, 1, 0, 0}, {1, 3, 5, 2, 4, 6}, &shape),
            expected);
  EXPECT_EQ(shape, (Shape{2, 2, 2}));
}

TEST(BatchMatMulOp, BroadcastBothSidesAcrossRanks) {
  // lhs [2,1,1,2] x rhs [3,2,1] -> [2,3,1,1]: out[i,j] = lhs[i] . rhs[j].
  const std::vector<float> lhs = {1, 2, 3, 4};
  const std::vector<float> rhs = {1, 0, 0, 1, 10, 100};
  Shape shape;
  EXPECT_EQ(RunMatMul({{2, 1, 1, 2}, {3, 2, 1}}, lhs, rhs, &shape),
            (std::vector<float>{1, 2, 210, 3, 4, 430}));
  EXPECT_EQ(shape, (Shape{2, 3, 1, 1}));
}

TEST(BatchMatMulOp, RejectsBadModels) {
  ExpectError(MatMulBuildStatus({{1, 1, 1, 1, 2, 3}, {3, 2}}), StatusCode::kInvalidModel,
              "BATCH_MATMUL", "rank 2 to 5");
  ExpectError(MatMulBuildStatus({{3}, {3, 2}}), StatusCode::kInvalidModel, "BATCH_MATMUL",
              "rank 2 to 5");
  ExpectError(MatMulBuildStatus({{2, 3}, {2, 2}}), StatusCode::kInvalidModel, "BATCH_MATMUL",
              "contracted");
  ExpectError(MatMulBuildStatus({{2, 2, 3}, {3, 3, 2}}), StatusCode::kInvalidModel, "BATCH_MATMUL",
              "broadcast");
  MatMulCase q{{2, 3}, {3, 2}};
  q.type = DataType::kInt8;
  ExpectError(MatMulBuildStatus(q), StatusCode::kUnsupported, "BATCH_MATMUL", "INT8");
}

}  // namespace
}  // namespace edgeml
