#include "optimize/model_edit.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace edgeml::optimize {

tfl::BuiltinOperator OpCode(const tfl::ModelT& m, const tfl::OperatorT& op) {
  if (op.opcode_index >= m.operator_codes.size()) return tfl::BuiltinOperator::CUSTOM;
  const tfl::OperatorCodeT& c = *m.operator_codes[op.opcode_index];
  return static_cast<tfl::BuiltinOperator>(
      std::max<int32_t>(static_cast<int32_t>(c.builtin_code), c.deprecated_builtin_code));
}

std::string OpName(const tfl::ModelT& m, const tfl::OperatorT& op) {
  const tfl::BuiltinOperator code = OpCode(m, op);
  if (code == tfl::BuiltinOperator::CUSTOM && op.opcode_index < m.operator_codes.size()) {
    return m.operator_codes[op.opcode_index]->custom_code;
  }
  return tfl::EnumNameBuiltinOperator(code);
}

uint32_t GetOrAddOpCode(tfl::ModelT* m, tfl::BuiltinOperator op, int version) {
  for (uint32_t i = 0; i < m->operator_codes.size(); ++i) {
    const tfl::OperatorCodeT& c = *m->operator_codes[i];
    const auto code = static_cast<tfl::BuiltinOperator>(
        std::max<int32_t>(static_cast<int32_t>(c.builtin_code), c.deprecated_builtin_code));
    if (code == op && c.version == version) return i;
  }
  auto c = std::make_unique<tfl::OperatorCodeT>();
  c->builtin_code = op;
  // Old readers look only at the deprecated byte (codes below 127).
  c->deprecated_builtin_code =
      static_cast<int8_t>(std::min<int32_t>(static_cast<int32_t>(op), 127));
  c->version = version;
  m->operator_codes.push_back(std::move(c));
  return static_cast<uint32_t>(m->operator_codes.size() - 1);
}

uint32_t AddBuffer(tfl::ModelT* m, const void* bytes, size_t size) {
  if (m->buffers.empty()) m->buffers.push_back(std::make_unique<tfl::BufferT>());
  auto b = std::make_unique<tfl::BufferT>();
  const uint8_t* p = static_cast<const uint8_t*>(bytes);
  b->data.assign(p, p + size);
  m->buffers.push_back(std::move(b));
  return static_cast<uint32_t>(m->buffers.size() - 1);
}

int AddTensor(tfl::SubGraphT* g, const std::string& name, tfl::TensorType type,
              const std::vector<int32_t>& shape, uint32_t buffer) {
  auto t = std::make_unique<tfl::TensorT>();
  t->name = name;
  t->type = type;
  t->shape = shape;
  t->buffer = buffer;
  g->tensors.push_back(std::move(t));
  return static_cast<int>(g->tensors.size() - 1);
}

const std::vector<uint8_t>* ConstantData(const tfl::ModelT& m, const tfl::TensorT& t) {
  if (t.buffer == 0 || t.buffer >= m.buffers.size() || t.is_variable) return nullptr;
  const auto& data = m.buffers[t.buffer]->data;
  return data.empty() ? nullptr : &data;
}

bool IsConstant(const tfl::ModelT& m, const tfl::TensorT& t) {
  return ConstantData(m, t) != nullptr;
}

