// CAST between FLOAT32, INT32, INT64, UINT8, INT8, INT16 and BOOL. The types
// come from the tensors (CastOptions only repeats them). A constant input is
// converted once at prepare so that shape-consuming ops downstream see a
// constant.
#include <memory>

#include "kernels/reference/elementwise.h"
#include "ops/elementwise_family.h"

namespace edgeml::ops::elementwise_family {
namespace {

using CastFn = void (*)(int64_t n, const void* in, void* out);

template <typename From, typename To>
void CastTyped(int64_t n, const void* in, void* out) {
  reference::Cast(n, static_cast<const From*>(in), static_cast<To*>(out));
}

template <typename To>
void CastBool(int64_t n, const void* in, void* out) {
  reference::CastFromBool(n, static_cast<const uint8_t*>(in), static_cast<To*>(out));
}

template <typename To>
CastFn PickFrom(DataType from) {
  switch (from) {
    case DataType::kFloat32:
      return CastTyped<float, To>;
    case DataType::kInt32:
      return CastTyped<int32_t, To>;
    case DataType::kInt64:
      return CastTyped<int64_t, To>;
    case DataType::kUInt8:
      return CastTyped<uint8_t, To>;
    case DataType::kInt8:
      return CastTyped<int8_t, To>;
    case DataType::kInt16:
      return CastTyped<int16_t, To>;
    case DataType::kBool:
      return CastBool<To>;
    default:
      return nullptr;
  }
}

CastFn PickCast(DataType from, DataType to) {
  switch (to) {
    case DataType::kFloat32:
      return PickFrom<float>(from);
    case DataType::kInt32:
      return PickFrom<int32_t>(from);
    case DataType::kInt64:
      return PickFrom<int64_t>(from);
    case DataType::kUInt8:
      return PickFrom<uint8_t>(from);
    case DataType::kInt8:
      return PickFrom<int8_t>(from);
    case DataType::kInt16:
      return PickFrom<int16_t>(from);
    case DataType::kBool:
      return PickFrom<bool>(from);
    default:
      return nullptr;
  }
}

struct CastState : OpState {
  CastFn kernel = nullptr;
};

constexpr std::initializer_list<DataType> kCastTypes = {
    DataType::kFloat32, DataType::kInt32, DataType::kInt64, DataType::kUInt8,
    DataType::kInt8,    DataType::kInt16, DataType::kBool};

Status CastPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  if (!ctx.has_input(0)) return ctx.InvalidModel("the input is required");
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, in, kCastTypes, "input"));
  EDGEML_RETURN_IF_ERROR(RequireTypeIn(ctx, out, kCastTypes, "output"));
  const CastFn kernel = PickCast(in.type, out.type);
  if (kernel == nullptr) {
    return ctx.Unsupported("cast from %s to %s", DataTypeName(in.type).c_str(),
                           DataTypeName(out.type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, in.shape));
  if (in.is_constant()) {
    EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
    kernel(in.num_elements(), in.data, out.data);
    ctx.MarkFolded();
    return Status::Ok();
  }
  auto state = std::make_unique<CastState>();
  state->kernel = kernel;
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status CastEval(OpContext& ctx) {
  const Tensor& in = ctx.input(0);
  ctx.state<CastState>()->kernel(in.num_elements(), in.data, ctx.output(0).data);
  return Status::Ok();
}

}  // namespace

void RegisterCastOps(OpResolver* r) {
  AddOp(r, tfl::BuiltinOperator::CAST, 1, 5, CastPrepare, CastEval);
}

}  // namespace edgeml::ops::elementwise_family
