// `edgeml run MODEL`: one invoke on inputs from files or seeded random data.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "commands.h"
#include "io/image.h"
#include "io/npy.h"
#include "kernels/reference/elementwise.h"

namespace edgeml::cli {
namespace {
// Round-to-nearest-even conversion for values in [-1, 1] (random inputs);
// no overflow handling is needed in that range beyond subnormals.
uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const float a = std::fabs(f);
  if (a < 6.103515625e-05f) {  // subnormal half range: multiples of 2^-24
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(a * 16777216.0f)));
  }
  uint32_t ax = x & 0x7fffffffu;
  const uint32_t lsb = (ax >> 13) & 1;
  ax += 0xfff + lsb;
  const uint32_t e = (ax >> 23) - 112;
  return static_cast<uint16_t>(sign | (e << 10) | ((ax >> 13) & 0x3ff));
}

// Uniform in [-1, 1) from 24 random bits (the stream is defined by
// mt19937_64, which the standard fixes bit for bit).
float UnitFloat(std::mt19937_64& rng) {
  return static_cast<float>(rng() >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

}  // namespace

Status FillRandom(Tensor* t, std::mt19937_64& rng) {
  const int64_t n = t->num_elements();
  uint8_t* p = static_cast<uint8_t*>(t->data);
  if (n > 0 && p == nullptr) return Status(StatusCode::kInternal, "input has no storage");
  auto fill_bits = [&](size_t size) {
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t r = rng();
      std::memcpy(p + i * size, &r, size);  // low bytes: uniform over the type's range
    }
  };
  switch (t->type) {
    case DataType::kFloat32:
      for (int64_t i = 0; i < n; ++i) {
        const float v = UnitFloat(rng);
        std::memcpy(p + i * 4, &v, 4);
      }
      break;
    case DataType::kFloat64:
      for (int64_t i = 0; i < n; ++i) {
        const double v = UnitFloat(rng);
        std::memcpy(p + i * 8, &v, 8);
      }
      break;
    case DataType::kFloat16:
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t v = FloatToHalf(UnitFloat(rng));
        std::memcpy(p + i * 2, &v, 2);
      }
      break;
    case DataType::kBool:
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(rng() >> 63);
      break;
    case DataType::kInt8:
    case DataType::kUInt8:
    case DataType::kInt16:
    case DataType::kUInt16:
    case DataType::kInt32:
    case DataType::kUInt32:
    case DataType::kInt64:
    case DataType::kUInt64:
      fill_bits(DataTypeSize(t->type));
      break;
    default:
      return Status(StatusCode::kUnsupported,
                    "cannot make random " + DataTypeName(t->type) + " values");
  }
  return Status::Ok();
}

