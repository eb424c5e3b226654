// The index family, continued: SPLIT_V, ONE_HOT, SCATTER_ND, TOPK_V2,
// SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND. Sizes, depths, shapes, k, block
// shapes, paddings and crops must be constants (read at prepare).
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/reference/index_ops.h"
#include "ops/elementwise_family.h"
#include "ops/index_family.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops::index_family {
namespace {

using elementwise_family::RequireTypeIn;
using spatial_family::RequireFixedSize;
using spatial_family::RequireSameType;

Status RequireInputs(OpContext& ctx, int n) {
  for (int i = 0; i < n; ++i) {
    if (!ctx.has_input(i)) return ctx.InvalidModel("input %d is missing", i);
  }
  return Status::Ok();
}

Status CheckOutputSize(OpContext& ctx, const Shape& shape, DataType type) {
  int64_t bytes = 0;
  if (!ShapeElementCount(shape, &bytes, DataTypeSize(type))) {
    return ctx.InvalidModel("output shape %s is too large", ShapeToString(shape).c_str());
  }
  return Status::Ok();
}

// Reads one constant value (a scalar or a one-element vector).
Status ReadScalar(OpContext& ctx, int input, const char* role, int64_t* value) {
  std::vector<int64_t> v;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, input, role, &v));
  if (v.size() != 1) {
    return ctx.InvalidModel("%s %s must hold one value, has %zu", role,
                            ctx.Describe(ctx.input(input)).c_str(), v.size());
  }
  *value = v[0];
  return Status::Ok();
}

// --- SPLIT_V

struct SplitVState : OpState {
  int64_t outer = 1, axis_size = 1, inner = 1;
  std::vector<int64_t> sizes;
  std::vector<void*> outputs;  // refreshed at each eval
};

Status SplitVEval(OpContext& ctx) {
  SplitVState* s = ctx.state<SplitVState>();
  for (size_t i = 0; i < s->outputs.size(); ++i) {
    s->outputs[i] = ctx.output(static_cast<int>(i)).data;
  }
  reference::SplitAxis(s->outer, s->axis_size, s->inner, DataTypeSize(ctx.input(0).type),
                       ctx.input(0).data, s->sizes, s->outputs.data());
  return Status::Ok();
}

Status SplitVPrepare(OpContext& ctx) {
  const int n = ctx.num_outputs();
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, n));
  EDGEML_RETURN_IF_ERROR(RequireInputs(ctx, 3));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, in, "input"));
  if (const auto* o = Options<tfl::SplitVOptions>(ctx)) {
    EDGEML_OP_ENSURE(ctx, o->num_splits() == n, "num_splits %d but the node has %d outputs",
                     o->num_splits(), n);
  }
  std::vector<int64_t> sizes;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "size_splits", &sizes));
  EDGEML_OP_ENSURE(ctx, static_cast<int>(sizes.size()) == n,
                   "size_splits %s has %zu values for %d outputs",
                   ctx.Describe(ctx.input(1)).c_str(), sizes.size(), n);
  int64_t axis_value = 0;
  EDGEML_RETURN_IF_ERROR(ReadScalar(ctx, 2, "axis", &axis_value));
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, axis_value, in.rank(), "axis", &axis));
  // One size may be -1: whatever the others leave.
  int unknown = -1;
  int64_t known = 0;
  for (int i = 0; i < n; ++i) {
    if (sizes[i] == -1 && unknown < 0) {
      unknown = i;
      continue;
    }
    EDGEML_OP_ENSURE(ctx, sizes[i] >= 0 && sizes[i] <= in.dim(axis),
                     "size_splits[%d] = %lld is invalid for axis %d of size %d", i,
                     static_cast<long long>(sizes[i]), axis, in.dim(axis));
    known += sizes[i];
  }
  if (unknown >= 0) {
    EDGEML_OP_ENSURE(ctx, known <= in.dim(axis),
                     "size_splits add up to %lld, more than axis %d of size %d",
                     static_cast<long long>(known), axis, in.dim(axis));
    sizes[unknown] = in.dim(axis) - known;
  } else {
    EDGEML_OP_ENSURE(ctx, known == in.dim(axis),
                     "size_splits add up to %lld but axis %d of input %s has size %d",
                     static_cast<long long>(known), axis, ctx.Describe(in).c_str(), in.dim(axis));
  }
  auto state = std::make_unique<SplitVState>();
  for (int d = 0; d < in.rank(); ++d) {
    if (d < axis) state->outer *= in.dim(d);
    if (d > axis) state->inner *= in.dim(d);
  }
  state->axis_size = in.dim(axis);
  for (int i = 0; i < n; ++i) {
    EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, i));
    Shape shape = in.shape;
    shape[axis] = static_cast<int32_t>(sizes[i]);
    EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(i, shape));
  }
  state->sizes = std::move(sizes);
  state->outputs.assign(n, nullptr);
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// --- ONE_HOT: indices, depth, on_value, off_value.

