// Model specs: a small JSON description of a Keras Sequential model, its
// loss and optimizer (documented in docs/training.md, examples in
// examples/train/).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "edgeml/status.h"
#include "train/json.h"
#include "train/sequential.h"

namespace edgeml::train {

struct ModelSpec {
  std::string name = "model";
  Dims input_shape;  // may be empty: taken from the data
  LossKind loss = LossKind::kSparseCategoricalCrossentropy;
  OptimizerConfig optimizer;
  std::vector<std::string> labels;  // class names for the metadata (optional)
  JsonValue layers;                 // the "layers" array, validated
};

// Parses and validates the spec text (every key is checked: an unknown key
// or a wrong type is an error naming the layer).
Status ParseModelSpec(const std::string& json, ModelSpec* spec);
Status LoadModelSpec(const std::string& path, ModelSpec* spec);

// Adds the layers of `spec` to `model` (a layer with an `activation`
// becomes the layer followed by an Activation layer).
Status AddLayers(const ModelSpec& spec, Sequential* model);

}  // namespace edgeml::train
