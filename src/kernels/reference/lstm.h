// Reference UNIDIRECTIONAL_SEQUENCE_LSTM kernels: float32, and dynamic-range
// "hybrid" (float activations, int8 per-tensor weights, input and output
// state quantized on the fly per batch row).
//
// The steps follow LiteRT's LSTM evaluation operation by operation (bias
// first, then the input product, then the recurrent product, then the
// peephole term; layer norm before the bias when present; the CIFG input gate
// as 1 - forget), including two quirks of its float vector helpers that
// observable results depend on:
//  - an activation of NONE writes nothing: the cell-activation step leaves
//    the cell gate in place of act(cell_state), and in the float path a gate
//    whose input vector is all zero keeps its initial value (bias, or 0 with
//    layer norm) when the cell activation is NONE;
//  - products are skipped when their input vector is entirely zero.
// Float dot products and sigmoid/tanh may differ from LiteRT (which uses
// Eigen/ruy) in the last bits.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/reference/hybrid.h"

namespace edgeml::reference {

enum class LstmActivation { kNone, kRelu, kReluN1To1, kRelu6, kTanh, kSignBit, kSigmoid };

// Gate order used throughout: input, forget, cell, output.
enum LstmGate { kLstmInputGate = 0, kLstmForgetGate, kLstmCellGate, kLstmOutputGate };

// Weights of one gate. Matrices are float or int8 (hybrid) by LstmParams.
struct LstmGateWeights {
  const void* input = nullptr;        // [n_cell, n_input]; null: CIFG input gate
  const void* recurrent = nullptr;    // [n_cell, n_output]
  const void* peephole = nullptr;     // [n_cell] or null (never for the cell gate)
  const float* layer_norm = nullptr;  // [n_cell] or null
  const float* bias = nullptr;        // [n_cell]
  // Hybrid only: per-tensor weight scales and row sums of the int8 matrices.
  float input_scale = 0.f, recurrent_scale = 0.f, peephole_scale = 0.f;
  const int32_t* input_row_sums = nullptr;
  const int32_t* recurrent_row_sums = nullptr;
};

struct LstmParams {
  int32_t max_time = 0, batch = 0, n_input = 0, n_cell = 0, n_output = 0;
  bool time_major = false;
  bool hybrid = false;      // int8 matrices/peepholes
  bool asymmetric = false;  // hybrid: asymmetric quantization of activations
  LstmActivation activation = LstmActivation::kTanh;
  float cell_clip = 0.f, proj_clip = 0.f;  // 0: no clipping
  LstmGateWeights gate[4];
  const void* projection = nullptr;  // [n_output, n_cell] or null
  const float* projection_bias = nullptr;
  float projection_scale = 0.f;
  const int32_t* projection_row_sums = nullptr;
};

// Work buffers, sized for the batch of one step (`batch` rows in time-major
// order, 1 row in batch-major order; size them for `batch`).
struct LstmScratch {
  float* gate[4] = {};        // batch * n_cell each
  float* acc = nullptr;       // batch * n_cell (float path accumulator)
  float* peephole = nullptr;  // n_cell (hybrid: dequantized peephole weights)
  int8_t* q_input = nullptr;  // batch * n_input
  int8_t* q_state = nullptr;  // batch * n_output
  int8_t* q_cell = nullptr;   // batch * n_cell
  float* input_sf = nullptr;  // batch each
  float* state_sf = nullptr;
  float* cell_sf = nullptr;
  int32_t* input_zp = nullptr;
  int32_t* state_zp = nullptr;
  int32_t* cell_zp = nullptr;
};

// Bytes LstmScratch needs (floats, then int32s, then int8s).
inline int64_t LstmScratchBytes(int64_t batch, int64_t n_input, int64_t n_cell, int64_t n_output) {
  const int64_t floats = 5 * batch * n_cell + n_cell + 3 * batch;
  const int64_t ints = 3 * batch;
  const int64_t bytes = batch * (n_input + n_output + n_cell);
  return floats * 4 + ints * 4 + bytes;
}

inline LstmScratch LstmScratchAt(void* base, int64_t batch, int64_t n_input, int64_t n_cell,
                                 int64_t n_output) {
  LstmScratch s;
  float* f = static_cast<float*>(base);
  for (int g = 0; g < 4; ++g) {
    s.gate[g] = f;
    f += batch * n_cell;
  }
  s.acc = f;
  f += batch * n_cell;
  s.peephole = f;
  f += n_cell;
  s.input_sf = f;
  s.state_sf = f + batch;
  s.cell_sf = f + 2 * batch;
  f += 3 * batch;
  int32_t* i = reinterpret_cast<int32_t*>(f);
  s.input_zp = i;
  s.state_zp = i + batch;
  s.cell_zp = i + 2 * batch;
  int8_t* b = reinterpret_cast<int8_t*>(i + 3 * batch);
  s.q_input = b;
  s.q_state = b + batch * n_input;
  s.q_cell = b + batch * (n_input + n_output);
  return s;
}

namespace lstm_detail {

inline bool AllZero(const float* v, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    if (v[i] != 0.f) return false;
  }
  return true;
}

// out = act(in); kNone writes nothing (as LiteRT's vector helper).
inline void Activate(LstmActivation act, const float* in, int64_t n, float* out) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = in[i];
    switch (act) {
      case LstmActivation::kNone:
        return;
      case LstmActivation::kRelu:
        out[i] = std::max(0.f, x);
        break;
      case LstmActivation::kReluN1To1:
        out[i] = std::max(-1.f, std::min(x, 1.f));
        break;
      case LstmActivation::kRelu6:
        out[i] = std::max(0.f, std::min(x, 6.f));
        break;
      case LstmActivation::kTanh:
        out[i] = std::tanh(x);
        break;
      case LstmActivation::kSignBit:
        out[i] = std::signbit(x) ? 1.f : 0.f;
        break;
      case LstmActivation::kSigmoid:
        out[i] = 1.f / (1.f + std::exp(-x));
        break;
    }
  }
}