struct OneHotState : OpState {
  int64_t outer = 1, depth = 0, inner = 1;
  void (*kernel)(const OneHotState&, OpContext&) = nullptr;
};

template <typename T, typename Index>
void RunOneHot(const OneHotState& s, OpContext& ctx) {
  reference::OneHot<T, Index>(s.outer, s.depth, s.inner, ctx.input(0).data_as<Index>(),
                              ctx.input(2).data_as<T>()[0], ctx.input(3).data_as<T>()[0],
                              ctx.output(0).data_as<T>());
}

template <typename Index>
void (*PickOneHot(DataType type))(const OneHotState&, OpContext&) {
  switch (type) {
    case DataType::kFloat32:
      return RunOneHot<float, Index>;
    case DataType::kInt32:
      return RunOneHot<int32_t, Index>;
    case DataType::kInt64:
      return RunOneHot<int64_t, Index>;
    case DataType::kInt8:
      return RunOneHot<int8_t, Index>;
    case DataType::kUInt8:
      return RunOneHot<uint8_t, Index>;
    case DataType::kBool:
      return RunOneHot<bool, Index>;
    default:
      return nullptr;
  }
}

Status OneHotEval(OpContext& ctx) {
  const OneHotState* s = ctx.state<OneHotState>();
  s->kernel(*s, ctx);
  return Status::Ok();
}

Status OneHotPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 4, 4, 1));
  EDGEML_RETURN_IF_ERROR(RequireInputs(ctx, 4));
  const Tensor& indices = ctx.input(0);
  const Tensor& on = ctx.input(2);
  const Tensor& off = ctx.input(3);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, indices, {DataType::kInt32, DataType::kInt64}, "indices"));
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, out,
                                       {DataType::kFloat32, DataType::kInt32, DataType::kInt64,
                                        DataType::kInt8, DataType::kUInt8, DataType::kBool},
                                       "output"));
  EDGEML_OP_ENSURE(ctx, on.type == out.type && off.type == out.type,
                   "on_value %s and off_value %s must have the output's type %s",
                   ctx.Describe(on).c_str(), ctx.Describe(off).c_str(),
                   DataTypeName(out.type).c_str());
  EDGEML_OP_ENSURE(ctx, on.num_elements() == 1 && off.num_elements() == 1,
                   "on_value %s and off_value %s must be scalars", ctx.Describe(on).c_str(),
                   ctx.Describe(off).c_str());
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(1), DataType::kInt32, "depth"));
  int64_t depth = 0;
  EDGEML_RETURN_IF_ERROR(ReadScalar(ctx, 1, "depth", &depth));
  EDGEML_OP_ENSURE(ctx, depth >= 0 && depth <= std::numeric_limits<int32_t>::max(),
                   "depth %lld is outside [0, 2^31)", static_cast<long long>(depth));
  const int rank = indices.rank();
  int axis = -1;
  if (const auto* o = Options<tfl::OneHotOptions>(ctx)) axis = o->axis();
  EDGEML_OP_ENSURE(ctx, axis >= -1 && axis <= rank, "axis %d is out of range [-1, %d]", axis, rank);
  if (axis == -1) axis = rank;
  auto state = std::make_unique<OneHotState>();
  state->depth = depth;
  Shape shape;
  for (int d = 0; d < rank; ++d) {
    if (d == axis) shape.push_back(static_cast<int32_t>(depth));
    shape.push_back(indices.dim(d));
    (d < axis ? state->outer : state->inner) *= indices.dim(d);
  }
  if (axis == rank) shape.push_back(static_cast<int32_t>(depth));
  EDGEML_RETURN_IF_ERROR(CheckOutputSize(ctx, shape, out.type));
  state->kernel = indices.type == DataType::kInt32 ? PickOneHot<int32_t>(out.type)
                                                   : PickOneHot<int64_t>(out.type);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// --- SCATTER_ND: indices [..., nd], updates, shape (constant).

