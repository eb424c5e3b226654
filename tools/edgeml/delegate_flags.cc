// The delegate flags shared by run, bench and inspect.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>

#include "commands.h"
#include "edgeml/op_resolver.h"

namespace edgeml::cli {

void AddDelegateFlags(CLI::App* cmd, DelegateFlags* flags) {
  cmd->add_option("--delegate", flags->names,
                  "Built-in delegate to hand the nodes it supports (e.g. vulkan). Repeatable; "
                  "earlier ones take precedence")
      ->allow_extra_args(false);
  cmd->add_option("--precision", flags->precision,
                  "Precision asked of the built-in delegates: fp32 (default) or fp16")
      ->check(CLI::IsMember({"fp32", "fp16"}));
  cmd->add_option("--delegate-plugin", flags->plugins,
                  "Shared library of an external delegate (edgeml/delegate_plugin.h). "
                  "Repeatable; plugins come after the built-in delegates in precedence")
      ->allow_extra_args(false);
  cmd->add_option("--delegate-option", flags->options,
                  "KEY=VALUE option passed to every delegate and plugin. Repeatable")
      ->allow_extra_args(false);
}

Status MakeDelegates(const DelegateFlags& flags, std::vector<std::shared_ptr<Delegate>>* out) {
  DelegateOptions options;
  for (const std::string& kv : flags.options) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status(StatusCode::kInvalidArgument,
                    "--delegate-option '" + kv + "' is not KEY=VALUE");
    }
    options.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!flags.precision.empty() && flags.names.empty()) {
    return Status(StatusCode::kInvalidArgument, "--precision needs --delegate NAME");
  }
  for (const std::string& name : flags.names) {
    DelegateOptions builtin = options;
    if (!flags.precision.empty()) builtin.emplace_back("precision", flags.precision);
    std::shared_ptr<Delegate> d;
    EDGEML_RETURN_IF_ERROR(CreateDelegate(name, builtin, &d));
    out->push_back(std::move(d));
  }
  for (const std::string& path : flags.plugins) {
    std::shared_ptr<Delegate> d;
    EDGEML_RETURN_IF_ERROR(LoadDelegatePlugin(path, options, &d));
    out->push_back(std::move(d));
  }
  return Status::Ok();
}

Status LoadInterpreter(const std::string& path, int threads, const DelegateFlags& flags,
                       std::unique_ptr<Model>* model, std::unique_ptr<Interpreter>* interp) {
  InterpreterOptions options;
  options.num_threads = threads;
  EDGEML_RETURN_IF_ERROR(MakeDelegates(flags, &options.delegates));
  Status s = Model::FromFile(path, model);
  if (!s.ok()) return s.WithPrefix("cannot load model '" + path + "'");
  // Lives for the whole process: interpreters may keep pointers to its ops.
  static const BuiltinOpResolver resolver;
  s = Interpreter::Create(**model, resolver, options, interp);
  if (!s.ok()) return s.WithPrefix("cannot create interpreter for '" + path + "'");
  return Status::Ok();
}

std::string DelegationSummary(const Interpreter& interp) {
  const DelegationReport& r = interp.delegation_report();
  if (r.nodes.empty()) return "";
  std::vector<std::string> names;
  for (const auto& p : r.partitions) {
    if (std::find(names.begin(), names.end(), p.delegate) == names.end()) {
      names.push_back(p.delegate);
    }
  }
  size_t runnable = 0;
  for (const auto& n : r.nodes) runnable += n.folded ? 0 : 1;
  std::string s;
  for (const std::string& name : names) {
    size_t nodes = 0, parts = 0;
    for (const auto& p : r.partitions) {
      if (p.delegate != name) continue;
      ++parts;
      nodes += p.nodes.size();
    }
    s += "delegate " + name + ": " + std::to_string(nodes) + " of " + std::to_string(runnable) +
         " nodes in " + std::to_string(parts) + " partition" + (parts == 1 ? "" : "s") + "\n";
  }
  if (names.empty()) s = "delegates: no node taken (see edgeml inspect --delegate)\n";
  return s;
}

}  // namespace edgeml::cli
