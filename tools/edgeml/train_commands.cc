// `edgeml train`: trains a Sequential model described by a JSON spec on IDX,
// image-folder or .npy data and writes it as .tflite (float32, and int8 by
// post-training or quantization-aware training), with class labels in its
// metadata. See docs/training.md.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "command_table.h"
#include "commands.h"
#include "edgeml/interpreter.h"
#include "edgeml/model.h"
#include "edgeml/op_resolver.h"
#include "train/data.h"
#include "train/export.h"
#include "train/sequential.h"
#include "train/spec.h"

namespace edgeml::cli {
namespace {

struct TrainOptions {
  std::string spec;
  std::string data;
  std::string test_data;
  std::string out;
  std::string int8_out;
  std::string labels_file;
  int epochs = 5;
  int batch = 32;
  uint64_t seed = 1;
  float validation_split = 0.f;
  float learning_rate = 0.f;
  int early_stopping = 0;
  std::string monitor = "val_loss";
  int64_t limit = 0;
  int qat_epochs = 0;
  int64_t calibration = 1000;
  float prune_final = 0.f;
  float prune_initial = 0.f;
  int64_t prune_begin = 0;
  int64_t prune_end = -1;
  int64_t prune_frequency = 100;
  bool quiet = false;
};

std::string FormatSeconds(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof(buf), "%.0fs", s);
  } else {
    std::snprintf(buf, sizeof(buf), "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  }
  return buf;
}

void PrintBar(const train::BatchProgress& p) {
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(kWidth * p.batch / p.batches);
  std::string bar(filled, '=');
  if (filled < kWidth) bar += '>' + std::string(kWidth - filled - 1, '.');
  const double rate = p.seconds > 0 ? p.examples / p.seconds : 0;
  const double eta = p.batch > 0 ? p.seconds * (p.batches - p.batch) / p.batch : 0;
  std::fprintf(stderr, "\rEpoch %d/%d [%s] %lld/%lld - loss %.4f", p.epoch, p.epochs, bar.c_str(),
               static_cast<long long>(p.batch), static_cast<long long>(p.batches), p.loss);
  if (p.accuracy >= 0) std::fprintf(stderr, " - acc %.4f", p.accuracy);
  std::fprintf(stderr, " - %.0f ex/s - ETA %s   ", rate, FormatSeconds(eta).c_str());
  std::fflush(stderr);
}

void PrintEpoch(const train::EpochLog& e, int epochs, bool tty) {
  if (tty) std::fprintf(stderr, "\n");
  std::fprintf(stderr, "Epoch %d/%d: loss %.4f", e.epoch, epochs, e.loss);
  if (e.accuracy >= 0) std::fprintf(stderr, " - acc %.4f", e.accuracy);
  if (e.val_loss >= 0) std::fprintf(stderr, " - val_loss %.4f", e.val_loss);
  if (e.val_accuracy >= 0) std::fprintf(stderr, " - val_acc %.4f", e.val_accuracy);
  if (e.sparsity > 0.001) std::fprintf(stderr, " - sparsity %.3f", e.sparsity);
  std::fprintf(stderr, " - %s\n", FormatSeconds(e.seconds).c_str());
}

Status ReadLabelsFile(const std::string& path, std::vector<std::string>* labels) {
  std::ifstream in(path);
  if (!in) return Errorf(StatusCode::kIoError, "cannot read labels '%s'", path.c_str());
  std::string line;
  labels->clear();
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels->push_back(line);
  }
  return Status::Ok();
}

// Accuracy of an exported .tflite on `data`, run by the edgeml interpreter.
Status EvaluateTflite(const std::string& path, const train::Dataset& data, double* accuracy) {
  std::unique_ptr<Model> model;
  EDGEML_RETURN_IF_ERROR(Model::FromFile(path, &model));
  BuiltinOpResolver resolver;  // must outlive the interpreter
  std::unique_ptr<Interpreter> interp;
  EDGEML_RETURN_IF_ERROR(Interpreter::Create(*model, resolver, InterpreterOptions(), &interp));
  EDGEML_RETURN_IF_ERROR(interp->AllocateTensors());
  Tensor* in = interp->input(0);
  const Tensor* out = interp->output(0);
  const int64_t n = data.size();
  const int64_t row = n ? data.x.size() / n : 0;
  const int64_t classes = out->bytes / (out->type == DataType::kInt8 ? 1 : sizeof(float));
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float* x = data.x.data.data() + i * row;
    if (in->type == DataType::kInt8) {
      const float s = in->quant.scale.empty() ? 1.f : in->quant.scale[0];
      const int zp = in->quant.zero_point.empty() ? 0 : in->quant.zero_point[0];
      auto* q = static_cast<int8_t*>(in->data);
      for (int64_t k = 0; k < row; ++k) {
        q[k] = static_cast<int8_t>(
            std::min(127.f, std::max(-128.f, std::round(x[k] / s) + static_cast<float>(zp))));
      }
    } else {
      std::memcpy(in->data, x, sizeof(float) * row);
    }
    EDGEML_RETURN_IF_ERROR(interp->Invoke());
    int best = 0;
    for (int c = 1; c < classes; ++c) {
      const float a = out->type == DataType::kInt8 ? static_cast<const int8_t*>(out->data)[c]
                                                   : static_cast<const float*>(out->data)[c];
      const float b = out->type == DataType::kInt8 ? static_cast<const int8_t*>(out->data)[best]
                                                   : static_cast<const float*>(out->data)[best];
      if (a > b) best = c;
    }
    correct += best == static_cast<int>(data.y.data[i]);
  }
  *accuracy = n ? static_cast<double>(correct) / n : 0;
  return Status::Ok();
}