inline void Clip(float* v, int64_t n, float clip) {
  for (int64_t i = 0; i < n; ++i) v[i] = std::max(-clip, std::min(v[i], clip));
}

// out[b, r] = prior[b, r] + W[r, :] . x[b, :]  (dot product summed first).
inline void MatVecF32(const float* w, int32_t rows, int32_t cols, const float* x, int32_t batch,
                      const float* prior, float* out) {
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t r = 0; r < rows; ++r) {
      const float* wr = w + int64_t{r} * cols;
      const float* xb = x + int64_t{b} * cols;
      float dot = 0.f;
      for (int32_t c = 0; c < cols; ++c) dot += wr[c] * xb[c];
      out[int64_t{b} * rows + r] = dot + prior[int64_t{b} * rows + r];
    }
  }
}

// out[b, r] += float(W[r, :] . q[b, :] - zp[b] * row_sums[r]) * (sf[b] * scale).
inline void MatVecHybrid(const int8_t* w, int32_t rows, int32_t cols, const int8_t* q,
                         const float* sf, const int32_t* zp, const int32_t* row_sums, float scale,
                         int32_t batch, float* out) {
  for (int32_t b = 0; b < batch; ++b) {
    const float batch_scale = sf[b] * scale;
    const int8_t* qb = q + int64_t{b} * cols;
    for (int32_t r = 0; r < rows; ++r) {
      const int8_t* wr = w + int64_t{r} * cols;
      int64_t dot = 0;
      for (int32_t c = 0; c < cols; ++c) dot += int32_t{wr[c]} * qb[c];
      dot -= int64_t{zp[b]} * row_sums[r];
      out[int64_t{b} * rows + r] += static_cast<float>(hybrid_detail::Wrap(dot)) * batch_scale;
    }
  }
}

// Normalizes each row of n values to mean 0, variance 1 (variance + 1e-8).
inline void MeanStddevNormalize(float* v, int32_t n, int32_t batch) {
  for (int32_t b = 0; b < batch; ++b) {
    float* x = v + int64_t{b} * n;
    float sum = 0.f;
    for (int32_t i = 0; i < n; ++i) sum += x[i];
    const float mean = sum / n;
    float sq = 0.f;
    for (int32_t i = 0; i < n; ++i) {
      const float d = x[i] - mean;
      sq += d * d;
    }
    const float variance = sq / n;
    const float inv = 1.f / std::sqrt(variance + 1e-8f);
    for (int32_t i = 0; i < n; ++i) x[i] = (x[i] - mean) * inv;
  }
}

// Layer norm tail shared by both paths: normalize, scale, add bias.
inline void LayerNormTail(const LstmGateWeights& g, int32_t n_cell, int32_t batch, float* v) {
  MeanStddevNormalize(v, n_cell, batch);
  for (int32_t b = 0; b < batch; ++b) {
    float* x = v + int64_t{b} * n_cell;
    for (int32_t i = 0; i < n_cell; ++i) x[i] = x[i] * g.layer_norm[i];
    for (int32_t i = 0; i < n_cell; ++i) x[i] = x[i] + g.bias[i];
  }
}

