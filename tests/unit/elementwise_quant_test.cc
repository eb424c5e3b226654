// Quantized elementwise ops: ADD, SUB, MUL, SQUARED_DIFFERENCE, MAXIMUM,
// MINIMUM, the RELU family, LEAKY_RELU, PRELU, QUANTIZE and DEQUANTIZE on
// INT8/UINT8/INT16.
//
// Kernel tests use small hand-computed values. The op tests ("QuantOp") hold
// goldens from LiteRT 2.3.0 (ai-edge-litert) reference kernels: each case's
// single-op model was built with the same tensors, options and version in
// Python (flatc-generated object API), run with
//   Interpreter(model_path=m, experimental_op_resolver_type=
//               OpResolverType.BUILTIN_REF)
// and its output pasted here. Equality is exact: "close" is a failure.
#include "kernels/reference/elementwise_quant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "quant/fixed_point.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;
using Op = tfl::BuiltinOperator;
using Act = tfl::ActivationFunctionType;

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::nan("");

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// ================================================================ kernels

reference::BroadcastPlan Plan(const Shape& a, const Shape& b) {
  reference::BroadcastPlan plan;
  EXPECT_TRUE(reference::MakeBroadcastPlan(a, b, &plan));
  return plan;
}

TEST(QuantKernel, AddEqualScalesIsExactSum) {
  // Scales 1 -> 1: input multipliers 0.5, output 2 / 2^20; the sum is exact.
  reference::QuantAddSubParams p;
  p.left_shift = 20;
  p.input1 = quant::QuantizeMultiplier(0.5);
  p.input2 = quant::QuantizeMultiplier(0.5);
  p.output = quant::QuantizeMultiplier(2.0 / (1 << 20));
  p.act_min = -128;
  p.act_max = 127;
  const std::vector<int8_t> a = {3, -5, 100, -100};
  const std::vector<int8_t> b = {4, 2, 100, -100};
  std::vector<int8_t> out(4);
  reference::QuantAddSub<int8_t, false>(Plan({4}, {4}), a.data(), b.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<int8_t>{7, -3, 127, -128}));
  reference::QuantAddSub<int8_t, true>(Plan({4}, {4}), a.data(), b.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<int8_t>{-1, -7, 0, 0}));
}

TEST(QuantKernel, AddOffsetsAndActivationClamp) {
  // Zero points 10 and -10 cancel; the output zero point 5 is added, then
  // the clamp [5, 20] (a RELU-like range) applies.
  reference::QuantAddSubParams p;
  p.input1_offset = -10;
  p.input2_offset = 10;
  p.output_offset = 5;
  p.input1 = quant::QuantizeMultiplier(0.5);
  p.input2 = quant::QuantizeMultiplier(0.5);
  p.output = quant::QuantizeMultiplier(2.0 / (1 << 20));
  p.act_min = 5;
  p.act_max = 20;
  const std::vector<int8_t> a = {12, 10, 0, 40};
  const std::vector<int8_t> b = {-9};  // broadcast scalar: real value 1
  std::vector<int8_t> out(4);
  reference::QuantAddSub<int8_t, false>(Plan({4}, {1}), a.data(), b.data(), out.data(), p);
  // real sums 2+1, 0+1, -10+1, 30+1 -> +5, clamped to [5, 20]
  EXPECT_EQ(out, (std::vector<int8_t>{8, 6, 5, 20}));
}

TEST(QuantKernel, Pot16RoundsHalfAwayFromZero) {
  reference::QuantPot16Params p;
  p.input1_right_shift = 0;
  p.input2_right_shift = 1;
  p.act_min = -32768;
  p.act_max = 32767;
  const std::vector<int16_t> a = {0, 0, 0, 32767, -32768};
  const std::vector<int16_t> b = {5, -5, 4, 32767, -32768};
  std::vector<int16_t> out(5);
  reference::QuantAddSubPot16<false>(Plan({5}, {5}), a.data(), b.data(), out.data(), p);
  // 5/2 -> 3, -5/2 -> -3, then int16 saturation.
  EXPECT_EQ(out, (std::vector<int16_t>{3, -3, 2, 32767, -32768}));
}

TEST(QuantKernel, MulUnitMultiplier) {
  // 0.5 * 0.5 / 0.25 = 1: out = zp_out + (x - zp1) * (y - zp2).
  reference::QuantMulParams p;
  p.input1_offset = -1;
  p.input2_offset = 2;
  p.output_offset = -3;
  p.output = quant::QuantizeMultiplier(1.0);
  p.act_min = -128;
  p.act_max = 127;
  const std::vector<int8_t> a = {3, 1, -10, 127};
  const std::vector<int8_t> b = {2, 5, -2, 127};
  std::vector<int8_t> out(4);
  reference::QuantMul(Plan({4}, {4}), a.data(), b.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<int8_t>{8 - 3, 0 - 3, 0 - 3, 127}));
}

TEST(QuantKernel, RequantizeShiftsZeroPointAndClamps) {
  reference::RequantizeParams p;
  p.input_zero_point = -1;
  p.output_zero_point = 127;
  p.multiplier = quant::QuantizeMultiplier(1.0);
  p.out_min = 0;
  p.out_max = 255;
  const std::vector<int8_t> in = {-128, -1, 0, 127};
  std::vector<uint8_t> out(4);
  reference::Requantize(4, in.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<uint8_t>{0, 127, 128, 255}));
  // Half the scale ratio: (x + 1) / 2; the doubling high multiply rounds
  // the tie -63.5 up to -63.
  p.multiplier = quant::QuantizeMultiplier(0.5);
  reference::Requantize(4, in.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<uint8_t>{127 - 63, 127, 128, 127 + 64}));
}

