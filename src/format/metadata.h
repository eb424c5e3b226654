// TFLite Metadata: the human- and machine-readable description a .tflite file
// may carry (model name, tensor names, associated files such as the label
// file of a classifier's output).
//
// Layout in a file (as the public metadata tooling writes it): the model's
// `metadata` list has an entry "TFLITE_METADATA" naming a buffer that holds a
// ModelMetadata flatbuffer (file identifier "M001", schema subset in
// tflite_metadata.fbs); the contents of the associated files are stored in a
// zip archive appended after the flatbuffer, each file an entry whose name is
// the AssociatedFile name. Zip offsets are from the start of the file (what
// Python's zipfile writes when appending); archives whose offsets are relative
// to their own start (e.g. `cat model.tflite labels.zip`) read too.
//
// All readers treat the bytes as untrusted: every offset, size and count is
// checked against the data, the CRC-32 of every entry is verified, and
// malformed input gives an InvalidModel status, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/model.h"
#include "edgeml/status.h"

namespace edgeml {
namespace tfl {
struct ModelT;
}

namespace format {

// Values of the metadata schema's AssociatedFileType.
enum class AssociatedFileType : int8_t {
  kUnknown = 0,
  kDescriptions = 1,
  kTensorAxisLabels = 2,  // one label per line for an axis of the tensor
  kTensorValueLabels = 3,
  kTensorAxisScoreCalibration = 4,
  kVocabulary = 5,
  kScannIndexFile = 6,
};

struct AssociatedFileInfo {
  std::string name;  // the zip entry name
  std::string description;
  AssociatedFileType type = AssociatedFileType::kUnknown;
  std::string locale;
  std::string contents;  // the file's bytes (filled by ReadMetadata when present)
};

struct TensorMetadataInfo {
  std::string name;
  std::string description;
  std::vector<AssociatedFileInfo> associated_files;
};

struct ModelMetadataInfo {
  std::string name;
  std::string description;
  std::string version;
  std::string author;
  std::string license;
  std::string min_parser_version;
  // Subgraph 0 only (the main subgraph); one entry per subgraph input/output.
  std::vector<TensorMetadataInfo> inputs;
  std::vector<TensorMetadataInfo> outputs;
  std::vector<AssociatedFileInfo> associated_files;  // model level
};

// The name of the model metadata entry that holds the ModelMetadata buffer.
inline constexpr const char kMetadataName[] = "TFLITE_METADATA";

// --- Reading -------------------------------------------------------------

// Parses a ModelMetadata flatbuffer (verified first). File contents are left
// empty.
Status ParseMetadataBuffer(const uint8_t* data, size_t size, ModelMetadataInfo* out);

// Reads the model's TFLITE_METADATA and fills the contents of every associated
// file found in the appended zip. `*found` is false (and OK returned) when the
// model has no TFLITE_METADATA entry. A file named by the metadata but missing
// from the archive is an error.
Status ReadMetadata(const Model& model, ModelMetadataInfo* out, bool* found);

// The labels of output 0: the first TENSOR_AXIS_LABELS file of output 0's
// tensor metadata, one label per line ("\r\n" or "\n"; a final empty line is
// dropped). OK with an empty vector when the model carries no labels; an error
// when the metadata or the archive is malformed.
Status ReadLabels(const Model& model, std::vector<std::string>* labels);

// --- Writing -------------------------------------------------------------

// Serializes the metadata (without file contents) as a ModelMetadata
// flatbuffer with identifier "M001"; min_parser_version defaults to "1.0.0".
Status BuildMetadataBuffer(const ModelMetadataInfo& info, std::vector<uint8_t>* out);

// Adds (or replaces) the TFLITE_METADATA entry and its buffer in `model`.
Status AttachMetadata(const ModelMetadataInfo& info, tfl::ModelT* model);

// Appends a zip archive (stored entries) with every associated file of `info`
// that has contents to the packed model bytes. Names must be unique and
// non-empty. Nothing is appended when no file has contents.
Status AppendAssociatedFiles(const ModelMetadataInfo& info, std::vector<uint8_t>* model_bytes);

// Both steps for already-packed model bytes: verifies and unpacks them,
// attaches the metadata, repacks (format/writer.h) and appends the files.
Status AddMetadataToModelBytes(const ModelMetadataInfo& info, std::vector<uint8_t>* model_bytes);

// Joins lines into the text of a label file ("a\nb\n").
std::string LabelFileContents(const std::vector<std::string>& labels);
// Splits the text of a label file into labels.
std::vector<std::string> SplitLabelFile(const std::string& contents);

// --- Zip (stored entries only) ---------------------------------------------

struct ZipEntry {
  std::string name;
  std::string data;
};

uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

// Writes a zip archive of stored (uncompressed) entries. `base_offset` is the
// position of the archive in the file it will be part of: local header
// offsets are written as base_offset + position in the archive.
Status WriteZip(const std::vector<ZipEntry>& entries, uint64_t base_offset,
                std::vector<uint8_t>* out);

// Finds the zip archive at the end of `data` and reads its entries. Stored
// entries only (deflated ones give Unsupported); no ZIP64, no encryption.
// `*found` is false (OK returned) when `data` does not end with an archive.
Status ReadZip(const uint8_t* data, size_t size, std::vector<ZipEntry>* entries, bool* found);

}  // namespace format
}  // namespace edgeml
