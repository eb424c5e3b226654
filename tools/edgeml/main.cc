// The `edgeml` command line: inspect and run .tflite models.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "command_table.h"
#include "commands.h"

#ifndef EDGEML_VERSION
#define EDGEML_VERSION "unknown"
#endif

namespace {

int Main(int argc, char** argv) {
  using edgeml::cli::Fail;
  CLI::App app{"edgeml: inspect and run TensorFlow Lite (.tflite) models", "edgeml"};
  app.set_version_flag("--version", std::string("edgeml ") + EDGEML_VERSION);
  app.require_subcommand(1);
  app.footer("Exit status: 0 on success, 1 on any error (one 'edgeml: error: ...' line).");

  edgeml::cli::CommandTable commands;
  // One line per area; each declares its subcommands (command_table.h).
  edgeml::cli::AddCoreCommands(app, commands);
  edgeml::cli::AddOptimizeCommands(app, commands);
  edgeml::cli::AddAppCommands(app, commands);
  edgeml::cli::AddTrainCommands(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    return Fail(msg.empty() ? std::string("invalid command line") : msg);
  }

  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return Fail("no command given; see 'edgeml --help'");
}

}  // namespace

int main(int argc, char** argv) {
  // Never let an exception (e.g. std::bad_alloc) end the process uncaught.
  try {
    return Main(argc, argv);
  } catch (const std::bad_alloc&) {
    return edgeml::cli::Fail("out of memory");
  } catch (const std::exception& e) {
    return edgeml::cli::Fail(std::string("internal error: ") + e.what());
  } catch (...) {
    return edgeml::cli::Fail("internal error");
  }
}
