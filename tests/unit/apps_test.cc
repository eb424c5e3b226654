// The apps (apps/) on the bundled photos, checked by geometry: the face box
// lies around the astronaut's face with the eyes inside it; the selfie mask
// covers the person and not the wall; pose landmarks fall on the person; the
// SSD detector's boxes are LiteRT's post-processed outputs scaled to the
// image. Also the image helpers the pictures rely on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "apps/detect.h"
#include "apps/image.h"
#include "apps/vision.h"
#include "format/metadata.h"
#include "io/npy.h"

namespace edgeml::apps {
namespace {

std::string Data(const std::string& p) { return std::string(EDGEML_TESTDATA_DIR) + "/" + p; }

// Where the face is in testdata/images/astronaut.png (512x512), read off the
// picture: the face spans about x 175..275, y 60..185; eyes near y 102.
constexpr float kFaceX = 225, kFaceY = 120;

Image Astronaut() {
  Image img;
  Status st = LoadImage(Data("images/astronaut.png"), &img);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return img;
}

TEST(Apps, FaceBoxLiesAroundTheAstronautsFace) {
  Detector det;
  ASSERT_TRUE(det.Load(Data("models/face_detection_short_range.tflite")).ok());
  ASSERT_EQ(det.kind(), DetectorKind::kMediaPipeFace);
  std::vector<Detection> dets;
  double ms = 0;
  ASSERT_TRUE(det.Detect(Astronaut(), 0.5f, &dets, &ms).ok());
  ASSERT_EQ(dets.size(), 1u);  // one face, after weighted NMS
  const Detection& d = dets[0];
  EXPECT_GT(d.score, 0.7f);
  EXPECT_LT(d.xmin, kFaceX - 30);
  EXPECT_GT(d.xmax, kFaceX + 30);
  EXPECT_LT(d.ymin, kFaceY - 20);
  EXPECT_GT(d.ymax, kFaceY + 30);
  // Not the whole body: a face-sized box centered on the face.
  EXPECT_LT(d.xmax - d.xmin, 180);
  EXPECT_GT(d.xmax - d.xmin, 60);
  EXPECT_NEAR((d.xmin + d.xmax) / 2, kFaceX, 25);
  EXPECT_NEAR((d.ymin + d.ymax) / 2, kFaceY + 10, 30);
  ASSERT_EQ(d.keypoints.size(), 6u);
  // Keypoints 0, 1: the eyes, left and right in the picture, level, inside
  // the box's upper half; 2 (nose tip) between them and lower.
  const Keypoint& e0 = d.keypoints[0];
  const Keypoint& e1 = d.keypoints[1];
  EXPECT_LT(e0.x, e1.x);
  EXPECT_NEAR(e0.y, e1.y, 12);
  EXPECT_NEAR(e0.y, 102, 15);
  for (const Keypoint& k : {e0, e1, d.keypoints[2], d.keypoints[3]}) {
    EXPECT_GT(k.x, d.xmin);
    EXPECT_LT(k.x, d.xmax);
    EXPECT_GT(k.y, d.ymin);
    EXPECT_LT(k.y, d.ymax);
  }
  EXPECT_GT(d.keypoints[2].x, e0.x);
  EXPECT_LT(d.keypoints[2].x, e1.x);
  EXPECT_GT(d.keypoints[2].y, e0.y);
}

TEST(Apps, NoFaceInTheCoffeeCup) {
  Detector det;
  ASSERT_TRUE(det.Load(Data("models/face_detection_short_range.tflite")).ok());
  Image cup;
  ASSERT_TRUE(LoadImage(Data("images/coffee.png"), &cup).ok());
  std::vector<Detection> dets;
  double ms = 0;
  ASSERT_TRUE(det.Detect(cup, 0.5f, &dets, &ms).ok());
  EXPECT_TRUE(dets.empty());
}

// Bounding box of mask >= 0.5.
struct Box {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};
Box MaskBox(const FloatMap& m) {
  Box b;
  for (int y = 0; y < m.height; ++y) {
    for (int x = 0; x < m.width; ++x) {
      if (m.at(x, y) >= 0.5f) {
        b.x0 = std::min(b.x0, x);
        b.x1 = std::max(b.x1, x);
        b.y0 = std::min(b.y0, y);
        b.y1 = std::max(b.y1, y);
      }
    }
  }
  return b;
}

FloatMap AstronautMask() {
  Segmenter seg;
  EXPECT_TRUE(seg.Load(Data("models/selfie_segmentation.tflite")).ok());
  FloatMap mask;
  double ms = 0;
  Status st = seg.Segment(Astronaut(), &mask, &ms);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return mask;
}

TEST(Apps, SelfieMaskCoversThePersonNotTheWall) {
  const FloatMap mask = AstronautMask();
  ASSERT_EQ(mask.width, 512);
  ASSERT_EQ(mask.height, 512);
  // Person: face, hair, neck ring, suit (chest, both arms).
  for (auto [x, y] : std::vector<std::pair<int, int>>{
           {225, 120}, {225, 40}, {210, 240}, {200, 380}, {60, 420}, {330, 330}}) {
    EXPECT_GT(mask.at(x, y), 0.8f) << "person at " << x << "," << y;
  }
  // Background: the wall left and right of the head, top corners.
  for (auto [x, y] :
       std::vector<std::pair<int, int>>{{120, 60}, {330, 60}, {480, 20}, {10, 10}, {330, 150}}) {
    EXPECT_LT(mask.at(x, y), 0.2f) << "background at " << x << "," << y;
  }
  double person = 0;
  for (float v : mask.values) person += v >= 0.5f;
  person /= mask.values.size();
  EXPECT_GT(person, 0.3);
  EXPECT_LT(person, 0.75);
  const Box b = MaskBox(mask);
  EXPECT_LT(b.y0, 30);   // top of the hair
  EXPECT_GT(b.y1, 500);  // the suit reaches the bottom edge
}

TEST(Apps, VirtualBackgroundKeepsPersonAndReplacesWall) {
  const Image img = Astronaut();
  const FloatMap mask = AstronautMask();
  Background bg;
  bg.kind = Background::kColor;
  bg.color = {0, 177, 64};
  const Image out = ReplaceBackground(img, mask, bg);
  // The wall is the background color; the face is unchanged.
  const uint8_t* wall = out.at(330, 60);
  EXPECT_EQ(wall[0], 0);
  EXPECT_EQ(wall[1], 177);
  EXPECT_EQ(wall[2], 64);
  for (int c = 0; c < 3; ++c) EXPECT_EQ(out.at(225, 120)[c], img.at(225, 120)[c]);
  // Feathered edge: along a row crossing the head's side there are blended
  // pixels between the person and the green.
  int blended = 0;
  for (int x = 100; x < 225; ++x) {
    const uint8_t* p = out.at(x, 100);
    const uint8_t* q = img.at(x, 100);
    const bool is_bg = p[0] == 0 && p[1] == 177 && p[2] == 64;
    const bool is_fg = p[0] == q[0] && p[1] == q[1] && p[2] == q[2];
    blended += !is_bg && !is_fg;
  }
  EXPECT_GE(blended, 1);
  EXPECT_LE(blended, 12);
}

TEST(Apps, PoseLandmarksFallOnThePerson) {
  LandmarkModel lm;
  ASSERT_TRUE(lm.Load(Data("models/pose_landmark_lite.tflite")).ok());
  ASSERT_EQ(lm.kind(), LandmarkKind::kPose);
  std::vector<Landmark> pts;
  float presence = 0;
  double ms = 0;
  ASSERT_TRUE(lm.Run(Astronaut(), &pts, &presence, &ms).ok());
  ASSERT_EQ(pts.size(), 33u);
  EXPECT_GT(presence, 0.5f);
  const Box person = MaskBox(AstronautMask());
  const int margin = 20;
  int visible = 0;
  for (size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].visibility < 0.5f) continue;
    ++visible;
    EXPECT_GE(pts[i].x, person.x0 - margin) << "landmark " << i;
    EXPECT_LE(pts[i].x, person.x1 + margin) << "landmark " << i;
    EXPECT_GE(pts[i].y, person.y0 - margin) << "landmark " << i;
    EXPECT_LE(pts[i].y, person.y1 + margin) << "landmark " << i;
  }
  EXPECT_GE(visible, 11);  // face points and shoulders at least
  // Nose (0) on the face; shoulders (11 left, 12 right) below it, either side.
  EXPECT_NEAR(pts[0].x, kFaceX, 30);
  EXPECT_NEAR(pts[0].y, 125, 30);
  EXPECT_GT(pts[11].y, pts[0].y + 40);
  EXPECT_GT(pts[12].y, pts[0].y + 40);
  EXPECT_GT(pts[11].x, pts[0].x);  // the person's left is the picture's right
  EXPECT_LT(pts[12].x, pts[0].x);
}

