// PAD and PADV2: constant padding by a constant [rank, 2] int32/int64
// paddings tensor. Pure data movement, so any fixed-size type works.
#include "kernels/reference/pad.h"

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/pad_fast.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using spatial_family::RequireFixedSize;
using spatial_family::RequireSameType;

struct PadState : OpState {
  std::vector<int32_t> in_dims, before, after;
  size_t elem_bytes = 0;
  uint8_t value[16] = {};          // fill element when it is known at prepare
  int value_input = -1;            // else the input holding it (PADV2 at run time)
  std::vector<int64_t> workspace;  // kernel workspace, sized at prepare
  fast::PadPlan plan;              // merged geometry for the fast kernel
  bool use_fast = false;
};

Status PadEval(OpContext& ctx) {
  PadState* s = ctx.state<PadState>();
  const void* value = s->value_input >= 0 ? ctx.input(s->value_input).data : s->value;
  if (s->use_fast) {
    const fast::PadPlan& plan = s->plan;
    const void* in = ctx.input(0).data;
    void* out = ctx.output(0).data;
    // Nothing to copy: one range fills the whole output.
    const int64_t rows = plan.rows > 0 && plan.dims.back() > 0 ? plan.rows : 1;
    auto run = [&](int64_t begin, int64_t end) {
      fast::PadFastRows(plan, value, in, out, begin, end);
    };
    ctx.ParallelFor(rows, 64, run);
    return Status::Ok();
  }
  reference::Pad(s->in_dims, s->before, s->after, s->elem_bytes, value, ctx.input(0).data,
                 ctx.output(0).data, s->workspace.data());
  return Status::Ok();
}

// Reads paddings (input 1) into before/after, checking shape, type, sign and
// the size of the padded dims.
Status ReadPaddings(OpContext& ctx, const Tensor& input, PadState* s) {
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, 1, "paddings"));
  const Tensor& pads = ctx.input(1);
  const int rank = input.rank();
  EDGEML_OP_ENSURE(ctx, pads.rank() == 2 && pads.dim(0) == rank && pads.dim(1) == 2,
                   "paddings %s has shape %s; expected [%d, 2] for input %s",
                   ctx.Describe(pads).c_str(), ShapeToString(pads.shape).c_str(), rank,
                   ctx.Describe(input).c_str());
  const size_t n = static_cast<size_t>(rank) * 2;
  std::vector<int64_t> v(n);
  if (pads.type == DataType::kInt32) {
    EDGEML_OP_ENSURE(ctx, pads.bytes >= n * 4, "paddings %s data is short",
                     ctx.Describe(pads).c_str());
    const int32_t* p = pads.data_as<int32_t>();
    for (size_t i = 0; i < n; ++i) v[i] = p[i];
  } else if (pads.type == DataType::kInt64) {
    EDGEML_OP_ENSURE(ctx, pads.bytes >= n * 8, "paddings %s data is short",
                     ctx.Describe(pads).c_str());
    const int64_t* p = pads.data_as<int64_t>();
    for (size_t i = 0; i < n; ++i) v[i] = p[i];
  } else {
    return ctx.Unsupported("paddings %s has type %s; expected INT32 or INT64",
                           ctx.Describe(pads).c_str(), DataTypeName(pads.type).c_str());
  }
  s->in_dims.assign(input.shape.begin(), input.shape.end());
  s->before.resize(rank);
  s->after.resize(rank);
  for (int i = 0; i < rank; ++i) {
    const int64_t b = v[2 * i], a = v[2 * i + 1];
    EDGEML_OP_ENSURE(
        ctx, b >= 0 && a >= 0, "paddings %s for dim %d are [%lld, %lld]; must be non-negative",
        ctx.Describe(pads).c_str(), i, static_cast<long long>(b), static_cast<long long>(a));
    const int64_t out = input.dim(i) + b + a;  // no overflow: each term < 2^63 / 3
    EDGEML_OP_ENSURE(ctx,
                     b <= std::numeric_limits<int32_t>::max() &&
                         a <= std::numeric_limits<int32_t>::max() &&
                         out <= std::numeric_limits<int32_t>::max(),
                     "padded dim %d is too large (%d + %lld + %lld)", i, input.dim(i),
                     static_cast<long long>(b), static_cast<long long>(a));
    s->before[i] = static_cast<int32_t>(b);
    s->after[i] = static_cast<int32_t>(a);
  }
  return Status::Ok();
}

