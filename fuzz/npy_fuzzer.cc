// libFuzzer target: arbitrary bytes as a .npy file (edgeml::io::ParseNpy).
// Beyond "no crash", an accepted array must be self-consistent and survive
// a write/read round trip unchanged; a violation aborts so that libFuzzer
// records it.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "edgeml/types.h"
#include "io/npy.h"

namespace {

void Check(bool cond, const char* what) {
  if (!cond) {
    std::fprintf(stderr, "npy_fuzzer: invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  edgeml::io::NpyArray array;
  edgeml::Status s = edgeml::io::ParseNpy(data, size, &array);
  if (!s.ok()) {
    Check(!s.message().empty(), "error without a message");
    return 0;
  }
  int64_t count = 0;
  const size_t item = edgeml::DataTypeSize(array.type);
  Check(item > 0, "accepted a type without a fixed size");
  Check(edgeml::ShapeElementCount(array.shape, &count, item), "accepted an overflowing shape");
  Check(array.data.size() == static_cast<size_t>(count) * item, "data size != shape * item size");

  std::vector<uint8_t> written;
  s = edgeml::io::SerializeNpy(array.type, array.shape, array.data.data(), array.data.size(),
                               &written);
  Check(s.ok(), "could not write back an accepted array");
  edgeml::io::NpyArray again;
  s = edgeml::io::ParseNpy(written.data(), written.size(), &again);
  Check(s.ok(), "could not read back what was written");
  Check(again.type == array.type && again.shape == array.shape && again.data == array.data,
        "round trip changed the array");
  return 0;
}

#ifdef EDGEML_FUZZ_REPLAY_MAIN
#include <fstream>
#include <iterator>

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
