#include "apps/vision.h"

#include <algorithm>
#include <cmath>

namespace edgeml::apps {
namespace {

float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

const std::vector<std::pair<int, int>> kPoseEdges = {
    {0, 1},   {1, 2},   {2, 3},   {3, 7},   {0, 4},   {4, 5},   {5, 6},   {6, 8},   {9, 10},
    {11, 12}, {11, 13}, {13, 15}, {15, 17}, {15, 19}, {15, 21}, {17, 19}, {12, 14}, {14, 16},
    {16, 18}, {16, 20}, {16, 22}, {18, 20}, {11, 23}, {12, 24}, {23, 24}, {23, 25}, {24, 26},
    {25, 27}, {26, 28}, {27, 29}, {28, 30}, {29, 31}, {30, 32}, {27, 31}, {28, 32}};
const std::vector<std::pair<int, int>> kHandEdges = {
    {0, 1},   {1, 2},   {2, 3},   {3, 4},   {0, 5},   {5, 6},   {6, 7},
    {7, 8},   {5, 9},   {9, 10},  {10, 11}, {11, 12}, {9, 13},  {13, 14},
    {14, 15}, {15, 16}, {13, 17}, {0, 17},  {17, 18}, {18, 19}, {19, 20}};

}  // namespace

// --- segmentation --------------------------------------------------------

Status Segmenter::Load(const std::string& path, int num_threads) {
  EDGEML_RETURN_IF_ERROR(model_.Load(path, num_threads));
  const Tensor* out = model_.output(0);
  if (out->rank() != 4 || (out->dim(3) != 1 && out->dim(3) != 2)) {
    return Errorf(StatusCode::kUnsupported,
                  "'%s': output 0 has shape %s; a segmenter gives [1, H, W, 1 or 2]", path.c_str(),
                  ShapeToString(out->shape).c_str());
  }
  return Status::Ok();
}

Status Segmenter::Segment(const Image& image, FloatMap* mask, double* ms) {
  // MediaPipe feeds selfie segmentation [0, 1] pixels, stretched to 256x256.
  EDGEML_RETURN_IF_ERROR(
      model_.SetInput(Resize(image, model_.input_width(), model_.input_height()), kZeroToOne));
  EDGEML_RETURN_IF_ERROR(model_.Invoke(ms));
  std::vector<float> v;
  EDGEML_RETURN_IF_ERROR(model_.OutputFloats(0, &v));
  const Tensor* out = model_.output(0);
  FloatMap small{out->dim(2), out->dim(1), {}};
  const size_t n = static_cast<size_t>(small.width) * small.height;
  small.values.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (out->dim(3) == 2) {
      small.values[i] = Sigmoid(v[2 * i + 1] - v[2 * i]);  // softmax of two
    } else {
      small.values[i] = std::min(1.0f, std::max(0.0f, v[i]));
    }
  }
  *mask = Resize(small, image.width, image.height);
  return Status::Ok();
}

Image ReplaceBackground(const Image& image, const FloatMap& mask, const Background& bg) {
  Image back;
  switch (bg.kind) {
    case Background::kBlur:
      back = Blur(image, std::max(2, std::max(image.width, image.height) / 60));
      break;
    case Background::kColor:
      back = Image(image.width, image.height, image.channels);
      for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
          uint8_t* p = back.at(x, y);
          p[0] = bg.color.r;
          if (image.channels == 3) {
            p[1] = bg.color.g;
            p[2] = bg.color.b;
          }
        }
      }
      break;
    case Background::kImage: {
      // Cover: scale to fill, crop the middle.
      const float s = std::max(static_cast<float>(image.width) / bg.image.width,
                               static_cast<float>(image.height) / bg.image.height);
      const int w = std::max(image.width, static_cast<int>(std::ceil(bg.image.width * s)));
      const int h = std::max(image.height, static_cast<int>(std::ceil(bg.image.height * s)));
      const Image big = Resize(bg.image, w, h);
      back = Image(image.width, image.height, image.channels);
      const int ox = (w - image.width) / 2, oy = (h - image.height) / 2;
      for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
          for (int c = 0; c < image.channels; ++c) {
            back.at(x, y)[c] = big.at(x + ox, y + oy)[std::min(c, big.channels - 1)];
          }
        }
      }
      break;
    }
  }
  const int radius = std::max(1, std::max(image.width, image.height) / 200);
  return Composite(image, back, FeatherMask(mask, radius));
}

// --- landmarks -----------------------------------------------------------

