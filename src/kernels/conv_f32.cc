#include "kernels/conv_f32.h"

namespace edgeml::fast {

void PackConvF32(const reference::ConvShape& s, int lanes, const float* filter, const float* bias,
                 float* packed_filter, float* packed_bias) {
  const int64_t padded = RoundUpChannels(s.out_ch, lanes);
  const int64_t taps = int64_t{s.filter_h} * s.filter_w;
  const int64_t k = taps * s.in_ch;  // weights per output channel
  for (int64_t o = 0; o < padded; ++o) {
    const int64_t block = o / lanes, lane = o % lanes;
    float* dst = packed_filter + block * k * lanes + lane;
    const float* src = filter + o * k;
    for (int64_t i = 0; i < k; ++i) dst[i * lanes] = o < s.out_ch ? src[i] : 0.f;
    packed_bias[o] = (bias != nullptr && o < s.out_ch) ? bias[o] : 0.f;
  }
}

void PackDepthwiseF32(const reference::ConvShape& s, int lanes, const float* filter,
                      const float* bias, float* packed_filter, float* packed_bias) {
  const int64_t padded = RoundUpChannels(s.out_ch, lanes);
  const int64_t taps = int64_t{s.filter_h} * s.filter_w;
  for (int64_t t = 0; t < taps; ++t) {
    for (int64_t c = 0; c < padded; ++c) {
      packed_filter[t * padded + c] = c < s.out_ch ? filter[t * s.out_ch + c] : 0.f;
    }
  }
  for (int64_t c = 0; c < padded; ++c) {
    packed_bias[c] = (bias != nullptr && c < s.out_ch) ? bias[c] : 0.f;
  }
}

}  // namespace edgeml::fast
