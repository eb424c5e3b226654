// Tests for src/format/metadata: the TFLITE_METADATA buffer, the zip of
// associated files appended to a model, label reading, and malformed input.
#include "format/metadata.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "tflite_generated.h"
#include "util/model_builder.h"

namespace edgeml::format {
namespace {

using edgeml::testing::ModelBuilder;

// A small FULLY_CONNECTED model (1x2 -> 1x3).
std::vector<uint8_t> TinyModel(
    const std::vector<std::pair<std::string, std::vector<uint8_t>>>& extra_metadata = {}) {
  ModelBuilder b;
  const int in = b.AddTensor(DataType::kFloat32, {1, 2}, "x");
  const int w = b.AddConstant<float>(DataType::kFloat32, {3, 2}, {1, 0, 0, 1, 1, 1}, "w");
  const int out = b.AddTensor(DataType::kFloat32, {1, 3}, "y");
  auto opts = tfl::CreateFullyConnectedOptions(b.fbb());
  b.AddOperator(tfl::BuiltinOperator::FULLY_CONNECTED, {in, w, -1}, {out},
                tfl::BuiltinOptions::FullyConnectedOptions, opts.Union());
  b.SetInputs({in});
  b.SetOutputs({out});
  for (const auto& [name, bytes] : extra_metadata) b.AddMetadata(name, bytes);
  return b.Finish();
}

ModelMetadataInfo LabelledInfo(const std::vector<std::string>& labels) {
  ModelMetadataInfo info;
  info.name = "tiny";
  info.description = "a test model";
  info.version = "1";
  info.author = "edgeml";
  info.license = "MIT";
  info.inputs.push_back({"x", "input", {}});
  TensorMetadataInfo out{"y", "probabilities", {}};
  AssociatedFileInfo f;
  f.name = "labels.txt";
  f.description = "class names";
  f.type = AssociatedFileType::kTensorAxisLabels;
  f.contents = LabelFileContents(labels);
  out.associated_files.push_back(f);
  info.outputs.push_back(out);
  return info;
}

std::unique_ptr<Model> Load(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<Model> m;
  Status s = Model::FromBufferCopy(bytes.data(), bytes.size(), &m);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return m;
}

TEST(Crc32, KnownValues) {
  const std::string check = "123456789";
  EXPECT_EQ(Crc32(reinterpret_cast<const uint8_t*>(check.data()), check.size()), 0xCBF43926u);
  EXPECT_EQ(Crc32(nullptr, 0), 0u);
  // Incremental use gives the same value.
  const auto* p = reinterpret_cast<const uint8_t*>(check.data());
  EXPECT_EQ(Crc32(p + 4, 5, Crc32(p, 4)), 0xCBF43926u);
}

TEST(Zip, RoundTripWithPrefixAndAbsoluteOffsets) {
  std::vector<ZipEntry> entries = {
      {"a.txt", "alpha\n"}, {"dir/b.bin", std::string("\0\1\2", 3)}, {"empty", ""}};
  std::vector<uint8_t> file = {'M', 'O', 'D', 'E', 'L'};
  std::vector<uint8_t> zip;
  ASSERT_TRUE(WriteZip(entries, file.size(), &zip).ok());
  file.insert(file.end(), zip.begin(), zip.end());
  std::vector<ZipEntry> read;
  bool found = false;
  ASSERT_TRUE(ReadZip(file.data(), file.size(), &read, &found).ok());
  ASSERT_TRUE(found);
  ASSERT_EQ(read.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(read[i].name, entries[i].name);
    EXPECT_EQ(read[i].data, entries[i].data);
  }
}

TEST(Zip, ReadsArchiveWithOffsetsRelativeToItsStart) {
  // `cat model labels.zip`: the archive was written for offset 0.
  std::vector<uint8_t> zip;
  ASSERT_TRUE(WriteZip({{"labels.txt", "x\ny\n"}}, 0, &zip).ok());
  std::vector<uint8_t> file(37, 0xAB);
  file.insert(file.end(), zip.begin(), zip.end());
  std::vector<ZipEntry> read;
  bool found = false;
  ASSERT_TRUE(ReadZip(file.data(), file.size(), &read, &found).ok());
  ASSERT_TRUE(found);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].data, "x\ny\n");
}