Status LandmarkModel::Load(const std::string& path, int num_threads) {
  EDGEML_RETURN_IF_ERROR(model_.Load(path, num_threads));
  for (int i = 0; i < model_.num_outputs(); ++i) {
    const Tensor* t = model_.output(i);
    const int64_t n = t->num_elements();
    if (coords_output_ < 0 && (n == 195 || n == 63) && t->name.find("world") == std::string::npos) {
      coords_output_ = i;
      kind_ = n == 195 ? LandmarkKind::kPose : LandmarkKind::kHand;
    } else if (flag_output_ < 0 && n == 1) {
      flag_output_ = i;
    }
  }
  if (coords_output_ < 0) {
    return Errorf(StatusCode::kUnsupported,
                  "'%s' is not a landmark model edgeml knows: expected an output of 195 values "
                  "(MediaPipe pose, 39 x 5) or 63 (hand, 21 x 3)",
                  path.c_str());
  }
  return Status::Ok();
}

Status LandmarkModel::Run(const Image& image, std::vector<Landmark>* out, float* presence,
                          double* ms) {
  Letterbox lb;
  const int iw = model_.input_width(), ih = model_.input_height();
  EDGEML_RETURN_IF_ERROR(model_.SetInput(LetterboxResize(image, iw, ih, &lb), kZeroToOne));
  EDGEML_RETURN_IF_ERROR(model_.Invoke(ms));
  std::vector<float> v, flag;
  EDGEML_RETURN_IF_ERROR(model_.OutputFloats(coords_output_, &v));
  *presence = 1.0f;
  if (flag_output_ >= 0) {
    EDGEML_RETURN_IF_ERROR(model_.OutputFloats(flag_output_, &flag));
    // The pose flag is already a probability; the hand flag too (sigmoid
    // inside the model). Clamp in case a model gives a logit.
    *presence = std::min(1.0f, std::max(0.0f, flag[0]));
  }
  const bool pose = kind_ == LandmarkKind::kPose;
  const int count = pose ? 33 : 21, stride = pose ? 5 : 3;
  out->clear();
  for (int i = 0; i < count; ++i) {
    const float* p = &v[static_cast<size_t>(i) * stride];
    Landmark l;
    // Coordinates are in input pixels.
    l.x = lb.ToImageX(p[0] / iw, iw);
    l.y = lb.ToImageY(p[1] / ih, ih);
    l.z = p[2];
    l.visibility = pose ? Sigmoid(p[3]) : 1.0f;
    out->push_back(l);
  }
  return Status::Ok();
}

const std::vector<std::pair<int, int>>& LandmarkModel::connections() const {
  return kind_ == LandmarkKind::kPose ? kPoseEdges : kHandEdges;
}

void DrawLandmarks(Image* img, const std::vector<Landmark>& lms,
                   const std::vector<std::pair<int, int>>& edges) {
  const float t = std::max(2.0f, std::max(img->width, img->height) / 200.0f);
  for (const auto& [a, b] : edges) {
    if (a >= static_cast<int>(lms.size()) || b >= static_cast<int>(lms.size())) continue;
    if (lms[a].visibility < 0.5f || lms[b].visibility < 0.5f) continue;
    DrawLine(img, lms[a].x, lms[a].y, lms[b].x, lms[b].y, Color{255, 255, 255},
             static_cast<int>(t));
  }
  for (size_t i = 0; i < lms.size(); ++i) {
    if (lms[i].visibility < 0.5f) continue;
    DrawDisc(img, lms[i].x, lms[i].y, t * 1.6f, Color{20, 20, 20});
    DrawDisc(img, lms[i].x, lms[i].y, t * 1.1f, Palette(static_cast<int>(i) % 2 ? 1 : 0));
  }
}

// --- classification ------------------------------------------------------

Status Classifier::Load(const std::string& path, int num_threads) {
  return model_.Load(path, num_threads);
}

Status Classifier::Classify(const Image& image, int k, PixelRange range, std::vector<Class>* out,
                            double* ms) {
  EDGEML_RETURN_IF_ERROR(
      model_.SetInput(Resize(image, model_.input_width(), model_.input_height()), range));
  EDGEML_RETURN_IF_ERROR(model_.Invoke(ms));
  std::vector<float> v;
  EDGEML_RETURN_IF_ERROR(model_.OutputFloats(0, &v));
  std::vector<Class> all;
  for (size_t i = 0; i < v.size(); ++i) all.push_back({static_cast<int>(i), v[i]});
  k = std::max(0, std::min(k, static_cast<int>(all.size())));
  std::partial_sort(all.begin(), all.begin() + k, all.end(), [](const Class& a, const Class& b) {
    return a.score > b.score || (a.score == b.score && a.index < b.index);
  });
  all.resize(k);
  *out = std::move(all);
  return Status::Ok();
}

}  // namespace edgeml::apps
