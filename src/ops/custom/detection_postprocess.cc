// TFLite_Detection_PostProcess: the SSD post-processing custom op that the
// TensorFlow Object Detection API appends to its detectors.
//
// Inputs: box_encodings [1, num_boxes, >=4] (y, x, h, w relative to the
// anchor), class_predictions [1, num_boxes, num_classes (+1 background)],
// anchors [num_boxes, 4] (y_center, x_center, h, w). Outputs, all float32:
// boxes [1, D, 4] (ymin, xmin, ymax, xmax), classes [1, D], scores [1, D],
// num_detections [1], with D = max_detections * max_classes_per_detection.
//
// Options come as a FlexBuffers map in custom_options, read as LiteRT does:
// max_detections, max_classes_per_detection, num_classes, nms_score_threshold,
// nms_iou_threshold, y/x/h/w_scale, and optional detections_per_class (100)
// and use_regular_nms (false). Missing numeric keys read as 0, as in LiteRT.
//
// Types, as LiteRT accepts them: float32 encodings with float32 anchors, or
// uint8 encodings with uint8 anchors (dequantized per tensor); float32 or
// uint8 class predictions. Fast NMS (the default) keeps the best classes of
// each anchor and suppresses on the best score; regular NMS suppresses per
// class and merges the classes by score. Rows past the detections are zero
// (LiteRT's fast path leaves them unwritten).
// FlexBuffers is used header-only: its string-to-number helpers then must
// not use the locale-independent strto*_l wrappers, whose locale object
// lives in libflatbuffers. (Option values are numbers; strings are refused.)
#define FLATBUFFERS_LOCALE_INDEPENDENT 0
#include <flatbuffers/flexbuffers.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

#include "kernels/reference/non_max_suppression.h"
#include "ops/builtin_ops.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using reference::BoxCenterSize;
using reference::BoxCorners;

constexpr int kDefaultDetectionsPerClass = 100;

struct Options {
  int32_t max_detections = 0;
  int32_t max_classes_per_detection = 0;
  int32_t detections_per_class = kDefaultDetectionsPerClass;
  bool use_regular_nms = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.0f;
  int32_t num_classes = 0;
  BoxCenterSize scale{0, 0, 0, 0};
};

// Score and flat index (anchor * classes_with_background + class column) of
// a detection of regular NMS.
struct BoxInfo {
  int index;
  float score;
};

struct PostProcessState : OpState {
  Options opt;
  int num_boxes = 0;
  int encoding_size = 0;    // box_encodings.dim(2), >= 4
  int classes_with_bg = 0;  // class_predictions.dim(2)
  int label_offset = 0;     // 1 when column 0 is the background
  int num_detected = 0;     // D
  QuantParam box_q, anchor_q, score_q;
  // Workspace, sized at prepare so that eval allocates nothing.
  std::vector<BoxCorners> decoded;
  std::vector<float> scores;  // dequantized class predictions (uint8 input)
  std::vector<float> column;  // one class's scores (regular) / best scores (fast)
  std::vector<int> keep_indices, order, selected, class_order;
  std::vector<float> keep_scores;
  std::vector<uint8_t> active;
  std::vector<BoxInfo> merged, merge_tmp;
};

