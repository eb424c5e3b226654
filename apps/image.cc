#include "apps/image.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

// stb's functions are made static here so that they cannot clash with
// another copy of stb linked into the same program.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include <stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_easy_font.h>
#include <stb_image_write.h>

namespace edgeml::apps {
namespace {

constexpr int kMaxSide = 16384;

uint8_t Clamp8(float v) {
  return static_cast<uint8_t>(std::lround(std::min(255.0f, std::max(0.0f, v))));
}

// Source coordinate of destination pixel i (half-pixel centers), clamped,
// split into a base index and a fraction.
void SourceCoord(int i, int in_size, int out_size, int* i0, int* i1, float* frac) {
  float s = (i + 0.5f) * static_cast<float>(in_size) / static_cast<float>(out_size) - 0.5f;
  s = std::max(0.0f, std::min(s, static_cast<float>(in_size - 1)));
  *i0 = static_cast<int>(s);
  *i1 = std::min(*i0 + 1, in_size - 1);
  *frac = s - static_cast<float>(*i0);
}

// One pass of a box blur of radius r along rows (stride 1) or columns, on
// `channels` interleaved float channels, edges clamped.
void BoxPass(std::vector<float>* data, int w, int h, int channels, int r, bool horizontal) {
  const int n = horizontal ? w : h;
  const int lines = horizontal ? h : w;
  std::vector<float> line(static_cast<size_t>(n) * channels), prefix((n + 1) * channels);
  for (int l = 0; l < lines; ++l) {
    auto idx = [&](int i) {
      return horizontal ? (static_cast<size_t>(l) * w + i) * channels
                        : (static_cast<size_t>(i) * w + l) * channels;
    };
    for (int c = 0; c < channels; ++c) prefix[c] = 0.0f;
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < channels; ++c) {
        prefix[(i + 1) * channels + c] = prefix[i * channels + c] + (*data)[idx(i) + c];
      }
    }
    for (int i = 0; i < n; ++i) {
      const int a = std::max(0, i - r), b = std::min(n - 1, i + r);
      for (int c = 0; c < channels; ++c) {
        line[static_cast<size_t>(i) * channels + c] =
            (prefix[(b + 1) * channels + c] - prefix[a * channels + c]) / (b - a + 1);
      }
    }
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < channels; ++c) (*data)[idx(i) + c] = line[i * channels + c];
    }
  }
}

void BlurFloats(std::vector<float>* data, int w, int h, int channels, int radius) {
  if (radius <= 0) return;
  for (int k = 0; k < 3; ++k) {
    BoxPass(data, w, h, channels, radius, true);
    BoxPass(data, w, h, channels, radius, false);
  }
}

void FillRect(Image* img, int x0, int y0, int x1, int y1, Color c) {
  x0 = std::max(x0, 0);
  y0 = std::max(y0, 0);
  x1 = std::min(x1, img->width - 1);
  y1 = std::min(y1, img->height - 1);
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      uint8_t* p = img->at(x, y);
      if (img->channels == 1) {
        p[0] = static_cast<uint8_t>((c.r * 77 + c.g * 150 + c.b * 29) >> 8);
      } else {
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
      }
    }
  }
}

}  // namespace

Status LoadImage(const std::string& path, Image* out, int channels) {
  if (channels != 1 && channels != 3) {
    return Errorf(StatusCode::kInvalidArgument, "LoadImage: channels must be 1 or 3, got %d",
                  channels);
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Errorf(StatusCode::kIoError, "cannot open image '%s'", path.c_str());
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_file(f.get(), &w, &h, &c)) {
    return Errorf(StatusCode::kInvalidArgument, "'%s' is not a PNG or JPEG image (%s)",
                  path.c_str(), stbi_failure_reason());
  }
  if (w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide) {
    return Errorf(StatusCode::kInvalidArgument, "image '%s' is %dx%d; at most %d a side",
                  path.c_str(), w, h, kMaxSide);
  }
  std::fseek(f.get(), 0, SEEK_SET);
  std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load_from_file(f.get(), &w, &h, &c, channels),
                                               &stbi_image_free);
  if (!px) {
    return Errorf(StatusCode::kInvalidArgument, "cannot decode image '%s': %s", path.c_str(),
                  stbi_failure_reason());
  }
  *out = Image(w, h, channels);
  std::memcpy(out->pixels.data(), px.get(), out->pixels.size());
  return Status::Ok();
}

