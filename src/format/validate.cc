#include "format/validate.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string>

#include "edgeml/types.h"

namespace edgeml::format {
namespace {

Status Invalid(const char* format, ...) __attribute__((format(printf, 1, 2)));
Status Invalid(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  vsnprintf(buf, sizeof(buf), format, args);
  va_end(args);
  return Status(StatusCode::kInvalidModel, buf);
}

template <typename V>
uint32_t Size(const V* v) {
  return v ? v->size() : 0;
}

Status CheckTensorIndexList(const flatbuffers::Vector<int32_t>* list, uint32_t num_tensors,
                            bool allow_optional, const char* what, int subgraph) {
  if (!list) return Status::Ok();
  for (uint32_t i = 0; i < list->size(); ++i) {
    int32_t t = list->Get(i);
    if (allow_optional && t == -1) continue;
    if (t < 0 || static_cast<uint32_t>(t) >= num_tensors) {
      return Invalid("subgraph %d: %s[%u] = %d is not a tensor index (subgraph has %u tensors)",
                     subgraph, what, i, t, num_tensors);
    }
  }
  return Status::Ok();
}

Status CheckTensor(const tfl::Model* model, const uint8_t* file, size_t file_size, int sg, int ti,
                   const tfl::Tensor* t) {
  const char* name = t->name() ? t->name()->c_str() : "";
  int type = static_cast<int>(t->type());
  if (!IsKnownDataType(type)) {
    return Invalid("subgraph %d: tensor %d '%s' has unknown type %d", sg, ti, name, type);
  }
  Shape shape;
  if (t->shape()) shape.assign(t->shape()->begin(), t->shape()->end());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] < 0) {
      return Invalid("subgraph %d: tensor %d '%s' has negative dim %d at axis %zu", sg, ti, name,
                     shape[d], d);
    }
  }
  DataType dtype = static_cast<DataType>(type);
  int64_t count = 0;
  if (!ShapeElementCount(shape, &count, std::max<size_t>(1, DataTypeSize(dtype)))) {
    return Invalid("subgraph %d: tensor %d '%s' shape %s is too large", sg, ti, name,
                   ShapeToString(shape).c_str());
  }
  uint32_t buffers = Size(model->buffers());
  if (t->buffer() >= buffers) {
    return Invalid("subgraph %d: tensor %d '%s' refers to buffer %u (model has %u buffers)", sg, ti,
                   name, t->buffer(), buffers);
  }
  const uint8_t* data = nullptr;
  size_t bytes = 0;
  EDGEML_RETURN_IF_ERROR(BufferData(model, file, file_size, t->buffer(), &data, &bytes)
                             .WithPrefix("tensor " + std::to_string(ti)));
  // Sparse tensors store compressed values; their size is checked by DENSIFY.
  if (bytes > 0 && !t->sparsity() && DataTypeSize(dtype) > 0) {
    uint64_t want = static_cast<uint64_t>(count) * DataTypeSize(dtype);
    if (bytes != want) {
      return Invalid(
          "subgraph %d: tensor %d '%s' (%s %s) needs %llu bytes of constant data, buffer %u has "
          "%zu",
          sg, ti, name, DataTypeName(dtype).c_str(), ShapeToString(shape).c_str(),
          static_cast<unsigned long long>(want), t->buffer(), bytes);
    }
  }
  if (bytes > 0 && dtype == DataType::kInt4) {
    uint64_t want = (static_cast<uint64_t>(count) + 1) / 2;
    if (!t->sparsity() && bytes != want) {
      return Invalid("subgraph %d: tensor %d '%s' INT4 data is %zu bytes, expected %llu", sg, ti,
                     name, bytes, static_cast<unsigned long long>(want));
    }
  }
  if (const tfl::QuantizationParameters* q = t->quantization()) {
    uint32_t ns = Size(q->scale()), nz = Size(q->zero_point());
    if (ns > 0) {
      if (nz != 0 && nz != ns) {
        return Invalid("subgraph %d: tensor %d '%s' has %u scales but %u zero points", sg, ti, name,
                       ns, nz);
      }
      if (ns > 1) {
        int qd = q->quantized_dimension();
        if (qd < 0 || static_cast<size_t>(qd) >= shape.size() ||
            static_cast<uint32_t>(shape[qd]) != ns) {
          return Invalid(
              "subgraph %d: tensor %d '%s' has %u per-channel scales along dimension %d of shape "
              "%s",
              sg, ti, name, ns, qd, ShapeToString(shape).c_str());
        }
      }
    }
  }
  if (const tfl::SparsityParameters* sp = t->sparsity()) {
    uint32_t n = Size(sp->traversal_order());
    if (Size(sp->dim_metadata()) != n) {
      return Invalid("subgraph %d: tensor %d '%s' sparsity has %u traversal dims but %u metadata",
                     sg, ti, name, n, Size(sp->dim_metadata()));
    }
  }
  return Status::Ok();
}

}  // namespace

int EffectiveBuiltinCode(const tfl::OperatorCode* code) {
  return std::max(static_cast<int>(code->builtin_code()),
                  static_cast<int>(code->deprecated_builtin_code()));
}

Status BufferData(const tfl::Model* model, const uint8_t* file, size_t file_size, uint32_t index,
                  const uint8_t** data, size_t* size) {
  *data = nullptr;
  *size = 0;
  if (!model->buffers() || index >= model->buffers()->size()) {
    return Invalid("buffer %u does not exist (model has %u buffers)", index,
                   Size(model->buffers()));
  }
  const tfl::Buffer* b = model->buffers()->Get(index);
  if (b->offset() > 1) {
    uint64_t off = b->offset(), len = b->size();
    if (off > file_size || len > file_size - off) {
      return Invalid("buffer %u lies outside the file (offset %llu, size %llu, file %zu bytes)",
                     index, static_cast<unsigned long long>(off),
                     static_cast<unsigned long long>(len), file_size);
    }
    *data = file + off;
    *size = static_cast<size_t>(len);
  } else if (b->data() && b->data()->size() > 0) {
    *data = b->data()->data();
    *size = b->data()->size();
  }
  return Status::Ok();
}

