// docs/ops.md must list every op the builtin resolver registers, with its
// versions, so the published list cannot drift from the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "edgeml/op_resolver.h"

namespace edgeml {
namespace {

TEST(Docs, OpsTableMatchesResolver) {
  std::ifstream f(std::string(EDGEML_SOURCE_DIR) + "/docs/ops.md");
  ASSERT_TRUE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  BuiltinOpResolver resolver;
  size_t rows = 0;
  for (int code : resolver.BuiltinCodes()) {
    const OpRegistration* r = resolver.FindBuiltin(code);
    std::string row = "| " + std::string(BuiltinOpName(code)) + " | " +
                      std::to_string(r->min_version) + "-" + std::to_string(r->max_version) +
                      " | builtin |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/ops.md lacks: " << row;
    ++rows;
  }
  for (const std::string& name : resolver.CustomNames()) {
    const OpRegistration* r = resolver.FindCustom(name);
    std::string row = "| " + name + " | " + std::to_string(r->min_version) + "-" +
                      std::to_string(r->max_version) + " | custom |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/ops.md lacks: " << row;
    ++rows;
  }
  // No stale rows either: the table has exactly one row per registration.
  size_t table_rows = 0;
  for (size_t p = doc.find(" builtin |"); p != std::string::npos; p = doc.find(" builtin |", p + 1))
    ++table_rows;
  for (size_t p = doc.find(" custom |"); p != std::string::npos; p = doc.find(" custom |", p + 1))
    ++table_rows;
  EXPECT_EQ(table_rows, rows);
}

}  // namespace
}  // namespace edgeml
