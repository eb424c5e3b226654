// TFLite_Detection_PostProcess and NON_MAX_SUPPRESSION_V4/V5.
//  - LiteRT goldens (scripts/make_detection_goldens.py): the quantized forms
//    of the post-process op (uint8 encodings, anchors and scores; float boxes
//    with uint8 scores and two classes per detection), compared exactly.
//    The float SSD models and NMS V4/V5 models run in the zoo (zoo_test).
//  - Crafted options and shapes give InvalidModel/Unsupported, never a crash.
//  - Inline cases for the hand-checkable behaviour: hard NMS, soft NMS,
//    regular NMS ordering across classes.
#define FLATBUFFERS_LOCALE_INDEPENDENT 0  // header-only FlexBuffers (see the op)
#include <flatbuffers/flexbuffers.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "io/npy.h"
#include "util/golden.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;
using testing::TestModel;

std::string Dir() { return std::string(EDGEML_TESTDATA_DIR) + "/detection/"; }

void RunGolden(const std::string& name) {
  SCOPED_TRACE(name);
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromFile(Dir() + name + ".tflite", &model).ok());
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok());
  ASSERT_TRUE(interp->AllocateTensors().ok());
  for (int i = 0; i < 2; ++i) {
    io::NpyArray a;
    ASSERT_TRUE(io::ReadNpy(Dir() + name + ".input_" + std::to_string(i) + ".npy", &a).ok());
    Tensor* t = interp->input(i);
    ASSERT_EQ(t->type, a.type);
    ASSERT_EQ(t->bytes, a.data.size());
    std::memcpy(t->data, a.data.data(), a.data.size());
  }
  Status st = interp->Invoke();
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (int i = 0; i < 4; ++i) {
    io::NpyArray want;
    ASSERT_TRUE(io::ReadNpy(Dir() + name + ".output_" + std::to_string(i) + ".npy", &want).ok());
    const Tensor* t = interp->output(i);
    ASSERT_EQ(t->shape, want.shape) << "output " << i;
    ASSERT_EQ(t->bytes, want.data.size());
    // Exact: the same float operations in the same order as LiteRT.
    EXPECT_EQ(0, std::memcmp(t->data, want.data.data(), t->bytes)) << "output " << i;
  }
}

TEST(DetectionPostProcess, Uint8FastNmsMatchesLiteRT) { RunGolden("postprocess_u8_fast"); }
TEST(DetectionPostProcess, Uint8RegularNmsMatchesLiteRT) { RunGolden("postprocess_u8_regular"); }
TEST(DetectionPostProcess, FloatBoxesUint8ScoresTwoClassesMatchLiteRT) {
  RunGolden("postprocess_mixed");
}

struct PostOptions {
  int max_detections = 3;
  int max_classes_per_detection = 1;
  int detections_per_class = 100;
  bool regular = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.5f;
  int num_classes = 2;
  bool omit_num_classes = false;
};

std::vector<uint8_t> Flex(const PostOptions& o) {
  flexbuffers::Builder fbb;
  fbb.Map([&]() {
    fbb.Int("max_detections", o.max_detections);
    fbb.Int("max_classes_per_detection", o.max_classes_per_detection);
    fbb.Int("detections_per_class", o.detections_per_class);
    fbb.Bool("use_regular_nms", o.regular);
    fbb.Float("nms_score_threshold", o.score_threshold);
    fbb.Float("nms_iou_threshold", o.iou_threshold);
    if (!o.omit_num_classes) fbb.Int("num_classes", o.num_classes);
    fbb.Float("y_scale", 1.0f);
    fbb.Float("x_scale", 1.0f);
    fbb.Float("h_scale", 1.0f);
    fbb.Float("w_scale", 1.0f);
  });
  fbb.Finish();
  return fbb.GetBuffer();
}

