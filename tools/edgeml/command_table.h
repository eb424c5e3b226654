// How subcommands join the `edgeml` command line: each area (core, optimizer,
// apps, training, ...) has one Add*Commands function that declares its
// subcommands on the CLI11 app and appends what runs when one was parsed.
// main.cc calls every Add*Commands, parses, and runs the parsed command.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace edgeml::cli {

struct Command {
  CLI::App* app;             // the subcommand
  std::function<int()> run;  // returns the exit code
};
using CommandTable = std::vector<Command>;

// inspect, run, ops, bench (core_commands.cc).
void AddCoreCommands(CLI::App& app, CommandTable& table);
// quantize, compare, prune, optimize-report (optimize_commands.cc).
void AddOptimizeCommands(CLI::App& app, CommandTable& table);
// classify, detect, segment, landmarks (app_commands.cc, on apps/).
void AddAppCommands(CLI::App& app, CommandTable& table);
// train (train_commands.cc, on src/train).
void AddTrainCommands(CLI::App& app, CommandTable& table);

}  // namespace edgeml::cli
