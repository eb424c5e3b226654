// Training data loaders (see data.h).
#include "train/data.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "io/image.h"
#include "io/npy.h"

namespace edgeml::train {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxFileBytes = size_t{4} << 30;

Status ReadMaybeGzip(const std::string& path, std::vector<uint8_t>* out) {
  out->clear();
  gzFile f = gzopen(path.c_str(), "rb");  // reads plain files unchanged
  if (!f) return Errorf(StatusCode::kIoError, "cannot open '%s'", path.c_str());
  std::vector<uint8_t> chunk(1 << 20);
  while (true) {
    const int n = gzread(f, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      return Errorf(StatusCode::kIoError, "'%s': %s", path.c_str(), msg.c_str());
    }
    if (n == 0) break;
    out->insert(out->end(), chunk.begin(), chunk.begin() + n);
    if (out->size() > kMaxFileBytes) {
      gzclose(f);
      return Errorf(StatusCode::kIoError, "'%s': more than 4 GiB of data", path.c_str());
    }
  }
  gzclose(f);
  return Status::Ok();
}

std::string FindFile(const fs::path& dir, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    for (const char* ext : {"", ".gz"}) {
      const fs::path p = dir / (n + ext);
      std::error_code ec;
      if (fs::is_regular_file(p, ec)) return p.string();
    }
  }
  return "";
}

Status LoadIdxPair(const std::string& images, const std::string& labels, float scale,
                   Dataset* out) {
  std::vector<int> xs, ys;
  std::vector<uint8_t> xb, yb;
  EDGEML_RETURN_IF_ERROR(ReadIdx(images, &xs, &xb));
  EDGEML_RETURN_IF_ERROR(ReadIdx(labels, &ys, &yb));
  if (xs.empty() || ys.size() != 1 || xs[0] != ys[0]) {
    return Errorf(StatusCode::kInvalidArgument,
                  "'%s' and '%s': the image and label files disagree on the number of examples",
                  images.c_str(), labels.c_str());
  }
  Dims shape = xs;
  if (shape.size() == 3) shape.push_back(1);  // [N, H, W] -> [N, H, W, 1]
  out->x.Resize(shape);
  for (size_t i = 0; i < xb.size(); ++i) out->x.data[i] = static_cast<float>(xb[i]) * scale;
  out->y.Resize({ys[0]});
  for (size_t i = 0; i < yb.size(); ++i) out->y.data[i] = static_cast<float>(yb[i]);
  return Status::Ok();
}

Status NpyToArray(const std::string& path, float scale, bool labels, Array* out) {
  io::NpyArray a;
  EDGEML_RETURN_IF_ERROR(io::ReadNpy(path, &a));
  if (a.shape.empty()) {
    return Errorf(StatusCode::kInvalidArgument, "'%s': a scalar array has no examples",
                  path.c_str());
  }
  Dims shape(a.shape.begin(), a.shape.end());
  out->Resize(shape);
  const int64_t n = out->size();
  auto fill = [&](auto tag, float s) {
    using T = decltype(tag);
    if (a.data.size() < static_cast<size_t>(n) * sizeof(T)) return false;
    for (int64_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, a.data.data() + i * sizeof(T), sizeof(T));
      out->data[i] = static_cast<float>(v) * s;
    }
    return true;
  };
  bool ok = false;
  switch (a.type) {
    case DataType::kFloat32:
      ok = fill(float{}, 1.f);
      break;
    case DataType::kFloat64:
      ok = fill(double{}, 1.f);
      break;
    case DataType::kUInt8:
      ok = fill(uint8_t{}, labels ? 1.f : scale);
      break;
    case DataType::kInt8:
      ok = fill(int8_t{}, 1.f);
      break;
    case DataType::kInt32:
      ok = fill(int32_t{}, 1.f);
      break;
    case DataType::kInt64:
      ok = fill(int64_t{}, 1.f);
      break;
    default:
      return Errorf(StatusCode::kUnsupported,
                    "'%s': element type not supported for training (float32/64, uint8, int8, "
                    "int32, int64)",
                    path.c_str());
  }
  if (!ok)
    return Errorf(StatusCode::kInvalidArgument, "'%s': data shorter than its shape", path.c_str());
  for (float v : out->data) {
    if (!std::isfinite(v)) {
      return Errorf(StatusCode::kInvalidArgument, "'%s': contains NaN or infinity", path.c_str());
    }
  }
  return Status::Ok();
}

