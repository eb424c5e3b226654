#include "io/image.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

namespace edgeml::io {
namespace {

constexpr int kMaxSide = 16384;
constexpr int64_t kMaxPixels = int64_t{1} << 26;

bool IsPng(const uint8_t* b, size_t n) {
  static const uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return n >= 8 && std::memcmp(b, kSig, 8) == 0;
}
bool IsJpeg(const uint8_t* b, size_t n) {
  return n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff;
}

Status BadImage(const std::string& what) {
  return Status(StatusCode::kInvalidArgument, "image: " + what);
}

// Element writers for the tensor types images convert to.
void StoreFloat(std::vector<uint8_t>* out, size_t i, float v) {
  std::memcpy(out->data() + i * sizeof(float), &v, sizeof(float));
}

}  // namespace

Status DecodeImage(const uint8_t* bytes, size_t size, int channels, Image* out) {
  if (channels != 0 && channels != 1 && channels != 3 && channels != 4) {
    return Status(StatusCode::kInvalidArgument,
                  "image: channels must be 0, 1, 3 or 4, got " + std::to_string(channels));
  }
  if (bytes == nullptr || !(IsPng(bytes, size) || IsJpeg(bytes, size))) {
    return BadImage("not a PNG or JPEG file");
  }
  if (size > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return BadImage("file too large");
  }
  const int len = static_cast<int>(size);
  int w = 0, h = 0, c = 0;
  // Check the dimensions before decoding so a hostile header cannot make
  // stb allocate gigabytes.
  if (!stbi_info_from_memory(bytes, len, &w, &h, &c)) {
    return BadImage(std::string("cannot decode: ") + stbi_failure_reason());
  }
  if (w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide ||
      static_cast<int64_t>(w) * h > kMaxPixels) {
    return BadImage("unsupported size " + std::to_string(w) + "x" + std::to_string(h));
  }
  int fw = 0, fh = 0, fc = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(
      stbi_load_from_memory(bytes, len, &fw, &fh, &fc, channels), &stbi_image_free);
  if (!px) return BadImage(std::string("cannot decode: ") + stbi_failure_reason());
  if (fw != w || fh != h) return BadImage("decoded size differs from header");
  const int oc = channels != 0 ? channels : fc;
  if (oc < 1 || oc > 4) return BadImage("unexpected channel count " + std::to_string(oc));
  out->width = w;
  out->height = h;
  out->channels = oc;
  const size_t n = static_cast<size_t>(w) * h * oc;
  out->pixels.assign(px.get(), px.get() + n);
  return Status::Ok();
}

Status LoadImage(const std::string& path, int channels, Image* out) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return Status(StatusCode::kIoError, "cannot open '" + path + "': " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f.get())) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
    if (bytes.size() > (size_t{1} << 30)) return BadImage("'" + path + "' is over 1 GiB");
  }
  if (std::ferror(f.get())) return Status(StatusCode::kIoError, "cannot read '" + path + "'");
  Status s = DecodeImage(bytes.data(), bytes.size(), channels, out);
  return s.ok() ? s : s.WithPrefix(path);
}

Status ResizeBilinear(const Image& in, int height, int width, Image* out) {
  if (height <= 0 || width <= 0 || height > kMaxSide || width > kMaxSide) {
    return Status(
        StatusCode::kInvalidArgument,
        "resize: bad target size " + std::to_string(height) + "x" + std::to_string(width));
  }
  const int c = in.channels;
  if (in.width <= 0 || in.height <= 0 || c < 1 || c > 4 ||
      in.pixels.size() != static_cast<size_t>(in.width) * in.height * c) {
    return Status(StatusCode::kInvalidArgument, "resize: malformed source image");
  }
  Image result;
  result.width = width;
  result.height = height;
  result.channels = c;
  result.pixels.resize(static_cast<size_t>(width) * height * c);

  // Source coordinate of destination index d: (d + 0.5) * in/out - 0.5,
  // clamped to the image.
  struct Tap {
    int i0, i1;
    float f;
  };
  auto taps = [](int out_size, int in_size) {
    std::vector<Tap> t(out_size);
    const float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
    for (int d = 0; d < out_size; ++d) {
      float s = (static_cast<float>(d) + 0.5f) * scale - 0.5f;
      s = std::max(s, 0.0f);
      int i0 = std::min(static_cast<int>(s), in_size - 1);
      int i1 = std::min(i0 + 1, in_size - 1);
      t[d] = {i0, i1, s - static_cast<float>(i0)};
    }
    return t;
  };
  const std::vector<Tap> ty = taps(height, in.height);
  const std::vector<Tap> tx = taps(width, in.width);
  const uint8_t* src = in.pixels.data();
  const size_t row = static_cast<size_t>(in.width) * c;
  for (int y = 0; y < height; ++y) {
    const uint8_t* r0 = src + ty[y].i0 * row;
    const uint8_t* r1 = src + ty[y].i1 * row;
    const float fy = ty[y].f;
    for (int x = 0; x < width; ++x) {
      const int a = tx[x].i0 * c, b = tx[x].i1 * c;
      const float fx = tx[x].f;
      for (int ch = 0; ch < c; ++ch) {
        const float top = r0[a + ch] + (r0[b + ch] - r0[a + ch]) * fx;
        const float bot = r1[a + ch] + (r1[b + ch] - r1[a + ch]) * fx;
        const float v = top + (bot - top) * fy;
        const float clamped = std::min(255.0f, std::max(0.0f, std::round(v)));
        result.pixels[(static_cast<size_t>(y) * width + x) * c + ch] =
            static_cast<uint8_t>(clamped);
      }
    }
  }
  *out = std::move(result);
  return Status::Ok();
}

