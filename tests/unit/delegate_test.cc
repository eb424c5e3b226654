// The delegate mechanism (edgeml/delegate.h) with a test delegate that runs
// float32 ADD and MUL of equal shapes itself: claims and refusal reasons,
// partitioning, priority between delegates, re-prepare on resize, errors.
#include "edgeml/delegate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/op_resolver.h"
#include "util/model_builder.h"

namespace edgeml {
namespace {

using testing::ModelBuilder;

struct Counters {
  int kernels_created = 0;
  int prepares = 0;
  int invokes = 0;
};

class TestKernel : public DelegateKernel {
 public:
  explicit TestKernel(Counters* c, bool fail_prepare) : c_(c), fail_prepare_(fail_prepare) {}
  Status Prepare(const DelegateGraph& g, const DelegatePartition& p) override {
    ++c_->prepares;
    if (fail_prepare_) return Status(StatusCode::kUnsupported, "no device");
    own_.clear();
    for (int t : p.internal) {
      EXPECT_EQ(g.tensor(t).data, nullptr) << "internal tensors get no CPU memory";
      own_[t].assign(g.tensor(t).num_elements(), 0.f);
    }
    return Status::Ok();
  }
  Status Invoke(const DelegateGraph& g, const DelegatePartition& p) override {
    ++c_->invokes;
    for (int n : p.nodes) {
      const DelegateNode& node = g.node(n);
      const float* a = Data(g, node.inputs[0]);
      const float* b = Data(g, node.inputs[1]);
      float* y = Data(g, node.outputs[0]);
      int64_t count = g.tensor(node.outputs[0]).num_elements();
      for (int64_t i = 0; i < count; ++i) y[i] = node.op_name == "ADD" ? a[i] + b[i] : a[i] * b[i];
    }
    return Status::Ok();
  }

 private:
  float* Data(const DelegateGraph& g, int t) {
    auto it = own_.find(t);
    return it != own_.end() ? it->second.data() : static_cast<float*>(g.tensor(t).data);
  }
  Counters* c_;
  bool fail_prepare_;
  std::map<int, std::vector<float>> own_;
};

class TestDelegate : public Delegate {
 public:
  TestDelegate(std::string name, std::set<std::string> ops, Counters* c, bool fail = false)
      : name_(std::move(name)), ops_(std::move(ops)), c_(c), fail_(fail) {}
  std::string name() const override { return name_; }
  Status Claim(const DelegateGraph& g, const DelegateNode& node) const override {
    if (!ops_.count(node.op_name)) {
      return Status(StatusCode::kUnsupported, node.op_name + " is not supported");
    }
    const Tensor& a = g.tensor(node.inputs[0]);
    const Tensor& b = g.tensor(node.inputs[1]);
    if (a.type != DataType::kFloat32) {
      return Status(StatusCode::kUnsupported, "type " + DataTypeName(a.type) + " is not FLOAT32");
    }
    if (a.shape != b.shape) return Status(StatusCode::kUnsupported, "broadcasting");
    return Status::Ok();
  }
  Status CreateKernel(const DelegateGraph&, const DelegatePartition&,
                      std::unique_ptr<DelegateKernel>* kernel) const override {
    ++c_->kernels_created;
    *kernel = std::make_unique<TestKernel>(c_, fail_);
    return Status::Ok();
  }

 private:
  std::string name_;
  std::set<std::string> ops_;
  Counters* c_;
  bool fail_;
};

struct Built {
  std::vector<uint8_t> bytes;
  std::unique_ptr<Model> model;
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
};

Status Make(ModelBuilder& b, std::vector<std::shared_ptr<Delegate>> delegates, Built* out) {
  out->bytes = b.Finish();
  EDGEML_RETURN_IF_ERROR(Model::FromBufferCopy(out->bytes.data(), out->bytes.size(), &out->model));
  InterpreterOptions options;
  options.delegates = std::move(delegates);
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*out->model, out->resolver, options, &out->interp));
  return out->interp->AllocateTensors();
}

