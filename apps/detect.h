// Object and face detection on images:
//  - SSD-style detectors that end in the TFLite_Detection_PostProcess op
//    (boxes, classes, scores, count; image stretched to the input size);
//  - MediaPipe face detection (face_detection_short_range, 128x128): SSD
//    anchors generated from the model's published anchor options, sigmoid
//    scores, box and 6-keypoint decoding, weighted non-max suppression
//    (image letterboxed to the input).
#pragma once

#include <string>
#include <vector>

#include "apps/image.h"
#include "apps/runner.h"

namespace edgeml::apps {

struct Keypoint {
  float x, y;  // image pixels
};

struct Detection {
  float xmin, ymin, xmax, ymax;  // image pixels
  float score;
  int class_id = 0;
  std::vector<Keypoint> keypoints;
};

// MediaPipe's SsdAnchorsCalculator options.
struct SsdAnchorOptions {
  int input_width = 128, input_height = 128;
  int num_layers = 4;
  float min_scale = 0.1484375f, max_scale = 0.75f;
  float anchor_offset_x = 0.5f, anchor_offset_y = 0.5f;
  std::vector<int> strides = {8, 16, 16, 16};
  std::vector<float> aspect_ratios = {1.0f};
  float interpolated_scale_aspect_ratio = 1.0f;
  bool fixed_anchor_size = true;
};
struct Anchor {
  float x, y, w, h;  // normalized center and size
};
std::vector<Anchor> GenerateSsdAnchors(const SsdAnchorOptions& options);

// Weighted NMS (MediaPipe's WEIGHTED algorithm): best first, every box whose
// IoU with it exceeds `iou_threshold` is merged into it, coordinates and
// keypoints averaged with score weights.
std::vector<Detection> WeightedNms(std::vector<Detection> dets, float iou_threshold);
float Iou(const Detection& a, const Detection& b);

enum class DetectorKind { kSsdPostProcess, kMediaPipeFace };

class Detector {
 public:
  // Recognizes the model: a TFLite_Detection_PostProcess node, or the
  // outputs of MediaPipe's short-range face detector ([1,896,16], [1,896,1]).
  Status Load(const std::string& path, int num_threads = 1);
  DetectorKind kind() const { return kind_; }
  // Detections with score >= min_score, in image pixels, best first.
  Status Detect(const Image& image, float min_score, std::vector<Detection>* out,
                double* invoke_ms);
  ImageModel& model() { return model_; }

 private:
  Status DetectSsd(const Image& image, float min_score, std::vector<Detection>* out, double* ms);
  Status DetectFace(const Image& image, float min_score, std::vector<Detection>* out, double* ms);

  ImageModel model_;
  DetectorKind kind_ = DetectorKind::kSsdPostProcess;
  std::vector<int> post_outputs_;              // boxes, classes, scores, count tensor indices
  int regressors_ = -1, classificators_ = -1;  // face model output positions
  std::vector<Anchor> anchors_;
};

}  // namespace edgeml::apps