inline void InitGate(const LstmGateWeights& g, int32_t n_cell, int32_t batch, float* gate) {
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t i = 0; i < n_cell; ++i) {
      gate[int64_t{b} * n_cell + i] = g.layer_norm != nullptr ? 0.f : g.bias[i];
    }
  }
}

inline void PeepholeF32(const float* w, const float* cell, int32_t n_cell, int32_t batch,
                        float* v) {
  for (int32_t b = 0; b < batch; ++b) {
    for (int32_t i = 0; i < n_cell; ++i) {
      v[int64_t{b} * n_cell + i] += w[i] * cell[int64_t{b} * n_cell + i];
    }
  }
}

// One float gate into `gate` (see the file comment for the NONE quirk).
inline void GateF32(const LstmParams& p, const LstmGateWeights& g, const float* x, bool x_zero,
                    const float* h, const float* cell, LstmActivation act, int32_t batch,
                    float* gate, float* acc) {
  const int32_t n_cell = p.n_cell;
  InitGate(g, n_cell, batch, gate);
  // Where the running sum lives: the input product moves it from gate to acc,
  // the recurrent product moves it back.
  float* sum = gate;
  float* other = acc;
  if (!x_zero) {
    MatVecF32(static_cast<const float*>(g.input), n_cell, p.n_input, x, batch, sum, other);
    std::swap(sum, other);
  }
  MatVecF32(static_cast<const float*>(g.recurrent), n_cell, p.n_output, h, batch, sum, other);
  float* result = other;
  if (g.peephole != nullptr) {
    PeepholeF32(static_cast<const float*>(g.peephole), cell, n_cell, batch, result);
  }
  if (g.layer_norm != nullptr) LayerNormTail(g, n_cell, batch, result);
  const int64_t n = int64_t{batch} * n_cell;
  if (act == LstmActivation::kNone) {
    // Nothing is written: `gate` keeps the sum only when it already holds it.
    return;
  }
  Activate(act, result, n, gate);
}

inline void GateHybrid(const LstmParams& p, const LstmGateWeights& g, bool x_zero, bool h_zero,
                       const float* cell, LstmActivation act, int32_t batch, const LstmScratch& s,
                       float* gate) {
  const int32_t n_cell = p.n_cell;
  InitGate(g, n_cell, batch, gate);
  if (!x_zero) {
    MatVecHybrid(static_cast<const int8_t*>(g.input), n_cell, p.n_input, s.q_input, s.input_sf,
                 s.input_zp, g.input_row_sums, g.input_scale, batch, gate);
  }
  if (!h_zero) {
    MatVecHybrid(static_cast<const int8_t*>(g.recurrent), n_cell, p.n_output, s.q_state, s.state_sf,
                 s.state_zp, g.recurrent_row_sums, g.recurrent_scale, batch, gate);
  }
  if (g.peephole != nullptr) {
    const int8_t* w = static_cast<const int8_t*>(g.peephole);
    for (int32_t i = 0; i < n_cell; ++i)
      s.peephole[i] = static_cast<float>(w[i]) * g.peephole_scale;
    PeepholeF32(s.peephole, cell, n_cell, batch, gate);
  }
  if (g.layer_norm != nullptr) LayerNormTail(g, n_cell, batch, gate);
  Activate(act, gate, int64_t{batch} * n_cell, gate);
}

inline void QuantizeBatch(const LstmParams& p, const float* v, int32_t batch, int32_t n, int8_t* q,
                          float* sf, int32_t* zp) {
  QuantizeRows(v, batch, n, p.asymmetric, q, sf, zp);
}

