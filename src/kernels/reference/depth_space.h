// DEPTH_TO_SPACE and SPACE_TO_DEPTH over NHWC tensors. Pure data movement, so
// the kernels copy elements of any fixed size.
//
// DEPTH_TO_SPACE: out[b][h][w][d] = in[b][h/bs][w/bs][((h%bs)*bs + w%bs)*D + d]
// where D = in_depth / bs^2; SPACE_TO_DEPTH is its inverse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace edgeml::reference {

// Dims are those of the input: [batches, in_h, in_w, in_c].
inline void DepthToSpace(int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c, int32_t block,
                         size_t elem_bytes, const void* input, void* output) {
  const int32_t out_c = in_c / (block * block);
  const size_t chunk = static_cast<size_t>(out_c) * elem_bytes;  // contiguous run copied
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const int32_t out_h = in_h * block, out_w = in_w * block;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      const int32_t iy = oy / block, by = oy % block;
      for (int32_t ox = 0; ox < out_w; ++ox) {
        const int32_t ix = ox / block, bx = ox % block;
        const size_t pixel = (static_cast<size_t>(b) * in_h + iy) * in_w + ix;
        const uint8_t* src =
            in + (pixel * in_c + static_cast<size_t>(by * block + bx) * out_c) * elem_bytes;
        if (chunk) std::memcpy(out, src, chunk);
        out += chunk;
      }
    }
  }
}

// Dims are those of the input: [batches, in_h, in_w, in_c].
inline void SpaceToDepth(int32_t batches, int32_t in_h, int32_t in_w, int32_t in_c, int32_t block,
                         size_t elem_bytes, const void* input, void* output) {
  const size_t chunk = static_cast<size_t>(in_c) * elem_bytes;
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* out = static_cast<uint8_t*>(output);
  const int32_t out_h = in_h / block, out_w = in_w / block;
  for (int32_t b = 0; b < batches; ++b) {
    for (int32_t oy = 0; oy < out_h; ++oy) {
      for (int32_t ox = 0; ox < out_w; ++ox) {
        // Output depth runs over (by, bx, c) with c fastest.
        for (int32_t by = 0; by < block; ++by) {
          for (int32_t bx = 0; bx < block; ++bx) {
            const size_t pixel =
                (static_cast<size_t>(b) * in_h + oy * block + by) * in_w + ox * block + bx;
            if (chunk) std::memcpy(out, in + pixel * chunk, chunk);
            out += chunk;
          }
        }
      }
    }
  }
}

}  // namespace edgeml::reference
