// Loading a .tflite file: map or borrow the bytes, run the FlatBuffers
// verifier, then the semantic checks of validate.cc.
#include "edgeml/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "format/validate.h"
#include "tflite_generated.h"

namespace edgeml {

Model::~Model() {
  if (mapping_ != nullptr) munmap(mapping_, mapping_size_);
}

Status Model::FromFile(const std::string& path, std::unique_ptr<Model>* model) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errorf(StatusCode::kIoError, "cannot open '%s': %s", path.c_str(), strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Errorf(StatusCode::kIoError, "'%s' is not a regular file", path.c_str());
  }
  if (st.st_size == 0) {
    close(fd);
    return Errorf(StatusCode::kInvalidModel, "'%s' is empty", path.c_str());
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) {
    return Errorf(StatusCode::kIoError, "cannot map '%s': %s", path.c_str(), strerror(errno));
  }
  std::unique_ptr<Model> m(new Model());
  m->mapping_ = p;
  m->mapping_size_ = size;
  m->data_ = static_cast<const uint8_t*>(p);
  m->size_ = size;
  return Finish(std::move(m), model).WithPrefix(path);
}

Status Model::FromBuffer(const void* data, size_t size, std::unique_ptr<Model>* model) {
  if (data == nullptr || size == 0) return Status(StatusCode::kInvalidModel, "empty model buffer");
  // Tensor data is used in place; misaligned bytes are copied once instead.
  if (reinterpret_cast<uintptr_t>(data) % 16 != 0) return FromBufferCopy(data, size, model);
  std::unique_ptr<Model> m(new Model());
  m->data_ = static_cast<const uint8_t*>(data);
  m->size_ = size;
  return Finish(std::move(m), model);
}

Status Model::FromBufferCopy(const void* data, size_t size, std::unique_ptr<Model>* model) {
  if (data == nullptr || size == 0) return Status(StatusCode::kInvalidModel, "empty model buffer");
  std::unique_ptr<Model> m(new Model());
  // new[] of uint8_t only guarantees fundamental alignment; over-allocate.
  m->owned_.reset(new (std::nothrow) uint8_t[size + 64]);
  if (!m->owned_) {
    return Errorf(StatusCode::kResourceExhausted, "cannot allocate %zu bytes for the model", size);
  }
  uint8_t* base = m->owned_.get();
  uint8_t* aligned = base + (64 - reinterpret_cast<uintptr_t>(base) % 64) % 64;
  std::memcpy(aligned, data, size);
  m->data_ = aligned;
  m->size_ = size;
  return Finish(std::move(m), model);
}

Status Model::Finish(std::unique_ptr<Model> m, std::unique_ptr<Model>* out) {
  const tfl::Model* fb = nullptr;
  EDGEML_RETURN_IF_ERROR(format::VerifyModel(m->data_, m->size_, &fb));
  m->fb_ = fb;
  *out = std::move(m);
  return Status::Ok();
}

uint32_t Model::schema_version() const { return fb_->version(); }

std::string Model::description() const {
  return fb_->description() ? fb_->description()->str() : std::string();
}

int Model::num_subgraphs() const {
  return fb_->subgraphs() ? static_cast<int>(fb_->subgraphs()->size()) : 0;
}

Status Model::BufferData(uint32_t index, const uint8_t** data, size_t* size) const {
  return format::BufferData(fb_, data_, size_, index, data, size);
}

std::vector<Model::MetadataEntry> Model::metadata() const {
  std::vector<MetadataEntry> entries;
  if (!fb_->metadata()) return entries;
  for (const tfl::Metadata* md : *fb_->metadata()) {
    MetadataEntry e{md->name() ? md->name()->str() : std::string(), nullptr, 0};
    if (!BufferData(md->buffer(), &e.data, &e.size).ok()) continue;
    entries.push_back(std::move(e));
  }
  return entries;
}

}  // namespace edgeml
