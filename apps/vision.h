// Segmentation (virtual background), landmarks (pose, hand) and
// classification on images, on top of ImageModel.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "apps/detect.h"
#include "apps/image.h"
#include "apps/runner.h"

namespace edgeml::apps {

// --- segmentation --------------------------------------------------------
// A person-segmentation model (MediaPipe selfie segmentation: [1,H,W,3] in
// [0,1], one output [1,H,W,1] with the person probability; a 2-channel
// output is read as softmax(background, person)).
class Segmenter {
 public:
  Status Load(const std::string& path, int num_threads = 1);
  // The person probability at the image's size (bilinear upsampling).
  Status Segment(const Image& image, FloatMap* mask, double* invoke_ms);
  ImageModel& model() { return model_; }

 private:
  ImageModel model_;
};

// Background for the virtual-background composite.
struct Background {
  enum Kind { kBlur, kColor, kImage } kind = kBlur;
  Color color{0, 177, 64};
  Image image;  // any size; resized (cover) to the photo
};
// Person kept, background replaced, edge feathered. `mask` is the raw
// probability at the image's size.
Image ReplaceBackground(const Image& image, const FloatMap& mask, const Background& bg);

// --- landmarks -----------------------------------------------------------
enum class LandmarkKind { kPose, kHand };

struct Landmark {
  float x, y, z;     // image pixels (z in input pixels, relative)
  float visibility;  // pose: sigmoid of the visibility logit; hand: 1
};

class LandmarkModel {
 public:
  // MediaPipe pose_landmark (an output of 195 = 39 x 5 values) or
  // hand_landmark (63 = 21 x 3); the image is letterboxed to the input.
  Status Load(const std::string& path, int num_threads = 1);
  LandmarkKind kind() const { return kind_; }
  // The landmarks (33 for pose, 21 for hand) and the model's presence score.
  Status Run(const Image& image, std::vector<Landmark>* out, float* presence, double* invoke_ms);
  // Skeleton edges between landmark indices.
  const std::vector<std::pair<int, int>>& connections() const;
  ImageModel& model() { return model_; }

 private:
  ImageModel model_;
  LandmarkKind kind_ = LandmarkKind::kPose;
  int coords_output_ = -1, flag_output_ = -1;
};

// Draws the skeleton and keypoints (only points with visibility >= 0.5).
void DrawLandmarks(Image* img, const std::vector<Landmark>& lms,
                   const std::vector<std::pair<int, int>>& edges);

// --- classification ------------------------------------------------------
struct Class {
  int index;
  float score;
};
class Classifier {
 public:
  Status Load(const std::string& path, int num_threads = 1);
  // Top k classes of output 0 (flattened), best first. Pixels are mapped to
  // `range` (default [-1, 1], the Keras MobileNet convention).
  Status Classify(const Image& image, int k, PixelRange range, std::vector<Class>* out,
                  double* invoke_ms);
  ImageModel& model() { return model_; }

 private:
  ImageModel model_;
};

}  // namespace edgeml::apps
