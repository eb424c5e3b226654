// Crafted-model regression tests for the classes of the reference runtime's
// published security advisories, one or more ops per class beyond those in
// malformed_test.cc:
//   - division by zero (integer DIV/FLOOR_DIV/FLOOR_MOD by a runtime zero,
//     zero strides and deltas, zero or non-finite quantization scales);
//   - out-of-bounds axes and indices (constant axes of every axis-taking op,
//     runtime indices of GATHER_ND / SCATTER_ND, slice bounds);
//   - overflowing shape products (TILE, BROADCAST_TO, FILL, RESIZE,
//     CONCATENATION past int32);
//   - huge allocations (folded constants and outputs over the memory limit).
// Recursion through subgraphs is in malformed_test.cc (Crafted.*Recursion).
//
// Each case runs load -> create -> allocate -> invoke in this process and
// must end with a non-OK Status carrying a message, or (for "may run" cases)
// run to completion; a crash, a hang or a sanitizer report fails the suite.
// The ASan+UBSan build (scripts/test_sanitizers.sh) is where UB such as an
// integer division by zero or a float-to-int overflow is caught on every
// architecture (x86-64 also traps on integer division by zero natively).

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "tflite_generated.h"
#include "util/model_builder.h"

// Under ASan a request for petabytes must come back as nullptr (so the
// runtime can report ResourceExhausted) rather than abort the process.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

namespace edgeml {
namespace {

using testing::ModelBuilder;
using Op = tfl::BuiltinOperator;
using Opts = tfl::BuiltinOptions;

constexpr size_t kMemoryLimit = size_t{256} << 20;
constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();

enum class Stage { kLoad, kCreate, kAllocate, kInvoke, kDone };
const char* const kStageNames[] = {"load", "create", "allocate", "invoke", "done"};

struct Outcome {
  Stage stage = Stage::kDone;
  Status status;
  std::string ToString() const {
    return std::string("stopped at ") + kStageNames[static_cast<int>(stage)] + " with " +
           status.ToString();
  }
};

using Filler = std::function<void(Interpreter&)>;

Outcome RunModel(const std::vector<uint8_t>& bytes, const Filler& fill,
                 size_t limit = kMemoryLimit) {
  Outcome o;
  std::unique_ptr<Model> model;
  o.status = Model::FromBufferCopy(bytes.data(), bytes.size(), &model);
  if (!o.status.ok()) return o.stage = Stage::kLoad, o;
  static const BuiltinOpResolver* resolver = new BuiltinOpResolver();
  InterpreterOptions options;
  options.memory_limit_bytes = limit;
  std::unique_ptr<Interpreter> interp;
  o.status = Interpreter::Create(*model, *resolver, options, &interp);
  if (!o.status.ok()) return o.stage = Stage::kCreate, o;
  o.status = interp->AllocateTensors();
  if (!o.status.ok()) return o.stage = Stage::kAllocate, o;
  for (size_t i = 0; i < interp->inputs().size(); ++i) {
    Tensor* t = interp->input(static_cast<int>(i));
    if (t != nullptr && t->data != nullptr) std::memset(t->data, 0, t->bytes);
  }
  if (fill) fill(*interp);
  o.status = interp->Invoke();
  if (!o.status.ok()) return o.stage = Stage::kInvoke, o;
  return o;
}

bool ContainsNoCase(std::string haystack, std::string needle) {
  auto lower = [](std::string& s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  };
  lower(haystack);
  lower(needle);
  return haystack.find(needle) != std::string::npos;
}

// The model must be refused with a message. An op edgeml does not implement
// is refused at Create as Unsupported naming it, which also passes; once the
// op exists its own check must refuse the model (before Invoke when
// `before_invoke`), and the message must mention `word` if given.
void ExpectRefused(const std::string& label, const std::vector<uint8_t>& bytes, const char* op,
                   const char* word = "", bool before_invoke = true, const Filler& fill = nullptr) {
  SCOPED_TRACE(label);
  Outcome o = RunModel(bytes, fill);
  ASSERT_NE(o.stage, Stage::kDone) << label << ": the crafted model was accepted";
  EXPECT_FALSE(o.status.message().empty()) << label << ": " << o.ToString();
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported &&
      o.status.message().find(op) != std::string::npos) {
    return;  // op not implemented (yet)
  }
  if (o.stage == Stage::kAllocate && o.status.code() == StatusCode::kResourceExhausted) {
    return;  // the planner refused the (correctly computed) huge shape: fine
  }
  EXPECT_TRUE(o.status.message().find(op) != std::string::npos)
      << label << ": message should name " << op << ": " << o.ToString();
  if (before_invoke) {
    EXPECT_NE(o.stage, Stage::kInvoke) << label << ": a constant problem must be found at prepare";
  }
  if (*word != '\0') {
    EXPECT_TRUE(ContainsNoCase(o.status.message(), word))
        << label << ": message should mention '" << word << "': " << o.ToString();
  }
}

// Data-dependent problems found at Invoke: the run must fail with a message
// naming the op (or the op is unsupported).
void ExpectInvokeError(const std::string& label, const std::vector<uint8_t>& bytes, const char* op,
                       const Filler& fill) {
  SCOPED_TRACE(label);
  Outcome o = RunModel(bytes, fill);
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) return;
  EXPECT_EQ(o.stage, Stage::kInvoke) << label << ": " << o.ToString();
  EXPECT_TRUE(o.status.message().find(op) != std::string::npos) << label << ": " << o.ToString();
}