int TrainMain(const TrainOptions& o) {
  using namespace edgeml::train;
  ModelSpec spec;
  Status s = LoadModelSpec(o.spec, &spec);
  if (!s.ok()) return Fail(s.message());
  DataOptions dopt;
  dopt.test_path = o.test_data;
  if (spec.input_shape.size() == 3) {
    dopt.image_height = spec.input_shape[0];
    dopt.image_width = spec.input_shape[1];
    dopt.image_channels = spec.input_shape[2];
  }
  Dataset train, test, val;
  s = LoadData(o.data, dopt, &train, &test);
  if (!s.ok()) return Fail(s.message());
  if (o.limit > 0 && o.limit < train.size()) {
    std::vector<int64_t> idx(o.limit);
    for (int64_t i = 0; i < o.limit; ++i) idx[i] = i;
    Dataset sub;
    Gather(train, idx, &sub);
    sub.class_names = train.class_names;
    train = std::move(sub);
  }
  if (o.validation_split > 0.f) {
    SplitValidation(o.validation_split, &train, &val);
  } else {
    val = test;
  }
  Dims input_shape(train.x.shape.begin() + 1, train.x.shape.end());
  if (!spec.input_shape.empty() && spec.input_shape != input_shape) {
    // Keras-style [28, 28] specs for [28, 28, 1] data: same element count.
    if (NumElements(spec.input_shape) != NumElements(input_shape)) {
      return Fail("the spec's input_shape " + DimsToString(spec.input_shape) +
                  " does not match the data's " + DimsToString(input_shape));
    }
    input_shape = spec.input_shape;
    for (Dataset* d : {&train, &val, &test}) {
      if (d->size() == 0) continue;
      Dims shape = input_shape;
      shape.insert(shape.begin(), static_cast<int>(d->size()));
      d->x.shape = shape;
    }
  }
  Sequential model;
  s = AddLayers(spec, &model);
  if (s.ok()) s = model.Build(input_shape, o.seed);
  if (!s.ok()) return Fail(s.message());
  OptimizerConfig opt = spec.optimizer;
  if (o.learning_rate > 0.f) opt.learning_rate = o.learning_rate;
  model.Compile(spec.loss, opt);
  const int classes = NumClasses(train);
  if (spec.loss != LossKind::kMeanSquaredError) {
    const Dims out_shape = model.output_shape();
    if (out_shape.size() != 1 || out_shape[0] < classes) {
      return Fail("the model's output " + DimsToString(out_shape) + " cannot score the data's " +
                  std::to_string(classes) + " classes");
    }
  }
  std::vector<std::string> labels = spec.labels;
  if (!train.class_names.empty()) labels = train.class_names;
  if (!o.labels_file.empty()) {
    s = ReadLabelsFile(o.labels_file, &labels);
    if (!s.ok()) return Fail(s.message());
  }
  if (labels.empty() && classes > 0) {
    for (int c = 0; c < model.output_shape()[0]; ++c) labels.push_back(std::to_string(c));
  }
  const bool tty = !o.quiet && isatty(fileno(stderr));
  std::printf("%s", model.Summary().c_str());
  std::printf("Training on %lld examples, validating on %lld\n",
              static_cast<long long>(train.size()), static_cast<long long>(val.size()));
  std::fflush(stdout);

  FitOptions fit;
  fit.epochs = o.epochs;
  fit.batch_size = o.batch;
  fit.seed = o.seed;
  fit.early_stopping.enabled = o.early_stopping > 0;
  fit.early_stopping.patience = o.early_stopping;
  fit.early_stopping.monitor = o.monitor;
  if (o.prune_final > 0.f) {
    fit.pruning.enabled = true;
    fit.pruning.initial_sparsity = o.prune_initial;
    fit.pruning.final_sparsity = o.prune_final;
    fit.pruning.begin_step = o.prune_begin;
    fit.pruning.end_step = o.prune_end;
    fit.pruning.frequency = o.prune_frequency;
  }
  std::vector<EpochLog> history;
  auto on_batch = [&](const BatchProgress& p) {
    if (tty) PrintBar(p);
  };
  auto on_epoch = [&](const EpochLog& e) {
    if (!o.quiet) PrintEpoch(e, o.epochs, tty);
  };
  const auto t0 = std::chrono::steady_clock::now();
  s = model.Fit(train, val.size() ? &val : nullptr, fit, &history, on_batch, on_epoch);
  if (!s.ok()) return Fail(s.message());
  if (o.qat_epochs > 0) {
    if (!o.quiet) std::fprintf(stderr, "Quantization-aware training:\n");
    model.EnableQat(true);
    FitOptions qfit = fit;
    qfit.epochs = o.qat_epochs;
    qfit.pruning.enabled = false;  // masks stay applied
    qfit.seed = o.seed + 1;
    s = model.Fit(train, val.size() ? &val : nullptr, qfit, &history, on_batch, on_epoch);
    if (!s.ok()) return Fail(s.message());
  }
  const double train_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  ExportOptions eo;
  eo.model_name = spec.name;
  eo.labels = labels;
  eo.sparse = fit.pruning.enabled;
  eo.description = "Trained by edgeml train from " + o.spec;
  std::printf("\nSummary\n");
  std::printf("  epochs run       %zu\n", history.size());
  std::printf("  training time    %.1f s\n", train_seconds);
  if (!history.empty()) {
    const EpochLog& last = history.back();
    std::printf("  final loss       %.4f\n", last.loss);
    if (last.accuracy >= 0) std::printf("  final accuracy   %.4f\n", last.accuracy);
    if (last.val_accuracy >= 0) std::printf("  val accuracy     %.4f\n", last.val_accuracy);
    if (last.sparsity > 0.001) std::printf("  kernel sparsity  %.3f\n", last.sparsity);
  }
  const Dataset& eval = test.size() ? test : val;
  if (eval.size() && classes > 0) {
    double loss = 0, acc = 0;
    s = model.Evaluate(eval, 256, &loss, &acc);
    if (!s.ok()) return Fail(s.message());
    std::printf("  %s accuracy    %.4f (%s, in training)\n", test.size() ? "test" : "val ", acc,
                model.qat() ? "QAT simulation" : "float");
  }
  if (!o.out.empty()) {
    const bool qat = model.qat();
    model.EnableQat(false);
    size_t bytes = 0;
    s = ExportTfliteToFile(model, eo, o.out, &bytes);
    if (!s.ok()) return Fail(s.message());
    std::printf("  wrote            %s (%zu bytes, float32%s)\n", o.out.c_str(), bytes,
                eo.sparse ? ", sparse kernels" : "");
    if (eval.size() && classes > 0) {
      double acc = 0;
      s = EvaluateTflite(o.out, eval, &acc);
      if (!s.ok()) return Fail(s.ToString());
      std::printf("  edgeml accuracy  %.4f (the .tflite file)\n", acc);
    }
    model.EnableQat(qat);
  }
  if (!o.int8_out.empty()) {
    if (!model.qat()) {
      s = model.Calibrate(train, 256, o.calibration);
      if (!s.ok()) return Fail(s.message());
    }
    ExportOptions q = eo;
    q.int8 = true;
    size_t bytes = 0;
    s = ExportTfliteToFile(model, q, o.int8_out, &bytes);
    if (!s.ok()) return Fail(s.message());
    std::printf("  wrote            %s (%zu bytes, int8 %s)\n", o.int8_out.c_str(), bytes,
                model.qat() ? "quantization-aware" : "post-training");
    if (eval.size() && classes > 0) {
      double acc = 0;
      s = EvaluateTflite(o.int8_out, eval, &acc);
      if (!s.ok()) return Fail(s.ToString());
      std::printf("  edgeml accuracy  %.4f (the int8 .tflite file)\n", acc);
    }
  }
  return 0;
}

}  // namespace