TEST(QuantKernel, LeakyReluUsesTwoMultipliers) {
  reference::QuantLeakyReluParams p;
  p.input_zero_point = 1;
  p.output_zero_point = -1;
  p.identity = quant::QuantizeMultiplier(1.0);
  p.alpha = quant::QuantizeMultiplier(-0.5);  // negative mantissa
  const std::vector<int8_t> in = {1, 6, -3, -128};
  std::vector<int8_t> out(4);
  reference::QuantLeakyRelu(4, in.data(), out.data(), p);
  // x - 1 = 0, 5, -4, -129 -> 0, 5, 2, 64.5 (rounded to 65) -> minus 1
  EXPECT_EQ(out, (std::vector<int8_t>{-1, 4, 1, 64}));
}

TEST(QuantKernel, PreluBroadcastsAlpha) {
  reference::QuantPreluParams p;
  p.input_offset = 0;
  p.alpha_offset = 0;
  p.output_offset = 0;
  p.positive = quant::QuantizeMultiplier(1.0);
  p.negative = quant::QuantizeMultiplier(0.25);  // alpha values in quarters
  const std::vector<int8_t> in = {-8, 8, -8, -4};
  const std::vector<int8_t> alpha = {1, 2};  // per column: 0.25, 0.5
  std::vector<int8_t> out(4);
  reference::QuantPrelu(Plan({2, 2}, {2}), in.data(), alpha.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<int8_t>{-2, 8, -2, -2}));
}

TEST(QuantKernel, SquaredDifferenceUnitScales) {
  // Scales 1, 1 -> 4: 2*max = 2, multipliers 0.5 and 4 / (2^14 * 4).
  reference::QuantSquaredDiffParams p;
  p.input1 = quant::QuantizeMultiplier(0.5);
  p.input2 = quant::QuantizeMultiplier(0.5);
  p.output = quant::QuantizeMultiplier(4.0 / ((1 << 14) * 4.0));
  const std::vector<int8_t> a = {5, -5, 100};
  const std::vector<int8_t> b = {1, 5, -100};
  std::vector<int8_t> out(3);
  reference::QuantSquaredDifference(Plan({3}, {3}), a.data(), b.data(), out.data(), p);
  EXPECT_EQ(out, (std::vector<int8_t>{16 / 4, 100 / 4, 127}));
}

TEST(QuantKernel, QuantizeValueRoundingAndSpecials) {
  EXPECT_EQ(reference::QuantizeValue<int8_t>(0.25f, 0.1f, 0), 3);  // 2.5 rounds away
  EXPECT_EQ(reference::QuantizeValue<int8_t>(-0.25f, 0.1f, 0), -3);
  EXPECT_EQ(reference::QuantizeValue<int8_t>(100.0f, 0.1f, 0), 127);
  EXPECT_EQ(reference::QuantizeValue<uint8_t>(-1.0f, 0.1f, 5), 0);
  EXPECT_EQ(reference::QuantizeValue<int16_t>(1.0f, 1.0f / 4096, 0), 4096);
  // NaN and out-of-int32 quotients become INT32_MIN before the zero point.
  const float nan = std::nanf("");
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(reference::QuantizeValue<int8_t>(nan, 0.1f, 3), -128);
  EXPECT_EQ(reference::QuantizeValue<int8_t>(inf, 0.1f, 3), -128);
  EXPECT_EQ(reference::QuantizeValue<int8_t>(-inf, 0.1f, 3), -128);
  EXPECT_EQ(reference::QuantizeValue<int8_t>(nan, 0.1f, -128), 127);  // wraps
  EXPECT_EQ(reference::FloatToInt32LikeX86(2147483520.0f), 2147483520);
  EXPECT_EQ(reference::FloatToInt32LikeX86(2147483648.0f), std::numeric_limits<int32_t>::min());
}

// ================================================================ ops

// A tensor of a test case: type, shape, quantization (empty scales for none),
// and values (graph input data, or constant data when `constant`).
struct QT {
  DataType type = DataType::kInt8;
  Shape shape;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int quantized_dimension = 0;
  std::vector<double> values;
  bool constant = false;
  QT() = default;
  QT(DataType t, Shape s, std::vector<float> sc, std::vector<int64_t> zp, int qd,
     std::vector<double> v, bool c)
      : type(t),
        shape(std::move(s)),
        scales(std::move(sc)),
        zero_points(std::move(zp)),
        quantized_dimension(qd),
        values(std::move(v)),
        constant(c) {}
};

using OptionsFn = std::function<std::pair<tfl::BuiltinOptions, flatbuffers::Offset<void>>(
    flatbuffers::FlatBufferBuilder&)>;

