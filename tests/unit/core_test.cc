// Core runtime: status, shapes, arena planner, model loading and the
// interpreter's graph checks and lifecycle.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/arena_planner.h"
#include "edgeml/interpreter.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

TEST(Status, CarriesCodeAndMessage) {
  Status s = Errorf(StatusCode::kInvalidModel, "tensor %d bad", 3);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "InvalidModel: tensor 3 bad");
  EXPECT_EQ(s.WithPrefix("m.tflite").message(), "m.tflite: tensor 3 bad");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(Shape, ElementCountDetectsOverflowAndNegatives) {
  int64_t n = 0;
  EXPECT_TRUE(ShapeElementCount({2, 3, 4}, &n));
  EXPECT_EQ(n, 24);
  EXPECT_TRUE(ShapeElementCount({}, &n));
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(ShapeElementCount({-1, 3}, &n));
  EXPECT_FALSE(ShapeElementCount({1 << 30, 1 << 30, 1 << 30}, &n));
  EXPECT_FALSE(ShapeElementCount({1 << 30, 1 << 30}, &n, 16));
}

TEST(ArenaPlanner, DisjointLifetimesShareMemory) {
  using internal::ArenaRequest;
  // a: [0,1], b: [1,2], c: [2,3] -> a and c can share; b overlaps both.
  std::vector<ArenaRequest> req = {{100, 0, 1}, {100, 1, 2}, {100, 2, 3}};
  std::vector<size_t> off;
  size_t total = internal::PlanArena(req, 64, &off);
  EXPECT_EQ(total, 256u);  // two 128-byte aligned slots
  EXPECT_EQ(off[0], off[2]);
  EXPECT_NE(off[0], off[1]);
}

TEST(ArenaPlanner, OverlappingLifetimesNeverOverlapInMemory) {
  using internal::ArenaRequest;
  std::vector<ArenaRequest> req;
  uint32_t seed = 7;
  auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  for (int i = 0; i < 200; ++i) {
    int a = next() % 50, b = a + next() % 10;
    req.push_back({1 + next() % 5000, a, b});
  }
  std::vector<size_t> off;
  size_t total = internal::PlanArena(req, 64, &off);
  for (size_t i = 0; i < req.size(); ++i) {
    EXPECT_EQ(off[i] % 64, 0u);
    EXPECT_LE(off[i] + req[i].bytes, total);
    for (size_t j = i + 1; j < req.size(); ++j) {
      bool live = !(req[i].last < req[j].first || req[j].last < req[i].first);
      bool mem = off[i] < off[j] + req[j].bytes && off[j] < off[i] + req[i].bytes;
      EXPECT_FALSE(live && mem) << i << " vs " << j;
    }
  }
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

TEST(Model, LoadsRealModelsByMmapAndFromBuffer) {
  for (const char* name : {"face_detection_short_range", "selfie_segmentation",
                           "hand_landmark_lite", "pose_landmark_lite"}) {
    std::string path = std::string(EDGEML_TESTDATA_DIR) + "/models/" + name + ".tflite";
    std::unique_ptr<Model> m;
    ASSERT_TRUE(Model::FromFile(path, &m).ok()) << path;
    EXPECT_EQ(m->num_subgraphs(), 1);
    EXPECT_EQ(m->schema_version(), 3u);
    std::vector<uint8_t> bytes = ReadFile(path);
    std::unique_ptr<Model> m2;
    ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &m2).ok());
    EXPECT_EQ(m2->size(), bytes.size());
  }
}

TEST(Model, RejectsMissingFileAndWrongIdentifier) {
  std::unique_ptr<Model> m;
  Status s = Model::FromFile("/nonexistent/x.tflite", &m);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  std::vector<uint8_t> bytes = ReadFile(std::string(EDGEML_TESTDATA_DIR) +
                                        "/models/face_detection_short_range.tflite");
  bytes[4] = 'X';
  s = Model::FromBufferCopy(bytes.data(), bytes.size(), &m);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("TFL3"), std::string::npos) << s.message();
}

TEST(Model, RejectsConstantBufferShorterThanShape) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int c = b.AddConstant<float>(DataType::kFloat32, {4}, {1, 2, 3});
  int out = b.AddTensor(DataType::kFloat32, {2});
  b.AddOperator(tfl::BuiltinOperator::ADD, {in, c}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  Status s = m.Build(b);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("tensor 1"), std::string::npos) << s.message();
}

// y = x + c with c a constant, in a builder the caller can configure.
std::vector<float> RunAddConstant(ModelBuilder& b, int* status_code = nullptr) {
  int x = b.AddTensor(DataType::kFloat32, {4}, "x");
  int c = b.AddConstant<float>(DataType::kFloat32, {4}, {1, 2, 3, 4}, "c");
  int y = b.AddTensor(DataType::kFloat32, {4}, "y");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, c}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  Status s = m.Build(b);
  if (status_code) *status_code = static_cast<int>(s.code());
  if (!s.ok()) return {};
  m.SetInput<float>(0, {10, 20, 30, 40});
  if (!m.interp->Invoke().ok()) return {};
  return m.GetOutput<float>(0);
}

TEST(Model, ReadsBuffersStoredAfterTheFlatbuffer) {
  ModelBuilder b;
  b.SetExternalBuffers(true);
  EXPECT_EQ(RunAddConstant(b), (std::vector<float>{11, 22, 33, 44}));
}

