#version 450
#extension GL_GOOGLE_include_directive : require
#define LOCAL_3D
#include "common.glsl"
// FULLY_CONNECTED: x0 input [B,K], x1 weights [N,K], x2 bias [N].
// p: 0 B 1 K 2 N 3 act_lo 4 act_hi 5 has_bias 6 total
// Grid: (N, B, 1).
void main() {
  int n = int(gl_GlobalInvocationID.x), b = int(gl_GlobalInvocationID.y);
  int K = P(1), N = P(2);
  if (n >= N || b >= P(0)) return;
  int idx = b * N + n;
  float total = 0.0;
  for (int k = 0; k < K; ++k) total += ld0(b * K + k) * ld1(n * K + k);
  if (P(5) != 0) total += ld2(n);
  st(idx, act(total, PF(3), PF(4)));
}
