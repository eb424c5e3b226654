// Malformed-model corpus: every case is loaded, created, allocated and
// invoked, and must stop at some stage with a non-OK Status that carries a
// message, never crash, hang or trip a sanitizer. Random byte flips may also
// yield a model that still verifies; those may run to completion.
//
// Sources of cases: the real models in testdata/models (truncations,
// identifier damage, seeded byte flips), crafted graphs from ModelBuilder
// (op-level problems) and from RawModel below (index-level problems the
// builder cannot express), plus the regression inputs in
// tests/malformed/crashers/ (reproducers saved from fuzzing).
//
// Build with -DEDGEML_SANITIZE=ON to get the full value of these tests.

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "tflite_generated.h"
#include "util/model_builder.h"

// Under ASan a request for petabytes must come back as nullptr (so the
// runtime can report ResourceExhausted) rather than abort the process.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

namespace edgeml {
namespace {

using testing::ModelBuilder;
namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Hang watchdog: a case that runs longer than this is reported by name and
// the process exits (gtest has no per-test timeout of its own).

constexpr unsigned kCaseTimeoutSeconds = 120;
char g_case_label[256] = "";

void OnAlarm(int) {
  const char prefix[] = "\nmalformed_test: case hung: ";
  ssize_t ignored = write(2, prefix, sizeof(prefix) - 1);
  ignored = write(2, g_case_label, strnlen(g_case_label, sizeof(g_case_label)));
  ignored = write(2, "\n", 1);
  (void)ignored;
  _exit(3);
}

class Watchdog {
 public:
  explicit Watchdog(const std::string& label, unsigned seconds = kCaseTimeoutSeconds) {
    static const bool installed = [] {
      signal(SIGALRM, OnAlarm);
      return true;
    }();
    (void)installed;
    snprintf(g_case_label, sizeof(g_case_label), "%s", label.c_str());
    alarm(seconds);
  }
  ~Watchdog() { alarm(0); }
};

// ---------------------------------------------------------------------------
// Running one model through every stage.

enum class Stage { kLoad, kCreate, kAllocate, kInvoke, kDone };

const char* StageName(Stage s) {
  switch (s) {
    case Stage::kLoad:
      return "load";
    case Stage::kCreate:
      return "create";
    case Stage::kAllocate:
      return "allocate";
    case Stage::kInvoke:
      return "invoke";
    case Stage::kDone:
      return "done";
  }
  return "?";
}

struct Outcome {
  Stage stage = Stage::kDone;  // first stage that failed; kDone if none did
  Status status;
  bool invoke_skipped = false;  // allocated but too large to run
  std::string died;             // set when the isolated run crashed or hung
  bool ok() const { return stage == Stage::kDone && died.empty(); }
  std::string ToString() const {
    if (!died.empty()) return died;
    return std::string("stopped at ") + StageName(stage) + " with " + status.ToString();
  }
};

// Beyond this the corpus does not invoke: running a model whose flipped dims
// ask for gigabytes tests the allocator, not the runtime. (A configurable
// resource limit in the interpreter would make this unnecessary.)
constexpr size_t kMaxArenaBytes = size_t{256} << 20;

// Deterministic input data by type: small floats, small non-negative ints
// (valid as indices for most shapes), random bytes otherwise.
void FillInputs(Interpreter& interp, uint32_t seed) {
  std::mt19937 rng(seed);
  for (size_t i = 0; i < interp.inputs().size(); ++i) {
    Tensor* t = interp.input(static_cast<int>(i));
    if (t == nullptr || t->data == nullptr || t->bytes == 0) continue;
    switch (t->type) {
      case DataType::kFloat32: {
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        float* p = t->data_as<float>();
        for (size_t k = 0; k < t->bytes / sizeof(float); ++k) p[k] = dist(rng);
        break;
      }
      case DataType::kInt32: {
        int32_t* p = t->data_as<int32_t>();
        for (size_t k = 0; k < t->bytes / sizeof(int32_t); ++k) p[k] = rng() % 3;
        break;
      }
      case DataType::kInt64: {
        int64_t* p = t->data_as<int64_t>();
        for (size_t k = 0; k < t->bytes / sizeof(int64_t); ++k) p[k] = rng() % 3;
        break;
      }
      default: {
        uint8_t* p = t->data_as<uint8_t>();
        for (size_t k = 0; k < t->bytes; ++k) p[k] = static_cast<uint8_t>(rng());
        break;
      }
    }
  }
}

struct RunOptions {
  bool in_place = false;  // Model::FromBuffer on an aligned copy instead of FromBufferCopy
  // Replaces the default input filler (e.g. to put bad indices in a GATHER).
  std::function<void(Interpreter&)> fill;
  int invokes = 1;
  // InterpreterOptions::memory_limit_bytes; 0 runs without a limit.
  size_t memory_limit = size_t{1} << 30;
  unsigned timeout_seconds = kCaseTimeoutSeconds;  // watchdog for this case
};

// Bytes aligned for Model::FromBuffer (which uses them in place).
class AlignedBytes {
 public:
  explicit AlignedBytes(const std::vector<uint8_t>& bytes) : size_(bytes.size()) {
    const size_t rounded = (bytes.size() + 63) / 64 * 64;
    data_.reset(static_cast<uint8_t*>(std::aligned_alloc(64, rounded == 0 ? 64 : rounded)));
    if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
  }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_;
};

Outcome Run(const std::vector<uint8_t>& bytes, const RunOptions& opts = {}) {
  Outcome out;
  std::unique_ptr<Model> model;
  std::unique_ptr<AlignedBytes> aligned;
  if (opts.in_place) {
    aligned = std::make_unique<AlignedBytes>(bytes);
    out.status =
        Model::FromBuffer(bytes.empty() ? nullptr : aligned->data(), aligned->size(), &model);
  } else {
    out.status =
        Model::FromBufferCopy(bytes.empty() ? nullptr : bytes.data(), bytes.size(), &model);
  }
  if (!out.status.ok()) {
    out.stage = Stage::kLoad;
    return out;
  }
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  InterpreterOptions options;
  options.memory_limit_bytes = opts.memory_limit;
  out.status = Interpreter::Create(*model, resolver, options, &interp);
  if (!out.status.ok()) {
    out.stage = Stage::kCreate;
    return out;
  }
  out.status = interp->AllocateTensors();
  if (!out.status.ok()) {
    out.stage = Stage::kAllocate;
    return out;
  }
  if (interp->arena_bytes() > kMaxArenaBytes) {
    out.invoke_skipped = true;
    return out;
  }
  if (opts.fill) {
    opts.fill(*interp);
  } else {
    FillInputs(*interp, 1234);
  }
  for (int i = 0; i < opts.invokes; ++i) {
    out.status = interp->Invoke();
    if (!out.status.ok()) {
      out.stage = Stage::kInvoke;
      return out;
    }
  }
  return out;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool ContainsNoCase(std::string haystack, std::string needle) {
  auto lower = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  return Contains(lower(std::move(haystack)), lower(std::move(needle)));
}

// Runs one case in a forked child so that a crash or hang is reported
// against the case and the rest of the suite still runs. The child sends the
// outcome back through a pipe; a sanitizer report appears on stderr.
// EDGEML_MALFORMED_NO_FORK=1 runs in-process instead (for debuggers).
Outcome RunIsolated(const std::vector<uint8_t>& bytes, const RunOptions& opts) {
  if (std::getenv("EDGEML_MALFORMED_NO_FORK") != nullptr) return Run(bytes, opts);
  int fds[2];
  if (pipe(fds) != 0) return Run(bytes, opts);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Run(bytes, opts);
  }
  if (pid == 0) {
    close(fds[0]);
    Outcome o = Run(bytes, opts);
    std::string record(12, '\0');
    const int32_t header[3] = {static_cast<int32_t>(o.stage), static_cast<int32_t>(o.status.code()),
                               o.invoke_skipped ? 1 : 0};
    std::memcpy(&record[0], header, sizeof(header));
    record += o.status.message();
    size_t done = 0;
    while (done < record.size()) {
      const ssize_t n = write(fds[1], record.data() + done, record.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string record;
  bool hung = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(opts.timeout_seconds);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      hung = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000))) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;  // EOF: the child is done
    record.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  Outcome o;
  int status = 0;
  if (hung) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    o.died = "hung: killed after " + std::to_string(opts.timeout_seconds) + " s";
    return o;
  }
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    o.died = "crashed: killed by signal " + std::to_string(WTERMSIG(status));
  } else if (WEXITSTATUS(status) != 0) {
    o.died = "crashed: exit status " + std::to_string(WEXITSTATUS(status)) +
             " (see the sanitizer report above)";
  } else if (record.size() < 12) {
    o.died = "crashed: no result from the child";
  } else {
    int32_t header[3];
    std::memcpy(header, record.data(), sizeof(header));
    o.stage = static_cast<Stage>(header[0]);
    if (o.stage != Stage::kDone) {
      o.status = Status(static_cast<StatusCode>(header[1]), record.substr(12));
    }
    o.invoke_skipped = header[2] != 0;
  }
  return o;
}

// Runs `bytes` both through FromBufferCopy and in place; the two must agree
// on the stage. Returns the outcome of the copy.
Outcome RunBoth(const std::string& label, const std::vector<uint8_t>& bytes, RunOptions opts = {}) {
  // Backstop for the parent itself (e.g. a stuck waitpid); each child has
  // its own deadline.
  Watchdog dog(label, 3 * opts.timeout_seconds);
  opts.in_place = false;
  Outcome copy = RunIsolated(bytes, opts);
  Outcome in_place;
  if (copy.died.empty()) {
    opts.in_place = true;
    in_place = RunIsolated(bytes, opts);
  }
  if (!copy.died.empty() || !in_place.died.empty()) {
    ADD_FAILURE() << label << ": "
                  << (copy.died.empty() ? "in place: " + in_place.died : copy.died);
    if (copy.died.empty()) copy.died = in_place.died;
    return copy;
  }
  EXPECT_EQ(copy.stage, in_place.stage)
      << label << ": copy " << copy.ToString() << " / in place " << in_place.ToString();
  if (std::getenv("EDGEML_MALFORMED_VERBOSE") != nullptr) {
    std::printf("[ case ] %s: %s\n", label.c_str(), copy.ok() ? "runs" : copy.ToString().c_str());
  }
  return copy;
}

// The case must fail at some stage, with a message.
Outcome ExpectRejected(const std::string& label, const std::vector<uint8_t>& bytes,
                       RunOptions opts = {}) {
  Outcome o = RunBoth(label, bytes, std::move(opts));
  EXPECT_FALSE(o.ok()) << label << ": a malformed model was accepted"
                       << (o.invoke_skipped ? " (invoke skipped: arena too large)" : "");
  if (!o.ok() && o.died.empty()) {
    EXPECT_FALSE(o.status.message().empty()) << label << ": empty error message";
  }
  return o;
}

// The case may succeed or fail, but a failure must carry a message.
Outcome ExpectNoCrash(const std::string& label, const std::vector<uint8_t>& bytes,
                      RunOptions opts = {}) {
  Outcome o = RunBoth(label, bytes, std::move(opts));
  if (!o.ok() && o.died.empty()) {
    EXPECT_FALSE(o.status.message().empty()) << label << ": empty error message";
  }
  return o;
}