template <typename T>
Filler SetInput(int i, std::vector<T> values) {
  return [i, values](Interpreter& interp) {
    Tensor* t = interp.input(i);
    ASSERT_NE(t, nullptr);
    ASSERT_EQ(t->bytes, values.size() * sizeof(T));
    std::memcpy(t->data, values.data(), t->bytes);
  };
}

QuantizationParams Quant(float scale, int64_t zero_point = 0) {
  QuantizationParams q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

// ---------------------------------------------------------------------------
// Division by zero.

// out = a OP b over int32 inputs; b arrives at Invoke holding zeros.
std::vector<uint8_t> IntBinary(Op op, Opts type, flatbuffers::Offset<void> (*opts)(ModelBuilder&)) {
  ModelBuilder b;
  int a = b.AddTensor(DataType::kInt32, {4});
  int d = b.AddTensor(DataType::kInt32, {4});
  int out = b.AddTensor(DataType::kInt32, {4});
  b.AddOperator(op, {a, d}, {out}, type, opts ? opts(b) : 0);
  b.SetInputs({a, d});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(DivisionByZero, IntegerDivByRuntimeZero) {
  auto bytes = IntBinary(Op::DIV, Opts::DivOptions,
                         [](ModelBuilder& b) { return tfl::CreateDivOptions(b.fbb()).Union(); });
  ExpectInvokeError("DIV int32 by 0", bytes, "DIV", SetInput<int32_t>(0, {7, -7, 0, kIntMax}));
}

TEST(DivisionByZero, IntegerFloorDivAndFloorModByRuntimeZero) {
  ExpectInvokeError("FLOOR_DIV int32 by 0", IntBinary(Op::FLOOR_DIV, Opts::NONE, nullptr),
                    "FLOOR_DIV", SetInput<int32_t>(0, {7, -7, 0, 1}));
  ExpectInvokeError("FLOOR_MOD int32 by 0", IntBinary(Op::FLOOR_MOD, Opts::NONE, nullptr),
                    "FLOOR_MOD", SetInput<int32_t>(0, {7, -7, 0, 1}));
}

TEST(DivisionByZero, IntegerDivIntMinByMinusOne) {
  // INT_MIN / -1 overflows (and traps on x86-64 like a division by zero).
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  for (Op op : {Op::DIV, Op::FLOOR_DIV, Op::FLOOR_MOD}) {
    const char* name = tfl::EnumNameBuiltinOperator(op);
    Outcome o = RunModel(IntBinary(op, Opts::NONE, nullptr), [](Interpreter& interp) {
      SetInput<int32_t>(0, {kMin, kMin, 4, 4})(interp);
      SetInput<int32_t>(1, {-1, -1, -1, 1})(interp);
    });
    // Either an error naming the op, or a defined result; never a trap.
    if (o.stage != Stage::kDone) {
      EXPECT_FALSE(o.status.message().empty()) << name << ": " << o.ToString();
    }
  }
}

TEST(DivisionByZero, StridedSliceStrideZero) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {4, 4});
  int begin = b.AddConstant<int32_t>(DataType::kInt32, {2}, {0, 0});
  int end = b.AddConstant<int32_t>(DataType::kInt32, {2}, {4, 4});
  int strides = b.AddConstant<int32_t>(DataType::kInt32, {2}, {1, 0});
  int out = b.AddTensor(DataType::kFloat32, {4, 4});
  auto opts = tfl::CreateStridedSliceOptions(b.fbb());
  b.AddOperator(Op::STRIDED_SLICE, {in, begin, end, strides}, {out}, Opts::StridedSliceOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRefused("STRIDED_SLICE stride 0", b.Finish(), "STRIDED_SLICE", "stride");
}

TEST(DivisionByZero, RangeDeltaZero) {
  ModelBuilder b;
  int start = b.AddConstant<int32_t>(DataType::kInt32, {}, {0});
  int limit = b.AddConstant<int32_t>(DataType::kInt32, {}, {10});
  int delta = b.AddConstant<int32_t>(DataType::kInt32, {}, {0});
  int out = b.AddTensor(DataType::kInt32, {10});
  b.AddOperator(Op::RANGE, {start, limit, delta}, {out});
  b.SetOutputs({out});
  ExpectRefused("RANGE delta 0", b.Finish(), "RANGE", "delta");
}

TEST(DivisionByZero, SpaceBatchBlockZero) {
  for (Op op : {Op::SPACE_TO_BATCH_ND, Op::BATCH_TO_SPACE_ND}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
    int block = b.AddConstant<int32_t>(DataType::kInt32, {2}, {2, 0});
    int pads = b.AddConstant<int32_t>(DataType::kInt32, {2, 2}, {0, 0, 0, 0});
    int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
    b.AddOperator(op, {in, block, pads}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    const char* name = tfl::EnumNameBuiltinOperator(op);
    ExpectRefused(std::string(name) + " block 0", b.Finish(), name, "block");
  }
}

// int8 ops whose requantization divides by a scale: zero, negative, NaN and
// infinite scales must be refused at prepare (not turned into a multiplier
// through a float-to-int conversion that overflows).
TEST(DivisionByZero, QuantizedAddWithBadScales) {
  for (float bad : {0.0f, -0.5f, std::nanf(""), std::numeric_limits<float>::infinity()}) {
    for (int which = 0; which < 3; ++which) {
      ModelBuilder b;
      int a = b.AddTensor(DataType::kInt8, {1, 8}, "a", Quant(which == 0 ? bad : 0.1f));
      int c = b.AddTensor(DataType::kInt8, {1, 8}, "c", Quant(which == 1 ? bad : 0.1f));
      int out = b.AddTensor(DataType::kInt8, {1, 8}, "out", Quant(which == 2 ? bad : 0.2f));
      auto opts = tfl::CreateAddOptions(b.fbb());
      b.AddOperator(Op::ADD, {a, c}, {out}, Opts::AddOptions, opts.Union(), 2);
      b.SetInputs({a, c});
      b.SetOutputs({out});
      ExpectRefused("int8 ADD scale " + std::to_string(bad) + " on tensor " + std::to_string(which),
                    b.Finish(), "ADD", "scale");
    }
  }
}

TEST(DivisionByZero, QuantizedConvWithZeroOutputScale) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kInt8, {1, 3, 3, 2}, "in", Quant(0.5f));
  QuantizationParams wq;
  wq.scale = {0.25f, 0.25f};
  wq.zero_point = {0, 0};
  int w = b.AddConstant<int8_t>(DataType::kInt8, {2, 1, 1, 2}, {1, 2, 3, 4}, "w", wq);
  QuantizationParams bq;
  bq.scale = {0.125f, 0.125f};
  bq.zero_point = {0, 0};
  int bias = b.AddConstant<int32_t>(DataType::kInt32, {2}, {0, 0}, "bias", bq);
  int out = b.AddTensor(DataType::kInt8, {1, 3, 3, 2}, "out", Quant(0.0f));
  auto opts = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::VALID, 1, 1);
  b.AddOperator(Op::CONV_2D, {in, w, bias}, {out}, Opts::Conv2DOptions, opts.Union(), 3);
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRefused("int8 CONV_2D output scale 0", b.Finish(), "CONV_2D", "scale");
}