TEST(Apps, HandLandmarkModelRunsAndReportsLowPresenceWithoutAHand) {
  LandmarkModel lm;
  ASSERT_TRUE(lm.Load(Data("models/hand_landmark_lite.tflite")).ok());
  ASSERT_EQ(lm.kind(), LandmarkKind::kHand);
  Image cup;
  ASSERT_TRUE(LoadImage(Data("images/coffee.png"), &cup).ok());
  std::vector<Landmark> pts;
  float presence = 1;
  double ms = 0;
  ASSERT_TRUE(lm.Run(cup, &pts, &presence, &ms).ok());
  EXPECT_EQ(pts.size(), 21u);
  EXPECT_EQ(lm.connections().size(), 21u);
  EXPECT_LT(presence, 0.5f);
}

TEST(Apps, SsdDetectionsAreLiteRTPostProcessedOutputs) {
  Detector det;
  ASSERT_TRUE(det.Load(Data("zoo/net_ssd_detector.tflite")).ok());
  ASSERT_EQ(det.kind(), DetectorKind::kSsdPostProcess);
  Image img;
  ASSERT_TRUE(LoadImage(Data("detection/astronaut_32.png"), &img).ok());
  ASSERT_EQ(img.width, 32);
  std::vector<Detection> dets;
  double ms = 0;
  ASSERT_TRUE(det.Detect(img, 0.0f, &dets, &ms).ok());
  // LiteRT's outputs on the same pixels ([-1, 1]); the model's output order
  // is classes, count, boxes, scores (as the converter wrote it).
  io::NpyArray classes, count, boxes, scores;
  ASSERT_TRUE(io::ReadNpy(Data("detection/ssd_astronaut.output_0.npy"), &classes).ok());
  ASSERT_TRUE(io::ReadNpy(Data("detection/ssd_astronaut.output_1.npy"), &count).ok());
  ASSERT_TRUE(io::ReadNpy(Data("detection/ssd_astronaut.output_2.npy"), &boxes).ok());
  ASSERT_TRUE(io::ReadNpy(Data("detection/ssd_astronaut.output_3.npy"), &scores).ok());
  auto f = [](const io::NpyArray& a, size_t i) {
    float v;
    std::memcpy(&v, a.data.data() + 4 * i, 4);
    return v;
  };
  ASSERT_EQ(dets.size(), static_cast<size_t>(f(count, 0)));
  for (size_t i = 0; i < dets.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(dets[i].class_id, static_cast<int>(f(classes, i)));
    const double tol = 1e-4;  // float32 network: within the zoo tolerance
    EXPECT_NEAR(dets[i].score, f(scores, i), tol);
    EXPECT_NEAR(dets[i].ymin, f(boxes, 4 * i + 0) * 32, 32 * tol);
    EXPECT_NEAR(dets[i].xmin, f(boxes, 4 * i + 1) * 32, 32 * tol);
    EXPECT_NEAR(dets[i].ymax, f(boxes, 4 * i + 2) * 32, 32 * tol);
    EXPECT_NEAR(dets[i].xmax, f(boxes, 4 * i + 3) * 32, 32 * tol);
  }
}