// For ops written concurrently by others: an unregistered op fails at
// Create with Unsupported naming it; once the op exists the failure must
// come from its own checks and mention `problem` (case-insensitive).
void ExpectOpCheck(const Outcome& o, const std::string& label, const std::string& op,
                   const std::string& problem) {
  if (o.ok() || !o.died.empty()) return;  // already reported
  EXPECT_TRUE(Contains(o.status.message(), op)) << label << ": " << o.ToString();
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) return;
  if (!problem.empty()) {
    EXPECT_TRUE(ContainsNoCase(o.status.message(), problem))
        << label << ": message should mention '" << problem << "': " << o.ToString();
  }
}

// ---------------------------------------------------------------------------
// RawModel: a plain description of a .tflite model serialized with the
// generated code, with nothing checked, so that any index or field can be
// set to a bad value.

using OptionsFn = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;

using SparsityFn =
    std::function<flatbuffers::Offset<tfl::SparsityParameters>(flatbuffers::FlatBufferBuilder&)>;

struct RawTensor {
  RawTensor(tfl::TensorType t, std::vector<int32_t> dims, uint32_t buf, std::string n,
            SparsityFn sp = nullptr)
      : type(t), shape(std::move(dims)), buffer(buf), name(std::move(n)), sparsity(std::move(sp)) {}
  tfl::TensorType type = tfl::TensorType::FLOAT32;
  std::vector<int32_t> shape;
  uint32_t buffer = 0;
  std::string name;
  SparsityFn sparsity = nullptr;
};

struct RawOp {
  RawOp(uint32_t opcode, std::vector<int32_t> in, std::vector<int32_t> out,
        tfl::BuiltinOptions type = tfl::BuiltinOptions::NONE, OptionsFn fn = nullptr)
      : opcode_index(opcode),
        inputs(std::move(in)),
        outputs(std::move(out)),
        options_type(type),
        options(std::move(fn)) {}
  uint32_t opcode_index = 0;
  std::vector<int32_t> inputs, outputs;
  bool omit_inputs = false;  // leave the inputs vector out entirely
  tfl::BuiltinOptions options_type = tfl::BuiltinOptions::NONE;
  OptionsFn options;
};

struct RawCode {
  explicit RawCode(int32_t code, int32_t deprecated_code = -1)
      : builtin(code), deprecated(deprecated_code) {}
  int32_t builtin = 0;
  int32_t deprecated = -1;  // -1: derived from builtin as the converter does
  std::string custom;
  int32_t version = 1;
};

struct RawSubgraph {
  std::vector<RawTensor> tensors;
  std::vector<int32_t> inputs, outputs;
  std::vector<RawOp> ops;
};

struct RawBuffer {
  std::vector<uint8_t> data;
  uint64_t offset = 0, size = 0;  // external data (models over 2 GB)
};

struct RawSignature {
  std::string key = "serving_default";
  uint32_t subgraph = 0;
  std::vector<std::pair<std::string, uint32_t>> inputs, outputs;
};

struct RawModel {
  uint32_t version = 3;
  std::vector<RawCode> codes;
  std::vector<RawSubgraph> subgraphs;
  std::vector<RawBuffer> buffers{RawBuffer{}};  // buffer 0: the empty sentinel
  std::vector<RawSignature> signatures;

  uint32_t AddBuffer(std::vector<uint8_t> data) {
    buffers.push_back(RawBuffer{std::move(data), 0, 0});
    return static_cast<uint32_t>(buffers.size() - 1);
  }

  std::vector<uint8_t> Serialize() const {
    flatbuffers::FlatBufferBuilder fbb;
    std::vector<flatbuffers::Offset<tfl::Buffer>> fb_buffers;
    for (const RawBuffer& b : buffers) {
      flatbuffers::Offset<flatbuffers::Vector<uint8_t>> data = 0;
      if (!b.data.empty()) {
        fbb.ForceVectorAlignment(b.data.size(), sizeof(uint8_t), 16);
        data = fbb.CreateVector(b.data);
      }
      fb_buffers.push_back(tfl::CreateBuffer(fbb, data, b.offset, b.size));
    }
    std::vector<flatbuffers::Offset<tfl::OperatorCode>> fb_codes;
    for (const RawCode& c : codes) {
      const int8_t dep =
          static_cast<int8_t>(c.deprecated >= 0 ? c.deprecated : std::min(c.builtin, 127));
      fb_codes.push_back(
          tfl::CreateOperatorCode(fbb, dep, c.custom.empty() ? 0 : fbb.CreateString(c.custom),
                                  c.version, static_cast<tfl::BuiltinOperator>(c.builtin)));
    }
    std::vector<flatbuffers::Offset<tfl::SubGraph>> fb_subgraphs;
    for (const RawSubgraph& sg : subgraphs) {
      std::vector<flatbuffers::Offset<tfl::Tensor>> tensors;
      for (const RawTensor& t : sg.tensors) {
        auto sparsity = t.sparsity ? t.sparsity(fbb) : 0;
        tensors.push_back(tfl::CreateTensor(fbb, fbb.CreateVector(t.shape), t.type, t.buffer,
                                            t.name.empty() ? 0 : fbb.CreateString(t.name), 0, false,
                                            sparsity));
      }
      std::vector<flatbuffers::Offset<tfl::Operator>> ops;
      for (const RawOp& op : sg.ops) {
        auto inputs = op.omit_inputs ? 0 : fbb.CreateVector(op.inputs);
        auto outputs = fbb.CreateVector(op.outputs);
        flatbuffers::Offset<void> options = op.options ? op.options(fbb) : 0;
        ops.push_back(
            tfl::CreateOperator(fbb, op.opcode_index, inputs, outputs, op.options_type, options));
      }
      fb_subgraphs.push_back(
          tfl::CreateSubGraph(fbb, fbb.CreateVector(tensors), fbb.CreateVector(sg.inputs),
                              fbb.CreateVector(sg.outputs), fbb.CreateVector(ops)));
    }
    std::vector<flatbuffers::Offset<tfl::SignatureDef>> sigs;
    for (const RawSignature& s : signatures) {
      auto maps = [&fbb](const std::vector<std::pair<std::string, uint32_t>>& m) {
        std::vector<flatbuffers::Offset<tfl::TensorMap>> v;
        for (const auto& [name, index] : m) {
          v.push_back(tfl::CreateTensorMap(fbb, fbb.CreateString(name), index));
        }
        return fbb.CreateVector(v);
      };
      auto in = maps(s.inputs);
      auto out = maps(s.outputs);
      sigs.push_back(tfl::CreateSignatureDef(fbb, in, out, fbb.CreateString(s.key), s.subgraph));
    }
    auto root = tfl::CreateModel(fbb, version, fbb.CreateVector(fb_codes),
                                 fbb.CreateVector(fb_subgraphs), fbb.CreateString("malformed"),
                                 fbb.CreateVector(fb_buffers), 0, 0, fbb.CreateVector(sigs));
    tfl::FinishModelBuffer(fbb, root);
    return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  }
};

std::vector<uint8_t> FloatBytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(float));
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

constexpr int32_t kAdd = static_cast<int32_t>(tfl::BuiltinOperator::ADD);

// A valid base: out[1,4] = in[1,4] + const[1,4], with unused filler tensors
// up to index 12 so that crafted tensors get distinctive indices (13, 14)
// that an error message can be checked for.
RawModel BaseAddModel() {
  RawModel m;
  m.codes.push_back(RawCode{kAdd});
  RawSubgraph sg;
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1, 4}, 0, "in"});
  const uint32_t b = m.AddBuffer(FloatBytes({1, 2, 3, 4}));
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1, 4}, b, "const"});
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1, 4}, 0, "out"});
  while (sg.tensors.size() < 13) {
    sg.tensors.push_back(RawTensor{
        tfl::TensorType::FLOAT32, {1, 4}, 0, "unused" + std::to_string(sg.tensors.size())});
  }
  sg.inputs = {0};
  sg.outputs = {2};
  sg.ops.push_back(RawOp{0, {0, 1}, {2}});
  m.subgraphs.push_back(std::move(sg));
  m.signatures.push_back(RawSignature{"serving_default", 0, {{"in", 0}}, {{"out", 2}}});
  return m;
}

// Adds a plain float tensor [1,4] and returns its index.
int32_t AddPlainTensor(RawSubgraph& sg, const std::string& name) {
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1, 4}, 0, name});
  return static_cast<int32_t>(sg.tensors.size() - 1);
}

TEST(Crafted, BaselineAddModelRuns) {
  Outcome o = RunBoth("baseline", BaseAddModel().Serialize());
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) {
    GTEST_SKIP() << "ADD not registered yet: " << o.status.ToString();
  }
  ASSERT_TRUE(o.ok()) << o.ToString();
  // The baseline must really compute: check the sum once.
  std::vector<uint8_t> bytes = BaseAddModel().Serialize();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok());
  ASSERT_TRUE(interp->AllocateTensors().ok());
  const float in[4] = {10, 20, 30, 40};
  std::memcpy(interp->input(0)->data, in, sizeof(in));
  ASSERT_TRUE(interp->Invoke().ok());
  const float* y = interp->output(0)->data_as<float>();
  EXPECT_EQ(y[0], 11.0f);
  EXPECT_EQ(y[3], 44.0f);
}

// Index-level damage must be caught when the model is loaded, with the bad
// value in the message.
void ExpectLoadError(const std::string& label, const RawModel& m, const std::string& value) {
  Outcome o = ExpectRejected(label, m.Serialize());
  EXPECT_EQ(o.stage, Stage::kLoad) << label << ": " << o.ToString();
  if (!value.empty()) {
    EXPECT_TRUE(Contains(o.status.message(), value))
        << label << ": message should name " << value << ": " << o.ToString();
  }
}

TEST(Crafted, OperatorInputTensorIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].inputs = {0, 1234};
  ExpectLoadError("op input 1234", m, "1234");
}

TEST(Crafted, OperatorInputNegativeIndex) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].inputs = {0, -2};
  ExpectLoadError("op input -2", m, "-2");
}

TEST(Crafted, OperatorInputIntMin) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].inputs = {0, std::numeric_limits<int32_t>::min()};
  ExpectLoadError("op input INT_MIN", m, "");
}

TEST(Crafted, OperatorOutputTensorIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].outputs = {1234};
  ExpectLoadError("op output 1234", m, "1234");
}

TEST(Crafted, OperatorOutputOmitted) {
  // -1 marks an omitted optional *input*; an output can't be omitted.
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].outputs = {-1};
  ExpectNoCrash("op output -1", m.Serialize());
}

TEST(Crafted, SubgraphInputIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].inputs = {1234};
  ExpectLoadError("subgraph input 1234", m, "1234");
}

TEST(Crafted, SubgraphOutputIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].outputs = {1234};
  ExpectLoadError("subgraph output 1234", m, "1234");
}

TEST(Crafted, SubgraphNegativeInput) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].inputs = {-7};
  ExpectLoadError("subgraph input -7", m, "-7");
}

TEST(Crafted, BufferIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[1].buffer = 999;
  ExpectLoadError("buffer 999", m, "999");
}

TEST(Crafted, OpcodeIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].opcode_index = 77;
  ExpectLoadError("opcode index 77", m, "77");
}