TEST(DivisionByZero, QuantizeAndSoftmaxWithBadScales) {
  for (float bad : {0.0f, std::nanf(""), std::numeric_limits<float>::infinity()}) {
    {
      ModelBuilder b;
      int in = b.AddTensor(DataType::kFloat32, {1, 8});
      int out = b.AddTensor(DataType::kInt8, {1, 8}, "out", Quant(bad));
      b.AddOperator(Op::QUANTIZE, {in}, {out});
      b.SetInputs({in});
      b.SetOutputs({out});
      ExpectRefused("QUANTIZE to scale " + std::to_string(bad), b.Finish(), "QUANTIZE", "scale");
    }
    {
      ModelBuilder b;
      int in = b.AddTensor(DataType::kInt8, {1, 8}, "in", Quant(bad));
      int out = b.AddTensor(DataType::kInt8, {1, 8}, "out", Quant(1.0f / 256, -128));
      auto opts = tfl::CreateSoftmaxOptions(b.fbb(), 1.0f);
      b.AddOperator(Op::SOFTMAX, {in}, {out}, Opts::SoftmaxOptions, opts.Union(), 2);
      b.SetInputs({in});
      b.SetOutputs({out});
      ExpectRefused("int8 SOFTMAX input scale " + std::to_string(bad), b.Finish(), "SOFTMAX",
                    "scale");
    }
  }
}

