// Maps a model's operator codes to op implementations.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "edgeml/op.h"

namespace edgeml {

class OpResolver {
 public:
  OpResolver() = default;
  virtual ~OpResolver() = default;

  // Registers (or replaces) the implementation of a builtin op code (the
  // format's BuiltinOperator value) or of a custom op name.
  void AddBuiltin(int builtin_code, const OpRegistration& registration);
  void AddCustom(const std::string& name, const OpRegistration& registration);

  // nullptr when nothing is registered for the code/name. The version is
  // checked by the caller so that it can say which versions exist.
  const OpRegistration* FindBuiltin(int builtin_code) const;
  const OpRegistration* FindCustom(const std::string& name) const;

  // Everything registered, for listings (`edgeml ops`, docs).
  std::vector<int> BuiltinCodes() const;
  std::vector<std::string> CustomNames() const;

 private:
  std::map<int, OpRegistration> builtins_;
  std::map<std::string, OpRegistration> customs_;
};

// Every builtin op edgeml implements, plus the custom ops it ships
// (MediaPipe's Convolution2DTransposeBias).
class BuiltinOpResolver : public OpResolver {
 public:
  BuiltinOpResolver();
};

// Name of a builtin op code ("CONV_2D"), or "BUILTIN_<n>" if unknown.
const char* BuiltinOpName(int builtin_code);

}  // namespace edgeml