TEST(Crafted, NoOperatorCodes) {
  RawModel m = BaseAddModel();
  m.codes.clear();
  ExpectLoadError("no operator codes", m, "");
}

TEST(Crafted, SignatureSubgraphIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.signatures[0].subgraph = 5;
  ExpectLoadError("signature subgraph 5", m, "5");
}

TEST(Crafted, SignatureTensorIndexOutOfRange) {
  RawModel m = BaseAddModel();
  m.signatures[0].outputs = {{"out", 4321}};
  ExpectLoadError("signature tensor 4321", m, "4321");
}

TEST(Crafted, UnusedSecondSubgraphWithBadIndices) {
  // Verification covers every subgraph, not only the one that runs.
  RawModel m = BaseAddModel();
  RawSubgraph bad;
  bad.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1}, 0, "x"});
  bad.inputs = {0};
  bad.outputs = {5555};
  bad.ops.push_back(RawOp{0, {0, 5555}, {5555}});
  m.subgraphs.push_back(bad);
  ExpectLoadError("second subgraph 5555", m, "5555");
}

TEST(Crafted, NoSubgraphs) {
  RawModel m = BaseAddModel();
  m.subgraphs.clear();
  m.signatures.clear();
  ExpectRejected("no subgraphs", m.Serialize());
}

TEST(Crafted, NegativeDim) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[0].shape = {1, -4};
  ExpectLoadError("negative dim", m, "-4");
}

TEST(Crafted, NegativeDimOnConstant) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[1].shape = {-1, -4};
  ExpectLoadError("negative dim on constant", m, "");
}

TEST(Crafted, DimsProductOverflowsInt64) {
  RawModel m = BaseAddModel();
  const int32_t big = std::numeric_limits<int32_t>::max();
  m.subgraphs[0].tensors[2].shape = {big, big, big};
  ExpectLoadError("dims overflow int64", m, "");
}

TEST(Crafted, DimsBytesOverflowInt64) {
  // The element count fits in int64 (2^62) but not count * sizeof(float).
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[2].shape = {1 << 30, 1 << 30, 4};
  ExpectLoadError("bytes overflow int64", m, "");
}

TEST(Crafted, HugeTensorThatFitsInt64) {
  // out = in + in with 2^50 floats each (4 PiB): no overflow, but no machine
  // can allocate it. Must fail before Invoke (ResourceExhausted or
  // InvalidModel), not abort or throw.
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[0].shape = {1 << 25, 1 << 25};
  m.subgraphs[0].tensors[2].shape = {1 << 25, 1 << 25};
  m.subgraphs[0].ops[0].inputs = {0, 0};
  RunOptions unlimited;
  unlimited.memory_limit = 0;
  Outcome o = ExpectRejected("4 PiB tensors", m.Serialize(), unlimited);
  EXPECT_EQ(o.stage, Stage::kAllocate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted) << o.ToString();
  // With a limit, the same model is refused before anything is allocated.
  o = ExpectRejected("4 PiB tensors, limit 1 GiB", m.Serialize());
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted) << o.ToString();
}

TEST(Crafted, MemoryLimitIsEnforced) {
  // 2 x 16 MiB of float tensors under a 1 MiB limit.
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[0].shape = {1024, 4096};
  m.subgraphs[0].tensors[2].shape = {1024, 4096};
  m.subgraphs[0].ops[0].inputs = {0, 0};
  RunOptions small;
  small.memory_limit = size_t{1} << 20;
  Outcome o = ExpectRejected("32 MiB under a 1 MiB limit", m.Serialize(), small);
  EXPECT_EQ(o.stage, Stage::kAllocate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kResourceExhausted) << o.ToString();
  // And the same model runs without the limit.
  RunOptions unlimited;
  unlimited.memory_limit = 0;
  EXPECT_TRUE(RunBoth("32 MiB without a limit", m.Serialize(), unlimited).ok());
}

TEST(Crafted, HugeIntermediateFromPad) {
  // Declared shapes are small; PAD computes [2^30+1, 2^30+2] floats (4 EiB)
  // at prepare, so the planner, not the loader, has to refuse it.
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 2});
  const int32_t p = 1 << 29;
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {2, 2}, {p, p, p, p});
  int out = b.AddTensor(DataType::kFloat32, {1, 2});
  b.AddOperator(tfl::BuiltinOperator::PAD, {in, pads}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("PAD to 4 EiB", b.Finish());
  EXPECT_NE(o.stage, Stage::kInvoke) << o.ToString();
}

TEST(Crafted, ConstantBufferShorterThanShape) {
  RawModel m = BaseAddModel();
  m.buffers[m.subgraphs[0].tensors[1].buffer].data = FloatBytes({1, 2});  // 8 of 16 bytes
  ExpectLoadError("short constant", m, "");
}

TEST(Crafted, ConstantBufferOneByteShort) {
  RawModel m = BaseAddModel();
  std::vector<uint8_t> data = FloatBytes({1, 2, 3, 4});
  data.pop_back();
  m.buffers[m.subgraphs[0].tensors[1].buffer].data = data;
  ExpectLoadError("constant one byte short", m, "");
}

TEST(Crafted, ExternalBufferOutsideFile) {
  // offset/size buffers (models over 2 GB) must lie inside the file.
  RawModel m = BaseAddModel();
  RawBuffer& b = m.buffers[m.subgraphs[0].tensors[1].buffer];
  b.data.clear();
  b.offset = uint64_t{1} << 40;
  b.size = 16;
  ExpectRejected("external buffer past end", m.Serialize());
}

TEST(Crafted, ExternalBufferSizeOverflow) {
  RawModel m = BaseAddModel();
  RawBuffer& b = m.buffers[m.subgraphs[0].tensors[1].buffer];
  b.data.clear();
  b.offset = 64;
  b.size = std::numeric_limits<uint64_t>::max() - 32;  // offset + size wraps
  ExpectRejected("external buffer size wraps", m.Serialize());
}

TEST(Crafted, UnknownTensorType) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[0].type = static_cast<tfl::TensorType>(99);
  ExpectRejected("tensor type 99", m.Serialize());
}

TEST(Crafted, StringTensorIntoAdd) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].tensors[0].type = tfl::TensorType::STRING;
  ExpectRejected("string tensor", m.Serialize());
}

TEST(Crafted, UnknownBuiltinCode) {
  RawModel m = BaseAddModel();
  m.codes[0] = RawCode{999, 127};
  Outcome o = ExpectRejected("builtin 999", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke);
  EXPECT_TRUE(Contains(o.status.message(), "999")) << o.ToString();
}

TEST(Crafted, NegativeBuiltinCode) {
  RawModel m = BaseAddModel();
  m.codes[0] = RawCode{-5, 0};
  // max(deprecated 0, builtin -5) = ADD: a converter quirk LiteRT accepts. Either way, no crash.
  ExpectNoCrash("builtin -5", m.Serialize());
}

TEST(Crafted, DeprecatedCodeDisagrees) {
  // Effective code is max(deprecated, builtin) = LSTM here.
  RawModel m = BaseAddModel();
  m.codes[0] = RawCode{static_cast<int32_t>(tfl::BuiltinOperator::LSTM), 0};
  Outcome o = ExpectRejected("deprecated ADD, builtin LSTM", m.Serialize());
  EXPECT_TRUE(Contains(o.status.message(), "LSTM")) << o.ToString();
}

TEST(Crafted, CustomCodeWithoutName) {
  RawModel m = BaseAddModel();
  m.codes[0] = RawCode{static_cast<int32_t>(tfl::BuiltinOperator::CUSTOM)};
  Outcome o = ExpectRejected("custom without name", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke);
}

TEST(Crafted, OperatorWithoutInputsVector) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].omit_inputs = true;
  Outcome o = ExpectRejected("ADD without inputs", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke);
}

TEST(Crafted, OperatorWritesConstantTensor) {
  RawModel m = BaseAddModel();
  RawSubgraph& sg = m.subgraphs[0];
  const uint32_t b = m.AddBuffer(FloatBytes({0, 0, 0, 0}));
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {1, 4}, b, "written_const"});  // 13
  sg.ops[0].outputs = {13};
  sg.outputs = {13};
  m.signatures[0].outputs = {{"out", 13}};
  Outcome o = ExpectRejected("op writes constant 13", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke) << "must be caught before running: " << o.ToString();
  EXPECT_TRUE(Contains(o.status.message(), "13")) << o.ToString();
}

TEST(Crafted, OperatorWritesGraphInput) {
  // Writing the caller's input buffer: LiteRT allows it in principle, but it
  // must not crash either way.
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0].outputs = {0};
  m.subgraphs[0].outputs = {0};
  ExpectNoCrash("op writes graph input", m.Serialize());
}

// LiteRT rejects a node input that has no data ("Input tensor N lacks data",
// the fix for CVE-2020-15209/GHSA-qh32-6jjc-qprm); it does not zero-fill.
// edgeml must fail too, naming the tensor, at any stage.
TEST(Crafted, OperatorReadsTensorNobodyProduces) {
  RawModel m = BaseAddModel();
  RawSubgraph& sg = m.subgraphs[0];
  const int32_t orphan = AddPlainTensor(sg, "orphan");  // 13
  sg.ops[0].inputs = {0, orphan};
  Outcome o = ExpectRejected("reads orphan 13", m.Serialize());
  EXPECT_TRUE(Contains(o.status.message(), "13")) << o.ToString();
}

TEST(Crafted, UseBeforeDefinition) {
  // op0 reads t14, which only op1 produces.
  RawModel m = BaseAddModel();
  RawSubgraph& sg = m.subgraphs[0];
  const int32_t t13 = AddPlainTensor(sg, "t13");
  const int32_t t14 = AddPlainTensor(sg, "t14");
  sg.ops = {RawOp{0, {0, t14}, {t13}}, RawOp{0, {0, 1}, {t14}}};
  sg.outputs = {t13};
  m.signatures[0].outputs = {{"out", static_cast<uint32_t>(t13)}};
  Outcome o = ExpectRejected("use before definition", m.Serialize());
  EXPECT_TRUE(Contains(o.status.message(), "14")) << o.ToString();
}

TEST(Crafted, Cycle) {
  RawModel m = BaseAddModel();
  RawSubgraph& sg = m.subgraphs[0];
  const int32_t t13 = AddPlainTensor(sg, "t13");
  const int32_t t14 = AddPlainTensor(sg, "t14");
  sg.ops = {RawOp{0, {0, t14}, {t13}}, RawOp{0, {t13, 0}, {t14}}};
  sg.outputs = {t14};
  m.signatures[0].outputs = {{"out", static_cast<uint32_t>(t14)}};
  ExpectRejected("cycle", m.Serialize());
}

TEST(Crafted, SelfLoopOperator) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops[0] = RawOp{0, {0, 2}, {2}};
  ExpectRejected("op reads its own output", m.Serialize());
}

TEST(Crafted, TwoProducersOfOneTensor) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops.push_back(RawOp{0, {0, 0}, {2}});
  ExpectNoCrash("two producers", m.Serialize());
}

TEST(Crafted, GraphOutputNeverProduced) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].outputs = {2, 12};
  ExpectNoCrash("output never produced", m.Serialize());
}