// ---------------------------------------------------------------------------
// Out-of-bounds axes and indices (constant operands: refused at prepare).

// in [2,3] --op(in, axis const)--> out, for ops taking an axis tensor.
// ARG_MAX/ARG_MIN write INT32 (`out_type`), the others FLOAT32.
std::vector<uint8_t> AxisTensorModel(Op op, int32_t axis, Opts type = Opts::NONE,
                                     flatbuffers::Offset<void> (*opts)(ModelBuilder&) = nullptr,
                                     DataType out_type = DataType::kFloat32) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int ax = b.AddConstant<int32_t>(DataType::kInt32, {1}, {axis});
  int out = b.AddTensor(out_type, {2, 3});
  b.AddOperator(op, {in, ax}, {out}, type, opts ? opts(b) : 0);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(OutOfBounds, AxisTensorsOfReductionsAndFriends) {
  auto reducer = [](ModelBuilder& b) { return tfl::CreateReducerOptions(b.fbb(), true).Union(); };
  for (int32_t axis : {2, -3, 9, kIntMax, std::numeric_limits<int32_t>::min()}) {
    const std::string a = " axis " + std::to_string(axis);
    for (Op op : {Op::SUM, Op::MEAN, Op::REDUCE_MAX, Op::REDUCE_MIN, Op::REDUCE_PROD}) {
      const char* name = tfl::EnumNameBuiltinOperator(op);
      ExpectRefused(name + a, AxisTensorModel(op, axis, Opts::ReducerOptions, reducer), name,
                    "axis");
    }
    ExpectRefused("REVERSE_V2" + a, AxisTensorModel(Op::REVERSE_V2, axis), "REVERSE_V2", "axis");
    ExpectRefused("CUMSUM" + a, AxisTensorModel(Op::CUMSUM, axis), "CUMSUM", "axis");
    ExpectRefused("ARG_MAX" + a,
                  AxisTensorModel(
                      Op::ARG_MAX, axis, Opts::ArgMaxOptions,
                      [](ModelBuilder& b) {
                        return tfl::CreateArgMaxOptions(b.fbb(), tfl::TensorType::INT32).Union();
                      },
                      DataType::kInt32),
                  "ARG_MAX", "axis");
    ExpectRefused("ARG_MIN" + a,
                  AxisTensorModel(
                      Op::ARG_MIN, axis, Opts::ArgMinOptions,
                      [](ModelBuilder& b) {
                        return tfl::CreateArgMinOptions(b.fbb(), tfl::TensorType::INT32).Union();
                      },
                      DataType::kInt32),
                  "ARG_MIN", "axis");
  }
}

