// RESHAPE, SQUEEZE, EXPAND_DIMS and SHAPE: ops that change only the shape.
// The data is copied (no aliasing yet); constant inputs are folded at prepare.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

std::string DimsToString(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

// Shared eval: the output holds the input's bytes under another shape.
Status CopyEval(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.bytes > 0) std::memcpy(out.data, in.data, in.bytes);
  return Status::Ok();
}

// Resolves a requested shape (at most one -1) against `count` elements.
Status ResolveShape(OpContext& ctx, const Tensor& in, const std::vector<int64_t>& requested,
                    const char* source, Shape* shape) {
  int64_t count = in.num_elements();
  int stretch = -1;
  int64_t known = 1;
  shape->assign(requested.size(), 0);
  for (size_t i = 0; i < requested.size(); ++i) {
    const int64_t d = requested[i];
    if (d == -1) {
      if (stretch >= 0) {
        return ctx.InvalidModel("new shape %s (from %s) has more than one -1",
                                DimsToString(requested).c_str(), source);
      }
      stretch = static_cast<int>(i);
      continue;
    }
    if (d < 0 || d > INT32_MAX) {
      return ctx.InvalidModel("new shape %s (from %s) has an invalid dim %lld",
                              DimsToString(requested).c_str(), source, static_cast<long long>(d));
    }
    // Past `count` the product can only mismatch (or reach 0 through a zero
    // dim), so it saturates at count + 1 instead of overflowing.
    int64_t product = 0;
    if (__builtin_mul_overflow(known, d, &product) || product > count) product = count + 1;
    known = product;
    (*shape)[i] = static_cast<int32_t>(d);
  }
  if (stretch >= 0) {
    if (known == 0 || count % known != 0 || count / known > INT32_MAX) {
      return ctx.InvalidModel(
          "cannot infer the -1 in new shape %s (from %s) for input %s with "
          "%lld elements",
          DimsToString(requested).c_str(), source, ctx.Describe(in).c_str(),
          static_cast<long long>(count));
    }
    (*shape)[stretch] = static_cast<int32_t>(count / known);
    known = count;
  }
  if (known != count) {
    return ctx.InvalidModel("new shape %s (from %s) has a different element count than input %s",
                            DimsToString(requested).c_str(), source, ctx.Describe(in).c_str());
  }
  return Status::Ok();
}

// ------------------------------------------------------------------ RESHAPE

// LiteRT reads the shape input only when it is a 1-D INT32 tensor; otherwise
// ReshapeOptions.new_shape, where [0] is the legacy spelling of a scalar.
// Without either we take the output's declared shape (LiteRT would make it a
// scalar, which is only valid for one element).
Status ReshapePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, out));
  std::vector<int64_t> requested;
  const char* source = nullptr;
  if (ctx.has_input(1)) {
    const Tensor& s = ctx.input(1);
    if (s.rank() == 1 && s.type == DataType::kInt32) {
      // A shape computed at run time: prepared again in Invoke() with its
      // values (LiteRT makes the output dynamic the same way).
      if (!ctx.InputValueKnown(1)) return ctx.DeferToInvoke();
      EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "shape", &requested));
      source = "the shape input";
    }
  }
  if (source == nullptr) {
    const auto* opts = Options<tfl::ReshapeOptions>(ctx);
    if (opts && opts->new_shape()) {
      requested.assign(opts->new_shape()->begin(), opts->new_shape()->end());
      if (requested.size() == 1 && requested[0] == 0) requested.clear();
      source = "ReshapeOptions.new_shape";
    } else {
      requested.assign(out.shape_signature.begin(), out.shape_signature.end());
      source = "the output's declared shape";
    }
  }
  Shape shape;
  EDGEML_RETURN_IF_ERROR(ResolveShape(ctx, in, requested, source, &shape));
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  return FoldIfConstant(ctx, CopyEval);
}

// ------------------------------------------------------------------ SQUEEZE

// squeeze_dims (negative allowed) name dims of size 1 to drop; none drops all.
Status SqueezePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(0)));
  const int rank = in.rank();
  std::vector<bool> drop(rank, false);
  const auto* opts = Options<tfl::SqueezeOptions>(ctx);
  if (opts && opts->squeeze_dims() && opts->squeeze_dims()->size() > 0) {
    for (int32_t d : *opts->squeeze_dims()) {
      int axis = 0;
      EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, d, rank, "squeeze dim", &axis));
      if (in.dim(axis) != 1) {
        return ctx.InvalidModel("cannot squeeze dim %d of input %s: its size is %d, not 1", d,
                                ctx.Describe(in).c_str(), in.dim(axis));
      }
      drop[axis] = true;
    }
  } else {
    for (int i = 0; i < rank; ++i) drop[i] = in.dim(i) == 1;
  }
  Shape shape;
  for (int i = 0; i < rank; ++i) {
    if (!drop[i]) shape.push_back(in.dim(i));
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  return FoldIfConstant(ctx, CopyEval);
}

// -------------------------------------------------------------- EXPAND_DIMS

// The axis input (one INT32/INT64 value) may be in [-rank-1, rank].
Status ExpandDimsPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(0)));
  // LiteRT checks this for EXPAND_DIMS only (RESHAPE and SQUEEZE copy raw).
  EDGEML_RETURN_IF_ERROR(RequireSameQuantization(ctx, in, ctx.output(0)));
  std::vector<int64_t> axis_values;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "axis", &axis_values));
  if (axis_values.size() != 1) {
    return ctx.InvalidModel("axis %s must hold one value, not %zu",
                            ctx.Describe(ctx.input(1)).c_str(), axis_values.size());
  }
  int axis = 0;
  EDGEML_RETURN_IF_ERROR(NormalizeAxis(ctx, axis_values[0], in.rank() + 1, "axis", &axis));
  Shape shape = in.shape;
  shape.insert(shape.begin() + axis, 1);
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  return FoldIfConstant(ctx, CopyEval);
}

// -------------------------------------------------------------------- SHAPE

// The output depends only on the input's shape, so it is always computed
// here (the input's data is never read).
Status ShapePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  DataType type = out.type;
  if (const auto* opts = Options<tfl::ShapeOptions>(ctx)) {
    type = static_cast<DataType>(opts->out_type());
  }
  if (type != DataType::kInt32 && type != DataType::kInt64) {
    return ctx.Unsupported("out_type %s is not INT32 or INT64", DataTypeName(type).c_str());
  }
  if (out.type != type) {
    return ctx.InvalidModel("output %s has type %s but out_type is %s", ctx.Describe(out).c_str(),
                            DataTypeName(out.type).c_str(), DataTypeName(type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, {in.rank()}));
  EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
  for (int i = 0; i < in.rank(); ++i) {
    if (type == DataType::kInt32) {
      out.data_as<int32_t>()[i] = in.dim(i);
    } else {
      out.data_as<int64_t>()[i] = in.dim(i);
    }
  }
  ctx.MarkFolded();
  return Status::Ok();
}

Status NothingToDo(OpContext&) { return Status::Ok(); }

}  // namespace

void RegisterReshapeOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::RESHAPE, 1, 1, ReshapePrepare, CopyEval);
  AddOp(r, tfl::BuiltinOperator::SQUEEZE, 1, 2, SqueezePrepare, CopyEval);
  AddOp(r, tfl::BuiltinOperator::EXPAND_DIMS, 1, 1, ExpandDimsPrepare, CopyEval);
  AddOp(r, tfl::BuiltinOperator::SHAPE, 1, 1, ShapePrepare, NothingToDo);
}

}  // namespace edgeml::ops::shape_family