int64_t NumElements(const std::vector<int32_t>& shape) {
  int64_t n = 1;
  for (int32_t d : shape) n *= std::max<int32_t>(d, 0);
  return n;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  x &= 0x7fffffffu;
  if (x >= 0x7f800000u) return static_cast<uint16_t>(sign | (x > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (x >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504
  if (x < 0x38800000u) {  // subnormal or zero in half precision: multiples of 2^-24
    float a;
    std::memcpy(&a, &x, 4);
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(std::nearbyint(a * 16777216.0f)));
  }
  const uint32_t lsb = (x >> 13) & 1u;
  x += 0xfffu + lsb;  // round to nearest even
  return static_cast<uint16_t>(sign | (((x >> 23) - 112u) << 10) | ((x >> 13) & 0x3ffu));
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t man = h & 0x3ffu;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(man), -24);
  } else if (exp == 31) {
    v = man ? std::nanf("") : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(man | 0x400u), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

Status ConstantAsFloat(const tfl::ModelT& m, const tfl::TensorT& t, std::vector<float>* out) {
  const std::vector<uint8_t>* data = ConstantData(m, t);
  if (data == nullptr)
    return Errorf(StatusCode::kInvalidArgument, "tensor '%s' is not constant", t.name.c_str());
  const int64_t n = NumElements(t.shape);
  out->resize(static_cast<size_t>(n));
  switch (t.type) {
    case tfl::TensorType::FLOAT32:
      if (data->size() < static_cast<size_t>(n) * 4) break;
      std::memcpy(out->data(), data->data(), static_cast<size_t>(n) * 4);
      return Status::Ok();
    case tfl::TensorType::FLOAT16: {
      if (data->size() < static_cast<size_t>(n) * 2) break;
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, data->data() + 2 * i, 2);
        (*out)[i] = HalfToFloat(h);
      }
      return Status::Ok();
    }
    case tfl::TensorType::INT8: {
      const auto* q = t.quantization.get();
      if (q == nullptr || q->scale.empty() || data->size() < static_cast<size_t>(n)) break;
      const int axis = q->quantized_dimension;
      int64_t inner = 1;
      if (q->scale.size() > 1) {
        if (axis < 0 || axis >= static_cast<int>(t.shape.size()) ||
            static_cast<size_t>(t.shape[axis]) != q->scale.size()) {
          break;
        }
        for (size_t d = axis + 1; d < t.shape.size(); ++d) inner *= t.shape[d];
      }
      for (int64_t i = 0; i < n; ++i) {
        const size_t c =
            q->scale.size() > 1 ? static_cast<size_t>((i / inner) % q->scale.size()) : 0;
        const int64_t zp = c < q->zero_point.size() ? q->zero_point[c] : 0;
        (*out)[i] = q->scale[c] * static_cast<float>(static_cast<int8_t>((*data)[i]) - zp);
      }
      return Status::Ok();
    }
    default:
      break;
  }
  return Errorf(StatusCode::kUnsupported, "cannot read constant tensor '%s' (%s) as float",
                t.name.c_str(), tfl::EnumNameTensorType(t.type));
}

int FoldConstantDequantize(tfl::ModelT* m) {
  int folded = 0;
  for (auto& g : m->subgraphs) {
    std::vector<std::unique_ptr<tfl::OperatorT>> kept;
    for (auto& op : g->operators) {
      if (OpCode(*m, *op) == tfl::BuiltinOperator::DEQUANTIZE && op->inputs.size() == 1 &&
          op->outputs.size() == 1 && op->inputs[0] >= 0) {
        const tfl::TensorT& in = *g->tensors[op->inputs[0]];
        tfl::TensorT& out = *g->tensors[op->outputs[0]];
        std::vector<float> values;
        if (out.type == tfl::TensorType::FLOAT32 && IsConstant(*m, in) &&
            ConstantAsFloat(*m, in, &values).ok() &&
            NumElements(out.shape) == NumElements(in.shape)) {
          out.buffer = AddBuffer(m, values.data(), values.size() * 4);
          ++folded;
          continue;
        }
      }
      kept.push_back(std::move(op));
    }
    g->operators = std::move(kept);
  }
  return folded;
}

std::vector<std::vector<int>> Consumers(const tfl::SubGraphT& g) {
  std::vector<std::vector<int>> out(g.tensors.size());
  for (size_t o = 0; o < g.operators.size(); ++o) {
    for (int32_t t : g.operators[o]->inputs) {
      if (t >= 0 && static_cast<size_t>(t) < out.size()) out[t].push_back(static_cast<int>(o));
    }
  }
  return out;
}

