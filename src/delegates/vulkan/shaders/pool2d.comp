#version 450
#extension GL_GOOGLE_include_directive : require
#define LOCAL_3D
#include "common.glsl"
// MAX_POOL_2D / AVERAGE_POOL_2D over NHWC; windows clipped to the input and
// the average taken over the in-bounds taps, as in LiteRT.
// p: 0 N 1 IH 2 IW 3 C 4 OH 5 OW 6 KH 7 KW 8 SH 9 SW 10 PT 11 PL 12 act_lo
//    13 act_hi 14 is_max 15 total
// Grid: (C, OW, N * OH).
void main() {
  int c = int(gl_GlobalInvocationID.x), ox = int(gl_GlobalInvocationID.y);
  int z = int(gl_GlobalInvocationID.z);  // b * OH + oy
  int IH = P(1), IW = P(2), C = P(3), OH = P(4), OW = P(5);
  if (c >= C || ox >= OW || z >= P(0) * OH) return;
  int b = P(0) == 1 ? 0 : z / OH;
  int oy = z - b * OH;
  int idx = (z * OW + ox) * C + c;
  int iy0 = oy * P(8) - P(10);
  int ix0 = ox * P(9) - P(11);
  int fy0 = max(0, -iy0), fy1 = min(P(6), IH - iy0);
  int fx0 = max(0, -ix0), fx1 = min(P(7), IW - ix0);
  bool is_max = P(14) != 0;
  float r = is_max ? -3.402823466e+38 : 0.0;
  for (int fy = fy0; fy < fy1; ++fy) {
    for (int fx = fx0; fx < fx1; ++fx) {
      float v = ld0(((b * IH + iy0 + fy) * IW + ix0 + fx) * C + c);
      r = is_max ? max(r, v) : r + v;
    }
  }
  if (!is_max) {
    int count = max(0, fy1 - fy0) * max(0, fx1 - fx0);
    r = count > 0 ? r / float(count) : 0.0;
  }
  st(idx, act(r, PF(12), PF(13)));
}
