// Reductions over any set of axes of a row-major tensor (MEAN, SUM,
// REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY). Elements are accumulated in input order into
// their output slot, the order LiteRT's reference kernels use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace edgeml::reference {

// The input shape with runs of neighbouring axes that are all reduced or all
// kept merged into one axis; built once (at prepare) from dims + axis mask.
struct ReduceGeometry {
  std::vector<int64_t> dims;        // merged dims, outermost first
  std::vector<int64_t> out_stride;  // output stride per merged axis; 0 if reduced
  int64_t input_count = 0;          // elements read
  int64_t output_count = 0;         // elements written
  int64_t reduced_count = 0;        // elements combined into each output
};

inline ReduceGeometry MakeReduceGeometry(const std::vector<int32_t>& dims,
                                         const std::vector<bool>& reduced) {
  ReduceGeometry g;
  std::vector<bool> merged_reduced;
  g.input_count = g.output_count = g.reduced_count = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    g.input_count *= dims[i];
    (reduced[i] ? g.reduced_count : g.output_count) *= dims[i];
    if (dims[i] == 1) continue;  // size-1 axes never change an offset
    if (!g.dims.empty() && merged_reduced.back() == reduced[i]) {
      g.dims.back() *= dims[i];
    } else {
      g.dims.push_back(dims[i]);
      merged_reduced.push_back(reduced[i]);
    }
  }
  g.out_stride.assign(g.dims.size(), 0);
  int64_t s = 1;
  for (size_t i = g.dims.size(); i-- > 0;) {
    if (!merged_reduced[i]) {
      g.out_stride[i] = s;
      s *= g.dims[i];
    }
  }
  return g;
}

// Combines every input element into out[o] (o = its index with the reduced
// axes dropped). `out` must already hold the identity of `combine`. `index`
// is caller-provided workspace of g.dims.size() entries (no allocation here).
template <typename In, typename Out, typename Combine>
void ReduceInto(const ReduceGeometry& g, const In* input, Out* out, int64_t* index,
                Combine combine) {
  if (g.input_count == 0) return;
  const int rank = static_cast<int>(g.dims.size());
  for (int a = 0; a < rank; ++a) index[a] = 0;
  int64_t o = 0;
  for (int64_t i = 0; i < g.input_count; ++i) {
    out[o] = combine(out[o], input[i]);
    // Odometer increment, keeping the output offset in step.
    for (int a = rank - 1; a >= 0; --a) {
      if (++index[a] < g.dims[a]) {
        o += g.out_stride[a];
        break;
      }
      o -= g.out_stride[a] * (g.dims[a] - 1);
      index[a] = 0;
    }
  }
}

inline void SumF32(const ReduceGeometry& g, const float* input, float* output, int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = 0.f;
  ReduceInto(g, input, output, index, [](float a, float b) { return a + b; });
}

// Sum divided by the number of reduced elements (NaN when that is 0, as in
// LiteRT).
inline void MeanF32(const ReduceGeometry& g, const float* input, float* output, int64_t* index) {
  SumF32(g, input, output, index);
  const float count = static_cast<float>(g.reduced_count);
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = output[i] / count;
}

// Starts from the lowest finite float, so an empty reduction yields it; NaN
// inputs are skipped by the comparison, as in LiteRT.
inline void ReduceMaxF32(const ReduceGeometry& g, const float* input, float* output,
                         int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = std::numeric_limits<float>::lowest();
  ReduceInto(g, input, output, index, [](float a, float b) { return b > a ? b : a; });
}

// Starts from the largest finite value of T (what an empty reduction
// yields); NaN inputs are skipped by the comparison, as in LiteRT.
template <typename T>
void ReduceMin(const ReduceGeometry& g, const T* input, T* output, int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = std::numeric_limits<T>::max();
  ReduceInto(g, input, output, index, [](T a, T b) { return b < a ? b : a; });
}

// Multiplies in input order starting from 1 (LiteRT's order, so rounding
// matches).
inline void ReduceProdF32(const ReduceGeometry& g, const float* input, float* output,
                          int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = 1.f;
  ReduceInto(g, input, output, index, [](float a, float b) { return a * b; });
}

// Logical OR; an empty reduction yields false.
inline void ReduceAnyBool(const ReduceGeometry& g, const bool* input, bool* output,
                          int64_t* index) {
  for (int64_t i = 0; i < g.output_count; ++i) output[i] = false;
  ReduceInto(g, input, output, index, [](bool a, bool b) { return a || b; });
}

}  // namespace edgeml::reference
