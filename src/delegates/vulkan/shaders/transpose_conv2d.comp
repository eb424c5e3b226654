#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// TRANSPOSE_CONV / Convolution2DTransposeBias, as a gather over the output:
// x0 input NHWC, x1 filter OHWI, x2 bias.
// p: 0 N 1 IH 2 IW 3 IC 4 OH 5 OW 6 OC 7 KH 8 KW 9 SH 10 SW 11 PT 12 PL
//    13 act_lo 14 act_hi 15 has_bias 16 total
void main() {
  int idx = int(gid());
  if (idx >= P(16)) return;
  int IH = P(1), IW = P(2), IC = P(3), OH = P(4), OW = P(5), OC = P(6);
  int KH = P(7), KW = P(8), SH = P(9), SW = P(10);
  int o = idx % OC;
  int t = idx / OC;
  int ox = t % OW;
  t /= OW;
  int oy = t % OH;
  int b = t / OH;
  float total = 0.0;
  for (int fy = 0; fy < KH; ++fy) {
    int ny = oy + P(11) - fy;  // = iy * SH
    if (ny < 0 || ny % SH != 0) continue;
    int iy = ny / SH;
    if (iy >= IH) continue;
    for (int fx = 0; fx < KW; ++fx) {
      int nx = ox + P(12) - fx;
      if (nx < 0 || nx % SW != 0) continue;
      int ix = nx / SW;
      if (ix >= IW) continue;
      int in_base = ((b * IH + iy) * IW + ix) * IC;
      int w_base = ((o * KH + fy) * KW + fx) * IC;
      for (int c = 0; c < IC; ++c) total += ld0(in_base + c) * ld1(w_base + c);
    }
  }
  if (P(15) != 0) total += ld2(o);
  st(idx, act(total, PF(13), PF(14)));
}