namespace {

enum class Source { kRandom, kNpy, kImage };

struct InputPlan {
  Source source = Source::kRandom;
  std::string file;
  io::NpyArray npy;
};


// Element i of a tensor as a double, for statistics.
double ElementAsDouble(DataType type, const uint8_t* p, int64_t i) {
  switch (type) {
#define EDGEML_CASE(dt, ctype)                             \
  case dt: {                                               \
    ctype v;                                               \
    std::memcpy(&v, p + i * sizeof(ctype), sizeof(ctype)); \
    return static_cast<double>(v);                         \
  }
    EDGEML_CASE(DataType::kFloat32, float)
    EDGEML_CASE(DataType::kFloat64, double)
    EDGEML_CASE(DataType::kInt8, int8_t)
    EDGEML_CASE(DataType::kUInt8, uint8_t)
    EDGEML_CASE(DataType::kInt16, int16_t)
    EDGEML_CASE(DataType::kUInt16, uint16_t)
    EDGEML_CASE(DataType::kInt32, int32_t)
    EDGEML_CASE(DataType::kUInt32, uint32_t)
    EDGEML_CASE(DataType::kInt64, int64_t)
    EDGEML_CASE(DataType::kUInt64, uint64_t)
#undef EDGEML_CASE
    case DataType::kBool:
      return p[i] != 0 ? 1.0 : 0.0;
    case DataType::kFloat16: {
      uint16_t h;
      std::memcpy(&h, p + i * 2, 2);
      return reference::Fp16ToFloat(h);
    }
    default:
      return std::nan("");
  }
}

bool HasNumericStats(DataType type) {
  return io::NpyDescr(type) != nullptr;  // exactly the plain numeric types
}

void PrintOutputSummary(int index, const Tensor& t) {
  std::printf("  [%d] '%s' %s %s", index, t.name.c_str(), DataTypeName(t.type).c_str(),
              ShapeToString(t.shape).c_str());
  const int64_t n = t.num_elements();
  if (!HasNumericStats(t.type) || n <= 0 || t.data == nullptr) {
    std::printf("\n");
    return;
  }
  const uint8_t* p = static_cast<const uint8_t*>(t.data);
  const bool per_tensor_quant = t.quant.scale.size() == 1;
  const double scale = per_tensor_quant ? t.quant.scale[0] : 1.0;
  const double zp = per_tensor_quant && !t.quant.zero_point.empty()
                        ? static_cast<double>(t.quant.zero_point[0])
                        : 0.0;
  auto value = [&](int64_t i) {
    const double v = ElementAsDouble(t.type, p, i);
    return per_tensor_quant ? scale * (v - zp) : v;
  };
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  int64_t finite = 0, nonfinite = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = value(i);
    if (!std::isfinite(v)) {
      ++nonfinite;
      continue;
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    ++finite;
  }
  if (finite > 0) {
    std::printf(" min=%.6g max=%.6g mean=%.6g", lo, hi, sum / static_cast<double>(finite));
  }
  if (nonfinite > 0) std::printf(" non-finite=%lld", static_cast<long long>(nonfinite));
  if (per_tensor_quant) std::printf(" (dequantized)");
  std::printf("\n");

  // Classifier-shaped output: [1, N] with N >= 10.
  if (t.shape.size() == 2 && t.shape[0] == 1 && t.shape[1] >= 10) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) order[i] = i;
    const int64_t k = std::min<int64_t>(5, n);
    auto key = [&](int64_t i) {
      const double v = value(i);
      return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
    };
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int64_t a, int64_t b) {
      const double va = key(a), vb = key(b);
      return va > vb || (va == vb && a < b);
    });
    std::printf("      top-%lld:", static_cast<long long>(k));
    for (int64_t j = 0; j < k; ++j) {
      std::printf(" %lld:%.6g", static_cast<long long>(order[j]), value(order[j]));
    }
    std::printf("\n");
  }
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status ParseFloatList(const std::string& flag, const std::string& text, std::vector<float>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    errno = 0;
    const float v = std::strtof(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || errno != 0 || !std::isfinite(v)) {
      return Status(StatusCode::kInvalidArgument,
                    flag + ": '" + text + "' is not a comma-separated list of numbers");
    }
    out->push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Status::Ok();
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() <= 9 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Maps each --input to an input position.
Status PlanInputs(const RunOptions& o, Interpreter& interp, std::vector<InputPlan>* plans) {
  const int num_inputs = static_cast<int>(interp.inputs().size());
  plans->assign(num_inputs, InputPlan());
  std::vector<bool> assigned(num_inputs, false);
  std::vector<std::string> positional;
  for (const std::string& spec : o.inputs) {
    const size_t eq = spec.find('=');
    int target = -1;
    std::string file = spec;
    if (eq != std::string::npos) {
      const std::string key = spec.substr(0, eq);
      if (AllDigits(key)) {
        target = std::atoi(key.c_str());
        if (target >= num_inputs) {
          return Status(StatusCode::kInvalidArgument, "--input " + spec + ": the model has " +
                                                          std::to_string(num_inputs) +
                                                          " input(s), no input " + key);
        }
      } else {
        target = interp.FindInput(key);
        if (target < 0 && !std::filesystem::exists(spec)) {
          return Status(StatusCode::kInvalidArgument,
                        "--input " + spec + ": the model has no input named '" + key + "'");
        }
      }
      if (target >= 0) file = spec.substr(eq + 1);
    }
    if (target < 0) {
      positional.push_back(file);
      continue;
    }
    if (assigned[target]) {
      return Status(StatusCode::kInvalidArgument,
                    "input " + std::to_string(target) + " is given more than once");
    }
    assigned[target] = true;
    (*plans)[target].file = file;
  }
  int next = 0;
  for (const std::string& file : positional) {
    while (next < num_inputs && assigned[next]) ++next;
    if (next >= num_inputs) {
      return Status(StatusCode::kInvalidArgument,
                    "more --input files than model inputs (" + std::to_string(num_inputs) + ")");
    }
    assigned[next] = true;
    (*plans)[next].file = file;
  }
  for (int i = 0; i < num_inputs; ++i) {
    InputPlan& plan = (*plans)[i];
    if (!assigned[i]) continue;
    const std::string ext = Lower(plan.file);
    if (EndsWith(ext, ".npy")) {
      plan.source = Source::kNpy;
    } else if (EndsWith(ext, ".png") || EndsWith(ext, ".jpg") || EndsWith(ext, ".jpeg")) {
      plan.source = Source::kImage;
    } else {
      return Status(StatusCode::kInvalidArgument,
                    "input file '" + plan.file + "': unknown type (use .npy, .png, .jpg or .jpeg)");
    }
  }
  return Status::Ok();
}

// True when `given` fits the model's shape signature (-1 = any size).
bool FitsSignature(const Tensor& t, const Shape& given) {
  if (t.shape_signature.size() != given.size()) return false;
  for (size_t d = 0; d < given.size(); ++d) {
    if (t.shape_signature[d] >= 0 && t.shape_signature[d] != given[d]) return false;
  }
  return true;
}

}  // namespace