TEST(OutOfBounds, SplitAxis) {
  for (int32_t axis : {2, -3, kIntMax}) {
    ModelBuilder b;
    int ax = b.AddConstant<int32_t>(DataType::kInt32, {}, {axis});
    int in = b.AddTensor(DataType::kFloat32, {2, 4});
    int o1 = b.AddTensor(DataType::kFloat32, {2, 2});
    int o2 = b.AddTensor(DataType::kFloat32, {2, 2});
    auto opts = tfl::CreateSplitOptions(b.fbb(), 2);
    b.AddOperator(Op::SPLIT, {ax, in}, {o1, o2}, Opts::SplitOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({o1, o2});
    ExpectRefused("SPLIT axis " + std::to_string(axis), b.Finish(), "SPLIT", "axis");
  }
}

TEST(OutOfBounds, SplitVSizes) {
  for (std::vector<int32_t> sizes :
       {std::vector<int32_t>{3, 3}, {-2, 6}, {kIntMax, 1}, {-1, -1}, {5, -1}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 4});
    int sz = b.AddConstant<int32_t>(DataType::kInt32, {2}, sizes);
    int ax = b.AddConstant<int32_t>(DataType::kInt32, {}, {1});
    int o1 = b.AddTensor(DataType::kFloat32, {2, 2});
    int o2 = b.AddTensor(DataType::kFloat32, {2, 2});
    auto opts = tfl::CreateSplitVOptions(b.fbb(), 2);
    b.AddOperator(Op::SPLIT_V, {in, sz, ax}, {o1, o2}, Opts::SplitVOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({o1, o2});
    ExpectRefused("SPLIT_V sizes " + std::to_string(sizes[0]) + "," + std::to_string(sizes[1]),
                  b.Finish(), "SPLIT_V");
  }
}

TEST(OutOfBounds, TransposePermutation) {
  for (std::vector<int32_t> perm : {std::vector<int32_t>{0, 2}, {1, 1}, {-1, 0}, {0, kIntMax}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    int p = b.AddConstant<int32_t>(DataType::kInt32, {2}, perm);
    int out = b.AddTensor(DataType::kFloat32, {3, 2});
    b.AddOperator(Op::TRANSPOSE, {in, p}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("TRANSPOSE perm " + std::to_string(perm[0]) + "," + std::to_string(perm[1]),
                  b.Finish(), "TRANSPOSE");
  }
}

TEST(OutOfBounds, SqueezeExpandDimsPackUnpackAxes) {
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 3});
    int out = b.AddTensor(DataType::kFloat32, {3});
    auto dims = b.fbb().CreateVector(std::vector<int32_t>{7});
    auto opts = tfl::CreateSqueezeOptions(b.fbb(), dims);
    b.AddOperator(Op::SQUEEZE, {in}, {out}, Opts::SqueezeOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("SQUEEZE dim 7", b.Finish(), "SQUEEZE");
  }
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    int ax = b.AddConstant<int32_t>(DataType::kInt32, {}, {9});
    int out = b.AddTensor(DataType::kFloat32, {2, 3, 1});
    b.AddOperator(Op::EXPAND_DIMS, {in, ax}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("EXPAND_DIMS axis 9", b.Finish(), "EXPAND_DIMS", "axis");
  }
  {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {2, 3});
    int y = b.AddTensor(DataType::kFloat32, {2, 3});
    int out = b.AddTensor(DataType::kFloat32, {2, 2, 3});
    auto opts = tfl::CreatePackOptions(b.fbb(), 2, 5);
    b.AddOperator(Op::PACK, {x, y}, {out}, Opts::PackOptions, opts.Union());
    b.SetInputs({x, y});
    b.SetOutputs({out});
    ExpectRefused("PACK axis 5", b.Finish(), "PACK", "axis");
  }
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    int o1 = b.AddTensor(DataType::kFloat32, {3});
    int o2 = b.AddTensor(DataType::kFloat32, {3});
    auto opts = tfl::CreateUnpackOptions(b.fbb(), 2, -5);
    b.AddOperator(Op::UNPACK, {in}, {o1, o2}, Opts::UnpackOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({o1, o2});
    ExpectRefused("UNPACK axis -5", b.Finish(), "UNPACK", "axis");
  }
  {
    // num disagrees with the dim: 5 outputs declared for a dim of 2.
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    std::vector<int> outs;
    for (int i = 0; i < 5; ++i) outs.push_back(b.AddTensor(DataType::kFloat32, {3}));
    auto opts = tfl::CreateUnpackOptions(b.fbb(), 5, 0);
    b.AddOperator(Op::UNPACK, {in}, outs, Opts::UnpackOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs(outs);
    ExpectRefused("UNPACK num 5 of dim 2", b.Finish(), "UNPACK");
  }
}

TEST(OutOfBounds, SliceBounds) {
  for (auto bounds : {std::vector<int32_t>{0, 0, 3, 4},
                      {-1, 0, 1, 1},
                      {1, 1, 2, -2},
                      {kIntMax, 0, 1, 1},
                      {1, 0, kIntMax, 1}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 3});
    int begin = b.AddConstant<int32_t>(DataType::kInt32, {2}, {bounds[0], bounds[1]});
    int size = b.AddConstant<int32_t>(DataType::kInt32, {2}, {bounds[2], bounds[3]});
    int out = b.AddTensor(DataType::kFloat32, {1, 1});
    b.AddOperator(Op::SLICE, {in, begin, size}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("SLICE begin " + std::to_string(bounds[0]) + "," + std::to_string(bounds[1]) +
                      " size " + std::to_string(bounds[2]) + "," + std::to_string(bounds[3]),
                  b.Finish(), "SLICE");
  }
}

TEST(OutOfBounds, MirrorPadWiderThanInput) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {2, 2}, {5, 5, 0, 0});
  int out = b.AddTensor(DataType::kFloat32, {12, 3});
  auto opts = tfl::CreateMirrorPadOptions(b.fbb(), tfl::MirrorPadMode::REFLECT);
  b.AddOperator(Op::MIRROR_PAD, {in, pads}, {out}, Opts::MirrorPadOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRefused("MIRROR_PAD 5 on a dim of 2", b.Finish(), "MIRROR_PAD");
}

