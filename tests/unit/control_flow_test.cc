// Control flow (WHILE, IF, CALL_ONCE over several subgraphs), resource
// variables, run-time (dynamic) output shapes, signatures of other
// subgraphs and the rejection of recursive subgraph calls. Models are built
// in memory with the flatbuffers object API, several subgraphs each.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>

#include "edgeml/interpreter.h"
#include "edgeml/op_resolver.h"
#include "tflite_generated.h"

// Counts heap allocations, to check that Invoke() of a static model makes none.
// (GCC cannot see that the replaced new and delete below pair malloc/free.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
static std::atomic<long> g_allocations{0};
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace edgeml {
namespace {

using Op = tfl::BuiltinOperator;

// A model of several subgraphs, written with the object API.
class Graphs {
 public:
  Graphs() { model_.buffers.push_back(std::make_unique<tfl::BufferT>()); }

  int AddSubgraph() {
    model_.subgraphs.push_back(std::make_unique<tfl::SubGraphT>());
    return static_cast<int>(model_.subgraphs.size()) - 1;
  }
  int Tensor(int sg, tfl::TensorType type, std::vector<int32_t> shape,
             const std::string& name = "") {
    auto t = std::make_unique<tfl::TensorT>();
    t->type = type;
    t->shape = std::move(shape);
    t->name = name;
    auto& ts = model_.subgraphs[sg]->tensors;
    ts.push_back(std::move(t));
    return static_cast<int>(ts.size()) - 1;
  }
  template <typename T>
  int Const(int sg, tfl::TensorType type, std::vector<int32_t> shape, std::vector<T> values) {
    int t = Tensor(sg, type, std::move(shape));
    auto buf = std::make_unique<tfl::BufferT>();
    buf->data.resize(values.size() * sizeof(T));
    std::memcpy(buf->data.data(), values.data(), buf->data.size());
    model_.buffers.push_back(std::move(buf));
    model_.subgraphs[sg]->tensors[t]->buffer = static_cast<uint32_t>(model_.buffers.size() - 1);
    return t;
  }
  void Op(int sg, tfl::BuiltinOperator code, std::vector<int> in, std::vector<int> out,
          tfl::BuiltinOptionsUnion options = {}) {
    auto op = std::make_unique<tfl::OperatorT>();
    op->opcode_index = OpcodeIndex(code);
    op->inputs = std::move(in);
    op->outputs = std::move(out);
    op->builtin_options = std::move(options);
    model_.subgraphs[sg]->operators.push_back(std::move(op));
  }
  void Io(int sg, std::vector<int> in, std::vector<int> out) {
    model_.subgraphs[sg]->inputs = std::move(in);
    model_.subgraphs[sg]->outputs = std::move(out);
  }
  void Signature(const std::string& key, int sg, std::vector<std::pair<std::string, int>> in,
                 std::vector<std::pair<std::string, int>> out) {
    auto s = std::make_unique<tfl::SignatureDefT>();
    s->signature_key = key;
    s->subgraph_index = static_cast<uint32_t>(sg);
    for (auto& [name, index] : in) {
      auto m = std::make_unique<tfl::TensorMapT>();
      m->name = name;
      m->tensor_index = static_cast<uint32_t>(index);
      s->inputs.push_back(std::move(m));
    }
    for (auto& [name, index] : out) {
      auto m = std::make_unique<tfl::TensorMapT>();
      m->name = name;
      m->tensor_index = static_cast<uint32_t>(index);
      s->outputs.push_back(std::move(m));
    }
    model_.signature_defs.push_back(std::move(s));
  }

  // Serializes, loads and creates an interpreter (not allocated).
  Status Load() {
    model_.version = 3;
    flatbuffers::FlatBufferBuilder fbb;
    fbb.Finish(tfl::Model::Pack(fbb, &model_), "TFL3");
    bytes_.assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
    EDGEML_RETURN_IF_ERROR(Model::FromBuffer(bytes_.data(), bytes_.size(), &loaded_));
    return Interpreter::Create(*loaded_, resolver_, {}, &interp);
  }

  std::unique_ptr<Interpreter> interp;

 private:
  int OpcodeIndex(tfl::BuiltinOperator code) {
    for (size_t i = 0; i < model_.operator_codes.size(); ++i) {
      if (model_.operator_codes[i]->builtin_code == code) return static_cast<int>(i);
    }
    auto c = std::make_unique<tfl::OperatorCodeT>();
    c->builtin_code = code;
    c->deprecated_builtin_code = static_cast<int8_t>(std::min(static_cast<int>(code), 127));
    c->version = 1;
    model_.operator_codes.push_back(std::move(c));
    return static_cast<int>(model_.operator_codes.size()) - 1;
  }

  tfl::ModelT model_;
  std::vector<uint8_t> bytes_;
  std::unique_ptr<Model> loaded_;
  BuiltinOpResolver resolver_;
};

constexpr auto F32 = tfl::TensorType::FLOAT32;
constexpr auto I32 = tfl::TensorType::INT32;
constexpr auto BOOL = tfl::TensorType::BOOL;

tfl::BuiltinOptionsUnion WhileOpts(int cond, int body) {
  tfl::BuiltinOptionsUnion u;
  tfl::WhileOptionsT o;
  o.cond_subgraph_index = cond;
  o.body_subgraph_index = body;
  u.Set(o);
  return u;
}
tfl::BuiltinOptionsUnion AddOpts() {
  tfl::BuiltinOptionsUnion u;
  u.Set(tfl::AddOptionsT{});
  return u;
}

template <typename T>
void Set(Tensor* t, std::vector<T> v) {
  ASSERT_EQ(t->bytes, v.size() * sizeof(T));
  std::memcpy(t->data, v.data(), t->bytes);
}
template <typename T>
std::vector<T> Get(const Tensor* t) {
  std::vector<T> v(t->bytes / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), t->data, t->bytes);
  return v;
}

// cond(i, x): i < limit. Subgraph `sg` gets inputs (i, x[x_shape]).
void BuildCond(Graphs& g, int sg, int limit, std::vector<int32_t> x_shape) {
  int i = g.Tensor(sg, I32, {});
  int x = g.Tensor(sg, F32, x_shape);
  int lim = g.Const<int32_t>(sg, I32, {}, {limit});
  int c = g.Tensor(sg, BOOL, {});
  g.Op(sg, Op::LESS, {i, lim}, {c});
  g.Io(sg, {i, x}, {c});
}

// A loop (i, x) -> while i < limit: (i + 1, body_x(x)); `concat` doubles x by
// concatenating it with itself, otherwise x + x.
Graphs* BuildLoop(int limit, std::vector<int32_t> x_shape, bool concat) {
  auto* g = new Graphs();
  int main = g->AddSubgraph(), cond = g->AddSubgraph(), body = g->AddSubgraph();
  int i = g->Tensor(main, I32, {}, "i");
  int x = g->Tensor(main, F32, x_shape, "x");
  int oi = g->Tensor(main, I32, {}, "i_out");
  int ox = g->Tensor(main, F32, x_shape, "x_out");
  g->Op(main, Op::WHILE, {i, x}, {oi, ox}, WhileOpts(cond, body));
  // A consumer of the loop result: y = x_out + x_out.
  int y = g->Tensor(main, F32, x_shape, "y");
  g->Op(main, Op::ADD, {ox, ox}, {y}, AddOpts());
  g->Io(main, {i, x}, {oi, y});
  BuildCond(*g, cond, limit, x_shape);
  int bi = g->Tensor(body, I32, {});
  int bx = g->Tensor(body, F32, x_shape);
  int one = g->Const<int32_t>(body, I32, {}, {1});
  int ni = g->Tensor(body, I32, {});
  int nx = g->Tensor(body, F32, x_shape);
  g->Op(body, Op::ADD, {bi, one}, {ni}, AddOpts());
  if (concat) {
    tfl::BuiltinOptionsUnion u;
    tfl::ConcatenationOptionsT o;
    o.axis = 0;
    u.Set(o);
    std::vector<int32_t> doubled = x_shape;
    doubled[0] *= 2;
    g->Op(body, Op::CONCATENATION, {bx, bx}, {nx}, std::move(u));
    // The declared shape is only a hint; prepare computes the real one.
    (void)doubled;
  } else {
    g->Op(body, Op::ADD, {bx, bx}, {nx}, AddOpts());
  }
  g->Io(body, {bi, bx}, {ni, nx});
  return g;
}

TEST(While, StaticLoopRunsBodyUntilCondIsFalse) {
  std::unique_ptr<Graphs> g(BuildLoop(5, {3}, false));
  ASSERT_TRUE(g->Load().ok());
  Interpreter& it = *g->interp;
  ASSERT_EQ(it.subgraphs_size(), 3u);
  ASSERT_TRUE(it.AllocateTensors().ok());
  for (int start : {0, 3, 5, 9}) {
    Set<int32_t>(it.input(0), {start});
    Set<float>(it.input(1), {1.f, -2.f, 0.5f});
    Status s = it.Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    const int iterations = std::max(0, 5 - start);
    const float k = 2.f * static_cast<float>(1 << iterations);  // body doubles, then y = 2x
    EXPECT_EQ(Get<int32_t>(it.output(0))[0], std::max(start, 5));
    EXPECT_EQ(Get<float>(it.output(1)), (std::vector<float>{k, -2.f * k, 0.5f * k}));
  }
}

TEST(While, StaticModelAllocatesNothingInInvoke) {
  std::unique_ptr<Graphs> g(BuildLoop(4, {16}, false));
  ASSERT_TRUE(g->Load().ok());
  Interpreter& it = *g->interp;
  ASSERT_TRUE(it.AllocateTensors().ok());
  Set<int32_t>(it.input(0), {0});
  ASSERT_TRUE(it.Invoke().ok());
  const void* out = it.output(1)->data;
  Set<int32_t>(it.input(0), {0});
  const long before = g_allocations.load();
  ASSERT_TRUE(it.Invoke().ok());
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(it.output(1)->data, out);
  EXPECT_EQ(it.output(1)->allocation, Allocation::kArena);
}

TEST(While, LoopVariableThatGrowsGivesDynamicOutputsAndReplansConsumers) {
  std::unique_ptr<Graphs> g(BuildLoop(3, {1}, true));
  ASSERT_TRUE(g->Load().ok());
  Interpreter& it = *g->interp;
  ASSERT_TRUE(it.AllocateTensors().ok());
  for (int start : {0, 1, 3, 0}) {
    Set<int32_t>(it.input(0), {start});
    Set<float>(it.input(1), {1.5f});
    Status s = it.Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    const int n = 1 << std::max(0, 3 - start);
    EXPECT_EQ(it.output(1)->shape, (Shape{n}));
    EXPECT_EQ(it.output(1)->allocation, Allocation::kDynamic);
    EXPECT_EQ(Get<float>(it.output(1)), std::vector<float>(n, 3.f));
  }
}

TEST(While, ResizedInputReplansBodyAndMain) {
  std::unique_ptr<Graphs> g(BuildLoop(2, {2}, false));
  ASSERT_TRUE(g->Load().ok());
  Interpreter& it = *g->interp;
  ASSERT_TRUE(it.AllocateTensors().ok());
  ASSERT_TRUE(it.ResizeInput(1, {4}).ok());
  ASSERT_TRUE(it.AllocateTensors().ok());
  Set<int32_t>(it.input(0), {0});
  Set<float>(it.input(1), {1, 2, 3, 4});
  ASSERT_TRUE(it.Invoke().ok());
  EXPECT_EQ(Get<float>(it.output(1)), (std::vector<float>{8, 16, 24, 32}));
}

TEST(While, WrongBodyArityIsAnError) {
  Graphs g;
  int main = g.AddSubgraph(), cond = g.AddSubgraph(), body = g.AddSubgraph();
  int i = g.Tensor(main, I32, {}), x = g.Tensor(main, F32, {2});
  int oi = g.Tensor(main, I32, {}), ox = g.Tensor(main, F32, {2});
  g.Op(main, Op::WHILE, {i, x}, {oi, ox}, WhileOpts(cond, body));
  g.Io(main, {i, x}, {oi, ox});
  BuildCond(g, cond, 3, {2});
  int bi = g.Tensor(body, I32, {});
  int bx = g.Tensor(body, F32, {2});
  g.Io(body, {bi, bx}, {bi});  // one output for two loop variables
  ASSERT_TRUE(g.Load().ok());
  Status s = g.interp->AllocateTensors();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("WHILE (node 0)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("body subgraph 2"), std::string::npos) << s.message();
}

// Recursion through subgraphs is refused at Create, naming op, node, chain.
TEST(Recursion, DirectAndIndirectCallsAreRejectedAtCreate) {
  for (bool indirect : {false, true}) {
    Graphs g;
    int main = g.AddSubgraph(), cond = g.AddSubgraph(), body = g.AddSubgraph();
    int i = g.Tensor(main, I32, {}), x = g.Tensor(main, F32, {2});
    int oi = g.Tensor(main, I32, {}), ox = g.Tensor(main, F32, {2});
    g.Op(main, Op::WHILE, {i, x}, {oi, ox}, WhileOpts(cond, body));
    g.Io(main, {i, x}, {oi, ox});
    BuildCond(g, cond, 3, {2});
    int bi = g.Tensor(body, I32, {}), bx = g.Tensor(body, F32, {2});
    int ni = g.Tensor(body, I32, {}), nx = g.Tensor(body, F32, {2});
    // The body loops again over itself (direct) or over the main graph.
    g.Op(body, Op::WHILE, {bi, bx}, {ni, nx}, WhileOpts(cond, indirect ? main : body));
    g.Io(body, {bi, bx}, {ni, nx});
    Status s = g.Load();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
    EXPECT_NE(s.message().find("recursive"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("WHILE (node 0 of subgraph 2)"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(indirect ? "0 -> 2 -> 0" : "0 -> 2 -> 2"), std::string::npos)
        << s.message();
  }
}

TEST(Recursion, SubgraphIndexOutOfRangeIsRejected) {
  Graphs g;
  int main = g.AddSubgraph();
  int i = g.Tensor(main, I32, {}), oi = g.Tensor(main, I32, {});
  g.Op(main, Op::WHILE, {i}, {oi}, WhileOpts(5, -1));
  g.Io(main, {i}, {oi});
  Status s = g.Load();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("calls subgraph 5"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------- IF

TEST(If, RunsTheBranchTheConditionPicks) {
  Graphs g;
  int main = g.AddSubgraph(), then_g = g.AddSubgraph(), else_g = g.AddSubgraph();
  int c = g.Tensor(main, BOOL, {}), x = g.Tensor(main, F32, {2}), y = g.Tensor(main, F32, {2});
  tfl::BuiltinOptionsUnion u;
  tfl::IfOptionsT o;
  o.then_subgraph_index = then_g;
  o.else_subgraph_index = else_g;
  u.Set(o);
  g.Op(main, Op::IF, {c, x}, {y}, std::move(u));
  g.Io(main, {c, x}, {y});
  for (int sg : {then_g, else_g}) {
    int a = g.Tensor(sg, F32, {2}), b = g.Tensor(sg, F32, {2});
    tfl::BuiltinOptionsUnion mu;
    mu.Set(tfl::MulOptionsT{});
    if (sg == then_g) {
      g.Op(sg, Op::ADD, {a, a}, {b}, AddOpts());
    } else {
      g.Op(sg, Op::MUL, {a, a}, {b}, std::move(mu));
    }
    g.Io(sg, {a}, {b});
  }
  ASSERT_TRUE(g.Load().ok());
  Interpreter& it = *g.interp;
  ASSERT_TRUE(it.AllocateTensors().ok());
  for (bool take : {true, false, true}) {
    Set<uint8_t>(it.input(0), {static_cast<uint8_t>(take)});
    Set<float>(it.input(1), {3.f, -4.f});
    ASSERT_TRUE(it.Invoke().ok());
    EXPECT_EQ(Get<float>(it.output(0)),
              take ? (std::vector<float>{6.f, -8.f}) : (std::vector<float>{9.f, 16.f}));
  }
}

// ------------------------------------------------- CALL_ONCE + variables

// main: CALL_ONCE(init); v = read(var) + x; assign(var, v); out = v.
// init: assign(var, 10).
Graphs* BuildCounter() {
  auto* g = new Graphs();
  int main = g->AddSubgraph(), init = g->AddSubgraph();
  auto handle = [&](int sg) {
    tfl::BuiltinOptionsUnion u;
    tfl::VarHandleOptionsT o;
    o.container = "";
    o.shared_name = "acc";
    u.Set(o);
    int h = g->Tensor(sg, tfl::TensorType::RESOURCE, {});
    g->Op(sg, Op::VAR_HANDLE, {}, {h}, std::move(u));
    return h;
  };
  tfl::BuiltinOptionsUnion co;
  tfl::CallOnceOptionsT cot;
  cot.init_subgraph_index = init;
  co.Set(cot);
  int x = g->Tensor(main, F32, {2}, "x");
  g->Op(main, Op::CALL_ONCE, {}, {}, std::move(co));
  int h = handle(main);
  int r = g->Tensor(main, F32, {2});
  g->Op(main, Op::READ_VARIABLE, {h}, {r});
  int v = g->Tensor(main, F32, {2}, "v");
  g->Op(main, Op::ADD, {r, x}, {v}, AddOpts());
  g->Op(main, Op::ASSIGN_VARIABLE, {h, v}, {});
  g->Io(main, {x}, {v});
  int ih = handle(init);
  int ten = g->Const<float>(init, F32, {2}, {10.f, 20.f});
  g->Op(init, Op::ASSIGN_VARIABLE, {ih, ten}, {});
  g->Io(init, {}, {});
  return g;
}

TEST(Variables, AccumulateAcrossInvokesAndResetToTheirInitializer) {
  std::unique_ptr<Graphs> g(BuildCounter());
  Status s = g->Load();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Interpreter& it = *g->interp;
  s = it.AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (int k = 1; k <= 3; ++k) {
    Set<float>(it.input(0), {1.f, 2.f});
    s = it.Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(Get<float>(it.output(0)),
              (std::vector<float>{10.f + k, 20.f + 2.f * static_cast<float>(k)}));
  }
  ASSERT_TRUE(it.ResetVariables().ok());
  ASSERT_TRUE(it.Invoke().ok());
  EXPECT_EQ(Get<float>(it.output(0)), (std::vector<float>{11.f, 22.f}));
}

TEST(Variables, ReadBeforeAssignIsAnError) {
  Graphs g;
  int main = g.AddSubgraph();
  tfl::BuiltinOptionsUnion u;
  tfl::VarHandleOptionsT o;
  o.shared_name = "never";
  u.Set(o);
  int h = g.Tensor(main, tfl::TensorType::RESOURCE, {});
  g.Op(main, Op::VAR_HANDLE, {}, {h}, std::move(u));
  int r = g.Tensor(main, F32, {2});
  g.Op(main, Op::READ_VARIABLE, {h}, {r});
  g.Io(main, {}, {r});
  ASSERT_TRUE(g.Load().ok());
  ASSERT_TRUE(g.interp->AllocateTensors().ok());
  Status s = g.interp->Invoke();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("READ_VARIABLE (node 1)"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------- dynamic shapes

TEST(DynamicShapes, FillAndRangeTakeTheirShapeFromRunTimeValues) {
  Graphs g;
  int main = g.AddSubgraph();
  int dims = g.Tensor(main, I32, {2}, "dims");
  int limit = g.Tensor(main, I32, {}, "limit");
  int value = g.Const<float>(main, F32, {}, {2.5f});
  int filled = g.Tensor(main, F32, {1, 1});
  g.Op(main, Op::FILL, {dims, value}, {filled});
  int doubled = g.Tensor(main, F32, {1, 1}, "doubled");
  g.Op(main, Op::ADD, {filled, filled}, {doubled}, AddOpts());
  int start = g.Const<int32_t>(main, I32, {}, {1});
  int delta = g.Const<int32_t>(main, I32, {}, {2});
  int range = g.Tensor(main, I32, {1}, "range");
  g.Op(main, Op::RANGE, {start, limit, delta}, {range});
  g.Io(main, {dims, limit}, {doubled, range});
  ASSERT_TRUE(g.Load().ok());
  Interpreter& it = *g.interp;
  Status s = it.AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (auto [rows, cols, lim] : {std::tuple{2, 3, 8}, std::tuple{1, 1, 2}, std::tuple{4, 5, 11}}) {
    Set<int32_t>(it.input(0), {rows, cols});
    Set<int32_t>(it.input(1), {lim});
    s = it.Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(it.output(0)->shape, (Shape{rows, cols}));
    EXPECT_EQ(Get<float>(it.output(0)), std::vector<float>(rows * cols, 5.f));
    std::vector<int32_t> want;
    for (int v = 1; v < lim; v += 2) want.push_back(v);
    EXPECT_EQ(Get<int32_t>(it.output(1)), want);
  }
  // A bad run-time value is an error naming the op, not a crash.
  Set<int32_t>(it.input(0), {-1, 3});
  s = it.Invoke();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("FILL (node 0)"), std::string::npos) << s.message();
}

TEST(DynamicShapes, ReshapeWithComputedShape) {
  Graphs g;
  int main = g.AddSubgraph();
  int x = g.Tensor(main, F32, {6}, "x");
  int shape = g.Tensor(main, I32, {2}, "shape");
  int y = g.Tensor(main, F32, {2, 3}, "y");
  tfl::BuiltinOptionsUnion u;
  u.Set(tfl::ReshapeOptionsT{});
  g.Op(main, Op::RESHAPE, {x, shape}, {y}, std::move(u));
  g.Io(main, {x, shape}, {y});
  ASSERT_TRUE(g.Load().ok());
  Interpreter& it = *g.interp;
  ASSERT_TRUE(it.AllocateTensors().ok());
  Set<float>(it.input(0), {1, 2, 3, 4, 5, 6});
  for (Shape want : {Shape{3, 2}, Shape{1, 6}, Shape{6, 1}}) {
    Set<int32_t>(it.input(1), {want[0], want[1]});
    Status s = it.Invoke();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(it.output(0)->shape, want);
    EXPECT_EQ(Get<float>(it.output(0)), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  }
}

// Ops that read shapes, sizes or counts through the common helpers take them
// from run-time values too: TILE multiples, TOPK_V2 k, SLICE begin/size, PAD.
TEST(DynamicShapes, IndexOpsReadRunTimeValues) {
  Graphs g;
  int main = g.AddSubgraph();
  int x = g.Tensor(main, F32, {2, 3}, "x");
  int mult = g.Tensor(main, I32, {2}, "multiples");
  int k = g.Tensor(main, I32, {}, "k");
  int begin = g.Tensor(main, I32, {2}, "begin");
  int size = g.Tensor(main, I32, {2}, "size");
  int pads = g.Tensor(main, I32, {2, 2}, "paddings");
  int tiled = g.Tensor(main, F32, {2, 3}, "tiled");
  g.Op(main, Op::TILE, {x, mult}, {tiled});
  int vals = g.Tensor(main, F32, {2, 1}, "values");
  int idx = g.Tensor(main, I32, {2, 1}, "indices");
  g.Op(main, Op::TOPK_V2, {x, k}, {vals, idx});
  int sliced = g.Tensor(main, F32, {1, 1}, "sliced");
  g.Op(main, Op::SLICE, {x, begin, size}, {sliced});
  int padded = g.Tensor(main, F32, {2, 3}, "padded");
  g.Op(main, Op::PAD, {x, pads}, {padded});
  g.Io(main, {x, mult, k, begin, size, pads}, {tiled, vals, sliced, padded});
  ASSERT_TRUE(g.Load().ok());
  Interpreter& it = *g.interp;
  Status s = it.AllocateTensors();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Set<float>(it.input(0), {1, 5, 3, 6, 2, 4});
  Set<int32_t>(it.input(1), {1, 2});
  Set<int32_t>(it.input(2), {2});
  Set<int32_t>(it.input(3), {1, 1});
  Set<int32_t>(it.input(4), {1, 2});
  Set<int32_t>(it.input(5), {0, 1, 1, 0});
  s = it.Invoke();
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(it.output(0)->shape, (Shape{2, 6}));
  EXPECT_EQ(Get<float>(it.output(0)), (std::vector<float>{1, 5, 3, 1, 5, 3, 6, 2, 4, 6, 2, 4}));
  EXPECT_EQ(it.output(1)->shape, (Shape{2, 2}));
  EXPECT_EQ(Get<float>(it.output(1)), (std::vector<float>{5, 3, 6, 4}));
  EXPECT_EQ(it.output(2)->shape, (Shape{1, 2}));
  EXPECT_EQ(Get<float>(it.output(2)), (std::vector<float>{2, 4}));
  EXPECT_EQ(it.output(3)->shape, (Shape{3, 4}));
  EXPECT_EQ(Get<float>(it.output(3)), (std::vector<float>{0, 1, 5, 3, 0, 6, 2, 4, 0, 0, 0, 0}));
  // Values outside the input are errors naming the op, at Invoke().
  Set<int32_t>(it.input(2), {7});
  s = it.Invoke();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("TOPK_V2 (node 1)"), std::string::npos) << s.message();
}

// ---------------------------------------------------------------- signatures

TEST(Signatures, RunnerRunsASignatureOfAnotherSubgraph) {
  Graphs g;
  int a = g.AddSubgraph(), b = g.AddSubgraph();
  int ax = g.Tensor(a, F32, {2}), ay = g.Tensor(a, F32, {2});
  g.Op(a, Op::ADD, {ax, ax}, {ay}, AddOpts());
  g.Io(a, {ax}, {ay});
  int bx = g.Tensor(b, F32, {2}), by = g.Tensor(b, F32, {2});
  tfl::BuiltinOptionsUnion mu;
  mu.Set(tfl::MulOptionsT{});
  g.Op(b, Op::MUL, {bx, bx}, {by}, std::move(mu));
  g.Io(b, {bx}, {by});
  g.Signature("double", a, {{"x", ax}}, {{"y", ay}});
  g.Signature("square", b, {{"in", bx}}, {{"out", by}});
  ASSERT_TRUE(g.Load().ok());
  Interpreter& it = *g.interp;
  EXPECT_EQ(it.GetSignatureRunner("nope"), nullptr);
  SignatureRunner* sq = it.GetSignatureRunner("square");
  ASSERT_NE(sq, nullptr);
  EXPECT_EQ(sq->subgraph_index(), 1);
  EXPECT_EQ(sq->input_names(), (std::vector<std::string>{"in"}));
  ASSERT_TRUE(sq->ResizeInput("in", {3}).ok());
  EXPECT_FALSE(sq->ResizeInput("x", {3}).ok());
  ASSERT_TRUE(sq->AllocateTensors().ok());
  Set<float>(sq->input("in"), {1.f, -2.f, 3.f});
  ASSERT_TRUE(sq->Invoke().ok());
  EXPECT_EQ(Get<float>(sq->output("out")), (std::vector<float>{1.f, 4.f, 9.f}));
  SignatureRunner* db = it.GetSignatureRunner("double");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->AllocateTensors().ok());
  Set<float>(db->input("x"), {1.f, 2.f});
  ASSERT_TRUE(db->Invoke().ok());
  EXPECT_EQ(Get<float>(db->output("y")), (std::vector<float>{2.f, 4.f}));
}

}  // namespace
}  // namespace edgeml