TEST(Crafted, PassThroughWithoutOperators) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].ops.clear();
  m.subgraphs[0].outputs = {0};
  ExpectNoCrash("no operators", m.Serialize());
}

TEST(Crafted, ConstantAsGraphInput) {
  RawModel m = BaseAddModel();
  m.subgraphs[0].inputs = {1};
  ExpectNoCrash("constant as input", m.Serialize());
}

// Subgraph recursion (the reference runtime's advisory class: a stack
// overflow through CALL/WHILE/IF) must be refused at Create, with a message
// saying the call graph is recursive, before anything runs.
void ExpectRecursionRefused(const Outcome& o) {
  EXPECT_EQ(o.stage, Stage::kCreate) << o.ToString();
  EXPECT_TRUE(ContainsNoCase(o.status.message(), "recursive")) << o.ToString();
}

TEST(Crafted, SubgraphRefersToItselfViaCall) {
  RawModel m = BaseAddModel();
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::CALL)});
  RawOp call{
      1, {0}, {2}, tfl::BuiltinOptions::CallOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
        return tfl::CreateCallOptions(fbb, 0u).Union();
      }};
  m.subgraphs[0].ops = {call};
  // CALL (deprecated) has no kernel in edgeml, as in LiteRT's builtin
  // resolver: the model is refused at Create, naming the op, before any
  // subgraph could run.
  Outcome o = ExpectRejected("CALL subgraph 0 from subgraph 0", m.Serialize());
  EXPECT_EQ(o.stage, Stage::kCreate) << o.ToString();
  EXPECT_TRUE(ContainsNoCase(o.status.message(), "CALL")) << o.ToString();
}

TEST(Crafted, WhileBodyIsItsOwnSubgraph) {
  RawModel m = BaseAddModel();
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::WHILE)});
  RawOp loop{
      1, {0}, {2}, tfl::BuiltinOptions::WhileOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
        return tfl::CreateWhileOptions(fbb, int32_t{0}, int32_t{0}).Union();
      }};
  m.subgraphs[0].ops = {loop};
  Outcome o = ExpectRejected("WHILE cond/body 0 inside subgraph 0", m.Serialize());
  ExpectRecursionRefused(o);
}

TEST(Crafted, IfBranchesOutOfRange) {
  RawModel m = BaseAddModel();
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::IF)});
  RawOp branch{
      1, {0, 0}, {2}, tfl::BuiltinOptions::IfOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
        return tfl::CreateIfOptions(fbb, 9, -3).Union();
      }};
  m.subgraphs[0].ops = {branch};
  Outcome o = ExpectRejected("IF subgraphs 9/-3", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke) << o.ToString();
}

TEST(Crafted, MutualSubgraphRecursion) {
  // Subgraph 0 calls 1, subgraph 1 calls 0 (through WHILE).
  RawModel m = BaseAddModel();
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::WHILE)});
  // A WHILE whose cond and body are `target` calls that subgraph.
  auto call_to = [](int32_t target) {
    return RawOp{1,
                 {0},
                 {2},
                 tfl::BuiltinOptions::WhileOptions,
                 [target](flatbuffers::FlatBufferBuilder& fbb) {
                   return tfl::CreateWhileOptions(fbb, target, target).Union();
                 }};
  };
  m.subgraphs[0].ops = {call_to(1)};
  RawSubgraph second = m.subgraphs[0];
  second.ops = {call_to(0)};
  m.subgraphs.push_back(second);
  Outcome o = ExpectRejected("WHILE 0 -> 1 -> 0", m.Serialize());
  ExpectRecursionRefused(o);
}

TEST(Crafted, SubgraphRecursionThroughThreeLevelsAndIf) {
  // 0 calls 1 (WHILE), 1 IFs into 2 (else 2), 2 calls 1 (WHILE): the cycle
  // 1 -> 2 -> 1 does not pass through the primary subgraph.
  RawModel m = BaseAddModel();
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::WHILE)});
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::IF)});
  // A WHILE whose cond and body are `target` calls that subgraph.
  auto call_to = [](int32_t target) {
    return RawOp{1,
                 {0},
                 {2},
                 tfl::BuiltinOptions::WhileOptions,
                 [target](flatbuffers::FlatBufferBuilder& fbb) {
                   return tfl::CreateWhileOptions(fbb, target, target).Union();
                 }};
  };
  RawOp branch{
      2, {0, 0}, {2}, tfl::BuiltinOptions::IfOptions, [](flatbuffers::FlatBufferBuilder& fbb) {
        return tfl::CreateIfOptions(fbb, 2, 2).Union();
      }};
  RawSubgraph base = m.subgraphs[0];
  m.subgraphs[0].ops = {call_to(1)};
  RawSubgraph second = base;
  second.ops = {branch};
  RawSubgraph third = base;
  third.ops = {call_to(1)};
  m.subgraphs.push_back(second);
  m.subgraphs.push_back(third);
  Outcome o = ExpectRejected("WHILE 0 -> 1, IF 1 -> 2, WHILE 2 -> 1", m.Serialize());
  ExpectRecursionRefused(o);
}

// ---------------------------------------------------------------------------
// Sparse constants: the loader cannot size-check their buffers (the values
// are compressed), so DENSIFY must validate the metadata and no other op may
// read a sparse tensor as if it were dense.

struct SparseLevel {
  bool sparse = false;
  int dense_size = 0;
  std::vector<int32_t> segments, indices;
  bool omit_indices = false;
};

struct SparseSpec {
  std::vector<int32_t> traversal{0, 1};
  std::vector<int32_t> block_map;
  std::vector<SparseLevel> levels;
};

SparsityFn MakeSparsity(SparseSpec spec) {
  return [spec](flatbuffers::FlatBufferBuilder& fbb) {
    std::vector<flatbuffers::Offset<tfl::DimensionMetadata>> dims;
    for (const SparseLevel& l : spec.levels) {
      if (!l.sparse) {
        dims.push_back(tfl::CreateDimensionMetadata(fbb, tfl::DimensionType::DENSE, l.dense_size));
        continue;
      }
      auto seg = tfl::CreateInt32Vector(fbb, fbb.CreateVector(l.segments));
      flatbuffers::Offset<void> idx = 0;
      if (!l.omit_indices) idx = tfl::CreateInt32Vector(fbb, fbb.CreateVector(l.indices)).Union();
      dims.push_back(tfl::CreateDimensionMetadata(
          fbb, tfl::DimensionType::SPARSE_CSR, 0, tfl::SparseIndexVector::Int32Vector, seg.Union(),
          l.omit_indices ? tfl::SparseIndexVector::NONE : tfl::SparseIndexVector::Int32Vector,
          idx));
    }
    return tfl::CreateSparsityParameters(
        fbb, fbb.CreateVector(spec.traversal),
        spec.block_map.empty() ? 0 : fbb.CreateVector(spec.block_map), fbb.CreateVector(dims));
  };
}

// dense [2,3] = [[0,0,5],[6,7,0]]: row 0 holds column 2, row 1 columns 0 and 1.
SparseSpec GoodSpec() {
  SparseSpec s;
  s.levels = {SparseLevel{false, 2, {}, {}, false},
              SparseLevel{true, 0, {0, 1, 3}, {2, 0, 1}, false}};
  return s;
}

// out[2,3] = in[2,3] + DENSIFY(sparse const).
RawModel DensifyModel(const SparseSpec& spec, std::vector<float> values = {5, 6, 7}) {
  RawModel m;
  m.codes.push_back(RawCode{static_cast<int32_t>(tfl::BuiltinOperator::DENSIFY)});
  m.codes.push_back(RawCode{kAdd});
  RawSubgraph sg;
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {2, 3}, 0, "in"});
  const uint32_t b = m.AddBuffer(FloatBytes(values));
  sg.tensors.push_back(
      RawTensor{tfl::TensorType::FLOAT32, {2, 3}, b, "sparse", MakeSparsity(spec)});
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {2, 3}, 0, "dense"});
  sg.tensors.push_back(RawTensor{tfl::TensorType::FLOAT32, {2, 3}, 0, "out"});
  sg.inputs = {0};
  sg.outputs = {3};
  sg.ops.push_back(RawOp{0, {1}, {2}});
  sg.ops.push_back(RawOp{1, {0, 2}, {3}});
  m.subgraphs.push_back(std::move(sg));
  return m;
}

TEST(Sparse, DensifyBaselineComputes) {
  std::vector<uint8_t> bytes = DensifyModel(GoodSpec()).Serialize();
  Outcome o = RunBoth("densify baseline", bytes);
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) {
    GTEST_SKIP() << o.ToString();
  }
  ASSERT_TRUE(o.ok()) << o.ToString();
  std::unique_ptr<Model> model;
  ASSERT_TRUE(Model::FromBufferCopy(bytes.data(), bytes.size(), &model).ok());
  BuiltinOpResolver resolver;
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, {}, &interp).ok());
  ASSERT_TRUE(interp->AllocateTensors().ok());
  std::memset(interp->input(0)->data, 0, interp->input(0)->bytes);
  ASSERT_TRUE(interp->Invoke().ok());
  const float* y = interp->output(0)->data_as<float>();
  const float want[6] = {0, 0, 5, 6, 7, 0};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], want[i]) << i;
}

void ExpectDensifyRejects(const std::string& label, const RawModel& m) {
  Outcome o = ExpectRejected(label, m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke) << label << ": " << o.ToString();
}

TEST(Sparse, DensifyIndexOutOfRange) {
  SparseSpec s = GoodSpec();
  s.levels[1].indices = {2, 0, 3};
  ExpectDensifyRejects("densify index 3 of 3", DensifyModel(s));
  s.levels[1].indices = {2, 0, -1};
  ExpectDensifyRejects("densify index -1", DensifyModel(s));
}

TEST(Sparse, DensifyBadSegments) {
  SparseSpec s = GoodSpec();
  s.levels[1].segments = {0, 3, 1};  // decreasing
  ExpectDensifyRejects("densify segments decrease", DensifyModel(s));
  s.levels[1].segments = {1, 2, 3};  // must start at 0
  ExpectDensifyRejects("densify segments start at 1", DensifyModel(s));
  s.levels[1].segments = {0, 3};  // one row pointer short
  ExpectDensifyRejects("densify segments too short", DensifyModel(s));
  s.levels[1].segments = {0, 1, std::numeric_limits<int32_t>::max()};
  ExpectDensifyRejects("densify segment INT_MAX", DensifyModel(s));
  s.levels[1].segments = {0, 4, 8};  // more entries in a row than columns
  s.levels[1].indices = {0, 1, 2, 0, 0, 1, 2, 0};
  ExpectDensifyRejects("densify row with 4 of 3 columns", DensifyModel(s, std::vector<float>(8)));
}

TEST(Sparse, DensifyMissingIndices) {
  SparseSpec s = GoodSpec();
  s.levels[1].omit_indices = true;
  ExpectDensifyRejects("densify without array_indices", DensifyModel(s));
}

TEST(Sparse, DensifyFewerValuesThanDescribed) {
  ExpectDensifyRejects("densify 2 values for 3", DensifyModel(GoodSpec(), {5, 6}));
}

