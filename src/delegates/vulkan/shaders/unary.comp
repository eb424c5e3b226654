#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// Elementwise unary ops: x0 input.
// p: 0 op (0 clamp 1 logistic 2 tanh 3 hard_swish 4 leaky_relu) 1 total
//    2 lo 3 hi (clamp) 4 alpha (leaky_relu)
void main() {
  int idx = int(gid());
  if (idx >= P(1)) return;
  float x = ld0(idx);
  int op = P(0);
  float r;
  if (op == 0) {
    r = x < PF(2) ? PF(2) : x;
    r = r > PF(3) ? PF(3) : r;
  } else if (op == 1) {
    // LiteRT's cut-offs (see kernels/reference/activations.h).
    if (x > 16.619047164916992188) r = 1.0;
    else if (x < -9.0) r = exp(x);
    else r = 1.0 / (1.0 + exp(-x));
  } else if (op == 2) {
    // tanh through exp(-2|x|) <= 1, which cannot overflow.
    float e = exp(-2.0 * abs(x));
    r = sign(x) * (1.0 - e) / (1.0 + e);
  } else if (op == 3) {
    r = x * min(6.0, max(0.0, x + 3.0)) / 6.0;
  } else {
    r = x > 0.0 ? x : x * PF(4);
  }
  st(idx, r);
}
