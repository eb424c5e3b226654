#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) and fuzzes each one.
#
#   scripts/fuzz.sh [SECONDS] [TARGET]
#
# SECONDS per target (default 60); TARGET one of the fuzz targets
# (model_fuzzer, npy_fuzzer, image_fuzzer) or all of them by default.
# Environment: BUILD_DIR (default build-fuzz), JOBS (build and fuzz
# processes, default 2), FUZZ_ARGS (extra libFuzzer flags).
#
# Findings (crash-*, leak-*, timeout-*, oom-*) are kept in
# $BUILD_DIR/findings with a .log holding the replayed stack of each; the
# script exits non-zero if there is any crash, leak or oom (timeouts and slow
# units are listed but pass: valid models can compute for long). A finding becomes a regression test
# by copying it into tests/malformed/crashers/.
set -euo pipefail

SECONDS_PER_TARGET="${1:-60}"
ONLY="${2:-}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build-fuzz}"
JOBS="${JOBS:-2}"
FINDINGS="$BUILD/findings"

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (Debian: apt-get install clang libclang-rt-dev)" >&2
  exit 2
fi
if [[ -f "$BUILD/CMakeCache.txt" ]] &&
  ! grep -q '^CMAKE_CXX_COMPILER:.*clang' "$BUILD/CMakeCache.txt"; then
  echo "fuzz.sh: $BUILD was configured with another compiler; remove it first" >&2
  exit 2
fi

CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEDGEML_FUZZ=ON -DEDGEML_BUILD_TESTS=OFF -DEDGEML_BUILD_TOOLS=OFF -DEDGEML_WERROR=OFF \
  >"$BUILD.configure.log" 2>&1 || {
  cat "$BUILD.configure.log" >&2
  exit 2
}

TARGETS=(model_fuzzer)
[[ -f "$ROOT/src/io/npy.h" ]] && TARGETS+=(npy_fuzzer)
[[ -f "$ROOT/src/io/image.h" ]] && TARGETS+=(image_fuzzer)
if [[ -n "$ONLY" ]]; then
  if [[ ! " ${TARGETS[*]} " =~ " $ONLY " ]]; then
    echo "fuzz.sh: unknown target '$ONLY' (have: ${TARGETS[*]})" >&2
    exit 2
  fi
  TARGETS=("$ONLY")
fi
cmake --build "$BUILD" --target "${TARGETS[@]}" -j"$JOBS"

# Seed corpora: read-only seed dirs; libFuzzer adds what it finds to corpus/.
SEEDS="$BUILD/seeds"
rm -rf "$SEEDS"
mkdir -p "$SEEDS/model_fuzzer" "$SEEDS/npy_fuzzer" "$SEEDS/image_fuzzer" "$FINDINGS"
cp "$ROOT"/fuzz/seeds/image/*.png "$ROOT"/fuzz/seeds/image/*.jpg "$ROOT"/testdata/images/* \
  "$SEEDS/image_fuzzer/"
cp "$ROOT"/testdata/models/*.tflite "$SEEDS/model_fuzzer/"
python3 "$ROOT/scripts/make_fuzz_corpus.py" "$SEEDS/model_fuzzer" >/dev/null ||
  echo "fuzz.sh: small seed models not generated (python3/flatc missing?)" >&2
cp "$ROOT"/tests/malformed/crashers/*.tflite "$SEEDS/model_fuzzer/" 2>/dev/null || true
# .npy seeds: a few valid headers and arrays (format v1.0).
python3 - "$SEEDS/npy_fuzzer" <<'EOF' || true
import struct, sys, os
out = sys.argv[1]
def npy(name, descr, shape, payload, fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False",
        "(" + "".join("%d, " % d for d in shape) + ")" if len(shape) != 1 else "(%d,)" % shape[0])
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + " " * pad + "\n"
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + payload)
npy("f32.npy", "<f4", [2, 3], struct.pack("<6f", *range(6)))
npy("u8.npy", "|u1", [1, 4, 4, 3], bytes(range(48)))
npy("i32.npy", "<i4", [5], struct.pack("<5i", *range(5)))
npy("scalar.npy", "<f4", [], struct.pack("<f", 1.5))
npy("f64_fortran.npy", "<f8", [2, 2], struct.pack("<4d", 1, 2, 3, 4), fortran=True)
EOF

status=0
for target in "${TARGETS[@]}"; do
  corpus="$BUILD/corpus/$target"
  mkdir -p "$corpus"
  # Crashes, leaks and ooms fail the run. Timeouts and slow units are listed
  # but do not: a valid model may simply compute for long (a large
  # convolution under ASan, a WHILE loop that runs long, as in LiteRT).
  failing() {
    find "$FINDINGS" -maxdepth 1 -name "$target-*" ! -name '*.log' \
      ! -name "$target-timeout-*" ! -name "$target-slow-unit-*" | wc -l
  }
  before=$(failing)
  echo "=== $target: ${SECONDS_PER_TARGET}s ==="
  # Fork mode keeps going after a crash, so one run can collect several.
  # ASan's allocator_may_return_null lets the runtime see failed huge
  # allocations as errors; -malloc_limit_mb still reports single requests
  # above the RSS limit as oom findings (missing resource limits).
  ASAN_OPTIONS="${ASAN_OPTIONS:-allocator_may_return_null=1:detect_leaks=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    "$BUILD/fuzz/$target" "$corpus" "$SEEDS/$target" \
    -max_len=3000000 -rss_limit_mb=2048 -timeout=10 \
    -max_total_time="$SECONDS_PER_TARGET" -fork="$JOBS" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$FINDINGS/$target-" -print_final_stats=1 ${FUZZ_ARGS:-} \
    >"$BUILD/$target.fuzz.log" 2>&1 || true
  tail -n 5 "$BUILD/$target.fuzz.log"
  after=$(failing)
  if ((after > before)); then
    echo "!!! $target: $((after - before)) new finding(s) in $FINDINGS" >&2
    status=1
  fi
done

# Replay every finding once more to keep its stack next to it.
shopt -s nullglob
for f in "$FINDINGS"/*; do
  [[ "$f" == *.log ]] && continue
  target="${f##*/}"
  target="${target%%-*}"
  [[ -x "$BUILD/fuzz/$target" && ! -f "$f.log" ]] || continue
  ASAN_OPTIONS="allocator_may_return_null=1" \
    "$BUILD/fuzz/$target" -rss_limit_mb=2048 -timeout=10 "$f" >"$f.log" 2>&1 || true
  echo "--- $f" >&2
  grep -m 12 -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$f.log" >&2 || true
  case "${f##*/}" in
    *-timeout-* | *-slow-unit-*) echo "    (slow input: reported, not a failure)" >&2 ;;
    *) status=1 ;;
  esac
done
exit "$status"