TEST(Apps, AnchorsOfShortRangeFaceDetection) {
  const std::vector<Anchor> a = GenerateSsdAnchors(SsdAnchorOptions{});
  ASSERT_EQ(a.size(), 896u);  // 16x16x2 + 8x8x6
  EXPECT_FLOAT_EQ(a[0].x, 0.5f / 16);
  EXPECT_FLOAT_EQ(a[1].x, 0.5f / 16);  // two anchors per cell
  EXPECT_FLOAT_EQ(a[2].x, 1.5f / 16);
  EXPECT_FLOAT_EQ(a[512].x, 0.5f / 8);
  EXPECT_FLOAT_EQ(a[895].y, 7.5f / 8);
  EXPECT_FLOAT_EQ(a[100].w, 1.0f);  // fixed anchor size
}

TEST(Apps, WeightedNmsAveragesOverlappingBoxes) {
  Detection a{0, 0, 10, 10, 0.9f, 0, {{5, 5}}};
  Detection b{2, 0, 12, 10, 0.3f, 0, {{7, 5}}};
  Detection c{50, 50, 60, 60, 0.8f, 0, {{55, 55}}};
  const std::vector<Detection> out = WeightedNms({b, c, a}, 0.3f);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FLOAT_EQ(out[0].score, 0.9f);
  EXPECT_NEAR(out[0].xmin, (0 * 0.9f + 2 * 0.3f) / 1.2f, 1e-5);
  EXPECT_NEAR(out[0].keypoints[0].x, (5 * 0.9f + 7 * 0.3f) / 1.2f, 1e-5);
  EXPECT_FLOAT_EQ(out[1].xmin, 50);
}