TEST(Zip, ReadsPythonZipfileAppendedArchive) {
  // b"MODELBYTES" then zipfile.ZipFile(path, "a").writestr("labels.txt",
  // "zero\none\n") with date 1980-01-01, from CPython 3.11.
  const std::vector<uint8_t> file = {
      0x4d, 0x4f, 0x44, 0x45, 0x4c, 0x42, 0x59, 0x54, 0x45, 0x53, 0x50, 0x4b, 0x03, 0x04,
      0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x95, 0xe0, 0x39, 0x0a,
      0x09, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x6c, 0x61,
      0x62, 0x65, 0x6c, 0x73, 0x2e, 0x74, 0x78, 0x74, 0x7a, 0x65, 0x72, 0x6f, 0x0a, 0x6f,
      0x6e, 0x65, 0x0a, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x21, 0x00, 0x95, 0xe0, 0x39, 0x0a, 0x09, 0x00, 0x00, 0x00, 0x09,
      0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
      0x00, 0x80, 0x01, 0x0a, 0x00, 0x00, 0x00, 0x6c, 0x61, 0x62, 0x65, 0x6c, 0x73, 0x2e,
      0x74, 0x78, 0x74, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
      0x00, 0x38, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x00, 0x00, 0x00, 0x00};
  std::vector<ZipEntry> read;
  bool found = false;
  ASSERT_TRUE(ReadZip(file.data(), file.size(), &read, &found).ok());
  ASSERT_TRUE(found);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].name, "labels.txt");
  EXPECT_EQ(read[0].data, "zero\none\n");
  // Our writer produces the same entry layout for the same input (stored,
  // same CRC), so Python and the metadata tooling read our archives too.
  std::vector<uint8_t> ours;
  ASSERT_TRUE(WriteZip({{"labels.txt", "zero\none\n"}}, 10, &ours).ok());
  ASSERT_EQ(ours.size(), file.size() - 10);
  EXPECT_EQ(std::vector<uint8_t>(ours.begin() + 14, ours.begin() + 26),
            std::vector<uint8_t>(file.begin() + 24, file.begin() + 36));  // crc, sizes
}

TEST(Zip, NoArchiveIsNotAnError) {
  std::vector<uint8_t> bytes = TinyModel();
  std::vector<ZipEntry> read;
  bool found = true;
  ASSERT_TRUE(ReadZip(bytes.data(), bytes.size(), &read, &found).ok());
  EXPECT_FALSE(found);
  ASSERT_TRUE(ReadZip(nullptr, 0, &read, &found).ok());
  EXPECT_FALSE(found);
  // A lone end-of-central-directory signature in model bytes is no archive.
  std::vector<uint8_t> fake(100, 0);
  fake[60] = 'P';
  fake[61] = 'K';
  fake[62] = 5;
  fake[63] = 6;
  fake[60 + 12] = 200;  // central directory larger than the data before it
  ASSERT_TRUE(ReadZip(fake.data(), fake.size(), &read, &found).ok());
  EXPECT_FALSE(found);
}

TEST(Zip, DetectsCorruptedData) {
  std::vector<uint8_t> zip;
  ASSERT_TRUE(WriteZip({{"labels.txt", "cat\ndog\n"}}, 0, &zip).ok());
  zip[30 + 10 + 1] ^= 0x20;  // a byte of the entry data
  std::vector<ZipEntry> read;
  bool found = false;
  Status s = ReadZip(zip.data(), zip.size(), &read, &found);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("CRC-32"), std::string::npos) << s.message();
}

TEST(Zip, RejectsCompressedAndBadNames) {
  std::vector<uint8_t> zip;
  ASSERT_TRUE(WriteZip({{"a", "xyz"}}, 0, &zip).ok());
  // Method field in the central directory record (offset 10 of the record).
  const size_t central = 30 + 1 + 3;
  zip[central + 10] = 8;
  std::vector<ZipEntry> read;
  bool found = false;
  EXPECT_EQ(ReadZip(zip.data(), zip.size(), &read, &found).code(), StatusCode::kUnsupported);
  EXPECT_FALSE(WriteZip({{"", "x"}}, 0, &zip).ok());
  EXPECT_FALSE(WriteZip({{"a", "x"}, {"a", "y"}}, 0, &zip).ok());
}