Status SavePng(const std::string& path, const Image& image) {
  if (image.empty() || (image.channels != 1 && image.channels != 3) ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * image.channels) {
    return Errorf(StatusCode::kInvalidArgument, "SavePng('%s'): bad image %dx%dx%d", path.c_str(),
                  image.width, image.height, image.channels);
  }
  if (!stbi_write_png(path.c_str(), image.width, image.height, image.channels, image.pixels.data(),
                      image.width * image.channels)) {
    return Errorf(StatusCode::kIoError, "cannot write '%s'", path.c_str());
  }
  return Status::Ok();
}

Image Resize(const Image& in, int width, int height) {
  Image out(width, height, in.channels);
  for (int y = 0; y < height; ++y) {
    int y0, y1;
    float fy;
    SourceCoord(y, in.height, height, &y0, &y1, &fy);
    for (int x = 0; x < width; ++x) {
      int x0, x1;
      float fx;
      SourceCoord(x, in.width, width, &x0, &x1, &fx);
      for (int c = 0; c < in.channels; ++c) {
        const float top = in.at(x0, y0)[c] + (in.at(x1, y0)[c] - in.at(x0, y0)[c]) * fx;
        const float bot = in.at(x0, y1)[c] + (in.at(x1, y1)[c] - in.at(x0, y1)[c]) * fx;
        out.at(x, y)[c] = Clamp8(top + (bot - top) * fy);
      }
    }
  }
  return out;
}

FloatMap Resize(const FloatMap& in, int width, int height) {
  FloatMap out{width, height, std::vector<float>(static_cast<size_t>(width) * height)};
  for (int y = 0; y < height; ++y) {
    int y0, y1;
    float fy;
    SourceCoord(y, in.height, height, &y0, &y1, &fy);
    for (int x = 0; x < width; ++x) {
      int x0, x1;
      float fx;
      SourceCoord(x, in.width, width, &x0, &x1, &fx);
      const float top = in.at(x0, y0) + (in.at(x1, y0) - in.at(x0, y0)) * fx;
      const float bot = in.at(x0, y1) + (in.at(x1, y1) - in.at(x0, y1)) * fx;
      out.values[static_cast<size_t>(y) * width + x] = top + (bot - top) * fy;
    }
  }
  return out;
}