TEST(Apps, ImageHelpers) {
  Image img(8, 6, 3, 10);
  // Identity resize keeps pixels; letterbox pads a wide image top and bottom.
  img.at(3, 2)[1] = 200;
  EXPECT_EQ(Resize(img, 8, 6).pixels, img.pixels);
  Letterbox lb;
  const Image boxed = LetterboxResize(img, 16, 16, &lb);
  EXPECT_FLOAT_EQ(lb.scale, 2.0f);
  EXPECT_FLOAT_EQ(lb.pad_y, 2.0f);
  EXPECT_EQ(boxed.at(0, 0)[0], 0);   // padding
  EXPECT_EQ(boxed.at(0, 8)[0], 10);  // image
  EXPECT_FLOAT_EQ(lb.ToImageX(0.5f, 16), 4.0f);
  EXPECT_FLOAT_EQ(lb.ToImageY(0.5f, 16), 3.0f);
  // Drawing stays inside the image (boxes partly outside are clipped).
  Image canvas(20, 20, 3, 0);
  DrawRect(&canvas, -5, -5, 10, 10, Color{255, 0, 0}, 2);
  DrawLine(&canvas, -100, 5, 100, 5, Color{0, 255, 0}, 1);
  DrawLabel(&canvas, 15, 15, "face 0.99", Color{0, 0, 255});
  EXPECT_EQ(canvas.at(10, 3)[0], 255);
  EXPECT_EQ(canvas.at(19, 5)[1], 255);
  // Feathering: a hard step becomes a smooth ramp, still 0 / 1 far away.
  FloatMap step{40, 1, std::vector<float>(40, 0.0f)};
  std::fill(step.values.begin() + 20, step.values.end(), 1.0f);
  const FloatMap soft = FeatherMask(step, 2);
  EXPECT_FLOAT_EQ(soft.values[0], 0.0f);
  EXPECT_FLOAT_EQ(soft.values[39], 1.0f);
  EXPECT_GT(soft.values[20], 0.0f);
  EXPECT_LT(soft.values[19], 1.0f);
  for (int i = 1; i < 40; ++i) EXPECT_GE(soft.values[i], soft.values[i - 1]);
}

// --- the commands ----------------------------------------------------------

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