TEST(OutOfBounds, OneHotNegativeDepthAndTopKTooLarge) {
  {
    ModelBuilder b;
    int idx = b.AddTensor(DataType::kInt32, {3});
    int depth = b.AddConstant<int32_t>(DataType::kInt32, {}, {-4});
    int on = b.AddConstant<float>(DataType::kFloat32, {}, {1.0f});
    int off = b.AddConstant<float>(DataType::kFloat32, {}, {0.0f});
    int out = b.AddTensor(DataType::kFloat32, {3, 4});
    auto opts = tfl::CreateOneHotOptions(b.fbb(), -1);
    b.AddOperator(Op::ONE_HOT, {idx, depth, on, off}, {out}, Opts::OneHotOptions, opts.Union());
    b.SetInputs({idx});
    b.SetOutputs({out});
    ExpectRefused("ONE_HOT depth -4", b.Finish(), "ONE_HOT", "depth");
  }
  for (int32_t k : {9, -1, kIntMax}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {2, 4});
    int kk = b.AddConstant<int32_t>(DataType::kInt32, {}, {k});
    int vals = b.AddTensor(DataType::kFloat32, {2, 4});
    int idx = b.AddTensor(DataType::kInt32, {2, 4});
    b.AddOperator(Op::TOPK_V2, {in, kk}, {vals, idx});
    b.SetInputs({in});
    b.SetOutputs({vals, idx});
    ExpectRefused("TOPK_V2 k " + std::to_string(k) + " of 4", b.Finish(), "TOPK_V2");
  }
}

TEST(OutOfBounds, GatherNdAndScatterNdIndicesAtInvoke) {
  for (int32_t bad : {2, -1, kIntMax}) {
    ModelBuilder b;
    int params = b.AddTensor(DataType::kFloat32, {2, 3});
    int idx = b.AddTensor(DataType::kInt32, {2, 2});
    int out = b.AddTensor(DataType::kFloat32, {2});
    b.AddOperator(Op::GATHER_ND, {params, idx}, {out});
    b.SetInputs({params, idx});
    b.SetOutputs({out});
    ExpectInvokeError("GATHER_ND index " + std::to_string(bad), b.Finish(), "GATHER_ND",
                      SetInput<int32_t>(1, {0, 0, bad, 1}));
  }
  for (int32_t bad : {4, -1, kIntMax}) {
    ModelBuilder b;
    int idx = b.AddTensor(DataType::kInt32, {2, 1});
    int updates = b.AddTensor(DataType::kFloat32, {2, 3});
    int shape = b.AddConstant<int32_t>(DataType::kInt32, {2}, {4, 3});
    int out = b.AddTensor(DataType::kFloat32, {4, 3});
    b.AddOperator(Op::SCATTER_ND, {idx, updates, shape}, {out});
    b.SetInputs({idx, updates});
    b.SetOutputs({out});
    ExpectInvokeError("SCATTER_ND index " + std::to_string(bad), b.Finish(), "SCATTER_ND",
                      SetInput<int32_t>(0, {1, bad}));
  }
}

