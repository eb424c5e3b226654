#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// MEAN / SUM / REDUCE_MAX over any of 4 dims of x0. The output is indexed
// over the input dims with the reduced ones collapsed to 1.
// p: 0 op (0 mean 1 sum 2 max) 1 total 2..5 input dims 6 reduce mask (bit i = dim i)
void main() {
  int idx = int(gid());
  if (idx >= P(1)) return;
  int d[4] = int[4](P(2), P(3), P(4), P(5));
  int mask = P(6);
  int e[4];  // extent of each dim in the output view
  for (int i = 0; i < 4; ++i) e[i] = (mask & (1 << i)) != 0 ? 1 : d[i];
  int c[4];
  int t = idx;
  for (int i = 3; i >= 0; --i) { c[i] = t % e[i]; t /= e[i]; }
  int r[4];
  for (int i = 0; i < 4; ++i) r[i] = (mask & (1 << i)) != 0 ? d[i] : 1;
  int op = P(0);
  float acc = op == 2 ? -3.402823466e+38 : 0.0;
  for (int a = 0; a < r[0]; ++a)
    for (int b = 0; b < r[1]; ++b)
      for (int g = 0; g < r[2]; ++g)
        for (int h = 0; h < r[3]; ++h) {
          int i0 = c[0] + a, i1 = c[1] + b, i2 = c[2] + g, i3 = c[3] + h;
          float v = ld0(((i0 * d[1] + i1) * d[2] + i2) * d[3] + i3);
          acc = op == 2 ? max(acc, v) : acc + v;
        }
  if (op == 0) acc = acc / float(r[0] * r[1] * r[2] * r[3]);
  st(idx, acc);
}
