// Non-max suppression and SSD box decoding, as LiteRT computes them:
// NON_MAX_SUPPRESSION_V4/V5 (hard and soft, Gaussian-weighted NMS) and the
// pieces of the TFLite_Detection_PostProcess custom op. Pure functions over
// raw pointers; every buffer is the caller's, nothing is allocated here.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace edgeml::reference {

// Corners of an axis-aligned box, in the order the formats store them.
struct BoxCorners {
  float ymin, xmin, ymax, xmax;
};
// A box as SSD encodings and anchors store it: center, then size.
struct BoxCenterSize {
  float y, x, h, w;
};

// IoU of two boxes whose corners may come in either order (NMS V4/V5: the
// boxes are [y1, x1, y2, x2] with any diagonal). 0 when an area is <= 0.
inline float IouAnyCorners(const BoxCorners& a, const BoxCorners& b) {
  const float a_ymin = std::min<float>(a.ymin, a.ymax), a_ymax = std::max<float>(a.ymin, a.ymax);
  const float a_xmin = std::min<float>(a.xmin, a.xmax), a_xmax = std::max<float>(a.xmin, a.xmax);
  const float b_ymin = std::min<float>(b.ymin, b.ymax), b_ymax = std::max<float>(b.ymin, b.ymax);
  const float b_xmin = std::min<float>(b.xmin, b.xmax), b_xmax = std::max<float>(b.xmin, b.xmax);
  const float area_a = (a_ymax - a_ymin) * (a_xmax - a_xmin);
  const float area_b = (b_ymax - b_ymin) * (b_xmax - b_xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float inter =
      std::max<float>(std::min<float>(a_ymax, b_ymax) - std::max<float>(a_ymin, b_ymin), 0.0f) *
      std::max<float>(std::min<float>(a_xmax, b_xmax) - std::max<float>(a_xmin, b_xmin), 0.0f);
  return inter / (area_a + area_b - inter);
}

// IoU of two boxes already in (ymin, xmin, ymax, xmax) order (the
// post-process op's decoded boxes).
inline float IouOrdered(const BoxCorners& a, const BoxCorners& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float inter =
      std::max<float>(std::min<float>(a.ymax, b.ymax) - std::max<float>(a.ymin, b.ymin), 0.0f) *
      std::max<float>(std::min<float>(a.xmax, b.xmax) - std::max<float>(a.xmin, b.xmin), 0.0f);
  return inter / (area_a + area_b - inter);
}

// A candidate of the V4/V5 priority queue.
struct NmsCandidate {
  int index;
  float score;
  int suppress_begin_index;
};

// NON_MAX_SUPPRESSION_V4 (sigma = 0) and V5 (soft NMS when sigma > 0):
// candidates above score_threshold are taken best first; one is dropped when
// its IoU with a selected box reaches iou_threshold, and with sigma > 0 its
// score decays by exp(-0.5 / sigma * iou^2) per selected box and it goes back
// into the queue. `heap` must hold num_boxes candidates. Writes up to
// max_output_size indices (and scores when selected_scores != nullptr) and
// returns how many. The queue is a binary heap kept with std::push_heap /
// pop_heap, so that ties leave it in the order LiteRT's priority_queue does.
inline int NonMaxSuppression(const BoxCorners* boxes, int num_boxes, const float* scores,
                             int max_output_size, float iou_threshold, float score_threshold,
                             float soft_nms_sigma, NmsCandidate* heap, int* selected_indices,
                             float* selected_scores) {
  auto less = [](const NmsCandidate& a, const NmsCandidate& b) { return a.score < b.score; };
  int heap_size = 0;
  for (int i = 0; i < num_boxes; ++i) {
    if (scores[i] > score_threshold) {
      heap[heap_size++] = NmsCandidate{i, scores[i], 0};
      std::push_heap(heap, heap + heap_size, less);
    }
  }
  int num_selected = 0;
  const int num_outputs = std::min(heap_size, max_output_size);
  if (num_outputs <= 0) return 0;
  float scale = 0;
  if (soft_nms_sigma > 0.0f) scale = static_cast<float>(-0.5 / soft_nms_sigma);
  while (num_selected < num_outputs && heap_size > 0) {
    std::pop_heap(heap, heap + heap_size, less);
    NmsCandidate next = heap[--heap_size];
    const float original_score = next.score;
    bool hard_suppress = false;
    for (int j = num_selected - 1; j >= next.suppress_begin_index; --j) {
      const float iou = IouAnyCorners(boxes[next.index], boxes[selected_indices[j]]);
      if (iou >= iou_threshold) {
        hard_suppress = true;
        break;
      }
      if (soft_nms_sigma > 0.0f) next.score = next.score * std::exp(scale * iou * iou);
      if (next.score <= score_threshold) break;
    }
    next.suppress_begin_index = num_selected;
    if (!hard_suppress) {
      if (next.score == original_score) {
        selected_indices[num_selected] = next.index;
        if (selected_scores != nullptr) selected_scores[num_selected] = next.score;
        ++num_selected;
      }
      if (next.score > score_threshold) {
        heap[heap_size++] = next;
        std::push_heap(heap, heap + heap_size, less);
      }
    }
  }
  return num_selected;
}

// SSD center-size decoding against an anchor, in double as LiteRT does:
//   yc = y / y_scale * anchor.h + anchor.y,  half_h = 0.5 * exp(h / h_scale) * anchor.h
// (and the same for x / w); returns (yc - half_h, xc - half_w, yc + half_h, xc + half_w).
inline BoxCorners DecodeCenterSize(const BoxCenterSize& e, const BoxCenterSize& anchor,
                                   const BoxCenterSize& scale) {
  const float yc = static_cast<float>(static_cast<double>(e.y) / static_cast<double>(scale.y) *
                                          static_cast<double>(anchor.h) +
                                      static_cast<double>(anchor.y));
  const float xc = static_cast<float>(static_cast<double>(e.x) / static_cast<double>(scale.x) *
                                          static_cast<double>(anchor.w) +
                                      static_cast<double>(anchor.x));
  const float half_h =
      static_cast<float>(0.5 * std::exp(static_cast<double>(e.h) / static_cast<double>(scale.h)) *
                         static_cast<double>(anchor.h));
  const float half_w =
      static_cast<float>(0.5 * std::exp(static_cast<double>(e.w) / static_cast<double>(scale.w)) *
                         static_cast<double>(anchor.w));
  return BoxCorners{yc - half_h, xc - half_w, yc + half_h, xc + half_w};
}

// Greedy single-class NMS of the post-process op: boxes with score >=
// score_threshold, best first (ties by index), each kept unless its IoU with
// a kept box exceeds iou_threshold; at most max_detections. Workspace:
// keep_indices, keep_scores, order (num_boxes ints/floats each) and active
// (num_boxes bytes). Writes anchor indices to `selected`; returns the count.
inline int SingleClassNms(const BoxCorners* boxes, const float* scores, int num_boxes,
                          int max_detections, float score_threshold, float iou_threshold,
                          int* keep_indices, float* keep_scores, int* order, uint8_t* active,
                          int* selected) {
  int kept = 0;
  for (int i = 0; i < num_boxes; ++i) {
    if (scores[i] >= score_threshold) {
      keep_scores[kept] = scores[i];
      keep_indices[kept] = i;
      ++kept;
    }
  }
  // A stable descending sort (LiteRT: std::stable_sort) without its buffer.
  for (int i = 0; i < kept; ++i) order[i] = i;
  std::sort(order, order + kept, [keep_scores](int a, int b) {
    return keep_scores[a] > keep_scores[b] || (keep_scores[a] == keep_scores[b] && a < b);
  });
  const int output_size = std::min(kept, max_detections);
  int num_selected = 0;
  int num_active = kept;
  std::fill(active, active + kept, uint8_t{1});
  for (int i = 0; i < kept; ++i) {
    if (num_active == 0 || num_selected >= output_size) break;
    if (!active[i]) continue;
    selected[num_selected++] = keep_indices[order[i]];
    active[i] = 0;
    --num_active;
    for (int j = i + 1; j < kept; ++j) {
      if (active[j] && IouOrdered(boxes[keep_indices[order[i]]], boxes[keep_indices[order[j]]]) >
                           iou_threshold) {
        active[j] = 0;
        --num_active;
      }
    }
  }
  return num_selected;
}

}  // namespace edgeml::reference
