// Small edits on the object form of a model (tfl::ModelT) shared by the
// optimizer passes: adding tensors, buffers, operators and operator codes,
// folding constant DEQUANTIZE ops, and dropping what nothing refers to.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "tflite_generated.h"

namespace edgeml::optimize {

// Effective builtin code (max of builtin_code and deprecated_builtin_code).
tfl::BuiltinOperator OpCode(const tfl::ModelT& m, const tfl::OperatorT& op);
// "CONV_2D" or the custom code.
std::string OpName(const tfl::ModelT& m, const tfl::OperatorT& op);

// Index of the operator code (builtin, version), added if missing.
uint32_t GetOrAddOpCode(tfl::ModelT* m, tfl::BuiltinOperator op, int version);

// Appends a buffer holding `bytes`; returns its index.
uint32_t AddBuffer(tfl::ModelT* m, const void* bytes, size_t size);
// Appends a tensor; returns its index.
int AddTensor(tfl::SubGraphT* g, const std::string& name, tfl::TensorType type,
              const std::vector<int32_t>& shape, uint32_t buffer = 0);

// Bytes of a tensor's constant data, or nullptr/0 when it has none.
const std::vector<uint8_t>* ConstantData(const tfl::ModelT& m, const tfl::TensorT& t);
bool IsConstant(const tfl::ModelT& m, const tfl::TensorT& t);
int64_t NumElements(const std::vector<int32_t>& shape);

// Float values of a constant FLOAT32 / FLOAT16 tensor, or of a per-tensor or
// per-axis quantized INT8 constant. Fails for other types.
Status ConstantAsFloat(const tfl::ModelT& m, const tfl::TensorT& t, std::vector<float>* out);

uint16_t FloatToHalf(float f);
float HalfToFloat(uint16_t h);

// Replaces every DEQUANTIZE whose input is constant (FLOAT16 or INT8
// weights, as in MediaPipe's models) by a FLOAT32 constant output; returns
// how many were folded.
int FoldConstantDequantize(tfl::ModelT* m);

// Drops tensors no operator, subgraph input/output or signature uses,
// buffers no tensor or metadata uses, and operator codes no operator uses,
// renumbering what remains.
void Compact(tfl::ModelT* m);

// For each tensor of subgraph `g`: the operators reading it.
std::vector<std::vector<int>> Consumers(const tfl::SubGraphT& g);

}  // namespace edgeml::optimize
