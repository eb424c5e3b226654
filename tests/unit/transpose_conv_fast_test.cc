// The fast float32 transposed-convolution kernels must match
// reference::TransposeConvF32 byte for byte (bias last, as TRANSPOSE_CONV,
// and bias first, as MediaPipe's Convolution2DTransposeBias), on every
// variant this machine runs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/conv_f32.h"
#include "kernels/reference/transpose_conv.h"
#include "kernels/transpose_conv_f32.h"
#if defined(__x86_64__) || defined(__i386__)
#include "kernels/x86/transpose_conv_f32_x86.h"
#endif

namespace edgeml {
namespace {

struct Variant {
  std::string name;
  int lanes;
  fast::TransposeConvF32RowsFn fn;
};

std::vector<Variant> Variants() {
  std::vector<Variant> v;
#if defined(__x86_64__) || defined(__i386__)
  const CpuFeatures& f = GetHardwareCpuFeatures();
  if (f.avx2) v.push_back({"avx2", x86::kAvx2Lanes, x86::TransposeConvF32Avx2});
  if (f.avx512f) v.push_back({"avx512", x86::kAvx512Lanes, x86::TransposeConvF32Avx512});
#endif
  return v;
}

struct Case {
  int batch, in_h, in_w, in_ch, out_ch, fh, fw, sh, sw, pad_top, pad_left, out_h, out_w;
  bool bias, bias_first;
  float act_min, act_max;
};

std::string Describe(const Case& c) {
  char buf[256];
  snprintf(buf, sizeof(buf),
           "b%d in %dx%dx%d out_ch %d f %dx%d s %d,%d pad %d,%d out %dx%d bias %d first %d "
           "act [%g,%g]",
           c.batch, c.in_h, c.in_w, c.in_ch, c.out_ch, c.fh, c.fw, c.sh, c.sw, c.pad_top,
           c.pad_left, c.out_h, c.out_w, c.bias, c.bias_first, static_cast<double>(c.act_min),
           static_cast<double>(c.act_max));
  return buf;
}

// Random values with some -0, +-inf and NaN.
std::vector<float> RandomData(std::mt19937& rng, int64_t n, bool specials) {
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  std::uniform_int_distribution<int> pick(0, 99);
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

Case RandomCase(std::mt19937& rng) {
  auto r = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Case c;
  c.batch = r(1, 2);
  c.in_h = r(1, 8);
  c.in_w = r(1, 13);
  c.in_ch = r(1, 37);
  c.out_ch = r(1, 41);
  c.fh = r(1, 5);
  c.fw = r(1, 5);
  c.sh = r(1, 3);
  c.sw = r(1, 3);
  c.pad_top = r(0, c.fh - 1);
  c.pad_left = r(0, c.fw - 1);
  // Around the full size stride * (in - 1) + kernel - pad, smaller or larger.
  c.out_h = r(1, c.sh * (c.in_h - 1) + c.fh + 1);
  c.out_w = r(1, c.sw * (c.in_w - 1) + c.fw + 1);
  c.bias = r(0, 3) != 0;
  c.bias_first = r(0, 1) == 1;
  const int act = r(0, 2);
  c.act_min = act == 0 ? -std::numeric_limits<float>::infinity() : act == 1 ? 0.f : -1.f;
  c.act_max = act == 0 ? std::numeric_limits<float>::infinity() : act == 1 ? 6.f : 1.f;
  return c;
}

// Byte equality except that any NaN equals any NaN (the sign of a NaN from
// two NaN operands depends on operand order).
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

void Check(const Variant& v, const Case& c, std::mt19937& rng, bool specials) {
  reference::ConvParams p;
  p.stride_h = c.sh;
  p.stride_w = c.sw;
  p.pad_top = c.pad_top;
  p.pad_left = c.pad_left;
  p.act_min = c.act_min;
  p.act_max = c.act_max;
  reference::ConvShape s;
  s.batch = c.batch;
  s.in_h = c.in_h;
  s.in_w = c.in_w;
  s.in_ch = s.filter_in_ch = c.in_ch;
  s.filter_h = c.fh;
  s.filter_w = c.fw;
  s.out_h = c.out_h;
  s.out_w = c.out_w;
  s.out_ch = c.out_ch;
  const auto input = RandomData(rng, int64_t{c.batch} * c.in_h * c.in_w * c.in_ch, specials);
  const auto filter = RandomData(rng, int64_t{c.out_ch} * c.fh * c.fw * c.in_ch, specials);
  const auto bias = RandomData(rng, c.out_ch, specials);
  const float* b = c.bias ? bias.data() : nullptr;
  const size_t out_n = static_cast<size_t>(c.batch) * c.out_h * c.out_w * c.out_ch;
  std::vector<float> want(out_n), got(out_n, 12345.f);
  reference::TransposeConvF32(p, s, input.data(), filter.data(), b, c.bias_first, want.data());
  std::vector<float> packed(fast::PackedConvF32Size(s, v.lanes));
  std::vector<float> packed_bias(fast::RoundUpChannels(c.out_ch, v.lanes));
  fast::PackConvF32(s, v.lanes, filter.data(), b, packed.data(), packed_bias.data());
  // Uneven row pieces, as ParallelFor might hand out.
  const int64_t rows = int64_t{s.batch} * s.out_h;
  int64_t begin = 0, step = 1;
  while (begin < rows) {
    const int64_t end = begin + step < rows ? begin + step : rows;
    v.fn(p, s, input.data(), packed.data(), packed_bias.data(), c.bias_first, got.data(), begin,
         end);
    begin = end;
    step += 2;
  }
  ExpectSameBits(want, got, v.name + " " + Describe(c));
}

TEST(TransposeConvFastTest, MatchesReference) {
  std::mt19937 rng(17);
  for (const Variant& v : Variants()) {
    for (int i = 0; i < 600; ++i) {
      const Case c = RandomCase(rng);
      Check(v, c, rng, i % 3 == 0);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(TransposeConvFastTest, UpsamplingShapes) {
  // MediaPipe's decoder shape: 2x2 (and 3x3, 4x4) stride 2, wide rows so the
  // multi-pixel tiles run, channel counts around the vector width.
  std::mt19937 rng(5);
  for (const Variant& v : Variants()) {
    for (int out_ch : {1, 8, 15, 16, 17, 32, 40, 64}) {
      for (int k : {2, 3, 4}) {
        for (bool first : {false, true}) {
          const int pad = (k - 2 + 1) / 2;
          const int in_w = 19, in_h = 4;
          Case c{1,
                 in_h,
                 in_w,
                 24,
                 out_ch,
                 k,
                 k,
                 2,
                 2,
                 pad,
                 pad,
                 2 * (in_h - 1) + k - pad,
                 2 * (in_w - 1) + k - 2 * pad,
                 true,
                 first,
                 -std::numeric_limits<float>::infinity(),
                 std::numeric_limits<float>::infinity()};
          Check(v, c, rng, out_ch % 2 == 1);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(TransposeConvFastTest, NegativeZeroBiasFirst) {
  // An output no input reaches keeps a -0 bias as -0 when the bias comes
  // first (no later add), but becomes +0 when the bias is added last.
  for (const Variant& v : Variants()) {
    reference::ConvParams p;
    p.stride_h = p.stride_w = 3;
    reference::ConvShape s;
    s.batch = s.in_h = s.in_w = 1;
    s.in_ch = s.filter_in_ch = 2;
    s.filter_h = s.filter_w = 1;
    s.out_h = s.out_w = 2;
    s.out_ch = 3;
    const float input[2] = {1.f, 2.f};
    const float filter[6] = {1.f, 1.f, 2.f, 2.f, 3.f, 3.f};
    const float bias[3] = {-0.f, -0.f, 0.5f};
    std::vector<float> packed(fast::PackedConvF32Size(s, v.lanes));
    std::vector<float> packed_bias(fast::RoundUpChannels(s.out_ch, v.lanes));
    fast::PackConvF32(s, v.lanes, filter, bias, packed.data(), packed_bias.data());
    for (bool first : {true, false}) {
      std::vector<float> got(12, 7.f);
      v.fn(p, s, input, packed.data(), packed_bias.data(), first, got.data(), 0, 2);
      // Pixel (0,0) gets bias + 1*1 + 2*1 etc.; the others only the bias.
      EXPECT_EQ(got[0], 3.f) << v.name;
      EXPECT_EQ(got[1], 6.f) << v.name;
      EXPECT_EQ(got[2], 9.5f) << v.name;
      EXPECT_EQ(std::signbit(got[3]), first) << v.name;
      EXPECT_EQ(got[3], 0.f) << v.name;
      EXPECT_EQ(got[5], 0.5f) << v.name;
    }
  }
}

}  // namespace
}  // namespace edgeml