// x -> ADD(x, c) = a -> MUL(a, a) = m -> TANH = t -> ADD(t, x) = y
//                                   \-> SUB(m, x) = s (second output)
void ChainModel(ModelBuilder& b, const Shape& shape = {4}) {
  int x = b.AddTensor(DataType::kFloat32, shape, "x");
  std::vector<float> cv(4, 0.5f);
  int c = b.AddConstant<float>(DataType::kFloat32, {4}, cv, "c");
  int a = b.AddTensor(DataType::kFloat32, shape, "a");
  int m = b.AddTensor(DataType::kFloat32, shape, "m");
  int t = b.AddTensor(DataType::kFloat32, shape, "t");
  int y = b.AddTensor(DataType::kFloat32, shape, "y");
  int s = b.AddTensor(DataType::kFloat32, shape, "s");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, c}, {a});
  b.AddOperator(tfl::BuiltinOperator::MUL, {a, a}, {m});
  b.AddOperator(tfl::BuiltinOperator::TANH, {m}, {t});
  b.AddOperator(tfl::BuiltinOperator::ADD, {t, x}, {y});
  b.AddOperator(tfl::BuiltinOperator::SUB, {m, x}, {s});
  b.SetInputs({x});
  b.SetOutputs({y, s});
}

std::vector<std::vector<float>> RunModel(Interpreter& interp, const std::vector<float>& x) {
  std::memcpy(interp.input(0)->data, x.data(), x.size() * sizeof(float));
  EXPECT_TRUE(interp.Invoke().ok());
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < interp.outputs().size(); ++i) {
    const Tensor* t = interp.output(static_cast<int>(i));
    out.emplace_back(t->data_as<float>(), t->data_as<float>() + t->num_elements());
  }
  return out;
}

TEST(Delegate, PartitionsClaimedNodesAndMatchesCpu) {
  ModelBuilder cpu_b;
  ChainModel(cpu_b);
  Built cpu;
  ASSERT_TRUE(Make(cpu_b, {}, &cpu).ok());
  EXPECT_TRUE(cpu.interp->delegation_report().nodes.empty());

  Counters c;
  ModelBuilder b;
  ChainModel(b);
  Built d;
  Status s =
      Make(b, {std::make_shared<TestDelegate>("t", std::set<std::string>{"ADD", "MUL"}, &c)}, &d);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const DelegationReport& r = d.interp->delegation_report();
  ASSERT_EQ(r.nodes.size(), 5u);
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[0].nodes, (std::vector<int>{0, 1}));
  EXPECT_EQ(r.partitions[1].nodes, (std::vector<int>{3}));
  EXPECT_EQ(r.partitions[0].inputs, (std::vector<int>{0}));   // x; c is constant
  EXPECT_EQ(r.partitions[0].outputs, (std::vector<int>{3}));  // m; a is internal
  EXPECT_EQ(r.nodes[2].delegate, "");
  ASSERT_EQ(r.nodes[2].refusals.size(), 1u);
  EXPECT_EQ(r.nodes[2].refusals[0].delegate, "t");
  EXPECT_NE(r.nodes[2].refusals[0].reason.find("TANH is not supported"), std::string::npos);
  EXPECT_EQ(r.nodes[0].delegate, "t");
  EXPECT_EQ(r.nodes[0].partition, 0);
  EXPECT_EQ(r.nodes[3].partition, 1);
  EXPECT_EQ(c.kernels_created, 2);

  std::vector<float> x = {-1.5f, 0.25f, 2.f, 3.f};
  EXPECT_EQ(RunModel(*d.interp, x), RunModel(*cpu.interp, x));
  EXPECT_EQ(c.invokes, 2);
}

