#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// DEPTH_TO_SPACE (NHWC, LiteRT's DCR order): x0 input [N,IH,IW,IC].
// p: 0 N 1 IH 2 IW 3 IC 4 block 5 total
void main() {
  int idx = int(gid());
  if (idx >= P(5)) return;
  int IH = P(1), IW = P(2), IC = P(3), bs = P(4);
  int OC = IC / (bs * bs), OW = IW * bs, OH = IH * bs;
  int oc = idx % OC;
  int t = idx / OC;
  int ox = t % OW;
  t /= OW;
  int oy = t % OH;
  int b = t / OH;
  int ic = ((oy % bs) * bs + ox % bs) * OC + oc;
  st(idx, ld0(((b * IH + oy / bs) * IW + ox / bs) * IC + ic));
}