TEST(Sparse, DensifyBadTraversalOrder) {
  SparseSpec s = GoodSpec();
  s.traversal = {0, 0};
  ExpectDensifyRejects("densify traversal [0,0]", DensifyModel(s));
  s.traversal = {5, 1};
  ExpectDensifyRejects("densify traversal [5,1]", DensifyModel(s));
  s.traversal = {0};
  ExpectDensifyRejects("densify traversal of 1 entry", DensifyModel(s));
}

TEST(Sparse, DensifyDenseSizeMismatch) {
  SparseSpec s = GoodSpec();
  s.levels[0].dense_size = 3;
  ExpectDensifyRejects("densify dense_size 3 for dim 2", DensifyModel(s));
  s.levels[0].dense_size = -1;
  ExpectDensifyRejects("densify dense_size -1", DensifyModel(s));
}

TEST(Sparse, DensifyBadBlockMap) {
  // A 2x2 ... block on a [2,3] tensor: 3 is not divisible by 2.
  SparseSpec s;
  s.traversal = {0, 1, 2};
  s.block_map = {1};
  s.levels = {SparseLevel{false, 2, {}, {}, false}, SparseLevel{false, 1, {}, {}, false},
              SparseLevel{false, 2, {}, {}, false}};
  ExpectDensifyRejects("densify block 2 on dim of 3", DensifyModel(s, std::vector<float>(6)));
  s.block_map = {7};
  ExpectDensifyRejects("densify block_map 7", DensifyModel(s, std::vector<float>(6)));
}

TEST(Sparse, SparseConstantReadByDenseOp) {
  // A sparse constant fed straight into ADD: its buffer holds 3 compressed
  // values, ADD would read 6. Must be refused before Invoke.
  RawModel m = DensifyModel(GoodSpec());
  m.subgraphs[0].ops = {RawOp{1, {0, 1}, {3}}};
  Outcome o = ExpectRejected("sparse constant into ADD", m.Serialize());
  EXPECT_NE(o.stage, Stage::kInvoke) << o.ToString();
}

// ---------------------------------------------------------------------------
// Op-level cases built with the shared ModelBuilder.

std::vector<uint8_t> Finish(ModelBuilder& b) { return b.Finish(); }

TEST(OpChecks, Conv2DWithOneInput) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
  auto opts = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1);
  b.AddOperator(tfl::BuiltinOperator::CONV_2D, {in}, {out}, tfl::BuiltinOptions::Conv2DOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("CONV_2D with 1 input", Finish(b));
  ExpectOpCheck(o, "CONV_2D with 1 input", "CONV_2D", "input");
  EXPECT_NE(o.stage, Stage::kInvoke);
}

// CONV_2D [1,4,4,1] * [1,2,2,1] with the given strides/dilations.
std::vector<uint8_t> ConvModel(int stride_w, int stride_h, int dil_w, int dil_h,
                               const Shape& in_shape = {1, 4, 4, 1}) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, in_shape);
  int w = b.AddConstant<float>(DataType::kFloat32, {1, 2, 2, 1}, {1, 1, 1, 1});
  int bias = b.AddConstant<float>(DataType::kFloat32, {1}, {0});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
  auto opts = tfl::CreateConv2DOptions(b.fbb(), tfl::Padding::SAME, stride_w, stride_h,
                                       tfl::ActivationFunctionType::NONE, dil_w, dil_h);
  b.AddOperator(tfl::BuiltinOperator::CONV_2D, {in, w, bias}, {out},
                tfl::BuiltinOptions::Conv2DOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(OpChecks, Conv2DBaselineRuns) {
  Outcome o = RunBoth("conv baseline", ConvModel(1, 1, 1, 1));
  if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) {
    GTEST_SKIP() << o.ToString();
  }
  EXPECT_TRUE(o.ok()) << o.ToString();
}

TEST(OpChecks, Conv2DStrideZero) {
  Outcome o = ExpectRejected("CONV_2D stride_w 0", ConvModel(0, 1, 1, 1));
  ExpectOpCheck(o, "CONV_2D stride_w 0", "CONV_2D", "stride");
  o = ExpectRejected("CONV_2D stride_h 0", ConvModel(1, 0, 1, 1));
  ExpectOpCheck(o, "CONV_2D stride_h 0", "CONV_2D", "stride");
  o = ExpectRejected("CONV_2D stride -1", ConvModel(-1, 1, 1, 1));
  ExpectOpCheck(o, "CONV_2D stride -1", "CONV_2D", "stride");
}

TEST(OpChecks, Conv2DDilationZero) {
  Outcome o = ExpectRejected("CONV_2D dilation 0", ConvModel(1, 1, 0, 1));
  ExpectOpCheck(o, "CONV_2D dilation 0", "CONV_2D", "dilation");
}

TEST(OpChecks, Conv2DHugeStrideAndDilation) {
  // Products like dilation * (filter - 1) must not overflow int32.
  const int big = std::numeric_limits<int32_t>::max();
  ExpectNoCrash("CONV_2D huge stride", ConvModel(big, big, 1, 1));
  ExpectNoCrash("CONV_2D huge dilation", ConvModel(1, 1, big, big));
}

TEST(OpChecks, Conv2DZeroSizeInput) {
  ExpectNoCrash("CONV_2D input [1,0,4,1]", ConvModel(1, 1, 1, 1, {1, 0, 4, 1}));
  ExpectNoCrash("CONV_2D input [0,4,4,1]", ConvModel(1, 1, 1, 1, {0, 4, 4, 1}));
}

TEST(OpChecks, Conv2DChannelMismatch) {
  Outcome o = ExpectRejected("CONV_2D channels 3 vs filter 1", ConvModel(1, 1, 1, 1, {1, 4, 4, 3}));
  ExpectOpCheck(o, "CONV_2D channel mismatch", "CONV_2D", "");
}

TEST(OpChecks, DepthwiseConvStrideZero) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 2});
  int w = b.AddConstant<float>(DataType::kFloat32, {1, 2, 2, 2}, std::vector<float>(8, 1.0f));
  int bias = b.AddConstant<float>(DataType::kFloat32, {2}, {0, 0});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 2});
  auto opts = tfl::CreateDepthwiseConv2DOptions(b.fbb(), tfl::Padding::SAME, 0, 0, 1);
  b.AddOperator(tfl::BuiltinOperator::DEPTHWISE_CONV_2D, {in, w, bias}, {out},
                tfl::BuiltinOptions::DepthwiseConv2DOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("DEPTHWISE_CONV_2D stride 0", Finish(b));
  ExpectOpCheck(o, "DEPTHWISE_CONV_2D stride 0", "DEPTHWISE_CONV_2D", "stride");
}

TEST(OpChecks, DepthwiseConvMultiplierZero) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 2});
  int w = b.AddConstant<float>(DataType::kFloat32, {1, 2, 2, 0}, {});
  int bias = b.AddConstant<float>(DataType::kFloat32, {0}, {});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 2});
  auto opts = tfl::CreateDepthwiseConv2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, 0);
  b.AddOperator(tfl::BuiltinOperator::DEPTHWISE_CONV_2D, {in, w, bias}, {out},
                tfl::BuiltinOptions::DepthwiseConv2DOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  // The output channel count divides by the input channel count somewhere.
  ExpectNoCrash("DEPTHWISE_CONV_2D 0 output channels", Finish(b));
}

TEST(OpChecks, TransposeConvStrideZero) {
  ModelBuilder b;
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {4}, {1, 4, 4, 1});
  int w = b.AddConstant<float>(DataType::kFloat32, {1, 2, 2, 1}, {1, 1, 1, 1});
  int in = b.AddTensor(DataType::kFloat32, {1, 2, 2, 1});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
  auto opts = tfl::CreateTransposeConvOptions(b.fbb(), tfl::Padding::SAME, 0, 0);
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE_CONV, {shape, w, in}, {out},
                tfl::BuiltinOptions::TransposeConvOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("TRANSPOSE_CONV stride 0", Finish(b));
  ExpectOpCheck(o, "TRANSPOSE_CONV stride 0", "TRANSPOSE_CONV", "stride");
}

std::vector<uint8_t> PoolModel(int stride, int filter) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
  int out = b.AddTensor(DataType::kFloat32, {1, 2, 2, 1});
  auto opts =
      tfl::CreatePool2DOptions(b.fbb(), tfl::Padding::VALID, stride, stride, filter, filter);
  b.AddOperator(tfl::BuiltinOperator::AVERAGE_POOL_2D, {in}, {out},
                tfl::BuiltinOptions::Pool2DOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(OpChecks, AveragePoolStrideOrFilterZero) {
  Outcome o = ExpectRejected("AVERAGE_POOL_2D stride 0", PoolModel(0, 2));
  ExpectOpCheck(o, "AVERAGE_POOL_2D stride 0", "AVERAGE_POOL_2D", "stride");
  // A 0x0 window averages over zero elements.
  o = ExpectRejected("AVERAGE_POOL_2D filter 0", PoolModel(2, 0));
  ExpectOpCheck(o, "AVERAGE_POOL_2D filter 0", "AVERAGE_POOL_2D", "filter");
}

std::vector<uint8_t> BlockModel(tfl::BuiltinOperator op, int block) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4, 4, 4});
  int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 4});
  if (op == tfl::BuiltinOperator::SPACE_TO_DEPTH) {
    auto opts = tfl::CreateSpaceToDepthOptions(b.fbb(), block);
    b.AddOperator(op, {in}, {out}, tfl::BuiltinOptions::SpaceToDepthOptions, opts.Union());
  } else {
    auto opts = tfl::CreateDepthToSpaceOptions(b.fbb(), block);
    b.AddOperator(op, {in}, {out}, tfl::BuiltinOptions::DepthToSpaceOptions, opts.Union());
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(OpChecks, SpaceToDepthBlockSizeZero) {
  Outcome o =
      ExpectRejected("SPACE_TO_DEPTH block 0", BlockModel(tfl::BuiltinOperator::SPACE_TO_DEPTH, 0));
  ExpectOpCheck(o, "SPACE_TO_DEPTH block 0", "SPACE_TO_DEPTH", "block");
  o = ExpectRejected("SPACE_TO_DEPTH block -2",
                     BlockModel(tfl::BuiltinOperator::SPACE_TO_DEPTH, -2));
  ExpectOpCheck(o, "SPACE_TO_DEPTH block -2", "SPACE_TO_DEPTH", "block");
  // 4 is not divisible by 3.
  o = ExpectRejected("SPACE_TO_DEPTH block 3", BlockModel(tfl::BuiltinOperator::SPACE_TO_DEPTH, 3));
  ExpectOpCheck(o, "SPACE_TO_DEPTH block 3", "SPACE_TO_DEPTH", "");
  // block*block overflows int32.
  ExpectRejected("SPACE_TO_DEPTH block 65536",
                 BlockModel(tfl::BuiltinOperator::SPACE_TO_DEPTH, 65536));
}

TEST(OpChecks, DepthToSpaceBlockSizeZero) {
  Outcome o =
      ExpectRejected("DEPTH_TO_SPACE block 0", BlockModel(tfl::BuiltinOperator::DEPTH_TO_SPACE, 0));
  ExpectOpCheck(o, "DEPTH_TO_SPACE block 0", "DEPTH_TO_SPACE", "block");
  ExpectRejected("DEPTH_TO_SPACE block 65536",
                 BlockModel(tfl::BuiltinOperator::DEPTH_TO_SPACE, 65536));
}

std::vector<uint8_t> ConcatModel(int axis) {
  ModelBuilder b;
  int a = b.AddTensor(DataType::kFloat32, {1, 2});
  int c = b.AddTensor(DataType::kFloat32, {1, 2});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), axis);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {a, c}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({a, c});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(OpChecks, ConcatenationAxisOutOfRange) {
  for (int axis : {7, -7, 2, -3, std::numeric_limits<int32_t>::min()}) {
    const std::string label = "CONCATENATION axis " + std::to_string(axis);
    Outcome o = ExpectRejected(label, ConcatModel(axis));
    ExpectOpCheck(o, label, "CONCATENATION", "axis");
    EXPECT_NE(o.stage, Stage::kInvoke);
  }
}

