#include "apps/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

namespace edgeml::apps {

Status ImageModel::Load(const std::string& path, int num_threads) {
  EDGEML_RETURN_IF_ERROR(Model::FromFile(path, &model_));
  InterpreterOptions options;
  options.num_threads = num_threads;
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*model_, resolver_, options, &interp_));
  EDGEML_RETURN_IF_ERROR(interp_->AllocateTensors());
  const Tensor* in = interp_->input(0);
  if (in == nullptr || in->rank() != 4 || in->dim(0) != 1 || (in->dim(3) != 1 && in->dim(3) != 3) ||
      in->dim(1) <= 0 || in->dim(2) <= 0) {
    return Errorf(StatusCode::kInvalidArgument,
                  "'%s': input 0 has shape %s; an image model takes [1, H, W, 1 or 3]",
                  path.c_str(), in ? ShapeToString(in->shape).c_str() : "(none)");
  }
  if (in->type != DataType::kFloat32 && in->type != DataType::kUInt8 &&
      in->type != DataType::kInt8) {
    return Errorf(StatusCode::kUnsupported, "'%s': input 0 is %s; expected FLOAT32, UINT8 or INT8",
                  path.c_str(), DataTypeName(in->type).c_str());
  }
  height_ = in->dim(1);
  width_ = in->dim(2);
  channels_ = in->dim(3);
  return Status::Ok();
}

Status ImageModel::SetInput(const Image& src, PixelRange range) {
  Tensor* in = interp_->input(0);
  if (src.width != width_ || src.height != height_) {
    return Errorf(StatusCode::kInvalidArgument, "SetInput: image is %dx%d, model input %dx%d",
                  src.width, src.height, width_, height_);
  }
  const size_t n = static_cast<size_t>(width_) * height_;
  auto pixel = [&](size_t i, int c) -> float {
    if (src.channels == channels_) return src.pixels[i * channels_ + c];
    if (channels_ == 1) {  // RGB to gray
      const uint8_t* p = &src.pixels[i * 3];
      return 0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2];
    }
    return src.pixels[i];  // gray to RGB
  };
  if (in->type == DataType::kFloat32) {
    float* d = in->data_as<float>();
    for (size_t i = 0; i < n; ++i) {
      for (int c = 0; c < channels_; ++c)
        d[i * channels_ + c] = (pixel(i, c) - range.mean) / range.std;
    }
    return Status::Ok();
  }
  const float scale = in->quant.quantized() ? in->quant.scale[0] : 1.0f;
  const float zp = in->quant.quantized() ? static_cast<float>(in->quant.zero_point[0]) : 0.0f;
  const bool u8 = in->type == DataType::kUInt8;
  for (size_t i = 0; i < n; ++i) {
    for (int c = 0; c < channels_; ++c) {
      const float real = (pixel(i, c) - range.mean) / range.std;
      float q = std::round(real / scale + zp);
      q = u8 ? std::min(255.0f, std::max(0.0f, q)) : std::min(127.0f, std::max(-128.0f, q));
      if (u8) {
        in->data_as<uint8_t>()[i * channels_ + c] = static_cast<uint8_t>(q);
      } else {
        in->data_as<int8_t>()[i * channels_ + c] = static_cast<int8_t>(q);
      }
    }
  }
  return Status::Ok();
}

Status ImageModel::Invoke(double* ms) {
  const auto t0 = std::chrono::steady_clock::now();
  EDGEML_RETURN_IF_ERROR(interp_->Invoke());
  const auto t1 = std::chrono::steady_clock::now();
  if (ms) *ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  return Status::Ok();
}

Status ImageModel::TensorFloats(int index, std::vector<float>* out) {
  const Tensor* t = interp_->tensor(index);
  if (t == nullptr) return Errorf(StatusCode::kInvalidArgument, "no tensor %d", index);
  const size_t n = static_cast<size_t>(t->num_elements());
  out->resize(n);
  const float scale = t->quant.quantized() ? t->quant.scale[0] : 1.0f;
  const float zp = t->quant.quantized() ? static_cast<float>(t->quant.zero_point[0]) : 0.0f;
  switch (t->type) {
    case DataType::kFloat32:
      std::memcpy(out->data(), t->data, n * sizeof(float));
      break;
    case DataType::kUInt8:
      for (size_t i = 0; i < n; ++i) (*out)[i] = (t->data_as<uint8_t>()[i] - zp) * scale;
      break;
    case DataType::kInt8:
      for (size_t i = 0; i < n; ++i) (*out)[i] = (t->data_as<int8_t>()[i] - zp) * scale;
      break;
    case DataType::kInt32:
      for (size_t i = 0; i < n; ++i) (*out)[i] = static_cast<float>(t->data_as<int32_t>()[i]);
      break;
    default:
      return Errorf(StatusCode::kUnsupported, "tensor %d '%s' has type %s", index, t->name.c_str(),
                    DataTypeName(t->type).c_str());
  }
  return Status::Ok();
}

Status ImageModel::OutputFloats(int i, std::vector<float>* out) {
  if (i < 0 || i >= num_outputs()) {
    return Errorf(StatusCode::kInvalidArgument, "model has %d outputs, asked for %d", num_outputs(),
                  i);
  }
  return TensorFloats(interp_->outputs()[i], out);
}

}  // namespace edgeml::apps
