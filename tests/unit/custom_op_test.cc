// The custom-op registration API, used the way an application would: only
// public headers, an op with state built at prepare and custom options.
#include <gtest/gtest.h>

#include <cstring>

#include "edgeml/interpreter.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

// y = x * factor + offset, factor/offset read from 8 bytes of custom options.
struct AffineState : OpState {
  float factor = 1, offset = 0;
};

Status AffinePrepare(OpContext& ctx) {
  if (ctx.num_inputs() != 1 || ctx.num_outputs() != 1) {
    return ctx.InvalidModel("expects 1 input and 1 output");
  }
  size_t size = 0;
  const uint8_t* opts = ctx.custom_options(&size);
  if (size != 8) return ctx.InvalidModel("custom options are %zu bytes; expected 8", size);
  auto state = std::make_unique<AffineState>();
  std::memcpy(&state->factor, opts, 4);
  std::memcpy(&state->offset, opts + 4, 4);
  ctx.set_state(std::move(state));
  return ctx.SetOutputShape(0, ctx.input(0).shape);
}

Status AffineEval(OpContext& ctx) {
  const AffineState* st = ctx.state<AffineState>();
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  for (int64_t i = 0; i < x.num_elements(); ++i) {
    y.data_as<float>()[i] = x.data_as<float>()[i] * st->factor + st->offset;
  }
  return Status::Ok();
}

std::vector<uint8_t> Floats(float a, float b) {
  std::vector<uint8_t> v(8);
  std::memcpy(v.data(), &a, 4);
  std::memcpy(v.data() + 4, &b, 4);
  return v;
}

TEST(CustomOp, RegisteredOpRunsWithItsOptionsAndState) {
  testing::ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {3});
  int y = b.AddTensor(DataType::kFloat32, {3});
  b.AddCustomOperator("Affine", {x}, {y}, Floats(2.f, 0.5f));
  b.SetInputs({x});
  b.SetOutputs({y});
  std::vector<uint8_t> bytes = b.Finish();

  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  std::unique_ptr<Interpreter> interp;
  BuiltinOpResolver plain;
  Status s = Interpreter::Create(*model, plain, {}, &interp);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("Affine (node 0)"), std::string::npos) << s.message();

  BuiltinOpResolver resolver;
  OpRegistration reg;
  reg.name = "Affine";
  reg.prepare = AffinePrepare;
  reg.eval = AffineEval;
  resolver.AddCustom("Affine", reg);
  ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok());
  ASSERT_TRUE(interp->AllocateTensors().ok());
  float in[3] = {1, -2, 3};
  std::memcpy(interp->input(0)->data, in, sizeof(in));
  ASSERT_TRUE(interp->Invoke().ok());
  const float* out = interp->output(0)->data_as<float>();
  EXPECT_FLOAT_EQ(out[0], 2.5f);
  EXPECT_FLOAT_EQ(out[1], -3.5f);
  EXPECT_FLOAT_EQ(out[2], 6.5f);
}

TEST(CustomOp, PrepareErrorNamesOpAndNode) {
  testing::ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {3});
  int y = b.AddTensor(DataType::kFloat32, {3});
  b.AddCustomOperator("Affine", {x}, {y}, {1, 2, 3});
  b.SetInputs({x});
  b.SetOutputs({y});
  std::vector<uint8_t> bytes = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  resolver.AddCustom("Affine", OpRegistration{"Affine", 1, 1, AffinePrepare, AffineEval});
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok());
  Status s = interp->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_EQ(s.message(), "Affine (node 0): custom options are 3 bytes; expected 8");
}

TEST(CustomOp, VersionOutsideRegistrationIsRejectedAtCreate) {
  testing::ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {3});
  int y = b.AddTensor(DataType::kFloat32, {3});
  b.AddCustomOperator("Affine", {x}, {y}, Floats(1, 0), /*version=*/3);
  b.SetInputs({x});
  b.SetOutputs({y});
  std::vector<uint8_t> bytes = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  resolver.AddCustom("Affine", OpRegistration{"Affine", 1, 2, AffinePrepare, AffineEval});
  std::unique_ptr<Interpreter> interp;
  Status s = Interpreter::Create(*model, resolver, {}, &interp);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("Affine version 3"), std::string::npos) << s.message();
}

TEST(Interpreter, MemoryLimitStopsOversizedModelsAtAllocate) {
  testing::ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {1024, 1024});
  int y = b.AddTensor(DataType::kFloat32, {1024, 1024});
  b.AddOperator(tfl::BuiltinOperator::RELU, {x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  std::vector<uint8_t> bytes = b.Finish();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.memory_limit_bytes = 4 << 20;  // needs 8 MiB
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, options, &interp).ok());
  Status s = interp->AllocateTensors();
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(interp->Invoke().ok());
  options.memory_limit_bytes = 16 << 20;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, options, &interp).ok());
  EXPECT_TRUE(interp->AllocateTensors().ok());
}

}  // namespace
}  // namespace edgeml