struct ScatterNdState : OpState {
  std::vector<int32_t> dims;
  std::vector<int64_t> strides;
  int64_t count = 0, slice = 0, output_count = 0;
  int nd = 0;
  int64_t (*kernel)(const ScatterNdState&, OpContext&) = nullptr;
};

template <typename T, typename Index>
int64_t RunScatterNd(const ScatterNdState& s, OpContext& ctx) {
  return reference::ScatterNd<T, Index>(ctx.input(0).data_as<Index>(), s.count, s.nd, s.dims.data(),
                                        s.strides.data(), ctx.input(1).data_as<T>(), s.slice,
                                        s.output_count, ctx.output(0).data_as<T>());
}

template <typename Index>
int64_t (*PickScatter(DataType type))(const ScatterNdState&, OpContext&) {
  switch (type) {
    case DataType::kFloat32:
      return RunScatterNd<float, Index>;
    case DataType::kInt32:
      return RunScatterNd<int32_t, Index>;
    case DataType::kInt64:
      return RunScatterNd<int64_t, Index>;
    case DataType::kInt8:  // quantized updates: copied bytes, zero bytes elsewhere (as LiteRT)
      return RunScatterNd<int8_t, Index>;
    case DataType::kUInt8:
      return RunScatterNd<uint8_t, Index>;
    default:
      return nullptr;
  }
}

Status ScatterNdEval(OpContext& ctx) {
  const ScatterNdState* s = ctx.state<ScatterNdState>();
  const int64_t bad = s->kernel(*s, ctx);
  if (bad >= 0) {
    const Tensor& indices = ctx.input(0);
    const long long value = indices.type == DataType::kInt32 ? indices.data_as<int32_t>()[bad]
                                                             : indices.data_as<int64_t>()[bad];
    return ctx.Error(
        StatusCode::kInvalidArgument, "index %lld at position %lld of %s is outside [0, %d)", value,
        static_cast<long long>(bad), ctx.Describe(indices).c_str(), s->dims[bad % s->nd]);
  }
  return Status::Ok();
}

Status ScatterNdPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  EDGEML_RETURN_IF_ERROR(RequireInputs(ctx, 3));
  const Tensor& indices = ctx.input(0);
  const Tensor& updates = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, indices, {DataType::kInt32, DataType::kInt64}, "indices"));
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, updates,
      {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8, DataType::kUInt8},
      "updates"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, updates, 0));
  std::vector<int64_t> shape_values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 2, "shape", &shape_values));
  Shape shape;
  for (int64_t v : shape_values) {
    EDGEML_OP_ENSURE(ctx, v >= 0 && v <= std::numeric_limits<int32_t>::max(),
                     "shape value %lld is invalid", static_cast<long long>(v));
    shape.push_back(static_cast<int32_t>(v));
  }
  EDGEML_OP_ENSURE(ctx, indices.rank() >= 1, "indices %s must have rank >= 1",
                   ctx.Describe(indices).c_str());
  const int nd = indices.dim(indices.rank() - 1);
  EDGEML_OP_ENSURE(ctx, nd >= 1 && nd <= static_cast<int>(shape.size()),
                   "indices %s have tuples of %d for an output of rank %zu",
                   ctx.Describe(indices).c_str(), nd, shape.size());
  // updates must be indices.shape[:-1] + shape[nd:].
  Shape want(indices.shape.begin(), indices.shape.end() - 1);
  want.insert(want.end(), shape.begin() + nd, shape.end());
  EDGEML_OP_ENSURE(ctx, updates.shape == want, "updates %s has shape %s; expected %s",
                   ctx.Describe(updates).c_str(), ShapeToString(updates.shape).c_str(),
                   ShapeToString(want).c_str());
  EDGEML_RETURN_IF_ERROR(CheckOutputSize(ctx, shape, updates.type));
  auto state = std::make_unique<ScatterNdState>();
  state->nd = nd;
  const std::vector<int64_t> strides = reference::RowMajorStrides(shape);
  for (int j = 0; j < nd; ++j) {
    state->dims.push_back(shape[j]);
    state->strides.push_back(strides[j]);
  }
  state->count = 1;
  for (int d = 0; d + 1 < indices.rank(); ++d) state->count *= indices.dim(d);
  state->slice = 1;
  for (size_t d = nd; d < shape.size(); ++d) state->slice *= shape[d];
  state->output_count = 1;
  for (int32_t d : shape) state->output_count *= d;
  state->kernel = indices.type == DataType::kInt32 ? PickScatter<int32_t>(updates.type)
                                                   : PickScatter<int64_t>(updates.type);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// --- TOPK_V2: values and int32 indices of the k largest along the last axis.

