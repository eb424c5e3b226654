#!/usr/bin/env bash
# The default job: builds the edgeml CLI and runs the bundled selfie
# segmentation model on the bundled astronaut photo, writing the mask.
# Usage: scripts/demo.sh [OUT_DIR]   (default: out/demo)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/demo}
scripts/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DEDGEML_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target edgeml_cli
build/tools/edgeml run testdata/models/selfie_segmentation.tflite \
  --input testdata/images/astronaut.png --output-dir "$OUT" --png
echo "mask written to $OUT/output_0.npy and $OUT/output_0.png"
