// TRANSPOSE with a constant permutation, up to 6 dims.
#include "kernels/reference/transpose.h"

#include <memory>
#include <vector>

#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

template <typename T>
struct TransposeKernel {
  static void Run(const Shape& dims, const std::vector<int>& perm, const void* in, void* out) {
    reference::Transpose<T>(dims, perm, static_cast<const T*>(in), static_cast<T*>(out));
  }
};

struct TransposeState : OpState {
  std::vector<int> perm;
  decltype(&TransposeKernel<uint8_t>::Run) kernel = nullptr;
};

Status TransposeEval(OpContext& ctx) {
  const TransposeState* s = ctx.state<TransposeState>();
  const Tensor& in = ctx.input(0);
  s->kernel(in.shape, s->perm, in.data, ctx.output(0).data);
  return Status::Ok();
}

// perm must be a permutation of [0, rank) (no negative entries, as in LiteRT).
Status TransposePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 1));
  const Tensor& in = ctx.input(0);
  EDGEML_RETURN_IF_ERROR(RequireMovable(ctx, in, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, ctx.output(0)));
  const int rank = in.rank();
  if (rank > reference::kMaxTransposeRank) {
    return ctx.Unsupported("input %s has rank %d; at most %d is supported",
                           ctx.Describe(in).c_str(), rank, reference::kMaxTransposeRank);
  }
  EDGEML_RETURN_IF_ERROR(CheckRank(ctx, ctx.input(1), 1, "perm"));
  std::vector<int64_t> perm;
  EDGEML_RETURN_IF_ERROR(ReadIntVector(ctx, 1, "perm", &perm));
  if (static_cast<int>(perm.size()) != rank) {
    return ctx.InvalidModel("perm has %zu entries; input %s has rank %d", perm.size(),
                            ctx.Describe(in).c_str(), rank);
  }
  auto state = std::make_unique<TransposeState>();
  std::vector<bool> used(rank, false);
  Shape shape(rank);
  for (int d = 0; d < rank; ++d) {
    const int64_t p = perm[d];
    if (p < 0 || p >= rank || used[p]) {
      return ctx.InvalidModel("perm[%d] = %lld is out of range or repeated (rank %d)", d,
                              static_cast<long long>(p), rank);
    }
    used[p] = true;
    state->perm.push_back(static_cast<int>(p));
    shape[d] = in.dim(static_cast<int>(p));
  }
  state->kernel = PickBySize<TransposeKernel>(DataTypeSize(in.type));
  if (state->kernel == nullptr) {
    return ctx.Unsupported("element type %s", DataTypeName(in.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, shape));
  ctx.set_state(std::move(state));
  return FoldIfConstant(ctx, TransposeEval);
}

}  // namespace

void RegisterTransposeOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::TRANSPOSE, 1, 7, TransposePrepare, TransposeEval);
}

}  // namespace edgeml::ops::shape_family
