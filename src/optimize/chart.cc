#include "optimize/chart.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "io/image.h"

namespace edgeml::optimize {
namespace {

// 3x5 glyphs, rows top to bottom, 3 bits per row (MSB = left column).
int Glyph(char c, int row) {
  static const struct {
    char c;
    int rows[5];
  } kFont[] = {
      {'A', {2, 5, 7, 5, 5}}, {'B', {6, 5, 6, 5, 6}}, {'C', {3, 4, 4, 4, 3}},
      {'D', {6, 5, 5, 5, 6}}, {'E', {7, 4, 6, 4, 7}}, {'F', {7, 4, 6, 4, 4}},
      {'G', {3, 4, 5, 5, 3}}, {'H', {5, 5, 7, 5, 5}}, {'I', {7, 2, 2, 2, 7}},
      {'J', {1, 1, 1, 5, 2}}, {'K', {5, 5, 6, 5, 5}}, {'L', {4, 4, 4, 4, 7}},
      {'M', {5, 7, 7, 5, 5}}, {'N', {6, 5, 5, 5, 5}}, {'O', {2, 5, 5, 5, 2}},
      {'P', {6, 5, 6, 4, 4}}, {'Q', {2, 5, 5, 6, 3}}, {'R', {6, 5, 6, 5, 5}},
      {'S', {3, 4, 2, 1, 6}}, {'T', {7, 2, 2, 2, 2}}, {'U', {5, 5, 5, 5, 7}},
      {'V', {5, 5, 5, 5, 2}}, {'W', {5, 5, 7, 7, 5}}, {'X', {5, 5, 2, 5, 5}},
      {'Y', {5, 5, 2, 2, 2}}, {'Z', {7, 1, 2, 4, 7}}, {'0', {7, 5, 5, 5, 7}},
      {'1', {2, 6, 2, 2, 7}}, {'2', {6, 1, 2, 4, 7}}, {'3', {6, 1, 2, 1, 6}},
      {'4', {5, 5, 7, 1, 1}}, {'5', {7, 4, 6, 1, 6}}, {'6', {3, 4, 7, 5, 7}},
      {'7', {7, 1, 2, 2, 2}}, {'8', {7, 5, 7, 5, 7}}, {'9', {7, 5, 7, 1, 6}},
      {'.', {0, 0, 0, 0, 2}}, {'%', {5, 1, 2, 4, 5}}, {'-', {0, 0, 7, 0, 0}},
      {'(', {1, 2, 2, 2, 1}}, {')', {4, 2, 2, 2, 4}}, {'/', {1, 1, 2, 4, 4}},
  };
  const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& g : kFont) {
    if (g.c == u) return g.rows[row];
  }
  return 0;
}

struct Canvas {
  int w, h;
  std::vector<uint8_t> px;
  Canvas(int w_, int h_) : w(w_), h(h_), px(static_cast<size_t>(w_) * h_ * 3, 255) {}
  void Fill(int x0, int y0, int x1, int y1, const uint8_t rgb[3]) {
    for (int y = std::max(0, y0); y < std::min(h, y1); ++y) {
      for (int x = std::max(0, x0); x < std::min(w, x1); ++x) {
        std::copy(rgb, rgb + 3, px.begin() + (static_cast<size_t>(y) * w + x) * 3);
      }
    }
  }
  // Text centred on cx, top at y, `scale` pixels per font pixel.
  void Text(const std::string& s, int cx, int y, int scale, const uint8_t rgb[3]) {
    const int width = static_cast<int>(s.size()) * 4 * scale - scale;
    int x = cx - width / 2;
    for (char c : s) {
      for (int r = 0; r < 5; ++r) {
        const int bits = Glyph(c, r);
        for (int col = 0; col < 3; ++col) {
          if (bits & (4 >> col))
            Fill(x + col * scale, y + r * scale, x + (col + 1) * scale, y + (r + 1) * scale, rgb);
        }
      }
      x += 4 * scale;
    }
  }
};

}  // namespace

Status WriteBarChartPng(const std::string& path, const std::vector<std::string>& labels,
                        const std::vector<BarPanel>& panels) {
  if (labels.empty() || panels.empty()) return Status(StatusCode::kInvalidArgument, "empty chart");
  const int bar_w = 56, gap = 24, plot_h = 220, top = 50, bottom = 70, margin = 30;
  const int n = static_cast<int>(labels.size());
  const int panel_w = n * (bar_w + gap) + gap;
  Canvas c(static_cast<int>(panels.size()) * (panel_w + margin) + margin, top + plot_h + bottom);
  const uint8_t ink[3] = {40, 40, 40};
  const uint8_t colors[][3] = {{90, 90, 90},  {66, 133, 244}, {52, 168, 83},
                               {251, 188, 5}, {234, 67, 53},  {155, 89, 182}};
  for (size_t p = 0; p < panels.size(); ++p) {
    const BarPanel& panel = panels[p];
    if (panel.values.size() != labels.size()) {
      return Status(StatusCode::kInvalidArgument,
                    "chart panel '" + panel.title + "' has the wrong bar count");
    }
    const int x0 = margin + static_cast<int>(p) * (panel_w + margin);
    c.Text(panel.title, x0 + panel_w / 2, 12, 3, ink);
    c.Fill(x0, top + plot_h, x0 + panel_w, top + plot_h + 2, ink);
    double vmax = 0;
    for (double v : panel.values) vmax = std::max(vmax, v);
    if (vmax <= 0) vmax = 1;
    for (int i = 0; i < n; ++i) {
      const double v = std::max(0.0, panel.values[i]);
      const int bh = static_cast<int>(v / vmax * (plot_h - 24));
      const int bx = x0 + gap + i * (bar_w + gap);
      c.Fill(bx, top + plot_h - bh, bx + bar_w, top + plot_h, colors[i % 6]);
      char buf[32];
      std::snprintf(buf, sizeof(buf), v >= 100 ? "%.0f" : (v >= 10 ? "%.1f" : "%.2f"), v);
      c.Text(buf, bx + bar_w / 2, top + plot_h - bh - 14, 2, ink);
      c.Text(labels[i], bx + bar_w / 2, top + plot_h + 10 + (i % 2) * 16, 2, ink);
    }
  }
  return io::WriteRgbPng(path, c.w, c.h, c.px.data());
}

}  // namespace edgeml::optimize
