// A small JSON reader for model specs: objects, arrays, strings (with \u
// escapes, UTF-8 out), numbers, booleans and null. Untrusted input gives an
// error with the line and column, never a crash: nesting depth and input size
// are bounded.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"

namespace edgeml::train {

class JsonValue {
 public:
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool bool_value() const { return bool_; }
  double number() const { return number_; }
  const std::string& str() const { return string_; }
  const std::vector<JsonValue>& items() const { return items_; }
  // Object members in input order (duplicate keys are a parse error).
  const std::vector<std::pair<std::string, JsonValue>>& members() const { return members_; }
  // The member `key`, or null when absent (or not an object).
  const JsonValue* Find(const std::string& key) const;

  static const char* TypeName(Type t);

 private:
  friend class JsonParser;
  Type type_ = Type::kNull;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;
  std::vector<JsonValue> items_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

Status ParseJson(const std::string& text, JsonValue* out);

}  // namespace edgeml::train
