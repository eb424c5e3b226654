#include "optimize/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>

#include "edgeml/op_resolver.h"
#include "io/npy.h"
#include "optimize/model_edit.h"

namespace edgeml::optimize {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsImage(const std::string& ext) { return ext == ".png" || ext == ".jpg" || ext == ".jpeg"; }

int64_t Elements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

Status NpyToFloat(const io::NpyArray& a, int64_t offset, int64_t count, std::vector<float>* out) {
  out->resize(static_cast<size_t>(count));
  const size_t size = DataTypeSize(a.type);
  for (int64_t i = 0; i < count; ++i) {
    const uint8_t* p = a.data.data() + (offset + i) * size;
    float v;
    switch (a.type) {
      case DataType::kFloat32:
        std::memcpy(&v, p, 4);
        break;
      case DataType::kUInt8:
        v = *p;
        break;
      case DataType::kInt8:
        v = static_cast<int8_t>(*p);
        break;
      case DataType::kInt32: {
        int32_t x;
        std::memcpy(&x, p, 4);
        v = static_cast<float>(x);
        break;
      }
      case DataType::kInt64: {
        int64_t x;
        std::memcpy(&x, p, 8);
        v = static_cast<float>(x);
        break;
      }
      default:
        return Status(StatusCode::kUnsupported, "calibration .npy of type " + DataTypeName(a.type));
    }
    (*out)[i] = v;
  }
  return Status::Ok();
}

Status LoadFile(const std::string& path, const std::vector<InputSpec>& specs,
                const io::Normalization& norm, std::vector<Sample>* out) {
  const std::string ext = Lower(fs::path(path).extension().string());
  if (specs.size() != 1) {
    return Status(StatusCode::kUnsupported, "representative data for a model with " +
                                                std::to_string(specs.size()) +
                                                " inputs (only single-input models take files)");
  }
  const InputSpec& spec = specs[0];
  if (IsImage(ext)) {
    if (spec.shape.size() != 4 || spec.shape[0] != 1) {
      return Status(StatusCode::kInvalidArgument,
                    "'" + path + "': images need a [1,H,W,C] input, the model's is " +
                        ShapeToString(spec.shape));
    }
    std::vector<uint8_t> bytes;
    EDGEML_RETURN_IF_ERROR(
        io::LoadImageForTensor(path, DataType::kFloat32, spec.shape, norm, &bytes)
            .WithPrefix(path));
    Sample s;
    s.source = path;
    s.inputs.emplace_back(bytes.size() / 4);
    std::memcpy(s.inputs[0].data(), bytes.data(), bytes.size());
    out->push_back(std::move(s));
    return Status::Ok();
  }
  if (ext == ".npy") {
    io::NpyArray a;
    EDGEML_RETURN_IF_ERROR(io::ReadNpy(path, &a));
    const int64_t per = Elements(spec.shape);
    Shape tail(spec.shape.begin() + (spec.shape.empty() ? 0 : 1), spec.shape.end());
    int64_t n = 0;
    if (a.shape == spec.shape) {
      n = 1;
    } else if (a.shape.size() == spec.shape.size() && !a.shape.empty() &&
               Shape(a.shape.begin() + 1, a.shape.end()) == tail && spec.shape[0] == 1) {
      n = a.shape[0];
    } else {
      return Status(StatusCode::kInvalidArgument,
                    "'" + path + "': shape " + ShapeToString(a.shape) + " is neither the input's " +
                        ShapeToString(spec.shape) + " nor a batch of it");
    }
    for (int64_t i = 0; i < n; ++i) {
      Sample s;
      s.source = n > 1 ? path + "[" + std::to_string(i) + "]" : path;
      s.inputs.emplace_back();
      EDGEML_RETURN_IF_ERROR(NpyToFloat(a, i * per, per, &s.inputs[0]).WithPrefix(path));
      out->push_back(std::move(s));
    }
    return Status::Ok();
  }
  return Status(StatusCode::kInvalidArgument,
                "'" + path + "': unknown type (use .png, .jpg, .jpeg, .npy or a folder of them)");
}

}  // namespace

