// The index family: ARG_MIN, TILE, BROADCAST_TO, MIRROR_PAD, REVERSE_V2,
// CUMSUM and GATHER_ND (REDUCE_MIN/PROD/ANY live in reduce.cc). Constant
// index-like inputs (multiples, shape, paddings, axes) are read at prepare,
// since the output shape depends on them.
#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "kernels/reference/index_ops.h"
#include "ops/builtin_ops.h"
#include "ops/elementwise_family.h"
#include "ops/index_family.h"
#include "ops/op_util.h"
#include "ops/spatial_family.h"

namespace edgeml::ops {
namespace {

using elementwise_family::RequireTypeIn;
using spatial_family::RequireFixedSize;
using spatial_family::RequireSameType;

// --- Ops that copy elements through per-axis coordinate maps.

using MapCopyFn = void (*)(const std::vector<std::vector<int64_t>>&, const void*, void*, int64_t*);

MapCopyFn PickMapCopy(size_t element_size) {
  switch (element_size) {
    case 1:
      return reference::CopyByAxisMaps<1>;
    case 2:
      return reference::CopyByAxisMaps<2>;
    case 4:
      return reference::CopyByAxisMaps<4>;
    case 8:
      return reference::CopyByAxisMaps<8>;
    default:
      return nullptr;
  }
}

struct MapState : OpState {
  std::vector<std::vector<int64_t>> maps;
  std::vector<int64_t> index;  // odometer workspace
  MapCopyFn copy = nullptr;
};

Status MapEval(OpContext& ctx) {
  if (ctx.output(0).bytes == 0) return Status::Ok();  // empty output: no maps were built
  MapState* s = ctx.state<MapState>();
  s->copy(s->maps, ctx.input(0).data, ctx.output(0).data, s->index.data());
  return Status::Ok();
}

// Common tail: output shape, size-overflow check, state with maps.
Status FinishMapOp(OpContext& ctx, const Shape& out_shape, std::vector<std::vector<int64_t>> maps) {
  const Tensor& in = ctx.input(0);
  int64_t bytes = 0;
  if (!ShapeElementCount(out_shape, &bytes, DataTypeSize(in.type))) {
    return ctx.InvalidModel("output shape %s of input %s is too large",
                            ShapeToString(out_shape).c_str(), ctx.Describe(in).c_str());
  }
  auto state = std::make_unique<MapState>();
  state->copy = PickMapCopy(DataTypeSize(in.type));
  if (state->copy == nullptr) {
    return ctx.Unsupported("input %s has type %s", ctx.Describe(in).c_str(),
                           DataTypeName(in.type).c_str());
  }
  state->maps = std::move(maps);
  state->index.assign(out_shape.size() + 1, 0);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, MapEval);
}

Status CheckDataInput(OpContext& ctx) {
  if (!ctx.has_input(0)) return ctx.InvalidModel("input (input 0) is missing");
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, ctx.input(0), "input"));
  return RequireSameType(ctx, ctx.input(0), 0);
}

// The per-axis maps hold one entry per output index along each axis, so
// they are built only once the output size is known to be sane: an element
// count that overflows is refused, and an empty output (whose other axes
// may be 2^31 long) gets no maps at all.
Status MapOutputCheck(OpContext& ctx, const Shape& out_shape, bool* empty) {
  int64_t bytes = 0;
  if (!ShapeElementCount(out_shape, &bytes, DataTypeSize(ctx.input(0).type))) {
    return ctx.InvalidModel("output shape %s is too large", ShapeToString(out_shape).c_str());
  }
  *empty = bytes == 0;
  return Status::Ok();
}

// Output extents must fit int32 dims.
Status CheckDim(OpContext& ctx, int64_t value, int axis) {
  if (value < 0 || value > std::numeric_limits<int32_t>::max()) {
    return ctx.InvalidModel("output dim %d would be %lld", axis, static_cast<long long>(value));
  }
  return Status::Ok();
}

