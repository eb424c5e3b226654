#!/usr/bin/env bash
# Builds and installs the edgeml Python package into .venv-python and runs its
# pytest suite (tests/python), which compares edgeml with LiteRT
# (ai-edge-litert, a test-only dependency).
# The extension is built incrementally in build-python/ with -Werror on.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-python
if [[ ! -x $VENV/bin/python ]]; then
  python3 -m venv "$VENV"
fi
stamp=$VENV/.requirements.stamp
reqs="numpy==2.4.6 pytest ai-edge-litert==2.3.0 flatbuffers==25.12.19 scikit-build-core>=0.10 pybind11>=2.12"
if [[ ! -f $stamp ]] || [[ "$(cat "$stamp")" != "$reqs" ]]; then
  # shellcheck disable=SC2086
  $VENV/bin/pip install -q $reqs
  echo "$reqs" > "$stamp"
fi
# Build dependencies are in the venv already: no isolation, so build-python/
# can be reused across runs.
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
  $VENV/bin/pip install -q --no-build-isolation --no-deps \
  --config-settings=build-dir=build-python \
  --config-settings=cmake.define.EDGEML_WERROR=ON .
$VENV/bin/python -m pytest -q -p no:cacheprovider tests/python "$@"
