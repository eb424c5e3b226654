#include "io/npy.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

namespace edgeml::io {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// numpy itself refuses headers over 10000 bytes by default; allow more but
// keep a bound so a hostile length cannot make us scan gigabytes.
constexpr size_t kMaxHeaderBytes = 1 << 20;
constexpr size_t kMaxRank = 64;  // numpy's NPY_MAXDIMS
constexpr size_t kAlignment = 64;

struct DescrEntry {
  char kind;
  int size;
  DataType type;
};

constexpr DescrEntry kDescrs[] = {
    {'f', 2, DataType::kFloat16}, {'f', 4, DataType::kFloat32}, {'f', 8, DataType::kFloat64},
    {'i', 1, DataType::kInt8},    {'i', 2, DataType::kInt16},   {'i', 4, DataType::kInt32},
    {'i', 8, DataType::kInt64},   {'u', 1, DataType::kUInt8},   {'u', 2, DataType::kUInt16},
    {'u', 4, DataType::kUInt32},  {'u', 8, DataType::kUInt64},  {'b', 1, DataType::kBool},
};

Status Malformed(const std::string& what) {
  return Status(StatusCode::kInvalidArgument, "malformed .npy: " + what);
}

bool HostIsLittleEndian() {
  const uint16_t probe = 1;
  uint8_t first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

// Recursive-descent parser over the header text; `p_` never passes `end_`.
class HeaderParser {
 public:
  HeaderParser(const char* begin, size_t size) : p_(begin), end_(begin + size) {}

  Status Parse(std::string* descr, bool* fortran, Shape* shape) {
    SkipSpace();
    if (!Consume('{')) return Malformed("header does not start with '{'");
    bool have_descr = false, have_fortran = false, have_shape = false;
    while (true) {
      SkipSpace();
      if (Consume('}')) break;
      std::string key;
      EDGEML_RETURN_IF_ERROR(ParseString(&key));
      SkipSpace();
      if (!Consume(':')) return Malformed("expected ':' after key '" + key + "'");
      SkipSpace();
      if (key == "descr") {
        if (have_descr) return Malformed("duplicate key 'descr'");
        have_descr = true;
        if (p_ < end_ && *p_ != '\'' && *p_ != '"') {
          return Status(StatusCode::kUnsupported,
                        ".npy: structured dtypes are not supported (descr is not a string)");
        }
        EDGEML_RETURN_IF_ERROR(ParseString(descr));
      } else if (key == "fortran_order") {
        if (have_fortran) return Malformed("duplicate key 'fortran_order'");
        have_fortran = true;
        EDGEML_RETURN_IF_ERROR(ParseBool(fortran));
      } else if (key == "shape") {
        if (have_shape) return Malformed("duplicate key 'shape'");
        have_shape = true;
        EDGEML_RETURN_IF_ERROR(ParseShape(shape));
      } else {
        return Malformed("unexpected key '" + key + "'");
      }
      SkipSpace();
      if (Consume(',')) continue;
      SkipSpace();
      if (Consume('}')) break;
      return Malformed("expected ',' or '}' in header dict");
    }
    // numpy pads with spaces and ends with '\n'; allow any whitespace only.
    SkipSpace();
    if (p_ != end_) return Malformed("unexpected bytes after header dict");
    if (!have_descr || !have_fortran || !have_shape) {
      return Malformed("header must have keys 'descr', 'fortran_order' and 'shape'");
    }
    return Status::Ok();
  }

 private:
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool Consume(char c) {
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) >= n && std::memcmp(p_, word, n) == 0) {
      p_ += n;
      return true;
    }
    return false;
  }