// ADD0 and ADD2 are independent of the CPU node; ADD1 depends on ADD0
// through it. ADD0+ADD2 form one partition, ADD1 another: merging ADD1 in
// would make a path leave the partition (TANH) and come back.
TEST(Delegate, NeverMergesAcrossAPathThroughTheCpu) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {4}, "x");
  int a = b.AddTensor(DataType::kFloat32, {4}, "a");
  int t = b.AddTensor(DataType::kFloat32, {4}, "t");
  int y = b.AddTensor(DataType::kFloat32, {4}, "y");
  int z = b.AddTensor(DataType::kFloat32, {4}, "z");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {a});
  b.AddOperator(tfl::BuiltinOperator::TANH, {a}, {t});
  b.AddOperator(tfl::BuiltinOperator::ADD, {a, t}, {y});
  b.AddOperator(tfl::BuiltinOperator::MUL, {x, x}, {z});
  b.SetInputs({x});
  b.SetOutputs({y, z});
  Counters c;
  Built d;
  ASSERT_TRUE(
      Make(b, {std::make_shared<TestDelegate>("t", std::set<std::string>{"ADD", "MUL"}, &c)}, &d)
          .ok());
  const DelegationReport& r = d.interp->delegation_report();
  ASSERT_EQ(r.partitions.size(), 2u);
  EXPECT_EQ(r.partitions[0].nodes, (std::vector<int>{0, 3}));
  EXPECT_EQ(r.partitions[1].nodes, (std::vector<int>{2}));
  auto out = RunModel(*d.interp, {1, 2, 3, 4});
  for (int i = 0; i < 4; ++i) {
    float xi = static_cast<float>(i + 1);
    EXPECT_FLOAT_EQ(out[0][i], 2 * xi + std::tanh(2 * xi));
    EXPECT_FLOAT_EQ(out[1][i], xi * xi);
  }
}

TEST(Delegate, FirstDelegateThatClaimsANodeTakesIt) {
  Counters c1, c2;
  auto mul_only = std::make_shared<TestDelegate>("mul_only", std::set<std::string>{"MUL"}, &c1);
  auto add_mul =
      std::make_shared<TestDelegate>("add_mul", std::set<std::string>{"ADD", "MUL"}, &c2);
  {
    ModelBuilder b;
    ChainModel(b);
    Built d;
    ASSERT_TRUE(Make(b, {mul_only, add_mul}, &d).ok());
    const DelegationReport& r = d.interp->delegation_report();
    EXPECT_EQ(r.nodes[0].delegate, "add_mul");
    ASSERT_EQ(r.nodes[0].refusals.size(), 1u);
    EXPECT_EQ(r.nodes[0].refusals[0].delegate, "mul_only");
    EXPECT_EQ(r.nodes[1].delegate, "mul_only");
    EXPECT_TRUE(r.nodes[1].refusals.empty());
    EXPECT_EQ(r.nodes[2].refusals.size(), 2u);  // TANH: both refuse
    EXPECT_EQ(r.partitions.size(), 3u);         // ADD | MUL | ADD
    ModelBuilder cb;
    ChainModel(cb);
    Built cpu;
    ASSERT_TRUE(Make(cb, {}, &cpu).ok());
    std::vector<float> x = {1, -2, 3, 0.5f};
    EXPECT_EQ(RunModel(*d.interp, x), RunModel(*cpu.interp, x));
  }
  {
    ModelBuilder b;
    ChainModel(b);
    Built d;
    ASSERT_TRUE(Make(b, {add_mul, mul_only}, &d).ok());
    const DelegationReport& r = d.interp->delegation_report();
    EXPECT_EQ(r.nodes[1].delegate, "add_mul");
    EXPECT_EQ(r.partitions.size(), 2u);
  }
}