// ---------------------------------------------------------------------------
// Overflowing shape products: outputs computed at prepare from constants.

TEST(ShapeOverflow, TileMultiples) {
  for (std::vector<int32_t> m :
       {std::vector<int32_t>{1 << 20, 1 << 20}, {kIntMax, kIntMax}, {-1, 2}, {1 << 16, 1 << 17}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {4, 4});
    int mult = b.AddConstant<int32_t>(DataType::kInt32, {2}, m);
    int out = b.AddTensor(DataType::kFloat32, {4, 4});
    b.AddOperator(Op::TILE, {in, mult}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("TILE by " + std::to_string(m[0]) + "x" + std::to_string(m[1]), b.Finish(),
                  "TILE");
  }
}

TEST(ShapeOverflow, BroadcastToAndFillHugeShapes) {
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 1, 1});
    int shape = b.AddConstant<int32_t>(DataType::kInt32, {3}, {kIntMax, kIntMax, kIntMax});
    int out = b.AddTensor(DataType::kFloat32, {1, 1, 1});
    b.AddOperator(Op::BROADCAST_TO, {in, shape}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    ExpectRefused("BROADCAST_TO [INT_MAX]^3", b.Finish(), "BROADCAST_TO");
  }
  for (std::vector<int32_t> dims :
       {std::vector<int32_t>{kIntMax, kIntMax, kIntMax}, {1 << 20, 1 << 20, 4}, {-3, 2, 2}}) {
    ModelBuilder b;
    int d = b.AddConstant<int32_t>(DataType::kInt32, {3}, dims);
    int v = b.AddConstant<float>(DataType::kFloat32, {}, {1.0f});
    int out = b.AddTensor(DataType::kFloat32, {1, 1, 1});
    b.AddOperator(Op::FILL, {d, v}, {out});
    b.SetOutputs({out});
    ExpectRefused("FILL " + std::to_string(dims[0]) + "x" + std::to_string(dims[1]) + "x" +
                      std::to_string(dims[2]),
                  b.Finish(), "FILL");
  }
}

TEST(ShapeOverflow, EmptyOutputsWithHugeAxesBuildNothing) {
  // Zero elements, but two axes of 2^31 - 1: the per-axis index maps of
  // TILE/BROADCAST_TO must not be built (16 GiB each), found by this suite.
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 1, 0});
    int shape = b.AddConstant<int32_t>(DataType::kInt32, {3}, {kIntMax, kIntMax, 0});
    int out = b.AddTensor(DataType::kFloat32, {1, 1, 0});
    b.AddOperator(Op::BROADCAST_TO, {in, shape}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    Outcome o = RunModel(b.Finish(), nullptr);
    if (o.stage != Stage::kDone) {
      EXPECT_FALSE(o.status.message().empty()) << o.ToString();
    }
  }
  {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 1, 0});
    int mult = b.AddConstant<int32_t>(DataType::kInt32, {3}, {kIntMax, kIntMax, 5});
    int out = b.AddTensor(DataType::kFloat32, {1, 1, 0});
    b.AddOperator(Op::TILE, {in, mult}, {out});
    b.SetInputs({in});
    b.SetOutputs({out});
    Outcome o = RunModel(b.Finish(), nullptr);
    if (o.stage != Stage::kDone) {
      EXPECT_FALSE(o.status.message().empty()) << o.ToString();
    }
  }
}

