// Control flow: WHILE, IF and CALL_ONCE run other subgraphs of the model.
//
// Values cross subgraph boundaries by copy. A callee is planned (resized and
// allocated) at the caller's prepare for the caller's input shapes; at eval
// it is planned again only when a shape differs (a loop variable that grows,
// or one subgraph shared by callers of different shapes), so a static model
// allocates nothing in Invoke(). Outputs whose shape is only known after the
// callee ran are dynamic (OpContext::SetOutputDynamic). Recursion through
// subgraphs is rejected when the interpreter is created.
#include <cstring>
#include <vector>

#include "core/subgraph.h"
#include "ops/builtin_ops.h"
#include "ops/op_util.h"

namespace edgeml::ops {
namespace {

using internal::Subgraph;

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

Status GetCallee(OpContext& ctx, int index, const char* role, Subgraph** out) {
  Subgraph* g = ctx.subgraph()->sibling(index);
  if (g == nullptr) {
    return ctx.InvalidModel("%s subgraph %d does not exist", role, index);
  }
  if (g == ctx.subgraph()) {
    return ctx.InvalidModel("%s subgraph %d is the subgraph of the op itself (recursive)", role,
                            index);
  }
  *out = g;
  return Status::Ok();
}

// Plans callee g for inputs of these types and shapes: checks the counts and
// types, resizes what differs and allocates g when anything changed.
Status PlanCallee(OpContext& ctx, Subgraph* g, const char* role,
                  const std::vector<const Tensor*>& args) {
  if (g->inputs().size() != args.size()) {
    return ctx.InvalidModel("%s subgraph %d takes %zu inputs, the op passes %zu", role, g->index(),
                            g->inputs().size(), args.size());
  }
  bool changed = !g->allocated();
  for (size_t i = 0; i < args.size(); ++i) {
    const Tensor& dst = g->tensors()[g->inputs()[i]];
    if (dst.type != args[i]->type) {
      return ctx.InvalidModel("%s subgraph %d input %zu is %s, the op passes %s", role, g->index(),
                              i, DataTypeName(dst.type).c_str(),
                              DataTypeName(args[i]->type).c_str());
    }
    if (dst.shape != args[i]->shape) {
      Status s = g->ResizeInput(static_cast<int>(i), args[i]->shape);
      if (!s.ok()) {
        return ctx.Error(s.code(), "%s subgraph %d: %s", role, g->index(), s.message().c_str());
      }
      changed = true;
    }
  }
  if (changed) {
    Status s = g->Allocate();
    if (!s.ok()) {
      return ctx.Error(s.code(), "%s subgraph %d: %s", role, g->index(), s.message().c_str());
    }
  }
  return Status::Ok();
}

// Plans g for `args` if needed, then copies their values into g's inputs.
Status CopyIntoCallee(OpContext& ctx, Subgraph* g, const char* role,
                      const std::vector<const Tensor*>& args) {
  EDGEML_RETURN_IF_ERROR(PlanCallee(ctx, g, role, args));
  for (size_t i = 0; i < args.size(); ++i) {
    Tensor& dst = g->tensors()[g->inputs()[i]];
    if (dst.bytes != args[i]->bytes) {
      return ctx.Error(StatusCode::kInternal, "%s subgraph %d input %zu holds %zu bytes, not %zu",
                       role, g->index(), i, dst.bytes, args[i]->bytes);
    }
    if (dst.data != args[i]->data && dst.bytes > 0) {
      std::memmove(dst.data, args[i]->data, dst.bytes);
    }
  }
  return Status::Ok();
}

Status InvokeCallee(OpContext& ctx, Subgraph* g, const char* role) {
  Status s = g->Invoke();
  if (!s.ok()) {
    return ctx.Error(s.code(), "%s subgraph %d: %s", role, g->index(), s.message().c_str());
  }
  return Status::Ok();
}

std::vector<const Tensor*> OutputsOf(Subgraph* g) {
  std::vector<const Tensor*> out;
  for (int t : g->outputs()) out.push_back(&g->tensors()[t]);
  return out;
}

// Shapes a callee's outputs will have, when they are known at prepare.
bool StaticOutputs(Subgraph* g) {
  for (int t : g->outputs()) {
    if (g->tensors()[t].allocation == Allocation::kDynamic) return false;
  }
  return true;
}

// Copies callee results into the node's outputs (resizing dynamic ones).
Status CopyToOutputs(OpContext& ctx, const std::vector<const Tensor*>& values, bool dynamic) {
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    const Tensor& src = *values[i];
    Tensor& dst = ctx.output(i);
    if (dynamic) {
      EDGEML_RETURN_IF_ERROR(ctx.ResizeOutput(i, src.shape));
    } else if (dst.shape != src.shape) {
      return ctx.Error(StatusCode::kInternal, "output %s expected shape %s, the subgraph gave %s",
                       ctx.Describe(dst).c_str(), ShapeToString(dst.shape).c_str(),
                       ShapeToString(src.shape).c_str());
    }
    if (dst.bytes > 0 && dst.data != src.data) std::memmove(dst.data, src.data, dst.bytes);
  }
  return Status::Ok();
}

std::vector<const Tensor*> NodeInputs(OpContext& ctx, int first) {
  std::vector<const Tensor*> v;
  for (int i = first; i < ctx.num_inputs(); ++i) v.push_back(&ctx.input(i));
  return v;
}

Status CheckNoOptionalInputs(OpContext& ctx) {
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.InvalidModel("input %d is missing", i);
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- WHILE

struct WhileState : OpState {
  Subgraph* cond = nullptr;
  Subgraph* body = nullptr;
  bool dynamic = false;  // loop variables may change shape: outputs shaped at eval
  // Gathered at prepare so that eval allocates nothing (tensors do not move).
  std::vector<const Tensor*> args, state_vars, body_out;
};

Status CheckCondOutput(OpContext& ctx, Subgraph* cond) {
  if (cond->outputs().size() != 1) {
    return ctx.InvalidModel("cond subgraph %d has %zu outputs; WHILE needs 1", cond->index(),
                            cond->outputs().size());
  }
  const Tensor& c = cond->tensors()[cond->outputs()[0]];
  if (c.type != DataType::kBool) {
    return ctx.InvalidModel("cond subgraph %d output is %s; WHILE needs BOOL", cond->index(),
                            DataTypeName(c.type).c_str());
  }
  if (c.allocation != Allocation::kDynamic && c.num_elements() != 1) {
    return ctx.InvalidModel("cond subgraph %d output has shape %s; WHILE needs one value",
                            cond->index(), ShapeToString(c.shape).c_str());
  }
  return Status::Ok();
}

Status WhilePrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::WhileOptions>(ctx);
  if (opts == nullptr) return ctx.InvalidModel("WhileOptions are missing");
  auto state = std::make_unique<WhileState>();
  EDGEML_RETURN_IF_ERROR(GetCallee(ctx, opts->cond_subgraph_index(), "cond", &state->cond));
  EDGEML_RETURN_IF_ERROR(GetCallee(ctx, opts->body_subgraph_index(), "body", &state->body));
  if (state->cond == state->body) {
    return ctx.Unsupported("cond and body are the same subgraph %d", state->cond->index());
  }
  EDGEML_RETURN_IF_ERROR(CheckNoOptionalInputs(ctx));
  const int n = ctx.num_inputs();
  if (ctx.num_outputs() != n) {
    return ctx.InvalidModel("has %d inputs but %d outputs; WHILE needs as many", n,
                            ctx.num_outputs());
  }
  const std::vector<const Tensor*> args = NodeInputs(ctx, 0);
  EDGEML_RETURN_IF_ERROR(PlanCallee(ctx, state->cond, "cond", args));
  EDGEML_RETURN_IF_ERROR(CheckCondOutput(ctx, state->cond));
  EDGEML_RETURN_IF_ERROR(PlanCallee(ctx, state->body, "body", args));
  Subgraph* body = state->body;
  if (body->outputs().size() != static_cast<size_t>(n)) {
    return ctx.InvalidModel("body subgraph %d has %zu outputs; WHILE needs %d", body->index(),
                            body->outputs().size(), n);
  }
  bool same_shapes = StaticOutputs(body);
  for (int i = 0; i < n; ++i) {
    const Tensor& out = body->tensors()[body->outputs()[i]];
    if (out.type != args[i]->type || ctx.output(i).type != args[i]->type) {
      return ctx.InvalidModel("loop variable %d is %s but body output is %s and op output %s", i,
                              DataTypeName(args[i]->type).c_str(), DataTypeName(out.type).c_str(),
                              DataTypeName(ctx.output(i).type).c_str());
    }
    if (out.shape != args[i]->shape) same_shapes = false;
  }
  state->dynamic = !same_shapes;
  state->args = args;
  for (int t : state->cond->inputs()) state->state_vars.push_back(&state->cond->tensors()[t]);
  state->body_out = OutputsOf(body);
  for (int i = 0; i < n; ++i) {
    if (state->dynamic) {
      EDGEML_RETURN_IF_ERROR(ctx.SetOutputDynamic(i));
    } else {
      EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(i, args[i]->shape));
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status WhileEval(OpContext& ctx) {
  auto* st = ctx.state<WhileState>();
  Subgraph* cond = st->cond;
  Subgraph* body = st->body;
  // The cond subgraph's inputs hold the current loop variables throughout.
  EDGEML_RETURN_IF_ERROR(CopyIntoCallee(ctx, cond, "cond", st->args));
  const std::vector<const Tensor*>& state_vars = st->state_vars;
  const std::vector<const Tensor*>& body_out = st->body_out;
  for (;;) {
    EDGEML_RETURN_IF_ERROR(InvokeCallee(ctx, cond, "cond"));
    const Tensor& c = cond->tensors()[cond->outputs()[0]];
    if (c.num_elements() != 1) {
      return ctx.InvalidModel("cond subgraph %d gave shape %s; WHILE needs one value",
                              cond->index(), ShapeToString(c.shape).c_str());
    }
    if (!*c.data_as<bool>()) break;
    EDGEML_RETURN_IF_ERROR(CopyIntoCallee(ctx, body, "body", state_vars));
    EDGEML_RETURN_IF_ERROR(InvokeCallee(ctx, body, "body"));
    for (size_t i = 0; i < body_out.size(); ++i) {
      if (!st->dynamic && body_out[i]->shape != state_vars[i]->shape) {
        return ctx.Error(StatusCode::kInternal, "body output %zu changed shape in a static loop",
                         i);
      }
    }
    EDGEML_RETURN_IF_ERROR(CopyIntoCallee(ctx, cond, "cond", body_out));
  }
  return CopyToOutputs(ctx, state_vars, st->dynamic);
}

// ---------------------------------------------------------------- IF

struct IfState : OpState {
  Subgraph* branch[2] = {nullptr, nullptr};  // else, then
  bool dynamic = false;
  std::vector<const Tensor*> args, outputs[2];  // gathered at prepare
};

Status IfPrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::IfOptions>(ctx);
  if (opts == nullptr) return ctx.InvalidModel("IfOptions are missing");
  auto state = std::make_unique<IfState>();
  EDGEML_RETURN_IF_ERROR(GetCallee(ctx, opts->then_subgraph_index(), "then", &state->branch[1]));
  EDGEML_RETURN_IF_ERROR(GetCallee(ctx, opts->else_subgraph_index(), "else", &state->branch[0]));
  if (ctx.num_inputs() < 1) return ctx.InvalidModel("the condition input is missing");
  EDGEML_RETURN_IF_ERROR(CheckNoOptionalInputs(ctx));
  const Tensor& cond = ctx.input(0);
  if (cond.type != DataType::kBool || cond.num_elements() != 1) {
    return ctx.InvalidModel("condition %s must be one BOOL value", ctx.Describe(cond).c_str());
  }
  const std::vector<const Tensor*> args = NodeInputs(ctx, 1);
  bool same_shapes = true;
  for (int b = 1; b >= 0; --b) {
    Subgraph* g = state->branch[b];
    const char* role = b ? "then" : "else";
    EDGEML_RETURN_IF_ERROR(PlanCallee(ctx, g, role, args));
    if (g->outputs().size() != static_cast<size_t>(ctx.num_outputs())) {
      return ctx.InvalidModel("%s subgraph %d has %zu outputs; the op has %d", role, g->index(),
                              g->outputs().size(), ctx.num_outputs());
    }
    if (!StaticOutputs(g)) same_shapes = false;
    for (int i = 0; i < ctx.num_outputs(); ++i) {
      const Tensor& out = g->tensors()[g->outputs()[i]];
      if (out.type != ctx.output(i).type) {
        return ctx.InvalidModel("%s subgraph %d output %d is %s; the op's is %s", role, g->index(),
                                i, DataTypeName(out.type).c_str(),
                                DataTypeName(ctx.output(i).type).c_str());
      }
      const Tensor& other = state->branch[1]->tensors()[state->branch[1]->outputs()[i]];
      if (out.shape != other.shape) same_shapes = false;
    }
  }
  state->dynamic = !same_shapes;
  state->args = args;
  for (int b = 0; b < 2; ++b) state->outputs[b] = OutputsOf(state->branch[b]);
  for (int i = 0; i < ctx.num_outputs(); ++i) {
    if (state->dynamic) {
      EDGEML_RETURN_IF_ERROR(ctx.SetOutputDynamic(i));
    } else {
      Subgraph* g = state->branch[1];
      EDGEML_RETURN_IF_ERROR(ctx.SetOutputShape(i, g->tensors().at(g->outputs()[i]).shape));
    }
  }
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status IfEval(OpContext& ctx) {
  auto* st = ctx.state<IfState>();
  const bool take_then = *ctx.input(0).data_as<bool>();
  Subgraph* g = st->branch[take_then ? 1 : 0];
  const char* role = take_then ? "then" : "else";
  EDGEML_RETURN_IF_ERROR(CopyIntoCallee(ctx, g, role, st->args));
  EDGEML_RETURN_IF_ERROR(InvokeCallee(ctx, g, role));
  return CopyToOutputs(ctx, st->outputs[take_then ? 1 : 0], st->dynamic);
}

// ---------------------------------------------------------------- CALL_ONCE

struct CallOnceState : OpState {
  Subgraph* init = nullptr;
};

Status CallOncePrepare(OpContext& ctx) {
  const auto* opts = Options<tfl::CallOnceOptions>(ctx);
  if (opts == nullptr) return ctx.InvalidModel("CallOnceOptions are missing");
  auto state = std::make_unique<CallOnceState>();
  EDGEML_RETURN_IF_ERROR(GetCallee(ctx, opts->init_subgraph_index(), "init", &state->init));
  if (ctx.num_inputs() != 0 || ctx.num_outputs() != 0) {
    return ctx.InvalidModel("has %d inputs and %d outputs; CALL_ONCE takes none", ctx.num_inputs(),
                            ctx.num_outputs());
  }
  Subgraph* g = state->init;
  if (!g->inputs().empty() || !g->outputs().empty()) {
    return ctx.InvalidModel("init subgraph %d has %zu inputs and %zu outputs; it must have none",
                            g->index(), g->inputs().size(), g->outputs().size());
  }
  EDGEML_RETURN_IF_ERROR(PlanCallee(ctx, g, "init", {}));
  ctx.set_state(std::move(state));
  return Status::Ok();
}

Status CallOnceEval(OpContext& ctx) {
  Subgraph* g = ctx.state<CallOnceState>()->init;
  internal::ResourceVariables& res = ctx.subgraph()->shared()->resources;
  if (res.initialized(g->index())) return Status::Ok();
  EDGEML_RETURN_IF_ERROR(InvokeCallee(ctx, g, "init"));
  res.set_initialized(g->index());
  return Status::Ok();
}

}  // namespace

void RegisterControlFlowOps(OpResolver* r) {
  using Op = tfl::BuiltinOperator;
  AddOp(r, Op::WHILE, 1, 1, WhilePrepare, WhileEval);
  AddOp(r, Op::IF, 1, 1, IfPrepare, IfEval);
  AddOp(r, Op::CALL_ONCE, 1, 1, CallOncePrepare, CallOnceEval);
}

}  // namespace edgeml::ops
