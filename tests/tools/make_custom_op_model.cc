// Writes a tiny model with a custom op "Affine" (y = x * a + b, with a and b
// as two little-endian floats in the custom options) for the C API test,
// which cannot build flatbuffers itself. Usage: make_custom_op_model OUT
#include <cstdio>
#include <cstring>

#include "util/model_builder.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.tflite\n", argv[0]);
    return 1;
  }
  edgeml::testing::ModelBuilder b;
  const int x = b.AddTensor(edgeml::DataType::kFloat32, {1, 4}, "x");
  const int y = b.AddTensor(edgeml::DataType::kFloat32, {1, 4}, "y");
  const float ab[2] = {3.0f, -1.0f};
  std::vector<uint8_t> options(sizeof(ab));
  std::memcpy(options.data(), ab, sizeof(ab));
  b.AddCustomOperator("Affine", {x}, {y}, options);
  b.SetInputs({x});
  b.SetOutputs({y});
  const std::vector<uint8_t> bytes = b.Finish();
  FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }
  return std::fclose(f) == 0 ? 0 : 1;
}