// Every truncation and every single-byte change of a valid archive (inside a
// model file) reads without crashing: either OK or a clean error.
TEST(Zip, CraftedBytesNeverCrash) {
  std::vector<uint8_t> base = TinyModel();
  std::vector<uint8_t> zip;
  ASSERT_TRUE(WriteZip({{"labels.txt", "a\nb\nc\n"}, {"readme", "hello"}}, base.size(), &zip).ok());
  base.insert(base.end(), zip.begin(), zip.end());
  const size_t zip_start = base.size() - zip.size();
  std::vector<ZipEntry> read;
  bool found = false;
  for (size_t n = 0; n <= base.size(); ++n) {
    std::vector<uint8_t> cut(base.begin(), base.begin() + n);
    (void)ReadZip(cut.data(), cut.size(), &read, &found);
  }
  int errors = 0;
  for (size_t i = zip_start; i < base.size(); ++i) {
    for (uint8_t v : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x7f}, uint8_t{0x80}}) {
      std::vector<uint8_t> bad = base;
      if (bad[i] == v) continue;
      bad[i] = v;
      if (!ReadZip(bad.data(), bad.size(), &read, &found).ok()) ++errors;
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(Metadata, BufferRoundTrip) {
  ModelMetadataInfo info = LabelledInfo({"cat", "dog"});
  info.associated_files.push_back({"readme.txt", "", AssociatedFileType::kDescriptions, "en", ""});
  std::vector<uint8_t> buf;
  ASSERT_TRUE(BuildMetadataBuffer(info, &buf).ok());
  ASSERT_GE(buf.size(), 8u);
  EXPECT_EQ(std::string(buf.begin() + 4, buf.begin() + 8), "M001");
  ModelMetadataInfo back;
  ASSERT_TRUE(ParseMetadataBuffer(buf.data(), buf.size(), &back).ok());
  EXPECT_EQ(back.name, "tiny");
  EXPECT_EQ(back.description, "a test model");
  EXPECT_EQ(back.version, "1");
  EXPECT_EQ(back.author, "edgeml");
  EXPECT_EQ(back.license, "MIT");
  EXPECT_EQ(back.min_parser_version, "1.0.0");
  ASSERT_EQ(back.inputs.size(), 1u);
  EXPECT_EQ(back.inputs[0].name, "x");
  ASSERT_EQ(back.outputs.size(), 1u);
  ASSERT_EQ(back.outputs[0].associated_files.size(), 1u);
  EXPECT_EQ(back.outputs[0].associated_files[0].name, "labels.txt");
  EXPECT_EQ(back.outputs[0].associated_files[0].type, AssociatedFileType::kTensorAxisLabels);
  ASSERT_EQ(back.associated_files.size(), 1u);
  EXPECT_EQ(back.associated_files[0].locale, "en");
}

// A ModelMetadata buffer built field by field with the slot numbers of the
// public metadata schema (vtable offset 4 + 2 * id), independent of our .fbs.
TEST(Metadata, FieldIdsMatchThePublicSchema) {
  flatbuffers::FlatBufferBuilder fbb;
  auto file_name = fbb.CreateString("labels.txt");
  auto file_start = fbb.StartTable();
  fbb.AddOffset(4 + 2 * 0, file_name);      // AssociatedFile.name
  fbb.AddElement<int8_t>(4 + 2 * 2, 2, 0);  // .type = TENSOR_AXIS_LABELS
  flatbuffers::Offset<void> file(fbb.EndTable(file_start));
  auto files = fbb.CreateVector(std::vector<flatbuffers::Offset<void>>{file});
  auto tensor_name = fbb.CreateString("probs");
  auto tensor_start = fbb.StartTable();
  fbb.AddOffset(4 + 2 * 0, tensor_name);  // TensorMetadata.name
  fbb.AddOffset(4 + 2 * 6, files);        // TensorMetadata.associated_files
  flatbuffers::Offset<void> tensor(fbb.EndTable(tensor_start));
  auto outputs = fbb.CreateVector(std::vector<flatbuffers::Offset<void>>{tensor});
  auto sg_start = fbb.StartTable();
  fbb.AddOffset(4 + 2 * 3, outputs);  // SubGraphMetadata.output_tensor_metadata
  flatbuffers::Offset<void> sg(fbb.EndTable(sg_start));
  auto sgs = fbb.CreateVector(std::vector<flatbuffers::Offset<void>>{sg});
  auto model_name = fbb.CreateString("m");
  auto license = fbb.CreateString("Apache-2.0");
  auto version = fbb.CreateString("1.2.0");
  auto root_start = fbb.StartTable();
  fbb.AddOffset(4 + 2 * 0, model_name);  // ModelMetadata.name
  fbb.AddOffset(4 + 2 * 3, sgs);         // .subgraph_metadata
  fbb.AddOffset(4 + 2 * 5, license);     // .license
  fbb.AddOffset(4 + 2 * 7, version);     // .min_parser_version
  flatbuffers::Offset<void> root(fbb.EndTable(root_start));
  fbb.Finish(root, "M001");
  ModelMetadataInfo info;
  ASSERT_TRUE(ParseMetadataBuffer(fbb.GetBufferPointer(), fbb.GetSize(), &info).ok());
  EXPECT_EQ(info.name, "m");
  EXPECT_EQ(info.license, "Apache-2.0");
  EXPECT_EQ(info.min_parser_version, "1.2.0");
  ASSERT_EQ(info.outputs.size(), 1u);
  EXPECT_EQ(info.outputs[0].name, "probs");
  ASSERT_EQ(info.outputs[0].associated_files.size(), 1u);
  EXPECT_EQ(info.outputs[0].associated_files[0].name, "labels.txt");
  EXPECT_EQ(info.outputs[0].associated_files[0].type, AssociatedFileType::kTensorAxisLabels);
}

TEST(Metadata, ModelWithLabelsRoundTripAndStillRuns) {
  std::vector<uint8_t> bytes = TinyModel();
  const std::vector<std::string> labels = {"zero", "one", "two words"};
  ASSERT_TRUE(AddMetadataToModelBytes(LabelledInfo(labels), &bytes).ok());
  std::unique_ptr<Model> model = Load(bytes);
  ASSERT_TRUE(model);
  std::vector<std::string> read;
  Status s = ReadLabels(*model, &read);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(read, labels);
  ModelMetadataInfo info;
  bool found = false;
  ASSERT_TRUE(ReadMetadata(*model, &info, &found).ok());
  ASSERT_TRUE(found);
  EXPECT_EQ(info.outputs[0].associated_files[0].contents, "zero\none\ntwo words\n");

  // Attaching again replaces the entry instead of adding a second one.
  std::vector<uint8_t> again(bytes.begin(), bytes.end());
  ASSERT_TRUE(AddMetadataToModelBytes(LabelledInfo({"a", "b", "c"}), &again).ok());
  std::unique_ptr<Model> model2 = Load(again);
  ASSERT_TRUE(model2);
  int entries = 0;
  for (const auto& e : model2->metadata()) entries += e.name == kMetadataName;
  EXPECT_EQ(entries, 1);
  ASSERT_TRUE(ReadLabels(*model2, &read).ok());
  EXPECT_EQ(read, (std::vector<std::string>{"a", "b", "c"}));

  // The model with its appended archive still runs.
  BuiltinOpResolver resolver;  // must outlive the interpreter
  std::unique_ptr<Interpreter> interp;
  ASSERT_TRUE(Interpreter::Create(*model, resolver, InterpreterOptions(), &interp).ok());
  ASSERT_TRUE(interp->AllocateTensors().ok());
  float* x = static_cast<float*>(interp->input(0)->data);
  x[0] = 2.f;
  x[1] = 3.f;
  ASSERT_TRUE(interp->Invoke().ok());
  const float* y = static_cast<const float*>(interp->output(0)->data);
  EXPECT_EQ(y[0], 2.f);
  EXPECT_EQ(y[1], 3.f);
  EXPECT_EQ(y[2], 5.f);
}

TEST(Metadata, LabelFileLines) {
  EXPECT_EQ(SplitLabelFile("a\r\nb\nc"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitLabelFile("a\n\nb\n"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_TRUE(SplitLabelFile("").empty());
}

TEST(Metadata, ModelWithoutMetadataHasNoLabels) {
  std::unique_ptr<Model> model = Load(TinyModel());
  std::vector<std::string> labels = {"stale"};
  ASSERT_TRUE(ReadLabels(*model, &labels).ok());
  EXPECT_TRUE(labels.empty());
}

TEST(Metadata, GarbageMetadataBufferIsAnError) {
  std::unique_ptr<Model> model =
      Load(TinyModel({{kMetadataName, std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9}}}));
  std::vector<std::string> labels;
  Status s = ReadLabels(*model, &labels);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("TFLITE_METADATA"), std::string::npos) << s.message();
}

TEST(Metadata, LabelFileMissingFromArchiveIsAnError) {
  std::vector<uint8_t> buf;
  ASSERT_TRUE(BuildMetadataBuffer(LabelledInfo({"a"}), &buf).ok());
  std::unique_ptr<Model> model = Load(TinyModel({{kMetadataName, buf}}));  // no zip appended
  std::vector<std::string> labels;
  Status s = ReadLabels(*model, &labels);
  EXPECT_EQ(s.code(), StatusCode::kInvalidModel);
  EXPECT_NE(s.message().find("labels.txt"), std::string::npos) << s.message();
}

// Every single-byte change of the metadata buffer parses or fails cleanly.
TEST(Metadata, CraftedMetadataBytesNeverCrash) {
  std::vector<uint8_t> buf;
  ASSERT_TRUE(BuildMetadataBuffer(LabelledInfo({"a", "b"}), &buf).ok());
  ModelMetadataInfo info;
  for (size_t n = 0; n < buf.size(); ++n) (void)ParseMetadataBuffer(buf.data(), n, &info);
  for (size_t i = 0; i < buf.size(); ++i) {
    for (uint8_t v : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x41}}) {
      std::vector<uint8_t> bad = buf;
      bad[i] = v;
      (void)ParseMetadataBuffer(bad.data(), bad.size(), &info);
    }
  }
}

}  // namespace
}  // namespace edgeml::format
