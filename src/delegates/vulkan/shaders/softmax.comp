#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// SOFTMAX over the last axis, one invocation per row: x0 input [outer, depth].
// p: 0 outer 1 depth 2 beta
void main() {
  int r = int(gid());
  if (r >= P(0)) return;
  int D = P(1);
  float beta = PF(2);
  int base = r * D;
  float m = -3.402823466e+38;
  for (int c = 0; c < D; ++c) m = max(m, ld0(base + c));
  float sum = 0.0;
  for (int c = 0; c < D; ++c) sum += exp((ld0(base + c) - m) * beta);
  for (int c = 0; c < D; ++c) st(base + c, exp((ld0(base + c) - m) * beta) / sum);
}