// The default fill: 0, or the output's zero point for quantized integers
// (which is the real value 0), as LiteRT does.
Status DefaultPadValue(OpContext& ctx, const Tensor& output, PadState* s) {
  std::memset(s->value, 0, sizeof(s->value));
  if (!output.quant.quantized() || output.quant.zero_point.empty()) return Status::Ok();
  const int64_t zp = output.quant.zero_point[0];
  switch (output.type) {
    case DataType::kInt8: {
      EDGEML_OP_ENSURE(ctx, zp >= -128 && zp <= 127, "output %s zero point %lld is out of range",
                       ctx.Describe(output).c_str(), static_cast<long long>(zp));
      const int8_t v = static_cast<int8_t>(zp);
      std::memcpy(s->value, &v, 1);
      break;
    }
    case DataType::kUInt8: {
      EDGEML_OP_ENSURE(ctx, zp >= 0 && zp <= 255, "output %s zero point %lld is out of range",
                       ctx.Describe(output).c_str(), static_cast<long long>(zp));
      const uint8_t v = static_cast<uint8_t>(zp);
      std::memcpy(s->value, &v, 1);
      break;
    }
    case DataType::kInt16: {
      EDGEML_OP_ENSURE(ctx, zp >= -32768 && zp <= 32767,
                       "output %s zero point %lld is out of range", ctx.Describe(output).c_str(),
                       static_cast<long long>(zp));
      const int16_t v = static_cast<int16_t>(zp);
      std::memcpy(s->value, &v, 2);
      break;
    }
    default:
      break;
  }
  return Status::Ok();
}

Status PadPrepareCommon(OpContext& ctx, int max_inputs) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, max_inputs, 1));
  const Tensor& input = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, input, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, input, 0));
  auto state = std::make_unique<PadState>();
  state->elem_bytes = DataTypeSize(input.type);
  if (state->elem_bytes > sizeof(state->value)) {
    return ctx.Unsupported("input %s has type %s; elements over %zu bytes are not supported",
                           ctx.Describe(input).c_str(), DataTypeName(input.type).c_str(),
                           sizeof(state->value));
  }
  EDGEML_RETURN_IF_ERROR(ReadPaddings(ctx, input, state.get()));
  const Tensor& output = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(DefaultPadValue(ctx, output, state.get()));

  if (max_inputs == 3 && ctx.has_input(2)) {
    const Tensor& cv = ctx.input(2);
    EDGEML_OP_ENSURE(
        ctx, cv.type == input.type, "constant_values %s has type %s; expected the input's type %s",
        ctx.Describe(cv).c_str(), DataTypeName(cv.type).c_str(), DataTypeName(input.type).c_str());
    EDGEML_OP_ENSURE(ctx, cv.num_elements() == 1,
                     "constant_values %s has %lld elements; expected 1", ctx.Describe(cv).c_str(),
                     static_cast<long long>(cv.num_elements()));
    // A quantized fill is copied as is, so it must share the output's scale.
    if (cv.quant.quantized() && output.quant.quantized()) {
      const bool same = cv.quant.scale[0] == output.quant.scale[0] &&
                        !cv.quant.zero_point.empty() && !output.quant.zero_point.empty() &&
                        cv.quant.zero_point[0] == output.quant.zero_point[0];
      if (!same) {
        return ctx.Unsupported("constant_values %s is quantized differently from output %s",
                               ctx.Describe(cv).c_str(), ctx.Describe(output).c_str());
      }
    }
    if (cv.is_constant()) {
      EDGEML_OP_ENSURE(ctx, cv.data != nullptr && cv.bytes >= state->elem_bytes,
                       "constant_values %s data is short", ctx.Describe(cv).c_str());
      std::memcpy(state->value, cv.data, state->elem_bytes);
    } else {
      state->value_input = 2;
    }
  }

  Shape out_shape(input.rank());
  for (int i = 0; i < input.rank(); ++i) {
    out_shape[i] = input.dim(i) + state->before[i] + state->after[i];
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  state->workspace.assign(2 * input.rank() + 1, 0);
  if (input.rank() >= 1) {
    fast::MakePadPlan(state->in_dims, state->before, state->after, state->elem_bytes, &state->plan);
    state->use_fast = state->plan.dims.size() <= static_cast<size_t>(fast::kPadMaxMergedRank) &&
                      state->elem_bytes <= fast::kPadMaxElemBytes;
  }
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, PadEval);
}

Status PadPrepare(OpContext& ctx) { return PadPrepareCommon(ctx, 2); }
Status PadV2Prepare(OpContext& ctx) { return PadPrepareCommon(ctx, 3); }

}  // namespace

namespace spatial_family {

// Later versions add quantized types and rank 5; the byte copy covers them.
OpRegistration PadRegistration() { return {"PAD", 1, 4, PadPrepare, PadEval}; }
OpRegistration PadV2Registration() { return {"PADV2", 1, 4, PadV2Prepare, PadEval}; }

}  // namespace spatial_family
}  // namespace edgeml::ops