Status TilePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  EDGEML_RETURN_IF_ERROR(CheckDataInput(ctx));
  const Tensor& in = ctx.input(0);
  std::vector<int64_t> multiples;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "multiples", &multiples));
  if (static_cast<int>(multiples.size()) != in.rank()) {
    return ctx.InvalidModel("multiples %s has %zu values for input %s of rank %d",
                            ctx.Describe(ctx.input(1)).c_str(), multiples.size(),
                            ctx.Describe(in).c_str(), in.rank());
  }
  Shape out_shape(in.shape.size());
  for (int d = 0; d < in.rank(); ++d) {
    if (multiples[d] < 0 || multiples[d] > std::numeric_limits<int32_t>::max()) {
      return ctx.InvalidModel("multiples[%d] is %lld; must be in [0, 2^31)", d,
                              static_cast<long long>(multiples[d]));
    }
    // Both factors are below 2^31, so the product fits int64.
    EDGEML_RETURN_IF_ERROR(CheckDim(ctx, multiples[d] * in.dim(d), d));
    out_shape[d] = static_cast<int32_t>(multiples[d] * in.dim(d));
  }
  bool empty = false;
  EDGEML_RETURN_IF_ERROR(MapOutputCheck(ctx, out_shape, &empty));
  return FinishMapOp(ctx, out_shape,
                     empty ? std::vector<std::vector<int64_t>>{}
                           : reference::TileMaps(in.shape, out_shape));
}

Status BroadcastToPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  EDGEML_RETURN_IF_ERROR(CheckDataInput(ctx));
  const Tensor& in = ctx.input(0);
  std::vector<int64_t> shape;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "shape", &shape));
  const int out_rank = static_cast<int>(shape.size());
  // LiteRT's limit on the output rank.
  if (out_rank > 8) return ctx.Unsupported("output rank %d exceeds 8", out_rank);
  if (out_rank < in.rank()) {
    return ctx.InvalidModel("shape has rank %d, below the rank %d of input %s", out_rank, in.rank(),
                            ctx.Describe(in).c_str());
  }
  Shape out_shape(shape.size());
  const int lead = out_rank - in.rank();
  for (int d = 0; d < out_rank; ++d) {
    EDGEML_RETURN_IF_ERROR(CheckDim(ctx, shape[d], d));
    out_shape[d] = static_cast<int32_t>(shape[d]);
    if (d >= lead) {
      const int32_t in_dim = in.dim(d - lead);
      if (in_dim != 1 && in_dim != out_shape[d]) {
        return ctx.InvalidModel("input %s of shape %s cannot broadcast to %s",
                                ctx.Describe(in).c_str(), ShapeToString(in.shape).c_str(),
                                ShapeToString(out_shape).c_str());
      }
    }
  }
  bool empty = false;
  EDGEML_RETURN_IF_ERROR(MapOutputCheck(ctx, out_shape, &empty));
  return FinishMapOp(ctx, out_shape,
                     empty ? std::vector<std::vector<int64_t>>{}
                           : reference::TileMaps(in.shape, out_shape));
}

// Reads paddings [rank, 2] (INT32/INT64 constant).
Status ReadPaddings(OpContext& ctx, int rank, std::vector<int64_t>* before,
                    std::vector<int64_t>* after) {
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, 1, "paddings"));
  const Tensor& p = ctx.input(1);
  if (p.rank() != 2 || p.dim(0) != rank || p.dim(1) != 2) {
    return ctx.InvalidModel("paddings %s has shape %s; expected [%d, 2]", ctx.Describe(p).c_str(),
                            ShapeToString(p.shape).c_str(), rank);
  }
  const size_t n = static_cast<size_t>(rank) * 2;
  std::vector<int64_t> v(n);
  if (p.type == DataType::kInt32) {
    EDGEML_OP_ENSURE(ctx, p.bytes >= n * 4, "paddings %s data is short", ctx.Describe(p).c_str());
    for (size_t i = 0; i < n; ++i) v[i] = p.data_as<int32_t>()[i];
  } else if (p.type == DataType::kInt64) {
    EDGEML_OP_ENSURE(ctx, p.bytes >= n * 8, "paddings %s data is short", ctx.Describe(p).c_str());
    for (size_t i = 0; i < n; ++i) v[i] = p.data_as<int64_t>()[i];
  } else {
    return ctx.Unsupported("paddings %s has type %s; expected INT32 or INT64",
                           ctx.Describe(p).c_str(), DataTypeName(p.type).c_str());
  }
  before->resize(rank);
  after->resize(rank);
  for (int d = 0; d < rank; ++d) {
    (*before)[d] = v[2 * d];
    (*after)[d] = v[2 * d + 1];
  }
  return Status::Ok();
}