Image LetterboxResize(const Image& in, int width, int height, Letterbox* box) {
  const float scale =
      std::min(static_cast<float>(width) / in.width, static_cast<float>(height) / in.height);
  const int w = std::max(1, static_cast<int>(std::lround(in.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(in.height * scale)));
  const int px = (width - w) / 2, py = (height - h) / 2;
  const Image scaled = Resize(in, w, h);
  Image out(width, height, in.channels, 0);
  for (int y = 0; y < h; ++y) {
    std::memcpy(out.at(px, py + y), scaled.at(0, y), static_cast<size_t>(w) * in.channels);
  }
  box->scale = scale;
  box->pad_x = static_cast<float>(px);
  box->pad_y = static_cast<float>(py);
  return out;
}

void DrawDisc(Image* img, float cx, float cy, float radius, Color c) {
  const int x0 = static_cast<int>(std::floor(cx - radius)),
            x1 = static_cast<int>(std::ceil(cx + radius));
  const int y0 = static_cast<int>(std::floor(cy - radius)),
            y1 = static_cast<int>(std::ceil(cy + radius));
  for (int y = std::max(0, y0); y <= std::min(img->height - 1, y1); ++y) {
    for (int x = std::max(0, x0); x <= std::min(img->width - 1, x1); ++x) {
      const float dx = x + 0.5f - cx, dy = y + 0.5f - cy;
      if (dx * dx + dy * dy <= radius * radius) FillRect(img, x, y, x, y, c);
    }
  }
}

void DrawLine(Image* img, float x0, float y0, float x1, float y1, Color c, int thickness) {
  const float len = std::hypot(x1 - x0, y1 - y0);
  const int steps = std::max(1, static_cast<int>(std::ceil(len * 2)));
  const float r = std::max(0.5f, thickness / 2.0f);
  if (!std::isfinite(len) || len > 1e6f) return;
  for (int i = 0; i <= steps; ++i) {
    const float t = static_cast<float>(i) / steps;
    DrawDisc(img, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, r, c);
  }
}

void DrawRect(Image* img, float x0, float y0, float x1, float y1, Color c, int thickness) {
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  const int ix0 = static_cast<int>(std::lround(std::max(-1e6f, std::min(x0, x1))));
  const int ix1 = static_cast<int>(std::lround(std::min(1e6f, std::max(x0, x1))));
  const int iy0 = static_cast<int>(std::lround(std::max(-1e6f, std::min(y0, y1))));
  const int iy1 = static_cast<int>(std::lround(std::min(1e6f, std::max(y0, y1))));
  const int t = std::max(1, thickness);
  FillRect(img, ix0, iy0, ix1, iy0 + t - 1, c);
  FillRect(img, ix0, iy1 - t + 1, ix1, iy1, c);
  FillRect(img, ix0, iy0, ix0 + t - 1, iy1, c);
  FillRect(img, ix1 - t + 1, iy0, ix1, iy1, c);
}

void DrawLabel(Image* img, float x, float y, const std::string& text, Color bg, Color fg,
               int scale) {
  std::vector<char> buf(text.begin(), text.end());
  buf.push_back('\0');
  const int tw = stb_easy_font_width(buf.data()) * scale;
  const int th = stb_easy_font_height(buf.data()) * scale;
  const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  FillRect(img, x0, y0, x0 + tw + 2 * scale, y0 + th + 2 * scale, bg);
  // stb_easy_font gives axis-aligned quads of 4 vertices of 16 bytes (x, y,
  // z floats and an RGBA color).
  std::vector<char> quads(64 * (text.size() + 1) * 16);
  unsigned char color[4] = {fg.r, fg.g, fg.b, 255};
  const int n =
      stb_easy_font_print(0, 0, buf.data(), color, quads.data(), static_cast<int>(quads.size()));
  for (int q = 0; q < n; ++q) {
    float v[2][2];
    std::memcpy(v[0], quads.data() + q * 64, 8);       // first vertex
    std::memcpy(v[1], quads.data() + q * 64 + 32, 8);  // opposite vertex
    FillRect(img, x0 + scale + static_cast<int>(v[0][0]) * scale,
             y0 + scale + static_cast<int>(v[0][1]) * scale,
             x0 + scale + static_cast<int>(v[1][0]) * scale - 1,
             y0 + scale + static_cast<int>(v[1][1]) * scale - 1, fg);
  }
}

Color Palette(int i) {
  static const Color kColors[] = {{255, 56, 56},  {56, 200, 255},  {80, 230, 80},  {255, 200, 40},
                                  {200, 80, 255}, {255, 120, 200}, {40, 255, 200}, {255, 140, 40}};
  const int n = static_cast<int>(sizeof(kColors) / sizeof(kColors[0]));
  return kColors[((i % n) + n) % n];
}

Image Blur(const Image& in, int radius) {
  std::vector<float> data(in.pixels.begin(), in.pixels.end());
  BlurFloats(&data, in.width, in.height, in.channels, radius);
  Image out(in.width, in.height, in.channels);
  for (size_t i = 0; i < data.size(); ++i) out.pixels[i] = Clamp8(data[i]);
  return out;
}

FloatMap Blur(const FloatMap& in, int radius) {
  FloatMap out = in;
  BlurFloats(&out.values, in.width, in.height, 1, radius);
  return out;
}

FloatMap FeatherMask(const FloatMap& mask, int radius, float low, float high) {
  FloatMap out = Blur(mask, radius);
  for (float& v : out.values) {
    float t = (v - low) / (high - low);
    t = std::max(0.0f, std::min(1.0f, t));
    v = t * t * (3.0f - 2.0f * t);
  }
  return out;
}

Image Composite(const Image& fg, const Image& bg, const FloatMap& alpha) {
  Image out(fg.width, fg.height, fg.channels);
  for (int y = 0; y < fg.height; ++y) {
    for (int x = 0; x < fg.width; ++x) {
      const float a = alpha.at(x, y);
      for (int c = 0; c < fg.channels; ++c) {
        out.at(x, y)[c] = Clamp8(fg.at(x, y)[c] * a + bg.at(x, y)[c] * (1.0f - a));
      }
    }
  }
  return out;
}

Image MaskToGray(const FloatMap& mask) {
  Image out(mask.width, mask.height, 1);
  for (size_t i = 0; i < mask.values.size(); ++i) out.pixels[i] = Clamp8(mask.values[i] * 255.0f);
  return out;
}

}  // namespace edgeml::apps