CliResult RunCli(const std::vector<std::string>& args) {
  std::string cmd = std::string(EDGEML_TEST_LAUNCHER) + "'" + EDGEML_BINARY_DIR + "/tools/edgeml'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

std::string TempDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string dir = ::testing::TempDir() + "/edgeml_apps_test_" + info->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(AppCommands, SegmentWritesCompositeAndImageSizedGrayMask) {
  const std::string dir = TempDir();
  CliResult r = RunCli({"segment", Data("models/selfie_segmentation.tflite"),
                        Data("images/astronaut.png"), "--out", dir, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"person_fraction\": 0.5"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"latency\""), std::string::npos);
  const std::string mask_png = ReadText(dir + "/astronaut_mask.png");
  ASSERT_GT(mask_png.size(), 26u);
  EXPECT_EQ(mask_png[25], 0) << "PNG color type: grayscale expected";
  Image mask, comp;
  ASSERT_TRUE(LoadImage(dir + "/astronaut_mask.png", &mask, 1).ok());
  ASSERT_TRUE(LoadImage(dir + "/astronaut_composite.png", &comp).ok());
  EXPECT_EQ(mask.width, 512);
  EXPECT_EQ(mask.height, 512);
  EXPECT_EQ(comp.width, 512);
  EXPECT_GT(mask.at(225, 120)[0], 200);  // face: person
  EXPECT_LT(mask.at(330, 60)[0], 50);    // wall
}

TEST(AppCommands, DetectOnAFolderShowsProgressAndLatency) {
  const std::string dir = TempDir();
  CliResult r = RunCli(
      {"detect", Data("models/face_detection_short_range.tflite"), Data("images"), "--out", dir});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("] 3/3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("latency over 3 image(s)"), std::string::npos) << r.output;
  const std::string json = ReadText(dir + "/astronaut_detections.json");
  EXPECT_NE(json.find("\"label\": \"face\""), std::string::npos) << json;
  EXPECT_EQ(ReadText(dir + "/coffee_detections.json").find("\"face\""), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir + "/chelsea_detections.png"));
}

TEST(AppCommands, BadArgumentsGiveOneLineErrors) {
  const std::string dir = TempDir();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"segment", Data("models/selfie_segmentation.tflite"), Data("images/astronaut.png")},
           {"segment", Data("models/selfie_segmentation.tflite"), Data("images/astronaut.png"),
            "--out", dir, "--background", "nope"},
           {"detect", Data("models/selfie_segmentation.tflite"), Data("images/astronaut.png"),
            "--out", dir},
           {"landmarks", Data("models/face_detection_short_range.tflite"),
            Data("images/astronaut.png"), "--out", dir},
           {"classify", Data("models/pose_landmark_lite.tflite"), Data("images/missing.png")},
           {"detect", Data("models/face_detection_short_range.tflite"), dir, "--out", dir}}) {
    CliResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_EQ(r.output.rfind("edgeml: error: ", 0), 0u) << r.output;
  }
}

TEST(AppCommands, ClassifyLabelsFromFileAndFromMetadata) {
  const std::string dir = TempDir();
  const std::string model = Data("networks/mobilenet_v2.tflite");
  Classifier clf;
  ASSERT_TRUE(clf.Load(model).ok());
  const int64_t classes = clf.model().output(0)->num_elements();
  std::vector<std::string> labels;
  for (int64_t i = 0; i < classes; ++i) labels.push_back("label_" + std::to_string(i));
  {
    std::ofstream f(dir + "/labels.txt");
    for (const auto& l : labels) f << l << "\n";
  }
  CliResult r = RunCli(
      {"classify", model, Data("images/coffee.png"), "--labels", dir + "/labels.txt", "-k", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("label_"), std::string::npos) << r.output;
  // The same labels carried in the model's TFLite Metadata.
  const std::string bytes = ReadText(model);
  std::vector<uint8_t> with_meta(bytes.begin(), bytes.end());
  format::ModelMetadataInfo info;
  info.name = "mobilenet_v2 (random weights)";
  format::TensorMetadataInfo out;
  format::AssociatedFileInfo file;
  file.name = "labels.txt";
  file.type = format::AssociatedFileType::kTensorAxisLabels;
  for (auto& l : labels) l = "meta_" + l;
  file.contents = format::LabelFileContents(labels);
  out.associated_files.push_back(file);
  info.inputs.resize(1);
  info.outputs.push_back(out);
  Status st = format::AddMetadataToModelBytes(info, &with_meta);
  ASSERT_TRUE(st.ok()) << st.ToString();
  {
    std::ofstream f(dir + "/with_labels.tflite", std::ios::binary);
    f.write(reinterpret_cast<const char*>(with_meta.data()), with_meta.size());
  }
  r = RunCli({"classify", dir + "/with_labels.tflite", Data("images/coffee.png"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\"label\": \"meta_label_"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace edgeml::apps