  Status ParseString(std::string* out) {
    if (p_ >= end_ || (*p_ != '\'' && *p_ != '"')) return Malformed("expected a quoted string");
    const char quote = *p_++;
    out->clear();
    while (p_ < end_ && *p_ != quote) {
      // Keys and dtype strings are short plain ASCII; escapes never occur.
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '\\' || c < 0x20 || c >= 0x7f) return Malformed("unexpected character in string");
      if (out->size() >= 64) return Malformed("string in header too long");
      out->push_back(*p_++);
    }
    if (!Consume(quote)) return Malformed("unterminated string");
    return Status::Ok();
  }

  Status ParseBool(bool* out) {
    if (ConsumeWord("True")) {
      *out = true;
    } else if (ConsumeWord("False")) {
      *out = false;
    } else {
      return Malformed("'fortran_order' must be True or False");
    }
    return Status::Ok();
  }

  Status ParseDim(int32_t* out) {
    if (p_ >= end_ || *p_ < '0' || *p_ > '9') return Malformed("shape entries must be integers");
    int64_t v = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      v = v * 10 + (*p_ - '0');
      if (v > std::numeric_limits<int32_t>::max()) {
        return Status(StatusCode::kInvalidArgument, ".npy: shape dimension exceeds int32");
      }
      ++p_;
    }
    Consume('L');  // Python 2 long suffix in old files
    *out = static_cast<int32_t>(v);
    return Status::Ok();
  }

  Status ParseShape(Shape* shape) {
    shape->clear();
    if (!Consume('(')) return Malformed("'shape' must be a tuple");
    SkipSpace();
    if (Consume(')')) return Status::Ok();
    while (true) {
      if (shape->size() >= kMaxRank) return Malformed("shape has more than 64 dimensions");
      int32_t dim;
      EDGEML_RETURN_IF_ERROR(ParseDim(&dim));
      shape->push_back(dim);
      SkipSpace();
      if (Consume(')')) return Status::Ok();
      if (!Consume(',')) return Malformed("expected ',' or ')' in shape");
      SkipSpace();
      if (Consume(')')) return Status::Ok();
    }
  }

  const char* p_;
  const char* end_;
};

Status TypeFromDescr(const std::string& descr, DataType* type) {
  if (descr.size() < 3)
    return Status(StatusCode::kUnsupported, ".npy: unsupported dtype '" + descr + "'");
  const char order = descr[0];
  const char kind = descr[1];
  const std::string size_text = descr.substr(2);
  int size = 0;
  if (size_text == "1")
    size = 1;
  else if (size_text == "2")
    size = 2;
  else if (size_text == "4")
    size = 4;
  else if (size_text == "8")
    size = 8;
  for (const DescrEntry& e : kDescrs) {
    if (e.kind != kind || e.size != size) continue;
    if (order == '>' && size > 1) {
      return Status(StatusCode::kUnsupported,
                    ".npy: big-endian data ('" + descr + "') is not supported");
    }
    const bool order_ok = size == 1 ? (order == '|' || order == '<' || order == '>' || order == '=')
                                    : (order == '<' || (order == '=' && HostIsLittleEndian()));
    if (!order_ok) break;
    *type = e.type;
    return Status::Ok();
  }
  return Status(StatusCode::kUnsupported, ".npy: unsupported dtype '" + descr + "'");
}

uint32_t ReadLe(const uint8_t* p, int n) {
  uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

const char* NpyDescr(DataType type) {
  switch (type) {
    case DataType::kFloat16:
      return "<f2";
    case DataType::kFloat32:
      return "<f4";
    case DataType::kFloat64:
      return "<f8";
    case DataType::kInt8:
      return "|i1";
    case DataType::kInt16:
      return "<i2";
    case DataType::kInt32:
      return "<i4";
    case DataType::kInt64:
      return "<i8";
    case DataType::kUInt8:
      return "|u1";
    case DataType::kUInt16:
      return "<u2";
    case DataType::kUInt32:
      return "<u4";
    case DataType::kUInt64:
      return "<u8";
    case DataType::kBool:
      return "|b1";
    default:
      return nullptr;
  }
}

Status ParseNpy(const uint8_t* bytes, size_t size, NpyArray* out) {
  if (bytes == nullptr && size != 0) return Malformed("null buffer");
  if (size < kMagicSize + 2 || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
    return Malformed("missing \\x93NUMPY magic");
  }
  const int major = bytes[6];
  const int minor = bytes[7];
  size_t len_bytes;
  if (major == 1) {
    len_bytes = 2;
  } else if (major == 2 || major == 3) {
    len_bytes = 4;
  } else {
    return Status(
        StatusCode::kUnsupported,
        ".npy: unsupported format version " + std::to_string(major) + "." + std::to_string(minor));
  }
  size_t pos = kMagicSize + 2;
  if (size - pos < len_bytes) return Malformed("truncated header length");
  const size_t header_len = ReadLe(bytes + pos, static_cast<int>(len_bytes));
  pos += len_bytes;
  if (header_len > kMaxHeaderBytes) return Malformed("header length over 1 MiB");
  if (size - pos < header_len) return Malformed("truncated header");

  std::string descr;
  bool fortran = false;
  Shape shape;
  HeaderParser parser(reinterpret_cast<const char*>(bytes + pos), header_len);
  EDGEML_RETURN_IF_ERROR(parser.Parse(&descr, &fortran, &shape));
  pos += header_len;

  DataType type = DataType::kFloat32;
  EDGEML_RETURN_IF_ERROR(TypeFromDescr(descr, &type));
  if (fortran) {
    return Status(StatusCode::kUnsupported,
                  ".npy: fortran_order arrays are not supported; save with C order "
                  "(numpy.ascontiguousarray)");
  }
  const size_t item = DataTypeSize(type);
  int64_t count = 0;
  if (!ShapeElementCount(shape, &count, item)) {
    return Malformed("shape " + ShapeToString(shape) + " overflows");
  }
  const uint64_t want = static_cast<uint64_t>(count) * item;
  const size_t have = size - pos;
  if (have != want) {
    return Malformed("shape " + ShapeToString(shape) + " of " + descr + " needs " +
                     std::to_string(want) + " data bytes, file has " + std::to_string(have));
  }
  const uint8_t* data = bytes + pos;
  if (type == DataType::kBool) {
    for (size_t i = 0; i < have; ++i) {
      if (data[i] > 1) return Malformed("bool element " + std::to_string(i) + " is not 0 or 1");
    }
  }
  out->type = type;
  out->shape = std::move(shape);
  out->data.assign(data, data + have);
  return Status::Ok();
}

Status ReadNpy(const std::string& path, NpyArray* out) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    return Status(StatusCode::kIoError, "cannot open '" + path + "': " + std::strerror(errno));
  }
  std::vector<uint8_t> bytes;
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f.get())) > 0) {
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  if (std::ferror(f.get())) return Status(StatusCode::kIoError, "cannot read '" + path + "'");
  Status s = ParseNpy(bytes.data(), bytes.size(), out);
  return s.ok() ? s : s.WithPrefix(path);
}

