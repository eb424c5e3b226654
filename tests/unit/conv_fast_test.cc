// The fast float32 CONV_2D / DEPTHWISE_CONV_2D kernels must match the
// reference kernels byte for byte, on every variant this machine runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/conv_f32.h"
#include "kernels/reference/conv.h"
#include "kernels/reference/depthwise_conv.h"
#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/conv_f32_x86.h"
#endif

namespace edgeml {
namespace {

struct Variant {
  std::string name;
  int lanes;
  fast::ConvF32RowsFn conv;
  fast::ConvF32RowsFn depthwise;
};

std::vector<Variant> Variants() {
  std::vector<Variant> v;
#if defined(__x86_64__) || defined(__i386__)
  const CpuFeatures& f = GetHardwareCpuFeatures();
  if (f.avx2) {
    v.push_back({"avx2", x86::kAvx2Lanes, x86::ConvF32Avx2, x86::DepthwiseConvF32Avx2});
  }
  if (f.avx512f) {
    v.push_back({"avx512", x86::kAvx512Lanes, x86::ConvF32Avx512, x86::DepthwiseConvF32Avx512});
  }
#endif
  return v;
}

struct Case {
  int batch, in_h, in_w, in_ch, out_ch, fh, fw, sh, sw, dh, dw, pad_top, pad_left, out_h, out_w;
  bool bias;
  float act_min, act_max;
};

std::string Describe(const Case& c) {
  char buf[256];
  snprintf(buf, sizeof(buf),
           "b%d in %dx%dx%d out_ch %d f %dx%d s %d,%d d %d,%d pad %d,%d out %dx%d bias %d "
           "act [%g,%g]",
           c.batch, c.in_h, c.in_w, c.in_ch, c.out_ch, c.fh, c.fw, c.sh, c.sw, c.dh, c.dw,
           c.pad_top, c.pad_left, c.out_h, c.out_w, c.bias, static_cast<double>(c.act_min),
           static_cast<double>(c.act_max));
  return buf;
}

// Random values, with a sprinkling of -0, inf and NaN so that skipping a
// padding tap versus adding 0*w would show.
std::vector<float> RandomData(std::mt19937& rng, int64_t n, bool specials) {
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  std::uniform_int_distribution<int> pick(0, 199);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) {
    x = u(rng);
    if (!specials) continue;
    const int k = pick(rng);
    if (k == 0) x = -0.f;
    if (k == 1) x = std::numeric_limits<float>::infinity();
    if (k == 2) x = -std::numeric_limits<float>::infinity();
    if (k == 3) x = std::numeric_limits<float>::quiet_NaN();
  }
  return v;
}

Case RandomCase(std::mt19937& rng, bool depthwise) {
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Case c;
  c.batch = r(1, 2);
  c.in_h = r(1, 9);
  c.in_w = r(1, 13);
  c.in_ch = r(1, 40);
  c.out_ch = depthwise ? c.in_ch : r(1, 41);
  const bool one_by_one = r(0, 2) == 0;
  c.fh = one_by_one ? 1 : r(1, 5);
  c.fw = one_by_one ? 1 : r(1, 5);
  c.sh = r(1, 2);
  c.sw = r(1, 2);
  c.dh = r(0, 3) == 0 ? 2 : 1;
  c.dw = r(0, 3) == 0 ? 2 : 1;
  // Leading padding up to the dilated filter extent; the output covers the
  // input plus some trailing padding (like SAME), at least one pixel.
  const int ext_h = (c.fh - 1) * c.dh + 1, ext_w = (c.fw - 1) * c.dw + 1;
  c.pad_top = r(0, ext_h - 1);
  c.pad_left = r(0, ext_w - 1);
  c.out_h = r(1, (c.in_h + c.pad_top + ext_h) / c.sh + 1);
  c.out_w = r(1, (c.in_w + c.pad_left + ext_w) / c.sw + 1);
  c.bias = r(0, 3) != 0;
  const int act = r(0, 2);
  c.act_min = act == 0 ? -std::numeric_limits<float>::infinity() : act == 1 ? 0.f : -1.f;
  c.act_max = act == 0 ? std::numeric_limits<float>::infinity() : act == 1 ? 6.f : 1.f;
  return c;
}

void Setup(const Case& c, reference::ConvParams* p, reference::ConvShape* s) {
  p->stride_h = c.sh;
  p->stride_w = c.sw;
  p->dilation_h = c.dh;
  p->dilation_w = c.dw;
  p->pad_top = c.pad_top;
  p->pad_left = c.pad_left;
  p->act_min = c.act_min;
  p->act_max = c.act_max;
  s->batch = c.batch;
  s->in_h = c.in_h;
  s->in_w = c.in_w;
  s->in_ch = c.in_ch;
  s->filter_h = c.fh;
  s->filter_w = c.fw;
  s->filter_in_ch = c.in_ch;
  s->out_h = c.out_h;
  s->out_w = c.out_w;
  s->out_ch = c.out_ch;
}

// Byte-for-byte equality, except that any NaN equals any NaN: which operand's
// NaN an add of two NaNs returns (and so the sign bit) depends on operand
// order the compiler may commute, in the reference as in the vector code.
void ExpectSameBits(const std::vector<float>& want, const std::vector<float>& got,
                    const std::string& what) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i])) continue;
    uint32_t a, b;
    std::memcpy(&a, &want[i], sizeof(a));
    std::memcpy(&b, &got[i], sizeof(b));
    ASSERT_EQ(a, b) << what << ": element " << i << " is " << got[i] << ", reference " << want[i];
  }
}

