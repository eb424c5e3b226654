// The `edgeml` command line: inspect and run .tflite models.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

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

  edgeml::cli::InspectOptions inspect_opts;
  CLI::App* inspect =
      app.add_subcommand("inspect", "Print a model's inputs, outputs, op histogram and memory use");
  inspect->add_option("model", inspect_opts.model, "Path of the .tflite model")->required();

  edgeml::cli::RunOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run a model once on given or random inputs");
  run->add_option("model", run_opts.model, "Path of the .tflite model")->required();
  run->add_option("-i,--input", run_opts.inputs,
                  "[NAME|INDEX=]FILE: an input from a .npy file (exact dtype and shape) or an "
                  "image (.png/.jpg/.jpeg, resized and normalized). Repeatable; without NAME or "
                  "INDEX, files fill the inputs not named, in order. Inputs not given get "
                  "seeded random values.")
      ->allow_extra_args(false);
  run->add_option("-o,--output-dir", run_opts.output_dir,
                  "Directory for output_<i>.npy (created if missing); omit to write nothing");
  run->add_option("-t,--threads", run_opts.threads, "Threads an op may use")
      ->check(CLI::Range(1, 1024));
  run->add_option("--mean", run_opts.mean,
                  "Image normalization mean, one value or one per channel (comma-separated)")
      ->capture_default_str();
  run->add_option("--std", run_opts.std,
                  "Image normalization std: float input = (pixel - mean) / std")
      ->capture_default_str();
  run->add_option("--seed", run_opts.seed, "Seed for random inputs")->capture_default_str();
  run->add_flag("--png", run_opts.png,
                "Also write each float output shaped [1,H,W,1] (a mask or heatmap) as an 8-bit "
                "grayscale output_<i>.png, values in [0,1] mapped to 0..255");

  CLI::App* ops = app.add_subcommand("ops", "List the ops this build runs (Markdown table)");

  edgeml::cli::BenchOptions bench_opts;
  CLI::App* bench =
      app.add_subcommand("bench", "Time Invoke() over repeated runs on seeded random inputs");
  bench->add_option("model", bench_opts.model, "Path of the .tflite model")->required();
  bench->add_option("-t,--threads", bench_opts.threads, "Threads an op may use")
      ->check(CLI::Range(1, 1024));
  bench->add_option("--warmup", bench_opts.warmup, "Untimed runs first")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  bench->add_option("--runs", bench_opts.runs, "Timed runs")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  bench->add_option("--seed", bench_opts.seed, "Seed for random inputs")->capture_default_str();
  bench->add_flag("--json", bench_opts.json, "One JSON line instead of text");

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

  if (inspect->parsed()) return edgeml::cli::Inspect(inspect_opts);
  if (run->parsed()) return edgeml::cli::Run(run_opts);
  if (ops->parsed()) return edgeml::cli::Ops();
  if (bench->parsed()) return edgeml::cli::Bench(bench_opts);
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
