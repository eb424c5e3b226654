#version 450
#extension GL_GOOGLE_include_directive : require
#define LOCAL_3D
#include "common.glsl"
// DEPTHWISE_CONV_2D: x0 input NHWC, x1 filter [1,KH,KW,OC], x2 bias.
// p: 0 N 1 IH 2 IW 3 IC 4 OH 5 OW 6 OC 7 KH 8 KW 9 M 10 SH 11 SW 12 DH 13 DW
//    14 PT 15 PL 16 act_lo 17 act_hi 18 has_bias 19 total
// Grid: (OC, OW, N * OH).
void main() {
  int o = int(gl_GlobalInvocationID.x), ox = int(gl_GlobalInvocationID.y);
  int z = int(gl_GlobalInvocationID.z);  // b * OH + oy
  int IH = P(1), IW = P(2), IC = P(3), OH = P(4), OW = P(5), OC = P(6);
  int KH = P(7), KW = P(8);
  if (o >= OC || ox >= OW || z >= P(0) * OH) return;
  int b = P(0) == 1 ? 0 : z / OH;
  int oy = z - b * OH;
  int idx = (z * OW + ox) * OC + o;
  int c = P(9) == 1 ? o : o / P(9);
  int y0 = oy * P(10) - P(14);
  int x0 = ox * P(11) - P(15);
  float total = 0.0;
  for (int fy = 0; fy < KH; ++fy) {
    int iy = y0 + fy * P(12);
    if (iy < 0 || iy >= IH) continue;
    for (int fx = 0; fx < KW; ++fx) {
      int ix = x0 + fx * P(13);
      if (ix < 0 || ix >= IW) continue;
      total += ld0(((b * IH + iy) * IW + ix) * IC + c) * ld1((fy * KW + fx) * OC + o);
    }
  }
  if (P(18) != 0) total += ld2(o);
  st(idx, act(total, PF(16), PF(17)));
}