// Reads the FlexBuffers options after verifying the bytes (a crafted model
// must not make the reader walk out of the buffer).
Status ReadOptions(OpContext& ctx, Options* opt) {
  size_t size = 0;
  const uint8_t* data = ctx.custom_options(&size);
  EDGEML_OP_ENSURE(ctx, data != nullptr && size > 0,
                   "custom options are missing (expected a FlexBuffers map of the options)");
  EDGEML_OP_ENSURE(ctx, flexbuffers::VerifyBuffer(data, size),
                   "custom options (%zu bytes) are not a valid FlexBuffers buffer", size);
  const flexbuffers::Reference root = flexbuffers::GetRoot(data, size);
  EDGEML_OP_ENSURE(ctx, root.IsMap(), "custom options are not a FlexBuffers map");
  const flexbuffers::Map m = root.AsMap();
  // A present key must hold a number (or bool); an absent one reads as 0.
  auto number = [&](const char* key, Status* st) {
    const flexbuffers::Reference r = m[key];
    if (st->ok() && !r.IsNull() && !r.IsNumeric() && !r.IsBool()) {
      *st = ctx.InvalidModel("option %s is not a number", key);
    }
    return r;
  };
  Status st;
  opt->max_detections = number("max_detections", &st).AsInt32();
  opt->max_classes_per_detection = number("max_classes_per_detection", &st).AsInt32();
  const flexbuffers::Reference per_class = number("detections_per_class", &st);
  opt->detections_per_class = per_class.IsNull() ? kDefaultDetectionsPerClass : per_class.AsInt32();
  const flexbuffers::Reference regular = number("use_regular_nms", &st);
  opt->use_regular_nms = regular.IsNull() ? false : regular.AsBool();
  opt->score_threshold = number("nms_score_threshold", &st).AsFloat();
  opt->iou_threshold = number("nms_iou_threshold", &st).AsFloat();
  opt->num_classes = number("num_classes", &st).AsInt32();
  opt->scale.y = number("y_scale", &st).AsFloat();
  opt->scale.x = number("x_scale", &st).AsFloat();
  opt->scale.h = number("h_scale", &st).AsFloat();
  opt->scale.w = number("w_scale", &st).AsFloat();
  return st;
}