TEST(OpChecks, ConcatenationMismatchedDims) {
  ModelBuilder b;
  int a = b.AddTensor(DataType::kFloat32, {1, 2});
  int c = b.AddTensor(DataType::kFloat32, {3, 2});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), 1);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {a, c}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({a, c});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("CONCATENATION [1,2]+[3,2] on axis 1", Finish(b));
  ExpectOpCheck(o, "CONCATENATION mismatch", "CONCATENATION", "");
}

// GATHER params [4,3] by int32 indices [2] on the given axis.
std::vector<uint8_t> GatherModel(int axis, const std::vector<int32_t>* const_indices) {
  ModelBuilder b;
  int params = b.AddTensor(DataType::kFloat32, {4, 3});
  int idx = const_indices ? b.AddConstant<int32_t>(DataType::kInt32, {2}, *const_indices)
                          : b.AddTensor(DataType::kInt32, {2});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  auto opts = tfl::CreateGatherOptions(b.fbb(), axis);
  b.AddOperator(tfl::BuiltinOperator::GATHER, {params, idx}, {out},
                tfl::BuiltinOptions::GatherOptions, opts.Union());
  if (const_indices) {
    b.SetInputs({params});
  } else {
    b.SetInputs({params, idx});
  }
  b.SetOutputs({out});
  return b.Finish();
}

void FillGather(Interpreter& interp, int32_t bad_index) {
  FillInputs(interp, 7);
  Tensor* idx = interp.input(1);
  if (idx == nullptr || idx->data == nullptr || idx->bytes < 2 * sizeof(int32_t)) return;
  idx->data_as<int32_t>()[0] = 1;
  idx->data_as<int32_t>()[1] = bad_index;
}

TEST(OpChecks, GatherIndicesOutOfRangeAtInvoke) {
  {
    Outcome o = RunBoth("GATHER valid indices", GatherModel(0, nullptr),
                        RunOptions{false, [](Interpreter& i) { FillGather(i, 3); }});
    if (o.stage == Stage::kCreate && o.status.code() == StatusCode::kUnsupported) {
      GTEST_SKIP() << o.ToString();
    }
    EXPECT_TRUE(o.ok()) << o.ToString();
  }
  for (int32_t bad :
       {4, 1000, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()}) {
    const std::string label = "GATHER index " + std::to_string(bad);
    Outcome o = ExpectRejected(label, GatherModel(0, nullptr),
                               RunOptions{false, [bad](Interpreter& i) { FillGather(i, bad); }});
    EXPECT_EQ(o.stage, Stage::kInvoke) << label << ": " << o.ToString();
    ExpectOpCheck(o, label, "GATHER", "");
  }
}

TEST(OpChecks, GatherConstantIndicesOutOfRange) {
  const std::vector<int32_t> idx = {0, 4};
  Outcome o = ExpectRejected("GATHER const index 4", GatherModel(0, &idx));
  ExpectOpCheck(o, "GATHER const index 4", "GATHER", "");
}

TEST(OpChecks, GatherAxisOutOfRange) {
  const std::vector<int32_t> idx = {0, 1};
  for (int axis : {2, -3, 7}) {
    const std::string label = "GATHER axis " + std::to_string(axis);
    Outcome o = ExpectRejected(label, GatherModel(axis, &idx));
    ExpectOpCheck(o, label, "GATHER", "axis");
  }
}

TEST(OpChecks, ReshapeMinusOneWithZeroDim) {
  // [2,3] -> [-1, 0]: inferring -1 would divide by the product of the
  // others, which is 0.
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {2}, {-1, 0});
  int out = b.AddTensor(DataType::kFloat32, {6, 0});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("RESHAPE [2,3] -> [-1,0]", Finish(b));
  ExpectOpCheck(o, "RESHAPE -1 with 0", "RESHAPE", "");
}

TEST(OpChecks, ReshapeTwoUnknownDims) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {2}, {-1, -1});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRejected("RESHAPE -> [-1,-1]", Finish(b));
}

TEST(OpChecks, ReshapeOverflowingShape) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  const int32_t big = std::numeric_limits<int32_t>::max();
  int shape = b.AddConstant<int32_t>(DataType::kInt32, {3}, {big, big, big});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  b.AddOperator(tfl::BuiltinOperator::RESHAPE, {in, shape}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRejected("RESHAPE -> [2^31-1]^3", Finish(b));
}

TEST(OpChecks, PadOutputDimOverflows) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 2});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {2, 2},
                                    {0, 0, 0, std::numeric_limits<int32_t>::max() - 1});
  int out = b.AddTensor(DataType::kFloat32, {1, 2});
  b.AddOperator(tfl::BuiltinOperator::PAD, {in, pads}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("PAD to 2^31+", Finish(b));
  EXPECT_NE(o.stage, Stage::kInvoke);
}

TEST(OpChecks, PadNegativePadding) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 2});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {2, 2}, {0, 0, -5, 0});
  int out = b.AddTensor(DataType::kFloat32, {1, 2});
  b.AddOperator(tfl::BuiltinOperator::PAD, {in, pads}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRejected("PAD -5", Finish(b));
}

TEST(OpChecks, PadPaddingsWrongShape) {
  // paddings must be [rank, 2]; a [1,2] tensor for a rank-2 input would be
  // read past its end.
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 2});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {1, 2}, {1, 1});
  int out = b.AddTensor(DataType::kFloat32, {3, 2});
  b.AddOperator(tfl::BuiltinOperator::PAD, {in, pads}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRejected("PAD paddings [1,2]", Finish(b));
}

TEST(OpChecks, SplitNumSplitsZero) {
  ModelBuilder b;
  int axis = b.AddConstant<int32_t>(DataType::kInt32, {}, {1});
  int in = b.AddTensor(DataType::kFloat32, {1, 4});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  auto opts = tfl::CreateSplitOptions(b.fbb(), 0);
  b.AddOperator(tfl::BuiltinOperator::SPLIT, {axis, in}, {out}, tfl::BuiltinOptions::SplitOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectRejected("SPLIT num_splits 0", Finish(b));
}

TEST(OpChecks, SoftmaxZeroSizeInput) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 0});
  int out = b.AddTensor(DataType::kFloat32, {1, 0});
  auto opts = tfl::CreateSoftmaxOptions(b.fbb(), 1.0f);
  b.AddOperator(tfl::BuiltinOperator::SOFTMAX, {in}, {out}, tfl::BuiltinOptions::SoftmaxOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectNoCrash("SOFTMAX [1,0]", Finish(b));
}

TEST(OpChecks, MeanOverEmptyAxis) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 0});
  int axes = b.AddConstant<int32_t>(DataType::kInt32, {1}, {1});
  int out = b.AddTensor(DataType::kFloat32, {2});
  auto opts = tfl::CreateReducerOptions(b.fbb(), false);
  b.AddOperator(tfl::BuiltinOperator::MEAN, {in, axes}, {out}, tfl::BuiltinOptions::ReducerOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectNoCrash("MEAN over size-0 axis", Finish(b));
}

TEST(OpChecks, MeanAxisOutOfRange) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {2, 3});
  int axes = b.AddConstant<int32_t>(DataType::kInt32, {1}, {9});
  int out = b.AddTensor(DataType::kFloat32, {2});
  auto opts = tfl::CreateReducerOptions(b.fbb(), false);
  b.AddOperator(tfl::BuiltinOperator::MEAN, {in, axes}, {out}, tfl::BuiltinOptions::ReducerOptions,
                opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("MEAN axis 9", Finish(b));
  ExpectOpCheck(o, "MEAN axis 9", "MEAN", "axis");
}

TEST(OpChecks, ResizeBilinearFromEmptyOrToZero) {
  for (const auto& [in_shape, size] : std::vector<std::pair<Shape, std::vector<int32_t>>>{
           {{1, 0, 0, 1}, {2, 2}}, {{1, 2, 2, 1}, {0, 0}}, {{1, 2, 2, 1}, {-4, 2}}}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, in_shape);
    int sz = b.AddConstant<int32_t>(DataType::kInt32, {2}, size);
    int out = b.AddTensor(DataType::kFloat32, {1, 2, 2, 1});
    auto opts = tfl::CreateResizeBilinearOptions(b.fbb());
    b.AddOperator(tfl::BuiltinOperator::RESIZE_BILINEAR, {in, sz}, {out},
                  tfl::BuiltinOptions::ResizeBilinearOptions, opts.Union());
    b.SetInputs({in});
    b.SetOutputs({out});
    const std::string label = "RESIZE_BILINEAR " + ShapeToString(in_shape) + " -> " +
                              std::to_string(size[0]) + "x" + std::to_string(size[1]);
    Outcome o = ExpectNoCrash(label, b.Finish());
    if (size[0] < 0) {
      EXPECT_FALSE(o.ok()) << label;
    }
  }
}

TEST(OpChecks, FullyConnectedWeightsMismatch) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4});
  int w = b.AddConstant<float>(DataType::kFloat32, {2, 3}, std::vector<float>(6, 1.0f));
  int out = b.AddTensor(DataType::kFloat32, {1, 2});
  auto opts = tfl::CreateFullyConnectedOptions(b.fbb());
  b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {in, w, -1}, {out},
                tfl::BuiltinOptions::FullyConnectedOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("FULLY_CONNECTED 4 vs weights [2,3]", Finish(b));
  ExpectOpCheck(o, "FULLY_CONNECTED mismatch", "FULLY_CONNECTED", "");
}

TEST(OpChecks, AddBroadcastMismatch) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {2, 3});
  int y = b.AddTensor(DataType::kFloat32, {4, 3});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, y}, {out});
  b.SetInputs({x, y});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("ADD [2,3]+[4,3]", Finish(b));
  ExpectOpCheck(o, "ADD broadcast mismatch", "ADD", "");
}

TEST(OpChecks, AddWrongInputType) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {2, 3});
  int y = b.AddTensor(DataType::kInt32, {2, 3});
  int out = b.AddTensor(DataType::kFloat32, {2, 3});
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, y}, {out});
  b.SetInputs({x, y});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("ADD float+int32", Finish(b));
  ExpectOpCheck(o, "ADD mixed types", "ADD", "");
}

