// libFuzzer target: arbitrary bytes as a .tflite model, through every stage
// (load, create, allocate, invoke). Any crash, sanitizer report, uncaught
// exception or hang is a bug; non-OK statuses are the expected outcome.
//
// Run: scripts/fuzz.sh, or build-fuzz/fuzz/model_fuzzer CORPUS_DIR -max_len=3000000
// Reproduce: build-fuzz/fuzz/model_fuzzer path/to/crash-file

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"

namespace {

// Memory cap for AllocateTensors() (the interpreter's own limit): models that
// need more fail with ResourceExhausted instead of exercising the machine's
// allocator and tripping -rss_limit_mb.
constexpr size_t kMemoryLimit = size_t{256} << 20;

// Invoke() only for models up to this size. The real landmark models (2-3 MB)
// take 5-20 s per run in the instrumented build, which would turn every
// mutant into a -timeout=10 report; their load/create/prepare paths are
// still fuzzed, and the small seed models cover every op's eval. Set
// EDGEML_FUZZ_INVOKE_ALL=1 to invoke everything (with a larger -timeout).
constexpr size_t kMaxInvokeModelBytes = size_t{512} << 10;

// Deterministic, cheap input data: small floats and small non-negative ints.
void FillInputs(edgeml::Interpreter& interp) {
  uint32_t state = 0x9E3779B9u;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (size_t i = 0; i < interp.inputs().size(); ++i) {
    edgeml::Tensor* t = interp.input(static_cast<int>(i));
    if (t == nullptr || t->data == nullptr) continue;
    switch (t->type) {
      case edgeml::DataType::kFloat32: {
        float* p = t->data_as<float>();
        for (size_t k = 0; k < t->bytes / sizeof(float); ++k) {
          p[k] = static_cast<float>(next() % 2001) / 1000.0f - 1.0f;
        }
        break;
      }
      case edgeml::DataType::kInt32: {
        int32_t* p = t->data_as<int32_t>();
        for (size_t k = 0; k < t->bytes / sizeof(int32_t); ++k) p[k] = next() % 3;
        break;
      }
      default: {
        uint8_t* p = t->data_as<uint8_t>();
        for (size_t k = 0; k < t->bytes; ++k) p[k] = static_cast<uint8_t>(next());
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // In place on libFuzzer's exactly-sized heap copy, so that ASan sees any
  // read past the end of the model.
  std::unique_ptr<edgeml::Model> model;
  if (!edgeml::Model::FromBuffer(data, size, &model).ok()) return 0;

  // Read-only queries on the loaded model must be safe too.
  (void)model->description();
  (void)model->metadata();
  for (uint32_t b = 0; b < 4; ++b) {
    const uint8_t* bytes = nullptr;
    size_t n = 0;
    (void)model->BufferData(b, &bytes, &n);
  }

  static const edgeml::BuiltinOpResolver* resolver = new edgeml::BuiltinOpResolver();
  edgeml::InterpreterOptions options;
  options.memory_limit_bytes = kMemoryLimit;
  std::unique_ptr<edgeml::Interpreter> interp;
  if (!edgeml::Interpreter::Create(*model, *resolver, options, &interp).ok()) return 0;
  for (size_t i = 0; i < interp->nodes_size(); ++i) (void)interp->node(static_cast<int>(i));
  (void)interp->signatures();
  (void)interp->tensor(-1);
  (void)interp->tensor(static_cast<int>(interp->tensors_size()));

  if (!interp->AllocateTensors().ok()) return 0;
  if (interp->arena_bytes() + interp->persistent_bytes() > kMemoryLimit) __builtin_trap();

  static const bool invoke_all = std::getenv("EDGEML_FUZZ_INVOKE_ALL") != nullptr;
  if (size > kMaxInvokeModelBytes && !invoke_all) return 0;
  FillInputs(*interp);
  (void)interp->Invoke();
  return 0;
}

#ifdef EDGEML_FUZZ_REPLAY_MAIN
// Without libFuzzer (e.g. a gcc build): run the target over the files named
// on the command line, to replay a corpus or a crash file.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream f(argv[i], std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), {});
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", argv[i], bytes.size());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  return 0;
}
#endif