// Runs `fn` over all rows in a few uneven pieces, as ParallelFor might.
void RunInPieces(fast::ConvF32RowsFn fn, const reference::ConvParams& p,
                 const reference::ConvShape& s, const float* in, const float* w, const float* b,
                 float* out) {
  const int64_t rows = int64_t{s.batch} * s.out_h;
  int64_t begin = 0, step = 1;
  while (begin < rows) {
    const int64_t end = begin + step < rows ? begin + step : rows;
    fn(p, s, in, w, b, out, begin, end);
    begin = end;
    step += 2;
  }
}

void CheckConv(const Variant& v, const Case& c, std::mt19937& rng, bool specials) {
  reference::ConvParams p;
  reference::ConvShape s;
  Setup(c, &p, &s);
  const auto input = RandomData(rng, int64_t{c.batch} * c.in_h * c.in_w * c.in_ch, specials);
  const auto filter = RandomData(rng, int64_t{c.out_ch} * c.fh * c.fw * c.in_ch, specials);
  const auto bias = RandomData(rng, c.out_ch, false);
  const float* b = c.bias ? bias.data() : nullptr;
  const size_t out_n = static_cast<size_t>(c.batch) * c.out_h * c.out_w * c.out_ch;
  std::vector<float> want(out_n), got(out_n, 12345.f);
  reference::ConvF32(p, s, input.data(), filter.data(), b, want.data());
  std::vector<float> packed(fast::PackedConvF32Size(s, v.lanes));
  std::vector<float> packed_bias(fast::RoundUpChannels(c.out_ch, v.lanes));
  fast::PackConvF32(s, v.lanes, filter.data(), b, packed.data(), packed_bias.data());
  RunInPieces(v.conv, p, s, input.data(), packed.data(), packed_bias.data(), got.data());
  ExpectSameBits(want, got, v.name + " conv " + Describe(c));
}