Status ImageToTensorData(const Image& image, DataType type, const Normalization& norm,
                         std::vector<uint8_t>* out) {
  const int c = image.channels;
  const size_t n = image.pixels.size();
  if (c < 1 || n != static_cast<size_t>(image.width) * image.height * c) {
    return Status(StatusCode::kInvalidArgument, "image: malformed image");
  }
  switch (type) {
    case DataType::kFloat32: {
      auto per_channel = [c](const std::vector<float>& v, const char* what,
                             std::vector<float>* res) -> Status {
        if (v.size() == 1) {
          res->assign(c, v[0]);
        } else if (v.size() == static_cast<size_t>(c)) {
          *res = v;
        } else {
          return Status(StatusCode::kInvalidArgument,
                        std::string("image: ") + what + " needs 1 or " + std::to_string(c) +
                            " values, got " + std::to_string(v.size()));
        }
        return Status::Ok();
      };
      std::vector<float> mean, stddev;
      EDGEML_RETURN_IF_ERROR(per_channel(norm.mean, "mean", &mean));
      EDGEML_RETURN_IF_ERROR(per_channel(norm.std, "std", &stddev));
      for (int i = 0; i < c; ++i) {
        if (!std::isfinite(mean[i]) || !std::isfinite(stddev[i]) || stddev[i] == 0.0f) {
          return Status(StatusCode::kInvalidArgument,
                        "image: mean must be finite and std finite and non-zero");
        }
      }
      out->resize(n * sizeof(float));
      for (size_t i = 0; i < n; ++i) {
        const int ch = static_cast<int>(i % c);
        StoreFloat(out, i, (static_cast<float>(image.pixels[i]) - mean[ch]) / stddev[ch]);
      }
      return Status::Ok();
    }
    case DataType::kUInt8:
      *out = image.pixels;
      return Status::Ok();
    case DataType::kInt8:
      out->resize(n);
      for (size_t i = 0; i < n; ++i) {
        (*out)[i] = static_cast<uint8_t>(static_cast<int8_t>(image.pixels[i] - 128));
      }
      return Status::Ok();
    default:
      return Status(StatusCode::kUnsupported, "image: cannot convert an image to " +
                                                  DataTypeName(type) +
                                                  " (FLOAT32, UINT8 or INT8 only)");
  }
}

Status LoadImageForTensor(const std::string& path, DataType type, const Shape& shape,
                          const Normalization& norm, std::vector<uint8_t>* out) {
  if (shape.size() != 4 || shape[0] != 1 || (shape[3] != 1 && shape[3] != 3) || shape[1] <= 0 ||
      shape[2] <= 0) {
    return Status(
        StatusCode::kInvalidArgument,
        "an image needs an input of shape [1,H,W,1] or [1,H,W,3], not " + ShapeToString(shape));
  }
  Image img;
  EDGEML_RETURN_IF_ERROR(LoadImage(path, shape[3], &img));
  if (img.height != shape[1] || img.width != shape[2]) {
    Image resized;
    EDGEML_RETURN_IF_ERROR(ResizeBilinear(img, shape[1], shape[2], &resized));
    img = std::move(resized);
  }
  return ImageToTensorData(img, type, norm, out);
}

Status WritePng(const std::string& path, int width, int height, int channels,
                const uint8_t* pixels) {
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide ||
      (channels != 1 && channels != 3 && channels != 4) || pixels == nullptr) {
    return Status(StatusCode::kInvalidArgument, "png: bad image " + std::to_string(width) + "x" +
                                                    std::to_string(height) + "x" +
                                                    std::to_string(channels));
  }
  if (!stbi_write_png(path.c_str(), width, height, channels, pixels, width * channels)) {
    return Status(StatusCode::kIoError, "cannot write '" + path + "'");
  }
  return Status::Ok();
}

}  // namespace edgeml::io
