// Dense float arrays for training: a shape (batch first) and row-major data.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace edgeml::train {

using Dims = std::vector<int>;

inline int64_t NumElements(const Dims& d) {
  int64_t n = 1;
  for (int v : d) n *= v;
  return n;
}

std::string DimsToString(const Dims& d);

struct Array {
  Dims shape;
  std::vector<float> data;

  int64_t size() const { return static_cast<int64_t>(data.size()); }
  // Sets the shape and sizes the data (values unspecified unless `fill`).
  void Resize(const Dims& s) {
    shape = s;
    data.resize(static_cast<size_t>(NumElements(s)));
  }
  void Zeros(const Dims& s) {
    shape = s;
    data.assign(static_cast<size_t>(NumElements(s)), 0.f);
  }
};

// A trainable (or state) variable of a layer, in the layout the .tflite
// export uses (Dense [units, depth], Conv2D OHWI, DepthwiseConv2D [1,H,W,C*M]).
struct Param {
  std::string name;  // "kernel", "bias", "gamma", "beta", "moving_mean", ...
  Dims shape;
  std::vector<float> value;
  std::vector<float> grad;
  bool trainable = true;
  bool is_kernel = false;     // a weight matrix/filter: pruned and quantized per channel
  int channel_axis_size = 0;  // per-channel quantization: channels (axis 0, or last for depthwise)
  bool channel_last = false;  // channel index is the last axis (depthwise)
  std::vector<float> mask;    // pruning mask (1 keep, 0 pruned); empty when not pruned
};

// Deterministic random numbers (the same on every platform for a seed):
// 64-bit Mersenne Twister with our own float/int conversions.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) : gen_(seed) {}
  void Seed(uint64_t seed) { gen_.seed(seed); }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(gen_() >> 11) * (1.0 / 9007199254740992.0); }
  float Uniform(float lo, float hi) { return lo + (hi - lo) * static_cast<float>(Uniform()); }
  // Uniform integer in [0, n), without modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do {
      v = gen_();
    } while (v >= limit);
    return v % n;
  }
  template <typename T>
  void Shuffle(std::vector<T>* v) {
    for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[Below(i)]);
  }

 private:
  std::mt19937_64 gen_;
};

}  // namespace edgeml::train
