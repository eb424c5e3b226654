#include "optimize/prune.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "optimize/model_edit.h"
#include "optimize/quantize.h"

namespace edgeml::optimize {

Status ParseBlock(const std::string& s, int* block) {
  if (s == "1x1")
    *block = 1;
  else if (s == "1x4")
    *block = 4;
  else if (s == "1x16")
    *block = 16;
  else
    return Status(StatusCode::kInvalidArgument,
                  "--block: '" + s + "' is not one of 1x1, 1x4, 1x16");
  return Status::Ok();
}

namespace {

std::unique_ptr<tfl::DimensionMetadataT> Dense(int32_t size) {
  auto d = std::make_unique<tfl::DimensionMetadataT>();
  d->format = tfl::DimensionType::DENSE;
  d->dense_size = size;
  return d;
}

// The narrowest index vector that holds every value (smaller files).
void SetIndices(const std::vector<int32_t>& v, tfl::SparseIndexVectorUnion* u) {
  const int32_t top = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  if (top < 256) {
    tfl::Uint8VectorT x;
    x.values.assign(v.begin(), v.end());
    u->Set(std::move(x));
  } else if (top < 65536) {
    tfl::Uint16VectorT x;
    x.values.assign(v.begin(), v.end());
    u->Set(std::move(x));
  } else {
    tfl::Int32VectorT x;
    x.values = v;
    u->Set(std::move(x));
  }
}

}  // namespace

Status PruneModel(tfl::ModelT* m, const PruneOptions& o, PruneSummary* summary) {
  *summary = PruneSummary();
  if (!(o.sparsity >= 0.0 && o.sparsity < 1.0)) {
    return Status(StatusCode::kInvalidArgument, "--sparsity must be in [0, 1)");
  }
  if (o.block != 1 && o.block != 4 && o.block != 16) {
    return Status(StatusCode::kInvalidArgument, "block must be 1, 4 or 16");
  }
  PrepareFloatModel(m);  // fp16 weights behind DEQUANTIZE become float32 first
  for (auto& gp : m->subgraphs) {
    tfl::SubGraphT& g = *gp;
    std::vector<std::unique_ptr<tfl::OperatorT>> densify;
    std::vector<char> done(g.tensors.size(), 0);
    const auto consumers = Consumers(g);
    for (auto& op : g.operators) {
      const tfl::BuiltinOperator code = OpCode(*m, *op);
      if (code != tfl::BuiltinOperator::FULLY_CONNECTED && code != tfl::BuiltinOperator::CONV_2D)
        continue;
      if (op->inputs.size() < 2 || op->inputs[1] < 0) continue;
      const int wi = op->inputs[1];
      if (done[wi]) continue;
      tfl::TensorT& w = *g.tensors[wi];
      if (w.type != tfl::TensorType::FLOAT32 || !IsConstant(*m, w) || w.sparsity ||
          w.shape.size() < 2)
        continue;
      const int64_t n = NumElements(w.shape);
      const int32_t last = w.shape.back();
      if (n < o.min_elements || last % o.block != 0) continue;
      bool only_weights = true;  // the tensor must not feed anything else
      for (int c : consumers[wi]) {
        const auto cc = OpCode(*m, *g.operators[c]);
        only_weights &=
            (cc == tfl::BuiltinOperator::FULLY_CONNECTED || cc == tfl::BuiltinOperator::CONV_2D) &&
            g.operators[c]->inputs[1] == wi && g.operators[c]->inputs[0] != wi;
      }
      if (!only_weights) continue;
      std::vector<float> v;
      EDGEML_RETURN_IF_ERROR(ConstantAsFloat(*m, w, &v));
      const int64_t rows = n / last;
      const int32_t cols = last / o.block;  // blocks per row
      const int64_t blocks = rows * cols;
      std::vector<float> score(static_cast<size_t>(blocks), 0.0f);
      for (int64_t b = 0; b < blocks; ++b) {
        for (int j = 0; j < o.block; ++j) score[b] += std::fabs(v[b * o.block + j]);
      }
      const int64_t drop =
          static_cast<int64_t>(std::floor(o.sparsity * static_cast<double>(blocks)));
      std::vector<int64_t> order(static_cast<size_t>(blocks));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](int64_t a, int64_t b) { return score[a] < score[b]; });
      std::vector<char> keep(static_cast<size_t>(blocks), 1);
      for (int64_t k = 0; k < drop; ++k) keep[order[k]] = 0;

      // Sparse encoding: rows DENSE, blocks SPARSE_CSR, block values DENSE.
      std::vector<int32_t> segments{0}, indices;
      std::vector<float> values;
      for (int64_t r = 0; r < rows; ++r) {
        for (int32_t c = 0; c < cols; ++c) {
          const int64_t b = r * cols + c;
          if (!keep[b]) continue;
          indices.push_back(c);
          values.insert(values.end(), v.begin() + b * o.block, v.begin() + (b + 1) * o.block);
        }
        segments.push_back(static_cast<int32_t>(indices.size()));
      }
      auto sp = std::make_unique<tfl::SparsityParametersT>();
      const int dims = static_cast<int>(w.shape.size());
      for (int d = 0; d < dims; ++d) sp->traversal_order.push_back(d);
      for (int d = 0; d + 1 < dims; ++d) sp->dim_metadata.push_back(Dense(w.shape[d]));
      auto csr = std::make_unique<tfl::DimensionMetadataT>();
      csr->format = tfl::DimensionType::SPARSE_CSR;
      SetIndices(segments, &csr->array_segments);
      SetIndices(indices, &csr->array_indices);
      sp->dim_metadata.push_back(std::move(csr));
      if (o.block > 1) {
        sp->traversal_order.push_back(dims);
        sp->block_map.push_back(dims - 1);
        sp->dim_metadata.push_back(Dense(o.block));
      }
      const uint32_t buf = AddBuffer(m, values.data(), values.size() * 4);
      const std::vector<int32_t> shape = w.shape;
      const std::string name = w.name;
      const int s = AddTensor(&g, name + "_sparse", tfl::TensorType::FLOAT32, shape, buf);
      g.tensors[s]->sparsity = std::move(sp);
      g.tensors[wi]->buffer = 0;  // now written by DENSIFY
      auto d = std::make_unique<tfl::OperatorT>();
      d->opcode_index = GetOrAddOpCode(m, tfl::BuiltinOperator::DENSIFY, 1);
      d->inputs = {s};
      d->outputs = {wi};
      densify.push_back(std::move(d));
      done.resize(g.tensors.size(), 0);
      done[wi] = 1;
      ++summary->tensors_pruned;
      summary->weights += n;
      summary->zeros += drop * o.block;
    }
    for (auto& op : g.operators) densify.push_back(std::move(op));
    g.operators = std::move(densify);
  }
  Compact(m);
  return Status::Ok();
}

}  // namespace edgeml::optimize