OptionsFn AddOptions(Act act, bool pot) {
  return [=](flatbuffers::FlatBufferBuilder& f) {
    return std::make_pair(tfl::BuiltinOptions::AddOptions,
                          tfl::CreateAddOptions(f, act, pot).Union());
  };
}
OptionsFn SubOptions(Act act, bool pot) {
  return [=](flatbuffers::FlatBufferBuilder& f) {
    return std::make_pair(tfl::BuiltinOptions::SubOptions,
                          tfl::CreateSubOptions(f, act, pot).Union());
  };
}
OptionsFn MulOptions(Act act) {
  return [=](flatbuffers::FlatBufferBuilder& f) {
    return std::make_pair(tfl::BuiltinOptions::MulOptions, tfl::CreateMulOptions(f, act).Union());
  };
}
OptionsFn LeakyReluOptions(float alpha) {
  return [=](flatbuffers::FlatBufferBuilder& f) {
    return std::make_pair(tfl::BuiltinOptions::LeakyReluOptions,
                          tfl::CreateLeakyReluOptions(f, alpha).Union());
  };
}

struct QuantCase {
  Op op = Op::ADD;
  int version = 1;
  OptionsFn options;
  std::vector<QT> inputs;
  QT output;
};

std::vector<uint8_t> Encode(DataType type, const std::vector<double>& v) {
  std::vector<uint8_t> bytes(v.size() * DataTypeSize(type));
  for (size_t i = 0; i < v.size(); ++i) {
    uint8_t* p = bytes.data() + i * DataTypeSize(type);
    switch (type) {
      case DataType::kInt8: {
        const int8_t x = static_cast<int8_t>(v[i]);
        std::memcpy(p, &x, 1);
        break;
      }
      case DataType::kUInt8:
        *p = static_cast<uint8_t>(v[i]);
        break;
      case DataType::kInt16: {
        const int16_t x = static_cast<int16_t>(v[i]);
        std::memcpy(p, &x, 2);
        break;
      }
      case DataType::kInt32: {
        const int32_t x = static_cast<int32_t>(v[i]);
        std::memcpy(p, &x, 4);
        break;
      }
      default: {
        const float x = static_cast<float>(v[i]);
        std::memcpy(p, &x, 4);
        break;
      }
    }
  }
  return bytes;
}

std::vector<double> Decode(const Tensor& t) {
  const size_t size = DataTypeSize(t.type);
  std::vector<double> v(size ? t.bytes / size : 0);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint8_t* p = static_cast<const uint8_t*>(t.data) + i * size;
    switch (t.type) {
      case DataType::kInt8:
        v[i] = static_cast<int8_t>(*p);
        break;
      case DataType::kUInt8:
        v[i] = *p;
        break;
      case DataType::kInt16: {
        int16_t x;
        std::memcpy(&x, p, 2);
        v[i] = x;
        break;
      }
      case DataType::kInt32: {
        int32_t x;
        std::memcpy(&x, p, 4);
        v[i] = x;
        break;
      }
      default: {
        float x;
        std::memcpy(&x, p, 4);
        v[i] = x;
        break;
      }
    }
  }
  return v;
}

QuantizationParams Quant(const QT& t) {
  QuantizationParams q;
  q.scale = t.scales;
  q.zero_point = t.zero_points;
  q.quantized_dimension = t.quantized_dimension;
  return q;
}

// Builds the case's single-op model; `m` keeps it for the caller.
Status BuildCase(const QuantCase& c, TestModel* m) {
  ModelBuilder b;
  std::vector<int> ins, graph_inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    const QT& t = c.inputs[i];
    const std::string name = "in" + std::to_string(i);
    if (t.constant) {
      ins.push_back(b.AddConstantBytes(t.type, t.shape, Encode(t.type, t.values), name, Quant(t)));
    } else {
      ins.push_back(b.AddTensor(t.type, t.shape, name, Quant(t)));
      graph_inputs.push_back(ins.back());
    }
  }
  const int out = b.AddTensor(c.output.type, c.output.shape, "out", Quant(c.output));
  tfl::BuiltinOptions ot = tfl::BuiltinOptions::NONE;
  flatbuffers::Offset<void> o = 0;
  if (c.options) std::tie(ot, o) = c.options(b.fbb());
  b.AddOperator(c.op, ins, {out}, ot, o, c.version);
  b.SetInputs(graph_inputs);
  b.SetOutputs({out});
  return m->Build(b);
}

std::vector<double> RunQuantCase(const QuantCase& c) {
  TestModel m;
  const Status s = BuildCase(c, &m);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return {};
  int k = 0;
  for (const QT& t : c.inputs) {
    if (t.constant) continue;
    Tensor* in = m.interp->input(k++);
    const std::vector<uint8_t> bytes = Encode(t.type, t.values);
    EXPECT_EQ(bytes.size(), in->bytes);
    if (bytes.size() != in->bytes) return {};
    std::memcpy(in->data, bytes.data(), bytes.size());
  }
  const Status r = m.interp->Invoke();
  EXPECT_TRUE(r.ok()) << r.ToString();
  return Decode(*m.interp->output(0));
}

// Expects prepare to fail with `code` and a message naming the op and `part`.
void ExpectRejected(const QuantCase& c, StatusCode code, const std::string& part) {
  TestModel m;
  const Status s = BuildCase(c, &m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), tfl::EnumNameBuiltinOperator(c.op))) << s.message();
  EXPECT_TRUE(Contains(s.message(), part)) << s.message();
}

QT Q8(const Shape& shape, float scale, int64_t zp) {
  return QT(DataType::kInt8, shape, {scale}, {zp}, 0, {}, false);
}

// ---------------------------------------------------------------- goldens

