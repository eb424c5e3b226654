#include "util/golden.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace edgeml::testing {

std::map<std::string, std::string> ReadExpectationFile(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

void MergeExpectationFile(const std::string& path, const std::string& header,
                          const std::vector<std::string>& models,
                          const std::map<std::string, std::string>& recorded) {
  std::map<std::string, std::string> all = ReadExpectationFile(path);
  for (auto it = all.begin(); it != all.end();) {
    it = std::find(models.begin(), models.end(), it->first) != models.end() ? std::next(it)
                                                                            : all.erase(it);
  }
  for (const auto& [name, status] : recorded) all[name] = status;
  std::ofstream f(path);
  f << header;
  for (const auto& [name, status] : all) f << name << " " << status << "\n";
  std::printf("[ record   ] wrote %zu lines to %s\n", all.size(), path.c_str());
}

std::string OutcomeOfStatus(const Status& s) {
  std::string message = s.message();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::replace(message.begin(), message.end(), '\r', ' ');
  if (s.code() == StatusCode::kUnsupported) return "unsupported: " + message;
  return std::string("error: ") + StatusCodeName(s.code()) + ": " + message;
}

bool IsIntegerOrBool(DataType t) {
  return t == DataType::kInt8 || t == DataType::kUInt8 || t == DataType::kInt16 ||
         t == DataType::kInt32 || t == DataType::kInt64 || t == DataType::kBool;
}

int64_t LoadInteger(const uint8_t* p, DataType t, int64_t i) {
  switch (t) {
    case DataType::kInt8:
      return reinterpret_cast<const int8_t*>(p)[i];
    case DataType::kUInt8:
    case DataType::kBool:
      return p[i];
    case DataType::kInt16: {
      int16_t v;
      std::memcpy(&v, p + 2 * i, 2);
      return v;
    }
    case DataType::kInt32: {
      int32_t v;
      std::memcpy(&v, p + 4 * i, 4);
      return v;
    }
    default: {
      int64_t v;
      std::memcpy(&v, p + 8 * i, 8);
      return v;
    }
  }
}

std::string CompareWithGolden(const Tensor& t, const io::NpyArray& want, const std::string& label,
                              double rel_tol, std::string* report) {
  if (t.type != want.type) {
    return label + " is " + DataTypeName(t.type) + ", golden is " + DataTypeName(want.type);
  }
  if (t.shape != want.shape) {
    return label + " has shape " + ShapeToString(t.shape) + ", golden " + ShapeToString(want.shape);
  }
  if (t.bytes != want.data.size() || t.data == nullptr) {
    return label + " has " + std::to_string(t.bytes) + " bytes, golden " +
           std::to_string(want.data.size());
  }
  const int64_t n = t.num_elements();
  const auto* got = static_cast<const uint8_t*>(t.data);
  char buf[256];
  if (IsIntegerOrBool(t.type)) {
    int64_t differing = 0, max_step = 0, worst = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t d = LoadInteger(got, t.type, k) - LoadInteger(want.data.data(), t.type, k);
      if (d != 0) ++differing;
      if (std::llabs(d) > max_step) {
        max_step = std::llabs(d);
        worst = k;
      }
    }
    std::snprintf(buf, sizeof(buf), "%s %s: %lld of %lld elements differ, max step %lld",
                  label.c_str(), DataTypeName(t.type).c_str(), static_cast<long long>(differing),
                  static_cast<long long>(n), static_cast<long long>(max_step));
    *report += std::string(buf) + "\n";
    if (differing == 0) return "";
    std::snprintf(buf, sizeof(buf), " (element %lld: got %lld, want %lld)",
                  static_cast<long long>(worst),
                  static_cast<long long>(LoadInteger(got, t.type, worst)),
                  static_cast<long long>(LoadInteger(want.data.data(), t.type, worst)));
    return label + ": " + std::to_string(differing) + " of " + std::to_string(n) +
           " elements differ, max step " + std::to_string(max_step) + buf;
  }
  if (t.type == DataType::kFloat32) {
    const float* g = reinterpret_cast<const float*>(got);
    std::vector<float> r(static_cast<size_t>(n));
    std::memcpy(r.data(), want.data.data(), want.data.size());
    double max_err = 0, max_ref = 0;
    int64_t worst = 0;
    for (int64_t k = 0; k < n; ++k) {
      const double err = std::isnan(g[k]) != std::isnan(r[k])
                             ? INFINITY
                             : (std::isnan(r[k]) ? 0.0 : std::fabs(double{g[k]} - r[k]));
      if (err > max_err) {
        max_err = err;
        worst = k;
      }
      if (!std::isnan(r[k])) max_ref = std::max(max_ref, std::fabs(double{r[k]}));
    }
    const double limit = rel_tol * std::max(1.0, max_ref);
    std::snprintf(buf, sizeof(buf), "%s FLOAT32: max_abs_err=%.3g max|ref|=%.4g limit=%.3g",
                  label.c_str(), max_err, max_ref, limit);
    *report += std::string(buf) + "\n";
    if (max_err <= limit) return "";
    std::snprintf(buf, sizeof(buf), "%s: max_abs_err %.3g > %.3g (element %lld: got %g, want %g)",
                  label.c_str(), max_err, limit, static_cast<long long>(worst), g[worst], r[worst]);
    return buf;
  }
  return label + ": no comparison for " + DataTypeName(t.type);
}

}  // namespace edgeml::testing
