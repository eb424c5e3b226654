// The optimizer subcommands: quantize, compare, prune, optimize-report
// (library: src/optimize).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "command_table.h"
#include "commands.h"
#include "format/writer.h"
#include "optimize/calibrate.h"
#include "optimize/chart.h"
#include "optimize/compare.h"
#include "optimize/prune.h"
#include "optimize/quantize.h"
#include "optimize/runner.h"

namespace edgeml::cli {
namespace {

namespace opt = edgeml::optimize;
namespace fs = std::filesystem;

struct QuantizeArgs {
  std::string in, out, mode = "int8", io = "float";
  std::vector<std::string> calibration, skip;
  bool per_channel = false, per_tensor = false;
  double percentile = 100.0;
  size_t max_samples = 0;
  std::string mean = "127.5", std = "127.5";
  int threads = 1;
};

struct CompareArgs {
  std::string a, b;
  std::vector<std::string> data;
  std::string mean = "127.5", std = "127.5";
  int runs = 20;
  size_t random = 4;
};

struct PruneArgs {
  std::string in, out, block = "1x4";
  double sparsity = 0.5;
  int64_t min_elements = 1024;
};

struct ReportArgs {
  std::string model, out_dir = "optimize-report", report_dir;
  std::vector<std::string> data;
  std::string mean = "127.5", std = "127.5";
  int runs = 20;
};

Status ParseNorm(const std::string& mean, const std::string& std, io::Normalization* norm) {
  auto parse = [](const std::string& flag, const std::string& text, std::vector<float>* out) {
    out->clear();
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      char* end = nullptr;
      const float v = std::strtof(item.c_str(), &end);
      if (item.empty() || end != item.c_str() + item.size() || !std::isfinite(v)) {
        return Status(StatusCode::kInvalidArgument,
                      flag + ": '" + text + "' is not a list of numbers");
      }
      out->push_back(v);
    }
    if (out->empty()) return Status(StatusCode::kInvalidArgument, flag + " is empty");
    return Status::Ok();
  };
  EDGEML_RETURN_IF_ERROR(parse("--mean", mean, &norm->mean));
  EDGEML_RETURN_IF_ERROR(parse("--std", std, &norm->std));
  for (float v : norm->std) {
    if (v == 0) return Status(StatusCode::kInvalidArgument, "--std: values must be non-zero");
  }
  return Status::Ok();
}

void Progress(size_t done, size_t total) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\rcalibrating [%s%s] %zu/%zu", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), done, total);
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

std::string Kb(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f KB", static_cast<double>(bytes) / 1024.0);
  return buf;
}

int Quantize(const QuantizeArgs& a) {
  opt::QuantizeOptions o;
  Status s = opt::ParseQuantMode(a.mode, &o.mode);
  if (s.ok()) s = opt::ParseIoType(a.io, &o.io);
  if (!s.ok()) return Fail(s.message());
  if (a.per_channel && a.per_tensor)
    return Fail("--per-channel and --per-tensor exclude each other");
  o.per_channel_fc = a.per_channel;
  o.per_tensor = a.per_tensor;
  for (const std::string& list : a.skip) {
    std::stringstream ss(list);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) o.skip.push_back(item);
    }
  }
  io::Normalization norm;
  s = ParseNorm(a.mean, a.std, &norm);
  if (!s.ok()) return Fail(s.message());
  const bool integer = o.mode == opt::QuantMode::kInt8 || o.mode == opt::QuantMode::kInt16x8;
  if (integer && a.calibration.empty()) {
    return Fail("--mode " + a.mode + " needs representative data: --calibration DIR|FILE");
  }
  if (!integer && o.io != opt::IoType::kFloat)
    return Fail("--io applies to --mode int8/int16x8 only");

  std::unique_ptr<tfl::ModelT> model;
  s = format::ReadModelTFromFile(a.in, &model);
  if (!s.ok()) return Fail(s.message());
  const int folded = opt::PrepareFloatModel(model.get());
  opt::RangeMap ranges;
  size_t samples_used = 0;
  if (integer) {
    std::unique_ptr<opt::Runner> probe;
    std::vector<uint8_t> bytes;
    s = format::WriteModel(*model, &bytes);
    if (s.ok()) s = opt::Runner::FromBytes(bytes, a.threads, &probe);
    if (!s.ok()) return Fail("cannot run '" + a.in + "' for calibration: " + s.message());
    std::vector<opt::Sample> samples;
    s = opt::LoadSamples(a.calibration, probe->input_specs(), norm, a.max_samples, &samples);
    if (!s.ok()) return Fail("--calibration: " + s.message());
    if (samples.empty()) return Fail("--calibration: no samples found");
    opt::CalibrationOptions co;
    co.percentile = a.percentile;
    co.threads = a.threads;
    co.progress = Progress;
    s = opt::Calibrate(*model, samples, co, &ranges);
    if (!s.ok()) return Fail(s.message());
    samples_used = samples.size();
  }
  opt::QuantizeSummary summary;
  s = opt::QuantizeModel(model.get(), o, ranges, &summary);
  if (!s.ok()) return Fail(s.message());
  summary.dequantize_folded += folded;
  s = format::WriteModelToFile(*model, a.out);
  if (!s.ok()) return Fail(s.message());

  std::error_code ec;
  const uint64_t before = fs::file_size(a.in, ec), after = fs::file_size(a.out, ec);
  std::printf("quantized %s -> %s (%s)\n", a.in.c_str(), a.out.c_str(), opt::QuantModeName(o.mode));
  if (samples_used)
    std::printf("calibration: %zu sample(s), %zu tensor ranges\n", samples_used, ranges.size());
  std::printf("size: %s -> %s (%.1f%%)\n", Kb(before).c_str(), Kb(after).c_str(),
              before ? 100.0 * static_cast<double>(after) / static_cast<double>(before) : 0.0);
  std::printf("tensors quantized: %zu, ops quantized: %zu", summary.tensors_quantized,
              summary.ops_quantized);
  if (summary.dequantize_folded)
    std::printf(", constant DEQUANTIZE folded: %d", summary.dequantize_folded);
  std::printf("\nops added: %d QUANTIZE, %d DEQUANTIZE\n", summary.quantize_ops_added,
              summary.dequantize_ops_added);
  if (summary.ops_left_float.empty()) {
    std::printf("ops left in float: none\n");
  } else {
    std::printf("ops left in float:");
    for (const auto& [name, n] : summary.ops_left_float) std::printf(" %s x%d", name.c_str(), n);
    std::printf("\n");
  }
  return 0;
}

