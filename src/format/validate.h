// Checks on untrusted .tflite bytes, done once at load: the FlatBuffers
// verifier (every offset and vector in bounds) and the semantic rules of the
// format that the verifier cannot see (indices in range, constant data as
// large as its shape, dims without overflow). After VerifyModel succeeds the
// rest of edgeml may follow indices without re-checking them; op-specific
// rules (input counts, ranks, axes) are checked by each op's prepare.
#pragma once

#include <cstddef>
#include <cstdint>

#include "edgeml/status.h"
#include "tflite_generated.h"

namespace edgeml::format {

Status VerifyModel(const uint8_t* data, size_t size, const tfl::Model** model);

// Bytes of buffer `index`, inside the flatbuffer or, for models over 2 GB,
// at offset/size from the file start.
Status BufferData(const tfl::Model* model, const uint8_t* file, size_t file_size, uint32_t index,
                  const uint8_t** data, size_t* size);

// Effective builtin code of an operator code: max(builtin_code,
// deprecated_builtin_code) — old files fill only the deprecated byte.
int EffectiveBuiltinCode(const tfl::OperatorCode* code);

}  // namespace edgeml::format