Status VerifyModel(const uint8_t* data, size_t size, const tfl::Model** out) {
  if (size < 8) return Invalid("%zu bytes is too short for a .tflite model", size);
  if (!tfl::ModelBufferHasIdentifier(data)) {
    char id[5] = {0};
    for (int i = 0; i < 4; ++i) {
      char c = static_cast<char>(data[4 + i]);
      id[i] = (c >= 32 && c < 127) ? c : '?';
    }
    return Invalid("file identifier is '%s', expected 'TFL3' (not a .tflite model)", id);
  }
  // Models over 2 GB keep their tensor data after the flatbuffer; the
  // flatbuffer itself is addressed with 32-bit offsets.
  size_t fb_size = std::min<size_t>(size, FLATBUFFERS_MAX_BUFFER_SIZE - 1);
  flatbuffers::Verifier verifier(data, fb_size, /*max_depth=*/64, /*max_tables=*/4000000);
  if (!tfl::VerifyModelBuffer(verifier)) {
    return Invalid("the FlatBuffers verifier rejected the model (corrupt or truncated file)");
  }
  const tfl::Model* model = tfl::GetModel(data);

  uint32_t num_codes = Size(model->operator_codes());
  for (uint32_t i = 0; i < num_codes; ++i) {
    const tfl::OperatorCode* code = model->operator_codes()->Get(i);
    int builtin = EffectiveBuiltinCode(code);
    if (builtin < 0) return Invalid("operator code %u has negative builtin code %d", i, builtin);
    if (builtin == static_cast<int>(tfl::BuiltinOperator::CUSTOM) && !code->custom_code()) {
      return Invalid("operator code %u is CUSTOM without a custom_code name", i);
    }
  }
  uint32_t num_buffers = Size(model->buffers());
  for (uint32_t b = 0; b < num_buffers; ++b) {
    const uint8_t* d;
    size_t n;
    EDGEML_RETURN_IF_ERROR(BufferData(model, data, size, b, &d, &n));
  }

  uint32_t num_subgraphs = Size(model->subgraphs());
  if (num_subgraphs == 0) return Invalid("the model has no subgraphs");
  for (uint32_t s = 0; s < num_subgraphs; ++s) {
    const tfl::SubGraph* sg = model->subgraphs()->Get(s);
    uint32_t nt = Size(sg->tensors());
    for (uint32_t t = 0; t < nt; ++t) {
      EDGEML_RETURN_IF_ERROR(CheckTensor(model, data, size, s, t, sg->tensors()->Get(t)));
    }
    EDGEML_RETURN_IF_ERROR(CheckTensorIndexList(sg->inputs(), nt, false, "inputs", s));
    EDGEML_RETURN_IF_ERROR(CheckTensorIndexList(sg->outputs(), nt, false, "outputs", s));
    uint32_t no = Size(sg->operators());
    for (uint32_t o = 0; o < no; ++o) {
      const tfl::Operator* op = sg->operators()->Get(o);
      if (op->opcode_index() >= num_codes) {
        return Invalid("subgraph %u: operator %u uses operator code %u (model has %u)", s, o,
                       op->opcode_index(), num_codes);
      }
      std::string where = "operator " + std::to_string(o);
      EDGEML_RETURN_IF_ERROR(
          CheckTensorIndexList(op->inputs(), nt, true, (where + " inputs").c_str(), s));
      EDGEML_RETURN_IF_ERROR(
          CheckTensorIndexList(op->outputs(), nt, false, (where + " outputs").c_str(), s));
      EDGEML_RETURN_IF_ERROR(CheckTensorIndexList(op->intermediates(), nt, false,
                                                  (where + " intermediates").c_str(), s));
      if (op->large_custom_options_offset() > 1) {
        uint64_t off = op->large_custom_options_offset(), len = op->large_custom_options_size();
        if (off > size || len > size - off) {
          return Invalid("subgraph %u: operator %u custom options lie outside the file", s, o);
        }
      }
    }
  }
  for (uint32_t i = 0; i < Size(model->signature_defs()); ++i) {
    const tfl::SignatureDef* sig = model->signature_defs()->Get(i);
    if (sig->subgraph_index() >= num_subgraphs) {
      return Invalid("signature %u refers to subgraph %u (model has %u)", i, sig->subgraph_index(),
                     num_subgraphs);
    }
    uint32_t nt = Size(model->subgraphs()->Get(sig->subgraph_index())->tensors());
    for (auto* list : {sig->inputs(), sig->outputs()}) {
      for (uint32_t j = 0; j < Size(list); ++j) {
        if (list->Get(j)->tensor_index() >= nt) {
          return Invalid("signature %u maps a name to tensor %u (subgraph has %u tensors)", i,
                         list->Get(j)->tensor_index(), nt);
        }
      }
    }
  }
  for (uint32_t i = 0; i < Size(model->metadata()); ++i) {
    if (model->metadata()->Get(i)->buffer() >= num_buffers) {
      return Invalid("metadata %u refers to buffer %u (model has %u)", i,
                     model->metadata()->Get(i)->buffer(), num_buffers);
    }
  }
  *out = model;
  return Status::Ok();
}

}  // namespace edgeml::format
