#include <cstdio>
#include <sstream>

#include "commands.h"
#include "edgeml/op_resolver.h"

namespace edgeml::cli {

int Fail(const std::string& message) {
  std::string line = message;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "edgeml: error: %s\n", line.c_str());
  return 1;
}

Status LoadInterpreter(const std::string& path, int threads, std::unique_ptr<Model>* model,
                       std::unique_ptr<Interpreter>* interp) {
  Status s = Model::FromFile(path, model);
  if (!s.ok()) return s.WithPrefix("cannot load model '" + path + "'");
  // Lives for the whole process: interpreters may keep pointers to its ops.
  static const BuiltinOpResolver resolver;
  InterpreterOptions options;
  options.num_threads = threads;
  s = Interpreter::Create(**model, resolver, options, interp);
  if (!s.ok()) return s.WithPrefix("cannot create interpreter for '" + path + "'");
  return Status::Ok();
}

std::string DescribeQuant(const QuantizationParams& q) {
  if (!q.quantized()) return "";
  std::ostringstream os;
  if (q.scale.size() == 1) {
    os << "scale=" << q.scale[0] << " zero_point=" << (q.zero_point.empty() ? 0 : q.zero_point[0]);
  } else {
    os << "per-channel: " << q.scale.size() << " scales on dim " << q.quantized_dimension;
  }
  return os.str();
}

std::string DescribeIo(const char* kind, int position, const Tensor& t) {
  return std::string(kind) + " " + std::to_string(position) + " '" + t.name + "'";
}

}  // namespace edgeml::cli
