// Element types and shapes. DataType values equal the .tflite TensorType
// values so that a type read from a file needs no translation table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace edgeml {

enum class DataType : int8_t {
  kFloat32 = 0,
  kFloat16 = 1,
  kInt32 = 2,
  kUInt8 = 3,
  kInt64 = 4,
  kString = 5,
  kBool = 6,
  kInt16 = 7,
  kComplex64 = 8,
  kInt8 = 9,
  kFloat64 = 10,
  kComplex128 = 11,
  kUInt64 = 12,
  kResource = 13,
  kVariant = 14,
  kUInt32 = 15,
  kUInt16 = 16,
  kInt4 = 17,
  kBFloat16 = 18,
};

// "FLOAT32", "INT8", ... ; "UNKNOWN(<n>)" for values outside the enum.
std::string DataTypeName(DataType type);
// Bytes per element; 0 for types without a fixed size (STRING, RESOURCE,
// VARIANT) and for INT4, which is stored packed two to a byte.
size_t DataTypeSize(DataType type);
// True for values the format defines.
bool IsKnownDataType(int value);

// Dimensions, outermost first (NHWC for images).
using Shape = std::vector<int32_t>;

// Product of dims. Returns false on a negative dim or if the product does not
// fit in int64 after multiplying by `element_size` (use 1 for a plain count).
bool ShapeElementCount(const Shape& shape, int64_t* count, size_t element_size = 1);
std::string ShapeToString(const Shape& shape);  // "[1,224,224,3]"

}  // namespace edgeml