int Compare(const CompareArgs& a) {
  io::Normalization norm;
  Status s = ParseNorm(a.mean, a.std, &norm);
  if (!s.ok()) return Fail(s.message());
  std::unique_ptr<opt::Runner> ra, rb;
  s = opt::Runner::FromFile(a.a, 1, &ra);
  if (s.ok()) s = opt::Runner::FromFile(a.b, 1, &rb);
  if (!s.ok()) return Fail(s.message());
  std::vector<opt::Sample> samples;
  if (a.data.empty()) {
    samples = opt::RandomSamples(ra->input_specs(), a.random, 1);
  } else {
    s = opt::LoadSamples(a.data, ra->input_specs(), norm, 0, &samples);
    if (!s.ok()) return Fail("--data: " + s.message());
  }
  opt::Agreement ag;
  s = opt::CompareOutputs(*ra, *rb, samples, &ag);
  if (!s.ok()) return Fail(s.message());
  double ms_a = 0, ms_b = 0;
  s = ra->TimeInvoke(samples[0], 2, a.runs, &ms_a);
  if (s.ok()) s = rb->TimeInvoke(samples[0], 2, a.runs, &ms_b);
  if (!s.ok()) return Fail(s.message());
  std::error_code ec;
  std::printf("A: %s\nB: %s\n", a.a.c_str(), a.b.c_str());
  std::printf("samples: %zu (%s)\n", ag.samples, a.data.empty() ? "seeded random" : "from --data");
  std::printf("%-28s %-14s %12s %12s %10s %8s %8s\n", "output", "shape", "max|a-b|", "mean|a-b|",
              "cosine", "top-1", "maskIoU");
  for (const auto& o : ag.outputs) {
    std::string top1 =
        o.top1_agree < 0 ? "-" : std::to_string(o.top1_agree) + "/" + std::to_string(ag.samples);
    char iou[32] = "-";
    if (o.mask_iou >= 0) std::snprintf(iou, sizeof(iou), "%.4f", o.mask_iou);
    std::printf("%-28s %-14s %12.6g %12.6g %10.6f %8s %8s\n", o.name.substr(0, 28).c_str(),
                o.shape.c_str(), o.max_abs, o.mean_abs, o.cosine, top1.c_str(), iou);
  }
  std::printf("%-10s %14s %14s\n", "", "A", "B");
  std::printf("%-10s %14s %14s\n", "size", Kb(fs::file_size(a.a, ec)).c_str(),
              Kb(fs::file_size(a.b, ec)).c_str());
  std::printf("%-10s %11.3f ms %11.3f ms   (median of %d invokes, 1 thread)\n", "latency", ms_a,
              ms_b, a.runs);
  return 0;
}

