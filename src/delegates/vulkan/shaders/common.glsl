// Shared declarations of every edgeml Vulkan compute shader.
//
// Bindings 0-3 are read-only tensors, binding 4 is the output; unused ones are
// bound to a dummy buffer. Tensors are stored as float (FP16=0) or float16_t
// (FP16=1, 16-bit storage) and all arithmetic is float32. Parameters arrive as
// 32 push-constant ints (floats as their bits). Specialization constant 0
// rounds every stored value to the nearest float16 (emulated fp16 precision on
// devices without 16-bit storage). 1-D shaders (the default) run 64-wide
// groups over a 2-D grid; the flat index is gid()); 3-D shaders use 8x8 groups
// over (channel, x, batch*y) so that they need no integer division, which
// CPU implementations such as lavapipe run one lane at a time.
#if FP16
#extension GL_EXT_shader_16bit_storage : require
#define STYPE float16_t
#else
#define STYPE float
#endif

layout(constant_id = 0) const int kRound16 = 0;

layout(std430, set = 0, binding = 0) readonly buffer In0 { STYPE x0[]; };
layout(std430, set = 0, binding = 1) readonly buffer In1 { STYPE x1[]; };
layout(std430, set = 0, binding = 2) readonly buffer In2 { STYPE x2[]; };
layout(std430, set = 0, binding = 3) readonly buffer In3 { STYPE x3[]; };
layout(std430, set = 0, binding = 4) writeonly buffer Out { STYPE y[]; };
layout(push_constant) uniform Params { int p[32]; } pc;

#ifdef LOCAL_3D
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1) in;
#else
layout(local_size_x = 64, local_size_y = 1, local_size_z = 1) in;
#endif
uint gid() { return gl_GlobalInvocationID.y * gl_NumWorkGroups.x * 64u + gl_GlobalInvocationID.x; }
int P(int k) { return pc.p[k]; }
float PF(int k) { return intBitsToFloat(pc.p[k]); }
float ld0(int i) { return float(x0[i]); }
float ld1(int i) { return float(x1[i]); }
float ld2(int i) { return float(x2[i]); }
float ld3(int i) { return float(x3[i]); }
void st(int i, float v) {
  if (kRound16 != 0) v = unpackHalf2x16(packHalf2x16(vec2(v, 0.0))).x;
  y[i] = STYPE(v);
}
// Fused activation as LiteRT applies it: max with the low bound, then min.
float act(float v, float lo, float hi) { return min(max(v, lo), hi); }