Status MirrorPadPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  EDGEML_RETURN_IF_ERROR(CheckDataInput(ctx));
  const Tensor& in = ctx.input(0);
  const auto* opts = Options<tfl::MirrorPadOptions>(ctx);
  const tfl::MirrorPadMode mode = opts ? opts->mode() : tfl::MirrorPadMode::REFLECT;
  if (mode != tfl::MirrorPadMode::REFLECT && mode != tfl::MirrorPadMode::SYMMETRIC) {
    return ctx.InvalidModel("mode %d is not REFLECT or SYMMETRIC", static_cast<int>(mode));
  }
  const bool symmetric = mode == tfl::MirrorPadMode::SYMMETRIC;
  std::vector<int64_t> before, after;
  EDGEML_RETURN_IF_ERROR(ReadPaddings(ctx, in.rank(), &before, &after));
  Shape out_shape(in.shape.size());
  for (int d = 0; d < in.rank(); ++d) {
    // REFLECT mirrors around the edge element, so it can add at most dim - 1.
    const int64_t limit = symmetric ? in.dim(d) : std::max<int64_t>(in.dim(d) - 1, 0);
    if (before[d] < 0 || after[d] < 0 || before[d] > limit || after[d] > limit) {
      return ctx.InvalidModel(
          "paddings [%lld, %lld] for dim %d of input %s (size %d) must be in "
          "[0, %lld] in %s mode",
          static_cast<long long>(before[d]), static_cast<long long>(after[d]), d,
          ctx.Describe(in).c_str(), in.dim(d), static_cast<long long>(limit),
          symmetric ? "SYMMETRIC" : "REFLECT");
    }
    EDGEML_RETURN_IF_ERROR(CheckDim(ctx, before[d] + in.dim(d) + after[d], d));
    out_shape[d] = static_cast<int32_t>(before[d] + in.dim(d) + after[d]);
  }
  return FinishMapOp(ctx, out_shape, reference::MirrorPadMaps(in.shape, before, after, symmetric));
}

Status ReversePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  EDGEML_RETURN_IF_ERROR(CheckDataInput(ctx));
  const Tensor& in = ctx.input(0);
  std::vector<int64_t> axes;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "axis", &axes));
  std::vector<bool> flip(in.shape.size(), false);
  for (int64_t a : axes) {
    int axis = 0;
    EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, a, in.rank(), "axis", &axis));
    flip[axis] = true;
  }
  return FinishMapOp(ctx, in.shape, reference::ReverseMaps(in.shape, flip));
}

// --- Ops over [outer, axis, inner] views.

struct AxisView {
  int64_t outer = 1, axis_size = 1, inner = 1;
};
AxisView ViewAround(const Shape& shape, int axis) {
  AxisView v;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    if (d < axis) v.outer *= shape[d];
    if (d == axis) v.axis_size = shape[d];
    if (d > axis) v.inner *= shape[d];
  }
  return v;
}

// Reads a one-value constant axis and normalizes it against `rank`.
Status ReadSingleAxis(OpContext& ctx, int input, int rank, int* axis) {
  std::vector<int64_t> values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, input, "axis", &values));
  if (values.size() != 1) {
    return ctx.InvalidModel("axis %s must hold exactly one value, has %zu",
                            ctx.Describe(ctx.input(input)).c_str(), values.size());
  }
  return NormalizeAxis(ctx, values[0], rank, "axis", axis);
}

using ArgMinFn = void (*)(int64_t, int64_t, int64_t, const void*, void*);

template <typename T, typename Index>
void ArgMinTyped(int64_t outer, int64_t axis_size, int64_t inner, const void* in, void* out) {
  reference::ArgMin(outer, axis_size, inner, static_cast<const T*>(in), static_cast<Index*>(out));
}

template <typename Index>
ArgMinFn PickArgMin(DataType type) {
  switch (type) {
    case DataType::kFloat32:
      return ArgMinTyped<float, Index>;
    case DataType::kInt32:
      return ArgMinTyped<int32_t, Index>;
    case DataType::kInt8:
      return ArgMinTyped<int8_t, Index>;
    case DataType::kUInt8:
      return ArgMinTyped<uint8_t, Index>;
    default:
      return nullptr;
  }
}

struct ArgMinState : OpState {
  ArgMinFn kernel = nullptr;
  AxisView view;
};

