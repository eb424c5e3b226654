// edgeml status values: every public call reports success or failure through
// edgeml::Status. No edgeml function throws across the API or aborts on bad
// input; a failed call leaves the object it was called on usable (it may need
// AllocateTensors() again) and its message names the op, node and tensor at
// fault where there is one.
#pragma once

#include <string>
#include <utility>

namespace edgeml {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // a caller's argument is wrong (index, shape, dtype, flag)
  kInvalidModel,        // the model bytes or graph are malformed
  kUnsupported,         // a valid model uses an op, version or type edgeml lacks
  kFailedPrecondition,  // e.g. Invoke() before AllocateTensors()
  kResourceExhausted,   // an allocation failed or exceeded a configured cap
  kIoError,             // a file could not be read or written
  kInternal,            // an edgeml bug: please report it
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "InvalidModel: CONV_2D (node 3): ..." or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "prefix" + ": " + message.
  Status WithPrefix(const std::string& prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// printf-style constructors for error statuses.
Status Errorf(StatusCode code, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace edgeml

// Returns from the enclosing function if `expr` yields a non-OK status.
#define EDGEML_RETURN_IF_ERROR(expr)                  \
  do {                                                \
    ::edgeml::Status edgeml_status_ = (expr);         \
    if (!edgeml_status_.ok()) return edgeml_status_;  \
  } while (0)