// 4 anchors; encodings 0 so the decoded boxes are the anchors.
// anchors (yc, xc, h, w): 0 and 1 overlap heavily, 2 and 3 are apart.
Status BuildPost(const std::vector<uint8_t>& options, TestModel* m, int boxes = 4, int cols = 3,
                 DataType type = DataType::kFloat32) {
  ModelBuilder b;
  int enc = b.AddTensor(type, {1, boxes, 4}, "enc");
  int cls = b.AddTensor(DataType::kFloat32, {1, boxes, cols}, "cls");
  std::vector<float> anchors = {0.5f, 0.5f, 0.4f, 0.4f, 0.52f, 0.5f, 0.4f, 0.4f,
                                0.1f, 0.1f, 0.1f, 0.1f, 0.9f,  0.9f, 0.1f, 0.1f};
  anchors.resize(static_cast<size_t>(boxes) * 4, 0.1f);
  int anc = b.AddConstant<float>(DataType::kFloat32, {boxes, 4}, anchors, "anchors");
  int o0 = b.AddTensor(DataType::kFloat32, {}), o1 = b.AddTensor(DataType::kFloat32, {});
  int o2 = b.AddTensor(DataType::kFloat32, {}), o3 = b.AddTensor(DataType::kFloat32, {});
  b.AddCustomOperator("TFLite_Detection_PostProcess", {enc, cls, anc}, {o0, o1, o2, o3}, options);
  b.SetInputs({enc, cls});
  b.SetOutputs({o0, o1, o2, o3});
  return m->Build(b);
}

TEST(DetectionPostProcess, FastNmsSuppressesOverlapAndKeepsBestClass) {
  TestModel m;
  ASSERT_TRUE(BuildPost(Flex({}), &m).ok());
  m.SetInput<float>(0, std::vector<float>(16, 0.0f));
  // Columns: background, class 0, class 1.
  m.SetInput<float>(1, {0.9f, 0.2f, 0.8f,     // anchor 0: class 1 (0.8)
                        0.0f, 0.7f, 0.1f,     // anchor 1: overlaps 0 -> suppressed
                        0.0f, 0.3f, 0.6f,     // anchor 2: class 1 (0.6)
                        0.0f, 0.65f, 0.1f});  // anchor 3: class 0 (0.65)
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<float>(3), std::vector<float>({3.0f}));
  EXPECT_EQ(m.GetOutput<float>(1), std::vector<float>({1.0f, 0.0f, 1.0f}));
  EXPECT_EQ(m.GetOutput<float>(2), std::vector<float>({0.8f, 0.65f, 0.6f}));
  const std::vector<float> boxes = m.GetOutput<float>(0);
  EXPECT_FLOAT_EQ(boxes[0], 0.3f);  // anchor 0: yc 0.5 - h/2
  EXPECT_FLOAT_EQ(boxes[3], 0.7f);
  EXPECT_FLOAT_EQ(boxes[4], 0.85f);  // anchor 3: yc 0.9 - 0.05
}

TEST(DetectionPostProcess, RegularNmsMergesClassesByScore) {
  PostOptions o;
  o.regular = true;
  o.max_detections = 4;
  TestModel m;
  ASSERT_TRUE(BuildPost(Flex(o), &m).ok());
  m.SetInput<float>(0, std::vector<float>(16, 0.0f));
  m.SetInput<float>(1, {0.0f, 0.2f, 0.8f,  //
                        0.0f, 0.7f, 0.1f,  // class 0 best (0.7), overlaps anchor 0
                        0.0f, 0.3f, 0.6f,  //
                        0.0f, 0.65f, 0.1f});
  ASSERT_TRUE(m.interp->Invoke().ok());
  // Class 0 keeps anchors 1 (0.7; anchor 0 at 0.2 is suppressed by it) and 3
  // (0.65), then 2 (0.3); class 1 keeps 0 (0.8) and 2 (0.6); 3 is at 0.1.
  EXPECT_EQ(m.GetOutput<float>(3), std::vector<float>({4.0f}));
  EXPECT_EQ(m.GetOutput<float>(2), std::vector<float>({0.8f, 0.7f, 0.65f, 0.6f}));
  EXPECT_EQ(m.GetOutput<float>(1), std::vector<float>({1.0f, 0.0f, 0.0f, 1.0f}));
}