Status LoadSamples(const std::vector<std::string>& paths, const std::vector<InputSpec>& specs,
                   const io::Normalization& norm, size_t limit, std::vector<Sample>* out) {
  out->clear();
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(p, ec)) {
        const std::string ext = Lower(e.path().extension().string());
        if (e.is_regular_file() && (IsImage(ext) || ext == ".npy"))
          files.push_back(e.path().string());
      }
      if (ec)
        return Status(StatusCode::kIoError, "cannot read folder '" + p + "': " + ec.message());
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        return Status(StatusCode::kInvalidArgument,
                      "folder '" + p + "' has no .png/.jpg/.jpeg/.npy files");
      }
      for (const std::string& f : files) EDGEML_RETURN_IF_ERROR(LoadFile(f, specs, norm, out));
    } else if (fs::exists(p, ec)) {
      EDGEML_RETURN_IF_ERROR(LoadFile(p, specs, norm, out));
    } else {
      return Status(StatusCode::kIoError, "'" + p + "' does not exist");
    }
    if (limit > 0 && out->size() >= limit) break;
  }
  if (limit > 0 && out->size() > limit) out->resize(limit);
  return Status::Ok();
}

std::vector<Sample> RandomSamples(const std::vector<InputSpec>& specs, size_t count,
                                  uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Sample> out(count);
  for (size_t k = 0; k < count; ++k) {
    out[k].source = "random " + std::to_string(k);
    for (const InputSpec& s : specs) {
      std::vector<float> v(static_cast<size_t>(Elements(s.shape)));
      for (float& x : v) x = static_cast<float>(rng() >> 40) * (2.0f / 16777216.0f) - 1.0f;
      out[k].inputs.push_back(std::move(v));
    }
  }
  return out;
}

Status Runner::FromModel(std::unique_ptr<Model> model, int threads, std::unique_ptr<Runner>* out) {
  static const BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.num_threads = threads;
  auto r = std::unique_ptr<Runner>(new Runner());
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*model, resolver, options, &r->interp_));
  EDGEML_RETURN_IF_ERROR(r->interp_->AllocateTensors());
  r->model_ = std::move(model);
  *out = std::move(r);
  return Status::Ok();
}

Status Runner::FromFile(const std::string& path, int threads, std::unique_ptr<Runner>* out) {
  std::unique_ptr<Model> model;
  EDGEML_RETURN_IF_ERROR(Model::FromFile(path, &model));
  return FromModel(std::move(model), threads, out).WithPrefix(path);
}

Status Runner::FromBytes(const std::vector<uint8_t>& bytes, int threads,
                         std::unique_ptr<Runner>* out) {
  std::unique_ptr<Model> model;
  EDGEML_RETURN_IF_ERROR(Model::FromBufferCopy(bytes.data(), bytes.size(), &model));
  return FromModel(std::move(model), threads, out);
}

std::vector<InputSpec> Runner::input_specs() const {
  std::vector<InputSpec> specs;
  for (size_t i = 0; i < interp_->inputs().size(); ++i) {
    const Tensor* t = interp_->input(static_cast<int>(i));
    specs.push_back({t->type, t->shape});
  }
  return specs;
}

