// NON_MAX_SUPPRESSION_V4 and V5: single-class NMS over [num_boxes, 4] boxes
// ([y1, x1, y2, x2], any diagonal) and [num_boxes] scores, float32.
//
// V4 inputs: boxes, scores, max_output_size (int32 scalar), iou_threshold,
// score_threshold (float32 scalars); outputs selected_indices
// [max_output_size] (int32, zero past the count) and num_selected (int32
// scalar). V5 adds soft_nms_sigma (float32 scalar) and a selected_scores
// output [max_output_size] between them. max_output_size fixes the output
// length: a constant (as the converter writes it) at AllocateTensors(), a
// run-time value by preparing again in Invoke() (LiteRT's dynamic output).
#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/reference/non_max_suppression.h"
#include "ops/builtin_ops.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

struct NmsState : OpState {
  bool soft = false;
  int num_boxes = 0;
  int max_output_size = 0;
  std::vector<reference::NmsCandidate> heap;
};

Status CheckScalar(OpContext& ctx, int input, DataType type, const char* role) {
  EDGEML_OP_ENSURE(ctx, ctx.has_input(input), "%s (input %d) is missing", role, input);
  const Tensor& t = ctx.input(input);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, t, type, role));
  EDGEML_OP_ENSURE(ctx, t.rank() == 0, "%s %s must be a scalar, has shape %s", role,
                   ctx.Describe(t).c_str(), ShapeToString(t.shape).c_str());
  return Status::Ok();
}

Status Prepare(OpContext& ctx, bool soft) {
  const int inputs = soft ? 6 : 5;
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, inputs, inputs, soft ? 3 : 2));
  EDGEML_OP_ENSURE(ctx, ctx.has_input(0) && ctx.has_input(1), "boxes and scores are required");
  const Tensor& boxes = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, boxes, DataType::kFloat32, "boxes"));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, scores, DataType::kFloat32, "scores"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, boxes, 2, "boxes"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, scores, 1, "scores"));
  EDGEML_OP_ENSURE(ctx, boxes.dim(1) == 4, "boxes %s have shape %s; expected [num_boxes, 4]",
                   ctx.Describe(boxes).c_str(), ShapeToString(boxes.shape).c_str());
  EDGEML_OP_ENSURE(ctx, scores.dim(0) == boxes.dim(0),
                   "scores %s have %d entries but boxes %s have %d", ctx.Describe(scores).c_str(),
                   scores.dim(0), ctx.Describe(boxes).c_str(), boxes.dim(0));
  EDGEML_RETURN_IF_ERROR(CheckScalar(ctx, 2, DataType::kInt32, "max_output_size"));
  EDGEML_RETURN_IF_ERROR(CheckScalar(ctx, 3, DataType::kFloat32, "iou_threshold"));
  EDGEML_RETURN_IF_ERROR(CheckScalar(ctx, 4, DataType::kFloat32, "score_threshold"));
  if (soft) EDGEML_RETURN_IF_ERROR(CheckScalar(ctx, 5, DataType::kFloat32, "soft_nms_sigma"));
  // The output length is max_output_size's value: edgeml plans shapes at
  // prepare, so it must be known then.
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, 2, "max_output_size"));
  const int32_t max_out = *ctx.input(2).data_as<int32_t>();
  EDGEML_OP_ENSURE(ctx, max_out >= 0, "max_output_size is %d, must be >= 0", max_out);

  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(0), DataType::kInt32, "selected_indices"));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {max_out}));
  if (soft) {
    EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(1), DataType::kFloat32, "selected_scores"));
    EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(1, {max_out}));
  }
  const int num_out = soft ? 2 : 1;
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(num_out), DataType::kInt32, "num_selected"));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(num_out, {}));

  auto state = std::make_unique<NmsState>();
  state->soft = soft;
  state->num_boxes = boxes.dim(0);
  state->max_output_size = max_out;
  state->heap.resize(static_cast<size_t>(boxes.dim(0)));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status PrepareV4(OpContext& ctx) { return Prepare(ctx, false); }
Status PrepareV5(OpContext& ctx) { return Prepare(ctx, true); }

Status Eval(OpContext& ctx) {
  NmsState* s = ctx.state<NmsState>();
  const float iou = *ctx.input(3).data_as<float>();
  const float score_threshold = *ctx.input(4).data_as<float>();
  float sigma = 0.0f;
  if (s->soft) {
    sigma = *ctx.input(5).data_as<float>();
    if (!(sigma >= 0.0f)) {
      return ctx.Error(StatusCode::kInvalidArgument, "soft_nms_sigma is %g, must be >= 0", sigma);
    }
  }
  int32_t* indices = ctx.output(0).data_as<int32_t>();
  float* out_scores = s->soft ? ctx.output(1).data_as<float>() : nullptr;
  int32_t* num = ctx.output(s->soft ? 2 : 1).data_as<int32_t>();
  static_assert(sizeof(reference::BoxCorners) == 4 * sizeof(float), "packed box");
  const int n = reference::NonMaxSuppression(
      reinterpret_cast<const reference::BoxCorners*>(ctx.input(0).data_as<float>()), s->num_boxes,
      ctx.input(1).data_as<float>(), s->max_output_size, iou, score_threshold, sigma,
      s->heap.data(), indices, out_scores);
  std::fill(indices + n, indices + s->max_output_size, 0);
  if (out_scores != nullptr) std::fill(out_scores + n, out_scores + s->max_output_size, 0.0f);
  *num = n;
  return Status::Ok();
}

}  // namespace

void RegisterNmsOps(OpResolver* r) {
  OpRegistration reg;
  reg.name = "NON_MAX_SUPPRESSION_V4";
  reg.prepare = PrepareV4;
  reg.eval = Eval;
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::NON_MAX_SUPPRESSION_V4), reg);
  reg.name = "NON_MAX_SUPPRESSION_V5";
  reg.prepare = PrepareV5;
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::NON_MAX_SUPPRESSION_V5), reg);
}

}  // namespace edgeml::ops