TEST(DetectionPostProcess, BadOptionsAndShapesAreErrors) {
  {  // not a flexbuffer
    TestModel m;
    Status st = BuildPost({1, 2, 3}, &m);
    EXPECT_EQ(st.code(), StatusCode::kInvalidModel) << st.ToString();
    EXPECT_NE(st.message().find("TFLite_Detection_PostProcess"), std::string::npos);
  }
  {  // no options at all
    TestModel m;
    EXPECT_EQ(BuildPost({}, &m).code(), StatusCode::kInvalidModel);
  }
  {  // num_classes missing reads as 0
    PostOptions o;
    o.omit_num_classes = true;
    TestModel m;
    Status st = BuildPost(Flex(o), &m);
    EXPECT_EQ(st.code(), StatusCode::kInvalidModel);
    EXPECT_NE(st.message().find("num_classes"), std::string::npos) << st.ToString();
  }
  {  // IoU threshold out of (0, 1]
    PostOptions o;
    o.iou_threshold = 0.0f;
    TestModel m;
    EXPECT_EQ(BuildPost(Flex(o), &m).code(), StatusCode::kInvalidModel);
  }
  {  // columns: num_classes 2 needs 2 or 3
    TestModel m;
    EXPECT_EQ(BuildPost(Flex({}), &m, 4, 5).code(), StatusCode::kInvalidModel);
  }
  {  // a type LiteRT does not accept
    TestModel m;
    EXPECT_EQ(BuildPost(Flex({}), &m, 4, 3, DataType::kInt8).code(), StatusCode::kUnsupported);
  }
  {  // detections overflow
    PostOptions o;
    o.max_detections = 1 << 20;
    o.max_classes_per_detection = 1 << 20;
    TestModel m;
    EXPECT_EQ(BuildPost(Flex(o), &m).code(), StatusCode::kInvalidModel);
  }
}

TEST(DetectionPostProcess, CorruptedOptionsNeverCrash) {
  // Every single-byte corruption of valid options, and truncations: each
  // either loads (and runs) or fails with a status.
  const std::vector<uint8_t> good = Flex({});
  for (size_t i = 0; i < good.size(); ++i) {
    for (uint8_t v : {uint8_t{0}, uint8_t{0x7f}, uint8_t{0xff}}) {
      std::vector<uint8_t> bad = good;
      bad[i] = v;
      TestModel m;
      if (BuildPost(bad, &m).ok()) {
        m.SetInput<float>(0, std::vector<float>(16, 0.0f));
        m.SetInput<float>(1, std::vector<float>(12, 0.5f));
        (void)m.interp->Invoke();
      }
    }
  }
  for (size_t n = 0; n < good.size(); ++n) {
    TestModel m;
    std::vector<uint8_t> cut(good.begin(), good.begin() + n);
    EXPECT_FALSE(BuildPost(cut, &m).ok()) << n;
  }
}

// --- NON_MAX_SUPPRESSION_V4 / V5 ------------------------------------------