int Prune(const PruneArgs& a) {
  opt::PruneOptions o;
  o.sparsity = a.sparsity;
  o.min_elements = a.min_elements;
  Status s = opt::ParseBlock(a.block, &o.block);
  if (!s.ok()) return Fail(s.message());
  std::unique_ptr<tfl::ModelT> model;
  s = format::ReadModelTFromFile(a.in, &model);
  if (!s.ok()) return Fail(s.message());
  opt::PruneSummary summary;
  s = opt::PruneModel(model.get(), o, &summary);
  if (!s.ok()) return Fail(s.message());
  s = format::WriteModelToFile(*model, a.out);
  if (!s.ok()) return Fail(s.message());
  std::error_code ec;
  const uint64_t before = fs::file_size(a.in, ec), after = fs::file_size(a.out, ec);
  std::printf("pruned %s -> %s (block %s)\n", a.in.c_str(), a.out.c_str(), a.block.c_str());
  std::printf(
      "weight tensors pruned: %d, weights zeroed: %lld of %lld (%.1f%%)\n", summary.tensors_pruned,
      static_cast<long long>(summary.zeros), static_cast<long long>(summary.weights),
      summary.weights
          ? 100.0 * static_cast<double>(summary.zeros) / static_cast<double>(summary.weights)
          : 0.0);
  std::printf("size: %s -> %s (%.1f%%)\n", Kb(before).c_str(), Kb(after).c_str(),
              before ? 100.0 * static_cast<double>(after) / static_cast<double>(before) : 0.0);
  return 0;
}

struct ReportRow {
  std::string technique, file;
  uint64_t bytes = 0;
  double ms = 0, cosine = 1;
  std::string top1 = "-";
};

// One technique: writes the model, measures it against the float runner.
Status MeasureRow(const tfl::ModelT& m, const std::string& path, opt::Runner& reference,
                  const std::vector<opt::Sample>& samples, int runs, ReportRow* row) {
  std::vector<uint8_t> bytes;
  EDGEML_RETURN_IF_ERROR(format::WriteModel(m, &bytes));
  EDGEML_RETURN_IF_ERROR(format::WriteModelToFile(m, path));
  row->file = path;
  row->bytes = bytes.size();
  std::unique_ptr<opt::Runner> r;
  EDGEML_RETURN_IF_ERROR(opt::Runner::FromBytes(bytes, 1, &r));
  opt::Agreement ag;
  EDGEML_RETURN_IF_ERROR(opt::CompareOutputs(reference, *r, samples, &ag));
  row->cosine = ag.min_cosine();
  for (const auto& o : ag.outputs) {
    if (o.top1_agree >= 0) {
      row->top1 = std::to_string(o.top1_agree) + "/" + std::to_string(ag.samples);
      break;
    }
  }
  return r->TimeInvoke(samples[0], 3, runs, &row->ms);
}