Status SerializeNpy(DataType type, const Shape& shape, const void* data, size_t bytes,
                    std::vector<uint8_t>* out) {
  const char* descr = NpyDescr(type);
  if (descr == nullptr) {
    return Status(StatusCode::kUnsupported,
                  "cannot write " + DataTypeName(type) + " arrays as .npy");
  }
  int64_t count = 0;
  if (!ShapeElementCount(shape, &count, DataTypeSize(type))) {
    return Status(StatusCode::kInvalidArgument, "invalid shape " + ShapeToString(shape));
  }
  const uint64_t want = static_cast<uint64_t>(count) * DataTypeSize(type);
  if (want != bytes) {
    return Status(StatusCode::kInvalidArgument,
                  "shape " + ShapeToString(shape) + " of " + DataTypeName(type) + " needs " +
                      std::to_string(want) + " bytes, got " + std::to_string(bytes));
  }
  if (bytes != 0 && data == nullptr) return Status(StatusCode::kInvalidArgument, "null data");

  std::string header = "{'descr': '";
  header += descr;
  header += "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) {
    header += std::to_string(shape[i]);
    if (shape.size() == 1 || i + 1 < shape.size()) header += ",";
    if (i + 1 < shape.size()) header += " ";
  }
  header += "), }";
  // Pad with spaces so that magic + version + length + header + '\n' is a
  // multiple of 64, as numpy does.
  size_t len_bytes = 2;
  int major = 1;
  size_t total = kMagicSize + 2 + len_bytes + header.size() + 1;
  size_t padded = (total + kAlignment - 1) / kAlignment * kAlignment;
  if (padded - kMagicSize - 2 - len_bytes > 0xffff) {
    len_bytes = 4;
    major = 2;
    total = kMagicSize + 2 + len_bytes + header.size() + 1;
    padded = (total + kAlignment - 1) / kAlignment * kAlignment;
  }
  header.append(padded - total, ' ');
  header += '\n';
  const size_t header_len = header.size();

  out->clear();
  out->reserve(padded + bytes);
  out->insert(out->end(), kMagic, kMagic + kMagicSize);
  out->push_back(static_cast<uint8_t>(major));
  out->push_back(0);
  for (size_t i = 0; i < len_bytes; ++i)
    out->push_back(static_cast<uint8_t>(header_len >> (8 * i)));
  out->insert(out->end(), header.begin(), header.end());
  const uint8_t* p = static_cast<const uint8_t*>(data);
  if (bytes != 0) out->insert(out->end(), p, p + bytes);
  return Status::Ok();
}

Status WriteNpy(const std::string& path, DataType type, const Shape& shape, const void* data,
                size_t bytes) {
  std::vector<uint8_t> buf;
  EDGEML_RETURN_IF_ERROR(SerializeNpy(type, shape, data, bytes, &buf));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return Status(StatusCode::kIoError, "cannot create '" + path + "': " + std::strerror(errno));
  }
  const bool wrote = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !closed) return Status(StatusCode::kIoError, "cannot write '" + path + "'");
  return Status::Ok();
}

}  // namespace edgeml::io