Status LoadNpyPair(const std::string& x, const std::string& y, float scale, Dataset* out) {
  EDGEML_RETURN_IF_ERROR(NpyToArray(x, scale, false, &out->x));
  EDGEML_RETURN_IF_ERROR(NpyToArray(y, scale, true, &out->y));
  if (out->y.shape[0] != out->x.shape[0]) {
    return Errorf(StatusCode::kInvalidArgument, "'%s' has %d examples but '%s' has %d", x.c_str(),
                  out->x.shape[0], y.c_str(), out->y.shape[0]);
  }
  return Status::Ok();
}

bool IsImageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".gif" ||
         ext == ".tga" || ext == ".pgm" || ext == ".ppm";
}

Status LoadImageFolder(const fs::path& dir, DataOptions* o, std::vector<std::string>* classes,
                       Dataset* out) {
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_directory()) found.push_back(e.path().filename().string());
  }
  if (ec) return Errorf(StatusCode::kIoError, "cannot list '%s'", dir.string().c_str());
  std::sort(found.begin(), found.end());
  if (classes->empty()) {
    *classes = found;
  } else if (found != *classes) {
    return Errorf(StatusCode::kInvalidArgument,
                  "'%s': its class folders differ from the training folder's",
                  dir.string().c_str());
  }
  if (classes->empty()) {
    return Errorf(StatusCode::kInvalidArgument,
                  "'%s' has no IDX files, no x_train.npy and no class subfolders",
                  dir.string().c_str());
  }
  std::vector<std::pair<std::string, int>> files;
  for (size_t c = 0; c < classes->size(); ++c) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir / (*classes)[c], ec)) {
      if (e.is_regular_file() && IsImageFile(e.path())) names.push_back(e.path().string());
    }
    std::sort(names.begin(), names.end());
    for (auto& n : names) files.emplace_back(n, static_cast<int>(c));
  }
  if (files.empty()) {
    return Errorf(StatusCode::kInvalidArgument, "'%s': no images in the class folders",
                  dir.string().c_str());
  }
  int64_t row = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    io::Image img, sized;
    EDGEML_RETURN_IF_ERROR(io::LoadImage(files[i].first, o->image_channels, &img));
    if (o->image_height == 0) {
      o->image_height = img.height;
      o->image_width = img.width;
    }
    if (o->image_channels == 0) o->image_channels = img.channels;
    if (img.height != o->image_height || img.width != o->image_width) {
      EDGEML_RETURN_IF_ERROR(io::ResizeBilinear(img, o->image_height, o->image_width, &sized));
      img = std::move(sized);
    }
    if (i == 0) {
      out->x.Resize(
          {static_cast<int>(files.size()), o->image_height, o->image_width, img.channels});
      out->y.Resize({static_cast<int>(files.size())});
      row = int64_t{o->image_height} * o->image_width * img.channels;
    }
    if (static_cast<int64_t>(img.pixels.size()) != row) {
      return Errorf(StatusCode::kInvalidArgument, "'%s': %d channels, the first image had %d",
                    files[i].first.c_str(), img.channels, out->x.shape[3]);
    }
    for (int64_t k = 0; k < row; ++k) {
      out->x.data[i * row + k] = static_cast<float>(img.pixels[k]) * o->scale;
    }
    out->y.data[i] = static_cast<float>(files[i].second);
  }
  out->class_names = *classes;
  return Status::Ok();
}

}  // namespace