// int8, [2,3] + [3], scales 0.05/0.02 -> 0.07, extreme zero points.
TEST(QuantOp, AddInt8BroadcastDifferentScales) {
  QuantCase c;
  c.op = Op::ADD;
  c.version = 2;
  c.options = AddOptions(Act::NONE, true);
  c.inputs.push_back(QT(DataType::kInt8, {2, 3}, {0.0500000007f}, {-128}, 0,
                        {-128, 45, -105, -74, -47, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {3}, {0.0199999996f}, {127}, 0, {-128, 76, 127}, false));
  c.output = QT(DataType::kInt8, {2, 3}, {0.0700000003f}, {3}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-70, 112, 19, -31, 46, 127}));
}

// int8 with fused RELU6; inputs push the output past both ends.
TEST(QuantOp, AddInt8Relu6Saturates) {
  QuantCase c;
  c.op = Op::ADD;
  c.version = 2;
  c.options = AddOptions(Act::RELU6, true);
  c.inputs.push_back(QT(DataType::kInt8, {8}, {0.100000001f}, {0}, 0,
                        {-128, -108, -92, 94, -108, -86, -82, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {8}, {0.100000001f}, {0}, 0,
                        {-128, -61, -85, -11, 22, 76, 29, 127}, false));
  c.output = QT(DataType::kInt8, {8}, {0.0299999993f}, {-100}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-100, -100, -100, 100, -100, -100, -100, 100}));
}

// uint8, equal shapes, scales differing 30x.
TEST(QuantOp, AddUint8) {
  QuantCase c;
  c.op = Op::ADD;
  c.version = 2;
  c.options = AddOptions(Act::RELU, true);
  c.inputs.push_back(
      QT(DataType::kUInt8, {6}, {0.300000012f}, {128}, 0, {0, 124, 144, 176, 1, 255}, false));
  c.inputs.push_back(
      QT(DataType::kUInt8, {6}, {0.00999999978f}, {7}, 0, {0, 16, 249, 164, 204, 255}, false));
  c.output = QT(DataType::kUInt8, {6}, {0.25f}, {120}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{120, 120, 149, 184, 120, 255}));
}

// 16x8: int16 zero points 0, pot_scale_int16 false (left shift 15).
TEST(QuantOp, AddInt16General) {
  QuantCase c;
  c.op = Op::ADD;
  c.version = 3;
  c.options = AddOptions(Act::NONE, false);
  c.inputs.push_back(QT(DataType::kInt16, {2, 4}, {0.000310000003f}, {0}, 0,
                        {-32768, -10147, -11446, -24277, -19246, 17483, -3754, 32767}, false));
  c.inputs.push_back(
      QT(DataType::kInt16, {4}, {0.000699999975f}, {0}, 0, {-32768, 14478, 24573, 32767}, false));
  c.output = QT(DataType::kInt16, {2, 4}, {0.000899999985f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c),
            (std::vector<double>{-32768, 7766, 15170, 17123, -32115, 17283, 17819, 32767}));
}

// int16 power-of-two scales 2^-14 + 2^-12 -> 2^-12 (the LSTM path).
TEST(QuantOp, AddInt16PowerOfTwo) {
  QuantCase c;
  c.op = Op::ADD;
  c.version = 3;
  c.options = AddOptions(Act::RELU, true);
  c.inputs.push_back(QT(DataType::kInt16, {6}, {6.10351562e-05f}, {0}, 0,
                        {-32768, -8664, -14796, 19645, 20131, 32767}, false));
  c.inputs.push_back(QT(DataType::kInt16, {6}, {0.000244140625f}, {0}, 0,
                        {-32768, -28516, -15201, -22895, -28123, 32767}, false));
  c.output = QT(DataType::kInt16, {6}, {0.000244140625f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{0, 0, 0, 0, 0, 32767}));
}

// int8, [3,1] - [1,2] -> [3,2], fused RELU_N1_TO_1.
TEST(QuantOp, SubInt8Broadcast) {
  QuantCase c;
  c.op = Op::SUB;
  c.version = 2;
  c.options = SubOptions(Act::RELU_N1_TO_1, true);
  c.inputs.push_back(
      QT(DataType::kInt8, {3, 1}, {0.0199999996f}, {10}, 0, {-128, 120, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {1, 2}, {0.0149999997f}, {-20}, 0, {-128, 127}, false));
  c.output = QT(DataType::kInt8, {3, 2}, {0.00999999978f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-100, -100, 100, -1, 100, 14}));
}

// uint8, equal shapes.
TEST(QuantOp, SubUint8) {
  QuantCase c;
  c.op = Op::SUB;
  c.version = 2;
  c.options = SubOptions(Act::NONE, true);
  c.inputs.push_back(QT(DataType::kUInt8, {5}, {0.5f}, {0}, 0, {0, 73, 95, 198, 255}, false));
  c.inputs.push_back(QT(DataType::kUInt8, {5}, {0.125f}, {255}, 0, {0, 125, 119, 124, 255}, false));
  c.output = QT(DataType::kUInt8, {5}, {1.5f}, {128}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{149, 163, 171, 205, 213}));
}

// int16 power-of-two, [2,3] - [3], second input rounded by 2^3.
TEST(QuantOp, SubInt16PowerOfTwoBroadcast) {
  QuantCase c;
  c.op = Op::SUB;
  c.version = 3;
  c.options = SubOptions(Act::NONE, true);
  c.inputs.push_back(QT(DataType::kInt16, {2, 3}, {0.0009765625f}, {0}, 0,
                        {-32768, 26098, -19944, -27589, -12008, 32767}, false));
  c.inputs.push_back(
      QT(DataType::kInt16, {3}, {0.000122070312f}, {0}, 0, {-32768, -20658, 32767}, false));
  c.output = QT(DataType::kInt16, {2, 3}, {0.0009765625f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-28672, 28680, -24040, -23493, -9426, 28671}));
}