int OptimizeReport(const ReportArgs& a) {
  io::Normalization norm;
  Status s = ParseNorm(a.mean, a.std, &norm);
  if (!s.ok()) return Fail(s.message());
  std::unique_ptr<tfl::ModelT> base;
  s = format::ReadModelTFromFile(a.model, &base);
  if (!s.ok()) return Fail(s.message());
  std::unique_ptr<opt::Runner> reference;
  s = opt::Runner::FromFile(a.model, 1, &reference);
  if (!s.ok()) return Fail(s.message());
  std::vector<opt::Sample> samples;
  s = opt::LoadSamples(a.data, reference->input_specs(), norm, 0, &samples);
  if (!s.ok()) return Fail("--data: " + s.message());
  if (samples.empty()) return Fail("--data: no samples");
  std::error_code ec;
  fs::create_directories(a.out_dir, ec);
  if (ec) return Fail("cannot create '" + a.out_dir + "': " + ec.message());
  const std::string stem = fs::path(a.model).stem().string();
  auto out_path = [&](const std::string& tech) {
    return (fs::path(a.out_dir) / (stem + "_" + tech + ".tflite")).string();
  };

  std::vector<ReportRow> rows;
  ReportRow f;
  f.technique = "float";
  s = MeasureRow(*base, out_path("float"), *reference, samples, a.runs, &f);
  if (!s.ok()) return Fail("float: " + s.message());
  rows.push_back(f);
  opt::RangeMap ranges;
  {
    tfl::ModelT prepared(*base);
    opt::PrepareFloatModel(&prepared);
    opt::CalibrationOptions co;
    co.progress = Progress;
    s = opt::Calibrate(prepared, samples, co, &ranges);
    if (!s.ok()) return Fail("calibration: " + s.message());
  }
  for (const char* mode : {"dynamic", "float16", "int8", "int16x8"}) {
    tfl::ModelT m(*base);
    opt::QuantizeOptions o;
    opt::QuantizeSummary summary;
    ReportRow row;
    row.technique = mode;
    s = opt::ParseQuantMode(mode, &o.mode);
    if (s.ok()) s = opt::QuantizeModel(&m, o, ranges, &summary);
    if (s.ok()) s = MeasureRow(m, out_path(mode), *reference, samples, a.runs, &row);
    if (!s.ok()) return Fail(std::string(mode) + ": " + s.message());
    rows.push_back(row);
  }
  {
    tfl::ModelT m(*base);
    opt::PruneOptions o;
    o.block = 4;
    opt::PruneSummary summary;
    ReportRow row;
    row.technique = "pruned 50% 1x4";
    s = opt::PruneModel(&m, o, &summary);
    if (s.ok()) s = MeasureRow(m, out_path("pruned50"), *reference, samples, a.runs, &row);
    if (!s.ok()) return Fail("prune: " + s.message());
    rows.push_back(row);
  }

  std::ostringstream md;
  md << "| technique | size | size vs float | latency, 1 thread (median of " << a.runs
     << ") | min output cosine vs float | top-1 agreement |\n";
  md << "|---|---:|---:|---:|---:|---:|\n";
  char line[512];
  for (const ReportRow& r : rows) {
    std::snprintf(line, sizeof(line), "| %s | %s | %.1f%% | %.2f ms | %.4f | %s |\n",
                  r.technique.c_str(), Kb(r.bytes).c_str(),
                  100.0 * static_cast<double>(r.bytes) / static_cast<double>(rows[0].bytes), r.ms,
                  r.cosine, r.top1.c_str());
    md << line;
  }
  md << "\nModel: `" << a.model << "`; " << samples.size() << " sample(s) from";
  for (const std::string& d : a.data) md << " `" << d << "`";
  md << " (calibration and agreement). Files: `" << a.out_dir << "/" << stem << "_*.tflite`. "
     << "LiteRT is not run by this tool; check the files with "
     << "`scripts/optimize_litert_check.py build/tools/edgeml " << a.out_dir << "/" << stem
     << "_*.tflite`.\n";
  const fs::path report_dir = a.report_dir.empty() ? fs::path(a.out_dir) : fs::path(a.report_dir);
  fs::create_directories(report_dir, ec);
  const std::string md_path = (report_dir / (stem + "_report.md")).string();
  const std::string png_path = (report_dir / (stem + "_report.png")).string();
  std::FILE* out = std::fopen(md_path.c_str(), "w");
  if (out == nullptr) return Fail("cannot write '" + md_path + "'");
  std::fputs(md.str().c_str(), out);
  std::fclose(out);
  std::vector<std::string> labels;
  opt::BarPanel size{"SIZE % OF FLOAT", {}}, latency{"LATENCY MS (1 THREAD)", {}},
      cosine{"COSINE X 100", {}};
  for (const ReportRow& r : rows) {
    std::string label = r.technique.substr(0, r.technique.find(' '));
    labels.push_back(label == "pruned" ? "PRUNE" : label);
    size.values.push_back(100.0 * static_cast<double>(r.bytes) /
                          static_cast<double>(rows[0].bytes));
    latency.values.push_back(r.ms);
    cosine.values.push_back(100.0 * r.cosine);
  }
  s = opt::WriteBarChartPng(png_path, labels, {size, latency, cosine});
  if (!s.ok()) return Fail(s.message());
  std::printf("%s\nwrote %s and %s\n", md.str().c_str(), md_path.c_str(), png_path.c_str());
  return 0;
}

}  // namespace

