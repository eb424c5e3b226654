#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// Block copy: y[o * out_row + offset + i] = x0[o * in_row + i] for
// i < in_row, o < outer (CONCATENATION, RESHAPE), then a clamp.
// p: 0 outer 1 in_row 2 out_row 3 offset 4 total 5 act_lo 6 act_hi
void main() {
  int idx = int(gid());
  if (idx >= P(4)) return;
  int i = idx % P(1);
  int o = idx / P(1);
  st(o * P(2) + P(3) + i, act(ld0(idx), PF(5), PF(6)));
}
