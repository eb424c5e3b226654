// TFLite Metadata reading and writing (see metadata.h).
#include "format/metadata.h"

#include <array>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

#include "format/writer.h"
#include "tflite_generated.h"
#include "tflite_metadata_generated.h"

namespace edgeml::format {
namespace {

namespace meta = edgeml::tflmeta;

// --- zip constants -----------------------------------------------------------

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralDirSize = 22;
constexpr uint16_t kVersionStored = 10;  // 1.0: stored entries
constexpr uint16_t kDosDate1980 = 0x21;  // 1980-01-01: reproducible archives

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Get32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
void Put16(std::vector<uint8_t>* out, uint16_t v) {
  out->push_back(static_cast<uint8_t>(v & 0xff));
  out->push_back(static_cast<uint8_t>(v >> 8));
}
void Put32(std::vector<uint8_t>* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
}

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

Status ZipError(const char* what) {
  return Errorf(StatusCode::kInvalidModel, "associated files zip: %s", what);
}

// --- metadata conversion -------------------------------------------------

std::string Str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

void ReadFiles(const flatbuffers::Vector<flatbuffers::Offset<meta::AssociatedFile>>* files,
               std::vector<AssociatedFileInfo>* out) {
  out->clear();
  if (!files) return;
  for (const meta::AssociatedFile* f : *files) {
    AssociatedFileInfo info;
    info.name = Str(f->name());
    info.description = Str(f->description());
    info.type = static_cast<AssociatedFileType>(f->type());
    info.locale = Str(f->locale());
    out->push_back(std::move(info));
  }
}

void ReadTensors(const flatbuffers::Vector<flatbuffers::Offset<meta::TensorMetadata>>* tensors,
                 std::vector<TensorMetadataInfo>* out) {
  out->clear();
  if (!tensors) return;
  for (const meta::TensorMetadata* t : *tensors) {
    TensorMetadataInfo info;
    info.name = Str(t->name());
    info.description = Str(t->description());
    ReadFiles(t->associated_files(), &info.associated_files);
    out->push_back(std::move(info));
  }
}

std::vector<std::unique_ptr<meta::AssociatedFileT>> FilesT(
    const std::vector<AssociatedFileInfo>& files) {
  std::vector<std::unique_ptr<meta::AssociatedFileT>> out;
  for (const AssociatedFileInfo& f : files) {
    auto t = std::make_unique<meta::AssociatedFileT>();
    t->name = f.name;
    t->description = f.description;
    t->type = static_cast<meta::AssociatedFileType>(f.type);
    t->locale = f.locale;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::unique_ptr<meta::TensorMetadataT>> TensorsT(
    const std::vector<TensorMetadataInfo>& tensors) {
  std::vector<std::unique_ptr<meta::TensorMetadataT>> out;
  for (const TensorMetadataInfo& info : tensors) {
    auto t = std::make_unique<meta::TensorMetadataT>();
    t->name = info.name;
    t->description = info.description;
    t->associated_files = FilesT(info.associated_files);
    out.push_back(std::move(t));
  }
  return out;
}

// Every associated file of `info`, model-level first, then inputs, outputs.
std::vector<AssociatedFileInfo*> AllFiles(ModelMetadataInfo* info) {
  std::vector<AssociatedFileInfo*> out;
  for (auto& f : info->associated_files) out.push_back(&f);
  for (auto* list : {&info->inputs, &info->outputs}) {
    for (auto& t : *list) {
      for (auto& f : t.associated_files) out.push_back(&f);
    }
  }
  return out;
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

Status WriteZip(const std::vector<ZipEntry>& entries, uint64_t base_offset,
                std::vector<uint8_t>* out) {
  out->clear();
  if (entries.size() > 0xffff) return ZipError("more than 65535 entries");
  std::set<std::string> names;
  std::vector<uint8_t> central;
  for (const ZipEntry& e : entries) {
    if (e.name.empty()) return ZipError("an entry has an empty name");
    if (e.name.size() > 0xffff) return ZipError("an entry name is longer than 65535 bytes");
    if (!names.insert(e.name).second) {
      return Errorf(StatusCode::kInvalidArgument, "associated files zip: duplicate entry '%s'",
                    e.name.c_str());
    }
    const uint64_t offset = base_offset + out->size();
    if (e.data.size() > 0xfffffffeu || offset > 0xfffffffeu) {
      return ZipError("archive over 4 GB (ZIP64 is not written)");
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(e.data.data());
    const uint32_t crc = Crc32(bytes, e.data.size());
    const auto size = static_cast<uint32_t>(e.data.size());
    const auto name_len = static_cast<uint16_t>(e.name.size());
    // Local file header, name, data.
    Put32(out, kLocalHeaderSig);
    Put16(out, kVersionStored);
    Put16(out, 0);  // flags
    Put16(out, 0);  // method: stored
    Put16(out, 0);  // time
    Put16(out, kDosDate1980);
    Put32(out, crc);
    Put32(out, size);
    Put32(out, size);
    Put16(out, name_len);
    Put16(out, 0);  // extra length
    out->insert(out->end(), e.name.begin(), e.name.end());
    out->insert(out->end(), bytes, bytes + e.data.size());
    // Central directory record.
    Put32(&central, kCentralHeaderSig);
    Put16(&central, kVersionStored);  // made by (MS-DOS, 1.0)
    Put16(&central, kVersionStored);
    Put16(&central, 0);
    Put16(&central, 0);
    Put16(&central, 0);
    Put16(&central, kDosDate1980);
    Put32(&central, crc);
    Put32(&central, size);
    Put32(&central, size);
    Put16(&central, name_len);
    Put16(&central, 0);  // extra
    Put16(&central, 0);  // comment
    Put16(&central, 0);  // disk
    Put16(&central, 0);  // internal attributes
    Put32(&central, 0);  // external attributes
    Put32(&central, static_cast<uint32_t>(offset));
    central.insert(central.end(), e.name.begin(), e.name.end());
  }
  const uint64_t central_offset = base_offset + out->size();
  if (central_offset > 0xfffffffeu) return ZipError("archive over 4 GB (ZIP64 is not written)");
  out->insert(out->end(), central.begin(), central.end());
  Put32(out, kEndOfCentralDirSig);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put16(out, static_cast<uint16_t>(entries.size()));
  Put32(out, static_cast<uint32_t>(central.size()));
  Put32(out, static_cast<uint32_t>(central_offset));
  Put16(out, 0);  // comment length
  return Status::Ok();
}

Status ReadZip(const uint8_t* data, size_t size, std::vector<ZipEntry>* entries, bool* found) {
  entries->clear();
  *found = false;
  if (data == nullptr || size < kEndOfCentralDirSize) return Status::Ok();
  // The end record is the last 22 bytes plus a comment of up to 65535 bytes.
  // Bytes of the model may match its signature by chance: a candidate counts
  // only if its central directory lies in the data and starts with a header.
  const size_t last = size - kEndOfCentralDirSize;
  const size_t first = last > 0xffff ? last - 0xffff : 0;
  size_t eocd = 0;
  uint64_t cd_start = 0, concat = 0;
  bool have = false;
  for (size_t pos = last + 1; pos-- > first;) {
    const uint8_t* p = data + pos;
    if (Get32(p) != kEndOfCentralDirSig) continue;
    const uint16_t comment_len = Get16(p + 20);
    if (pos + kEndOfCentralDirSize + comment_len > size) continue;
    const uint32_t cd_size = Get32(p + 12);
    const uint32_t cd_offset = Get32(p + 16);
    const uint16_t count = Get16(p + 10);
    if (cd_size > pos) continue;
    const uint64_t start = pos - cd_size;
    if (cd_offset > start) continue;
    if (count > 0 && (cd_size < kCentralHeaderSize || Get32(data + start) != kCentralHeaderSig)) {
      continue;
    }
    eocd = pos;
    cd_start = start;
    concat = start - cd_offset;  // bytes before the archive's own offset 0
    have = true;
    break;
  }
  if (!have) return Status::Ok();
  *found = true;
  const uint8_t* e = data + eocd;
  if (Get16(e + 4) != 0 || Get16(e + 6) != 0 || Get16(e + 8) != Get16(e + 10)) {
    return Errorf(StatusCode::kUnsupported, "associated files zip: multi-disk archives");
  }
  const uint16_t count = Get16(e + 10);
  if (Get32(e + 16) == 0xffffffffu || count == 0xffff) {
    return Errorf(StatusCode::kUnsupported, "associated files zip: ZIP64 archives");
  }
  const uint64_t cd_end = eocd;
  uint64_t pos = cd_start;
  std::set<std::string> names;
  for (uint32_t i = 0; i < count; ++i) {
    if (pos + kCentralHeaderSize > cd_end) return ZipError("central directory truncated");
    const uint8_t* c = data + pos;
    if (Get32(c) != kCentralHeaderSig) return ZipError("bad central directory signature");
    const uint16_t flags = Get16(c + 8);
    const uint16_t method = Get16(c + 10);
    const uint32_t crc = Get32(c + 16);
    const uint32_t csize = Get32(c + 20);
    const uint32_t usize = Get32(c + 24);
    const uint16_t name_len = Get16(c + 28);
    const uint16_t extra_len = Get16(c + 30);
    const uint16_t comment_len = Get16(c + 32);
    const uint32_t local_offset = Get32(c + 42);
    const uint64_t record_end =
        pos + kCentralHeaderSize + uint64_t{name_len} + extra_len + comment_len;
    if (record_end > cd_end) return ZipError("central directory record runs past its end");
    std::string name(reinterpret_cast<const char*>(c + kCentralHeaderSize), name_len);
    pos = record_end;
    if (flags & 0x1) {
      return Errorf(StatusCode::kUnsupported, "associated files zip: entry '%s' is encrypted",
                    name.c_str());
    }
    if (method != 0) {
      return Errorf(StatusCode::kUnsupported,
                    "associated files zip: entry '%s' uses compression method %u (only stored "
                    "entries are read)",
                    name.c_str(), method);
    }
    if (csize != usize) return ZipError("stored entry with different sizes");
    if (csize == 0xffffffffu || local_offset == 0xffffffffu) {
      return Errorf(StatusCode::kUnsupported, "associated files zip: ZIP64 entries");
    }
    const uint64_t local = concat + local_offset;
    if (local + kLocalHeaderSize > cd_start) return ZipError("local header out of range");
    const uint8_t* l = data + local;
    if (Get32(l) != kLocalHeaderSig) return ZipError("bad local header signature");
    const uint64_t data_start = local + kLocalHeaderSize + Get16(l + 26) + Get16(l + 28);
    if (data_start > cd_start || csize > cd_start - data_start) {
      return ZipError("entry data out of range");
    }
    if (Crc32(data + data_start, csize) != crc) {
      return Errorf(StatusCode::kInvalidModel, "associated files zip: CRC-32 mismatch in '%s'",
                    name.c_str());
    }
    if (!names.insert(name).second) continue;  // first of duplicates wins
    entries->push_back(ZipEntry{
        std::move(name),
        std::string(reinterpret_cast<const char*>(data + data_start), static_cast<size_t>(csize))});
  }
  return Status::Ok();
}

Status ParseMetadataBuffer(const uint8_t* data, size_t size, ModelMetadataInfo* out) {
  *out = ModelMetadataInfo();
  if (data == nullptr || size == 0) return Errorf(StatusCode::kInvalidModel, "metadata: empty");
  // Copy so that the verifier's alignment checks see an aligned base.
  std::vector<uint8_t> copy(data, data + size);
  flatbuffers::Verifier verifier(copy.data(), copy.size());
  if (!meta::VerifyModelMetadataBuffer(verifier)) {
    return Errorf(StatusCode::kInvalidModel,
                  "metadata: %s is not a valid ModelMetadata flatbuffer (identifier M001)",
                  kMetadataName);
  }
  const meta::ModelMetadata* m = meta::GetModelMetadata(copy.data());
  out->name = Str(m->name());
  out->description = Str(m->description());
  out->version = Str(m->version());
  out->author = Str(m->author());
  out->license = Str(m->license());
  out->min_parser_version = Str(m->min_parser_version());
  ReadFiles(m->associated_files(), &out->associated_files);
  if (m->subgraph_metadata() && m->subgraph_metadata()->size() > 0) {
    const meta::SubGraphMetadata* sg = m->subgraph_metadata()->Get(0);
    ReadTensors(sg->input_tensor_metadata(), &out->inputs);
    ReadTensors(sg->output_tensor_metadata(), &out->outputs);
    // Subgraph-level files are listed with the model's.
    std::vector<AssociatedFileInfo> sg_files;
    ReadFiles(sg->associated_files(), &sg_files);
    for (auto& f : sg_files) out->associated_files.push_back(std::move(f));
  }
  return Status::Ok();
}

Status ReadMetadata(const Model& model, ModelMetadataInfo* out, bool* found) {
  *out = ModelMetadataInfo();
  *found = false;
  for (const Model::MetadataEntry& entry : model.metadata()) {
    if (entry.name != kMetadataName) continue;
    EDGEML_RETURN_IF_ERROR(ParseMetadataBuffer(entry.data, entry.size, out));
    *found = true;
    break;
  }
  if (!*found) return Status::Ok();
  std::vector<AssociatedFileInfo*> files = AllFiles(out);
  if (files.empty()) return Status::Ok();
  std::vector<ZipEntry> entries;
  bool have_zip = false;
  EDGEML_RETURN_IF_ERROR(ReadZip(model.data(), model.size(), &entries, &have_zip));
  for (AssociatedFileInfo* f : files) {
    const ZipEntry* match = nullptr;
    for (const ZipEntry& e : entries) {
      if (e.name == f->name) match = &e;
    }
    if (!match) {
      return Errorf(StatusCode::kInvalidModel,
                    "metadata: associated file '%s' is not in the model's appended zip%s",
                    f->name.c_str(), have_zip ? "" : " (the model has no appended zip)");
    }
    f->contents = match->data;
  }
  return Status::Ok();
}

std::vector<std::string> SplitLabelFile(const std::string& contents) {
  std::vector<std::string> labels;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string::npos) end = contents.size();
    std::string line = contents.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels.push_back(std::move(line));
    start = end + 1;
  }
  return labels;
}

std::string LabelFileContents(const std::vector<std::string>& labels) {
  std::string s;
  for (const std::string& l : labels) s += l + "\n";
  return s;
}

Status ReadLabels(const Model& model, std::vector<std::string>* labels) {
  labels->clear();
  ModelMetadataInfo info;
  bool found = false;
  EDGEML_RETURN_IF_ERROR(ReadMetadata(model, &info, &found));
  if (!found || info.outputs.empty()) return Status::Ok();
  for (const AssociatedFileInfo& f : info.outputs[0].associated_files) {
    if (f.type == AssociatedFileType::kTensorAxisLabels) {
      *labels = SplitLabelFile(f.contents);
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status BuildMetadataBuffer(const ModelMetadataInfo& info, std::vector<uint8_t>* out) {
  meta::ModelMetadataT m;
  m.name = info.name;
  m.description = info.description;
  m.version = info.version;
  m.author = info.author;
  m.license = info.license;
  m.min_parser_version = info.min_parser_version.empty() ? "1.0.0" : info.min_parser_version;
  m.associated_files = FilesT(info.associated_files);
  auto sg = std::make_unique<meta::SubGraphMetadataT>();
  sg->input_tensor_metadata = TensorsT(info.inputs);
  sg->output_tensor_metadata = TensorsT(info.outputs);
  m.subgraph_metadata.push_back(std::move(sg));
  flatbuffers::FlatBufferBuilder fbb;
  meta::FinishModelMetadataBuffer(fbb, meta::ModelMetadata::Pack(fbb, &m));
  out->assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  return Status::Ok();
}

Status AttachMetadata(const ModelMetadataInfo& info, tfl::ModelT* model) {
  std::vector<uint8_t> bytes;
  EDGEML_RETURN_IF_ERROR(BuildMetadataBuffer(info, &bytes));
  if (model->buffers.empty()) model->buffers.push_back(std::make_unique<tfl::BufferT>());
  for (auto& md : model->metadata) {
    if (md && md->name == kMetadataName && md->buffer > 0 && md->buffer < model->buffers.size() &&
        model->buffers[md->buffer]) {
      model->buffers[md->buffer]->data = std::move(bytes);
      model->buffers[md->buffer]->offset = 0;
      model->buffers[md->buffer]->size = 0;
      return Status::Ok();
    }
  }
  auto buffer = std::make_unique<tfl::BufferT>();
  buffer->data = std::move(bytes);
  model->buffers.push_back(std::move(buffer));
  auto md = std::make_unique<tfl::MetadataT>();
  md->name = kMetadataName;
  md->buffer = static_cast<uint32_t>(model->buffers.size() - 1);
  model->metadata.push_back(std::move(md));
  return Status::Ok();
}

Status AppendAssociatedFiles(const ModelMetadataInfo& info, std::vector<uint8_t>* model_bytes) {
  ModelMetadataInfo copy = info;
  std::vector<ZipEntry> entries;
  for (const AssociatedFileInfo* f : AllFiles(&copy)) {
    if (f->contents.empty()) continue;
    if (f->name.empty()) {
      return Errorf(StatusCode::kInvalidArgument, "metadata: an associated file has no name");
    }
    entries.push_back(ZipEntry{f->name, f->contents});
  }
  if (entries.empty()) return Status::Ok();
  std::vector<uint8_t> zip;
  EDGEML_RETURN_IF_ERROR(WriteZip(entries, model_bytes->size(), &zip));
  model_bytes->insert(model_bytes->end(), zip.begin(), zip.end());
  return Status::Ok();
}

Status AddMetadataToModelBytes(const ModelMetadataInfo& info, std::vector<uint8_t>* model_bytes) {
  std::unique_ptr<tfl::ModelT> model;
  EDGEML_RETURN_IF_ERROR(ReadModelT(model_bytes->data(), model_bytes->size(), &model));
  EDGEML_RETURN_IF_ERROR(AttachMetadata(info, model.get()));
  EDGEML_RETURN_IF_ERROR(WriteModel(*model, model_bytes));
  return AppendAssociatedFiles(info, model_bytes);
}

}  // namespace edgeml::format
