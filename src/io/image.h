// Images in and out of tensors: PNG/JPEG decoding (stb_image), bilinear
// resizing, conversion to a tensor's element type, and PNG writing.
//
// Conversion to tensor data, per channel c of an 8-bit pixel value v:
//   FLOAT32: (v - mean[c]) / std[c]. The default mean = std = 127.5 maps
//            [0,255] to [-1,1], the convention of MediaPipe's models.
//   UINT8:   v (normalization is ignored).
//   INT8:    v - 128 (normalization is ignored).
// Decoded files are treated as untrusted: only PNG and JPEG signatures are
// accepted and images over 16384 pixels a side or 2^26 pixels are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "edgeml/types.h"

namespace edgeml::io {

// 8-bit pixels, rows top to bottom, channels interleaved (HWC).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;             // 1 (gray), 3 (RGB) or 4 (RGBA)
  std::vector<uint8_t> pixels;  // height * width * channels bytes
};

// Decodes a PNG or JPEG file. `channels` 1, 3 or 4 converts to that many
// channels (gray from RGB uses stb's luma weights); 0 keeps the file's.
Status LoadImage(const std::string& path, int channels, Image* out);
Status DecodeImage(const uint8_t* bytes, size_t size, int channels, Image* out);

// Bilinear resize with half-pixel centers (as OpenCV's INTER_LINEAR and
// TensorFlow's resize_bilinear(half_pixel_centers=True)), edges clamped,
// results rounded to nearest. No antialiasing filter on downscaling.
Status ResizeBilinear(const Image& in, int height, int width, Image* out);

struct Normalization {
  // One value for all channels or one per channel.
  std::vector<float> mean = {127.5f};
  std::vector<float> std = {127.5f};
};

// Converts `image` to tensor bytes of `type` (FLOAT32, UINT8 or INT8) as
// described above, in HWC order. std values must be non-zero and finite.
Status ImageToTensorData(const Image& image, DataType type, const Normalization& norm,
                         std::vector<uint8_t>* out);

// Loads the image at `path` for a tensor of `shape` [1,H,W,C] (C is 1 or 3)
// and `type`: decodes to C channels, resizes to HxW and converts.
Status LoadImageForTensor(const std::string& path, DataType type, const Shape& shape,
                          const Normalization& norm, std::vector<uint8_t>* out);

// Writes an 8-bit PNG with 1 (gray), 3 (RGB) or 4 (RGBA) channels.
Status WritePng(const std::string& path, int width, int height, int channels,
                const uint8_t* pixels);
inline Status WriteGrayPng(const std::string& path, int width, int height, const uint8_t* pixels) {
  return WritePng(path, width, height, 1, pixels);
}
inline Status WriteRgbPng(const std::string& path, int width, int height, const uint8_t* pixels) {
  return WritePng(path, width, height, 3, pixels);
}

}  // namespace edgeml::io
