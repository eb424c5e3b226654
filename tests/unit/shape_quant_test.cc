// Quantized data-movement ops of the shape family against LiteRT 2.3.0's
// reference kernels: CONCATENATION requantizes uint8 inputs, rejects int8
// inputs quantized unlike the output and needs int16 zero points of 0;
// PACK, UNPACK and EXPAND_DIMS need the output quantized as the input; the
// other ops copy raw values whatever the scales (as LiteRT does).
//
// The uint8 CONCATENATION golden came from the same model built in Python
// and run with Interpreter(..., experimental_op_resolver_type=
// OpResolverType.BUILTIN_REF); the error cases mirror LiteRT's prepare
// failures (concatenation.cc, pack.cc, unpack.cc, expand_dims.cc), checked the
// same way.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

QuantizationParams Q(float scale, int64_t zp) {
  QuantizationParams q;
  q.scale = {scale};
  q.zero_point = {zp};
  return q;
}

void ExpectRejected(const Status& s, const char* op) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel) << s.message();
  EXPECT_NE(s.message().find(op), std::string::npos) << s.message();
}

struct ConcatIn {
  Shape shape;
  QuantizationParams q;
};

Status BuildConcat(TestModel* m, DataType type, const std::vector<ConcatIn>& ins, Shape out_shape,
                   QuantizationParams out_q, int axis) {
  ModelBuilder b;
  std::vector<int> inputs;
  for (const ConcatIn& in : ins) inputs.push_back(b.AddTensor(type, in.shape, "", in.q));
  int out = b.AddTensor(type, out_shape, "out", out_q);
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), axis);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, inputs, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs(inputs);
  b.SetOutputs({out});
  return m->Build(b);
}

TEST(QuantConcat, UInt8RequantizesInputsQuantizedUnlikeTheOutput) {
  TestModel m;
  ASSERT_TRUE(BuildConcat(&m, DataType::kUInt8,
                          {{{2, 3}, Q(0.1f, 0)}, {{2, 2}, Q(0.5f, 7)}, {{2, 3}, Q(2.f, 250)}},
                          {2, 8}, Q(0.5f, 7), -1)
                  .ok());
  m.SetInput<uint8_t>(0, {0, 255, 7, 128, 3, 200});
  m.SetInput<uint8_t>(1, {10, 20, 30, 40});  // same params: copied
  m.SetInput<uint8_t>(2, {255, 0, 1, 254, 100, 17});
  ASSERT_TRUE(m.interp->Invoke().ok());
  // Input 2 saturates at 0 (real -500 and below).
  EXPECT_EQ(m.GetOutput<uint8_t>(0),
            (std::vector<uint8_t>{7, 58, 8, 10, 20, 27, 0, 0, 33, 8, 47, 30, 40, 23, 0, 0}));
}

TEST(QuantConcat, Int8AndInt16Rules) {
  {
    TestModel m;  // int8 inputs quantized alike: a plain copy
    ASSERT_TRUE(BuildConcat(&m, DataType::kInt8, {{{1, 2}, Q(0.5f, -1)}, {{1, 1}, Q(0.5f, -1)}},
                            {1, 3}, Q(0.5f, -1), 1)
                    .ok());
    m.SetInput<int8_t>(0, {-128, 127});
    m.SetInput<int8_t>(1, {5});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{-128, 127, 5}));
  }
  {
    TestModel m;  // LiteRT: "t->params.scale != output->params.scale"
    ExpectRejected(BuildConcat(&m, DataType::kInt8, {{{1, 2}, Q(0.5f, -1)}, {{1, 1}, Q(0.25f, -1)}},
                               {1, 3}, Q(0.5f, -1), 1),
                   "CONCATENATION");
  }
  {
    TestModel m;
    ExpectRejected(BuildConcat(&m, DataType::kInt8, {{{1, 2}, Q(0.5f, -1)}, {{1, 1}, Q(0.5f, 0)}},
                               {1, 3}, Q(0.5f, -1), 1),
                   "CONCATENATION");
  }
  {
    TestModel m;  // int16: scales are not checked, values copied raw
    ASSERT_TRUE(BuildConcat(&m, DataType::kInt16, {{{2}, Q(0.5f, 0)}, {{1}, Q(0.25f, 0)}}, {3},
                            Q(0.5f, 0), 0)
                    .ok());
    m.SetInput<int16_t>(0, {-32768, 32767});
    m.SetInput<int16_t>(1, {-5});
    ASSERT_TRUE(m.interp->Invoke().ok());
    EXPECT_EQ(m.GetOutput<int16_t>(0), (std::vector<int16_t>{-32768, 32767, -5}));
  }
  {
    TestModel m;  // int16 zero points must be 0
    ExpectRejected(BuildConcat(&m, DataType::kInt16, {{{2}, Q(0.5f, 3)}, {{1}, Q(0.5f, 3)}}, {3},
                               Q(0.5f, 3), 0),
                   "CONCATENATION");
  }
}

