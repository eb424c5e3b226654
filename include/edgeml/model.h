// A loaded .tflite model: the verified bytes of one file.
//
// Loading checks everything that can be checked without running anything:
// the FlatBuffers verifier, then edgeml's semantic checks (every tensor,
// buffer, operator-code and subgraph index in range, constant buffers as
// large as their shapes, dims non-negative without overflow). A Model is
// immutable after loading and may be shared read-only by any number of
// interpreters on any threads; it must outlive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"

namespace edgeml {

namespace tfl {
struct Model;
}

class Model {
 public:
  // Maps the file read-only (weights are used in place, not copied).
  static Status FromFile(const std::string& path, std::unique_ptr<Model>* model);
  // Uses the caller's bytes in place: they must stay valid and unchanged for
  // the Model's lifetime, and be 4-byte aligned (16 for in-place SIMD loads).
  static Status FromBuffer(const void* data, size_t size, std::unique_ptr<Model>* model);
  // Copies the bytes into a buffer owned by the Model.
  static Status FromBufferCopy(const void* data, size_t size, std::unique_ptr<Model>* model);

  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const tfl::Model* flatbuffer() const { return fb_; }

  uint32_t schema_version() const;
  std::string description() const;
  int num_subgraphs() const;

  // Bytes of buffer `index` (in the flatbuffer or, for models over 2 GB, at
  // offset/size in the file). Empty for buffers without data.
  Status BufferData(uint32_t index, const uint8_t** data, size_t* size) const;

  // Model metadata entries (name -> bytes), e.g. "min_runtime_version".
  struct MetadataEntry {
    std::string name;
    const uint8_t* data;
    size_t size;
  };
  std::vector<MetadataEntry> metadata() const;

 private:
  Model() = default;
  static Status Finish(std::unique_ptr<Model> m, std::unique_ptr<Model>* out);

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  const tfl::Model* fb_ = nullptr;
  void* mapping_ = nullptr;  // mmap'ed region, if any
  size_t mapping_size_ = 0;
  std::unique_ptr<uint8_t[]> owned_;
};

}  // namespace edgeml