Status Runner::Run(const Sample& sample) {
  const size_t n = interp_->inputs().size();
  if (sample.inputs.size() != n) {
    return Status(StatusCode::kInvalidArgument, "sample '" + sample.source + "' has " +
                                                    std::to_string(sample.inputs.size()) +
                                                    " inputs, the model " + std::to_string(n));
  }
  for (size_t i = 0; i < n; ++i) {
    Tensor* t = interp_->input(static_cast<int>(i));
    const std::vector<float>& v = sample.inputs[i];
    if (static_cast<int64_t>(v.size()) != t->num_elements()) {
      return Status(StatusCode::kInvalidArgument,
                    "sample '" + sample.source + "' input " + std::to_string(i) + " has " +
                        std::to_string(v.size()) + " values, tensor '" + t->name + "' " +
                        std::to_string(t->num_elements()));
    }
    const float scale = t->quant.scale.empty() ? 1.0f : t->quant.scale[0];
    const float zp =
        t->quant.zero_point.empty() ? 0.0f : static_cast<float>(t->quant.zero_point[0]);
    auto q = [&](float x, float lo, float hi) {
      return std::clamp(std::round(x / scale) + zp, lo, hi);
    };
    switch (t->type) {
      case DataType::kFloat32:
        std::memcpy(t->data, v.data(), v.size() * 4);
        break;
      case DataType::kInt8:
        for (size_t k = 0; k < v.size(); ++k)
          t->data_as<int8_t>()[k] = static_cast<int8_t>(q(v[k], -128, 127));
        break;
      case DataType::kUInt8:
        for (size_t k = 0; k < v.size(); ++k)
          t->data_as<uint8_t>()[k] = static_cast<uint8_t>(q(v[k], 0, 255));
        break;
      case DataType::kInt16:
        for (size_t k = 0; k < v.size(); ++k)
          t->data_as<int16_t>()[k] = static_cast<int16_t>(q(v[k], -32768, 32767));
        break;
      default:
        return Status(StatusCode::kUnsupported,
                      "input '" + t->name + "' of type " + DataTypeName(t->type));
    }
  }
  return interp_->Invoke();
}

Status TensorToFloat(const Tensor& t, std::vector<float>* out) {
  const int64_t n = t.num_elements();
  out->resize(static_cast<size_t>(n));
  const float scale = t.quant.scale.empty() ? 1.0f : t.quant.scale[0];
  const float zp = t.quant.zero_point.empty() ? 0.0f : static_cast<float>(t.quant.zero_point[0]);
  for (int64_t i = 0; i < n; ++i) {
    float v;
    switch (t.type) {
      case DataType::kFloat32:
        v = t.data_as<float>()[i];
        break;
      case DataType::kFloat16:
        v = HalfToFloat(t.data_as<uint16_t>()[i]);
        break;
      case DataType::kInt8:
        v = scale * (t.data_as<int8_t>()[i] - zp);
        break;
      case DataType::kUInt8:
        v = scale * (t.data_as<uint8_t>()[i] - zp);
        break;
      case DataType::kInt16:
        v = scale * (t.data_as<int16_t>()[i] - zp);
        break;
      case DataType::kInt32:
        v = static_cast<float>(t.data_as<int32_t>()[i]);
        break;
      case DataType::kInt64:
        v = static_cast<float>(t.data_as<int64_t>()[i]);
        break;
      case DataType::kBool:
        v = t.data_as<uint8_t>()[i] ? 1.0f : 0.0f;
        break;
      default:
        return Status(StatusCode::kUnsupported,
                      "tensor '" + t.name + "' of type " + DataTypeName(t.type));
    }
    (*out)[i] = v;
  }
  return Status::Ok();
}

Status Runner::Output(int i, std::vector<float>* out) const {
  const Tensor* t = interp_->output(i);
  if (t == nullptr) return Status(StatusCode::kInvalidArgument, "no output " + std::to_string(i));
  return TensorToFloat(*t, out);
}

Status Runner::TimeInvoke(const Sample& sample, int warmup, int runs, double* ms) {
  EDGEML_RETURN_IF_ERROR(Run(sample));
  for (int i = 0; i < warmup; ++i) EDGEML_RETURN_IF_ERROR(interp_->Invoke());
  std::vector<double> times;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EDGEML_RETURN_IF_ERROR(interp_->Invoke());
    times.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  // The median: robust to other processes on a shared machine.
  std::sort(times.begin(), times.end());
  *ms = times.empty() ? 0 : times[times.size() / 2];
  return Status::Ok();
}

}  // namespace edgeml::optimize
