// libFuzzer target: arbitrary bytes as an image file (edgeml::io::DecodeImage,
// the PNG/JPEG reader behind `edgeml run --input x.png` and the apps), then
// the steps that follow in LoadImageForTensor: bilinear resizing and
// conversion to FLOAT32/UINT8/INT8 tensor data. The channel count asked for
// comes from the input length, so every input is decoded once.
//
// Beyond "no crash", an accepted image must be self-consistent (size, within
// the reader's limits, channels as requested) and the conversions must
// produce exactly the bytes the tensor needs; a violation aborts.
//
// The decoder itself is Debian's libstb (not instrumented): ASan sees our
// code's accesses, and a wild access inside stb still shows as a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "edgeml/types.h"
#include "io/image.h"

namespace {

void Check(bool cond, const char* what) {
  if (!cond) {
    std::fprintf(stderr, "image_fuzzer: invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const int kChannels[] = {0, 1, 3, 4};
  const int channels = kChannels[size % 4];
  edgeml::io::Image image;
  edgeml::Status s = edgeml::io::DecodeImage(data, size, channels, &image);
  if (!s.ok()) {
    Check(!s.message().empty(), "error without a message");
    return 0;
  }
  Check(image.width > 0 && image.height > 0 && image.width <= 16384 && image.height <= 16384,
        "accepted an image outside the size limits");
  Check(channels == 0 ? image.channels >= 1 && image.channels <= 4 : image.channels == channels,
        "channel count differs from the one asked for");
  Check(image.pixels.size() ==
            static_cast<size_t>(image.width) * static_cast<size_t>(image.height) * image.channels,
        "pixel bytes != width * height * channels");

  // Resizes as an app would (small targets, odd sizes, 1x1) and converts.
  const int targets[][2] = {{1, 1}, {7, 5}, {image.height % 97 + 1, image.width % 89 + 1}};
  for (const auto& hw : targets) {
    edgeml::io::Image resized;
    s = edgeml::io::ResizeBilinear(image, hw[0], hw[1], &resized);
    Check(s.ok(), "could not resize an accepted image");
    Check(resized.height == hw[0] && resized.width == hw[1] && resized.channels == image.channels &&
              resized.pixels.size() == static_cast<size_t>(hw[0]) * hw[1] * image.channels,
          "resized image has the wrong size");
    for (edgeml::DataType type :
         {edgeml::DataType::kFloat32, edgeml::DataType::kUInt8, edgeml::DataType::kInt8}) {
      std::vector<uint8_t> tensor;
      s = edgeml::io::ImageToTensorData(resized, type, edgeml::io::Normalization{}, &tensor);
      Check(s.ok(), "could not convert an accepted image");
      Check(tensor.size() == resized.pixels.size() * edgeml::DataTypeSize(type),
            "tensor data has the wrong size");
    }
  }
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