TEST(OpChecks, LstmIsUnsupported) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 4});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  b.AddOperator(tfl::BuiltinOperator::LSTM, {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("LSTM", Finish(b));
  EXPECT_EQ(o.stage, Stage::kCreate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kUnsupported) << o.ToString();
  EXPECT_TRUE(Contains(o.status.message(), "LSTM")) << o.ToString();
}

TEST(OpChecks, UnsupportedOpVersion) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {1, 4});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {out}, tfl::BuiltinOptions::NONE, 0,
                /*version=*/99);
  b.SetInputs({x});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("ADD version 99", Finish(b));
  EXPECT_EQ(o.stage, Stage::kCreate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kUnsupported) << o.ToString();
  EXPECT_TRUE(Contains(o.status.message(), "ADD")) << o.ToString();
  if (o.status.code() == StatusCode::kUnsupported) {
    EXPECT_TRUE(Contains(o.status.message(), "99")) << o.ToString();
  }
}

TEST(OpChecks, OpVersionZeroAndNegative) {
  for (int version : {0, -1}) {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {1, 4});
    int out = b.AddTensor(DataType::kFloat32, {1, 4});
    b.AddOperator(tfl::BuiltinOperator::ADD, {x, x}, {out}, tfl::BuiltinOptions::NONE, 0, version);
    b.SetInputs({x});
    b.SetOutputs({out});
    ExpectRejected("ADD version " + std::to_string(version), b.Finish());
  }
}

TEST(OpChecks, UnknownCustomOp) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {1, 4});
  int out = b.AddTensor(DataType::kFloat32, {1, 4});
  b.AddCustomOperator("NoSuchCustomOpXyz", {x}, {out}, {1, 2, 3});
  b.SetInputs({x});
  b.SetOutputs({out});
  Outcome o = ExpectRejected("custom NoSuchCustomOpXyz", Finish(b));
  EXPECT_EQ(o.stage, Stage::kCreate) << o.ToString();
  EXPECT_EQ(o.status.code(), StatusCode::kUnsupported) << o.ToString();
  EXPECT_TRUE(Contains(o.status.message(), "NoSuchCustomOpXyz")) << o.ToString();
}

TEST(OpChecks, MediaPipeTransposeConvBadOptions) {
  // The MediaPipe custom op keeps a raw C struct in custom_options: too
  // short, or with zero strides, must be rejected.
  for (const std::vector<uint8_t>& opts :
       {std::vector<uint8_t>{}, std::vector<uint8_t>{1, 2, 3}, std::vector<uint8_t>(40, 0)}) {
    ModelBuilder b;
    int in = b.AddTensor(DataType::kFloat32, {1, 2, 2, 1});
    int w = b.AddConstant<float>(DataType::kFloat32, {1, 2, 2, 1}, {1, 1, 1, 1});
    int bias = b.AddConstant<float>(DataType::kFloat32, {1}, {0});
    int out = b.AddTensor(DataType::kFloat32, {1, 4, 4, 1});
    b.AddCustomOperator("Convolution2DTransposeBias", {in, w, bias}, {out}, opts);
    b.SetInputs({in});
    b.SetOutputs({out});
    const std::string label =
        "Convolution2DTransposeBias options of " + std::to_string(opts.size()) + " bytes";
    Outcome o = ExpectRejected(label, b.Finish());
    EXPECT_NE(o.stage, Stage::kInvoke) << label << ": " << o.ToString();
  }
}

// ---------------------------------------------------------------------------
// Empty tensors with huge other dims: the output has no elements (so no
// memory limit applies), but a kernel that loops over the outer dims before
// noticing the empty one spins for 2^60 iterations. A tiny file must not
// buy unbounded CPU time; these cases get a short watchdog.

constexpr unsigned kEmptyTensorTimeout = 30;
constexpr int32_t kHuge = 1 << 30;

Outcome ExpectFastNoCrash(const std::string& label, const std::vector<uint8_t>& bytes) {
  RunOptions opts;
  opts.timeout_seconds = kEmptyTensorTimeout;
  return ExpectNoCrash(label, bytes, opts);
}

std::vector<uint8_t> ResizeModel(tfl::BuiltinOperator op, const Shape& in_shape,
                                 const std::vector<int32_t>& size) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, in_shape);
  int sz = b.AddConstant<int32_t>(DataType::kInt32, {2}, size);
  int out = b.AddTensor(DataType::kFloat32, in_shape);
  if (op == tfl::BuiltinOperator::RESIZE_BILINEAR) {
    auto opts = tfl::CreateResizeBilinearOptions(b.fbb());
    b.AddOperator(op, {in, sz}, {out}, tfl::BuiltinOptions::ResizeBilinearOptions, opts.Union());
  } else {
    auto opts = tfl::CreateResizeNearestNeighborOptions(b.fbb());
    b.AddOperator(op, {in, sz}, {out}, tfl::BuiltinOptions::ResizeNearestNeighborOptions,
                  opts.Union());
  }
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(EmptyTensors, ResizeBilinearToHugeSizeWithZeroChannels) {
  ExpectFastNoCrash(
      "RESIZE_BILINEAR [1,2,2,0] to 2^30 x 2^30",
      ResizeModel(tfl::BuiltinOperator::RESIZE_BILINEAR, {1, 2, 2, 0}, {kHuge, kHuge}));
}

TEST(EmptyTensors, ResizeNearestToHugeSizeWithZeroChannels) {
  ExpectFastNoCrash(
      "RESIZE_NEAREST_NEIGHBOR [1,2,2,0] to 2^30 x 2^30",
      ResizeModel(tfl::BuiltinOperator::RESIZE_NEAREST_NEIGHBOR, {1, 2, 2, 0}, {kHuge, kHuge}));
}

TEST(EmptyTensors, PadZeroChannelsByHugeAmounts) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, 1, 1, 0});
  int pads = b.AddConstant<int32_t>(DataType::kInt32, {4, 2}, {0, 0, 0, kHuge, 0, kHuge, 0, 0});
  int out = b.AddTensor(DataType::kFloat32, {1, 1, 1, 0});
  b.AddOperator(tfl::BuiltinOperator::PAD, {in, pads}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectFastNoCrash("PAD [1,1,1,0] to [1,2^30+1,2^30+1,0]", b.Finish());
}

std::vector<uint8_t> UnaryModel(
    tfl::BuiltinOperator op, const Shape& shape,
    tfl::BuiltinOptions type = tfl::BuiltinOptions::NONE,
    std::function<flatbuffers::Offset<void>(ModelBuilder&)> opts = nullptr) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, shape);
  int out = b.AddTensor(DataType::kFloat32, shape);
  flatbuffers::Offset<void> o = opts ? opts(b) : 0;
  b.AddOperator(op, {in}, {out}, type, o);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

TEST(EmptyTensors, ElementwiseAndSoftmaxOverHugeEmptyShapes) {
  const Shape empty = {kHuge, kHuge, 0};
  ExpectFastNoCrash(
      "SOFTMAX [2^30,2^30,0]",
      UnaryModel(tfl::BuiltinOperator::SOFTMAX, empty, tfl::BuiltinOptions::SoftmaxOptions,
                 [](ModelBuilder& b) { return tfl::CreateSoftmaxOptions(b.fbb(), 1.0f).Union(); }));
  ExpectFastNoCrash("LOGISTIC [2^30,2^30,0]", UnaryModel(tfl::BuiltinOperator::LOGISTIC, empty));
  ExpectFastNoCrash("RELU [2^30,2^30,0]", UnaryModel(tfl::BuiltinOperator::RELU, empty));
  ExpectFastNoCrash("HARD_SWISH [2^30,2^30,0]",
                    UnaryModel(tfl::BuiltinOperator::HARD_SWISH, empty));
}

TEST(EmptyTensors, PoolingOverHugeEmptyImage) {
  ExpectFastNoCrash(
      "MAX_POOL_2D [1,2^30,2^30,0]",
      UnaryModel(tfl::BuiltinOperator::MAX_POOL_2D, {1, kHuge, kHuge, 0},
                 tfl::BuiltinOptions::Pool2DOptions, [](ModelBuilder& b) {
                   return tfl::CreatePool2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, 1, 1).Union();
                 }));
  ExpectFastNoCrash(
      "AVERAGE_POOL_2D [1,2^30,2^30,0]",
      UnaryModel(tfl::BuiltinOperator::AVERAGE_POOL_2D, {1, kHuge, kHuge, 0},
                 tfl::BuiltinOptions::Pool2DOptions, [](ModelBuilder& b) {
                   return tfl::CreatePool2DOptions(b.fbb(), tfl::Padding::SAME, 1, 1, 1, 1).Union();
                 }));
}

TEST(EmptyTensors, BroadcastAddOfHugeEmptyShapes) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {kHuge, 1, 0});
  int y = b.AddTensor(DataType::kFloat32, {1, kHuge, 0});
  int out = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
  b.AddOperator(tfl::BuiltinOperator::ADD, {x, y}, {out});
  b.SetInputs({x, y});
  b.SetOutputs({out});
  ExpectFastNoCrash("ADD [2^30,1,0] + [1,2^30,0]", b.Finish());
}

TEST(EmptyTensors, ConcatOfHugeEmptyShapes) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
  int out = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
  auto opts = tfl::CreateConcatenationOptions(b.fbb(), 2);
  b.AddOperator(tfl::BuiltinOperator::CONCATENATION, {x, x}, {out},
                tfl::BuiltinOptions::ConcatenationOptions, opts.Union());
  b.SetInputs({x});
  b.SetOutputs({out});
  ExpectFastNoCrash("CONCATENATION of [2^30,2^30,0] on axis 2", b.Finish());
}

TEST(EmptyTensors, TransposeOfHugeEmptyShape) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
  int perm = b.AddConstant<int32_t>(DataType::kInt32, {3}, {2, 0, 1});
  int out = b.AddTensor(DataType::kFloat32, {0, kHuge, kHuge});
  b.AddOperator(tfl::BuiltinOperator::TRANSPOSE, {x, perm}, {out});
  b.SetInputs({x});
  b.SetOutputs({out});
  ExpectFastNoCrash("TRANSPOSE [2^30,2^30,0]", b.Finish());
}

TEST(EmptyTensors, ReduceOverHugeEmptyShape) {
  ModelBuilder b;
  int x = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
  int axes = b.AddConstant<int32_t>(DataType::kInt32, {2}, {0, 1});
  int out = b.AddTensor(DataType::kFloat32, {0});
  auto opts = tfl::CreateReducerOptions(b.fbb(), false);
  b.AddOperator(tfl::BuiltinOperator::SUM, {x, axes}, {out}, tfl::BuiltinOptions::ReducerOptions,
                opts.Union());
  b.SetInputs({x});
  b.SetOutputs({out});
  ExpectFastNoCrash("SUM of [2^30,2^30,0] over axes 0,1", b.Finish());
}

TEST(EmptyTensors, SliceAndGatherOfHugeEmptyShapes) {
  {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
    int begin = b.AddConstant<int32_t>(DataType::kInt32, {3}, {0, 0, 0});
    int size = b.AddConstant<int32_t>(DataType::kInt32, {3}, {-1, -1, -1});
    int out = b.AddTensor(DataType::kFloat32, {kHuge, kHuge, 0});
    b.AddOperator(tfl::BuiltinOperator::SLICE, {x, begin, size}, {out});
    b.SetInputs({x});
    b.SetOutputs({out});
    ExpectFastNoCrash("SLICE [2^30,2^30,0]", b.Finish());
  }
  {
    ModelBuilder b;
    int x = b.AddTensor(DataType::kFloat32, {4, kHuge, 0});
    int idx = b.AddConstant<int32_t>(DataType::kInt32, {2}, {0, 3});
    int out = b.AddTensor(DataType::kFloat32, {2, kHuge, 0});
    auto opts = tfl::CreateGatherOptions(b.fbb(), 0);
    b.AddOperator(tfl::BuiltinOperator::GATHER, {x, idx}, {out}, tfl::BuiltinOptions::GatherOptions,
                  opts.Union());
    b.SetInputs({x});
    b.SetOutputs({out});
    ExpectFastNoCrash("GATHER from [4,2^30,0]", b.Finish());
  }
}