void AddOptimizeCommands(CLI::App& app, CommandTable& table) {
  auto q = std::make_shared<QuantizeArgs>();
  CLI::App* quant =
      app.add_subcommand("quantize", "Quantize a float model (dynamic, int8, float16, int16x8)");
  quant->add_option("input", q->in, "Float .tflite model")->required();
  quant->add_option("output", q->out, "Where to write the quantized model")->required();
  quant->add_option("--mode", q->mode, "dynamic | int8 | float16 | int16x8")->capture_default_str();
  quant
      ->add_option("--calibration", q->calibration,
                   "Representative data: a folder of images/.npy, an image or a .npy (batch) file; "
                   "repeatable")
      ->allow_extra_args(false);
  quant->add_flag("--per-channel", q->per_channel, "Per-channel weights for FULLY_CONNECTED too");
  quant->add_flag("--per-tensor", q->per_tensor, "One scale per weight tensor (conv included)");
  quant->add_option("--io", q->io, "Model input/output type for int8: float | int8 | uint8")
      ->capture_default_str();
  quant->add_option("--skip", q->skip, "Op names to keep in float, comma-separated (CONV_2D,ADD)")
      ->allow_extra_args(false);
  quant
      ->add_option("--percentile", q->percentile,
                   "Calibration range: 100 = min/max, e.g. 99.99 clips outliers")
      ->check(CLI::Range(50.0, 100.0))
      ->capture_default_str();
  quant->add_option("--max-samples", q->max_samples,
                    "Use at most this many calibration samples (0: all)");
  quant->add_option("--mean", q->mean, "Image normalization mean (as edgeml run)")
      ->capture_default_str();
  quant->add_option("--std", q->std, "Image normalization std (as edgeml run)")
      ->capture_default_str();
  quant->add_option("-t,--threads", q->threads, "Threads for calibration")
      ->check(CLI::Range(1, 64));
  table.push_back({quant, [q] { return Quantize(*q); }});

  auto c = std::make_shared<CompareArgs>();
  CLI::App* cmp =
      app.add_subcommand("compare", "Run two models on the same inputs: agreement, size, latency");
  cmp->add_option("a", c->a, "Reference model (usually float)")->required();
  cmp->add_option("b", c->b, "Model to compare (e.g. quantized)")->required();
  cmp->add_option("--data", c->data,
                  "Inputs: folder of images/.npy, or files; default seeded random")
      ->allow_extra_args(false);
  cmp->add_option("--mean", c->mean, "Image normalization mean")->capture_default_str();
  cmp->add_option("--std", c->std, "Image normalization std")->capture_default_str();
  cmp->add_option("--runs", c->runs, "Timed invokes per model")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  table.push_back({cmp, [c] { return Compare(*c); }});

  auto p = std::make_shared<PruneArgs>();
  CLI::App* prune = app.add_subcommand(
      "prune", "Magnitude-prune FULLY_CONNECTED/CONV_2D weights, written sparse (DENSIFY)");
  prune->add_option("input", p->in, "Float .tflite model")->required();
  prune->add_option("output", p->out, "Where to write the pruned model")->required();
  prune->add_option("--sparsity", p->sparsity, "Fraction of weight blocks set to zero")
      ->check(CLI::Range(0.0, 0.99))
      ->capture_default_str();
  prune->add_option("--block", p->block, "1x1 | 1x4 | 1x16 (weights along the input dimension)")
      ->capture_default_str();
  prune->add_option("--min-elements", p->min_elements, "Smaller weight tensors stay dense")
      ->capture_default_str();
  table.push_back({prune, [p] { return Prune(*p); }});

  auto r = std::make_shared<ReportArgs>();
  CLI::App* rep = app.add_subcommand(
      "optimize-report",
      "Run every quantization mode and pruning on a model: size, latency, agreement");
  rep->add_option("model", r->model, "Float .tflite model")->required();
  rep->add_option("--data", r->data, "Representative data (calibration and agreement)")
      ->required()
      ->allow_extra_args(false);
  rep->add_option("-o,--out-dir", r->out_dir, "Where the models (and by default the report) go")
      ->capture_default_str();
  rep->add_option("--report-dir", r->report_dir,
                  "Where <model>_report.md and .png go (default: --out-dir)");
  rep->add_option("--mean", r->mean, "Image normalization mean")->capture_default_str();
  rep->add_option("--std", r->std, "Image normalization std")->capture_default_str();
  rep->add_option("--runs", r->runs, "Timed invokes per model")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  table.push_back({rep, [r] { return OptimizeReport(*r); }});
}

}  // namespace edgeml::cli
