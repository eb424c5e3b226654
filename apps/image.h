// Images for the apps: load, save, resize, draw and composite 8-bit RGB
// pictures. Built on the public edgeml API and stb only, like every file in
// apps/, so that it doubles as example code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/status.h"

namespace edgeml::apps {

// 8-bit pixels, rows top to bottom, channels interleaved (HWC).
struct Image {
  int width = 0;
  int height = 0;
  int channels = 3;  // 1 (gray) or 3 (RGB)
  std::vector<uint8_t> pixels;

  Image() = default;
  Image(int w, int h, int c, uint8_t fill = 0)
      : width(w), height(h), channels(c), pixels(static_cast<size_t>(w) * h * c, fill) {}
  bool empty() const { return width == 0 || height == 0; }
  uint8_t* at(int x, int y) { return &pixels[(static_cast<size_t>(y) * width + x) * channels]; }
  const uint8_t* at(int x, int y) const {
    return &pixels[(static_cast<size_t>(y) * width + x) * channels];
  }
};

// A single-channel float map (masks, alpha), values usually in [0, 1].
struct FloatMap {
  int width = 0;
  int height = 0;
  std::vector<float> values;
  float at(int x, int y) const { return values[static_cast<size_t>(y) * width + x]; }
};

struct Color {
  uint8_t r, g, b;
};

// Decodes a PNG or JPEG file to RGB (channels = 3) or gray (1). Refuses
// files that are not PNG/JPEG and images over 16384 pixels a side.
Status LoadImage(const std::string& path, Image* out, int channels = 3);
// Writes an 8-bit PNG (gray or RGB).
Status SavePng(const std::string& path, const Image& image);

// Bilinear resize, half-pixel centers, clamped edges, rounded.
Image Resize(const Image& in, int width, int height);
FloatMap Resize(const FloatMap& in, int width, int height);

// Where a model's input square/rectangle maps in the original image when the
// image is scaled to fit it with its aspect ratio kept and zero padding
// (letterbox). Model input pixel (u, v) = image pixel (x * scale + pad_x, ...).
struct Letterbox {
  float scale = 1.0f;
  float pad_x = 0.0f;
  float pad_y = 0.0f;
  // Model-input normalized coordinates [0,1] back to image pixels.
  float ToImageX(float nx, int input_w) const { return (nx * input_w - pad_x) / scale; }
  float ToImageY(float ny, int input_h) const { return (ny * input_h - pad_y) / scale; }
};
Image LetterboxResize(const Image& in, int width, int height, Letterbox* box);

// Drawing, clipped to the image. Thickness in pixels.
void DrawRect(Image* img, float x0, float y0, float x1, float y1, Color c, int thickness = 2);
void DrawLine(Image* img, float x0, float y0, float x1, float y1, Color c, int thickness = 2);
void DrawDisc(Image* img, float cx, float cy, float radius, Color c);
// A label: `text` in a small built-in vector font (stb_easy_font) on a
// filled tab of color `bg`, its top-left corner at (x, y).
void DrawLabel(Image* img, float x, float y, const std::string& text, Color bg,
               Color fg = {255, 255, 255}, int scale = 2);
// A distinct color for class/index i.
Color Palette(int i);

// Gaussian-like blur: three box blurs of the given radius (separable).
Image Blur(const Image& in, int radius);
FloatMap Blur(const FloatMap& in, int radius);

// Softens a [0,1] mask's edge: blurs it by `radius` pixels, then maps
// [low, high] smoothly to [0, 1] (smoothstep) so that the edge is a narrow
// feathered band instead of a hard or a washed-out one.
FloatMap FeatherMask(const FloatMap& mask, int radius, float low = 0.3f, float high = 0.7f);

// out = fg * alpha + bg * (1 - alpha), per pixel; all at the same size.
Image Composite(const Image& fg, const Image& bg, const FloatMap& alpha);

// Mask in [0,1] to an 8-bit gray image (255 = 1.0).
Image MaskToGray(const FloatMap& mask);

}  // namespace edgeml::apps
