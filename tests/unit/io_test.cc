// Tests for src/io: .npy reading/writing and image load/resize/convert/write.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "io/image.h"
#include "io/npy.h"

namespace edgeml::io {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// A .npy file built by hand: magic, version, little-endian header length,
// header text, data.
std::vector<uint8_t> MakeNpy(const std::string& header, const std::vector<uint8_t>& data,
                             int major = 1) {
  std::string s = std::string("\x93NUMPY", 6);
  s += static_cast<char>(major);
  s += '\0';
  const size_t n = header.size();
  const int len_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < len_bytes; ++i) s += static_cast<char>((n >> (8 * i)) & 0xff);
  s += header;
  std::vector<uint8_t> out = Bytes(s);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Status Parse(const std::vector<uint8_t>& b, NpyArray* a) { return ParseNpy(b.data(), b.size(), a); }

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/edgeml_io_test_" + name;
}

TEST(Npy, SerializeMatchesNumpyLayout) {
  // np.save of np.arange(3, dtype=np.float32) produces exactly this header:
  // 10 prefix bytes + 118 header bytes = 128, data at offset 128.
  const float v[3] = {0.f, 1.f, 2.f};
  std::vector<uint8_t> out;
  ASSERT_TRUE(SerializeNpy(DataType::kFloat32, {3}, v, sizeof(v), &out).ok());
  ASSERT_EQ(out.size(), 128u + 12u);
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10) + dict;
  expected.append(128 - 1 - expected.size(), ' ');
  expected += '\n';
  EXPECT_EQ(std::string(out.begin(), out.begin() + 128), expected);
  EXPECT_EQ(std::memcmp(out.data() + 128, v, sizeof(v)), 0);
}

TEST(Npy, ShapeTextForScalarAndMatrix) {
  std::vector<uint8_t> out;
  const int32_t s = 7;
  ASSERT_TRUE(SerializeNpy(DataType::kInt32, {}, &s, 4, &out).ok());
  EXPECT_NE(std::string(out.begin(), out.end()).find("'shape': (), }"), std::string::npos);
  const int32_t m[6] = {};
  ASSERT_TRUE(SerializeNpy(DataType::kInt32, {2, 3}, m, sizeof(m), &out).ok());
  EXPECT_NE(std::string(out.begin(), out.end()).find("'shape': (2, 3), }"), std::string::npos);
  EXPECT_EQ((out.size() - sizeof(m)) % 64, 0u);
}

TEST(Npy, RoundTripEveryDtype) {
  const DataType types[] = {DataType::kFloat32, DataType::kFloat16, DataType::kFloat64,
                            DataType::kInt8,    DataType::kInt16,   DataType::kInt32,
                            DataType::kInt64,   DataType::kUInt8,   DataType::kUInt16,
                            DataType::kUInt32,  DataType::kUInt64,  DataType::kBool};
  for (DataType t : types) {
    SCOPED_TRACE(DataTypeName(t));
    const Shape shape = {2, 3, 1};
    const size_t bytes = 6 * DataTypeSize(t);
    std::vector<uint8_t> data(bytes);
    for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<uint8_t>(i * 37 + 11);
    if (t == DataType::kBool) {
      for (size_t i = 0; i < bytes; ++i) data[i] = i % 2;
    }
    std::vector<uint8_t> file;
    ASSERT_TRUE(SerializeNpy(t, shape, data.data(), bytes, &file).ok());
    NpyArray a;
    Status s = Parse(file, &a);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(a.type, t);
    EXPECT_EQ(a.shape, shape);
    EXPECT_EQ(a.data, data);

    // Through the file system too.
    const std::string path = TempPath("rt.npy");
    ASSERT_TRUE(WriteNpy(path, t, shape, data.data(), bytes).ok());
    NpyArray b;
    s = ReadNpy(path, &b);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(b.type, t);
    EXPECT_EQ(b.shape, shape);
    EXPECT_EQ(b.data, data);
    std::remove(path.c_str());
  }
}

TEST(Npy, DescrStrings) {
  EXPECT_STREQ(NpyDescr(DataType::kFloat32), "<f4");
  EXPECT_STREQ(NpyDescr(DataType::kFloat16), "<f2");
  EXPECT_STREQ(NpyDescr(DataType::kInt8), "|i1");
  EXPECT_STREQ(NpyDescr(DataType::kUInt8), "|u1");
  EXPECT_STREQ(NpyDescr(DataType::kBool), "|b1");
  EXPECT_STREQ(NpyDescr(DataType::kInt64), "<i8");
  EXPECT_EQ(NpyDescr(DataType::kString), nullptr);
}

