// Shared by the model-suite tests (quantized, networks, zoo): compare an
// output with a LiteRT golden, and read the suites' expectation files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "edgeml/tensor.h"
#include "io/npy.h"

namespace edgeml::testing {

// "name outcome" lines of an expected_status.txt ('#' starts a comment).
std::map<std::string, std::string> ReadExpectationFile(const std::string& path);

// Record mode: merges `recorded` outcomes into the expectation file at
// `path` (lines of models this run did not touch are kept, names not in
// `models` dropped) and rewrites it below `header`.
void MergeExpectationFile(const std::string& path, const std::string& header,
                          const std::vector<std::string>& models,
                          const std::map<std::string, std::string>& recorded);

// A failed status as an outcome line: "unsupported: <message>" or
// "error: <code>: <message>", newlines folded.
std::string OutcomeOfStatus(const Status& status);

bool IsIntegerOrBool(DataType type);
// Element i of integer or bool data, widened.
int64_t LoadInteger(const uint8_t* data, DataType type, int64_t i);

// "" when `t` matches the golden: integer and bool outputs identical, float32
// within rel_tol x max(1, max|golden|) (NaN must match NaN). Otherwise the
// first difference, described. Appends a one-line summary to *report.
std::string CompareWithGolden(const Tensor& t, const io::NpyArray& want, const std::string& label,
                              double rel_tol, std::string* report);

}  // namespace edgeml::testing