int Run(const RunOptions& o) {
  io::Normalization norm;
  Status s = ParseFloatList("--mean", o.mean, &norm.mean);
  if (s.ok()) s = ParseFloatList("--std", o.std, &norm.std);
  if (!s.ok()) return Fail(s.message());
  for (float v : norm.std) {
    if (v == 0.0f) return Fail("--std: values must be non-zero");
  }

  std::unique_ptr<Model> model;
  std::unique_ptr<Interpreter> interp;
  s = LoadInterpreter(o.model, o.threads, o.delegates, &model, &interp);
  if (!s.ok()) return Fail(s.message());
  s = interp->AllocateTensors();
  if (!s.ok()) return Fail(s.message());

  std::vector<InputPlan> plans;
  s = PlanInputs(o, *interp, &plans);
  if (!s.ok()) return Fail(s.message());
  const int num_inputs = static_cast<int>(plans.size());

  // Read .npy files first: a dynamic input may need resizing to them.
  bool resized = false;
  for (int i = 0; i < num_inputs; ++i) {
    InputPlan& plan = plans[i];
    if (plan.source != Source::kNpy) continue;
    const Tensor* t = interp->input(i);
    s = io::ReadNpy(plan.file, &plan.npy);
    if (!s.ok()) return Fail(DescribeIo("input", i, *t) + ": " + s.message());
    const std::string expected = DataTypeName(t->type) + " " + ShapeToString(t->shape);
    const std::string given = DataTypeName(plan.npy.type) + " " + ShapeToString(plan.npy.shape);
    if (plan.npy.type != t->type) {
      return Fail(DescribeIo("input", i, *t) + ": expected " + expected + ", got " + given +
                  " from '" + plan.file + "'");
    }
    if (plan.npy.shape != t->shape) {
      if (!FitsSignature(*t, plan.npy.shape)) {
        return Fail(DescribeIo("input", i, *t) + ": expected " + expected + ", got " + given +
                    " from '" + plan.file + "'");
      }
      s = interp->ResizeInput(i, plan.npy.shape);
      if (!s.ok()) return Fail(DescribeIo("input", i, *t) + ": " + s.message());
      resized = true;
    }
  }
  if (resized) {
    s = interp->AllocateTensors();
    if (!s.ok()) return Fail(s.message());
  }

  std::mt19937_64 rng(o.seed);
  std::vector<int> random_inputs;
  for (int i = 0; i < num_inputs; ++i) {
    InputPlan& plan = plans[i];
    Tensor* t = interp->input(i);
    if (t == nullptr) return Fail("input " + std::to_string(i) + " is missing");
    switch (plan.source) {
      case Source::kNpy:
        if (plan.npy.data.size() != t->bytes || (t->bytes > 0 && t->data == nullptr)) {
          return Fail(DescribeIo("input", i, *t) + ": size mismatch after allocation");
        }
        if (t->bytes > 0) std::memcpy(t->data, plan.npy.data.data(), t->bytes);
        break;
      case Source::kImage: {
        std::vector<uint8_t> data;
        s = io::LoadImageForTensor(plan.file, t->type, t->shape, norm, &data);
        if (!s.ok()) return Fail(DescribeIo("input", i, *t) + ": " + s.message());
        if (data.size() != t->bytes || t->data == nullptr) {
          return Fail(DescribeIo("input", i, *t) + ": image data does not fit the tensor");
        }
        std::memcpy(t->data, data.data(), data.size());
        break;
      }
      case Source::kRandom:
        s = FillRandom(t, rng);
        if (!s.ok()) {
          return Fail(DescribeIo("input", i, *t) + ": " + s.message() + "; give it with --input");
        }
        random_inputs.push_back(i);
        break;
    }
  }

  const auto start = std::chrono::steady_clock::now();
  s = interp->Invoke();
  const auto stop = std::chrono::steady_clock::now();
  if (!s.ok()) return Fail(s.message());
  const double ms = std::chrono::duration<double, std::milli>(stop - start).count();

  if (!o.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.output_dir, ec);
    if (ec) return Fail("cannot create output directory '" + o.output_dir + "': " + ec.message());
  }

  std::printf("model: %s\n", o.model.c_str());
  std::printf("inputs:\n");
  for (int i = 0; i < num_inputs; ++i) {
    const Tensor* t = interp->input(i);
    std::printf("  [%d] '%s' %s %s <- ", i, t->name.c_str(), DataTypeName(t->type).c_str(),
                ShapeToString(t->shape).c_str());
    if (plans[i].source == Source::kRandom) {
      std::printf("random (seed %llu)\n", static_cast<unsigned long long>(o.seed));
    } else {
      std::printf("%s\n", plans[i].file.c_str());
    }
  }
  std::printf("outputs:\n");
  const int num_outputs = static_cast<int>(interp->outputs().size());
  std::vector<std::string> written;
  for (int i = 0; i < num_outputs; ++i) {
    const Tensor* t = interp->output(i);
    if (t == nullptr) return Fail("output " + std::to_string(i) + " is missing");
    PrintOutputSummary(i, *t);
    if (o.output_dir.empty()) continue;
    const std::string path =
        (std::filesystem::path(o.output_dir) / ("output_" + std::to_string(i) + ".npy")).string();
    s = io::WriteNpy(path, t->type, t->shape, t->data, t->bytes);
    if (!s.ok()) {
      std::fflush(stdout);
      return Fail(DescribeIo("output", i, *t) + ": " + s.message());
    }
    written.push_back(path);
    if (o.png && t->type == DataType::kFloat32 && t->rank() == 4 && t->dim(0) == 1 &&
        t->dim(3) == 1) {
      const int h = t->dim(1), w = t->dim(2);
      std::vector<uint8_t> pixels(static_cast<size_t>(h) * w);
      const float* v = t->data_as<float>();
      for (size_t p = 0; p < pixels.size(); ++p) {
        float c = std::min(1.f, std::max(0.f, v[p]));  // NaN maps to 0
        pixels[p] = static_cast<uint8_t>(c * 255.f + 0.5f);
      }
      const std::string png =
          (std::filesystem::path(o.output_dir) / ("output_" + std::to_string(i) + ".png")).string();
      s = io::WriteGrayPng(png, w, h, pixels.data());
      if (!s.ok()) return Fail(DescribeIo("output", i, *t) + ": " + s.message());
      written.push_back(png);
    }
  }
  if (random_inputs.empty()) {
    std::printf("random inputs: none\n");
  } else {
    std::printf("random inputs:");
    for (int i : random_inputs) std::printf(" %d '%s'", i, interp->input(i)->name.c_str());
    std::printf(" (seed %llu)\n", static_cast<unsigned long long>(o.seed));
  }
  if (!written.empty()) {
    std::printf("wrote: %zu file(s) to %s\n", written.size(), o.output_dir.c_str());
  }
  std::printf("%s", DelegationSummary(*interp).c_str());
  std::printf("invoke: %.3f ms\n", ms);
  return 0;
}

}  // namespace edgeml::cli
