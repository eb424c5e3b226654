#!/usr/bin/env bash
# The test suite under the sanitizers, built with clang:
#   1. ASan+UBSan (EDGEML_SANITIZE=ON): every ctest test;
#   2. ThreadSanitizer: tests/unit/concurrency_test.cc (several interpreters
#      on several threads, shared model, thread pools on) and the thread pool's
#      own test.
#
# Usage: scripts/test_sanitizers.sh [asan|tsan|all]   (default all)
# Environment: JOBS (default nproc), BUILD_PREFIX (default build-san).
# Warnings are errors in the gcc build (scripts/test.sh); these clang builds
# only look for run-time errors, so clang-only warnings do not stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="${1:-all}"
JOBS="${JOBS:-$(nproc)}"
PREFIX="${BUILD_PREFIX:-build-san}"

scripts/install_deps.sh --fuzz  # clang and its sanitizer runtimes

if [[ "$WHAT" == all || "$WHAT" == asan ]]; then
  echo "=== ASan+UBSan: build ($PREFIX-asan) ==="
  start=$SECONDS
  CC=clang CXX=clang++ cmake -S . -B "$PREFIX-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGEML_SANITIZE=ON -DEDGEML_WERROR=OFF >/dev/null
  cmake --build "$PREFIX-asan" -j"$JOBS"
  echo "=== ASan+UBSan: ctest ==="
  # halt_on_error: a report fails the test that produced it. Leak checking
  # stays on (ASan's default on Linux).
  ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:strict_string_checks=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    ctest --test-dir "$PREFIX-asan" --output-on-failure -j"$JOBS" --timeout 1500
  echo "ASan+UBSan: $((SECONDS - start)) s"
fi

if [[ "$WHAT" == all || "$WHAT" == tsan ]]; then
  echo "=== ThreadSanitizer: build ($PREFIX-tsan) ==="
  start=$SECONDS
  CC=clang CXX=clang++ cmake -S . -B "$PREFIX-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGEML_BUILD_TOOLS=OFF -DEDGEML_WERROR=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build "$PREFIX-tsan" -j"$JOBS" --target concurrency_test thread_pool_test
  echo "=== ThreadSanitizer: concurrency_test, thread_pool_test ==="
  # A data race is a failure (exit code 66), not just a report.
  export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
  "$PREFIX-tsan/tests/concurrency_test"
  "$PREFIX-tsan/tests/thread_pool_test"
  echo "ThreadSanitizer: $((SECONDS - start)) s"
fi
