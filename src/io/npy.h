// Reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0).
//
// Supported: C-order arrays of little-endian (or byte-order-free) numeric
// types: '<f2' '<f4' '<f8' '|i1' '<i2' '<i4' '<i8' '|u1' '<u2' '<u4' '<u8'
// '|b1'. Fortran-order arrays, big-endian data, structured and object dtypes
// are rejected with a message saying so.
//
// The reader treats its bytes as untrusted: every length is checked against
// the bytes present, the header is parsed by a strict grammar (a Python dict
// literal with exactly the keys 'descr', 'fortran_order' and 'shape'), dims
// must fit in int32 and their product times the item size must not overflow,
// and the data must be exactly that many bytes. BOOL data must hold 0 or 1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "edgeml/types.h"

namespace edgeml::io {

struct NpyArray {
  DataType type = DataType::kFloat32;
  Shape shape;                // empty for a 0-d (scalar) array
  std::vector<uint8_t> data;  // little-endian elements in C order
};

// Reads and validates the file at `path`. Errors: kIoError when the file
// cannot be read, kInvalidArgument for malformed content, kUnsupported for
// valid .npy files edgeml cannot represent (Fortran order, other dtypes).
Status ReadNpy(const std::string& path, NpyArray* out);
// Same checks over bytes in memory (the fuzzing entry point).
Status ParseNpy(const uint8_t* bytes, size_t size, NpyArray* out);

// The .npy dtype string for `type` ("<f4"), or nullptr when .npy files of
// that type are not supported.
const char* NpyDescr(DataType type);

// Serializes an array: version 1.0 (2.0 if the header needs it), header
// padded so that the data starts at a multiple of 64 bytes. `bytes` must
// equal the element count of `shape` times the size of `type`.
Status SerializeNpy(DataType type, const Shape& shape, const void* data, size_t bytes,
                    std::vector<uint8_t>* out);
Status WriteNpy(const std::string& path, DataType type, const Shape& shape, const void* data,
                size_t bytes);

}  // namespace edgeml::io