TEST(Npy, EmptyArray) {
  std::vector<uint8_t> file;
  ASSERT_TRUE(SerializeNpy(DataType::kFloat32, {0, 4}, nullptr, 0, &file).ok());
  NpyArray a;
  ASSERT_TRUE(Parse(file, &a).ok());
  EXPECT_EQ(a.shape, (Shape{0, 4}));
  EXPECT_TRUE(a.data.empty());
}

TEST(Npy, AcceptsOtherValidHeaderSpellings) {
  NpyArray a;
  // Double quotes, other key order, no trailing comma, version 2.0 and 3.0.
  const std::vector<uint8_t> two = {1, 0, 2, 0};
  for (int major : {1, 2, 3}) {
    auto f =
        MakeNpy("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i2\"}\n", two, major);
    Status s = Parse(f, &a);
    ASSERT_TRUE(s.ok()) << major << ": " << s.ToString();
    EXPECT_EQ(a.type, DataType::kInt16);
    EXPECT_EQ(a.shape, Shape{2});
  }
  // '<i1' and '|u1' style for one-byte types; "(3)" without a comma.
  auto f = MakeNpy("{'descr': '<i1', 'fortran_order': False, 'shape': (3), }", {1, 2, 3});
  ASSERT_TRUE(Parse(f, &a).ok());
  EXPECT_EQ(a.type, DataType::kInt8);
  EXPECT_EQ(a.shape, Shape{3});
}

TEST(Npy, TruncatedAtEveryLengthFails) {
  const float v[4] = {1, 2, 3, 4};
  std::vector<uint8_t> file;
  ASSERT_TRUE(SerializeNpy(DataType::kFloat32, {4}, v, sizeof(v), &file).ok());
  NpyArray a;
  for (size_t n = 0; n < file.size(); ++n) {
    std::vector<uint8_t> prefix(file.begin(), file.begin() + n);
    EXPECT_FALSE(Parse(prefix, &a).ok()) << "prefix of " << n << " bytes";
  }
  EXPECT_TRUE(Parse(file, &a).ok());
  EXPECT_FALSE(ParseNpy(nullptr, 0, &a).ok());
}

TEST(Npy, BadMagicAndVersion) {
  NpyArray a;
  const std::string hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }";
  auto f = MakeNpy(hdr, {0, 0, 0, 0});
  f[1] = 'X';
  Status s = Parse(f, &a);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("magic"), std::string::npos) << s.message();

  auto g = MakeNpy(hdr, {0, 0, 0, 0}, 4);
  s = Parse(g, &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("version 4"), std::string::npos) << s.message();
}

TEST(Npy, HeaderLengthPastEnd) {
  NpyArray a;
  auto f = MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 0});
  f[8] = 0xff;
  f[9] = 0xff;
  EXPECT_FALSE(Parse(f, &a).ok());
  // A 4 GiB header length in version 2.0.
  auto g = MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 0}, 2);
  g[8] = g[9] = g[10] = g[11] = 0xff;
  EXPECT_FALSE(Parse(g, &a).ok());
}

TEST(Npy, BadDicts) {
  const std::vector<std::string> bad = {
      "",
      "not a dict",
      "{'descr': '<f4', 'fortran_order': False}",                                 // no shape
      "{'descr': '<f4', 'shape': (1,)}",                                          // no fortran
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",          // extra key
      "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}",  // dup
      "{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}",                  // not Python
      "{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",                   // list
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,}",
      "{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",  // unbalanced quote
      "{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",  // missing comma
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1.5,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
  };
  NpyArray a;
  for (const std::string& h : bad) {
    Status s = Parse(MakeNpy(h, {0, 0, 0, 0}), &a);
    EXPECT_FALSE(s.ok()) << h;
  }
}

TEST(Npy, ShapeOverflow) {
  NpyArray a;
  // A dim over int32.
  Status s = Parse(
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967297,), }", {0, 0, 0, 0}),
      &a);
  EXPECT_FALSE(s.ok());
  // Each dim fits but the product does not fit in 64 bits.
  s = Parse(MakeNpy("{'descr': '<f8', 'fortran_order': False, "
                    "'shape': (2147483647, 2147483647, 2147483647), }",
                    {0, 0, 0, 0}),
            &a);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("overflow"), std::string::npos) << s.message();
  // A huge digit string must not loop or overflow.
  s = Parse(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::string(500, '9') +
                        ",), }",
                    {}),
            &a);
  EXPECT_FALSE(s.ok());
  // More than 64 dims.
  std::string many = "(";
  for (int i = 0; i < 65; ++i) many += "1,";
  many += ")";
  s = Parse(
      MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': " + many + ", }", {0, 0, 0, 0}),
      &a);
  EXPECT_FALSE(s.ok());
}