Status BuildNms(bool v5, int max_out, TestModel* m, bool const_max = true) {
  ModelBuilder b;
  int boxes = b.AddTensor(DataType::kFloat32, {4, 4}, "boxes");
  int scores = b.AddTensor(DataType::kFloat32, {4}, "scores");
  int max_o = const_max ? b.AddConstant<int32_t>(DataType::kInt32, {}, {max_out}, "max")
                        : b.AddTensor(DataType::kInt32, {}, "max");
  int iou = b.AddConstant<float>(DataType::kFloat32, {}, {0.5f});
  int thr = b.AddConstant<float>(DataType::kFloat32, {}, {0.05f});
  std::vector<int> ins = {boxes, scores, max_o, iou, thr};
  if (v5) ins.push_back(b.AddConstant<float>(DataType::kFloat32, {}, {0.5f}));
  int idx = b.AddTensor(DataType::kInt32, {}), num = b.AddTensor(DataType::kInt32, {});
  std::vector<int> outs = {idx};
  if (v5) outs.push_back(b.AddTensor(DataType::kFloat32, {}));
  outs.push_back(num);
  b.AddOperator(v5 ? tfl::BuiltinOperator::NON_MAX_SUPPRESSION_V5
                   : tfl::BuiltinOperator::NON_MAX_SUPPRESSION_V4,
                ins, outs);
  std::vector<int> graph_in = {boxes, scores};
  if (!const_max) graph_in.push_back(max_o);
  b.SetInputs(graph_in);
  b.SetOutputs(outs);
  return m->Build(b);
}

const std::vector<float> kBoxes = {0, 0, 1, 1, 0, 0.1f, 1, 1.1f,  // 1 overlaps 0 (IoU 0.82)
                                   2, 2, 3, 3, 1, 1,    0, 0};    // 3 = box 0, corners swapped
const std::vector<float> kScores = {0.9f, 0.8f, 0.7f, 0.6f};

TEST(NonMaxSuppression, V4HardSuppressionPadsWithZeros) {
  TestModel m;
  ASSERT_TRUE(BuildNms(false, 4, &m).ok());
  m.SetInput<float>(0, kBoxes);
  m.SetInput<float>(1, kScores);
  ASSERT_TRUE(m.interp->Invoke().ok());
  EXPECT_EQ(m.GetOutput<int32_t>(0), std::vector<int32_t>({0, 2, 0, 0}));
  EXPECT_EQ(m.GetOutput<int32_t>(1), std::vector<int32_t>({2}));
}

TEST(NonMaxSuppression, V5SoftNmsDecaysOverlappingScores) {
  TestModel m;
  ASSERT_TRUE(BuildNms(true, 4, &m).ok());
  m.SetInput<float>(0, kBoxes);
  m.SetInput<float>(1, kScores);
  ASSERT_TRUE(m.interp->Invoke().ok());
  // IoU >= 0.5 still suppresses hard; non-overlapping boxes keep scores.
  EXPECT_EQ(m.GetOutput<int32_t>(0), std::vector<int32_t>({0, 2, 0, 0}));
  EXPECT_EQ(m.GetOutput<float>(1), std::vector<float>({0.9f, 0.7f, 0.0f, 0.0f}));
  EXPECT_EQ(m.GetOutput<int32_t>(2), std::vector<int32_t>({2}));
}

TEST(NonMaxSuppression, RunTimeMaxOutputSizeSizesTheOutputAtInvoke) {
  // max_output_size as a graph input: the op is prepared again in Invoke()
  // once the value is known (LiteRT: a dynamic output).
  TestModel m;
  Status st = BuildNms(false, 0, &m, /*const_max=*/false);
  ASSERT_TRUE(st.ok()) << st.ToString();
  m.SetInput<float>(0, kBoxes);
  m.SetInput<float>(1, kScores);
  m.SetInput<int32_t>(2, {3});
  st = m.interp->Invoke();
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(m.interp->output(0)->shape, Shape({3}));
  EXPECT_EQ(m.GetOutput<int32_t>(0), std::vector<int32_t>({0, 2, 0}));
  EXPECT_EQ(m.GetOutput<int32_t>(1), std::vector<int32_t>({2}));
  m.SetInput<int32_t>(2, {-1});
  st = m.interp->Invoke();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("max_output_size"), std::string::npos) << st.ToString();
}

TEST(NonMaxSuppression, NegativeMaxOutputSizeIsInvalid) {
  TestModel m;
  EXPECT_EQ(BuildNms(false, -1, &m).code(), StatusCode::kInvalidModel);
}

}  // namespace
}  // namespace edgeml
