// Object-API reading and writing of .tflite files (see writer.h).
#include "format/writer.h"

#include <cstdio>
#include <cstring>

#include "edgeml/model.h"
#include "format/validate.h"

namespace edgeml::format {

Status ReadModelT(const uint8_t* data, size_t size, std::unique_ptr<tfl::ModelT>* out) {
  const tfl::Model* fb = nullptr;
  Status s = VerifyModel(data, size, &fb);
  if (!s.ok()) return s;
  auto model = std::unique_ptr<tfl::ModelT>(fb->UnPack());
  // Buffers kept after the flatbuffer (the > 2 GB layout) come back inline.
  if (fb->buffers() != nullptr) {
    for (uint32_t i = 0; i < fb->buffers()->size(); ++i) {
      tfl::BufferT& b = *model->buffers[i];
      if (b.offset <= 1) continue;
      const uint8_t* bytes = nullptr;
      size_t n = 0;
      s = BufferData(fb, data, size, i, &bytes, &n);
      if (!s.ok()) return s;
      b.data.assign(bytes, bytes + n);
      b.offset = 0;
      b.size = 0;
    }
  }
  *out = std::move(model);
  return Status::Ok();
}

Status ReadModelTFromFile(const std::string& path, std::unique_ptr<tfl::ModelT>* out) {
  std::unique_ptr<Model> m;
  Status s = Model::FromFile(path, &m);
  if (!s.ok()) return s;
  return ReadModelT(m->data(), m->size(), out).WithPrefix(path);
}

Status WriteModel(const tfl::ModelT& model, std::vector<uint8_t>* out) {
  // FlatBuffers offsets are 32-bit signed: refuse what would not fit rather
  // than let the builder abort.
  uint64_t payload = 0;
  for (const auto& b : model.buffers) {
    if (b) payload += b->data.size() + 16;
  }
  constexpr uint64_t kLimit = (uint64_t{1} << 31) - (uint64_t{64} << 20);
  if (payload >= kLimit) {
    return Errorf(StatusCode::kUnsupported,
                  "model buffers hold %llu bytes; files of 2 GB or more are not written",
                  static_cast<unsigned long long>(payload));
  }
  for (size_t i = 0; i < model.buffers.size(); ++i) {
    if (model.buffers[i] && model.buffers[i]->offset > 1) {
      return Errorf(StatusCode::kUnsupported,
                    "buffer %zu refers to data outside the flatbuffer (offset %llu); "
                    "the writer needs its bytes inline",
                    i, static_cast<unsigned long long>(model.buffers[i]->offset));
    }
  }
  flatbuffers::FlatBufferBuilder fbb(1 << 20);
  auto root = tfl::Model::Pack(fbb, &model);
  fbb.Finish(root, tfl::ModelIdentifier());
  out->assign(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  return Status::Ok();
}

Status WriteModelToFile(const tfl::ModelT& model, const std::string& path) {
  std::vector<uint8_t> bytes;
  Status s = WriteModel(model, &bytes);
  if (!s.ok()) return s;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Errorf(StatusCode::kIoError, "cannot open '%s' for writing: %s", path.c_str(),
                  std::strerror(errno));
  }
  const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
  const bool closed = std::fclose(f) == 0;
  if (written != bytes.size() || !closed) {
    return Errorf(StatusCode::kIoError, "cannot write '%s'", path.c_str());
  }
  return Status::Ok();
}

}  // namespace edgeml::format