// int16 general path (pot_scale_int16 false).
TEST(QuantOp, SubInt16General) {
  QuantCase c;
  c.op = Op::SUB;
  c.version = 5;
  c.options = SubOptions(Act::NONE, false);
  c.inputs.push_back(
      QT(DataType::kInt16, {4}, {0.00109999999f}, {0}, 0, {-32768, 20482, 3527, 32767}, false));
  c.inputs.push_back(
      QT(DataType::kInt16, {4}, {0.000199999995f}, {0}, 0, {-32768, -28092, 21882, 32767}, false));
  c.output = QT(DataType::kInt16, {4}, {0.0013f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-22686, 21653, -382, 22685}));
}

// int8, multiplier s1*s2/s_out = 20 (> 1, left shift).
TEST(QuantOp, MulInt8BroadcastLargeMultiplier) {
  QuantCase c;
  c.op = Op::MUL;
  c.version = 2;
  c.options = MulOptions(Act::NONE);
  c.inputs.push_back(
      QT(DataType::kInt8, {2, 3}, {0.5f}, {3}, 0, {-128, -11, 46, -97, -70, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {1, 3}, {0.400000006f}, {-7}, 0, {-128, -82, 127}, false));
  c.output = QT(DataType::kInt8, {2, 3}, {0.00999999978f}, {5}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{127, 127, 127, 127, 127, 127}));
}

// uint8 with fused RELU; tiny multiplier.
TEST(QuantOp, MulUint8Relu) {
  QuantCase c;
  c.op = Op::MUL;
  c.version = 2;
  c.options = MulOptions(Act::RELU);
  c.inputs.push_back(
      QT(DataType::kUInt8, {6}, {0.00200000009f}, {100}, 0, {0, 86, 175, 87, 253, 255}, false));
  c.inputs.push_back(
      QT(DataType::kUInt8, {6}, {0.00300000003f}, {30}, 0, {0, 64, 146, 145, 234, 255}, false));
  c.output = QT(DataType::kUInt8, {6}, {0.00999999978f}, {200}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{202, 200, 205, 200, 219, 221}));
}

// int16 symmetric, products up to 2^30.
TEST(QuantOp, MulInt16) {
  QuantCase c;
  c.op = Op::MUL;
  c.version = 4;
  c.options = MulOptions(Act::NONE);
  c.inputs.push_back(QT(DataType::kInt16, {5}, {0.00100000005f}, {0}, 0,
                        {-32768, -4877, 7042, -19535, 32767}, false));
  c.inputs.push_back(QT(DataType::kInt16, {5}, {0.000500000024f}, {0}, 0,
                        {-32768, -340, 5595, 3927, 32767}, false));
  c.output = QT(DataType::kInt16, {5}, {0.0299999993f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{17896, 28, 657, -1279, 17895}));
}

// int8, [2,2] vs [2] broadcast.
TEST(QuantOp, SquaredDifferenceInt8) {
  QuantCase c;
  c.op = Op::SQUARED_DIFFERENCE;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kInt8, {2, 2}, {0.0500000007f}, {-3}, 0, {-128, -25, 126, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {2}, {0.0299999993f}, {9}, 0, {-128, 127}, false));
  c.output = QT(DataType::kInt8, {2, 2}, {0.300000012f}, {-128}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-113, -56, 127, -99}));
}

// int8: raw values compared, quantization parameters ignored.
TEST(QuantOp, MaximumInt8Raw) {
  QuantCase c;
  c.op = Op::MAXIMUM;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kInt8, {2, 3}, {0.100000001f}, {0}, 0, {-128, -45, 42, 4, -96, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {3}, {0.100000001f}, {0}, 0, {-128, -118, 127}, false));
  c.output = QT(DataType::kInt8, {2, 3}, {0.100000001f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-128, -45, 127, 4, -96, 127}));
}

// int16 raw comparison.
TEST(QuantOp, MinimumInt16) {
  QuantCase c;
  c.op = Op::MINIMUM;
  c.version = 4;
  c.inputs.push_back(
      QT(DataType::kInt16, {4}, {0.00999999978f}, {0}, 0, {-32768, 28527, -29213, 32767}, false));
  c.inputs.push_back(
      QT(DataType::kInt16, {4}, {0.00999999978f}, {0}, 0, {-32768, -29507, -11659, 32767}, false));
  c.output = QT(DataType::kInt16, {4}, {0.00999999978f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-32768, -29507, -29213, 32767}));
}

// int8 RELU with different input/output scales.
TEST(QuantOp, ReluInt8Rescales) {
  QuantCase c;
  c.op = Op::RELU;
  c.version = 2;
  c.inputs.push_back(QT(DataType::kInt8, {8}, {0.0500000007f}, {-20}, 0,
                        {-128, -115, 91, -13, -125, -128, 55, 127}, false));
  c.output = QT(DataType::kInt8, {8}, {0.0299999993f}, {-128}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-128, -128, 57, -116, -128, -128, -3, 117}));
}