TEST(ShapeOverflow, ResizeToHugeSize) {
  for (Op op : {Op::RESIZE_BILINEAR, Op::RESIZE_NEAREST_NEIGHBOR}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 2, 2, 3});
    int size = b.AddConstant<int32_t>(DataType::kInt32, {2}, {kIntMax, kIntMax});
    int out = b.AddTensor(DataType::kFloat32, {1, 2, 2, 3});
    if (op == Op::RESIZE_BILINEAR) {
      auto opts = tfl::CreateResizeBilinearOptions(b.fbb());
      b.AddOperator(op, {in, size}, {out}, Opts::ResizeBilinearOptions, opts.Union());
    } else {
      auto opts = tfl::CreateResizeNearestNeighborOptions(b.fbb());
      b.AddOperator(op, {in, size}, {out}, Opts::ResizeNearestNeighborOptions, opts.Union());
    }
    b.SetInputs({in});
    b.SetOutputs({out});
    const char* name = tfl::EnumNameBuiltinOperator(op);
    ExpectRefused(std::string(name) + " to INT_MAX x INT_MAX", b.Finish(), name);
  }
}

TEST(ShapeOverflow, ConcatenationPastInt32) {
  // Two [1, 2^30] inputs along axis 1: the output dim 2^31 does not fit in
  // a tensor dim (int32). Nothing is allocated before prepare checks it.
  ModelBuilder b;
  int x = b.AddTensor(DataType::kInt8, {1, 1 << 30});
  int y = b.AddTensor(DataType::kInt8, {1, 1 << 30});
  int out = b.AddTensor(DataType::kInt8, {1, 1});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), 1);
  b.AddOperator(Op::CONCATENATION, {x, y}, {out}, Opts::ConcatenationOptions, opts.Union());
  b.SetInputs({x, y});
  b.SetOutputs({out});
  ExpectRefused("CONCATENATION to 2^31", b.Finish(), "CONCATENATION");
}

// ---------------------------------------------------------------------------
// Huge allocations under the memory limit.

TEST(HugeAllocation, FoldedConstantOverTheLimit) {
  // FILL with constant operands is computed at prepare (a folded constant):
  // 64 Mi floats = 256 MiB, over a 16 MiB limit.
  ModelBuilder b;
  int d = b.AddConstant<int32_t>(DataType::kInt32, {2}, {1 << 13, 1 << 13});
  int v = b.AddConstant<float>(DataType::kFloat32, {}, {1.0f});
  int filled = b.AddTensor(DataType::kFloat32, {1 << 13, 1 << 13});
  int in = b.AddTensor(DataType::kFloat32, {1, 1});
  int out = b.AddTensor(DataType::kFloat32, {1 << 13, 1 << 13});
  b.AddOperator(Op::FILL, {d, v}, {filled});
  auto opts = tfl::CreateAddOptions(b.fbb());
  b.AddOperator(Op::ADD, {filled, in}, {out}, Opts::AddOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = RunModel(b.Finish(), nullptr, size_t{16} << 20);
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) return;
  EXPECT_EQ(o.stage, Stage::kAllocate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted) << o.ToString();
}

TEST(HugeAllocation, ClearErrorNamesTheLimit) {
  // A plausible model that simply needs more than the limit allows: the
  // error says how much it needs and what the limit is.
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 512, 512, 16});
  int out = b.AddTensor(DataType::kFloat32, {1, 512, 512, 16});
  auto opts = tfl::CreateAddOptions(b.fbb());
  b.AddOperator(Op::ADD, {in, in}, {out}, Opts::AddOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  const std::vector<uint8_t> bytes = b.Finish();
  Outcome o = RunModel(bytes, nullptr, size_t{8} << 20);  // needs 32 MiB
  EXPECT_EQ(o.stage, Stage::kAllocate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted) << o.ToString();
  EXPECT_TRUE(ContainsNoCase(o.status.message(), "limit")) << o.ToString();
  EXPECT_TRUE(o.status.message().find(std::to_string(size_t{8} << 20)) != std::string::npos)
      << "the message should give the limit in bytes: " << o.ToString();
  // The same model runs when the limit allows it.
  o = RunModel(bytes, nullptr, size_t{64} << 20);
  EXPECT_EQ(o.stage, Stage::kDone) << o.ToString();
}

}  // namespace
}  // namespace edgeml