struct TopKState : OpState {
  int64_t rows = 0;
  int32_t n = 0, k = 0;
  std::vector<int32_t> order;  // kernel workspace
  void (*kernel)(TopKState&, OpContext&) = nullptr;
};

template <typename T>
void RunTopK(TopKState& s, OpContext& ctx) {
  reference::TopK<T>(s.rows, s.n, s.k, ctx.input(0).data_as<T>(), ctx.output(0).data_as<T>(),
                     ctx.output(1).data_as<int32_t>(), s.order.data());
}

Status TopKEval(OpContext& ctx) {
  TopKState* s = ctx.state<TopKState>();
  s->kernel(*s, ctx);
  return Status::Ok();
}

Status TopKPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 2));
  EDGEML_RETURN_IF_ERROR(RequireInputs(ctx, 2));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in,
      {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8, DataType::kUInt8},
      "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, 0));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.output(1), DataType::kInt32, "indices output"));
  EDGEML_OP_ENSURE(ctx, in.rank() >= 1, "input %s must have rank >= 1", ctx.Describe(in).c_str());
  int64_t k = 0;
  EDGEML_RETURN_IF_ERROR(ReadScalar(ctx, 1, "k", &k));
  const int32_t n = in.dim(in.rank() - 1);
  EDGEML_OP_ENSURE(ctx, k >= 0 && k <= n, "k %lld is outside [0, %d] for input %s",
                   static_cast<long long>(k), n, ctx.Describe(in).c_str());
  auto state = std::make_unique<TopKState>();
  state->n = n;
  state->k = static_cast<int32_t>(k);
  state->rows = 1;
  for (int d = 0; d + 1 < in.rank(); ++d) state->rows *= in.dim(d);
  state->order.assign(static_cast<size_t>(n), 0);
  switch (in.type) {
    case DataType::kFloat32:
      state->kernel = RunTopK<float>;
      break;
    case DataType::kInt32:
      state->kernel = RunTopK<int32_t>;
      break;
    case DataType::kInt64:
      state->kernel = RunTopK<int64_t>;
      break;
    case DataType::kInt8:
      state->kernel = RunTopK<int8_t>;
      break;
    default:
      state->kernel = RunTopK<uint8_t>;
      break;
  }
  Shape shape = in.shape;
  shape.back() = static_cast<int32_t>(k);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(1, shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

// --- SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND: input, block_shape [M],
// paddings/crops [M, 2].

struct SpaceBatchState : OpState {
  reference::SpaceBatchGeometry g;
  bool to_batch = true;
  uint8_t pad_byte = 0;  // the zero point for int8/uint8 (as LiteRT pads)
};

Status SpaceBatchEval(OpContext& ctx) {
  const SpaceBatchState* s = ctx.state<SpaceBatchState>();
  if (s->to_batch) {
    reference::SpaceToBatch(s->g, ctx.input(0).data, ctx.output(0).data, s->pad_byte);
  } else {
    reference::BatchToSpace(s->g, ctx.input(0).data, ctx.output(0).data);
  }
  return Status::Ok();
}

Status SpaceBatchPrepare(OpContext& ctx, bool to_batch) {
  const char* pad_role = to_batch ? "paddings" : "crops";
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 3, 3, 1));
  EDGEML_RETURN_IF_ERROR(RequireInputs(ctx, 3));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in,
      {DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kInt8, DataType::kUInt8},
      "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, 0));
  uint8_t pad_byte = 0;
  if (in.type == DataType::kInt8 || in.type == DataType::kUInt8) {
    // Data movement only: LiteRT requires the output's scale and zero point
    // to be the input's, and pads with that zero point.
    const QuantizationParams& qi = in.quant;
    const QuantizationParams& qo = ctx.output(0).quant;
    EDGEML_OP_ENSURE(ctx,
                     qi.scale.size() == 1 && qo.scale.size() == 1 && qi.zero_point.size() == 1 &&
                         qo.zero_point.size() == 1 && qi.scale[0] == qo.scale[0] &&
                         qi.zero_point[0] == qo.zero_point[0],
                     "input %s and the output need the same per-tensor scale and zero point",
                     ctx.Describe(in).c_str());
    const int64_t zp = qi.zero_point[0];
    const bool in_range =
        in.type == DataType::kInt8 ? (zp >= -128 && zp <= 127) : (zp >= 0 && zp <= 255);
    EDGEML_OP_ENSURE(ctx, in_range, "zero point %lld of input %s is out of range",
                     static_cast<long long>(zp), ctx.Describe(in).c_str());
    pad_byte = static_cast<uint8_t>(zp & 0xff);  // the byte of zp as an int8 or a uint8
  }
  std::vector<int64_t> block, pads;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "block_shape", &block));
  const int m = static_cast<int>(block.size());
  EDGEML_OP_ENSURE(ctx, m >= 1 && m <= in.rank() - 1,
                   "block_shape has %d values for input %s of rank %d", m, ctx.Describe(in).c_str(),
                   in.rank());
  // paddings/crops is [M, 2]; read it flat after checking the shape.
  const Tensor& p = ctx.input(2);
  EDGEML_OP_ENSURE(ctx, p.rank() == 2 && p.dim(0) == m && p.dim(1) == 2,
                   "%s %s has shape %s; expected [%d, 2]", pad_role, ctx.Describe(p).c_str(),
                   ShapeToString(p.shape).c_str(), m);
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, 2, pad_role));
  pads.resize(static_cast<size_t>(2 * m));
  if (p.type == DataType::kInt32) {
    EDGEML_OP_ENSURE(ctx, p.bytes >= pads.size() * 4, "%s data is short", pad_role);
    for (size_t i = 0; i < pads.size(); ++i) pads[i] = p.data_as<int32_t>()[i];
  } else if (p.type == DataType::kInt64) {
    EDGEML_OP_ENSURE(ctx, p.bytes >= pads.size() * 8, "%s data is short", pad_role);
    for (size_t i = 0; i < pads.size(); ++i) pads[i] = p.data_as<int64_t>()[i];
  } else {
    return ctx.Unsupported("%s %s has type %s; expected INT32 or INT64", pad_role,
                           ctx.Describe(p).c_str(), DataTypeName(p.type).c_str());
  }
  auto state = std::make_unique<SpaceBatchState>();
  state->to_batch = to_batch;
  state->pad_byte = pad_byte;
  reference::SpaceBatchGeometry& g = state->g;
  g.in_batch = in.dim(0);
  int64_t block_count = 1;
  Shape shape = in.shape;
  for (int i = 0; i < m; ++i) {
    const int64_t b = block[i], before = pads[2 * i], after = pads[2 * i + 1];
    const int64_t dim = in.dim(i + 1);
    EDGEML_OP_ENSURE(ctx, b >= 1 && b <= std::numeric_limits<int32_t>::max(),
                     "block_shape[%d] = %lld must be positive", i, static_cast<long long>(b));
    EDGEML_OP_ENSURE(ctx,
                     before >= 0 && after >= 0 && before <= std::numeric_limits<int32_t>::max() &&
                         after <= std::numeric_limits<int32_t>::max(),
                     "%s [%lld, %lld] for spatial dim %d are invalid", pad_role,
                     static_cast<long long>(before), static_cast<long long>(after), i);
    int64_t out_dim = 0;
    if (to_batch) {
      const int64_t padded = dim + before + after;
      EDGEML_OP_ENSURE(ctx, padded % b == 0,
                       "padded spatial dim %d (%lld) is not a multiple of block %lld", i,
                       static_cast<long long>(padded), static_cast<long long>(b));
      out_dim = padded / b;
    } else {
      out_dim = dim * b - before - after;
      EDGEML_OP_ENSURE(ctx, out_dim >= 0, "crops [%lld, %lld] exceed spatial dim %d (%lld)",
                       static_cast<long long>(before), static_cast<long long>(after), i,
                       static_cast<long long>(dim * b));
    }
    EDGEML_OP_ENSURE(ctx, out_dim <= std::numeric_limits<int32_t>::max(),
                     "output spatial dim %d is too large", i);
    block_count *= b;
    EDGEML_OP_ENSURE(ctx, block_count <= std::numeric_limits<int32_t>::max(),
                     "block_shape product is too large");
    g.in_spatial.push_back(dim);
    g.out_spatial.push_back(out_dim);
    g.block.push_back(b);
    g.before.push_back(before);
    shape[i + 1] = static_cast<int32_t>(out_dim);
  }
  if (to_batch) {
    const int64_t out_batch = g.in_batch * block_count;
    EDGEML_OP_ENSURE(ctx, out_batch <= std::numeric_limits<int32_t>::max(),
                     "output batch is too large");
    g.out_batch = out_batch;
  } else {
    EDGEML_OP_ENSURE(ctx, g.in_batch % block_count == 0,
                     "input batch %lld is not a multiple of the block size %lld",
                     static_cast<long long>(g.in_batch), static_cast<long long>(block_count));
    g.out_batch = g.in_batch / block_count;
  }
  shape[0] = static_cast<int32_t>(g.out_batch);
  int64_t depth = 1;
  for (int d = m + 1; d < in.rank(); ++d) depth *= in.dim(d);
  g.chunk = static_cast<size_t>(depth) * DataTypeSize(in.type);
  EDGEML_RETURN_IF_ERROR(CheckOutputSize(ctx, shape, in.type));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status SpaceToBatchPrepare(OpContext& ctx) { return SpaceBatchPrepare(ctx, true); }