TEST(EmptyTensors, DepthSpaceOfHugeEmptyImage) {
  ModelBuilder b;
  int in = b.AddTensor(DataType::kFloat32, {1, kHuge, kHuge, 0});
  int out = b.AddTensor(DataType::kFloat32, {1, kHuge / 2, kHuge / 2, 0});
  auto opts = tfl::CreateSpaceToDepthOptions(b.fbb(), 2);
  b.AddOperator(tfl::BuiltinOperator::SPACE_TO_DEPTH, {in}, {out},
                tfl::BuiltinOptions::SpaceToDepthOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  ExpectFastNoCrash("SPACE_TO_DEPTH [1,2^30,2^30,0]", b.Finish());
}

// ---------------------------------------------------------------------------
// Whole-file damage: empty, short, wrong identifier, garbage.

TEST(Bytes, EmptyBuffer) {
  Watchdog dog("empty buffer");
  std::unique_ptr<Model> model;
  Status s = Model::FromBufferCopy(nullptr, 0, &model);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.message().empty());
  s = Model::FromBuffer(nullptr, 0, &model);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.message().empty());
  ExpectRejected("empty vector", {});
}

TEST(Bytes, NullPointerWithSize) {
  std::unique_ptr<Model> model;
  Status s = Model::FromBuffer(nullptr, 1024, &model);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.message().empty());
}

TEST(Bytes, MisalignedInPlaceBuffer) {
  // FromBuffer demands 4-byte alignment; a misaligned pointer is an error,
  // not undefined behaviour.
  std::vector<uint8_t> bytes = BaseAddModel().Serialize();
  AlignedBytes aligned(std::vector<uint8_t>(bytes.size() + 1));
  uint8_t* base = const_cast<uint8_t*>(aligned.data());
  std::memcpy(base + 1, bytes.data(), bytes.size());
  std::unique_ptr<Model> model;
  Status s = Model::FromBuffer(base + 1, bytes.size(), &model);
  if (!s.ok()) {
    EXPECT_FALSE(s.message().empty());
  }
}

TEST(Bytes, TinyBuffers) {
  for (size_t n = 1; n <= 16; ++n) {
    ExpectRejected("zeros of " + std::to_string(n), std::vector<uint8_t>(n, 0));
    ExpectRejected("0xFF of " + std::to_string(n), std::vector<uint8_t>(n, 0xFF));
  }
  ExpectRejected("identifier only", {0, 0, 0, 0, 'T', 'F', 'L', '3'});
  ExpectRejected("root offset 8 to nothing", {8, 0, 0, 0, 'T', 'F', 'L', '3', 0, 0, 0, 0});
}

TEST(Bytes, RandomGarbageWithIdentifier) {
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> bytes(16 + rng() % 2048);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng());
    std::memcpy(bytes.data() + 4, "TFL3", 4);
    bytes[0] = static_cast<uint8_t>(rng() % 64);  // plausible root offset
    bytes[1] = bytes[2] = bytes[3] = 0;
    ExpectNoCrash("garbage " + std::to_string(i), bytes);
  }
}

// ---------------------------------------------------------------------------
// Damage to the real models.

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

const char* const kModels[] = {
    "face_detection_short_range.tflite",
    "selfie_segmentation.tflite",
    "hand_landmark_lite.tflite",
    "pose_landmark_lite.tflite",
};

class RealModel : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    bytes_ = ReadFile(std::string(EDGEML_TESTDATA_DIR) + "/models/" + GetParam());
    ASSERT_GT(bytes_.size(), 1024u) << "missing test model " << GetParam();
  }
  std::string Label(const std::string& what) const { return std::string(GetParam()) + ": " + what; }
  std::vector<uint8_t> bytes_;
};

// Random rounds per model, scaled by EDGEML_MALFORMED_SCALE (default 1).
int Rounds(int base) {
  const char* s = std::getenv("EDGEML_MALFORMED_SCALE");
  const int scale = s ? std::max(1, std::atoi(s)) : 1;
  return base * scale;
}

TEST_P(RealModel, Unmodified) {
  // Not a malformed case: how far the intact model gets (ops may still be
  // missing while the runtime is written). It must never crash.
  Outcome o = ExpectNoCrash(Label("intact"), bytes_);
  if (!o.ok() && o.died.empty()) {
    EXPECT_NE(o.stage, Stage::kLoad) << "an intact model must load: " << o.ToString();
  }
  std::printf("[ info ] %s intact: %s\n", GetParam(), o.ok() ? "runs" : o.ToString().c_str());
}

TEST_P(RealModel, Truncated) {
  std::vector<size_t> lengths;
  for (size_t n = 0; n < 64 && n < bytes_.size(); ++n) lengths.push_back(n);
  for (size_t k = 1; k < 64; ++k) lengths.push_back(bytes_.size() * k / 64);
  lengths.push_back(bytes_.size() - 1);
  for (size_t n : lengths) {
    std::vector<uint8_t> cut(bytes_.begin(), bytes_.begin() + n);
    Outcome o = ExpectRejected(Label("truncated to " + std::to_string(n)), cut);
    EXPECT_EQ(o.stage, Stage::kLoad)
        << Label("truncated to " + std::to_string(n)) << ": " << o.ToString();
  }
}

TEST_P(RealModel, WrongFileIdentifier) {
  for (const char* id : {"XXXX", "TFL2", "tfl3", "\0\0\0\0"}) {
    std::vector<uint8_t> bad = bytes_;
    std::memcpy(bad.data() + 4, id, 4);
    Outcome o = ExpectRejected(Label(std::string("identifier ") + id), bad);
    EXPECT_EQ(o.stage, Stage::kLoad);
  }
}

TEST_P(RealModel, RootOffsetOutOfRange) {
  for (uint32_t root : {0u, 4u, 0xFFFFFFF0u, static_cast<uint32_t>(bytes_.size()),
                        static_cast<uint32_t>(bytes_.size() - 2)}) {
    std::vector<uint8_t> bad = bytes_;
    std::memcpy(bad.data(), &root, 4);
    Outcome o = ExpectRejected(Label("root offset " + std::to_string(root)), bad);
    EXPECT_EQ(o.stage, Stage::kLoad);
  }
}

// Byte ranges that hold tensor data: flips there mostly change weights;
// flips elsewhere hit tables, vtables, offsets and index vectors.
std::vector<std::pair<size_t, size_t>> DataRanges(const std::vector<uint8_t>& bytes) {
  std::vector<std::pair<size_t, size_t>> ranges;
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  if (!tfl::VerifyModelBuffer(verifier)) return ranges;
  const tfl::Model* m = tfl::GetModel(bytes.data());
  if (m->buffers() == nullptr) return ranges;
  for (const tfl::Buffer* b : *m->buffers()) {
    if (b == nullptr || b->data() == nullptr || b->data()->size() == 0) continue;
    const size_t begin = static_cast<size_t>(b->data()->data() - bytes.data());
    ranges.emplace_back(begin, begin + b->data()->size());
  }
  std::sort(ranges.begin(), ranges.end());
  return ranges;
}

// Positions outside the data ranges, as intervals.
std::vector<std::pair<size_t, size_t>> StructureRanges(const std::vector<uint8_t>& bytes) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pos = 0;
  for (const auto& [b, e] : DataRanges(bytes)) {
    if (b > pos) out.emplace_back(pos, b);
    pos = std::max(pos, e);
  }
  if (pos < bytes.size()) out.emplace_back(pos, bytes.size());
  return out;
}

size_t PickIn(const std::vector<std::pair<size_t, size_t>>& ranges, std::mt19937& rng) {
  size_t total = 0;
  for (const auto& [b, e] : ranges) total += e - b;
  size_t k = rng() % total;
  for (const auto& [b, e] : ranges) {
    if (k < e - b) return b + k;
    k -= e - b;
  }
  return 0;
}

// One mutation: xor a random bit, or set an extreme byte value.
void Mutate(std::vector<uint8_t>& bytes, size_t pos, std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:
      bytes[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1:
      bytes[pos] = 0xFF;
      break;
    case 2:
      bytes[pos] = 0x00;
      break;
    default:
      bytes[pos] = static_cast<uint8_t>(bytes[pos] + 0x7F);
      break;
  }
}

TEST_P(RealModel, ByteFlips) {
  const auto structure = StructureRanges(bytes_);
  ASSERT_FALSE(structure.empty());
  std::seed_seq seed(GetParam(), GetParam() + std::strlen(GetParam()));
  std::mt19937 rng(seed);
  int accepted = 0, total = 0;
  // Mostly structure: that is where the interesting bugs are.
  const int structural = Rounds(48), uniform = Rounds(12);
  for (int round = 0; round < structural + uniform; ++round) {
    std::vector<uint8_t> bad = bytes_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    std::string where;
    for (int f = 0; f < flips; ++f) {
      const size_t pos = round < structural ? PickIn(structure, rng) : rng() % bad.size();
      Mutate(bad, pos, rng);
      where += " " + std::to_string(pos);
    }
    Outcome o = ExpectNoCrash(Label("round " + std::to_string(round) + " at" + where), bad);
    ++total;
    if (o.ok()) ++accepted;
  }
  std::printf("[ info ] %s: %d of %d mutated models still ran\n", GetParam(), accepted, total);
}

INSTANTIATE_TEST_SUITE_P(Models, RealModel, ::testing::ValuesIn(kModels),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name = name.substr(0, name.find('.'));
                           return name;
                         });

// ---------------------------------------------------------------------------
// Regression inputs saved from fuzzing (tests/malformed/crashers/*): each
// must end with a non-OK status or run to completion, without crashing.

TEST(Regression, SavedCrashers) {
  const fs::path dir = fs::path(EDGEML_SOURCE_DIR) / "tests" / "malformed" / "crashers";
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().filename().string()[0] != '.' &&
          entry.path().extension() != ".md" && entry.path().extension() != ".txt") {
        files.push_back(entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) GTEST_SKIP() << "no saved crashers in " << dir;
  for (const fs::path& p : files) {
    RunOptions opts;
    opts.timeout_seconds = 60;  // reproducers are small; a slow one is a hang
    Outcome o = ExpectNoCrash("crasher " + p.filename().string(), ReadFile(p.string()), opts);
    std::printf("[ info ] %s: %s\n", p.filename().c_str(), o.ok() ? "runs" : o.ToString().c_str());
  }
}

TEST(Regression, MissingFile) {
  std::unique_ptr<Model> model;
  Status s = Model::FromFile("/nonexistent/edgeml/model.tflite", &model);
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(s.message().empty());
}

}  // namespace
}  // namespace edgeml
