#!/usr/bin/env bash
# Builds edgeml and runs every test: the ctest suite (unit, op, model,
# malformed-model and C API tests), the coverage-table check, the live
# conformance check against LiteRT, the Python package's pytest suite, and a
# short libFuzzer run under ASan+UBSan.
# Usage: scripts/test.sh            (FUZZ_SECONDS=60 by default; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
JOBS=$(nproc)

scripts/install_deps.sh --fuzz

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$JOBS"
ctest --test-dir build --output-on-failure -j"$JOBS"

# The published coverage table must match the suites' expectation files.
python3 scripts/coverage_table.py --check

# Live conformance: same seeded inputs to edgeml and to LiteRT's reference
# kernels. LiteRT lives in a dev venv (never a runtime dependency).
if scripts/dev_venv.sh; then
  .venv/bin/python scripts/conformance.py testdata/models/*.tflite --edgeml build/tools/edgeml
else
  echo "conformance: NOT RUN (could not install ai-edge-litert into .venv)" >&2
  exit 1
fi

# The Python package: pip install into .venv-python, then pytest against LiteRT.
scripts/test_python.sh

if [[ "$FUZZ_SECONDS" != 0 ]]; then
  scripts/fuzz.sh "$FUZZ_SECONDS"
fi