Status ReadIdx(const std::string& path, std::vector<int>* shape, std::vector<uint8_t>* bytes) {
  std::vector<uint8_t> raw;
  EDGEML_RETURN_IF_ERROR(ReadMaybeGzip(path, &raw));
  if (raw.size() < 4 || raw[0] != 0 || raw[1] != 0) {
    return Errorf(StatusCode::kInvalidArgument, "'%s' is not an IDX file (bad magic)",
                  path.c_str());
  }
  if (raw[2] != 0x08) {
    return Errorf(StatusCode::kUnsupported, "'%s': IDX element type 0x%02x (only unsigned bytes)",
                  path.c_str(), raw[2]);
  }
  const int rank = raw[3];
  if (rank < 1 || rank > 4 || raw.size() < 4 + 4 * size_t(rank)) {
    return Errorf(StatusCode::kInvalidArgument, "'%s': IDX rank %d or header truncated",
                  path.c_str(), rank);
  }
  shape->clear();
  uint64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const uint8_t* p = raw.data() + 4 + 4 * i;
    const uint32_t d =
        (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    if (d == 0 || d > (1u << 30)) {
      return Errorf(StatusCode::kInvalidArgument, "'%s': IDX dimension %u out of range",
                    path.c_str(), d);
    }
    count *= d;
    if (count > kMaxFileBytes) {
      return Errorf(StatusCode::kInvalidArgument, "'%s': IDX data too large", path.c_str());
    }
    shape->push_back(static_cast<int>(d));
  }
  const size_t header = 4 + 4 * size_t(rank);
  if (raw.size() != header + count) {
    return Errorf(StatusCode::kInvalidArgument,
                  "'%s': IDX data has %zu bytes, its header says %llu", path.c_str(),
                  raw.size() - header, static_cast<unsigned long long>(count));
  }
  bytes->assign(raw.begin() + header, raw.end());
  return Status::Ok();
}

Status LoadData(const std::string& path, const DataOptions& options, Dataset* train,
                Dataset* test) {
  *train = Dataset();
  *test = Dataset();
  std::error_code ec;
  const fs::path dir(path);
  if (!fs::is_directory(dir, ec)) {
    return Errorf(StatusCode::kIoError, "data '%s' is not a directory", path.c_str());
  }
  const std::string train_x = FindFile(dir, {"train-images-idx3-ubyte", "train-images.idx3-ubyte"});
  if (!train_x.empty()) {
    const std::string train_y =
        FindFile(dir, {"train-labels-idx1-ubyte", "train-labels.idx1-ubyte"});
    if (train_y.empty()) {
      return Errorf(StatusCode::kInvalidArgument, "'%s': train-labels-idx1-ubyte[.gz] missing",
                    path.c_str());
    }
    EDGEML_RETURN_IF_ERROR(LoadIdxPair(train_x, train_y, options.scale, train));
    const std::string test_x = FindFile(dir, {"t10k-images-idx3-ubyte", "test-images-idx3-ubyte"});
    const std::string test_y = FindFile(dir, {"t10k-labels-idx1-ubyte", "test-labels-idx1-ubyte"});
    if (!test_x.empty() && !test_y.empty()) {
      EDGEML_RETURN_IF_ERROR(LoadIdxPair(test_x, test_y, options.scale, test));
    }
    return Status::Ok();
  }
  if (fs::is_regular_file(dir / "x_train.npy", ec)) {
    EDGEML_RETURN_IF_ERROR(LoadNpyPair((dir / "x_train.npy").string(),
                                       (dir / "y_train.npy").string(), options.scale, train));
    if (fs::is_regular_file(dir / "x_test.npy", ec)) {
      EDGEML_RETURN_IF_ERROR(LoadNpyPair((dir / "x_test.npy").string(),
                                         (dir / "y_test.npy").string(), options.scale, test));
    }
    return Status::Ok();
  }
  DataOptions o = options;
  std::vector<std::string> classes;
  EDGEML_RETURN_IF_ERROR(LoadImageFolder(dir, &o, &classes, train));
  if (!options.test_path.empty()) {
    EDGEML_RETURN_IF_ERROR(LoadImageFolder(options.test_path, &o, &classes, test));
  }
  return Status::Ok();
}

void SplitValidation(float fraction, Dataset* data, Dataset* validation) {
  const int64_t n = data->size();
  const auto nv = static_cast<int64_t>(std::floor(static_cast<double>(fraction) * n));
  if (nv <= 0 || nv >= n) return;
  std::vector<int64_t> head(n - nv), tail(nv);
  for (int64_t i = 0; i < n - nv; ++i) head[i] = i;
  for (int64_t i = 0; i < nv; ++i) tail[i] = n - nv + i;
  Dataset train;
  Gather(*data, tail, validation);
  Gather(*data, head, &train);
  validation->class_names = data->class_names;
  train.class_names = data->class_names;
  *data = std::move(train);
}

int NumClasses(const Dataset& data) {
  if (data.y.shape.size() != 1) return data.y.shape.size() == 2 ? data.y.shape[1] : 0;
  float m = -1;
  for (float v : data.y.data) {
    if (v < 0 || v != std::floor(v)) return 0;
    m = std::max(m, v);
  }
  return static_cast<int>(m) + 1;
}

}  // namespace edgeml::train