Status ArgMinPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.InvalidModel("input and axis are required");
  }
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  // Raw quantized values order like the real values: no parameters needed.
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(
      ctx, in, {DataType::kFloat32, DataType::kInt32, DataType::kInt8, DataType::kUInt8}, "input"));
  DataType index_type = out.type;
  if (const auto* o = Options<tfl::ArgMinOptions>(ctx)) {
    index_type = static_cast<DataType>(o->output_type());
  }
  if (index_type != DataType::kInt32 && index_type != DataType::kInt64) {
    return ctx.InvalidModel("output_type %s is not INT32 or INT64",
                            DataTypeName(index_type).c_str());
  }
  if (out.type != index_type) {
    return ctx.InvalidModel("output %s has type %s but output_type is %s",
                            ctx.Describe(out).c_str(), DataTypeName(out.type).c_str(),
                            DataTypeName(index_type).c_str());
  }
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(ReadSingleAxis(ctx, 1, in.rank(), &axis));
  if (in.dim(axis) <= 0) {
    return ctx.InvalidModel("input %s of shape %s is empty along axis %d", ctx.Describe(in).c_str(),
                            ShapeToString(in.shape).c_str(), axis);
  }
  auto state = std::make_unique<ArgMinState>();
  state->view = ViewAround(in.shape, axis);
  state->kernel =
      index_type == DataType::kInt32 ? PickArgMin<int32_t>(in.type) : PickArgMin<int64_t>(in.type);
  Shape out_shape = in.shape;
  out_shape.erase(out_shape.begin() + axis);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status ArgMinEval(OpContext& ctx) {
  const ArgMinState* s = ctx.state<ArgMinState>();
  s->kernel(s->view.outer, s->view.axis_size, s->view.inner, ctx.input(0).data, ctx.output(0).data);
  return Status::Ok();
}

struct CumSumState : OpState {
  AxisView view;
  bool exclusive = false, reverse = false;
  void (*kernel)(const CumSumState&, const Tensor&, Tensor&) = nullptr;
};

template <typename T>
void RunCumSum(const CumSumState& s, const Tensor& in, Tensor& out) {
  reference::CumSum<T>(s.view.outer, s.view.axis_size, s.view.inner, s.exclusive, s.reverse,
                       in.data_as<T>(), out.data_as<T>());
}

Status CumSumEval(OpContext& ctx) {
  const CumSumState* s = ctx.state<CumSumState>();
  s->kernel(*s, ctx.input(0), ctx.output(0));
  return Status::Ok();
}

Status CumSumPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.InvalidModel("input and axis are required");
  }
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, in, {DataType::kFloat32, DataType::kInt32, DataType::kInt64}, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, 0));
  EDGEML_RETURN_IF_ERROR(CheckType(ctx, ctx.input(1), DataType::kInt32, "axis"));
  if (in.rank() < 1) return ctx.InvalidModel("input %s is a scalar", ctx.Describe(in).c_str());
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(ReadSingleAxis(ctx, 1, in.rank(), &axis));
  auto state = std::make_unique<CumSumState>();
  state->view = ViewAround(in.shape, axis);
  if (const auto* o = Options<tfl::CumsumOptions>(ctx)) {
    state->exclusive = o->exclusive();
    state->reverse = o->reverse();
  }
  state->kernel = in.type == DataType::kFloat32 ? RunCumSum<float>
                  : in.type == DataType::kInt32 ? RunCumSum<int32_t>
                                                : RunCumSum<int64_t>;
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  ctx.set_state(std::move(state));
  return spatial_family::FoldIfConstant(ctx, CumSumEval);
}

// --- GATHER_ND: indices [..., nd] pick slices params[i_0, ..., i_{nd-1}, :].

struct GatherNdState : OpState {
  std::vector<int32_t> dims;     // first nd params dims
  std::vector<int64_t> strides;  // their strides, in elements
  int64_t count = 0;             // index tuples
  int nd = 0;
  size_t elem_bytes = 0, slice_bytes = 0;
};

Status GatherNdEval(OpContext& ctx) {
  const GatherNdState* s = ctx.state<GatherNdState>();
  const Tensor& params = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  int64_t bad = -1;
  if (indices.type == DataType::kInt32) {
    bad = reference::GatherNd(indices.data_as<int32_t>(), s->count, s->nd, s->dims.data(),
                              s->strides.data(), params.data, s->elem_bytes, s->slice_bytes,
                              ctx.output(0).data);
  } else {
    bad = reference::GatherNd(indices.data_as<int64_t>(), s->count, s->nd, s->dims.data(),
                              s->strides.data(), params.data, s->elem_bytes, s->slice_bytes,
                              ctx.output(0).data);
  }
  if (bad >= 0) {
    const long long value = indices.type == DataType::kInt32 ? indices.data_as<int32_t>()[bad]
                                                             : indices.data_as<int64_t>()[bad];
    return ctx.Error(
        StatusCode::kInvalidArgument, "index %lld at position %lld of %s is outside [0, %d)", value,
        static_cast<long long>(bad), ctx.Describe(indices).c_str(), s->dims[bad % s->nd]);
  }
  return Status::Ok();
}

