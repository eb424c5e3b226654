// Reference batched matrix multiply with broadcasting over batch dims.
#pragma once

#include <cstdint>

namespace edgeml::reference {

// Up to three batch dims (LiteRT allows rank 5), outermost first, padded on
// the left with 1. A batch dim of 1 on one side broadcasts against the other.
struct BatchMatMulShape {
  int32_t lhs_batch[3] = {1, 1, 1};
  int32_t rhs_batch[3] = {1, 1, 1};
  int32_t rows = 0;    // output rows (lhs rows after adj_x)
  int32_t cols = 0;    // output cols (rhs cols after adj_y)
  int32_t depth = 0;   // contracted dim
  bool adj_x = false;  // lhs stored as [depth, rows] instead of [rows, depth]
  bool adj_y = false;  // rhs stored as [cols, depth] instead of [depth, cols]
};

// out[batch, i, j] = sum_k lhs'[batch, i, k] * rhs'[k, j] over broadcast
// batches; an output batch dim is the lhs one unless that is 1 (the op has
// checked that the two are equal or one of them is 1).
inline void BatchMatMulF32(const BatchMatMulShape& s, const float* lhs, const float* rhs,
                           float* out) {
  const int64_t lhs_mat = int64_t{s.rows} * s.depth;
  const int64_t rhs_mat = int64_t{s.depth} * s.cols;
  const int64_t out_mat = int64_t{s.rows} * s.cols;
  int32_t ob[3];
  int64_t lhs_stride[3], rhs_stride[3];
  int64_t ls = lhs_mat, rs = rhs_mat;
  for (int d = 2; d >= 0; --d) {
    ob[d] = s.lhs_batch[d] == 1 ? s.rhs_batch[d] : s.lhs_batch[d];
    // A broadcast dim (size 1 against a larger one) does not advance.
    lhs_stride[d] = s.lhs_batch[d] == 1 ? 0 : ls;
    rhs_stride[d] = s.rhs_batch[d] == 1 ? 0 : rs;
    ls *= s.lhs_batch[d];
    rs *= s.rhs_batch[d];
  }
  for (int32_t b0 = 0; b0 < ob[0]; ++b0) {
    for (int32_t b1 = 0; b1 < ob[1]; ++b1) {
      for (int32_t b2 = 0; b2 < ob[2]; ++b2) {
        const float* l = lhs + b0 * lhs_stride[0] + b1 * lhs_stride[1] + b2 * lhs_stride[2];
        const float* r = rhs + b0 * rhs_stride[0] + b1 * rhs_stride[1] + b2 * rhs_stride[2];
        float* o = out + ((int64_t{b0} * ob[1] + b1) * ob[2] + b2) * out_mat;
        for (int32_t i = 0; i < s.rows; ++i) {
          for (int32_t j = 0; j < s.cols; ++j) {
            float total = 0.f;
            for (int32_t k = 0; k < s.depth; ++k) {
              const float a = s.adj_x ? l[int64_t{k} * s.rows + i] : l[int64_t{i} * s.depth + k];
              const float c = s.adj_y ? r[int64_t{j} * s.depth + k] : r[int64_t{k} * s.cols + j];
              total += a * c;
            }
            o[int64_t{i} * s.cols + j] = total;
          }
        }
      }
    }
  }
}

}  // namespace edgeml::reference