// uint8 RELU6: upper bound 6 quantized at the output scale.
TEST(QuantOp, Relu6Uint8) {
  QuantCase c;
  c.op = Op::RELU6;
  c.version = 2;
  c.inputs.push_back(QT(DataType::kUInt8, {8}, {0.100000001f}, {60}, 0,
                        {0, 173, 150, 173, 37, 195, 205, 255}, false));
  c.output = QT(DataType::kUInt8, {8}, {0.0250000004f}, {10}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{10, 250, 250, 250, 10, 250, 250, 250}));
}

// int8 RELU_N1_TO_1.
TEST(QuantOp, ReluN1To1Int8) {
  QuantCase c;
  c.op = Op::RELU_N1_TO_1;
  c.version = 1;
  c.inputs.push_back(QT(DataType::kInt8, {8}, {0.0199999996f}, {5}, 0,
                        {-128, -54, -24, 71, 16, -80, -62, 127}, false));
  c.output = QT(DataType::kInt8, {8}, {0.00999999978f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-100, -100, -58, 100, 22, -100, -100, 100}));
}

// int16 RELU, output scale 4x the input's (multiplier < 1).
TEST(QuantOp, ReluInt16) {
  QuantCase c;
  c.op = Op::RELU;
  c.version = 3;
  c.inputs.push_back(QT(DataType::kInt16, {6}, {9.99999975e-05f}, {0}, 0,
                        {-32768, -13753, -23933, 9558, 13296, 32767}, false));
  c.output = QT(DataType::kInt16, {6}, {0.00039999999f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{0, 0, 0, 2390, 3324, 8192}));
}

// int8 alpha 0.2: identity and alpha multipliers.
TEST(QuantOp, LeakyReluInt8) {
  QuantCase c;
  c.op = Op::LEAKY_RELU;
  c.version = 2;
  c.options = LeakyReluOptions(0.200000003f);
  c.inputs.push_back(QT(DataType::kInt8, {8}, {0.0399999991f}, {-3}, 0,
                        {-128, -25, -57, -31, -73, -120, -95, 127}, false));
  c.output = QT(DataType::kInt8, {8}, {0.0299999993f}, {-60}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-94, -66, -75, -68, -79, -91, -85, 113}));
}

// int16 alpha -0.5 (negative mantissa).
TEST(QuantOp, LeakyReluInt16NegativeAlpha) {
  QuantCase c;
  c.op = Op::LEAKY_RELU;
  c.version = 2;
  c.options = LeakyReluOptions(-0.5f);
  c.inputs.push_back(QT(DataType::kInt16, {6}, {0.000199999995f}, {0}, 0,
                        {-32768, 2721, -19861, 11963, 16460, 32767}, false));
  c.output = QT(DataType::kInt16, {6}, {0.000300000014f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{10923, 1814, 6621, 7975, 10973, 21845}));
}

// int8 input [2,3], constant alpha [3] with its own scale and zero point.
TEST(QuantOp, PreluInt8ConstantAlphaBroadcast) {
  QuantCase c;
  c.op = Op::PRELU;
  c.version = 1;
  c.inputs.push_back(QT(DataType::kInt8, {2, 3}, {0.0500000007f}, {10}, 0,
                        {-128, -126, 119, 100, 16, 127}, false));
  c.inputs.push_back(QT(DataType::kInt8, {3}, {0.00400000019f}, {-5}, 0, {40, -30, 127}, true));
  c.output = QT(DataType::kInt8, {2, 3}, {0.0399999991f}, {-2}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-33, 15, 127, 111, 6, 127}));
}

// uint8 input and alpha both graph inputs.
TEST(QuantOp, PreluUint8) {
  QuantCase c;
  c.op = Op::PRELU;
  c.version = 1;
  c.inputs.push_back(
      QT(DataType::kUInt8, {4}, {0.100000001f}, {128}, 0, {0, 143, 158, 255}, false));
  c.inputs.push_back(
      QT(DataType::kUInt8, {4}, {0.00999999978f}, {50}, 0, {0, 138, 96, 255}, false));
  c.output = QT(DataType::kUInt8, {4}, {0.0799999982f}, {120}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{200, 139, 158, 255}));
}

// ties round away from zero; inf/NaN/1e9 as LiteRT's x86 build gives them.
TEST(QuantOp, QuantizeFloatToInt8) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 1;
  c.inputs.push_back(QT(DataType::kFloat32, {14}, {}, {}, 0,
                        {0.0f, -0.0f, 0.25f, -0.25f, 0.75f, -0.75f, 12.6999998f, 12.8999996f,
                         -12.8999996f, 1e+09f, kInf, -kInf, kNaN, 1.23450005f},
                        false));
  c.output = QT(DataType::kInt8, {14}, {0.100000001f}, {-3}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c),
            (std::vector<double>{-3, -3, 0, -6, 5, -11, 124, 126, -128, 127, 127, 127, 127, 9}));
}

// NaN with zero point -128 wraps to the top (LiteRT: INT32_MIN + zp).
TEST(QuantOp, QuantizeFloatToInt8ZeroPointNegative) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 1;
  c.inputs.push_back(
      QT(DataType::kFloat32, {4}, {}, {}, 0, {kNaN, kInf, 0.300000012f, -1e+10f}, false));
  c.output = QT(DataType::kInt8, {4}, {0.00999999978f}, {-128}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{127, 127, -98, 127}));
}

