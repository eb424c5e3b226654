// The core subcommands: inspect, run, ops, bench.
#include <memory>
#include <string>

#include "command_table.h"
#include "commands.h"

namespace edgeml::cli {

void AddCoreCommands(CLI::App& app, CommandTable& table) {
  auto inspect_opts_ptr = std::make_shared<InspectOptions>();
  auto run_opts_ptr = std::make_shared<RunOptions>();
  auto bench_opts_ptr = std::make_shared<BenchOptions>();
  InspectOptions& inspect_opts = *inspect_opts_ptr;
  RunOptions& run_opts = *run_opts_ptr;
  BenchOptions& bench_opts = *bench_opts_ptr;

  CLI::App* inspect =
      app.add_subcommand("inspect", "Print a model's inputs, outputs, op histogram and memory use");
  inspect->add_option("model", inspect_opts.model, "Path of the .tflite model")->required();
  AddDelegateFlags(inspect, &inspect_opts.delegates);

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
  AddDelegateFlags(run, &run_opts.delegates);

  CLI::App* ops = app.add_subcommand("ops", "List the ops this build runs (Markdown table)");

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
  AddDelegateFlags(bench, &bench_opts.delegates);

  table.push_back({inspect, [inspect_opts_ptr] { return Inspect(*inspect_opts_ptr); }});
  table.push_back({run, [run_opts_ptr] { return Run(*run_opts_ptr); }});
  table.push_back({ops, [] { return Ops(); }});
  table.push_back({bench, [bench_opts_ptr] { return Bench(*bench_opts_ptr); }});
}

}  // namespace edgeml::cli