// One time step for `batch` rows: x [batch, n_input], h [batch, n_output]
// and c [batch, n_cell] updated in place, y [batch, n_output] (row stride
// n_output).
inline void LstmStep(const LstmParams& p, const float* x, float* h, float* c, float* y,
                     int32_t batch, const LstmScratch& s) {
  const int32_t n_cell = p.n_cell;
  const int64_t cells = int64_t{batch} * n_cell;
  const bool cifg = p.gate[kLstmInputGate].input == nullptr;
  const bool x_zero = lstm_detail::AllZero(x, int64_t{batch} * p.n_input);
  bool h_zero = false;
  if (p.hybrid) {
    h_zero = lstm_detail::AllZero(h, int64_t{batch} * p.n_output);
    if (!x_zero) QuantizeBatch(p, x, batch, p.n_input, s.q_input, s.input_sf, s.input_zp);
    if (!h_zero) QuantizeBatch(p, h, batch, p.n_output, s.q_state, s.state_sf, s.state_zp);
  }
  auto gate = [&](int g, const float* cell, LstmActivation act) {
    if (p.hybrid) {
      GateHybrid(p, p.gate[g], x_zero, h_zero, cell, act, batch, s, s.gate[g]);
    } else {
      GateF32(p, p.gate[g], x, x_zero, h, cell, act, batch, s.gate[g], s.acc);
    }
  };
  if (!cifg) gate(kLstmInputGate, c, LstmActivation::kSigmoid);
  gate(kLstmForgetGate, c, LstmActivation::kSigmoid);
  gate(kLstmCellGate, nullptr, p.activation);

  // c = clip(f * c + i * g), with i = 1 - f under CIFG.
  const float* ig = s.gate[kLstmInputGate];
  float* fg = s.gate[kLstmForgetGate];
  const float* cg = s.gate[kLstmCellGate];
  for (int64_t i = 0; i < cells; ++i) c[i] = fg[i] * c[i];
  if (cifg) {
    for (int64_t i = 0; i < cells; ++i) fg[i] = 1.f - fg[i];
    ig = fg;
  }
  for (int64_t i = 0; i < cells; ++i) c[i] += cg[i] * ig[i];
  if (p.cell_clip > 0.f) Clip(c, cells, p.cell_clip);

  gate(kLstmOutputGate, c, LstmActivation::kSigmoid);

  // m = o * act(c), computed in the cell gate's buffer (NONE leaves it as is).
  float* m = s.gate[kLstmCellGate];
  Activate(p.activation, c, cells, m);
  const float* og = s.gate[kLstmOutputGate];
  for (int64_t i = 0; i < cells; ++i) m[i] = og[i] * m[i];

  const int64_t outs = int64_t{batch} * p.n_output;
  if (p.projection != nullptr) {
    if (p.hybrid) {
      for (int32_t b = 0; b < batch; ++b) {
        for (int32_t o = 0; o < p.n_output; ++o) {
          h[int64_t{b} * p.n_output + o] = p.projection_bias ? p.projection_bias[o] : 0.f;
        }
      }
      if (!AllZero(m, cells)) {
        QuantizeBatch(p, m, batch, n_cell, s.q_cell, s.cell_sf, s.cell_zp);
        MatVecHybrid(static_cast<const int8_t*>(p.projection), p.n_output, n_cell, s.q_cell,
                     s.cell_sf, s.cell_zp, p.projection_row_sums, p.projection_scale, batch, h);
      }
    } else {
      // The bias row goes into acc (free now), the product into h.
      for (int32_t b = 0; b < batch; ++b) {
        for (int32_t o = 0; o < p.n_output; ++o) {
          s.acc[int64_t{b} * p.n_output + o] = p.projection_bias ? p.projection_bias[o] : 0.f;
        }
      }
      MatVecF32(static_cast<const float*>(p.projection), p.n_output, n_cell, m, batch, s.acc, h);
    }
    if (p.proj_clip > 0.f) Clip(h, outs, p.proj_clip);
  } else {
    std::memcpy(h, m, static_cast<size_t>(outs) * sizeof(float));
  }
  std::memcpy(y, h, static_cast<size_t>(outs) * sizeof(float));
}

}  // namespace lstm_detail

// The whole sequence. input [max_time, batch, n_input] (time major) or
// [batch, max_time, n_input]; output likewise with n_output; output_state
// [batch, n_output] and cell_state [batch, n_cell] carry over between calls.
// Time-major steps all rows together; batch-major runs each row's sequence
// on its own, as LiteRT does (the all-zero skips look at the rows stepped).
// Scratch sized by LstmScratchBytes(batch, ...) for time-major and
// LstmScratchBytes(1, ...) for batch-major suffices.
inline void LstmSequence(const LstmParams& p, const float* input, float* output_state,
                         float* cell_state, float* output, const LstmScratch& s) {
  const int64_t in_step = p.n_input, out_step = p.n_output;
  if (p.time_major) {
    for (int32_t t = 0; t < p.max_time; ++t) {
      lstm_detail::LstmStep(p, input + int64_t{t} * p.batch * in_step, output_state, cell_state,
                            output + int64_t{t} * p.batch * out_step, p.batch, s);
    }
    return;
  }
  for (int32_t b = 0; b < p.batch; ++b) {
    for (int32_t t = 0; t < p.max_time; ++t) {
      const int64_t row = int64_t{b} * p.max_time + t;
      lstm_detail::LstmStep(p, input + row * in_step, output_state + int64_t{b} * p.n_output,
                            cell_state + int64_t{b} * p.n_cell, output + row * out_step, 1, s);
    }
  }
}

}  // namespace edgeml::reference