void Compact(tfl::ModelT* m) {
  // Tensors.
  for (size_t gi = 0; gi < m->subgraphs.size(); ++gi) {
    tfl::SubGraphT& g = *m->subgraphs[gi];
    std::vector<char> used(g.tensors.size(), 0);
    auto mark = [&](int32_t t) {
      if (t >= 0 && static_cast<size_t>(t) < used.size()) used[t] = 1;
    };
    for (auto& op : g.operators) {
      for (int32_t t : op->inputs) mark(t);
      for (int32_t t : op->outputs) mark(t);
      for (int32_t t : op->intermediates) mark(t);
    }
    for (int32_t t : g.inputs) mark(t);
    for (int32_t t : g.outputs) mark(t);
    for (auto& sig : m->signature_defs) {
      if (sig->subgraph_index != gi) continue;
      for (auto& e : sig->inputs) mark(static_cast<int32_t>(e->tensor_index));
      for (auto& e : sig->outputs) mark(static_cast<int32_t>(e->tensor_index));
    }
    std::vector<int32_t> remap(g.tensors.size(), -1);
    std::vector<std::unique_ptr<tfl::TensorT>> tensors;
    for (size_t t = 0; t < g.tensors.size(); ++t) {
      if (!used[t]) continue;
      remap[t] = static_cast<int32_t>(tensors.size());
      tensors.push_back(std::move(g.tensors[t]));
    }
    g.tensors = std::move(tensors);
    auto apply = [&](std::vector<int32_t>& v) {
      for (int32_t& t : v) {
        if (t >= 0 && static_cast<size_t>(t) < remap.size()) t = remap[t];
      }
    };
    for (auto& op : g.operators) {
      apply(op->inputs);
      apply(op->outputs);
      apply(op->intermediates);
    }
    apply(g.inputs);
    apply(g.outputs);
    for (auto& sig : m->signature_defs) {
      if (sig->subgraph_index != gi) continue;
      for (auto& e : sig->inputs) e->tensor_index = static_cast<uint32_t>(remap[e->tensor_index]);
      for (auto& e : sig->outputs) e->tensor_index = static_cast<uint32_t>(remap[e->tensor_index]);
    }
  }
  // Buffers (buffer 0 stays the empty buffer).
  std::vector<char> used(m->buffers.size(), 0);
  if (!used.empty()) used[0] = 1;
  auto mark = [&](uint32_t b) {
    if (b < used.size()) used[b] = 1;
  };
  for (auto& g : m->subgraphs) {
    for (auto& t : g->tensors) mark(t->buffer);
  }
  for (auto& md : m->metadata) mark(md->buffer);
  for (int32_t b : m->metadata_buffer) mark(static_cast<uint32_t>(b));
  std::vector<uint32_t> remap(m->buffers.size(), 0);
  std::vector<std::unique_ptr<tfl::BufferT>> buffers;
  for (size_t b = 0; b < m->buffers.size(); ++b) {
    if (!used[b]) continue;
    remap[b] = static_cast<uint32_t>(buffers.size());
    buffers.push_back(std::move(m->buffers[b]));
  }
  m->buffers = std::move(buffers);
  for (auto& g : m->subgraphs) {
    for (auto& t : g->tensors) t->buffer = t->buffer < remap.size() ? remap[t->buffer] : 0;
  }
  for (auto& md : m->metadata) md->buffer = remap[md->buffer];
  for (int32_t& b : m->metadata_buffer) b = static_cast<int32_t>(remap[b]);
  // Operator codes.
  std::vector<char> used_codes(m->operator_codes.size(), 0);
  for (auto& g : m->subgraphs) {
    for (auto& op : g->operators) {
      if (op->opcode_index < used_codes.size()) used_codes[op->opcode_index] = 1;
    }
  }
  std::vector<uint32_t> code_remap(m->operator_codes.size(), 0);
  std::vector<std::unique_ptr<tfl::OperatorCodeT>> codes;
  for (size_t c = 0; c < m->operator_codes.size(); ++c) {
    if (!used_codes[c]) continue;
    code_remap[c] = static_cast<uint32_t>(codes.size());
    codes.push_back(std::move(m->operator_codes[c]));
  }
  m->operator_codes = std::move(codes);
  for (auto& g : m->subgraphs) {
    for (auto& op : g->operators) {
      if (op->opcode_index < code_remap.size()) op->opcode_index = code_remap[op->opcode_index];
    }
  }
}

}  // namespace edgeml::optimize