TEST(Delegate, ResizeRepreparesAndReusesKernels) {
  Counters c;
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {1, 3}, "x");
  int a = b.AddTensor(DataType::kFloat32, {1, 3}, "a");
  int y = b.AddTensor(DataType::kFloat32, {1, 3}, "y");
  b.AddOperator(tfl::BuiltinOperator::MUL, {x, x}, {a});
  b.AddOperator(tfl::BuiltinOperator::ADD, {a, x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  Built d;
  ASSERT_TRUE(
      Make(b, {std::make_shared<TestDelegate>("t", std::set<std::string>{"ADD", "MUL"}, &c)}, &d)
          .ok());
  EXPECT_EQ(c.kernels_created, 1);
  EXPECT_EQ(c.prepares, 1);
  ASSERT_TRUE(d.interp->ResizeInput(0, {2, 5}).ok());
  ASSERT_TRUE(d.interp->AllocateTensors().ok());
  EXPECT_EQ(c.kernels_created, 1);  // same partition: the kernel is kept
  EXPECT_EQ(c.prepares, 2);
  std::vector<float> xv(10);
  for (int i = 0; i < 10; ++i) xv[i] = 0.5f * static_cast<float>(i) - 2.f;
  auto out = RunModel(*d.interp, xv);
  ASSERT_EQ(out[0].size(), 10u);
  for (int i = 0; i < 10; ++i) EXPECT_FLOAT_EQ(out[0][i], xv[i] * xv[i] + xv[i]);
  EXPECT_EQ(d.interp->output(0)->shape, (Shape{2, 5}));
}

TEST(Delegate, RefusesTypesItCannotRun) {
  Counters c;
  ModelBuilder b;
  int x = b.AddTensor(DataType::kInt32, {4}, "x");
  int y = b.AddTensor(DataType::kInt32, {4}, "y");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  Built d;
  ASSERT_TRUE(
      Make(b, {std::make_shared<TestDelegate>("t", std::set<std::string>{"ADD"}, &c)}, &d).ok());
  const DelegationReport& r = d.interp->delegation_report();
  EXPECT_TRUE(r.partitions.empty());
  ASSERT_EQ(r.nodes[0].refusals.size(), 1u);
  EXPECT_NE(r.nodes[0].refusals[0].reason.find("INT32"), std::string::npos);
  EXPECT_EQ(c.kernels_created, 0);
}

TEST(Delegate, KernelPrepareFailureFailsAllocateWithTheDelegatesMessage) {
  Counters c;
  ModelBuilder b;
  ChainModel(b);
  Built d;
  Status s = Make(
      b, {std::make_shared<TestDelegate>("gpu", std::set<std::string>{"ADD"}, &c, /*fail=*/true)},
      &d);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("delegate 'gpu', partition 0 (nodes 0)"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("no device"), std::string::npos) << s.message();
  EXPECT_EQ(d.interp->Invoke().code(), StatusCode::kFailedPrecondition);
}

Status MakeTestDelegate(const DelegateOptions& options, std::shared_ptr<Delegate>* out) {
  static Counters counters;
  std::string ops = DelegateOption(options, "ops", "ADD");
  if (ops != "ADD" && ops != "MUL") {
    return Status(StatusCode::kInvalidArgument, "ops must be ADD or MUL, got " + ops);
  }
  *out = std::make_shared<TestDelegate>("registered", std::set<std::string>{ops}, &counters);
  return Status::Ok();
}

TEST(Delegate, RegistryCreatesByNameAndNamesTheKnownOnes) {
  RegisterDelegate("test_registered", MakeTestDelegate);
  std::vector<std::string> names = RegisteredDelegates();
  EXPECT_NE(std::find(names.begin(), names.end(), "test_registered"), names.end());
  std::shared_ptr<Delegate> d;
  ASSERT_TRUE(CreateDelegate("test_registered", {{"ops", "MUL"}}, &d).ok());
  EXPECT_EQ(d->name(), "registered");
  Status s = CreateDelegate("test_registered", {{"ops", "DIV"}}, &d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = CreateDelegate("no_such_delegate", {}, &d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("test_registered"), std::string::npos) << s.message();
}

// The sample plugin (examples/delegate_plugin) through the C ABI: it takes
// the float32 same-shape ADDs and refuses the rest with its reasons.
TEST(DelegatePlugin, SampleAddPluginRunsItsAddsAndMatchesCpu) {
  auto model = [](ModelBuilder& b) {
    int x = b.AddTensor(DataType::kFloat32, {2, 3}, "x");
    int one = b.AddConstant<float>(DataType::kFloat32, {1}, {1.f}, "one");
    int a = b.AddTensor(DataType::kFloat32, {2, 3}, "a");
    int m = b.AddTensor(DataType::kFloat32, {2, 3}, "m");
    int y = b.AddTensor(DataType::kFloat32, {2, 3}, "y");
    int z = b.AddTensor(DataType::kFloat32, {2, 3}, "z");
    b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {a});    // taken
    b.AddOperator(tfl::BuiltinOperator::MUL, {a, x}, {m});    // not ADD
    b.AddOperator(tfl::BuiltinOperator::ADD, {m, a}, {y});    // taken
    b.AddOperator(tfl::BuiltinOperator::ADD, {y, one}, {z});  // broadcast: refused
    b.SetInputs({x});
    b.SetOutputs({z});
  };
  std::shared_ptr<Delegate> plugin;
  Status s = LoadDelegatePlugin(EDGEML_SAMPLE_DELEGATE, {}, &plugin);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(plugin->name(), "plugin:sample_add");
  ModelBuilder b, cb;
  model(b);
  model(cb);
  Built d, cpu;
  s = Make(b, {plugin}, &d);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(Make(cb, {}, &cpu).ok());
  const DelegationReport& r = d.interp->delegation_report();
  EXPECT_EQ(r.nodes[0].delegate, "plugin:sample_add");
  EXPECT_EQ(r.nodes[2].delegate, "plugin:sample_add");
  EXPECT_EQ(r.nodes[1].delegate, "");
  EXPECT_EQ(r.nodes[1].refusals.at(0).reason, "only ADD is supported");
  EXPECT_EQ(r.nodes[3].refusals.at(0).reason, "broadcasting is not supported");
  EXPECT_EQ(r.partitions.size(), 2u);
  std::vector<float> x = {1, 2, 3, -4, 0.5f, 6};
  auto out = RunModel(*d.interp, x);
  EXPECT_EQ(out, RunModel(*cpu.interp, x));
  EXPECT_FLOAT_EQ(out[0][1], (2 + 2) * 2 + (2 + 2) + 1);
}

TEST(DelegatePlugin, OptionsReachThePlugin) {
  std::shared_ptr<Delegate> plugin;
  ASSERT_TRUE(LoadDelegatePlugin(EDGEML_SAMPLE_DELEGATE, {{"min_elements", "100"}}, &plugin).ok());
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {4}, "x");
  int y = b.AddTensor(DataType::kFloat32, {4}, "y");
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {y});
  b.SetInputs({x});
  b.SetOutputs({y});
  Built d;
  ASSERT_TRUE(Make(b, {plugin}, &d).ok());
  EXPECT_EQ(d.interp->delegation_report().nodes[0].refusals.at(0).reason,
            "4 elements, under min_elements=100");

  Status s = LoadDelegatePlugin(EDGEML_SAMPLE_DELEGATE, {{"colour", "blue"}}, &plugin);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("unknown option 'colour'"), std::string::npos) << s.message();
}

TEST(DelegatePlugin, BadLibrariesFailClearly) {
  std::shared_ptr<Delegate> plugin;
  Status s = LoadDelegatePlugin("/nonexistent/libnothing.so", {}, &plugin);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find("/nonexistent/libnothing.so"), std::string::npos) << s.message();
  // A file that is not a shared library at all.
  s = LoadDelegatePlugin(EDGEML_TESTDATA_DIR "/models/hand_landmark_lite.tflite", {}, &plugin);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_FALSE(plugin);
}

}  // namespace
}  // namespace edgeml