TEST(Npy, DataSizeMustMatch) {
  NpyArray a;
  const std::string hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  Status s = Parse(MakeNpy(hdr, std::vector<uint8_t>(15)), &a);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("needs 16 data bytes"), std::string::npos) << s.message();
  EXPECT_FALSE(Parse(MakeNpy(hdr, std::vector<uint8_t>(17)), &a).ok());
  EXPECT_TRUE(Parse(MakeNpy(hdr, std::vector<uint8_t>(16)), &a).ok());
}

TEST(Npy, UnsupportedButValid) {
  NpyArray a;
  Status s =
      Parse(MakeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", {0, 0, 0, 0}), &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("fortran_order"), std::string::npos) << s.message();

  s = Parse(MakeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 0}), &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("big-endian"), std::string::npos) << s.message();

  for (const char* d : {"<c8", "<U4", "|O", "<f16", "|f4", "<x4"}) {
    s = Parse(
        MakeNpy(std::string("{'descr': '") + d + "', 'fortran_order': False, 'shape': (1,), }",
                {0, 0, 0, 0}),
        &a);
    EXPECT_FALSE(s.ok()) << d;
  }
  s = Parse(
      MakeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", {0, 0, 0, 0}),
      &a);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
}

TEST(Npy, BoolValuesMustBeZeroOrOne) {
  NpyArray a;
  const std::string hdr = "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }";
  EXPECT_TRUE(Parse(MakeNpy(hdr, {0, 1, 0}), &a).ok());
  EXPECT_FALSE(Parse(MakeNpy(hdr, {0, 2, 0}), &a).ok());
}

TEST(Npy, RandomByteMutationsNeverBreakInvariants) {
  // Cheap in-tree fuzzing: any accepted mutation must be self-consistent.
  const int16_t v[6] = {1, 2, 3, 4, 5, 6};
  std::vector<uint8_t> file;
  ASSERT_TRUE(SerializeNpy(DataType::kInt16, {2, 3}, v, sizeof(v), &file).ok());
  uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  int accepted = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> m = file;
    const int edits = 1 + next() % 4;
    for (int e = 0; e < edits; ++e) m[next() % m.size()] = static_cast<uint8_t>(next());
    if (next() % 4 == 0) m.resize(next() % m.size());
    NpyArray a;
    if (!Parse(m, &a).ok()) continue;
    ++accepted;
    int64_t count = 0;
    ASSERT_TRUE(ShapeElementCount(a.shape, &count, DataTypeSize(a.type)));
    ASSERT_EQ(a.data.size(), static_cast<size_t>(count) * DataTypeSize(a.type));
  }
  EXPECT_GT(accepted, 0);  // some padding-byte edits stay valid
}

TEST(Npy, WriteChecksArguments) {
  const float v[2] = {1, 2};
  std::vector<uint8_t> out;
  EXPECT_FALSE(SerializeNpy(DataType::kFloat32, {3}, v, sizeof(v), &out).ok());
  EXPECT_FALSE(SerializeNpy(DataType::kFloat32, {-2}, v, sizeof(v), &out).ok());
  EXPECT_FALSE(SerializeNpy(DataType::kString, {2}, v, sizeof(v), &out).ok());
  EXPECT_EQ(WriteNpy("/nonexistent-dir/x.npy", DataType::kFloat32, {2}, v, sizeof(v)).code(),
            StatusCode::kIoError);
  NpyArray a;
  EXPECT_EQ(ReadNpy("/nonexistent-dir/x.npy", &a).code(), StatusCode::kIoError);
}

// ---------------------------------------------------------------------------
// Images

const std::string kChelsea = std::string(EDGEML_TESTDATA_DIR) + "/images/chelsea.png";

TEST(Image, LoadChelsea) {
  Image img;
  Status s = LoadImage(kChelsea, 0, &img);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(img.width, 451);
  EXPECT_EQ(img.height, 300);
  ASSERT_EQ(img.channels, 3);
  // Reference pixels and means from an independent zlib-based PNG decode.
  auto px = [&](int y, int x, int c) { return img.pixels[(y * img.width + x) * 3 + c]; };
  EXPECT_EQ(px(0, 0, 0), 143);
  EXPECT_EQ(px(0, 0, 1), 120);
  EXPECT_EQ(px(0, 0, 2), 104);
  EXPECT_EQ(px(150, 300, 0), 110);
  EXPECT_EQ(px(150, 300, 1), 91);
  EXPECT_EQ(px(150, 300, 2), 49);
  EXPECT_EQ(px(299, 450, 0), 162);
  const double want[3] = {147.67308943, 111.44447894, 86.79785661};
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (size_t i = c; i < img.pixels.size(); i += 3) sum += img.pixels[i];
    EXPECT_NEAR(sum / (451.0 * 300.0), want[c], 1e-6);
  }
}

