#!/usr/bin/env bash
# The default demo: builds the edgeml CLI, then on the bundled astronaut photo
#   1. detects the face (MediaPipe face_detection_short_range: box + 6 keypoints),
#   2. replaces the background (MediaPipe selfie_segmentation: blurred and green),
#   3. finds the pose landmarks (MediaPipe pose_landmark_lite: skeleton),
# writing PNGs (and JSON) to OUT_DIR and printing each model's latency.
# Usage: scripts/demo.sh [OUT_DIR]   (default: out/demo; build dir: $BUILD_DIR or build)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-out/demo}
scripts/install_deps.sh
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DEDGEML_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target edgeml_cli
EDGEML=$BUILD/tools/edgeml
IMG=testdata/images/astronaut.png
M=testdata/models
mkdir -p "$OUT"

echo "== face detection"
$EDGEML detect $M/face_detection_short_range.tflite $IMG --out "$OUT"
echo "== virtual background (blur)"
$EDGEML segment $M/selfie_segmentation.tflite $IMG --out "$OUT" --background blur
echo "== virtual background (green screen)"
mkdir -p "$OUT/green"
$EDGEML segment $M/selfie_segmentation.tflite $IMG --out "$OUT/green" --background green
echo "== pose landmarks"
$EDGEML landmarks $M/pose_landmark_lite.tflite $IMG --out "$OUT"
echo
echo "pictures in $OUT:"
ls -1 "$OUT"/*.png "$OUT"/green/*.png
