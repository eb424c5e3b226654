#!/usr/bin/env bash
# Cross-builds edgeml and its test suite for ARM64 (Debian's
# g++-aarch64-linux-gnu, cmake/toolchains/aarch64-linux-gnu.cmake) and runs
# the ctest suite under qemu-aarch64 (qemu-user), so the ARM code paths are
# checked against the same expectations as x86-64 on every change.
#
# Usage: scripts/test_arm64.sh [ctest args...]   e.g. -R conv
# Environment: BUILD_DIR (default build-arm64), JOBS (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD_DIR:-build-arm64}"
JOBS="${JOBS:-$(nproc)}"

scripts/install_deps.sh --arm64

start=$SECONDS
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake >/dev/null
# Test discovery (gtest_discover_tests) already runs every test binary under
# qemu at build time.
cmake --build "$BUILD" -j"$JOBS"
echo "arm64: cross build $((SECONDS - start)) s"

start=$SECONDS
aarch64-linux-gnu-readelf -h "$BUILD/tests/core_test" | grep -q AArch64 ||
  { echo "test_arm64.sh: $BUILD/tests/core_test is not an aarch64 binary" >&2; exit 1; }
# qemu runs a few times slower than native: a generous per-test timeout.
ctest --test-dir "$BUILD" --output-on-failure -j"$JOBS" --timeout 1800 "$@"
echo "arm64: ctest under qemu-aarch64 $((SECONDS - start)) s"
