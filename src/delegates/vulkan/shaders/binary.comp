#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
// Broadcast binary ops over 4-D views: x0 = a, x1 = b.
// p: 0 op (0 add 1 sub 2 mul 3 div 4 prelu 5 maximum 6 minimum 7 squared_difference)
//    1 total 2 D1 3 D2 4 D3 (output dims 1..3) 5..8 a strides 9..12 b strides
//    13 act_lo 14 act_hi
// Operand index modes (15 for a, 16 for b): 0 = the output index modulo
// the operand's size (same shape, a scalar, or broadcast over leading dims:
// no 4-D decomposition), 1 = strides. 17 / 18: sizes of a / b.
int operand_index(int idx, int mode, int size, int s0, int s1, int s2, int s3) {
  if (mode == 0) return size == P(1) ? idx : (size == 1 ? 0 : idx % size);
  int i3 = idx % P(4);
  int t = idx / P(4);
  int i2 = t % P(3);
  t /= P(3);
  int i1 = t % P(2);
  int i0 = t / P(2);
  return i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3;
}
void main() {
  int idx = int(gid());
  if (idx >= P(1)) return;
  float a = ld0(operand_index(idx, P(15), P(17), P(5), P(6), P(7), P(8)));
  float b = ld1(operand_index(idx, P(16), P(18), P(9), P(10), P(11), P(12)));
  int op = P(0);
  float r;
  if (op == 0) r = a + b;
  else if (op == 1) r = a - b;
  else if (op == 2) r = a * b;
  else if (op == 3) r = a / b;
  else if (op == 4) r = a >= 0.0 ? a : a * b;
  else if (op == 5) r = max(a, b);
  else if (op == 6) r = min(a, b);
  else { float d = a - b; r = d * d; }
  st(idx, act(r, PF(13), PF(14)));
}