// uint8.
TEST(QuantOp, QuantizeFloatToUint8) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 1;
  c.inputs.push_back(
      QT(DataType::kFloat32, {6}, {}, {}, 0, {-1.0f, 0.0f, 0.5f, 1.0f, 10.0f, 100.0f}, false));
  c.output = QT(DataType::kUInt8, {6}, {0.200000003f}, {128}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{123, 128, 131, 133, 178, 255}));
}

// int16 symmetric.
TEST(QuantOp, QuantizeFloatToInt16) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 3;
  c.inputs.push_back(QT(DataType::kFloat32, {5}, {}, {}, 0,
                        {-2.0f, -0.000150000007f, 0.000150000007f, 1.0f, 5.0f}, false));
  c.output = QT(DataType::kInt16, {5}, {9.99999975e-05f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-20000, -2, 2, 10000, 32767}));
}

// per-channel output along dimension 1.
TEST(QuantOp, QuantizeFloatToInt8PerChannel) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kFloat32, {2, 3}, {}, {}, 0, {0.5f, -0.5f, 3.0f, 1.0f, 2.0f, -3.0f}, false));
  c.output = QT(DataType::kInt8, {2, 3}, {0.100000001f, 0.00999999978f, 0.0500000007f}, {0, 5, -5},
                1, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{5, -45, 55, 10, 127, -65}));
}

// same scale, zero point +128.
TEST(QuantOp, RequantizeInt8ToUint8) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kInt8, {6}, {0.0500000007f}, {-1}, 0, {-128, -16, -56, 8, 28, 127}, false));
  c.output = QT(DataType::kUInt8, {6}, {0.0500000007f}, {127}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{0, 112, 72, 136, 156, 255}));
}

// uint8 -> int8 with scale ratio 3.7 (saturates).
TEST(QuantOp, RequantizeUint8ToInt8Rescale) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kUInt8, {6}, {0.0370000005f}, {100}, 0, {0, 67, 5, 171, 234, 255}, false));
  c.output = QT(DataType::kInt8, {6}, {0.00999999978f}, {4}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-128, -118, -128, 127, 127, 127}));
}

// int16 -> int8 (16x8 model outputs).
TEST(QuantOp, RequantizeInt16ToInt8) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 3;
  c.inputs.push_back(QT(DataType::kInt16, {6}, {0.000300000014f}, {0}, 0,
                        {-32768, -3719, -932, -5078, -24363, 32767}, false));
  c.output = QT(DataType::kInt8, {6}, {0.0700000003f}, {-10}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-128, -26, -14, -32, -114, 127}));
}

// int16 -> int16, ratio 0.37.
TEST(QuantOp, RequantizeInt16ToInt16) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.version = 3;
  c.inputs.push_back(QT(DataType::kInt16, {6}, {0.000369999994f}, {0}, 0,
                        {-32768, -32124, 18502, -31710, -17096, 32767}, false));
  c.output = QT(DataType::kInt16, {6}, {0.00100000005f}, {0}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-12124, -11886, 6846, -11733, -6326, 12124}));
}

// exact float bits of scale * (q - zp) in double.
TEST(QuantOp, DequantizeInt16) {
  QuantCase c;
  c.op = Op::DEQUANTIZE;
  c.version = 4;
  c.inputs.push_back(QT(DataType::kInt16, {5}, {0.000123000005f}, {0}, 0,
                        {-32768, 13817, 7476, -1932, 32767}, false));
  c.output = QT(DataType::kFloat32, {5}, {}, {}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-4.03046417f, 1.69949102f, 0.919548035f,
                                                  -0.237636015f, 4.03034115f}));
}

// int8 with zero point.
TEST(QuantOp, DequantizeInt8) {
  QuantCase c;
  c.op = Op::DEQUANTIZE;
  c.version = 2;
  c.inputs.push_back(
      QT(DataType::kInt8, {5}, {0.0370999984f}, {-17}, 0, {-128, 103, 65, 2, 127}, false));
  c.output = QT(DataType::kFloat32, {5}, {}, {}, 0, {}, false);
  // LiteRT BUILTIN_REF:
  EXPECT_EQ(RunQuantCase(c), (std::vector<double>{-4.11809969f, 4.45199966f, 3.04219985f,
                                                  0.704899967f, 5.3423996f}));
}

// ---------------------------------------------------------------- rejected

QuantCase Binary(Op op, QT a, QT b, QT out, OptionsFn options = nullptr, int version = 2) {
  QuantCase c;
  c.op = op;
  c.version = version;
  c.options = std::move(options);
  c.inputs = {std::move(a), std::move(b)};
  c.output = std::move(out);
  return c;
}

TEST(QuantOpRejects, MissingOrBadQuantization) {
  QT none(DataType::kInt8, {4}, {}, {}, 0, {}, false);
  ExpectRejected(Binary(Op::ADD, none, Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0)),
                 StatusCode::kInvalidModel, "'in0'");
  ExpectRejected(Binary(Op::ADD, Q8({4}, 0.0f, 0), Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0)),
                 StatusCode::kInvalidModel, "scale 0");
  ExpectRejected(Binary(Op::MUL, Q8({4}, 0.1f, 0), Q8({4}, std::nanf(""), 0), Q8({4}, 0.1f, 0)),
                 StatusCode::kInvalidModel, "scale nan");
  ExpectRejected(Binary(Op::SUB, Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 200)),
                 StatusCode::kInvalidModel, "zero point 200");
  // Per-channel parameters on an activation.
  QT per_channel(DataType::kInt8, {2}, {0.1f, 0.2f}, {0, 0}, 0, {}, false);
  ExpectRejected(Binary(Op::ADD, per_channel, Q8({2}, 0.1f, 0), Q8({2}, 0.1f, 0)),
                 StatusCode::kInvalidModel, "2 scales");
}

