// Writing .tflite files from the FlatBuffers object API (tfl::ModelT, which
// flatc generates from src/format/tflite.fbs).
//
// ReadModelT verifies the bytes exactly as Model::FromBuffer does and unpacks
// them into a mutable tfl::ModelT; buffers stored after the flatbuffer (models
// over 2 GB) are copied inline. WriteModel packs a ModelT with the file
// identifier "TFL3"; buffer data keeps its 16-byte alignment. Tools that
// transform models (quantize, prune, train) edit a ModelT between the two.
// Files of 2 GB or more are refused, not written in the external layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "tflite_generated.h"

namespace edgeml::format {

// Verifies `data` (the FlatBuffers verifier and the semantic checks of
// validate.h) and unpacks it.
Status ReadModelT(const uint8_t* data, size_t size, std::unique_ptr<tfl::ModelT>* out);
Status ReadModelTFromFile(const std::string& path, std::unique_ptr<tfl::ModelT>* out);

// Serializes `model` into `out` (replacing its contents).
Status WriteModel(const tfl::ModelT& model, std::vector<uint8_t>* out);
Status WriteModelToFile(const tfl::ModelT& model, const std::string& path);

}  // namespace edgeml::format
