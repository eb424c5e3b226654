#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// PAD / PADV2 (constant) over 4-D views: x0 input.
// p: 0 total 1..4 input dims 5..8 output dims 9..12 leading pads 13 value
void main() {
  int idx = int(gid());
  if (idx >= P(0)) return;
  int t = idx;
  int src = 0;
  bool inside = true;
  int stride = 1;
  for (int i = 3; i >= 0; --i) {
    int c = t % P(5 + i) - P(9 + i);
    t /= P(5 + i);
    if (c < 0 || c >= P(1 + i)) inside = false;
    src += c * stride;
    stride *= P(1 + i);
  }
  st(idx, inside ? ld0(src) : PF(13));
}