Status BatchToSpacePrepare(OpContext& ctx) { return SpaceBatchPrepare(ctx, false); }

}  // namespace

void RegisterIndexMoreOps(OpResolver* r) {
  auto add = [r](tfl::BuiltinOperator op, OpRegistration reg) {
    r->AddBuiltin(static_cast<int>(op), reg);
  };
  add(tfl::BuiltinOperator::SPLIT_V, {"SPLIT_V", 1, 2, SplitVPrepare, SplitVEval});
  add(tfl::BuiltinOperator::ONE_HOT, {"ONE_HOT", 1, 1, OneHotPrepare, OneHotEval});
  add(tfl::BuiltinOperator::SCATTER_ND, {"SCATTER_ND", 1, 1, ScatterNdPrepare, ScatterNdEval});
  add(tfl::BuiltinOperator::TOPK_V2, {"TOPK_V2", 1, 2, TopKPrepare, TopKEval});
  add(tfl::BuiltinOperator::SPACE_TO_BATCH_ND,
      {"SPACE_TO_BATCH_ND", 1, 2, SpaceToBatchPrepare, SpaceBatchEval});
  add(tfl::BuiltinOperator::BATCH_TO_SPACE_ND,
      {"BATCH_TO_SPACE_ND", 1, 2, BatchToSpacePrepare, SpaceBatchEval});
}

}  // namespace edgeml::ops::index_family