void CheckDepthwise(const Variant& v, const Case& c, std::mt19937& rng, bool specials) {
  reference::ConvParams p;
  reference::ConvShape s;
  Setup(c, &p, &s);
  const auto input = RandomData(rng, int64_t{c.batch} * c.in_h * c.in_w * c.in_ch, specials);
  const auto filter = RandomData(rng, int64_t{c.fh} * c.fw * c.out_ch, specials);
  const auto bias = RandomData(rng, c.out_ch, false);
  const float* b = c.bias ? bias.data() : nullptr;
  const size_t out_n = static_cast<size_t>(c.batch) * c.out_h * c.out_w * c.out_ch;
  std::vector<float> want(out_n), got(out_n, 12345.f);
  reference::DepthwiseConvF32(p, s, 1, input.data(), filter.data(), b, want.data());
  std::vector<float> packed(fast::PackedDepthwiseF32Size(s, v.lanes));
  std::vector<float> packed_bias(fast::RoundUpChannels(c.out_ch, v.lanes));
  fast::PackDepthwiseF32(s, v.lanes, filter.data(), b, packed.data(), packed_bias.data());
  RunInPieces(v.depthwise, p, s, input.data(), packed.data(), packed_bias.data(), got.data());
  ExpectSameBits(want, got, v.name + " depthwise " + Describe(c));
}

TEST(ConvFastTest, PackConvLayout) {
  // 2 output channels, 1x2 filter, 3 input channels, 4 lanes.
  reference::ConvShape s;
  s.in_ch = s.filter_in_ch = 3;
  s.filter_h = 1;
  s.filter_w = 2;
  s.out_ch = 2;
  std::vector<float> filter(12);
  for (int i = 0; i < 12; ++i) filter[i] = static_cast<float>(i + 1);
  const float bias[2] = {10.f, 20.f};
  ASSERT_EQ(fast::PackedConvF32Size(s, 4), 24u);
  std::vector<float> packed(24), packed_bias(4);
  fast::PackConvF32(s, 4, filter.data(), bias, packed.data(), packed_bias.data());
  // Element (fx=1, c=2) of output channel 1 is filter[1*6 + 1*3 + 2] = 12,
  // at ((fx*in_ch + c) * lanes + lane) = (5*4 + 1).
  EXPECT_EQ(packed[21], 12.f);
  EXPECT_EQ(packed[20], 6.f);  // channel 0, same tap
  EXPECT_EQ(packed[22], 0.f);  // padding lane
  EXPECT_EQ(packed_bias[1], 20.f);
  EXPECT_EQ(packed_bias[3], 0.f);
}

TEST(ConvFastTest, ConvMatchesReference) {
  std::mt19937 rng(7);
  for (const Variant& v : Variants()) {
    for (int i = 0; i < 400; ++i) {
      const Case c = RandomCase(rng, false);
      CheckConv(v, c, rng, i % 4 == 0);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(ConvFastTest, ConvWideRowsAndChannelBlocks) {
  // Long interior runs exercise the multi-pixel, multi-block tiles.
  std::mt19937 rng(11);
  for (const Variant& v : Variants()) {
    for (int out_ch : {1, 7, 8, 16, 31, 33, 64}) {
      for (int k : {1, 3}) {
        Case c{1, 5, 21, 13, out_ch, k, k, 1, 1, 1, 1, k / 2, k / 2, 5, 21, true, 0.f, 6.f};
        CheckConv(v, c, rng, true);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(ConvFastTest, DepthwiseMatchesReference) {
  std::mt19937 rng(9);
  for (const Variant& v : Variants()) {
    for (int i = 0; i < 400; ++i) {
      const Case c = RandomCase(rng, true);
      CheckDepthwise(v, c, rng, i % 4 == 0);
      if (HasFatalFailure()) return;
    }
    for (int ch : {1, 8, 16, 63, 64, 72}) {
      // Stride 2, then stride 1 with 3- and 5-wide rows (the sliding tiles).
      Case c{1, 7, 9, ch, ch, 3, 3, 2, 2, 1, 1, 1, 1, 4, 5, false, -1.f, 1.f};
      CheckDepthwise(v, c, rng, true);
      for (int k : {3, 5}) {
        Case c1{2, 6, 19, ch, ch, k, k, 1, 1, 1, 1, k / 2, k / 2, 6, 19, true, 0.f, 6.f};
        CheckDepthwise(v, c1, rng, true);
      }
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace edgeml