Status Prepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 4));
  const char* roles[3] = {"box_encodings", "class_predictions", "anchors"};
  for (int i = 0; i < 3; ++i) {
    EDGEML_OP_ENSURE(ctx, ctx.has_input(i), "%s (input %d) is missing", roles[i], i);
  }
  auto state = std::make_unique<PostProcessState>();
  Options& opt = state->opt;
  EDGEML_RETURN_IF_ERROR(ReadOptions(ctx, &opt));
  EDGEML_OP_ENSURE(ctx, opt.num_classes > 0, "num_classes is %d, must be positive",
                   opt.num_classes);
  EDGEML_OP_ENSURE(ctx, opt.max_detections >= 0, "max_detections is %d, must be >= 0",
                   opt.max_detections);
  EDGEML_OP_ENSURE(ctx, opt.max_classes_per_detection > 0,
                   "max_classes_per_detection is %d, must be positive",
                   opt.max_classes_per_detection);
  EDGEML_OP_ENSURE(ctx, opt.iou_threshold > 0.0f && opt.iou_threshold <= 1.0f,
                   "nms_iou_threshold is %g, must be in (0, 1]", opt.iou_threshold);
  if (opt.use_regular_nms) {
    EDGEML_OP_ENSURE(ctx, std::min(opt.detections_per_class, opt.max_detections) > 0,
                     "regular NMS needs detections_per_class (%d) and max_detections (%d) > 0",
                     opt.detections_per_class, opt.max_detections);
  }

  const Tensor& boxes = ctx.input(0);
  const Tensor& classes = ctx.input(1);
  const Tensor& anchors = ctx.input(2);
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, boxes, 3, "box_encodings"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, classes, 3, "class_predictions"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, anchors, 2, "anchors"));
  EDGEML_OP_ENSURE(ctx, boxes.dim(0) == 1 && classes.dim(0) == 1,
                   "batch is %d (box_encodings) and %d (class_predictions); only 1 is supported",
                   boxes.dim(0), classes.dim(0));
  const int num_boxes = boxes.dim(1);
  EDGEML_OP_ENSURE(ctx, boxes.dim(2) >= 4, "box_encodings %s has %d values per box, need >= 4",
                   ctx.Describe(boxes).c_str(), boxes.dim(2));
  EDGEML_OP_ENSURE(ctx, classes.dim(1) == num_boxes,
                   "class_predictions %s has %d boxes but box_encodings %s has %d",
                   ctx.Describe(classes).c_str(), classes.dim(1), ctx.Describe(boxes).c_str(),
                   num_boxes);
  EDGEML_OP_ENSURE(ctx, anchors.dim(0) >= num_boxes && anchors.dim(1) == 4,
                   "anchors %s have shape %s; expected [%d, 4]", ctx.Describe(anchors).c_str(),
                   ShapeToString(anchors.shape).c_str(), num_boxes);
  const int classes_with_bg = classes.dim(2);
  EDGEML_OP_ENSURE(ctx,
                   classes_with_bg >= opt.num_classes && classes_with_bg - opt.num_classes <= 1,
                   "class_predictions %s have %d columns for num_classes %d (expected %d or %d)",
                   ctx.Describe(classes).c_str(), classes_with_bg, opt.num_classes, opt.num_classes,
                   opt.num_classes + 1);

  // Types: float32, or uint8 as LiteRT's quantized SSD models carry them.
  if (boxes.type == DataType::kUInt8) {
    EDGEML_OP_ENSURE(ctx, anchors.type == DataType::kUInt8,
                     "anchors %s are %s but uint8 box_encodings need uint8 anchors",
                     ctx.Describe(anchors).c_str(), DataTypeName(anchors.type).c_str());
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, boxes, "box_encodings", &state->box_q));
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, anchors, "anchors", &state->anchor_q));
  } else if (boxes.type == DataType::kFloat32) {
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, anchors, DataType::kFloat32, "anchors"));
  } else {
    return ctx.Unsupported("box_encodings %s have type %s; supported: FLOAT32, UINT8",
                           ctx.Describe(boxes).c_str(), DataTypeName(boxes.type).c_str());
  }
  if (classes.type == DataType::kUInt8) {
    EDGEML_RETURN_IF_ERROR(ReadQuantParam(ctx, classes, "class_predictions", &state->score_q));
  } else if (classes.type != DataType::kFloat32) {
    return ctx.Unsupported("class_predictions %s have type %s; supported: FLOAT32, UINT8",
                           ctx.Describe(classes).c_str(), DataTypeName(classes.type).c_str());
  }
  const char* out_roles[4] = {"detection_boxes", "detection_classes", "detection_scores",
                              "num_detections"};
  for (int i = 0; i < 4; ++i) {
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(i), DataType::kFloat32, out_roles[i]));
  }

  const int64_t detected = int64_t{opt.max_detections} * opt.max_classes_per_detection;
  EDGEML_OP_ENSURE(ctx, detected <= INT32_MAX / 4,
                   "max_detections %d x max_classes_per_detection %d is too large",
                   opt.max_detections, opt.max_classes_per_detection);
  const int32_t d = static_cast<int32_t>(detected);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {1, d, 4}));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(1, {1, d}));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(2, {1, d}));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(3, {1}));

  state->num_boxes = num_boxes;
  state->encoding_size = boxes.dim(2);
  state->classes_with_bg = classes_with_bg;
  state->label_offset = classes_with_bg - opt.num_classes;
  state->num_detected = d;
  const size_t n = static_cast<size_t>(num_boxes);
  state->decoded.resize(n);
  if (classes.type == DataType::kUInt8) state->scores.resize(n * classes_with_bg);
  state->column.resize(n);
  state->keep_indices.resize(n);
  state->keep_scores.resize(n);
  state->order.resize(n);
  state->active.resize(n);
  state->selected.resize(n);
  if (opt.use_regular_nms) {
    // The merged list holds at most max_detections kept boxes (never more
    // than exist) plus one class's selection: sized by what can occur, so
    // that a huge max_detections in crafted options allocates nothing big.
    const int64_t all = int64_t{num_boxes} * opt.num_classes;
    const int64_t kept = std::min<int64_t>(opt.max_detections, all);
    const int64_t per_class =
        std::min<int64_t>(std::min(opt.detections_per_class, opt.max_detections), num_boxes);
    state->merged.resize(static_cast<size_t>(kept + per_class));
    state->merge_tmp.resize(state->merged.size());
  } else {
    state->class_order.resize(n * static_cast<size_t>(opt.num_classes));
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

float Dequantize(uint8_t q, const QuantParam& p) {
  // LiteRT: (float(q) - zero_point) * scale, in float.
  return (static_cast<float>(q) - static_cast<float>(p.zero_point)) * p.scale;
}

Status DecodeBoxes(OpContext& ctx, PostProcessState* s) {
  const Tensor& boxes = ctx.input(0);
  const Tensor& anchors = ctx.input(2);
  for (int i = 0; i < s->num_boxes; ++i) {
    BoxCenterSize e, a;
    if (boxes.type == DataType::kUInt8) {
      const uint8_t* b = boxes.data_as<uint8_t>() + static_cast<size_t>(i) * s->encoding_size;
      const uint8_t* an = anchors.data_as<uint8_t>() + static_cast<size_t>(i) * 4;
      e = {Dequantize(b[0], s->box_q), Dequantize(b[1], s->box_q), Dequantize(b[2], s->box_q),
           Dequantize(b[3], s->box_q)};
      a = {Dequantize(an[0], s->anchor_q), Dequantize(an[1], s->anchor_q),
           Dequantize(an[2], s->anchor_q), Dequantize(an[3], s->anchor_q)};
    } else {
      std::memcpy(&e, boxes.data_as<float>() + static_cast<size_t>(i) * s->encoding_size,
                  sizeof(e));
      std::memcpy(&a, anchors.data_as<float>() + static_cast<size_t>(i) * 4, sizeof(a));
    }
    const BoxCorners c = reference::DecodeCenterSize(e, a, s->opt.scale);
    // LiteRT refuses inverted boxes (e.g. from a negative anchor size).
    if (c.ymin > c.ymax || c.xmin > c.xmax) {
      return ctx.Error(StatusCode::kInvalidArgument,
                       "decoded box %d is inverted (ymin %g > ymax %g or xmin %g > xmax %g); "
                       "check the anchors",
                       i, c.ymin, c.ymax, c.xmin, c.xmax);
    }
    s->decoded[i] = c;
  }
  return Status::Ok();
}

int SingleClass(PostProcessState* s, const float* scores, int max_detections) {
  return reference::SingleClassNms(s->decoded.data(), scores, s->num_boxes, max_detections,
                                   s->opt.score_threshold, s->opt.iou_threshold,
                                   s->keep_indices.data(), s->keep_scores.data(), s->order.data(),
                                   s->active.data(), s->selected.data());
}

// Regular NMS: per class, then a stable merge by score into the running list
// (LiteRT: std::inplace_merge), truncated to max_detections.
void RegularNms(PostProcessState* s, const float* scores, float* out_boxes, float* out_classes,
                float* out_scores, float* out_num) {
  const Options& opt = s->opt;
  const int per_class = std::min(opt.detections_per_class, opt.max_detections);
  const int cols = s->classes_with_bg;
  int size = 0;
  for (int col = 0; col < opt.num_classes; ++col) {
    for (int row = 0; row < s->num_boxes; ++row) {
      s->column[row] = scores[static_cast<size_t>(row) * cols + col + s->label_offset];
    }
    const int n = SingleClass(s, s->column.data(), per_class);
    if (n == 0) continue;
    // Merge [0, size) with the n new ones (both descending); on equal scores
    // the earlier list goes first.
    BoxInfo* merged = s->merged.data();
    BoxInfo* tmp = s->merge_tmp.data();
    int a = 0, b = 0, k = 0;
    while (a < size || b < n) {
      if (b < n && (a >= size || s->column[s->selected[b]] > merged[a].score)) {
        tmp[k++] =
            BoxInfo{s->selected[b] * cols + col + s->label_offset, s->column[s->selected[b]]};
        ++b;
      } else {
        tmp[k++] = merged[a++];
      }
    }
    size = std::min(size + n, opt.max_detections);
    std::copy(tmp, tmp + size, merged);
  }
  for (int i = 0; i < opt.max_detections; ++i) {
    if (i < size) {
      const BoxInfo& info = s->merged[i];
      const int anchor = info.index / cols;
      const BoxCorners& c = s->decoded[anchor];
      out_boxes[4 * i + 0] = c.ymin;
      out_boxes[4 * i + 1] = c.xmin;
      out_boxes[4 * i + 2] = c.ymax;
      out_boxes[4 * i + 3] = c.xmax;
      out_classes[i] = static_cast<float>(info.index - anchor * cols - s->label_offset);
      out_scores[i] = info.score;
    } else {
      std::fill(out_boxes + 4 * i, out_boxes + 4 * i + 4, 0.0f);
      out_classes[i] = 0.0f;
      out_scores[i] = 0.0f;
    }
  }
  out_num[0] = static_cast<float>(size);
}

// Fast NMS: each anchor's best classes are sorted once; NMS runs on the best
// class score; each kept anchor fills max_classes_per_detection rows.
void FastNms(PostProcessState* s, const float* scores, float* out_boxes, float* out_classes,
             float* out_scores, float* out_num) {
  const Options& opt = s->opt;
  const int num_classes = opt.num_classes;
  const int per_anchor = std::min(opt.max_classes_per_detection, num_classes);
  for (int row = 0; row < s->num_boxes; ++row) {
    const float* box_scores =
        scores + static_cast<size_t>(row) * s->classes_with_bg + s->label_offset;
    int* order = s->class_order.data() + static_cast<size_t>(row) * num_classes;
    if (per_anchor == 1) {
      // LiteRT's ArgMaxVector: the first maximum, skipping NaN.
      int best = 0;
      float best_value = box_scores[0];
      for (int c = 1; c < num_classes; ++c) {
        const float v = box_scores[c];
        if (!std::isnan(v) && (std::isnan(best_value) || v > best_value)) {
          best_value = v;
          best = c;
        }
      }
      order[0] = std::isnan(best_value) ? 0 : best;
    } else {
      std::iota(order, order + num_classes, 0);
      std::partial_sort(order, order + per_anchor, order + num_classes,
                        [box_scores](int i, int j) { return box_scores[i] > box_scores[j]; });
    }
    s->column[row] = box_scores[order[0]];
  }
  const int n = SingleClass(s, s->column.data(), opt.max_detections);
  std::fill(out_boxes, out_boxes + 4 * static_cast<size_t>(s->num_detected), 0.0f);
  std::fill(out_classes, out_classes + s->num_detected, 0.0f);
  std::fill(out_scores, out_scores + s->num_detected, 0.0f);
  for (int k = 0; k < n; ++k) {
    const int anchor = s->selected[k];
    const float* box_scores =
        scores + static_cast<size_t>(anchor) * s->classes_with_bg + s->label_offset;
    const int* order = s->class_order.data() + static_cast<size_t>(anchor) * num_classes;
    const BoxCorners& c = s->decoded[anchor];
    for (int col = 0; col < per_anchor; ++col) {
      const size_t o = static_cast<size_t>(opt.max_classes_per_detection) * k + col;
      out_boxes[4 * o + 0] = c.ymin;
      out_boxes[4 * o + 1] = c.xmin;
      out_boxes[4 * o + 2] = c.ymax;
      out_boxes[4 * o + 3] = c.xmax;
      out_classes[o] = static_cast<float>(order[col]);
      out_scores[o] = box_scores[order[col]];
    }
  }
  out_num[0] = static_cast<float>(n);
}

Status Eval(OpContext& ctx) {
  PostProcessState* s = ctx.state<PostProcessState>();
  EDGEML_RETURN_IF_ERROR(DecodeBoxes(ctx, s));
  const Tensor& classes = ctx.input(1);
  const float* scores = classes.data_as<float>();
  if (classes.type == DataType::kUInt8) {
    // LiteRT's Dequantize: float(double(scale) * (q - zero_point)).
    const uint8_t* q = classes.data_as<uint8_t>();
    const double scale = s->score_q.scale;
    for (size_t i = 0; i < s->scores.size(); ++i) {
      s->scores[i] =
          static_cast<float>(scale * (static_cast<int32_t>(q[i]) - s->score_q.zero_point));
    }
    scores = s->scores.data();
  }
  float* out_boxes = ctx.output(0).data_as<float>();
  float* out_classes = ctx.output(1).data_as<float>();
  float* out_scores = ctx.output(2).data_as<float>();
  float* out_num = ctx.output(3).data_as<float>();
  if (s->opt.use_regular_nms) {
    RegularNms(s, scores, out_boxes, out_classes, out_scores, out_num);
  } else {
    FastNms(s, scores, out_boxes, out_classes, out_scores, out_num);
  }
  return Status::Ok();
}

}  // namespace

void RegisterDetectionPostProcessOp(OpResolver* r) {
  OpRegistration reg;
  reg.name = "TFLite_Detection_PostProcess";
  reg.min_version = 1;
  reg.max_version = 1;
  reg.prepare = Prepare;
  reg.eval = Eval;
  r->AddCustom("TFLite_Detection_PostProcess", reg);
}

}  // namespace edgeml::ops
