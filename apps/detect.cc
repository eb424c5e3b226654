#include "apps/detect.h"

#include <algorithm>
#include <cmath>

namespace edgeml::apps {
namespace {

float CalculateScale(float min_scale, float max_scale, int index, int count) {
  if (count == 1) return (min_scale + max_scale) * 0.5f;
  return min_scale + (max_scale - min_scale) * index / (count - 1.0f);
}

// The published options of face_detection_short_range (MediaPipe's
// face_detection_short_range.pbtxt) and its box coder.
constexpr int kFaceAnchors = 896;
constexpr int kFaceCoords = 16;
constexpr int kFaceKeypoints = 6;
constexpr float kFaceScale = 128.0f;      // x/y/w/h_scale
constexpr float kFaceScoreClip = 100.0f;  // score_clipping_thresh
constexpr float kFaceNmsIou = 0.3f;       // min_suppression_threshold

}  // namespace

std::vector<Anchor> GenerateSsdAnchors(const SsdAnchorOptions& o) {
  std::vector<Anchor> anchors;
  const int layers = static_cast<int>(o.strides.size());
  int layer = 0;
  while (layer < layers) {
    std::vector<float> heights, widths;
    int last = layer;
    while (last < layers && o.strides[last] == o.strides[layer]) {
      const float scale = CalculateScale(o.min_scale, o.max_scale, last, layers);
      std::vector<float> ratios, scales;
      for (float ar : o.aspect_ratios) {
        ratios.push_back(ar);
        scales.push_back(scale);
      }
      if (o.interpolated_scale_aspect_ratio > 0) {
        const float next =
            last == layers - 1 ? 1.0f : CalculateScale(o.min_scale, o.max_scale, last + 1, layers);
        scales.push_back(std::sqrt(scale * next));
        ratios.push_back(o.interpolated_scale_aspect_ratio);
      }
      for (size_t i = 0; i < ratios.size(); ++i) {
        const float r = std::sqrt(ratios[i]);
        heights.push_back(scales[i] / r);
        widths.push_back(scales[i] * r);
      }
      ++last;
    }
    const int stride = o.strides[layer];
    const int fh = (o.input_height + stride - 1) / stride;
    const int fw = (o.input_width + stride - 1) / stride;
    for (int y = 0; y < fh; ++y) {
      for (int x = 0; x < fw; ++x) {
        for (size_t a = 0; a < heights.size(); ++a) {
          Anchor an;
          an.x = (x + o.anchor_offset_x) / fw;
          an.y = (y + o.anchor_offset_y) / fh;
          an.w = o.fixed_anchor_size ? 1.0f : widths[a];
          an.h = o.fixed_anchor_size ? 1.0f : heights[a];
          anchors.push_back(an);
        }
      }
    }
    layer = last;
  }
  return anchors;
}

float Iou(const Detection& a, const Detection& b) {
  const float iw = std::min(a.xmax, b.xmax) - std::max(a.xmin, b.xmin);
  const float ih = std::min(a.ymax, b.ymax) - std::max(a.ymin, b.ymin);
  if (iw <= 0 || ih <= 0) return 0.0f;
  const float inter = iw * ih;
  const float uni =
      (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::vector<Detection> WeightedNms(std::vector<Detection> dets, float iou_threshold) {
  std::stable_sort(dets.begin(), dets.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> out;
  std::vector<bool> used(dets.size(), false);
  for (size_t i = 0; i < dets.size(); ++i) {
    if (used[i]) continue;
    Detection merged = dets[i];
    float total = 0;
    float xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    std::vector<Keypoint> kps(dets[i].keypoints.size(), Keypoint{0, 0});
    for (size_t j = i; j < dets.size(); ++j) {
      if (used[j] || (j != i && Iou(dets[i], dets[j]) <= iou_threshold)) continue;
      used[j] = true;
      const float s = dets[j].score;
      total += s;
      xmin += dets[j].xmin * s;
      ymin += dets[j].ymin * s;
      xmax += dets[j].xmax * s;
      ymax += dets[j].ymax * s;
      for (size_t k = 0; k < kps.size() && k < dets[j].keypoints.size(); ++k) {
        kps[k].x += dets[j].keypoints[k].x * s;
        kps[k].y += dets[j].keypoints[k].y * s;
      }
    }
    if (total > 0) {
      merged.xmin = xmin / total;
      merged.ymin = ymin / total;
      merged.xmax = xmax / total;
      merged.ymax = ymax / total;
      for (size_t k = 0; k < kps.size(); ++k)
        merged.keypoints[k] = {kps[k].x / total, kps[k].y / total};
    }
    out.push_back(merged);
  }
  return out;
}

Status Detector::Load(const std::string& path, int num_threads) {
  EDGEML_RETURN_IF_ERROR(model_.Load(path, num_threads));
  Interpreter& it = model_.interpreter();
  for (size_t n = 0; n < it.nodes_size(); ++n) {
    const NodeInfo node = it.node(static_cast<int>(n));
    if (node.op_name == "TFLite_Detection_PostProcess" && node.outputs.size() == 4) {
      kind_ = DetectorKind::kSsdPostProcess;
      post_outputs_ = node.outputs;
      return Status::Ok();
    }
  }
  // MediaPipe face detection: regressors [1, 896, 16] and scores [1, 896, 1].
  for (int i = 0; i < model_.num_outputs(); ++i) {
    const Tensor* t = model_.output(i);
    if (t->rank() == 3 && t->dim(1) == kFaceAnchors && t->dim(2) == kFaceCoords) regressors_ = i;
    if (t->rank() == 3 && t->dim(1) == kFaceAnchors && t->dim(2) == 1) classificators_ = i;
  }
  if (regressors_ >= 0 && classificators_ >= 0 && model_.input_width() == 128 &&
      model_.input_height() == 128) {
    kind_ = DetectorKind::kMediaPipeFace;
    anchors_ = GenerateSsdAnchors(SsdAnchorOptions{});
    return Status::Ok();
  }
  return Errorf(StatusCode::kUnsupported,
                "'%s' is not a detector edgeml knows: expected a TFLite_Detection_PostProcess "
                "node (SSD) or MediaPipe short-range face detection outputs [1,896,16] and "
                "[1,896,1] with a 128x128 input",
                path.c_str());
}

Status Detector::Detect(const Image& image, float min_score, std::vector<Detection>* out,
                        double* invoke_ms) {
  out->clear();
  if (kind_ == DetectorKind::kMediaPipeFace) return DetectFace(image, min_score, out, invoke_ms);
  return DetectSsd(image, min_score, out, invoke_ms);
}

Status Detector::DetectSsd(const Image& image, float min_score, std::vector<Detection>* out,
                           double* ms) {
  // The TF Object Detection API resizes (stretches) to the input and maps
  // [0, 255] to [-1, 1] for float inputs.
  EDGEML_RETURN_IF_ERROR(
      model_.SetInput(Resize(image, model_.input_width(), model_.input_height()), kMinusOneToOne));
  EDGEML_RETURN_IF_ERROR(model_.Invoke(ms));
  std::vector<float> boxes, classes, scores, count;
  EDGEML_RETURN_IF_ERROR(model_.TensorFloats(post_outputs_[0], &boxes));
  EDGEML_RETURN_IF_ERROR(model_.TensorFloats(post_outputs_[1], &classes));
  EDGEML_RETURN_IF_ERROR(model_.TensorFloats(post_outputs_[2], &scores));
  EDGEML_RETURN_IF_ERROR(model_.TensorFloats(post_outputs_[3], &count));
  if (count.empty() || boxes.size() != 4 * scores.size() || classes.size() != scores.size()) {
    return Errorf(StatusCode::kInternal, "post-process outputs have unexpected sizes");
  }
  const int n = std::min(static_cast<int>(scores.size()), std::max(0, static_cast<int>(count[0])));
  for (int i = 0; i < n; ++i) {
    if (scores[i] < min_score) continue;
    Detection d;
    d.ymin = boxes[4 * i + 0] * image.height;
    d.xmin = boxes[4 * i + 1] * image.width;
    d.ymax = boxes[4 * i + 2] * image.height;
    d.xmax = boxes[4 * i + 3] * image.width;
    d.score = scores[i];
    d.class_id = static_cast<int>(classes[i]);
    out->push_back(d);
  }
  return Status::Ok();
}

Status Detector::DetectFace(const Image& image, float min_score, std::vector<Detection>* out,
                            double* ms) {
  Letterbox lb;
  const int iw = model_.input_width(), ih = model_.input_height();
  EDGEML_RETURN_IF_ERROR(model_.SetInput(LetterboxResize(image, iw, ih, &lb), kMinusOneToOne));
  EDGEML_RETURN_IF_ERROR(model_.Invoke(ms));
  std::vector<float> raw, logits;
  EDGEML_RETURN_IF_ERROR(model_.OutputFloats(regressors_, &raw));
  EDGEML_RETURN_IF_ERROR(model_.OutputFloats(classificators_, &logits));
  std::vector<Detection> cands;
  for (int i = 0; i < kFaceAnchors; ++i) {
    const float logit = std::max(-kFaceScoreClip, std::min(kFaceScoreClip, logits[i]));
    const float score = 1.0f / (1.0f + std::exp(-logit));
    if (score < min_score) continue;
    const float* r = &raw[static_cast<size_t>(i) * kFaceCoords];
    const Anchor& a = anchors_[i];
    // Model output order is x, y, w, h, then (x, y) per keypoint, in input
    // pixels relative to the anchor.
    const float cx = r[0] / kFaceScale * a.w + a.x;
    const float cy = r[1] / kFaceScale * a.h + a.y;
    const float w = r[2] / kFaceScale * a.w;
    const float h = r[3] / kFaceScale * a.h;
    Detection d;
    d.xmin = lb.ToImageX(cx - w / 2, iw);
    d.xmax = lb.ToImageX(cx + w / 2, iw);
    d.ymin = lb.ToImageY(cy - h / 2, ih);
    d.ymax = lb.ToImageY(cy + h / 2, ih);
    d.score = score;
    for (int k = 0; k < kFaceKeypoints; ++k) {
      const float kx = r[4 + 2 * k] / kFaceScale * a.w + a.x;
      const float ky = r[5 + 2 * k] / kFaceScale * a.h + a.y;
      d.keypoints.push_back({lb.ToImageX(kx, iw), lb.ToImageY(ky, ih)});
    }
    cands.push_back(std::move(d));
  }
  *out = WeightedNms(std::move(cands), kFaceNmsIou);
  return Status::Ok();
}

}  // namespace edgeml::apps
