// Resource variables: VAR_HANDLE names a variable (its id goes out in a
// RESOURCE tensor), ASSIGN_VARIABLE stores a value, READ_VARIABLE reads it.
// Variables belong to the interpreter and are shared by all its subgraphs
// (core/resources.h). A read's shape is the last assigned value's, so its
// output is dynamic.
#include <cstring>
#include <new>

#include "core/subgraph.h"
#include "ops/builtin_ops.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

void AddOp(OpResolver* r, tfl::BuiltinOperator op, int min_version, int max_version,
           Status (*prepare)(OpContext&), Status (*eval)(OpContext&)) {
  OpRegistration reg;
  reg.name = tfl::EnumNameBuiltinOperator(op);
  reg.min_version = min_version;
  reg.max_version = max_version;
  reg.prepare = prepare;
  reg.eval = eval;
  r->AddBuiltin(static_cast<int>(op), reg);
}

internal::ResourceVariables& Resources(OpContext& ctx) {
  return ctx.subgraph()->shared()->resources;
}

Status CheckResourceInput(OpContext& ctx, int i) {
  if (!ctx.has_input(i)) return ctx.InvalidModel("the resource input is missing");
  const Tensor& t = ctx.input(i);
  if (t.type != DataType::kResource && t.type != DataType::kInt32) {
    return ctx.InvalidModel("resource %s must be RESOURCE", ctx.Describe(t).c_str());
  }
  if (t.num_elements() != 1) {
    return ctx.InvalidModel("resource %s must hold one id", ctx.Describe(t).c_str());
  }
  return Status::Ok();
}

// The variable whose id input i holds (read at eval).
Status FindVariable(OpContext& ctx, int i, internal::ResourceVariable** out) {
  const int32_t id = *ctx.input(i).data_as<int32_t>();
  *out = Resources(ctx).Find(id);
  if (*out == nullptr) {
    return ctx.InvalidModel("resource %s holds id %d, which no VAR_HANDLE made",
                            ctx.Describe(ctx.input(i)).c_str(), id);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- VAR_HANDLE

Status VarHandlePrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 0, 0, 1));
  const auto* opts = Options<tfl::VarHandleOptions>(ctx);
  std::string container, shared_name;
  if (opts != nullptr && opts->container()) container = opts->container()->str();
  if (opts != nullptr && opts->shared_name()) shared_name = opts->shared_name()->str();
  Tensor& out = ctx.output(0);
  if (out.type != DataType::kResource && out.type != DataType::kInt32) {
    return ctx.InvalidModel("output %s must be RESOURCE", ctx.Describe(out).c_str());
  }
  // The id is fixed for the interpreter's lifetime: computed once, here.
  EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(0, Shape{}));
  EDGEML_RETURN_IF_ERROR(ctx.AllocatePersistentOutput(0));
  *out.data_as<int32_t>() = Resources(ctx).IdFor(container, shared_name);
  ctx.MarkFolded();
  return Status::Ok();
}

Status NothingToDo(OpContext&) { return Status::Ok(); }

// ---------------------------------------------------------------- ASSIGN_VARIABLE

Status AssignPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 2, 2, 0));
  EDGEML_RETURN_IF_ERROR(CheckResourceInput(ctx, 0));
  if (!ctx.has_input(1)) return ctx.InvalidModel("the value input is missing");
  const Tensor& v = ctx.input(1);
  if (DataTypeSize(v.type) == 0) {
    return ctx.Unsupported("value %s has type %s, which variables cannot hold",
                           ctx.Describe(v).c_str(), DataTypeName(v.type).c_str());
  }
  return Status::Ok();
}

Status AssignEval(OpContext& ctx) {
  internal::ResourceVariable* var = nullptr;
  EDGEML_RETURN_IF_ERROR(FindVariable(ctx, 0, &var));
  const Tensor& v = ctx.input(1);
  if (var->assigned && var->type != v.type) {
    return ctx.InvalidModel("variable holds %s; value %s has another type",
                            DataTypeName(var->type).c_str(), ctx.Describe(v).c_str());
  }
  if (v.bytes > var->capacity) {
    std::unique_ptr<uint8_t[]> data(new (std::nothrow) uint8_t[v.bytes]);
    if (!data) {
      return ctx.Error(StatusCode::kResourceExhausted, "cannot allocate %zu bytes for the variable",
                       v.bytes);
    }
    var->data = std::move(data);
    var->capacity = v.bytes;
  }
  if (v.bytes > 0) std::memcpy(var->data.get(), v.data, v.bytes);
  var->bytes = v.bytes;
  var->type = v.type;
  var->shape = v.shape;
  var->assigned = true;
  return Status::Ok();
}

// ---------------------------------------------------------------- READ_VARIABLE

Status ReadPrepare(OpContext& ctx) {
  EDGEML_RETURN_IF_ERROR(CheckIoCount(ctx, 1, 1, 1));
  EDGEML_RETURN_IF_ERROR(CheckResourceInput(ctx, 0));
  return ctx.SetOutputDynamic(0);
}

Status ReadEval(OpContext& ctx) {
  internal::ResourceVariable* var = nullptr;
  EDGEML_RETURN_IF_ERROR(FindVariable(ctx, 0, &var));
  if (!var->assigned) {
    return ctx.Error(StatusCode::kFailedPrecondition,
                     "reads variable %d before any ASSIGN_VARIABLE gave it a value",
                     *ctx.input(0).data_as<int32_t>());
  }
  Tensor& out = ctx.output(0);
  if (out.type != var->type) {
    return ctx.InvalidModel("output %s cannot hold the variable's %s", ctx.Describe(out).c_str(),
                            DataTypeName(var->type).c_str());
  }
  EDGEML_RETURN_IF_ERROR(ctx.ResizeOutput(0, var->shape));
  if (var->bytes > 0) std::memcpy(out.data, var->data.get(), var->bytes);
  return Status::Ok();
}

}  // namespace

void RegisterVariableOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  AddOp(r, Op::VAR_HANDLE, 1, 1, VarHandlePrepare, NothingToDo);
  AddOp(r, Op::ASSIGN_VARIABLE, 1, 1, AssignPrepare, AssignEval);
  AddOp(r, Op::READ_VARIABLE, 1, 1, ReadPrepare, ReadEval);
}

}  // namespace edgeml::ops
