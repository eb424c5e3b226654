#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR with LiteRT's coordinate rules
// (see kernels/reference/resize.h). x0 input NHWC.
// p: 0 N 1 IH 2 IW 3 C 4 OH 5 OW 6 scale_y 7 scale_x 8 align_corners
//    9 half_pixel 10 nearest 11 total
int nearest_src(int x, int in_size, float scale) {
  float s = (float(x) + (P(9) != 0 ? 0.5 : 0.0)) * scale;
  // Round half away from zero (GLSL's round() leaves halves to the device).
  int v = int(P(8) != 0 ? sign(s) * floor(abs(s) + 0.5) : floor(s));
  v = min(v, in_size - 1);
  if (P(9) != 0) v = max(v, 0);
  return v;
}
void main() {
  int idx = int(gid());
  if (idx >= P(11)) return;
  int IH = P(1), IW = P(2), C = P(3), OH = P(4), OW = P(5);
  int c = idx % C;
  int t = idx / C;
  int ox = t % OW;
  t /= OW;
  int oy = t % OH;
  int b = t / OH;
  float sy_scale = PF(6), sx_scale = PF(7);
  if (P(10) != 0) {
    int sy = nearest_src(oy, IH, sy_scale), sx = nearest_src(ox, IW, sx_scale);
    st(idx, ld0(((b * IH + sy) * IW + sx) * C + c));
    return;
  }
  bool hp = P(9) != 0;
  float sy = hp ? (float(oy) + 0.5) * sy_scale - 0.5 : float(oy) * sy_scale;
  float sx = hp ? (float(ox) + 0.5) * sx_scale - 0.5 : float(ox) * sx_scale;
  int y0 = max(int(floor(sy)), 0), y1 = min(int(ceil(sy)), IH - 1);
  int x0i = max(int(floor(sx)), 0), x1i = min(int(ceil(sx)), IW - 1);
  float dy = sy - float(y0), dx = sx - float(x0i);
  float p00 = ld0(((b * IH + y0) * IW + x0i) * C + c);
  float p10 = ld0(((b * IH + y1) * IW + x0i) * C + c);
  float p01 = ld0(((b * IH + y0) * IW + x1i) * C + c);
  float p11 = ld0(((b * IH + y1) * IW + x1i) * C + c);
  st(idx, p00 * (1.0 - dy) * (1.0 - dx) + p10 * dy * (1.0 - dx) + p01 * (1.0 - dy) * dx +
              p11 * dy * dx);
}