TEST(QuantOpRejects, Int16NeedsZeroPointZero) {
  QT a(DataType::kInt16, {4}, {0.001f}, {5}, 0, {}, false);
  QT b(DataType::kInt16, {4}, {0.001f}, {0}, 0, {}, false);
  ExpectRejected(Binary(Op::ADD, a, b, b, AddOptions(Act::NONE, false), 3),
                 StatusCode::kInvalidModel, "zero point 5");
  ExpectRejected(Binary(Op::SUB, b, b, a, SubOptions(Act::NONE, false), 5),
                 StatusCode::kInvalidModel, "zero point 5");
}

TEST(QuantOpRejects, OutputFactorAboveOne) {
  // 2 * 1.0 / (2^20 * 1e-7) = 19: LiteRT's ADD aborts; SUB's result would
  // depend on vectorization.
  ExpectRejected(Binary(Op::ADD, Q8({4}, 1.0f, 0), Q8({4}, 0.5f, 0), Q8({4}, 1e-7f, 0)),
                 StatusCode::kUnsupported, "too large");
  ExpectRejected(Binary(Op::SUB, Q8({4}, 1.0f, 0), Q8({4}, 0.5f, 0), Q8({4}, 1e-7f, 0)),
                 StatusCode::kUnsupported, "too large");
}

TEST(QuantOpRejects, PowerOfTwoInt16Limits) {
  auto q16 = [](const Shape& s, int log2) {
    return QT(DataType::kInt16, s, {std::ldexp(1.0f, log2)}, {0}, 0, {}, false);
  };
  // Both inputs rescaled.
  ExpectRejected(
      Binary(Op::SUB, q16({4}, -13), q16({4}, -12), q16({4}, -11), SubOptions(Act::NONE, true), 3),
      StatusCode::kUnsupported, "power-of-two");
  // LiteRT's power-of-two ADD has no broadcasting.
  ExpectRejected(Binary(Op::ADD, q16({2, 4}, -12), q16({4}, -12), q16({2, 4}, -12),
                        AddOptions(Act::NONE, true), 3),
                 StatusCode::kUnsupported, "equal input shapes");
}

TEST(QuantOpRejects, TypeMixesAndUnsupportedTypes) {
  QT u8(DataType::kUInt8, {4}, {0.1f}, {0}, 0, {}, false);
  ExpectRejected(Binary(Op::ADD, Q8({4}, 0.1f, 0), u8, Q8({4}, 0.1f, 0)), StatusCode::kInvalidModel,
                 "UINT8");
  ExpectRejected(Binary(Op::SQUARED_DIFFERENCE, u8, u8, u8), StatusCode::kUnsupported, "UINT8");
  ExpectRejected(Binary(Op::DIV, Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0)),
                 StatusCode::kUnsupported, "INT8");
  QuantCase relu1;
  relu1.op = Op::RELU_N1_TO_1;
  relu1.inputs = {QT(DataType::kInt16, {4}, {0.01f}, {0}, 0, {}, false)};
  relu1.output = relu1.inputs[0];
  ExpectRejected(relu1, StatusCode::kUnsupported, "INT16");
}

TEST(QuantOpRejects, FusedTanhOnQuantizedOutput) {
  ExpectRejected(Binary(Op::ADD, Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0), Q8({4}, 0.1f, 0),
                        AddOptions(Act::TANH, true)),
                 StatusCode::kUnsupported, "TANH");
}

TEST(QuantOpRejects, ActivationBoundOverflowsInt32) {
  // 6 / 1e-12 does not fit int32 (LiteRT rejects it as well).
  ExpectRejected(Binary(Op::MUL, Q8({4}, 1e-6f, 0), Q8({4}, 1e-6f, 0), Q8({4}, 1e-12f, 0),
                        MulOptions(Act::RELU6)),
                 StatusCode::kInvalidModel, "does not fit int32");
}

TEST(QuantOpRejects, QuantizeTypesAndParameters) {
  QuantCase c;
  c.op = Op::QUANTIZE;
  c.inputs = {QT(DataType::kFloat32, {4}, {}, {}, 0, {}, false)};
  c.output = QT(DataType::kInt32, {4}, {0.1f}, {0}, 0, {}, false);
  ExpectRejected(c, StatusCode::kUnsupported, "INT32");
  c.output = QT(DataType::kInt8, {4}, {}, {}, 0, {}, false);
  ExpectRejected(c, StatusCode::kInvalidModel, "no quantization");
  c.inputs = {QT(DataType::kUInt8, {4}, {0.1f}, {0}, 0, {}, false)};
  c.output = QT(DataType::kInt16, {4}, {0.1f}, {0}, 0, {}, false);
  ExpectRejected(c, StatusCode::kUnsupported, "INT16");
}

TEST(QuantOpRejects, PreluAlphaMustNotGrowTheInput) {
  QuantCase c;
  c.op = Op::PRELU;
  c.inputs = {Q8({3}, 0.1f, 0), Q8({2, 3}, 0.1f, 0)};
  c.output = Q8({2, 3}, 0.1f, 0);
  ExpectRejected(c, StatusCode::kInvalidModel, "would grow");
}

}  // namespace
}  // namespace edgeml
