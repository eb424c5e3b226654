// DENSIFY: expands a constant sparse tensor once, at prepare. The sparsity
// parameters come from the format's tensor record; every field is checked by
// reference::ValidateSparsity before anything is written.
#include "kernels/reference/densify.h"

#include <memory>
#include <string>
#include <vector>

#include "ops/shape_family.h"

namespace edgeml::ops::shape_family {
namespace {

// Copies one SparseIndexVector (INT32, UINT16 or UINT8 values) into `out`.
// False when the union holds something else or no values.
bool ReadIndexVector(tfl::SparseIndexVector type, const void* table, std::vector<int>* out) {
  out->clear();
  if (table == nullptr) return false;
  switch (type) {
    case tfl::SparseIndexVector::Int32Vector: {
      const auto* v = static_cast<const tfl::Int32Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return v != nullptr;
    }
    case tfl::SparseIndexVector::Uint16Vector: {
      const auto* v = static_cast<const tfl::Uint16Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return v != nullptr;
    }
    case tfl::SparseIndexVector::Uint8Vector: {
      const auto* v = static_cast<const tfl::Uint8Vector*>(table)->values();
      if (v) out->assign(v->begin(), v->end());
      return v != nullptr;
    }
    default:
      return false;
  }
}

Status ReadSparsity(OpContext& ctx, const Tensor& in, const tfl::SparsityParameters& sp,
                    reference::SparsitySpec* spec) {
  if (sp.traversal_order()) {
    spec->traversal_order.assign(sp.traversal_order()->begin(), sp.traversal_order()->end());
  }
  if (sp.block_map()) spec->block_map.assign(sp.block_map()->begin(), sp.block_map()->end());
  if (!sp.dim_metadata()) {
    return ctx.InvalidModel("input %s has no dim_metadata", ctx.Describe(in).c_str());
  }
  for (uint32_t l = 0; l < sp.dim_metadata()->size(); ++l) {
    const tfl::DimensionMetadata* m = sp.dim_metadata()->Get(l);
    reference::DimMetadata dm;
    if (m == nullptr) return ctx.InvalidModel("dim_metadata[%u] is missing", l);
    if (m->format() == tfl::DimensionType::SPARSE_CSR) {
      dm.sparse = true;
      if (!ReadIndexVector(m->array_segments_type(), m->array_segments(), &dm.segments) ||
          !ReadIndexVector(m->array_indices_type(), m->array_indices(), &dm.indices)) {
        return ctx.InvalidModel(
            "dim_metadata[%u] of input %s lacks array_segments or "
            "array_indices",
            l, ctx.Describe(in).c_str());
      }
    } else if (m->format() == tfl::DimensionType::DENSE) {
      dm.dense_size = m->dense_size();
    } else {
      return ctx.InvalidModel("dim_metadata[%u] has unknown format %d", l,
                              static_cast<int>(m->format()));
    }
    spec->dim_metadata.push_back(std::move(dm));
  }
  return Status::Ok();
}

template <typename T>
void DensifyAs(const Shape& shape, const reference::SparsitySpec& spec, const void* values,
               void* out) {
  reference::Densify<T>(shape, spec, static_cast<const T*>(values), static_cast<T*>(out));
}

Status DensifyPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(CheckConstant(ctx, 0, "input"));
  EDGEML_RETURN_IF_ERROR(RequireSameType(ctx, in, out));
  const size_t es = DataTypeSize(in.type);
  void (*kernel)(const Shape&, const reference::SparsitySpec&, const void*, void*) = nullptr;
  switch (es) {
    case 1:
      kernel = DensifyAs<uint8_t>;
      break;
    case 2:
      kernel = DensifyAs<uint16_t>;
      break;
    case 4:
      kernel = DensifyAs<uint32_t>;
      break;
    case 8:
      kernel = DensifyAs<uint64_t>;
      break;
    default:
      return ctx.Unsupported("input %s has type %s", ctx.Describe(in).c_str(),
                             DataTypeName(in.type).c_str());
  }
  const tfl::Tensor* record = InputFlatbufferTensor(ctx, 0);
  if (record == nullptr || record->sparsity() == nullptr) {
    return ctx.InvalidModel("input %s is not a sparse tensor", ctx.Describe(in).c_str());
  }
  reference::SparsitySpec spec;
  EDGEML_RETURN_IF_ERROR(ReadSparsity(ctx, in, *record->sparsity(), &spec));
  int64_t num_values = 0;
  const std::string error = reference::ValidateSparsity(in.shape, spec, &num_values);
  if (!error.empty()) {
    return ctx.InvalidModel("sparsity of input %s: %s", ctx.Describe(in).c_str(), error.c_str());
  }
  if (in.bytes != static_cast<size_t>(num_values) * es) {
    return ctx.InvalidModel("input %s holds %zu bytes but its sparsity describes %lld values",
                            ctx.Describe(in).c_str(), in.bytes, static_cast<long long>(num_values));
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
  kernel(in.shape, spec, in.data, out.data);
  ctx.MarkFolded();
  return Status::Ok();
}

Status DensifyEval(OpContext&) { return Status::Ok(); }  // folded at prepare

}  // namespace

void RegisterDensifyOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::DENSIFY, 1, 1, DensifyPrepare, DensifyEval);
}

}  // namespace edgeml::ops::shape_family