void AddTrainCommands(CLI::App& app, CommandTable& table) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App* train = app.add_subcommand(
      "train", "Train a Sequential model from a JSON spec and write it as .tflite");
  train->add_option("spec", opts->spec, "Model spec (JSON; see docs/training.md)")->required();
  train
      ->add_option("--data", opts->data,
                   "Training data: a folder of IDX files (MNIST layout, .gz or not), of "
                   "x_train.npy/y_train.npy, or of one subfolder of images per class")
      ->required();
  train->add_option("--test-data", opts->test_data,
                    "Image folders only: a second folder with the test split");
  train->add_option("--epochs", opts->epochs, "Epochs")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  train->add_option("--batch", opts->batch, "Batch size")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  train->add_option("--out", opts->out, "Write the float32 .tflite here");
  train->add_option("--int8-out", opts->int8_out,
                    "Also write a full-integer int8 .tflite (post-training quantization, or the "
                    "QAT model with --qat-epochs)");
  train->add_option("--seed", opts->seed, "Seed for weights, shuffling and dropout")
      ->capture_default_str();
  train
      ->add_option("--validation-split", opts->validation_split,
                   "Validate on this last fraction of the training data instead of the test "
                   "split")
      ->check(CLI::Range(0.0, 0.9));
  train->add_option("--learning-rate", opts->learning_rate, "Override the spec's learning rate")
      ->check(CLI::PositiveNumber);
  train
      ->add_option("--early-stopping", opts->early_stopping,
                   "Stop after this many epochs without improvement (0: off); restores the "
                   "best weights")
      ->check(CLI::Range(0, 100000));
  train->add_option("--monitor", opts->monitor, "Early stopping metric")
      ->check(CLI::IsMember({"val_loss", "val_accuracy", "loss", "accuracy"}))
      ->capture_default_str();
  train->add_option("--limit", opts->limit, "Use only the first N training examples")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  train->add_option("--labels", opts->labels_file,
                    "Class names, one per line (default: class folders, the spec's labels, or "
                    "0..N-1)");
  train
      ->add_option("--qat-epochs", opts->qat_epochs,
                   "After float training, this many epochs of quantization-aware training")
      ->check(CLI::Range(0, 100000));
  train
      ->add_option("--calibration", opts->calibration,
                   "Post-training quantization: calibrate on this many training examples")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  train
      ->add_option("--prune", opts->prune_final,
                   "Magnitude pruning to this final kernel sparsity (polynomial decay); the "
                   "kernels are written as sparse tensors")
      ->check(CLI::Range(0.0, 0.99));
  train->add_option("--prune-initial", opts->prune_initial, "Initial sparsity")
      ->check(CLI::Range(0.0, 0.99));
  train->add_option("--prune-begin", opts->prune_begin, "First pruning step")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  train->add_option("--prune-end", opts->prune_end,
                    "Step at which the final sparsity is reached (default: the last step)");
  train->add_option("--prune-frequency", opts->prune_frequency, "Steps between mask updates")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->capture_default_str();
  train->add_flag("-q,--quiet", opts->quiet, "No progress output");
  table.push_back({train, [opts]() { return TrainMain(*opts); }});
}

}  // namespace edgeml::cli