Status GatherNdPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  if (!ctx.has_input(0) || !ctx.has_input(1)) {
    return ctx.InvalidModel("params and indices are required");
  }
  const Tensor& params = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  EDGEML_RETURN_IF_ERROR(RequireFixedSize(ctx, params, "params"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, params, 0));
  EDGEML_RETURN_IF_ERROR(
      RequireTypeIn(ctx, indices, {DataType::kInt32, DataType::kInt64}, "indices"));
  if (params.rank() < 1 || indices.rank() < 1) {
    return ctx.InvalidModel("params %s and indices %s must have rank >= 1",
                            ctx.Describe(params).c_str(), ctx.Describe(indices).c_str());
  }
  const int nd = indices.dim(indices.rank() - 1);
  if (nd > params.rank()) {
    return ctx.InvalidModel("indices %s have tuples of %d for params %s of rank %d",
                            ctx.Describe(indices).c_str(), nd, ctx.Describe(params).c_str(),
                            params.rank());
  }
  auto state = std::make_unique<GatherNdState>();
  state->nd = nd;
  state->elem_bytes = DataTypeSize(params.type);
  const std::vector<int64_t> strides = reference::RowMajorStrides(params.shape);
  for (int j = 0; j < nd; ++j) {
    state->dims.push_back(params.dim(j));
    state->strides.push_back(strides[j]);
  }
  Shape out_shape(indices.shape.begin(), indices.shape.end() - 1);
  int64_t count = 1;
  for (int32_t d : out_shape) count *= d;
  state->count = count;
  int64_t slice = 1;
  for (int d = nd; d < params.rank(); ++d) {
    out_shape.push_back(params.dim(d));
    slice *= params.dim(d);
  }
  state->slice_bytes = static_cast<size_t>(slice) * state->elem_bytes;
  int64_t bytes = 0;
  if (!ShapeElementCount(out_shape, &bytes, state->elem_bytes)) {
    return ctx.InvalidModel("output shape %s is too large", ShapeToString(out_shape).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, out_shape));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

}  // namespace

void RegisterIndexOps(OpResolver* r) {
  auto add = [r](tfl::BuiltinOperator op, OpRegistration reg) {
    r->AddBuiltin(static_cast<int>(op), reg);
  };
  add(tfl::BuiltinOperator::REDUCE_MIN, index_family::ReduceMinRegistration());
  add(tfl::BuiltinOperator::REDUCE_PROD, index_family::ReduceProdRegistration());
  add(tfl::BuiltinOperator::REDUCE_ANY, index_family::ReduceAnyRegistration());
  // Versions: ARG_MIN v2 int8, v3 ?; TILE v2 int8/uint8, v3 string (STRING
  // is rejected at prepare); BROADCAST_TO v2 int8, v3 int16; MIRROR_PAD v2
  // int8/uint8, v3 int16; REVERSE_V2 v2 uint8/int16, v3 int8; GATHER_ND v2-v5
  // add quantized/string/int16/int64-index types.
  add(tfl::BuiltinOperator::ARG_MIN, {"ARG_MIN", 1, 3, ArgMinPrepare, ArgMinEval});
  add(tfl::BuiltinOperator::TILE, {"TILE", 1, 3, TilePrepare, MapEval});
  add(tfl::BuiltinOperator::BROADCAST_TO, {"BROADCAST_TO", 1, 3, BroadcastToPrepare, MapEval});
  add(tfl::BuiltinOperator::MIRROR_PAD, {"MIRROR_PAD", 1, 3, MirrorPadPrepare, MapEval});
  add(tfl::BuiltinOperator::REVERSE_V2, {"REVERSE_V2", 1, 3, ReversePrepare, MapEval});
  add(tfl::BuiltinOperator::CUMSUM, {"CUMSUM", 1, 1, CumSumPrepare, CumSumEval});
  add(tfl::BuiltinOperator::GATHER_ND, {"GATHER_ND", 1, 5, GatherNdPrepare, GatherNdEval});
  index_family::RegisterIndexMoreOps(r);
  add(tfl::BuiltinOperator::UNIDIRECTIONAL_SEQUENCE_LSTM,
      index_family::UnidirectionalSequenceLstmRegistration());
}

}  // namespace edgeml::ops