TEST(QuantPack, NeedsInputsQuantizedAsTheOutput) {
  for (DataType type : {DataType::kInt8, DataType::kUInt8, DataType::kInt16}) {
    ModelBuilder b;
    int a = b.AddTensor(type, {2}, "a", Q(0.5f, 0));
    int c = b.AddTensor(type, {2}, "c", Q(0.25f, 0));
    int out = b.AddTensor(type, {2, 2}, "out", Q(0.5f, 0));
    auto opts = tfl::CreatePackOptions(b.fbb(), 2, 0);
    b.AddOperator(tfl::BuiltinOperator::PACK, {a, c}, {out}, tfl::BuiltinOptions::PackOptions,
                  opts.Union());
    b.SetInputs({a, c});
    b.SetOutputs({out});
    TestModel m;
    ExpectRejected(m.Build(b), "PACK");
  }
}

TEST(QuantUnpackExpandDims, NeedOutputsQuantizedAsTheInput) {
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kInt8, {2, 2}, "in", Q(0.5f, 1));
    int o1 = b.AddTensor(DataType::kInt8, {2}, "o1", Q(0.5f, 1));
    int o2 = b.AddTensor(DataType::kInt8, {2}, "o2", Q(0.5f, 2));
    auto opts = tfl::CreateUnpackOptions(b.fbb(), 2, 0);
    b.AddOperator(tfl::BuiltinOperator::UNPACK, {in}, {o1, o2}, tfl::BuiltinOptions::UnpackOptions,
                  opts.Union());
    b.SetInputs({in});
    b.SetOutputs({o1, o2});
    TestModel m;
    ExpectRejected(m.Build(b), "UNPACK");
  }
  for (float out_scale : {0.5f, 0.25f}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kUInt8, {2}, "in", Q(0.5f, 128));
    int axis = b.AddConstant<int32_t>(DataType::kInt32, {1}, {0});
    int out = b.AddTensor(DataType::kUInt8, {1, 2}, "out", Q(out_scale, 128));
    b.AddOperator(tfl::BuiltinOperator::EXPAND_DIMS, {in, axis}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    TestModel m;
    Status s = m.Build(b);
    if (out_scale == 0.5f) {
      ASSERT_TRUE(s.ok()) << s.message();
      m.SetInput<uint8_t>(0, {0, 255});
      ASSERT_TRUE(m.interp->Invoke().ok());
      EXPECT_EQ(m.GetOutput<uint8_t>(0), (std::vector<uint8_t>{0, 255}));
    } else {
      ExpectRejected(s, "EXPAND_DIMS");
    }
  }
}

// LiteRT's TRANSPOSE, GATHER, SLICE, RESHAPE... carry raw int8 values even
// when the output's scale differs (checked: no prepare error, bytes equal).
TEST(QuantDataMovement, CopiesRawValuesWhateverTheScales) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt8, {2, 3}, "in", Q(0.5f, 1));
  int perm = b.AddConstant<int32_t>(DataType::kInt32, {2}, {1, 0});
  int out = b.AddTensor(DataType::kInt8, {3, 2}, "out", Q(0.25f, -7));
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE, {in, perm}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  m.SetInput<int8_t>(0, {-128, 1, 2, 3, 4, 127});
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int8_t>(0), (std::vector<int8_t>{-128, 3, 1, 4, 2, 127}));
}

}  // namespace
}  // namespace edgeml