TEST(Model, RejectsExternalBufferOutsideTheFile) {
  ModelBuilder b;
  b.SetExternalBuffers(true);
  int x = b.AddTensor(DataType::kFloat32, {4});
  int c = b.AddConstant<float>(DataType::kFloat32, {4}, {1, 2, 3, 4});
  int y = b.AddTensor(DataType::kFloat32, {4});
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, c}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  std::vector<uint8_t> bytes = b.Finish();
  bytes.resize(bytes.size() - 8);  // the constant's last two floats are cut off
  std::unique_ptr<Model> m;
  Status s = Model::FromBufferCopy(bytes.data(), bytes.size(), &m);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("outside the file"), std::string::npos) << s.message();
}

TEST(Model, ListsSignaturesAndMetadata) {
  ModelBuilder b;
  b.AddSignature("serving_default", {{"pixels", 0}}, {{"scores", 2}});
  b.AddMetadata("min_runtime_version", {'1', '.', '5', '.', '0'});
  int x = b.AddTensor(DataType::kFloat32, {4}, "x");
  int c = b.AddConstant<float>(DataType::kFloat32, {4}, {1, 2, 3, 4}, "c");
  int y = b.AddTensor(DataType::kFloat32, {4}, "y");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, c}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  ASSERT_TRUE(m.Build(b).ok());
  std::vector<SignatureInfo> sigs = m.interp->signatures();
  ASSERT_EQ(sigs.size(), 1u);
  EXPECT_EQ(sigs[0].key, "serving_default");
  EXPECT_EQ(sigs[0].subgraph_index, 0);
  ASSERT_EQ(sigs[0].inputs.size(), 1u);
  EXPECT_EQ(sigs[0].inputs[0], (std::pair<std::string, int>{"pixels", 0}));
  EXPECT_EQ(sigs[0].outputs[0], (std::pair<std::string, int>{"scores", 2}));
  std::vector<Model::MetadataEntry> md = m.model->metadata();
  ASSERT_EQ(md.size(), 1u);
  EXPECT_EQ(md[0].name, "min_runtime_version");
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(md[0].data), md[0].size), "1.5.0");
}

TEST(Model, RejectsSignatureWithTensorOutOfRange) {
  ModelBuilder b;
  b.AddSignature("serving_default", {{"pixels", 99}}, {});
  int code = 0;
  RunAddConstant(b, &code);
  EXPECT_EQ(code, static_cast<int>(StatusCode::kInvalidModel));
}

TEST(Interpreter, ReportsUnsupportedOpsByName) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2});
  b.AddOperator(tfl::BuiltinOperator::LSH_PROJECTION, {in}, {out});
  b.AddCustomOperator("NoSuchOp", {in}, {b.AddTensor(DataType::kFloat32, {2})});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  Status s = m.Build(b);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("LSH_PROJECTION (node 0)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("NoSuchOp (node 1)"), std::string::npos) << s.message();
}

TEST(Interpreter, RejectsReadBeforeWrite) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int orphan = b.AddTensor(DataType::kFloat32, {2}, "orphan");
  int out = b.AddTensor(DataType::kFloat32, {2});
  b.AddOperator(tfl::BuiltinOperator::ADD, {in, orphan}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  Status s = m.Build(b);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("'orphan'"), std::string::npos) << s.message();
}

TEST(Interpreter, RejectsWritingAConstant) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int c = b.AddConstant<float>(DataType::kFloat32, {2}, {1, 2});
  b.AddOperator(tfl::BuiltinOperator::ADD, {in, in}, {c});
  b.SetInputs({in});
  b.SetOutputs({c});
  TestModel m;
  EXPECT_EQ(m.Build(b).code(), StatusCode::kInvalidModel);
}

TEST(Interpreter, InvokeBeforeAllocateFails) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2});
  b.AddOperator(tfl::BuiltinOperator::ADD, {in, in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  TestModel m;
  ASSERT_TRUE(m.Build(b, /*allocate=*/false).ok());
  EXPECT_EQ(m.interp->Invoke().code(), StatusCode::kFailedPrecondition);
}

TEST(Interpreter, ChainOfOpsRunsAndReusesArena) {
  // x -> t1 -> t2 -> t3 -> y, one ADD each. Lifetimes in node steps: x [0,4],
  // t1 [0,1], t2 [1,2], t3 [2,3], y [3,4]: t1 can share with t3 and t2 with y.
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {1, 1024}, "x");
  int t1 = b.AddTensor(DataType::kFloat32, {1, 1024});
  int t2 = b.AddTensor(DataType::kFloat32, {1, 1024});
  int t3 = b.AddTensor(DataType::kFloat32, {1, 1024});
  int y = b.AddTensor(DataType::kFloat32, {1, 1024}, "y");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {t1});
  b.AddOperator(tfl::BuiltinOperator::ADD, {t1, t1}, {t2});
  b.AddOperator(tfl::BuiltinOperator::ADD, {t2, t2}, {t3});
  b.AddOperator(tfl::BuiltinOperator::ADD, {t3, t3}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  TestModel m;
  Status s = m.Build(b);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(m.interp->FindInput("x"), 0);
  EXPECT_EQ(m.interp->FindOutput("y"), 0);
  EXPECT_EQ(m.interp->arena_bytes(), 3u * 4096u);
  std::vector<float> in(1024);
  for (int i = 0; i < 1024; ++i) in[i] = static_cast<float>(i) * 0.5f;
  m.SetInput(0, in);
  ASSERT_TRUE(m.interp->Invoke().ok());
  std::vector<float> out = m.GetOutput<float>(0);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(out[i], in[i] * 16.f);
  // Resizing re-plans; invoking without allocating again is refused.
  ASSERT_TRUE(m.interp->ResizeInput(0, {2, 1024}).ok());
  EXPECT_FALSE(m.interp->Invoke().ok());
  ASSERT_TRUE(m.interp->AllocateTensors().ok());
  EXPECT_EQ(m.interp->output(0)->shape, (Shape{2, 1024}));
}

}  // namespace
}  // namespace edgeml
