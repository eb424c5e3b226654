#version 450
#extension GL_GOOGLE_include_directive : require
#define LOCAL_3D
#include "common.glsl"
// CONV_2D (with groups): x0 input NHWC, x1 filter OHWI, x2 bias.
// p: 0 N 1 IH 2 IW 3 IC 4 OH 5 OW 6 OC 7 KH 8 KW 9 FIC 10 SH 11 SW 12 DH 13 DW
//    14 PT 15 PL 16 act_lo 17 act_hi 18 has_bias 19 total 20 out_per_group
// Grid: (OC, OW, N * OH).
void main() {
  int o = int(gl_GlobalInvocationID.x), ox = int(gl_GlobalInvocationID.y);
  int z = int(gl_GlobalInvocationID.z);  // b * OH + oy
  int IH = P(1), IW = P(2), IC = P(3), OH = P(4), OW = P(5), OC = P(6);
  int KH = P(7), KW = P(8), FIC = P(9);
  if (o >= OC || ox >= OW || z >= P(0) * OH) return;
  int b = P(0) == 1 ? 0 : z / OH;
  int oy = z - b * OH;
  int idx = (z * OW + ox) * OC + o;
  int y0 = oy * P(10) - P(14);
  int x0 = ox * P(11) - P(15);
  int c0 = P(20) == OC ? 0 : (o / P(20)) * FIC;  // groups
  float total = 0.0;
  for (int fy = 0; fy < KH; ++fy) {
    int iy = y0 + fy * P(12);
    if (iy < 0 || iy >= IH) continue;
    for (int fx = 0; fx < KW; ++fx) {
      int ix = x0 + fx * P(13);
      if (ix < 0 || ix >= IW) continue;
      int in_base = ((b * IH + iy) * IW + ix) * IC + c0;
      int w_base = ((o * KH + fy) * KW + fx) * FIC;
      for (int c = 0; c < FIC; ++c) total += ld0(in_base + c) * ld1(w_base + c);
    }
  }
  if (P(18) != 0) total += ld2(o);
  st(idx, act(total, PF(16), PF(17)));
}
