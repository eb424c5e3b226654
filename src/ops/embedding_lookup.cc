// EMBEDDING_LOOKUP: output row i = value row lookup[i]. float32 rows are
// copied (as are int8/uint8 rows into an output of the same type); the
// hybrid form reads int8/uint8 rows into a float32 output times the value's
// scale (one per tensor, or one per row), without a zero point, as LiteRT;
// like LiteRT it reads uint8 bytes as int8 (so 200 means -56).
// Indices are run-time values: each is checked at eval.
#include <cstring>

#include "ops/builtin_ops.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

struct EmbeddingState : OpState {
  bool hybrid = false;
  int64_t rows = 0;
  int64_t row_elements = 0;
  size_t row_bytes = 0;
};

Status EmbeddingPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.InvalidModel("an input is missing");
  const Tensor& lookup = ctx.input(0);
  const Tensor& value = ctx.input(1);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, lookup, DataType::kInt32, "lookup"));
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, lookup, 1, "lookup"));
  if (value.rank() < 2) {
    return ctx.InvalidModel("value %s must have rank >= 2", ctx.Describe(value).c_str());
  }
  auto state = std::make_unique<EmbeddingState>();
  const bool quantized_value = value.type == DataType::kInt8 || value.type == DataType::kUInt8;
  if (value.type == DataType::kFloat32 || (quantized_value && out.type == value.type)) {
    if (out.type != value.type) {
      return ctx.InvalidModel("output %s must have the value's type %s", ctx.Describe(out).c_str(),
                              DataTypeName(value.type).c_str());
    }
  } else if (quantized_value && out.type == DataType::kFloat32) {
    state->hybrid = true;
    if (value.quant.scale.empty()) {
      return ctx.InvalidModel("value %s has no scale for the hybrid lookup",
                              ctx.Describe(value).c_str());
    }
    if (value.quant.scale.size() != 1 &&
        static_cast<int64_t>(value.quant.scale.size()) != value.dim(0)) {
      return ctx.InvalidModel("value %s has %zu scales; the hybrid lookup needs 1 or one per row",
                              ctx.Describe(value).c_str(), value.quant.scale.size());
    }
  } else {
    return ctx.Unsupported(
        "value %s to output %s is not supported (FLOAT32, or INT8/UINT8 to "
        "the same type or to FLOAT32)",
        ctx.Describe(value).c_str(), ctx.Describe(out).c_str());
  }
  state->rows = value.dim(0);
  state->row_elements = value.num_elements() / std::max<int64_t>(1, state->rows);
  state->row_bytes = static_cast<size_t>(state->row_elements) * DataTypeSize(value.type);
  Shape shape = value.shape;
  shape[0] = lookup.dim(0);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

template <typename T>
void DequantizeRow(const T* row, float scale, int64_t n, float* out) {
  for (int64_t j = 0; j < n; ++j) out[j] = static_cast<float>(row[j]) * scale;
}

Status EmbeddingEval(OpContext& ctx) {
  const auto* st = ctx.state<EmbeddingState>();
  const Tensor& lookup = ctx.input(0);
  const Tensor& value = ctx.input(1);
  Tensor& out = ctx.output(0);
  const int32_t* idx = lookup.data_as<int32_t>();
  const auto* src = static_cast<const uint8_t*>(value.data);
  for (int64_t i = 0; i < lookup.dim(0); ++i) {
    const int32_t r = idx[i];
    if (r < 0 || r >= st->rows) {
      return ctx.InvalidModel("lookup %s[%lld] = %d is outside the %lld rows of value %s",
                              ctx.Describe(lookup).c_str(), static_cast<long long>(i), r,
                              static_cast<long long>(st->rows), ctx.Describe(value).c_str());
    }
    const uint8_t* row = src + static_cast<size_t>(r) * st->row_bytes;
    if (!st->hybrid) {
      std::memcpy(static_cast<uint8_t*>(out.data) + static_cast<size_t>(i) * st->row_bytes, row,
                  st->row_bytes);
      continue;
    }
    const float scale = value.quant.scale.size() == 1 ? value.quant.scale[0] : value.quant.scale[r];
    float* o = out.data_as<float>() + i * st->row_elements;
    DequantizeRow(reinterpret_cast<const int8_t*>(row), scale, st->row_elements, o);
  }
  return Status::Ok();
}

}  // namespace

void RegisterEmbeddingOps(OpResolver* r) {
  OpRegistration reg;
  reg.name = "EMBEDDING_LOOKUP";
  reg.min_version = 1;
  reg.max_version = 3;  // 3 adds INT4 values, refused by type
  reg.prepare = EmbeddingPrepare;
  reg.eval = EmbeddingEval;
  r->AddBuiltin(static_cast<int>(tfl::BuiltinOperator::EMBEDDING_LOOKUP), reg);
}

}  // namespace edgeml::ops