TEST(Image, ResizeChelsea32) {
  Image img, small;
  ASSERT_TRUE(LoadImage(kChelsea, 3, &img).ok());
  ASSERT_TRUE(ResizeBilinear(img, 32, 32, &small).ok());
  EXPECT_EQ(small.width, 32);
  EXPECT_EQ(small.height, 32);
  ASSERT_EQ(small.pixels.size(), 32u * 32u * 3u);
  // Downscaling keeps the per-channel mean near the full image's.
  const double full[3] = {147.67, 111.44, 86.80};
  for (int c = 0; c < 3; ++c) {
    double sum = 0;
    for (size_t i = c; i < small.pixels.size(); i += 3) sum += small.pixels[i];
    EXPECT_NEAR(sum / 1024.0, full[c], 8.0) << "channel " << c;
  }
  // Through the tensor path: float in [-1,1] with the same mean mapping.
  std::vector<uint8_t> data;
  ASSERT_TRUE(LoadImageForTensor(kChelsea, DataType::kFloat32, {1, 32, 32, 3}, {}, &data).ok());
  ASSERT_EQ(data.size(), 32u * 32u * 3u * 4u);
  const float* f = reinterpret_cast<const float*>(data.data());
  double sum0 = 0;
  for (size_t i = 0; i < 32 * 32 * 3; ++i) {
    ASSERT_GE(f[i], -1.0f);
    ASSERT_LE(f[i], 1.0f);
    EXPECT_FLOAT_EQ(f[i], (small.pixels[i] - 127.5f) / 127.5f);
    if (i % 3 == 0) sum0 += f[i];
  }
  EXPECT_NEAR(sum0 / 1024.0, (147.67 - 127.5) / 127.5, 8.0 / 127.5);
}

TEST(Image, ResizeBilinearHandComputed) {
  // 2x2 gray upscaled to 4x4 with half-pixel centers: source coords
  // -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped neighbour) per axis.
  Image in;
  in.width = in.height = 2;
  in.channels = 1;
  in.pixels = {0, 100, 200, 40};
  Image out;
  ASSERT_TRUE(ResizeBilinear(in, 4, 4, &out).ok());
  auto at = [&](int y, int x) { return static_cast<int>(out.pixels[y * 4 + x]); };
  EXPECT_EQ(at(0, 0), 0);
  EXPECT_EQ(at(0, 1), 25);  // 0 + 0.25*100
  EXPECT_EQ(at(0, 2), 75);
  EXPECT_EQ(at(0, 3), 100);
  EXPECT_EQ(at(3, 0), 200);
  EXPECT_EQ(at(3, 3), 40);
  EXPECT_EQ(at(1, 0), 50);  // 0.75*0 + 0.25*200
  // y=0.25, x=0.25: top 25, bottom 200-0.25*160=160 -> 25 + 0.25*135 = 58.75
  EXPECT_EQ(at(1, 1), 59);
  // Same size is the identity; 1x1 output averages the centre.
  ASSERT_TRUE(ResizeBilinear(in, 2, 2, &out).ok());
  EXPECT_EQ(out.pixels, in.pixels);
  ASSERT_TRUE(ResizeBilinear(in, 1, 1, &out).ok());
  EXPECT_EQ(out.pixels[0], 85);  // (0+100+200+40)/4
  EXPECT_FALSE(ResizeBilinear(in, 0, 4, &out).ok());
  in.pixels.pop_back();
  EXPECT_FALSE(ResizeBilinear(in, 4, 4, &out).ok());
}

TEST(Image, Conversions) {
  Image img;
  img.width = 2;
  img.height = 1;
  img.channels = 3;
  img.pixels = {0, 255, 128, 10, 20, 30};
  std::vector<uint8_t> d;
  ASSERT_TRUE(ImageToTensorData(img, DataType::kFloat32, {}, &d).ok());
  const float* f = reinterpret_cast<const float*>(d.data());
  EXPECT_FLOAT_EQ(f[0], -1.0f);
  EXPECT_FLOAT_EQ(f[1], 1.0f);
  EXPECT_FLOAT_EQ(f[2], 0.5f / 127.5f);
  // Per-channel normalization.
  Normalization n;
  n.mean = {0, 10, 20};
  n.std = {1, 2, 5};
  ASSERT_TRUE(ImageToTensorData(img, DataType::kFloat32, n, &d).ok());
  f = reinterpret_cast<const float*>(d.data());
  EXPECT_FLOAT_EQ(f[3], 10.0f);
  EXPECT_FLOAT_EQ(f[4], 5.0f);
  EXPECT_FLOAT_EQ(f[5], 2.0f);
  ASSERT_TRUE(ImageToTensorData(img, DataType::kUInt8, {}, &d).ok());
  EXPECT_EQ(d, img.pixels);
  ASSERT_TRUE(ImageToTensorData(img, DataType::kInt8, {}, &d).ok());
  const int8_t* q = reinterpret_cast<const int8_t*>(d.data());
  EXPECT_EQ(q[0], -128);
  EXPECT_EQ(q[1], 127);
  EXPECT_EQ(q[2], 0);
  EXPECT_EQ(q[3], -118);
  // Errors: zero std, wrong count, unsupported type, bad tensor shapes.
  n.std = {0};
  EXPECT_FALSE(ImageToTensorData(img, DataType::kFloat32, n, &d).ok());
  n.std = {1, 2};
  EXPECT_FALSE(ImageToTensorData(img, DataType::kFloat32, n, &d).ok());
  EXPECT_EQ(ImageToTensorData(img, DataType::kInt32, {}, &d).code(), StatusCode::kUnsupported);
  EXPECT_FALSE(LoadImageForTensor(kChelsea, DataType::kFloat32, {1, 8, 8, 2}, {}, &d).ok());
  EXPECT_FALSE(LoadImageForTensor(kChelsea, DataType::kFloat32, {2, 8, 8, 3}, {}, &d).ok());
  EXPECT_FALSE(LoadImageForTensor(kChelsea, DataType::kFloat32, {8, 8, 3}, {}, &d).ok());
  // Grayscale input gets one channel.
  ASSERT_TRUE(LoadImageForTensor(kChelsea, DataType::kUInt8, {1, 5, 7, 1}, {}, &d).ok());
  EXPECT_EQ(d.size(), 35u);
}

TEST(Image, PngRoundTrip) {
  std::vector<uint8_t> gray(6 * 4), rgb(6 * 4 * 3);
  for (size_t i = 0; i < gray.size(); ++i) gray[i] = static_cast<uint8_t>(i * 11);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<uint8_t>(i * 7 + 3);
  const std::string gp = TempPath("gray.png"), cp = TempPath("rgb.png");
  ASSERT_TRUE(WriteGrayPng(gp, 6, 4, gray.data()).ok());
  ASSERT_TRUE(WriteRgbPng(cp, 6, 4, rgb.data()).ok());
  Image g, c;
  ASSERT_TRUE(LoadImage(gp, 0, &g).ok());
  ASSERT_TRUE(LoadImage(cp, 0, &c).ok());
  EXPECT_EQ(g.channels, 1);
  EXPECT_EQ(g.width, 6);
  EXPECT_EQ(g.height, 4);
  EXPECT_EQ(g.pixels, gray);
  EXPECT_EQ(c.channels, 3);
  EXPECT_EQ(c.pixels, rgb);
  std::remove(gp.c_str());
  std::remove(cp.c_str());
  EXPECT_FALSE(WritePng(gp, 0, 4, 1, gray.data()).ok());
  EXPECT_FALSE(WritePng(gp, 6, 4, 2, gray.data()).ok());
  EXPECT_EQ(WritePng("/nonexistent-dir/x.png", 6, 4, 1, gray.data()).code(), StatusCode::kIoError);
}

TEST(Image, RejectsGarbageAndTruncated) {
  Image img;
  const std::vector<uint8_t> junk = Bytes("this is not an image at all");
  EXPECT_FALSE(DecodeImage(junk.data(), junk.size(), 0, &img).ok());
  EXPECT_FALSE(DecodeImage(nullptr, 0, 0, &img).ok());
  // A real PNG cut short.
  std::FILE* f = std::fopen(kChelsea.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  std::vector<uint8_t> png(4096);
  png.resize(std::fread(png.data(), 1, png.size(), f));
  std::fclose(f);
  for (size_t n : {8u, 16u, 33u, 100u, 4096u}) {
    EXPECT_FALSE(DecodeImage(png.data(), n, 3, &img).ok()) << n;
  }
  EXPECT_FALSE(DecodeImage(png.data(), png.size(), 2, &img).ok());
  EXPECT_EQ(LoadImage("/nonexistent-dir/x.png", 0, &img).code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace edgeml::io
